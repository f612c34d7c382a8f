/* orderbook/matching: the spec's worked scenario (every event hand-checked), every rule's edge
 * cases, every reject reason and STP policy, replace, DAY expiry, stop cascades, the batch JSON
 * kernel, bad input and an allocation-failure sweep. Expected values are derived by hand from
 * spec/orderbook.md and written next to each case. */
#include "alloc_sweep.h"
#include "ob_test.h"

#define BUY CK_OB_BUY
#define SELL CK_OB_SELL

typedef struct fx {
    ck_ctx_t *ctx;
    ck_ob_engine_t *e;
    rec_t r;
    ck_ob_sink_t sink;
} fx_t;

static fx_t fx_new(void)
{
    fx_t f = {0};
    cr_assert_eq(ck_ctx_create(&f.ctx, NULL), CK_OK);
    cr_assert_eq(ck_ob_engine_create(f.ctx, &f.e), CK_OK);
    return f;
}

static void fx_free(fx_t *f)
{
    ck_ob_engine_destroy(&f->e);
    cr_assert_null(f->e);
    ck_ctx_destroy(&f->ctx);
    rec_free(&f->r);
}

/* Submit with recording: the message's events replace the previous ones. */
static void sub(fx_t *f, ck_ob_order_t o)
{
    rec_clear(&f->r);
    f->sink = rec_sink(&f->r);
    ck_status_t s = ck_ob_submit(f->e, &o, &f->sink, NULL);
    cr_assert_eq(s, CK_OK, "%s", ck_ctx_error(f->ctx));
}
static void cxl(fx_t *f, uint64_t id)
{
    rec_clear(&f->r);
    f->sink = rec_sink(&f->r);
    cr_assert_eq(ck_ob_cancel(f->e, id, &f->sink, NULL), CK_OK);
}
static void rep(fx_t *f, ck_ob_replace_t r)
{
    rec_clear(&f->r);
    f->sink = rec_sink(&f->r);
    cr_assert_eq(ck_ob_replace(f->e, &r, &f->sink, NULL), CK_OK);
}
static ck_ob_order_t with_stp(ck_ob_order_t o, ck_ob_stp_policy_t p)
{
    o.stp_policy = p;
    return o;
}
static ck_ob_order_t with_tif(ck_ob_order_t o, ck_ob_tif_t t)
{
    o.tif = t;
    return o;
}
static ck_ob_order_t with_post(ck_ob_order_t o)
{
    o.post_only = true;
    return o;
}

/* ---------------------------------------------------------------- the worked scenario */

/* Spec table: symbol 1, default config, traders A..I = 1..9, orders S1=1 S2=2 S3=3 X1=4 B1=5 B2=6
 * B3=7 B4=8 B5=9 S4=10 S5=11. */
Test(scenario, every_event)
{
    fx_t f = fx_new();
    /* 1-3: three resting sells: S1 10@101, S2 5@100, S3 7@100 (S3 behind S2). */
    sub(&f, ob_limit(1, 1, SELL, 101, 10, 1));
    cr_assert_eq(f.r.n, 2);
    ev_accepted(&f.r, 0, 1, 1);
    ev_done(&f.r, 1, 1, CK_OB_NEW, 0, 0);
    sub(&f, ob_limit(2, 1, SELL, 100, 5, 2));
    ev_accepted(&f.r, 0, 2, 2);
    ev_done(&f.r, 1, 2, CK_OB_NEW, 0, 0);
    sub(&f, ob_limit(3, 1, SELL, 100, 7, 3));
    ev_accepted(&f.r, 0, 3, 3);
    ev_done(&f.r, 1, 3, CK_OB_NEW, 0, 0);
    BOOK_IS(f.e, 1, SELL, 2, 3, 1);
    /* 4: X1 sell stop 4 @ stop 99 (F): no last trade -> accepted, waiting (not in the book). */
    sub(&f, ob_stop(4, 1, SELL, 99, 4, 6));
    cr_assert_eq(f.r.n, 2);
    ev_accepted(&f.r, 0, 4, 4);
    ev_done(&f.r, 1, 4, CK_OB_NEW, 0, 0);
    BOOK_IS(f.e, 1, SELL, 2, 3, 1);
    /* 5: B1 buy 15@101 (D): T1 5@100 vs S2, T2 7@100 vs S3, T3 3@101 vs S1; notional
     * 500 + 700 + 303 = 1503. Prints 100..101 do not reach X1's 99. */
    sub(&f, ob_limit(5, 1, BUY, 101, 15, 4));
    cr_assert_eq(f.r.n, 7);
    ev_accepted(&f.r, 0, 5, 5);
    ev_trade(&f.r, 1, 1, 100, 5, 5, 2, 2, BUY, false);
    ev_done(&f.r, 2, 2, CK_OB_FILLED, 5, 500);
    ev_trade(&f.r, 3, 2, 100, 7, 5, 3, 3, BUY, false);
    ev_done(&f.r, 4, 3, CK_OB_FILLED, 7, 700);
    ev_trade(&f.r, 5, 3, 101, 3, 5, 1, 1, BUY, false);
    ev_done(&f.r, 6, 5, CK_OB_FILLED, 15, 1503);
    cr_assert_eq(f.r.v[6].state.trade_count, 3);
    {
        const uint64_t ids[] = {1};
        const int64_t rem[] = {7};
        book_side_is(f.e, 1, SELL, 1, ids, rem); /* S1 remaining 7 */
    }
    ck_ob_book_info_t info;
    size_t nb, na;
    ck_ob_level_t b[4], a[4];
    cr_assert_eq(ck_ob_l2(f.e, 1, 10, b, 4, &nb, a, 4, &na, &info), CK_OK);
    cr_assert(info.has_last && info.last_trade_price == 101);
    /* 6: B2 buy 8@101 FOK (E): fillable 7 < 8 -> killed, book unchanged. */
    sub(&f, with_tif(ob_limit(6, 1, BUY, 101, 8, 5), CK_OB_FOK));
    cr_assert_eq(f.r.n, 3);
    ev_accepted(&f.r, 0, 6, 6);
    ev_cancelled(&f.r, 1, 6, 8, CK_OB_CANCEL_FOK_UNFILLABLE);
    ev_done(&f.r, 2, 6, CK_OB_CANCELLED, 0, 0);
    {
        const uint64_t ids[] = {1};
        const int64_t rem[] = {7};
        book_side_is(f.e, 1, SELL, 1, ids, rem);
    }
    /* 7: B3 buy 1@101 post_only (E): would cross the 101 ask -> rejected, no seq consumed. */
    sub(&f, with_post(ob_limit(7, 1, BUY, 101, 1, 5)));
    cr_assert_eq(f.r.n, 1);
    ev_rejected(&f.r, 0, 7, CK_OB_REJECT_POST_ONLY_WOULD_CROSS);
    /* 8, 9: B4 6@99 (G) rests (seq 7), B5 2@99 (H) rests behind it (seq 8). */
    sub(&f, ob_limit(8, 1, BUY, 99, 6, 7));
    ev_accepted(&f.r, 0, 8, 7);
    ev_done(&f.r, 1, 8, CK_OB_NEW, 0, 0);
    sub(&f, ob_limit(9, 1, BUY, 99, 2, 8));
    ev_accepted(&f.r, 0, 9, 8);
    ev_done(&f.r, 1, 9, CK_OB_NEW, 0, 0);
    BOOK_IS(f.e, 1, BUY, 8, 9);
    cr_assert_eq(ck_ob_l2(f.e, 1, 10, b, 4, &nb, a, 4, &na, &info), CK_OK);
    cr_assert(nb == 1 && b[0].price == 99 && b[0].quantity == 8 && b[0].order_count == 2);
    cr_assert(na == 1 && a[0].price == 101 && a[0].quantity == 7 && a[0].order_count == 1);
    cr_assert(info.spread == 2 && info.mid == 100.0);
    /* 10: S4 sell 3@99 (G, cancel_newest): its first match is G's own B4 -> S4 cancelled. */
    sub(&f, with_stp(ob_limit(10, 1, SELL, 99, 3, 7), CK_OB_STP_CANCEL_NEWEST));
    cr_assert_eq(f.r.n, 4);
    ev_accepted(&f.r, 0, 10, 9);
    ev_stp(&f.r, 1, 10, CK_OB_STP_ACTION_CANCEL, 3);
    ev_cancelled(&f.r, 2, 10, 3, CK_OB_CANCEL_SELF_TRADE_PREVENTION);
    ev_done(&f.r, 3, 10, CK_OB_CANCELLED, 0, 0);
    BOOK_IS(f.e, 1, BUY, 8, 9);
    /* 11: S5 market sell 7 (I): T4 6@99 vs B4, T5 1@99 vs B5; last 99 <= 99 triggers X1 (seq 11)
     * as a market sell 4: T6 1@99 vs B5, then nothing left: 3 cancelled no_liquidity. */
    sub(&f, ob_market(11, 1, SELL, 7, 9));
    cr_assert_eq(f.r.n, 10);
    ev_accepted(&f.r, 0, 11, 10);
    ev_trade(&f.r, 1, 4, 99, 6, 8, 11, 8, SELL, false);
    ev_done(&f.r, 2, 8, CK_OB_FILLED, 6, 594);
    ev_trade(&f.r, 3, 5, 99, 1, 9, 11, 9, SELL, false);
    ev_done(&f.r, 4, 11, CK_OB_FILLED, 7, 693);
    ev_is(&f.r, 5, CK_OB_EV_TRIGGERED, 4);
    cr_assert_eq(f.r.v[5].ev.seq, 11);
    ev_trade(&f.r, 6, 6, 99, 1, 9, 4, 9, SELL, false);
    ev_done(&f.r, 7, 9, CK_OB_FILLED, 2, 198);
    ev_cancelled(&f.r, 8, 4, 3, CK_OB_CANCEL_NO_LIQUIDITY);
    ev_done(&f.r, 9, 4, CK_OB_CANCELLED, 1, 99);
    cr_assert_eq(f.r.v[9].state.cancelled, 3);
    /* Final book: bids empty, asks 101 x 7 (S1); six trades, volume 23. */
    BOOK_EMPTY(f.e, 1, BUY);
    BOOK_IS(f.e, 1, SELL, 1);
    cr_assert_eq(ck_ob_l2(f.e, 1, 10, b, 4, &nb, a, 4, &na, &info), CK_OK);
    cr_assert(nb == 0 && na == 1 && a[0].price == 101 && a[0].quantity == 7);
    cr_assert(info.has_last && info.last_trade_price == 99 && info.volume == 23 && info.trade_count == 6);
    ck_ob_stats_t st;
    ck_ob_stats(f.e, &st);
    cr_assert(st.trades == 6 && st.volume == 23 && st.last_seq == 11 && st.live_orders == 1 && st.rejected == 1);
    fx_free(&f);
}

