/* graph/... kernels: spectral — graph/pagerank, graph/eigenvector-centrality and
 * graph/katz-centrality: JSON binders (iterative init / step / converged / result), parameter
 * tables and registry rows. The engines and the typed API are in spectral_power.c. */
#include <math.h>
#include <string.h>

#include "spectral_internal.h"

/* The iterative state of all three kernels: an engine plus the graph read from the input. */
typedef struct sp_state {
    cki_power_t e;
    ck_graph_t *owned; /* the input's graph (NULL when the caller bound one) */
} sp_state_t;

static ck_status_t sp_step(ck_ctx_t *ctx, void *state, double *delta)
{
    return cki_power_step(ctx, &((sp_state_t *)state)->e, delta);
}

static bool sp_converged(const void *state) { return ((const sp_state_t *)state)->e.converged; }

static int64_t sp_max_iterations(const void *state) { return ((const sp_state_t *)state)->e.max_iter; }

static ck_status_t sp_result(ck_ctx_t *ctx, const void *state, json_t *output)
{
    const cki_power_t *e = &((const sp_state_t *)state)->e;
    const uint32_t n = e->a.n;
    double *scores = NULL;
    if (n > 0 && !(scores = cki_mallocarray(ctx, n, sizeof *scores))) return cki_nomem(ctx);
    cki_power_scores(ctx, e, scores);
    ck_status_t status = cki_json_set(ctx, output, "scores", cki_json_reals_new(scores, n));
    cki_free(ctx, scores);
    return status;
}

static void sp_destroy(ck_ctx_t *ctx, void *state)
{
    sp_state_t *s = state;
    if (!s) return;
    cki_power_free(ctx, &s->e);
    ck_graph_destroy(&s->owned);
    cki_free(ctx, s);
}

/* Allocate the state and read the graph. */
static ck_status_t sp_begin(ck_ctx_t *ctx, const json_t *in, ck_run_info_t *info, sp_state_t **s,
                            const ck_graph_t **g)
{
    *s = cki_calloc(ctx, 1, sizeof **s);
    if (!*s) return cki_nomem(ctx);
    return cki_json_graph(ctx, in, info, g, &(*s)->owned);
}

static double num(const json_t *in, const char *key) { return json_number_value(json_object_get(in, key)); }
static int64_t integer(const json_t *in, const char *key) { return json_integer_value(json_object_get(in, key)); }
static bool flag(const json_t *in, const char *key) { return json_is_true(json_object_get(in, key)); }

/* ---------------------------------------------------------------- graph/pagerank */

static ck_status_t pagerank_init(ck_ctx_t *ctx, const json_t *in, ck_run_info_t *info, void **state)
{
    sp_state_t *s = NULL;
    const ck_graph_t *g;
    double *pers = NULL, *dang = NULL, *nstart = NULL;
    ck_status_t status;
    CK_TRY(sp_begin(ctx, in, info, &s, &g));
    ck_pagerank_options_t o;
    ck_pagerank_options_init(&o);
    o.alpha = num(in, "alpha");
    o.tol = num(in, "tol");
    o.max_iter = integer(in, "max_iter");
    o.use_weights = flag(in, "use_weights");
    CK_TRY(cki_json_node_reals(ctx, in, "personalization", g->n, 0, true, &pers));
    CK_TRY(cki_json_node_reals(ctx, in, "dangling", g->n, 0, true, &dang));
    CK_TRY(cki_json_node_reals(ctx, in, "nstart", g->n, 0, true, &nstart));
    o.personalization = pers;
    o.dangling = dang;
    o.nstart = nstart;
    CK_TRY(cki_power_pagerank(ctx, &s->e, g, &o));
    *state = s;
    s = NULL;
cleanup:
    sp_destroy(ctx, s);
    cki_free(ctx, pers);
    cki_free(ctx, dang);
    cki_free(ctx, nstart);
    return status;
}

/* ---------------------------------------------------------------- graph/eigenvector-centrality */

