/* graph/... spectral family: graph/pagerank, graph/eigenvector-centrality, graph/katz-centrality.
 * Oracle cases (networkx 3.6.1, tests/data/graph/spectral/gen_spectral.py), the spec's edge cases
 * and hand values, bad input, the iterative interface, the typed API, thread invariance on a
 * multi-chunk graph, divergence, cancellation and an allocation-failure sweep. */
#include <stdlib.h>

#include "alloc_sweep.h"
#include "graph_test.h"
#include "json_internal.h"

TestSuite(spectral, .init = gt_setup, .fini = gt_teardown);

/* ---------------------------------------------------------------- oracle cases */

Test(spectral, pagerank_oracle) { cr_assert_gt(gt_run_cases("spectral/cases.json", "graph/pagerank"), 0); }

Test(spectral, eigenvector_oracle)
{
    cr_assert_gt(gt_run_cases("spectral/cases.json", "graph/eigenvector-centrality"), 0);
}

Test(spectral, katz_oracle) { cr_assert_gt(gt_run_cases("spectral/cases.json", "graph/katz-centrality"), 0); }

/* ---------------------------------------------------------------- helpers */

static json_t *run_text(const char *id, const char *input, ck_status_t expect)
{
    json_t *in = json_loads(input, 0, NULL);
    cr_assert_not_null(in, "bad test JSON: %s", input);
    gt_resolve_graph(in);
    json_t *out = gt_run(id, in, expect);
    json_decref(in);
    return out;
}

static double score_at(const json_t *out, size_t i)
{
    return json_number_value(json_array_get(json_object_get(out, "scores"), i));
}

/* A directed graph big enough for several SpMV chunks, with dangling nodes, weights and very
 * uneven in-degrees (a few hubs). */
static ck_graph_t *big_graph(ck_ctx_t *ctx, bool directed)
{
    const ck_idx_t n = 20000, m = 90000;
    ck_idx_t *src = malloc(m * sizeof *src), *dst = malloc(m * sizeof *dst);
    double *w = malloc(m * sizeof *w);
    cr_assert(src && dst && w);
    uint64_t s = 12345;
    for (ck_idx_t i = 0; i < m; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t r = s >> 17;
        src[i] = (ck_idx_t)(r % (uint64_t)n);
        if (src[i] % 11 == 5) src[i] = (src[i] + 1) % n; /* nodes = 5 mod 11 have no out-edges */
        dst[i] = (ck_idx_t)((r >> 20) % 8 == 0 ? (r >> 24) % 16 : (r >> 24) % (uint64_t)n);
        w[i] = 0.5 + (double)((r >> 40) % 8) / 4;
    }
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, ctx, n, src, dst, w, m, directed), CK_OK, "%s", ck_ctx_error(ctx));
    free(src);
    free(dst);
    free(w);
    return g;
}

/* ---------------------------------------------------------------- edge cases (JSON) */

Test(spectral, pagerank_edge_cases)
{
    /* alpha = 0 and an edgeless graph give p; the harness cases cover n = 0 and n = 1. */
    json_t *out = run_text("graph/pagerank",
                           "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]], \"directed\": true}, "
                           "\"alpha\": 0, \"personalization\": [1, 1, 2]}",
                           CK_OK);
    cr_assert_float_eq(score_at(out, 0), 0.25, 1e-15);
    cr_assert_float_eq(score_at(out, 2), 0.5, 1e-15);
    json_decref(out);
    /* Explicit nulls are the defaults. */
    out = run_text("graph/pagerank",
                   "{\"graph\": {\"num_nodes\": 2, \"edges\": []}, \"personalization\": null, \"dangling\": null, "
                   "\"nstart\": null}",
                   CK_OK);
    cr_assert_float_eq(score_at(out, 1), 0.5, 1e-15);
    json_decref(out);
    /* The iteration limit is not an error: converged:false with the last iterate. */
    out = run_text("graph/pagerank", "{\"graph\": \"@karate\", \"max_iter\": 2, \"tol\": 1e-12}", CK_NOT_CONVERGED);
    cr_assert_not_null(out);
    json_decref(out);
    char *text = NULL;
    cr_assert_eq(ck_execute_json(gt_ctx, gt_reg, "graph/pagerank",
                                 "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2], [2, 0]]}, \"max_iter\": 1, "
                                 "\"nstart\": [1, 0, 0]}",
                                 (size_t)-1, &text),
                 CK_NOT_CONVERGED);
    cr_assert(strstr(text, "\"converged\":false") && strstr(text, "\"iterations\":1"), "%s", text);
    ck_ctx_free(gt_ctx, text);
    /* Self-loops are dropped with a warning. */
    cr_assert_eq(ck_execute_json(gt_ctx, gt_reg, "graph/pagerank",
                                 "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 0], [0, 1]]}}", (size_t)-1, &text),
                 CK_OK);
    cr_assert(strstr(text, "1 self-loop dropped"), "%s", text);
    ck_ctx_free(gt_ctx, text);
}