/* The same scenario through the batch kernel (its registered example input). */
Test(scenario, batch_json)
{
    json_t *out = run_json_kernel(cki_orderbook_scenario_input, CK_OK, NULL, 0);
    const json_t *ev = json_object_get(out, "events");
    /* 2+2+2+2 (msgs 0-3) + 7 + 3 + 1 + 2 + 2 + 4 + 10 = 37 events. */
    cr_assert_eq(json_array_size(ev), 37);
    /* Trades in order: (trade_id, msg_index, price, qty, buy, sell, maker, aggressor). */
    const struct {
        int msg;
        int64_t price, qty, buy, sell, maker;
        const char *aggr;
    } want[] = {{4, 100, 5, 5, 2, 2, "buy"},  {4, 100, 7, 5, 3, 3, "buy"},   {4, 101, 3, 5, 1, 1, "buy"},
                {10, 99, 6, 8, 11, 8, "sell"}, {10, 99, 1, 9, 11, 9, "sell"}, {10, 99, 1, 9, 4, 9, "sell"}};
    size_t k = 0;
    for (size_t i = 0; i < json_array_size(ev); i++) {
        const json_t *x = json_array_get(ev, i);
        if (strcmp(json_string_value(json_object_get(x, "type")), "trade")) continue;
        cr_assert_lt(k, 6);
        cr_assert_eq(json_integer_value(json_object_get(x, "trade_id")), (json_int_t)k + 1);
        cr_assert_eq(json_integer_value(json_object_get(x, "msg_index")), want[k].msg);
        cr_assert_eq(json_integer_value(json_object_get(x, "symbol_id")), 1);
        cr_assert_eq(json_integer_value(json_object_get(x, "price")), want[k].price);
        cr_assert_eq(json_integer_value(json_object_get(x, "quantity")), want[k].qty);
        cr_assert_eq(json_integer_value(json_object_get(x, "buy_order_id")), want[k].buy);
        cr_assert_eq(json_integer_value(json_object_get(x, "sell_order_id")), want[k].sell);
        cr_assert_eq(json_integer_value(json_object_get(x, "maker_order_id")), want[k].maker);
        cr_assert_str_eq(json_string_value(json_object_get(x, "aggressor")), want[k].aggr);
        cr_assert(json_is_false(json_object_get(x, "self_trade")));
        k++;
    }
    cr_assert_eq(k, 6);
    /* The first event of message 6 (B3) is the reject; message 5's FOK kill has its reason. */
    int seen_reject = 0, seen_fok = 0, seen_nl = 0;
    for (size_t i = 0; i < json_array_size(ev); i++) {
        const json_t *x = json_array_get(ev, i);
        const char *t = json_string_value(json_object_get(x, "type"));
        if (!strcmp(t, "rejected")) {
            seen_reject++;
            cr_assert_eq(json_integer_value(json_object_get(x, "msg_index")), 6);
            cr_assert_str_eq(json_string_value(json_object_get(x, "reason")), "post_only_would_cross");
        }
        if (!strcmp(t, "cancelled") && !strcmp(json_string_value(json_object_get(x, "reason")), "fok_unfillable"))
            seen_fok++;
        if (!strcmp(t, "cancelled") && !strcmp(json_string_value(json_object_get(x, "reason")), "no_liquidity")) {
            seen_nl++;
            cr_assert_eq(json_integer_value(json_object_get(x, "quantity")), 3);
        }
        if (!strcmp(t, "done") && json_integer_value(json_object_get(x, "order_id")) == 5) {
            cr_assert_str_eq(json_string_value(json_object_get(x, "notional")), "1503");
            cr_assert_float_eq(json_real_value(json_object_get(x, "avg_price")), 1503.0 / 15.0, 1e-12);
        }
    }
    cr_assert(seen_reject == 1 && seen_fok == 1 && seen_nl == 1);
    /* orders: ids 1..11 except the rejected 7 -> 10 entries, ascending. */
    const json_t *orders = json_object_get(out, "orders");
    cr_assert_eq(json_array_size(orders), 10);
    const char *status[] = {"partially_filled", "filled", "filled", "cancelled", "filled",
                            "cancelled",        "filled", "filled", "cancelled", "filled"};
    const int64_t ids[] = {1, 2, 3, 4, 5, 6, 8, 9, 10, 11};
    for (size_t i = 0; i < 10; i++) {
        const json_t *o = json_array_get(orders, i);
        cr_assert_eq(json_integer_value(json_object_get(o, "order_id")), ids[i]);
        cr_assert_str_eq(json_string_value(json_object_get(o, "status")), status[i], "order %lld", (long long)ids[i]);
    }
    const json_t *s1 = json_array_get(orders, 0);
    cr_assert_eq(json_integer_value(json_object_get(s1, "filled")), 3);
    cr_assert_eq(json_integer_value(json_object_get(s1, "remaining")), 7);
    /* books: symbol 1, bids [], asks [101 x 7]. stats: 11 messages, 6 trades, 23 lots. */
    const json_t *books = json_object_get(out, "books");
    cr_assert_eq(json_array_size(books), 1);
    const json_t *bk = json_array_get(books, 0);
    cr_assert_eq(json_array_size(json_object_get(bk, "bids")), 0);
    const json_t *a0 = json_array_get(json_object_get(bk, "asks"), 0);
    cr_assert_eq(json_integer_value(json_object_get(a0, "price")), 101);
    cr_assert_eq(json_integer_value(json_object_get(a0, "quantity")), 7);
    cr_assert_eq(json_integer_value(json_object_get(a0, "order_count")), 1);
    cr_assert(json_is_null(json_object_get(bk, "best_bid")));
    cr_assert_eq(json_integer_value(json_object_get(bk, "last_trade_price")), 99);
    const json_t *st = json_object_get(out, "stats");
    cr_assert_eq(json_integer_value(json_object_get(st, "messages")), 11);
    cr_assert_eq(json_integer_value(json_object_get(st, "trades")), 6);
    cr_assert_eq(json_integer_value(json_object_get(st, "volume")), 23);
    json_decref(out);
}

