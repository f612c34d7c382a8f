/* Shared helpers for the orderbook tests: a recording event sink, order builders and book checks.
 * Header-only (static inline), so a program that uses part of it gets no unused warnings. */
#ifndef CK_TESTS_OB_TEST_H
#define CK_TESTS_OB_TEST_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ckernels.h"
#include "orderbook_internal.h"

/* ---- recording sink: copies every event (with its trade / state) */
typedef struct rec_ev {
    ck_ob_event_t ev; /* trade/state pointers cleared: use the copies below */
    ck_ob_trade_t trade;
    ck_ob_order_state_t state;
} rec_ev_t;

typedef struct rec {
    rec_ev_t *v;
    size_t n, cap;
} rec_t;

static inline void rec_fn(void *user, const ck_ob_event_t *ev)
{
    rec_t *r = user;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->v = realloc(r->v, r->cap * sizeof *r->v);
        cr_assert(r->v);
    }
    rec_ev_t *x = &r->v[r->n++];
    memset(x, 0, sizeof *x);
    x->ev = *ev;
    if (ev->trade) x->trade = *ev->trade;
    if (ev->state) x->state = *ev->state;
    x->ev.trade = NULL;
    x->ev.state = NULL;
}

static inline ck_ob_sink_t rec_sink(rec_t *r) { return (ck_ob_sink_t){rec_fn, r}; }
static inline void rec_clear(rec_t *r) { r->n = 0; }
static inline void rec_free(rec_t *r)
{
    free(r->v);
    memset(r, 0, sizeof *r);
}

/* ---- order builders */
static inline ck_ob_order_t ob_limit(uint64_t id, uint32_t sym, ck_ob_side_t side, int64_t price, int64_t qty,
                                     uint64_t trader)
{
    ck_ob_order_t o;
    ck_ob_order_init(&o);
    o.order_id = id;
    o.symbol_id = sym;
    o.side = side;
    o.price = price;
    o.quantity = qty;
    o.trader_id = trader;
    return o;
}

static inline ck_ob_order_t ob_market(uint64_t id, uint32_t sym, ck_ob_side_t side, int64_t qty, uint64_t trader)
{
    ck_ob_order_t o = ob_limit(id, sym, side, 0, qty, trader);
    o.type = CK_OB_MARKET;
    return o;
}

static inline ck_ob_order_t ob_stop(uint64_t id, uint32_t sym, ck_ob_side_t side, int64_t stop, int64_t qty,
                                    uint64_t trader)
{
    ck_ob_order_t o = ob_limit(id, sym, side, 0, qty, trader);
    o.type = CK_OB_STOP;
    o.stop_price = stop;
    return o;
}

/* Submit and assert CK_OK. */
#define SUBMIT(e, o, sink) cr_assert_eq(ck_ob_submit((e), &(ck_ob_order_t){o}, (sink), NULL), CK_OK)

