/* graph/... kernels: paths — graph/shortest-path (single source, k shortest loopless paths, all
 * pairs). */
#include <math.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "graph_internal.h"

#define N_(arr) (sizeof(arr) / sizeof((arr)[0]))

/* Heap positions: a node not yet reached, and a node whose distance is final. */
#define NOT_SEEN UINT32_MAX
#define DONE (UINT32_MAX - 1)
/* Heap pops between two polls for cancellation/progress. */
#define POLL_EVERY 65536

void ck_shortest_path_options_init(ck_shortest_path_options_t *opt)
{
    if (opt) opt->use_weights = true;
}

/* Common argument checks. *weighted tells whether Dijkstra runs (weights used and present); a
 * zero length is then rejected, naming the edge. */
static ck_status_t check_args(ck_ctx_t *ctx, const ck_graph_t *g, const ck_shortest_path_options_t *opt,
                              bool *weighted)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!g) return cki_invalid(ctx, "graph", "must not be NULL");
    ck_shortest_path_options_t o;
    if (opt) o = *opt;
    else ck_shortest_path_options_init(&o);
    *weighted = o.use_weights && g->weighted;
    if (*weighted) {
        for (uint32_t u = 0; u < g->n; u++)
            for (int64_t i = g->out_off[u]; i < g->out_off[u + 1]; i++)
                if (!(g->out_w[i] > 0)) {
                    uint32_t a = u, b = g->out_adj[i];
                    if (!g->directed && a > b) a = b, b = u;
                    return cki_invalid(ctx, "graph.weights",
                                       "edge (%u, %u) has length 0: lengths must be > 0 (or set use_weights false)",
                                       (unsigned)a, (unsigned)b);
                }
    }
    return CK_OK;
}

static ck_status_t check_node(ck_ctx_t *ctx, const ck_graph_t *g, ck_idx_t v, const char *field)
{
    if (v < 0 || v >= (ck_idx_t)g->n)
        return cki_invalid(ctx, field, "node %lld is out of range 0..%lld", (long long)v, (long long)g->n - 1);
    return CK_OK;
}

/* ---------------------------------------------------------------- indexed binary heap */

/* A min-heap of nodes keyed by (d[v], h[v], v) — h may be NULL: then by (d[v], v). pos[v] is the
 * node's index in the heap while it is in it. */
typedef struct heap {
    uint32_t *node, *pos;
    int64_t size;
    const double *d;
    const uint32_t *h;
} heap_t;

static inline bool heap_less(const heap_t *hp, uint32_t a, uint32_t b)
{
    const double da = hp->d[a], db = hp->d[b];
    if (da != db) return da < db;
    if (hp->h && hp->h[a] != hp->h[b]) return hp->h[a] < hp->h[b];
    return a < b;
}

static inline void heap_up(heap_t *hp, int64_t i)
{
    const uint32_t v = hp->node[i];
    while (i > 0) {
        const int64_t p = (i - 1) >> 1;
        const uint32_t pv = hp->node[p];
        if (!heap_less(hp, v, pv)) break;
        hp->node[i] = pv;
        hp->pos[pv] = (uint32_t)i;
        i = p;
    }
    hp->node[i] = v;
    hp->pos[v] = (uint32_t)i;
}

static inline void heap_push(heap_t *hp, uint32_t v)
{
    hp->node[hp->size] = v;
    heap_up(hp, hp->size++);
}

static inline uint32_t heap_pop(heap_t *hp)
{
    const uint32_t top = hp->node[0];
    const uint32_t v = hp->node[--hp->size];
    int64_t i = 0;
    const int64_t size = hp->size;
    if (size > 0) {
        for (;;) {
            int64_t c = 2 * i + 1;
            if (c >= size) break;
            if (c + 1 < size && heap_less(hp, hp->node[c + 1], hp->node[c])) c++;
            const uint32_t cv = hp->node[c];
            if (!heap_less(hp, cv, v)) break;
            hp->node[i] = cv;
            hp->pos[cv] = (uint32_t)i;
            i = c;
        }
        hp->node[i] = v;
        hp->pos[v] = (uint32_t)i;
    }
    return top;
}

/* ---------------------------------------------------------------- single source */

/* Dijkstra from s. dist, pred are required; hops may be NULL. pos and heap are n-sized scratch.
 * poll: whether this thread may call cki_poll (the calling thread, outside parallel regions). */
