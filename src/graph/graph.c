/* The graph type: building CSR/CSC from edge lists (load rules 2-3 of spec/graph.md), accessors,
 * the undirected skeleton. Building is two stable counting sorts (by target, then by source), so
 * it is O(n + m) and every neighbour list comes out sorted; duplicates are then adjacent and
 * merged in one pass. */
#include <math.h>
#include <string.h>

#include "graph_internal.h"

static void *g_alloc(const ck_allocator_t *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    size_t bytes = n * size;
    return a->malloc_fn(bytes ? bytes : 1, a->user);
}
static void g_free(const ck_allocator_t *a, void *p)
{
    if (p) a->free_fn(p, a->user);
}

void ck_graph_destroy(ck_graph_t **pg)
{
    if (!pg || !*pg) return;
    ck_graph_t *g = *pg;
    ck_allocator_t a = g->alloc;
    g_free(&a, g->out_off);
    g_free(&a, g->out_adj);
    g_free(&a, g->out_w);
    if (g->owns_in) {
        g_free(&a, g->in_off);
        g_free(&a, g->in_adj);
        g_free(&a, g->in_w);
    }
    g_free(&a, g);
    *pg = NULL;
}

/* Sort (src, dst, w) triples by (src, dst) with two stable counting sorts and merge duplicates
 * into CSR arrays. Self-loops must already be gone. */
static ck_status_t build_csr(ck_ctx_t *ctx, const ck_allocator_t *a, uint32_t n, const uint32_t *src,
                             const uint32_t *dst, const double *w, int64_t e, int64_t **off_out, uint32_t **adj_out,
                             double **w_out, int64_t *merged)
{
    ck_status_t status = CK_OK;
    int64_t *count = NULL, *off = NULL;
    uint32_t *tmp_src = NULL, *adj = NULL, *tmp_dst = NULL;
    double *tmp_w = NULL, *ws = NULL;
    count = g_alloc(a, (size_t)n + 1, sizeof *count);
    off = g_alloc(a, (size_t)n + 1, sizeof *off);
    tmp_src = g_alloc(a, (size_t)e, sizeof *tmp_src);
    tmp_dst = g_alloc(a, (size_t)e, sizeof *tmp_dst);
    tmp_w = g_alloc(a, (size_t)e, sizeof *tmp_w);
    adj = g_alloc(a, (size_t)e, sizeof *adj);
    ws = g_alloc(a, (size_t)e, sizeof *ws);
    if (!count || !off || !tmp_src || !tmp_dst || !tmp_w || !adj || !ws) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    /* Pass 1: stable by dst into tmp_*. */
    memset(count, 0, ((size_t)n + 1) * sizeof *count);
    for (int64_t i = 0; i < e; i++) count[dst[i] + 1]++;
    for (uint32_t v = 0; v < n; v++) count[v + 1] += count[v];
    for (int64_t i = 0; i < e; i++) {
        int64_t p = count[dst[i]]++;
        tmp_src[p] = src[i];
        tmp_dst[p] = dst[i];
        tmp_w[p] = w ? w[i] : 1.0;
    }
    /* Pass 2: stable by src into adj/ws: rows come out sorted by dst. */
    memset(off, 0, ((size_t)n + 1) * sizeof *off);
    for (int64_t i = 0; i < e; i++) off[tmp_src[i] + 1]++;
    for (uint32_t v = 0; v < n; v++) off[v + 1] += off[v];
    memcpy(count, off, ((size_t)n + 1) * sizeof *count);
    for (int64_t i = 0; i < e; i++) {
        int64_t p = count[tmp_src[i]]++;
        adj[p] = tmp_dst[i];
        ws[p] = tmp_w[i];
    }
    /* Merge adjacent duplicates (parallel edges), summing weights; compact in place. */
    int64_t out = 0;
    for (uint32_t u = 0; u < n; u++) {
        int64_t lo = off[u], hi = off[u + 1];
        off[u] = out;
        for (int64_t i = lo; i < hi; i++) {
            if (out > off[u] && adj[out - 1] == adj[i]) {
                ws[out - 1] += ws[i];
                (*merged)++;
            } else {
                adj[out] = adj[i];
                ws[out] = ws[i];
                out++;
            }
        }
    }
    off[n] = out;
    *off_out = off;
    *adj_out = adj;
    *w_out = ws;
    off = NULL;
    adj = NULL;
    ws = NULL;
cleanup:
    g_free(a, count);
    g_free(a, off);
    g_free(a, tmp_src);
    g_free(a, tmp_dst);
    g_free(a, tmp_w);
    g_free(a, adj);
    g_free(a, ws);
    return status;
}

