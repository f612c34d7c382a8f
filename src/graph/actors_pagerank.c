/* graph/pagerank as a ring actor: edge updates mark the scores stale; RECOMPUTE rebuilds the
 * in-edge CSC from the edge store (O(n + m), into preallocated arrays) and runs the batch
 * kernel's PageRank sweep (cki_pagerank_sweep) warm-started from the current scores. */
#include <math.h>
#include <string.h>

#include "actors_internal.h"
#include "spectral_internal.h"
#include "wire.h"

typedef struct pr_state {
    cki_ga_t ga;
    /* batch parameters */
    double alpha, tol;
    int64_t max_iter;
    bool use_weights;
    double *p, *d;          /* [max_nodes] normalised personalization / dangling (zero beyond the initial n), or NULL */
    int64_t auto_every;     /* auto_recompute_every (0 = off) */
    /* scores and the last computation */
    double *x;              /* [max_nodes] the scores (0 for nodes added since the last computation) */
    bool stale, converged;
    int64_t iterations, pending; /* pending: graph-changing updates since the last computation */
    double l1_delta;
    int64_t computations;
    /* the operand, rebuilt by each computation */
    int64_t *in_off;        /* [max_nodes + 1] */
    uint32_t *in_adj;       /* [max_arcs] */
    double *in_w;           /* [max_arcs] */
    int64_t *soff;          /* [max_nodes + 1] scratch: arcs bucketed by source */
    uint32_t *sdst;         /* [max_arcs] */
    double *sw;             /* [max_arcs] */
    double *t, *tn, *inv;   /* [max_nodes] */
    uint32_t *chunk;        /* [max_chunks + 1] */
    double *part;           /* [2 * max_chunks] */
    int64_t max_chunks;
} pr_state_t;

/* ---------------------------------------------------------------- the computation */

/* Chunk boundaries by the rule of cki_spmv_chunks (spectral_power.c), into the preallocated
 * array: the same boundaries give the same partial-sum order, so a computation from the same
 * start vector is bitwise the batch kernel's. */
static int64_t pr_chunks(uint32_t *c, const int64_t *off, uint32_t n)
{
    if (n == 0) return 0;
    int64_t k = 0, next = CKI_SPMV_CHUNK_WORK;
    c[0] = 0;
    for (uint32_t v = 1; v < n; v++) {
        int64_t before = (int64_t)v + off[v];
        if (before >= next) {
            c[++k] = v;
            next = before + CKI_SPMV_CHUNK_WORK;
        }
    }
    c[++k] = n;
    return k;
}

/* The in-edge CSC of the current graph (rows by target, sources ascending, as the batch graph
 * builder makes it) and inv = 1 / out-strength (0 for dangling nodes), with each out-strength
 * summed in ascending target order as the batch kernel does. */
static void pr_build(pr_state_t *s)
{
    const uint32_t n = s->ga.n;
    const cki_estore_t *es = &s->ga.es;
    const bool undirected = !s->ga.directed;
    /* Bucket the arcs by source: after the fill, soff[u] is the end of u's bucket. */
    memset(s->soff, 0, ((size_t)n + 1) * sizeof *s->soff);
    for (int64_t e = 0; e < es->m; e++) {
        s->soff[es->src[e] + 1]++;
        if (undirected) s->soff[es->dst[e] + 1]++;
    }
    for (uint32_t u = 0; u < n; u++) s->soff[u + 1] += s->soff[u];
    for (int64_t e = 0; e < es->m; e++) {
        int64_t i = s->soff[es->src[e]]++;
        s->sdst[i] = es->dst[e];
        s->sw[i] = es->w[e];
        if (undirected) {
            i = s->soff[es->dst[e]]++;
            s->sdst[i] = es->src[e];
            s->sw[i] = es->w[e];
        }
    }
    /* Rows by target; sources visited in ascending order land in ascending order. */
    memset(s->in_off, 0, ((size_t)n + 1) * sizeof *s->in_off);
    const int64_t arcs = n ? s->soff[n - 1] : 0;
    for (int64_t i = 0; i < arcs; i++) s->in_off[s->sdst[i] + 1]++;
    for (uint32_t v = 0; v < n; v++) s->in_off[v + 1] += s->in_off[v];
    for (uint32_t u = 0; u < n; u++)
        for (int64_t i = u ? s->soff[u - 1] : 0; i < s->soff[u]; i++) {
            int64_t p = s->in_off[s->sdst[i]]++;
            s->in_adj[p] = u;
            s->in_w[p] = s->sw[i];
        }
    for (uint32_t v = n; v > 0; v--) s->in_off[v] = s->in_off[v - 1];
    s->in_off[0] = 0;
    /* Out-strengths: for a fixed u, the rows (targets) come in ascending order. */
    for (uint32_t u = 0; u < n; u++) s->inv[u] = 0;
    for (uint32_t v = 0; v < n; v++)
        for (int64_t k = s->in_off[v]; k < s->in_off[v + 1]; k++) s->inv[s->in_adj[k]] += s->use_weights ? s->in_w[k] : 1.0;
    for (uint32_t u = 0; u < n; u++) s->inv[u] = s->inv[u] > 0 ? 1.0 / s->inv[u] : 0.0;
}

