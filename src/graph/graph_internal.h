/* CKernels — graph internals shared by the graph/... kernels (prefix cki_graph_). */
#ifndef CKERNELS_GRAPH_INTERNAL_H
#define CKERNELS_GRAPH_INTERNAL_H

#include <jansson.h>

#include "ckernels/graph.h"
#include "json_internal.h"

struct ck_graph {
    ck_allocator_t alloc; /* the creating context's allocator, used for the graph's life */
    uint32_t n;
    int64_t m;            /* distinct edges: arcs (directed) or unordered pairs (undirected) */
    bool directed, weighted; /* weighted: some weight differs from 1 (given, or merged multiplicity) */
    /* Out-edges (CSR): neighbours of u are out_adj[out_off[u] .. out_off[u+1]), ascending, with
     * out_w; undirected graphs hold every edge in both endpoints' rows (nnz = 2m). */
    int64_t *out_off;
    uint32_t *out_adj;
    double *out_w;
    /* In-edges (CSC) of directed graphs, sources ascending; for undirected graphs these alias the
     * out-arrays (never freed twice: see owns_in). */
    int64_t *in_off;
    uint32_t *in_adj;
    double *in_w;
    bool owns_in;
    int64_t self_loops, merged;
};

/* An edge list being assembled (uint32 ids, already validated against n). */
typedef struct cki_edges {
    uint32_t *src, *dst;
    double *w;       /* NULL = all 1 */
    int64_t m, cap;
} cki_edges_t;

/* Build a graph from validated edges (the load rules 2-3 are applied here). The edge arrays stay
 * the caller's. */
ck_status_t cki_graph_build(ck_ctx_t *ctx, ck_graph_t **g, uint32_t n, const cki_edges_t *edges, bool directed,
                            bool weighted);

/* The undirected skeleton of g: direction ignored, reciprocal arcs merged (weights summed). For an
 * undirected graph, a shallow view is not offered: the result is always a new graph. */
ck_status_t cki_graph_skeleton(ck_ctx_t *ctx, ck_graph_t **out, const ck_graph_t *g);

/* Whether v is an out-neighbour of u (binary search in u's sorted row); its weight in *w if so. */
bool cki_graph_has_arc(const ck_graph_t *g, uint32_t u, uint32_t v, double *w);

static inline int64_t cki_graph_out_degree(const ck_graph_t *g, uint32_t u) { return g->out_off[u + 1] - g->out_off[u]; }
static inline int64_t cki_graph_in_degree(const ck_graph_t *g, uint32_t u) { return g->in_off[u + 1] - g->in_off[u]; }

/* ---- JSON */

/* The input's "graph" field (both forms of the `graph` type), or the graph the caller bound to
 * this execution (ck_execute_json_graph / `ckernels run --edges FILE`). *owned tells whether the
 * caller must destroy *g. Errors name the path: "graph.edges[17][1]: node 9 is out of range 0..7".
 * Self-loops dropped on load are reported in meta.warnings. */
ck_status_t cki_json_graph(ck_ctx_t *ctx, const json_t *input, ck_run_info_t *info, const ck_graph_t **g,
                           ck_graph_t **owned);

/* Optional per-node real array of length n (e.g. personalization): NULL when absent or null.
 * Checks the length and element range [min, +inf) and, when positive_sum, a positive sum. */
ck_status_t cki_json_node_reals(ck_ctx_t *ctx, const json_t *input, const char *field, ck_idx_t n, double min,
                                bool positive_sum, double **out);

/* Output: per-node arrays. */
json_t *cki_json_uints_new(const uint32_t *x, ck_idx_t n);
json_t *cki_json_int64s_new(const int64_t *x, ck_idx_t n);

/* The graph parameter row every graph kernel starts its table with. */
#define CKI_GRAPH_PARAM                                                                                  \
    {.name = "graph", .type = CK_PT_GRAPH, .required = true,                                              \
     .doc = "{num_nodes, edges [[u,v],...], weights?, directed?} or CSR {num_nodes, row_offsets, col_indices, weights?, directed?}"}

/* A family's kernel table, registered by ck_graph_register (src/graph/register.c). */
typedef struct cki_kernel_table {
    const ck_kernel_t *kernels;
    size_t count;
} cki_kernel_table_t;

/* Each family file defines its table (src/graph/<family>.c). */
extern const cki_kernel_table_t cki_graph_spectral_table, cki_graph_centrality_table, cki_graph_community_table,
    cki_graph_similarity_table, cki_graph_metrics_table, cki_graph_motifs_table, cki_graph_topology_table,
    cki_graph_paths_table, cki_graph_gnn_table;

#endif
