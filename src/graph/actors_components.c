/* graph/connected-components as a ring actor (weak components of directed graphs, connected
 * components of undirected ones): a union-find (union by size, path halving) over the edges.
 * ADD_EDGE is a union; REMOVE_EDGE marks the structure dirty and the next query rebuilds it from
 * the edge store in O(n + m). A component is named by its smallest node (kept at each root). The
 * initial partition comes from the batch kernel (cki_graph_components). */
#include <string.h>

#include "actors_internal.h"
#include "metrics_internal.h"
#include "wire.h"

typedef struct cc_state {
    cki_ga_t ga;
    uint32_t *parent, *size, *minid; /* [max_nodes]; size and minid are valid at roots */
    uint32_t ncomp;                  /* components among nodes 0..n-1 (valid when not dirty) */
    bool dirty;
    int64_t rebuilds;
} cc_state_t;

typedef struct uf {
    uint32_t *parent, *size, *minid;
} uf_t;

static inline uint32_t uf_find(const uf_t *f, uint32_t x)
{
    while (f->parent[x] != x) {
        f->parent[x] = f->parent[f->parent[x]]; /* path halving */
        x = f->parent[x];
    }
    return x;
}

/* Union by size (ties: the root with the smaller id stays root); true when two sets merged. */
static bool uf_union(const uf_t *f, uint32_t a, uint32_t b)
{
    a = uf_find(f, a);
    b = uf_find(f, b);
    if (a == b) return false;
    if (f->size[a] < f->size[b] || (f->size[a] == f->size[b] && b < a)) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    f->parent[b] = a;
    f->size[a] += f->size[b];
    if (f->minid[b] < f->minid[a]) f->minid[a] = f->minid[b];
    return true;
}

/* Singletons for 0..n-1, then one union per edge; returns the number of components. */
static uint32_t uf_build(const uf_t *f, uint32_t n, const cki_estore_t *es)
{
    for (uint32_t i = 0; i < n; i++) {
        f->parent[i] = i;
        f->size[i] = 1;
        f->minid[i] = i;
    }
    uint32_t count = n;
    for (int64_t e = 0; e < es->m; e++) count -= uf_union(f, es->src[e], es->dst[e]);
    return count;
}

static uf_t cc_uf(const cc_state_t *s) { return (uf_t){s->parent, s->size, s->minid}; }

static void cc_clean(cc_state_t *s)
{
    if (!s->dirty) return;
    uf_t f = cc_uf(s);
    s->ncomp = uf_build(&f, s->ga.n, &s->ga.es);
    s->dirty = false;
    s->rebuilds++;
}

