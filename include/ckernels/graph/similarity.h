/* CKernels — graph/... kernels: similarity (included by ckernels/graph.h).
 *
 * Link similarity (graph/jaccard-similarity, graph/cosine-similarity, graph/adamic-adar,
 * graph/common-neighbors) compares the neighbourhoods Γ(u) of node pairs. Γ(u) is N(u) on an
 * undirected graph; on a directed graph it is chosen by `neighborhood`: N⁺(u) (out, the default),
 * N⁻(u) (in) or N⁺(u) ∪ N⁻(u) (all). Each kernel has two calls:
 *   - ck_<kernel>_pairs: scores exactly the listed pairs (u = v and zero scores allowed) into a
 *     caller array of n_pairs values;
 *   - ck_<kernel>: all-pairs mode. Every unordered pair u < v with at least one common neighbour
 *     is a candidate; those with score >= min_score (and, with exclude_edges, not joined by an
 *     edge in either direction) are sorted by score descending, then u ascending, then v
 *     ascending, and cut to the best top_k (0 = no limit). Results do not depend on the thread
 *     count.
 *
 * graph/value-similarity compares the empirical value distributions attached to nodes (no graph):
 * Jensen–Shannon distance of histograms on shared bins, or the 1-D Wasserstein distance. */
#ifndef CKERNELS_GRAPH_SIMILARITY_H
#define CKERNELS_GRAPH_SIMILARITY_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_graph ck_graph_t;

/* ---------------------------------------------------------------- results */

/* A ranked list of node pairs, freed with ck_pair_scores_destroy. */
typedef struct ck_pair_scores {
    ck_idx_t count;       /* rows */
    ck_idx_t *u, *v;      /* the pairs (u < v in all-pairs mode) */
    double *score;        /* the score (value-similarity: the similarity) */
    double *distance;     /* value-similarity only: the distance; NULL for link similarity */
    ck_idx_t candidates;  /* link similarity: pairs with >= 1 common neighbour (before any filter) */
    bool truncated;       /* more rows passed the filters than top_k */
} ck_pair_scores_t;

/* Frees *r (which the library allocated through the creating context's allocator) and sets it to
 * NULL. NULL and *r == NULL are no-ops. */
CK_API void ck_pair_scores_destroy(ck_pair_scores_t **r);

/* ---------------------------------------------------------------- link similarity */

typedef enum ck_sim_neighborhood {
    CK_SIM_OUT = 0, /* N⁺(u) (directed graphs; N(u) when undirected) */
    CK_SIM_IN = 1,  /* N⁻(u) */
    CK_SIM_ALL = 2  /* N⁺(u) ∪ N⁻(u) */
} ck_sim_neighborhood_t;

typedef enum ck_adamic_adar_variant {
    CK_AA_ADAMIC_ADAR = 0,         /* Σ 1/ln c(z) */
    CK_AA_RESOURCE_ALLOCATION = 1  /* Σ 1/c(z) */
} ck_adamic_adar_variant_t;

/* Options shared by the four link-similarity kernels. min_score, exclude_edges and top_k apply to
 * all-pairs mode only. */
typedef struct ck_link_similarity_options {
    ck_sim_neighborhood_t neighborhood; /* CK_SIM_OUT; ignored (all equal N(u)) on undirected graphs */
    double min_score;                   /* 0: keep pairs whose score is >= min_score */
    bool exclude_edges;                 /* false: true drops pairs joined by an edge (link prediction) */
    ck_idx_t top_k;                     /* 1000; 0 = no limit */
    bool use_weights;                   /* false; cosine only: cosine of the weighted adjacency rows */
    ck_adamic_adar_variant_t variant;   /* CK_AA_ADAMIC_ADAR; adamic-adar only */
} ck_link_similarity_options_t;

/* Sets the documented defaults. */
CK_API void ck_link_similarity_options_init(ck_link_similarity_options_t *opt);

/* All-pairs mode: *result receives the ranked pairs (free with ck_pair_scores_destroy). `opt` may
 * be NULL for the defaults. */
CK_API ck_status_t ck_jaccard_similarity(ck_ctx_t *ctx, ck_pair_scores_t **result, const ck_graph_t *g,
                                         const ck_link_similarity_options_t *opt);
CK_API ck_status_t ck_cosine_similarity(ck_ctx_t *ctx, ck_pair_scores_t **result, const ck_graph_t *g,
                                        const ck_link_similarity_options_t *opt);
CK_API ck_status_t ck_adamic_adar(ck_ctx_t *ctx, ck_pair_scores_t **result, const ck_graph_t *g,
                                  const ck_link_similarity_options_t *opt);
