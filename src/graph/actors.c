/* The graph ring actors' common layer: the edge store, the actor configuration (batch input +
 * capacities), ADD_EDGE / REMOVE_EDGE on the shared graph state, top-k selection, the generic
 * handle() and the table-driven JSON codecs. The five classes are in actors_*.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "actors_internal.h"
#include "wire.h"

/* ---------------------------------------------------------------- edge store */

static inline uint64_t es_mix(uint64_t x)
{
    /* splitmix64's finalizer: every key bit reaches every table bit. */
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

static inline uint64_t es_key(const cki_estore_t *s, uint32_t u, uint32_t v)
{
    if (!s->directed && u > v) {
        uint32_t t = u;
        u = v;
        v = t;
    }
    return (uint64_t)u << 32 | v;
}

ck_status_t cki_estore_init(ck_ctx_t *ctx, cki_estore_t *s, int64_t cap, bool directed)
{
    memset(s, 0, sizeof *s);
    s->directed = directed;
    s->cap = cap;
    uint64_t size = 8;
    while (size < 2 * (uint64_t)cap) size <<= 1;
    s->mask = size - 1;
    s->src = cki_mallocarray(ctx, (size_t)(cap ? cap : 1), sizeof *s->src);
    s->dst = cki_mallocarray(ctx, (size_t)(cap ? cap : 1), sizeof *s->dst);
    s->w = cki_mallocarray(ctx, (size_t)(cap ? cap : 1), sizeof *s->w);
    s->hkey = cki_mallocarray(ctx, (size_t)size, sizeof *s->hkey);
    s->hidx = cki_mallocarray(ctx, (size_t)size, sizeof *s->hidx);
    if (!s->src || !s->dst || !s->w || !s->hkey || !s->hidx) {
        cki_estore_free(ctx, s);
        return cki_nomem(ctx);
    }
    for (uint64_t i = 0; i < size; i++) s->hkey[i] = CKI_ESTORE_EMPTY;
    return CK_OK;
}

void cki_estore_free(ck_ctx_t *ctx, cki_estore_t *s)
{
    cki_free(ctx, s->src);
    cki_free(ctx, s->dst);
    cki_free(ctx, s->w);
    cki_free(ctx, s->hkey);
    cki_free(ctx, s->hidx);
    memset(s, 0, sizeof *s);
}

/* Table position of `key`, or of the free place where it would go. */
static uint64_t es_probe(const cki_estore_t *s, uint64_t key)
{
    uint64_t i = es_mix(key) & s->mask;
    while (s->hkey[i] != CKI_ESTORE_EMPTY && s->hkey[i] != key) i = (i + 1) & s->mask;
    return i;
}

int64_t cki_estore_find(const cki_estore_t *s, uint32_t u, uint32_t v)
{
    uint64_t i = es_probe(s, es_key(s, u, v));
    return s->hkey[i] == CKI_ESTORE_EMPTY ? -1 : (int64_t)s->hidx[i];
}

int64_t cki_estore_insert(cki_estore_t *s, uint32_t u, uint32_t v, double w)
{
    uint64_t key = es_key(s, u, v);
    uint64_t i = es_probe(s, key);
    int64_t slot = s->m++;
    s->hkey[i] = key;
    s->hidx[i] = (uint32_t)slot;
    s->src[slot] = (uint32_t)(key >> 32);
    s->dst[slot] = (uint32_t)key;
    s->w[slot] = w;
    return slot;
}

void cki_estore_remove(cki_estore_t *s, int64_t slot)
{
    /* Backward-shift deletion at the key's table position: later entries of the probe run move
     * up unless their home lies cyclically in (hole, here]. */
    uint64_t i = es_probe(s, (uint64_t)s->src[slot] << 32 | s->dst[slot]);
    uint64_t j = i;
    for (;;) {
        j = (j + 1) & s->mask;
        if (s->hkey[j] == CKI_ESTORE_EMPTY) break;
        uint64_t home = es_mix(s->hkey[j]) & s->mask;
        bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!stays) {
            s->hkey[i] = s->hkey[j];
            s->hidx[i] = s->hidx[j];
            i = j;
        }
    }
    s->hkey[i] = CKI_ESTORE_EMPTY;
    /* Keep the edges dense: the last one moves into the hole. */
    int64_t last = --s->m;
    if (slot != last) {
        s->src[slot] = s->src[last];
        s->dst[slot] = s->dst[last];
        s->w[slot] = s->w[last];
        s->hidx[es_probe(s, (uint64_t)s->src[slot] << 32 | s->dst[slot])] = (uint32_t)slot;
    }
}

