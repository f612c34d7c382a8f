/* The graph ring actors (src/graph/actors*.c, docs/kernels/graph-actors.md), driven through the
 * actor runtime (ck_runtime_*): the spec's oracle "after any update sequence, the actor equals
 * batch on the final graph", checked against
 *   (1) networkx answers for fixed update sequences (tests/data/graph/actors/cases.json, written
 *       by gen_actors.py, which models the update rules independently), and
 *   (2) our batch kernel run on the final graph, also for randomized seeded sequences whose final
 *       graph is tracked by a small model in this file;
 * plus hand-checked examples, edge cases, errors (naming the field), the JSON codecs, and direct
 * state-machine checks (no allocation on the message path, errors leave the state unchanged). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "actors_internal.h"
#include "ckernels/actor.h"
#include "graph_test.h"
#include "wire.h"

TestSuite(graph_actors, .init = gt_setup, .fini = gt_teardown);

#define TMO ((int64_t)20 * 1000000000)

static const ck_actor_class_t *const all_classes[] = {
    &cki_graph_pagerank_actor_class, &cki_graph_degree_actor_class, &cki_graph_triangles_actor_class,
    &cki_graph_components_actor_class, &cki_graph_degree_ratio_actor_class,
};

static const ck_actor_class_t *class_of(const char *kernel)
{
    for (size_t i = 0; i < sizeof all_classes / sizeof all_classes[0]; i++)
        if (strcmp(all_classes[i]->kernel_id, kernel) == 0) return all_classes[i];
    cr_assert_fail("no actor class for %s", kernel);
    return NULL;
}

/* ---------------------------------------------------------------- driving an actor */

typedef struct drv {
    ck_runtime_t *rt;
    ck_actor_t *a;
    const ck_actor_class_t *cls;
    uint32_t base;       /* the class's first request id (ADD_EDGE) */
    ck_msg_error_t err;  /* the last error reply */
    uint8_t reply[4096];
    size_t rlen;
} drv_t;

/* Launch `cls` with `config` on a runtime with `slot` bytes per slot (0 = default). The built-in
 * class is launched by kernel id (registry, ring mode flag, license); a class not yet listed by
 * the runtime is launched as a caller-supplied class. */
static ck_status_t drv_try_open(drv_t *d, const ck_actor_class_t *cls, const char *config, int64_t slot)
{
    memset(d, 0, sizeof *d);
    d->cls = cls;
    d->base = cls->types[0].type_id;
    cr_assert_eq(ck_runtime_create(&d->rt, gt_ctx, gt_reg, &(ck_runtime_options_t){.slot_size = slot}), CK_OK, "%s",
                 ck_ctx_error(gt_ctx));
    bool builtin = ck_actor_class_find(cls->kernel_id) == cls;
    ck_status_t s = ck_runtime_launch(d->rt, cls->kernel_id, builtin ? NULL : cls,
                                      &(ck_actor_options_t){.config_json = config}, &d->a);
    if (s == CK_OK) cr_assert_eq(ck_actor_activate(d->a), CK_OK);
    return s;
}

static void drv_open(drv_t *d, const ck_actor_class_t *cls, const char *config, int64_t slot)
{
    ck_status_t s = drv_try_open(d, cls, config, slot);
    cr_assert_eq(s, CK_OK, "launch %s with %.300s: %s (%s)", cls->kernel_id, config ? config : "NULL",
                 ck_status_name(s), ck_ctx_error(gt_ctx));
}

static void drv_close(drv_t *d)
{
    ck_actor_stats_t st;
    if (d->a) {
        ck_actor_stats(d->a, &st);
        cr_assert_eq(st.received, st.handled + st.errors, "%s: received %llu, handled %llu, errors %llu",
                     d->cls->kernel_id, (unsigned long long)st.received, (unsigned long long)st.handled,
                     (unsigned long long)st.errors);
    }
    ck_runtime_destroy(&d->rt);
}

/* Send one request and wait for its answer; returns the answer's type id. */
static uint32_t drv_call(drv_t *d, uint32_t type, const void *p, size_t len)
{
    uint64_t id;
    ck_status_t s = ck_actor_send(d->a, type, p, len, CK_SEND_BLOCK, &id);
    cr_assert_eq(s, CK_OK, "send %u: %s", type, ck_ctx_error(gt_ctx));
    ck_msg_header_t h;
    bool got = false;
    cr_assert_eq(ck_actor_recv(d->a, &h, d->reply, sizeof d->reply, &d->rlen, TMO, &got), CK_OK);
    cr_assert(got, "%s: no answer to type %u", d->cls->kernel_id, type);
    cr_assert_eq(h.correlation_id, id);
    if (h.type_id == CK_MSG_ERROR) {
        cr_assert_eq(ck_msg_error_decode(gt_ctx, &d->err, d->reply, d->rlen), CK_OK);
        cr_assert_eq(d->err.request_type, type);
    }
    return h.type_id;
}

/* The request must succeed; the reply's payload is in d->reply. */
static void drv_ok(drv_t *d, uint32_t type, const void *p, size_t len, size_t reply_len)
{
    uint32_t t = drv_call(d, type, p, len);
    cr_assert_eq(t, type + 50, "%s: type %u answered %u (%s)", d->cls->kernel_id, type, t,
                 t == CK_MSG_ERROR ? d->err.message : "");
    if (reply_len != (size_t)-1) cr_assert_eq(d->rlen, reply_len, "type %u: reply of %zu bytes", type, d->rlen);
}

/* The request must fail with invalid_input naming `field` ("field: ..."), with `fragment` in it. */
static void drv_err(drv_t *d, uint32_t type, const void *p, size_t len, const char *field, const char *fragment)
{
    uint32_t t = drv_call(d, type, p, len);
    cr_assert_eq(t, CK_MSG_ERROR, "%s: type %u should fail on %s, answered %u", d->cls->kernel_id, type, field, t);
    cr_assert_eq(d->err.status, CK_E_INVALID_INPUT, "%s", d->err.message);
    size_t n = strlen(field);
    cr_assert(strncmp(d->err.message, field, n) == 0 && d->err.message[n] == ':',
              "type %u: error '%s' should name '%s'", type, d->err.message, field);
    cr_assert(strstr(d->err.message, fragment), "type %u: error '%s' lacks '%s'", type, d->err.message, fragment);
}

static size_t pl_edge(uint8_t *b, uint32_t u, uint32_t v, double w)
{
    cki_wire_t x = cki_wire_writer(b, 16);
    cki_wire_u32(&x, u);
    cki_wire_u32(&x, v);
    cki_wire_f64(&x, w);
    return x.len;
}
static size_t pl_pair(uint8_t *b, uint32_t u, uint32_t v)
{
    cki_wire_t x = cki_wire_writer(b, 8);
    cki_wire_u32(&x, u);
    cki_wire_u32(&x, v);
    return x.len;
}
static size_t pl_u32(uint8_t *b, uint32_t a)
{
    cki_wire_t x = cki_wire_writer(b, 4);
    cki_wire_u32(&x, a);
    return x.len;
}
static size_t pl_recompute(uint8_t *b, double tol, uint32_t max_iter)
{
    cki_wire_t x = cki_wire_writer(b, 12);
    cki_wire_f64(&x, tol);
    cki_wire_u32(&x, max_iter);
    return x.len;
}

static void add_ok(drv_t *d, uint32_t u, uint32_t v, double w)
{
    uint8_t b[16];
    size_t want = d->base == CKI_TC_ADD_EDGE ? CKI_GA_UPDATE_REPLY_SIZE + 16 : CKI_GA_UPDATE_REPLY_SIZE;
    drv_ok(d, d->base, b, pl_edge(b, u, v, w), want);
}
static void remove_ok(drv_t *d, uint32_t u, uint32_t v)
{
    uint8_t b[8];
    drv_ok(d, d->base + 1, b, pl_pair(b, u, v), (size_t)-1);
}
static uint32_t upd_flags(const drv_t *d) { return cki_wire_get_u32(d->reply, 12); }

/* The actor's snapshot, parsed. */
static json_t *drv_snapshot(drv_t *d)
{
    char *text = NULL;
    cr_assert_eq(ck_actor_snapshot(d->a, &text), CK_OK, "%s", ck_ctx_error(gt_ctx));
    json_t *v = json_loads(text, 0, NULL);
    cr_assert_not_null(v);
    ck_ctx_free(gt_ctx, text);
    return v;
}

/* ---------------------------------------------------------------- comparing with the batch kernel */

static bool near(double got, double want, double atol, double rtol)
{
    if (isnan(want)) return isnan(got);
    return fabs(got - want) <= atol + rtol * fabs(want);
}

static double jnum(const json_t *v) { return json_is_null(v) ? NAN : json_number_value(v); }

/* The batch input for `kernel` on `graph` with the actor's parameters (capacity options dropped;
 * pagerank: tol 1e-12, max_iter 1000, per-node vectors zero-padded to the grown n). */
static json_t *batch_input(const char *kernel, const json_t *params, const json_t *graph)
{
    json_t *in = json_deep_copy(params);
    json_object_del(in, "max_nodes");
    json_object_del(in, "max_edges");
    json_object_del(in, "auto_recompute_every");
    json_object_set(in, "graph", (json_t *)graph);
    if (strcmp(kernel, "graph/pagerank") == 0) {
        json_object_set_new(in, "tol", json_real(1e-12));
        json_object_set_new(in, "max_iter", json_integer(1000));
        json_object_del(in, "nstart");
        size_t n = (size_t)json_integer_value(json_object_get(graph, "num_nodes"));
        const char *vecs[] = {"personalization", "dangling"};
        for (int i = 0; i < 2; i++) {
            json_t *v = json_object_get(in, vecs[i]);
            if (!json_is_array(v)) continue;
            while (json_array_size(v) < n) json_array_append_new(v, json_real(0.0));
        }
    }
    return in;
}

/* Every node's answer of the actor `d` equals (a) the batch kernel on `graph` and, when `nx` is
 * not NULL, (b) the networkx answers of the fixture. The pagerank actor is recomputed first. */
