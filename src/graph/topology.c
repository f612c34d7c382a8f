/* graph/... kernels: topology roles — graph/degree-ratio and graph/star-topology. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "graph_internal.h"
#include "motifs_internal.h" /* the triangle pass star-topology reuses */
#include "topology_internal.h"

#define N_(arr) (sizeof(arr) / sizeof((arr)[0]))

/* Nodes handed out per OpenMP chunk; thread 0 polls for cancellation/progress once per chunk. */
#define CHUNK 256

static ck_status_t check_graph(ck_ctx_t *ctx, const ck_graph_t *g)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!g) return cki_invalid(ctx, "graph", "must not be NULL");
    return CK_OK;
}

/* ---------------------------------------------------------------- graph/degree-ratio */

const char *ck_flow_role_name(ck_flow_role_t role)
{
    switch (role) {
    case CK_FLOW_ISOLATED: return "isolated";
    case CK_FLOW_SOURCE: return "source";
    case CK_FLOW_SINK: return "sink";
    case CK_FLOW_BALANCED: return "balanced";
    }
    return "unknown";
}

void ck_degree_ratio_options_init(ck_degree_ratio_options_t *opt)
{
    if (!opt) return;
    opt->use_weights = false;
    opt->source_threshold = 0.2;
    opt->sink_threshold = 0.8;
}

static double row_sum(const double *w, int64_t lo, int64_t hi)
{
    double s = 0;
    for (int64_t i = lo; i < hi; i++) s += w[i];
    return s;
}

ck_status_t ck_degree_ratio(ck_ctx_t *ctx, double *in, double *out, double *share, double *ratio,
                            double *pass_through, ck_flow_role_t *role, ck_role_counts_t *counts, const ck_graph_t *g,
                            const ck_degree_ratio_options_t *opt)
{
    ck_status_t status = check_graph(ctx, g);
    if (status) return status;
    ck_degree_ratio_options_t o;
    if (opt) o = *opt;
    else ck_degree_ratio_options_init(&o);
    if (!g->directed)
        return cki_invalid(ctx, "graph.directed", "degree-ratio needs a directed graph (in = out on an undirected one)");
    if (!(o.source_threshold >= 0 && o.source_threshold <= 1))
        return cki_invalid(ctx, "source_threshold", "%g is out of range [0, 1]", o.source_threshold);
    if (!(o.sink_threshold >= 0 && o.sink_threshold <= 1))
        return cki_invalid(ctx, "sink_threshold", "%g is out of range [0, 1]", o.sink_threshold);
    if (!(o.source_threshold < o.sink_threshold))
        return cki_invalid(ctx, "sink_threshold", "%g must be greater than source_threshold (%g)", o.sink_threshold,
                           o.source_threshold);

    const int64_t n = g->n;
    const bool weights = o.use_weights;
    const double lo = o.source_threshold, hi = o.sink_threshold;
    int64_t c_src = 0, c_sink = 0, c_bal = 0, c_iso = 0;
#ifdef _OPENMP
#pragma omp parallel for num_threads(cki_threads(ctx)) schedule(dynamic, CHUNK) \
    reduction(+ : c_src, c_sink, c_bal, c_iso)
#endif
    for (int64_t u = 0; u < n; u++) {
#ifdef _OPENMP
        if (u % CHUNK == 0 && omp_get_thread_num() == 0) (void)cki_poll(ctx, (double)u / (double)n);
#else
        if (u % CHUNK == 0) (void)cki_poll(ctx, (double)u / (double)n);
#endif
        if (ck_ctx_cancelled(ctx)) continue;
        double di, dout;
        if (weights) {
            di = row_sum(g->in_w, g->in_off[u], g->in_off[u + 1]);
            dout = row_sum(g->out_w, g->out_off[u], g->out_off[u + 1]);
        } else {
            di = (double)(g->in_off[u + 1] - g->in_off[u]);
            dout = (double)(g->out_off[u + 1] - g->out_off[u]);
        }
        ck_flow_role_t r = cki_degree_ratio_role(di, dout, lo, hi, share ? &share[u] : NULL, ratio ? &ratio[u] : NULL,
                                                 pass_through ? &pass_through[u] : NULL);
        if (in) in[u] = di;
        if (out) out[u] = dout;
        if (role) role[u] = r;
        c_src += r == CK_FLOW_SOURCE;
        c_sink += r == CK_FLOW_SINK;
        c_bal += r == CK_FLOW_BALANCED;
        c_iso += r == CK_FLOW_ISOLATED;
    }
    status = cki_poll(ctx, 1.0);
    if (status) return status;
    if (counts) {
        counts->source = c_src;
        counts->sink = c_sink;
        counts->balanced = c_bal;
        counts->isolated = c_iso;
    }
    return CK_OK;
}