/* Power iteration from the current scores (normalised; uniform when they sum to 0), exactly the
 * batch engine's loop (cki_power_pagerank + cki_power_step): stop when the L1 change of a sweep
 * is below n * tol or after max_iter sweeps. */
static void pr_compute(ck_ctx_t *ctx, pr_state_t *s, double tol, int64_t max_iter)
{
    const uint32_t n = s->ga.n;
    s->iterations = 0;
    s->l1_delta = 0;
    s->converged = n == 0;
    s->stale = false;
    s->pending = 0;
    s->computations++;
    if (n == 0) return;
    pr_build(s);
    cki_spmv_t a = {.n = n, .off = s->in_off, .adj = s->in_adj, .w = s->use_weights ? s->in_w : NULL,
                    .chunk = s->chunk, .nchunks = 0};
    a.nchunks = pr_chunks(s->chunk, s->in_off, n);
    double sum = 0;
    for (uint32_t i = 0; i < n; i++) sum += s->x[i];
    if (sum > 0)
        for (uint32_t i = 0; i < n; i++) s->x[i] /= sum;
    else
        for (uint32_t i = 0; i < n; i++) s->x[i] = 1.0 / n;
    double dsum = 0;
    for (int64_t c = 0; c < a.nchunks; c++) {
        double dg = 0;
        for (uint32_t u = s->chunk[c]; u < s->chunk[c + 1]; u++) {
            s->t[u] = s->x[u] * s->inv[u];
            dg += s->inv[u] == 0.0 ? s->x[u] : 0.0;
        }
        s->part[c] = dg;
    }
    for (int64_t c = 0; c < a.nchunks; c++) dsum += s->part[c];
    const int threads = cki_threads(ctx);
    double *t = s->t, *tn = s->tn;
    while (!s->converged && s->iterations < max_iter) {
        double dnext;
        double dl = cki_pagerank_sweep(&a, threads, s->alpha, s->p, s->d, dsum, s->inv, t, tn, s->x, s->part, &dnext);
        dsum = dnext;
        double *tmp = t;
        t = tn;
        tn = tmp;
        s->iterations++;
        s->l1_delta = dl;
        s->converged = dl < (double)n * tol;
    }
}

/* ---------------------------------------------------------------- messages */

static ck_status_t reply_fits(ck_ctx_t *ctx, size_t need, size_t cap)
{
    if (need > cap)
        return cki_invalid(ctx, "slot_size", "the reply needs %zu payload bytes, the runtime's messages carry %zu", need,
                           cap);
    return CK_OK;
}