static void check_actor(drv_t *d, const char *kernel, const json_t *params, const json_t *graph, const json_t *nx,
                        const char *where)
{
    uint8_t b[16];
    json_t *input = batch_input(kernel, params, graph);
    json_t *out = gt_run(kernel, input, CK_OK);
    const uint32_t n = (uint32_t)json_integer_value(json_object_get(graph, "num_nodes"));
    if (strcmp(kernel, "graph/pagerank") == 0) {
        drv_ok(d, CKI_PR_RECOMPUTE, b, pl_recompute(b, 1e-12, 1000), 16);
        cr_assert_eq(cki_wire_get_u32(d->reply, 4), 1, "%s: RECOMPUTE did not converge", where);
    }
    json_t *snap = drv_snapshot(d); /* taken before the queries: components queries may rebuild */
    cr_assert_eq(json_integer_value(json_object_get(snap, "num_nodes")), n, "%s: num_nodes", where);
    cr_assert_eq((size_t)json_integer_value(json_object_get(snap, "num_edges")),
                 json_array_size(json_object_get(graph, "edges")), "%s: num_edges", where);
    if (strcmp(kernel, "graph/pagerank") == 0) {
        const json_t *bs = json_object_get(out, "scores"), *ns = nx ? json_object_get(nx, "scores") : NULL;
        double q[256];
        cr_assert_leq(n, 256);
        for (uint32_t u = 0; u < n; u++) {
            drv_ok(d, CKI_PR_QUERY, b, pl_u32(b, u), 9);
            q[u] = cki_wire_get_f64(d->reply, 0);
            cr_assert_eq(cki_wire_get_u8(d->reply, 8), 0, "%s: stale after RECOMPUTE", where);
            cr_assert(near(q[u], jnum(json_array_get(bs, u)), 1e-9, 0), "%s: node %u score %.17g, batch %.17g", where,
                      u, q[u], jnum(json_array_get(bs, u)));
            if (ns)
                cr_assert(near(q[u], jnum(json_array_get(ns, u)), 1e-9, 0), "%s: node %u score %.17g, networkx %.17g",
                          where, u, q[u], jnum(json_array_get(ns, u)));
        }
        /* TOPK = the queried scores sorted by score descending, then node. */
        uint32_t k = n < 10 ? n + 1 : 10;
        drv_ok(d, CKI_PR_TOPK, b, pl_u32(b, k), (size_t)-1);
        uint32_t count = cki_wire_get_u32(d->reply, 0);
        cr_assert_eq(count, k < n ? k : n);
        for (uint32_t i = 0; i < count; i++) {
            uint32_t node = cki_wire_get_u32(d->reply, 8 + 12 * i);
            cr_assert_eq(cki_wire_get_f64(d->reply, 12 + 12 * i), q[node]);
            uint32_t rank = 0;
            for (uint32_t u = 0; u < n; u++) rank += q[u] > q[node] || (q[u] == q[node] && u < node);
            cr_assert_eq(rank, i, "%s: TOPK entry %u is node %u of rank %u", where, i, node, rank);
        }
        gt_compare(json_object_get(snap, "scores"), bs, 1e-9, 0, where);
    } else if (strcmp(kernel, "graph/degree-centrality") == 0) {
        const json_t *bi = json_object_get(out, "in_degree"), *bo = json_object_get(out, "out_degree"),
                     *bsc = json_object_get(out, "scores");
        bool directed = json_is_true(json_object_get(graph, "directed"));
        for (uint32_t u = 0; u < n; u++) {
            drv_ok(d, CKI_DC_QUERY, b, pl_u32(b, u), 32);
            double in = cki_wire_get_f64(d->reply, 0), o = cki_wire_get_f64(d->reply, 8),
                   tot = cki_wire_get_f64(d->reply, 16), sc = cki_wire_get_f64(d->reply, 24);
            cr_assert(near(in, jnum(json_array_get(bi, u)), 0, 1e-12), "%s: node %u in %g", where, u, in);
            cr_assert(near(o, jnum(json_array_get(bo, u)), 0, 1e-12), "%s: node %u out %g", where, u, o);
            cr_assert(near(tot, directed ? in + o : o, 0, 1e-12), "%s: node %u total %g", where, u, tot);
            cr_assert(near(sc, jnum(json_array_get(bsc, u)), 0, 1e-12), "%s: node %u score %.17g, batch %.17g", where,
                      u, sc, jnum(json_array_get(bsc, u)));
            if (nx) {
                cr_assert(near(in, jnum(json_array_get(json_object_get(nx, "in"), u)), 0, 1e-12), "%s: nx in", where);
                cr_assert(near(o, jnum(json_array_get(json_object_get(nx, "out"), u)), 0, 1e-12), "%s: nx out", where);
                cr_assert(near(tot, jnum(json_array_get(json_object_get(nx, "total"), u)), 0, 1e-12), "%s: nx total",
                          where);
                cr_assert(near(sc, jnum(json_array_get(json_object_get(nx, "score"), u)), 0, 1e-12),
                          "%s: node %u score %.17g, networkx %.17g", where, u, sc,
                          jnum(json_array_get(json_object_get(nx, "score"), u)));
            }
        }
        size_t i;
        const json_t *t;
        json_array_foreach(nx ? json_object_get(nx, "topk") : NULL, i, t) {
            const char *dir = json_string_value(json_object_get(t, "direction"));
            uint32_t k = (uint32_t)json_integer_value(json_object_get(t, "k"));
            cki_wire_t x = cki_wire_writer(b, 8);
            cki_wire_u32(&x, k);
            cki_wire_u32(&x, strcmp(dir, "in") == 0 ? 1 : strcmp(dir, "out") == 0 ? 2 : 0);
            drv_ok(d, CKI_DC_TOPK, b, 8, (size_t)-1);
            const json_t *nodes = json_object_get(t, "nodes");
            cr_assert_eq(cki_wire_get_u32(d->reply, 0), json_array_size(nodes), "%s: TOPK %s %u count", where, dir, k);
            for (size_t j = 0; j < json_array_size(nodes); j++)
                cr_assert_eq(cki_wire_get_u32(d->reply, 8 + 12 * j), json_integer_value(json_array_get(nodes, j)),
                             "%s: TOPK %s %u entry %zu", where, dir, k, j);
        }
        gt_compare(json_object_get(snap, "scores"), bsc, 0, 1e-12, where);
        gt_compare(json_object_get(snap, "in_degree"), bi, 0, 1e-12, where);
        gt_compare(json_object_get(snap, "out_degree"), bo, 0, 1e-12, where);
    } else if (strcmp(kernel, "graph/triangle-counting") == 0) {
        const json_t *bp = json_object_get(out, "per_node");
        for (uint32_t u = 0; u < n; u++) {
            drv_ok(d, CKI_TC_QUERY_NODE, b, pl_u32(b, u), 24);
            int64_t t = cki_wire_get_i64(d->reply, 0), deg = cki_wire_get_i64(d->reply, 8);
            cr_assert_eq(t, json_integer_value(json_array_get(bp, u)), "%s: node %u T %lld", where, u, (long long)t);
            if (nx) {
                cr_assert_eq(t, json_integer_value(json_array_get(json_object_get(nx, "per_node"), u)), "%s: nx T", where);
                cr_assert_eq(deg, json_integer_value(json_array_get(json_object_get(nx, "degree"), u)), "%s: nx degree",
                             where);
            }
        }
        drv_ok(d, CKI_TC_QUERY_TOTAL, b, 0, 16);
        int64_t total = cki_wire_get_i64(d->reply, 0);
        double tr = cki_wire_get_f64(d->reply, 8);
        cr_assert_eq(total, json_integer_value(json_object_get(out, "total")), "%s: total", where);
        cr_assert(near(tr, jnum(json_object_get(out, "transitivity")), 1e-12, 0), "%s: transitivity", where);
        if (nx) {
            cr_assert_eq(total, json_integer_value(json_object_get(nx, "total")), "%s: nx total", where);
            cr_assert(near(tr, jnum(json_object_get(nx, "transitivity")), 1e-12, 0), "%s: nx transitivity", where);
        }
        gt_compare(json_object_get(snap, "per_node"), bp, 0, 0, where);
        gt_compare(json_object_get(snap, "total"), json_object_get(out, "total"), 0, 0, where);
    } else if (strcmp(kernel, "graph/connected-components") == 0) {
        const json_t *labels = json_object_get(out, "labels"), *sizes = json_object_get(out, "sizes");
        uint32_t minof[256];
        cr_assert_leq(n, 256);
        for (uint32_t u = n; u-- > 0;) minof[json_integer_value(json_array_get(labels, u))] = u;
        for (uint32_t u = 0; u < n; u++) {
            drv_ok(d, CKI_CC_QUERY, b, pl_u32(b, u), 12);
            uint32_t id = cki_wire_get_u32(d->reply, 0), size = cki_wire_get_u32(d->reply, 4);
            json_int_t l = json_integer_value(json_array_get(labels, u));
            cr_assert_eq(id, minof[l], "%s: node %u component_id %u, batch's smallest member %u", where, u, id, minof[l]);
            cr_assert_eq(size, json_integer_value(json_array_get(sizes, l)), "%s: node %u size", where, u);
            cr_assert_eq(cki_wire_get_u32(d->reply, 8), json_integer_value(json_object_get(out, "num_components")));
            if (nx) {
                cr_assert_eq(id, json_integer_value(json_array_get(json_object_get(nx, "component_id"), u)), "%s: nx", where);
                cr_assert_eq(size, json_integer_value(json_array_get(json_object_get(nx, "size"), u)), "%s: nx size", where);
            }
        }
        for (uint32_t u = 0; u < n; u++)
            for (uint32_t v = u + 1; v < n; v += 1 + (n > 20)) {
                drv_ok(d, CKI_CC_SAME, b, pl_pair(b, u, v), 1);
                bool same = json_integer_value(json_array_get(labels, u)) == json_integer_value(json_array_get(labels, v));
                cr_assert_eq(cki_wire_get_u8(d->reply, 0), same, "%s: SAME(%u, %u)", where, u, v);
            }
        gt_compare(json_object_get(snap, "labels"), labels, 0, 0, where);
        gt_compare(json_object_get(snap, "sizes"), sizes, 0, 0, where);
        gt_compare(json_object_get(snap, "num_components"), json_object_get(out, "num_components"), 0, 0, where);
        gt_compare(json_object_get(snap, "is_connected"), json_object_get(out, "is_connected"), 0, 0, where);
    } else {
        static const char *const roles[] = {"isolated", "source", "sink", "balanced"};
        const json_t *bi = json_object_get(out, "in"), *bo = json_object_get(out, "out"), *bs = json_object_get(out, "share"),
                     *br = json_object_get(out, "role");
        for (uint32_t u = 0; u < n; u++) {
            drv_ok(d, CKI_DR_QUERY, b, pl_u32(b, u), 44);
            double in = cki_wire_get_f64(d->reply, 0), o = cki_wire_get_f64(d->reply, 8),
                   share = cki_wire_get_f64(d->reply, 16);
            uint32_t role = cki_wire_get_u32(d->reply, 40);
            cr_assert_lt(role, 4);
            cr_assert(near(in, jnum(json_array_get(bi, u)), 0, 1e-12), "%s: node %u in", where, u);
            cr_assert(near(o, jnum(json_array_get(bo, u)), 0, 1e-12), "%s: node %u out", where, u);
            cr_assert(near(share, jnum(json_array_get(bs, u)), 1e-12, 0), "%s: node %u share", where, u);
            cr_assert_str_eq(roles[role], json_string_value(json_array_get(br, u)), "%s: node %u role", where, u);
            if (nx) {
                cr_assert(near(in, jnum(json_array_get(json_object_get(nx, "in"), u)), 0, 1e-12), "%s: nx in", where);
                cr_assert(near(o, jnum(json_array_get(json_object_get(nx, "out"), u)), 0, 1e-12), "%s: nx out", where);
                cr_assert(near(share, jnum(json_array_get(json_object_get(nx, "share"), u)), 1e-12, 0), "%s: nx share",
                          where);
                cr_assert_str_eq(roles[role], json_string_value(json_array_get(json_object_get(nx, "role"), u)),
                                 "%s: nx role of %u", where, u);
            }
        }
        drv_ok(d, CKI_DR_ROLE_COUNTS, b, 0, 32);
        const json_t *rc = json_object_get(out, "role_counts");
        static const char *const order[] = {"source", "sink", "balanced", "isolated"};
        for (int i = 0; i < 4; i++) {
            cr_assert_eq(cki_wire_get_i64(d->reply, 8 * i), json_integer_value(json_object_get(rc, order[i])),
                         "%s: role count %s", where, order[i]);
            if (nx)
                cr_assert_eq(cki_wire_get_i64(d->reply, 8 * i),
                             json_integer_value(json_object_get(json_object_get(nx, "role_counts"), order[i])),
                             "%s: nx role count %s", where, order[i]);
        }
        const char *cmp[] = {"in", "out", "share", "ratio", "pass_through", "role", "role_counts"};
        for (int i = 0; i < 7; i++) gt_compare(json_object_get(snap, cmp[i]), json_object_get(out, cmp[i]), 1e-12, 1e-12, where);
    }
    json_decref(snap);
    json_decref(out);
    json_decref(input);
}

