/* CKernels — graph/... kernels: spectral (included by ckernels/graph.h).
 *
 * Power-iteration centralities over the in-edge CSC of a ck_graph_t: graph/pagerank,
 * graph/eigenvector-centrality and graph/katz-centrality (spec/graph.md). Scores flow along
 * in-edges (y_v = Σ_{u→v} w_uv · x_u); an undirected edge counts in both directions. Weights are
 * strengths (use_weights; an unweighted graph has every weight 1).
 *
 * Every call fills a caller array `scores` of ck_graph_num_nodes(g) doubles and, when `info` is
 * not NULL, the iteration count, whether it converged and the last L1 change. Stopping rule (as
 * networkx): ‖x^{t+1} − xᵗ‖₁ < n·tol. Reaching max_iter is not an error: the call returns
 * CK_NOT_CONVERGED (a positive status) with the last iterate in `scores`.
 *
 * Parallelism: OpenMP over work-balanced node chunks whose boundaries depend only on the graph;
 * every reduction (dangling mass, norms, L1 change) is summed chunk by chunk in chunk order, so
 * the result is bitwise identical for every thread count. Cancellation (ck_ctx_cancel) and
 * progress are checked after each iteration. */
#ifndef CKERNELS_GRAPH_SPECTRAL_H
#define CKERNELS_GRAPH_SPECTRAL_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_graph ck_graph_t;

/* What a power iteration did. */
typedef struct ck_spectral_info {
    int64_t iterations; /* iterations run (0 when n == 0) */
    bool converged;     /* the L1 change fell below n·tol */
    double l1_delta;    /* ‖x^{t+1} − xᵗ‖₁ of the last iteration (0 when none ran) */
} ck_spectral_info_t;

/* ---------------------------------------------------------------- graph/pagerank */

typedef struct ck_pagerank_options {
    double alpha;                  /* damping, [0, 1); default 0.85 */
    double tol;                    /* > 0; default 1e-6 */
    int64_t max_iter;              /* 1..10^6; default 100 */
    bool use_weights;              /* default true */
    const double *personalization; /* n reals >= 0 with a positive sum (normalised); NULL = uniform */
    const double *dangling;        /* where dangling mass goes, as personalization; NULL = personalization */
    const double *nstart;          /* start vector, as personalization; NULL = uniform */
} ck_pagerank_options_t;

CK_API void ck_pagerank_options_init(ck_pagerank_options_t *opts);

/* PageRank as networkx defines it: x^{t+1} = α·(xᵗP + (Σ_{u∈D} xᵗ_u)·d) + (1−α)·p with
 * P_uv = W_uv / s_u (s_u the out-strength) and D the nodes with s_u = 0. Σx = 1 at every step.
 * `opts` may be NULL (defaults). O((n + m)·iterations) time, 4n doubles of workspace. */
CK_API ck_status_t ck_pagerank(ck_ctx_t *ctx, double *scores, ck_spectral_info_t *info, const ck_graph_t *g,
                               const ck_pagerank_options_t *opts);

/* ---------------------------------------------------------------- graph/eigenvector-centrality */

typedef struct ck_eigenvector_options {
    double tol;           /* > 0; default 1e-6 */
    int64_t max_iter;     /* 1..10^6; default 100 */
    bool use_weights;     /* default true */
    const double *nstart; /* n reals >= 0, not all zero (scaled to sum 1); NULL = all ones */
} ck_eigenvector_options_t;

CK_API void ck_eigenvector_options_init(ck_eigenvector_options_t *opts);

/* Eigenvector centrality by the networkx iteration x^{t+1} = normalise₂((A+I)ᵀxᵗ): the +I shift
 * keeps bipartite graphs from oscillating without changing the eigenvector. Scores have unit L2
 * norm. On a disconnected graph the result depends on nstart (the Perron vector is not unique).
 * `opts` may be NULL. O((n + m)·iterations) time, 2n doubles of workspace. */
CK_API ck_status_t ck_eigenvector_centrality(ck_ctx_t *ctx, double *scores, ck_spectral_info_t *info,
                                             const ck_graph_t *g, const ck_eigenvector_options_t *opts);

/* ---------------------------------------------------------------- graph/katz-centrality */

/* Katz: |x| above this bound (or a non-finite x) is divergence. */
#define CK_KATZ_DIVERGENCE_BOUND 1e150

typedef struct ck_katz_options {
    double alpha;         /* attenuation, > 0; default 0.1 (converges only if alpha < 1/λ_max(A)) */
    double beta;          /* the same β_v for every node; default 1.0 (ignored when beta_vec is set) */
    const double *beta_vec; /* per-node β (n finite reals), or NULL for `beta` everywhere */
    double tol;           /* > 0; default 1e-6 */
    int64_t max_iter;     /* 1..10^6; default 1000 */
    const double *nstart; /* start vector (n finite reals); NULL = 0 */
    bool normalized;      /* divide the result by its L2 norm (when non-zero); default true */
    bool use_weights;     /* default true */
} ck_katz_options_t;

CK_API void ck_katz_options_init(ck_katz_options_t *opts);

/* Katz centrality by the networkx iteration x^{t+1}_v = α·Σ_{u→v} w_uv·xᵗ_u + β_v from nstart.
 * When some |x_v| exceeds CK_KATZ_DIVERGENCE_BOUND or becomes non-finite the call fails with
 * CK_E_DIVERGED; the message (field "alpha") names α and the bound 1/λ_max, λ_max(A) estimated by
 * at most 100 power iterations on A+I. `scores` then holds nothing useful. `opts` may be NULL.
 * O((n + m)·iterations) time, 2n doubles of workspace. */
CK_API ck_status_t ck_katz_centrality(ck_ctx_t *ctx, double *scores, ck_spectral_info_t *info, const ck_graph_t *g,
                                      const ck_katz_options_t *opts);

#ifdef __cplusplus
}
#endif
#endif