static ck_status_t cc_step(ck_ctx_t *ctx, cki_ga_t *ga, uint32_t type_id, const void *payload, size_t len, void *out,
                           size_t cap, uint32_t *reply_type, size_t *reply_len)
{
    cc_state_t *s = (cc_state_t *)ga;
    ck_status_t status;
    cki_wire_t w = cki_wire_writer(out, cap);
    size_t need = type_id == CKI_CC_ADD_EDGE || type_id == CKI_CC_REMOVE_EDGE ? CKI_GA_UPDATE_REPLY_SIZE
                  : type_id == CKI_CC_QUERY                                   ? 12
                                                                              : 1;
    if (need > cap)
        return cki_invalid(ctx, "slot_size", "the reply needs %zu payload bytes, the runtime's messages carry %zu", need,
                           cap);
    uf_t f = cc_uf(s);
    switch (type_id) {
    case CKI_CC_ADD_EDGE:
    case CKI_CC_REMOVE_EDGE: {
        cki_ga_event_t ev;
        bool add = type_id == CKI_CC_ADD_EDGE;
        status = add ? cki_ga_add(ctx, ga, payload, len, &ev) : cki_ga_remove(ctx, ga, payload, len, &ev);
        if (status) return status;
        uint32_t flags = 0;
        if (!add) {
            s->dirty = true; /* rebuilt by the next query */
        } else if (!s->dirty) {
            s->ncomp += ga->n - ev.old_n; /* new nodes are singletons until joined */
            if (ev.created && uf_union(&f, ev.u, ev.v)) {
                s->ncomp--;
                flags |= CKI_GA_F_MERGED;
            }
        }
        if (s->dirty) flags |= CKI_GA_F_DIRTY;
        if ((status = cki_ga_update_reply(ctx, ga, &ev, flags, out, cap, reply_len))) return status;
        break;
    }
    case CKI_CC_QUERY: {
        if ((status = cki_ga_expect_len(ctx, "QUERY", len, CKI_GA_NODE_SIZE))) return status;
        uint32_t node = cki_wire_get_u32(payload, 0);
        if ((status = cki_ga_node(ctx, ga, "node", node))) return status;
        cc_clean(s);
        uint32_t r = uf_find(&f, node);
        cki_wire_u32(&w, s->minid[r]);
        cki_wire_u32(&w, s->size[r]);
        cki_wire_u32(&w, s->ncomp);
        *reply_len = w.len;
        break;
    }
    case CKI_CC_SAME: {
        if ((status = cki_ga_expect_len(ctx, "SAME", len, 8))) return status;
        uint32_t u = cki_wire_get_u32(payload, 0), v = cki_wire_get_u32(payload, 4);
        if ((status = cki_ga_node(ctx, ga, "u", u)) || (status = cki_ga_node(ctx, ga, "v", v))) return status;
        cc_clean(s);
        cki_wire_u8(&w, uf_find(&f, u) == uf_find(&f, v));
        *reply_len = w.len;
        break;
    }
    default: return cki_ga_unknown_type(ctx, ga, type_id);
    }
    *reply_type = CKI_GA_REPLY(type_id);
    return CK_OK;
}

static void cc_destroy(ck_ctx_t *ctx, void *state)
{
    cc_state_t *s = state;
    if (!s) return;
    cki_ga_free(ctx, &s->ga);
    cki_free(ctx, s->parent);
    cki_free(ctx, s->size);
    cki_free(ctx, s->minid);
    cki_free(ctx, s);
}

static ck_status_t cc_create(ck_ctx_t *ctx, const json_t *config, void **state)
{
    cki_ga_config_t c;
    uint32_t *labels = NULL, *first = NULL;
    *state = NULL;
    ck_status_t status = cki_ga_config_read(ctx, &c, "graph/connected-components", config, NULL);
    if (status) return status;
    cc_state_t *s = cki_calloc(ctx, 1, sizeof *s);
    if (!s) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    const char *mode = json_string_value(json_object_get(c.input, "mode"));
    if (c.g->directed && strcmp(mode, "strong") == 0) {
        status = cki_invalid(ctx, "mode", "the ring actor keeps weak components only (a union-find cannot follow "
                             "strong connectivity); use \"weak\" or the batch kernel");
        goto cleanup;
    }
    CK_TRY(cki_ga_init(ctx, &s->ga, &c, cc_step));
    s->ga.kernel_id = "graph/connected-components";
    const ck_graph_t *g = c.g;
    const size_t mn = s->ga.max_nodes ? s->ga.max_nodes : 1;
    s->parent = cki_mallocarray(ctx, mn, sizeof *s->parent);
    s->size = cki_mallocarray(ctx, mn, sizeof *s->size);
    s->minid = cki_mallocarray(ctx, mn, sizeof *s->minid);
    labels = cki_mallocarray(ctx, g->n ? g->n : 1, sizeof *labels);
    first = cki_mallocarray(ctx, g->n ? g->n : 1, sizeof *first);
    if (!s->parent || !s->size || !s->minid || !labels || !first) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (uint32_t i = 0; i < s->ga.max_nodes; i++) {
        s->parent[i] = i;
        s->size[i] = 1;
        s->minid[i] = i;
    }
    /* The batch kernel's canonical labels: the first node of each label is its smallest, and it
     * becomes the root of a flat tree. */
    uint32_t count = 0;
    CK_TRY(cki_graph_components(ctx, labels, &count, g, false));
    for (uint32_t l = 0; l < count; l++) first[l] = UINT32_MAX;
    for (uint32_t v = 0; v < g->n; v++) {
        uint32_t l = labels[v];
        if (first[l] == UINT32_MAX) {
            first[l] = v;
            s->size[v] = 0;
        }
        s->parent[v] = first[l];
        s->size[first[l]]++;
    }
    s->ncomp = count;
    *state = s;
    s = NULL;
cleanup:
    cki_free(ctx, labels);
    cki_free(ctx, first);
    cc_destroy(ctx, s);
    cki_ga_config_free(&c);
    return status;
}