/* ---------------------------------------------------------------- (1) networkx fixtures */

/* Replay one fixture case: every op's outcome (success, or the error's field) as the generator's
 * model says, and at each checkpoint every node's answer against networkx and the batch kernel. */
static void run_fixture(const json_t *c)
{
    const char *name = json_string_value(json_object_get(c, "name")), *kernel = json_string_value(json_object_get(c, "kernel"));
    const json_t *config = json_object_get(c, "config"), *ops = json_object_get(c, "ops");
    json_t *cfg = json_deep_copy(config);
    if (strcmp(kernel, "graph/pagerank") == 0) { /* the initial state is then the converged answer */
        json_object_set_new(cfg, "tol", json_real(1e-12));
        json_object_set_new(cfg, "max_iter", json_integer(1000));
    }
    char *text = json_dumps(cfg, JSON_COMPACT | JSON_REAL_PRECISION(17));
    drv_t d;
    drv_open(&d, class_of(kernel), text, 1024);
    free(text);
    json_t *params = json_deep_copy(cfg);
    json_object_del(params, "graph");
    size_t next = 0, i;
    const json_t *cp;
    json_array_foreach(json_object_get(c, "checkpoints"), i, cp) {
        size_t after = (size_t)json_integer_value(json_object_get(cp, "after"));
        for (; next < after; next++) {
            const json_t *op = json_array_get(ops, next);
            const char *type = json_string_value(json_object_get(op, "type"));
            json_t *msg = json_pack("{ss sO sO}", "type", type, "u", json_object_get(op, "u"), "v", json_object_get(op, "v"));
            if (json_object_get(op, "w")) json_object_set(msg, "w", json_object_get(op, "w"));
            const ck_msg_type_t *t = ck_actor_class_type_named(d.cls, type);
            cr_assert_not_null(t);
            uint8_t buf[64];
            size_t len;
            cr_assert_eq(t->from_json(gt_ctx, msg, buf, sizeof buf, &len), CK_OK, "%s", ck_ctx_error(gt_ctx));
            json_decref(msg);
            const json_t *err = json_object_get(op, "error");
            char where[160];
            snprintf(where, sizeof where, "%s: op %zu (%s %lld %lld)", name, next, type,
                     (long long)json_integer_value(json_object_get(op, "u")),
                     (long long)json_integer_value(json_object_get(op, "v")));
            if (json_is_null(err)) {
                uint32_t rt = drv_call(&d, t->type_id, buf, len);
                cr_assert_eq(rt, t->reply_type_id, "%s: answered %u (%s)", where, rt, rt == CK_MSG_ERROR ? d.err.message : "");
            } else {
                drv_err(&d, t->type_id, buf, len, json_string_value(err), "");
            }
        }
        char where[160];
        snprintf(where, sizeof where, "%s after %zu ops", name, after);
        check_actor(&d, kernel, params, json_object_get(cp, "graph"), json_object_get(cp, "expect"), where);
    }
    json_decref(params);
    json_decref(cfg);
    drv_close(&d);
}

static int run_fixtures(const char *kernel)
{
    json_t *all = gt_load("actors/cases.json");
    int count = 0;
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(all, "cases"), i, c) {
        if (strcmp(json_string_value(json_object_get(c, "kernel")), kernel) != 0) continue;
        run_fixture(c);
        count++;
    }
    json_decref(all);
    return count;
}

Test(graph_actors, pagerank_networkx_sequences) { cr_assert_geq(run_fixtures("graph/pagerank"), 4); }
Test(graph_actors, degree_networkx_sequences) { cr_assert_geq(run_fixtures("graph/degree-centrality"), 3); }
Test(graph_actors, triangles_networkx_sequences) { cr_assert_geq(run_fixtures("graph/triangle-counting"), 2); }
Test(graph_actors, components_networkx_sequences) { cr_assert_geq(run_fixtures("graph/connected-components"), 2); }
Test(graph_actors, degree_ratio_networkx_sequences) { cr_assert_geq(run_fixtures("graph/degree-ratio"), 2); }

/* ---------------------------------------------------------------- (2) randomized sequences vs batch */

#define MN 48

/* The final graph, tracked independently: a dense weight matrix and the update rules. */
typedef struct model {
    bool directed;
    uint32_t n, max_nodes;
    int64_t m, max_edges;
    bool has[MN][MN];
    double w[MN][MN];
} model_t;

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
static uint32_t rng_below(uint64_t *s, uint32_t n) { return n ? (uint32_t)(rng_next(s) % n) : 0; }

static void model_key(const model_t *m, uint32_t *u, uint32_t *v)
{
    if (!m->directed && *u > *v) {
        uint32_t t = *u;
        *u = *v;
        *v = t;
    }
}

/* The expected error field of an ADD_EDGE / REMOVE_EDGE ("" = success); applies it on success. */
static const char *model_add(model_t *m, uint32_t u, uint32_t v, double w)
{
    if (u >= m->max_nodes) return "u";
    if (v >= m->max_nodes) return "v";
    if (u != v) {
        model_key(m, &u, &v);
        if (!m->has[u][v] && m->m >= m->max_edges) return "max_edges";
        if (!m->has[u][v]) m->m++, m->w[u][v] = w;
        else m->w[u][v] += w;
        m->has[u][v] = true;
    }
    uint32_t top = u > v ? u : v;
    if (top >= m->n) m->n = top + 1;
    return "";
}
static const char *model_remove(model_t *m, uint32_t u, uint32_t v)
{
    if (u >= m->n) return "u";
    if (v >= m->n) return "v";
    model_key(m, &u, &v);
    if (u == v || !m->has[u][v]) return "v";
    m->has[u][v] = false;
    m->m--;
    return "";
}

static json_t *model_graph(const model_t *m)
{
    json_t *e = json_array(), *w = json_array();
    for (uint32_t u = 0; u < m->n; u++)
        for (uint32_t v = 0; v < m->n; v++)
            if (m->has[u][v]) {
                json_array_append_new(e, json_pack("[ii]", u, v));
                json_array_append_new(w, json_real(m->w[u][v]));
            }
    return json_pack("{sisososb}", "num_nodes", m->n, "edges", e, "weights", w, "directed", m->directed);
}

/* Seeded random updates (duplicates, parallel edges, self-loops, removals of present and absent
 * edges, ids beyond the capacity), each answered as the model says; then the batch comparison.
 * Weights are multiples of 1/4, so strengths are exact whatever the summation order. */
static void random_sequence(const char *kernel, const char *params_json, bool directed, uint32_t n0, uint32_t max_nodes,
                            int64_t max_edges, int ops, uint64_t seed)
{
    uint64_t rs = seed;
    model_t *m = calloc(1, sizeof *m);
    m->directed = directed;
    m->n = n0;
    m->max_nodes = max_nodes;
    m->max_edges = max_edges;
    /* The initial graph: a few random edges (self-loops and duplicates included). */
    json_t *e0 = json_array(), *w0 = json_array();
    for (uint32_t i = 0; n0 && i < n0; i++) {
        uint32_t u = rng_below(&rs, n0), v = rng_below(&rs, n0);
        double w = 0.25 * (1 + rng_below(&rs, 8));
        json_array_append_new(e0, json_pack("[ii]", u, v));
        json_array_append_new(w0, json_real(w));
        cr_assert_str_eq(model_add(m, u, v, w), "");
    }
    json_t *cfg = json_loads(params_json, 0, NULL);
    cr_assert_not_null(cfg);
    json_object_set_new(cfg, "graph", json_pack("{sisososb}", "num_nodes", n0, "edges", e0, "weights", w0, "directed", directed));
    json_object_set_new(cfg, "max_nodes", json_integer(max_nodes));
    json_object_set_new(cfg, "max_edges", json_integer(max_edges));
    char *text = json_dumps(cfg, JSON_COMPACT | JSON_REAL_PRECISION(17));
    drv_t d;
    drv_open(&d, class_of(kernel), text, 1024);
    free(text);
    json_object_del(cfg, "graph");
    char where[128];
    for (int i = 0; i < ops; i++) {
        uint8_t b[16];
        uint32_t r = rng_below(&rs, 100), span = max_nodes + 2; /* a few ids beyond the capacity */
        uint32_t u = rng_below(&rs, span), v = rng_below(&rs, span);
        if (r < 35) { /* remove: mostly present edges */
            for (int tries = 0; tries < 8 && r < 28; tries++) {
                uint32_t a = rng_below(&rs, m->n ? m->n : 1), c = rng_below(&rs, m->n ? m->n : 1);
                uint32_t ka = a, kc = c;
                model_key(m, &ka, &kc);
                if (m->n && m->has[ka][kc]) {
                    u = a;
                    v = c;
                    break;
                }
            }
            const char *f = model_remove(m, u, v);
            if (!f[0]) remove_ok(&d, u, v);
            else drv_err(&d, d.base + 1, b, pl_pair(b, u, v), f, "");
        } else {
            if (r < 40) v = u; /* self-loop */
            if (r >= 40 && r < 50 && m->n > 1) { /* a parallel edge when one exists */
                uint32_t a = rng_below(&rs, m->n), c = rng_below(&rs, m->n), ka = a, kc = c;
                model_key(m, &ka, &kc);
                if (m->has[ka][kc]) u = a, v = c;
            }
            double w = 0.25 * rng_below(&rs, 9); /* 0 included */
            const char *f = model_add(m, u, v, w);
            snprintf(where, sizeof where, "%s seed %llu op %d", kernel, (unsigned long long)seed, i);
            if (!f[0]) add_ok(&d, u, v, w);
            else drv_err(&d, d.base, b, pl_edge(b, u, v, w), f, "");
        }
        if (i == ops / 2 || i == ops - 1) {
            json_t *g = model_graph(m);
            snprintf(where, sizeof where, "%s seed %llu after %d ops", kernel, (unsigned long long)seed, i + 1);
            check_actor(&d, kernel, cfg, g, NULL, where);
            json_decref(g);
        }
    }
    json_decref(cfg);
    drv_close(&d);
    free(m);
}

