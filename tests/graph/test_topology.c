/* graph/degree-ratio and graph/star-topology: oracle cases (networkx, tests/data/graph/topology/),
 * edge cases, bad input, the typed API and an allocation-failure sweep. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "alloc_sweep.h"
#include "graph_internal.h"
#include "graph_test.h"
#include "topology_internal.h"

TestSuite(topology, .init = gt_setup, .fini = gt_teardown);

/* ---------------------------------------------------------------- oracle cases */

Test(topology, degree_ratio_oracle) { cr_assert_geq(gt_run_cases("topology/cases.json", "graph/degree-ratio"), 10); }

Test(topology, star_topology_oracle) { cr_assert_geq(gt_run_cases("topology/cases.json", "graph/star-topology"), 10); }

/* ---------------------------------------------------------------- bad input */

#define OUT_STAR "{\"num_nodes\": 5, \"edges\": [[0, 1], [0, 2], [0, 3], [0, 4]], \"directed\": true}"

Test(topology, degree_ratio_bad_input)
{
    const char *id = "graph/degree-ratio";
    gt_expect_error(id, "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1]]}}", "graph.directed", "directed graph");
    gt_expect_error(id, "{\"graph\": " OUT_STAR ", \"source_threshold\": -0.1}", "source_threshold", "out of range");
    gt_expect_error(id, "{\"graph\": " OUT_STAR ", \"sink_threshold\": 1.5}", "sink_threshold", "out of range");
    gt_expect_error(id, "{\"graph\": " OUT_STAR ", \"source_threshold\": 0.5, \"sink_threshold\": 0.5}",
                    "sink_threshold", "greater than source_threshold");
    gt_expect_error(id, "{\"graph\": " OUT_STAR ", \"source_threshold\": 0.9}", "sink_threshold",
                    "greater than source_threshold");
    gt_expect_error(id, "{\"graph\": " OUT_STAR ", \"use_weights\": 1}", "use_weights", "boolean");
    gt_expect_error(id, "{\"graph\": " OUT_STAR ", \"threshold\": 0.5}", "threshold", "unknown field");
    gt_expect_error(id, "{}", "graph", "missing");
    gt_expect_error(id, "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 2]], \"directed\": true}}", "graph.edges[0][1]",
                    "out of range");
    gt_expect_error(id, "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 1]], \"weights\": [-1], \"directed\": true}}",
                    "graph.weights[0]", "");
}

Test(topology, star_topology_bad_input)
{
    const char *id = "graph/star-topology";
    gt_expect_error(id, "{\"graph\": " OUT_STAR ", \"min_degree\": 0}", "min_degree", "out of range");
    gt_expect_error(id, "{\"graph\": " OUT_STAR ", \"min_degree\": 2.5}", "min_degree", "integer");
    gt_expect_error(id, "{\"graph\": " OUT_STAR ", \"min_score\": 1.01}", "min_score", "out of range");
    gt_expect_error(id, "{\"graph\": " OUT_STAR ", \"min_score\": -1}", "min_score", "out of range");
    gt_expect_error(id, "{\"graph\": " OUT_STAR ", \"top_k\": -1}", "top_k", "out of range");
    gt_expect_error(id, "{\"graph\": " OUT_STAR ", \"use_weights\": true}", "use_weights", "unknown field");
    gt_expect_error(id, "{\"graph\": [1, 2]}", "graph", "object");
}

/* Self-loops are dropped with a warning in meta. */
Test(topology, self_loop_warning)
{
    json_t *in = json_loads("{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 0], [0, 1]], \"directed\": true}}", 0, NULL);
    json_t *out = gt_run("graph/degree-ratio", in, CK_OK);
    json_t *w = json_object_get(json_object_get(out, "meta"), "warnings");
    cr_assert(json_is_array(w) && json_array_size(w) == 1);
    cr_assert(strstr(json_string_value(json_array_get(w, 0)), "self-loop"));
    cr_assert_eq(json_integer_value(json_array_get(json_object_get(out, "out"), 0)), 1);
    json_decref(out);
    json_decref(in);
}