static ck_status_t cc_snapshot(ck_ctx_t *ctx, const void *state, json_t **out)
{
    const cc_state_t *s = state;
    const uint32_t n = s->ga.n;
    const size_t nn = n ? n : 1;
    json_t *o = json_object(), *labels = NULL, *ids = NULL, *sizes = NULL;
    uint32_t *par = cki_mallocarray(ctx, nn, sizeof *par), *sz = cki_mallocarray(ctx, nn, sizeof *sz);
    uint32_t *mi = cki_mallocarray(ctx, nn, sizeof *mi), *lab = cki_mallocarray(ctx, nn, sizeof *lab);
    ck_status_t status = CK_OK;
    if (!o || !par || !sz || !mi || !lab) goto nomem;
    CK_TRY(cki_json_set(ctx, o, "labels", json_array()));
    CK_TRY(cki_json_set(ctx, o, "component_id", json_array()));
    CK_TRY(cki_json_set(ctx, o, "sizes", json_array()));
    labels = json_object_get(o, "labels");
    ids = json_object_get(o, "component_id");
    sizes = json_object_get(o, "sizes");
    /* A private copy (the snapshot must not touch the live structure), rebuilt when dirty. */
    uf_t f = {par, sz, mi};
    uint32_t count;
    if (s->dirty) {
        count = uf_build(&f, n, &s->ga.es);
    } else {
        memcpy(par, s->parent, (size_t)n * sizeof *par);
        memcpy(sz, s->size, (size_t)n * sizeof *sz);
        memcpy(mi, s->minid, (size_t)n * sizeof *mi);
        count = s->ncomp;
    }
    /* Canonical labels: numbered in order of each component's smallest node. */
    uint32_t next = 0, largest = 0;
    for (uint32_t v = 0; v < n; v++) lab[v] = UINT32_MAX;
    for (uint32_t v = 0; v < n; v++) {
        uint32_t r = uf_find(&f, v);
        if (lab[r] == UINT32_MAX) {
            lab[r] = next++;
            if (json_array_append_new(sizes, json_integer(sz[r]))) goto nomem;
            if (sz[r] > largest) largest = sz[r];
        }
        if (json_array_append_new(labels, json_integer(lab[r])) || json_array_append_new(ids, json_integer(mi[r])))
            goto nomem;
    }
    if (next != count) {
        status = cki_error(ctx, CK_E_INTERNAL, NULL, "component count %u disagrees with the labels (%u)", count, next);
        goto cleanup;
    }
    CK_TRY(cki_ga_snapshot_common(ctx, &s->ga, o));
    CK_TRY(cki_json_set(ctx, o, "num_components", json_integer(count)));
    CK_TRY(cki_json_set(ctx, o, "largest_component_size", json_integer(largest)));
    CK_TRY(cki_json_set(ctx, o, "is_connected", json_boolean(count == 1)));
    CK_TRY(cki_json_set(ctx, o, "dirty", json_boolean(s->dirty)));
    CK_TRY(cki_json_set(ctx, o, "rebuilds", json_integer(s->rebuilds)));
    *out = o;
    o = NULL;
    goto cleanup;
nomem:
    status = cki_nomem(ctx);
cleanup:
    json_decref(o);
    cki_free(ctx, par);
    cki_free(ctx, sz);
    cki_free(ctx, mi);
    cki_free(ctx, lab);
    return status;
}