Test(spectral, eigenvector_edge_cases)
{
    /* A directed path (a DAG) does not converge within a small limit: converged:false, no error. */
    char *text = NULL;
    cr_assert_eq(ck_execute_json(gt_ctx, gt_reg, "graph/eigenvector-centrality",
                                 "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]], \"directed\": true}, "
                                 "\"max_iter\": 20, \"tol\": 1e-12}",
                                 (size_t)-1, &text),
                 CK_NOT_CONVERGED);
    cr_assert(strstr(text, "\"converged\":false") && strstr(text, "\"iterations\":20"), "%s", text);
    ck_ctx_free(gt_ctx, text);
    /* Disconnected: the result depends on nstart (documented, not an error). */
    json_t *a = run_text("graph/eigenvector-centrality",
                         "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [2, 3]]}, \"nstart\": [1, 1, 3, 3]}", CK_OK);
    cr_assert_float_eq(score_at(a, 2), 3 / sqrt(20), 1e-12);
    cr_assert_float_eq(score_at(a, 0), 1 / sqrt(20), 1e-12);
    json_decref(a);
}

Test(spectral, katz_edge_cases)
{
    /* Edgeless: beta normalised; unnormalized keeps beta. */
    json_t *out = run_text("graph/katz-centrality", "{\"graph\": {\"num_nodes\": 2, \"edges\": []}, \"beta\": [3, 4]}",
                           CK_OK);
    cr_assert_float_eq(score_at(out, 0), 0.6, 1e-15);
    cr_assert_float_eq(score_at(out, 1), 0.8, 1e-15);
    json_decref(out);
    out = run_text("graph/katz-centrality",
                   "{\"graph\": {\"num_nodes\": 2, \"edges\": []}, \"beta\": 2, \"normalized\": false}", CK_OK);
    cr_assert_eq(score_at(out, 1), 2.0);
    json_decref(out);
    /* beta = 0 everywhere from nstart = 0: the zero vector, whose norm 0 is not divided by. */
    out = run_text("graph/katz-centrality", "{\"graph\": \"@karate\", \"beta\": 0}", CK_OK);
    cr_assert_eq(score_at(out, 0), 0.0);
    json_decref(out);
}

