/* CKernels — graph analytics: the graph type and the graph/... kernels.
 *
 * A ck_graph_t is built once (from edge arrays, CSR, the JSON `graph` type, or a file) and shared
 * read-only by any number of kernel calls, also concurrently. The load rules of spec/graph.md
 * apply everywhere:
 *   1. nodes are 0..n-1; an endpoint >= n, a weights array of the wrong length, or a non-symmetric
 *      CSR given as undirected is rejected (the error names the offending edge); n < 2^32-1;
 *   2. self-loops are dropped (counted: ck_graph_self_loops_dropped, and meta.warnings in JSON);
 *   3. parallel edges are merged into one whose weight is the sum of the parts (for undirected
 *      graphs (u,v) and (v,u) are the same pair);
 *   4. weights are finite and >= 0; without weights every edge weighs 1.
 * Internally: CSR of out-edges and (directed graphs) CSC of in-edges, neighbour lists sorted
 * ascending, uint32 node ids, int64 offsets, double weights. Undirected graphs store each edge in
 * both endpoints' lists. */
#ifndef CKERNELS_GRAPH_H
#define CKERNELS_GRAPH_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"
#include "ckernels/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_graph ck_graph_t;

/* The largest node count (node ids are uint32; UINT32_MAX is reserved). */
#define CK_GRAPH_MAX_NODES ((ck_idx_t)UINT32_MAX - 1)

/* From an edge list: edge i is src[i] -> dst[i] (or {src[i], dst[i]} when undirected) with weight
 * weights[i] (weights may be NULL: all 1). m may be 0 (src/dst may then be NULL). Errors name the
 * argument and index: "dst[17]: node 9 is out of range 0..7", "weights[3]: must be finite and >= 0". */
CK_API ck_status_t ck_graph_create(ck_graph_t **g, ck_ctx_t *ctx, ck_idx_t n, const ck_idx_t *src,
                                   const ck_idx_t *dst, const double *weights, ck_idx_t m, bool directed);

/* From CSR: the neighbours of u are col_indices[row_offsets[u] .. row_offsets[u+1]) with the
 * matching weights (NULL: all 1). Undirected CSR must be symmetric (each edge in both rows with
 * equal weight); it is read as one edge per symmetric pair. */
CK_API ck_status_t ck_graph_create_csr(ck_graph_t **g, ck_ctx_t *ctx, ck_idx_t n, const ck_idx_t *row_offsets,
                                       const ck_idx_t *col_indices, const double *weights, bool directed);

typedef enum ck_graph_format {
    CK_GRAPH_FORMAT_AUTO = 0, /* by extension: .mtx -> Matrix Market, .csv -> CSV, else TSV */
    CK_GRAPH_FORMAT_TSV,      /* "u v [w]" per line, separated by tabs or spaces; '#' and '%' comments */
    CK_GRAPH_FORMAT_CSV,      /* "u,v[,w]" per line; an optional header line of non-numeric names */
    CK_GRAPH_FORMAT_MTX       /* Matrix Market coordinate: real|integer|pattern, general|symmetric;
                                 1-based indices; n = rows (must equal columns) */
} ck_graph_format_t;

/* From a file. For TSV/CSV, n = largest node id + 1 (ids are 0-based integers), or the count a
 * SNAP-style header comment declares ("# Nodes: 1048576 Edges: 16777216"), so that isolated nodes
 * at the end are kept. Errors name the file
 * and line: "edges.tsv:17: node 'x' is not a non-negative integer". A symmetric Matrix Market
 * file is undirected whatever `directed` says. */
CK_API ck_status_t ck_graph_load(ck_graph_t **g, ck_ctx_t *ctx, const char *path, ck_graph_format_t format,
                                 bool directed);

CK_API void ck_graph_destroy(ck_graph_t **g);

CK_API ck_idx_t ck_graph_num_nodes(const ck_graph_t *g);
/* Distinct edges after the load rules: arcs when directed, unordered pairs when undirected. */
CK_API ck_idx_t ck_graph_num_edges(const ck_graph_t *g);
CK_API bool ck_graph_directed(const ck_graph_t *g);
/* Whether some edge weight differs from 1: weights were given, or parallel edges were merged
 * (an unweighted input's merged edge weighs its multiplicity). Kernels skip the weights otherwise. */
CK_API bool ck_graph_weighted(const ck_graph_t *g);
CK_API ck_idx_t ck_graph_self_loops_dropped(const ck_graph_t *g);
/* Input edges merged into an earlier parallel edge. */
CK_API ck_idx_t ck_graph_parallel_merged(const ck_graph_t *g);
/* Out-neighbours of u (all neighbours when undirected), ascending, with their weights. */
CK_API ck_status_t ck_graph_out_neighbors(const ck_graph_t *g, ck_idx_t u, const uint32_t **nbrs,
                                          const double **weights, ck_idx_t *degree);
/* In-neighbours of u (all neighbours when undirected), ascending, with their weights. */
CK_API ck_status_t ck_graph_in_neighbors(const ck_graph_t *g, ck_idx_t u, const uint32_t **nbrs,
                                         const double **weights, ck_idx_t *degree);

/* Run a graph/... kernel through the JSON path with `graph` supplied directly instead of the
 * input's "graph" field (which must then be absent): large graphs never need JSON. Otherwise as
 * ck_execute_json_ex (json.h). */
CK_API ck_status_t ck_execute_json_graph(ck_ctx_t *ctx, const ck_registry_t *reg, const char *id,
                                         const char *input, size_t len, const ck_graph_t *graph, unsigned flags,
                                         char **output);

/* The kernels, one header per family. */
#include "ckernels/graph/spectral.h"
#include "ckernels/graph/centrality.h"
#include "ckernels/graph/community.h"
#include "ckernels/graph/similarity.h"
#include "ckernels/graph/metrics.h"
#include "ckernels/graph/motifs.h"
#include "ckernels/graph/topology.h"
#include "ckernels/graph/paths.h"
#include "ckernels/graph/gnn.h"

#ifdef __cplusplus
}
#endif
#endif
