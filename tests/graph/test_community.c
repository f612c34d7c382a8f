/* graph/modularity-score, graph/louvain-community, graph/label-propagation: oracle cases
 * (tests/data/graph/community/cases.json from gen_community.py), edge cases, bad input, the typed
 * API (batch and step by step), properties the spec states as oracles (Louvain: reported Q equals
 * the modularity of the partition, no profitable merge is left; async label propagation: every
 * node holds a maximum-weight neighbour label), thread invariance, cancellation and an
 * allocation-failure sweep. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_sweep.h"
#include "graph_test.h"

TestSuite(graph_community, .init = gt_setup, .fini = gt_teardown);

/* ---------------------------------------------------------------- helpers */

static const ck_idx_t TT_SRC[] = {0, 1, 0, 3, 4, 3, 2};
static const ck_idx_t TT_DST[] = {1, 2, 2, 4, 5, 5, 3};

static ck_graph_t *two_triangles(void)
{
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, gt_ctx, 6, TT_SRC, TT_DST, NULL, 7, false), CK_OK);
    return g;
}

static ck_graph_t *graph_from_file(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "graphs/%s.json", name);
    json_t *j = gt_load(rel);
    const ck_idx_t n = json_integer_value(json_object_get(j, "num_nodes"));
    const json_t *edges = json_object_get(j, "edges"), *jw = json_object_get(j, "weights");
    const size_t m = json_array_size(edges);
    ck_idx_t *src = malloc((m + 1) * sizeof *src), *dst = malloc((m + 1) * sizeof *dst);
    double *w = jw ? malloc((m + 1) * sizeof *w) : NULL;
    for (size_t i = 0; i < m; i++) {
        src[i] = json_integer_value(json_array_get(json_array_get(edges, i), 0));
        dst[i] = json_integer_value(json_array_get(json_array_get(edges, i), 1));
        if (w) w[i] = json_number_value(json_array_get(jw, i));
    }
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, gt_ctx, n, src, dst, w, (ck_idx_t)m, json_is_true(json_object_get(j, "directed"))),
                 CK_OK);
    free(src);
    free(dst);
    free(w);
    json_decref(j);
    return g;
}

/* A seeded random graph with planted groups: pairs inside a group joined with probability p_in,
 * plus `extra` random pairs anywhere (undirected or directed, weights in 0.25..2.125). */
static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 11;
}

static ck_graph_t *planted(ck_idx_t n, ck_idx_t group, double p_in, ck_idx_t extra, bool directed, uint64_t seed)
{
    size_t cap = 1024, m = 0;
    ck_idx_t *src = malloc(cap * sizeof *src), *dst = malloc(cap * sizeof *dst);
    double *w = malloc(cap * sizeof *w);
    uint64_t s = seed;
    for (ck_idx_t u = 0; u < n; u++) {
        const ck_idx_t g0 = u / group * group, g1 = g0 + group < n ? g0 + group : n;
        for (ck_idx_t v = directed ? g0 : u + 1; v < g1 + extra; v++) {
            ck_idx_t x = u, y = v;
            if (v >= g1) { /* one random pair per extra slot of node 0 only */
                if (u != 0) break;
                for (ck_idx_t i = 0; i < extra; i++) {
                    if (m == cap) {
                        cap *= 2;
                        src = realloc(src, cap * sizeof *src);
                        dst = realloc(dst, cap * sizeof *dst);
                        w = realloc(w, cap * sizeof *w);
                    }
                    src[m] = (ck_idx_t)(lcg(&s) % (uint64_t)n);
                    dst[m] = (ck_idx_t)(lcg(&s) % (uint64_t)n);
                    w[m] = 0.25 + (double)(lcg(&s) % 16) / 8.0;
                    m++;
                }
                break;
            }
            if (x == y || (double)lcg(&s) * 0x1p-53 >= p_in) continue;
            if (m == cap) {
                cap *= 2;
                src = realloc(src, cap * sizeof *src);
                dst = realloc(dst, cap * sizeof *dst);
                w = realloc(w, cap * sizeof *w);
            }
            src[m] = x;
            dst[m] = y;
            w[m] = 0.25 + (double)(lcg(&s) % 16) / 8.0;
            m++;
        }
    }
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, gt_ctx, n, src, dst, w, (ck_idx_t)m, directed), CK_OK);
    free(src);
    free(dst);
    free(w);
    return g;
}

/* The spec's final-level optimality: no two adjacent communities can be merged to raise Q by more
 * than `threshold` (dQ = w(A,B)/m - gamma K_A K_B / 2m^2; directed with both arc directions). */