Test(spectral, katz_divergence)
{
    /* A 4-cycle with a chord: lambda_max = (1 + sqrt 17)/2 = 2.5616, so alpha = 0.9 diverges
     * (alpha = 0.5 would too, but too slowly to pass 1e150 within max_iter: converged:false). */
    char *out = NULL;
    const char *in = "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]]}, "
                     "\"alpha\": 0.9}";
    cr_assert_eq(ck_execute_json(gt_ctx, gt_reg, "graph/katz-centrality", in, (size_t)-1, &out), CK_E_DIVERGED);
    cr_assert_null(out);
    const char *msg = ck_ctx_error(gt_ctx);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "alpha");
    cr_assert(strstr(msg, "alpha = 0.9 diverges") && strstr(msg, "1/lambda_max = 0.390388"), "%s", msg); /* λ = (1+√17)/2 */
    /* alpha below the bound, but beta so large that |x| passes 1e150. */
    json_t *star = gt_load("graphs/star5.json"), *jin = json_pack("{s:O, s:f, s:f}", "graph", star, "alpha", 0.1, "beta", 1e150);
    json_t *res = gt_run("graph/katz-centrality", jin, CK_E_DIVERGED);
    cr_assert_null(res);
    msg = ck_ctx_error(gt_ctx);
    cr_assert(strstr(msg, "alpha = 0.1 is below 1/lambda_max = 0.5") && strstr(msg, "beta or nstart is too large"),
              "%s", msg);
    json_decref(jin);
    json_decref(star);
    /* The typed API reports the same. */
    ck_graph_t *g = NULL;
    const ck_idx_t s[] = {0, 1, 2, 3, 0}, d[] = {1, 2, 3, 0, 2};
    cr_assert_eq(ck_graph_create(&g, gt_ctx, 4, s, d, NULL, 5, false), CK_OK);
    ck_katz_options_t o;
    ck_katz_options_init(&o);
    o.alpha = 0.9;
    double x[4];
    ck_spectral_info_t info;
    cr_assert_eq(ck_katz_centrality(gt_ctx, x, &info, g, &o), CK_E_DIVERGED);
    cr_assert(!info.converged);
    cr_assert_gt(info.iterations, 10);
    cr_assert(strstr(ck_ctx_error(gt_ctx), "1/lambda_max = 0.390388"), "%s", ck_ctx_error(gt_ctx));
    ck_graph_destroy(&g);
}

/* ---------------------------------------------------------------- bad input */

#define G3 "{\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]], \"directed\": true}"

Test(spectral, pagerank_bad_input)
{
    const char *id = "graph/pagerank";
    gt_expect_error(id, "{\"graph\": " G3 ", \"alpha\": 1}", "alpha", "out of range [0, 1)");
    gt_expect_error(id, "{\"graph\": " G3 ", \"alpha\": -0.1}", "alpha", "out of range");
    gt_expect_error(id, "{\"graph\": " G3 ", \"tol\": 0}", "tol", "> 0");
    gt_expect_error(id, "{\"graph\": " G3 ", \"tol\": -1}", "tol", "out of range");
    gt_expect_error(id, "{\"graph\": " G3 ", \"max_iter\": 0}", "max_iter", "out of range");
    gt_expect_error(id, "{\"graph\": " G3 ", \"max_iter\": 1000001}", "max_iter", "out of range");
    gt_expect_error(id, "{\"graph\": " G3 ", \"use_weights\": 1}", "use_weights", "expected a boolean");
    gt_expect_error(id, "{\"graph\": " G3 ", \"personalization\": [0, 0, 0]}", "personalization", "positive sum");
    gt_expect_error(id, "{\"graph\": " G3 ", \"personalization\": [1, 2]}", "personalization",
                    "has 2 values, expected one per node (3)");
    gt_expect_error(id, "{\"graph\": " G3 ", \"personalization\": [1, -2, 3]}", "personalization[1]", "below 0");
    gt_expect_error(id, "{\"graph\": " G3 ", \"personalization\": \"uniform\"}", "personalization", "expected an array");
    gt_expect_error(id, "{\"graph\": " G3 ", \"dangling\": [0, 0, 0]}", "dangling", "positive sum");
    gt_expect_error(id, "{\"graph\": " G3 ", \"nstart\": [1, true, 1]}", "nstart[1]", "expected a number");
    gt_expect_error(id, "{\"graph\": " G3 ", \"nstart\": [0, 0, 0]}", "nstart", "positive sum");
    gt_expect_error(id, "{\"graph\": " G3 ", \"damping\": 0.85}", "damping", "unknown field");
    gt_expect_error(id, "{\"alpha\": 0.85}", "graph", "missing required field");
    gt_expect_error(id, "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 2]]}}", "graph.edges[0][1]", "out of range");
}

