/* graph/shortest-path: oracle cases (networkx, scipy; tests/data/graph/paths/), k-shortest-path
 * properties, edge cases, bad input, the typed API and an allocation-failure sweep. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "alloc_sweep.h"
#include "graph_internal.h"
#include "graph_test.h"

TestSuite(paths, .init = gt_setup, .fini = gt_teardown);

#define SP "graph/shortest-path"

/* ---------------------------------------------------------------- oracle cases */

Test(paths, shortest_path_oracle) { cr_assert_geq(gt_run_cases("paths/cases.json", SP), 50); }

/* ---------------------------------------------------------------- k shortest paths: properties */

/* Every path simple, made of existing arcs, with its length the forward sum of its weights;
 * paths distinct and ordered by (length, hops, node sequence); the first is a shortest path. */
static void check_k_paths(const char *graph, ck_idx_t s, ck_idx_t t, ck_idx_t k, bool use_weights)
{
    json_t *gj = gt_load(graph);
    const char *text = json_dumps(gj, JSON_COMPACT);
    ck_graph_t *g = NULL;
    /* The graph through the JSON loader: the same load rules as the kernel. */
    json_t *edges = json_object_get(gj, "edges"), *weights = json_object_get(gj, "weights");
    size_t m = json_array_size(edges);
    ck_idx_t *src = malloc((m + 1) * sizeof *src), *dst = malloc((m + 1) * sizeof *dst);
    double *w = malloc((m + 1) * sizeof *w);
    for (size_t i = 0; i < m; i++) {
        src[i] = json_integer_value(json_array_get(json_array_get(edges, i), 0));
        dst[i] = json_integer_value(json_array_get(json_array_get(edges, i), 1));
        w[i] = weights ? json_number_value(json_array_get(weights, i)) : 1.0;
    }
    cr_assert_eq(ck_graph_create(&g, gt_ctx, json_integer_value(json_object_get(gj, "num_nodes")), src, dst,
                                 weights ? w : NULL, (ck_idx_t)m, json_is_true(json_object_get(gj, "directed"))),
                 CK_OK);
    const ck_idx_t n = ck_graph_num_nodes(g);
    ck_shortest_path_options_t o;
    ck_shortest_path_options_init(&o);
    o.use_weights = use_weights;
    double *dist = malloc((size_t)n * sizeof *dist);
    cr_assert_eq(ck_sssp(gt_ctx, dist, NULL, NULL, g, s, &o), CK_OK);
    ck_path_list_t *p = NULL;
    cr_assert_eq(ck_k_shortest_paths(gt_ctx, &p, g, s, t, k, &o), CK_OK, "%s", ck_ctx_error(gt_ctx));
    cr_assert_leq(p->count, k);
    char *seen = malloc((size_t)n);
    for (ck_idx_t i = 0; i < p->count; i++) {
        const ck_idx_t *nodes = p->nodes + p->offsets[i], len = p->offsets[i + 1] - p->offsets[i];
        cr_assert_eq(p->hops[i], len - 1);
        cr_assert_eq(nodes[0], s);
        cr_assert_eq(nodes[len - 1], t);
        memset(seen, 0, (size_t)n);
        double sum = 0;
        for (ck_idx_t j = 0; j < len; j++) {
            cr_assert(!seen[nodes[j]], "%s %lld->%lld path %lld repeats node %lld", graph, (long long)s, (long long)t,
                      (long long)i, (long long)nodes[j]);
            seen[nodes[j]] = 1;
            if (j + 1 < len) {
                const uint32_t *nb;
                const double *nw;
                ck_idx_t deg;
                cr_assert_eq(ck_graph_out_neighbors(g, nodes[j], &nb, &nw, &deg), CK_OK);
                ck_idx_t q = 0;
                while (q < deg && nb[q] != nodes[j + 1]) q++;
                cr_assert_lt(q, deg, "%s: path %lld uses a missing arc", graph, (long long)i);
                sum += use_weights && ck_graph_weighted(g) ? nw[q] : 1.0;
            }
        }
        cr_assert_eq(sum, p->lengths[i]);
        if (i == 0) cr_assert_eq(p->lengths[0], dist[t]);
        if (i > 0) {
            const ck_idx_t *prev = p->nodes + p->offsets[i - 1], plen = p->offsets[i] - p->offsets[i - 1];
            int c = p->lengths[i - 1] < p->lengths[i] ? -1 : p->lengths[i - 1] > p->lengths[i] ? 1 : 0;
            if (!c) c = plen < len ? -1 : plen > len ? 1 : 0;
            for (ck_idx_t j = 0; !c && j < len; j++) c = prev[j] < nodes[j] ? -1 : prev[j] > nodes[j] ? 1 : 0;
            cr_assert_lt(c, 0, "%s %lld->%lld: paths %lld and %lld out of order (or equal)", graph, (long long)s,
                         (long long)t, (long long)i - 1, (long long)i);
        }
    }
    free(seen);
    ck_path_list_destroy(&p);
    cr_assert_null(p);
    ck_graph_destroy(&g);
    free(dist);
    free(src);
    free(dst);
    free(w);
    free((void *)text);
    json_decref(gj);
}