/* ---------------------------------------------------------------- configuration */

static const ck_kernel_t *find_kernel(const char *id)
{
    const cki_kernel_table_t *const tables[] = {&cki_graph_spectral_table, &cki_graph_centrality_table,
                                                &cki_graph_metrics_table, &cki_graph_motifs_table,
                                                &cki_graph_topology_table};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (size_t i = 0; i < tables[t]->count; i++)
            if (strcmp(tables[t]->kernels[i].meta.id, id) == 0) return &tables[t]->kernels[i];
    return NULL;
}

static bool in_choices(const char *choices, const char *s, size_t *index)
{
    size_t n = strlen(s), k = 0;
    for (const char *p = choices;; k++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, s, n) == 0) {
            if (index) *index = k;
            return true;
        }
        if (!bar) return false;
        p = bar + 1;
    }
}

static ck_status_t read_option(ck_ctx_t *ctx, const json_t *in, const char *name, int64_t max, int64_t *out)
{
    const json_t *v = json_object_get(in, name);
    if (!v) return CK_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
        return cki_invalid(ctx, name, "expected an integer in 0..%lld", (long long)max);
    *out = json_integer_value(v);
    return CK_OK;
}

void cki_ga_config_free(cki_ga_config_t *c)
{
    if (!c) return;
    json_decref(c->input);
    ck_graph_destroy(&c->owned);
    memset(c, 0, sizeof *c);
}

ck_status_t cki_ga_config_read(ck_ctx_t *ctx, cki_ga_config_t *c, const char *kernel_id, const json_t *config,
                               const char *const *options)
{
    memset(c, 0, sizeof *c);
    c->max_nodes = c->max_edges = -1; /* not given */
    const ck_kernel_t *k = find_kernel(kernel_id);
    if (!k) return cki_error(ctx, CK_E_INTERNAL, NULL, "%s: no such graph kernel", kernel_id);
    if (config && !json_is_object(config)) return cki_invalid(ctx, "", "the actor configuration must be a JSON object");
    c->input = config ? json_copy((json_t *)config) : json_object(); /* shallow: defaults go in the copy */
    if (!c->input) return cki_nomem(ctx);
    ck_status_t status;
    const char *key;
    json_t *v;
    json_object_foreach(c->input, key, v) {
        bool known = strcmp(key, "max_nodes") == 0 || strcmp(key, "max_edges") == 0;
        for (size_t i = 0; !known && i < k->n_params; i++) known = strcmp(key, k->params[i].name) == 0;
        for (size_t i = 0; !known && options && options[i]; i++) known = strcmp(key, options[i]) == 0;
        if (!known) {
            status = cki_invalid(ctx, key, "unknown field for the %s actor (its batch parameters, max_nodes, max_edges%s)",
                                 kernel_id, options && options[0] ? " and its actor options" : "");
            goto fail;
        }
    }
    for (size_t i = 0; i < k->n_params; i++) {
        const ck_param_t *p = &k->params[i];
        json_t *val = json_object_get(c->input, p->name);
        if (!val) {
            if (p->required) {
                status = cki_invalid(ctx, p->name, "missing required field (the actor starts from the batch input)");
                goto fail;
            }
            if (!p->default_json) continue;
            val = json_loads(p->default_json, JSON_DECODE_ANY, NULL);
            if (!val || json_object_set_new(c->input, p->name, val) != 0) {
                status = cki_nomem(ctx);
                goto fail;
            }
            continue;
        }
        if (json_is_null(val) && p->nullable) continue;
        if ((status = cki_json_check_param(ctx, p, val))) goto fail;
    }
    if ((status = read_option(ctx, c->input, "max_nodes", CK_GRAPH_MAX_NODES, &c->max_nodes))) goto fail;
    if ((status = read_option(ctx, c->input, "max_edges", CKI_GA_MAX_EDGES, &c->max_edges))) goto fail;
    for (size_t i = 0; options && options[i]; i++)
        if (strcmp(options[i], "auto_recompute_every") == 0 &&
            (status = read_option(ctx, c->input, options[i], INT64_MAX, &c->auto_recompute_every)))
            goto fail;
    if ((status = cki_json_graph(ctx, c->input, NULL, &c->g, &c->owned))) goto fail;
    return CK_OK;
fail:
    cki_ga_config_free(c);
    return status;
}

