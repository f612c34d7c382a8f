/* graph/triangle-counting as a ring actor: exact at all times. The undirected skeleton is kept as
 * one sorted neighbour array per node in a preallocated pool; a new skeleton edge {u,v} closes
 * one triangle per common neighbour (a sorted merge of the two rows), a vanishing one opens as
 * many. The initial counts come from the batch kernel (cki_tri_count). */
#include <math.h>
#include <string.h>

#include "actors_internal.h"
#include "motifs_internal.h"
#include "wire.h"

typedef struct tc_state {
    cki_ga_t ga;
    /* Skeleton rows: node u's neighbours are pool[start[u] .. start[u] + len[u]), ascending, with
     * room for rcap[u]. Rows that outgrow their room move to the pool's tail; when the tail is
     * full, every row is packed again (through `scratch`) with 1/8 slack. */
    uint32_t *pool;
    int64_t pool_size, tail;
    int64_t *start;      /* [max_nodes] */
    uint32_t *len, *rcap; /* [max_nodes] */
    uint32_t *scratch;   /* [2 * max_edges] */
    int64_t *tri;        /* [max_nodes] T(u) */
    int64_t total;
    ck_uint128_t sum_c2; /* sum of C(d, 2) over skeleton degrees: the connected triples */
    int64_t skel_m;      /* skeleton edges */
    int64_t compactions;
} tc_state_t;

int64_t cki_ga_triangles_compactions(const void *state) { return ((const tc_state_t *)state)->compactions; }

static inline uint32_t slack(uint32_t len) { return len + (len >> 3); }

/* Pack every row from offset 0 with 1/8 slack. The pool holds 2 S + 16 slots for S = 2 max_edges
 * neighbour entries, so the packed rows (<= 9/8 S) leave room for any row to double. */
static void tc_compact(tc_state_t *s)
{
    const uint32_t n = s->ga.n;
    int64_t pos = 0;
    for (uint32_t u = 0; u < n; u++) {
        memcpy(s->scratch + pos, s->pool + s->start[u], (size_t)s->len[u] * sizeof *s->pool);
        pos += s->len[u];
    }
    pos = 0;
    int64_t from = 0;
    for (uint32_t u = 0; u < n; u++) {
        memcpy(s->pool + pos, s->scratch + from, (size_t)s->len[u] * sizeof *s->pool);
        from += s->len[u];
        s->start[u] = pos;
        s->rcap[u] = slack(s->len[u]);
        pos += s->rcap[u];
    }
    s->tail = pos;
    s->compactions++;
}

/* Make room for one more neighbour in u's row. */
static void tc_grow(tc_state_t *s, uint32_t u)
{
    if (s->len[u] < s->rcap[u]) return;
    uint32_t want = s->len[u] < 2 ? 4 : 2 * s->len[u];
    if (s->pool_size - s->tail < (int64_t)want) {
        tc_compact(s);
        if (s->len[u] < s->rcap[u]) return;
        if (s->pool_size - s->tail < (int64_t)want) want = (uint32_t)(s->pool_size - s->tail); /* >= len + 1 */
    }
    memcpy(s->pool + s->tail, s->pool + s->start[u], (size_t)s->len[u] * sizeof *s->pool);
    s->start[u] = s->tail;
    s->rcap[u] = want;
    s->tail += want;
}

static uint32_t lower_bound(const uint32_t *a, uint32_t n, uint32_t x)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void row_insert(tc_state_t *s, uint32_t u, uint32_t x)
{
    tc_grow(s, u);
    uint32_t *row = s->pool + s->start[u];
    uint32_t i = lower_bound(row, s->len[u], x);
    memmove(row + i + 1, row + i, (size_t)(s->len[u] - i) * sizeof *row);
    row[i] = x;
    s->len[u]++;
}

static void row_erase(tc_state_t *s, uint32_t u, uint32_t x)
{
    uint32_t *row = s->pool + s->start[u];
    uint32_t i = lower_bound(row, s->len[u], x);
    memmove(row + i, row + i + 1, (size_t)(s->len[u] - i - 1) * sizeof *row);
    s->len[u]--;
}