static ck_status_t eigenvector_init(ck_ctx_t *ctx, const json_t *in, ck_run_info_t *info, void **state)
{
    sp_state_t *s = NULL;
    const ck_graph_t *g;
    double *nstart = NULL;
    ck_status_t status;
    CK_TRY(sp_begin(ctx, in, info, &s, &g));
    ck_eigenvector_options_t o;
    ck_eigenvector_options_init(&o);
    o.tol = num(in, "tol");
    o.max_iter = integer(in, "max_iter");
    o.use_weights = flag(in, "use_weights");
    CK_TRY(cki_json_node_reals(ctx, in, "nstart", g->n, 0, true, &nstart));
    o.nstart = nstart;
    CK_TRY(cki_power_eigenvector(ctx, &s->e, g, &o));
    *state = s;
    s = NULL;
cleanup:
    sp_destroy(ctx, s);
    cki_free(ctx, nstart);
    return status;
}

/* ---------------------------------------------------------------- graph/katz-centrality */

static ck_status_t katz_init(ck_ctx_t *ctx, const json_t *in, ck_run_info_t *info, void **state)
{
    sp_state_t *s = NULL;
    const ck_graph_t *g;
    double *beta = NULL, *nstart = NULL;
    ck_status_t status;
    CK_TRY(sp_begin(ctx, in, info, &s, &g));
    ck_katz_options_t o;
    ck_katz_options_init(&o);
    o.alpha = num(in, "alpha");
    o.tol = num(in, "tol");
    o.max_iter = integer(in, "max_iter");
    o.normalized = flag(in, "normalized");
    o.use_weights = flag(in, "use_weights");
    const json_t *jb = json_object_get(in, "beta");
    if (json_is_number(jb)) {
        o.beta = json_number_value(jb);
    } else if (json_is_array(jb)) {
        CK_TRY(cki_json_node_reals(ctx, in, "beta", g->n, -INFINITY, false, &beta));
        o.beta_vec = beta;
    } else {
        status = cki_invalid(ctx, "beta", "expected a number or an array of one number per node, got %s",
                             json_is_null(jb) ? "null" : json_is_string(jb) ? "a string" : "another type");
        goto cleanup;
    }
    CK_TRY(cki_json_node_reals(ctx, in, "nstart", g->n, -INFINITY, false, &nstart));
    o.nstart = nstart;
    CK_TRY(cki_power_katz(ctx, &s->e, g, &o));
    *state = s;
    s = NULL;
cleanup:
    sp_destroy(ctx, s);
    cki_free(ctx, beta);
    cki_free(ctx, nstart);
    return status;
}

/* ---------------------------------------------------------------- tables */

static const ck_iterative_ops_t pagerank_ops = {pagerank_init, sp_step, sp_converged, sp_max_iterations, sp_result,
                                                sp_destroy};
static const ck_iterative_ops_t eigenvector_ops = {eigenvector_init, sp_step, sp_converged, sp_max_iterations,
                                                   sp_result, sp_destroy};
static const ck_iterative_ops_t katz_ops = {katz_init, sp_step, sp_converged, sp_max_iterations, sp_result,
                                            sp_destroy};

#define TOL_PARAM                                                                                            \
    {.name = "tol", .type = CK_PT_REAL, .default_json = "1e-06", .has_min = true, .min = 0,                  \
     .doc = "> 0: stop when the L1 change of an iteration is below n*tol"}
#define MAX_ITER_PARAM(def)                                                                                  \
    {.name = "max_iter", .type = CK_PT_INT, .default_json = def, .has_min = true, .min = 1, .has_max = true, \
     .max = 1e6, .doc = "iteration limit; reaching it returns the last iterate with converged:false"}
#define USE_WEIGHTS_PARAM                                                                                    \
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "true",                                      \
     .doc = "weights are strengths; false (or an unweighted graph) gives every edge weight 1"}

static const ck_param_t pagerank_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "alpha", .type = CK_PT_REAL, .default_json = "0.85", .has_min = true, .min = 0, .has_max = true,
     .max = 1, .doc = "damping factor, [0, 1) (1 itself is rejected)"},
    TOL_PARAM,
    MAX_ITER_PARAM("100"),
    USE_WEIGHTS_PARAM,
    {.name = "personalization", .type = CK_PT_ANY, .default_json = "null", .has_min = true, .min = 0,
     .doc = "null (uniform) or n reals >= 0 with a positive sum: the teleport distribution p (normalised)"},
    {.name = "dangling", .type = CK_PT_ANY, .default_json = "null", .has_min = true, .min = 0,
     .doc = "null (= personalization) or n reals >= 0 with a positive sum: where dangling nodes' mass goes"},
    {.name = "nstart", .type = CK_PT_ANY, .default_json = "null", .has_min = true, .min = 0,
     .doc = "null (uniform) or n reals >= 0 with a positive sum: the start vector (normalised)"},
};

