/* orderbook/matching: JSON forms (orders, symbol configs, events, books) shared by the batch
 * binder and the ring actor. */
#include <string.h>

#include "json_internal.h"
#include "orderbook_internal.h"

/* ---------------------------------------------------------------- scalars */

ck_status_t cki_ob_json_i64(ck_ctx_t *ctx, const json_t *v, const char *field, int64_t *out)
{
    if (!json_is_integer(v)) return cki_invalid(ctx, field, "must be an integer");
    *out = (int64_t)json_integer_value(v);
    return CK_OK;
}

ck_status_t cki_ob_json_u64(ck_ctx_t *ctx, const json_t *v, const char *field, uint64_t *out)
{
    if (!json_is_integer(v)) return cki_invalid(ctx, field, "must be an integer");
    const json_int_t x = json_integer_value(v);
    if (x < 0) return cki_invalid(ctx, field, "must be >= 0 (got %lld)", (long long)x);
    *out = (uint64_t)x;
    return CK_OK;
}

ck_status_t cki_ob_json_u32(ck_ctx_t *ctx, const json_t *v, const char *field, uint32_t *out)
{
    if (!json_is_integer(v)) return cki_invalid(ctx, field, "must be an integer");
    const json_int_t x = json_integer_value(v);
    if (x < 0 || x > (json_int_t)UINT32_MAX) return cki_invalid(ctx, field, "out of range 0..4294967295");
    *out = (uint32_t)x;
    return CK_OK;
}

static ck_status_t json_bool(ck_ctx_t *ctx, const json_t *v, const char *field, bool *out)
{
    if (!json_is_boolean(v)) return cki_invalid(ctx, field, "must be a boolean");
    *out = json_is_true(v);
    return CK_OK;
}

json_t *cki_ob_int128_new(ck_int128_t v)
{
    char buf[48];
    ck_ob_int128_format(buf, sizeof buf, v);
    return json_string(buf);
}

json_t *cki_ob_avg_price_new(ck_int128_t notional, int64_t filled)
{
    if (filled <= 0) return json_null();
    return json_real((double)notional / (double)filled);
}

/* ---------------------------------------------------------------- order */

ck_status_t cki_ob_order_from_json(ck_ctx_t *ctx, const json_t *v, const char *field, ck_ob_order_t *o)
{
    char f[CKI_ERR_FIELD_MAX];
    ck_status_t status = CK_OK;
    if (!json_is_object(v)) return cki_invalid(ctx, field, "must be an object");
    ck_ob_order_init(o);
    bool has_id = false, has_sym = false, has_side = false, has_qty = false, has_trader = false;
    const char *key;
    json_t *x;
    json_object_foreach((json_t *)v, key, x) {
        cki_path_key(f, sizeof f, field, key);
        if (!strcmp(key, "order_id")) {
            status = cki_ob_json_u64(ctx, x, f, &o->order_id);
            has_id = true;
        } else if (!strcmp(key, "symbol_id")) {
            status = cki_ob_json_u32(ctx, x, f, &o->symbol_id);
            has_sym = true;
        } else if (!strcmp(key, "side")) {
            if (!json_is_string(x) || ck_ob_side_parse(json_string_value(x), &o->side))
                return cki_invalid(ctx, f, "must be \"buy\" or \"sell\"");
            has_side = true;
        } else if (!strcmp(key, "type")) {
            if (!json_is_string(x) || ck_ob_type_parse(json_string_value(x), &o->type))
                return cki_invalid(ctx, f, "must be one of limit, market, stop, stop_limit");
        } else if (!strcmp(key, "price")) {
            status = cki_ob_json_i64(ctx, x, f, &o->price);
        } else if (!strcmp(key, "stop_price")) {
            status = cki_ob_json_i64(ctx, x, f, &o->stop_price);
        } else if (!strcmp(key, "quantity")) {
            status = cki_ob_json_i64(ctx, x, f, &o->quantity);
            has_qty = true;
        } else if (!strcmp(key, "tif")) {
            if (!json_is_string(x) || ck_ob_tif_parse(json_string_value(x), &o->tif))
                return cki_invalid(ctx, f, "must be one of gtc, day, ioc, fok");
        } else if (!strcmp(key, "post_only")) {
            status = json_bool(ctx, x, f, &o->post_only);
        } else if (!strcmp(key, "trader_id")) {
            status = cki_ob_json_u64(ctx, x, f, &o->trader_id);
            has_trader = true;
        } else if (!strcmp(key, "stp_group")) {
            status = cki_ob_json_u64(ctx, x, f, &o->stp_group);
            o->has_stp_group = true;
        } else if (!strcmp(key, "stp_policy")) {
            if (!json_is_string(x) || ck_ob_stp_policy_parse(json_string_value(x), &o->stp_policy))
                return cki_invalid(ctx, f, "must be one of cancel_newest, cancel_oldest, cancel_both, decrement, none");
        } else if (!strcmp(key, "timestamp")) {
            status = cki_ob_json_i64(ctx, x, f, &o->timestamp);
        } else {
            return cki_invalid(ctx, f, "unknown field");
        }
        if (CK_IS_ERROR(status)) return status;
    }
    const char *missing = !has_id       ? "order_id"
                          : !has_sym    ? "symbol_id"
                          : !has_side   ? "side"
                          : !has_qty    ? "quantity"
                          : !has_trader ? "trader_id"
                                        : NULL;
    if (missing) return cki_invalid(ctx, cki_path_key(f, sizeof f, field, missing), "missing (required)");
    return CK_OK;
}

