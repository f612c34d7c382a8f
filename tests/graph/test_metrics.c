/* graph metrics family: graph/density, graph/average-path-length, graph/clustering-coefficient,
 * graph/connected-components, graph/full-metrics. Oracle cases (networkx/scipy, written by
 * tests/data/graph/metrics/gen_metrics.py), edge cases, bad input, the typed API, the full-metrics
 * cross-check, deep graphs for the iterative Tarjan, the parallel union-find against a plain BFS,
 * and an allocation-failure sweep. */
#include <stdlib.h>

#include "alloc_sweep.h"
#include "graph_internal.h"
#include "graph_test.h"

TestSuite(metrics, .init = gt_setup, .fini = gt_teardown);

/* ---------------------------------------------------------------- oracle cases */

Test(metrics, density_oracle) { cr_assert_gt(gt_run_cases("metrics/cases.json", "graph/density"), 0); }
Test(metrics, average_path_length_oracle)
{
    cr_assert_gt(gt_run_cases("metrics/cases.json", "graph/average-path-length"), 0);
}
Test(metrics, clustering_oracle) { cr_assert_gt(gt_run_cases("metrics/cases.json", "graph/clustering-coefficient"), 0); }
Test(metrics, components_oracle) { cr_assert_gt(gt_run_cases("metrics/cases.json", "graph/connected-components"), 0); }
Test(metrics, full_metrics_oracle) { cr_assert_gt(gt_run_cases("metrics/cases.json", "graph/full-metrics"), 0); }

/* ---------------------------------------------------------------- bad input */

#define P4 "{\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 3]]}"
#define TWO "{\"num_nodes\": 4, \"edges\": [[0, 1], [2, 3]]}"
#define DIR "{\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]], \"directed\": true}"

Test(metrics, bad_input)
{
    gt_expect_error("graph/density", "{\"graph\": " P4 ", \"mode\": \"weak\"}", "mode", "unknown field");
    gt_expect_error("graph/density", "{}", "graph", "missing");
    gt_expect_error("graph/density", "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 2]]}}", "graph.edges[0][1]",
                    "out of range");

    const char *A = "graph/average-path-length";
    gt_expect_error(A, "{\"graph\": " P4 ", \"sample_sources\": -1}", "sample_sources", "out of range");
    gt_expect_error(A, "{\"graph\": " P4 ", \"sample_sources\": 1.5}", "sample_sources", "integer");
    gt_expect_error(A, "{\"graph\": " P4 ", \"disconnected\": \"ignore\"}", "disconnected", "not one of");
    gt_expect_error(A, "{\"graph\": " P4 ", \"seed\": -1}", "seed", ">= 0");
    gt_expect_error(A, "{\"graph\": " P4 ", \"use_weights\": 1}", "use_weights", "boolean");
    gt_expect_error(A, "{\"graph\": " TWO ", \"disconnected\": \"error\"}", "graph", "not connected");
    gt_expect_error(A, "{\"graph\": " DIR ", \"disconnected\": \"error\"}", "graph", "not strongly connected");
    gt_expect_error(A, "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]], \"weights\": [1, 0]}}",
                    "graph.weights", "edge (1, 2) has weight 0");
    gt_expect_error(A, "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]], \"weights\": [1, -1]}}",
                    "graph.weights[1]", ">= 0");

    const char *C = "graph/clustering-coefficient";
    gt_expect_error(C, "{\"graph\": " DIR ", \"directed_mode\": \"both\"}", "directed_mode", "not one of");
    gt_expect_error(C, "{\"graph\": " P4 ", \"count_zeros\": \"yes\"}", "count_zeros", "boolean");
    gt_expect_error(C, "{\"graph\": " P4 ", \"k\": 3}", "k", "unknown field");

    const char *CC = "graph/connected-components";
    gt_expect_error(CC, "{\"graph\": " DIR ", \"mode\": \"semi\"}", "mode", "not one of");
    gt_expect_error(CC, "{\"graph\": " DIR ", \"mode\": 1}", "mode", "string");

    const char *F = "graph/full-metrics";
    gt_expect_error(F, "{\"graph\": " P4 ", \"sample_sources\": -3}", "sample_sources", "out of range");
    gt_expect_error(F, "{\"graph\": " P4 ", \"disconnected\": \"error\"}", "disconnected", "unknown field");
    gt_expect_error(F, "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]], \"weights\": [0, 2]}, "
                       "\"use_weights\": true}",
                    "graph.weights", "weight 0");
}

