/* orderbook/matching: differential test against the independent Python model
 * (tests/data/orderbook/model.py; fixtures written by gen_fixtures.py, format in README.md there).
 * Every stream is replayed twice: through the batch JSON kernel (trades, final order states,
 * rejects) and through the typed API (final L3 books, waiting stops, last trade price), and both
 * are compared exactly with the model's results. */
#include <stdio.h>

#include "ob_test.h"

static json_t *load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/orderbook/matching/%s.json", CK_TEST_DATA_DIR, name);
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    cr_assert(j, "%s: %s (line %d)", path, err.text, err.line);
    return j;
}

static void expect_equal(const char *stream, const char *what, size_t i, const json_t *got, const json_t *want)
{
    if (json_equal(got, want)) return;
    char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS), *w = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
    cr_assert(false, "%s: %s[%zu] differs\n  engine: %s\n  model:  %s", stream, what, i, g, w);
    free(g);
    free(w);
}

/* The batch kernel: trades, orders, rejects. */
static void check_batch(const char *name, const json_t *fx)
{
    json_t *in = json_pack("{sOsO}", "symbols", json_object_get(fx, "symbols"), "messages",
                           json_object_get(fx, "messages"));
    char *text = json_dumps(in, JSON_COMPACT);
    json_t *out = run_json_kernel(text, CK_OK, NULL, 0);
    free(text);
    json_decref(in);
    const json_t *exp = json_object_get(fx, "expected");
    json_t *trades = json_array(), *rejects = json_array(), *orders = json_array();
    const json_t *ev;
    size_t i;
    json_array_foreach(json_object_get(out, "events"), i, ev) {
        const char *type = json_string_value(json_object_get(ev, "type"));
        if (!strcmp(type, "trade")) {
            json_t *t = json_deep_copy(ev);
            json_object_del(t, "type");
            json_array_append_new(trades, t);
        } else if (!strcmp(type, "rejected")) {
            json_array_append_new(rejects, json_pack("[OOO]", json_object_get(ev, "msg_index"),
                                                     json_object_get(ev, "order_id"), json_object_get(ev, "reason")));
        }
    }
    json_array_foreach(json_object_get(out, "orders"), i, ev) {
        json_array_append_new(orders, json_pack("{sOsOsOsOsOsO}", "order_id", json_object_get(ev, "order_id"), "status",
                                                json_object_get(ev, "status"), "filled", json_object_get(ev, "filled"),
                                                "remaining", json_object_get(ev, "remaining"), "cancelled",
                                                json_object_get(ev, "cancelled"), "expired",
                                                json_object_get(ev, "expired")));
    }
    const struct {
        const char *what;
        json_t *got;
    } parts[] = {{"trades", trades}, {"rejects", rejects}, {"orders", orders}};
    for (size_t p = 0; p < 3; p++) {
        const json_t *want = json_object_get(exp, parts[p].what);
        const size_t ng = json_array_size(parts[p].got), nw = json_array_size(want);
        for (size_t k = 0; k < ng && k < nw; k++)
            expect_equal(name, parts[p].what, k, json_array_get(parts[p].got, k), json_array_get(want, k));
        cr_assert_eq(ng, nw, "%s: %zu %s, the model has %zu", name, ng, parts[p].what, nw);
    }
    json_decref(trades);
    json_decref(rejects);
    json_decref(orders);
    json_decref(out);
}

