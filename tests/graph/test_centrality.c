/* graph/... centrality family: degree-centrality, betweenness-centrality, closeness-centrality.
 * Oracle cases (networkx 3.6.1) from tests/data/graph/centrality/gen_centrality.py, spec hand values,
 * edge cases, bad input, the typed API, thread invariance on graphs with many source chunks,
 * cancellation, and an allocation-failure sweep. */
#include <stdlib.h>
#include <string.h>

#include "alloc_sweep.h"
#include "graph_test.h"
#include "graph_internal.h"

TestSuite(centrality, .init = gt_setup, .fini = gt_teardown);

#define DEG "graph/degree-centrality"
#define BC "graph/betweenness-centrality"
#define CL "graph/closeness-centrality"

/* ---------------------------------------------------------------- oracle cases */

Test(centrality, degree_oracle) { cr_assert_gt(gt_run_cases("centrality/cases.json", DEG), 0); }
Test(centrality, betweenness_oracle) { cr_assert_gt(gt_run_cases("centrality/cases.json", BC), 0); }
Test(centrality, closeness_oracle) { cr_assert_gt(gt_run_cases("centrality/cases.json", CL), 0); }

/* ---------------------------------------------------------------- bad input */

#define UG "{\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]]}"
#define DG "{\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]], \"directed\": true}"
#define ZW "{\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]], \"weights\": [1.0, 0.0]}"

Test(centrality, degree_bad_input)
{
    gt_expect_error(DEG, "{\"graph\": " UG ", \"direction\": \"in\"}", "direction", "needs a directed graph");
    gt_expect_error(DEG, "{\"graph\": " UG ", \"direction\": \"out\"}", "direction", "needs a directed graph");
    gt_expect_error(DEG, "{\"graph\": " DG ", \"direction\": \"both\"}", "direction", "is not one of");
    gt_expect_error(DEG, "{\"graph\": " UG ", \"normalized\": 1}", "normalized", "boolean");
    gt_expect_error(DEG, "{\"graph\": " UG ", \"weighted\": \"yes\"}", "weighted", "boolean");
    gt_expect_error(DEG, "{\"graph\": " UG ", \"k\": 2}", "k", "unknown");
    gt_expect_error(DEG, "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 2]]}}", "graph.edges[0][1]", "out of range");
    gt_expect_error(DEG, "{}", "graph", "missing");
}

Test(centrality, betweenness_bad_input)
{
    gt_expect_error(BC, "{\"graph\": " UG ", \"k\": -1}", "k", "out of range");
    gt_expect_error(BC, "{\"graph\": " UG ", \"k\": 4}", "k", "must be in 0..n = 3");
    gt_expect_error(BC, "{\"graph\": " UG ", \"k\": 1.5}", "k", "integer");
    gt_expect_error(BC, "{\"graph\": " UG ", \"seed\": -3}", "seed", ">= 0");
    gt_expect_error(BC, "{\"graph\": " UG ", \"endpoints\": null}", "endpoints", "boolean");
    gt_expect_error(BC, "{\"graph\": " ZW "}", "graph.weights", "must be > 0");
    gt_expect_error(BC, "{\"graph\": " UG ", \"weights\": [1, 2]}", "weights", "unknown");
    /* A zero weight is fine when weights are not used. */
    json_t *in = json_loads("{\"graph\": " ZW ", \"use_weights\": false, \"normalized\": false}", 0, NULL);
    json_t *out = gt_run(BC, in, CK_OK), *want = json_loads("{\"scores\": [0.0, 1.0, 0.0]}", 0, NULL);
    gt_compare(out, want, 0, 0, "zero weight unused");
    json_decref(want);
    json_decref(out);
    json_decref(in);
}

Test(centrality, closeness_bad_input)
{
    gt_expect_error(CL, "{\"graph\": " UG ", \"variant\": \"eccentricity\"}", "variant", "is not one of");
    gt_expect_error(CL, "{\"graph\": " DG ", \"direction\": \"all\"}", "direction", "is not one of");
    gt_expect_error(CL, "{\"graph\": " UG ", \"wf_improved\": 0}", "wf_improved", "boolean");
    gt_expect_error(CL, "{\"graph\": " ZW "}", "graph.weights", "must be > 0");
    gt_expect_error(CL, "{\"graph\": " ZW ", \"variant\": \"harmonic\"}", "graph.weights", "as lengths");
}

/* ---------------------------------------------------------------- typed API */