/* ---------------------------------------------------------------- graph/star-topology */

const char *ck_star_type_name(ck_star_type_t type)
{
    switch (type) {
    case CK_STAR_NONE: return "none";
    case CK_STAR_UNDIRECTED: return "undirected";
    case CK_STAR_IN: return "in_star";
    case CK_STAR_OUT: return "out_star";
    case CK_STAR_MIXED: return "mixed";
    }
    return "unknown";
}

void ck_star_topology_options_init(ck_star_topology_options_t *opt)
{
    if (!opt) return;
    opt->min_degree = 3;
    opt->min_score = 0.9;
    opt->top_k = 100;
}

typedef struct hub_key {
    int64_t spokes;
    double score;
    uint32_t node;
} hub_key_t;

/* Spokes descending, star_score descending, node ascending: a total order, so qsort's result is
 * unique. */
static int cmp_hub(const void *a, const void *b)
{
    const hub_key_t *x = a, *y = b;
    if (x->spokes != y->spokes) return x->spokes > y->spokes ? -1 : 1;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return (x->node > y->node) - (x->node < y->node);
}

/* Spokes of u (a node of the skeleton s) whose only neighbour is u. */
static int64_t leaf_count(const cki_skel_t *s, uint32_t u)
{
    int64_t leaves = 0;
    for (int64_t i = s->off[u]; i < s->off[u + 1]; i++) {
        const uint32_t v = s->adj[i];
        leaves += s->off[v + 1] - s->off[v] == 1;
    }
    return leaves;
}

/* The star type of u (at least one spoke) from the arcs at u in g. */
static ck_star_type_t star_type(const ck_graph_t *g, uint32_t u)
{
    if (!g->directed) return CK_STAR_UNDIRECTED;
    const double ai = (double)cki_graph_in_degree(g, u), ao = (double)cki_graph_out_degree(g, u);
    const double in_share = ai / (ai + ao);
    return in_share >= 0.9 ? CK_STAR_IN : in_share <= 0.1 ? CK_STAR_OUT : CK_STAR_MIXED;
}