/* ---------------------------------------------------------------- edge cases */

Test(edge, empty_messages)
{
    json_t *out = run_json_kernel("{\"messages\": []}", CK_OK, NULL, 0);
    cr_assert_eq(json_array_size(json_object_get(out, "events")), 0);
    cr_assert_eq(json_array_size(json_object_get(out, "orders")), 0);
    cr_assert_eq(json_array_size(json_object_get(out, "books")), 0);
    cr_assert_eq(json_array_size(json_object_get(out, "snapshots")), 0);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(out, "stats"), "messages")), 0);
    json_decref(out);
}

Test(edge, single_order_and_no_trades)
{
    json_t *out = run_json_kernel("{\"messages\": [{\"op\": \"submit\", \"order\": {\"order_id\": 7, \"symbol_id\": 3, "
                                  "\"side\": \"buy\", \"price\": 50, \"quantity\": 2, \"trader_id\": 1}}, "
                                  "{\"op\": \"snapshot\", \"symbol_id\": 3, \"level\": 3}]}",
                                  CK_OK, NULL, 0);
    const json_t *snap = json_array_get(json_object_get(out, "snapshots"), 0);
    cr_assert(json_is_null(json_object_get(snap, "last_trade_price")));
    cr_assert(json_is_null(json_object_get(snap, "best_ask")));
    cr_assert(json_is_null(json_object_get(snap, "spread")));
    cr_assert(json_is_null(json_object_get(snap, "mid")));
    cr_assert_eq(json_integer_value(json_object_get(snap, "best_bid")), 50);
    const json_t *o = json_array_get(json_object_get(snap, "bids"), 0);
    cr_assert_eq(json_integer_value(json_object_get(o, "order_id")), 7);
    cr_assert_eq(json_integer_value(json_object_get(o, "seq")), 1);
    cr_assert_eq(json_integer_value(json_object_get(o, "trader_id")), 1);
    const json_t *ord = json_array_get(json_object_get(out, "orders"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(ord, "status")), "new");
    cr_assert(json_is_null(json_object_get(ord, "avg_price")));
    cr_assert_str_eq(json_string_value(json_object_get(ord, "notional")), "0");
    json_decref(out);
}

/* Ties: equal prices fill in seq order (FIFO), across a sweep of several levels. */
Test(edge, fifo_ties)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, SELL, 10, 2, 1));
    sub(&f, ob_limit(2, 1, SELL, 10, 2, 2));
    sub(&f, ob_limit(3, 1, SELL, 9, 1, 3));
    sub(&f, ob_limit(4, 1, SELL, 10, 2, 4));
    /* buy 4@10: 1@9 (3), then 2@10 (1), 1@10 (2). */
    sub(&f, ob_limit(5, 1, BUY, 10, 4, 5));
    ev_trade(&f.r, 1, 1, 9, 1, 5, 3, 3, BUY, false);
    ev_trade(&f.r, 3, 2, 10, 2, 5, 1, 1, BUY, false);
    ev_trade(&f.r, 5, 3, 10, 1, 5, 2, 2, BUY, false);
    ev_done(&f.r, 6, 5, CK_OB_FILLED, 4, 9 + 20 + 10);
    const uint64_t ids[] = {2, 4};
    const int64_t rem[] = {1, 2};
    book_side_is(f.e, 1, SELL, 2, ids, rem);
    fx_free(&f);
}

Test(edge, cancel_filled_is_unknown_and_id_reuse)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, SELL, 10, 2, 1));
    sub(&f, ob_limit(2, 1, BUY, 10, 2, 2));
    cxl(&f, 1);
    cr_assert_eq(f.r.n, 1);
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_UNKNOWN_ORDER);
    cxl(&f, 99);
    ev_rejected(&f.r, 0, 99, CK_OB_REJECT_UNKNOWN_ORDER);
    ck_ob_report_t rp;
    cr_assert_eq(ck_ob_cancel(f.e, 2, NULL, &rp), CK_OK);
    cr_assert(rp.status == CK_OB_REJECTED && rp.reject == CK_OB_REJECT_UNKNOWN_ORDER);
    /* A finished id may be used again (uniqueness is among live orders). */
    sub(&f, ob_limit(1, 1, SELL, 11, 3, 1));
    ev_accepted(&f.r, 0, 1, 3);
    /* ...but not while live. */
    sub(&f, ob_limit(1, 1, BUY, 5, 3, 1));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_DUPLICATE_ORDER_ID);
    /* A cancel reports the cancelled remaining quantity. */
    cr_assert_eq(ck_ob_cancel(f.e, 1, NULL, &rp), CK_OK);
    cr_assert(rp.status == CK_OB_CANCELLED && rp.cancelled_quantity == 3);
    fx_free(&f);
}

Test(edge, huge_notional_is_exact)
{
    /* price 2^53-1 ticks x 1e9 lots = 9007199254740991000000000 (beyond int64). */
    json_t *out = run_json_kernel(
        "{\"messages\": [{\"op\": \"submit\", \"order\": {\"order_id\": 1, \"symbol_id\": 1, \"side\": \"sell\", "
        "\"price\": 9007199254740991, \"quantity\": 1000000000, \"trader_id\": 1}}, {\"op\": \"submit\", \"order\": "
        "{\"order_id\": 2, \"symbol_id\": 1, \"side\": \"buy\", \"type\": \"market\", \"quantity\": 1000000000, "
        "\"trader_id\": 2}}]}",
        CK_OK, NULL, 0);
    const json_t *ord = json_array_get(json_object_get(out, "orders"), 1);
    cr_assert_str_eq(json_string_value(json_object_get(ord, "notional")), "9007199254740991000000000");
    cr_assert_float_eq(json_real_value(json_object_get(ord, "avg_price")), 9007199254740991.0, 1.0);
    json_decref(out);
}

Test(edge, max_qty_and_price_range_per_symbol)
{
    fx_t f = fx_new();
    ck_ob_symbol_config_t c;
    ck_ob_symbol_config_init(&c, 5);
    c.min_qty = 10;
    c.max_qty = 100;
    c.min_price = 50;
    c.max_price = 60;
    cr_assert_eq(ck_ob_configure_symbol(f.e, &c), CK_OK);
    sub(&f, ob_limit(1, 5, BUY, 55, 101, 1));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_QUANTITY);
    sub(&f, ob_limit(1, 5, BUY, 55, 9, 1));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_QUANTITY);
    sub(&f, ob_limit(1, 5, BUY, 61, 10, 1));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_PRICE);
    sub(&f, ob_limit(1, 5, BUY, 49, 10, 1));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_PRICE);
    sub(&f, ob_limit(1, 5, BUY, 60, 100, 1));
    ev_accepted(&f.r, 0, 1, 1);
    /* The default symbol accepts 1e9 but not 1e9 + 1. */
    sub(&f, ob_limit(2, 6, BUY, 5, 1000000001, 1));
    ev_rejected(&f.r, 0, 2, CK_OB_REJECT_INVALID_QUANTITY);
    ck_ob_symbol_config_t bad = c;
    bad.max_qty = 5;
    cr_assert_eq(ck_ob_configure_symbol(f.e, &bad), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(f.ctx), "max_qty");
    fx_free(&f);
}