static ck_status_t pr_update(ck_ctx_t *ctx, pr_state_t *s, bool add, const void *payload, size_t len, void *out,
                             size_t cap, size_t *reply_len)
{
    ck_status_t status = reply_fits(ctx, CKI_GA_UPDATE_REPLY_SIZE, cap);
    if (status) return status;
    cki_ga_event_t ev;
    status = add ? cki_ga_add(ctx, &s->ga, payload, len, &ev) : cki_ga_remove(ctx, &s->ga, payload, len, &ev);
    if (status) return status;
    uint32_t flags = 0;
    if (!ev.self_loop || s->ga.n != ev.old_n) { /* the graph changed: new weights, edges or nodes */
        s->stale = true;
        s->pending++;
        if (s->auto_every > 0 && s->pending >= s->auto_every) {
            pr_compute(ctx, s, s->tol, s->max_iter);
            flags |= CKI_GA_F_RECOMPUTED;
        }
    }
    if (s->stale) flags |= CKI_GA_F_STALE;
    return cki_ga_update_reply(ctx, &s->ga, &ev, flags, out, cap, reply_len);
}

static ck_status_t pr_step(ck_ctx_t *ctx, cki_ga_t *ga, uint32_t type_id, const void *payload, size_t len, void *out,
                           size_t cap, uint32_t *reply_type, size_t *reply_len)
{
    pr_state_t *s = (pr_state_t *)ga;
    ck_status_t status;
    cki_wire_t w = cki_wire_writer(out, cap);
    switch (type_id) {
    case CKI_PR_ADD_EDGE:
    case CKI_PR_REMOVE_EDGE:
        status = pr_update(ctx, s, type_id == CKI_PR_ADD_EDGE, payload, len, out, cap, reply_len);
        break;
    case CKI_PR_QUERY: {
        if ((status = cki_ga_expect_len(ctx, "QUERY", len, CKI_GA_NODE_SIZE))) return status;
        uint32_t node = cki_wire_get_u32(payload, 0);
        if ((status = cki_ga_node(ctx, ga, "node", node)) || (status = reply_fits(ctx, 9, cap))) return status;
        cki_wire_f64(&w, s->x[node]);
        cki_wire_u8(&w, s->stale);
        *reply_len = w.len;
        break;
    }
    case CKI_PR_TOPK: {
        if ((status = cki_ga_expect_len(ctx, "TOPK", len, 4))) return status;
        uint32_t k = cki_wire_get_u32(payload, 0);
        if (k < 1 || k > CKI_GA_TOPK_MAX)
            return cki_invalid(ctx, "k", "%u is out of range 1..%d", k, CKI_GA_TOPK_MAX);
        uint32_t count = k < ga->n ? k : ga->n;
        size_t need = CKI_GA_TOPK_HEADER + (size_t)count * CKI_GA_TOPK_ENTRY;
        if (need > cap)
            return cki_invalid(ctx, "k", "a top-%u reply needs %zu payload bytes, the runtime's messages carry %zu "
                               "(use a larger slot_size or a smaller k)", count, need, cap);
        uint32_t node[CKI_GA_TOPK_MAX];
        cki_ga_topk(s->x, ga->n, k, node, &count);
        cki_wire_u32(&w, count);
        cki_wire_u32(&w, s->stale);
        for (uint32_t i = 0; i < count; i++) {
            cki_wire_u32(&w, node[i]);
            cki_wire_f64(&w, s->x[node[i]]);
        }
        *reply_len = w.len;
        break;
    }
    case CKI_PR_RECOMPUTE: {
        if ((status = cki_ga_expect_len(ctx, "RECOMPUTE", len, 12))) return status;
        double tol = cki_wire_get_f64(payload, 0);
        uint32_t max_iter = cki_wire_get_u32(payload, 8);
        if (tol == 0) tol = s->tol; /* 0: the actor's configured value */
        if (!(tol > 0) || !isfinite(tol)) return cki_invalid(ctx, "tol", "%g must be finite and > 0 (0: the actor's tol)", tol);
        if (max_iter > 1000000)
            return cki_invalid(ctx, "max_iter", "%u is out of range 1..1000000 (0: the actor's max_iter)", max_iter);
        if ((status = reply_fits(ctx, 16, cap))) return status;
        pr_compute(ctx, s, tol, max_iter ? max_iter : s->max_iter);
        cki_wire_u32(&w, (uint32_t)s->iterations);
        cki_wire_u32(&w, s->converged);
        cki_wire_f64(&w, s->l1_delta);
        *reply_len = w.len;
        break;
    }
    default: return cki_ga_unknown_type(ctx, ga, type_id);
    }
    if (status == CK_OK) *reply_type = CKI_GA_REPLY(type_id);
    return status;
}