/* Scores are integer counts (exact in the doubles of result->score). */
CK_API ck_status_t ck_common_neighbors(ck_ctx_t *ctx, ck_pair_scores_t **result, const ck_graph_t *g,
                                       const ck_link_similarity_options_t *opt);

/* Pairs mode: scores[i] = score of (u[i], v[i]) for i < n_pairs. `candidates` (may be NULL)
 * receives how many listed pairs have at least one common neighbour. Node ids out of range are
 * rejected ("u[3]: node 9 is out of range 0..7"). */
CK_API ck_status_t ck_jaccard_similarity_pairs(ck_ctx_t *ctx, double *scores, ck_idx_t *candidates,
                                               const ck_graph_t *g, const ck_idx_t *u, const ck_idx_t *v,
                                               ck_idx_t n_pairs, const ck_link_similarity_options_t *opt);
CK_API ck_status_t ck_cosine_similarity_pairs(ck_ctx_t *ctx, double *scores, ck_idx_t *candidates,
                                              const ck_graph_t *g, const ck_idx_t *u, const ck_idx_t *v,
                                              ck_idx_t n_pairs, const ck_link_similarity_options_t *opt);
CK_API ck_status_t ck_adamic_adar_pairs(ck_ctx_t *ctx, double *scores, ck_idx_t *candidates, const ck_graph_t *g,
                                        const ck_idx_t *u, const ck_idx_t *v, ck_idx_t n_pairs,
                                        const ck_link_similarity_options_t *opt);
CK_API ck_status_t ck_common_neighbors_pairs(ck_ctx_t *ctx, int64_t *counts, ck_idx_t *candidates,
                                             const ck_graph_t *g, const ck_idx_t *u, const ck_idx_t *v,
                                             ck_idx_t n_pairs, const ck_link_similarity_options_t *opt);

/* ---------------------------------------------------------------- value similarity */

typedef enum ck_value_metric {
    CK_VALUE_JSD = 0,         /* Jensen–Shannon distance (base 2) of histograms on shared bins */
    CK_VALUE_WASSERSTEIN = 1  /* exact 1-D W1 of the raw samples */
} ck_value_metric_t;

typedef enum ck_value_binning {
    CK_BINNING_EQUAL_WIDTH = 0, /* np.linspace(global min, global max, bins + 1) */
    CK_BINNING_LOG = 1,         /* equal widths in log10; every value must be > 0 */
    CK_BINNING_QUANTILE = 2     /* global quantiles (numpy "linear") of the pooled values, duplicates merged */
} ck_value_binning_t;

typedef struct ck_value_similarity_options {
    ck_value_metric_t metric;   /* CK_VALUE_JSD */
    ck_idx_t bins;              /* 20, in 2..4096 (jsd) */
    ck_value_binning_t binning; /* CK_BINNING_EQUAL_WIDTH (jsd) */
    double min_similarity;      /* 0.9 (all-pairs mode) */
    ck_idx_t top_k;             /* 1000, 0 = no limit (all-pairs mode) */
} ck_value_similarity_options_t;

CK_API void ck_value_similarity_options_init(ck_value_similarity_options_t *opt);

/* Node i's values are values[offsets[i] .. offsets[i+1]) (offsets has n + 1 entries, offsets[0]
 * = 0, non-decreasing; a node may have none). Values must be finite. Nodes without values are
 * skipped. */

/* All-pairs mode: pairs u < v of non-empty nodes with similarity >= min_similarity, ranked
 * (similarity descending, u, v ascending) and cut to top_k. */
CK_API ck_status_t ck_value_similarity(ck_ctx_t *ctx, ck_pair_scores_t **result, const double *values,
                                       const ck_idx_t *offsets, ck_idx_t n, const ck_value_similarity_options_t *opt);
/* Target mode: every other non-empty node v against `target`, rows (target, v), ranked by
 * similarity descending then v ascending; no threshold, no cut. Empty when target has no values. */
CK_API ck_status_t ck_value_similarity_target(ck_ctx_t *ctx, ck_pair_scores_t **result, const double *values,
                                              const ck_idx_t *offsets, ck_idx_t n, ck_idx_t target,
                                              const ck_value_similarity_options_t *opt);
/* Pairs mode: similarity[i], distance[i] of (u[i], v[i]); NaN for both when either node has no
 * values. */
CK_API ck_status_t ck_value_similarity_pairs(ck_ctx_t *ctx, double *similarity, double *distance,
                                             const double *values, const ck_idx_t *offsets, ck_idx_t n,
                                             const ck_idx_t *u, const ck_idx_t *v, ck_idx_t n_pairs,
                                             const ck_value_similarity_options_t *opt);

#ifdef __cplusplus
}
#endif
#endif
