/* orderbook/matching as a ring actor, through the runtime: the worked scenario with binary
 * payloads (trades before each report), every differential fixture stream replayed as JSON
 * messages (same trades, rejects, final L3 books and live order states as the Python model and
 * the batch kernel), depth-limited book replies, bad payloads, codecs, config, reset, snapshot. */
#include <stdarg.h>
#include <stdio.h>

#include "ob_test.h"
#include "wire.h"

#define TIMEOUT ((int64_t)20 * 1000000000)

static const ck_actor_class_t *cls = &cki_orderbook_actor_class;

typedef struct rt_fx {
    ck_ctx_t *ctx;
    ck_runtime_t *rt;
    ck_actor_t *a;
} rt_fx_t;

static rt_fx_t launch(const char *config, int64_t slot)
{
    rt_fx_t f = {0};
    cr_assert_eq(ck_ctx_create(&f.ctx, NULL), CK_OK);
    cr_assert_eq(ck_runtime_create(&f.rt, f.ctx, NULL,
                                   &(ck_runtime_options_t){.max_actors = 2, .ring_capacity = 256, .slot_size = slot}),
                 CK_OK, "%s", ck_ctx_error(f.ctx));
    ck_status_t s = ck_runtime_launch(f.rt, "orderbook/matching", cls,
                                      &(ck_actor_options_t){.idle = CK_IDLE_SPIN_THEN_PARK, .config_json = config}, &f.a);
    cr_assert_eq(s, CK_OK, "%s", ck_ctx_error(f.ctx));
    cr_assert_eq(ck_actor_activate(f.a), CK_OK);
    return f;
}

static void land(rt_fx_t *f)
{
    ck_runtime_destroy(&f->rt);
    ck_ctx_destroy(&f->ctx);
}

/* One JSON request; returns the messages the actor sent (array of objects). */
static json_t *req(rt_fx_t *f, const char *fmt, ...)
{
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *out = NULL;
    ck_status_t s = ck_actor_request_json(f->a, msg, strlen(msg), &out, TIMEOUT);
    cr_assert_eq(s, CK_OK, "%s: %s", msg, ck_ctx_error(f->ctx));
    json_t *arr = json_array();
    for (char *line = out, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        json_t *j = json_loads(line, 0, NULL);
        cr_assert(j, "bad reply line %s", line);
        json_array_append_new(arr, j);
    }
    ck_ctx_free(f->ctx, out);
    return arr;
}

static bool has_bytes(const uint8_t *p, size_t n, const char *s)
{
    const size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(p + i, s, k)) return true;
    return false;
}

static const char *type_of(const json_t *m) { return json_string_value(json_object_get(m, "type")); }

/* ---------------------------------------------------------------- binary path */

static size_t order_payload(uint8_t *p, uint64_t id, uint8_t side, uint8_t type, int64_t price, int64_t stop,
                            int64_t qty, uint64_t trader, uint8_t tif, uint8_t post, uint8_t stp)
{
    cki_wire_t w = cki_wire_writer(p, 72);
    cki_wire_u64(&w, id);
    cki_wire_u32(&w, 1);
    cki_wire_u8(&w, side);
    cki_wire_u8(&w, type);
    cki_wire_u8(&w, tif);
    cki_wire_u8(&w, post);
    cki_wire_u8(&w, stp);
    for (int i = 0; i < 7; i++) cki_wire_u8(&w, 0);
    cki_wire_i64(&w, price);
    cki_wire_i64(&w, stop);
    cki_wire_i64(&w, qty);
    cki_wire_u64(&w, trader);
    cki_wire_u64(&w, 0);
    cki_wire_i64(&w, 0);
    cr_assert(!w.overflow && w.len == 72);
    return w.len;
}

typedef struct got {
    uint32_t type;
    uint8_t p[256];
    size_t len;
} got_t;

/* Send one payload; collect every message up to the reply to it. */
static size_t exchange(rt_fx_t *f, uint32_t type, const void *payload, size_t len, got_t *out, size_t cap)
{
    uint64_t id;
    cr_assert_eq(ck_actor_send(f->a, type, payload, len, CK_SEND_BLOCK, &id), CK_OK);
    size_t n = 0;
    for (;;) {
        ck_msg_header_t h;
        bool got = false;
        cr_assert_lt(n, cap);
        cr_assert_eq(ck_actor_recv(f->a, &h, out[n].p, sizeof out[n].p, &out[n].len, TIMEOUT, &got), CK_OK);
        cr_assert(got, "no reply");
        out[n].type = h.type_id;
        n++;
        if (h.correlation_id == id) return n;
    }
}

