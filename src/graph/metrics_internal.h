/* CKernels — internals of the graph metrics family (src/graph/metrics*.c), and the connected-
 * components core that other graph code (the ring actor, the CUDA dispatcher) reuses. */
#ifndef CKERNELS_GRAPH_METRICS_INTERNAL_H
#define CKERNELS_GRAPH_METRICS_INTERNAL_H

#include "graph_internal.h"

#ifdef _OPENMP
#include <omp.h>
static inline int cki_mx_tid(void) { return omp_get_thread_num(); }
#else
static inline int cki_mx_tid(void) { return 0; }
#endif

/* Canonical connected components of g into labels[n] (uint32): components are numbered 0,1,...
 * in ascending order of their smallest node. Undirected graphs: connected components; directed
 * graphs: weak components (strong = false; parallel union-find, Afforest-style sampling, min-id
 * roots) or strongly connected components (strong = true; iterative Tarjan, no recursion). For an
 * undirected graph `strong` is ignored. *num_components receives the count (0 when n = 0).
 * Labels do not depend on the thread count. O(n + m). */
ck_status_t cki_graph_components(ck_ctx_t *ctx, uint32_t *labels, uint32_t *num_components, const ck_graph_t *g,
                                 bool strong);

/* Shortest-path statistics of ck_graph_average_path_length without the connectivity test (the
 * result's is_connected is left false). Weighted only when use_weights and g is weighted; zero
 * lengths are then rejected (CK_E_INVALID_INPUT on "graph.weights"). */
ck_status_t cki_metrics_paths(ck_ctx_t *ctx, ck_path_length_result_t *r, const ck_graph_t *g, bool use_weights,
                              ck_idx_t sample_sources, uint64_t seed);

#endif