static ck_status_t dijkstra(ck_ctx_t *ctx, double *dist, int64_t *hops, int64_t *pred, uint32_t *pos,
                            uint32_t *heapnodes, const ck_graph_t *g, uint32_t s, bool poll)
{
    const uint32_t n = g->n;
    for (uint32_t v = 0; v < n; v++) {
        dist[v] = INFINITY;
        pos[v] = NOT_SEEN;
        if (pred) pred[v] = -1;
        if (hops) hops[v] = -1;
    }
    heap_t hp = {heapnodes, pos, 0, dist, NULL};
    dist[s] = 0;
    heap_push(&hp, s);
    const int64_t *off = g->out_off;
    const uint32_t *adj = g->out_adj;
    const double *w = g->out_w;
    int64_t pops = 0;
    while (hp.size > 0) {
        const uint32_t u = heap_pop(&hp);
        pos[u] = DONE;
        if (hops) hops[u] = u == s ? 0 : hops[pred[u]] + 1;
        if (poll && ++pops % POLL_EVERY == 0) {
            ck_status_t status = cki_poll(ctx, (double)pops / (double)n);
            if (status) return status;
        }
        const double du = dist[u];
        for (int64_t i = off[u]; i < off[u + 1]; i++) {
            const uint32_t v = adj[i];
            const uint32_t pv = pos[v];
            if (pv == DONE) continue;
            const double nd = du + w[i];
            if (nd < dist[v]) {
                dist[v] = nd;
                if (pred) pred[v] = u;
                if (pv == NOT_SEEN) heap_push(&hp, v);
                else heap_up(&hp, pv);
            } else if (pred && nd == dist[v] && (int64_t)u < pred[v]) {
                pred[v] = u;
            }
        }
    }
    return CK_OK;
}

/* BFS from s: level[v] = hops (-1 unreachable); pred may be NULL. queue is n-sized scratch. */
static ck_status_t bfs(ck_ctx_t *ctx, int64_t *level, int64_t *pred, uint32_t *queue, const ck_graph_t *g, uint32_t s,
                       bool poll)
{
    const uint32_t n = g->n;
    for (uint32_t v = 0; v < n; v++) level[v] = -1;
    if (pred)
        for (uint32_t v = 0; v < n; v++) pred[v] = -1;
    int64_t head = 0, tail = 0;
    level[s] = 0;
    queue[tail++] = s;
    const int64_t *off = g->out_off;
    const uint32_t *adj = g->out_adj;
    while (head < tail) {
        const uint32_t u = queue[head++];
        if (poll && head % POLL_EVERY == 0) {
            ck_status_t status = cki_poll(ctx, (double)head / (double)n);
            if (status) return status;
        }
        const int64_t next = level[u] + 1;
        for (int64_t i = off[u]; i < off[u + 1]; i++) {
            const uint32_t v = adj[i];
            if (level[v] < 0) {
                level[v] = next;
                if (pred) pred[v] = u;
                queue[tail++] = v;
            } else if (pred && level[v] == next && (int64_t)u < pred[v]) {
                pred[v] = u; /* the smallest predecessor, whatever the queue order */
            }
        }
    }
    return CK_OK;
}

ck_status_t ck_sssp(ck_ctx_t *ctx, double *dist, ck_idx_t *hops, ck_idx_t *pred, const ck_graph_t *g,
                    ck_idx_t source, const ck_shortest_path_options_t *opt)
{
    bool weighted;
    ck_status_t status = check_args(ctx, g, opt, &weighted);
    if (status || (status = check_node(ctx, g, source, "source"))) return status;
    const uint32_t n = g->n, s = (uint32_t)source;
    uint32_t *scratch = NULL, *scratch2 = NULL;
    double *dist_tmp = NULL;
    int64_t *pred_tmp = NULL, *level_tmp = NULL;
    if (weighted) {
        /* hops needs the predecessors; dist is the heap's key. */
        if (!dist) dist = dist_tmp = cki_mallocarray(ctx, n, sizeof *dist);
        if (!pred && hops) pred = pred_tmp = cki_mallocarray(ctx, n, sizeof *pred);
        scratch = cki_mallocarray(ctx, n, sizeof *scratch);
        scratch2 = cki_mallocarray(ctx, n, sizeof *scratch2);
        if (!dist || (hops && !pred) || !scratch || !scratch2) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        CK_TRY(dijkstra(ctx, dist, hops, pred, scratch, scratch2, g, s, true));
    } else {
        int64_t *level = hops;
        if (!level) level = level_tmp = cki_mallocarray(ctx, n, sizeof *level);
        scratch = cki_mallocarray(ctx, n, sizeof *scratch);
        if (!level || !scratch) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        CK_TRY(bfs(ctx, level, pred, scratch, g, s, true));
        if (dist)
            for (uint32_t v = 0; v < n; v++) dist[v] = level[v] < 0 ? INFINITY : (double)level[v];
    }
    CK_TRY(cki_poll(ctx, 1.0));
cleanup:
    cki_free(ctx, scratch);
    cki_free(ctx, scratch2);
    cki_free(ctx, dist_tmp);
    cki_free(ctx, pred_tmp);
    cki_free(ctx, level_tmp);
    return status;
}