static void check_no_profitable_merge(const ck_graph_t *g, const int64_t *lab, ck_idx_t k, double gamma, bool use_w,
                                      double threshold)
{
    const ck_idx_t n = ck_graph_num_nodes(g);
    const bool directed = ck_graph_directed(g);
    double *ko = calloc((size_t)k + 1, sizeof *ko), *ki = calloc((size_t)k + 1, sizeof *ki);
    double *wab = calloc((size_t)(k * k) + 1, sizeof *wab), m = 0;
    for (ck_idx_t u = 0; u < n; u++) {
        const uint32_t *nb;
        const double *ww;
        ck_idx_t d;
        cr_assert_eq(ck_graph_out_neighbors(g, u, &nb, &ww, &d), CK_OK);
        for (ck_idx_t i = 0; i < d; i++) {
            const double x = use_w ? ww[i] : 1.0;
            ko[lab[u]] += x;
            ki[lab[nb[i]]] += x;
            m += x;
            wab[lab[u] * k + lab[nb[i]]] += x;
        }
    }
    if (!directed) m /= 2;
    for (ck_idx_t a = 0; a < k; a++)
        for (ck_idx_t b = a + 1; b < k; b++) {
            const double w = directed ? wab[a * k + b] + wab[b * k + a] : wab[a * k + b];
            if (w <= 0) continue;
            const double dq = directed ? w / m - gamma * (ko[a] * ki[b] + ko[b] * ki[a]) / (m * m)
                                       : w / m - gamma * ko[a] * ko[b] / (2 * m * m);
            cr_assert_leq(dq, threshold + 1e-12, "merging communities %lld and %lld raises Q by %g", (long long)a,
                          (long long)b, dq);
        }
    free(ko);
    free(ki);
    free(wab);
}

static void check_canonical(const int64_t *lab, ck_idx_t n, ck_idx_t k)
{
    int64_t next = 0;
    for (ck_idx_t i = 0; i < n; i++) {
        cr_assert(lab[i] >= 0 && lab[i] <= next, "label %lld at node %lld is not canonical", (long long)lab[i],
                  (long long)i);
        if (lab[i] == next) next++;
    }
    cr_assert_eq(next, k);
}

/* ---------------------------------------------------------------- oracle cases */

Test(graph_community, modularity_oracle_cases)
{
    cr_assert_gt(gt_run_cases("community/cases.json", "graph/modularity-score"), 0);
}

Test(graph_community, louvain_oracle_cases)
{
    cr_assert_gt(gt_run_cases("community/cases.json", "graph/louvain-community"), 0);
}

Test(graph_community, label_propagation_oracle_cases)
{
    cr_assert_gt(gt_run_cases("community/cases.json", "graph/label-propagation"), 0);
}

/* ---------------------------------------------------------------- edge cases through JSON */

static json_t *run_text(const char *id, const char *text, ck_status_t expect, int threads)
{
    json_t *in = json_loads(text, 0, NULL);
    cr_assert_not_null(in, "bad test JSON: %s", text);
    json_t *out = gt_run_threads(id, in, threads, expect);
    json_decref(in);
    return out;
}

Test(graph_community, modularity_m0_warns)
{
    json_t *in = json_loads("{\"graph\": {\"num_nodes\": 2, \"edges\": []}, \"communities\": [0, 1]}", 0, NULL);
    json_t *out = gt_run("graph/modularity-score", in, CK_OK);
    json_decref(in);
    cr_assert_eq(json_real_value(json_object_get(out, "modularity")), 0.0);
    json_t *warn = json_object_get(json_object_get(out, "meta"), "warnings");
    cr_assert(json_is_array(warn) && json_array_size(warn) == 1);
    cr_assert(strstr(json_string_value(json_array_get(warn, 0)), "m = 0"));
    json_decref(out);
    /* Zero-weight edges are m = 0 as well; use_weights false counts them. */
    out = run_text("graph/modularity-score",
                   "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 1]], \"weights\": [0]}, \"communities\": [0, 1],"
                   " \"use_weights\": false}",
                   CK_OK, 1);
    cr_assert_float_eq(json_real_value(json_object_get(out, "modularity")), -0.5, 1e-15);
    json_decref(out);
}

