/* graph/degree-centrality as a ring actor: in/out degree counters (and strengths, with
 * `weighted`) updated in O(1) per ADD_EDGE / REMOVE_EDGE, so answers are never stale; QUERY
 * computes the score as the batch kernel does; TOPK is an exact scan (O(n k) worst case). */
#include <math.h>
#include <string.h>

#include "actors_internal.h"
#include "wire.h"

typedef struct dc_state {
    cki_ga_t ga;
    ck_degree_direction_t direction; /* of the scores (QUERY's score, the snapshot) */
    bool normalized, weighted;
    int64_t *deg_out, *deg_in;       /* [max_nodes]; undirected graphs: deg_in == deg_out */
    cki_ksum_t *str_out, *str_in;    /* [max_nodes] when weighted; aliased the same way */
    ck_degree_direction_t topk_dir;  /* the direction a TOPK is ranking (set per request) */
} dc_state_t;

static double dc_out(const dc_state_t *s, uint32_t u)
{
    return s->weighted ? cki_ksum_value(&s->str_out[u]) : (double)s->deg_out[u];
}
static double dc_in(const dc_state_t *s, uint32_t u)
{
    return s->weighted ? cki_ksum_value(&s->str_in[u]) : (double)s->deg_in[u];
}

/* The raw value of a direction: the batch kernel's `d` before normalisation. */
static double dc_value(const dc_state_t *s, uint32_t u, ck_degree_direction_t dir)
{
    double din = dc_in(s, u), dout = dc_out(s, u);
    return dir == CK_DEGREE_IN ? din : dir == CK_DEGREE_OUT ? dout : s->ga.directed ? din + dout : dout;
}

/* The batch kernel's normalisation (networkx multiplies by 1/(n-1); n = 1 scores 1). */
static double dc_score(const dc_state_t *s, double d)
{
    const uint32_t n = s->ga.n;
    if (!s->normalized) return d;
    return n == 1 ? 1.0 : d * (n > 1 ? 1.0 / (double)(n - 1) : 1.0);
}

static double dc_topk_value(const void *state, uint32_t u)
{
    const dc_state_t *s = state;
    return dc_value(s, u, s->topk_dir);
}

static void dc_edge(dc_state_t *s, uint32_t u, uint32_t v, int delta, double w)
{
    s->deg_out[u] += delta;
    s->deg_in[v] += delta;
    if (!s->weighted) return;
    cki_ksum_add(&s->str_out[u], delta * w);
    cki_ksum_add(&s->str_in[v], delta * w);
    /* A node without edges has strength exactly 0, whatever the rounding history. */
    if (s->deg_out[u] == 0) s->str_out[u] = (cki_ksum_t){0, 0};
    if (s->deg_in[v] == 0) s->str_in[v] = (cki_ksum_t){0, 0};
}

static ck_status_t dir_check(ck_ctx_t *ctx, const dc_state_t *s, ck_degree_direction_t dir, const char *field)
{
    if (dir != CK_DEGREE_TOTAL && !s->ga.directed)
        return cki_invalid(ctx, field, "'%s' needs a directed graph; use 'total' on an undirected graph",
                           dir == CK_DEGREE_IN ? "in" : "out");
    return CK_OK;
}