/* ---------------------------------------------------------------- every reject reason */

Test(rejects, every_reason)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, BUY, 100, 0, 1));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_QUANTITY);
    sub(&f, ob_limit(1, 1, BUY, 100, -3, 1));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_QUANTITY);
    sub(&f, ob_limit(1, 1, BUY, 0, 3, 1)); /* limit without price */
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_PRICE);
    sub(&f, ob_limit(1, 1, BUY, -5, 3, 1));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_PRICE);
    sub(&f, ob_stop(1, 1, BUY, 0, 3, 1)); /* stop without stop_price */
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_PRICE);
    {
        ck_ob_order_t o = ob_stop(1, 1, BUY, 105, 3, 1);
        o.type = CK_OB_STOP_LIMIT; /* stop_limit without limit price */
        sub(&f, o);
        ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_PRICE);
    }
    sub(&f, with_tif(ob_market(1, 1, BUY, 3, 1), CK_OB_GTC));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_TIF);
    sub(&f, with_tif(ob_market(1, 1, BUY, 3, 1), CK_OB_DAY));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_TIF);
    sub(&f, with_post(ob_market(1, 1, BUY, 3, 1)));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_POST_ONLY);
    sub(&f, with_post(with_tif(ob_limit(1, 1, BUY, 100, 3, 1), CK_OB_IOC)));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_POST_ONLY);
    sub(&f, with_post(with_tif(ob_limit(1, 1, BUY, 100, 3, 1), CK_OB_FOK)));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_INVALID_POST_ONLY);
    /* Nothing so far consumed a seq: the first accepted order gets seq 1. */
    sub(&f, ob_limit(1, 1, SELL, 100, 3, 1));
    ev_accepted(&f.r, 0, 1, 1);
    sub(&f, ob_limit(1, 1, SELL, 101, 3, 1));
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_DUPLICATE_ORDER_ID);
    sub(&f, with_post(ob_limit(2, 1, BUY, 100, 1, 2)));
    ev_rejected(&f.r, 0, 2, CK_OB_REJECT_POST_ONLY_WOULD_CROSS);
    sub(&f, with_post(ob_limit(2, 1, BUY, 99, 1, 2))); /* does not cross: rests */
    ev_accepted(&f.r, 0, 2, 2);
    sub(&f, with_post(ob_limit(3, 1, SELL, 99, 1, 3)));
    ev_rejected(&f.r, 0, 3, CK_OB_REJECT_POST_ONLY_WOULD_CROSS);
    /* A trade at 100 sets the last price; then a buy stop at <= 100 and a sell stop at >= 100 are
     * through the market. */
    sub(&f, ob_limit(4, 1, BUY, 100, 1, 4));
    cr_assert_eq(f.r.v[1].ev.type, CK_OB_EV_TRADE);
    sub(&f, ob_stop(5, 1, BUY, 100, 1, 5));
    ev_rejected(&f.r, 0, 5, CK_OB_REJECT_STOP_THROUGH_MARKET);
    sub(&f, ob_stop(5, 1, SELL, 100, 1, 5));
    ev_rejected(&f.r, 0, 5, CK_OB_REJECT_STOP_THROUGH_MARKET);
    sub(&f, ob_stop(5, 1, BUY, 101, 1, 5));
    ev_accepted(&f.r, 0, 5, 4);
    sub(&f, ob_stop(6, 1, SELL, 99, 1, 5));
    ev_accepted(&f.r, 0, 6, 5);
    cxl(&f, 77);
    ev_rejected(&f.r, 0, 77, CK_OB_REJECT_UNKNOWN_ORDER);
    rep(&f, (ck_ob_replace_t){.order_id = 77, .has_quantity = true, .new_quantity = 5});
    ev_rejected(&f.r, 0, 77, CK_OB_REJECT_UNKNOWN_ORDER);
    ck_ob_stats_t st;
    ck_ob_stats(f.e, &st);
    cr_assert_eq(st.rejected, 18);
    fx_free(&f);
}

/* reject_stop_through false accepts a stop through the market; it triggers on the next print. */
Test(rejects, stop_through_disabled)
{
    fx_t f = fx_new();
    ck_ob_symbol_config_t c;
    ck_ob_symbol_config_init(&c, 1);
    c.reject_stop_through = false;
    cr_assert_eq(ck_ob_configure_symbol(f.e, &c), CK_OK);
    sub(&f, ob_limit(1, 1, SELL, 100, 1, 1));
    sub(&f, ob_limit(2, 1, BUY, 100, 1, 2)); /* last 100 */
    sub(&f, ob_stop(3, 1, BUY, 90, 1, 3));
    ev_accepted(&f.r, 0, 3, 3);
    ev_done(&f.r, 1, 3, CK_OB_NEW, 0, 0); /* no print since: waits */
    fx_free(&f);
}

/* Typed API argument errors. */
Test(rejects, typed_bad_arguments)
{
    fx_t f = fx_new();
    ck_ob_order_t o = ob_limit(1, 1, BUY, 10, 1, 1);
    o.side = (ck_ob_side_t)7;
    cr_assert_eq(ck_ob_submit(f.e, &o, NULL, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(f.ctx), "order.side");
    o = ob_limit(1, 1, BUY, 10, 1, 1);
    o.tif = (ck_ob_tif_t)9;
    cr_assert_eq(ck_ob_submit(f.e, &o, NULL, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_ob_submit(f.e, NULL, NULL, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_ob_submit(NULL, &o, NULL, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_ob_engine_create(f.ctx, NULL), CK_E_INVALID_INPUT);
    ck_ob_engine_destroy(NULL);
    cr_assert_str_eq(ck_ob_reject_name((ck_ob_reject_t)99), "?");
    ck_ob_tif_t t;
    cr_assert_eq(ck_ob_tif_parse("default", &t), CK_E_NOT_FOUND);
    cr_assert_eq(ck_ob_tif_parse("fok", &t), CK_OK);
    cr_assert_eq(t, CK_OB_FOK);
    fx_free(&f);
}

/* ---------------------------------------------------------------- STP */

Test(stp, cancel_oldest_continues)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, SELL, 100, 5, 1));
    sub(&f, ob_limit(2, 1, SELL, 100, 5, 2));
    /* buy 8@100 (trader 1, cancel_oldest): own 1 cancelled, 5 from 2, 3 rest at 100. */
    sub(&f, with_stp(ob_limit(3, 1, BUY, 100, 8, 1), CK_OB_STP_CANCEL_OLDEST));
    cr_assert_eq(f.r.n, 7);
    ev_accepted(&f.r, 0, 3, 3);
    ev_stp(&f.r, 1, 1, CK_OB_STP_ACTION_CANCEL, 5);
    ev_cancelled(&f.r, 2, 1, 5, CK_OB_CANCEL_SELF_TRADE_PREVENTION);
    ev_done(&f.r, 3, 1, CK_OB_CANCELLED, 0, 0);
    ev_trade(&f.r, 4, 1, 100, 5, 3, 2, 2, BUY, false);
    ev_done(&f.r, 5, 2, CK_OB_FILLED, 5, 500);
    ev_done(&f.r, 6, 3, CK_OB_PARTIALLY_FILLED, 5, 500);
    BOOK_EMPTY(f.e, 1, SELL);
    const uint64_t ids[] = {3};
    const int64_t rem[] = {3};
    book_side_is(f.e, 1, BUY, 1, ids, rem);
    fx_free(&f);
}

Test(stp, cancel_both)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, SELL, 100, 5, 1));
    sub(&f, ob_limit(2, 1, SELL, 101, 5, 2));
    sub(&f, with_stp(ob_limit(3, 1, BUY, 101, 8, 1), CK_OB_STP_CANCEL_BOTH));
    cr_assert_eq(f.r.n, 7);
    ev_stp(&f.r, 1, 1, CK_OB_STP_ACTION_CANCEL, 5);
    ev_cancelled(&f.r, 2, 1, 5, CK_OB_CANCEL_SELF_TRADE_PREVENTION);
    ev_done(&f.r, 3, 1, CK_OB_CANCELLED, 0, 0);
    ev_stp(&f.r, 4, 3, CK_OB_STP_ACTION_CANCEL, 8);
    ev_cancelled(&f.r, 5, 3, 8, CK_OB_CANCEL_SELF_TRADE_PREVENTION);
    ev_done(&f.r, 6, 3, CK_OB_CANCELLED, 0, 0);
    BOOK_IS(f.e, 1, SELL, 2);
    BOOK_EMPTY(f.e, 1, BUY);
    fx_free(&f);
}

