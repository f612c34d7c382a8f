/* graph/degree-ratio as a ring actor (directed graphs): in/out degree (or strength) per node and
 * the role counts, updated in O(1) per ADD_EDGE / REMOVE_EDGE through the batch kernel's per-node
 * role function (cki_degree_ratio_role). */
#include <math.h>
#include <string.h>

#include "actors_internal.h"
#include "topology_internal.h"
#include "wire.h"

typedef struct dr_state {
    cki_ga_t ga;
    bool use_weights;
    double lo, hi;              /* source_threshold, sink_threshold */
    int64_t *cin, *cout;        /* [max_nodes] degrees */
    cki_ksum_t *sin, *sout;     /* [max_nodes] strengths (use_weights) */
    uint8_t *role;              /* [max_nodes] ck_flow_role_t (0 = isolated) */
    int64_t counts[4];          /* by ck_flow_role_t, over nodes 0..n-1 */
} dr_state_t;

static double dr_in(const dr_state_t *s, uint32_t u)
{
    return s->use_weights ? cki_ksum_value(&s->sin[u]) : (double)s->cin[u];
}
static double dr_out(const dr_state_t *s, uint32_t u)
{
    return s->use_weights ? cki_ksum_value(&s->sout[u]) : (double)s->cout[u];
}

static ck_flow_role_t dr_role(const dr_state_t *s, uint32_t u, double *share, double *ratio, double *pass)
{
    return cki_degree_ratio_role(dr_in(s, u), dr_out(s, u), s->lo, s->hi, share, ratio, pass);
}

/* Recompute u's role and move it between the counts. */
static void dr_touch(dr_state_t *s, uint32_t u)
{
    ck_flow_role_t r = dr_role(s, u, NULL, NULL, NULL);
    s->counts[s->role[u]]--;
    s->counts[r]++;
    s->role[u] = (uint8_t)r;
}

static ck_status_t dr_step(ck_ctx_t *ctx, cki_ga_t *ga, uint32_t type_id, const void *payload, size_t len, void *out,
                           size_t cap, uint32_t *reply_type, size_t *reply_len)
{
    dr_state_t *s = (dr_state_t *)ga;
    ck_status_t status;
    cki_wire_t w = cki_wire_writer(out, cap);
    size_t need = type_id == CKI_DR_ADD_EDGE || type_id == CKI_DR_REMOVE_EDGE ? CKI_GA_UPDATE_REPLY_SIZE
                  : type_id == CKI_DR_QUERY                                   ? 44
                                                                              : 32;
    if (need > cap)
        return cki_invalid(ctx, "slot_size", "the reply needs %zu payload bytes, the runtime's messages carry %zu", need,
                           cap);
    switch (type_id) {
    case CKI_DR_ADD_EDGE:
    case CKI_DR_REMOVE_EDGE: {
        cki_ga_event_t ev;
        bool add = type_id == CKI_DR_ADD_EDGE;
        status = add ? cki_ga_add(ctx, ga, payload, len, &ev) : cki_ga_remove(ctx, ga, payload, len, &ev);
        if (status) return status;
        s->counts[CK_FLOW_ISOLATED] += ga->n - ev.old_n; /* new nodes start isolated */
        if (!ev.self_loop) {
            const uint32_t u = ev.u, v = ev.v;
            if (!add || ev.created) {
                int d = add ? 1 : -1;
                s->cout[u] += d;
                s->cin[v] += d;
            }
            if (s->use_weights) {
                cki_ksum_add(&s->sout[u], add ? ev.w : -ev.w); /* REMOVE subtracts the stored weight */
                cki_ksum_add(&s->sin[v], add ? ev.w : -ev.w);
                if (s->cout[u] == 0) s->sout[u] = (cki_ksum_t){0, 0};
                if (s->cin[v] == 0) s->sin[v] = (cki_ksum_t){0, 0};
            }
            dr_touch(s, u);
            dr_touch(s, v);
        }
        if ((status = cki_ga_update_reply(ctx, ga, &ev, 0, out, cap, reply_len))) return status;
        break;
    }
    case CKI_DR_QUERY: {
        if ((status = cki_ga_expect_len(ctx, "QUERY", len, CKI_GA_NODE_SIZE))) return status;
        uint32_t node = cki_wire_get_u32(payload, 0);
        if ((status = cki_ga_node(ctx, ga, "node", node))) return status;
        double share, ratio, pass;
        ck_flow_role_t r = dr_role(s, node, &share, &ratio, &pass);
        cki_wire_f64(&w, dr_in(s, node));
        cki_wire_f64(&w, dr_out(s, node));
        cki_wire_f64(&w, share);
        cki_wire_f64(&w, ratio);
        cki_wire_f64(&w, pass);
        cki_wire_u32(&w, (uint32_t)r);
        *reply_len = w.len;
        break;
    }
    case CKI_DR_ROLE_COUNTS:
        if ((status = cki_ga_expect_len(ctx, "ROLE_COUNTS", len, 0))) return status;
        cki_wire_i64(&w, s->counts[CK_FLOW_SOURCE]);
        cki_wire_i64(&w, s->counts[CK_FLOW_SINK]);
        cki_wire_i64(&w, s->counts[CK_FLOW_BALANCED]);
        cki_wire_i64(&w, s->counts[CK_FLOW_ISOLATED]);
        *reply_len = w.len;
        break;
    default: return cki_ga_unknown_type(ctx, ga, type_id);
    }
    *reply_type = CKI_GA_REPLY(type_id);
    return CK_OK;
}

