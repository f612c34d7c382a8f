/* CKernels — graph/... kernels: centrality (included by ckernels/graph.h).
 *
 *   graph/degree-centrality       ck_degree_centrality
 *   graph/betweenness-centrality  ck_betweenness_centrality
 *   graph/closeness-centrality    ck_closeness_centrality
 *
 * All of them read a ck_graph_t (built once, shared read-only), write per-node results into caller
 * arrays of length n, and give results that do not depend on the thread count (bitwise). Options
 * may be NULL (the documented defaults). See docs/kernels/graph-centrality.md. */
#ifndef CKERNELS_GRAPH_CENTRALITY_H
#define CKERNELS_GRAPH_CENTRALITY_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_graph ck_graph_t;

/* ---------------------------------------------------------------- graph/degree-centrality */

typedef enum ck_degree_direction {
    CK_DEGREE_TOTAL = 0, /* undirected degree, or in + out for directed graphs (default) */
    CK_DEGREE_IN = 1,    /* directed graphs only */
    CK_DEGREE_OUT = 2    /* directed graphs only */
} ck_degree_direction_t;

typedef struct ck_degree_centrality_options {
    ck_degree_direction_t direction;
    bool normalized; /* divide by n-1 (n = 1: the single node scores 1) */
    bool weighted;   /* sum edge weights (strength) instead of counting edges */
} ck_degree_centrality_options_t;

/* Defaults: direction total, normalized true, weighted false. */
CK_API void ck_degree_centrality_options_init(ck_degree_centrality_options_t *o);

/* scores[n]: the degree (or strength) for the direction, normalized as asked. in_degree[n] and
 * out_degree[n] (each may be NULL): raw in/out degree or strength; for undirected graphs both are
 * the degree. CK_E_INVALID_INPUT (field "direction") for in/out on an undirected graph. O(n + m). */
CK_API ck_status_t ck_degree_centrality(ck_ctx_t *ctx, double *scores, double *in_degree, double *out_degree,
                                        const ck_graph_t *g, const ck_degree_centrality_options_t *opts);

/* ---------------------------------------------------------------- graph/betweenness-centrality */

typedef struct ck_betweenness_options {
    bool normalized;  /* divide by the ordered pairs (n-1)(n-2), or n(n-1) with endpoints (default true) */
    bool endpoints;   /* count the path's endpoints (default false) */
    bool use_weights; /* weights are lengths: Dijkstra; a weight of 0 is rejected (default true) */
    ck_idx_t k;       /* 0 (default) or n: every node is a source; 0 < k < n: k sampled sources */
    uint64_t seed;    /* for the source sample (default 42) */
} ck_betweenness_options_t;

CK_API void ck_betweenness_options_init(ck_betweenness_options_t *o);

/* Brandes' algorithm with networkx's scaling (see the doc file); sampled runs scale the raw sum by
 * n/k. The k sources are the first k entries of a partial Fisher-Yates shuffle of 0..n-1 driven by
 * Philox4x64-10 stream 0 of `seed` (ck_rng.h; see ck_betweenness_sample_sources). Parallel over
 * sources. O(k(n + m)) unweighted, O(k(m + n) log n) weighted; O(n) memory per thread. */
CK_API ck_status_t ck_betweenness_centrality(ck_ctx_t *ctx, double *scores, const ck_graph_t *g,
                                             const ck_betweenness_options_t *opts);

/* The k sources a sampled run uses, ascending, into sources[k] (0 < k <= n; k = n gives 0..n-1). */
CK_API ck_status_t ck_betweenness_sample_sources(ck_ctx_t *ctx, uint32_t *sources, ck_idx_t n, ck_idx_t k,
                                                 uint64_t seed);

/* ---------------------------------------------------------------- graph/closeness-centrality */

typedef enum ck_closeness_variant {
    CK_CLOSENESS_CLASSIC = 0, /* (r-1)/sum d, times (r-1)/(n-1) with wf_improved (default) */
    CK_CLOSENESS_HARMONIC = 1 /* sum 1/d, divided by n-1 when normalized */
} ck_closeness_variant_t;

typedef enum ck_closeness_direction {
    CK_CLOSENESS_IN = 0, /* distances d(v, u) to u, as networkx (default) */
    CK_CLOSENESS_OUT = 1 /* distances d(u, v) from u (networkx on G.reverse()) */
} ck_closeness_direction_t;

typedef struct ck_closeness_options {
    ck_closeness_variant_t variant;
    bool wf_improved;                   /* classic only (default true) */
    bool normalized;                    /* harmonic only (default false) */
    ck_closeness_direction_t direction; /* same result either way on undirected graphs */
    bool use_weights;                   /* weights are lengths: Dijkstra; 0 is rejected (default true) */
} ck_closeness_options_t;

CK_API void ck_closeness_options_init(ck_closeness_options_t *o);

/* scores[n]. One BFS/Dijkstra per node, parallel over nodes. O(n(n + m)) unweighted,
 * O(n(m + n) log n) weighted. */
CK_API ck_status_t ck_closeness_centrality(ck_ctx_t *ctx, double *scores, const ck_graph_t *g,
                                           const ck_closeness_options_t *opts);

#ifdef __cplusplus
}
#endif
#endif