/* Add `delta` to T(w) for every common neighbour w of u and v; returns their number. */
static int64_t tc_common(tc_state_t *s, uint32_t u, uint32_t v, int delta)
{
    const uint32_t *a = s->pool + s->start[u], *b = s->pool + s->start[v];
    uint32_t i = 0, j = 0, na = s->len[u], nb = s->len[v];
    int64_t c = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j]) i++;
        else if (a[i] > b[j]) j++;
        else {
            s->tri[a[i]] += delta;
            c++;
            i++;
            j++;
        }
    }
    return c;
}

/* A skeleton edge {u, v} appears (delta 1) or disappears (delta -1); returns the change of the
 * triangle total. */
static int64_t tc_skeleton(tc_state_t *s, uint32_t u, uint32_t v, int delta)
{
    if (delta < 0) {
        row_erase(s, u, v);
        row_erase(s, v, u);
    }
    int64_t c = tc_common(s, u, v, delta);
    s->tri[u] += delta * c;
    s->tri[v] += delta * c;
    s->total += delta * c;
    /* C(d+1, 2) - C(d, 2) = d with d the degree before an insertion (after a removal). */
    ck_uint128_t dd = (ck_uint128_t)s->len[u] + s->len[v];
    if (delta > 0) {
        s->sum_c2 += dd;
        row_insert(s, u, v);
        row_insert(s, v, u);
    } else {
        s->sum_c2 -= dd;
    }
    s->skel_m += delta;
    return delta * c;
}

static double tc_transitivity(const tc_state_t *s)
{
    return s->sum_c2 ? 3.0 * (double)s->total / (double)s->sum_c2 : 0.0; /* as ck_triangle_count */
}

static ck_status_t tc_step(ck_ctx_t *ctx, cki_ga_t *ga, uint32_t type_id, const void *payload, size_t len, void *out,
                           size_t cap, uint32_t *reply_type, size_t *reply_len)
{
    tc_state_t *s = (tc_state_t *)ga;
    ck_status_t status;
    cki_wire_t w = cki_wire_writer(out, cap);
    size_t need = type_id == CKI_TC_ADD_EDGE || type_id == CKI_TC_REMOVE_EDGE ? CKI_GA_UPDATE_REPLY_SIZE + 16
                  : type_id == CKI_TC_QUERY_NODE                              ? 24
                                                                              : 16;
    if (need > cap)
        return cki_invalid(ctx, "slot_size", "the reply needs %zu payload bytes, the runtime's messages carry %zu", need,
                           cap);
    switch (type_id) {
    case CKI_TC_ADD_EDGE:
    case CKI_TC_REMOVE_EDGE: {
        cki_ga_event_t ev;
        bool add = type_id == CKI_TC_ADD_EDGE;
        status = add ? cki_ga_add(ctx, ga, payload, len, &ev) : cki_ga_remove(ctx, ga, payload, len, &ev);
        if (status) return status;
        int64_t delta = 0;
        uint32_t flags = 0;
        /* The skeleton changes only with the first arc of a pair (add) or the last (remove): a
         * reverse arc of a directed graph keeps {u, v} in the skeleton. */
        bool changes = add ? ev.created : true;
        if (changes && ga->directed) changes = cki_estore_find(&ga->es, ev.v, ev.u) < 0;
        if (changes) {
            delta = tc_skeleton(s, ev.u, ev.v, add ? 1 : -1);
            flags |= CKI_GA_F_SKELETON;
        }
        size_t base;
        if ((status = cki_ga_update_reply(ctx, ga, &ev, flags, out, cap, &base))) return status;
        w.len = base;
        cki_wire_i64(&w, delta);
        cki_wire_i64(&w, s->total);
        *reply_len = w.len;
        break;
    }
    case CKI_TC_QUERY_NODE: {
        if ((status = cki_ga_expect_len(ctx, "QUERY_NODE", len, CKI_GA_NODE_SIZE))) return status;
        uint32_t node = cki_wire_get_u32(payload, 0);
        if ((status = cki_ga_node(ctx, ga, "node", node))) return status;
        int64_t d = s->len[node], t = s->tri[node];
        cki_wire_i64(&w, t);
        cki_wire_i64(&w, d);
        cki_wire_f64(&w, d < 2 ? 0.0 : 2.0 * (double)t / ((double)d * (double)(d - 1)));
        *reply_len = w.len;
        break;
    }
    case CKI_TC_QUERY_TOTAL:
        if ((status = cki_ga_expect_len(ctx, "QUERY_TOTAL", len, 0))) return status;
        cki_wire_i64(&w, s->total);
        cki_wire_f64(&w, tc_transitivity(s));
        *reply_len = w.len;
        break;
    default: return cki_ga_unknown_type(ctx, ga, type_id);
    }
    *reply_type = CKI_GA_REPLY(type_id);
    return CK_OK;
}