/* ---------------------------------------------------------------- all pairs */

/* BFS from s writing hop distances straight into a matrix row (INFINITY = not reached yet). */
static void bfs_row(double *row, uint32_t *queue, const ck_graph_t *g, uint32_t s)
{
    const uint32_t n = g->n;
    for (uint32_t v = 0; v < n; v++) row[v] = INFINITY;
    int64_t head = 0, tail = 0;
    row[s] = 0;
    queue[tail++] = s;
    const int64_t *off = g->out_off;
    const uint32_t *adj = g->out_adj;
    while (head < tail) {
        const uint32_t u = queue[head++];
        const double next = row[u] + 1;
        for (int64_t i = off[u]; i < off[u + 1]; i++) {
            const uint32_t v = adj[i];
            if (row[v] == INFINITY) {
                row[v] = next;
                queue[tail++] = v;
            }
        }
    }
}

ck_status_t ck_apsp(ck_ctx_t *ctx, double *dist, const ck_graph_t *g, const ck_shortest_path_options_t *opt)
{
    bool weighted;
    ck_status_t status = check_args(ctx, g, opt, &weighted);
    if (status) return status;
    const uint32_t n = g->n;
    if (n == 0) return CK_OK;
    const int threads = cki_threads(ctx);
    /* Per thread: Dijkstra's pos + heap, or BFS's queue. */
    const size_t per = weighted ? 2 * (size_t)n : (size_t)n;
    uint32_t *ws = cki_mallocarray(ctx, (size_t)threads * per, sizeof *ws);
    if (!ws) return cki_nomem(ctx);
    int64_t done = 0;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
    {
#ifdef _OPENMP
        const int tid = omp_get_thread_num();
#else
        const int tid = 0;
#endif
        uint32_t *mine = ws + (size_t)tid * per;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
        for (int64_t s = 0; s < (int64_t)n; s++) {
            if (tid == 0) {
                int64_t d;
#ifdef _OPENMP
#pragma omp atomic read
#endif
                d = done;
                (void)cki_poll(ctx, (double)d / (double)n);
            }
            if (ck_ctx_cancelled(ctx)) continue;
            double *row = dist + (size_t)s * n;
            if (weighted) {
                (void)dijkstra(ctx, row, NULL, NULL, mine, mine + n, g, (uint32_t)s, false);
            } else {
                bfs_row(row, mine, g, (uint32_t)s);
            }
#ifdef _OPENMP
#pragma omp atomic update
#endif
            done++;
        }
    }
    cki_free(ctx, ws);
    return cki_poll(ctx, 1.0);
}

/* ---------------------------------------------------------------- k shortest paths (Yen) */

/* A growable list of paths over uint32 nodes; dev[i] is the index of the spur node path i was
 * generated from (Lawler: its own spur nodes start there). */
typedef struct plist {
    uint32_t *nodes;
    int64_t n_nodes, cap_nodes;
    int64_t *off; /* count + 1 */
    double *len;
    int64_t *dev;
    bool *alive;
    int64_t count, cap;
} plist_t;

static void plist_free(ck_ctx_t *ctx, plist_t *p)
{
    cki_free(ctx, p->nodes);
    cki_free(ctx, p->off);
    cki_free(ctx, p->len);
    cki_free(ctx, p->dev);
    cki_free(ctx, p->alive);
}

/* Grow one array; on failure the old one stays valid (and is freed with the list). */
static bool grow(ck_ctx_t *ctx, void **arr, size_t count, size_t size)
{
    if (count > SIZE_MAX / size) return false;
    void *p = cki_realloc(ctx, *arr, count * size);
    if (!p) return false;
    *arr = p;
    return true;
}

