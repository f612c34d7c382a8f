/* CKernels — graph/... kernels: community structure (included by ckernels/graph.h).
 *
 *   graph/modularity-score    ck_modularity, ck_modularity_score
 *   graph/louvain-community   ck_louvain (batch) and ck_louvain_create/step/get (one level per step)
 *   graph/label-propagation   ck_label_propagation (batch) and ck_label_propagation_create/step/get
 *
 * Community labels are canonical everywhere: communities are numbered 0, 1, ... in ascending
 * order of their smallest node id. Every result is identical for every thread count.
 * See docs/kernels/graph-community.md for the definitions, tie rules and complexity. */
#ifndef CKERNELS_GRAPH_COMMUNITY_H
#define CKERNELS_GRAPH_COMMUNITY_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_graph ck_graph_t;

/* ---------------------------------------------------------------- graph/modularity-score */

typedef struct ck_modularity_options {
    double resolution; /* gamma >= 0; default 1 */
    bool use_weights;  /* default true (weights are strengths); false: every edge weighs 1 */
} ck_modularity_options_t;

CK_API void ck_modularity_options_init(ck_modularity_options_t *opt);

/* Newman-Girvan modularity of a partition, per community and in total. Undirected:
 * Q = sum_c [L_c/m - gamma (K_c/2m)^2]; directed: Q = sum_c [L_c/m - gamma K_c^out K_c^in/m^2]. */
typedef struct ck_modularity_result {
    double modularity;
    double total_weight;       /* m; when 0, Q and every contribution are 0 */
    ck_idx_t num_communities;
    /* Per community, in ascending label order (arrays of num_communities): */
    int64_t *labels;           /* the distinct input labels */
    ck_idx_t *sizes;           /* members */
    double *internal_weight;   /* L_c: weight of the edges (arcs) with both ends inside */
    double *contribution;      /* its term of Q */
    ck_allocator_t alloc;      /* private: the allocator that frees the result */
} ck_modularity_result_t;

/* communities[i] (any int64 values, length n) is node i's community; equal values share one.
 * *result is one allocation from ctx's allocator; free it with ck_modularity_result_destroy.
 * opt may be NULL for the defaults. O(n log n + m). */
CK_API ck_status_t ck_modularity(ck_ctx_t *ctx, ck_modularity_result_t **result, const ck_graph_t *g,
                                 const int64_t *communities, const ck_modularity_options_t *opt);
CK_API void ck_modularity_result_destroy(ck_modularity_result_t **result);

/* Just Q (no result object). */
CK_API ck_status_t ck_modularity_score(ck_ctx_t *ctx, double *modularity, const ck_graph_t *g,
                                       const int64_t *communities, const ck_modularity_options_t *opt);

/* ---------------------------------------------------------------- graph/louvain-community */

typedef enum ck_louvain_order {
    CK_LOUVAIN_ORDER_INDEX = 0, /* nodes of each level swept in ascending id (default) */
    CK_LOUVAIN_ORDER_RANDOM = 1 /* one seeded permutation per level */
} ck_louvain_order_t;

typedef struct ck_louvain_options {
    double resolution;        /* gamma > 0; default 1 */
    double threshold;         /* stop when a level raises Q by <= threshold; >= 0, default 1e-7 */
    ck_louvain_order_t order; /* default CK_LOUVAIN_ORDER_INDEX */
    uint64_t seed;            /* for CK_LOUVAIN_ORDER_RANDOM; default 42 */
    ck_idx_t max_levels;      /* 0 = no limit (default); honoured by ck_louvain, not by ck_louvain_step */
    bool use_weights;         /* default true */
} ck_louvain_options_t;

CK_API void ck_louvain_options_init(ck_louvain_options_t *opt);

typedef struct ck_louvain_info {
    ck_idx_t num_communities;
    double modularity;        /* of the returned partition, as ck_modularity computes it */
    ck_idx_t levels;          /* levels computed (partitions in the hierarchy) */
    bool converged;           /* false when max_levels stopped it */
} ck_louvain_info_t;