ck_status_t cki_graph_build(ck_ctx_t *ctx, ck_graph_t **out, uint32_t n, const cki_edges_t *edges, bool directed,
                            bool weighted)
{
    *out = NULL;
    const ck_allocator_t *a = &ctx->alloc;
    ck_status_t status = CK_OK;
    uint32_t *s = NULL, *d = NULL;
    double *w = NULL;
    ck_graph_t *g = g_alloc(a, 1, sizeof *g);
    if (!g) return cki_nomem(ctx);
    memset(g, 0, sizeof *g);
    g->alloc = *a;
    g->n = n;
    g->directed = directed;
    g->weighted = weighted;

    /* Drop self-loops; undirected edges go in both directions. */
    int64_t loops = 0;
    for (int64_t i = 0; i < edges->m; i++) loops += edges->src[i] == edges->dst[i];
    int64_t kept = edges->m - loops, e = directed ? kept : 2 * kept;
    s = g_alloc(a, (size_t)e, sizeof *s);
    d = g_alloc(a, (size_t)e, sizeof *d);
    w = g_alloc(a, (size_t)e, sizeof *w);
    if (!s || !d || !w) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    int64_t j = 0;
    for (int64_t i = 0; i < edges->m; i++) {
        uint32_t u = edges->src[i], v = edges->dst[i];
        if (u == v) continue;
        double wi = edges->w ? edges->w[i] : 1.0;
        s[j] = u, d[j] = v, w[j] = wi, j++;
        if (!directed) s[j] = v, d[j] = u, w[j] = wi, j++;
    }
    g->self_loops = loops;
    int64_t merged = 0;
    CK_TRY(build_csr(ctx, a, n, s, d, w, e, &g->out_off, &g->out_adj, &g->out_w, &merged));
    if (directed) {
        g->m = g->out_off[n];
        g->merged = merged;
        /* CSC: the transpose of the merged CSR (no duplicates left). */
        int64_t dummy = 0;
        CK_TRY(build_csr(ctx, a, n, d, s, w, e, &g->in_off, &g->in_adj, &g->in_w, &dummy));
        g->owns_in = true;
    } else {
        g->m = g->out_off[n] / 2;
        g->merged = merged / 2; /* each merge happened in both rows */
        g->in_off = g->out_off;
        g->in_adj = g->out_adj;
        g->in_w = g->out_w;
        g->owns_in = false;
    }
    /* Merged parallel edges carry their multiplicity as weight (the spec's oracle recipe sums
     * weight 1 per input edge), so such a graph is weighted even without given weights. */
    g->weighted = weighted || g->merged > 0;
    *out = g;
    g = NULL;
cleanup:
    g_free(a, s);
    g_free(a, d);
    g_free(a, w);
    ck_graph_destroy(&g);
    return status;
}

/* ---------------------------------------------------------------- public constructors */

static ck_status_t check_n(ck_ctx_t *ctx, ck_idx_t n, const char *field)
{
    if (n < 0 || n > CK_GRAPH_MAX_NODES)
        return cki_invalid(ctx, field, "%lld nodes is outside 0..%lld", (long long)n, (long long)CK_GRAPH_MAX_NODES);
    return CK_OK;
}

static ck_status_t check_weight(ck_ctx_t *ctx, double w, const char *name, int64_t i)
{
    if (!isfinite(w) || w < 0) {
        char path[64];
        snprintf(path, sizeof path, "%s[%lld]", name, (long long)i);
        return cki_invalid(ctx, path, "weight %g must be finite and >= 0", w);
    }
    return CK_OK;
}

