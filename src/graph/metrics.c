/* graph/... kernels: whole-graph metrics — density, average path length, clustering, connected
 * components and the full summary: typed entry points, JSON binders and the family's kernel table.
 * The heavy parts live in metrics_paths.c, metrics_clustering.c and metrics_components.c. */
#include <string.h>

#include "metrics_internal.h"

/* ---------------------------------------------------------------- typed API */

ck_status_t ck_graph_density(ck_ctx_t *ctx, double *density, const ck_graph_t *g)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!density || !g) return cki_invalid(ctx, NULL, "density and graph must not be NULL");
    const double n = (double)g->n;
    *density = g->n <= 1 ? 0 : (g->directed ? 1.0 : 2.0) * (double)g->m / (n * (n - 1));
    return CK_OK;
}

void ck_path_length_options_init(ck_path_length_options_t *o)
{
    if (!o) return;
    o->use_weights = true;
    o->disconnected = CK_DISCONNECTED_REACHABLE;
    o->sample_sources = 0;
    o->seed = 42;
}

/* Connected (undirected) or strongly connected (directed); false when n = 0. */
static ck_status_t strongly_connected(ck_ctx_t *ctx, bool *connected, const ck_graph_t *g)
{
    *connected = false;
    if (g->n == 0) return CK_OK;
    uint32_t *labels = cki_mallocarray(ctx, g->n, sizeof *labels), count;
    if (!labels) return cki_nomem(ctx);
    ck_status_t status = cki_graph_components(ctx, labels, &count, g, true);
    cki_free(ctx, labels);
    *connected = count == 1;
    return status;
}

ck_status_t ck_graph_average_path_length(ck_ctx_t *ctx, ck_path_length_result_t *result, const ck_graph_t *g,
                                         const ck_path_length_options_t *opts)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!result || !g) return cki_invalid(ctx, NULL, "result and graph must not be NULL");
    ck_path_length_options_t o;
    if (opts) o = *opts;
    else ck_path_length_options_init(&o);
    if (o.sample_sources < 0)
        return cki_invalid(ctx, "sample_sources", "%lld must be >= 0", (long long)o.sample_sources);
    if (o.disconnected != CK_DISCONNECTED_REACHABLE && o.disconnected != CK_DISCONNECTED_ERROR)
        return cki_invalid(ctx, "disconnected", "unknown mode %d", (int)o.disconnected);
    memset(result, 0, sizeof *result);
    bool connected;
    ck_status_t status = strongly_connected(ctx, &connected, g);
    if (status) return status;
    if (!connected && g->n >= 2 && o.disconnected == CK_DISCONNECTED_ERROR)
        return cki_invalid(ctx, "graph", "the graph is not %s (disconnected = \"error\")",
                           g->directed ? "strongly connected" : "connected");
    status = cki_metrics_paths(ctx, result, g, o.use_weights, o.sample_sources, o.seed);
    result->is_connected = connected;
    return status;
}

void ck_components_options_init(ck_components_options_t *o)
{
    if (o) o->mode = CK_COMPONENTS_WEAK;
}

/* sizes[k] (k = count) from labels; returns the largest size. */
static ck_idx_t component_sizes(int64_t *sizes, const uint32_t *labels, uint32_t n, uint32_t count)
{
    for (uint32_t c = 0; c < count; c++) sizes[c] = 0;
    for (uint32_t v = 0; v < n; v++) sizes[labels[v]]++;
    ck_idx_t largest = 0;
    for (uint32_t c = 0; c < count; c++)
        if (sizes[c] > largest) largest = sizes[c];
    return largest;
}

ck_status_t ck_graph_connected_components(ck_ctx_t *ctx, ck_components_result_t *result, ck_idx_t *labels,
                                          ck_idx_t *sizes, const ck_graph_t *g, const ck_components_options_t *opts)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!result || !g) return cki_invalid(ctx, NULL, "result and graph must not be NULL");
    ck_components_options_t o;
    if (opts) o = *opts;
    else ck_components_options_init(&o);
    if (o.mode != CK_COMPONENTS_WEAK && o.mode != CK_COMPONENTS_STRONG)
        return cki_invalid(ctx, "mode", "unknown mode %d", (int)o.mode);
    memset(result, 0, sizeof *result);
    const uint32_t n = g->n;
    if (n == 0) return CK_OK;
    ck_status_t status;
    uint32_t *lab = cki_mallocarray(ctx, n, sizeof *lab), count = 0;
    int64_t *sz = cki_mallocarray(ctx, n, sizeof *sz);
    if (!lab || !sz) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(cki_graph_components(ctx, lab, &count, g, o.mode == CK_COMPONENTS_STRONG));
    result->num_components = count;
    result->largest_component_size = component_sizes(sz, lab, n, count);
    result->is_connected = count == 1;
    if (labels)
        for (uint32_t v = 0; v < n; v++) labels[v] = lab[v];
    if (sizes)
        for (uint32_t c = 0; c < count; c++) sizes[c] = sz[c];