static void tc_destroy(ck_ctx_t *ctx, void *state)
{
    tc_state_t *s = state;
    if (!s) return;
    cki_ga_free(ctx, &s->ga);
    cki_free(ctx, s->pool);
    cki_free(ctx, s->start);
    cki_free(ctx, s->len);
    cki_free(ctx, s->rcap);
    cki_free(ctx, s->scratch);
    cki_free(ctx, s->tri);
    cki_free(ctx, s);
}

static ck_status_t tc_create(ck_ctx_t *ctx, const json_t *config, void **state)
{
    cki_ga_config_t c;
    cki_skel_t sk;
    memset(&sk, 0, sizeof sk);
    *state = NULL;
    ck_status_t status = cki_ga_config_read(ctx, &c, "graph/triangle-counting", config, NULL);
    if (status) return status;
    tc_state_t *s = cki_calloc(ctx, 1, sizeof *s);
    if (!s) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(cki_ga_init(ctx, &s->ga, &c, tc_step));
    s->ga.kernel_id = "graph/triangle-counting";
    const ck_graph_t *g = c.g;
    const size_t mn = s->ga.max_nodes ? s->ga.max_nodes : 1;
    const int64_t entries = 2 * s->ga.es.cap; /* skeleton edges <= max_edges, each stored twice */
    s->pool_size = 2 * entries + 16;
    s->pool = cki_mallocarray(ctx, (size_t)s->pool_size, sizeof *s->pool);
    s->scratch = cki_mallocarray(ctx, (size_t)(entries ? entries : 1), sizeof *s->scratch);
    s->start = cki_calloc(ctx, mn, sizeof *s->start);
    s->len = cki_calloc(ctx, mn, sizeof *s->len);
    s->rcap = cki_calloc(ctx, mn, sizeof *s->rcap);
    s->tri = cki_calloc(ctx, mn, sizeof *s->tri);
    if (!s->pool || !s->scratch || !s->start || !s->len || !s->rcap || !s->tri) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    /* The batch kernel's counts, and the skeleton's sorted rows packed into the pool. */
    CK_TRY(cki_tri_count(ctx, s->tri, &s->total, &s->sum_c2, g));
    CK_TRY(cki_motif_skel_init(ctx, &sk, g, false));
    int64_t pos = 0;
    for (uint32_t u = 0; u < g->n; u++) {
        uint32_t d = (uint32_t)(sk.off[u + 1] - sk.off[u]);
        memcpy(s->pool + pos, sk.adj + sk.off[u], (size_t)d * sizeof *s->pool);
        s->start[u] = pos;
        s->len[u] = d;
        s->rcap[u] = slack(d);
        pos += s->rcap[u];
    }
    s->tail = pos;
    s->skel_m = sk.m;
    *state = s;
    s = NULL;
cleanup:
    cki_motif_skel_free(ctx, &sk);
    tc_destroy(ctx, s);
    cki_ga_config_free(&c);
    return status;
}

static ck_status_t tc_snapshot(ck_ctx_t *ctx, const void *state, json_t **out)
{
    const tc_state_t *s = state;
    json_t *o = json_object();
    ck_status_t status;
    if (!o) return cki_nomem(ctx);
    CK_TRY(cki_ga_snapshot_common(ctx, &s->ga, o));
    CK_TRY(cki_json_set(ctx, o, "per_node", cki_json_int64s_new(s->tri, s->ga.n)));
    CK_TRY(cki_json_set(ctx, o, "total", json_integer(s->total)));
    CK_TRY(cki_json_set(ctx, o, "transitivity", cki_json_real_new(tc_transitivity(s))));
    CK_TRY(cki_json_set(ctx, o, "skeleton_edges", json_integer(s->skel_m)));
    *out = o;
    return CK_OK;
cleanup:
    json_decref(o);
    return status;
}