Test(graph_actors, pagerank_random_vs_batch)
{
    random_sequence("graph/pagerank", "{}", true, 12, 20, 60, 250, 1);
    random_sequence("graph/pagerank", "{\"alpha\": 0.6, \"use_weights\": false}", false, 10, 16, 40, 250, 2);
    random_sequence("graph/pagerank", "{\"personalization\": [1, 0, 2, 0, 0, 1, 1, 0]}", true, 8, 14, 1024, 200, 3);
}

Test(graph_actors, degree_random_vs_batch)
{
    random_sequence("graph/degree-centrality", "{}", false, 15, 24, 50, 400, 11);
    random_sequence("graph/degree-centrality", "{\"direction\": \"out\", \"weighted\": true}", true, 12, 20, 70, 400, 12);
    random_sequence("graph/degree-centrality", "{\"weighted\": true, \"normalized\": false}", false, 1, 6, 10, 150, 13);
}

Test(graph_actors, triangles_random_vs_batch)
{
    random_sequence("graph/triangle-counting", "{}", false, 14, 18, 70, 600, 21);
    random_sequence("graph/triangle-counting", "{}", true, 12, 16, 90, 600, 22);
    random_sequence("graph/triangle-counting", "{}", false, 0, 10, 45, 400, 23); /* from nothing, up to K10 */
}

Test(graph_actors, components_random_vs_batch)
{
    random_sequence("graph/connected-components", "{}", false, 30, 40, 45, 500, 31);
    random_sequence("graph/connected-components", "{\"mode\": \"weak\"}", true, 25, 30, 60, 500, 32);
}

Test(graph_actors, degree_ratio_random_vs_batch)
{
    random_sequence("graph/degree-ratio", "{}", true, 14, 20, 60, 400, 41);
    random_sequence("graph/degree-ratio", "{\"use_weights\": true, \"source_threshold\": 0.25}", true, 10, 14, 50, 400, 42);
}

/* ---------------------------------------------------------------- hand-checked examples */

/* spec/graph.md's PageRank hand values, reached by updates from an edgeless graph. */
Test(graph_actors, pagerank_hand_values)
{
    drv_t d;
    uint8_t b[16];
    drv_open(&d, &cki_graph_pagerank_actor_class,
             "{\"graph\": {\"num_nodes\": 3, \"edges\": [], \"directed\": true}, \"tol\": 1e-12, \"max_iter\": 1000}", 0);
    /* Edgeless: p (uniform), not stale. */
    drv_ok(&d, CKI_PR_QUERY, b, pl_u32(b, 1), 9);
    cr_assert_float_eq(cki_wire_get_f64(d.reply, 0), 1.0 / 3, 1e-15);
    cr_assert_eq(cki_wire_get_u8(d.reply, 8), 0);
    add_ok(&d, 0, 1, 1);
    cr_assert(upd_flags(&d) & CKI_GA_F_STALE);
    cr_assert(upd_flags(&d) & CKI_GA_F_CREATED);
    drv_ok(&d, CKI_PR_QUERY, b, pl_u32(b, 1), 9);
    cr_assert_eq(cki_wire_get_u8(d.reply, 8), 1, "stale after ADD_EDGE");
    add_ok(&d, 0, 2, 1);
    /* arcs 0->1, 0->2 (two dangling nodes): [20/77, 57/154, 57/154] */
    drv_ok(&d, CKI_PR_RECOMPUTE, b, pl_recompute(b, 0, 0), 16); /* 0: the actor's tol and max_iter */
    cr_assert_eq(cki_wire_get_u32(d.reply, 4), 1);
    const double want2[] = {20.0 / 77, 57.0 / 154, 57.0 / 154};
    for (uint32_t u = 0; u < 3; u++) {
        drv_ok(&d, CKI_PR_QUERY, b, pl_u32(b, u), 9);
        cr_assert_float_eq(cki_wire_get_f64(d.reply, 0), want2[u], 1e-10, "node %u", u);
    }
    /* TOPK ties by node id: 1 and 2 tie, 1 first. */
    drv_ok(&d, CKI_PR_TOPK, b, pl_u32(b, 2), 8 + 24);
    cr_assert_eq(cki_wire_get_u32(d.reply, 8), 1);
    cr_assert_eq(cki_wire_get_u32(d.reply, 20), 2);
    /* arcs 0->1, 1->2, 2->0, 0->2 give [0.387790, 0.214811, 0.397400] (±1e-6) */
    add_ok(&d, 1, 2, 1);
    add_ok(&d, 2, 0, 1);
    drv_ok(&d, CKI_PR_RECOMPUTE, b, pl_recompute(b, 1e-12, 1000), 16);
    cr_assert_gt(cki_wire_get_u32(d.reply, 0), 0);
    cr_assert_lt(cki_wire_get_f64(d.reply, 8), 3e-12, "l1_delta below n tol");
    const double want4[] = {0.387790, 0.214811, 0.397400};
    for (uint32_t u = 0; u < 3; u++) {
        drv_ok(&d, CKI_PR_QUERY, b, pl_u32(b, u), 9);
        cr_assert_float_eq(cki_wire_get_f64(d.reply, 0), want4[u], 1e-6, "node %u", u);
    }
    /* A second RECOMPUTE warm-starts at the fixed point: one sweep, converged. */
    drv_ok(&d, CKI_PR_RECOMPUTE, b, pl_recompute(b, 1e-12, 1000), 16);
    cr_assert_eq(cki_wire_get_u32(d.reply, 0), 1);
    cr_assert_eq(cki_wire_get_u32(d.reply, 4), 1);
    /* max_iter 1 from a changed graph: not converged, the last iterate is kept. */
    remove_ok(&d, 2, 0);
    drv_ok(&d, CKI_PR_RECOMPUTE, b, pl_recompute(b, 1e-12, 1), 16);
    cr_assert_eq(cki_wire_get_u32(d.reply, 0), 1);
    cr_assert_eq(cki_wire_get_u32(d.reply, 4), 0);
    drv_close(&d);
}

/* auto_recompute_every = 3: the third update recomputes; the scores then equal a manual RECOMPUTE
 * with the configured tol of another actor fed the same updates. */
Test(graph_actors, pagerank_auto_recompute)
{
#define AUTO_CFG(extra)                                                                                          \
    "{\"graph\": {\"num_nodes\": 5, \"edges\": [[0, 1], [1, 2]], \"directed\": true}, \"tol\": 1e-12, "            \
    "\"max_iter\": 1000" extra "}"
    const char *c1 = AUTO_CFG(", \"auto_recompute_every\": 3"), *c2 = AUTO_CFG("");
    drv_t a, m;
    uint8_t b[16];
    drv_open(&a, &cki_graph_pagerank_actor_class, c1, 0);
    drv_open(&m, &cki_graph_pagerank_actor_class, c2, 0);
    const uint32_t edges[3][2] = {{2, 3}, {3, 4}, {4, 0}};
    for (int i = 0; i < 3; i++) {
        add_ok(&a, edges[i][0], edges[i][1], 1);
        cr_assert_eq((upd_flags(&a) & CKI_GA_F_RECOMPUTED) != 0, i == 2, "update %d", i);
        cr_assert_eq((upd_flags(&a) & CKI_GA_F_STALE) != 0, i < 2, "update %d", i);
        add_ok(&m, edges[i][0], edges[i][1], 1);
    }
    drv_ok(&m, CKI_PR_RECOMPUTE, b, pl_recompute(b, 0, 0), 16);
    for (uint32_t u = 0; u < 5; u++) {
        drv_ok(&a, CKI_PR_QUERY, b, pl_u32(b, u), 9);
        double x = cki_wire_get_f64(a.reply, 0);
        cr_assert_eq(cki_wire_get_u8(a.reply, 8), 0);
        drv_ok(&m, CKI_PR_QUERY, b, pl_u32(b, u), 9);
        cr_assert_eq(x, cki_wire_get_f64(m.reply, 0), "node %u", u);
    }
    /* A self-loop on a known node changes nothing: no update counted, not stale. */
    add_ok(&a, 1, 1, 5);
    cr_assert_eq(upd_flags(&a) & (CKI_GA_F_STALE | CKI_GA_F_RECOMPUTED), 0);
    cr_assert(upd_flags(&a) & CKI_GA_F_SELF_LOOP);
    drv_close(&a);
    drv_close(&m);
}