cleanup:
    cki_free(ctx, lab);
    cki_free(ctx, sz);
    return status;
}

void ck_full_metrics_options_init(ck_full_metrics_options_t *o)
{
    if (!o) return;
    o->use_weights = false;
    o->sample_sources = 0;
    o->seed = 42;
}

ck_status_t ck_graph_full_metrics(ck_ctx_t *ctx, ck_full_metrics_t *result, const ck_graph_t *g,
                                  const ck_full_metrics_options_t *opts)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!result || !g) return cki_invalid(ctx, NULL, "result and graph must not be NULL");
    ck_full_metrics_options_t o;
    if (opts) o = *opts;
    else ck_full_metrics_options_init(&o);
    if (o.sample_sources < 0)
        return cki_invalid(ctx, "sample_sources", "%lld must be >= 0", (long long)o.sample_sources);
    memset(result, 0, sizeof *result);
    const uint32_t n = g->n;
    result->num_nodes = n;
    result->num_edges = g->m;
    result->reciprocity = g->directed ? 0 : 1;
    if (n == 0) return CK_OK;

    ck_status_t status;
    uint32_t *lab = cki_mallocarray(ctx, n, sizeof *lab), count = 0;
    int64_t *sz = cki_mallocarray(ctx, n, sizeof *sz);
    if (!lab || !sz) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(ck_graph_density(ctx, &result->density, g));

    /* Components: weak, then strong for directed graphs. */
    CK_TRY(cki_graph_components(ctx, lab, &count, g, false));
    result->num_components = count;
    result->largest_component_size = component_sizes(sz, lab, n, count);
    result->is_connected = count == 1;
    result->is_strongly_connected = result->is_connected;
    if (g->directed && result->is_connected) {
        CK_TRY(cki_graph_components(ctx, lab, &count, g, true));
        result->is_strongly_connected = count == 1;
    }
    CK_TRY(cki_poll(ctx, 0.1));

    /* Degrees (in + out for directed graphs) and reciprocity. */
    int64_t dmin = INT64_MAX, dmax = 0, recip = 0;
    for (uint32_t v = 0; v < n; v++) {
        int64_t d = cki_graph_out_degree(g, v) + (g->directed ? cki_graph_in_degree(g, v) : 0);
        if (d < dmin) dmin = d;
        if (d > dmax) dmax = d;
    }
    result->degree_min = dmin;
    result->degree_max = dmax;
    result->degree_mean = 2.0 * (double)g->m / (double)n;
    if (g->directed) {
        /* u -> v is reciprocated when v -> u exists: a merge of u's out-row with its in-row. */
        const int threads = cki_threads(ctx);
        (void)threads;
        CKI_OMP(omp parallel for num_threads(threads) reduction(+ : recip) schedule(dynamic, 1024) if(n > 20000))
        for (int64_t v = 0; v < (int64_t)n; v++) {
            int64_t a = g->out_off[v], ae = g->out_off[v + 1], b = g->in_off[v], be = g->in_off[v + 1];
            while (a < ae && b < be) {
                if (g->out_adj[a] < g->in_adj[b]) a++;
                else if (g->out_adj[a] > g->in_adj[b]) b++;
                else {
                    recip++;
                    a++;
                    b++;
                }
            }
        }
        result->reciprocity = g->m ? (double)recip / (double)g->m : 0;
    }

    /* Clustering (unweighted, count_zeros, Fagiolo on directed graphs) and triangles. */
    ck_clustering_options_t co;
    ck_clustering_options_init(&co);
    ck_clustering_result_t cr;
    CK_TRY(ck_graph_clustering(ctx, &cr, NULL, g, &co));
    result->average_clustering = cr.average;
    result->transitivity = cr.transitivity;
    result->triangles = cr.triangles;
    CK_TRY(cki_poll(ctx, 0.3));

    /* Path metrics, reachable-pairs rule. */
    ck_path_length_result_t pr;
    CK_TRY(cki_metrics_paths(ctx, &pr, g, o.use_weights, o.sample_sources, o.seed));
    result->average_path_length = pr.average_path_length;
    result->diameter = pr.diameter;
    result->efficiency = pr.efficiency;