/* The spec's scenario with binary payloads through the default runtime (256-byte slots). */
Test(actor, scenario_binary)
{
    rt_fx_t f = launch(NULL, 256);
    uint8_t p[72];
    got_t g[16];
    /* Trader letters A..I = 1..9; order numbering as in the spec table. */
    const struct {
        uint64_t id;
        uint8_t side, type;
        int64_t price, stop, qty;
        uint64_t trader;
        uint8_t tif, post, stp;
        size_t trades;
    } msgs[] = {
        {1, 1, 0, 101, 0, 10, 1, 0, 0, 0, 0}, {2, 1, 0, 100, 0, 5, 2, 0, 0, 0, 0}, {3, 1, 0, 100, 0, 7, 3, 0, 0, 0, 0},
        {4, 1, 2, 0, 99, 4, 6, 0, 0, 0, 0},   {5, 0, 0, 101, 0, 15, 4, 0, 0, 0, 3}, {6, 0, 0, 101, 0, 8, 5, 4, 0, 0, 0},
        {7, 0, 0, 101, 0, 1, 5, 0, 1, 0, 0},  {8, 0, 0, 99, 0, 6, 7, 0, 0, 0, 0},   {9, 0, 0, 99, 0, 2, 8, 0, 0, 0, 0},
        {10, 1, 0, 99, 0, 3, 7, 0, 0, 1, 0},  {11, 1, 1, 0, 0, 7, 9, 0, 0, 0, 3},
    };
    const uint8_t want_status[] = {CK_OB_NEW, CK_OB_NEW,       CK_OB_NEW, CK_OB_NEW, CK_OB_FILLED, CK_OB_CANCELLED,
                                   CK_OB_REJECTED, CK_OB_NEW, CK_OB_NEW, CK_OB_CANCELLED, CK_OB_FILLED};
    int64_t trades = 0, volume = 0;
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        const size_t len = order_payload(p, msgs[i].id, msgs[i].side, msgs[i].type, msgs[i].price, msgs[i].stop,
                                         msgs[i].qty, msgs[i].trader, msgs[i].tif, msgs[i].post, msgs[i].stp);
        const size_t n = exchange(&f, 500, p, len, g, 16);
        cr_assert_eq(n, msgs[i].trades + 1, "message %zu: %zu replies", i + 1, n);
        for (size_t k = 0; k + 1 < n; k++) {
            cr_assert_eq(g[k].type, 502u); /* trades first */
            cr_assert_eq(g[k].len, 80u);
            cr_assert_eq(cki_wire_get_u64(g[k].p, 0), (uint64_t)++trades);
            volume += cki_wire_get_i64(g[k].p, 24);
        }
        cr_assert_eq(g[n - 1].type, 501u);
        cr_assert_eq(g[n - 1].len, 72u);
        cr_assert_eq(cki_wire_get_u64(g[n - 1].p, 0), msgs[i].id);
        cr_assert_eq(cki_wire_get_u8(g[n - 1].p, 8), want_status[i], "message %zu: status %u", i + 1,
                     cki_wire_get_u8(g[n - 1].p, 8));
    }
    /* Message 7's report names the reason; message 5's report: filled 15, notional 1503, 3 trades. */
    cr_assert_eq(trades, 6);
    cr_assert_eq(volume, 23);
    /* The last trade: T6 1@99, buy 9 x sell 4 (the triggered stop), maker 9. */
    /* Book: bids empty, asks 101 x 7 (S1). */
    uint8_t q[8];
    cki_wire_t w = cki_wire_writer(q, 8);
    cki_wire_u32(&w, 1);
    cki_wire_u32(&w, 10);
    size_t n = exchange(&f, 530, q, 8, g, 16);
    cr_assert(n == 1 && g[0].type == 531u);
    cr_assert_eq(g[0].len, 48u + 24u);
    cr_assert_eq(cki_wire_get_u8(g[0].p, 4), 2 | 4); /* an ask, a last price, not truncated */
    cr_assert_eq(cki_wire_get_i64(g[0].p, 16), 101);
    cr_assert_eq(cki_wire_get_i64(g[0].p, 24), 99);
    cr_assert_eq(cki_wire_get_i64(g[0].p, 32), 23);
    cr_assert(cki_wire_get_u32(g[0].p, 40) == 0 && cki_wire_get_u32(g[0].p, 44) == 1);
    cr_assert(cki_wire_get_i64(g[0].p, 48) == 101 && cki_wire_get_i64(g[0].p, 56) == 7 && cki_wire_get_u64(g[0].p, 64) == 1);
    /* Cancel S1: 7 lots; again: unknown_order. */
    w = cki_wire_writer(q, 8);
    cki_wire_u64(&w, 1);
    n = exchange(&f, 520, q, 8, g, 16);
    cr_assert(g[0].type == 521u && g[0].len == 24u && cki_wire_get_u8(g[0].p, 8) == 1 && cki_wire_get_i64(g[0].p, 16) == 7);
    n = exchange(&f, 520, q, 8, g, 16);
    cr_assert(cki_wire_get_u8(g[0].p, 8) == 0 && cki_wire_get_u8(g[0].p, 9) == CK_OB_REJECT_UNKNOWN_ORDER);
    /* A bad length and an unknown type are answered with CK_MSG_ERROR; the actor goes on. */
    n = exchange(&f, 500, p, 71, g, 16);
    cr_assert(n == 1 && g[0].type == CK_MSG_ERROR);
    cr_assert_eq(cki_wire_get_u32(g[0].p, 0), 500u);
    cr_assert(has_bytes(g[0].p, g[0].len, "len"));
    n = exchange(&f, 577, p, 8, g, 16);
    cr_assert(n == 1 && g[0].type == CK_MSG_ERROR);
    p[12] = 9; /* side out of range */
    n = exchange(&f, 500, p, 72, g, 16);
    cr_assert(n == 1 && g[0].type == CK_MSG_ERROR);
    cr_assert(has_bytes(g[0].p, g[0].len, "order.side"));
    ck_actor_stats_t st;
    ck_actor_stats(f.a, &st);
    cr_assert_eq(st.errors, 3);
    land(&f);
}

