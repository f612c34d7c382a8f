/* CKernels — graph/... kernels: topology roles (included by ckernels/graph.h).
 *
 *   graph/degree-ratio   flow direction roles (source / sink / balanced) of a directed graph
 *   graph/star-topology  hub / star detection (fan-in, fan-out) on the undirected skeleton
 *
 * Per-node results go to caller arrays of length n = ck_graph_num_nodes(g); any output pointer
 * may be NULL when that result is not wanted. Undefined reals (0/0) are NaN (null in JSON). */
#ifndef CKERNELS_GRAPH_TOPOLOGY_H
#define CKERNELS_GRAPH_TOPOLOGY_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_graph ck_graph_t;

/* ---------------------------------------------------------------- graph/degree-ratio */

typedef enum ck_flow_role {
    CK_FLOW_ISOLATED = 0, /* in + out = 0 */
    CK_FLOW_SOURCE = 1,   /* share <= source_threshold: money mostly leaves */
    CK_FLOW_SINK = 2,     /* share >= sink_threshold: money mostly arrives */
    CK_FLOW_BALANCED = 3  /* in between */
} ck_flow_role_t;

/* "isolated", "source", "sink", "balanced" ("unknown" for other values). */
CK_API const char *ck_flow_role_name(ck_flow_role_t role);

typedef struct ck_degree_ratio_options {
    bool use_weights;        /* false (default): in/out-degree; true: in/out-strength */
    double source_threshold; /* 0.2; 0 <= source_threshold < sink_threshold <= 1 */
    double sink_threshold;   /* 0.8 */
} ck_degree_ratio_options_t;

CK_API void ck_degree_ratio_options_init(ck_degree_ratio_options_t *opt);

typedef struct ck_role_counts {
    int64_t source, sink, balanced, isolated;
} ck_role_counts_t;

/* Flow roles of a DIRECTED graph (an undirected one is rejected: in = out there). For every node
 * u: in[u], out[u] (degree or strength), share[u] = in/(in+out) (NaN when in+out = 0),
 * ratio[u] = in/out (NaN when out = 0), pass_through[u] = 2 min(in,out)/(in+out) (NaN when
 * in+out = 0), role[u]; and the role counts. opt NULL means the defaults. O(n + m). */
CK_API ck_status_t ck_degree_ratio(ck_ctx_t *ctx, double *in, double *out, double *share, double *ratio,
                                   double *pass_through, ck_flow_role_t *role, ck_role_counts_t *counts,
                                   const ck_graph_t *g, const ck_degree_ratio_options_t *opt);

/* ---------------------------------------------------------------- graph/star-topology */

typedef enum ck_star_type {
    CK_STAR_NONE = 0,       /* fewer than min_degree spokes */
    CK_STAR_UNDIRECTED = 1, /* undirected graph */
    CK_STAR_IN = 2,         /* directed, in_share >= 0.9 (fan-in) */
    CK_STAR_OUT = 3,        /* directed, in_share <= 0.1 (fan-out) */
    CK_STAR_MIXED = 4       /* directed, otherwise */
} ck_star_type_t;

/* "none", "undirected", "in_star", "out_star", "mixed" ("unknown" for other values). */
CK_API const char *ck_star_type_name(ck_star_type_t type);

typedef struct ck_star_topology_options {
    ck_idx_t min_degree; /* 3; >= 1: nodes with fewer spokes score 0, type none, never hubs */
    double min_score;    /* 0.9; in [0, 1]: hubs have star_score >= min_score */
    ck_idx_t top_k;      /* 100; >= 0, 0 = no limit: the hub list is truncated to top_k */
} ck_star_topology_options_t;

CK_API void ck_star_topology_options_init(ck_star_topology_options_t *opt);

typedef struct ck_star_hub {
    ck_idx_t node, spokes;
    double star_score, leaf_fraction;
    ck_star_type_t type;
} ck_star_hub_t;

/* Star shape of every node on the undirected skeleton: spokes[u] = |N(u)|; for spokes >=
 * min_degree, star_score[u] = 1 - (edges among N(u)) / C(k,2) (1 when k = 1) and leaf_fraction[u]
 * = share of spokes whose only neighbour is u, else both 0; type[u] from the arcs at u. The hubs
 * (spokes >= min_degree and star_score >= min_score), sorted by spokes descending, star_score
 * descending, node ascending and truncated to top_k, go to `hubs` (capacity: min(n, top_k), or n
 * when top_k = 0; may be NULL) and their number to *n_hubs (may be NULL). O(n + sum of deg^2). */
CK_API ck_status_t ck_star_topology(ck_ctx_t *ctx, ck_idx_t *spokes, double *star_score, double *leaf_fraction,
                                    ck_star_type_t *type, ck_star_hub_t *hubs, ck_idx_t *n_hubs, const ck_graph_t *g,
                                    const ck_star_topology_options_t *opt);

#ifdef __cplusplus
}
#endif
#endif