/* ---------------------------------------------------------------- types and class */

static const cki_gf_t update_reply_fields[] = {
    {.name = "edges", .kind = CKI_GF_U64, .off = 0},
    {.name = "nodes", .kind = CKI_GF_U32, .off = 8},
    {.name = "created", .kind = CKI_GF_FLAG, .off = 12, .bit = CKI_GA_F_CREATED},
    {.name = "self_loop", .kind = CKI_GF_FLAG, .off = 12, .bit = CKI_GA_F_SELF_LOOP},
    {.name = "merged", .kind = CKI_GF_FLAG, .off = 12, .bit = CKI_GA_F_MERGED},
    {.name = "dirty", .kind = CKI_GF_FLAG, .off = 12, .bit = CKI_GA_F_DIRTY},
    {.name = "weight", .kind = CKI_GF_F64, .off = 16},
};
static const cki_layout_t update_reply_layout = {update_reply_fields, 7, CKI_GA_UPDATE_REPLY_SIZE, 0, false};

static const cki_gf_t query_reply_fields[] = {
    {.name = "component_id", .kind = CKI_GF_U32, .off = 0},
    {.name = "size", .kind = CKI_GF_U32, .off = 4},
    {.name = "num_components", .kind = CKI_GF_U32, .off = 8},
};
static const cki_layout_t query_reply_layout = {query_reply_fields, 3, 12, 0, false};

static const cki_gf_t same_reply_fields[] = {{.name = "same", .kind = CKI_GF_BOOL8, .off = 0}};
static const cki_layout_t same_reply_layout = {same_reply_fields, 1, 1, 0, false};

CKI_GA_CODECS(add_edge, cki_ga_add_edge_layout)
CKI_GA_CODECS(remove_edge, cki_ga_remove_edge_layout)
CKI_GA_CODECS(query, cki_ga_node_layout)
CKI_GA_CODECS(same, cki_ga_remove_edge_layout) /* {u, v}: the same layout */
CKI_GA_CODECS(update_reply, update_reply_layout)
CKI_GA_CODECS(query_reply, query_reply_layout)
CKI_GA_CODECS(same_reply, same_reply_layout)

static const ck_msg_type_t cc_types[] = {
    {CKI_CC_ADD_EDGE, "add_edge", CKI_GA_REPLY(CKI_CC_ADD_EDGE), add_edge_from_json, add_edge_to_json},
    {CKI_CC_REMOVE_EDGE, "remove_edge", CKI_GA_REPLY(CKI_CC_REMOVE_EDGE), remove_edge_from_json, remove_edge_to_json},
    {CKI_CC_QUERY, "query", CKI_GA_REPLY(CKI_CC_QUERY), query_from_json, query_to_json},
    {CKI_CC_SAME, "same", CKI_GA_REPLY(CKI_CC_SAME), same_from_json, same_to_json},
    {CKI_GA_REPLY(CKI_CC_ADD_EDGE), "add_edge_reply", 0, update_reply_from_json, update_reply_to_json},
    {CKI_GA_REPLY(CKI_CC_REMOVE_EDGE), "remove_edge_reply", 0, update_reply_from_json, update_reply_to_json},
    {CKI_GA_REPLY(CKI_CC_QUERY), "query_reply", 0, query_reply_from_json, query_reply_to_json},
    {CKI_GA_REPLY(CKI_CC_SAME), "same_reply", 0, same_reply_from_json, same_reply_to_json},
};

const ck_actor_class_t cki_graph_components_actor_class = {
    .kernel_id = "graph/connected-components",
    .create = cc_create,
    .destroy = cc_destroy,
    .handle = cki_ga_handle,
    .snapshot = cc_snapshot,
    .types = cc_types,
    .n_types = sizeof cc_types / sizeof cc_types[0],
};
