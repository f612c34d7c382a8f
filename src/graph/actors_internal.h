/* CKernels — the graph ring actors (spec/graph.md "Ring mode", docs/kernels/graph-actors.md):
 * pagerank, degree-centrality, triangle-counting, connected-components and degree-ratio as
 * persistent actors that take edge updates and answer queries. Prefix cki_ga_.
 *
 * Layering. Every actor state starts with a cki_ga_t: the mutable graph (an edge store with a
 * fixed capacity), the node count and the class's step function. The step function is a pure
 * state machine — request bytes in, reply bytes out — so it can be driven without a runtime
 * (cki_ga_step, used by the unit tests); the class's handle() only wraps it with
 * ck_actor_reply(). All memory is allocated in create(): a step never allocates. */
#ifndef CKERNELS_GRAPH_ACTORS_INTERNAL_H
#define CKERNELS_GRAPH_ACTORS_INTERNAL_H

#include "ckernels/actor.h"
#include "graph_internal.h"

/* ---- The classes (listed by src/core/actor_classes.c) ------------------------------------------ */

extern const ck_actor_class_t cki_graph_pagerank_actor_class;       /* graph/pagerank */
extern const ck_actor_class_t cki_graph_degree_actor_class;         /* graph/degree-centrality */
extern const ck_actor_class_t cki_graph_triangles_actor_class;      /* graph/triangle-counting */
extern const ck_actor_class_t cki_graph_components_actor_class;     /* graph/connected-components */
extern const ck_actor_class_t cki_graph_degree_ratio_actor_class;   /* graph/degree-ratio */

/* ---- Message type ids (spec/graph.md; the reply to request t is t + 50) ------------------------ */

#define CKI_GA_REPLY(t) ((t) + 50u)

enum {
    CKI_PR_ADD_EDGE = 200, CKI_PR_REMOVE_EDGE = 201, CKI_PR_QUERY = 202, CKI_PR_TOPK = 203, CKI_PR_RECOMPUTE = 204,
    CKI_DC_ADD_EDGE = 210, CKI_DC_REMOVE_EDGE = 211, CKI_DC_QUERY = 212, CKI_DC_TOPK = 213,
    CKI_TC_ADD_EDGE = 220, CKI_TC_REMOVE_EDGE = 221, CKI_TC_QUERY_NODE = 222, CKI_TC_QUERY_TOTAL = 223,
    CKI_CC_ADD_EDGE = 230, CKI_CC_REMOVE_EDGE = 231, CKI_CC_QUERY = 232, CKI_CC_SAME = 233,
    CKI_DR_ADD_EDGE = 240, CKI_DR_REMOVE_EDGE = 241, CKI_DR_QUERY = 242, CKI_DR_ROLE_COUNTS = 243,
};

/* Payload sizes (bytes; layouts in docs/kernels/graph-actors.md). */
#define CKI_GA_ADD_EDGE_SIZE 16    /* u u32, v u32, w f64 */
#define CKI_GA_REMOVE_EDGE_SIZE 8  /* u u32, v u32 */
#define CKI_GA_NODE_SIZE 4         /* node u32 */
#define CKI_GA_UPDATE_REPLY_SIZE 24 /* edges u64, nodes u32, flags u32, weight f64 */
#define CKI_GA_TOPK_MAX 64
#define CKI_GA_TOPK_ENTRY 12       /* node u32, score f64 */
#define CKI_GA_TOPK_HEADER 8
/* The largest reply any graph actor sends (a TOPK of 64). */
#define CKI_GA_REPLY_MAX (CKI_GA_TOPK_HEADER + CKI_GA_TOPK_MAX * CKI_GA_TOPK_ENTRY)