Test(graph_community, self_loops_are_dropped_with_a_warning)
{
    json_t *out = run_text("graph/louvain-community",
                           "{\"graph\": {\"num_nodes\": 6, \"edges\": [[0,1],[1,2],[0,2],[3,4],[4,5],[3,5],[2,3],[1,1]]}}",
                           CK_OK, 2);
    cr_assert_float_eq(json_real_value(json_object_get(out, "modularity")), 5.0 / 14.0, 1e-15);
    cr_assert(json_is_array(json_object_get(json_object_get(out, "meta"), "warnings")));
    json_decref(out);
}

Test(graph_community, louvain_max_levels_is_not_converged)
{
    /* Karate (index order) needs 2 levels; max_levels 1 returns level 1 with converged:false. */
    json_t *in = json_pack("{s:s, s:i, s:b}", "graph", "@karate", "max_levels", 1, "return_levels", 1);
    gt_resolve_graph(in);
    json_t *out = gt_run_threads("graph/louvain-community", in, 2, CK_NOT_CONVERGED);
    json_t *meta = json_object_get(out, "meta");
    cr_assert(json_is_false(json_object_get(meta, "converged")));
    cr_assert_eq(json_integer_value(json_object_get(out, "levels")), 1);
    cr_assert_eq(json_array_size(json_object_get(out, "hierarchy")), 1);
    cr_assert(json_equal(json_array_get(json_object_get(out, "hierarchy"), 0), json_object_get(out, "communities")));
    json_decref(out);
    json_decref(in);
}

Test(graph_community, label_propagation_max_rounds)
{
    /* directed_random needs 8 rounds (networkx): max_rounds 1 stops early with converged:false. */
    json_t *in = json_pack("{s:s, s:i}", "graph", "@directed_random", "max_rounds", 1);
    gt_resolve_graph(in);
    json_t *out = gt_run_threads("graph/label-propagation", in, 2, CK_NOT_CONVERGED);
    json_t *meta = json_object_get(out, "meta");
    cr_assert(json_is_false(json_object_get(meta, "converged")));
    cr_assert_eq(json_integer_value(json_object_get(meta, "iterations")), 1);
    cr_assert_eq(json_array_size(json_object_get(out, "communities")), 60);
    json_decref(out);
    json_decref(in);
}

/* ---------------------------------------------------------------- bad input */

#define TT "{\"num_nodes\": 6, \"edges\": [[0,1],[1,2],[0,2],[3,4],[4,5],[3,5],[2,3]]}"

Test(graph_community, modularity_bad_input)
{
    const char *id = "graph/modularity-score";
    gt_expect_error(id, "{\"graph\": " TT "}", "communities", "missing");
    gt_expect_error(id, "{\"graph\": " TT ", \"communities\": [0, 0, 1]}", "communities", "expected one per node (6)");
    gt_expect_error(id, "{\"graph\": " TT ", \"communities\": [0, 0, 1, 1, 1, 0.5]}", "communities[5]", "integer");
    gt_expect_error(id, "{\"graph\": " TT ", \"communities\": [0, 0, 0, 1, 1, 1], \"resolution\": -1}", "resolution",
                    "out of range");
    gt_expect_error(id, "{\"graph\": " TT ", \"communities\": [0, 0, 0, 1, 1, 1], \"use_weights\": 1}", "use_weights",
                    "boolean");
    gt_expect_error(id, "{\"graph\": " TT ", \"communities\": [0, 0, 0, 1, 1, 1], \"k\": 1}", "k", "unknown field");
    gt_expect_error(id, "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 2]]}, \"communities\": [0, 0]}",
                    "graph.edges[0][1]", "out of range");
}

Test(graph_community, louvain_bad_input)
{
    const char *id = "graph/louvain-community";
    gt_expect_error(id, "{\"graph\": " TT ", \"resolution\": 0}", "resolution", "out of range (0, inf]");
    gt_expect_error(id, "{\"graph\": " TT ", \"resolution\": -0.5}", "resolution", "out of range");
    gt_expect_error(id, "{\"graph\": " TT ", \"threshold\": -1e-9}", "threshold", "out of range");
    gt_expect_error(id, "{\"graph\": " TT ", \"order\": \"degree\"}", "order", "not one of index|random");
    gt_expect_error(id, "{\"graph\": " TT ", \"seed\": -3}", "seed", ">= 0");
    gt_expect_error(id, "{\"graph\": " TT ", \"max_levels\": -1}", "max_levels", "out of range");
    gt_expect_error(id, "{\"graph\": " TT ", \"return_levels\": \"yes\"}", "return_levels", "boolean");
    gt_expect_error(id, "{\"graph\": " TT ", \"communities\": [0]}", "communities", "unknown field");
    gt_expect_error(id, "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 1]], \"weights\": [-1]}}", "graph.weights[0]",
                    ">= 0");
}