json_t *cki_ob_order_to_json(const ck_ob_order_t *o)
{
    json_t *j = json_pack("{sIsIsssssIsIsb}", "order_id", (json_int_t)o->order_id, "symbol_id",
                          (json_int_t)o->symbol_id, "side", ck_ob_side_name(o->side), "type", ck_ob_type_name(o->type),
                          "quantity", (json_int_t)o->quantity, "trader_id", (json_int_t)o->trader_id, "post_only",
                          o->post_only);
    if (!j) return NULL;
    int bad = 0;
    if (o->price) bad |= json_object_set_new(j, "price", json_integer(o->price));
    if (o->stop_price) bad |= json_object_set_new(j, "stop_price", json_integer(o->stop_price));
    if (o->tif != CK_OB_TIF_DEFAULT) bad |= json_object_set_new(j, "tif", json_string(ck_ob_tif_name(o->tif)));
    if (o->has_stp_group) bad |= json_object_set_new(j, "stp_group", json_integer((json_int_t)o->stp_group));
    if (o->stp_policy != CK_OB_STP_DEFAULT)
        bad |= json_object_set_new(j, "stp_policy", json_string(ck_ob_stp_policy_name(o->stp_policy)));
    if (o->timestamp) bad |= json_object_set_new(j, "timestamp", json_integer(o->timestamp));
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* ---------------------------------------------------------------- symbol config */

ck_status_t cki_ob_symbol_from_json(ck_ctx_t *ctx, const json_t *v, const char *field, ck_ob_symbol_config_t *c)
{
    char f[CKI_ERR_FIELD_MAX];
    ck_status_t status = CK_OK;
    if (!json_is_object(v)) return cki_invalid(ctx, field, "must be an object");
    const json_t *id = json_object_get(v, "symbol_id");
    if (!id) return cki_invalid(ctx, cki_path_key(f, sizeof f, field, "symbol_id"), "missing (required)");
    uint32_t sid = 0;
    status = cki_ob_json_u32(ctx, id, cki_path_key(f, sizeof f, field, "symbol_id"), &sid);
    if (CK_IS_ERROR(status)) return status;
    ck_ob_symbol_config_init(c, sid);
    const char *key;
    json_t *x;
    json_object_foreach((json_t *)v, key, x) {
        cki_path_key(f, sizeof f, field, key);
        if (!strcmp(key, "symbol_id")) continue;
        if (!strcmp(key, "tick_size")) status = cki_json_money(ctx, x, f, &c->tick_size);
        else if (!strcmp(key, "lot_size")) status = cki_json_money(ctx, x, f, &c->lot_size);
        else if (!strcmp(key, "min_qty")) status = cki_ob_json_i64(ctx, x, f, &c->min_qty);
        else if (!strcmp(key, "max_qty")) status = cki_ob_json_i64(ctx, x, f, &c->max_qty);
        else if (!strcmp(key, "min_price")) status = cki_ob_json_i64(ctx, x, f, &c->min_price);
        else if (!strcmp(key, "max_price")) status = cki_ob_json_i64(ctx, x, f, &c->max_price);
        else if (!strcmp(key, "reject_stop_through")) status = json_bool(ctx, x, f, &c->reject_stop_through);
        else if (!strcmp(key, "stp_default")) {
            if (!json_is_string(x) || ck_ob_stp_policy_parse(json_string_value(x), &c->stp_default))
                return cki_invalid(ctx, f, "must be one of cancel_newest, cancel_oldest, cancel_both, decrement, none");
        } else return cki_invalid(ctx, f, "unknown field");
        if (CK_IS_ERROR(status)) return status;
    }
    if (c->tick_size.raw <= 0) return cki_invalid(ctx, cki_path_key(f, sizeof f, field, "tick_size"), "must be > 0");
    if (c->lot_size.raw <= 0) return cki_invalid(ctx, cki_path_key(f, sizeof f, field, "lot_size"), "must be > 0");
    if (c->min_qty < 1) return cki_invalid(ctx, cki_path_key(f, sizeof f, field, "min_qty"), "must be >= 1");
    if (c->max_qty < c->min_qty)
        return cki_invalid(ctx, cki_path_key(f, sizeof f, field, "max_qty"), "must be >= min_qty");
    if (c->min_price < 1) return cki_invalid(ctx, cki_path_key(f, sizeof f, field, "min_price"), "must be >= 1");
    if (c->max_price < c->min_price)
        return cki_invalid(ctx, cki_path_key(f, sizeof f, field, "max_price"), "must be >= min_price");
    return CK_OK;
}

json_t *cki_ob_symbol_to_json(const ck_ob_symbol_config_t *c)
{
    json_t *j = json_pack("{sIsosososIsIsIsssb}", "symbol_id", (json_int_t)c->symbol_id, "tick_size",
                          cki_json_money_new(c->tick_size), "lot_size", cki_json_money_new(c->lot_size), "min_qty",
                          json_integer(c->min_qty), "max_qty", (json_int_t)c->max_qty, "min_price",
                          (json_int_t)c->min_price, "max_price", (json_int_t)c->max_price, "stp_default",
                          ck_ob_stp_policy_name(c->stp_default), "reject_stop_through", c->reject_stop_through);
    return j;
}

ck_status_t cki_ob_symbols_from_json(ck_ctx_t *ctx, ck_ob_engine_t *e, const json_t *arr, const char *field)
{
    char f[CKI_ERR_FIELD_MAX], g[CKI_ERR_FIELD_MAX];
    if (!arr) return CK_OK;
    if (!json_is_array(arr)) return cki_invalid(ctx, field, "must be an array");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        ck_ob_symbol_config_t c;
        cki_path_index(f, sizeof f, field, i);
        ck_status_t status = cki_ob_symbol_from_json(ctx, json_array_get(arr, i), f, &c);
        if (CK_IS_ERROR(status)) return status;
        ck_ob_symbol_config_t old;
        if (ck_ob_symbol_config(e, c.symbol_id, &old) == CK_OK)
            return cki_invalid(ctx, cki_path_key(g, sizeof g, f, "symbol_id"), "duplicate symbol %u", c.symbol_id);
        status = ck_ob_configure_symbol(e, &c);
        if (CK_IS_ERROR(status)) return status;
    }
    return CK_OK;
}