Test(paths, k_paths_properties)
{
    check_k_paths("graphs/karate.json", 0, 33, 60, true);
    check_k_paths("graphs/karate.json", 5, 24, 40, true);
    check_k_paths("graphs/lesmis.json", 0, 76, 50, true);
    check_k_paths("graphs/lesmis.json", 3, 60, 30, false);
    check_k_paths("graphs/directed_random.json", 0, 40, 100, true);
    check_k_paths("graphs/directed_random.json", 7, 2, 50, false);
    check_k_paths("graphs/components.json", 12, 15, 10, true); /* only 4 paths exist */
}

/* ---------------------------------------------------------------- bad input and edge cases */

#define P4 "{\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 3]]}"

Test(paths, bad_input)
{
    gt_expect_error(SP, "{\"graph\": " P4 "}", "source", "missing");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"source\": 4}", "source", "out of range 0..3");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"source\": -1}", "source", "out of range");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"source\": \"a\"}", "source", "integer");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"source\": 0, \"target\": 9}", "target", "out of range 0..3");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"source\": 0, \"target\": -1}", "target", "out of range");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"source\": 0, \"target\": \"3\"}", "target", "integer");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"source\": 0, \"target\": 1.5}", "target", "integer");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"source\": 0, \"target\": 3, \"k_paths\": 0}", "k_paths", "out of range");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"source\": 0, \"target\": 3, \"k_paths\": 101}", "k_paths", "out of range");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"source\": 0, \"k_paths\": 2}", "k_paths", "need a target");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"all_pairs\": true, \"target\": 2}", "target", "needs a source");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"all_pairs\": true, \"max_apsp_nodes\": 3}", "all_pairs",
                    "exceeds max_apsp_nodes = 3");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"all_pairs\": true, \"max_apsp_nodes\": -1}", "max_apsp_nodes",
                    "out of range");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"source\": 0, \"all_pairs\": 1}", "all_pairs", "boolean");
    gt_expect_error(SP, "{\"graph\": " P4 ", \"source\": 0, \"weight\": true}", "weight", "unknown field");
    /* A length of 0 is rejected when weights are lengths, and accepted when they are ignored. */
    const char *zero = "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [2, 1]], \"weights\": [1, 0]}, \"source\": 0}";
    gt_expect_error(SP, zero, "graph.weights", "edge (1, 2) has length 0");
    json_t *in = json_loads(zero, 0, NULL);
    json_object_set_new(in, "use_weights", json_false());
    json_t *out = gt_run(SP, in, CK_OK);
    cr_assert_eq(json_number_value(json_array_get(json_object_get(out, "distances"), 2)), 2.0);
    json_decref(out);
    json_decref(in);
    /* n = 0 has no valid source. */
    gt_expect_error(SP, "{\"graph\": {\"num_nodes\": 0, \"edges\": []}, \"source\": 0}", "source", "out of range");
}