/* ---------------------------------------------------------------- types and class */

static const cki_gf_t update_reply_fields[] = {
    {.name = "edges", .kind = CKI_GF_U64, .off = 0},
    {.name = "nodes", .kind = CKI_GF_U32, .off = 8},
    {.name = "created", .kind = CKI_GF_FLAG, .off = 12, .bit = CKI_GA_F_CREATED},
    {.name = "self_loop", .kind = CKI_GF_FLAG, .off = 12, .bit = CKI_GA_F_SELF_LOOP},
    {.name = "skeleton_changed", .kind = CKI_GF_FLAG, .off = 12, .bit = CKI_GA_F_SKELETON},
    {.name = "weight", .kind = CKI_GF_F64, .off = 16},
    {.name = "triangles_delta", .kind = CKI_GF_I64, .off = 24},
    {.name = "total", .kind = CKI_GF_I64, .off = 32},
};
static const cki_layout_t update_reply_layout = {update_reply_fields, 8, CKI_GA_UPDATE_REPLY_SIZE + 16, 0, false};

static const cki_gf_t node_reply_fields[] = {
    {.name = "triangles", .kind = CKI_GF_I64, .off = 0},
    {.name = "degree", .kind = CKI_GF_I64, .off = 8},
    {.name = "clustering", .kind = CKI_GF_F64, .off = 16},
};
static const cki_layout_t node_reply_layout = {node_reply_fields, 3, 24, 0, false};

static const cki_gf_t total_reply_fields[] = {
    {.name = "total", .kind = CKI_GF_I64, .off = 0},
    {.name = "transitivity", .kind = CKI_GF_F64, .off = 8},
};
static const cki_layout_t total_reply_layout = {total_reply_fields, 2, 16, 0, false};

CKI_GA_CODECS(add_edge, cki_ga_add_edge_layout)
CKI_GA_CODECS(remove_edge, cki_ga_remove_edge_layout)
CKI_GA_CODECS(query_node, cki_ga_node_layout)
CKI_GA_CODECS(query_total, cki_ga_empty_layout)
CKI_GA_CODECS(update_reply, update_reply_layout)
CKI_GA_CODECS(node_reply, node_reply_layout)
CKI_GA_CODECS(total_reply, total_reply_layout)

static const ck_msg_type_t tc_types[] = {
    {CKI_TC_ADD_EDGE, "add_edge", CKI_GA_REPLY(CKI_TC_ADD_EDGE), add_edge_from_json, add_edge_to_json},
    {CKI_TC_REMOVE_EDGE, "remove_edge", CKI_GA_REPLY(CKI_TC_REMOVE_EDGE), remove_edge_from_json, remove_edge_to_json},
    {CKI_TC_QUERY_NODE, "query_node", CKI_GA_REPLY(CKI_TC_QUERY_NODE), query_node_from_json, query_node_to_json},
    {CKI_TC_QUERY_TOTAL, "query_total", CKI_GA_REPLY(CKI_TC_QUERY_TOTAL), query_total_from_json, query_total_to_json},
    {CKI_GA_REPLY(CKI_TC_ADD_EDGE), "add_edge_reply", 0, update_reply_from_json, update_reply_to_json},
    {CKI_GA_REPLY(CKI_TC_REMOVE_EDGE), "remove_edge_reply", 0, update_reply_from_json, update_reply_to_json},
    {CKI_GA_REPLY(CKI_TC_QUERY_NODE), "query_node_reply", 0, node_reply_from_json, node_reply_to_json},
    {CKI_GA_REPLY(CKI_TC_QUERY_TOTAL), "query_total_reply", 0, total_reply_from_json, total_reply_to_json},
};

const ck_actor_class_t cki_graph_triangles_actor_class = {
    .kernel_id = "graph/triangle-counting",
    .create = tc_create,
    .destroy = tc_destroy,
    .handle = cki_ga_handle,
    .snapshot = tc_snapshot,
    .types = tc_types,
    .n_types = sizeof tc_types / sizeof tc_types[0],
};
