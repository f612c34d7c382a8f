/* CKernels — graph/... kernels: shortest paths (included by ckernels/graph.h).
 *
 *   graph/shortest-path   single-source distances with a unique predecessor tree, the k shortest
 *                         loopless paths to a target (Yen), and all-pairs distances.
 *
 * Weights are lengths: with use_weights on a weighted graph, Dijkstra with a binary heap; else
 * BFS (every edge has length 1). A weight of 0 is rejected when weights are used. Path lengths
 * are the sums of the edge weights from the source forward (as networkx.path_weight). */
#ifndef CKERNELS_GRAPH_PATHS_H
#define CKERNELS_GRAPH_PATHS_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_graph ck_graph_t;

typedef struct ck_shortest_path_options {
    bool use_weights; /* true (default): weights are lengths (Dijkstra); false: hop counts (BFS) */
} ck_shortest_path_options_t;

CK_API void ck_shortest_path_options_init(ck_shortest_path_options_t *opt);

/* Single source. Arrays of length n; any may be NULL when not wanted. dist[v]: the shortest
 * distance (INFINITY when unreachable); pred[v]: the SMALLEST node id among all predecessors of v
 * on shortest paths (-1 for the source and unreachable nodes), so the tree is unique; hops[v]:
 * edges on the tree path (-1 when unreachable). O(m + n log n) (BFS: O(n + m)). opt NULL = defaults. */
CK_API ck_status_t ck_sssp(ck_ctx_t *ctx, double *dist, ck_idx_t *hops, ck_idx_t *pred, const ck_graph_t *g,
                           ck_idx_t source, const ck_shortest_path_options_t *opt);

/* A list of paths, freed with ck_path_list_destroy. Path i is nodes[offsets[i] .. offsets[i+1])
 * (source first, target last) with lengths[i] and hops[i] = offsets[i+1] - offsets[i] - 1. */
typedef struct ck_path_list {
    ck_idx_t count;
    ck_idx_t *offsets; /* count + 1 */
    ck_idx_t *nodes;
    double *lengths;
    ck_idx_t *hops;
    ck_allocator_t alloc; /* internal: the allocator that owns the arrays */
} ck_path_list_t;

CK_API void ck_path_list_destroy(ck_path_list_t **paths);

/* The k shortest loopless paths from source to target (Yen's algorithm with Lawler's
 * deviation-index pruning), in order of length, ties by hop count, then by lexicographic node
 * sequence. Fewer than k when fewer exist; none (count 0) when target is unreachable. source ==
 * target gives the single path [source]. 1 <= k. O(k n (m + n log n)) worst case. */
CK_API ck_status_t ck_k_shortest_paths(ck_ctx_t *ctx, ck_path_list_t **paths, const ck_graph_t *g, ck_idx_t source,
                                       ck_idx_t target, ck_idx_t k, const ck_shortest_path_options_t *opt);

/* All pairs: dist[s*n + v] = distance from s to v (INFINITY when unreachable), row-major n x n
 * (the caller allocates n*n doubles). Sources run in parallel; the result does not depend on the
 * thread count. O(n (m + n log n)). */
CK_API ck_status_t ck_apsp(ck_ctx_t *ctx, double *dist, const ck_graph_t *g, const ck_shortest_path_options_t *opt);

#ifdef __cplusplus
}
#endif
#endif