/* Zero weights are fine where weights are strengths or ignored, and when use_weights is false. */
Test(metrics, zero_weights_allowed_where_not_lengths)
{
    json_t *in = json_loads("{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2], [0, 2]], \"weights\": [0, 0, "
                            "0]}, \"use_weights\": false}",
                            0, NULL);
    cr_assert_not_null(in);
    json_t *out = gt_run("graph/average-path-length", in, CK_OK);
    cr_assert_eq(json_number_value(json_object_get(out, "average_path_length")), 1.0);
    json_decref(out);
    json_object_set_new(in, "use_weights", json_true());
    out = gt_run("graph/clustering-coefficient", in, CK_OK); /* all weights 0: every c is 0 */
    cr_assert_eq(json_number_value(json_object_get(out, "average")), 0.0);
    cr_assert_eq(json_integer_value(json_object_get(out, "triangles")), 1);
    json_decref(out);
    json_decref(in);
}

/* ---------------------------------------------------------------- full-metrics cross-check */

static double num(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    cr_assert(json_is_number(v), "field %s missing", k);
    return json_number_value(v);
}

static json_t *run_on(const char *id, const char *graph, const char *extra)
{
    char text[512];
    snprintf(text, sizeof text, "{\"graph\": \"@%s\"%s%s}", graph, extra[0] ? ", " : "", extra);
    json_t *in = json_loads(text, 0, NULL);
    cr_assert_not_null(in);
    gt_resolve_graph(in);
    json_t *out = gt_run(id, in, CK_OK);
    json_decref(in);
    return out;
}

Test(metrics, full_metrics_equals_single_kernels)
{
    const char *graphs[] = {"karate", "lesmis", "directed_random", "components", "triangle_tail_directed"};
    for (size_t i = 0; i < sizeof graphs / sizeof graphs[0]; i++) {
        json_t *full = run_on("graph/full-metrics", graphs[i], "");
        json_t *d = run_on("graph/density", graphs[i], "");
        json_t *a = run_on("graph/average-path-length", graphs[i], "\"use_weights\": false");
        json_t *c = run_on("graph/clustering-coefficient", graphs[i], "");
        json_t *w = run_on("graph/connected-components", graphs[i], "");
        json_t *s = run_on("graph/connected-components", graphs[i], "\"mode\": \"strong\"");
        cr_assert_eq(num(full, "density"), num(d, "density"), "%s", graphs[i]);
        cr_assert_eq(num(full, "num_edges"), num(d, "num_edges"), "%s", graphs[i]);
        cr_assert_eq(num(full, "average_path_length"), num(a, "average_path_length"), "%s", graphs[i]);
        cr_assert_eq(num(full, "diameter"), num(a, "diameter"), "%s", graphs[i]);
        cr_assert_eq(num(full, "efficiency"), num(a, "efficiency"), "%s", graphs[i]);
        cr_assert_eq(num(full, "average_clustering"), num(c, "average"), "%s", graphs[i]);
        cr_assert_eq(num(full, "transitivity"), num(c, "transitivity"), "%s", graphs[i]);
        cr_assert_eq(num(full, "triangles"), num(c, "triangles"), "%s", graphs[i]);
        cr_assert_eq(num(full, "num_components"), num(w, "num_components"), "%s", graphs[i]);
        cr_assert_eq(num(full, "largest_component_size"), num(w, "largest_component_size"), "%s", graphs[i]);
        cr_assert(json_equal(json_object_get(full, "is_connected"), json_object_get(w, "is_connected")));
        json_t *strong = json_object_get(full, "is_strongly_connected");
        if (strong) cr_assert(json_equal(strong, json_object_get(s, "is_connected")), "%s", graphs[i]);
        json_decref(full);
        json_decref(d);
        json_decref(a);
        json_decref(c);
        json_decref(w);
        json_decref(s);
    }
}

