/* orderbook/matching: the batch kernel (replay an ordered message list against a fresh engine)
 * and the kernel table. */
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"
#include "orderbook_internal.h"

#define N_(arr) (sizeof(arr) / sizeof((arr)[0]))

enum { OP_SUBMIT, OP_CANCEL, OP_REPLACE, OP_END_SESSION, OP_SNAPSHOT };

typedef struct batch_msg {
    int op;
    ck_ob_order_t order;   /* submit */
    ck_ob_replace_t rep;   /* cancel (order_id), replace */
    bool all;              /* end_session without symbol_id */
    uint32_t symbol_id;    /* end_session, snapshot */
    int64_t depth;         /* snapshot */
    int level;             /* snapshot: 2 or 3 */
} batch_msg_t;

/* Only the listed keys may appear; returns the first unknown one or NULL. */
static const char *unknown_key(const json_t *obj, const char *const *allowed, size_t n)
{
    const char *key;
    json_t *x;
    json_object_foreach((json_t *)obj, key, x) {
        size_t i = 0;
        while (i < n && strcmp(key, allowed[i])) i++;
        if (i == n) return key;
    }
    return NULL;
}

static ck_status_t req_field(ck_ctx_t *ctx, const json_t *m, const char *field, const char *key, const json_t **v)
{
    char f[CKI_ERR_FIELD_MAX];
    *v = json_object_get(m, key);
    if (!*v) return cki_invalid(ctx, cki_path_key(f, sizeof f, field, key), "missing (required)");
    return CK_OK;
}

static ck_status_t parse_msg(ck_ctx_t *ctx, const json_t *m, const char *field, batch_msg_t *out)
{
    static const char *const k_submit[] = {"op", "order"};
    static const char *const k_cancel[] = {"op", "order_id"};
    static const char *const k_replace[] = {"op", "order_id", "new_quantity", "new_price", "new_stop_price"};
    static const char *const k_end[] = {"op", "symbol_id"};
    static const char *const k_snap[] = {"op", "symbol_id", "depth", "level"};
    char f[CKI_ERR_FIELD_MAX];
    ck_status_t status;
    const json_t *v;
    memset(out, 0, sizeof *out);
    if (!json_is_object(m)) return cki_invalid(ctx, field, "must be an object");
    const json_t *op = json_object_get(m, "op");
    cki_path_key(f, sizeof f, field, "op");
    if (!op) return cki_invalid(ctx, f, "missing (required)");
    if (!json_is_string(op)) return cki_invalid(ctx, f, "must be a string");
    const char *name = json_string_value(op);
    const char *bad = NULL;
    if (!strcmp(name, "submit")) {
        out->op = OP_SUBMIT;
        bad = unknown_key(m, k_submit, N_(k_submit));
        if (!bad) {
            if ((status = req_field(ctx, m, field, "order", &v))) return status;
            return cki_ob_order_from_json(ctx, v, cki_path_key(f, sizeof f, field, "order"), &out->order);
        }
    } else if (!strcmp(name, "cancel")) {
        out->op = OP_CANCEL;
        bad = unknown_key(m, k_cancel, N_(k_cancel));
        if (!bad) {
            if ((status = req_field(ctx, m, field, "order_id", &v))) return status;
            return cki_ob_json_u64(ctx, v, cki_path_key(f, sizeof f, field, "order_id"), &out->rep.order_id);
        }
    } else if (!strcmp(name, "replace")) {
        out->op = OP_REPLACE;
        bad = unknown_key(m, k_replace, N_(k_replace));
        if (!bad) {
            if ((status = req_field(ctx, m, field, "order_id", &v))) return status;
            if ((status = cki_ob_json_u64(ctx, v, cki_path_key(f, sizeof f, field, "order_id"), &out->rep.order_id)))
                return status;
            if ((v = json_object_get(m, "new_quantity"))) {
                out->rep.has_quantity = true;
                if ((status = cki_ob_json_i64(ctx, v, cki_path_key(f, sizeof f, field, "new_quantity"),
                                              &out->rep.new_quantity)))
                    return status;
            }
            if ((v = json_object_get(m, "new_price"))) {
                out->rep.has_price = true;
                if ((status = cki_ob_json_i64(ctx, v, cki_path_key(f, sizeof f, field, "new_price"), &out->rep.new_price)))
                    return status;
            }
            if ((v = json_object_get(m, "new_stop_price"))) {
                out->rep.has_stop_price = true;
                if ((status = cki_ob_json_i64(ctx, v, cki_path_key(f, sizeof f, field, "new_stop_price"),
                                              &out->rep.new_stop_price)))
                    return status;
            }
            return CK_OK;
        }
    } else if (!strcmp(name, "end_session")) {
        out->op = OP_END_SESSION;
        bad = unknown_key(m, k_end, N_(k_end));
        if (!bad) {
            v = json_object_get(m, "symbol_id");
            out->all = !v;
            if (v) return cki_ob_json_u32(ctx, v, cki_path_key(f, sizeof f, field, "symbol_id"), &out->symbol_id);
            return CK_OK;
        }
    } else if (!strcmp(name, "snapshot")) {
        out->op = OP_SNAPSHOT;
        out->depth = 10;
        out->level = 2;
        bad = unknown_key(m, k_snap, N_(k_snap));
        if (!bad) {
            if ((status = req_field(ctx, m, field, "symbol_id", &v))) return status;
            if ((status = cki_ob_json_u32(ctx, v, cki_path_key(f, sizeof f, field, "symbol_id"), &out->symbol_id)))
                return status;
            if ((v = json_object_get(m, "depth"))) {
                cki_path_key(f, sizeof f, field, "depth");
                if ((status = cki_ob_json_i64(ctx, v, f, &out->depth))) return status;
                if (out->depth < 0) return cki_invalid(ctx, f, "must be >= 0 (0 = every level)");
            }
            if ((v = json_object_get(m, "level"))) {
                cki_path_key(f, sizeof f, field, "level");
                int64_t lv;
                if ((status = cki_ob_json_i64(ctx, v, f, &lv))) return status;
                if (lv != 2 && lv != 3) return cki_invalid(ctx, f, "must be 2 or 3");
                out->level = (int)lv;
            }
            return CK_OK;
        }
    } else {
        return cki_invalid(ctx, f, "unknown op \"%s\" (submit, cancel, replace, end_session, snapshot)", name);
    }
    return cki_invalid(ctx, cki_path_key(f, sizeof f, field, bad), "unknown field for op %s", name);
}