cleanup:
    cki_free(ctx, lab);
    cki_free(ctx, sz);
    return status;
}

/* ---------------------------------------------------------------- JSON binders */

static bool jbool(const json_t *in, const char *key) { return json_is_true(json_object_get(in, key)); }
static int64_t jint(const json_t *in, const char *key) { return (int64_t)json_integer_value(json_object_get(in, key)); }
static bool jstr_is(const json_t *in, const char *key, const char *value)
{
    const char *s = json_string_value(json_object_get(in, key));
    return s && strcmp(s, value) == 0;
}

static ck_status_t density_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                                ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    double d;
    ck_status_t status;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    CK_TRY(ck_graph_density(ctx, &d, g));
    CK_TRY(cki_json_set(ctx, out, "density", cki_json_real_new(d)));
    CK_TRY(cki_json_set(ctx, out, "num_nodes", json_integer((json_int_t)g->n)));
    CK_TRY(cki_json_set(ctx, out, "num_edges", json_integer((json_int_t)g->m)));
cleanup:
    ck_graph_destroy(&owned);
    return status;
}

static ck_status_t apl_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out, ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    ck_status_t status;
    ck_path_length_options_t o;
    ck_path_length_result_t r;
    ck_path_length_options_init(&o);
    o.use_weights = jbool(in, "use_weights");
    o.disconnected = jstr_is(in, "disconnected", "error") ? CK_DISCONNECTED_ERROR : CK_DISCONNECTED_REACHABLE;
    o.sample_sources = jint(in, "sample_sources");
    o.seed = (uint64_t)jint(in, "seed");
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    CK_TRY(ck_graph_average_path_length(ctx, &r, g, &o));
    CK_TRY(cki_json_set(ctx, out, "average_path_length", cki_json_real_new(r.average_path_length)));
    CK_TRY(cki_json_set(ctx, out, "diameter", cki_json_real_new(r.diameter)));
    CK_TRY(cki_json_set(ctx, out, "efficiency", cki_json_real_new(r.efficiency)));
    CK_TRY(cki_json_set(ctx, out, "reachable_pairs", json_integer((json_int_t)r.reachable_pairs)));
    CK_TRY(cki_json_set(ctx, out, "sources", json_integer((json_int_t)r.sources)));
    CK_TRY(cki_json_set(ctx, out, "is_connected", json_boolean(r.is_connected)));
cleanup:
    ck_graph_destroy(&owned);
    return status;
}

static ck_status_t clustering_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                                   ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    double *local = NULL;
    ck_status_t status;
    ck_clustering_options_t o;
    ck_clustering_result_t r;
    ck_clustering_options_init(&o);
    o.use_weights = jbool(in, "use_weights");
    o.directed_mode = jstr_is(in, "directed_mode", "undirected") ? CK_CLUSTERING_UNDIRECTED : CK_CLUSTERING_DIRECTED;
    o.count_zeros = jbool(in, "count_zeros");
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    local = cki_mallocarray(ctx, g->n, sizeof *local);
    if (!local) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(ck_graph_clustering(ctx, &r, local, g, &o));
    CK_TRY(cki_json_set(ctx, out, "local", cki_json_reals_new(local, g->n)));
    CK_TRY(cki_json_set(ctx, out, "average", cki_json_real_new(r.average)));
    CK_TRY(cki_json_set(ctx, out, "transitivity", cki_json_real_new(r.transitivity)));
    CK_TRY(cki_json_set(ctx, out, "triangles", json_integer((json_int_t)r.triangles)));
cleanup:
    cki_free(ctx, local);
    ck_graph_destroy(&owned);
    return status;
}

