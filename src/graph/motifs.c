/* graph/... kernels: motifs, cliques and cycles — JSON binders and the family's kernel table.
 * The algorithms are in motifs_tri.c (triangles, triad census), motifs_clique.c (k-clique) and
 * motifs_cycles.c (cycle participation). */
#include <stdio.h>
#include <string.h>

#include "motifs_internal.h"

#define N_(arr) (sizeof(arr) / sizeof((arr)[0]))

/* An exact count as a JSON integer, or, beyond int64 (which JSON libraries cannot hold), as its
 * exact decimal string. */
static json_t *json_u128_new(ck_uint128_t x)
{
    if (x <= (ck_uint128_t)INT64_MAX) return json_integer((json_int_t)x);
    char buf[48], *p = buf + sizeof buf;
    *--p = '\0';
    do {
        *--p = (char)('0' + (int)(x % 10));
        x /= 10;
    } while (x);
    return json_string(p);
}

static json_t *json_u64s_new(const uint64_t *x, ck_idx_t n)
{
    json_t *arr = json_array();
    for (ck_idx_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_u128_new(x[i]))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

/* ---------------------------------------------------------------- graph/triangle-counting */

static const ck_param_t tri_params[] = {CKI_GRAPH_PARAM};
static const ck_param_t tri_outputs[] = {
    {.name = "per_node", .type = CK_PT_INT_ARRAY, .doc = "[n] triangles through each node (undirected skeleton)"},
    {.name = "total", .type = CK_PT_INT, .doc = "number of triangles (sum of per_node / 3)"},
    {.name = "transitivity", .type = CK_PT_REAL, .doc = "3 total / connected triples (0 when there are none)"},
};

static ck_status_t tri_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out, ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    int64_t *per = NULL, total = 0;
    double tr = 0;
    ck_status_t status;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    per = cki_mallocarray(ctx, g->n ? g->n : 1, sizeof *per);
    if (!per) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(ck_triangle_count(ctx, per, &total, &tr, g));
    CK_TRY(cki_json_set(ctx, out, "per_node", cki_json_int64s_new(per, g->n)));
    CK_TRY(cki_json_set(ctx, out, "total", json_integer(total)));
    CK_TRY(cki_json_set(ctx, out, "transitivity", cki_json_real_new(tr)));
cleanup:
    cki_free(ctx, per);
    ck_graph_destroy(&owned);
    return status;
}

/* ---------------------------------------------------------------- graph/motif-detection */

static const ck_param_t census_params[] = {CKI_GRAPH_PARAM};
static const ck_param_t census_outputs[] = {
    {.name = "census", .type = CK_PT_OBJECT,
     .doc = "{\"003\": int, \"012\": ..., \"300\": int}: the 16 MAN triad classes (exact; a count beyond int64 is "
            "given as a decimal string)"},
    {.name = "total_triads", .type = CK_PT_INT, .doc = "C(n, 3)"},
    {.name = "undirected", .type = CK_PT_OBJECT,
     .doc = "undirected input only: {empty, one_edge, open_wedge, triangle} = 003, 102, 201, 300"},
};

static ck_status_t census_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                               ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    ck_triad_census_t c;
    json_t *obj = NULL;
    ck_status_t status;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    CK_TRY(ck_triad_census(ctx, &c, g));
    obj = json_object();
    if (!obj) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (int t = 0; t < CK_TRIAD_COUNT; t++) CK_TRY(cki_json_set(ctx, obj, ck_triad_name((ck_triad_t)t), json_u128_new(c.census[t])));
    status = cki_json_set(ctx, out, "census", obj);
    obj = NULL;
    CK_TRY(status);
    CK_TRY(cki_json_set(ctx, out, "total_triads", json_u128_new(c.total_triads)));
    if (!g->directed) {
        obj = json_object();
        if (!obj) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        CK_TRY(cki_json_set(ctx, obj, "empty", json_u128_new(c.census[CK_TRIAD_003])));
        CK_TRY(cki_json_set(ctx, obj, "one_edge", json_u128_new(c.census[CK_TRIAD_102])));
        CK_TRY(cki_json_set(ctx, obj, "open_wedge", json_u128_new(c.census[CK_TRIAD_201])));
        CK_TRY(cki_json_set(ctx, obj, "triangle", json_u128_new(c.census[CK_TRIAD_300])));
        status = cki_json_set(ctx, out, "undirected", obj);
        obj = NULL;
    }
cleanup:
    json_decref(obj);
    ck_graph_destroy(&owned);
    return status;
}

/* ---------------------------------------------------------------- graph/k-clique */