static ck_graph_t *make_graph(ck_ctx_t *ctx, ck_idx_t n, const ck_idx_t *e, ck_idx_t m, const double *w, bool directed)
{
    ck_idx_t *src = malloc((size_t)(m ? m : 1) * sizeof *src), *dst = malloc((size_t)(m ? m : 1) * sizeof *dst);
    for (ck_idx_t i = 0; i < m; i++) {
        src[i] = e[2 * i];
        dst[i] = e[2 * i + 1];
    }
    ck_graph_t *g = NULL;
    ck_status_t s = ck_graph_create(&g, ctx, n, src, dst, w, m, directed);
    free(src);
    free(dst);
    cr_assert_eq(s, CK_OK, "%s", ck_ctx_error(ctx));
    return g;
}

/* A seeded random graph (LCG) big enough for many 64-source chunks. */
static ck_graph_t *random_graph(ck_ctx_t *ctx, ck_idx_t n, ck_idx_t m, bool weighted, bool directed)
{
    ck_idx_t *e = malloc((size_t)(2 * m) * sizeof *e);
    double *w = weighted ? malloc((size_t)m * sizeof *w) : NULL;
    uint64_t x = 88172645463325252ull;
    for (ck_idx_t i = 0; i < m; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        e[2 * i] = (ck_idx_t)((x >> 33) % (uint64_t)n);
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        e[2 * i + 1] = (ck_idx_t)((x >> 33) % (uint64_t)n);
        /* Weights on a coarse grid (multiples of 1/4) so that many paths tie exactly. */
        if (w) w[i] = 0.25 * (double)(1 + (x >> 60) % 8);
    }
    ck_graph_t *g = make_graph(ctx, n, e, m, w, directed);
    free(e);
    free(w);
    return g;
}