/* ---------------------------------------------------------------- the run */

typedef struct batch_run {
    ck_ctx_t *ctx;
    json_t *events;
    int64_t msg_index;
    bool nomem;
    /* final state of every order id: the last `done` per id (live orders are re-read at the end) */
    obi_map_t ids;
    ck_ob_order_state_t *states;
    uint32_t n_states, cap_states;
} batch_run_t;

static void on_event(void *user, const ck_ob_event_t *ev)
{
    batch_run_t *r = user;
    if (r->nomem) return;
    json_t *j = cki_ob_event_to_json(ev, r->msg_index);
    if (!j || json_array_append_new(r->events, j)) {
        r->nomem = true;
        return;
    }
    if (ev->type != CK_OB_EV_DONE) return;
    uint32_t i = obi_map_get(&r->ids, ev->order_id);
    if (i == OBI_NIL) {
        if (r->n_states == r->cap_states) {
            const uint32_t cap = r->cap_states ? r->cap_states * 2 : 64;
            ck_ob_order_state_t *s = cki_realloc(r->ctx, r->states, (size_t)cap * sizeof *s);
            if (!s) {
                r->nomem = true;
                return;
            }
            r->states = s;
            r->cap_states = cap;
        }
        if (cki_ob_map_reserve(r->ctx, &r->ids, r->n_states + 1)) {
            r->nomem = true;
            return;
        }
        i = r->n_states++;
        cki_ob_map_put(&r->ids, ev->order_id, i);
    }
    r->states[i] = *ev->state;
}

static int cmp_state(const void *a, const void *b)
{
    const uint64_t x = ((const ck_ob_order_state_t *)a)->order_id, y = ((const ck_ob_order_state_t *)b)->order_id;
    return (x > y) - (x < y);
}