Test(spectral, eigenvector_bad_input)
{
    const char *id = "graph/eigenvector-centrality";
    gt_expect_error(id, "{\"graph\": " G3 ", \"nstart\": [0, 0, 0]}", "nstart", "positive sum");
    gt_expect_error(id, "{\"graph\": " G3 ", \"nstart\": [1, -1, 1]}", "nstart[1]", "below 0");
    gt_expect_error(id, "{\"graph\": " G3 ", \"nstart\": [1, 1, 1, 1]}", "nstart", "expected one per node (3)");
    gt_expect_error(id, "{\"graph\": " G3 ", \"tol\": 0}", "tol", "> 0");
    gt_expect_error(id, "{\"graph\": " G3 ", \"max_iter\": -5}", "max_iter", "out of range");
    gt_expect_error(id, "{\"graph\": " G3 ", \"max_iter\": 1.5}", "max_iter", "expected an integer");
    gt_expect_error(id, "{\"graph\": " G3 ", \"alpha\": 0.1}", "alpha", "unknown field");
}

Test(spectral, katz_bad_input)
{
    const char *id = "graph/katz-centrality";
    gt_expect_error(id, "{\"graph\": " G3 ", \"alpha\": 0}", "alpha", "> 0");
    gt_expect_error(id, "{\"graph\": " G3 ", \"alpha\": -0.5}", "alpha", "out of range");
    gt_expect_error(id, "{\"graph\": " G3 ", \"beta\": [1, 2]}", "beta", "has 2 values, expected one per node (3)");
    gt_expect_error(id, "{\"graph\": " G3 ", \"beta\": \"one\"}", "beta", "expected a number or an array");
    gt_expect_error(id, "{\"graph\": " G3 ", \"beta\": null}", "beta", "expected a number or an array");
    gt_expect_error(id, "{\"graph\": " G3 ", \"beta\": [1, \"x\", 2]}", "beta[1]", "expected a number");
    gt_expect_error(id, "{\"graph\": " G3 ", \"nstart\": [1]}", "nstart", "expected one per node (3)");
    gt_expect_error(id, "{\"graph\": " G3 ", \"tol\": 0}", "tol", "> 0");
    gt_expect_error(id, "{\"graph\": " G3 ", \"max_iter\": 0}", "max_iter", "out of range");
    gt_expect_error(id, "{\"graph\": " G3 ", \"normalized\": \"yes\"}", "normalized", "expected a boolean");
}

/* ---------------------------------------------------------------- iterative interface */

Test(spectral, pagerank_step_by_step)
{
    const char *in = "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2], [2, 0], [0, 2]], \"directed\": true}, "
                     "\"tol\": 1e-12, \"max_iter\": 1000}";
    ck_iteration_t *it = NULL;
    cr_assert_eq(ck_iteration_begin(gt_ctx, gt_reg, "graph/pagerank", in, (size_t)-1, &it), CK_OK,
                 "%s", ck_ctx_error(gt_ctx));
    /* x0 = 1/3 each; s = [2, 1, 1]; x1 = 0.85·[1/3, 1/6, 1/6 + 1/3] + 0.05 = [1/3, 23/120, 19/40]. */
    double d;
    cr_assert_eq(ck_iteration_step(it, &d), CK_OK);
    cr_assert_float_eq(d, 17.0 / 60, 1e-15, "%.17g", d);
    char *text = NULL;
    cr_assert_eq(ck_iteration_result(it, &text), CK_NOT_CONVERGED);
    json_t *out = json_loads(text, 0, NULL);
    cr_assert_float_eq(score_at(out, 0), 1.0 / 3, 1e-15);
    cr_assert_float_eq(score_at(out, 1), 23.0 / 120, 1e-15);
    cr_assert_float_eq(score_at(out, 2), 19.0 / 40, 1e-15);
    json_decref(out);
    ck_ctx_free(gt_ctx, text);
    double last = d;
    while (!ck_iteration_converged(it)) {
        cr_assert_eq(ck_iteration_step(it, &d), CK_OK);
        cr_assert_leq(d, last * 1.0000001); /* contraction: the L1 change never grows */
        last = d;
    }
    cr_assert_eq(ck_iteration_result(it, &text), CK_OK);
    out = json_loads(text, 0, NULL);
    cr_assert_float_eq(score_at(out, 0), 0.387790, 1e-6);
    json_decref(out);
    ck_ctx_free(gt_ctx, text);
    ck_iteration_destroy(&it);
}

/* ---------------------------------------------------------------- typed API */