Test(centrality, degree_typed)
{
    /* 0->1, 1->2, 2->0, 2->3 with weights. */
    const ck_idx_t e[] = {0, 1, 1, 2, 2, 0, 2, 3};
    const double w[] = {1.5, 2.0, 0.5, 4.0};
    ck_graph_t *g = make_graph(gt_ctx, 4, e, 4, w, true);
    double s[4], din[4], dout[4];
    ck_degree_centrality_options_t o;
    ck_degree_centrality_options_init(&o);
    cr_assert_eq(o.direction, CK_DEGREE_TOTAL);
    cr_assert(o.normalized && !o.weighted);
    cr_assert_eq(ck_degree_centrality(gt_ctx, s, din, dout, g, NULL), CK_OK);
    const double total[] = {2.0 * (1.0 / 3), 2.0 * (1.0 / 3), 3.0 * (1.0 / 3), 1.0 / 3};
    for (int i = 0; i < 4; i++) cr_assert_eq(s[i], total[i], "node %d: %g", i, s[i]);
    cr_assert_eq(din[2], 1.0);
    cr_assert_eq(dout[2], 2.0);
    o.direction = CK_DEGREE_OUT;
    o.weighted = true;
    o.normalized = false;
    cr_assert_eq(ck_degree_centrality(gt_ctx, s, NULL, NULL, g, &o), CK_OK);
    cr_assert_eq(s[2], 4.5);
    cr_assert_eq(s[3], 0.0);
    cr_assert_eq(ck_degree_centrality(gt_ctx, NULL, NULL, NULL, g, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "scores");
    cr_assert_eq(ck_degree_centrality(gt_ctx, s, NULL, NULL, NULL, &o), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_degree_centrality(NULL, s, NULL, NULL, g, &o), CK_E_INVALID_INPUT);
    o.direction = (ck_degree_direction_t)7;
    cr_assert_eq(ck_degree_centrality(gt_ctx, s, NULL, NULL, g, &o), CK_E_INVALID_INPUT);
    ck_graph_destroy(&g);
    /* n = 0: nothing to write, scores may be NULL. */
    g = make_graph(gt_ctx, 0, NULL, 0, NULL, false);
    cr_assert_eq(ck_degree_centrality(gt_ctx, NULL, NULL, NULL, g, NULL), CK_OK);
    cr_assert_eq(ck_betweenness_centrality(gt_ctx, NULL, g, NULL), CK_OK);
    cr_assert_eq(ck_closeness_centrality(gt_ctx, NULL, g, NULL), CK_OK);
    ck_graph_destroy(&g);
}

Test(centrality, betweenness_typed)
{
    const ck_idx_t e[] = {0, 1, 1, 2, 2, 3};
    ck_graph_t *g = make_graph(gt_ctx, 4, e, 3, NULL, false);
    double s[4];
    ck_betweenness_options_t o;
    ck_betweenness_options_init(&o);
    cr_assert(o.normalized && !o.endpoints && o.use_weights && o.k == 0 && o.seed == 42);
    cr_assert_eq(ck_betweenness_centrality(gt_ctx, s, g, NULL), CK_OK);
    cr_assert_float_eq(s[1], 2.0 / 3, 1e-15);
    cr_assert_eq(s[0], 0.0);
    o.normalized = false;
    cr_assert_eq(ck_betweenness_centrality(gt_ctx, s, g, &o), CK_OK);
    cr_assert(s[0] == 0 && s[1] == 2 && s[2] == 2 && s[3] == 0);
    /* k = n gives the exact result bitwise (the sources are 0..n-1 in order). */
    o.k = 4;
    double t[4];
    cr_assert_eq(ck_betweenness_centrality(gt_ctx, t, g, &o), CK_OK);
    cr_assert_arr_eq(s, t, sizeof s);
    o.k = 5;
    cr_assert_eq(ck_betweenness_centrality(gt_ctx, t, g, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "k");
    o.k = -1;
    cr_assert_eq(ck_betweenness_centrality(gt_ctx, t, g, &o), CK_E_INVALID_INPUT);
    ck_graph_destroy(&g);
}

Test(centrality, sample_sources_reproducible)
{
    /* Expected values from numpy's Philox (the gen script's sample_sources). */
    uint32_t src[10];
    cr_assert_eq(ck_betweenness_sample_sources(gt_ctx, src, 34, 10, 7), CK_OK);
    const uint32_t want[10] = {2, 4, 5, 21, 22, 23, 26, 27, 31, 32};
    cr_assert_arr_eq(src, want, sizeof want);
    cr_assert_eq(ck_betweenness_sample_sources(gt_ctx, src, 1000, 5, 42), CK_OK);
    const uint32_t want2[5] = {406, 443, 484, 827, 836};
    cr_assert_arr_eq(src, want2, 5 * sizeof *src);
    cr_assert_eq(ck_betweenness_sample_sources(gt_ctx, src, 6, 6, 1), CK_OK);
    for (uint32_t i = 0; i < 6; i++) cr_assert_eq(src[i], i);
    cr_assert_eq(ck_betweenness_sample_sources(gt_ctx, src, 6, 7, 1), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_betweenness_sample_sources(gt_ctx, NULL, 6, 3, 1), CK_E_INVALID_INPUT);
}

Test(centrality, closeness_typed)
{
    const ck_idx_t e[] = {0, 1, 0, 2, 0, 3, 0, 4};
    ck_graph_t *g = make_graph(gt_ctx, 5, e, 4, NULL, false);
    double s[5];
    ck_closeness_options_t o;
    ck_closeness_options_init(&o);
    cr_assert(o.variant == CK_CLOSENESS_CLASSIC && o.wf_improved && !o.normalized && o.direction == CK_CLOSENESS_IN &&
              o.use_weights);
    cr_assert_eq(ck_closeness_centrality(gt_ctx, s, g, NULL), CK_OK);
    cr_assert_eq(s[0], 1.0);
    for (int i = 1; i < 5; i++) cr_assert_float_eq(s[i], 4.0 / 7, 1e-15);
    o.variant = CK_CLOSENESS_HARMONIC;
    cr_assert_eq(ck_closeness_centrality(gt_ctx, s, g, &o), CK_OK);
    cr_assert_eq(s[0], 4.0);
    cr_assert_eq(s[1], 2.5); /* 1 + 3 * 1/2 */
    o.variant = (ck_closeness_variant_t)3;
    cr_assert_eq(ck_closeness_centrality(gt_ctx, s, g, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "variant");
    ck_graph_destroy(&g);
    /* Directed: 0 -> 1 -> 2. In: node 2 is reached from 0 and 1; out: node 0 reaches 1 and 2. */
    const ck_idx_t d[] = {0, 1, 1, 2};
    g = make_graph(gt_ctx, 3, d, 2, NULL, true);
    ck_closeness_options_init(&o);
    o.wf_improved = false;
    cr_assert_eq(ck_closeness_centrality(gt_ctx, s, g, &o), CK_OK);
    cr_assert(s[0] == 0.0 && s[1] == 1.0 && s[2] == 2.0 / 3);
    o.direction = CK_CLOSENESS_OUT;
    cr_assert_eq(ck_closeness_centrality(gt_ctx, s, g, &o), CK_OK);
    cr_assert(s[0] == 2.0 / 3 && s[1] == 1.0 && s[2] == 0.0);
    ck_graph_destroy(&g);
}

/* ---------------------------------------------------------------- determinism, cancellation */

typedef ck_status_t (*run_fn)(double *s, const ck_graph_t *g, int variant);

static ck_status_t run_bc(double *s, const ck_graph_t *g, int variant)
{
    ck_betweenness_options_t o;
    ck_betweenness_options_init(&o);
    o.endpoints = variant & 1;
    if (variant & 1) o.k = 150;
    return ck_betweenness_centrality(gt_ctx, s, g, &o);
}

static ck_status_t run_cl(double *s, const ck_graph_t *g, int variant)
{
    ck_closeness_options_t o;
    ck_closeness_options_init(&o);
    o.variant = variant & 1 ? CK_CLOSENESS_HARMONIC : CK_CLOSENESS_CLASSIC;
    o.direction = variant & 1 ? CK_CLOSENESS_OUT : CK_CLOSENESS_IN;
    return ck_closeness_centrality(gt_ctx, s, g, &o);
}

/* 300 nodes = 5 chunks of 64 sources: the chunk order must hold for any thread count. */
static void check_invariance(run_fn fn, int variants)
{
    const ck_idx_t n = 300;
    for (int kind = 0; kind < 3; kind++) {
        ck_graph_t *g = random_graph(gt_ctx, n, 900, kind != 0, kind == 2);
        double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
        for (int v = 0; v < variants; v++) {
            ck_ctx_set_threads(gt_ctx, 1);
            cr_assert_eq(fn(a, g, v), CK_OK, "%s", ck_ctx_error(gt_ctx));
            for (int t = 2; t <= 3; t++) {
                ck_ctx_set_threads(gt_ctx, t);
                cr_assert_eq(fn(b, g, v), CK_OK);
                cr_assert_arr_eq(a, b, (size_t)n * sizeof *a, "kind %d variant %d: %d threads differ", kind, v, t);
            }
        }
        free(a);
        free(b);
        ck_graph_destroy(&g);
    }
    ck_ctx_set_threads(gt_ctx, 0);
}

Test(centrality, betweenness_thread_invariant) { check_invariance(run_bc, 2); }
Test(centrality, closeness_thread_invariant) { check_invariance(run_cl, 2); }

Test(centrality, cancelled)
{
    ck_graph_t *g = random_graph(gt_ctx, 200, 600, true, false);
    double s[200];
    ck_ctx_cancel(gt_ctx);
    cr_assert_eq(ck_betweenness_centrality(gt_ctx, s, g, NULL), CK_E_CANCELLED);
    cr_assert_eq(ck_closeness_centrality(gt_ctx, s, g, NULL), CK_E_CANCELLED);
    cr_assert_eq(ck_degree_centrality(gt_ctx, s, NULL, NULL, g, NULL), CK_E_CANCELLED);
    ck_ctx_reset_cancel(gt_ctx);
    cr_assert_eq(ck_betweenness_centrality(gt_ctx, s, g, NULL), CK_OK);
    ck_graph_destroy(&g);
}

/* ---------------------------------------------------------------- allocation failures */

static bool scenario_typed(void)
{
    ck_ctx_t *ctx = NULL;
    ck_graph_t *g = NULL, *gw = NULL;
    bool done = false;
    double s[12], din[12], dout[12];
    uint32_t src[5];
    const ck_idx_t a[] = {0, 1, 1, 2, 2, 3, 3, 0, 4, 5, 5, 6, 1, 7, 8, 9, 9, 10, 7, 3};
    const double w[] = {1, 2, 0.5, 1, 3, 1, 2, 0.25, 1, 4};
    ck_idx_t src_i[10], dst_i[10];
    for (int i = 0; i < 10; i++) {
        src_i[i] = a[2 * i];
        dst_i[i] = a[2 * i + 1];
    }
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    ck_ctx_set_threads(ctx, 2);
    STEP(ck_graph_create(&g, ctx, 12, src_i, dst_i, NULL, 10, false));
    STEP(ck_graph_create(&gw, ctx, 12, src_i, dst_i, w, 10, true));
    STEP(ck_degree_centrality(ctx, s, din, dout, gw, NULL));
    STEP(ck_betweenness_centrality(ctx, s, g, NULL));
    STEP(ck_betweenness_centrality(ctx, s, gw, NULL));
    ck_betweenness_options_t bo;
    ck_betweenness_options_init(&bo);
    bo.k = 5;
    bo.endpoints = true;
    STEP(ck_betweenness_centrality(ctx, s, gw, &bo));
    STEP(ck_betweenness_sample_sources(ctx, src, 12, 5, 9));
    STEP(ck_closeness_centrality(ctx, s, g, NULL));
    STEP(ck_closeness_centrality(ctx, s, gw, NULL));
    done = true;
cleanup:
    ck_graph_destroy(&g);
    ck_graph_destroy(&gw);
    ck_ctx_destroy(&ctx);
    return done;
}

static bool scenario_json(void)
{
    ck_ctx_t *ctx = NULL;
    ck_registry_t *reg = NULL;
    char *out = NULL;
    bool done = false;
    /* Every parameter is given: the runtime's default filling is not this family's code (see the doc). */
    static const char *const runs[][2] = {
        {DEG, "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 3]], \"weights\": [1, 2, 3]}, "
              "\"direction\": \"total\", \"normalized\": true, \"weighted\": true}"},
        {DEG, "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]], \"directed\": true}, \"direction\": \"in\", "
              "\"normalized\": false, \"weighted\": false}"},
        {BC, "{\"graph\": {\"num_nodes\": 5, \"edges\": [[0, 1], [1, 2], [2, 3], [3, 4], [4, 0]]}, \"k\": 3, "
             "\"seed\": 4, \"normalized\": true, \"endpoints\": false, \"use_weights\": true}"},
        {BC, "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 3]], \"weights\": [1, 2, 3]}, \"k\": 0, "
             "\"seed\": 4, \"normalized\": false, \"endpoints\": true, \"use_weights\": true}"},
        {CL, "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 3]], \"weights\": [1, 2, 3]}, "
             "\"variant\": \"harmonic\", \"wf_improved\": true, \"normalized\": true, \"direction\": \"in\", "
             "\"use_weights\": true}"},
        {CL, "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 0]], \"directed\": true}, "
             "\"variant\": \"classic\", \"wf_improved\": true, \"normalized\": false, \"direction\": \"out\", "
             "\"use_weights\": false}"},
    };
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    ck_ctx_set_threads(ctx, 2);
    STEP(ck_registry_create(&reg, ctx));
    for (size_t i = 0; i < cki_graph_centrality_table.count; i++)
        STEP(ck_registry_register(ctx, reg, &cki_graph_centrality_table.kernels[i]));
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        STEP(ck_execute_json(ctx, reg, runs[i][0], runs[i][1], (size_t)-1, &out));
        ck_ctx_free(ctx, out);
        out = NULL;
    }
    done = true;
cleanup:
    if (ctx) ck_ctx_free(ctx, out);
    ck_registry_destroy(&reg);
    ck_ctx_destroy(&ctx);
    return done;
}

Test(centrality_alloc, typed_sweep) { sweep(scenario_typed, "typed", 20, SWEEP_JSON); }
Test(centrality_alloc, json_sweep) { sweep(scenario_json, "json", 40, SWEEP_JSON); }

Test(centrality, examples_and_descriptors)
{
    cr_assert_eq(cki_graph_centrality_table.count, 3);
    for (size_t i = 0; i < cki_graph_centrality_table.count; i++) {
        const ck_kernel_t *k = &cki_graph_centrality_table.kernels[i];
        cr_assert_eq(ck_registry_find(gt_reg, k->meta.id), k, "%s is not registered", k->meta.id);
        cr_assert_eq(k->meta.domain, CK_DOMAIN_GRAPH);
        /* degree-centrality also runs as an actor (docs/kernels/graph-actors.md) */
        cr_assert_eq(k->meta.modes, strcmp(k->meta.id, "graph/degree-centrality") ? CK_MODE_BATCH
                                                                                   : CK_MODE_BATCH | CK_MODE_RING);
        cr_assert_eq(k->meta.version, 1);
        cr_assert_str_eq(k->params[0].name, "graph");
        char *out = NULL;
        ck_status_t s = ck_execute_json(gt_ctx, gt_reg, k->meta.id, k->example_input, strlen(k->example_input), &out);
        cr_assert_eq(s, CK_OK, "%s example: %s", k->meta.id, ck_ctx_error(gt_ctx));
        json_t *v = json_loads(out, 0, NULL);
        cr_assert(json_is_array(json_object_get(v, "scores")), "%s: %s", k->meta.id, out);
        json_decref(v);
        ck_ctx_free(gt_ctx, out);
    }
}
