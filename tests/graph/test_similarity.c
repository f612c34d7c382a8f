/* The similarity family: graph/jaccard-similarity, graph/cosine-similarity, graph/adamic-adar,
 * graph/common-neighbors and graph/value-similarity. Oracle cases come from
 * tests/data/graph/similarity/gen_similarity.py (networkx, scikit-learn, scipy). */
#include <stdlib.h>

#include "alloc_sweep.h"
#include "graph_test.h"

TestSuite(similarity, .init = gt_setup, .fini = gt_teardown);

/* ---------------------------------------------------------------- oracle cases */

Test(similarity, jaccard_oracle) { cr_assert_gt(gt_run_cases("similarity/cases.json", "graph/jaccard-similarity"), 20); }
Test(similarity, cosine_oracle) { cr_assert_gt(gt_run_cases("similarity/cases.json", "graph/cosine-similarity"), 20); }
Test(similarity, adamic_adar_oracle) { cr_assert_gt(gt_run_cases("similarity/cases.json", "graph/adamic-adar"), 20); }
Test(similarity, common_neighbors_oracle)
{
    cr_assert_gt(gt_run_cases("similarity/cases.json", "graph/common-neighbors"), 20);
}
Test(similarity, value_similarity_oracle)
{
    cr_assert_gt(gt_run_cases("similarity/cases.json", "graph/value-similarity"), 20);
}

/* ---------------------------------------------------------------- helpers */

static ck_graph_t *make_graph(ck_ctx_t *ctx, ck_idx_t n, const ck_idx_t (*e)[2], ck_idx_t m, const double *w,
                              bool directed)
{
    ck_idx_t src[64], dst[64];
    cr_assert_leq(m, 64);
    for (ck_idx_t i = 0; i < m; i++) src[i] = e[i][0], dst[i] = e[i][1];
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, ctx, n, src, dst, w, m, directed), CK_OK, "%s", ck_ctx_error(ctx));
    return g;
}

/* A seeded random graph (xorshift), for thread-invariance checks. */
static ck_graph_t *random_graph(ck_ctx_t *ctx, ck_idx_t n, ck_idx_t m, bool directed, bool weighted)
{
    ck_idx_t *src = malloc((size_t)m * sizeof *src), *dst = malloc((size_t)m * sizeof *dst);
    double *w = weighted ? malloc((size_t)m * sizeof *w) : NULL;
    uint64_t s = 88172645463325252ull;
    for (ck_idx_t i = 0; i < m; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        /* skewed: low ids are hubs */
        uint64_t a = s % (uint64_t)n, b = (s >> 20) % (uint64_t)n;
        src[i] = (ck_idx_t)(a * (s >> 40 & 1 ? a : 1) % (uint64_t)n);
        dst[i] = (ck_idx_t)b;
        if (w) w[i] = (double)(s >> 50 & 7) * 0.5;
    }
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, ctx, n, src, dst, w, m, directed), CK_OK);
    free(src);
    free(dst);
    free(w);
    return g;
}

/* ---------------------------------------------------------------- typed API */

static const ck_idx_t hand_edges[][2] = {{0, 1}, {1, 2}, {0, 3}};