static ck_status_t dc_step(ck_ctx_t *ctx, cki_ga_t *ga, uint32_t type_id, const void *payload, size_t len, void *out,
                           size_t cap, uint32_t *reply_type, size_t *reply_len)
{
    dc_state_t *s = (dc_state_t *)ga;
    ck_status_t status;
    cki_wire_t w = cki_wire_writer(out, cap);
    size_t need = 0;
    switch (type_id) {
    case CKI_DC_ADD_EDGE:
    case CKI_DC_REMOVE_EDGE: need = CKI_GA_UPDATE_REPLY_SIZE; break;
    case CKI_DC_QUERY: need = 32; break;
    default: break;
    }
    if (need > cap)
        return cki_invalid(ctx, "slot_size", "the reply needs %zu payload bytes, the runtime's messages carry %zu", need,
                           cap);
    switch (type_id) {
    case CKI_DC_ADD_EDGE:
    case CKI_DC_REMOVE_EDGE: {
        cki_ga_event_t ev;
        bool add = type_id == CKI_DC_ADD_EDGE;
        status = add ? cki_ga_add(ctx, ga, payload, len, &ev) : cki_ga_remove(ctx, ga, payload, len, &ev);
        if (status) return status;
        if (!ev.self_loop) {
            /* Undirected graphs alias the in- and out-arrays, so this counts both ends. */
            if (add && !ev.created) { /* a parallel edge: only the strengths change */
                if (s->weighted) {
                    cki_ksum_add(&s->str_out[ev.u], ev.w);
                    cki_ksum_add(&s->str_in[ev.v], ev.w);
                }
            } else {
                dc_edge(s, ev.u, ev.v, add ? 1 : -1, ev.w);
            }
        }
        CK_TRY(cki_ga_update_reply(ctx, ga, &ev, 0, out, cap, reply_len));
        break;
    }
    case CKI_DC_QUERY: {
        if ((status = cki_ga_expect_len(ctx, "QUERY", len, CKI_GA_NODE_SIZE))) return status;
        uint32_t node = cki_wire_get_u32(payload, 0);
        if ((status = cki_ga_node(ctx, ga, "node", node))) return status;
        cki_wire_f64(&w, dc_in(s, node));
        cki_wire_f64(&w, dc_out(s, node));
        cki_wire_f64(&w, dc_value(s, node, CK_DEGREE_TOTAL));
        cki_wire_f64(&w, dc_score(s, dc_value(s, node, s->direction)));
        *reply_len = w.len;
        break;
    }
    case CKI_DC_TOPK: {
        if ((status = cki_ga_expect_len(ctx, "TOPK", len, 8))) return status;
        uint32_t k = cki_wire_get_u32(payload, 0), dir = cki_wire_get_u32(payload, 4);
        if (k < 1 || k > CKI_GA_TOPK_MAX) return cki_invalid(ctx, "k", "%u is out of range 1..%d", k, CKI_GA_TOPK_MAX);
        if (dir > CK_DEGREE_OUT) return cki_invalid(ctx, "direction", "%u is not 0 (total), 1 (in) or 2 (out)", dir);
        if ((status = dir_check(ctx, s, (ck_degree_direction_t)dir, "direction"))) return status;
        uint32_t count = k < ga->n ? k : ga->n;
        need = CKI_GA_TOPK_HEADER + (size_t)count * CKI_GA_TOPK_ENTRY;
        if (need > cap)
            return cki_invalid(ctx, "k", "a top-%u reply needs %zu payload bytes, the runtime's messages carry %zu "
                               "(use a larger slot_size or a smaller k)", count, need, cap);
        uint32_t node[CKI_GA_TOPK_MAX];
        s->topk_dir = (ck_degree_direction_t)dir;
        cki_ga_topk_fn(dc_topk_value, s, ga->n, k, node, &count);
        cki_wire_u32(&w, count);
        cki_wire_u32(&w, dir);
        for (uint32_t i = 0; i < count; i++) {
            cki_wire_u32(&w, node[i]);
            cki_wire_f64(&w, dc_score(s, dc_value(s, node[i], (ck_degree_direction_t)dir)));
        }
        *reply_len = w.len;
        break;
    }
    default: return cki_ga_unknown_type(ctx, ga, type_id);
    }
    *reply_type = CKI_GA_REPLY(type_id);
    return CK_OK;
cleanup:
    return status;
}

static void dc_destroy(ck_ctx_t *ctx, void *state)
{
    dc_state_t *s = state;
    if (!s) return;
    cki_ga_free(ctx, &s->ga);
    if (s->deg_in != s->deg_out) cki_free(ctx, s->deg_in);
    if (s->str_in != s->str_out) cki_free(ctx, s->str_in);
    cki_free(ctx, s->deg_out);
    cki_free(ctx, s->str_out);
    cki_free(ctx, s);
}