/* ---------------------------------------------------------------- lifecycle */

static void pr_destroy(ck_ctx_t *ctx, void *state)
{
    pr_state_t *s = state;
    if (!s) return;
    cki_ga_free(ctx, &s->ga);
    void *arrays[] = {s->p, s->d, s->x, s->in_off, s->in_adj, s->in_w, s->soff, s->sdst, s->sw, s->t, s->tn,
                      s->inv, s->chunk, s->part};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) cki_free(ctx, arrays[i]);
    cki_free(ctx, s);
}

/* A per-node vector of the config (personalization / dangling / nstart), zero-padded to
 * max_nodes and, when `normalise`, divided by its sum as the batch engine does; NULL when absent
 * or null. */
static ck_status_t pr_vector(ck_ctx_t *ctx, const cki_ga_config_t *c, const char *field, uint32_t max_nodes,
                             bool normalise, double **out)
{
    double *v = NULL;
    *out = NULL;
    ck_status_t status = cki_json_node_reals(ctx, c->input, field, c->g->n, 0, true, &v);
    if (status || !v) return status;
    double sum = 0;
    for (uint32_t i = 0; i < c->g->n; i++) sum += v[i];
    double *full = cki_calloc(ctx, max_nodes ? max_nodes : 1, sizeof *full);
    if (!full) {
        cki_free(ctx, v);
        return cki_nomem(ctx);
    }
    for (uint32_t i = 0; i < c->g->n; i++) full[i] = normalise ? v[i] / sum : v[i];
    cki_free(ctx, v);
    *out = full;
    return CK_OK;
}

static ck_status_t pr_create(ck_ctx_t *ctx, const json_t *config, void **state)
{
    static const char *const options[] = {"auto_recompute_every", NULL};
    cki_ga_config_t c;
    *state = NULL;
    ck_status_t status = cki_ga_config_read(ctx, &c, "graph/pagerank", config, options);
    if (status) return status;
    double *nstart = NULL;
    pr_state_t *s = cki_calloc(ctx, 1, sizeof *s);
    if (!s) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(cki_ga_init(ctx, &s->ga, &c, pr_step));
    s->ga.kernel_id = "graph/pagerank";
    s->alpha = json_number_value(json_object_get(c.input, "alpha"));
    s->tol = json_number_value(json_object_get(c.input, "tol"));
    s->max_iter = json_integer_value(json_object_get(c.input, "max_iter"));
    s->use_weights = json_is_true(json_object_get(c.input, "use_weights"));
    s->auto_every = c.auto_recompute_every;
    if (!(s->alpha < 1)) {
        status = cki_invalid(ctx, "alpha", "%g is out of range [0, 1)", s->alpha);
        goto cleanup;
    }
    if (!(s->tol > 0)) {
        status = cki_invalid(ctx, "tol", "%g must be > 0", s->tol);
        goto cleanup;
    }
    const uint32_t mn = s->ga.max_nodes ? s->ga.max_nodes : 1;
    const int64_t cap = s->ga.es.cap, arcs = (s->ga.directed ? cap : 2 * cap) > 0 ? (s->ga.directed ? cap : 2 * cap) : 1;
    CK_TRY(pr_vector(ctx, &c, "personalization", mn, true, &s->p));
    CK_TRY(pr_vector(ctx, &c, "dangling", mn, true, &s->d));
    CK_TRY(pr_vector(ctx, &c, "nstart", mn, false, &nstart)); /* pr_compute normalises */
    s->max_chunks = ((int64_t)s->ga.max_nodes + arcs) / CKI_SPMV_CHUNK_WORK + 2;
    s->x = cki_calloc(ctx, mn, sizeof *s->x);
    s->t = cki_mallocarray(ctx, mn, sizeof *s->t);
    s->tn = cki_mallocarray(ctx, mn, sizeof *s->tn);
    s->inv = cki_mallocarray(ctx, mn, sizeof *s->inv);
    s->in_off = cki_mallocarray(ctx, (size_t)mn + 1, sizeof *s->in_off);
    s->soff = cki_mallocarray(ctx, (size_t)mn + 1, sizeof *s->soff);
    s->in_adj = cki_mallocarray(ctx, (size_t)arcs, sizeof *s->in_adj);
    s->sdst = cki_mallocarray(ctx, (size_t)arcs, sizeof *s->sdst);
    s->in_w = cki_mallocarray(ctx, (size_t)arcs, sizeof *s->in_w);
    s->sw = cki_mallocarray(ctx, (size_t)arcs, sizeof *s->sw);
    s->chunk = cki_mallocarray(ctx, (size_t)s->max_chunks + 1, sizeof *s->chunk);
    s->part = cki_mallocarray(ctx, 2 * (size_t)s->max_chunks, sizeof *s->part);
    if (!s->x || !s->t || !s->tn || !s->inv || !s->in_off || !s->soff || !s->in_adj || !s->sdst || !s->in_w ||
        !s->sw || !s->chunk || !s->part) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    /* The initial scores are the batch kernel's answer (start: nstart, else uniform). */
    if (nstart) memcpy(s->x, nstart, (size_t)c.g->n * sizeof *s->x);
    pr_compute(ctx, s, s->tol, s->max_iter);
    *state = s;
    s = NULL;
cleanup:
    cki_free(ctx, nstart);
    pr_destroy(ctx, s);
    cki_ga_config_free(&c);
    return status;
}