/* L2/L3 replies are limited to what fits a slot, with the truncated flag. */
Test(actor, depth_limited_by_slot)
{
    rt_fx_t f = launch(NULL, 256); /* 192-byte payloads: 6 levels or 3 orders */
    uint8_t p[72];
    got_t g[4];
    for (uint64_t i = 0; i < 10; i++) {
        order_payload(p, 100 + i, 0, 0, 90 - (int64_t)i, 0, 1, 1, 0, 0, 0);
        exchange(&f, 500, p, 72, g, 4);
        order_payload(p, 200 + i, 1, 0, 110 + (int64_t)i, 0, 1, 2, 0, 0, 0);
        exchange(&f, 500, p, 72, g, 4);
    }
    json_t *r = req(&f, "{\"type\": \"query_l2\", \"symbol_id\": 1, \"depth\": 10}");
    const json_t *b = json_array_get(r, 0);
    cr_assert_str_eq(type_of(b), "book_l2");
    cr_assert(json_is_true(json_object_get(b, "truncated")));
    cr_assert_eq(json_array_size(json_object_get(b, "bids")), 3);
    cr_assert_eq(json_array_size(json_object_get(b, "asks")), 3);
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(b, "bids"), 2), "price")), 88);
    json_decref(r);
    r = req(&f, "{\"type\": \"query_l2\", \"symbol_id\": 1, \"depth\": 2}");
    b = json_array_get(r, 0);
    cr_assert(json_is_false(json_object_get(b, "truncated")));
    cr_assert_eq(json_array_size(json_object_get(b, "asks")), 2);
    json_decref(r);
    r = req(&f, "{\"type\": \"query_l3\", \"symbol_id\": 1}");
    b = json_array_get(r, 0);
    cr_assert(json_is_true(json_object_get(b, "truncated")));
    cr_assert_eq(json_array_size(json_object_get(b, "bids")) + json_array_size(json_object_get(b, "asks")), 3);
    cr_assert_eq(json_integer_value(json_object_get(b, "bid_orders")), 10);
    json_decref(r);
    r = req(&f, "{\"type\": \"query_l3\", \"symbol_id\": 1, \"max_orders\": 2}");
    b = json_array_get(r, 0);
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(b, "bids"), 0), "order_id")), 100);
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(b, "asks"), 0), "order_id")), 200);
    json_decref(r);
    land(&f);
}