Test(similarity, typed_pairs_hand_values)
{
    ck_graph_t *g = make_graph(gt_ctx, 4, hand_edges, 3, NULL, false);
    ck_idx_t u[] = {0, 2, 1, 3}, v[] = {2, 0, 1, 2}, cand = -1;
    double s[4];
    int64_t c[4];
    ck_link_similarity_options_t o;
    ck_link_similarity_options_init(&o);
    cr_assert_eq(o.top_k, 1000);
    cr_assert_eq(o.neighborhood, CK_SIM_OUT);
    cr_assert_eq(ck_jaccard_similarity_pairs(gt_ctx, s, &cand, g, u, v, 4, &o), CK_OK);
    cr_assert_float_eq(s[0], 0.5, 1e-15);
    cr_assert_eq(s[0], s[1]);
    cr_assert_eq(s[2], 1.0); /* u = v with a neighbour */
    cr_assert_eq(s[3], 0.0); /* N(3) = {0}, N(2) = {1} */
    cr_assert_eq(cand, 3);
    cr_assert_eq(ck_cosine_similarity_pairs(gt_ctx, s, NULL, g, u, v, 4, NULL), CK_OK);
    cr_assert_float_eq(s[0], 1 / sqrt(2.0), 1e-15);
    cr_assert_eq(ck_adamic_adar_pairs(gt_ctx, s, NULL, g, u, v, 4, NULL), CK_OK);
    cr_assert_float_eq(s[0], 1 / log(2.0), 1e-15);
    cr_assert_float_eq(s[2], 1 / log(2.0), 1e-15); /* N(1) = {0, 2}: deg 0 = 2, deg 2 = 1 counts 0 */
    o.variant = CK_AA_RESOURCE_ALLOCATION;
    cr_assert_eq(ck_adamic_adar_pairs(gt_ctx, s, NULL, g, u, v, 4, &o), CK_OK);
    cr_assert_float_eq(s[0], 0.5, 1e-15);
    cr_assert_eq(ck_common_neighbors_pairs(gt_ctx, c, &cand, g, u, v, 4, NULL), CK_OK);
    cr_assert_eq(c[0], 1);
    cr_assert_eq(c[2], 2);
    cr_assert_eq(c[3], 0);
    /* Out-of-range ids name the array and index. */
    ck_idx_t bad[] = {0, 9};
    cr_assert_eq(ck_jaccard_similarity_pairs(gt_ctx, s, NULL, g, u, bad, 2, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "v[1]");
    cr_assert_eq(ck_common_neighbors_pairs(gt_ctx, NULL, NULL, g, u, v, 1, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_jaccard_similarity_pairs(gt_ctx, NULL, NULL, g, NULL, NULL, 0, NULL), CK_OK);
    ck_graph_destroy(&g);
}

Test(similarity, typed_all_pairs_order_and_options)
{
    /* A star: the leaves 1..4 all share the centre; 0 shares nothing. */
    static const ck_idx_t star[][2] = {{0, 1}, {0, 2}, {0, 3}, {0, 4}, {1, 2}};
    ck_graph_t *g = make_graph(gt_ctx, 5, star, 5, NULL, false);
    ck_pair_scores_t *r = NULL;
    cr_assert_eq(ck_common_neighbors(gt_ctx, &r, g, NULL), CK_OK);
    /* pairs with a common neighbour: (0,1) via 2, (0,2) via 1, and all 6 leaf pairs via 0 */
    cr_assert_eq(r->candidates, 8);
    cr_assert_eq(r->count, 8);
    cr_assert_not(r->truncated);
    cr_assert_null(r->distance);
    for (ck_idx_t i = 0; i < r->count; i++) {
        cr_assert_lt(r->u[i], r->v[i]);
        cr_assert_eq(r->score[i], 1.0);
        if (i) cr_assert(r->u[i - 1] < r->u[i] || (r->u[i - 1] == r->u[i] && r->v[i - 1] < r->v[i]));
    }
    ck_pair_scores_destroy(&r);
    cr_assert_null(r);
    ck_pair_scores_destroy(&r); /* no-op */
    ck_link_similarity_options_t o;
    ck_link_similarity_options_init(&o);
    o.top_k = 3;
    o.exclude_edges = true; /* drops (0,1), (0,2), (1,2) */
    cr_assert_eq(ck_jaccard_similarity(gt_ctx, &r, g, &o), CK_OK);
    cr_assert_eq(r->candidates, 8);
    cr_assert_eq(r->count, 3);
    cr_assert(r->truncated);
    /* J(3,4) = 1 ranks first; then J(1,3) = J(1,4) = J(2,3) = J(2,4) = 1/2: u, v ascending */
    cr_assert_eq(r->u[0], 3);
    cr_assert_eq(r->v[0], 4);
    cr_assert_eq(r->score[0], 1.0);
    cr_assert_eq(r->u[1], 1);
    cr_assert_eq(r->v[1], 3);
    cr_assert_eq(r->u[2], 1);
    cr_assert_eq(r->v[2], 4);
    ck_pair_scores_destroy(&r);
    o.top_k = 0;
    o.min_score = 0.5;
    cr_assert_eq(ck_jaccard_similarity(gt_ctx, &r, g, &o), CK_OK);
    cr_assert_eq(r->count, 5);
    cr_assert_not(r->truncated);
    ck_pair_scores_destroy(&r);
    o.min_score = 0.75;
    cr_assert_eq(ck_jaccard_similarity(gt_ctx, &r, g, &o), CK_OK);
    cr_assert_eq(r->count, 1);
    cr_assert_not(r->truncated);
    ck_pair_scores_destroy(&r);
    /* Bad options name the field. */
    o.top_k = -1;
    cr_assert_eq(ck_adamic_adar(gt_ctx, &r, g, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "opt.top_k");
    o.top_k = 5;
    o.neighborhood = (ck_sim_neighborhood_t)7;
    cr_assert_eq(ck_cosine_similarity(gt_ctx, &r, g, &o), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_cosine_similarity(gt_ctx, NULL, g, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_cosine_similarity(gt_ctx, &r, NULL, NULL), CK_E_INVALID_INPUT);
    cr_assert_null(r);
    ck_graph_destroy(&g);
}

Test(similarity, neighborhoods_directed_and_undirected)
{
    /* 0->2, 1->2, 3->0, 3->1: out-neighbourhoods of 0 and 1 meet at 2, in-neighbourhoods at 3. */
    static const ck_idx_t arcs[][2] = {{0, 2}, {1, 2}, {3, 0}, {3, 1}};
    ck_graph_t *g = make_graph(gt_ctx, 4, arcs, 4, NULL, true);
    ck_idx_t u[] = {0, 2}, v[] = {1, 3};
    int64_t c[2];
    ck_link_similarity_options_t o;
    ck_link_similarity_options_init(&o);
    cr_assert_eq(ck_common_neighbors_pairs(gt_ctx, c, NULL, g, u, v, 2, &o), CK_OK);
    cr_assert_eq(c[0], 1);
    cr_assert_eq(c[1], 0);
    o.neighborhood = CK_SIM_IN;
    cr_assert_eq(ck_common_neighbors_pairs(gt_ctx, c, NULL, g, u, v, 2, &o), CK_OK);
    cr_assert_eq(c[0], 1);
    o.neighborhood = CK_SIM_ALL; /* Γ(0) = {2, 3}, Γ(1) = {2, 3}; Γ(2) = {0, 1}, Γ(3) = {0, 1} */
    cr_assert_eq(ck_common_neighbors_pairs(gt_ctx, c, NULL, g, u, v, 2, &o), CK_OK);
    cr_assert_eq(c[0], 2);
    cr_assert_eq(c[1], 2);
    /* Adamic–Adar's c(z) under "out" is the in-degree of z: c(2) = 2. */
    double s[2];
    o.neighborhood = CK_SIM_OUT;
    cr_assert_eq(ck_adamic_adar_pairs(gt_ctx, s, NULL, g, u, v, 1, &o), CK_OK);
    cr_assert_float_eq(s[0], 1 / log(2.0), 1e-15);
    ck_graph_destroy(&g);
    /* On an undirected graph every neighbourhood is N(u). */
    g = make_graph(gt_ctx, 4, hand_edges, 3, NULL, false);
    ck_pair_scores_t *a = NULL, *b = NULL;
    o.neighborhood = CK_SIM_IN;
    cr_assert_eq(ck_jaccard_similarity(gt_ctx, &a, g, &o), CK_OK);
    o.neighborhood = CK_SIM_OUT;
    cr_assert_eq(ck_jaccard_similarity(gt_ctx, &b, g, &o), CK_OK);
    cr_assert_eq(a->count, b->count);
    for (ck_idx_t i = 0; i < a->count; i++) cr_assert(a->u[i] == b->u[i] && a->v[i] == b->v[i] && a->score[i] == b->score[i]);
    ck_pair_scores_destroy(&a);
    ck_pair_scores_destroy(&b);
    ck_graph_destroy(&g);
}

Test(similarity, weighted_cosine_typed)
{
    /* Rows 0: {1: 3, 2: 4} and 3: {1: 4, 2: 3} -> cos = 24/25; zero-weight rows give 0. */
    static const ck_idx_t e[][2] = {{0, 1}, {0, 2}, {3, 1}, {3, 2}, {4, 1}};
    double w[] = {3, 4, 4, 3, 0};
    ck_graph_t *g = make_graph(gt_ctx, 5, e, 5, w, false);
    ck_idx_t u[] = {0, 0, 4}, v[] = {3, 0, 0};
    double s[3];
    ck_link_similarity_options_t o;
    ck_link_similarity_options_init(&o);
    o.use_weights = true;
    cr_assert_eq(ck_cosine_similarity_pairs(gt_ctx, s, NULL, g, u, v, 3, &o), CK_OK);
    cr_assert_float_eq(s[0], 24.0 / 25.0, 1e-15);
    cr_assert_float_eq(s[1], 1.0, 1e-15);
    cr_assert_eq(s[2], 0.0);
    /* Huge weights do not overflow: the rows are scaled by their largest weight. */
    double big[] = {3e300, 4e300, 4e300, 3e300, 1e300};
    ck_graph_destroy(&g);
    g = make_graph(gt_ctx, 5, e, 5, big, false);
    cr_assert_eq(ck_cosine_similarity_pairs(gt_ctx, s, NULL, g, u, v, 1, &o), CK_OK);
    cr_assert_float_eq(s[0], 24.0 / 25.0, 1e-15);
    ck_graph_destroy(&g);
}

static void expect_same(const ck_pair_scores_t *a, const ck_pair_scores_t *b, const char *what)
{
    cr_assert_eq(a->count, b->count, "%s", what);
    cr_assert_eq(a->candidates, b->candidates, "%s", what);
    cr_assert_eq(a->truncated, b->truncated, "%s", what);
    for (ck_idx_t i = 0; i < a->count; i++)
        cr_assert(a->u[i] == b->u[i] && a->v[i] == b->v[i] && memcmp(&a->score[i], &b->score[i], sizeof(double)) == 0,
                  "%s: row %lld differs", what, (long long)i);
}

Test(similarity, thread_invariance_random_graphs)
{
    typedef ck_status_t (*fn_t)(ck_ctx_t *, ck_pair_scores_t **, const ck_graph_t *, const ck_link_similarity_options_t *);
    fn_t fns[] = {ck_jaccard_similarity, ck_cosine_similarity, ck_adamic_adar, ck_common_neighbors};
    for (int d = 0; d < 2; d++) {
        ck_graph_t *g = random_graph(gt_ctx, 600, 3000, d == 1, true);
        for (int f = 0; f < 4; f++) {
            for (int variant = 0; variant < 3; variant++) {
                ck_link_similarity_options_t o;
                ck_link_similarity_options_init(&o);
                o.top_k = variant == 0 ? 0 : variant == 1 ? 40 : 1000;
                o.exclude_edges = variant == 2;
                o.use_weights = variant == 1;
                o.neighborhood = (ck_sim_neighborhood_t)variant;
                ck_pair_scores_t *ref = NULL;
                ck_ctx_set_threads(gt_ctx, 1);
                cr_assert_eq(fns[f](gt_ctx, &ref, g, &o), CK_OK);
                cr_assert_gt(ref->count, 0);
                for (int t = 2; t <= 4; t++) {
                    ck_pair_scores_t *r = NULL;
                    ck_ctx_set_threads(gt_ctx, t);
                    cr_assert_eq(fns[f](gt_ctx, &r, g, &o), CK_OK);
                    expect_same(ref, r, "threads");
                    ck_pair_scores_destroy(&r);
                }
                /* All-pairs scores equal pairs-mode scores bitwise (same summation order). */
                ck_idx_t *u = malloc((size_t)ref->count * sizeof *u), *v = malloc((size_t)ref->count * sizeof *v);
                double *s = malloc((size_t)ref->count * sizeof *s);
                for (ck_idx_t i = 0; i < ref->count; i++) u[i] = ref->v[i], v[i] = ref->u[i]; /* reversed */
                if (f < 3) {
                    ck_status_t (*pf)(ck_ctx_t *, double *, ck_idx_t *, const ck_graph_t *, const ck_idx_t *,
                                      const ck_idx_t *, ck_idx_t, const ck_link_similarity_options_t *) =
                        f == 0 ? ck_jaccard_similarity_pairs : f == 1 ? ck_cosine_similarity_pairs : ck_adamic_adar_pairs;
                    cr_assert_eq(pf(gt_ctx, s, NULL, g, u, v, ref->count, &o), CK_OK);
                    for (ck_idx_t i = 0; i < ref->count; i++)
                        cr_assert_eq(memcmp(&s[i], &ref->score[i], sizeof(double)), 0, "f=%d row %lld: %.17g vs %.17g", f,
                                     (long long)i, s[i], ref->score[i]);
                }
                free(u);
                free(v);
                free(s);
                ck_pair_scores_destroy(&ref);
            }
        }
        ck_graph_destroy(&g);
    }
    ck_ctx_set_threads(gt_ctx, 0);
}

Test(similarity, cancellation)
{
    ck_graph_t *g = random_graph(gt_ctx, 300, 1500, false, false);
    ck_pair_scores_t *r = NULL;
    ck_ctx_cancel(gt_ctx);
    cr_assert_eq(ck_jaccard_similarity(gt_ctx, &r, g, NULL), CK_E_CANCELLED);
    cr_assert_null(r);
    double vals[] = {1, 2, 3, 4};
    ck_idx_t off[] = {0, 2, 4};
    cr_assert_eq(ck_value_similarity(gt_ctx, &r, vals, off, 2, NULL), CK_E_CANCELLED);
    ck_ctx_reset_cancel(gt_ctx);
    cr_assert_eq(ck_jaccard_similarity(gt_ctx, &r, g, NULL), CK_OK);
    ck_pair_scores_destroy(&r);
    ck_graph_destroy(&g);
}

Test(similarity, value_similarity_typed)
{
    /* node 0: {0}, node 1: {3}, node 2: {}, node 3: {0, 3} */
    double vals[] = {0, 3, 0, 3};
    ck_idx_t off[] = {0, 1, 2, 2, 4};
    ck_value_similarity_options_t o;
    ck_value_similarity_options_init(&o);
    cr_assert_eq(o.bins, 20);
    cr_assert_eq(o.min_similarity, 0.9);
    o.bins = 4;
    ck_idx_t u[] = {0, 0, 0, 3}, v[] = {1, 2, 3, 3};
    double s[4], d[4];
    cr_assert_eq(ck_value_similarity_pairs(gt_ctx, s, d, vals, off, 4, u, v, 4, &o), CK_OK);
    cr_assert_float_eq(d[0], 1.0, 1e-15);
    cr_assert_float_eq(s[0], 0.0, 1e-15);
    cr_assert(isnan(s[1]) && isnan(d[1]));
    cr_assert_eq(d[3], 0.0);
    cr_assert_eq(s[3], 1.0);
    /* JSD of [1,0,0,0] and [1/2,0,0,1/2]: (1/2 log2(4/3) + 1/2 log2(2)... ) by hand */
    double js = 0.5 * (1.0 * log2(1.0 / 0.75)) + 0.5 * (0.5 * log2(0.5 / 0.75) + 0.5 * log2(0.5 / 0.25));
    cr_assert_float_eq(d[2], sqrt(js), 1e-15);
    o.metric = CK_VALUE_WASSERSTEIN;
    cr_assert_eq(ck_value_similarity_pairs(gt_ctx, s, d, vals, off, 4, u, v, 4, &o), CK_OK);
    cr_assert_float_eq(d[0], 3.0, 1e-15);
    cr_assert_float_eq(s[0], 0.0, 1e-15);
    cr_assert_float_eq(d[2], 1.5, 1e-15);
    cr_assert_float_eq(s[2], 0.5, 1e-15);
    /* Target and all-pairs modes. */
    ck_pair_scores_t *r = NULL;
    cr_assert_eq(ck_value_similarity_target(gt_ctx, &r, vals, off, 4, 0, &o), CK_OK);
    cr_assert_eq(r->count, 2); /* node 2 has no values */
    cr_assert_eq(r->v[0], 3);
    cr_assert_eq(r->v[1], 1);
    cr_assert_not_null(r->distance);
    ck_pair_scores_destroy(&r);
    o.min_similarity = 0.4;
    cr_assert_eq(ck_value_similarity(gt_ctx, &r, vals, off, 4, &o), CK_OK);
    cr_assert_eq(r->count, 2); /* (0,3) and (1,3) at 0.5; (0,1) at 0 */
    cr_assert_eq(r->u[0], 0);
    cr_assert_eq(r->v[0], 3);
    cr_assert_eq(r->u[1], 1);
    ck_pair_scores_destroy(&r);
    /* Bad input. */
    ck_idx_t bad_off[] = {0, 2, 1, 2, 4};
    cr_assert_eq(ck_value_similarity(gt_ctx, &r, vals, bad_off, 4, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "offsets[2]");
    double nanv[] = {0, NAN, 1, 1};
    cr_assert_eq(ck_value_similarity(gt_ctx, &r, nanv, off, 4, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "values[1]");
    o.metric = CK_VALUE_JSD;
    o.binning = CK_BINNING_LOG;
    cr_assert_eq(ck_value_similarity(gt_ctx, &r, vals, off, 4, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "values[0]");
    o.binning = CK_BINNING_EQUAL_WIDTH;
    o.bins = 1;
    cr_assert_eq(ck_value_similarity(gt_ctx, &r, vals, off, 4, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "opt.bins");
    o.bins = 4;
    cr_assert_eq(ck_value_similarity_target(gt_ctx, &r, vals, off, 4, 4, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "target");
    cr_assert_null(r);
    cr_assert_eq(ck_value_similarity(gt_ctx, &r, NULL, NULL, 0, &o), CK_OK);
    cr_assert_eq(r->count, 0);
    ck_pair_scores_destroy(&r);
}

Test(similarity, value_similarity_thread_invariance)
{
    enum { N = 120 };
    static double vals[N * 12];
    static ck_idx_t off[N + 1];
    uint64_t s = 12345;
    ck_idx_t k = 0;
    for (int i = 0; i < N; i++) {
        off[i] = k;
        int cnt = i % 13 == 5 ? 0 : 1 + i % 12;
        for (int j = 0; j < cnt; j++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            vals[k++] = 1.0 + (double)(s % 1000) / 100.0 + (i % 5);
        }
    }
    off[N] = k;
    for (int m = 0; m < 4; m++) {
        ck_value_similarity_options_t o;
        ck_value_similarity_options_init(&o);
        o.metric = m == 3 ? CK_VALUE_WASSERSTEIN : CK_VALUE_JSD;
        o.binning = (ck_value_binning_t)(m % 3);
        o.min_similarity = 0.3;
        o.top_k = m == 1 ? 0 : 100;
        ck_pair_scores_t *ref = NULL, *r = NULL;
        ck_ctx_set_threads(gt_ctx, 1);
        cr_assert_eq(ck_value_similarity(gt_ctx, &ref, vals, off, N, &o), CK_OK);
        cr_assert_gt(ref->count, 10);
        for (int t = 2; t <= 3; t++) {
            ck_ctx_set_threads(gt_ctx, t);
            cr_assert_eq(ck_value_similarity(gt_ctx, &r, vals, off, N, &o), CK_OK);
            expect_same(ref, r, "value threads");
            for (ck_idx_t i = 0; i < r->count; i++) cr_assert_eq(memcmp(&r->distance[i], &ref->distance[i], 8), 0);
            ck_pair_scores_destroy(&r);
        }
        ck_pair_scores_destroy(&ref);
    }
    ck_ctx_set_threads(gt_ctx, 0);
}

/* ---------------------------------------------------------------- JSON edge cases and bad input */

Test(similarity, json_edge_cases)
{
    /* min_score counts for common neighbours; "in" on an undirected graph is N(u). */
    json_t *in = json_loads("{\"graph\": \"@star5\", \"min_score\": 1, \"neighborhood\": \"in\"}", 0, NULL);
    gt_resolve_graph(in);
    json_t *out = gt_run("graph/common-neighbors", in, CK_OK);
    cr_assert_eq(json_array_size(json_object_get(out, "pairs")), 6);
    cr_assert(json_is_integer(json_array_get(json_array_get(json_object_get(out, "pairs"), 0), 2)));
    cr_assert_eq(json_integer_value(json_object_get(out, "candidates")), 6);
    json_decref(out);
    json_object_set_new(in, "min_score", json_real(1.5));
    out = gt_run("graph/common-neighbors", in, CK_OK);
    cr_assert_eq(json_array_size(json_object_get(out, "pairs")), 0);
    cr_assert_eq(json_integer_value(json_object_get(out, "candidates")), 6);
    json_decref(out);
    json_decref(in);
    /* Self-loops are dropped with a warning; an empty pair list gives no rows. */
    in = json_loads("{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 0], [0, 1], [1, 2]]}, \"pairs\": []}", 0, NULL);
    out = gt_run("graph/jaccard-similarity", in, CK_OK);
    cr_assert_eq(json_array_size(json_object_get(out, "pairs")), 0);
    cr_assert_not_null(json_object_get(json_object_get(out, "meta"), "warnings"));
    json_decref(out);
    json_decref(in);
    /* value-similarity: explicit null pairs/target mean all-pairs mode. */
    in = json_loads("{\"values\": [[1, 2], [1, 2], [9]], \"pairs\": null, \"target\": null}", 0, NULL);
    out = gt_run("graph/value-similarity", in, CK_OK);
    cr_assert_eq(json_array_size(json_object_get(out, "pairs")), 1);
    json_decref(out);
    json_decref(in);
}

#define G4 "{\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [0, 3]]}"

Test(similarity, bad_input_link)
{
    const char *ids[] = {"graph/jaccard-similarity", "graph/cosine-similarity", "graph/adamic-adar",
                         "graph/common-neighbors"};
    for (int i = 0; i < 4; i++) {
        const char *id = ids[i];
        gt_expect_error(id, "{\"graph\": " G4 ", \"top_k\": -1}", "top_k", "out of range");
        gt_expect_error(id, "{\"graph\": " G4 ", \"top_k\": 2.5}", "top_k", "integer");
        gt_expect_error(id, "{\"graph\": " G4 ", \"neighborhood\": \"both\"}", "neighborhood", "not one of");
        gt_expect_error(id, "{\"graph\": " G4 ", \"min_score\": \"high\"}", "min_score", "number");
        gt_expect_error(id, "{\"graph\": " G4 ", \"exclude_edges\": 1}", "exclude_edges", "boolean");
        gt_expect_error(id, "{\"graph\": " G4 ", \"pairs\": {\"u\": 0}}", "pairs", "array");
        gt_expect_error(id, "{\"graph\": " G4 ", \"pairs\": [[0, 1, 2]]}", "pairs[0]", "pair");
        gt_expect_error(id, "{\"graph\": " G4 ", \"pairs\": [[0, 1], 3]}", "pairs[1]", "pair");
        gt_expect_error(id, "{\"graph\": " G4 ", \"pairs\": [[0, 1], [2, 4]]}", "pairs[1][1]", "out of range 0..3");
        gt_expect_error(id, "{\"graph\": " G4 ", \"pairs\": [[-1, 1]]}", "pairs[0][0]", "out of range");
        gt_expect_error(id, "{\"graph\": " G4 ", \"pairs\": [[\"a\", 1]]}", "pairs[0][0]", "node id");
        gt_expect_error(id, "{\"graph\": {\"num_nodes\": 0, \"edges\": []}, \"pairs\": [[0, 0]]}", "pairs[0][0]",
                        "no nodes");
        gt_expect_error(id, "{\"graph\": " G4 ", \"weights\": [1]}", "weights", "unknown field");
        gt_expect_error(id, "{\"top_k\": 3}", "graph", "missing");
        gt_expect_error(id, "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 2]]}}", "graph.edges[0][1]", "out of range");
    }
    gt_expect_error("graph/cosine-similarity", "{\"graph\": " G4 ", \"use_weights\": \"yes\"}", "use_weights", "boolean");
    gt_expect_error("graph/jaccard-similarity", "{\"graph\": " G4 ", \"use_weights\": true}", "use_weights",
                    "unknown field");
    gt_expect_error("graph/adamic-adar", "{\"graph\": " G4 ", \"variant\": \"ra\"}", "variant", "not one of");
    gt_expect_error("graph/common-neighbors", "{\"graph\": " G4 ", \"variant\": \"adamic_adar\"}", "variant",
                    "unknown field");
}

Test(similarity, bad_input_value)
{
    const char *id = "graph/value-similarity";
    gt_expect_error(id, "{}", "values", "missing");
    gt_expect_error(id, "{\"values\": [[1], 2]}", "values[1]", "array");
    gt_expect_error(id, "{\"values\": [[1, \"x\"]]}", "values[0][1]", "number");
    gt_expect_error(id, "{\"values\": [[1], [0.5, 0]], \"binning\": \"log\"}", "values[1][1]", "> 0");
    gt_expect_error(id, "{\"values\": [[1]], \"bins\": 1}", "bins", "out of range");
    gt_expect_error(id, "{\"values\": [[1]], \"bins\": 4097}", "bins", "out of range");
    gt_expect_error(id, "{\"values\": [[1]], \"binning\": \"sqrt\"}", "binning", "not one of");
    gt_expect_error(id, "{\"values\": [[1]], \"metric\": \"kl\"}", "metric", "not one of");
    gt_expect_error(id, "{\"values\": [[1]], \"top_k\": -5}", "top_k", "out of range");
    gt_expect_error(id, "{\"values\": [[1], [2]], \"target\": 2}", "target", "out of range 0..1");
    gt_expect_error(id, "{\"values\": [[1], [2]], \"target\": \"a\"}", "target", "node id");
    gt_expect_error(id, "{\"values\": [[1], [2]], \"pairs\": [[0, 2]]}", "pairs[0][1]", "out of range");
    gt_expect_error(id, "{\"values\": [[1], [2]], \"pairs\": 3}", "pairs", "array");
    gt_expect_error(id, "{\"values\": [[1], [2]], \"pairs\": [[0, 1]], \"target\": 0}", "target", "not both");
    gt_expect_error(id, "{\"values\": [[1]], \"graph\": {}}", "graph", "unknown field");
    /* log binning accepts any values with wasserstein (no bins are made) */
    json_t *in = json_loads("{\"values\": [[-1, 0], [2]], \"binning\": \"log\", \"metric\": \"wasserstein\", "
                            "\"min_similarity\": 0}",
                            0, NULL);
    json_t *out = gt_run(id, in, CK_OK);
    cr_assert_eq(json_array_size(json_object_get(out, "pairs")), 1);
    json_decref(out);
    json_decref(in);
}

/* ---------------------------------------------------------------- allocation failure */

static bool scenario_typed(void)
{
    ck_ctx_t *ctx = NULL;
    ck_graph_t *g = NULL, *d = NULL;
    ck_pair_scores_t *r = NULL;
    bool done = false;
    static const ck_idx_t e[][2] = {{0, 1}, {1, 2}, {0, 3}, {2, 3}, {3, 4}, {4, 5}, {5, 0}, {1, 4}, {2, 5}};
    ck_idx_t src[9], dst[9], pu[] = {0, 1, 3}, pv[] = {2, 5, 3};
    double w[9], s[3];
    int64_t c[3];
    for (int i = 0; i < 9; i++) src[i] = e[i][0], dst[i] = e[i][1], w[i] = 1.0 + i;
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    ck_ctx_set_threads(ctx, 2);
    STEP(ck_graph_create(&g, ctx, 6, src, dst, w, 9, false));
    STEP(ck_graph_create(&d, ctx, 6, src, dst, w, 9, true));
    ck_link_similarity_options_t o;
    ck_link_similarity_options_init(&o);
    o.top_k = 2;
    STEP(ck_jaccard_similarity(ctx, &r, g, &o));
    ck_pair_scores_destroy(&r);
    o.top_k = 0;
    o.use_weights = true;
    o.neighborhood = CK_SIM_ALL;
    STEP(ck_cosine_similarity(ctx, &r, d, &o));
    ck_pair_scores_destroy(&r);
    o.neighborhood = CK_SIM_IN;
    STEP(ck_cosine_similarity_pairs(ctx, s, NULL, d, pu, pv, 3, &o));
    STEP(ck_adamic_adar(ctx, &r, d, &o));
    ck_pair_scores_destroy(&r);
    STEP(ck_adamic_adar_pairs(ctx, s, NULL, g, pu, pv, 3, NULL));
    STEP(ck_common_neighbors(ctx, &r, g, NULL));
    ck_pair_scores_destroy(&r);
    STEP(ck_common_neighbors_pairs(ctx, c, NULL, g, pu, pv, 3, NULL));
    double vals[] = {1, 2, 3, 2, 3, 4, 5, 1.5};
    ck_idx_t off[] = {0, 3, 6, 6, 8};
    ck_value_similarity_options_t vo;
    ck_value_similarity_options_init(&vo);
    vo.min_similarity = 0;
    vo.binning = CK_BINNING_QUANTILE;
    STEP(ck_value_similarity(ctx, &r, vals, off, 4, &vo));
    ck_pair_scores_destroy(&r);
    vo.metric = CK_VALUE_WASSERSTEIN;
    STEP(ck_value_similarity_target(ctx, &r, vals, off, 4, 0, &vo));
    ck_pair_scores_destroy(&r);
    STEP(ck_value_similarity_pairs(ctx, s, s, vals, off, 4, pu, pu, 2, &vo));
    done = true;
cleanup:
    ck_pair_scores_destroy(&r);
    ck_graph_destroy(&g);
    ck_graph_destroy(&d);
    ck_ctx_destroy(&ctx);
    return done;
}

/* The JSON binders (input already validated, defaults filled, as ck_execute_json hands it over):
 * parsed once outside the sweep, since jansson 2.14's own parser is not safe under failing
 * allocations (it drops characters of strings of 16+ bytes, or asserts), and json_exec.c reports a
 * failed allocation while parsing a default as an internal error (both reported to the lead). */
#define LINKALL "\"neighborhood\": \"out\", \"min_score\": 0, \"exclude_edges\": false, \"top_k\": 0"
#define VALALL                                                                                               \
    "\"metric\": \"jsd\", \"bins\": 4, \"binning\": \"quantile\", \"min_similarity\": 0, \"top_k\": 10"
static const char *const json_inputs[][2] = {
    {"graph/jaccard-similarity", "{\"graph\": " G4 ", " LINKALL "}"},
    {"graph/cosine-similarity", "{\"graph\": " G4 ", \"pairs\": [[0, 2], [1, 1]], \"use_weights\": true, " LINKALL "}"},
    {"graph/adamic-adar", "{\"graph\": " G4 ", \"variant\": \"resource_allocation\", " LINKALL "}"},
    {"graph/common-neighbors", "{\"graph\": " G4 ", \"pairs\": [[0, 2]], " LINKALL "}"},
    {"graph/value-similarity", "{\"values\": [[1, 2], [2, 3], []], \"pairs\": null, \"target\": null, " VALALL "}"},
    {"graph/value-similarity",
     "{\"values\": [[1, 2], [2, 3], []], \"pairs\": [[0, 2], [0, 1]], \"target\": null, " VALALL "}"},
    {"graph/value-similarity", "{\"values\": [[1, 2], [2, 3], []], \"pairs\": null, \"target\": 1, " VALALL "}"},
};
#define N_JSON (sizeof json_inputs / sizeof json_inputs[0])
static json_t *json_parsed[N_JSON];

static size_t json_case; /* the input scenario_json runs */

static bool scenario_json(void)
{
    ck_ctx_t *ctx = NULL;
    json_t *out = NULL;
    ck_run_info_t info = {0};
    bool done = false;
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    ck_ctx_set_threads(ctx, 1); /* the threaded paths are swept by scenario_typed */
    const ck_kernel_t *k = ck_registry_find(gt_reg, json_inputs[json_case][0]);
    out = json_object();
    if (!out) goto cleanup;
    STEP(k->run_json(ctx, k, json_parsed[json_case], out, &info));
    done = true;
cleanup:
    json_decref(out);
    json_decref(info.warnings);
    ck_ctx_destroy(&ctx);
    return done;
}

Test(similarity, allocation_failures_typed) { sweep(scenario_typed, "typed", 60 + 1, SWEEP_JSON); }
Test(similarity, allocation_failures_json)
{
    for (size_t i = 0; i < N_JSON; i++) {
        json_parsed[i] = json_loads(json_inputs[i][1], 0, NULL);
        cr_assert_not_null(json_parsed[i], "%s", json_inputs[i][1]);
        /* the inputs must be complete and valid */
        char *out = NULL;
        cr_assert_eq(ck_execute_json(gt_ctx, gt_reg, json_inputs[i][0], json_inputs[i][1], (size_t)-1, &out), CK_OK,
                     "%s", ck_ctx_error(gt_ctx));
        ck_ctx_free(gt_ctx, out);
    }
    for (json_case = 0; json_case < N_JSON; json_case++)
        sweep(scenario_json, json_inputs[json_case][0], 10 + 1, SWEEP_JSON);
    for (size_t i = 0; i < N_JSON; i++) json_decref(json_parsed[i]);
}