static ck_status_t pr_snapshot(ck_ctx_t *ctx, const void *state, json_t **out)
{
    const pr_state_t *s = state;
    json_t *o = json_object();
    ck_status_t status;
    if (!o) return cki_nomem(ctx);
    CK_TRY(cki_ga_snapshot_common(ctx, &s->ga, o));
    CK_TRY(cki_json_set(ctx, o, "scores", cki_json_reals_new(s->x, s->ga.n)));
    CK_TRY(cki_json_set(ctx, o, "stale", json_boolean(s->stale)));
    CK_TRY(cki_json_set(ctx, o, "pending_updates", json_integer(s->pending)));
    CK_TRY(cki_json_set(ctx, o, "iterations", json_integer(s->iterations)));
    CK_TRY(cki_json_set(ctx, o, "converged", json_boolean(s->converged)));
    CK_TRY(cki_json_set(ctx, o, "l1_delta", cki_json_real_new(s->l1_delta)));
    CK_TRY(cki_json_set(ctx, o, "computations", json_integer(s->computations)));
    *out = o;
    return CK_OK;
cleanup:
    json_decref(o);
    return status;
}

/* ---------------------------------------------------------------- types and class */

static const cki_gf_t query_reply_fields[] = {
    {.name = "score", .kind = CKI_GF_F64, .off = 0},
    {.name = "stale", .kind = CKI_GF_BOOL8, .off = 8},
};
static const cki_layout_t query_reply_layout = {query_reply_fields, 2, 9, 0, false};

static const cki_gf_t topk_fields[] = {{.name = "k", .kind = CKI_GF_U32, .off = 0}};
static const cki_layout_t topk_layout = {topk_fields, 1, 4, 0, false};
static const cki_gf_t topk_reply_fields[] = {{.name = "stale", .kind = CKI_GF_BOOL32, .off = 4}};
static const cki_layout_t topk_reply_layout = {topk_reply_fields, 1, CKI_GA_TOPK_HEADER, 0, true};