/* ---------------------------------------------------------------- typed API */

static ck_graph_t *make_graph(ck_ctx_t *ctx, ck_idx_t n, const ck_idx_t *src, const ck_idx_t *dst, const double *w,
                              ck_idx_t m, bool directed)
{
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, ctx, n, src, dst, w, m, directed), CK_OK, "%s", ck_ctx_error(ctx));
    return g;
}

Test(metrics, typed_api)
{
    /* K4 */
    const ck_idx_t ks[] = {0, 0, 0, 1, 1, 2}, kd[] = {1, 2, 3, 2, 3, 3};
    ck_graph_t *k4 = make_graph(gt_ctx, 4, ks, kd, NULL, 6, false);
    double dens = -1;
    cr_assert_eq(ck_graph_density(gt_ctx, &dens, k4), CK_OK);
    cr_assert_eq(dens, 1.0);

    ck_path_length_options_t po;
    ck_path_length_options_init(&po);
    cr_assert(po.use_weights && po.disconnected == CK_DISCONNECTED_REACHABLE && po.sample_sources == 0 && po.seed == 42);
    ck_path_length_result_t pr;
    cr_assert_eq(ck_graph_average_path_length(gt_ctx, &pr, k4, NULL), CK_OK);
    cr_assert(pr.average_path_length == 1 && pr.diameter == 1 && pr.efficiency == 1 && pr.reachable_pairs == 12);
    cr_assert(pr.is_connected && pr.sources == 4);

    double local[4];
    ck_clustering_result_t cres;
    cr_assert_eq(ck_graph_clustering(gt_ctx, &cres, local, k4, NULL), CK_OK);
    for (int i = 0; i < 4; i++) cr_assert_eq(local[i], 1.0);
    cr_assert(cres.average == 1 && cres.transitivity == 1 && cres.triangles == 4);

    ck_full_metrics_t fm;
    cr_assert_eq(ck_graph_full_metrics(gt_ctx, &fm, k4, NULL), CK_OK);
    cr_assert(fm.density == 1 && fm.average_path_length == 1 && fm.diameter == 1 && fm.num_components == 1);
    cr_assert(fm.average_clustering == 1 && fm.is_connected && fm.degree_min == 3 && fm.degree_max == 3);
    cr_assert(fm.degree_mean == 3 && fm.reciprocity == 1 && fm.triangles == 4);
    ck_graph_destroy(&k4);

    /* P4 weighted: lengths 1, 2, 3 */
    const ck_idx_t ps[] = {0, 1, 2}, pd[] = {1, 2, 3};
    const double pw[] = {1, 2, 3};
    ck_graph_t *p4 = make_graph(gt_ctx, 4, ps, pd, pw, 3, false);
    cr_assert_eq(ck_graph_average_path_length(gt_ctx, &pr, p4, &po), CK_OK);
    /* distances 1, 2, 3, 3, 5, 6, each twice: mean 20/6 */
    cr_assert_float_eq(pr.average_path_length, 20.0 / 6.0, 1e-15);
    cr_assert_eq(pr.diameter, 6.0);
    po.use_weights = false;
    cr_assert_eq(ck_graph_average_path_length(gt_ctx, &pr, p4, &po), CK_OK);
    cr_assert_float_eq(pr.average_path_length, 5.0 / 3.0, 1e-15);
    po.sample_sources = -1;
    cr_assert_eq(ck_graph_average_path_length(gt_ctx, &pr, p4, &po), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "sample_sources");
    ck_graph_destroy(&p4);

    /* Directed: 0 -> 1 -> 2 -> 0 and 3 -> 0, isolated 4 */
    const ck_idx_t ds[] = {0, 1, 2, 3}, dd[] = {1, 2, 0, 0};
    ck_graph_t *dg = make_graph(gt_ctx, 5, ds, dd, NULL, 4, true);
    ck_components_options_t co;
    ck_components_options_init(&co);
    cr_assert_eq(co.mode, CK_COMPONENTS_WEAK);
    ck_idx_t labels[5], sizes[5];
    ck_components_result_t cr;
    cr_assert_eq(ck_graph_connected_components(gt_ctx, &cr, labels, sizes, dg, &co), CK_OK);
    cr_assert(cr.num_components == 2 && cr.largest_component_size == 4 && !cr.is_connected);
    cr_assert(labels[0] == 0 && labels[3] == 0 && labels[4] == 1 && sizes[0] == 4 && sizes[1] == 1);
    co.mode = CK_COMPONENTS_STRONG;
    cr_assert_eq(ck_graph_connected_components(gt_ctx, &cr, labels, NULL, dg, &co), CK_OK);
    cr_assert_eq(cr.num_components, 3);
    cr_assert(labels[0] == 0 && labels[1] == 0 && labels[2] == 0 && labels[3] == 1 && labels[4] == 2);
    cr_assert_eq(ck_graph_full_metrics(gt_ctx, &fm, dg, NULL), CK_OK);
    cr_assert(!fm.is_strongly_connected && fm.reciprocity == 0 && fm.degree_min == 0 && fm.degree_max == 3);
    ck_clustering_options_t clo;
    ck_clustering_options_init(&clo);
    cr_assert(!clo.use_weights && clo.directed_mode == CK_CLUSTERING_DIRECTED && clo.count_zeros);
    cr_assert_eq(ck_graph_clustering(gt_ctx, &cres, NULL, dg, &clo), CK_OK);
    cr_assert_eq(cres.triangles, 1); /* 0, 1, 2 */
    ck_graph_destroy(&dg);

    /* NULL arguments */
    cr_assert_eq(ck_graph_density(gt_ctx, NULL, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_graph_density(NULL, &dens, NULL), CK_E_INVALID_INPUT);
}

/* A directed path and a directed cycle of 300000 nodes: a recursive Tarjan would overflow the
 * stack; the iterative one must not. */
Test(metrics, deep_graphs_strong_components)
{
    const ck_idx_t n = 300000;
    ck_idx_t *src = malloc((size_t)n * sizeof *src), *dst = malloc((size_t)n * sizeof *dst);
    ck_idx_t *labels = malloc((size_t)n * sizeof *labels);
    cr_assert(src && dst && labels);
    for (ck_idx_t i = 0; i < n; i++) {
        src[i] = i;
        dst[i] = (i + 1) % n;
    }
    ck_components_options_t co = {CK_COMPONENTS_STRONG};
    ck_components_result_t cr;
    ck_graph_t *path = make_graph(gt_ctx, n, src, dst, NULL, n - 1, true);
    cr_assert_eq(ck_graph_connected_components(gt_ctx, &cr, labels, NULL, path, &co), CK_OK);
    cr_assert_eq(cr.num_components, n);
    for (ck_idx_t i = 0; i < n; i++) cr_assert_eq(labels[i], i);
    co.mode = CK_COMPONENTS_WEAK;
    cr_assert_eq(ck_graph_connected_components(gt_ctx, &cr, labels, NULL, path, &co), CK_OK);
    cr_assert(cr.num_components == 1 && cr.largest_component_size == n);
    ck_graph_destroy(&path);

    ck_graph_t *cycle = make_graph(gt_ctx, n, src, dst, NULL, n, true);
    co.mode = CK_COMPONENTS_STRONG;
    cr_assert_eq(ck_graph_connected_components(gt_ctx, &cr, labels, NULL, cycle, &co), CK_OK);
    cr_assert(cr.num_components == 1 && cr.is_connected);
    ck_graph_destroy(&cycle);
    free(src);
    free(dst);
    free(labels);
}

/* The parallel union-find against a plain BFS labelling, for several thread counts. */
static void bfs_labels(const ck_graph_t *g, ck_idx_t n, ck_idx_t *lab)
{
    ck_idx_t *queue = malloc((size_t)n * sizeof *queue), next = 0;
    cr_assert_not_null(queue);
    for (ck_idx_t v = 0; v < n; v++) lab[v] = -1;
    for (ck_idx_t s = 0; s < n; s++) {
        if (lab[s] >= 0) continue;
        ck_idx_t head = 0, tail = 0;
        queue[tail++] = s;
        lab[s] = next;
        while (head < tail) {
            ck_idx_t v = queue[head++];
            for (int dir = 0; dir < 2; dir++) {
                const uint32_t *nb;
                const double *w;
                ck_idx_t d;
                (dir ? ck_graph_in_neighbors : ck_graph_out_neighbors)(g, v, &nb, &w, &d);
                for (ck_idx_t i = 0; i < d; i++)
                    if (lab[nb[i]] < 0) {
                        lab[nb[i]] = next;
                        queue[tail++] = nb[i];
                    }
            }
        }
        next++;
    }
    free(queue);
}

Test(metrics, parallel_union_find_matches_bfs)
{
    const ck_idx_t n = 200000, m = 150000;
    ck_idx_t *src = malloc((size_t)m * sizeof *src), *dst = malloc((size_t)m * sizeof *dst);
    ck_idx_t *want = malloc((size_t)n * sizeof *want), *got = malloc((size_t)n * sizeof *got);
    cr_assert(src && dst && want && got);
    uint64_t x = 88172645463325252ull;
    for (ck_idx_t i = 0; i < m; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        src[i] = (ck_idx_t)(x % (uint64_t)n);
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        dst[i] = (ck_idx_t)(x % (uint64_t)n);
    }
    for (int directed = 0; directed < 2; directed++) {
        ck_graph_t *g = make_graph(gt_ctx, n, src, dst, NULL, m, directed);
        bfs_labels(g, n, want);
        for (int threads = 1; threads <= 4; threads++) {
            ck_ctx_set_threads(gt_ctx, threads);
            ck_components_result_t cr;
            cr_assert_eq(ck_graph_connected_components(gt_ctx, &cr, got, NULL, g, NULL), CK_OK);
            for (ck_idx_t v = 0; v < n; v++)
                cr_assert_eq(got[v], want[v], "directed=%d threads=%d node %lld: %lld != %lld", directed, threads,
                             (long long)v, (long long)got[v], (long long)want[v]);
        }
        ck_graph_destroy(&g);
    }
    free(src);
    free(dst);
    free(want);
    free(got);
}

/* ---------------------------------------------------------------- allocation failures */

static int metrics_threads; /* the thread count scenario() runs with */

static bool scenario(void)
{
    const int threads = metrics_threads;
    ck_ctx_t *ctx = NULL;
    ck_graph_t *dg = NULL, *ug = NULL;
    ck_registry_t *reg = NULL;
    char *out = NULL;
    bool done = false;
    const ck_idx_t src[] = {0, 1, 2, 0, 3, 4, 4, 2, 5}, dst[] = {1, 2, 0, 2, 4, 5, 3, 1, 0};
    const double w[] = {1, 2, 0.5, 3, 1, 1, 2, 1.5, 1};
    ck_idx_t labels[7], sizes[7];
    double local[7];
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    ck_ctx_set_threads(ctx, threads);
    STEP(ck_graph_create(&dg, ctx, 7, src, dst, w, 9, true));
    STEP(ck_graph_create(&ug, ctx, 7, src, dst, w, 9, false));
    for (int k = 0; k < 2; k++) {
        const ck_graph_t *g = k ? ug : dg;
        double d;
        STEP(ck_graph_density(ctx, &d, g));
        ck_path_length_options_t po;
        ck_path_length_options_init(&po);
        ck_path_length_result_t pr;
        STEP(ck_graph_average_path_length(ctx, &pr, g, &po));
        po.use_weights = false;
        po.sample_sources = 3;
        STEP(ck_graph_average_path_length(ctx, &pr, g, &po));
        ck_clustering_options_t co;
        ck_clustering_options_init(&co);
        ck_clustering_result_t cres;
        co.use_weights = true;
        STEP(ck_graph_clustering(ctx, &cres, local, g, &co));
        co.directed_mode = CK_CLUSTERING_UNDIRECTED;
        STEP(ck_graph_clustering(ctx, &cres, NULL, g, &co));
        co.use_weights = false;
        STEP(ck_graph_clustering(ctx, &cres, local, g, &co));
        ck_components_options_t cc = {CK_COMPONENTS_WEAK};
        ck_components_result_t cr;
        STEP(ck_graph_connected_components(ctx, &cr, labels, sizes, g, &cc));
        cc.mode = CK_COMPONENTS_STRONG;
        STEP(ck_graph_connected_components(ctx, &cr, labels, sizes, g, &cc));
        ck_full_metrics_t fm;
        STEP(ck_graph_full_metrics(ctx, &fm, g, NULL));
    }
    /* The JSON path of every kernel of the family (registered alone). */
    STEP(ck_registry_create(&reg, ctx));
    for (size_t i = 0; i < cki_graph_metrics_table.count; i++)
        STEP(ck_registry_register(ctx, reg, &cki_graph_metrics_table.kernels[i]));
    /* Every parameter given, as the defaults are parsed with jansson's allocator. */
#define G5 "{\"graph\": {\"num_nodes\": 5, \"edges\": [[0, 1], [1, 2], [2, 0], [3, 4], [1, 1]], " \
           "\"weights\": [1, 2, 3, 4, 5], \"directed\": true}"
    static const char *const inputs[][2] = {
        {"graph/density", G5 "}"},
        {"graph/average-path-length",
         G5 ", \"use_weights\": true, \"disconnected\": \"reachable\", \"sample_sources\": 0, \"seed\": 1}"},
        {"graph/clustering-coefficient",
         G5 ", \"use_weights\": true, \"directed_mode\": \"directed\", \"count_zeros\": true}"},
        {"graph/connected-components", G5 ", \"mode\": \"strong\"}"},
        {"graph/full-metrics", G5 ", \"use_weights\": false, \"sample_sources\": 0, \"seed\": 1}"},
    };
#undef G5
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        STEP(ck_execute_json(ctx, reg, inputs[i][0], inputs[i][1], (size_t)-1, &out));
        ck_ctx_free(ctx, out);
        out = NULL;
    }
    done = true;
cleanup:
    if (ctx) ck_ctx_free(ctx, out);
    ck_registry_destroy(&reg);
    ck_graph_destroy(&dg);
    ck_graph_destroy(&ug);
    ck_ctx_destroy(&ctx);
    return done;
}

/* Only the ctx allocator fails here (graphs, workspaces, results, binders): Debian 12's jansson
 * 2.14 itself crashes (SEGV in json_loadb) when some of its own allocations fail while parsing
 * inputs like the ones above, so jansson keeps the plain allocator. */
Test(metrics, allocation_failures)
{
    for (metrics_threads = 1; metrics_threads <= 2; metrics_threads++) {
        char name[32];
        snprintf(name, sizeof name, "threads=%d", metrics_threads);
        sweep(scenario, name, 50 + 1, 0);
    }
}