Test(graph_community, label_propagation_bad_input)
{
    const char *id = "graph/label-propagation";
    gt_expect_error(id, "{\"graph\": " TT ", \"variant\": \"sync\"}", "variant", "not one of semi_sync|async");
    gt_expect_error(id, "{\"graph\": " TT ", \"max_rounds\": 0}", "max_rounds", "out of range");
    gt_expect_error(id, "{\"graph\": " TT ", \"seed\": -1}", "seed", ">= 0");
    gt_expect_error(id, "{\"graph\": " TT ", \"use_weights\": null}", "use_weights", "boolean");
    gt_expect_error(id, "{\"graph\": " TT ", \"resolution\": 1}", "resolution", "unknown field");
    gt_expect_error(id, "{}", "graph", "missing");
}

/* ---------------------------------------------------------------- typed API */

Test(graph_community, modularity_typed)
{
    ck_graph_t *g = two_triangles();
    const int64_t lab[] = {9, 9, 9, -4, -4, -4};
    ck_modularity_result_t *r = NULL;
    cr_assert_eq(ck_modularity(gt_ctx, &r, g, lab, NULL), CK_OK);
    cr_assert_float_eq(r->modularity, 5.0 / 14.0, 1e-15);
    cr_assert_eq(r->total_weight, 7.0);
    cr_assert_eq(r->num_communities, 2);
    cr_assert_eq(r->labels[0], -4);
    cr_assert_eq(r->labels[1], 9);
    cr_assert_eq(r->sizes[0], 3);
    cr_assert_eq(r->internal_weight[1], 3.0);
    cr_assert_float_eq(r->contribution[0] + r->contribution[1], r->modularity, 1e-15);
    ck_modularity_result_destroy(&r);
    cr_assert_null(r);
    double q;
    ck_modularity_options_t o;
    ck_modularity_options_init(&o);
    cr_assert_eq(o.resolution, 1.0);
    cr_assert(o.use_weights);
    o.resolution = 0; /* gamma = 0: Q = fraction of the weight inside communities */
    cr_assert_eq(ck_modularity_score(gt_ctx, &q, g, lab, &o), CK_OK);
    cr_assert_float_eq(q, 6.0 / 7.0, 1e-15);
    o.resolution = -1;
    cr_assert_eq(ck_modularity_score(gt_ctx, &q, g, lab, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "resolution");
    cr_assert_eq(ck_modularity_score(gt_ctx, &q, g, NULL, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_modularity_score(gt_ctx, &q, NULL, lab, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_modularity(gt_ctx, NULL, g, lab, NULL), CK_E_INVALID_INPUT);
    ck_graph_destroy(&g);
}

Test(graph_community, louvain_typed_batch_and_steps)
{
    ck_graph_t *g = graph_from_file("karate");
    int64_t lab[34], lab2[34];
    ck_louvain_info_t info;
    ck_louvain_options_t o;
    ck_louvain_options_init(&o);
    cr_assert_eq(o.resolution, 1.0);
    cr_assert_eq(o.threshold, 1e-7);
    cr_assert_eq(o.order, CK_LOUVAIN_ORDER_INDEX);
    cr_assert_eq(o.seed, 42);
    cr_assert_eq(o.max_levels, 0);
    cr_assert(o.use_weights);
    cr_assert_eq(ck_louvain(gt_ctx, lab, &info, g, NULL), CK_OK);
    cr_assert_eq(info.num_communities, 4);
    cr_assert_float_eq(info.modularity, 49.0 / 117.0, 1e-12);
    cr_assert_eq(info.levels, 2);
    cr_assert(info.converged);
    check_canonical(lab, 34, 4);
    /* Step by step: singletons, level 1, level 2, then a step that moves nothing. */
    ck_louvain_t *lv = NULL;
    cr_assert_eq(ck_louvain_create(&lv, gt_ctx, g, &o), CK_OK);
    cr_assert(!ck_louvain_converged(lv));
    cr_assert_eq(ck_louvain_get(lv, lab2, &info), CK_OK);
    cr_assert_eq(info.levels, 0);
    cr_assert_eq(info.num_communities, 34);
    for (int i = 0; i < 34; i++) cr_assert_eq(lab2[i], i);
    double d1, d2, d3;
    cr_assert_eq(ck_louvain_step(gt_ctx, lv, &d1), CK_OK);
    cr_assert_gt(d1, 0);
    cr_assert_eq(ck_louvain_get(lv, NULL, &info), CK_OK);
    cr_assert_eq(info.levels, 1);
    cr_assert_eq(ck_louvain_step(gt_ctx, lv, &d2), CK_OK);
    cr_assert_gt(d2, 0);
    cr_assert(!ck_louvain_converged(lv));
    cr_assert_eq(ck_louvain_step(gt_ctx, lv, &d3), CK_OK);
    cr_assert_eq(d3, 0);
    cr_assert(ck_louvain_converged(lv));
    cr_assert_eq(ck_louvain_step(gt_ctx, lv, NULL), CK_OK); /* no-op once converged */
    cr_assert_eq(ck_louvain_get(lv, lab2, &info), CK_OK);
    cr_assert_eq(info.levels, 2);
    cr_assert(memcmp(lab, lab2, sizeof lab) == 0);
    ck_louvain_destroy(&lv);
    cr_assert_null(lv);
    /* max_levels through the batch call. */
    o.max_levels = 1;
    cr_assert_eq(ck_louvain(gt_ctx, lab2, &info, g, &o), CK_NOT_CONVERGED);
    cr_assert_eq(info.levels, 1);
    cr_assert(!info.converged);
    /* Bad options. */
    o.max_levels = 0;
    o.resolution = 0;
    cr_assert_eq(ck_louvain(gt_ctx, lab2, &info, g, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "resolution");
    o.resolution = 1;
    o.threshold = NAN;
    cr_assert_eq(ck_louvain(gt_ctx, lab2, &info, g, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "threshold");
    o.threshold = 0;
    o.order = (ck_louvain_order_t)7;
    cr_assert_eq(ck_louvain_create(&lv, gt_ctx, g, &o), CK_E_INVALID_INPUT);
    cr_assert_null(lv);
    cr_assert_eq(ck_louvain(gt_ctx, NULL, &info, g, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_louvain(gt_ctx, lab2, &info, NULL, NULL), CK_E_INVALID_INPUT);
    ck_graph_destroy(&g);
}

Test(graph_community, label_propagation_typed)
{
    ck_graph_t *g = graph_from_file("karate");
    int64_t lab[34];
    ck_label_propagation_info_t info;
    ck_label_propagation_options_t o;
    ck_label_propagation_options_init(&o);
    cr_assert_eq(o.variant, CK_LPA_SEMI_SYNC);
    cr_assert_eq(o.max_rounds, 1000);
    cr_assert_eq(ck_label_propagation(gt_ctx, lab, &info, g, NULL), CK_OK);
    cr_assert_eq(info.num_communities, 3); /* the spec's hand value */
    static const int first[] = {0, 1, 3, 4, 7, 10, 11, 12, 13, 17, 19, 21, 24, 25, 31};
    for (size_t i = 0; i < sizeof first / sizeof first[0]; i++) cr_assert_eq(lab[first[i]], 0);
    cr_assert_eq(lab[2], 1);
    cr_assert_eq(lab[5], 2);
    cr_assert_eq(lab[6], 2);
    cr_assert_eq(lab[16], 2);
    cr_assert(info.converged);
    cr_assert_eq(info.rounds, 1); /* as networkx's loop */
    /* Step by step reaches the same partition. */
    ck_label_propagation_t *lp = NULL;
    cr_assert_eq(ck_label_propagation_create(&lp, gt_ctx, g, &o), CK_OK);
    ck_idx_t rounds = 0, changed;
    while (!ck_label_propagation_converged(lp)) {
        cr_assert_eq(ck_label_propagation_step(gt_ctx, lp, &changed), CK_OK);
        cr_assert_gt(changed, 0);
        rounds++;
    }
    int64_t lab2[34];
    ck_label_propagation_info_t info2;
    cr_assert_eq(ck_label_propagation_get(gt_ctx, lp, lab2, &info2), CK_OK);
    cr_assert_eq(rounds, info.rounds);
    cr_assert(memcmp(lab, lab2, sizeof lab) == 0);
    cr_assert_eq(info2.modularity, info.modularity);
    ck_label_propagation_destroy(&lp);
    ck_graph_destroy(&g);
    /* Rounds as networkx counts them (8 on directed_random); max_rounds. */
    g = graph_from_file("directed_random");
    cr_assert_eq(ck_label_propagation(gt_ctx, NULL, &info2, g, &o), CK_E_INVALID_INPUT);
    int64_t lab3[60];
    cr_assert_eq(ck_label_propagation(gt_ctx, lab3, &info2, g, &o), CK_OK);
    cr_assert_eq(info2.rounds, 8);
    o.max_rounds = 1;
    cr_assert_eq(ck_label_propagation(gt_ctx, lab3, &info2, g, &o), CK_NOT_CONVERGED);
    cr_assert_eq(info2.rounds, 1);
    cr_assert(!info2.converged);
    o.max_rounds = 0;
    cr_assert_eq(ck_label_propagation(gt_ctx, lab2, &info2, g, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "max_rounds");
    o.max_rounds = 10;
    o.variant = (ck_label_propagation_variant_t)5;
    cr_assert_eq(ck_label_propagation(gt_ctx, lab2, &info2, g, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "variant");
    ck_graph_destroy(&g);
}

/* ---------------------------------------------------------------- properties */

static void louvain_properties(const ck_graph_t *g, const ck_louvain_options_t *o)
{
    const ck_idx_t n = ck_graph_num_nodes(g);
    int64_t *lab1 = malloc((size_t)n * sizeof *lab1), *lab = malloc((size_t)n * sizeof *lab);
    ck_louvain_info_t info, info1;
    ck_ctx_set_threads(gt_ctx, 1);
    cr_assert_eq(ck_louvain(gt_ctx, lab1, &info1, g, o), CK_OK);
    for (int t = 2; t <= 4; t++) {
        ck_ctx_set_threads(gt_ctx, t);
        cr_assert_eq(ck_louvain(gt_ctx, lab, &info, g, o), CK_OK);
        cr_assert(memcmp(lab, lab1, (size_t)n * sizeof *lab) == 0, "%d threads changed the partition", t);
        cr_assert_eq(info.modularity, info1.modularity, "%d threads changed Q", t);
        cr_assert_eq(info.levels, info1.levels);
    }
    check_canonical(lab, n, info.num_communities);
    ck_modularity_options_t mo;
    ck_modularity_options_init(&mo);
    mo.resolution = o->resolution;
    mo.use_weights = o->use_weights;
    double q;
    cr_assert_eq(ck_modularity_score(gt_ctx, &q, g, lab, &mo), CK_OK);
    cr_assert_eq(q, info.modularity, "reported Q %.17g, modularity-score %.17g", info.modularity, q);
    check_no_profitable_merge(g, lab, info.num_communities, o->resolution, o->use_weights, o->threshold);
    free(lab1);
    free(lab);
}

Test(graph_community, louvain_properties_and_thread_invariance)
{
    ck_louvain_options_t o;
    ck_louvain_options_init(&o);
    ck_graph_t *g = planted(5000, 50, 0.2, 12000, false, 1);
    louvain_properties(g, &o);
    o.order = CK_LOUVAIN_ORDER_RANDOM;
    o.seed = 3;
    louvain_properties(g, &o);
    o.resolution = 0.3;
    o.use_weights = false;
    louvain_properties(g, &o);
    ck_graph_destroy(&g);
    ck_louvain_options_init(&o);
    g = planted(3000, 25, 0.25, 15000, true, 2);
    louvain_properties(g, &o);
    o.order = CK_LOUVAIN_ORDER_RANDOM;
    o.resolution = 1.5;
    louvain_properties(g, &o);
    ck_graph_destroy(&g);
}

/* Async: at termination each node's label is among its maximum-weight neighbour labels. */
static void check_async(const ck_graph_t *g, bool use_w, uint64_t seed)
{
    ck_graph_t *s = NULL;
    const ck_graph_t *u = g;
    if (ck_graph_directed(g)) {
        /* The skeleton: rebuild undirected from the arcs (reciprocal arcs merge, weights add). */
        const ck_idx_t n = ck_graph_num_nodes(g), m = ck_graph_num_edges(g);
        ck_idx_t *src = malloc((size_t)(m + 1) * sizeof *src), *dst = malloc((size_t)(m + 1) * sizeof *dst), e = 0;
        double *w = malloc((size_t)(m + 1) * sizeof *w);
        for (ck_idx_t x = 0; x < n; x++) {
            const uint32_t *nb;
            const double *ww;
            ck_idx_t d;
            ck_graph_out_neighbors(g, x, &nb, &ww, &d);
            for (ck_idx_t i = 0; i < d; i++, e++) src[e] = x, dst[e] = nb[i], w[e] = ww[i];
        }
        cr_assert_eq(ck_graph_create(&s, gt_ctx, n, src, dst, w, m, false), CK_OK);
        free(src);
        free(dst);
        free(w);
        u = s;
    }
    const ck_idx_t n = ck_graph_num_nodes(g);
    int64_t *lab = malloc((size_t)n * sizeof *lab), *lab2 = malloc((size_t)n * sizeof *lab2);
    double *score = calloc((size_t)n, sizeof *score);
    ck_label_propagation_options_t o;
    ck_label_propagation_options_init(&o);
    o.variant = CK_LPA_ASYNC;
    o.use_weights = use_w;
    o.seed = seed;
    ck_label_propagation_info_t info, info2;
    ck_ctx_set_threads(gt_ctx, 1);
    cr_assert_eq(ck_label_propagation(gt_ctx, lab, &info, g, &o), CK_OK);
    ck_ctx_set_threads(gt_ctx, 2);
    cr_assert_eq(ck_label_propagation(gt_ctx, lab2, &info2, g, &o), CK_OK);
    cr_assert(memcmp(lab, lab2, (size_t)n * sizeof *lab) == 0);
    cr_assert_eq(info.modularity, info2.modularity);
    check_canonical(lab, n, info.num_communities);
    for (ck_idx_t x = 0; x < n; x++) {
        const uint32_t *nb;
        const double *ww;
        ck_idx_t d;
        ck_graph_out_neighbors(u, x, &nb, &ww, &d);
        if (d == 0) continue;
        double best = -1;
        for (ck_idx_t i = 0; i < d; i++) score[lab[nb[i]]] += use_w ? ww[i] : 1.0;
        for (ck_idx_t i = 0; i < d; i++) best = fmax(best, score[lab[nb[i]]]);
        cr_assert_float_eq(score[lab[x]], best, 1e-9, "node %lld: label %lld scores %g, best %g", (long long)x,
                           (long long)lab[x], score[lab[x]], best);
        for (ck_idx_t i = 0; i < d; i++) score[lab[nb[i]]] = 0;
    }
    free(lab);
    free(lab2);
    free(score);
    ck_graph_destroy(&s);
}

Test(graph_community, label_propagation_async_properties)
{
    const char *names[] = {"karate", "lesmis", "directed_random", "components"};
    for (size_t i = 0; i < 4; i++) {
        ck_graph_t *g = graph_from_file(names[i]);
        check_async(g, true, 42);
        check_async(g, false, 7);
        ck_graph_destroy(&g);
    }
    ck_graph_t *g = planted(800, 40, 0.2, 1500, false, 9);
    check_async(g, true, 1);
    ck_graph_destroy(&g);
}

Test(graph_community, label_propagation_semi_sync_thread_invariance)
{
    ck_graph_t *g = planted(12000, 40, 0.2, 12000, false, 4);
    int64_t *a = malloc(12000 * sizeof *a), *b = malloc(12000 * sizeof *b);
    ck_label_propagation_info_t ia, ib;
    ck_ctx_set_threads(gt_ctx, 1);
    cr_assert_eq(ck_label_propagation(gt_ctx, a, &ia, g, NULL), CK_OK);
    for (int t = 2; t <= 4; t++) {
        ck_ctx_set_threads(gt_ctx, t);
        cr_assert_eq(ck_label_propagation(gt_ctx, b, &ib, g, NULL), CK_OK);
        cr_assert(memcmp(a, b, 12000 * sizeof *a) == 0);
        cr_assert_eq(ia.rounds, ib.rounds);
        cr_assert_eq(ia.modularity, ib.modularity);
    }
    free(a);
    free(b);
    ck_graph_destroy(&g);
}

/* ---------------------------------------------------------------- iterative JSON interface, cancellation */

Test(graph_community, louvain_iteration_interface)
{
    ck_iteration_t *it = NULL;
    cr_assert_eq(ck_iteration_begin(gt_ctx, gt_reg, "graph/louvain-community", "{\"graph\": " TT ", \"return_levels\": true}",
                                    (size_t)-1, &it),
                 CK_OK);
    double d;
    cr_assert(!ck_iteration_converged(it));
    cr_assert_eq(ck_iteration_step(it, &d), CK_OK);
    cr_assert_float_eq(d, 5.0 / 14.0 + 34.0 / 196, 1e-15); /* from singletons' Q */
    cr_assert(ck_iteration_converged(it) || (ck_iteration_step(it, &d) == CK_OK && ck_iteration_converged(it)));
    char *out = NULL;
    cr_assert_eq(ck_iteration_result(it, &out), CK_OK);
    cr_assert(strstr(out, "\"communities\":[0,0,0,1,1,1]"), "%s", out);
    cr_assert(strstr(out, "\"hierarchy\":[[0,0,0,1,1,1]]"), "%s", out);
    ck_ctx_free(gt_ctx, out);
    ck_iteration_destroy(&it);
}

Test(graph_community, cancellation)
{
    ck_graph_t *g = graph_from_file("karate");
    int64_t lab[34];
    ck_ctx_cancel(gt_ctx);
    cr_assert_eq(ck_louvain(gt_ctx, lab, NULL, g, NULL), CK_E_CANCELLED);
    cr_assert_eq(ck_label_propagation(gt_ctx, lab, NULL, g, NULL), CK_E_CANCELLED);
    ck_ctx_reset_cancel(gt_ctx);
    cr_assert_eq(ck_louvain(gt_ctx, lab, NULL, g, NULL), CK_OK);
    ck_graph_destroy(&g);
}

/* ---------------------------------------------------------------- allocation failures */

static bool scenario(void)
{
    ck_ctx_t *ctx = NULL;
    const ck_registry_t *reg = gt_reg; /* built with the ordinary allocator */
    ck_graph_t *g = NULL, *d = NULL;
    ck_modularity_result_t *r = NULL;
    ck_louvain_t *lv = NULL;
    char *out = NULL;
    bool done = false;
    int64_t lab[12];
    const ck_idx_t src[] = {0, 1, 0, 3, 4, 3, 2, 6, 7, 8, 9, 10, 6, 11};
    const ck_idx_t dst[] = {1, 2, 2, 4, 5, 5, 3, 7, 8, 6, 10, 11, 9, 5};
    const double w[] = {1, 2, 1, 1, 3, 1, 0.5, 1, 1, 2, 1, 1, 0.25, 1};
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    ck_ctx_set_threads(ctx, 2);
    STEP(ck_graph_create(&g, ctx, 12, src, dst, w, 14, false));
    STEP(ck_graph_create(&d, ctx, 12, src, dst, w, 14, true));
    for (int i = 0; i < 12; i++) lab[i] = i / 3;
    STEP(ck_modularity(ctx, &r, g, lab, NULL));
    ck_louvain_options_t lo;
    ck_louvain_options_init(&lo);
    STEP(ck_louvain(ctx, lab, NULL, g, &lo));
    lo.order = CK_LOUVAIN_ORDER_RANDOM;
    STEP(ck_louvain(ctx, lab, NULL, d, &lo));
    STEP(ck_louvain_create(&lv, ctx, d, NULL));
    STEP(ck_louvain_step(ctx, lv, NULL));
    STEP(ck_louvain_step(ctx, lv, NULL));
    ck_label_propagation_options_t po;
    ck_label_propagation_options_init(&po);
    STEP(ck_label_propagation(ctx, lab, NULL, d, &po));
    po.variant = CK_LPA_ASYNC;
    STEP(ck_label_propagation(ctx, lab, NULL, g, &po));
    /* Defaults filled in (modularity-score), every parameter given (louvain). */
    STEP(ck_execute_json(ctx, reg, "graph/modularity-score",
                         "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [2, 2]]}, \"communities\": [4, 4, -1]}",
                         (size_t)-1, &out));
    ck_ctx_free(ctx, out);
    out = NULL;
    STEP(ck_execute_json(ctx, reg, "graph/louvain-community",
                         "{\"graph\": " TT ", \"return_levels\": true, \"resolution\": 1, \"threshold\": 0,"
                         " \"order\": \"index\", \"seed\": 1, \"max_levels\": 0, \"use_weights\": true}",
                         (size_t)-1, &out));
    ck_ctx_free(ctx, out);
    out = NULL;
    STEP(ck_execute_json(ctx, reg, "graph/label-propagation",
                         "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [3, 2]], \"directed\": true},"
                         " \"variant\": \"async\", \"max_rounds\": 100, \"seed\": 3, \"use_weights\": true}",
                         (size_t)-1, &out));
    done = true;
cleanup:
    if (ctx) ck_ctx_free(ctx, out);
    ck_louvain_destroy(&lv);
    ck_modularity_result_destroy(&r);
    ck_graph_destroy(&g);
    ck_graph_destroy(&d);
    ck_ctx_destroy(&ctx);
    return done;
}

Test(graph_community, allocation_failures) { sweep(scenario, "community", 50 + 1, SWEEP_JSON); }