Test(stp, decrement)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, SELL, 100, 3, 1));
    sub(&f, ob_limit(2, 1, SELL, 100, 5, 2));
    /* buy 6 (trader 1, decrement): both lose 3 (order 1 reaches 0: cancelled), then 3 trade with 2. */
    sub(&f, with_stp(ob_limit(3, 1, BUY, 100, 6, 1), CK_OB_STP_DECREMENT));
    cr_assert_eq(f.r.n, 7);
    ev_stp(&f.r, 1, 1, CK_OB_STP_ACTION_DECREMENT, 3);
    ev_cancelled(&f.r, 2, 1, 0, CK_OB_CANCEL_SELF_TRADE_PREVENTION);
    ev_done(&f.r, 3, 1, CK_OB_CANCELLED, 0, 0);
    cr_assert_eq(f.r.v[3].state.cancelled, 3);
    ev_stp(&f.r, 4, 3, CK_OB_STP_ACTION_DECREMENT, 3);
    ev_trade(&f.r, 5, 1, 100, 3, 3, 2, 2, BUY, false);
    ev_done(&f.r, 6, 3, CK_OB_FILLED, 3, 300);
    cr_assert(f.r.v[6].state.cancelled == 3 && f.r.v[6].state.quantity == 6);
    {
        const uint64_t ids[] = {2};
        const int64_t rem[] = {2};
        book_side_is(f.e, 1, SELL, 1, ids, rem);
    }
    /* A smaller incoming order: the resting one is decremented and stays, the incoming is
     * cancelled at 0. Own order 4 sell 5@100, then buy 2@100 (trader 9 = group of 4). */
    sub(&f, ob_limit(4, 1, SELL, 99, 5, 9));
    sub(&f, with_stp(ob_limit(5, 1, BUY, 100, 2, 9), CK_OB_STP_DECREMENT));
    cr_assert_eq(f.r.n, 5);
    ev_stp(&f.r, 1, 4, CK_OB_STP_ACTION_DECREMENT, 2);
    ev_stp(&f.r, 2, 5, CK_OB_STP_ACTION_DECREMENT, 2);
    ev_cancelled(&f.r, 3, 5, 0, CK_OB_CANCEL_SELF_TRADE_PREVENTION);
    ev_done(&f.r, 4, 5, CK_OB_CANCELLED, 0, 0);
    ck_ob_order_state_t st;
    cr_assert_eq(ck_ob_order_state(f.e, 4, &st), CK_OK);
    cr_assert(st.remaining == 3 && st.cancelled == 2 && st.status == CK_OB_NEW && st.resting);
    fx_free(&f);
}

Test(stp, none_trades_and_flags)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, SELL, 100, 5, 1));
    sub(&f, with_stp(ob_limit(2, 1, BUY, 100, 5, 1), CK_OB_STP_NONE));
    ev_trade(&f.r, 1, 1, 100, 5, 2, 1, 1, BUY, true);
    fx_free(&f);
}

/* The STP group, not the trader, decides; the policy comes from the symbol when not given. */
Test(stp, groups_and_symbol_default)
{
    fx_t f = fx_new();
    ck_ob_symbol_config_t c;
    ck_ob_symbol_config_init(&c, 1);
    c.stp_default = CK_OB_STP_CANCEL_OLDEST;
    cr_assert_eq(ck_ob_configure_symbol(f.e, &c), CK_OK);
    ck_ob_order_t a = ob_limit(1, 1, SELL, 100, 5, 1);
    a.has_stp_group = true;
    a.stp_group = 42;
    sub(&f, a);
    ck_ob_order_t b = ob_limit(2, 1, BUY, 100, 5, 2); /* another trader, same group */
    b.has_stp_group = true;
    b.stp_group = 42;
    sub(&f, b); /* symbol default cancel_oldest: 1 cancelled, 2 rests */
    ev_stp(&f.r, 1, 1, CK_OB_STP_ACTION_CANCEL, 5);
    BOOK_IS(f.e, 1, BUY, 2);
    ck_ob_order_t x = ob_limit(3, 1, SELL, 100, 5, 2); /* same trader as 2, group defaults to 2 */
    sub(&f, x);
    ev_trade(&f.r, 1, 1, 100, 5, 2, 3, 2, SELL, false);
    fx_free(&f);
}

/* FOK pre-check with STP: cancel_newest stops counting at the first own order; cancel_oldest and
 * decrement skip own orders. */
Test(stp, fok_precheck)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, SELL, 100, 5, 1)); /* own (trader 1) first */
    sub(&f, ob_limit(2, 1, SELL, 100, 5, 2));
    sub(&f, with_stp(with_tif(ob_limit(3, 1, BUY, 100, 5, 1), CK_OB_FOK), CK_OB_STP_CANCEL_NEWEST));
    cr_assert_eq(f.r.n, 3);
    ev_cancelled(&f.r, 1, 3, 5, CK_OB_CANCEL_FOK_UNFILLABLE);
    BOOK_IS(f.e, 1, SELL, 1, 2); /* no side effect */
    sub(&f, with_stp(with_tif(ob_limit(4, 1, BUY, 100, 6, 1), CK_OB_FOK), CK_OB_STP_CANCEL_OLDEST));
    ev_cancelled(&f.r, 1, 4, 6, CK_OB_CANCEL_FOK_UNFILLABLE); /* 5 fillable (own skipped) < 6 */
    BOOK_IS(f.e, 1, SELL, 1, 2);
    sub(&f, with_stp(with_tif(ob_limit(5, 1, BUY, 100, 5, 1), CK_OB_FOK), CK_OB_STP_CANCEL_OLDEST));
    ev_stp(&f.r, 1, 1, CK_OB_STP_ACTION_CANCEL, 5);
    ev_trade(&f.r, 4, 1, 100, 5, 5, 2, 2, BUY, false);
    ev_done(&f.r, 6, 5, CK_OB_FILLED, 5, 500);
    BOOK_EMPTY(f.e, 1, SELL);
    /* A market FOK counts any price. */
    sub(&f, ob_limit(6, 1, SELL, 100, 2, 2));
    sub(&f, ob_limit(7, 1, SELL, 200, 2, 2));
    sub(&f, with_tif(ob_market(8, 1, BUY, 4, 3), CK_OB_FOK));
    ev_done(&f.r, 5, 8, CK_OB_FILLED, 4, 600);
    fx_free(&f);
}

/* ---------------------------------------------------------------- remainders */

Test(remainder, ioc_market_and_empty_book)
{
    fx_t f = fx_new();
    sub(&f, ob_market(1, 1, BUY, 5, 1)); /* nothing to hit */
    cr_assert_eq(f.r.n, 3);
    ev_cancelled(&f.r, 1, 1, 5, CK_OB_CANCEL_NO_LIQUIDITY);
    ev_done(&f.r, 2, 1, CK_OB_CANCELLED, 0, 0);
    sub(&f, ob_limit(2, 1, SELL, 100, 2, 2));
    sub(&f, with_tif(ob_limit(3, 1, BUY, 101, 5, 1), CK_OB_IOC));
    ev_trade(&f.r, 1, 1, 100, 2, 3, 2, 2, BUY, false);
    ev_cancelled(&f.r, 3, 3, 3, CK_OB_CANCEL_IOC_REMAINDER);
    ev_done(&f.r, 4, 3, CK_OB_CANCELLED, 2, 200);
    sub(&f, with_tif(ob_limit(4, 1, BUY, 101, 5, 1), CK_OB_IOC)); /* ioc on an empty side */
    ev_cancelled(&f.r, 1, 4, 5, CK_OB_CANCEL_IOC_REMAINDER);
    BOOK_EMPTY(f.e, 1, BUY);
    /* The trade price is the maker's: a buy at 105 against an ask at 100 trades at 100. */
    sub(&f, ob_limit(5, 1, SELL, 100, 1, 2));
    sub(&f, ob_limit(6, 1, BUY, 105, 1, 1));
    ev_trade(&f.r, 1, 2, 100, 1, 6, 5, 5, BUY, false);
    fx_free(&f);
}