static ck_status_t matching_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                                 ck_run_info_t *info)
{
    (void)k;
    char f[CKI_ERR_FIELD_MAX];
    ck_status_t status = CK_OK;
    ck_ob_engine_t *e = NULL;
    batch_msg_t *msgs = NULL;
    uint32_t *syms = NULL;
    batch_run_t run = {.ctx = ctx};
    json_t *snapshots = NULL, *orders = NULL, *books = NULL;
    const json_t *jm = json_object_get(in, "messages");
    const size_t n = json_array_size(jm);
    const int64_t final_depth = json_integer_value(json_object_get(in, "final_depth"));

    CK_TRY(ck_ob_engine_create(ctx, &e));
    CK_TRY(cki_ob_symbols_from_json(ctx, e, json_object_get(in, "symbols"), "symbols"));
    if (n) {
        msgs = cki_mallocarray(ctx, n, sizeof *msgs);
        if (!msgs) CK_TRY(cki_nomem(ctx));
    }
    for (size_t i = 0; i < n; i++)
        CK_TRY(parse_msg(ctx, json_array_get(jm, i), cki_path_index(f, sizeof f, "messages", i), &msgs[i]));

    run.events = json_array();
    snapshots = json_array();
    if (!run.events || !snapshots) CK_TRY(cki_nomem(ctx));
    const ck_ob_sink_t sink = {on_event, &run};
    for (size_t i = 0; i < n; i++) {
        const batch_msg_t *m = &msgs[i];
        run.msg_index = (int64_t)i;
        switch (m->op) {
        case OP_SUBMIT: status = ck_ob_submit(e, &m->order, &sink, NULL); break;
        case OP_CANCEL: status = ck_ob_cancel(e, m->rep.order_id, &sink, NULL); break;
        case OP_REPLACE: status = ck_ob_replace(e, &m->rep, &sink, NULL); break;
        case OP_END_SESSION: status = ck_ob_end_session(e, m->all, m->symbol_id, &sink, NULL); break;
        default: {
            json_t *snap = NULL;
            status = m->level == 3 ? cki_ob_l3_json(ctx, e, m->symbol_id, m->depth, &snap)
                                   : cki_ob_l2_json(ctx, e, m->symbol_id, m->depth, &snap);
            if (CK_IS_ERROR(status)) goto cleanup;
            if (json_object_set_new(snap, "msg_index", json_integer((json_int_t)i)) ||
                json_object_set_new(snap, "level", json_integer(m->level)) ||
                json_object_set_new(snap, "depth", json_integer(m->depth))) {
                json_decref(snap);
                CK_TRY(cki_nomem(ctx));
            }
            if (json_array_append_new(snapshots, snap)) CK_TRY(cki_nomem(ctx));
        }
        }
        if (CK_IS_ERROR(status)) goto cleanup;
        if (run.nomem) CK_TRY(cki_nomem(ctx));
        if ((i & 1023) == 1023) CK_TRY(cki_poll(ctx, (double)i / (double)n));
    }

    /* orders: the final state of every order id, ascending. */
    for (uint32_t i = 0; i < run.n_states; i++) {
        ck_ob_order_state_t live;
        if (ck_ob_order_state(e, run.states[i].order_id, &live) == CK_OK) run.states[i] = live;
    }
    if (run.n_states) qsort(run.states, run.n_states, sizeof *run.states, cmp_state);
    orders = json_array();
    if (!orders) CK_TRY(cki_nomem(ctx));
    for (uint32_t i = 0; i < run.n_states; i++) {
        json_t *o = cki_ob_state_to_json(&run.states[i]);
        if (!o || json_array_append_new(orders, o)) CK_TRY(cki_nomem(ctx));
    }

    /* books: the final L2 of every symbol, ascending symbol_id. */
    const size_t ns = ck_ob_symbols(e, NULL, 0);
    books = json_array();
    syms = cki_mallocarray(ctx, ns + 1, sizeof *syms);
    if (!books || !syms) CK_TRY(cki_nomem(ctx));
    ck_ob_symbols(e, syms, ns);
    for (size_t i = 0; i < ns; i++) {
        json_t *b = NULL;
        CK_TRY(cki_ob_l2_json(ctx, e, syms[i], final_depth, &b));
        if (json_array_append_new(books, b)) CK_TRY(cki_nomem(ctx));
    }
    ck_ob_stats_t st;
    ck_ob_stats(e, &st);
    {
        json_t *x = run.events;
        run.events = NULL;
        CK_TRY(cki_json_set(ctx, out, "events", x)); /* owns x, also on failure */
    }
    {
        json_t *x = snapshots;
        snapshots = NULL;
        CK_TRY(cki_json_set(ctx, out, "snapshots", x)); /* owns x, also on failure */
    }
    {
        json_t *x = orders;
        orders = NULL;
        CK_TRY(cki_json_set(ctx, out, "orders", x)); /* owns x, also on failure */
    }
    {
        json_t *x = books;
        books = NULL;
        CK_TRY(cki_json_set(ctx, out, "books", x)); /* owns x, also on failure */
    }
    CK_TRY(cki_json_set(ctx, out, "stats",
                        json_pack("{sIsIsI}", "messages", (json_int_t)n, "trades", (json_int_t)st.trades, "volume",
                                  (json_int_t)st.volume)));
    info->threads_used = 1;
cleanup:
    json_decref(run.events);
    json_decref(snapshots);
    json_decref(orders);
    json_decref(books);
    cki_free(ctx, run.states);
    cki_ob_map_free(ctx, &run.ids);
    cki_free(ctx, msgs);
    cki_free(ctx, syms);
    ck_ob_engine_destroy(&e);
    return status;
}