/* K4 built edge by edge: each new edge closes one triangle per common neighbour. */
Test(graph_actors, triangles_hand_k4)
{
    drv_t d;
    uint8_t b[8];
    drv_open(&d, &cki_graph_triangles_actor_class, "{\"graph\": {\"num_nodes\": 4, \"edges\": []}}", 0);
    const uint32_t e[6][2] = {{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}};
    const int64_t delta[6] = {0, 0, 1, 0, 1, 2}, total[6] = {0, 0, 1, 1, 2, 4};
    for (int i = 0; i < 6; i++) {
        add_ok(&d, e[i][0], e[i][1], 1);
        cr_assert_eq(cki_wire_get_i64(d.reply, 24), delta[i], "edge %d", i);
        cr_assert_eq(cki_wire_get_i64(d.reply, 32), total[i], "edge %d", i);
    }
    for (uint32_t u = 0; u < 4; u++) { /* K4: 3 per node, clustering 1 */
        drv_ok(&d, CKI_TC_QUERY_NODE, b, pl_u32(b, u), 24);
        cr_assert_eq(cki_wire_get_i64(d.reply, 0), 3);
        cr_assert_eq(cki_wire_get_i64(d.reply, 8), 3);
        cr_assert_eq(cki_wire_get_f64(d.reply, 16), 1.0);
    }
    drv_ok(&d, CKI_TC_QUERY_TOTAL, b, 0, 16);
    cr_assert_eq(cki_wire_get_i64(d.reply, 0), 4);
    cr_assert_eq(cki_wire_get_f64(d.reply, 8), 1.0);
    /* A parallel edge changes nothing; removing {0,1} opens the 2 triangles through it. */
    add_ok(&d, 1, 0, 2);
    cr_assert_eq(upd_flags(&d) & (CKI_GA_F_CREATED | CKI_GA_F_SKELETON), 0);
    cr_assert_eq(cki_wire_get_f64(d.reply, 16), 3.0, "weight 1 + 2");
    remove_ok(&d, 1, 0);
    cr_assert_eq(cki_wire_get_i64(d.reply, 24), -2);
    cr_assert_eq(cki_wire_get_i64(d.reply, 32), 2);
    cr_assert_eq(cki_wire_get_f64(d.reply, 16), 3.0, "the removed edge's weight");
    drv_close(&d);
}

/* Directed: a reverse arc keeps the skeleton edge; only the last arc of a pair removes it. */
Test(graph_actors, triangles_hand_directed_reciprocal)
{
    drv_t d;
    drv_open(&d, &cki_graph_triangles_actor_class,
             "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]], \"directed\": true}}", 0);
    add_ok(&d, 2, 0, 1);
    cr_assert_eq(cki_wire_get_i64(d.reply, 24), 1);
    add_ok(&d, 0, 2, 1); /* reverse arc: a new arc, no new skeleton edge */
    cr_assert(upd_flags(&d) & CKI_GA_F_CREATED);
    cr_assert_eq(upd_flags(&d) & CKI_GA_F_SKELETON, 0);
    cr_assert_eq(cki_wire_get_i64(d.reply, 32), 1);
    remove_ok(&d, 2, 0);
    cr_assert_eq(cki_wire_get_i64(d.reply, 24), 0);
    remove_ok(&d, 0, 2);
    cr_assert_eq(cki_wire_get_i64(d.reply, 24), -1);
    cr_assert_eq(cki_wire_get_i64(d.reply, 32), 0);
    drv_close(&d);
}

/* Components: a chain joined and cut; the id is the smallest member. */
Test(graph_actors, components_hand_chain)
{
    drv_t d;
    uint8_t b[8];
    drv_open(&d, &cki_graph_components_actor_class, "{\"graph\": {\"num_nodes\": 6, \"edges\": [[4, 5], [2, 3]]}}", 0);
    drv_ok(&d, CKI_CC_QUERY, b, pl_u32(b, 5), 12);
    cr_assert_eq(cki_wire_get_u32(d.reply, 0), 4);
    cr_assert_eq(cki_wire_get_u32(d.reply, 4), 2);
    cr_assert_eq(cki_wire_get_u32(d.reply, 8), 4); /* {0} {1} {2,3} {4,5} */
    add_ok(&d, 3, 4, 1);
    cr_assert(upd_flags(&d) & CKI_GA_F_MERGED);
    add_ok(&d, 5, 2, 1); /* closes a cycle: no merge */
    cr_assert_eq(upd_flags(&d) & CKI_GA_F_MERGED, 0);
    drv_ok(&d, CKI_CC_QUERY, b, pl_u32(b, 5), 12);
    cr_assert_eq(cki_wire_get_u32(d.reply, 0), 2);
    cr_assert_eq(cki_wire_get_u32(d.reply, 4), 4);
    cr_assert_eq(cki_wire_get_u32(d.reply, 8), 3);
    remove_ok(&d, 3, 4);
    cr_assert(upd_flags(&d) & CKI_GA_F_DIRTY);
    drv_ok(&d, CKI_CC_SAME, b, pl_pair(b, 2, 4), 1); /* still joined through 2-5-4 */
    cr_assert_eq(cki_wire_get_u8(d.reply, 0), 1);
    remove_ok(&d, 5, 2);
    drv_ok(&d, CKI_CC_QUERY, b, pl_u32(b, 5), 12);
    cr_assert_eq(cki_wire_get_u32(d.reply, 0), 4);
    cr_assert_eq(cki_wire_get_u32(d.reply, 4), 2);
    cr_assert_eq(cki_wire_get_u32(d.reply, 8), 4);
    drv_ok(&d, CKI_CC_SAME, b, pl_pair(b, 2, 4), 1);
    cr_assert_eq(cki_wire_get_u8(d.reply, 0), 0);
    json_t *s = drv_snapshot(&d);
    cr_assert_eq(json_integer_value(json_object_get(s, "rebuilds")), 2);
    json_decref(s);
    drv_close(&d);
}

/* Degree-ratio: the out-star and the two-way star of the spec, built by updates. */
Test(graph_actors, degree_ratio_hand_stars)
{
    drv_t d;
    uint8_t b[8];
    drv_open(&d, &cki_graph_degree_ratio_actor_class, "{\"graph\": {\"num_nodes\": 5, \"edges\": [], \"directed\": true}}", 0);
    for (uint32_t v = 1; v < 5; v++) add_ok(&d, 0, v, 1);
    drv_ok(&d, CKI_DR_QUERY, b, pl_u32(b, 0), 44);
    cr_assert_eq(cki_wire_get_f64(d.reply, 16), 0.0); /* share */
    cr_assert_eq(cki_wire_get_u32(d.reply, 40), CK_FLOW_SOURCE);
    drv_ok(&d, CKI_DR_ROLE_COUNTS, b, 0, 32);
    cr_assert_eq(cki_wire_get_i64(d.reply, 0), 1); /* source */
    cr_assert_eq(cki_wire_get_i64(d.reply, 8), 4); /* sinks */
    for (uint32_t v = 1; v < 5; v++) add_ok(&d, v, 0, 1);
    drv_ok(&d, CKI_DR_QUERY, b, pl_u32(b, 0), 44);
    cr_assert_eq(cki_wire_get_f64(d.reply, 16), 0.5);
    cr_assert_eq(cki_wire_get_f64(d.reply, 32), 1.0); /* pass_through */
    cr_assert_eq(cki_wire_get_u32(d.reply, 40), CK_FLOW_BALANCED);
    drv_ok(&d, CKI_DR_ROLE_COUNTS, b, 0, 32);
    cr_assert_eq(cki_wire_get_i64(d.reply, 16), 5);
    /* Node growth: ids up to max_nodes - 1 = 4 only here; 5 is beyond the capacity. */
    uint8_t e[16];
    drv_err(&d, CKI_DR_ADD_EDGE, e, pl_edge(e, 0, 5, 1), "v", "max_nodes = 5");
    drv_close(&d);
}

/* ---------------------------------------------------------------- edge cases */

static const char *const empty_configs[] = {
    "{\"graph\": {\"num_nodes\": 0, \"edges\": [], \"directed\": true}}",
    "{\"graph\": {\"num_nodes\": 0, \"edges\": []}}",
    "{\"graph\": {\"num_nodes\": 0, \"edges\": []}}",
    "{\"graph\": {\"num_nodes\": 0, \"edges\": []}}",
    "{\"graph\": {\"num_nodes\": 0, \"edges\": [], \"directed\": true}}",
};

Test(graph_actors, empty_graph)
{
    for (size_t i = 0; i < 5; i++) {
        drv_t d;
        uint8_t b[16];
        drv_open(&d, all_classes[i], empty_configs[i], 1024);
        drv_err(&d, d.base + 2, b, pl_u32(b, 0), "node", "no nodes");
        drv_err(&d, d.base + 1, b, pl_pair(b, 0, 1), "u", "not in the graph");
        drv_err(&d, d.base, b, pl_edge(b, 0, 1, 1), "u", "max_nodes = 0");
        json_t *s = drv_snapshot(&d);
        cr_assert_eq(json_integer_value(json_object_get(s, "num_nodes")), 0);
        json_decref(s);
        switch (d.base) {
        case CKI_PR_ADD_EDGE:
            drv_ok(&d, CKI_PR_TOPK, b, pl_u32(b, 64), 8);
            cr_assert_eq(cki_wire_get_u32(d.reply, 0), 0);
            drv_ok(&d, CKI_PR_RECOMPUTE, b, pl_recompute(b, 0, 0), 16);
            cr_assert_eq(cki_wire_get_u32(d.reply, 0), 0);
            cr_assert_eq(cki_wire_get_u32(d.reply, 4), 1);
            break;
        case CKI_DC_ADD_EDGE: {
            cki_wire_t x = cki_wire_writer(b, 8);
            cki_wire_u32(&x, 5);
            cki_wire_u32(&x, 0);
            drv_ok(&d, CKI_DC_TOPK, b, 8, 8);
            break;
        }
        case CKI_TC_ADD_EDGE:
            drv_ok(&d, CKI_TC_QUERY_TOTAL, b, 0, 16);
            cr_assert_eq(cki_wire_get_i64(d.reply, 0), 0);
            cr_assert_eq(cki_wire_get_f64(d.reply, 8), 0.0);
            break;
        case CKI_CC_ADD_EDGE: drv_err(&d, CKI_CC_SAME, b, pl_pair(b, 0, 0), "u", "no nodes"); break;
        default:
            drv_ok(&d, CKI_DR_ROLE_COUNTS, b, 0, 32);
            for (int k = 0; k < 4; k++) cr_assert_eq(cki_wire_get_i64(d.reply, 8 * k), 0);
        }
        drv_close(&d);
    }
}