/* ---------------------------------------------------------------- replace */

Test(replace, size_down_keeps_priority_size_up_loses_it)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, SELL, 100, 10, 1));
    sub(&f, ob_limit(2, 1, SELL, 100, 5, 2));
    rep(&f, (ck_ob_replace_t){.order_id = 1, .has_quantity = true, .new_quantity = 6});
    cr_assert_eq(f.r.n, 1);
    ev_is(&f.r, 0, CK_OB_EV_REPLACED, 1);
    cr_assert(f.r.v[0].ev.priority_kept && f.r.v[0].ev.seq == 1);
    {
        const uint64_t ids[] = {1, 2};
        const int64_t rem[] = {6, 5};
        book_side_is(f.e, 1, SELL, 2, ids, rem);
    }
    /* Same values: a no-op that keeps priority. */
    rep(&f, (ck_ob_replace_t){.order_id = 1, .has_quantity = true, .new_quantity = 6, .has_price = true, .new_price = 100});
    cr_assert(f.r.n == 1 && f.r.v[0].ev.priority_kept && f.r.v[0].ev.seq == 1);
    /* Size up: new seq 3, behind order 2. */
    ck_ob_report_t rp;
    rec_clear(&f.r);
    cr_assert_eq(ck_ob_replace(f.e, &(ck_ob_replace_t){.order_id = 1, .has_quantity = true, .new_quantity = 8},
                               &f.sink, &rp), CK_OK);
    cr_assert_eq(f.r.n, 2);
    ev_is(&f.r, 0, CK_OB_EV_REPLACED, 1);
    cr_assert(!f.r.v[0].ev.priority_kept && f.r.v[0].ev.seq == 3);
    ev_done(&f.r, 1, 1, CK_OB_NEW, 0, 0);
    cr_assert(!rp.priority_kept && rp.seq == 3 && rp.remaining == 8 && rp.status == CK_OB_NEW);
    BOOK_IS(f.e, 1, SELL, 2, 1);
    fx_free(&f);
}

Test(replace, price_change_trades_and_to_filled_cancels)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, BUY, 99, 4, 1));
    sub(&f, ob_limit(2, 1, SELL, 101, 10, 2));
    /* Move the ask down to 99: new seq 3, trades 4 with the bid at the bid's price. */
    rep(&f, (ck_ob_replace_t){.order_id = 2, .has_price = true, .new_price = 99});
    cr_assert_eq(f.r.n, 4);
    ev_is(&f.r, 0, CK_OB_EV_REPLACED, 2);
    cr_assert_eq(f.r.v[0].ev.seq, 3);
    ev_trade(&f.r, 1, 1, 99, 4, 1, 2, 1, SELL, false);
    ev_done(&f.r, 2, 1, CK_OB_FILLED, 4, 396);
    ev_done(&f.r, 3, 2, CK_OB_PARTIALLY_FILLED, 4, 396);
    /* new_quantity 4 <= filled 4: cancelled (6 remaining), quantity unchanged. */
    rep(&f, (ck_ob_replace_t){.order_id = 2, .has_quantity = true, .new_quantity = 4});
    cr_assert_eq(f.r.n, 2);
    ev_cancelled(&f.r, 0, 2, 6, CK_OB_CANCEL_REPLACE_TO_FILLED);
    ev_done(&f.r, 1, 2, CK_OB_CANCELLED, 4, 396);
    cr_assert(f.r.v[1].state.quantity == 10 && f.r.v[1].state.cancelled == 6);
    BOOK_EMPTY(f.e, 1, SELL);
    fx_free(&f);
}

Test(replace, rejections_leave_the_order_untouched)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, SELL, 101, 5, 1));
    sub(&f, with_post(ob_limit(2, 1, BUY, 100, 5, 2)));
    rep(&f, (ck_ob_replace_t){.order_id = 2, .has_price = true, .new_price = 101}); /* would cross */
    cr_assert_eq(f.r.n, 1);
    ev_rejected(&f.r, 0, 2, CK_OB_REJECT_POST_ONLY_WOULD_CROSS);
    rep(&f, (ck_ob_replace_t){.order_id = 2, .has_price = true, .new_price = 0});
    ev_rejected(&f.r, 0, 2, CK_OB_REJECT_INVALID_PRICE);
    rep(&f, (ck_ob_replace_t){.order_id = 2, .has_quantity = true, .new_quantity = 2000000000});
    ev_rejected(&f.r, 0, 2, CK_OB_REJECT_INVALID_QUANTITY);
    rep(&f, (ck_ob_replace_t){.order_id = 2, .has_stop_price = true, .new_stop_price = 50}); /* not a stop */
    ev_rejected(&f.r, 0, 2, CK_OB_REJECT_INVALID_PRICE);
    ck_ob_order_state_t st;
    cr_assert_eq(ck_ob_order_state(f.e, 2, &st), CK_OK);
    cr_assert(st.price == 100 && st.remaining == 5 && st.seq == 2 && st.resting);
    fx_free(&f);
}

Test(replace, waiting_stop)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, SELL, 100, 1, 1));
    sub(&f, ob_limit(2, 1, BUY, 100, 1, 2)); /* last 100 */
    sub(&f, ob_stop(3, 1, BUY, 105, 2, 3));  /* seq 3 */
    sub(&f, ob_stop(4, 1, BUY, 104, 2, 4));  /* seq 4 */
    rep(&f, (ck_ob_replace_t){.order_id = 3, .has_stop_price = true, .new_stop_price = 99}); /* through */
    ev_rejected(&f.r, 0, 3, CK_OB_REJECT_STOP_THROUGH_MARKET);
    rep(&f, (ck_ob_replace_t){.order_id = 3, .has_stop_price = true, .new_stop_price = 103});
    cr_assert_eq(f.r.n, 2);
    cr_assert(!f.r.v[0].ev.priority_kept && f.r.v[0].ev.seq == 5);
    ev_done(&f.r, 1, 3, CK_OB_NEW, 0, 0);
    cr_assert(f.r.v[1].state.waiting && f.r.v[1].state.stop_price == 103);
    /* Both trigger on a print at 105; order 4 (seq 4) is released before 3 (now seq 5). */
    sub(&f, ob_limit(5, 1, SELL, 105, 1, 5));
    sub(&f, ob_limit(6, 1, SELL, 106, 10, 5));
    sub(&f, ob_limit(7, 1, BUY, 105, 1, 6));
    size_t t4 = SIZE_MAX, t3 = SIZE_MAX;
    for (size_t i = 0; i < f.r.n; i++)
        if (f.r.v[i].ev.type == CK_OB_EV_TRIGGERED) {
            if (f.r.v[i].ev.order_id == 4) t4 = i;
            if (f.r.v[i].ev.order_id == 3) t3 = i;
        }
    cr_assert(t4 < t3 && t3 != SIZE_MAX);
    fx_free(&f);
}

/* ---------------------------------------------------------------- session end */