/* The typed API: L3 books, stops and last trade price per symbol. */
static void check_typed(const char *name, const json_t *fx)
{
    ck_ctx_t *ctx = NULL;
    ck_ob_engine_t *e = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    cr_assert_eq(ck_ob_engine_create(ctx, &e), CK_OK);
    cr_assert_eq(cki_ob_symbols_from_json(ctx, e, json_object_get(fx, "symbols"), "symbols"), CK_OK, "%s",
                 ck_ctx_error(ctx));
    const json_t *m;
    size_t i;
    json_array_foreach(json_object_get(fx, "messages"), i, m) {
        const char *op = json_string_value(json_object_get(m, "op"));
        ck_status_t s;
        if (!strcmp(op, "submit")) {
            ck_ob_order_t o;
            cr_assert_eq(cki_ob_order_from_json(ctx, json_object_get(m, "order"), "order", &o), CK_OK, "%s",
                         ck_ctx_error(ctx));
            s = ck_ob_submit(e, &o, NULL, NULL);
        } else if (!strcmp(op, "cancel")) {
            s = ck_ob_cancel(e, (uint64_t)json_integer_value(json_object_get(m, "order_id")), NULL, NULL);
        } else if (!strcmp(op, "replace")) {
            ck_ob_replace_t r = {.order_id = (uint64_t)json_integer_value(json_object_get(m, "order_id"))};
            const json_t *v;
            if ((v = json_object_get(m, "new_quantity"))) r.has_quantity = true, r.new_quantity = json_integer_value(v);
            if ((v = json_object_get(m, "new_price"))) r.has_price = true, r.new_price = json_integer_value(v);
            if ((v = json_object_get(m, "new_stop_price")))
                r.has_stop_price = true, r.new_stop_price = json_integer_value(v);
            s = ck_ob_replace(e, &r, NULL, NULL);
        } else if (!strcmp(op, "end_session")) {
            const json_t *v = json_object_get(m, "symbol_id");
            s = ck_ob_end_session(e, !v, (uint32_t)json_integer_value(v), NULL, NULL);
        } else {
            cr_assert(false, "%s: op %s", name, op);
            return;
        }
        cr_assert_eq(s, CK_OK, "%s: message %zu: %s", name, i, ck_ctx_error(ctx));
    }
    const json_t *books = json_object_get(json_object_get(fx, "expected"), "books");
    const size_t ns = ck_ob_symbols(e, NULL, 0);
    uint32_t *ids = calloc(ns + 1, sizeof *ids);
    ck_ob_symbols(e, ids, ns);
    cr_assert_eq(ns, json_array_size(books), "%s: %zu symbols, the model has %zu", name, ns, json_array_size(books));
    enum { CAP = 4096 };
    ck_ob_l3_order_t *b = malloc(CAP * sizeof *b), *a = malloc(CAP * sizeof *a);
    ck_ob_stop_order_t *st = malloc(CAP * sizeof *st);
    for (size_t k = 0; k < ns; k++) {
        size_t nb, na, nst;
        ck_ob_book_info_t info;
        cr_assert_eq(ck_ob_l3(e, ids[k], 0, b, CAP, &nb, a, CAP, &na, &info), CK_OK);
        cr_assert_eq(ck_ob_stops(e, ids[k], st, CAP, &nst), CK_OK);
        cr_assert(nb < CAP && na < CAP && nst < CAP);
        json_t *got = json_pack("{sIs[]s[]sos[]}", "symbol_id", (json_int_t)ids[k], "bids", "asks", "last_trade_price",
                                info.has_last ? json_integer(info.last_trade_price) : json_null(), "stops");
        for (int side = 0; side < 2; side++) {
            const ck_ob_l3_order_t *o = side ? a : b;
            json_t *arr = json_object_get(got, side ? "asks" : "bids");
            for (size_t j = 0; j < (side ? na : nb); j++)
                json_array_append_new(arr, json_pack("[IIII]", (json_int_t)o[j].order_id, (json_int_t)o[j].price,
                                                     (json_int_t)o[j].remaining, (json_int_t)o[j].seq));
        }
        for (size_t j = 0; j < nst; j++)
            json_array_append_new(json_object_get(got, "stops"),
                                  json_pack("[IIII]", (json_int_t)st[j].order_id, (json_int_t)st[j].stop_price,
                                            (json_int_t)st[j].remaining, (json_int_t)st[j].seq));
        expect_equal(name, "books", k, got, json_array_get(books, k));
        json_decref(got);
        size_t resting = 0;
        ck_ob_level_t *b2 = malloc(CAP * sizeof *b2), *a2 = malloc(CAP * sizeof *a2);
        resting = book_check(e, ids[k], b, a, b2, a2, CAP);
        cr_assert_eq(resting, nb + na);
        free(b2);
        free(a2);
    }
    free(b);
    free(a);
    free(st);
    free(ids);
    ck_ob_engine_destroy(&e);
    ck_ctx_destroy(&ctx);
}

Test(fixtures, every_stream_matches_the_model, .timeout = 300)
{
    json_t *index = load("index");
    cr_assert(json_is_array(index) && json_array_size(index) >= 20);
    size_t i, trades = 0;
    const json_t *n;
    json_array_foreach(index, i, n) {
        const char *name = json_string_value(n);
        json_t *fx = load(name);
        cr_assert_str_eq(json_string_value(json_object_get(fx, "name")), name);
        check_batch(name, fx);
        check_typed(name, fx);
        trades += json_array_size(json_object_get(json_object_get(fx, "expected"), "trades"));
        json_decref(fx);
    }
    cr_assert_gt(trades, 1000, "the fixtures hold only %zu trades", trades);
    json_decref(index);
}