ck_status_t ck_star_topology(ck_ctx_t *ctx, ck_idx_t *spokes, double *star_score, double *leaf_fraction,
                             ck_star_type_t *type, ck_star_hub_t *hubs, ck_idx_t *n_hubs, const ck_graph_t *g,
                             const ck_star_topology_options_t *opt)
{
    ck_status_t status = check_graph(ctx, g);
    if (status) return status;
    ck_star_topology_options_t o;
    if (opt) o = *opt;
    else ck_star_topology_options_init(&o);
    if (o.min_degree < 1) return cki_invalid(ctx, "min_degree", "%lld is out of range [1, inf)", (long long)o.min_degree);
    if (!(o.min_score >= 0 && o.min_score <= 1))
        return cki_invalid(ctx, "min_score", "%g is out of range [0, 1]", o.min_score);
    if (o.top_k < 0) return cki_invalid(ctx, "top_k", "%lld is out of range [0, inf)", (long long)o.top_k);

    const int64_t n = g->n;
    cki_skel_t s;
    memset(&s, 0, sizeof s);
    int64_t *tri = NULL;
    double *score_tmp = NULL;
    hub_key_t *keys = NULL;
    if (n_hubs) *n_hubs = 0;
    /* The skeleton: a view of g when undirected, else a merged copy. */
    CK_TRY(cki_motif_skel_init(ctx, &s, g, false));
    /* The hub list needs the scores even when the caller does not want them. */
    double *score = star_score;
    if (!score && (hubs || n_hubs)) {
        score = score_tmp = cki_mallocarray(ctx, (size_t)n, sizeof *score);
        if (!score) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
    }
    if (score) {
        /* Edges among the spokes = triangles at u: the triangle-counting kernel's pass (its
         * entry point, which also serves its ring actor and CUDA fallback: degree-ordered
         * orientation, O(m^1.5), exact integers whatever the thread count). */
        tri = cki_mallocarray(ctx, (size_t)n, sizeof *tri);
        if (!tri) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        CK_TRY(cki_tri_count(ctx, tri, NULL, NULL, g));
    }
    const int64_t min_deg = o.min_degree;
#ifdef _OPENMP
#pragma omp parallel for num_threads(cki_threads(ctx)) schedule(dynamic, CHUNK)
#endif
    for (int64_t u = 0; u < n; u++) {
#ifdef _OPENMP
        if (u % CHUNK == 0 && omp_get_thread_num() == 0) (void)cki_poll(ctx, (double)u / (double)n);
#else
        if (u % CHUNK == 0) (void)cki_poll(ctx, (double)u / (double)n);
#endif
        if (ck_ctx_cancelled(ctx)) continue;
        const int64_t k = s.off[u + 1] - s.off[u];
        if (spokes) spokes[u] = k;
        if (k < min_deg) {
            if (score) score[u] = 0;
            if (leaf_fraction) leaf_fraction[u] = 0;
            if (type) type[u] = CK_STAR_NONE;
            continue;
        }
        if (leaf_fraction) leaf_fraction[u] = (double)leaf_count(&s, (uint32_t)u) / (double)k;
        /* As networkx: 1 - 2E / (k (k - 1)) with exact integers; no pair of spokes (k = 1):
         * clustering 0, score 1. */
        if (score) score[u] = k < 2 ? 1.0 : 1.0 - (double)(2 * tri[u]) / (double)(k * (k - 1));
        if (type) type[u] = star_type(g, (uint32_t)u);
    }
    CK_TRY(cki_poll(ctx, 1.0));

    if (hubs || n_hubs) {
        int64_t count = 0;
        for (int64_t u = 0; u < n; u++) count += s.off[u + 1] - s.off[u] >= min_deg && score[u] >= o.min_score;
        keys = cki_mallocarray(ctx, (size_t)count, sizeof *keys);
        if (!keys) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        int64_t j = 0;
        for (int64_t u = 0; u < n; u++) {
            const int64_t k = s.off[u + 1] - s.off[u];
            if (k >= min_deg && score[u] >= o.min_score) keys[j++] = (hub_key_t){k, score[u], (uint32_t)u};
        }
        qsort(keys, (size_t)count, sizeof *keys, cmp_hub);
        if (o.top_k > 0 && count > o.top_k) count = o.top_k;
        for (int64_t i = 0; hubs && i < count; i++) {
            const uint32_t u = keys[i].node;
            hubs[i] = (ck_star_hub_t){.node = u,
                                      .spokes = keys[i].spokes,
                                      .star_score = keys[i].score,
                                      .leaf_fraction = (double)leaf_count(&s, u) / (double)keys[i].spokes,
                                      .type = star_type(g, u)};
        }
        if (n_hubs) *n_hubs = count;
    }
cleanup:
    cki_free(ctx, keys);
    cki_free(ctx, tri);
    cki_free(ctx, score_tmp);
    cki_motif_skel_free(ctx, &s);
    return status;
}

/* ---------------------------------------------------------------- JSON */