/* Flags of the update reply (ADD_EDGE / REMOVE_EDGE replies of every actor). */
#define CKI_GA_F_CREATED 1u     /* ADD_EDGE made a new edge (else it added to an existing one's weight) */
#define CKI_GA_F_SELF_LOOP 2u   /* ADD_EDGE named a self-loop: dropped (load rule 2), the edges are unchanged */
#define CKI_GA_F_STALE 4u       /* pagerank: the scores are stale (a RECOMPUTE is due) */
#define CKI_GA_F_RECOMPUTED 8u  /* pagerank: auto_recompute_every ran a RECOMPUTE after this update */
#define CKI_GA_F_MERGED 16u     /* components: the ADD_EDGE joined two components */
#define CKI_GA_F_DIRTY 32u      /* components: a removal is pending; the next query rebuilds */
#define CKI_GA_F_SKELETON 64u   /* triangles: the undirected skeleton gained / lost this edge */

/* ---- Exact-ish running sums (strengths under adds and removes) -------------------------------- */

/* A double-double accumulator (Knuth's TwoSum): hi + lo carries the sum with ~106 bits, so a
 * strength after any sequence of adds and removes rounds to the correctly rounded sum of the
 * weights still present unless the history is 10^16 times larger than the result. */
typedef struct cki_ksum {
    double hi, lo;
} cki_ksum_t;

static inline void cki_ksum_add(cki_ksum_t *s, double x)
{
    double t = s->hi + x;
    double bp = t - s->hi;
    double err = (s->hi - (t - bp)) + (x - bp);
    s->hi = t;
    s->lo += err;
}
static inline double cki_ksum_value(const cki_ksum_t *s) { return s->hi + s->lo; }

/* ---- The edge store: a set of edges with weights, fixed capacity ------------------------------ */

/* Edges are kept dense (src/dst/w[0..m)) with an open-addressing index (linear probing, backward-
 * shift deletion, load <= 1/2) from the key (u, v) to the dense slot; removal moves the last edge
 * into the hole. Undirected edges are stored once with src < dst. Lookup, insert and remove are
 * O(1) expected; iterating the edges is O(m). */
typedef struct cki_estore {
    bool directed;
    int64_t m, cap;      /* edges now; capacity (max_edges) */
    uint32_t *src, *dst; /* [cap] */
    double *w;           /* [cap] */
    uint64_t *hkey;      /* [mask + 1], CKI_ESTORE_EMPTY when free */
    uint32_t *hidx;      /* [mask + 1] */
    uint64_t mask;
} cki_estore_t;

#define CKI_ESTORE_EMPTY UINT64_MAX
#define CKI_GA_MAX_EDGES ((int64_t)UINT32_MAX - 1)

ck_status_t cki_estore_init(ck_ctx_t *ctx, cki_estore_t *s, int64_t cap, bool directed);
void cki_estore_free(ck_ctx_t *ctx, cki_estore_t *s);
/* The slot of edge (u, v) ({u, v} when undirected), or -1. */
int64_t cki_estore_find(const cki_estore_t *s, uint32_t u, uint32_t v);
/* Insert a new edge (absent, m < cap: the caller checks); returns its slot. */
int64_t cki_estore_insert(cki_estore_t *s, uint32_t u, uint32_t v, double w);
/* Remove the edge in `slot` (the last edge moves there). */
void cki_estore_remove(cki_estore_t *s, int64_t slot);

/* ---- The common actor state -------------------------------------------------------------------- */

typedef struct cki_ga cki_ga_t;

/* Handle one request: decode and validate `payload`, act, and write the reply (type and bytes)
 * into out[0..cap). Errors carry the field on ctx and leave the state unchanged. */
typedef ck_status_t (*cki_ga_step_fn)(ck_ctx_t *ctx, cki_ga_t *ga, uint32_t type_id, const void *payload, size_t len,
                                      void *out, size_t cap, uint32_t *reply_type, size_t *reply_len);

struct cki_ga {
    cki_ga_step_fn step;
    const char *kernel_id;
    bool directed;
    uint32_t n;          /* nodes now: the initial n, grown by ADD_EDGE to 1 + the largest id named */
    uint32_t max_nodes;  /* capacity */
    cki_estore_t es;     /* the edges (load rules 2-3 applied) */
    int64_t self_loops;  /* self-loops dropped (at load and by ADD_EDGE) */
    uint64_t updates;    /* ADD_EDGE / REMOVE_EDGE requests that succeeded */
};