static ck_status_t plist_add(ck_ctx_t *ctx, plist_t *p, const uint32_t *nodes, int64_t k, double len, int64_t dev)
{
    if (p->count + 1 > p->cap) {
        int64_t cap = p->cap ? 2 * p->cap : 16;
        if (!grow(ctx, (void **)&p->off, (size_t)cap + 1, sizeof *p->off) ||
            !grow(ctx, (void **)&p->len, (size_t)cap, sizeof *p->len) ||
            !grow(ctx, (void **)&p->dev, (size_t)cap, sizeof *p->dev) ||
            !grow(ctx, (void **)&p->alive, (size_t)cap, sizeof *p->alive))
            return cki_nomem(ctx);
        if (p->cap == 0) p->off[0] = 0;
        p->cap = cap;
    }
    if (p->n_nodes + k > p->cap_nodes) {
        int64_t cap = p->cap_nodes ? 2 * p->cap_nodes : 256;
        while (cap < p->n_nodes + k) cap *= 2;
        if (!grow(ctx, (void **)&p->nodes, (size_t)cap, sizeof *p->nodes)) return cki_nomem(ctx);
        p->cap_nodes = cap;
    }
    memcpy(p->nodes + p->n_nodes, nodes, (size_t)k * sizeof *nodes);
    p->n_nodes += k;
    p->len[p->count] = len;
    p->dev[p->count] = dev;
    p->alive[p->count] = true;
    p->off[++p->count] = p->n_nodes;
    return CK_OK;
}