Test(session, day_orders_expire)
{
    fx_t f = fx_new();
    sub(&f, with_tif(ob_limit(1, 1, BUY, 99, 5, 1), CK_OB_DAY));
    sub(&f, ob_limit(2, 1, BUY, 98, 5, 1));
    sub(&f, with_tif(ob_limit(3, 1, SELL, 101, 5, 1), CK_OB_DAY));
    sub(&f, with_tif(ob_stop(4, 1, SELL, 90, 5, 1), CK_OB_DAY));
    sub(&f, with_tif(ob_limit(5, 2, BUY, 99, 5, 1), CK_OB_DAY));
    sub(&f, ob_limit(6, 1, SELL, 99, 2, 2)); /* partially fills order 1 first */
    rec_clear(&f.r);
    int64_t n = -1;
    cr_assert_eq(ck_ob_end_session(f.e, false, 1, &f.sink, &n), CK_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(f.r.n, 6);
    ev_is(&f.r, 0, CK_OB_EV_EXPIRED, 1);
    cr_assert_eq(f.r.v[0].ev.quantity, 3);
    ev_done(&f.r, 1, 1, CK_OB_EXPIRED, 2, 198);
    cr_assert_eq(f.r.v[1].state.expired, 3);
    ev_is(&f.r, 2, CK_OB_EV_EXPIRED, 3);
    ev_done(&f.r, 3, 3, CK_OB_EXPIRED, 0, 0);
    ev_is(&f.r, 4, CK_OB_EV_EXPIRED, 4);
    ev_done(&f.r, 5, 4, CK_OB_EXPIRED, 0, 0);
    BOOK_IS(f.e, 1, BUY, 2);
    BOOK_EMPTY(f.e, 1, SELL);
    BOOK_IS(f.e, 2, BUY, 5); /* another symbol: untouched */
    cr_assert_eq(ck_ob_end_session(f.e, true, 0, NULL, &n), CK_OK);
    cr_assert_eq(n, 1);
    BOOK_EMPTY(f.e, 2, BUY);
    cr_assert_eq(ck_ob_end_session(f.e, false, 77, NULL, &n), CK_OK); /* unknown symbol: nothing */
    cr_assert_eq(n, 0);
    cxl(&f, 1);
    ev_rejected(&f.r, 0, 1, CK_OB_REJECT_UNKNOWN_ORDER);
    fx_free(&f);
}

/* ---------------------------------------------------------------- stops */

/* A cascade: each round's prints trigger the next stops; one message. */
Test(stops, cascade_in_rounds)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, SELL, 101, 2, 1));
    sub(&f, ob_limit(2, 1, SELL, 102, 2, 1));
    sub(&f, ob_limit(3, 1, SELL, 103, 5, 1));
    sub(&f, ob_limit(4, 1, BUY, 95, 10, 2));
    sub(&f, ob_stop(10, 1, BUY, 101, 1, 3)); /* seq 5 */
    sub(&f, ob_stop(11, 1, BUY, 102, 2, 4)); /* seq 6 */
    ck_ob_order_t sl = ob_stop(12, 1, BUY, 103, 1, 5);
    sl.type = CK_OB_STOP_LIMIT;
    sl.price = 103;
    sub(&f, sl);                             /* seq 7 */
    sub(&f, ob_stop(13, 1, SELL, 90, 1, 5)); /* seq 8: never triggers here */
    /* buy 2@101 (seq 9): 2@101 -> 10 triggers (seq 10): 1@102 -> 11 triggers (seq 11): 1@102,
     * 1@103 -> 12 triggers (seq 12): limit 1@103 fills at 103. */
    sub(&f, ob_limit(20, 1, BUY, 101, 2, 6));
    const int64_t want_px[] = {101, 102, 102, 103, 103};
    const uint64_t want_taker[] = {20, 10, 11, 11, 12};
    size_t k = 0, trig = 0;
    const uint64_t want_trig[] = {10, 11, 12};
    for (size_t i = 0; i < f.r.n; i++) {
        if (f.r.v[i].ev.type == CK_OB_EV_TRADE) {
            cr_assert_lt(k, 5);
            cr_assert_eq(f.r.v[i].trade.price, want_px[k], "trade %zu", k);
            cr_assert_eq(f.r.v[i].trade.taker_order_id, want_taker[k], "trade %zu", k);
            k++;
        }
        if (f.r.v[i].ev.type == CK_OB_EV_TRIGGERED) {
            cr_assert_eq(f.r.v[i].ev.order_id, want_trig[trig]);
            cr_assert_eq(f.r.v[i].ev.seq, 10 + trig);
            trig++;
        }
    }
    cr_assert(k == 5 && trig == 3);
    const uint64_t ids[] = {3};
    const int64_t rem[] = {3};
    book_side_is(f.e, 1, SELL, 1, ids, rem);
    ck_ob_book_info_t info;
    size_t nb, na;
    cr_assert_eq(ck_ob_l2(f.e, 1, 0, NULL, 0, &nb, NULL, 0, &na, &info), CK_OK);
    cr_assert_eq(info.waiting_stops, 1);
    fx_free(&f);
}

/* A sweep through the stop level triggers even when the last print is beyond it; stops of one
 * round are released in ascending original seq. */
Test(stops, sweep_through_and_seq_order)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, SELL, 100, 1, 1));
    sub(&f, ob_limit(2, 1, SELL, 101, 1, 1));
    sub(&f, ob_limit(3, 1, SELL, 102, 1, 1));
    sub(&f, ob_limit(4, 1, BUY, 90, 10, 2));
    sub(&f, ob_stop(5, 1, SELL, 100, 1, 3)); /* seq 5 */
    sub(&f, ob_stop(6, 1, SELL, 101, 1, 4)); /* seq 6 */
    /* buy 3@102 prints 100, 101, 102: min 100 <= 100 and <= 101: both sell stops trigger, 5 first. */
    sub(&f, ob_limit(7, 1, BUY, 102, 3, 5));
    size_t a = SIZE_MAX, b = SIZE_MAX;
    for (size_t i = 0; i < f.r.n; i++)
        if (f.r.v[i].ev.type == CK_OB_EV_TRIGGERED) {
            if (f.r.v[i].ev.order_id == 5) a = i;
            else b = i;
        }
    cr_assert(a < b && b != SIZE_MAX);
    const int64_t rem[] = {8};
    const uint64_t ids[] = {4};
    book_side_is(f.e, 1, BUY, 1, ids, rem);
    /* A stop that triggers gets its price-less market semantics: traded at 90 (the bid). */
    ck_ob_order_state_t st;
    cr_assert_eq(ck_ob_order_state(f.e, 5, &st), CK_E_NOT_FOUND);
    fx_free(&f);
}

/* A triggered stop_limit with gtc rests with its new seq; a waiting stop is cancellable. */
Test(stops, stop_limit_rests_and_cancel_waiting)
{
    fx_t f = fx_new();
    sub(&f, ob_limit(1, 1, SELL, 100, 1, 1));
    ck_ob_order_t sl = ob_stop(2, 1, BUY, 100, 5, 2);
    sl.type = CK_OB_STOP_LIMIT;
    sl.price = 100;
    sub(&f, sl); /* seq 2 */
    sub(&f, ob_stop(3, 1, BUY, 150, 5, 2));
    cxl(&f, 3);
    ev_cancelled(&f.r, 0, 3, 5, CK_OB_CANCEL_USER);
    ev_done(&f.r, 1, 3, CK_OB_CANCELLED, 0, 0);
    sub(&f, ob_limit(4, 1, BUY, 100, 1, 3)); /* print at 100: the stop_limit triggers, nothing left at 100 */
    ck_ob_order_state_t st;
    cr_assert_eq(ck_ob_order_state(f.e, 2, &st), CK_OK);
    cr_assert(st.resting && !st.waiting && st.seq == 5 && st.remaining == 5 && st.type == CK_OB_STOP_LIMIT);
    BOOK_IS(f.e, 1, BUY, 2);
    fx_free(&f);
}

/* ---------------------------------------------------------------- bad JSON input */

static void bad(const char *input, const char *field, const char *what)
{
    char err[1024];
    json_t *out = run_json_kernel(input, CK_E_INVALID_INPUT, err, sizeof err);
    cr_assert_null(out);
    cr_assert(strstr(err, field), "error \"%s\" does not name %s", err, field);
    cr_assert(strstr(err, what), "error \"%s\" does not say %s", err, what);
}

#define ORD_(body) "{\"messages\": [{\"op\": \"submit\", \"order\": {" body "}}]}"
#define OK_ORD "\"order_id\": 1, \"symbol_id\": 1, \"side\": \"buy\", \"price\": 5, \"quantity\": 1, \"trader_id\": 1"

