/* CKernels — graph/... kernels: whole-graph metrics (included by ckernels/graph.h).
 *
 *   graph/density                ck_graph_density
 *   graph/average-path-length    ck_graph_average_path_length
 *   graph/clustering-coefficient ck_graph_clustering
 *   graph/connected-components   ck_graph_connected_components
 *   graph/full-metrics           ck_graph_full_metrics
 *
 * All of them read a ck_graph_t (built once, shared read-only) and give results that do not depend
 * on the thread count (bitwise). See docs/kernels/graph-metrics.md. */
#ifndef CKERNELS_GRAPH_METRICS_H
#define CKERNELS_GRAPH_METRICS_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_graph ck_graph_t;

/* ---------------------------------------------------------------- graph/density */

/* 2m/(n(n-1)) undirected, m/(n(n-1)) directed; 0 when n <= 1. Weights are ignored. */
CK_API ck_status_t ck_graph_density(ck_ctx_t *ctx, double *density, const ck_graph_t *g);

/* ---------------------------------------------------------------- graph/average-path-length */

typedef enum ck_disconnected {
    CK_DISCONNECTED_REACHABLE = 0, /* average over the reachable ordered pairs (default) */
    CK_DISCONNECTED_ERROR = 1      /* CK_E_INVALID_INPUT when the graph is not (strongly) connected */
} ck_disconnected_t;

typedef struct ck_path_length_options {
    bool use_weights;           /* true: weights are lengths (Dijkstra; a weight of 0 is rejected) */
    ck_disconnected_t disconnected;
    ck_idx_t sample_sources;    /* 0 (or >= n): every node is a source; else that many seeded sources */
    uint64_t seed;              /* for the source sample */
} ck_path_length_options_t;

/* Defaults: use_weights true, disconnected reachable, sample_sources 0, seed 42. */
CK_API void ck_path_length_options_init(ck_path_length_options_t *o);

typedef struct ck_path_length_result {
    double average_path_length; /* mean d(s,t) over reachable ordered pairs s != t (0 when none) */
    double diameter;            /* largest finite d (0 when none) */
    double efficiency;          /* (1/(k(n-1))) sum 1/d(s,t), k sources (k = n without sampling) */
    ck_idx_t reachable_pairs;   /* ordered pairs (s,t), s a source, t != s reachable */
    ck_idx_t sources;           /* sources used (n, or the sample size) */
    bool is_connected;          /* connected (undirected) / strongly connected (directed); false when n = 0 */
} ck_path_length_result_t;

/* BFS (unweighted, 64 sources per bit-parallel sweep) or Dijkstra from every source, parallel over
 * sources. O(k(n+m)) BFS, O(k m log n) Dijkstra. */
CK_API ck_status_t ck_graph_average_path_length(ck_ctx_t *ctx, ck_path_length_result_t *result, const ck_graph_t *g,
                                                const ck_path_length_options_t *opts);

/* ---------------------------------------------------------------- graph/clustering-coefficient */

typedef enum ck_clustering_directed_mode {
    CK_CLUSTERING_DIRECTED = 0,   /* Fagiolo's directed clustering (default; directed graphs only) */
    CK_CLUSTERING_UNDIRECTED = 1  /* on the undirected skeleton */
} ck_clustering_directed_mode_t;

typedef struct ck_clustering_options {
    bool use_weights;             /* Onnela's weighted clustering, weights as strengths (default false) */
    ck_clustering_directed_mode_t directed_mode;
    bool count_zeros;             /* average over every node (default true) or over nodes with c > 0 */
} ck_clustering_options_t;

CK_API void ck_clustering_options_init(ck_clustering_options_t *o);

typedef struct ck_clustering_result {
    double average;               /* see count_zeros; 0 when no node qualifies */
    double transitivity;          /* sum T(u) / sum C(d_u, 2) on the skeleton; 0 when no triple */
    ck_idx_t triangles;           /* triangles of the skeleton */
} ck_clustering_result_t;

/* local: caller array of n values (may be NULL when only the summary is wanted). */
CK_API ck_status_t ck_graph_clustering(ck_ctx_t *ctx, ck_clustering_result_t *result, double *local,
                                       const ck_graph_t *g, const ck_clustering_options_t *opts);

/* ---------------------------------------------------------------- graph/connected-components */

typedef enum ck_components_mode {
    CK_COMPONENTS_WEAK = 0,   /* weak components of a directed graph; components of an undirected one */
    CK_COMPONENTS_STRONG = 1  /* strongly connected components (iterative Tarjan); for an undirected
                                 graph the same as weak */
} ck_components_mode_t;

typedef struct ck_components_options {
    ck_components_mode_t mode; /* default weak */
} ck_components_options_t;

CK_API void ck_components_options_init(ck_components_options_t *o);

typedef struct ck_components_result {
    ck_idx_t num_components;
    ck_idx_t largest_component_size;
    bool is_connected; /* exactly one component (false when n = 0) */
} ck_components_result_t;

/* labels: caller array of n (may be NULL): canonical labels, components numbered 0,1,... in
 * ascending order of their smallest node. sizes: NULL or a caller array of n; its first
 * num_components entries receive the component sizes, indexed by label. */
CK_API ck_status_t ck_graph_connected_components(ck_ctx_t *ctx, ck_components_result_t *result, ck_idx_t *labels,
                                                 ck_idx_t *sizes, const ck_graph_t *g,
                                                 const ck_components_options_t *opts);

/* ---------------------------------------------------------------- graph/full-metrics */

typedef struct ck_full_metrics_options {
    bool use_weights;          /* path metrics with weights as lengths (default false) */
    ck_idx_t sample_sources;   /* as ck_path_length_options_t (default 0) */
    uint64_t seed;             /* default 42 */
} ck_full_metrics_options_t;

CK_API void ck_full_metrics_options_init(ck_full_metrics_options_t *o);

typedef struct ck_full_metrics {
    ck_idx_t num_nodes, num_edges;
    double density;
    double average_path_length, diameter, efficiency; /* reachable-pairs rule */
    double average_clustering;                        /* unweighted, count_zeros; Fagiolo when directed */
    double transitivity;
    ck_idx_t triangles;                               /* of the skeleton */
    ck_idx_t num_components;                          /* weak */
    ck_idx_t largest_component_size;
    bool is_connected;                                /* one weak component */
    bool is_strongly_connected;                       /* directed graphs; = is_connected when undirected */
    ck_idx_t degree_min, degree_max;                  /* total degree (in + out when directed) */
    double degree_mean;
    double reciprocity;                               /* directed: share of arcs whose reverse exists
                                                         (0 when m = 0); 1 for undirected graphs */
} ck_full_metrics_t;

CK_API ck_status_t ck_graph_full_metrics(ck_ctx_t *ctx, ck_full_metrics_t *result, const ck_graph_t *g,
                                         const ck_full_metrics_options_t *opts);

#ifdef __cplusplus
}
#endif
#endif