/* Path order: length, then hop count, then lexicographic node sequence. */
static int cmp_paths(double la, const uint32_t *a, int64_t ka, double lb, const uint32_t *b, int64_t kb)
{
    if (la != lb) return la < lb ? -1 : 1;
    if (ka != kb) return ka < kb ? -1 : 1;
    for (int64_t i = 0; i < ka; i++)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* Spur-search workspace: stamps compare with `gen`, so nothing is cleared between searches. */
typedef struct yen {
    const ck_graph_t *g;
    bool weighted;
    double *d;                         /* distance to the target */
    uint32_t *h;                       /* hops to the target */
    uint32_t *seen, *done, *blocked, *banned;
    uint32_t *pos, *heap, *walk, *cand;
    uint32_t gen;
} yen_t;

static void yen_next_gen(yen_t *y)
{
    if (y->gen >= UINT32_MAX - 1) {
        const size_t n = y->g->n;
        memset(y->seen, 0, n * sizeof *y->seen);
        memset(y->done, 0, n * sizeof *y->done);
        memset(y->blocked, 0, n * sizeof *y->blocked);
        memset(y->banned, 0, n * sizeof *y->banned);
        y->gen = 0;
    }
    y->gen++;
}

/* The best (length, hops, lexicographic) path from spur to t avoiding the blocked nodes and the
 * banned arcs spur -> x, into y->walk; returns its node count (0: none). A reverse Dijkstra from t
 * keyed by (distance, hops) stops once spur is final; a forward walk from spur then takes the
 * smallest successor that stays on an optimal path. */
static int64_t spur_search(yen_t *y, uint32_t spur, uint32_t t)
{
    const ck_graph_t *g = y->g;
    const uint32_t gen = y->gen;
    double *d = y->d;
    uint32_t *h = y->h, *seen = y->seen, *done = y->done;
    const uint32_t *blocked = y->blocked, *banned = y->banned;
    heap_t hp = {y->heap, y->pos, 0, d, h};
    d[t] = 0;
    h[t] = 0;
    seen[t] = gen;
    heap_push(&hp, t);
    bool reached = false;
    while (hp.size > 0) {
        const uint32_t x = heap_pop(&hp);
        done[x] = gen;
        if (x == spur) {
            reached = true;
            break;
        }
        const double dx = d[x];
        const uint32_t hx = h[x] + 1;
        for (int64_t i = g->in_off[x]; i < g->in_off[x + 1]; i++) {
            const uint32_t u = g->in_adj[i];
            if (blocked[u] == gen || done[u] == gen || (u == spur && banned[x] == gen)) continue;
            const double nd = (y->weighted ? g->in_w[i] : 1.0) + dx;
            if (seen[u] != gen) {
                seen[u] = gen;
                d[u] = nd;
                h[u] = hx;
                heap_push(&hp, u);
            } else if (nd < d[u] || (nd == d[u] && hx < h[u])) {
                d[u] = nd;
                h[u] = hx;
                heap_up(&hp, y->pos[u]);
            }
        }
    }
    if (!reached) return 0;
    int64_t k = 0;
    uint32_t u = spur;
    y->walk[k++] = u;
    while (u != t) {
        uint32_t next = UINT32_MAX;
        for (int64_t i = g->out_off[u]; i < g->out_off[u + 1]; i++) {
            const uint32_t v = g->out_adj[i];
            if (done[v] != gen || (u == spur && banned[v] == gen)) continue;
            const double w = y->weighted ? g->out_w[i] : 1.0;
            if (h[u] == h[v] + 1 && d[u] == w + d[v]) {
                next = v; /* rows are sorted: the first match is the smallest */
                break;
            }
        }
        if (next == UINT32_MAX) return 0; /* unreachable: (d, h) is exact along the search tree */
        u = next;
        y->walk[k++] = u;
    }
    return k;
}

/* Length of a path: its weights summed from the source forward. */
static double path_length(const ck_graph_t *g, bool weighted, const uint32_t *p, int64_t k)
{
    if (!weighted) return (double)(k - 1);
    double len = 0, w = 0;
    for (int64_t i = 0; i + 1 < k; i++) {
        (void)cki_graph_has_arc(g, p[i], p[i + 1], &w);
        len += w;
    }
    return len;
}

void ck_path_list_destroy(ck_path_list_t **paths)
{
    if (!paths || !*paths) return;
    ck_path_list_t *p = *paths;
    ck_allocator_t a = p->alloc;
    if (p->offsets) a.free_fn(p->offsets, a.user);
    if (p->nodes) a.free_fn(p->nodes, a.user);
    if (p->lengths) a.free_fn(p->lengths, a.user);
    if (p->hops) a.free_fn(p->hops, a.user);
    a.free_fn(p, a.user);
    *paths = NULL;
}

/* Copy the accepted paths into a result object. */
static ck_status_t make_result(ck_ctx_t *ctx, ck_path_list_t **out, const plist_t *a)
{
    ck_path_list_t *r = cki_calloc(ctx, 1, sizeof *r);
    if (!r) return cki_nomem(ctx);
    r->alloc = ctx->alloc;
    r->count = a->count;
    r->offsets = cki_mallocarray(ctx, (size_t)a->count + 1, sizeof *r->offsets);
    r->nodes = cki_mallocarray(ctx, (size_t)a->n_nodes, sizeof *r->nodes);
    r->lengths = cki_mallocarray(ctx, (size_t)a->count, sizeof *r->lengths);
    r->hops = cki_mallocarray(ctx, (size_t)a->count, sizeof *r->hops);
    if (!r->offsets || !r->nodes || !r->lengths || !r->hops) {
        ck_path_list_destroy(&r);
        return cki_nomem(ctx);
    }
    r->offsets[0] = 0;
    for (int64_t i = 0; i < a->count; i++) {
        r->offsets[i + 1] = a->off[i + 1];
        r->lengths[i] = a->len[i];
        r->hops[i] = a->off[i + 1] - a->off[i] - 1;
    }
    for (int64_t i = 0; i < a->n_nodes; i++) r->nodes[i] = a->nodes[i];
    *out = r;
    return CK_OK;
}

ck_status_t ck_k_shortest_paths(ck_ctx_t *ctx, ck_path_list_t **paths, const ck_graph_t *g, ck_idx_t source,
                                ck_idx_t target, ck_idx_t k, const ck_shortest_path_options_t *opt)
{
    if (paths) *paths = NULL;
    bool weighted;
    ck_status_t status = check_args(ctx, g, opt, &weighted);
    if (status || (status = check_node(ctx, g, source, "source")) || (status = check_node(ctx, g, target, "target")))
        return status;
    if (!paths) return cki_invalid(ctx, "paths", "must not be NULL");
    if (k < 1) return cki_invalid(ctx, "k_paths", "%lld is out of range [1, inf)", (long long)k);
    const uint32_t n = g->n, s = (uint32_t)source, t = (uint32_t)target;
    plist_t A = {0}, B = {0};
    yen_t y = {.g = g, .weighted = weighted};
    uint32_t *block = NULL;
    if (s == t) {
        CK_TRY(plist_add(ctx, &A, &s, 1, 0.0, 0));
        CK_TRY(make_result(ctx, paths, &A));
        goto cleanup;
    }
    y.d = cki_mallocarray(ctx, n, sizeof *y.d);
    block = cki_calloc(ctx, 9 * (size_t)n, sizeof *block);
    if (!y.d || !block) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    y.h = block;
    y.seen = block + n;
    y.done = block + 2 * (size_t)n;
    y.blocked = block + 3 * (size_t)n;
    y.banned = block + 4 * (size_t)n;
    y.pos = block + 5 * (size_t)n;
    y.heap = block + 6 * (size_t)n;
    y.walk = block + 7 * (size_t)n;
    y.cand = block + 8 * (size_t)n; /* up to n nodes: a simple path */

    yen_next_gen(&y);
    int64_t len0 = spur_search(&y, s, t);
    if (len0 > 0) CK_TRY(plist_add(ctx, &A, y.walk, len0, path_length(g, weighted, y.walk, len0), 0));
    while (A.count > 0 && A.count < k) {
        const int64_t last = A.count - 1;
        const int64_t plen = A.off[last + 1] - A.off[last];
        for (int64_t i = A.dev[last]; i + 1 < plen; i++) {
            CK_TRY(cki_poll(ctx, (double)A.count / (double)k));
            /* Only B grows inside this loop, so P stays valid. */
            const uint32_t *P = A.nodes + A.off[last];
            yen_next_gen(&y);
            for (int64_t r = 0; r < i; r++) y.blocked[P[r]] = y.gen;
            for (int64_t q = 0; q < A.count; q++) {
                const uint32_t *Q = A.nodes + A.off[q];
                const int64_t qlen = A.off[q + 1] - A.off[q];
                if (qlen > i + 1 && memcmp(Q, P, (size_t)(i + 1) * sizeof *Q) == 0) y.banned[Q[i + 1]] = y.gen;
            }
            const int64_t sl = spur_search(&y, P[i], t);
            if (sl == 0) continue;
            const int64_t cl = i + sl;
            memcpy(y.cand, P, (size_t)i * sizeof *P);
            memcpy(y.cand + i, y.walk, (size_t)sl * sizeof *y.walk);
            const double clen = path_length(g, weighted, y.cand, cl);
            bool dup = false;
            for (int64_t b = 0; b < B.count && !dup; b++)
                dup = B.alive[b] && cmp_paths(B.len[b], B.nodes + B.off[b], B.off[b + 1] - B.off[b], clen, y.cand, cl) == 0;
            if (!dup) CK_TRY(plist_add(ctx, &B, y.cand, cl, clen, i));
        }
        int64_t best = -1;
        for (int64_t b = 0; b < B.count; b++) {
            if (!B.alive[b]) continue;
            if (best < 0 || cmp_paths(B.len[b], B.nodes + B.off[b], B.off[b + 1] - B.off[b], B.len[best],
                                      B.nodes + B.off[best], B.off[best + 1] - B.off[best]) < 0)
                best = b;
        }
        if (best < 0) break;
        B.alive[best] = false;
        /* Copy out first: B's nodes stay put, A's may be reallocated. */
        CK_TRY(plist_add(ctx, &A, B.nodes + B.off[best], B.off[best + 1] - B.off[best], B.len[best], B.dev[best]));
    }
    CK_TRY(make_result(ctx, paths, &A));
cleanup:
    plist_free(ctx, &A);
    plist_free(ctx, &B);
    cki_free(ctx, y.d);
    cki_free(ctx, block);
    return status;
}

/* ---------------------------------------------------------------- JSON */

static const ck_param_t sp_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "source", .type = CK_PT_INT, .has_min = true, .min = 0,
     .doc = "source node; required unless all_pairs"},
    {.name = "target", .type = CK_PT_INT, .default_json = "null", .nullable = true, .has_min = true, .min = 0,
     .doc = "target node or null: the path to it, and the k_paths shortest paths"},
    {.name = "k_paths", .type = CK_PT_INT, .default_json = "1", .has_min = true, .min = 1, .has_max = true, .max = 100,
     .doc = "number of loopless source-target paths (Yen), in order of length, then hops, then node sequence"},
    {.name = "all_pairs", .type = CK_PT_BOOL, .default_json = "false",
     .doc = "also return the n x n distance matrix (n <= max_apsp_nodes)"},
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "weights are lengths (Dijkstra; a weight of 0 is rejected); false: hop counts (BFS)"},
    {.name = "max_apsp_nodes", .type = CK_PT_INT, .default_json = "4096", .has_min = true, .min = 0,
     .doc = "largest n accepted with all_pairs (the matrix has n^2 entries)"},
};
static const ck_param_t sp_outputs[] = {
    {.name = "distances", .type = CK_PT_REAL_ARRAY, .doc = "shortest distance from source per node; null when unreachable"},
    {.name = "hops", .type = CK_PT_INT_ARRAY, .doc = "edges on the predecessor-tree path; null when unreachable"},
    {.name = "predecessors", .type = CK_PT_INT_ARRAY,
     .doc = "smallest predecessor on a shortest path; -1 for the source and unreachable nodes"},
    {.name = "path", .type = CK_PT_OBJECT, .doc = "{nodes, length, hops} to target along the predecessors, or null"},
    {.name = "paths", .type = CK_PT_ARRAY, .doc = "[{nodes, length, hops}]: the k_paths shortest loopless paths to target"},
    {.name = "eccentricity", .type = CK_PT_REAL, .doc = "largest finite distance from source"},
    {.name = "reachable", .type = CK_PT_INT, .doc = "nodes reachable from source, the source included"},
    {.name = "matrix", .type = CK_PT_MATRIX, .doc = "all_pairs only: {n_rows, n_cols, data} row-major, null = unreachable"},
};