/* ---------------------------------------------------------------- common state */

ck_status_t cki_ga_init(ck_ctx_t *ctx, cki_ga_t *ga, const cki_ga_config_t *c, cki_ga_step_fn step)
{
    const ck_graph_t *g = c->g;
    memset(ga, 0, sizeof *ga);
    if (c->max_nodes >= 0 && c->max_nodes < (int64_t)g->n)
        return cki_invalid(ctx, "max_nodes", "%lld is below the graph's num_nodes (%u)", (long long)c->max_nodes, g->n);
    if (c->max_edges >= 0 && c->max_edges < g->m)
        return cki_invalid(ctx, "max_edges", "%lld is below the graph's edge count after loading (%lld)",
                           (long long)c->max_edges, (long long)g->m);
    if (g->m > CKI_GA_MAX_EDGES)
        return cki_invalid(ctx, "graph", "%lld edges exceed the ring actors' limit of %lld", (long long)g->m,
                           (long long)CKI_GA_MAX_EDGES);
    int64_t max_edges = c->max_edges;
    if (max_edges < 0) {
        max_edges = 2 * g->m > 1024 ? 2 * g->m : 1024;
        if (max_edges > CKI_GA_MAX_EDGES) max_edges = CKI_GA_MAX_EDGES;
    }
    ga->step = step;
    ga->directed = g->directed;
    ga->n = g->n;
    ga->max_nodes = c->max_nodes >= 0 ? (uint32_t)c->max_nodes : g->n;
    ga->self_loops = g->self_loops;
    ck_status_t status = cki_estore_init(ctx, &ga->es, max_edges, g->directed);
    if (status) return status;
    for (uint32_t u = 0; u < g->n; u++)
        for (int64_t i = g->out_off[u]; i < g->out_off[u + 1]; i++)
            if (g->directed || u < g->out_adj[i]) cki_estore_insert(&ga->es, u, g->out_adj[i], g->out_w[i]);
    return CK_OK;
}

void cki_ga_free(ck_ctx_t *ctx, cki_ga_t *ga)
{
    if (ga) cki_estore_free(ctx, &ga->es);
}

ck_status_t cki_ga_expect_len(ck_ctx_t *ctx, const char *what, size_t len, size_t want)
{
    if (len != want)
        return cki_invalid(ctx, "payload", "a %s payload has %zu bytes, got %zu", what, want, len);
    return CK_OK;
}

ck_status_t cki_ga_node(ck_ctx_t *ctx, const cki_ga_t *ga, const char *field, uint32_t node)
{
    if (node >= ga->n) {
        if (ga->n == 0) return cki_invalid(ctx, field, "node %u is not in the graph (it has no nodes)", node);
        return cki_invalid(ctx, field, "node %u is not in the graph (nodes 0..%u)", node, ga->n - 1);
    }
    return CK_OK;
}

ck_status_t cki_ga_unknown_type(ck_ctx_t *ctx, const cki_ga_t *ga, uint32_t type_id)
{
    return cki_invalid(ctx, "type_id", "%u is not a request of the %s actor (see docs/kernels/graph-actors.md)", type_id,
                       ga->kernel_id);
}

static ck_status_t check_endpoint(ck_ctx_t *ctx, const cki_ga_t *ga, const char *field, uint32_t node)
{
    if (node >= ga->max_nodes)
        return cki_invalid(ctx, field, "node %u is beyond the actor's capacity max_nodes = %u (launch it with a "
                           "larger max_nodes)", node, ga->max_nodes);
    return CK_OK;
}