/* JSON requests: every request type, config, reset and the snapshot. */
Test(actor, json_requests)
{
    rt_fx_t f = launch("{\"symbols\": [{\"symbol_id\": 1, \"min_qty\": 2}], \"reserve_orders\": 64}", 4096);
    json_t *r = req(&f, "{\"type\": \"submit_order\", \"order\": {\"order_id\": 1, \"symbol_id\": 1, \"side\": \"buy\", "
                        "\"price\": 100, \"quantity\": 1, \"trader_id\": 1}}");
    const json_t *m = json_array_get(r, 0);
    cr_assert_str_eq(type_of(m), "order_report");
    cr_assert_str_eq(json_string_value(json_object_get(m, "status")), "rejected");
    cr_assert_str_eq(json_string_value(json_object_get(m, "reject_reason")), "invalid_quantity"); /* min_qty 2 */
    json_decref(r);
    r = req(&f, "{\"type\": \"submit_order\", \"order\": {\"order_id\": 1, \"symbol_id\": 1, \"side\": \"buy\", "
                "\"price\": 100, \"quantity\": 5, \"trader_id\": 1, \"tif\": \"day\"}}");
    m = json_array_get(r, 0);
    cr_assert_str_eq(json_string_value(json_object_get(m, "status")), "new");
    cr_assert(json_is_null(json_object_get(m, "reject_reason")));
    cr_assert_eq(json_integer_value(json_object_get(m, "seq")), 1);
    json_decref(r);
    r = req(&f, "{\"type\": \"replace_order\", \"order_id\": 1, \"new_quantity\": 3}");
    m = json_array_get(r, 0);
    cr_assert_str_eq(type_of(m), "replace_report");
    cr_assert(json_is_true(json_object_get(m, "priority_kept")));
    cr_assert_eq(json_integer_value(json_object_get(m, "remaining")), 3);
    json_decref(r);
    r = req(&f, "{\"type\": \"submit_order\", \"order\": {\"order_id\": 2, \"symbol_id\": 1, \"side\": \"sell\", "
                "\"type\": \"market\", \"quantity\": 2, \"trader_id\": 2}}");
    cr_assert_eq(json_array_size(r), 2);
    m = json_array_get(r, 0);
    cr_assert_str_eq(type_of(m), "trade");
    cr_assert_eq(json_integer_value(json_object_get(m, "price")), 100);
    cr_assert_eq(json_integer_value(json_object_get(m, "maker_order_id")), 1);
    cr_assert_str_eq(json_string_value(json_object_get(m, "aggressor")), "sell");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(r, 1), "notional")), "200");
    json_decref(r);
    r = req(&f, "{\"type\": \"query_order\", \"order_id\": 1}");
    m = json_array_get(r, 0);
    cr_assert_str_eq(type_of(m), "order_state");
    cr_assert(json_is_true(json_object_get(m, "found")));
    cr_assert_str_eq(json_string_value(json_object_get(m, "status")), "partially_filled");
    cr_assert_eq(json_integer_value(json_object_get(m, "remaining")), 1);
    cr_assert_str_eq(json_string_value(json_object_get(m, "tif")), "day");
    json_decref(r);
    r = req(&f, "{\"type\": \"end_session\", \"symbol_id\": 1}");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(r, 0), "expired_count")), 1);
    json_decref(r);
    r = req(&f, "{\"type\": \"query_order\", \"order_id\": 1}");
    cr_assert(json_is_false(json_object_get(json_array_get(r, 0), "found")));
    json_decref(r);
    r = req(&f, "{\"type\": \"configure_symbol\", \"symbol_id\": 9, \"max_qty\": 10, \"tick_size\": \"0.5\"}");
    m = json_array_get(r, 0);
    cr_assert_str_eq(type_of(m), "symbol_configured");
    cr_assert(json_is_true(json_object_get(m, "created")));
    json_decref(r);
    r = req(&f, "{\"type\": \"submit_order\", \"order\": {\"order_id\": 3, \"symbol_id\": 9, \"side\": \"buy\", "
                "\"price\": 100, \"quantity\": 11, \"trader_id\": 1}}");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(r, 0), "reject_reason")), "invalid_quantity");
    json_decref(r);
    r = req(&f, "{\"type\": \"cancel_order\", \"order_id\": 3}");
    m = json_array_get(r, 0);
    cr_assert(json_is_false(json_object_get(m, "success")));
    cr_assert_str_eq(json_string_value(json_object_get(m, "reason")), "unknown_order");
    json_decref(r);
    r = req(&f, "{\"type\": \"end_session\"}");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(r, 0), "expired_count")), 0);
    json_decref(r);
    char *snap = NULL;
    cr_assert_eq(ck_actor_snapshot(f.a, &snap), CK_OK);
    json_t *s = json_loads(snap, 0, NULL);
    ck_ctx_free(f.ctx, snap);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(s, "stats"), "trades")), 1);
    cr_assert_eq(json_array_size(json_object_get(s, "books")), 2);
    json_decref(s);
    /* reset: a fresh engine with the configured symbols again (min_qty 2 on symbol 1). */
    r = req(&f, "{\"type\": \"reset\"}");
    cr_assert_str_eq(type_of(json_array_get(r, 0)), "reset_done");
    json_decref(r);
    r = req(&f, "{\"type\": \"submit_order\", \"order\": {\"order_id\": 1, \"symbol_id\": 1, \"side\": \"buy\", "
                "\"price\": 100, \"quantity\": 1, \"trader_id\": 1}}");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(r, 0), "reject_reason")), "invalid_quantity");
    json_decref(r);
    r = req(&f, "{\"type\": \"submit_order\", \"order\": {\"order_id\": 1, \"symbol_id\": 1, \"side\": \"buy\", "
                "\"price\": 100, \"quantity\": 2, \"trader_id\": 1}}");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(r, 0), "seq")), 1);
    json_decref(r);
    /* Bad JSON requests name the field. */
    char *out = NULL;
    const char *bad[][2] = {
        {"{\"type\": \"submit_order\"}", "order"},
        {"{\"type\": \"submit_order\", \"order\": {\"order_id\": 1}}", "order.symbol_id"},
        {"{\"type\": \"cancel_order\", \"order_id\": \"x\"}", "order_id"},
        {"{\"type\": \"query_l2\", \"symbol_id\": 1, \"levels\": 3}", "levels"},
        {"{\"type\": \"end_session\", \"symbol_id\": 1, \"all\": true}", "all"},
        {"{\"type\": \"configure_symbol\", \"symbol_id\": 1, \"min_qty\": 0}", "min_qty"},
        {"{\"type\": \"replace_order\", \"order_id\": 1, \"new_price\": 1.5}", "new_price"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(ck_actor_request_json(f.a, bad[i][0], strlen(bad[i][0]), &out, TIMEOUT), CK_E_INVALID_INPUT,
                     "%s", bad[i][0]);
        cr_assert_str_eq(ck_ctx_error_field(f.ctx), bad[i][1], "%s: %s", bad[i][0], ck_ctx_error(f.ctx));
    }
    land(&f);
}