Test(bad_input, names_the_field)
{
    bad("{}", "messages", "missing");
    bad("{\"messages\": {}}", "messages", "array");
    bad("{\"messages\": [], \"final_depth\": -1}", "final_depth", "range");
    bad("{\"messages\": [], \"extra\": 1}", "extra", "unknown");
    bad("{\"messages\": [5]}", "messages[0]", "object");
    bad("{\"messages\": [{}]}", "messages[0].op", "missing");
    bad("{\"messages\": [{\"op\": \"sell\"}]}", "messages[0].op", "unknown op");
    bad("{\"messages\": [{\"op\": \"cancel\"}]}", "messages[0].order_id", "missing");
    bad("{\"messages\": [{\"op\": \"cancel\", \"order_id\": -1}]}", "messages[0].order_id", ">= 0");
    bad("{\"messages\": [{\"op\": \"cancel\", \"order_id\": 1, \"price\": 3}]}", "messages[0].price", "unknown");
    bad("{\"messages\": [{\"op\": \"replace\", \"order_id\": 1, \"new_price\": 1.5}]}", "messages[0].new_price",
        "integer");
    bad("{\"messages\": [{\"op\": \"snapshot\", \"symbol_id\": 1, \"level\": 4}]}", "messages[0].level", "2 or 3");
    bad("{\"messages\": [{\"op\": \"snapshot\"}]}", "messages[0].symbol_id", "missing");
    bad("{\"messages\": [{\"op\": \"end_session\", \"symbol_id\": \"x\"}]}", "messages[0].symbol_id", "integer");
    bad("{\"messages\": [{\"op\": \"submit\"}]}", "messages[0].order", "missing");
    bad(ORD_("\"order_id\": 1, \"symbol_id\": 1, \"price\": 5, \"quantity\": 1, \"trader_id\": 1"),
        "messages[0].order.side", "missing");
    bad(ORD_(OK_ORD ", \"side2\": 1"), "messages[0].order.side2", "unknown field");
    bad(ORD_("\"order_id\": 1, \"symbol_id\": 1, \"side\": \"long\", \"quantity\": 1, \"trader_id\": 1"),
        "messages[0].order.side", "buy");
    bad(ORD_(OK_ORD ", \"tif\": \"gtd\""), "messages[0].order.tif", "gtc");
    bad(ORD_(OK_ORD ", \"type\": \"iceberg\""), "messages[0].order.type", "limit");
    bad(ORD_(OK_ORD ", \"stp_policy\": \"x\""), "messages[0].order.stp_policy", "cancel_newest");
    bad(ORD_(OK_ORD ", \"post_only\": 1"), "messages[0].order.post_only", "boolean");
    bad(ORD_("\"order_id\": 1, \"symbol_id\": 4294967296, \"side\": \"buy\", \"quantity\": 1, \"trader_id\": 1"),
        "messages[0].order.symbol_id", "range");
    bad(ORD_("\"order_id\": 1, \"symbol_id\": 1, \"side\": \"buy\", \"quantity\": \"1\", \"trader_id\": 1"),
        "messages[0].order.quantity", "integer");
    bad(ORD_("\"order_id\": 1, \"symbol_id\": 1, \"side\": \"buy\", \"quantity\": 1"),
        "messages[0].order.trader_id", "missing");
    bad("{\"symbols\": [{\"symbol_id\": 1, \"max_qty\": 0}], \"messages\": []}", "symbols[0].max_qty", ">= min_qty");
    bad("{\"symbols\": [{\"symbol_id\": 1}, {\"symbol_id\": 1}], \"messages\": []}", "symbols[1].symbol_id",
        "duplicate");
    bad("{\"symbols\": [{\"tick_size\": 1}], \"messages\": []}", "symbols[0].symbol_id", "missing");
    bad("{\"symbols\": [{\"symbol_id\": 1, \"tick_size\": 0}], \"messages\": []}", "symbols[0].tick_size", "> 0");
    bad("{\"symbols\": [{\"symbol_id\": 1, \"stp_default\": \"no\"}], \"messages\": []}", "symbols[0].stp_default",
        "cancel_newest");
    bad("{\"symbols\": [{\"symbol_id\": 1, \"lots\": 1}], \"messages\": []}", "symbols[0].lots", "unknown");
    /* The whole input is checked before anything runs: an error in the last message. */
    bad("{\"messages\": [{\"op\": \"submit\", \"order\": {" OK_ORD "}}, {\"op\": \"cancel\", \"order_id\": 1.5}]}",
        "messages[1].order_id", "integer");
}

/* Symbol configs from JSON are applied: a symbol with min_qty 10 rejects 5. */
Test(bad_input, symbol_config_applies)
{
    json_t *out = run_json_kernel("{\"symbols\": [{\"symbol_id\": 1, \"min_qty\": 10, \"tick_size\": \"0.05\"}], "
                                  "\"messages\": [{\"op\": \"submit\", \"order\": {" OK_ORD "}}]}",
                                  CK_OK, NULL, 0);
    const json_t *ev = json_array_get(json_object_get(out, "events"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(ev, "type")), "rejected");
    cr_assert_str_eq(json_string_value(json_object_get(ev, "reason")), "invalid_quantity");
    cr_assert_eq(json_array_size(json_object_get(out, "orders")), 0);
    cr_assert_eq(json_array_size(json_object_get(out, "books")), 1); /* configured symbol, empty book */
    json_decref(out);
}

/* ---------------------------------------------------------------- allocation failures */

static bool scenario_alloc(void)
{
    ck_ctx_t *ctx = NULL;
    ck_ob_engine_t *e = NULL;
    json_t *in = NULL, *out = NULL;
    bool done = false;
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    STEP(ck_ob_engine_create(ctx, &e));
    /* The typed path: growth of every pool (nodes, id map, ladders, cascade scratch) fails
     * cleanly and leaves the engine usable. */
    for (uint64_t i = 1; i <= 200; i++) {
        ck_ob_order_t o = ob_limit(i, (uint32_t)(i % 3), i & 1 ? CK_OB_BUY : CK_OB_SELL,
                                   i & 1 ? 100 - (int64_t)(i % 40) : 101 + (int64_t)(i % 40), 5, i);
        if (i % 17 == 0) o = ob_stop(i, (uint32_t)(i % 3), CK_OB_BUY, 1000, 1, i);
        STEP(ck_ob_submit(e, &o, NULL, NULL));
    }
    ck_ob_engine_destroy(&e);
    /* The batch binder on the worked scenario with one snapshot of each level. */
    in = json_loads(cki_orderbook_scenario_input, 0, NULL);
    if (!in) {
        cr_assert(sweep_failed);
        goto cleanup;
    }
    json_t *msgs = json_object_get(in, "messages");
    if (json_array_append_new(msgs, json_pack("{sssisi}", "op", "snapshot", "symbol_id", 1, "level", 3)) ||
        json_array_append_new(msgs, json_pack("{sssisi}", "op", "snapshot", "symbol_id", 1, "level", 2)) ||
        json_object_set_new(in, "symbols", json_pack("[{si}]", "symbol_id", 1)) ||
        json_object_set_new(in, "final_depth", json_integer(10))) {
        cr_assert(sweep_failed);
        goto cleanup;
    }
    out = json_object();
    if (!out) {
        cr_assert(sweep_failed);
        goto cleanup;
    }
    ck_run_info_t info = {.iterations = -1};
    STEP(cki_orderbook_kernels[0].run_json(ctx, &cki_orderbook_kernels[0], in, out, &info));
    json_decref(info.warnings);
    cr_assert_eq(json_array_size(json_object_get(out, "events")), 37);
    done = true;
cleanup:
    ck_ob_engine_destroy(&e);
    json_decref(in);
    json_decref(out);
    ck_ctx_destroy(&ctx);
    return done;
}

Test(alloc, sweep) { sweep(scenario_alloc, "orderbook", 20, SWEEP_JSON); }