/* What an ADD_EDGE or REMOVE_EDGE did (filled by cki_ga_add / cki_ga_remove). */
typedef struct cki_ga_event {
    uint32_t u, v;     /* as given (not reordered) */
    double w;          /* ADD: the weight added; REMOVE: the weight the edge had */
    double weight;     /* ADD: the edge's weight now; REMOVE: as w */
    uint32_t old_n;    /* node count before (ADD may grow it) */
    bool created;      /* ADD: a new edge */
    bool self_loop;    /* ADD: a dropped self-loop (no edge changed) */
} cki_ga_event_t;

/* The parsed actor configuration: the kernel's batch input with its defaults filled in, and the
 * graph it names. */
typedef struct cki_ga_config {
    json_t *input;            /* owned: the config with defaults (never NULL after success) */
    const ck_graph_t *g;
    ck_graph_t *owned;
    int64_t max_nodes, max_edges;
    int64_t auto_recompute_every; /* pagerank only (0 otherwise) */
} cki_ga_config_t;

/* Read `config` (NULL = {}) for kernel `kernel_id`: every field must be a parameter of the batch
 * kernel or one of the actor options `options` (NULL-terminated names of int options >= 0,
 * besides max_nodes and max_edges); the batch defaults are filled in, the graph is loaded with
 * the batch loader. Errors name the field. */
ck_status_t cki_ga_config_read(ck_ctx_t *ctx, cki_ga_config_t *c, const char *kernel_id, const json_t *config,
                               const char *const *options);
void cki_ga_config_free(cki_ga_config_t *c);

/* Set up the common state from the configuration: capacities (max_nodes >= n, max_edges >= m;
 * defaults n and max(2m, 1024)) and the edge store holding g's edges. */
ck_status_t cki_ga_init(ck_ctx_t *ctx, cki_ga_t *ga, const cki_ga_config_t *c, cki_ga_step_fn step);
void cki_ga_free(ck_ctx_t *ctx, cki_ga_t *ga);

/* Apply an ADD_EDGE / REMOVE_EDGE payload to the edge store (validation, capacity, node growth,
 * load rules). On error nothing changed. */
ck_status_t cki_ga_add(ck_ctx_t *ctx, cki_ga_t *ga, const void *payload, size_t len, cki_ga_event_t *ev);
ck_status_t cki_ga_remove(ck_ctx_t *ctx, cki_ga_t *ga, const void *payload, size_t len, cki_ga_event_t *ev);
/* Write the common 24-byte update reply. */
ck_status_t cki_ga_update_reply(ck_ctx_t *ctx, const cki_ga_t *ga, const cki_ga_event_t *ev, uint32_t flags, void *out,
                                size_t cap, size_t *reply_len);

/* Payload checks. `what` names the message in the error ("QUERY"). */
ck_status_t cki_ga_expect_len(ck_ctx_t *ctx, const char *what, size_t len, size_t want);
/* A node id of a query (must be < n). */
ck_status_t cki_ga_node(ck_ctx_t *ctx, const cki_ga_t *ga, const char *field, uint32_t node);
/* "type_id: 205 is not a request of graph/pagerank". */
ck_status_t cki_ga_unknown_type(ck_ctx_t *ctx, const cki_ga_t *ga, uint32_t type_id);

/* Top-k selection (k <= CKI_GA_TOPK_MAX): the k largest value[] (ties: smaller node first) among
 * nodes 0..n-1 into node[0..*count), best first. O(n k) worst case, O(n) typical. */
void cki_ga_topk(const double *value, uint32_t n, uint32_t k, uint32_t *node, uint32_t *count);
/* The same with the value computed per node by a callback. */
typedef double (*cki_ga_value_fn)(const void *state, uint32_t node);
void cki_ga_topk_fn(cki_ga_value_fn value, const void *state, uint32_t n, uint32_t k, uint32_t *node,
                    uint32_t *count);