Test(actor, bad_config)
{
    ck_ctx_t *ctx = NULL;
    ck_runtime_t *rt = NULL;
    ck_actor_t *a = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    cr_assert_eq(ck_runtime_create(&rt, ctx, NULL, NULL), CK_OK);
    const char *cfg[][2] = {
        {"{\"symbol\": []}", "config.symbol"},
        {"{\"symbols\": [{\"symbol_id\": 1, \"max_price\": 0}]}", "config.symbols[0].max_price"},
        {"{\"reserve_orders\": -1}", "config.reserve_orders"},
    };
    for (size_t i = 0; i < 3; i++) {
        ck_status_t s = ck_runtime_launch(rt, "orderbook/matching", cls,
                                          &(ck_actor_options_t){.name = "x", .config_json = cfg[i][0]}, &a);
        cr_assert_eq(s, CK_E_INVALID_INPUT, "%s", cfg[i][0]);
        cr_assert_str_eq(ck_ctx_error_field(ctx), cfg[i][1], "%s", ck_ctx_error(ctx));
    }
    ck_runtime_destroy(&rt);
    ck_ctx_destroy(&ctx);
}

/* Every codec: JSON -> payload -> JSON gives the same fields back. */
Test(actor, codecs_round_trip)
{
    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    const char *msgs[] = {
        "{\"type\": \"submit_order\", \"order\": {\"order_id\": 5, \"symbol_id\": 4000000000, \"side\": \"sell\", "
        "\"type\": \"stop_limit\", \"price\": 7, \"stop_price\": 8, \"quantity\": 9, \"tif\": \"fok\", \"post_only\": "
        "false, \"trader_id\": 3, \"stp_group\": 0, \"stp_policy\": \"decrement\", \"timestamp\": 1700000000000000000}}",
        "{\"type\": \"order_report\", \"order_id\": 1, \"status\": \"rejected\", \"reject_reason\": \"invalid_tif\", "
        "\"seq\": 0, \"filled\": 0, \"remaining\": 0, \"notional\": \"170141183460469231731687303715884105727\", "
        "\"trade_count\": 0, \"cancelled_quantity\": 0}",
        "{\"type\": \"trade\", \"trade_id\": 1, \"symbol_id\": 2, \"aggressor\": \"buy\", \"self_trade\": true, \"price\": "
        "3, \"quantity\": 4, \"buy_order_id\": 5, \"sell_order_id\": 6, \"maker_order_id\": 6, \"taker_order_id\": 5, "
        "\"buy_trader_id\": 7, \"sell_trader_id\": 7}",
        "{\"type\": \"replace_order\", \"order_id\": 9, \"new_price\": 5}",
        "{\"type\": \"replace_report\", \"order_id\": 9, \"status\": \"new\", \"reject_reason\": null, \"seq\": 4, "
        "\"filled\": 0, \"remaining\": 2, \"notional\": \"-5\", \"trade_count\": 0, \"cancelled_quantity\": 0, "
        "\"priority_kept\": false}",
        "{\"type\": \"cancel_order\", \"order_id\": 9}",
        "{\"type\": \"cancel_report\", \"order_id\": 9, \"success\": true, \"reason\": null, \"cancelled_quantity\": 3}",
        "{\"type\": \"query_l2\", \"symbol_id\": 1, \"depth\": 4}",
        "{\"type\": \"query_l3\", \"symbol_id\": 1, \"max_orders\": 0}",
        "{\"type\": \"end_session\", \"all\": true}",
        "{\"type\": \"end_session\", \"symbol_id\": 3}",
        "{\"type\": \"session_report\", \"expired_count\": 12}",
        "{\"type\": \"configure_symbol\", \"symbol_id\": 3, \"tick_size\": \"0.25\", \"lot_size\": \"100\", \"min_qty\": 1, "
        "\"max_qty\": 5, \"min_price\": 2, \"max_price\": 9, \"stp_default\": \"none\", \"reject_stop_through\": false}",
        "{\"type\": \"symbol_configured\", \"symbol_id\": 3, \"created\": true}",
        "{\"type\": \"query_order\", \"order_id\": 3}",
        "{\"type\": \"reset\"}",
        "{\"type\": \"reset_done\"}",
    };
    uint8_t buf[1024];
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        json_t *in = json_loads(msgs[i], 0, NULL);
        cr_assert(in, "%s", msgs[i]);
        const ck_msg_type_t *t = ck_actor_class_type_named(cls, type_of(in));
        cr_assert(t && t->from_json && t->to_json, "%s", msgs[i]);
        size_t len = 0;
        cr_assert_eq(t->from_json(ctx, in, buf, sizeof buf, &len), CK_OK, "%s: %s", msgs[i], ck_ctx_error(ctx));
        json_t *back = json_pack("{ss}", "type", t->name);
        cr_assert_eq(t->to_json(ctx, buf, len, back), CK_OK, "%s: %s", msgs[i], ck_ctx_error(ctx));
        if (!json_equal(in, back)) {
            char *a = json_dumps(in, JSON_SORT_KEYS), *b = json_dumps(back, JSON_SORT_KEYS);
            cr_assert(false, "round trip differs\n  in:  %s\n  out: %s", a, b);
        }
        json_decref(in);
        json_decref(back);
    }
    /* Every type of the class has a to_json; request types have a from_json and a reply. */
    for (size_t i = 0; i < cls->n_types; i++) {
        cr_assert(cls->types[i].to_json);
        if (cls->types[i].reply_type_id) cr_assert(cls->types[i].from_json);
        cr_assert(cls->types[i].type_id >= 500 && cls->types[i].type_id <= 599);
    }
    ck_ctx_destroy(&ctx);
}