static ck_status_t components_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                                   ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    uint32_t *lab = NULL, count = 0;
    int64_t *sz = NULL;
    ck_idx_t largest = 0;
    ck_status_t status;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    lab = cki_mallocarray(ctx, g->n, sizeof *lab);
    sz = cki_mallocarray(ctx, g->n, sizeof *sz);
    if (!lab || !sz) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(cki_graph_components(ctx, lab, &count, g, jstr_is(in, "mode", "strong")));
    largest = component_sizes(sz, lab, g->n, count);
    CK_TRY(cki_json_set(ctx, out, "labels", cki_json_uints_new(lab, g->n)));
    CK_TRY(cki_json_set(ctx, out, "num_components", json_integer((json_int_t)count)));
    CK_TRY(cki_json_set(ctx, out, "sizes", cki_json_int64s_new(sz, count)));
    CK_TRY(cki_json_set(ctx, out, "largest_component_size", json_integer((json_int_t)largest)));
    CK_TRY(cki_json_set(ctx, out, "is_connected", json_boolean(count == 1)));
cleanup:
    cki_free(ctx, lab);
    cki_free(ctx, sz);
    ck_graph_destroy(&owned);
    return status;
}

static ck_status_t full_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out, ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    ck_status_t status;
    ck_full_metrics_options_t o;
    ck_full_metrics_t r;
    ck_full_metrics_options_init(&o);
    o.use_weights = jbool(in, "use_weights");
    o.sample_sources = jint(in, "sample_sources");
    o.seed = (uint64_t)jint(in, "seed");
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    CK_TRY(ck_graph_full_metrics(ctx, &r, g, &o));
    CK_TRY(cki_json_set(ctx, out, "num_nodes", json_integer((json_int_t)r.num_nodes)));
    CK_TRY(cki_json_set(ctx, out, "num_edges", json_integer((json_int_t)r.num_edges)));
    CK_TRY(cki_json_set(ctx, out, "density", cki_json_real_new(r.density)));
    CK_TRY(cki_json_set(ctx, out, "average_path_length", cki_json_real_new(r.average_path_length)));
    CK_TRY(cki_json_set(ctx, out, "diameter", cki_json_real_new(r.diameter)));
    CK_TRY(cki_json_set(ctx, out, "efficiency", cki_json_real_new(r.efficiency)));
    CK_TRY(cki_json_set(ctx, out, "average_clustering", cki_json_real_new(r.average_clustering)));
    CK_TRY(cki_json_set(ctx, out, "transitivity", cki_json_real_new(r.transitivity)));
    CK_TRY(cki_json_set(ctx, out, "triangles", json_integer((json_int_t)r.triangles)));
    CK_TRY(cki_json_set(ctx, out, "num_components", json_integer((json_int_t)r.num_components)));
    CK_TRY(cki_json_set(ctx, out, "largest_component_size", json_integer((json_int_t)r.largest_component_size)));
    CK_TRY(cki_json_set(ctx, out, "is_connected", json_boolean(r.is_connected)));
    CK_TRY(cki_json_set(ctx, out, "degree_min", json_integer((json_int_t)r.degree_min)));
    CK_TRY(cki_json_set(ctx, out, "degree_max", json_integer((json_int_t)r.degree_max)));
    CK_TRY(cki_json_set(ctx, out, "degree_mean", cki_json_real_new(r.degree_mean)));
    if (g->directed) {
        CK_TRY(cki_json_set(ctx, out, "is_strongly_connected", json_boolean(r.is_strongly_connected)));
        CK_TRY(cki_json_set(ctx, out, "reciprocity", cki_json_real_new(r.reciprocity)));
    }
cleanup:
    ck_graph_destroy(&owned);
    return status;
}

/* ---------------------------------------------------------------- parameter and output tables */

static const ck_param_t density_params[] = {CKI_GRAPH_PARAM};
static const ck_param_t density_outputs[] = {
    {.name = "density", .type = CK_PT_REAL, .doc = "2m/(n(n-1)) undirected, m/(n(n-1)) directed; 0 when n <= 1"},
    {.name = "num_nodes", .type = CK_PT_INT, .doc = "n"},
    {.name = "num_edges", .type = CK_PT_INT, .doc = "m after the load rules (arcs when directed)"},
};

#define SEED_PARAM                                                                                       \
    {.name = "seed", .type = CK_PT_UINT64, .default_json = "42", .doc = "seed of the source sample (Philox)"}

