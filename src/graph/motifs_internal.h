/* CKernels — internals of the graph motif family (triangles, triads, cliques, cycles), prefix
 * cki_motif_/cki_tri_. The triangle core is shared with the triangle-counting ring actor and the
 * CUDA path. */
#ifndef CKERNELS_MOTIFS_INTERNAL_H
#define CKERNELS_MOTIFS_INTERNAL_H

#include "graph_internal.h"

/* The undirected skeleton's adjacency: for an undirected graph a view of its CSR (nothing is
 * copied); for a directed graph a new CSR whose row u is N+(u) ∪ N-(u), ascending, and, when asked
 * for, dir[i] = (u->v arc ? 1 : 0) | (v->u arc ? 2 : 0) for the entry i = (u, v). dir is NULL for
 * undirected graphs (every dyad is mutual). */
typedef struct cki_skel {
    uint32_t n;
    int64_t m; /* skeleton edges (each stored twice) */
    const int64_t *off;
    const uint32_t *adj;
    const uint8_t *dir;
    int64_t *own_off; /* owned storage (directed graphs) */
    uint32_t *own_adj;
    uint8_t *own_dir;
} cki_skel_t;

ck_status_t cki_motif_skel_init(ck_ctx_t *ctx, cki_skel_t *s, const ck_graph_t *g, bool want_dir);
void cki_motif_skel_free(ck_ctx_t *ctx, cki_skel_t *s);

/* The forward (oriented) skeleton, relabelled by rank: node u of the graph is node perm[u] here,
 * where perm orders the nodes by ascending (degree, id), and every skeleton edge is stored once,
 * from its lower to its higher new id. Rows ascend by new id; every out-degree is at most
 * sqrt(2m). The relabelling puts the hubs together at the top of the id range, which is what
 * makes the marker lookups of the count cache-friendly on skewed (R-MAT, power-law) graphs. */
typedef struct cki_tri_fwd {
    uint32_t n;
    int64_t m;        /* oriented edges = skeleton edges */
    int64_t *off;     /* n + 1, indexed by new id */
    uint32_t *adj;    /* m new ids */
    uint32_t *perm;   /* n: graph id -> new id */
    int64_t max_out;  /* largest out-degree */
} cki_tri_fwd_t;

ck_status_t cki_tri_fwd_build(ck_ctx_t *ctx, cki_tri_fwd_t *f, const cki_skel_t *s);
void cki_tri_fwd_free(ck_ctx_t *ctx, cki_tri_fwd_t *f);

/* Triangle counting on a forward skeleton: per_node (length n, may be NULL) receives T of each
 * node INDEXED BY NEW ID (per_node[f->perm[u]] = T(u); it is overwritten), *total the triangle
 * count. Each node u intersects its out-list with those of its out-neighbours through a marker
 * array (cost sum over arcs u->v of |out(v)|). Parallel over nodes (dynamic schedule), integer
 * results independent of the thread count (per-node sums through int64 atomics, one per arc at
 * most); scratch: threads * n * 4 bytes (markers) + threads * max_out * 8 bytes; polls ctx for
 * cancellation and progress. */
ck_status_t cki_tri_count_fwd(ck_ctx_t *ctx, int64_t *per_node, int64_t *total, const cki_tri_fwd_t *f);

/* Everything in one call (skeleton, orientation, count): the entry point of the batch kernel,
 * the ring actor's initial state and the CUDA dispatcher's CPU fallback. sum_c2 (may be NULL)
 * receives sum_u C(d_u, 2) over skeleton degrees (the connected triples). */
ck_status_t cki_tri_count(ck_ctx_t *ctx, int64_t *per_node, int64_t *total, ck_uint128_t *sum_c2,
                          const ck_graph_t *g);

#endif