/* ---------------------------------------------------------------- fixtures through the ring */

static json_t *ring_message(const json_t *m)
{
    const char *op = json_string_value(json_object_get(m, "op"));
    json_t *r = json_deep_copy(m);
    json_object_del(r, "op");
    const char *type = !strcmp(op, "submit")    ? "submit_order"
                       : !strcmp(op, "cancel")  ? "cancel_order"
                       : !strcmp(op, "replace") ? "replace_order"
                                                : "end_session";
    json_object_set_new(r, "type", json_string(type));
    return r;
}

static void replay_stream(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/orderbook/matching/%s.json", CK_TEST_DATA_DIR, name);
    json_t *fx = json_load_file(path, 0, NULL);
    cr_assert(fx, "%s", path);
    json_t *cfg = json_pack("{sO}", "symbols", json_object_get(fx, "symbols"));
    char *cfg_text = json_dumps(cfg, JSON_COMPACT);
    json_decref(cfg);
    rt_fx_t f = launch(cfg_text, 32768);
    free(cfg_text);
    const json_t *exp = json_object_get(fx, "expected");
    json_t *trades = json_array(), *rejects = json_array();
    const json_t *m;
    size_t i;
    json_array_foreach(json_object_get(fx, "messages"), i, m) {
        json_t *rm = ring_message(m);
        char *text = json_dumps(rm, JSON_COMPACT);
        json_t *replies = req(&f, "%s", text);
        free(text);
        json_decref(rm);
        const json_t *x;
        size_t k;
        json_array_foreach(replies, k, x) {
            const char *t = type_of(x);
            if (!strcmp(t, "trade")) {
                cr_assert_lt(k + 1, json_array_size(replies), "%s: a trade after the report", name);
                json_t *tr = json_deep_copy(x);
                json_object_del(tr, "type");
                json_object_del(tr, "buy_trader_id");
                json_object_del(tr, "sell_trader_id");
                json_object_set_new(tr, "msg_index", json_integer((json_int_t)i));
                json_array_append_new(trades, tr);
            } else if (k + 1 != json_array_size(replies)) {
                cr_assert(false, "%s: message %zu: %s before the report", name, i, t);
            } else {
                const json_t *why = json_object_get(x, strcmp(t, "cancel_report") ? "reject_reason" : "reason");
                if (json_is_string(why))
                    json_array_append_new(rejects, json_pack("[IOO]", (json_int_t)i, json_object_get(x, "order_id"), why));
            }
        }
        json_decref(replies);
    }
    cr_assert(json_equal(trades, json_object_get(exp, "trades")), "%s: trades differ (%zu vs %zu)", name,
              json_array_size(trades), json_array_size(json_object_get(exp, "trades")));
    cr_assert(json_equal(rejects, json_object_get(exp, "rejects")), "%s: rejects differ", name);
    /* Final L3 books (query_l3 with big slots: never truncated) and last trade price. */
    const json_t *bk;
    json_array_foreach(json_object_get(exp, "books"), i, bk) {
        json_t *r = req(&f, "{\"type\": \"query_l3\", \"symbol_id\": %lld}",
                        (long long)json_integer_value(json_object_get(bk, "symbol_id")));
        const json_t *b = json_array_get(r, 0);
        cr_assert(json_is_false(json_object_get(b, "truncated")), "%s: book truncated", name);
        cr_assert(json_equal(json_object_get(b, "last_trade_price"), json_object_get(bk, "last_trade_price")));
        for (int side = 0; side < 2; side++) {
            const char *sn = side ? "asks" : "bids";
            json_t *got = json_array();
            const json_t *o;
            size_t k;
            json_array_foreach(json_object_get(b, sn), k, o) json_array_append_new(
                got, json_pack("[OOOO]", json_object_get(o, "order_id"), json_object_get(o, "price"),
                               json_object_get(o, "remaining"), json_object_get(o, "seq")));
            cr_assert(json_equal(got, json_object_get(bk, sn)), "%s: symbol %lld %s differ", name,
                      (long long)json_integer_value(json_object_get(bk, "symbol_id")), sn);
            json_decref(got);
        }
        json_decref(r);
    }
    /* Live orders: query_order gives the model's final state; finished ones are not found. */
    const json_t *o;
    json_array_foreach(json_object_get(exp, "orders"), i, o) {
        json_t *r = req(&f, "{\"type\": \"query_order\", \"order_id\": %lld}",
                        (long long)json_integer_value(json_object_get(o, "order_id")));
        const json_t *s = json_array_get(r, 0);
        const char *st = json_string_value(json_object_get(o, "status"));
        const bool live = !strcmp(st, "new") || !strcmp(st, "partially_filled");
        cr_assert_eq(json_is_true(json_object_get(s, "found")), live, "%s: order %lld", name,
                     (long long)json_integer_value(json_object_get(o, "order_id")));
        if (live) {
            cr_assert_str_eq(json_string_value(json_object_get(s, "status")), st);
            for (const char *const *k = (const char *const[]){"filled", "remaining", "cancelled", "expired", NULL}; *k; k++)
                cr_assert(json_equal(json_object_get(s, *k), json_object_get(o, *k)), "%s: order %lld %s", name,
                          (long long)json_integer_value(json_object_get(o, "order_id")), *k);
        }
        json_decref(r);
    }
    json_decref(trades);
    json_decref(rejects);
    land(&f);
    json_decref(fx);
}