static const ck_param_t apl_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "weights as lengths (Dijkstra); a weight of 0 is rejected. Unweighted graphs use BFS"},
    {.name = "disconnected", .type = CK_PT_ENUM, .default_json = "\"reachable\"", .choices = "reachable|error",
     .doc = "reachable: average over reachable pairs; error: reject a graph that is not (strongly) connected"},
    {.name = "sample_sources", .type = CK_PT_INT, .default_json = "0", .has_min = true, .min = 0,
     .doc = "0: every node is a source; k > 0: k seeded distinct sources (all when k >= n)"},
    SEED_PARAM,
};
static const ck_param_t apl_outputs[] = {
    {.name = "average_path_length", .type = CK_PT_REAL, .doc = "mean d(s,t) over reachable ordered pairs s != t"},
    {.name = "diameter", .type = CK_PT_REAL, .doc = "largest finite d(s,t)"},
    {.name = "efficiency", .type = CK_PT_REAL, .doc = "(1/(k(n-1))) sum 1/d(s,t), unreachable pairs add 0"},
    {.name = "reachable_pairs", .type = CK_PT_INT, .doc = "ordered pairs (s,t), s a source, t != s reachable"},
    {.name = "sources", .type = CK_PT_INT, .doc = "sources used: n, or the sample size"},
    {.name = "is_connected", .type = CK_PT_BOOL, .doc = "connected (undirected) / strongly connected (directed)"},
};

static const ck_param_t clustering_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "false",
     .doc = "weights as strengths: Onnela's formula (geometric mean of weights / max weight)"},
    {.name = "directed_mode", .type = CK_PT_ENUM, .default_json = "\"directed\"", .choices = "directed|undirected",
     .doc = "directed graphs: Fagiolo's directed clustering, or the undirected skeleton's"},
    {.name = "count_zeros", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "average over all nodes (true) or over nodes with c > 0 (false)"},
};
static const ck_param_t clustering_outputs[] = {
    {.name = "local", .type = CK_PT_REAL_ARRAY, .doc = "local clustering coefficient per node"},
    {.name = "average", .type = CK_PT_REAL, .doc = "average clustering (see count_zeros); 0 when no node qualifies"},
    {.name = "transitivity", .type = CK_PT_REAL, .doc = "3 x triangles / connected triples, on the skeleton"},
    {.name = "triangles", .type = CK_PT_INT, .doc = "triangles of the undirected skeleton"},
};

static const ck_param_t components_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "mode", .type = CK_PT_ENUM, .default_json = "\"weak\"", .choices = "weak|strong",
     .doc = "directed graphs: weak or strong components (iterative Tarjan); undirected graphs: the same either way"},
};
static const ck_param_t components_outputs[] = {
    {.name = "labels", .type = CK_PT_INT_ARRAY, .doc = "canonical labels: components numbered by smallest node id"},
    {.name = "num_components", .type = CK_PT_INT, .doc = "number of components (0 when n = 0)"},
    {.name = "sizes", .type = CK_PT_INT_ARRAY, .doc = "component sizes, indexed by label"},
    {.name = "largest_component_size", .type = CK_PT_INT, .doc = "size of the largest component"},
    {.name = "is_connected", .type = CK_PT_BOOL, .doc = "exactly one component"},
};