ck_status_t cki_ga_add(ck_ctx_t *ctx, cki_ga_t *ga, const void *payload, size_t len, cki_ga_event_t *ev)
{
    ck_status_t status = cki_ga_expect_len(ctx, "ADD_EDGE", len, CKI_GA_ADD_EDGE_SIZE);
    if (status) return status;
    const uint32_t u = cki_wire_get_u32(payload, 0), v = cki_wire_get_u32(payload, 4);
    const double w = cki_wire_get_f64(payload, 8);
    if ((status = check_endpoint(ctx, ga, "u", u)) || (status = check_endpoint(ctx, ga, "v", v))) return status;
    if (!isfinite(w) || w < 0) return cki_invalid(ctx, "w", "weight %g must be finite and >= 0", w);
    *ev = (cki_ga_event_t){.u = u, .v = v, .w = w, .old_n = ga->n};
    int64_t slot = -1;
    if (u == v) {
        ev->self_loop = true; /* load rule 2: dropped, but the node is named and exists */
        ga->self_loops++;
    } else {
        slot = cki_estore_find(&ga->es, u, v);
        if (slot < 0) {
            if (ga->es.m >= ga->es.cap)
                return cki_invalid(ctx, "max_edges", "the actor holds max_edges = %lld edges; a new edge does not fit "
                                   "(launch it with a larger max_edges)", (long long)ga->es.cap);
            slot = cki_estore_insert(&ga->es, u, v, w);
            ev->created = true;
        } else {
            ga->es.w[slot] += w; /* load rule 3: parallel edges merge, weights add */
        }
        ev->weight = ga->es.w[slot];
    }
    uint32_t top = u > v ? u : v;
    if (top >= ga->n) ga->n = top + 1;
    ga->updates++;
    return CK_OK;
}

ck_status_t cki_ga_remove(ck_ctx_t *ctx, cki_ga_t *ga, const void *payload, size_t len, cki_ga_event_t *ev)
{
    ck_status_t status = cki_ga_expect_len(ctx, "REMOVE_EDGE", len, CKI_GA_REMOVE_EDGE_SIZE);
    if (status) return status;
    const uint32_t u = cki_wire_get_u32(payload, 0), v = cki_wire_get_u32(payload, 4);
    if ((status = cki_ga_node(ctx, ga, "u", u)) || (status = cki_ga_node(ctx, ga, "v", v))) return status;
    if (u == v) return cki_invalid(ctx, "v", "no edge %u -> %u: self-loops are never stored (load rule 2)", u, v);
    int64_t slot = cki_estore_find(&ga->es, u, v);
    if (slot < 0) {
        if (ga->directed) return cki_invalid(ctx, "v", "no edge %u -> %u to remove", u, v);
        return cki_invalid(ctx, "v", "no edge {%u, %u} to remove", u, v);
    }
    *ev = (cki_ga_event_t){.u = u, .v = v, .w = ga->es.w[slot], .weight = ga->es.w[slot], .old_n = ga->n};
    cki_estore_remove(&ga->es, slot);
    ga->updates++;
    return CK_OK;
}

ck_status_t cki_ga_update_reply(ck_ctx_t *ctx, const cki_ga_t *ga, const cki_ga_event_t *ev, uint32_t flags, void *out,
                                size_t cap, size_t *reply_len)
{
    cki_wire_t w = cki_wire_writer(out, cap);
    cki_wire_u64(&w, (uint64_t)ga->es.m);
    cki_wire_u32(&w, ga->n);
    cki_wire_u32(&w, flags | (ev->created ? CKI_GA_F_CREATED : 0) | (ev->self_loop ? CKI_GA_F_SELF_LOOP : 0));
    cki_wire_f64(&w, ev->weight);
    if (w.overflow) return cki_invalid(ctx, "slot_size", "the reply does not fit the runtime's message payload (%zu bytes)", cap);
    *reply_len = w.len;
    return CK_OK;
}

/* ---------------------------------------------------------------- top-k */

void cki_ga_topk_fn(cki_ga_value_fn value, const void *state, uint32_t n, uint32_t k, uint32_t *node, uint32_t *count)
{
    double best[CKI_GA_TOPK_MAX];
    uint32_t c = 0;
    if (k > CKI_GA_TOPK_MAX) k = CKI_GA_TOPK_MAX;
    for (uint32_t i = 0; i < n && k > 0; i++) {
        double x = value(state, i);
        /* Nodes come in ascending order, so a tie with the last kept entry loses. */
        if (c == k && !(x > best[c - 1])) continue;
        uint32_t j = c < k ? c++ : k - 1;
        while (j > 0 && x > best[j - 1]) {
            best[j] = best[j - 1];
            node[j] = node[j - 1];
            j--;
        }
        best[j] = x;
        node[j] = i;
    }
    *count = c;
}