/* target null is the default; all_pairs without a source gives only the matrix. */
Test(paths, output_shapes)
{
    json_t *in = json_loads("{\"graph\": " P4 ", \"source\": 1, \"target\": null}", 0, NULL);
    json_t *out = gt_run(SP, in, CK_OK);
    cr_assert(json_is_null(json_object_get(out, "path")));
    cr_assert_eq(json_array_size(json_object_get(out, "paths")), 0);
    cr_assert_null(json_object_get(out, "matrix"));
    cr_assert_eq(json_integer_value(json_object_get(out, "reachable")), 4);
    cr_assert_eq(json_number_value(json_object_get(out, "eccentricity")), 2.0);
    json_decref(out);
    json_decref(in);
    in = json_loads("{\"graph\": " P4 ", \"all_pairs\": true}", 0, NULL);
    out = gt_run(SP, in, CK_OK);
    cr_assert_not_null(json_object_get(out, "matrix"));
    cr_assert_null(json_object_get(out, "distances"));
    cr_assert_null(json_object_get(out, "path"));
    json_decref(out);
    json_decref(in);
}

/* ---------------------------------------------------------------- typed API */

static ck_graph_t *make_graph(ck_idx_t n, const ck_idx_t *src, const ck_idx_t *dst, const double *w, ck_idx_t m,
                              bool directed)
{
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, gt_ctx, n, src, dst, w, m, directed), CK_OK, "%s", ck_ctx_error(gt_ctx));
    return g;
}