/* ---------------------------------------------------------------- events and states */

json_t *cki_ob_event_to_json(const ck_ob_event_t *ev, int64_t msg_index)
{
    json_t *j = json_pack("{sIss}", "msg_index", (json_int_t)msg_index, "type", ck_ob_event_type_name(ev->type));
    if (!j) return NULL;
    json_t *add = NULL;
    switch (ev->type) {
    case CK_OB_EV_ACCEPTED:
    case CK_OB_EV_TRIGGERED:
        add = json_pack("{sIsI}", "order_id", (json_int_t)ev->order_id, "seq", (json_int_t)ev->seq);
        break;
    case CK_OB_EV_REJECTED:
        add = json_pack("{sIss}", "order_id", (json_int_t)ev->order_id, "reason", ck_ob_reject_name(ev->reject));
        break;
    case CK_OB_EV_TRADE: {
        const ck_ob_trade_t *t = ev->trade;
        add = json_pack("{sIsIsIsIsIsIsIsIsssb}", "trade_id", (json_int_t)t->trade_id, "symbol_id",
                        (json_int_t)t->symbol_id, "price", (json_int_t)t->price, "quantity", (json_int_t)t->quantity,
                        "buy_order_id", (json_int_t)t->buy_order_id, "sell_order_id", (json_int_t)t->sell_order_id,
                        "maker_order_id", (json_int_t)t->maker_order_id, "taker_order_id",
                        (json_int_t)t->taker_order_id, "aggressor", ck_ob_side_name(t->aggressor), "self_trade",
                        t->self_trade);
        break;
    }
    case CK_OB_EV_STP:
        add = json_pack("{sIsssI}", "order_id", (json_int_t)ev->order_id, "action",
                        ck_ob_stp_action_name(ev->stp_action), "quantity", (json_int_t)ev->quantity);
        break;
    case CK_OB_EV_REPLACED:
        add = json_pack("{sIsIsb}", "order_id", (json_int_t)ev->order_id, "seq", (json_int_t)ev->seq,
                        "priority_kept", ev->priority_kept);
        break;
    case CK_OB_EV_CANCELLED:
        add = json_pack("{sIsIss}", "order_id", (json_int_t)ev->order_id, "quantity", (json_int_t)ev->quantity,
                        "reason", ck_ob_cancel_reason_name(ev->cancel_reason));
        break;
    case CK_OB_EV_EXPIRED:
        add = json_pack("{sIsI}", "order_id", (json_int_t)ev->order_id, "quantity", (json_int_t)ev->quantity);
        break;
    case CK_OB_EV_DONE: {
        const ck_ob_order_state_t *s = ev->state;
        add = json_pack("{sIsssIsoso}", "order_id", (json_int_t)s->order_id, "status", ck_ob_status_name(s->status),
                        "filled", (json_int_t)s->filled, "notional", cki_ob_int128_new(s->notional), "avg_price",
                        cki_ob_avg_price_new(s->notional, s->filled));
        break;
    }
    }
    if (!add || json_object_update(j, add)) {
        json_decref(add);
        json_decref(j);
        return NULL;
    }
    json_decref(add);
    return j;
}