/* ---- Driving a state without a runtime (tests, the class's handle) ---------------------------- */

ck_status_t cki_ga_step(ck_ctx_t *ctx, void *state, uint32_t type_id, const void *payload, size_t len, void *out,
                        size_t cap, uint32_t *reply_type, size_t *reply_len);
/* The handle() of every graph actor class: cki_ga_step, then ck_actor_reply. */
ck_status_t cki_ga_handle(ck_ctx_t *ctx, void *state, ck_actor_call_t *call, uint32_t type_id, const void *payload,
                          size_t len);

/* ---- JSON codecs: table-driven packed layouts --------------------------------------------------- */

typedef enum cki_gf_kind {
    CKI_GF_U32,     /* JSON integer 0..UINT32_MAX */
    CKI_GF_NODE,    /* u32 node id: JSON integer 0..UINT32_MAX-1 */
    CKI_GF_U64,     /* JSON integer >= 0 */
    CKI_GF_I64,     /* JSON integer */
    CKI_GF_F64,     /* JSON number; NaN <-> null */
    CKI_GF_BOOL8,   /* u8 0/1 <-> JSON boolean */
    CKI_GF_BOOL32,  /* u32 0/1 <-> JSON boolean */
    CKI_GF_FLAG,    /* bit `bit` of the u32 at `off` <-> JSON boolean */
    CKI_GF_ENUM32   /* u32 index into `choices` ("a|b|c") <-> JSON string */
} cki_gf_kind_t;

typedef struct cki_gf {
    const char *name;
    cki_gf_kind_t kind;
    uint16_t off;
    uint32_t bit;         /* CKI_GF_FLAG */
    const char *choices;  /* CKI_GF_ENUM32 */
    bool optional;        /* from_json: absent means `def` (enum: index def) */
    double def;
} cki_gf_t;

typedef struct cki_layout {
    const cki_gf_t *fields;
    size_t n_fields;
    size_t size;          /* payload bytes */
    /* Variable tail (TOPK replies): a u32 count at `count_off` and that many entries of
     * `entry_size` bytes from `size` on, each {node u32, score f64}, in JSON as "entries":
     * [{"node", "score"}, ...]. 0 = none. */
    uint16_t count_off;
    bool has_entries;
} cki_layout_t;

ck_status_t cki_ga_from_json(ck_ctx_t *ctx, const json_t *msg, void *buf, size_t cap, size_t *len,
                             const cki_layout_t *l);
ck_status_t cki_ga_to_json(ck_ctx_t *ctx, const void *payload, size_t len, json_t *out, const cki_layout_t *l);

/* Shared layouts (actors.c). */
extern const cki_layout_t cki_ga_add_edge_layout, cki_ga_remove_edge_layout, cki_ga_node_layout, cki_ga_empty_layout;

/* One codec pair per layout: the ck_msg_type_t rows need plain functions. */
#define CKI_GA_CODECS(name, layout)                                                                            \
    static ck_status_t name##_from_json(ck_ctx_t *ctx, const json_t *msg, void *buf, size_t cap, size_t *len)   \
    {                                                                                                          \
        return cki_ga_from_json(ctx, msg, buf, cap, len, &(layout));                                           \
    }                                                                                                          \
    static ck_status_t name##_to_json(ck_ctx_t *ctx, const void *payload, size_t len, json_t *out)              \
    {                                                                                                          \
        return cki_ga_to_json(ctx, payload, len, out, &(layout));                                              \
    }

/* Snapshot helpers: {"num_nodes", "num_edges", "self_loops_dropped", "updates"} into obj. */
ck_status_t cki_ga_snapshot_common(ck_ctx_t *ctx, const cki_ga_t *ga, json_t *obj);

/* ---- Per-class internals exposed to the tests ------------------------------------------------- */

/* Triangles: how many times the adjacency pool was compacted (a test drives it there). */
int64_t cki_ga_triangles_compactions(const void *state);

#endif