static double array_value(const void *state, uint32_t i) { return ((const double *)state)[i]; }

void cki_ga_topk(const double *value, uint32_t n, uint32_t k, uint32_t *node, uint32_t *count)
{
    cki_ga_topk_fn(array_value, value, n, k, node, count);
}

/* ---------------------------------------------------------------- driving */

ck_status_t cki_ga_step(ck_ctx_t *ctx, void *state, uint32_t type_id, const void *payload, size_t len, void *out,
                        size_t cap, uint32_t *reply_type, size_t *reply_len)
{
    cki_ga_t *ga = state;
    if (len > 0 && !payload) return cki_invalid(ctx, "payload", "NULL with %zu bytes", len);
    *reply_len = 0;
    *reply_type = 0;
    return ga->step(ctx, ga, type_id, payload, len, out, cap, reply_type, reply_len);
}

ck_status_t cki_ga_handle(ck_ctx_t *ctx, void *state, ck_actor_call_t *call, uint32_t type_id, const void *payload,
                          size_t len)
{
    uint8_t buf[CKI_GA_REPLY_MAX];
    size_t cap = ck_actor_call_max_payload(call);
    if (cap > sizeof buf) cap = sizeof buf;
    uint32_t reply_type;
    size_t reply_len;
    ck_status_t status = cki_ga_step(ctx, state, type_id, payload, len, buf, cap, &reply_type, &reply_len);
    if (CK_IS_ERROR(status)) return status;
    return ck_actor_reply(call, reply_type, buf, reply_len);
}

ck_status_t cki_ga_snapshot_common(ck_ctx_t *ctx, const cki_ga_t *ga, json_t *obj)
{
    ck_status_t status;
    if ((status = cki_json_set(ctx, obj, "num_nodes", json_integer(ga->n))) ||
        (status = cki_json_set(ctx, obj, "num_edges", json_integer(ga->es.m))) ||
        (status = cki_json_set(ctx, obj, "directed", json_boolean(ga->directed))) ||
        (status = cki_json_set(ctx, obj, "max_nodes", json_integer(ga->max_nodes))) ||
        (status = cki_json_set(ctx, obj, "max_edges", json_integer(ga->es.cap))) ||
        (status = cki_json_set(ctx, obj, "self_loops_dropped", json_integer(ga->self_loops))) ||
        (status = cki_json_set(ctx, obj, "updates", json_integer((json_int_t)ga->updates))))
        return status;
    return CK_OK;
}

/* ---------------------------------------------------------------- JSON codecs */

static const cki_gf_t add_edge_fields[] = {
    {.name = "u", .kind = CKI_GF_NODE, .off = 0},
    {.name = "v", .kind = CKI_GF_NODE, .off = 4},
    {.name = "w", .kind = CKI_GF_F64, .off = 8, .optional = true, .def = 1.0},
};
static const cki_gf_t remove_edge_fields[] = {
    {.name = "u", .kind = CKI_GF_NODE, .off = 0},
    {.name = "v", .kind = CKI_GF_NODE, .off = 4},
};
static const cki_gf_t node_fields[] = {{.name = "node", .kind = CKI_GF_NODE, .off = 0}};

const cki_layout_t cki_ga_add_edge_layout = {add_edge_fields, 3, CKI_GA_ADD_EDGE_SIZE, 0, false};
const cki_layout_t cki_ga_remove_edge_layout = {remove_edge_fields, 2, CKI_GA_REMOVE_EDGE_SIZE, 0, false};
const cki_layout_t cki_ga_node_layout = {node_fields, 1, CKI_GA_NODE_SIZE, 0, false};
const cki_layout_t cki_ga_empty_layout = {NULL, 0, 0, 0, false};

static bool layout_has(const cki_layout_t *l, const char *key)
{
    if (l->has_entries && strcmp(key, "entries") == 0) return true;
    for (size_t i = 0; i < l->n_fields; i++)
        if (strcmp(l->fields[i].name, key) == 0) return true;
    return false;
}

static ck_status_t json_uint(ck_ctx_t *ctx, const json_t *v, const char *field, uint64_t max, uint64_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
        return cki_invalid(ctx, field, "expected an integer in 0..%llu", (unsigned long long)max);
    *out = (uint64_t)json_integer_value(v);
    return CK_OK;
}