static void dr_destroy(ck_ctx_t *ctx, void *state)
{
    dr_state_t *s = state;
    if (!s) return;
    cki_ga_free(ctx, &s->ga);
    cki_free(ctx, s->cin);
    cki_free(ctx, s->cout);
    cki_free(ctx, s->sin);
    cki_free(ctx, s->sout);
    cki_free(ctx, s->role);
    cki_free(ctx, s);
}

static ck_status_t dr_create(ck_ctx_t *ctx, const json_t *config, void **state)
{
    cki_ga_config_t c;
    *state = NULL;
    ck_status_t status = cki_ga_config_read(ctx, &c, "graph/degree-ratio", config, NULL);
    if (status) return status;
    dr_state_t *s = cki_calloc(ctx, 1, sizeof *s);
    if (!s) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    const ck_graph_t *g = c.g;
    s->use_weights = json_is_true(json_object_get(c.input, "use_weights"));
    s->lo = json_number_value(json_object_get(c.input, "source_threshold"));
    s->hi = json_number_value(json_object_get(c.input, "sink_threshold"));
    /* The batch kernel's checks and messages. */
    if (!g->directed) {
        status = cki_invalid(ctx, "graph.directed", "degree-ratio needs a directed graph (in = out on an undirected one)");
        goto cleanup;
    }
    if (!(s->lo >= 0 && s->lo <= 1)) {
        status = cki_invalid(ctx, "source_threshold", "%g is out of range [0, 1]", s->lo);
        goto cleanup;
    }
    if (!(s->hi >= 0 && s->hi <= 1)) {
        status = cki_invalid(ctx, "sink_threshold", "%g is out of range [0, 1]", s->hi);
        goto cleanup;
    }
    if (!(s->lo < s->hi)) {
        status = cki_invalid(ctx, "sink_threshold", "%g must be greater than source_threshold (%g)", s->hi, s->lo);
        goto cleanup;
    }
    CK_TRY(cki_ga_init(ctx, &s->ga, &c, dr_step));
    s->ga.kernel_id = "graph/degree-ratio";
    const size_t mn = s->ga.max_nodes ? s->ga.max_nodes : 1;
    s->cin = cki_calloc(ctx, mn, sizeof *s->cin);
    s->cout = cki_calloc(ctx, mn, sizeof *s->cout);
    s->role = cki_calloc(ctx, mn, sizeof *s->role);
    if (s->use_weights) {
        s->sin = cki_calloc(ctx, mn, sizeof *s->sin);
        s->sout = cki_calloc(ctx, mn, sizeof *s->sout);
    }
    if (!s->cin || !s->cout || !s->role || (s->use_weights && (!s->sin || !s->sout))) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    /* As the batch kernel: degrees from the CSR/CSC, strengths summed over rows in order. */
    s->counts[CK_FLOW_ISOLATED] = g->n;
    for (uint32_t u = 0; u < g->n; u++) {
        s->cout[u] = cki_graph_out_degree(g, u);
        s->cin[u] = cki_graph_in_degree(g, u);
        if (s->use_weights) {
            double si = 0, so = 0;
            for (int64_t k = g->in_off[u]; k < g->in_off[u + 1]; k++) si += g->in_w[k];
            for (int64_t k = g->out_off[u]; k < g->out_off[u + 1]; k++) so += g->out_w[k];
            s->sin[u].hi = si;
            s->sout[u].hi = so;
        }
        dr_touch(s, u);
    }
    *state = s;
    s = NULL;
cleanup:
    dr_destroy(ctx, s);
    cki_ga_config_free(&c);
    return status;
}