static const ck_param_t eigenvector_params[] = {
    CKI_GRAPH_PARAM,
    MAX_ITER_PARAM("100"),
    TOL_PARAM,
    {.name = "nstart", .type = CK_PT_ANY, .default_json = "null", .has_min = true, .min = 0,
     .doc = "null (all ones) or n reals >= 0, not all zero: the start vector (scaled to sum 1)"},
    USE_WEIGHTS_PARAM,
};

static const ck_param_t katz_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "alpha", .type = CK_PT_REAL, .default_json = "0.1", .has_min = true, .min = 0,
     .doc = "attenuation, > 0 (0 is rejected); the series converges only for alpha < 1/lambda_max(A)"},
    {.name = "beta", .type = CK_PT_ANY, .default_json = "1.0",
     .doc = "a real (the same for every node) or an array of n reals: the exogenous term"},
    MAX_ITER_PARAM("1000"),
    TOL_PARAM,
    {.name = "nstart", .type = CK_PT_ANY, .default_json = "null",
     .doc = "null (all zeros) or n reals: the start vector"},
    {.name = "normalized", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "divide the result by its L2 norm (when non-zero)"},
    USE_WEIGHTS_PARAM,
};

static const ck_param_t pagerank_outputs[] = {
    {.name = "scores", .type = CK_PT_REAL_ARRAY, .doc = "PageRank of each node (sums to 1)"},
};
static const ck_param_t eigenvector_outputs[] = {
    {.name = "scores", .type = CK_PT_REAL_ARRAY, .doc = "eigenvector centrality of each node (unit L2 norm)"},
};
static const ck_param_t katz_outputs[] = {
    {.name = "scores", .type = CK_PT_REAL_ARRAY, .doc = "Katz centrality of each node (unit L2 norm when normalized)"},
};

#define N_(arr) (sizeof(arr) / sizeof((arr)[0]))

static const ck_kernel_t spectral_kernels[] = {
    {
        .meta = {.id = "graph/pagerank",
                 .modes = CK_MODE_BATCH | CK_MODE_ITERATIVE | CK_MODE_RING,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "PageRank (networkx definition): power iteration with in-edge pull SpMV, dangling "
                                "redistribution, personalization; OpenMP, thread-count invariant",
                 .expected_throughput = 300000000, /* edges per second per iteration, 1 thread */
                 .target_latency_us = 100.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = pagerank_params, .n_params = N_(pagerank_params),
        .outputs = pagerank_outputs, .n_outputs = N_(pagerank_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 0], [0, 2], [2, 3]], "
                         "\"directed\": true}, \"alpha\": 0.85}",
        .run_json = cki_run_iterative,
        .iterative = &pagerank_ops,
    },
    {
        .meta = {.id = "graph/eigenvector-centrality",
                 .modes = CK_MODE_BATCH | CK_MODE_ITERATIVE,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Eigenvector centrality (networkx iteration on A+I over in-edges, unit L2 norm)",
                 .expected_throughput = 200000000,
                 .target_latency_us = 100.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = eigenvector_params, .n_params = N_(eigenvector_params),
        .outputs = eigenvector_outputs, .n_outputs = N_(eigenvector_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 5, \"edges\": [[0, 1], [0, 2], [0, 3], [0, 4]]}}",
        .run_json = cki_run_iterative,
        .iterative = &eigenvector_ops,
    },
    {
        .meta = {.id = "graph/katz-centrality",
                 .modes = CK_MODE_BATCH | CK_MODE_ITERATIVE,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Katz centrality (networkx iteration over in-edges; fails with 'diverged' naming "
                                "alpha and 1/lambda_max)",
                 .expected_throughput = 300000000,
                 .target_latency_us = 100.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = katz_params, .n_params = N_(katz_params),
        .outputs = katz_outputs, .n_outputs = N_(katz_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 5, \"edges\": [[0, 1], [0, 2], [0, 3], [0, 4]]}, \"alpha\": 0.1}",
        .run_json = cki_run_iterative,
        .iterative = &katz_ops,
    },
};

const cki_kernel_table_t cki_graph_spectral_table = {spectral_kernels, N_(spectral_kernels)};