static json_t *roles_new(const ck_flow_role_t *x, ck_idx_t n)
{
    json_t *arr = json_array();
    for (ck_idx_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_string(ck_flow_role_name(x[i])))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

static json_t *types_new(const ck_star_type_t *x, ck_idx_t n)
{
    json_t *arr = json_array();
    for (ck_idx_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_string(ck_star_type_name(x[i])))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

/* Degrees as integers, strengths as reals. */
static json_t *degrees_new(const double *x, ck_idx_t n, bool integers)
{
    if (!integers) return cki_json_reals_new(x, n);
    json_t *arr = json_array();
    for (ck_idx_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_integer((json_int_t)x[i]))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

static const ck_param_t degree_ratio_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "false",
     .doc = "false: in/out-degree; true: in/out-strength (weights as money in / money out)"},
    {.name = "source_threshold", .type = CK_PT_REAL, .default_json = "0.2", .has_min = true, .min = 0, .has_max = true,
     .max = 1, .doc = "share <= source_threshold is a source; must be < sink_threshold"},
    {.name = "sink_threshold", .type = CK_PT_REAL, .default_json = "0.8", .has_min = true, .min = 0, .has_max = true,
     .max = 1, .doc = "share >= sink_threshold is a sink"},
};
static const ck_param_t degree_ratio_outputs[] = {
    {.name = "in", .type = CK_PT_REAL_ARRAY, .doc = "in-degree (integers) or in-strength per node"},
    {.name = "out", .type = CK_PT_REAL_ARRAY, .doc = "out-degree (integers) or out-strength per node"},
    {.name = "share", .type = CK_PT_REAL_ARRAY, .doc = "in/(in+out); null when in+out = 0"},
    {.name = "ratio", .type = CK_PT_REAL_ARRAY, .doc = "in/out; null when out = 0"},
    {.name = "pass_through", .type = CK_PT_REAL_ARRAY, .doc = "2 min(in,out)/(in+out); null when in+out = 0"},
    {.name = "role", .type = CK_PT_ARRAY, .doc = "\"source\", \"sink\", \"balanced\" or \"isolated\" per node"},
    {.name = "role_counts", .type = CK_PT_OBJECT, .doc = "{source, sink, balanced, isolated}"},
};

static ck_status_t degree_ratio_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                                     ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    double *din = NULL, *dout = NULL, *share = NULL, *ratio = NULL, *pt = NULL;
    ck_flow_role_t *role = NULL;
    json_t *counts = NULL;
    ck_status_t status;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    ck_degree_ratio_options_t o;
    ck_degree_ratio_options_init(&o);
    o.use_weights = json_is_true(json_object_get(in, "use_weights"));
    o.source_threshold = json_number_value(json_object_get(in, "source_threshold"));
    o.sink_threshold = json_number_value(json_object_get(in, "sink_threshold"));
    const ck_idx_t n = g->n;
    din = cki_mallocarray(ctx, (size_t)n, sizeof *din);
    dout = cki_mallocarray(ctx, (size_t)n, sizeof *dout);
    share = cki_mallocarray(ctx, (size_t)n, sizeof *share);
    ratio = cki_mallocarray(ctx, (size_t)n, sizeof *ratio);
    pt = cki_mallocarray(ctx, (size_t)n, sizeof *pt);
    role = cki_mallocarray(ctx, (size_t)n, sizeof *role);
    if (!din || !dout || !share || !ratio || !pt || !role) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    ck_role_counts_t rc;
    CK_TRY(ck_degree_ratio(ctx, din, dout, share, ratio, pt, role, &rc, g, &o));
    info->threads_used = cki_threads(ctx);
    CK_TRY(cki_json_set(ctx, out, "in", degrees_new(din, n, !o.use_weights)));
    CK_TRY(cki_json_set(ctx, out, "out", degrees_new(dout, n, !o.use_weights)));
    CK_TRY(cki_json_set(ctx, out, "share", cki_json_reals_new(share, n)));
    CK_TRY(cki_json_set(ctx, out, "ratio", cki_json_reals_new(ratio, n)));
    CK_TRY(cki_json_set(ctx, out, "pass_through", cki_json_reals_new(pt, n)));
    CK_TRY(cki_json_set(ctx, out, "role", roles_new(role, n)));
    counts = json_pack("{sIsIsIsI}", "source", (json_int_t)rc.source, "sink", (json_int_t)rc.sink, "balanced",
                       (json_int_t)rc.balanced, "isolated", (json_int_t)rc.isolated);
    CK_TRY(cki_json_set(ctx, out, "role_counts", counts));
cleanup:
    cki_free(ctx, din);
    cki_free(ctx, dout);
    cki_free(ctx, share);
    cki_free(ctx, ratio);
    cki_free(ctx, pt);
    cki_free(ctx, role);
    ck_graph_destroy(&owned);
    return status;
}

static const ck_param_t star_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "min_degree", .type = CK_PT_INT, .default_json = "3", .has_min = true, .min = 1,
     .doc = "nodes with fewer spokes (distinct counterparties) score 0, get type \"none\" and are never hubs"},
    {.name = "min_score", .type = CK_PT_REAL, .default_json = "0.9", .has_min = true, .min = 0, .has_max = true,
     .max = 1, .doc = "hubs have star_score >= min_score"},
    {.name = "top_k", .type = CK_PT_INT, .default_json = "100", .has_min = true, .min = 0,
     .doc = "the hub list keeps the first top_k (0 = no limit)"},
};
static const ck_param_t star_outputs[] = {
    {.name = "spokes", .type = CK_PT_INT_ARRAY, .doc = "distinct counterparties per node (undirected skeleton degree)"},
    {.name = "star_score", .type = CK_PT_REAL_ARRAY, .doc = "1 - local clustering on the skeleton (0 below min_degree)"},
    {.name = "leaf_fraction", .type = CK_PT_REAL_ARRAY, .doc = "share of spokes whose only neighbour is the node (0 below min_degree)"},
    {.name = "type", .type = CK_PT_ARRAY, .doc = "\"in_star\", \"out_star\", \"mixed\", \"undirected\" or \"none\" per node"},
    {.name = "hubs", .type = CK_PT_ARRAY,
     .doc = "[[node, spokes, star_score, leaf_fraction, type]] sorted by spokes desc, star_score desc, node"},
};