/* ---- event assertions */
#define EV_AT(r, i) (&(r)->v[i])
static inline void ev_is(const rec_t *r, size_t i, ck_ob_event_type_t type, uint64_t order_id)
{
    cr_assert_lt(i, r->n, "event %zu missing (only %zu)", i, r->n);
    cr_assert_eq(r->v[i].ev.type, type, "event %zu: type %s, expected %s", i, ck_ob_event_type_name(r->v[i].ev.type),
                 ck_ob_event_type_name(type));
    cr_assert_eq(r->v[i].ev.order_id, order_id, "event %zu (%s): order %llu, expected %llu", i,
                 ck_ob_event_type_name(type), (unsigned long long)r->v[i].ev.order_id, (unsigned long long)order_id);
}
static inline void ev_accepted(const rec_t *r, size_t i, uint64_t id, uint64_t seq)
{
    ev_is(r, i, CK_OB_EV_ACCEPTED, id);
    cr_assert_eq(r->v[i].ev.seq, seq, "event %zu: seq %llu, expected %llu", i, (unsigned long long)r->v[i].ev.seq,
                 (unsigned long long)seq);
}
static inline void ev_done(const rec_t *r, size_t i, uint64_t id, ck_ob_status_t st, int64_t filled, int64_t notional)
{
    ev_is(r, i, CK_OB_EV_DONE, id);
    const ck_ob_order_state_t *s = &r->v[i].state;
    cr_assert_eq(s->status, st, "event %zu: done status %s, expected %s", i, ck_ob_status_name(s->status),
                 ck_ob_status_name(st));
    cr_assert_eq(s->filled, filled, "event %zu: filled %lld, expected %lld", i, (long long)s->filled,
                 (long long)filled);
    cr_assert(s->notional == (ck_int128_t)notional, "event %zu: notional", i);
    cr_assert_eq(s->quantity, s->filled + s->remaining + s->cancelled + s->expired);
}
static inline void ev_trade(const rec_t *r, size_t i, uint64_t trade_id, int64_t price, int64_t qty, uint64_t buy,
                            uint64_t sell, uint64_t maker, ck_ob_side_t aggressor, bool self)
{
    ev_is(r, i, CK_OB_EV_TRADE, aggressor == CK_OB_BUY ? buy : sell);
    const ck_ob_trade_t *t = &r->v[i].trade;
    cr_assert_eq(t->trade_id, trade_id, "event %zu: trade_id", i);
    cr_assert_eq(t->price, price, "event %zu: price %lld, expected %lld", i, (long long)t->price, (long long)price);
    cr_assert_eq(t->quantity, qty, "event %zu: quantity %lld, expected %lld", i, (long long)t->quantity,
                 (long long)qty);
    cr_assert_eq(t->buy_order_id, buy, "event %zu: buy order", i);
    cr_assert_eq(t->sell_order_id, sell, "event %zu: sell order", i);
    cr_assert_eq(t->maker_order_id, maker, "event %zu: maker", i);
    cr_assert_eq(t->taker_order_id, aggressor == CK_OB_BUY ? buy : sell, "event %zu: taker", i);
    cr_assert_eq(t->aggressor, aggressor, "event %zu: aggressor", i);
    cr_assert_eq(t->self_trade, self, "event %zu: self_trade", i);
}
static inline void ev_cancelled(const rec_t *r, size_t i, uint64_t id, int64_t q, ck_ob_cancel_reason_t why)
{
    ev_is(r, i, CK_OB_EV_CANCELLED, id);
    cr_assert_eq(r->v[i].ev.quantity, q, "event %zu: cancelled quantity %lld, expected %lld", i,
                 (long long)r->v[i].ev.quantity, (long long)q);
    cr_assert_eq(r->v[i].ev.cancel_reason, why, "event %zu: reason %s, expected %s", i,
                 ck_ob_cancel_reason_name(r->v[i].ev.cancel_reason), ck_ob_cancel_reason_name(why));
}
static inline void ev_rejected(const rec_t *r, size_t i, uint64_t id, ck_ob_reject_t why)
{
    ev_is(r, i, CK_OB_EV_REJECTED, id);
    cr_assert_eq(r->v[i].ev.reject, why, "event %zu: reject %s, expected %s", i, ck_ob_reject_name(r->v[i].ev.reject),
                 ck_ob_reject_name(why));
}
static inline void ev_stp(const rec_t *r, size_t i, uint64_t id, ck_ob_stp_action_t a, int64_t q)
{
    ev_is(r, i, CK_OB_EV_STP, id);
    cr_assert_eq(r->v[i].ev.stp_action, a, "event %zu: stp action", i);
    cr_assert_eq(r->v[i].ev.quantity, q, "event %zu: stp quantity %lld, expected %lld", i,
                 (long long)r->v[i].ev.quantity, (long long)q);
}