static const ck_param_t full_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "false",
     .doc = "path metrics with weights as lengths (other metrics are unweighted)"},
    {.name = "sample_sources", .type = CK_PT_INT, .default_json = "0", .has_min = true, .min = 0,
     .doc = "path metrics from k seeded sources (0: all)"},
    SEED_PARAM,
};
static const ck_param_t full_outputs[] = {
    {.name = "num_nodes", .type = CK_PT_INT, .doc = "n"},
    {.name = "num_edges", .type = CK_PT_INT, .doc = "m after the load rules"},
    {.name = "density", .type = CK_PT_REAL, .doc = "as graph/density"},
    {.name = "average_path_length", .type = CK_PT_REAL, .doc = "as graph/average-path-length (reachable pairs)"},
    {.name = "diameter", .type = CK_PT_REAL, .doc = "largest finite distance"},
    {.name = "efficiency", .type = CK_PT_REAL, .doc = "global efficiency"},
    {.name = "average_clustering", .type = CK_PT_REAL, .doc = "unweighted, count_zeros (Fagiolo when directed)"},
    {.name = "transitivity", .type = CK_PT_REAL, .doc = "on the skeleton"},
    {.name = "triangles", .type = CK_PT_INT, .doc = "triangles of the skeleton"},
    {.name = "num_components", .type = CK_PT_INT, .doc = "weak components"},
    {.name = "largest_component_size", .type = CK_PT_INT, .doc = "size of the largest weak component"},
    {.name = "is_connected", .type = CK_PT_BOOL, .doc = "one weak component"},
    {.name = "is_strongly_connected", .type = CK_PT_BOOL, .doc = "directed graphs only"},
    {.name = "degree_min", .type = CK_PT_INT, .doc = "smallest degree (in + out when directed)"},
    {.name = "degree_max", .type = CK_PT_INT, .doc = "largest degree"},
    {.name = "degree_mean", .type = CK_PT_REAL, .doc = "2m/n"},
    {.name = "reciprocity", .type = CK_PT_REAL, .doc = "directed graphs only: share of arcs whose reverse exists"},
};

#define N_(arr) (sizeof(arr) / sizeof((arr)[0]))

static const ck_kernel_t metrics_kernels[] = {
    {
        .meta = {.id = "graph/density", .modes = CK_MODE_BATCH, .domain = CK_DOMAIN_GRAPH,
                 .description = "Graph density 2m/(n(n-1)) (m/(n(n-1)) directed)",
                 .expected_throughput = 1000000000, .target_latency_us = 10.0, .version = 1},
        .params = density_params, .n_params = N_(density_params),
        .outputs = density_outputs, .n_outputs = N_(density_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 3]]}}",
        .run_json = density_json,
    },
    {
        .meta = {.id = "graph/average-path-length", .modes = CK_MODE_BATCH, .domain = CK_DOMAIN_GRAPH,
                 .description = "Average shortest-path length, diameter and global efficiency (all-sources "
                                "bit-parallel BFS or Dijkstra, optional seeded source sampling)",
                 .expected_throughput = 500000000, .target_latency_us = 1000.0, .version = 1},
        .params = apl_params, .n_params = N_(apl_params),
        .outputs = apl_outputs, .n_outputs = N_(apl_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 3]]}}",
        .run_json = apl_json,
    },
    {
        .meta = {.id = "graph/clustering-coefficient", .modes = CK_MODE_BATCH, .domain = CK_DOMAIN_GRAPH,
                 .description = "Local and average clustering coefficient (weighted Onnela, directed Fagiolo) "
                                "and transitivity",
                 .expected_throughput = 100000000, .target_latency_us = 500.0, .version = 1},
        .params = clustering_params, .n_params = N_(clustering_params),
        .outputs = clustering_outputs, .n_outputs = N_(clustering_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 6, \"edges\": [[0, 1], [1, 2], [0, 2], [2, 3], [3, 4], "
                         "[4, 5], [3, 5]]}}",
        .run_json = clustering_json,
    },
    {
        .meta = {.id = "graph/connected-components", .modes = CK_MODE_BATCH | CK_MODE_RING, .domain = CK_DOMAIN_GRAPH,
                 .description = "Connected components (weak: parallel union-find; strong: iterative Tarjan) "
                                "with canonical labels",
                 .expected_throughput = 200000000, .target_latency_us = 100.0, .version = 1},
        .params = components_params, .n_params = N_(components_params),
        .outputs = components_outputs, .n_outputs = N_(components_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 5, \"edges\": [[0, 1], [1, 0], [2, 3]], \"directed\": true}, "
                         "\"mode\": \"strong\"}",
        .run_json = components_json,
    },
    {
        .meta = {.id = "graph/full-metrics", .modes = CK_MODE_BATCH, .domain = CK_DOMAIN_GRAPH,
                 .description = "Whole-graph summary: density, paths, clustering, triangles, components, "
                                "degrees, reciprocity",
                 .expected_throughput = 100000000, .target_latency_us = 2000.0, .version = 1},
        .params = full_params, .n_params = N_(full_params),
        .outputs = full_outputs, .n_outputs = N_(full_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], "
                         "[2, 3]]}}",
        .run_json = full_json,
    },
};

const cki_kernel_table_t cki_graph_metrics_table = {metrics_kernels, N_(metrics_kernels)};