static const ck_param_t clique_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "k", .type = CK_PT_INT, .default_json = "3", .has_min = true, .min = 2, .has_max = true, .max = 64,
     .doc = "clique size (exact) or the smallest maximal clique reported (maximal)"},
    {.name = "mode", .type = CK_PT_ENUM, .default_json = "\"exact\"", .choices = "exact|maximal",
     .doc = "exact: every k-node clique (kClist); maximal: every maximal clique with >= k nodes (Bron-Kerbosch)"},
    {.name = "max_cliques", .type = CK_PT_INT, .default_json = "10000", .has_min = true, .min = 0, .has_max = true,
     .max = (double)CK_K_CLIQUE_MAX_LISTED, .doc = "cliques listed (the lexicographically smallest); 0 = count only"},
};
static const ck_param_t clique_outputs[] = {
    {.name = "count", .type = CK_PT_INT, .doc = "every clique found (exact uint64; beyond int64 a decimal string)"},
    {.name = "cliques", .type = CK_PT_ARRAY, .doc = "[[nodes ascending], ...] in lexicographic order, at most max_cliques"},
    {.name = "truncated", .type = CK_PT_BOOL, .doc = "count > cliques listed"},
    {.name = "per_node", .type = CK_PT_INT_ARRAY, .doc = "[n] cliques containing each node (all, not just the listed)"},
};

static ck_status_t clique_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                               ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    ck_k_clique_result_t *r = NULL;
    json_t *list = NULL;
    ck_status_t status;
    ck_k_clique_options_t o;
    ck_k_clique_options_init(&o);
    o.k = json_integer_value(json_object_get(in, "k"));
    o.mode = strcmp(json_string_value(json_object_get(in, "mode")), "maximal") == 0 ? CK_K_CLIQUE_MAXIMAL
                                                                                     : CK_K_CLIQUE_EXACT;
    o.max_cliques = json_integer_value(json_object_get(in, "max_cliques"));
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    CK_TRY(ck_k_clique(ctx, &r, g, &o));
    CK_TRY(cki_json_set(ctx, out, "count", json_u128_new(r->count)));
    list = json_array();
    if (!list) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (int64_t i = 0; i < r->n_cliques; i++) {
        json_t *c = cki_json_int64s_new(r->nodes + r->offsets[i], r->offsets[i + 1] - r->offsets[i]);
        if (!c || json_array_append_new(list, c)) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
    }
    status = cki_json_set(ctx, out, "cliques", list);
    list = NULL;
    CK_TRY(status);
    CK_TRY(cki_json_set(ctx, out, "truncated", json_boolean(r->truncated)));
    CK_TRY(cki_json_set(ctx, out, "per_node", json_u64s_new(r->per_node, r->n)));
cleanup:
    json_decref(list);
    ck_k_clique_result_free(ctx, &r);
    ck_graph_destroy(&owned);
    return status;
}

/* ---------------------------------------------------------------- graph/cycle-participation */

static const ck_param_t cycle_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "max_length", .type = CK_PT_INT, .default_json = "4", .has_min = true, .min = 2, .has_max = true, .max = 6,
     .doc = "longest cycle counted: 2..6 (3..6 for undirected graphs)"},
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "report cycle_value (sum of each cycle's smallest edge weight; weights as strengths)"},
    {.name = "critical_min", .type = CK_PT_INT, .default_json = "4", .has_min = true, .min = 1,
     .doc = "cycles of length >= 4 through a node that make it 'critical'"},
    {.name = "medium_min_triangles", .type = CK_PT_INT, .default_json = "3", .has_min = true, .min = 1,
     .doc = "3-cycles through a node that make it 'medium'"},
    {.name = "low_min_reciprocal", .type = CK_PT_INT, .default_json = "3", .has_min = true, .min = 1,
     .doc = "2-cycles (reciprocal pairs) through a node that make it 'low'"},
    {.name = "max_cycles", .type = CK_PT_INT, .default_json = "10000000", .has_min = true, .min = 1,
     .doc = "stop once this many cycles were found (checked per block of 256 start nodes); sets truncated"},
};
static const ck_param_t cycle_outputs[] = {
    {.name = "counts", .type = CK_PT_ARRAY, .doc = "[n][max_length-1]: simple cycles of length L = 2.. through each node"},
    {.name = "totals", .type = CK_PT_INT_ARRAY, .doc = "[max_length-1]: cycles of each length L = 2.."},
    {.name = "cycle_value", .type = CK_PT_REAL_ARRAY,
     .doc = "[n] sum of the smallest edge weight of each cycle through the node (when use_weights)"},
    {.name = "cycle_ratio", .type = CK_PT_REAL_ARRAY, .doc = "[n] cycles through the node / max(1, (out-)degree)"},
    {.name = "risk", .type = CK_PT_ARRAY, .doc = "[n] baseline | low | medium | high | critical"},
    {.name = "truncated", .type = CK_PT_BOOL, .doc = "max_cycles stopped the enumeration: counts are lower bounds"},
};