/* ---- book checks */
/* The side of symbol `sym` as a list of (order_id, remaining), best first; n entries expected. */
static inline void book_side_is(const ck_ob_engine_t *e, uint32_t sym, ck_ob_side_t side, size_t n,
                                const uint64_t *ids, const int64_t *rem)
{
    ck_ob_l3_order_t b[64], a[64];
    size_t nb, na;
    cr_assert_eq(ck_ob_l3(e, sym, 0, b, 64, &nb, a, 64, &na, NULL), CK_OK);
    const ck_ob_l3_order_t *o = side == CK_OB_BUY ? b : a;
    const size_t got = side == CK_OB_BUY ? nb : na;
    cr_assert_eq(got, n, "%s side: %zu orders, expected %zu", ck_ob_side_name(side), got, n);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(o[i].order_id, ids[i], "%s[%zu]: order %llu, expected %llu", ck_ob_side_name(side), i,
                     (unsigned long long)o[i].order_id, (unsigned long long)ids[i]);
        if (rem) cr_assert_eq(o[i].remaining, rem[i], "%s[%zu]: remaining", ck_ob_side_name(side), i);
    }
}
#define BOOK_IS(e, sym, side, ...)                                                                             \
    do {                                                                                                       \
        const uint64_t ids_[] = {__VA_ARGS__};                                                                 \
        book_side_is((e), (sym), (side), sizeof ids_ / sizeof ids_[0], ids_, NULL);                            \
    } while (0)
#define BOOK_EMPTY(e, sym, side) book_side_is((e), (sym), (side), 0, NULL, NULL)

/* Invariants (a) not crossed and (e) L2 = aggregation of L3 for one symbol; returns resting count. */
static inline size_t book_check(const ck_ob_engine_t *e, uint32_t sym, ck_ob_l3_order_t *b3, ck_ob_l3_order_t *a3,
                                ck_ob_level_t *b2, ck_ob_level_t *a2, size_t cap)
{
    size_t nb3, na3, nb2, na2;
    ck_ob_book_info_t info;
    cr_assert_eq(ck_ob_l3(e, sym, 0, b3, cap, &nb3, a3, cap, &na3, &info), CK_OK);
    cr_assert_lt(nb3, cap);
    cr_assert_lt(na3, cap);
    cr_assert_eq(ck_ob_l2(e, sym, 0, b2, cap, &nb2, a2, cap, &na2, NULL), CK_OK);
    if (info.has_bid && info.has_ask) cr_assert_lt(info.best_bid, info.best_ask, "symbol %u crossed/locked", sym);
    for (int side = 0; side < 2; side++) {
        const ck_ob_l3_order_t *o = side ? a3 : b3;
        const size_t n3 = side ? na3 : nb3;
        const ck_ob_level_t *l = side ? a2 : b2;
        const size_t n2 = side ? na2 : nb2;
        size_t j = 0;
        for (size_t k = 0; k < n2; k++) {
            int64_t q = 0, c = 0;
            if (k) cr_assert(side ? l[k].price > l[k - 1].price : l[k].price < l[k - 1].price, "levels not sorted");
            uint64_t last_seq = 0;
            while (j < n3 && o[j].price == l[k].price) {
                cr_assert_gt(o[j].seq, last_seq, "FIFO by seq broken at %lld", (long long)l[k].price);
                cr_assert_gt(o[j].remaining, 0);
                last_seq = o[j].seq;
                q += o[j].remaining;
                c++;
                j++;
            }
            cr_assert_eq(q, l[k].quantity, "L2 quantity != sum of L3 at %lld", (long long)l[k].price);
            cr_assert_eq(c, l[k].order_count, "L2 count != L3 orders at %lld", (long long)l[k].price);
        }
        cr_assert_eq(j, n3, "L3 orders outside the L2 levels");
    }
    return nb3 + na3;
}

/* ---- JSON helpers */
static inline json_t *run_json_kernel(const char *input, ck_status_t expect, char *errbuf, size_t errcap)
{
    ck_ctx_t *ctx = NULL;
    ck_registry_t *reg = NULL;
    char *out = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    cr_assert_eq(ck_registry_create(&reg, ctx), CK_OK);
    cr_assert_eq(ck_orderbook_register(ctx, reg), CK_OK, "%s", ck_ctx_error(ctx));
    ck_status_t s = ck_execute_json(ctx, reg, "orderbook/matching", input, strlen(input), &out);
    cr_assert_eq(s, expect, "status %s: %s", ck_status_name(s), ck_ctx_error(ctx));
    json_t *j = NULL;
    if (errbuf) snprintf(errbuf, errcap, "%s", ck_ctx_error(ctx));
    if (out) {
        j = json_loads(out, 0, NULL);
        cr_assert(j);
        ck_ctx_free(ctx, out);
    }
    ck_registry_destroy(&reg);
    ck_ctx_destroy(&ctx);
    return j;
}

#endif