static json_t *path_new(const ck_idx_t *nodes, ck_idx_t count, double length)
{
    json_t *p = json_object();
    if (!p) return NULL;
    /* json_object_set_new takes its value (also NULL) whether it succeeds or not. */
    if (json_object_set_new(p, "nodes", cki_json_int64s_new(nodes, count)) ||
        json_object_set_new(p, "length", cki_json_real_new(length)) ||
        json_object_set_new(p, "hops", json_integer(count - 1))) {
        json_decref(p);
        return NULL;
    }
    return p;
}

static ck_status_t sp_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out, ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    double *dist = NULL, *matrix = NULL;
    ck_idx_t *hops = NULL, *pred = NULL, *walk = NULL;
    ck_path_list_t *list = NULL;
    json_t *arr = NULL;
    ck_status_t status;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    const ck_idx_t n = g->n;
    ck_shortest_path_options_t o;
    ck_shortest_path_options_init(&o);
    o.use_weights = json_is_true(json_object_get(in, "use_weights"));
    const bool all_pairs = json_is_true(json_object_get(in, "all_pairs"));
    const json_t *js = json_object_get(in, "source"), *jt = json_object_get(in, "target");
    const ck_idx_t kp = json_integer_value(json_object_get(in, "k_paths"));
    const ck_idx_t max_apsp = json_integer_value(json_object_get(in, "max_apsp_nodes"));
    const bool has_source = js != NULL, has_target = !json_is_null(jt);
    ck_idx_t source = has_source ? json_integer_value(js) : -1, target = -1;
    if (!has_source && !all_pairs) {
        status = cki_invalid(ctx, "source", "missing required field (optional only with all_pairs)");
        goto cleanup;
    }
    if (has_source && source >= n) {
        status = cki_invalid(ctx, "source", "node %lld is out of range 0..%lld", (long long)source, (long long)n - 1);
        goto cleanup;
    }
    if (has_target) {
        if (!json_is_integer(jt)) {
            status = cki_invalid(ctx, "target", "expected a node id (integer) or null");
            goto cleanup;
        }
        target = json_integer_value(jt);
        if (target < 0 || target >= n) {
            status = cki_invalid(ctx, "target", "node %lld is out of range 0..%lld", (long long)target, (long long)n - 1);
            goto cleanup;
        }
        if (!has_source) {
            status = cki_invalid(ctx, "target", "needs a source");
            goto cleanup;
        }
    }
    if (kp > 1 && !has_target) {
        status = cki_invalid(ctx, "k_paths", "%lld paths need a target", (long long)kp);
        goto cleanup;
    }
    if (all_pairs && n > max_apsp) {
        status = cki_invalid(ctx, "all_pairs", "n = %lld exceeds max_apsp_nodes = %lld", (long long)n, (long long)max_apsp);
        goto cleanup;
    }
    info->threads_used = 1;
    if (has_source) {
        dist = cki_mallocarray(ctx, (size_t)n, sizeof *dist);
        hops = cki_mallocarray(ctx, (size_t)n, sizeof *hops);
        pred = cki_mallocarray(ctx, (size_t)n, sizeof *pred);
        walk = cki_mallocarray(ctx, (size_t)n, sizeof *walk);
        if (!dist || !hops || !pred || !walk) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        CK_TRY(ck_sssp(ctx, dist, hops, pred, g, source, &o));
        double ecc = 0;
        ck_idx_t reach = 0;
        for (ck_idx_t v = 0; v < n; v++)
            if (isfinite(dist[v])) {
                reach++;
                if (dist[v] > ecc) ecc = dist[v];
            }
        CK_TRY(cki_json_set(ctx, out, "distances", cki_json_reals_new(dist, n)));
        arr = json_array();
        for (ck_idx_t v = 0; arr && v < n; v++)
            if (json_array_append_new(arr, hops[v] < 0 ? json_null() : json_integer(hops[v]))) {
                json_decref(arr);
                arr = NULL;
            }
        status = cki_json_set(ctx, out, "hops", arr); /* takes arr, also on failure */
        arr = NULL;
        if (status) goto cleanup;
        CK_TRY(cki_json_set(ctx, out, "predecessors", cki_json_int64s_new(pred, n)));
        if (has_target && isfinite(dist[target])) {
            /* Along the predecessors, then reversed. */
            ck_idx_t c = 0;
            for (ck_idx_t v = target; v >= 0; v = pred[v]) walk[c++] = v;
            for (ck_idx_t i = 0; i < c / 2; i++) {
                ck_idx_t tmp = walk[i];
                walk[i] = walk[c - 1 - i];
                walk[c - 1 - i] = tmp;
            }
            CK_TRY(cki_json_set(ctx, out, "path", path_new(walk, c, dist[target])));
        } else {
            CK_TRY(cki_json_set(ctx, out, "path", json_null()));
        }
        arr = json_array();
        if (!arr) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        if (has_target) {
            CK_TRY(ck_k_shortest_paths(ctx, &list, g, source, target, kp, &o));
            for (ck_idx_t i = 0; i < list->count; i++) {
                json_t *p = path_new(list->nodes + list->offsets[i], list->offsets[i + 1] - list->offsets[i],
                                     list->lengths[i]);
                if (!p || json_array_append_new(arr, p)) {
                    status = cki_nomem(ctx);
                    goto cleanup;
                }
            }
        }
        status = cki_json_set(ctx, out, "paths", arr);
        arr = NULL;
        if (status) goto cleanup;
        CK_TRY(cki_json_set(ctx, out, "eccentricity", json_real(ecc)));
        CK_TRY(cki_json_set(ctx, out, "reachable", json_integer(reach)));
    }
    if (all_pairs) {
        matrix = cki_mallocarray(ctx, (size_t)n * (size_t)n, sizeof *matrix);
        if (!matrix) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        CK_TRY(ck_apsp(ctx, matrix, g, &o));
        info->threads_used = cki_threads(ctx);
        CK_TRY(cki_json_set(ctx, out, "matrix", cki_json_matrix_new(matrix, n, n)));
    }
cleanup:
    json_decref(arr);
    ck_path_list_destroy(&list);
    cki_free(ctx, dist);
    cki_free(ctx, hops);
    cki_free(ctx, pred);
    cki_free(ctx, walk);
    cki_free(ctx, matrix);
    ck_graph_destroy(&owned);
    return status;
}

static const ck_kernel_t paths_kernels[] = {
    {
        .meta = {.id = "graph/shortest-path",
                 .modes = CK_MODE_BATCH,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Shortest paths: BFS/Dijkstra with a unique predecessor tree, k shortest loopless "
                                "paths (Yen), all-pairs distances",
                 .expected_throughput = 20000000,
                 .target_latency_us = 100.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = sp_params, .n_params = N_(sp_params),
        .outputs = sp_outputs, .n_outputs = N_(sp_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 5, \"edges\": [[0, 1], [1, 2], [0, 2], [2, 3], [3, 4], [1, 4]], "
                         "\"weights\": [1, 2, 4, 1, 3, 7]}, \"source\": 0, \"target\": 4, \"k_paths\": 3, "
                         "\"all_pairs\": true}",
        .run_json = sp_json,
    },
};

const cki_kernel_table_t cki_graph_paths_table = {paths_kernels, N_(paths_kernels)};
