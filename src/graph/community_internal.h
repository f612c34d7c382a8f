/* graph/... community family: declarations shared by community.c, community_louvain.c and
 * community_lpa.c (private to the family). */
#ifndef CKERNELS_GRAPH_COMMUNITY_INTERNAL_H
#define CKERNELS_GRAPH_COMMUNITY_INTERNAL_H

#include "graph_internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define CKI_COMM_UNSET UINT32_MAX
/* Below this much work (nodes + stored edges) a loop runs on the calling thread: a parallel
 * region costs more than it saves. Results never depend on it. */
#define CKI_COMM_PAR_MIN 50000

static inline int cki_comm_thread_id(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

/* Modularity of the partition label[0..n) (values 0..k-1, k >= 1 when n > 0) on g, computed as
 * networkx does: undirected Q = sum_c [L_c/m - gamma K_c K_c/(2m)^2], directed
 * Q = sum_c [L_c/m - gamma K_c^out K_c^in / m^2], where m is the total weight, summed node by node
 * in ascending order (m = 0 gives Q = 0). Per community c (arrays of k, each may be NULL): L_c,
 * its contribution and its size. *m_out (may be NULL) receives m. Identical for every thread
 * count. */
ck_status_t cki_comm_modularity(ck_ctx_t *ctx, const ck_graph_t *g, const uint32_t *label, uint32_t k, double gamma,
                                bool use_w, double *q, double *m_out, double *internal, double *contrib,
                                int64_t *sizes);

/* Renumber label[0..n) in place canonically (groups numbered in ascending order of their smallest
 * member); values must be < n. scratch: n entries. Returns the number of groups. */
uint32_t cki_comm_canonical(uint32_t *label, uint32_t n, uint32_t *scratch);

/* Sort a[0..len) ascending (uint32). */
void cki_comm_sort_u32(uint32_t *a, size_t len);

/* Uniform random permutation of 0..n-1 by Fisher-Yates (i = n-1 down to 1: j = floor(x (i+1) / 2^64),
 * x the next 64-bit word of Philox stream (seed, stream)). */
void cki_comm_permutation(uint32_t *perm, uint32_t n, uint64_t seed, uint64_t stream);

/* Iterative entries of the JSON kernels (community_louvain.c, community_lpa.c). */
extern const ck_iterative_ops_t cki_louvain_ops, cki_lpa_ops;

#endif