static ck_status_t cycle_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                              ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    int64_t *counts = NULL, totals[5];
    double *value = NULL, *ratio = NULL;
    ck_cycle_risk_t *risk = NULL;
    json_t *arr = NULL;
    bool truncated = false;
    ck_status_t status;
    ck_cycle_participation_options_t o;
    ck_cycle_participation_options_init(&o);
    o.max_length = json_integer_value(json_object_get(in, "max_length"));
    o.use_weights = json_is_true(json_object_get(in, "use_weights"));
    o.critical_min = json_integer_value(json_object_get(in, "critical_min"));
    o.medium_min_triangles = json_integer_value(json_object_get(in, "medium_min_triangles"));
    o.low_min_reciprocal = json_integer_value(json_object_get(in, "low_min_reciprocal"));
    o.max_cycles = json_integer_value(json_object_get(in, "max_cycles"));
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    const size_t n = g->n ? g->n : 1, W = (size_t)(o.max_length > 1 ? o.max_length - 1 : 1);
    counts = cki_mallocarray(ctx, n * W, sizeof *counts);
    value = o.use_weights ? cki_mallocarray(ctx, n, sizeof *value) : NULL;
    ratio = cki_mallocarray(ctx, n, sizeof *ratio);
    risk = cki_mallocarray(ctx, n, sizeof *risk);
    if (!counts || (o.use_weights && !value) || !ratio || !risk) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(ck_cycle_participation(ctx, counts, totals, value, ratio, risk, &truncated, g, &o));
    arr = json_array();
    if (!arr) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (uint32_t u = 0; u < g->n; u++) {
        json_t *row = cki_json_int64s_new(counts + (size_t)u * W, (ck_idx_t)W);
        if (!row || json_array_append_new(arr, row)) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
    }
    status = cki_json_set(ctx, out, "counts", arr);
    arr = NULL;
    CK_TRY(status);
    CK_TRY(cki_json_set(ctx, out, "totals", cki_json_int64s_new(totals, (ck_idx_t)W)));
    if (value) CK_TRY(cki_json_set(ctx, out, "cycle_value", cki_json_reals_new(value, g->n)));
    CK_TRY(cki_json_set(ctx, out, "cycle_ratio", cki_json_reals_new(ratio, g->n)));
    arr = json_array();
    if (!arr) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (uint32_t u = 0; u < g->n; u++)
        if (json_array_append_new(arr, json_string(ck_cycle_risk_name(risk[u])))) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
    status = cki_json_set(ctx, out, "risk", arr);
    arr = NULL;
    CK_TRY(status);
    CK_TRY(cki_json_set(ctx, out, "truncated", json_boolean(truncated)));
cleanup:
    json_decref(arr);
    cki_free(ctx, counts);
    cki_free(ctx, value);
    cki_free(ctx, ratio);
    cki_free(ctx, risk);
    ck_graph_destroy(&owned);
    return status;
}

/* ---------------------------------------------------------------- table */

static const ck_kernel_t motifs_kernels[] = {
    {
        .meta = {.id = "graph/triangle-counting",
                 .modes = CK_MODE_BATCH | CK_MODE_RING,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Triangles per node, total and transitivity on the undirected skeleton (forward "
                                "algorithm on the degree orientation, O(m^1.5), OpenMP)",
                 .expected_throughput = 50000000,
                 .target_latency_us = 100.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = tri_params, .n_params = N_(tri_params),
        .outputs = tri_outputs, .n_outputs = N_(tri_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 5, \"edges\": [[0, 1], [0, 2], [1, 2], [1, 3], [2, 3], [3, 4]]}}",
        .run_json = tri_json,
    },
    {
        .meta = {.id = "graph/motif-detection",
                 .modes = CK_MODE_BATCH,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Directed triad census: the 16 MAN 3-node motif classes, exact (Batagelj-Mrvar "
                                "O(m*maxdeg); closed forms for undirected graphs)",
                 .expected_throughput = 10000000,
                 .target_latency_us = 100.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = census_params, .n_params = N_(census_params),
        .outputs = census_outputs, .n_outputs = N_(census_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 0], [0, 2], [3, 0]], "
                         "\"directed\": true}}",
        .run_json = census_json,
    },
    {
        .meta = {.id = "graph/k-clique",
                 .modes = CK_MODE_BATCH,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "k-clique enumeration (kClist on a degeneracy order) or maximal cliques of >= k "
                                "nodes (Bron-Kerbosch-Tomita): exact count, per-node counts, smallest cliques listed",
                 .expected_throughput = 10000000,
                 .target_latency_us = 100.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = clique_params, .n_params = N_(clique_params),
        .outputs = clique_outputs, .n_outputs = N_(clique_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 5, \"edges\": [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3], "
                         "[3, 4]]}, \"k\": 3}",
        .run_json = clique_json,
    },
    {
        .meta = {.id = "graph/cycle-participation",
                 .modes = CK_MODE_BATCH,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Short simple cycles (length 2..6) through each node, bottleneck value round the "
                                "cycles and a round-tripping risk band (bounded DFS, OpenMP)",
                 .expected_throughput = 5000000,
                 .target_latency_us = 100.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = cycle_params, .n_params = N_(cycle_params),
        .outputs = cycle_outputs, .n_outputs = N_(cycle_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 0], [2, 1], [2, 3]], "
                         "\"weights\": [5, 2, 4, 1, 3], \"directed\": true}, \"max_length\": 3}",
        .run_json = cycle_json,
    },
};

const cki_kernel_table_t cki_graph_motifs_table = {motifs_kernels, N_(motifs_kernels)};