json_t *cki_ob_state_to_json(const ck_ob_order_state_t *s)
{
    json_t *j = json_pack("{sIsIsssssssssIsIsIsIsIsIsososIsI}", "order_id", (json_int_t)s->order_id, "symbol_id",
                          (json_int_t)s->symbol_id, "side", ck_ob_side_name(s->side), "type", ck_ob_type_name(s->type),
                          "tif", ck_ob_tif_name(s->tif), "status", ck_ob_status_name(s->status), "quantity",
                          (json_int_t)s->quantity, "filled", (json_int_t)s->filled, "remaining",
                          (json_int_t)s->remaining, "cancelled", (json_int_t)s->cancelled, "expired",
                          (json_int_t)s->expired, "trader_id", (json_int_t)s->trader_id, "notional",
                          cki_ob_int128_new(s->notional), "avg_price", cki_ob_avg_price_new(s->notional, s->filled),
                          "seq", (json_int_t)s->seq, "trade_count", (json_int_t)s->trade_count);
    if (!j) return NULL;
    int bad = 0;
    if (s->price) bad |= json_object_set_new(j, "price", json_integer(s->price));
    if (s->stop_price) bad |= json_object_set_new(j, "stop_price", json_integer(s->stop_price));
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* ---------------------------------------------------------------- books */

static json_t *int_or_null(bool has, int64_t v) { return has ? json_integer(v) : json_null(); }

static json_t *info_json(uint32_t symbol_id, const ck_ob_book_info_t *in)
{
    return json_pack("{sIsosososososIsI}", "symbol_id", (json_int_t)symbol_id, "best_bid",
                     int_or_null(in->has_bid, in->best_bid), "best_ask", int_or_null(in->has_ask, in->best_ask),
                     "spread", int_or_null(in->has_bid && in->has_ask, in->spread), "mid",
                     in->has_bid && in->has_ask ? json_real(in->mid) : json_null(), "last_trade_price",
                     int_or_null(in->has_last, in->last_trade_price), "volume", (json_int_t)in->volume, "trade_count",
                     (json_int_t)in->trade_count);
}

/* Set "bids" and "asks" on a book object and hand it out; every reference is taken, even on
 * failure. */
static ck_status_t attach_sides(ck_ctx_t *ctx, json_t *j, json_t *jb, json_t *ja, json_t **out)
{
    int fail = json_object_set_new(j, "bids", jb);
    fail |= json_object_set_new(j, "asks", ja);
    if (fail) {
        json_decref(j);
        return cki_nomem(ctx);
    }
    *out = j;
    return CK_OK;
}

ck_status_t cki_ob_l2_json(ck_ctx_t *ctx, const ck_ob_engine_t *e, uint32_t symbol_id, int64_t depth, json_t **out)
{
    ck_ob_book_info_t info;
    size_t nb = 0, na = 0;
    ck_ob_level_t *b = NULL, *a = NULL;
    json_t *j = NULL, *jb = NULL, *ja = NULL;
    ck_status_t status = ck_ob_l2(e, symbol_id, depth, NULL, 0, &nb, NULL, 0, &na, &info);
    if (CK_IS_ERROR(status)) return status;
    size_t cb = (size_t)info.bid_levels, ca = (size_t)info.ask_levels;
    if (depth > 0) {
        if (cb > (size_t)depth) cb = (size_t)depth;
        if (ca > (size_t)depth) ca = (size_t)depth;
    }
    b = cki_mallocarray(ctx, cb + 1, sizeof *b);
    a = cki_mallocarray(ctx, ca + 1, sizeof *a);
    j = info_json(symbol_id, &info);
    jb = json_array();
    ja = json_array();
    if (!b || !a || !j || !jb || !ja) goto nomem;
    ck_ob_l2(e, symbol_id, depth, b, cb, &nb, a, ca, &na, &info);
    for (int side = 0; side < 2; side++) {
        const ck_ob_level_t *lv = side ? a : b;
        const size_t n = side ? na : nb;
        for (size_t i = 0; i < n; i++) {
            json_t *row = json_pack("{sIsIsI}", "price", (json_int_t)lv[i].price, "quantity",
                                    (json_int_t)lv[i].quantity, "order_count", (json_int_t)lv[i].order_count);
            if (!row || json_array_append_new(side ? ja : jb, row)) goto nomem;
        }
    }
    cki_free(ctx, b);
    cki_free(ctx, a);
    return attach_sides(ctx, j, jb, ja, out);
nomem:
    cki_free(ctx, b);
    cki_free(ctx, a);
    json_decref(j);
    json_decref(jb);
    json_decref(ja);
    return cki_nomem(ctx);
}

ck_status_t cki_ob_l3_json(ck_ctx_t *ctx, const ck_ob_engine_t *e, uint32_t symbol_id, int64_t depth, json_t **out)
{
    ck_ob_book_info_t info;
    size_t nb = 0, na = 0;
    ck_ob_l3_order_t *b = NULL, *a = NULL;
    json_t *j = NULL, *jb = NULL, *ja = NULL;
    ck_status_t status = ck_ob_l3(e, symbol_id, depth, NULL, 0, &nb, NULL, 0, &na, &info);
    if (CK_IS_ERROR(status)) return status;
    const size_t cb = (size_t)info.bid_orders, ca = (size_t)info.ask_orders;
    b = cki_mallocarray(ctx, cb + 1, sizeof *b);
    a = cki_mallocarray(ctx, ca + 1, sizeof *a);
    j = info_json(symbol_id, &info);
    jb = json_array();
    ja = json_array();
    if (!b || !a || !j || !jb || !ja) goto nomem;
    ck_ob_l3(e, symbol_id, depth, b, cb, &nb, a, ca, &na, &info);
    for (int side = 0; side < 2; side++) {
        const ck_ob_l3_order_t *o = side ? a : b;
        const size_t n = side ? na : nb;
        for (size_t i = 0; i < n; i++) {
            json_t *row = json_pack("{sIsIsIsIsI}", "order_id", (json_int_t)o[i].order_id, "price",
                                    (json_int_t)o[i].price, "remaining", (json_int_t)o[i].remaining, "seq",
                                    (json_int_t)o[i].seq, "trader_id", (json_int_t)o[i].trader_id);
            if (!row || json_array_append_new(side ? ja : jb, row)) goto nomem;
        }
    }
    cki_free(ctx, b);
    cki_free(ctx, a);
    return attach_sides(ctx, j, jb, ja, out);
nomem:
    cki_free(ctx, b);
    cki_free(ctx, a);
    json_decref(j);
    json_decref(jb);
    json_decref(ja);
    return cki_nomem(ctx);
}