Test(actor, fixture_streams_through_the_ring, .timeout = 300)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/orderbook/matching/index.json", CK_TEST_DATA_DIR);
    json_t *index = json_load_file(path, 0, NULL);
    cr_assert(index);
    size_t i;
    const json_t *n;
    json_array_foreach(index, i, n) replay_stream(json_string_value(n));
    json_decref(index);
}

/* The batch kernel's own output equals the ring's on the worked scenario (trades and book). */
Test(actor, batch_equals_ring_on_scenario)
{
    json_t *batch = run_json_kernel(cki_orderbook_scenario_input, CK_OK, NULL, 0);
    json_t *in = json_loads(cki_orderbook_scenario_input, 0, NULL);
    rt_fx_t f = launch(NULL, 4096);
    json_t *ring_trades = json_array(), *batch_trades = json_array();
    size_t i;
    const json_t *m, *x;
    json_array_foreach(json_object_get(in, "messages"), i, m) {
        json_t *rm = ring_message(m);
        char *text = json_dumps(rm, JSON_COMPACT);
        json_t *replies = req(&f, "%s", text);
        free(text);
        json_decref(rm);
        size_t k;
        json_array_foreach(replies, k, x) if (!strcmp(type_of(x), "trade")) {
            json_t *t = json_deep_copy(x);
            json_object_del(t, "buy_trader_id");
            json_object_del(t, "sell_trader_id");
            json_object_set_new(t, "msg_index", json_integer((json_int_t)i));
            json_array_append_new(ring_trades, t);
        }
        json_decref(replies);
    }
    json_array_foreach(json_object_get(batch, "events"), i, x) if (!strcmp(type_of(x), "trade"))
        json_array_append(batch_trades, (json_t *)x);
    cr_assert_eq(json_array_size(batch_trades), 6);
    cr_assert(json_equal(ring_trades, batch_trades));
    json_t *r = req(&f, "{\"type\": \"query_l2\", \"symbol_id\": 1, \"depth\": 10}");
    const json_t *rb = json_array_get(r, 0), *bb = json_array_get(json_object_get(batch, "books"), 0);
    cr_assert(json_equal(json_object_get(rb, "bids"), json_object_get(bb, "bids")));
    cr_assert(json_equal(json_object_get(rb, "asks"), json_object_get(bb, "asks")));
    cr_assert(json_equal(json_object_get(rb, "last_trade_price"), json_object_get(bb, "last_trade_price")));
    cr_assert(json_equal(json_object_get(rb, "volume"), json_object_get(bb, "volume")));
    json_decref(r);
    json_decref(ring_trades);
    json_decref(batch_trades);
    json_decref(in);
    json_decref(batch);
    land(&f);
}