static ck_status_t field_from_json(ck_ctx_t *ctx, const cki_gf_t *f, const json_t *v, uint8_t *buf)
{
    cki_wire_t w = cki_wire_writer(buf + f->off, 8);
    uint64_t x = 0;
    ck_status_t status;
    switch (f->kind) {
    case CKI_GF_NODE:
    case CKI_GF_U32:
        if (!v) x = (uint64_t)f->def;
        else if ((status = json_uint(ctx, v, f->name, f->kind == CKI_GF_NODE ? UINT32_MAX - 1 : UINT32_MAX, &x)))
            return status;
        cki_wire_u32(&w, (uint32_t)x);
        return CK_OK;
    case CKI_GF_U64:
        if (!v) x = (uint64_t)f->def;
        else if ((status = json_uint(ctx, v, f->name, INT64_MAX, &x))) return status;
        cki_wire_u64(&w, x);
        return CK_OK;
    case CKI_GF_I64:
        if (v && !json_is_integer(v)) return cki_invalid(ctx, f->name, "expected an integer");
        cki_wire_i64(&w, v ? (int64_t)json_integer_value(v) : (int64_t)f->def);
        return CK_OK;
    case CKI_GF_F64:
        if (v && !json_is_number(v) && !json_is_null(v)) return cki_invalid(ctx, f->name, "expected a number");
        cki_wire_f64(&w, !v ? f->def : json_is_null(v) ? NAN : json_number_value(v));
        return CK_OK;
    case CKI_GF_BOOL8:
    case CKI_GF_BOOL32:
    case CKI_GF_FLAG: {
        if (v && !json_is_boolean(v)) return cki_invalid(ctx, f->name, "expected a boolean");
        bool b = v ? json_is_true(v) : f->def != 0;
        if (f->kind == CKI_GF_BOOL8) cki_wire_u8(&w, b);
        else if (f->kind == CKI_GF_BOOL32) cki_wire_u32(&w, b);
        else if (b) cki_wire_u32(&w, cki_wire_get_u32(buf, f->off) | f->bit);
        return CK_OK;
    }
    case CKI_GF_ENUM32: {
        size_t index = (size_t)f->def;
        if (v) {
            if (!json_is_string(v)) return cki_invalid(ctx, f->name, "expected one of %s", f->choices);
            if (!in_choices(f->choices, json_string_value(v), &index))
                return cki_invalid(ctx, f->name, "'%s' is not one of %s", json_string_value(v), f->choices);
        }
        cki_wire_u32(&w, (uint32_t)index);
        return CK_OK;
    }
    }
    return CK_OK;
}

ck_status_t cki_ga_from_json(ck_ctx_t *ctx, const json_t *msg, void *buf, size_t cap, size_t *len,
                             const cki_layout_t *l)
{
    *len = 0;
    if (!json_is_object(msg)) return cki_invalid(ctx, "", "a message must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)msg, key, v) {
        if (strcmp(key, "type") != 0 && !layout_has(l, key)) return cki_invalid(ctx, key, "unknown field");
    }
    const json_t *entries = l->has_entries ? json_object_get(msg, "entries") : NULL;
    size_t count = 0;
    if (l->has_entries) {
        if (!json_is_array(entries)) return cki_invalid(ctx, "entries", "expected an array of {node, score}");
        count = json_array_size(entries);
    }
    size_t need = l->size + count * CKI_GA_TOPK_ENTRY;
    if (need > cap) return cki_invalid(ctx, "cap", "the payload needs %zu bytes, the buffer holds %zu", need, cap);
    uint8_t *b = buf;
    if (need) memset(b, 0, need);
    ck_status_t status;
    for (size_t i = 0; i < l->n_fields; i++) {
        const cki_gf_t *f = &l->fields[i];
        const json_t *fv = json_object_get(msg, f->name);
        if (!fv && !f->optional && f->kind != CKI_GF_FLAG) return cki_invalid(ctx, f->name, "missing required field");
        if ((status = field_from_json(ctx, f, fv, b))) return status;
    }
    if (l->has_entries) {
        cki_wire_t w = cki_wire_writer(b + l->count_off, 4);
        cki_wire_u32(&w, (uint32_t)count);
        for (size_t i = 0; i < count; i++) {
            char path[64], sub[80];
            snprintf(path, sizeof path, "entries[%zu]", i);
            const json_t *e = json_array_get(entries, i);
            const json_t *jn = json_object_get(e, "node"), *js = json_object_get(e, "score");
            uint64_t node = 0;
            if (!json_is_object(e) || json_object_size(e) != 2 || !jn || !js)
                return cki_invalid(ctx, path, "expected {\"node\": id, \"score\": number}");
            snprintf(sub, sizeof sub, "%s.node", path);
            if ((status = json_uint(ctx, jn, sub, UINT32_MAX - 1, &node))) return status;
            snprintf(sub, sizeof sub, "%s.score", path);
            if (!json_is_number(js)) return cki_invalid(ctx, sub, "expected a number");
            w = cki_wire_writer(b + l->size + i * CKI_GA_TOPK_ENTRY, CKI_GA_TOPK_ENTRY);
            cki_wire_u32(&w, (uint32_t)node);
            cki_wire_f64(&w, json_number_value(js));
        }
    }
    *len = need;
    return CK_OK;
}