/* ---------------------------------------------------------------- kernel table */

static const ck_param_t matching_params[] = {
    {.name = "symbols", .type = CK_PT_ARRAY, .default_json = "[]",
     .doc = "symbol configs {symbol_id, tick_size, lot_size, min_qty, max_qty, min_price, max_price, stp_default, "
            "reject_stop_through}; unknown symbols get the defaults"},
    {.name = "messages", .type = CK_PT_ARRAY, .required = true,
     .doc = "ordered messages: {op: submit, order} | {op: cancel, order_id} | {op: replace, order_id, new_quantity?, "
            "new_price?, new_stop_price?} | {op: end_session, symbol_id?} | {op: snapshot, symbol_id, depth = 10, "
            "level = 2|3}"},
    {.name = "final_depth", .type = CK_PT_INT, .default_json = "10", .has_min = true, .min = 0,
     .doc = "levels per side in the final books (0 = every level)"},
};

static const ck_param_t matching_outputs[] = {
    {.name = "events", .type = CK_PT_ARRAY,
     .doc = "{msg_index, type, ...} in occurrence order: accepted, rejected, trade, stp, triggered, replaced, "
            "cancelled, expired, done"},
    {.name = "snapshots", .type = CK_PT_ARRAY, .doc = "one book per snapshot op (msg_index, level, depth, bids, asks, ...)"},
    {.name = "orders", .type = CK_PT_ARRAY,
     .doc = "final state of every order id, ascending: status, quantity, filled, remaining, cancelled, expired, ..."},
    {.name = "books", .type = CK_PT_ARRAY, .doc = "final L2 per symbol (final_depth levels), ascending symbol_id"},
    {.name = "stats", .type = CK_PT_OBJECT, .doc = "{messages, trades, volume}"},
};

/* The spec's worked scenario (symbol 1, default config; traders A..I = 1..9). */
#define OB_ORD_(id, side, extra, qty, trader)                                                                      \
    "{\"op\": \"submit\", \"order\": {\"order_id\": " #id ", \"symbol_id\": 1, \"side\": \"" side "\", " extra \
    "\"quantity\": " #qty ", \"trader_id\": " #trader "}}"
#define OB_SCENARIO_MESSAGES                                                                            \
    "[" OB_ORD_(1, "sell", "\"price\": 101, ", 10, 1) ", " OB_ORD_(2, "sell", "\"price\": 100, ", 5, 2) \
    ", " OB_ORD_(3, "sell", "\"price\": 100, ", 7, 3) ", "                                              \
    OB_ORD_(4, "sell", "\"type\": \"stop\", \"stop_price\": 99, ", 4, 6) ", "                           \
    OB_ORD_(5, "buy", "\"price\": 101, ", 15, 4) ", "                                                   \
    OB_ORD_(6, "buy", "\"price\": 101, \"tif\": \"fok\", ", 8, 5) ", "                                  \
    OB_ORD_(7, "buy", "\"price\": 101, \"post_only\": true, ", 1, 5) ", "                               \
    OB_ORD_(8, "buy", "\"price\": 99, ", 6, 7) ", " OB_ORD_(9, "buy", "\"price\": 99, ", 2, 8) ", "      \
    OB_ORD_(10, "sell", "\"price\": 99, \"stp_policy\": \"cancel_newest\", ", 3, 7) ", "                \
    OB_ORD_(11, "sell", "\"type\": \"market\", ", 7, 9) "]"

const char cki_orderbook_scenario_input[] = "{\"messages\": " OB_SCENARIO_MESSAGES "}";

const ck_kernel_t cki_orderbook_kernels[] = {
    {
        .meta = {.id = "orderbook/matching",
                 .modes = CK_MODE_BATCH | CK_MODE_RING,
                 .domain = CK_DOMAIN_ORDERBOOK,
                 .description = "Price-time-priority limit order book: limit/market/stop orders, gtc/day/ioc/fok, "
                                "self-trade prevention, cancel/replace, session expiry, L2/L3 snapshots",
                 .expected_throughput = 10000000,
                 .target_latency_us = 1.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = matching_params,
        .n_params = N_(matching_params),
        .outputs = matching_outputs,
        .n_outputs = N_(matching_outputs),
        .example_input = cki_orderbook_scenario_input,
        .run_json = matching_json,
    },
};
const size_t cki_orderbook_kernel_count = N_(cki_orderbook_kernels);