ck_status_t ck_graph_create(ck_graph_t **g, ck_ctx_t *ctx, ck_idx_t n, const ck_idx_t *src, const ck_idx_t *dst,
                            const double *weights, ck_idx_t m, bool directed)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!g) return cki_invalid(ctx, "g", "must not be NULL");
    *g = NULL;
    ck_status_t status = check_n(ctx, n, "n");
    if (status) return status;
    if (m < 0) return cki_invalid(ctx, "m", "must be >= 0, got %lld", (long long)m);
    if (m > 0 && (!src || !dst)) return cki_invalid(ctx, src ? "dst" : "src", "must not be NULL when m > 0");
    cki_edges_t e = {0};
    e.m = m;
    e.src = cki_mallocarray(ctx, (size_t)m, sizeof *e.src);
    e.dst = cki_mallocarray(ctx, (size_t)m, sizeof *e.dst);
    if (!e.src || !e.dst) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (ck_idx_t i = 0; i < m; i++) {
        const ck_idx_t *arr[2] = {src, dst};
        for (int k = 0; k < 2; k++) {
            if (arr[k][i] < 0 || arr[k][i] >= n) {
                char path[64];
                snprintf(path, sizeof path, "%s[%lld]", k ? "dst" : "src", (long long)i);
                status = cki_invalid(ctx, path, "node %lld is out of range 0..%lld", (long long)arr[k][i], (long long)n - 1);
                goto cleanup;
            }
        }
        e.src[i] = (uint32_t)src[i];
        e.dst[i] = (uint32_t)dst[i];
        if (weights) CK_TRY(check_weight(ctx, weights[i], "weights", i));
    }
    e.w = (double *)weights;
    status = cki_graph_build(ctx, g, (uint32_t)n, &e, directed, weights != NULL);
cleanup:
    cki_free(ctx, e.src);
    cki_free(ctx, e.dst);
    return status;
}

ck_status_t ck_graph_create_csr(ck_graph_t **g, ck_ctx_t *ctx, ck_idx_t n, const ck_idx_t *row_offsets,
                                const ck_idx_t *col_indices, const double *weights, bool directed)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!g) return cki_invalid(ctx, "g", "must not be NULL");
    *g = NULL;
    ck_status_t status = check_n(ctx, n, "n");
    if (status) return status;
    if (!row_offsets) return cki_invalid(ctx, "row_offsets", "must not be NULL");
    if (row_offsets[0] != 0) return cki_invalid(ctx, "row_offsets[0]", "must be 0");
    for (ck_idx_t u = 0; u < n; u++)
        if (row_offsets[u + 1] < row_offsets[u]) {
            char path[64];
            snprintf(path, sizeof path, "row_offsets[%lld]", (long long)u + 1);
            return cki_invalid(ctx, path, "offsets must be non-decreasing");
        }
    ck_idx_t nnz = row_offsets[n];
    if (nnz > 0 && !col_indices) return cki_invalid(ctx, "col_indices", "must not be NULL");
    for (ck_idx_t i = 0; i < nnz; i++) {
        char path[64];
        if (col_indices[i] < 0 || col_indices[i] >= n) {
            snprintf(path, sizeof path, "col_indices[%lld]", (long long)i);
            return cki_invalid(ctx, path, "node %lld is out of range 0..%lld", (long long)col_indices[i], (long long)n - 1);
        }
        if (weights && (status = check_weight(ctx, weights[i], "weights", i))) return status;
    }
    ck_idx_t *src = cki_mallocarray(ctx, (size_t)nnz, sizeof *src);
    if (!src) return cki_nomem(ctx);
    for (ck_idx_t u = 0; u < n; u++)
        for (ck_idx_t i = row_offsets[u]; i < row_offsets[u + 1]; i++) src[i] = u;
    if (directed) {
        status = ck_graph_create(g, ctx, n, src, col_indices, weights, nnz, true);
        cki_free(ctx, src);
        return status;
    }
    /* Undirected: build the directed graph of all entries and check it equals its transpose. */
    ck_graph_t *all = NULL;
    status = ck_graph_create(&all, ctx, n, src, col_indices, weights, nnz, true);
    if (status) goto done;
    for (uint32_t u = 0; u < all->n && !status; u++) {
        int64_t a = all->out_off[u], b = all->in_off[u];
        if (all->out_off[u + 1] - a != all->in_off[u + 1] - b) {
            status = cki_invalid(ctx, "col_indices", "undirected CSR is not symmetric: row %u and column %u differ", u, u);
            break;
        }
        for (int64_t i = 0; i < all->out_off[u + 1] - a; i++)
            if (all->out_adj[a + i] != all->in_adj[b + i] || all->out_w[a + i] != all->in_w[b + i]) {
                status = cki_invalid(ctx, "col_indices", "undirected CSR is not symmetric: row %u has %u but row %u lacks %u (or the weights differ)",
                                     u, all->out_adj[a + i], all->out_adj[a + i], u);
                break;
            }
    }
    if (!status) {
        /* One edge per symmetric pair: keep the u < v half (self-loops are counted as dropped). */
        cki_edges_t e = {0};
        int64_t loops = 0;
        for (ck_idx_t i = 0; i < nnz; i++) loops += src[i] == col_indices[i];
        e.src = cki_mallocarray(ctx, (size_t)all->m, sizeof *e.src);
        e.dst = cki_mallocarray(ctx, (size_t)all->m, sizeof *e.dst);
        e.w = cki_mallocarray(ctx, (size_t)all->m, sizeof *e.w);
        if (!e.src || !e.dst || !e.w) {
            status = cki_nomem(ctx);
        } else {
            for (uint32_t u = 0; u < all->n; u++)
                for (int64_t i = all->out_off[u]; i < all->out_off[u + 1]; i++)
                    if (u < all->out_adj[i]) {
                        e.src[e.m] = u;
                        e.dst[e.m] = all->out_adj[i];
                        e.w[e.m] = all->out_w[i];
                        e.m++;
                    }
            status = cki_graph_build(ctx, g, (uint32_t)n, &e, false, weights != NULL);
            if (!status) (*g)->self_loops = loops;
        }
        cki_free(ctx, e.src);
        cki_free(ctx, e.dst);
        cki_free(ctx, e.w);
    }