static ck_status_t star_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out, ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    ck_idx_t *spokes = NULL;
    double *score = NULL, *leaf = NULL;
    ck_star_type_t *type = NULL;
    ck_star_hub_t *hubs = NULL;
    json_t *jh = NULL;
    ck_status_t status;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    ck_star_topology_options_t o;
    ck_star_topology_options_init(&o);
    o.min_degree = json_integer_value(json_object_get(in, "min_degree"));
    o.min_score = json_number_value(json_object_get(in, "min_score"));
    o.top_k = json_integer_value(json_object_get(in, "top_k"));
    const ck_idx_t n = g->n;
    const ck_idx_t cap = o.top_k > 0 && o.top_k < n ? o.top_k : n;
    spokes = cki_mallocarray(ctx, (size_t)n, sizeof *spokes);
    score = cki_mallocarray(ctx, (size_t)n, sizeof *score);
    leaf = cki_mallocarray(ctx, (size_t)n, sizeof *leaf);
    type = cki_mallocarray(ctx, (size_t)n, sizeof *type);
    hubs = cki_mallocarray(ctx, (size_t)cap, sizeof *hubs);
    if (!spokes || !score || !leaf || !type || !hubs) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    ck_idx_t nh = 0;
    CK_TRY(ck_star_topology(ctx, spokes, score, leaf, type, hubs, &nh, g, &o));
    info->threads_used = cki_threads(ctx);
    CK_TRY(cki_json_set(ctx, out, "spokes", cki_json_int64s_new(spokes, n)));
    CK_TRY(cki_json_set(ctx, out, "star_score", cki_json_reals_new(score, n)));
    CK_TRY(cki_json_set(ctx, out, "leaf_fraction", cki_json_reals_new(leaf, n)));
    CK_TRY(cki_json_set(ctx, out, "type", types_new(type, n)));
    jh = json_array();
    if (!jh) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (ck_idx_t i = 0; i < nh; i++) {
        json_t *row = json_pack("[IIffs]", (json_int_t)hubs[i].node, (json_int_t)hubs[i].spokes, hubs[i].star_score,
                                hubs[i].leaf_fraction, ck_star_type_name(hubs[i].type));
        if (!row || json_array_append_new(jh, row)) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
    }
    status = cki_json_set(ctx, out, "hubs", jh);
    jh = NULL;
cleanup:
    json_decref(jh);
    cki_free(ctx, spokes);
    cki_free(ctx, score);
    cki_free(ctx, leaf);
    cki_free(ctx, type);
    cki_free(ctx, hubs);
    ck_graph_destroy(&owned);
    return status;
}

static const ck_kernel_t topology_kernels[] = {
    {
        .meta = {.id = "graph/degree-ratio",
                 .modes = CK_MODE_BATCH | CK_MODE_RING,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Flow direction roles of a directed graph: in/out share, pass-through, source/sink/balanced",
                 .expected_throughput = 200000000,
                 .target_latency_us = 50.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = degree_ratio_params, .n_params = N_(degree_ratio_params),
        .outputs = degree_ratio_outputs, .n_outputs = N_(degree_ratio_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 5, \"edges\": [[0, 1], [0, 2], [0, 3], [1, 0], [2, 3]], "
                         "\"directed\": true}}",
        .run_json = degree_ratio_json,
    },
    {
        .meta = {.id = "graph/star-topology",
                 .modes = CK_MODE_BATCH,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Hub / star detection (fan-in, fan-out): star score, leaf fraction and type per node",
                 .expected_throughput = 50000000,
                 .target_latency_us = 200.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = star_params, .n_params = N_(star_params),
        .outputs = star_outputs, .n_outputs = N_(star_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 6, \"edges\": [[0, 1], [0, 2], [0, 3], [0, 4], [5, 0]], "
                         "\"directed\": true}, \"min_score\": 0.5}",
        .run_json = star_json,
    },
};

const cki_kernel_table_t cki_graph_topology_table = {topology_kernels, N_(topology_kernels)};