static json_t *field_to_json(const cki_gf_t *f, const uint8_t *p)
{
    switch (f->kind) {
    case CKI_GF_NODE:
    case CKI_GF_U32: return json_integer(cki_wire_get_u32(p, f->off));
    case CKI_GF_U64: {
        uint64_t x = cki_wire_get_u64(p, f->off);
        return json_integer(x > INT64_MAX ? INT64_MAX : (json_int_t)x);
    }
    case CKI_GF_I64: return json_integer(cki_wire_get_i64(p, f->off));
    case CKI_GF_F64: return cki_json_real_new(cki_wire_get_f64(p, f->off));
    case CKI_GF_BOOL8: return json_boolean(cki_wire_get_u8(p, f->off) != 0);
    case CKI_GF_BOOL32: return json_boolean(cki_wire_get_u32(p, f->off) != 0);
    case CKI_GF_FLAG: return json_boolean((cki_wire_get_u32(p, f->off) & f->bit) != 0);
    case CKI_GF_ENUM32: {
        uint32_t index = cki_wire_get_u32(p, f->off);
        const char *s = f->choices;
        for (uint32_t i = 0; i < index && s; i++) {
            s = strchr(s, '|');
            if (s) s++;
        }
        if (!s) return json_integer(index); /* out of range: shown as the number */
        const char *bar = strchr(s, '|');
        return json_stringn(s, bar ? (size_t)(bar - s) : strlen(s));
    }
    }
    return NULL;
}

ck_status_t cki_ga_to_json(ck_ctx_t *ctx, const void *payload, size_t len, json_t *out, const cki_layout_t *l)
{
    const uint8_t *p = payload;
    size_t count = 0;
    if (len < l->size) return cki_invalid(ctx, "payload", "has %zu bytes, expected %zu", len, l->size);
    if (l->has_entries) {
        count = cki_wire_get_u32(p, l->count_off);
        if (count > CKI_GA_TOPK_MAX || len != l->size + count * CKI_GA_TOPK_ENTRY)
            return cki_invalid(ctx, "payload", "has %zu bytes, expected %zu for %zu entries", len,
                               l->size + count * CKI_GA_TOPK_ENTRY, count);
    } else if (len != l->size) {
        return cki_invalid(ctx, "payload", "has %zu bytes, expected %zu", len, l->size);
    }
    ck_status_t status;
    for (size_t i = 0; i < l->n_fields; i++)
        if ((status = cki_json_set(ctx, out, l->fields[i].name, field_to_json(&l->fields[i], p)))) return status;
    if (l->has_entries) {
        json_t *arr = json_array();
        if ((status = cki_json_set(ctx, out, "entries", arr))) return status;
        for (size_t i = 0; i < count; i++) {
            const uint8_t *e = p + l->size + i * CKI_GA_TOPK_ENTRY;
            json_t *o = json_object();
            if (json_array_append_new(arr, o)) return cki_nomem(ctx);
            if ((status = cki_json_set(ctx, o, "node", json_integer(cki_wire_get_u32(e, 0)))) ||
                (status = cki_json_set(ctx, o, "score", cki_json_real_new(cki_wire_get_f64(e, 4)))))
                return status;
        }
    }
    return CK_OK;
}