Test(graph_actors, single_node)
{
    drv_t d;
    uint8_t b[16];
    drv_open(&d, &cki_graph_pagerank_actor_class, "{\"graph\": {\"num_nodes\": 1, \"edges\": [[0, 0]]}}", 0);
    drv_ok(&d, CKI_PR_QUERY, b, pl_u32(b, 0), 9);
    cr_assert_eq(cki_wire_get_f64(d.reply, 0), 1.0);
    add_ok(&d, 0, 0, 1); /* a self-loop: dropped, nothing changes */
    cr_assert(upd_flags(&d) & CKI_GA_F_SELF_LOOP);
    cr_assert_eq(cki_wire_get_u64(d.reply, 0), 0);
    json_t *s = drv_snapshot(&d);
    cr_assert_eq(json_integer_value(json_object_get(s, "self_loops_dropped")), 2);
    json_decref(s);
    drv_close(&d);

    drv_open(&d, &cki_graph_degree_actor_class, "{\"graph\": {\"num_nodes\": 1, \"edges\": []}}", 0);
    drv_ok(&d, CKI_DC_QUERY, b, pl_u32(b, 0), 32);
    cr_assert_eq(cki_wire_get_f64(d.reply, 24), 1.0, "n = 1 scores 1 when normalized");
    drv_close(&d);
    drv_open(&d, &cki_graph_degree_actor_class, "{\"graph\": {\"num_nodes\": 1, \"edges\": []}, \"normalized\": false}", 0);
    drv_ok(&d, CKI_DC_QUERY, b, pl_u32(b, 0), 32);
    cr_assert_eq(cki_wire_get_f64(d.reply, 24), 0.0);
    drv_close(&d);

    drv_open(&d, &cki_graph_components_actor_class, "{\"graph\": {\"num_nodes\": 1, \"edges\": []}}", 0);
    drv_ok(&d, CKI_CC_SAME, b, pl_pair(b, 0, 0), 1);
    cr_assert_eq(cki_wire_get_u8(d.reply, 0), 1);
    drv_close(&d);

    drv_open(&d, &cki_graph_degree_ratio_actor_class, "{\"graph\": {\"num_nodes\": 1, \"edges\": [], \"directed\": true}}", 0);
    drv_ok(&d, CKI_DR_QUERY, b, pl_u32(b, 0), 44);
    cr_assert(isnan(cki_wire_get_f64(d.reply, 16)), "share of an isolated node is null");
    cr_assert_eq(cki_wire_get_u32(d.reply, 40), CK_FLOW_ISOLATED);
    drv_close(&d);
}

/* Capacity: a new edge beyond max_edges and an id beyond max_nodes are refused, naming them;
 * weights of existing edges still add, and a removal makes room. Ids below max_nodes grow n. */
Test(graph_actors, capacity_exhaustion)
{
    for (size_t i = 0; i < 5; i++) {
        drv_t d;
        uint8_t b[16];
        drv_open(&d, all_classes[i],
                 "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1]], \"directed\": true}, \"max_nodes\": 5, "
                 "\"max_edges\": 2}",
                 0);
        add_ok(&d, 1, 2, 1);
        drv_err(&d, d.base, b, pl_edge(b, 2, 0, 1), "max_edges", "max_edges = 2");
        add_ok(&d, 1, 2, 0.5); /* parallel: adds to the weight */
        cr_assert_eq(cki_wire_get_f64(d.reply, 16), 1.5);
        drv_err(&d, d.base, b, pl_edge(b, 5, 0, 1), "u", "max_nodes = 5");
        drv_err(&d, d.base, b, pl_edge(b, 0, 7, 1), "v", "max_nodes = 5");
        drv_err(&d, d.base + 2, b, pl_u32(b, 4), "node", "nodes 0..2"); /* 4 is not a node yet */
        remove_ok(&d, 0, 1);
        add_ok(&d, 4, 0, 1); /* room again; node 4 (and 3) appear */
        cr_assert_eq(cki_wire_get_u32(d.reply, 8), 5);
        drv_ok(&d, d.base + 2, b, pl_u32(b, 3), (size_t)-1);
        json_t *s = drv_snapshot(&d);
        cr_assert_eq(json_integer_value(json_object_get(s, "num_nodes")), 5);
        cr_assert_eq(json_integer_value(json_object_get(s, "num_edges")), 2);
        cr_assert_eq(json_integer_value(json_object_get(s, "max_edges")), 2);
        json_decref(s);
        drv_close(&d);
    }
}

/* A valid payload of a request type, from the first JSON message its codec accepts. */
static size_t valid_payload(const ck_msg_type_t *mt, uint8_t *buf, size_t cap)
{
    const char *candidates[] = {"{\"u\": 0, \"v\": 1}", "{\"node\": 0}", "{\"k\": 1}", "{}"};
    for (size_t i = 0; i < 4; i++) {
        json_t *msg = json_loads(candidates[i], 0, NULL);
        size_t len;
        ck_status_t s = mt->from_json(gt_ctx, msg, buf, cap, &len);
        json_decref(msg);
        if (s == CK_OK) return len;
    }
    cr_assert_fail("%s: no candidate payload", mt->name);
    return 0;
}

/* Every request with a payload one byte short or long, unknown node ids, bad values, an unknown
 * type id: an error reply naming the field, and the actor goes on. */
Test(graph_actors, bad_requests)
{
    const char *cfg = "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2]], \"directed\": true}}";
    for (size_t i = 0; i < 5; i++) {
        drv_t d;
        uint8_t b[32] = {0};
        drv_open(&d, all_classes[i], cfg, 0);
        /* lengths: the class's request types are its first rows */
        for (size_t t = 0; t < d.cls->n_types && d.cls->types[t].reply_type_id; t++) {
            uint8_t buf[64];
            size_t len = valid_payload(&d.cls->types[t], buf, sizeof buf);
            buf[len] = 0;
            drv_err(&d, d.cls->types[t].type_id, buf, len + 1, "payload", "bytes");
            if (len > 0) drv_err(&d, d.cls->types[t].type_id, buf, len - 1, "payload", "bytes");
        }
        drv_err(&d, d.base + 2, b, pl_u32(b, 4), "node", "not in the graph");
        drv_err(&d, d.base + 1, b, pl_pair(b, 9, 0), "u", "not in the graph");
        drv_err(&d, d.base + 1, b, pl_pair(b, 0, 9), "v", "not in the graph");
        drv_err(&d, d.base + 1, b, pl_pair(b, 2, 1), "v", "no edge 2 -> 1");
        drv_err(&d, d.base + 1, b, pl_pair(b, 3, 3), "v", "self-loops");
        drv_err(&d, d.base, b, pl_edge(b, 0, 1, -1), "w", "finite and >= 0");
        drv_err(&d, d.base, b, pl_edge(b, 0, 1, NAN), "w", "finite");
        drv_err(&d, d.base, b, pl_edge(b, 0, 1, INFINITY), "w", "finite");
        drv_err(&d, d.base + 5, b, 0, "type_id", "not a request");
        drv_err(&d, 299, b, 0, "type_id", "not a request");
        /* nothing changed */
        json_t *s = drv_snapshot(&d);
        cr_assert_eq(json_integer_value(json_object_get(s, "num_edges")), 2);
        cr_assert_eq(json_integer_value(json_object_get(s, "updates")), 0);
        json_decref(s);
        drv_close(&d);
    }
}

Test(graph_actors, bad_kernel_specific_requests)
{
    drv_t d;
    uint8_t b[16];
    drv_open(&d, &cki_graph_pagerank_actor_class, "{\"graph\": {\"num_nodes\": 30, \"edges\": [[0, 1]]}}", 0);
    drv_err(&d, CKI_PR_TOPK, b, pl_u32(b, 0), "k", "out of range 1..64");
    drv_err(&d, CKI_PR_TOPK, b, pl_u32(b, 65), "k", "out of range 1..64");
    /* 20 entries do not fit the default 192-byte payload: the error says why. */
    drv_err(&d, CKI_PR_TOPK, b, pl_u32(b, 20), "k", "slot_size");
    drv_ok(&d, CKI_PR_TOPK, b, pl_u32(b, 15), 8 + 15 * 12);
    drv_err(&d, CKI_PR_RECOMPUTE, b, pl_recompute(b, -1, 10), "tol", "> 0");
    drv_err(&d, CKI_PR_RECOMPUTE, b, pl_recompute(b, NAN, 10), "tol", "finite");
    drv_err(&d, CKI_PR_RECOMPUTE, b, pl_recompute(b, 1e-6, 2000000), "max_iter", "out of range");
    drv_close(&d);

    drv_open(&d, &cki_graph_degree_actor_class, "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1]]}}", 0);
    cki_wire_t x = cki_wire_writer(b, 8);
    cki_wire_u32(&x, 2);
    cki_wire_u32(&x, 1);
    drv_err(&d, CKI_DC_TOPK, b, 8, "direction", "needs a directed graph");
    x = cki_wire_writer(b, 8);
    cki_wire_u32(&x, 2);
    cki_wire_u32(&x, 3);
    drv_err(&d, CKI_DC_TOPK, b, 8, "direction", "is not 0");
    drv_close(&d);

    drv_open(&d, &cki_graph_components_actor_class, "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1]]}}", 0);
    drv_err(&d, CKI_CC_SAME, b, pl_pair(b, 0, 3), "v", "not in the graph");
    drv_close(&d);
}