done:
    ck_graph_destroy(&all);
    cki_free(ctx, src);
    return status;
}

/* ---------------------------------------------------------------- accessors */

ck_idx_t ck_graph_num_nodes(const ck_graph_t *g) { return g ? g->n : 0; }
ck_idx_t ck_graph_num_edges(const ck_graph_t *g) { return g ? g->m : 0; }
bool ck_graph_directed(const ck_graph_t *g) { return g && g->directed; }
bool ck_graph_weighted(const ck_graph_t *g) { return g && g->weighted; }
ck_idx_t ck_graph_self_loops_dropped(const ck_graph_t *g) { return g ? g->self_loops : 0; }
ck_idx_t ck_graph_parallel_merged(const ck_graph_t *g) { return g ? g->merged : 0; }

static ck_status_t neighbors(const ck_graph_t *g, ck_idx_t u, bool in, const uint32_t **nbrs, const double **w,
                             ck_idx_t *deg)
{
    if (!g || u < 0 || u >= g->n) return CK_E_INVALID_INPUT;
    const int64_t *off = in ? g->in_off : g->out_off;
    if (nbrs) *nbrs = (in ? g->in_adj : g->out_adj) + off[u];
    if (w) *w = (in ? g->in_w : g->out_w) + off[u];
    if (deg) *deg = off[u + 1] - off[u];
    return CK_OK;
}

ck_status_t ck_graph_out_neighbors(const ck_graph_t *g, ck_idx_t u, const uint32_t **nbrs, const double **w, ck_idx_t *deg)
{
    return neighbors(g, u, false, nbrs, w, deg);
}

ck_status_t ck_graph_in_neighbors(const ck_graph_t *g, ck_idx_t u, const uint32_t **nbrs, const double **w, ck_idx_t *deg)
{
    return neighbors(g, u, true, nbrs, w, deg);
}

bool cki_graph_has_arc(const ck_graph_t *g, uint32_t u, uint32_t v, double *w)
{
    int64_t lo = g->out_off[u], hi = g->out_off[u + 1];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (g->out_adj[mid] < v) lo = mid + 1;
        else hi = mid;
    }
    if (lo < g->out_off[u + 1] && g->out_adj[lo] == v) {
        if (w) *w = g->out_w[lo];
        return true;
    }
    return false;
}

ck_status_t cki_graph_skeleton(ck_ctx_t *ctx, ck_graph_t **out, const ck_graph_t *g)
{
    *out = NULL;
    /* Every stored arc u->v once; the undirected build merges (u,v) with (v,u). */
    int64_t m = g->m;
    cki_edges_t e = {0};
    e.src = cki_mallocarray(ctx, (size_t)m, sizeof *e.src);
    e.dst = cki_mallocarray(ctx, (size_t)m, sizeof *e.dst);
    e.w = cki_mallocarray(ctx, (size_t)m, sizeof *e.w);
    ck_status_t status;
    if (!e.src || !e.dst || !e.w) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (uint32_t u = 0; u < g->n; u++)
        for (int64_t i = g->out_off[u]; i < g->out_off[u + 1]; i++)
            if (g->directed || u < g->out_adj[i]) {
                e.src[e.m] = u;
                e.dst[e.m] = g->out_adj[i];
                e.w[e.m] = g->out_w[i];
                e.m++;
            }
    status = cki_graph_build(ctx, out, g->n, &e, false, g->weighted);
    if (!status) {
        (*out)->self_loops = g->self_loops;
        (*out)->merged = 0;
    }
cleanup:
    cki_free(ctx, e.src);
    cki_free(ctx, e.dst);
    cki_free(ctx, e.w);
    return status;
}
