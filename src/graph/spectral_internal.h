/* CKernels — graph/... spectral family internals: the pull SpMV over an in-edge CSC and the
 * power-iteration engines of pagerank, eigenvector-centrality and katz-centrality. The ring actor
 * (PageRank RECOMPUTE) and the CUDA path reuse these: an engine is set up once, then stepped; the
 * sweep functions take raw CSC arrays, so a caller with its own (e.g. preallocated, mutable)
 * adjacency can drive them directly. */
#ifndef CKERNELS_GRAPH_SPECTRAL_INTERNAL_H
#define CKERNELS_GRAPH_SPECTRAL_INTERNAL_H

#include "graph_internal.h"

/* Work per chunk (nodes + in-edges) of the OpenMP loops. Chunk boundaries depend only on the
 * graph, and reductions are summed per chunk then in chunk order: results are bitwise identical
 * for every thread count. */
#define CKI_SPMV_CHUNK_WORK 32768

/* A pull-SpMV operand: y_v = Σ_{k in off[v]..off[v+1]} w[k] · x[adj[k]] over node chunks. */
typedef struct cki_spmv {
    uint32_t n;
    const int64_t *off;    /* n + 1 */
    const uint32_t *adj;   /* off[n] sources */
    const double *w;       /* off[n] weights, or NULL for all 1 */
    const uint32_t *chunk; /* nchunks + 1 node boundaries: chunk c is chunk[c] .. chunk[c+1]) */
    int64_t nchunks;
} cki_spmv_t;

/* Work-balanced chunk boundaries for a CSC with offsets `off` (n + 1 values): *chunk gets
 * nchunks + 1 values (ctx allocator; NULL and 0 chunks when n == 0). */
ck_status_t cki_spmv_chunks(ck_ctx_t *ctx, uint32_t **chunk, int64_t *nchunks, const int64_t *off, uint32_t n);

/* One PageRank sweep (the iteration step), fused:
 *   x_v ← α·(Σ_{u→v} w_uv·t_u + dsum·d_v) + (1−α)·p_v        (t_u = x_u / s_u, 0 when dangling)
 *   t_next_v ← x_v · inv_v;   *dsum_next ← Σ_{v: inv_v = 0} x_v;   returns Σ_v |Δx_v|.
 * p / d NULL mean uniform 1/n (d NULL with p set means d = p). `part` holds 2·nchunks doubles. */
double cki_pagerank_sweep(const cki_spmv_t *a, int threads, double alpha, const double *p, const double *d,
                          double dsum, const double *inv, const double *t, double *t_next, double *x, double *part,
                          double *dsum_next);

typedef enum cki_power_kind { CKI_POWER_PAGERANK, CKI_POWER_EIGENVECTOR, CKI_POWER_KATZ } cki_power_kind_t;

/* A power-iteration engine; it owns every buffer and reads g's arrays (g must outlive it). */
typedef struct cki_power {
    cki_power_kind_t kind;
    cki_spmv_t a;
    uint32_t *chunk;     /* owned boundaries behind a.chunk */
    double *x;           /* the current iterate */
    double *y;           /* pagerank: t of the next sweep; eigenvector/katz: the next iterate */
    double *t;           /* pagerank: x_u / s_u of the current iterate */
    double *inv;         /* pagerank: 1 / out-strength, 0 for dangling nodes */
    double *p, *d;       /* pagerank: normalised personalization / dangling (NULL = uniform / p);
                            katz: p = per-node beta (NULL = `beta` everywhere) */
    double *part;        /* 2 · nchunks partial sums */
    double alpha, beta, tol, dsum, delta;
    int64_t max_iter, iterations;
    bool converged, normalized;
} cki_power_t;

/* Set up an engine on g (validates the options; errors name the JSON field: "alpha",
 * "personalization[3]", ...). On failure everything is released and *e is zeroed. */
ck_status_t cki_power_pagerank(ck_ctx_t *ctx, cki_power_t *e, const ck_graph_t *g, const ck_pagerank_options_t *o);
ck_status_t cki_power_eigenvector(ck_ctx_t *ctx, cki_power_t *e, const ck_graph_t *g,
                                  const ck_eigenvector_options_t *o);
ck_status_t cki_power_katz(ck_ctx_t *ctx, cki_power_t *e, const ck_graph_t *g, const ck_katz_options_t *o);
/* One iteration: updates x, e->delta, e->iterations and e->converged. Katz may fail with
 * CK_E_DIVERGED (message set). */
ck_status_t cki_power_step(ck_ctx_t *ctx, cki_power_t *e, double *delta);
/* The final scores into out (n doubles; may be e->x): katz with `normalized` scales by 1/‖x‖₂. */
void cki_power_scores(const ck_ctx_t *ctx, const cki_power_t *e, double *out);
void cki_power_free(ck_ctx_t *ctx, cki_power_t *e);

#endif