/* Configuration errors: launch fails naming the field; nothing leaks. */
Test(graph_actors, bad_configs)
{
    struct {
        const ck_actor_class_t *cls;
        const char *config, *field, *fragment;
    } cases[] = {
        {&cki_graph_pagerank_actor_class, NULL, "graph", "missing required field"},
        {&cki_graph_pagerank_actor_class, "{}", "graph", "missing required field"},
        {&cki_graph_pagerank_actor_class, "{\"graph\": {\"num_nodes\": 2, \"edges\": []}, \"alpha\": 1}", "alpha", "[0, 1)"},
        {&cki_graph_pagerank_actor_class, "{\"graph\": {\"num_nodes\": 2, \"edges\": []}, \"alfa\": 0.5}", "alfa", "unknown field"},
        {&cki_graph_pagerank_actor_class, "{\"graph\": {\"num_nodes\": 2, \"edges\": []}, \"personalization\": [0, 0]}",
         "personalization", "positive sum"},
        {&cki_graph_pagerank_actor_class, "{\"graph\": {\"num_nodes\": 2, \"edges\": []}, \"auto_recompute_every\": -1}",
         "auto_recompute_every", "0.."},
        {&cki_graph_degree_actor_class, "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1]]}, \"max_nodes\": 2}", "max_nodes",
         "below the graph's num_nodes"},
        {&cki_graph_degree_actor_class, "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]]}, \"max_edges\": 1}",
         "max_edges", "below the graph's edge count"},
        {&cki_graph_degree_actor_class, "{\"graph\": {\"num_nodes\": 3, \"edges\": []}, \"direction\": \"in\"}", "direction",
         "directed graph"},
        {&cki_graph_degree_actor_class, "{\"graph\": {\"num_nodes\": 3, \"edges\": []}, \"max_nodes\": \"many\"}", "max_nodes",
         "integer"},
        {&cki_graph_triangles_actor_class, "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 2]]}}", "graph.edges[0][1]",
         "out of range"},
        {&cki_graph_components_actor_class, "{\"graph\": {\"num_nodes\": 2, \"edges\": [], \"directed\": true}, \"mode\": \"strong\"}",
         "mode", "weak components only"},
        {&cki_graph_components_actor_class, "{\"graph\": {\"num_nodes\": 2, \"edges\": []}, \"mode\": \"both\"}", "mode",
         "not one of"},
        {&cki_graph_degree_ratio_actor_class, "{\"graph\": {\"num_nodes\": 2, \"edges\": []}}", "graph.directed",
         "directed graph"},
        {&cki_graph_degree_ratio_actor_class,
         "{\"graph\": {\"num_nodes\": 2, \"edges\": [], \"directed\": true}, \"source_threshold\": 0.9}", "sink_threshold",
         "greater than"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        drv_t d;
        ck_status_t s = drv_try_open(&d, cases[i].cls, cases[i].config, 0);
        cr_assert_eq(s, CK_E_INVALID_INPUT, "case %zu: %s", i, ck_status_name(s));
        cr_assert_str_eq(ck_ctx_error_field(gt_ctx), cases[i].field, "case %zu: %s", i, ck_ctx_error(gt_ctx));
        cr_assert(strstr(ck_ctx_error(gt_ctx), cases[i].fragment), "case %zu: '%s' lacks '%s'", i, ck_ctx_error(gt_ctx),
                  cases[i].fragment);
        ck_runtime_destroy(&d.rt);
    }
}

/* ---------------------------------------------------------------- JSON codecs */

/* The JSON path: requests by name, replies rendered by the class's codecs. */
Test(graph_actors, json_requests)
{
    drv_t d;
    drv_open(&d, &cki_graph_components_actor_class, "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1]]}}", 0);
    const char *msgs[][2] = {
        {"{\"type\": \"add_edge\", \"u\": 2, \"v\": 1}", "add_edge_reply"},
        {"{\"type\": \"query\", \"node\": 2}", "query_reply"},
        {"{\"type\": \"same\", \"u\": 0, \"v\": 3}", "same_reply"},
        {"{\"type\": \"remove_edge\", \"u\": 1, \"v\": 0}", "remove_edge_reply"},
    };
    for (size_t i = 0; i < 4; i++) {
        char *out = NULL;
        ck_status_t s = ck_actor_request_json(d.a, msgs[i][0], strlen(msgs[i][0]), &out, TMO);
        cr_assert_eq(s, CK_OK, "%s: %s", msgs[i][0], ck_ctx_error(gt_ctx));
        json_t *r = json_loads(out, 0, NULL);
        cr_assert_not_null(r, "%s", out);
        cr_assert_str_eq(json_string_value(json_object_get(r, "type")), msgs[i][1], "%s", out);
        if (i == 0) {
            cr_assert(json_is_true(json_object_get(r, "created")));
            cr_assert(json_is_true(json_object_get(r, "merged")));
            cr_assert_eq(json_real_value(json_object_get(r, "weight")), 1.0);
            cr_assert_eq(json_integer_value(json_object_get(r, "edges")), 2);
        }
        if (i == 1) {
            cr_assert_eq(json_integer_value(json_object_get(r, "component_id")), 0, "%s", out);
            cr_assert_eq(json_integer_value(json_object_get(r, "size")), 3, "%s", out);
        }
        if (i == 2) cr_assert(json_is_false(json_object_get(r, "same")), "%s", out);
        if (i == 3) cr_assert(json_is_true(json_object_get(r, "dirty")), "%s", out);
        json_decref(r);
        ck_ctx_free(gt_ctx, out);
    }
    /* An error reply as JSON, and malformed messages refused before sending. */
    char *out = NULL;
    const char *bad = "{\"type\": \"query\", \"node\": 7}";
    cr_assert_eq(ck_actor_request_json(d.a, bad, strlen(bad), &out, TMO), CK_OK);
    cr_assert(strstr(out, "\"error\"") && strstr(out, "node: node 7 is not in the graph"), "%s", out);
    ck_ctx_free(gt_ctx, out);
    const char *refused[][2] = {
        {"{\"type\": \"query\", \"node\": 1, \"extra\": 1}", "extra"},
        {"{\"type\": \"query\"}", "node"},
        {"{\"type\": \"query\", \"node\": -1}", "node"},
        {"{\"type\": \"add_edge\", \"u\": 0, \"v\": 1, \"w\": \"heavy\"}", "w"},
        {"{\"type\": \"same\", \"u\": 4294967295, \"v\": 1}", "u"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        out = NULL;
        cr_assert_eq(ck_actor_request_json(d.a, refused[i][0], strlen(refused[i][0]), &out, TMO), CK_E_INVALID_INPUT,
                     "%s", refused[i][0]);
        cr_assert_str_eq(ck_ctx_error_field(gt_ctx), refused[i][1], "%s: %s", refused[i][0], ck_ctx_error(gt_ctx));
    }
    drv_close(&d);
}

/* Every type of every class: JSON -> payload -> JSON -> payload gives the same bytes, and a
 * reply rendered from real bytes parses back to them. Exact layouts are checked on examples. */
Test(graph_actors, codec_round_trips)
{
    const char *examples[] = {
        "{\"u\": 3, \"v\": 4, \"w\": 2.5}", "{\"u\": 3, \"v\": 4}", "{\"node\": 9}", "{\"k\": 7}",
        "{\"k\": 7, \"direction\": \"out\"}", "{\"tol\": 1e-9, \"max_iter\": 50}", "{}",
        "{\"edges\": 5, \"nodes\": 6, \"created\": true, \"self_loop\": false, \"weight\": 1.5}",
        "{\"score\": 0.25, \"stale\": true}", "{\"stale\": false, \"entries\": [{\"node\": 2, \"score\": 0.5}]}",
        "{\"direction\": \"in\", \"entries\": [{\"node\": 1, \"score\": 3}, {\"node\": 0, \"score\": 2}]}",
        "{\"iterations\": 12, \"converged\": true, \"l1_delta\": 1e-13}",
        "{\"in\": 1, \"out\": 2, \"total\": 3, \"score\": 0.5}",
        "{\"edges\": 5, \"nodes\": 6, \"created\": true, \"skeleton_changed\": true, \"weight\": 1, \"triangles_delta\": -2, \"total\": 7}",
        "{\"triangles\": 3, \"degree\": 3, \"clustering\": 1}", "{\"total\": 4, \"transitivity\": 1}",
        "{\"component_id\": 2, \"size\": 3, \"num_components\": 4}", "{\"same\": true}",
        "{\"edges\": 1, \"nodes\": 2, \"merged\": true, \"dirty\": false, \"weight\": 1}",
        "{\"in\": 1, \"out\": 0, \"share\": 1, \"ratio\": null, \"pass_through\": 0, \"role\": \"sink\"}",
        "{\"source\": 1, \"sink\": 2, \"balanced\": 3, \"isolated\": 4}",
    };
    int round_trips = 0;
    for (size_t c = 0; c < 5; c++) {
        const ck_actor_class_t *cls = all_classes[c];
        for (size_t t = 0; t < cls->n_types; t++) {
            const ck_msg_type_t *mt = &cls->types[t];
            cr_assert_not_null(mt->from_json);
            cr_assert_not_null(mt->to_json);
            if (mt->reply_type_id) cr_assert_eq(mt->reply_type_id, mt->type_id + 50, "%s %s", cls->kernel_id, mt->name);
            cr_assert(mt->type_id >= 200 && mt->type_id < 300);
            for (size_t e = 0; e < sizeof examples / sizeof examples[0]; e++) {
                json_t *msg = json_loads(examples[e], 0, NULL);
                uint8_t p1[1024], p2[1024];
                size_t l1, l2;
                if (mt->from_json(gt_ctx, msg, p1, sizeof p1, &l1) != CK_OK) {
                    json_decref(msg);
                    continue;
                }
                json_t *back = json_object();
                cr_assert_eq(mt->to_json(gt_ctx, p1, l1, back), CK_OK, "%s %s: %s", cls->kernel_id, mt->name,
                             ck_ctx_error(gt_ctx));
                cr_assert_eq(mt->from_json(gt_ctx, back, p2, sizeof p2, &l2), CK_OK);
                cr_assert_eq(l1, l2);
                cr_assert_eq(memcmp(p1, p2, l1), 0, "%s %s", cls->kernel_id, mt->name);
                /* The fields given come back with their values. */
                const char *key;
                json_t *v;
                json_object_foreach(msg, key, v) {
                    if (strcmp(key, "entries") == 0) continue;
                    cr_assert(json_equal(json_object_get(back, key), v) ||
                                  (json_is_number(v) && json_number_value(json_object_get(back, key)) == json_number_value(v)),
                              "%s %s: field %s", cls->kernel_id, mt->name, key);
                }
                round_trips++;
                json_decref(back);
                json_decref(msg);
            }
            /* to_json refuses payloads of the wrong length. */
            uint8_t z[1024] = {0};
            json_t *o = json_object();
            cr_assert_eq(mt->to_json(gt_ctx, z, 1000, o), CK_E_INVALID_INPUT, "%s %s", cls->kernel_id, mt->name);
            cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "payload");
            json_decref(o);
        }
    }
    cr_assert_geq(round_trips, 40);
    /* Exact layout of an ADD_EDGE: u32 u, u32 v, f64 w, little-endian. */
    uint8_t p[16], want[16];
    size_t l;
    json_t *msg = json_loads(examples[0], 0, NULL);
    cr_assert_eq(cki_graph_pagerank_actor_class.types[0].from_json(gt_ctx, msg, p, sizeof p, &l), CK_OK);
    json_decref(msg);
    cr_assert_eq(l, 16);
    pl_edge(want, 3, 4, 2.5);
    cr_assert_eq(memcmp(p, want, 16), 0);
    cr_assert_eq(p[0], 3);
    cr_assert_eq(p[4], 4);
}

/* ---------------------------------------------------------------- the runtime's view */

/* The runtime launches the five by kernel id: registry rows offer ring mode and the classes are
 * listed with their type tables. */
Test(graph_actors, builtin_classes)
{
    for (size_t i = 0; i < 5; i++) {
        const ck_actor_class_t *cls = all_classes[i];
        const ck_kernel_t *k = ck_registry_find(gt_reg, cls->kernel_id);
        cr_assert_not_null(k);
        cr_assert(k->meta.modes & CK_MODE_RING, "%s lacks ring mode", cls->kernel_id);
        cr_assert_eq(ck_actor_class_find(cls->kernel_id), cls, "%s is not listed in src/core/actor_classes.c",
                     cls->kernel_id);
        cr_assert_eq(ck_actor_class_type_named(cls, "add_edge")->type_id, 200 + 10 * i);
        /* The registry's example input is a valid actor configuration, except that the
         * components example asks for strong components, which the actor refuses (weak only). */
        json_t *ex = json_loads(k->example_input, 0, NULL);
        cr_assert_not_null(ex);
        json_object_del(ex, "mode");
        char *text = json_dumps(ex, JSON_COMPACT);
        drv_t d;
        drv_open(&d, cls, text, 0);
        drv_close(&d);
        free(text);
        json_decref(ex);
    }
}

/* ---------------------------------------------------------------- state machines directly */

typedef struct counting {
    long mallocs;
} counting_t;
static void *c_malloc(size_t n, void *u)
{
    ((counting_t *)u)->mallocs++;
    return malloc(n);
}
static void *c_realloc(void *p, size_t n, void *u)
{
    ((counting_t *)u)->mallocs++;
    return realloc(p, n);
}
static void c_free(void *p, void *u)
{
    (void)u;
    free(p);
}

/* After create, no request allocates: updates, queries, TOPK, RECOMPUTE, rebuilds, errors. */
Test(graph_actors, no_allocation_after_create)
{
    counting_t cnt = {0};
    ck_allocator_t al = {c_malloc, c_realloc, c_free, &cnt};
    ck_ctx_t *ctx;
    cr_assert_eq(ck_ctx_create(&ctx, &al), CK_OK);
    const char *cfg = "{\"graph\": {\"num_nodes\": 40, \"edges\": [[0, 1], [1, 2], [2, 3], [3, 0]], \"directed\": true}, "
                      "\"max_edges\": 300}";
    for (size_t c = 0; c < 5; c++) {
        json_t *j = json_loads(cfg, 0, NULL);
        void *st = NULL;
        cr_assert_eq(all_classes[c]->create(ctx, j, &st), CK_OK, "%s", ck_ctx_error(ctx));
        json_decref(j);
        long before = cnt.mallocs;
        uint64_t rs = 7 + c;
        uint8_t p[16], out[CKI_GA_REPLY_MAX];
        uint32_t rt, base = all_classes[c]->types[0].type_id;
        size_t rl;
        for (int i = 0; i < 3000; i++) {
            uint32_t u = rng_below(&rs, 40), v = rng_below(&rs, 40), r = rng_below(&rs, 10);
            ck_status_t s;
            if (r < 5) s = cki_ga_step(ctx, st, base, p, pl_edge(p, u, v, 1), out, sizeof out, &rt, &rl);
            else if (r < 8) s = cki_ga_step(ctx, st, base + 1, p, pl_pair(p, u, v), out, sizeof out, &rt, &rl);
            else s = cki_ga_step(ctx, st, base + 2, p, pl_u32(p, u), out, sizeof out, &rt, &rl);
            (void)s;
            if (i % 500 == 0) {
                if (base == CKI_PR_ADD_EDGE) {
                    cr_assert_eq(cki_ga_step(ctx, st, CKI_PR_RECOMPUTE, p, pl_recompute(p, 1e-10, 200), out, sizeof out,
                                             &rt, &rl), CK_OK);
                    cr_assert_eq(cki_ga_step(ctx, st, CKI_PR_TOPK, p, pl_u32(p, 64), out, sizeof out, &rt, &rl), CK_OK);
                }
                if (base == CKI_DC_ADD_EDGE) {
                    cki_wire_t x = cki_wire_writer(p, 8);
                    cki_wire_u32(&x, 64);
                    cki_wire_u32(&x, 1);
                    cr_assert_eq(cki_ga_step(ctx, st, CKI_DC_TOPK, p, 8, out, sizeof out, &rt, &rl), CK_OK);
                }
                if (base == CKI_CC_ADD_EDGE)
                    cr_assert_eq(cki_ga_step(ctx, st, CKI_CC_SAME, p, pl_pair(p, u, v), out, sizeof out, &rt, &rl), CK_OK);
            }
        }
        cr_assert_eq(cnt.mallocs, before, "%s allocated %ld times while handling messages", all_classes[c]->kernel_id,
                     cnt.mallocs - before);
        all_classes[c]->destroy(ctx, st);
    }
    ck_ctx_destroy(&ctx);
}

/* A failed request leaves the state as it was: the snapshot is unchanged. */
Test(graph_actors, errors_leave_state_unchanged)
{
    const char *cfg = "{\"graph\": {\"num_nodes\": 6, \"edges\": [[0, 1], [1, 2], [2, 0], [3, 4]], \"directed\": true}, "
                      "\"max_edges\": 4, \"max_nodes\": 7}";
    for (size_t c = 0; c < 5; c++) {
        json_t *j = json_loads(cfg, 0, NULL);
        void *st = NULL;
        cr_assert_eq(all_classes[c]->create(gt_ctx, j, &st), CK_OK, "%s", ck_ctx_error(gt_ctx));
        json_decref(j);
        json_t *s0 = NULL, *s1 = NULL;
        cr_assert_eq(all_classes[c]->snapshot(gt_ctx, st, &s0), CK_OK);
        uint8_t p[16], out[CKI_GA_REPLY_MAX];
        uint32_t rt, base = all_classes[c]->types[0].type_id;
        size_t rl;
        cr_assert_eq(cki_ga_step(gt_ctx, st, base, p, pl_edge(p, 4, 5, 1), out, sizeof out, &rt, &rl),
                     CK_E_INVALID_INPUT); /* max_edges */
        cr_assert_eq(cki_ga_step(gt_ctx, st, base, p, pl_edge(p, 6, 9, 1), out, sizeof out, &rt, &rl),
                     CK_E_INVALID_INPUT); /* v beyond max_nodes: u = 6 must not grow n */
        cr_assert_eq(cki_ga_step(gt_ctx, st, base + 1, p, pl_pair(p, 1, 0), out, sizeof out, &rt, &rl), CK_E_INVALID_INPUT);
        /* a reply that does not fit the runtime's payload is refused before acting */
        cr_assert_eq(cki_ga_step(gt_ctx, st, base, p, pl_edge(p, 0, 1, 1), out, 8, &rt, &rl), CK_E_INVALID_INPUT);
        cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "slot_size");
        cr_assert_eq(all_classes[c]->snapshot(gt_ctx, st, &s1), CK_OK);
        char *a = json_dumps(s0, JSON_SORT_KEYS), *b = json_dumps(s1, JSON_SORT_KEYS);
        cr_assert_str_eq(a, b, "%s", all_classes[c]->kernel_id);
        free(a);
        free(b);
        json_decref(s0);
        json_decref(s1);
        all_classes[c]->destroy(gt_ctx, st);
    }
}