/* ---------------------------------------------------------------- typed API */

static ck_graph_t *make_graph(ck_ctx_t *ctx, ck_idx_t n, const ck_idx_t *src, const ck_idx_t *dst, const double *w,
                              ck_idx_t m, bool directed)
{
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, ctx, n, src, dst, w, m, directed), CK_OK, "%s", ck_ctx_error(ctx));
    return g;
}

Test(topology, degree_ratio_typed)
{
    /* 0 -> 1 (3), 0 -> 2 (1), 1 -> 0 (1), 2 -> 1 (2), node 3 isolated. */
    const ck_idx_t src[] = {0, 0, 1, 2}, dst[] = {1, 2, 0, 1};
    const double w[] = {3, 1, 1, 2};
    ck_graph_t *g = make_graph(gt_ctx, 4, src, dst, w, 4, true);
    double in[4], out[4], share[4], ratio[4], pt[4];
    ck_flow_role_t role[4];
    ck_role_counts_t rc;
    ck_degree_ratio_options_t o;
    ck_degree_ratio_options_init(&o);
    cr_assert(!o.use_weights);
    cr_assert_eq(o.source_threshold, 0.2);
    cr_assert_eq(o.sink_threshold, 0.8);
    cr_assert_eq(ck_degree_ratio(gt_ctx, in, out, share, ratio, pt, role, &rc, g, &o), CK_OK);
    cr_assert_eq(in[1], 2);
    cr_assert_eq(out[0], 2);
    cr_assert_eq(share[1], 2.0 / 3.0);
    cr_assert(isnan(share[3]) && isnan(ratio[3]) && isnan(pt[3]));
    cr_assert_eq(role[3], CK_FLOW_ISOLATED);
    cr_assert_eq(rc.isolated, 1);
    o.use_weights = true;
    cr_assert_eq(ck_degree_ratio(gt_ctx, in, out, share, NULL, NULL, role, &rc, g, &o), CK_OK);
    /* node 0: in 1, out 4 -> share 0.2: source (<= threshold); node 1: in 5, out 1 -> sink. */
    cr_assert_eq(in[0], 1);
    cr_assert_eq(out[0], 4);
    cr_assert_eq(role[0], CK_FLOW_SOURCE);
    cr_assert_eq(role[1], CK_FLOW_SINK);
    cr_assert_eq(role[2], CK_FLOW_BALANCED); /* in 1, out 2 */
    cr_assert_eq(rc.source + rc.sink + rc.balanced + rc.isolated, 4);
    /* All outputs optional; NULL options are the defaults. */
    cr_assert_eq(ck_degree_ratio(gt_ctx, NULL, NULL, NULL, NULL, NULL, NULL, NULL, g, NULL), CK_OK);
    cr_assert_str_eq(ck_flow_role_name(CK_FLOW_BALANCED), "balanced");
    cr_assert_str_eq(ck_flow_role_name((ck_flow_role_t)42), "unknown");
    /* Bad options and graphs. */
    o.sink_threshold = 0.1;
    cr_assert_eq(ck_degree_ratio(gt_ctx, in, NULL, NULL, NULL, NULL, NULL, NULL, g, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "sink_threshold");
    o.sink_threshold = NAN;
    cr_assert_eq(ck_degree_ratio(gt_ctx, in, NULL, NULL, NULL, NULL, NULL, NULL, g, &o), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_degree_ratio(gt_ctx, in, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_degree_ratio(NULL, in, NULL, NULL, NULL, NULL, NULL, NULL, g, NULL), CK_E_INVALID_INPUT);
    ck_graph_t *u = make_graph(gt_ctx, 4, src, dst, w, 4, false);
    cr_assert_eq(ck_degree_ratio(gt_ctx, in, NULL, NULL, NULL, NULL, NULL, NULL, u, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "graph.directed");
    ck_graph_destroy(&u);
    ck_graph_destroy(&g);
}

/* The per-node role function the ring actor reuses. */
Test(topology, degree_ratio_role_function)
{
    double s, r, p;
    cr_assert_eq(cki_degree_ratio_role(0, 0, 0.2, 0.8, &s, &r, &p), CK_FLOW_ISOLATED);
    cr_assert(isnan(s) && isnan(r) && isnan(p));
    cr_assert_eq(cki_degree_ratio_role(4, 1, 0.2, 0.8, &s, &r, &p), CK_FLOW_SINK);
    cr_assert_eq(s, 0.8);
    cr_assert_eq(r, 4);
    cr_assert_eq(p, 0.4);
    cr_assert_eq(cki_degree_ratio_role(1, 4, 0.2, 0.8, NULL, NULL, NULL), CK_FLOW_SOURCE);
    cr_assert_eq(cki_degree_ratio_role(3, 3, 0.2, 0.8, &s, &r, &p), CK_FLOW_BALANCED);
    cr_assert_eq(p, 1.0);
    cr_assert_eq(cki_degree_ratio_role(0, 2, 0.0, 1.0, &s, &r, &p), CK_FLOW_SOURCE); /* s = 0 <= 0 */
    cr_assert_eq(cki_degree_ratio_role(2, 0, 0.0, 1.0, &s, &r, &p), CK_FLOW_SINK);   /* s = 1 >= 1 */
    cr_assert(isnan(r));
}

Test(topology, star_topology_typed)
{
    /* Out-star 0 -> 1..4 plus 1 -> 2 (spec hand value: score 5/6, leaf fraction 1/2), and a
     * second star 5 -> 6, 7, 8 (score 1, leaf fraction 1). */
    const ck_idx_t src[] = {0, 0, 0, 0, 1, 5, 5, 5}, dst[] = {1, 2, 3, 4, 2, 6, 7, 8};
    ck_graph_t *g = make_graph(gt_ctx, 9, src, dst, NULL, 8, true);
    ck_idx_t spokes[9], nh = -1;
    double score[9], leaf[9];
    ck_star_type_t type[9];
    ck_star_hub_t hubs[9];
    ck_star_topology_options_t o;
    ck_star_topology_options_init(&o);
    cr_assert_eq(o.min_degree, 3);
    cr_assert_eq(o.min_score, 0.9);
    cr_assert_eq(o.top_k, 100);
    o.min_score = 0.5;
    cr_assert_eq(ck_star_topology(gt_ctx, spokes, score, leaf, type, hubs, &nh, g, &o), CK_OK);
    cr_assert_eq(spokes[0], 4);
    cr_assert_float_eq(score[0], 5.0 / 6.0, 1e-15);
    cr_assert_eq(leaf[0], 0.5);
    cr_assert_eq(type[0], CK_STAR_OUT);
    cr_assert_eq(type[1], CK_STAR_NONE);
    cr_assert_eq(nh, 2);
    cr_assert_eq(hubs[0].node, 0); /* 4 spokes first */
    cr_assert_eq(hubs[1].node, 5);
    cr_assert_eq(hubs[1].star_score, 1.0);
    cr_assert_eq(hubs[1].leaf_fraction, 1.0);
    cr_assert_eq(hubs[1].type, CK_STAR_OUT);
    /* top_k truncates; hubs only, without per-node arrays. */
    o.top_k = 1;
    cr_assert_eq(ck_star_topology(gt_ctx, NULL, NULL, NULL, NULL, hubs, &nh, g, &o), CK_OK);
    cr_assert_eq(nh, 1);
    cr_assert_eq(hubs[0].node, 0);
    cr_assert_eq(hubs[0].leaf_fraction, 0.5);
    o.min_score = 0.9;
    o.top_k = 0;
    cr_assert_eq(ck_star_topology(gt_ctx, NULL, NULL, NULL, NULL, NULL, &nh, g, &o), CK_OK);
    cr_assert_eq(nh, 1);
    cr_assert_eq(ck_star_topology(gt_ctx, spokes, NULL, NULL, type, NULL, NULL, g, NULL), CK_OK);
    cr_assert_eq(spokes[5], 3);
    cr_assert_str_eq(ck_star_type_name(CK_STAR_IN), "in_star");
    cr_assert_str_eq(ck_star_type_name((ck_star_type_t)-1), "unknown");
    o.min_degree = 0;
    cr_assert_eq(ck_star_topology(gt_ctx, spokes, NULL, NULL, NULL, NULL, NULL, g, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "min_degree");
    o.min_degree = 3;
    o.min_score = NAN;
    cr_assert_eq(ck_star_topology(gt_ctx, spokes, NULL, NULL, NULL, NULL, NULL, g, &o), CK_E_INVALID_INPUT);
    o.min_score = 0.9;
    o.top_k = -2;
    cr_assert_eq(ck_star_topology(gt_ctx, spokes, NULL, NULL, NULL, NULL, NULL, g, &o), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_star_topology(gt_ctx, spokes, NULL, NULL, NULL, NULL, NULL, NULL, NULL), CK_E_INVALID_INPUT);
    ck_graph_destroy(&g);
}

/* Thread invariance on a larger random graph (bitwise-identical outputs for 1, 2 and 3 threads). */
Test(topology, thread_invariance_large)
{
    enum { N = 3000, M = 20000 };
    ck_idx_t *src = malloc(M * sizeof *src), *dst = malloc(M * sizeof *dst);
    double *w = malloc(M * sizeof *w);
    uint64_t x = 12345;
    for (int i = 0; i < M; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        src[i] = (ck_idx_t)((x >> 33) % N);
        dst[i] = (ck_idx_t)((x >> 13) % (i % 10 == 0 ? 20 : N)); /* a few hubs */
        w[i] = (double)((x >> 40) % 1000) / 7.0;
    }
    ck_graph_t *g = make_graph(gt_ctx, N, src, dst, w, M, true);
    static double sa[3][N], ia[3][N];
    static ck_idx_t sp[3][N];
    static ck_star_hub_t hubs[3][N];
    ck_idx_t nh[3];
    ck_degree_ratio_options_t dro;
    ck_degree_ratio_options_init(&dro);
    dro.use_weights = true;
    ck_star_topology_options_t so;
    ck_star_topology_options_init(&so);
    so.min_score = 0.0;
    so.top_k = 0;
    for (int t = 0; t < 3; t++) {
        ck_ctx_set_threads(gt_ctx, t + 1);
        cr_assert_eq(ck_degree_ratio(gt_ctx, ia[t], NULL, NULL, NULL, NULL, NULL, NULL, g, &dro), CK_OK);
        cr_assert_eq(ck_star_topology(gt_ctx, sp[t], sa[t], NULL, NULL, hubs[t], &nh[t], g, &so), CK_OK);
    }
    for (int t = 1; t < 3; t++) {
        cr_assert_eq(memcmp(ia[0], ia[t], sizeof ia[0]), 0);
        cr_assert_eq(memcmp(sa[0], sa[t], sizeof sa[0]), 0);
        cr_assert_eq(memcmp(sp[0], sp[t], sizeof sp[0]), 0);
        cr_assert_eq(nh[0], nh[t]);
        cr_assert_eq(memcmp(hubs[0], hubs[t], (size_t)nh[0] * sizeof hubs[0][0]), 0);
    }
    cr_assert_gt(nh[0], 0);
    ck_graph_destroy(&g);
    free(src);
    free(dst);
    free(w);
}

/* Cancellation is reported, not ignored. */
Test(topology, cancelled)
{
    const ck_idx_t src[] = {0, 1}, dst[] = {1, 2};
    ck_graph_t *g = make_graph(gt_ctx, 3, src, dst, NULL, 2, true);
    double in[3];
    ck_idx_t sp[3];
    ck_ctx_cancel(gt_ctx);
    cr_assert_eq(ck_degree_ratio(gt_ctx, in, NULL, NULL, NULL, NULL, NULL, NULL, g, NULL), CK_E_CANCELLED);
    cr_assert_eq(ck_star_topology(gt_ctx, sp, NULL, NULL, NULL, NULL, NULL, g, NULL), CK_E_CANCELLED);
    ck_ctx_reset_cancel(gt_ctx);
    ck_graph_destroy(&g);
}

/* ---------------------------------------------------------------- allocation failures */

static bool scenario(void)
{
    ck_ctx_t *ctx = NULL;
    ck_graph_t *g = NULL;
    char *out = NULL;
    json_t *in_json = NULL, *out_json = NULL;
    bool done = false;
    const ck_idx_t src[] = {0, 0, 0, 0, 1, 5, 2}, dst[] = {1, 2, 3, 4, 2, 0, 0};
    double in[6], score[6];
    ck_idx_t sp[6], nh;
    ck_star_hub_t hubs[6];
    ck_role_counts_t rc;
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    /* One thread: the sweep runs the scenario once per allocation point, and OpenMP barriers on
     * an oversubscribed machine would dominate; thread invariance is tested above. */
    ck_ctx_set_threads(ctx, 1);
    STEP(ck_graph_create(&g, ctx, 6, src, dst, NULL, 7, true));
    STEP(ck_degree_ratio(ctx, in, NULL, NULL, NULL, NULL, NULL, &rc, g, NULL));
    STEP(ck_star_topology(ctx, sp, score, NULL, NULL, hubs, &nh, g, NULL));
    STEP(ck_star_topology(ctx, NULL, NULL, NULL, NULL, hubs, &nh, g, NULL));
    /* The binders called directly (registry lookup costs hundreds of allocation points) with
     * every field given: defaults are parsed by the shared validator, and jansson's lexer
     * truncates keys of 14+ characters ("source_threshold") when its buffer cannot grow, so the
     * text path cannot be swept here. */
    for (size_t i = 0; i < cki_graph_topology_table.count; i++) {
        const ck_kernel_t *k = &cki_graph_topology_table.kernels[i];
        if (strcmp(k->meta.id, "graph/degree-ratio") == 0)
            in_json = json_pack("{s{sis[[ii][ii][ii]]s[fff]sb}sbsfsf}", "graph", "num_nodes", 3, "edges", 0, 0, 0, 1, 2,
                                1, "weights", 1.0, 2.0, 3.0, "directed", 1, "use_weights", 1, "source_threshold", 0.1,
                                "sink_threshold", 0.9);
        else
            in_json = json_pack("{s{sis[[ii][ii][ii][ii][ii]]sb}sisfsi}", "graph", "num_nodes", 5, "edges", 0, 1, 0, 2,
                                0, 3, 4, 0, 1, 2, "directed", 1, "min_degree", 2, "min_score", 0.5, "top_k", 3);
        out_json = json_object();
        if (!in_json || !out_json) {
            cr_assert(sweep_failed);
            goto cleanup;
        }
        ck_run_info_t info = {.iterations = -1};
        ck_status_t s = k->run_json(ctx, k, in_json, out_json, &info);
        json_decref(info.warnings);
        STEP(s);
        json_decref(in_json);
        json_decref(out_json);
        in_json = out_json = NULL;
    }
    done = true;
cleanup:
    if (ctx) ck_ctx_free(ctx, out);
    json_decref(in_json);
    json_decref(out_json);
    ck_graph_destroy(&g);
    ck_ctx_destroy(&ctx);
    return done;
}

Test(topology, allocation_failures) { sweep(scenario, "topology", 20 + 1, SWEEP_JSON); }