Test(spectral, typed_pagerank)
{
    const ck_idx_t s[] = {0, 1, 2, 0}, d[] = {1, 2, 0, 2};
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, gt_ctx, 3, s, d, NULL, 4, true), CK_OK);
    double x[3];
    ck_spectral_info_t info;
    ck_pagerank_options_t o;
    ck_pagerank_options_init(&o);
    cr_assert_eq(o.alpha, 0.85);
    cr_assert_eq(o.max_iter, 100);
    o.tol = 1e-12;
    o.max_iter = 1000;
    cr_assert_eq(ck_pagerank(gt_ctx, x, &info, g, &o), CK_OK, "%s", ck_ctx_error(gt_ctx));
    cr_assert(info.converged);
    cr_assert_gt(info.iterations, 10);
    cr_assert_lt(info.l1_delta, 3e-12);
    cr_assert_float_eq(x[0], 0.387790, 1e-6);
    cr_assert_float_eq(x[1], 0.214811, 1e-6);
    cr_assert_float_eq(x[2], 0.397400, 1e-6);
    cr_assert_float_eq(x[0] + x[1] + x[2], 1.0, 1e-14);
    /* Defaults (opts NULL), and the iteration limit. */
    cr_assert_eq(ck_pagerank(gt_ctx, x, NULL, g, NULL), CK_OK);
    o.max_iter = 3;
    cr_assert_eq(ck_pagerank(gt_ctx, x, &info, g, &o), CK_NOT_CONVERGED);
    cr_assert_eq(info.iterations, 3);
    cr_assert(!info.converged);
    /* Personalization on the dangling pair 0→1, 0→2: p = [0, 0, 1], d = p. */
    ck_graph_t *h = NULL;
    cr_assert_eq(ck_graph_create(&h, gt_ctx, 3, (ck_idx_t[]){0, 0}, (ck_idx_t[]){1, 2}, NULL, 2, true), CK_OK);
    ck_pagerank_options_init(&o);
    o.tol = 1e-13;
    o.max_iter = 1000;
    cr_assert_eq(ck_pagerank(gt_ctx, x, &info, h, &o), CK_OK);
    cr_assert_float_eq(x[0], 20.0 / 77, 1e-12);
    cr_assert_float_eq(x[1], 57.0 / 154, 1e-12);
    /* Bad options name the field. */
    o.alpha = 1.0;
    cr_assert_eq(ck_pagerank(gt_ctx, x, &info, g, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "alpha");
    ck_pagerank_options_init(&o);
    const double bad[] = {1, NAN, 1};
    o.personalization = bad;
    cr_assert_eq(ck_pagerank(gt_ctx, x, &info, g, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "personalization[1]");
    cr_assert_eq(ck_pagerank(gt_ctx, x, &info, NULL, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "g");
    cr_assert_eq(ck_pagerank(gt_ctx, NULL, &info, g, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "scores");
    cr_assert_eq(ck_pagerank(NULL, x, &info, g, NULL), CK_E_INVALID_INPUT);
    /* n = 0: no iteration, converged. */
    ck_graph_t *e = NULL;
    cr_assert_eq(ck_graph_create(&e, gt_ctx, 0, NULL, NULL, NULL, 0, true), CK_OK);
    cr_assert_eq(ck_pagerank(gt_ctx, NULL, &info, e, NULL), CK_OK);
    cr_assert(info.converged);
    cr_assert_eq(info.iterations, 0);
    ck_graph_destroy(&e);
    ck_graph_destroy(&h);
    ck_graph_destroy(&g);
}

Test(spectral, typed_eigenvector_and_katz)
{
    const ck_idx_t s[] = {0, 0, 0, 0}, d[] = {1, 2, 3, 4};
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, gt_ctx, 5, s, d, NULL, 4, false), CK_OK);
    double x[5];
    ck_spectral_info_t info;
    ck_eigenvector_options_t eo;
    ck_eigenvector_options_init(&eo);
    eo.tol = 1e-13;
    eo.max_iter = 10000;
    cr_assert_eq(ck_eigenvector_centrality(gt_ctx, x, &info, g, &eo), CK_OK, "%s", ck_ctx_error(gt_ctx));
    cr_assert(info.converged);
    cr_assert_float_eq(x[0], 1 / sqrt(2.0), 1e-11);
    cr_assert_float_eq(x[3], 1 / (2 * sqrt(2.0)), 1e-11);
    const double zero[5] = {0};
    eo.nstart = zero;
    cr_assert_eq(ck_eigenvector_centrality(gt_ctx, x, &info, g, &eo), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "nstart");

    ck_katz_options_t ko;
    ck_katz_options_init(&ko);
    cr_assert_eq(ko.alpha, 0.1);
    cr_assert_eq(ko.max_iter, 1000);
    ko.tol = 1e-12;
    cr_assert_eq(ck_katz_centrality(gt_ctx, x, &info, g, &ko), CK_OK, "%s", ck_ctx_error(gt_ctx));
    cr_assert_float_eq(x[0], 0.536875, 1e-6);
    cr_assert_float_eq(x[4], 0.421831, 1e-6);
    /* Unnormalized with per-node beta: closed form on the star, x = (I − αA)⁻¹β. Hub h, leaf l_i:
     * l_i = α·h + β_i, h = α·Σl_i + β_0 ⇒ h = (β_0 + α·Σβ_i) / (1 − 4α²). */
    const double beta[5] = {1, 2, 3, 4, 5};
    ko.beta_vec = beta;
    ko.normalized = false;
    cr_assert_eq(ck_katz_centrality(gt_ctx, x, &info, g, &ko), CK_OK);
    double h = (1 + 0.1 * 14) / (1 - 4 * 0.01);
    cr_assert_float_eq(x[0], h, 1e-11);
    cr_assert_float_eq(x[2], 0.1 * h + 3, 1e-11);
    ko.alpha = 0;
    cr_assert_eq(ck_katz_centrality(gt_ctx, x, &info, g, &ko), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "alpha");
    ck_graph_destroy(&g);
}

Test(spectral, cancellation)
{
    ck_graph_t *g = big_graph(gt_ctx, true);
    double *x = malloc(20000 * sizeof *x);
    ck_ctx_cancel(gt_ctx);
    cr_assert_eq(ck_pagerank(gt_ctx, x, NULL, g, NULL), CK_E_CANCELLED);
    cr_assert_eq(ck_katz_centrality(gt_ctx, x, NULL, g, NULL), CK_E_CANCELLED);
    ck_ctx_reset_cancel(gt_ctx);
    free(x);
    ck_graph_destroy(&g);
}

/* ---------------------------------------------------------------- thread invariance */

/* Bitwise comparisons need no convergence: 20 iterations each. */
typedef ck_status_t (*runner_fn)(ck_ctx_t *, double *, const ck_graph_t *);
static ck_status_t finished(ck_status_t s) { return s == CK_NOT_CONVERGED ? CK_OK : s; }
static ck_status_t run_pr(ck_ctx_t *c, double *x, const ck_graph_t *g)
{
    ck_pagerank_options_t o;
    ck_pagerank_options_init(&o);
    o.max_iter = 20;
    return finished(ck_pagerank(c, x, NULL, g, &o));
}
static ck_status_t run_ev(ck_ctx_t *c, double *x, const ck_graph_t *g)
{
    ck_eigenvector_options_t o;
    ck_eigenvector_options_init(&o);
    o.max_iter = 20;
    return finished(ck_eigenvector_centrality(c, x, NULL, g, &o));
}
static ck_status_t run_katz(ck_ctx_t *c, double *x, const ck_graph_t *g)
{
    ck_katz_options_t o;
    ck_katz_options_init(&o);
    o.alpha = 0.01;
    o.max_iter = 20;
    return finished(ck_katz_centrality(c, x, NULL, g, &o));
}

Test(spectral, thread_invariance_multi_chunk)
{
    const runner_fn runners[] = {run_pr, run_ev, run_katz};
    const char *names[] = {"pagerank", "eigenvector", "katz"};
    for (int directed = 0; directed <= 1; directed++) {
        ck_graph_t *g = big_graph(gt_ctx, directed);
        const ck_idx_t n = ck_graph_num_nodes(g);
        double *ref = malloc(n * sizeof *ref), *x = malloc(n * sizeof *x);
        for (size_t r = 0; r < 3; r++) {
            ck_ctx_set_threads(gt_ctx, 1);
            cr_assert_eq(runners[r](gt_ctx, ref, g), CK_OK, "%s: %s", names[r], ck_ctx_error(gt_ctx));
            for (int t = 2; t <= 3; t++) {
                ck_ctx_set_threads(gt_ctx, t);
                cr_assert_eq(runners[r](gt_ctx, x, g), CK_OK);
                cr_assert(memcmp(ref, x, n * sizeof *x) == 0, "%s (directed %d): %d threads changed the result",
                          names[r], directed, t);
            }
        }
        double sum = 0;
        ck_ctx_set_threads(gt_ctx, 2);
        cr_assert_eq(run_pr(gt_ctx, x, g), CK_OK);
        for (ck_idx_t i = 0; i < n; i++) sum += x[i];
        cr_assert_float_eq(sum, 1.0, 1e-12);
        free(ref);
        free(x);
        ck_graph_destroy(&g);
    }
}

/* ---------------------------------------------------------------- allocation failures */

static bool scenario(void)
{
    ck_ctx_t *ctx = NULL;
    ck_registry_t *reg = NULL;
    ck_graph_t *g = NULL;
    char *out = NULL;
    bool done = false;
    const ck_idx_t s[] = {0, 1, 2, 0, 3}, d[] = {1, 2, 0, 2, 4};
    const double w[] = {1, 2, 0.5, 1, 3}, p[] = {1, 0, 2, 1, 1};
    double x[5];
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    ck_ctx_set_threads(ctx, 2);
    STEP(ck_graph_create(&g, ctx, 5, s, d, w, 5, true));
    ck_pagerank_options_t po;
    ck_pagerank_options_init(&po);
    po.personalization = p;
    po.dangling = p;
    po.nstart = p;
    STEP(ck_pagerank(ctx, x, NULL, g, &po));
    STEP(ck_eigenvector_centrality(ctx, x, NULL, g, NULL));
    ck_katz_options_t ko;
    ck_katz_options_init(&ko);
    ko.beta_vec = p;
    ko.nstart = p;
    STEP(ck_katz_centrality(ctx, x, NULL, g, &ko));
    STEP(ck_registry_create(&reg, ctx));
    STEP(ck_registry_register_all(ctx, reg));
    static const char *const inputs[][2] = {
        {"graph/pagerank", NULL}, /* the examples, with defaults */
        {"graph/eigenvector-centrality", NULL},
        {"graph/katz-centrality", NULL},
        {"graph/pagerank",
         "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1]], \"weights\": [2]}, \"alpha\": 0.85, \"tol\": 1e-6, "
         "\"max_iter\": 100, \"use_weights\": true, \"personalization\": [1, 2, 3], \"dangling\": [1, 1, 0], "
         "\"nstart\": [1, 1, 1]}"},
        {"graph/eigenvector-centrality",
         "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]]}, \"tol\": 1e-6, \"max_iter\": 100, "
         "\"use_weights\": true, \"nstart\": [1, 1, 1]}"},
        {"graph/katz-centrality",
         "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1]], \"directed\": true}, \"alpha\": 0.1, "
         "\"beta\": [1, 2, 3], \"tol\": 1e-6, \"max_iter\": 100, \"use_weights\": false, \"normalized\": true, "
         "\"nstart\": [1, 1, 1]}"},
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        const char *in = inputs[i][1] ? inputs[i][1] : ck_registry_find(reg, inputs[i][0])->example_input;
        STEP(ck_execute_json(ctx, reg, inputs[i][0], in, (size_t)-1, &out));
        ck_ctx_free(ctx, out);
        out = NULL;
    }
    done = true;
cleanup:
    if (ctx) ck_ctx_free(ctx, out);
    ck_registry_destroy(&reg);
    ck_graph_destroy(&g);
    ck_ctx_destroy(&ctx);
    return done;
}

/* Only the ctx allocator fails: jansson keeps malloc. (Under jansson's own allocation failures,
 * its lexer drops characters of long strings and keys instead of failing: reported to the lead.) */
Test(spectral, allocation_failures) { sweep(scenario, "spectral", 50 + 1, 0); }