static ck_status_t dr_snapshot(ck_ctx_t *ctx, const void *state, json_t **out)
{
    const dr_state_t *s = state;
    json_t *o = json_object();
    ck_status_t status;
    if (!o) return cki_nomem(ctx);
    static const char *const arrays[] = {"in", "out", "share", "ratio", "pass_through", "role"};
    json_t *a[6];
    for (int i = 0; i < 6; i++) {
        CK_TRY(cki_json_set(ctx, o, arrays[i], json_array()));
        a[i] = json_object_get(o, arrays[i]);
    }
    for (uint32_t u = 0; u < s->ga.n; u++) {
        double share, ratio, pass, in = dr_in(s, u), outv = dr_out(s, u);
        ck_flow_role_t r = dr_role(s, u, &share, &ratio, &pass);
        json_t *v[6] = {s->use_weights ? json_real(in) : json_integer((json_int_t)in),
                        s->use_weights ? json_real(outv) : json_integer((json_int_t)outv), cki_json_real_new(share),
                        cki_json_real_new(ratio), cki_json_real_new(pass), json_string(ck_flow_role_name(r))};
        for (int i = 0; i < 6; i++)
            if (json_array_append_new(a[i], v[i])) {
                for (int j = i + 1; j < 6; j++) json_decref(v[j]);
                status = cki_nomem(ctx);
                goto cleanup;
            }
    }
    json_t *rc = json_pack("{sIsIsIsI}", "source", (json_int_t)s->counts[CK_FLOW_SOURCE], "sink",
                           (json_int_t)s->counts[CK_FLOW_SINK], "balanced", (json_int_t)s->counts[CK_FLOW_BALANCED],
                           "isolated", (json_int_t)s->counts[CK_FLOW_ISOLATED]);
    CK_TRY(cki_json_set(ctx, o, "role_counts", rc));
    CK_TRY(cki_ga_snapshot_common(ctx, &s->ga, o));
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
    {.name = "weight", .kind = CKI_GF_F64, .off = 16},
};
static const cki_layout_t update_reply_layout = {update_reply_fields, 5, CKI_GA_UPDATE_REPLY_SIZE, 0, false};

static const cki_gf_t query_reply_fields[] = {
    {.name = "in", .kind = CKI_GF_F64, .off = 0},
    {.name = "out", .kind = CKI_GF_F64, .off = 8},
    {.name = "share", .kind = CKI_GF_F64, .off = 16},
    {.name = "ratio", .kind = CKI_GF_F64, .off = 24},
    {.name = "pass_through", .kind = CKI_GF_F64, .off = 32},
    {.name = "role", .kind = CKI_GF_ENUM32, .off = 40, .choices = "isolated|source|sink|balanced"},
};
static const cki_layout_t query_reply_layout = {query_reply_fields, 6, 44, 0, false};

static const cki_gf_t counts_reply_fields[] = {
    {.name = "source", .kind = CKI_GF_I64, .off = 0},
    {.name = "sink", .kind = CKI_GF_I64, .off = 8},
    {.name = "balanced", .kind = CKI_GF_I64, .off = 16},
    {.name = "isolated", .kind = CKI_GF_I64, .off = 24},
};
static const cki_layout_t counts_reply_layout = {counts_reply_fields, 4, 32, 0, false};

CKI_GA_CODECS(add_edge, cki_ga_add_edge_layout)
CKI_GA_CODECS(remove_edge, cki_ga_remove_edge_layout)
CKI_GA_CODECS(query, cki_ga_node_layout)
CKI_GA_CODECS(role_counts, cki_ga_empty_layout)
CKI_GA_CODECS(update_reply, update_reply_layout)
CKI_GA_CODECS(query_reply, query_reply_layout)
CKI_GA_CODECS(counts_reply, counts_reply_layout)

static const ck_msg_type_t dr_types[] = {
    {CKI_DR_ADD_EDGE, "add_edge", CKI_GA_REPLY(CKI_DR_ADD_EDGE), add_edge_from_json, add_edge_to_json},
    {CKI_DR_REMOVE_EDGE, "remove_edge", CKI_GA_REPLY(CKI_DR_REMOVE_EDGE), remove_edge_from_json, remove_edge_to_json},
    {CKI_DR_QUERY, "query", CKI_GA_REPLY(CKI_DR_QUERY), query_from_json, query_to_json},
    {CKI_DR_ROLE_COUNTS, "role_counts", CKI_GA_REPLY(CKI_DR_ROLE_COUNTS), role_counts_from_json, role_counts_to_json},
    {CKI_GA_REPLY(CKI_DR_ADD_EDGE), "add_edge_reply", 0, update_reply_from_json, update_reply_to_json},
    {CKI_GA_REPLY(CKI_DR_REMOVE_EDGE), "remove_edge_reply", 0, update_reply_from_json, update_reply_to_json},
    {CKI_GA_REPLY(CKI_DR_QUERY), "query_reply", 0, query_reply_from_json, query_reply_to_json},
    {CKI_GA_REPLY(CKI_DR_ROLE_COUNTS), "role_counts_reply", 0, counts_reply_from_json, counts_reply_to_json},
};

const ck_actor_class_t cki_graph_degree_ratio_actor_class = {
    .kernel_id = "graph/degree-ratio",
    .create = dr_create,
    .destroy = dr_destroy,
    .handle = cki_ga_handle,
    .snapshot = dr_snapshot,
    .types = dr_types,
    .n_types = sizeof dr_types / sizeof dr_types[0],
};