/* Multilevel Louvain (Blondel et al. 2008) with the networkx gain formulas and the spec's
 * deterministic order and tie rules. communities: caller array of n (canonical labels); info may be
 * NULL. Returns CK_NOT_CONVERGED (a success) when max_levels stopped it. */
CK_API ck_status_t ck_louvain(ck_ctx_t *ctx, int64_t *communities, ck_louvain_info_t *info, const ck_graph_t *g,
                              const ck_louvain_options_t *opt);

/* Step by step: one step is one level (local moving until a sweep moves no node, then the next
 * level's aggregation). The state borrows g, which must outlive it; opt may be NULL. */
typedef struct ck_louvain ck_louvain_t;
CK_API ck_status_t ck_louvain_create(ck_louvain_t **lv, ck_ctx_t *ctx, const ck_graph_t *g,
                                     const ck_louvain_options_t *opt);
/* One level; a no-op once converged. *delta (may be NULL) receives the level's gain in Q (0 for a
 * level that moved no node, which ends the run without adding a level). */
CK_API ck_status_t ck_louvain_step(ck_ctx_t *ctx, ck_louvain_t *lv, double *delta);
CK_API bool ck_louvain_converged(const ck_louvain_t *lv);
/* The partition of the last level computed (singletons before the first); communities: caller
 * array of n or NULL; info may be NULL (its `converged` is ck_louvain_converged). */
CK_API ck_status_t ck_louvain_get(const ck_louvain_t *lv, int64_t *communities, ck_louvain_info_t *info);
CK_API void ck_louvain_destroy(ck_louvain_t **lv);

/* ---------------------------------------------------------------- graph/label-propagation */

typedef enum ck_label_propagation_variant {
    CK_LPA_SEMI_SYNC = 0, /* Cordasco & Gargano (2010), as networkx (default); weights ignored */
    CK_LPA_ASYNC = 1      /* Raghavan et al. (2007) with weights, seeded order, deterministic ties */
} ck_label_propagation_variant_t;

typedef struct ck_label_propagation_options {
    ck_label_propagation_variant_t variant; /* default CK_LPA_SEMI_SYNC */
    ck_idx_t max_rounds;                    /* >= 1, default 1000 */
    uint64_t seed;                          /* async order; default 42 */
    bool use_weights;                       /* async only; default true */
} ck_label_propagation_options_t;

CK_API void ck_label_propagation_options_init(ck_label_propagation_options_t *opt);

typedef struct ck_label_propagation_info {
    ck_idx_t num_communities;
    double modularity; /* on the undirected skeleton (weighted only for async with use_weights) */
    ck_idx_t rounds;
    bool converged;
} ck_label_propagation_info_t;

/* Communities by label propagation on the undirected skeleton. communities: caller array of n
 * (canonical labels); info may be NULL. Returns CK_NOT_CONVERGED (a success) when max_rounds
 * rounds did not reach the stopping rule. */
CK_API ck_status_t ck_label_propagation(ck_ctx_t *ctx, int64_t *communities, ck_label_propagation_info_t *info,
                                        const ck_graph_t *g, const ck_label_propagation_options_t *opt);

/* Step by step: one step is one round (ck_label_propagation_step ignores max_rounds). */
typedef struct ck_label_propagation ck_label_propagation_t;
CK_API ck_status_t ck_label_propagation_create(ck_label_propagation_t **lp, ck_ctx_t *ctx, const ck_graph_t *g,
                                               const ck_label_propagation_options_t *opt);
/* One round; a no-op once converged. *changed (may be NULL): labels changed in the round. */
CK_API ck_status_t ck_label_propagation_step(ck_ctx_t *ctx, ck_label_propagation_t *lp, ck_idx_t *changed);
CK_API bool ck_label_propagation_converged(const ck_label_propagation_t *lp);
/* The current partition (canonical; communities: caller array of n or NULL) and info (may be NULL). */
CK_API ck_status_t ck_label_propagation_get(ck_ctx_t *ctx, const ck_label_propagation_t *lp, int64_t *communities,
                                            ck_label_propagation_info_t *info);
CK_API void ck_label_propagation_destroy(ck_label_propagation_t **lp);

#ifdef __cplusplus
}
#endif
#endif
