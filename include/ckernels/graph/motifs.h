/* CKernels — graph/... kernels: motifs, cliques and cycles (included by ckernels/graph.h).
 *
 *   graph/triangle-counting    ck_triangle_count
 *   graph/motif-detection      ck_triad_census
 *   graph/k-clique             ck_k_clique (+ ck_k_clique_result_free)
 *   graph/cycle-participation  ck_cycle_participation
 *
 * Every kernel here gives bitwise-identical results for every thread count. Weights are ignored
 * except by ck_cycle_participation's cycle_value. See docs/kernels/graph-motifs.md. */
#ifndef CKERNELS_GRAPH_MOTIFS_H
#define CKERNELS_GRAPH_MOTIFS_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"
#include "ckernels/fixed.h" /* ck_uint128_t */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_graph ck_graph_t;

/* ---------------------------------------------------------------- graph/triangle-counting */

/* Triangles of the undirected skeleton (direction ignored, reciprocal arcs merged) by the forward
 * algorithm: edges oriented from lower to higher (degree, id) rank, sorted out-lists intersected,
 * O(m^1.5). per_node[u] (length n) = triangles through u; *total = their number (sum/3);
 * *transitivity = 3 total / sum_u C(d_u, 2) on the skeleton (0 when there is no connected triple).
 * per_node, total and transitivity may each be NULL (NULL per_node takes a faster path). */
CK_API ck_status_t ck_triangle_count(ck_ctx_t *ctx, int64_t *per_node, int64_t *total, double *transitivity,
                                     const ck_graph_t *g);

/* ---------------------------------------------------------------- graph/motif-detection */

/* The 16 MAN triad classes in networkx's order. */
typedef enum ck_triad {
    CK_TRIAD_003, CK_TRIAD_012, CK_TRIAD_102, CK_TRIAD_021D, CK_TRIAD_021U, CK_TRIAD_021C, CK_TRIAD_111D,
    CK_TRIAD_111U, CK_TRIAD_030T, CK_TRIAD_030C, CK_TRIAD_201, CK_TRIAD_120D, CK_TRIAD_120U, CK_TRIAD_120C,
    CK_TRIAD_210, CK_TRIAD_300,
    CK_TRIAD_COUNT
} ck_triad_t;

/* "003", "012", ... ; NULL when out of range. */
CK_API const char *ck_triad_name(ck_triad_t t);

typedef struct ck_triad_census {
    ck_uint128_t census[CK_TRIAD_COUNT]; /* exact counts, indexed by ck_triad_t */
    ck_uint128_t total_triads;           /* C(n, 3) = the sum of census */
} ck_triad_census_t;

/* Directed triad census (Batagelj-Mrvar, O(m * max degree)); an undirected graph is read as
 * mutual dyads (only 003, 102, 201 and 300 can be non-zero; computed by closed forms from the
 * triangle count). Weights are ignored. */
CK_API ck_status_t ck_triad_census(ck_ctx_t *ctx, ck_triad_census_t *out, const ck_graph_t *g);

/* ---------------------------------------------------------------- graph/k-clique */

typedef enum ck_k_clique_mode {
    CK_K_CLIQUE_EXACT = 0,  /* every k-node clique, including k-subsets of larger cliques (kClist) */
    CK_K_CLIQUE_MAXIMAL = 1 /* every maximal clique of >= k nodes (Bron-Kerbosch, Tomita pivoting) */
} ck_k_clique_mode_t;

typedef struct ck_k_clique_options {
    int64_t k;                /* 2..64; default 3 */
    ck_k_clique_mode_t mode;  /* default CK_K_CLIQUE_EXACT */
    int64_t max_cliques;      /* cliques to list (the lexicographically smallest); 0 = count only;
                                 default 10000; at most CK_K_CLIQUE_MAX_LISTED */
} ck_k_clique_options_t;

#define CK_K_CLIQUE_MAX_LISTED ((int64_t)100000000)

CK_API void ck_k_clique_options_init(ck_k_clique_options_t *o);

/* A k-clique result; free with ck_k_clique_result_free on a context with the same allocator. */
typedef struct ck_k_clique_result {
    uint64_t count;        /* every clique found (exact; CK_E_OVERFLOW past 2^64 - 1) */
    bool truncated;        /* count > n_cliques */
    int64_t n_cliques;     /* cliques listed: min(count, max_cliques) */
    int64_t *offsets;      /* n_cliques + 1: clique i is nodes[offsets[i] .. offsets[i+1]) */
    int64_t *nodes;        /* each clique ascending; cliques in lexicographic order */
    int64_t n;             /* nodes of the graph */
    uint64_t *per_node;    /* n: cliques (all of them, listed or not) containing each node */
} ck_k_clique_result_t;

/* Cliques of the undirected skeleton of g. k = 2 lists the edges; k > n gives count 0. */
CK_API ck_status_t ck_k_clique(ck_ctx_t *ctx, ck_k_clique_result_t **result, const ck_graph_t *g,
                               const ck_k_clique_options_t *opt);
CK_API void ck_k_clique_result_free(ck_ctx_t *ctx, ck_k_clique_result_t **result);

/* ---------------------------------------------------------------- graph/cycle-participation */

typedef enum ck_cycle_risk {
    CK_CYCLE_RISK_BASELINE = 0,
    CK_CYCLE_RISK_LOW = 1,
    CK_CYCLE_RISK_MEDIUM = 2,
    CK_CYCLE_RISK_HIGH = 3,
    CK_CYCLE_RISK_CRITICAL = 4
} ck_cycle_risk_t;

/* "baseline", "low", "medium", "high", "critical"; NULL when out of range. */
CK_API const char *ck_cycle_risk_name(ck_cycle_risk_t r);

typedef struct ck_cycle_participation_options {
    int64_t max_length;           /* 2..6 (3..6 for undirected graphs); default 4 */
    bool use_weights;             /* cycle_value from edge weights; default true */
    int64_t critical_min;         /* >= 1; default 4 */
    int64_t medium_min_triangles; /* >= 1; default 3 */
    int64_t low_min_reciprocal;   /* >= 1; default 3 */
    int64_t max_cycles;           /* >= 1; default 10^7 */
} ck_cycle_participation_options_t;

CK_API void ck_cycle_participation_options_init(ck_cycle_participation_options_t *o);

/* Simple cycles of length L = 2..max_length through each node (directed cycles for directed
 * graphs, L = 2 being a reciprocal pair; undirected cycles, each counted once, L >= 3).
 * Outputs (caller arrays; every one but counts may be NULL):
 *   counts       n * (max_length - 1), row-major: counts[u*(max_length-1) + (L-2)] = c_L(u);
 *   totals       max_length - 1: cycles of each length;
 *   cycle_value  n: sum over the cycles through u of the cycle's smallest edge weight (all weights
 *                are 1 when use_weights is false or the graph is unweighted);
 *   cycle_ratio  n: sum_L c_L(u) / max(1, out-degree (directed) or degree (undirected));
 *   risk         n: the risk band (see the spec / docs);
 *   truncated    whether max_cycles stopped the enumeration (counts are then lower bounds).
 * The enumeration visits start nodes in blocks; the result is the same for every thread count. */
CK_API ck_status_t ck_cycle_participation(ck_ctx_t *ctx, int64_t *counts, int64_t *totals, double *cycle_value,
                                          double *cycle_ratio, ck_cycle_risk_t *risk, bool *truncated,
                                          const ck_graph_t *g, const ck_cycle_participation_options_t *opt);

#ifdef __cplusplus
}
#endif
#endif