/* The triangle actor's adjacency pool: heavy churn on a small capacity forces compactions; the
 * counts stay exact (checked against the batch kernel on the final graph). */
Test(graph_actors, triangles_pool_compaction)
{
    json_t *j = json_loads("{\"graph\": {\"num_nodes\": 12, \"edges\": []}, \"max_edges\": 30}", 0, NULL);
    void *st = NULL;
    cr_assert_eq(cki_graph_triangles_actor_class.create(gt_ctx, j, &st), CK_OK);
    json_decref(j);
    model_t *m = calloc(1, sizeof *m);
    m->n = 12;
    m->max_nodes = 12;
    m->max_edges = 30;
    uint64_t rs = 99;
    uint8_t p[16], out[CKI_GA_REPLY_MAX];
    uint32_t rt;
    size_t rl;
    for (int i = 0; i < 20000; i++) {
        uint32_t u = rng_below(&rs, 12), v = rng_below(&rs, 12);
        if (rng_below(&rs, 2)) {
            const char *f = model_add(m, u, v, 1);
            ck_status_t s = cki_ga_step(gt_ctx, st, CKI_TC_ADD_EDGE, p, pl_edge(p, u, v, 1), out, sizeof out, &rt, &rl);
            cr_assert_eq(s == CK_OK, f[0] == 0);
        } else {
            const char *f = model_remove(m, u, v);
            ck_status_t s = cki_ga_step(gt_ctx, st, CKI_TC_REMOVE_EDGE, p, pl_pair(p, u, v), out, sizeof out, &rt, &rl);
            cr_assert_eq(s == CK_OK, f[0] == 0);
        }
    }
    cr_assert_gt(cki_ga_triangles_compactions(st), 0);
    json_t *g = model_graph(m), *in = json_object();
    json_object_set_new(in, "graph", g);
    json_t *batch = gt_run("graph/triangle-counting", in, CK_OK), *snap = NULL;
    cr_assert_eq(cki_graph_triangles_actor_class.snapshot(gt_ctx, st, &snap), CK_OK);
    gt_compare(json_object_get(snap, "per_node"), json_object_get(batch, "per_node"), 0, 0, "per_node");
    gt_compare(json_object_get(snap, "total"), json_object_get(batch, "total"), 0, 0, "total");
    json_decref(snap);
    json_decref(batch);
    json_decref(in);
    cki_graph_triangles_actor_class.destroy(gt_ctx, st);
    free(m);
}

/* A cold start is the batch kernel's computation: the initial PageRank scores are bitwise the
 * batch scores (same CSC order, same chunks, same sweep). */
Test(graph_actors, pagerank_initial_is_batch)
{
    const char *in = "{\"graph\": {\"num_nodes\": 6, \"edges\": [[0, 1], [1, 2], [2, 0], [0, 2], [3, 4], [4, 3], [5, 0]], "
                     "\"weights\": [1, 2, 0.5, 3, 1, 1, 0.25], \"directed\": true}, \"alpha\": 0.8, "
                     "\"nstart\": [1, 2, 3, 4, 5, 6], \"dangling\": [0, 0, 0, 0, 1, 1]}";
    json_t *j = json_loads(in, 0, NULL);
    json_t *batch = gt_run("graph/pagerank", j, CK_OK);
    void *st = NULL;
    json_t *snap = NULL;
    cr_assert_eq(cki_graph_pagerank_actor_class.create(gt_ctx, j, &st), CK_OK, "%s", ck_ctx_error(gt_ctx));
    cr_assert_eq(cki_graph_pagerank_actor_class.snapshot(gt_ctx, st, &snap), CK_OK);
    gt_compare(json_object_get(snap, "scores"), json_object_get(batch, "scores"), 0, 0, "scores");
    cr_assert_eq(json_integer_value(json_object_get(snap, "iterations")),
                 json_integer_value(json_object_get(json_object_get(batch, "meta"), "iterations")));
    json_decref(snap);
    json_decref(batch);
    json_decref(j);
    cki_graph_pagerank_actor_class.destroy(gt_ctx, st);
}