static ck_status_t dc_create(ck_ctx_t *ctx, const json_t *config, void **state)
{
    cki_ga_config_t c;
    *state = NULL;
    ck_status_t status = cki_ga_config_read(ctx, &c, "graph/degree-centrality", config, NULL);
    if (status) return status;
    dc_state_t *s = cki_calloc(ctx, 1, sizeof *s);
    if (!s) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(cki_ga_init(ctx, &s->ga, &c, dc_step));
    s->ga.kernel_id = "graph/degree-centrality";
    const char *dir = json_string_value(json_object_get(c.input, "direction"));
    s->direction = strcmp(dir, "in") == 0 ? CK_DEGREE_IN : strcmp(dir, "out") == 0 ? CK_DEGREE_OUT : CK_DEGREE_TOTAL;
    s->normalized = json_is_true(json_object_get(c.input, "normalized"));
    s->weighted = json_is_true(json_object_get(c.input, "weighted"));
    CK_TRY(dir_check(ctx, s, s->direction, "direction"));
    const size_t mn = s->ga.max_nodes ? s->ga.max_nodes : 1;
    const ck_graph_t *g = c.g;
    s->deg_out = cki_calloc(ctx, mn, sizeof *s->deg_out);
    s->deg_in = g->directed ? cki_calloc(ctx, mn, sizeof *s->deg_in) : s->deg_out;
    if (s->weighted) {
        s->str_out = cki_calloc(ctx, mn, sizeof *s->str_out);
        s->str_in = g->directed ? cki_calloc(ctx, mn, sizeof *s->str_in) : s->str_out;
    }
    if (!s->deg_out || !s->deg_in || (s->weighted && (!s->str_out || !s->str_in))) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    /* The batch kernel's counts; strengths summed over each row in ascending order as it does. */
    for (uint32_t u = 0; u < g->n; u++) {
        s->deg_out[u] = cki_graph_out_degree(g, u);
        if (g->directed) s->deg_in[u] = cki_graph_in_degree(g, u);
        if (!s->weighted) continue;
        double so = 0, si = 0;
        for (int64_t k = g->out_off[u]; k < g->out_off[u + 1]; k++) so += g->out_w[k];
        for (int64_t k = g->in_off[u]; k < g->in_off[u + 1]; k++) si += g->in_w[k];
        s->str_out[u].hi = so;
        if (g->directed) s->str_in[u].hi = si;
    }
    *state = s;
    s = NULL;
cleanup:
    dc_destroy(ctx, s);
    cki_ga_config_free(&c);
    return status;
}