Test(paths, typed_api)
{
    /* Diamond 0 -> {2, 1} -> 3 (equal lengths: predecessor of 3 is 1), 3 -> 4, node 5 unreachable. */
    const ck_idx_t src[] = {0, 0, 2, 1, 3}, dst[] = {2, 1, 3, 3, 4};
    const double w[] = {1.5, 1, 1, 1.5, 2};
    ck_graph_t *g = make_graph(6, src, dst, w, 5, true);
    double dist[6];
    ck_idx_t hops[6], pred[6];
    ck_shortest_path_options_t o;
    ck_shortest_path_options_init(&o);
    cr_assert(o.use_weights);
    cr_assert_eq(ck_sssp(gt_ctx, dist, hops, pred, g, 0, &o), CK_OK);
    cr_assert_eq(dist[3], 2.5);
    cr_assert_eq(pred[3], 1);
    cr_assert_eq(hops[4], 3);
    cr_assert_eq(dist[4], 4.5);
    cr_assert(isinf(dist[5]));
    cr_assert_eq(hops[5], -1);
    cr_assert_eq(pred[5], -1);
    cr_assert_eq(pred[0], -1);
    /* Optional outputs: hops alone still needs the predecessors internally. */
    ck_idx_t hops2[6];
    cr_assert_eq(ck_sssp(gt_ctx, NULL, hops2, NULL, g, 0, NULL), CK_OK);
    cr_assert_eq(memcmp(hops, hops2, sizeof hops), 0);
    cr_assert_eq(ck_sssp(gt_ctx, NULL, NULL, NULL, g, 0, NULL), CK_OK);
    o.use_weights = false;
    cr_assert_eq(ck_sssp(gt_ctx, dist, NULL, pred, g, 0, &o), CK_OK);
    cr_assert_eq(dist[4], 3);
    cr_assert_eq(pred[3], 1);

    ck_path_list_t *p = NULL;
    o.use_weights = true;
    cr_assert_eq(ck_k_shortest_paths(gt_ctx, &p, g, 0, 4, 5, &o), CK_OK);
    cr_assert_eq(p->count, 2);
    cr_assert_eq(p->lengths[0], 4.5);
    cr_assert_eq(p->lengths[1], 4.5);
    cr_assert_eq(p->nodes[p->offsets[0] + 1], 1); /* tie: node sequence 0,1,3,4 before 0,2,3,4 */
    cr_assert_eq(p->nodes[p->offsets[1] + 1], 2);
    ck_path_list_destroy(&p);
    cr_assert_eq(ck_k_shortest_paths(gt_ctx, &p, g, 0, 5, 3, &o), CK_OK);
    cr_assert_eq(p->count, 0);
    ck_path_list_destroy(&p);
    cr_assert_eq(ck_k_shortest_paths(gt_ctx, &p, g, 4, 4, 3, &o), CK_OK);
    cr_assert_eq(p->count, 1);
    cr_assert_eq(p->hops[0], 0);
    ck_path_list_destroy(&p);
    ck_path_list_destroy(&p); /* NULL: no-op */
    ck_path_list_destroy(NULL);

    double m[36];
    cr_assert_eq(ck_apsp(gt_ctx, m, g, &o), CK_OK);
    cr_assert_eq(m[0 * 6 + 4], 4.5);
    cr_assert(isinf(m[4 * 6 + 0]));
    cr_assert_eq(m[5 * 6 + 5], 0);

    /* Errors. */
    cr_assert_eq(ck_sssp(gt_ctx, dist, NULL, NULL, g, 6, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "source");
    cr_assert_eq(ck_sssp(gt_ctx, dist, NULL, NULL, NULL, 0, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_sssp(NULL, dist, NULL, NULL, g, 0, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_k_shortest_paths(gt_ctx, &p, g, 0, 4, 0, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "k_paths");
    cr_assert_eq(ck_k_shortest_paths(gt_ctx, &p, g, 0, -1, 1, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "target");
    cr_assert_eq(ck_k_shortest_paths(gt_ctx, NULL, g, 0, 1, 1, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_apsp(gt_ctx, m, NULL, NULL), CK_E_INVALID_INPUT);
    ck_graph_destroy(&g);

    const double wz[] = {1, 0};
    const ck_idx_t s2[] = {0, 1}, d2[] = {1, 2};
    g = make_graph(3, s2, d2, wz, 2, false);
    cr_assert_eq(ck_apsp(gt_ctx, m, g, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "graph.weights");
    o.use_weights = false;
    cr_assert_eq(ck_apsp(gt_ctx, m, g, &o), CK_OK);
    cr_assert_eq(m[2], 2);
    ck_graph_destroy(&g);
}

/* APSP rows equal single-source runs, and nothing depends on the thread count. */
Test(paths, apsp_thread_invariance)
{
    enum { N = 400, M = 2400 };
    ck_idx_t *src = malloc(M * sizeof *src), *dst = malloc(M * sizeof *dst);
    double *w = malloc(M * sizeof *w);
    uint64_t x = 777;
    for (int i = 0; i < M; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        src[i] = (ck_idx_t)((x >> 33) % N);
        dst[i] = (ck_idx_t)((x >> 17) % N);
        w[i] = 0.25 + (double)((x >> 45) % 1000) / 97.0;
    }
    for (int directed = 0; directed < 2; directed++)
        for (int use_w = 0; use_w < 2; use_w++) {
            ck_graph_t *g = make_graph(N, src, dst, w, M, directed);
            ck_shortest_path_options_t o = {.use_weights = use_w};
            double *a = malloc((size_t)N * N * sizeof *a), *b = malloc((size_t)N * N * sizeof *b), row[N];
            ck_ctx_set_threads(gt_ctx, 1);
            cr_assert_eq(ck_apsp(gt_ctx, a, g, &o), CK_OK);
            ck_ctx_set_threads(gt_ctx, 3);
            cr_assert_eq(ck_apsp(gt_ctx, b, g, &o), CK_OK);
            cr_assert_eq(memcmp(a, b, (size_t)N * N * sizeof *a), 0);
            for (ck_idx_t s = 0; s < N; s += 37) {
                cr_assert_eq(ck_sssp(gt_ctx, row, NULL, NULL, g, s, &o), CK_OK);
                cr_assert_eq(memcmp(row, a + s * N, sizeof row), 0);
            }
            free(a);
            free(b);
            ck_graph_destroy(&g);
        }
    ck_ctx_set_threads(gt_ctx, 0);
    free(src);
    free(dst);
    free(w);
}

Test(paths, cancelled)
{
    const ck_idx_t src[] = {0, 1}, dst[] = {1, 2};
    ck_graph_t *g = make_graph(3, src, dst, NULL, 2, false);
    double d[9];
    ck_path_list_t *p = NULL;
    ck_ctx_cancel(gt_ctx);
    cr_assert_eq(ck_sssp(gt_ctx, d, NULL, NULL, g, 0, NULL), CK_E_CANCELLED);
    cr_assert_eq(ck_apsp(gt_ctx, d, g, NULL), CK_E_CANCELLED);
    cr_assert_eq(ck_k_shortest_paths(gt_ctx, &p, g, 0, 2, 3, NULL), CK_E_CANCELLED);
    cr_assert_null(p);
    ck_ctx_reset_cancel(gt_ctx);
    ck_graph_destroy(&g);
}

/* ---------------------------------------------------------------- allocation failures */

static bool scenario(void)
{
    ck_ctx_t *ctx = NULL;
    ck_graph_t *g = NULL;
    ck_path_list_t *p = NULL;
    char *out = NULL;
    json_t *in_json = NULL, *out_json = NULL;
    bool done = false;
    /* A grid-like graph with many equal-length paths, so Yen's candidate lists grow. */
    const ck_idx_t src[] = {0, 0, 1, 1, 2, 3, 3, 4, 4, 5, 6, 7}, dst[] = {1, 3, 2, 4, 5, 4, 6, 5, 7, 8, 7, 8};
    const double w[] = {1, 2, 1, 1, 3, 1, 1, 2, 1, 1, 2, 1};
    double d[81];
    ck_idx_t h[9], pr[9];
    ck_shortest_path_options_t bfs = {.use_weights = false};
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    /* One thread: the sweep runs the scenario once per allocation point, and OpenMP barriers on
     * an oversubscribed machine would dominate; thread invariance is tested above. */
    ck_ctx_set_threads(ctx, 1);
    STEP(ck_graph_create(&g, ctx, 9, src, dst, w, 12, false));
    STEP(ck_sssp(ctx, d, h, pr, g, 0, NULL));
    STEP(ck_sssp(ctx, NULL, h, NULL, g, 0, NULL));
    STEP(ck_sssp(ctx, NULL, NULL, pr, g, 0, &bfs));
    STEP(ck_apsp(ctx, d, g, NULL));
    STEP(ck_apsp(ctx, d, g, &bfs));
    STEP(ck_k_shortest_paths(ctx, &p, g, 0, 8, 100, NULL));
    ck_path_list_destroy(&p);
    STEP(ck_k_shortest_paths(ctx, &p, g, 3, 3, 2, NULL));
    ck_path_list_destroy(&p);
    /* The binder called directly, with every field given: defaults are parsed by the shared
     * validator, and jansson's lexer fails on keys of 14+ characters ("max_apsp_nodes") when its
     * buffer cannot grow, so the text path cannot be swept here. */
    const ck_kernel_t *k = &cki_graph_paths_table.kernels[0];
    in_json = json_pack("{s{sis[[ii][ii][ii][ii][ii][ii][ii]]s[iiiiiii]}sisisisbsbsi}", "graph", "num_nodes", 5,
                        "edges", 0, 0, 0, 1, 1, 2, 0, 2, 2, 3, 3, 4, 1, 4, "weights", 9, 1, 2, 4, 1, 3, 7, "source", 0,
                        "target", 4, "k_paths", 3, "all_pairs", 1, "use_weights", 1, "max_apsp_nodes", 10);
    out_json = json_object();
    if (!in_json || !out_json) {
        cr_assert(sweep_failed);
        goto cleanup;
    }
    ck_run_info_t info = {.iterations = -1};
    ck_status_t s = k->run_json(ctx, k, in_json, out_json, &info);
    json_decref(info.warnings);
    STEP(s);
    done = true;
cleanup:
    if (ctx) ck_ctx_free(ctx, out);
    json_decref(in_json);
    json_decref(out_json);
    ck_path_list_destroy(&p);
    ck_graph_destroy(&g);
    ck_ctx_destroy(&ctx);
    return done;
}

Test(paths, allocation_failures) { sweep(scenario, "paths", 20 + 1, SWEEP_JSON); }