static const cki_gf_t recompute_fields[] = {
    {.name = "tol", .kind = CKI_GF_F64, .off = 0, .optional = true, .def = 0},
    {.name = "max_iter", .kind = CKI_GF_U32, .off = 8, .optional = true, .def = 0},
};
static const cki_layout_t recompute_layout = {recompute_fields, 2, 12, 0, false};
static const cki_gf_t recompute_reply_fields[] = {
    {.name = "iterations", .kind = CKI_GF_U32, .off = 0},
    {.name = "converged", .kind = CKI_GF_BOOL32, .off = 4},
    {.name = "l1_delta", .kind = CKI_GF_F64, .off = 8},
};
static const cki_layout_t recompute_reply_layout = {recompute_reply_fields, 3, 16, 0, false};

static const cki_gf_t update_reply_fields[] = {
    {.name = "edges", .kind = CKI_GF_U64, .off = 0},
    {.name = "nodes", .kind = CKI_GF_U32, .off = 8},
    {.name = "created", .kind = CKI_GF_FLAG, .off = 12, .bit = CKI_GA_F_CREATED},
    {.name = "self_loop", .kind = CKI_GF_FLAG, .off = 12, .bit = CKI_GA_F_SELF_LOOP},
    {.name = "stale", .kind = CKI_GF_FLAG, .off = 12, .bit = CKI_GA_F_STALE},
    {.name = "recomputed", .kind = CKI_GF_FLAG, .off = 12, .bit = CKI_GA_F_RECOMPUTED},
    {.name = "weight", .kind = CKI_GF_F64, .off = 16},
};
static const cki_layout_t update_reply_layout = {update_reply_fields, 7, CKI_GA_UPDATE_REPLY_SIZE, 0, false};

CKI_GA_CODECS(add_edge, cki_ga_add_edge_layout)
CKI_GA_CODECS(remove_edge, cki_ga_remove_edge_layout)
CKI_GA_CODECS(query, cki_ga_node_layout)
CKI_GA_CODECS(topk, topk_layout)
CKI_GA_CODECS(recompute, recompute_layout)
CKI_GA_CODECS(update_reply, update_reply_layout)
CKI_GA_CODECS(query_reply, query_reply_layout)
CKI_GA_CODECS(topk_reply, topk_reply_layout)
CKI_GA_CODECS(recompute_reply, recompute_reply_layout)

static const ck_msg_type_t pr_types[] = {
    {CKI_PR_ADD_EDGE, "add_edge", CKI_GA_REPLY(CKI_PR_ADD_EDGE), add_edge_from_json, add_edge_to_json},
    {CKI_PR_REMOVE_EDGE, "remove_edge", CKI_GA_REPLY(CKI_PR_REMOVE_EDGE), remove_edge_from_json, remove_edge_to_json},
    {CKI_PR_QUERY, "query", CKI_GA_REPLY(CKI_PR_QUERY), query_from_json, query_to_json},
    {CKI_PR_TOPK, "topk", CKI_GA_REPLY(CKI_PR_TOPK), topk_from_json, topk_to_json},
    {CKI_PR_RECOMPUTE, "recompute", CKI_GA_REPLY(CKI_PR_RECOMPUTE), recompute_from_json, recompute_to_json},
    {CKI_GA_REPLY(CKI_PR_ADD_EDGE), "add_edge_reply", 0, update_reply_from_json, update_reply_to_json},
    {CKI_GA_REPLY(CKI_PR_REMOVE_EDGE), "remove_edge_reply", 0, update_reply_from_json, update_reply_to_json},
    {CKI_GA_REPLY(CKI_PR_QUERY), "query_reply", 0, query_reply_from_json, query_reply_to_json},
    {CKI_GA_REPLY(CKI_PR_TOPK), "topk_reply", 0, topk_reply_from_json, topk_reply_to_json},
    {CKI_GA_REPLY(CKI_PR_RECOMPUTE), "recompute_reply", 0, recompute_reply_from_json, recompute_reply_to_json},
};

const ck_actor_class_t cki_graph_pagerank_actor_class = {
    .kernel_id = "graph/pagerank",
    .create = pr_create,
    .destroy = pr_destroy,
    .handle = cki_ga_handle,
    .snapshot = pr_snapshot,
    .types = pr_types,
    .n_types = sizeof pr_types / sizeof pr_types[0],
};