static json_t *counts_new(const dc_state_t *s, bool in)
{
    json_t *arr = json_array();
    for (uint32_t u = 0; arr && u < s->ga.n; u++) {
        double x = in ? dc_in(s, u) : dc_out(s, u);
        json_t *v = s->weighted ? json_real(x) : json_integer((json_int_t)x);
        if (json_array_append_new(arr, v)) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static ck_status_t dc_snapshot(ck_ctx_t *ctx, const void *state, json_t **out)
{
    const dc_state_t *s = state;
    json_t *o = json_object(), *scores = json_array();
    ck_status_t status;
    if (!o || !scores) {
        json_decref(o);
        json_decref(scores);
        return cki_nomem(ctx);
    }
    CK_TRY(cki_json_set(ctx, o, "scores", scores));
    for (uint32_t u = 0; u < s->ga.n; u++)
        if (json_array_append_new(scores, json_real(dc_score(s, dc_value(s, u, s->direction))))) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
    CK_TRY(cki_ga_snapshot_common(ctx, &s->ga, o));
    CK_TRY(cki_json_set(ctx, o, "in_degree", counts_new(s, true)));
    CK_TRY(cki_json_set(ctx, o, "out_degree", counts_new(s, false)));
    *out = o;
    return CK_OK;
cleanup:
    json_decref(o);
    return status;
}

/* ---------------------------------------------------------------- types and class */

static const cki_gf_t query_reply_fields[] = {
    {.name = "in", .kind = CKI_GF_F64, .off = 0},
    {.name = "out", .kind = CKI_GF_F64, .off = 8},
    {.name = "total", .kind = CKI_GF_F64, .off = 16},
    {.name = "score", .kind = CKI_GF_F64, .off = 24},
};
static const cki_layout_t query_reply_layout = {query_reply_fields, 4, 32, 0, false};

#define DIRECTIONS "total|in|out"
static const cki_gf_t topk_fields[] = {
    {.name = "k", .kind = CKI_GF_U32, .off = 0},
    {.name = "direction", .kind = CKI_GF_ENUM32, .off = 4, .choices = DIRECTIONS, .optional = true, .def = 0},
};
static const cki_layout_t topk_layout = {topk_fields, 2, 8, 0, false};
static const cki_gf_t topk_reply_fields[] = {
    {.name = "direction", .kind = CKI_GF_ENUM32, .off = 4, .choices = DIRECTIONS},
};
static const cki_layout_t topk_reply_layout = {topk_reply_fields, 1, CKI_GA_TOPK_HEADER, 0, true};

static const cki_gf_t update_reply_fields[] = {
    {.name = "edges", .kind = CKI_GF_U64, .off = 0},
    {.name = "nodes", .kind = CKI_GF_U32, .off = 8},
    {.name = "created", .kind = CKI_GF_FLAG, .off = 12, .bit = CKI_GA_F_CREATED},
    {.name = "self_loop", .kind = CKI_GF_FLAG, .off = 12, .bit = CKI_GA_F_SELF_LOOP},
    {.name = "weight", .kind = CKI_GF_F64, .off = 16},
};
static const cki_layout_t update_reply_layout = {update_reply_fields, 5, CKI_GA_UPDATE_REPLY_SIZE, 0, false};

CKI_GA_CODECS(add_edge, cki_ga_add_edge_layout)
CKI_GA_CODECS(remove_edge, cki_ga_remove_edge_layout)
CKI_GA_CODECS(query, cki_ga_node_layout)
CKI_GA_CODECS(topk, topk_layout)
CKI_GA_CODECS(update_reply, update_reply_layout)
CKI_GA_CODECS(query_reply, query_reply_layout)
CKI_GA_CODECS(topk_reply, topk_reply_layout)

static const ck_msg_type_t dc_types[] = {
    {CKI_DC_ADD_EDGE, "add_edge", CKI_GA_REPLY(CKI_DC_ADD_EDGE), add_edge_from_json, add_edge_to_json},
    {CKI_DC_REMOVE_EDGE, "remove_edge", CKI_GA_REPLY(CKI_DC_REMOVE_EDGE), remove_edge_from_json, remove_edge_to_json},
    {CKI_DC_QUERY, "query", CKI_GA_REPLY(CKI_DC_QUERY), query_from_json, query_to_json},
    {CKI_DC_TOPK, "topk", CKI_GA_REPLY(CKI_DC_TOPK), topk_from_json, topk_to_json},
    {CKI_GA_REPLY(CKI_DC_ADD_EDGE), "add_edge_reply", 0, update_reply_from_json, update_reply_to_json},
    {CKI_GA_REPLY(CKI_DC_REMOVE_EDGE), "remove_edge_reply", 0, update_reply_from_json, update_reply_to_json},
    {CKI_GA_REPLY(CKI_DC_QUERY), "query_reply", 0, query_reply_from_json, query_reply_to_json},
    {CKI_GA_REPLY(CKI_DC_TOPK), "topk_reply", 0, topk_reply_from_json, topk_reply_to_json},
};

const ck_actor_class_t cki_graph_degree_actor_class = {
    .kernel_id = "graph/degree-centrality",
    .create = dc_create,
    .destroy = dc_destroy,
    .handle = cki_ga_handle,
    .snapshot = dc_snapshot,
    .types = dc_types,
    .n_types = sizeof dc_types / sizeof dc_types[0],
};
