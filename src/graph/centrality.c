/* graph/... kernels: centrality — degree, betweenness (Brandes), closeness/harmonic.
 *
 * Betweenness and closeness run one BFS (unit lengths) or Dijkstra (weights as lengths) per
 * source, in parallel over sources, each thread on its own preallocated workspace (no allocation
 * per source). Determinism (DESIGN.md §4):
 *   - closeness: each node's score is computed by one thread alone, so nothing is shared;
 *   - betweenness: the sources are cut into fixed chunks of BC_CHUNK consecutive sources (the cut
 *     does not depend on the thread count). A chunk's contributions are summed by one thread, in
 *     source order, into its private partial array; the partials are added to the scores in chunk
 *     order (an OpenMP `ordered` section). So score[v] = ((0 + P_0[v]) + P_1[v]) + ... for every
 *     thread count, bitwise. Only the entries a chunk touched are added (adding +0.0 to a
 *     non-negative sum changes nothing), which keeps the combine O(reached) on graphs made of many
 *     small components.
 * Brandes' dependency accumulation is done in "pull" form: walking the BFS/Dijkstra order
 * backwards, delta(w) = sigma(w) * sum over DAG successors x of (1 + delta(x)) / sigma(x), where x is
 * a successor of w when d(w) + len(w, x) == d(x) (BFS: d(x) == d(w) + 1). This reads the
 * out-neighbour list again instead of storing predecessor lists, and writes only to w. */
#include <math.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "ckernels/rng.h"
#include "graph_internal.h"

#define N_(arr) (sizeof(arr) / sizeof((arr)[0]))

enum { BC_CHUNK = 64 };                 /* sources per betweenness chunk (fixed: determinism) */
enum { CL_CHUNK = 16 };                 /* nodes per closeness work item */
#define PAR_MIN_WORK 262144.0            /* sources x (n + arcs) below which one thread is faster */
#define UNREACHED UINT32_MAX             /* BFS level of a node not reached */
#define H_UNSEEN UINT32_MAX              /* Dijkstra heap position: never queued */
#define H_SETTLED (UINT32_MAX - 1)       /* Dijkstra heap position: distance final */

static inline int thread_id(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

static ck_status_t check_graph(ck_ctx_t *ctx, const ck_graph_t *g, const void *scores)
{
    if (!g) return cki_invalid(ctx, "graph", "is NULL");
    if (g->n > 0 && !scores) return cki_invalid(ctx, "scores", "is NULL");
    return CK_OK;
}

/* Weights used as lengths must be > 0 (load rule 4). */
static ck_status_t check_lengths(ck_ctx_t *ctx, const ck_graph_t *g, const char *kernel)
{
    for (uint32_t u = 0; u < g->n; u++)
        for (int64_t e = g->out_off[u]; e < g->out_off[u + 1]; e++)
            if (!(g->out_w[e] > 0.0))
                return cki_invalid(ctx, "graph.weights",
                                   "edge (%u, %u) has weight %g: %s uses weights as lengths, which must be > 0 "
                                   "(or set use_weights to false)",
                                   u, g->out_adj[e], g->out_w[e], kernel);
    return CK_OK;
}

/* ---------------------------------------------------------------- indexed binary min-heap */

/* heap[0..size) holds node ids ordered by key[]; pos[v] is v's index in heap. */
static inline void heap_up(uint32_t *heap, uint32_t *pos, const double *key, uint32_t i)
{
    uint32_t v = heap[i];
    double kv = key[v];
    while (i > 0) {
        uint32_t p = (i - 1) / 2, pv = heap[p];
        if (key[pv] <= kv) break;
        heap[i] = pv;
        pos[pv] = i;
        i = p;
    }
    heap[i] = v;
    pos[v] = i;
}

static inline uint32_t heap_pop(uint32_t *heap, uint32_t *pos, const double *key, uint32_t *size)
{
    uint32_t top = heap[0], n = --*size;
    if (n > 0) {
        uint32_t v = heap[n], i = 0;
        double kv = key[v];
        for (;;) {
            uint32_t c = 2 * i + 1;
            if (c >= n) break;
            if (c + 1 < n && key[heap[c + 1]] < key[heap[c]]) c++;
            if (key[heap[c]] >= kv) break;
            heap[i] = heap[c];
            pos[heap[i]] = i;
            i = c;
        }
        heap[i] = v;
        pos[v] = i;
    }
    return top;
}

/* ---------------------------------------------------------------- graph/degree-centrality */

void ck_degree_centrality_options_init(ck_degree_centrality_options_t *o)
{
    if (!o) return;
    o->direction = CK_DEGREE_TOTAL;
    o->normalized = true;
    o->weighted = false;
}

static double row_sum(const int64_t *off, const double *w, uint32_t u)
{
    double s = 0.0;
    for (int64_t e = off[u]; e < off[u + 1]; e++) s += w[e];
    return s;
}

ck_status_t ck_degree_centrality(ck_ctx_t *ctx, double *scores, double *in_degree, double *out_degree,
                                 const ck_graph_t *g, const ck_degree_centrality_options_t *opts)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ctx->last_backend = CK_BACKEND_CPU;
    ck_status_t status = check_graph(ctx, g, scores);
    if (status) return status;
    ck_degree_centrality_options_t o;
    ck_degree_centrality_options_init(&o);
    if (opts) o = *opts;
    if (o.direction != CK_DEGREE_TOTAL && o.direction != CK_DEGREE_IN && o.direction != CK_DEGREE_OUT)
        return cki_invalid(ctx, "direction", "unknown direction %d", (int)o.direction);
    if (o.direction != CK_DEGREE_TOTAL && !g->directed)
        return cki_invalid(ctx, "direction", "'%s' needs a directed graph; use 'total' on an undirected graph",
                           o.direction == CK_DEGREE_IN ? "in" : "out");
    if ((status = cki_poll(ctx, 0.0))) return status;
    const int64_t n = g->n;
    const bool weighted = o.weighted && g->weighted;
    /* networkx multiplies by s = 1/(n-1) (not a division): the same rounding, so counts are exact. */
    const double s = n > 1 ? 1.0 / (double)(n - 1) : 1.0;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(cki_threads(ctx)) if (n > 65536)
#endif
    for (int64_t i = 0; i < n; i++) {
        uint32_t u = (uint32_t)i;
        double din, dout;
        if (weighted) {
            dout = row_sum(g->out_off, g->out_w, u);
            din = g->directed ? row_sum(g->in_off, g->in_w, u) : dout;
        } else {
            dout = (double)cki_graph_out_degree(g, u);
            din = (double)cki_graph_in_degree(g, u);
        }
        double d = o.direction == CK_DEGREE_IN ? din : o.direction == CK_DEGREE_OUT ? dout : g->directed ? din + dout : dout;
        if (o.normalized) d = n == 1 ? 1.0 : d * s;
        scores[i] = d;
        if (in_degree) in_degree[i] = din;
        if (out_degree) out_degree[i] = dout;
    }
    return cki_poll(ctx, 1.0);
}

/* ---------------------------------------------------------------- graph/betweenness-centrality */

void ck_betweenness_options_init(ck_betweenness_options_t *o)
{
    if (!o) return;
    o->normalized = true;
    o->endpoints = false;
    o->use_weights = true;
    o->k = 0;
    o->seed = 42;
}

/* Uniform integer in [0, r), r >= 1, without bias: draw 64-bit words until one is >= 2^64 mod r,
 * then take it mod r (one word almost always). */
static uint64_t rng_below(ck_rng_t *rng, uint64_t r)
{
    uint64_t threshold = (0 - r) % r;
    for (;;) {
        uint64_t x = ck_rng_next_u64(rng);
        if (x >= threshold) return x % r;
    }
}

/* perm: scratch of n entries; mark: scratch of n bytes. */
static void sample_sources(uint32_t *sources, uint32_t *perm, uint8_t *mark, uint32_t n, uint32_t k, uint64_t seed)
{
    if (k == n) {
        for (uint32_t i = 0; i < n; i++) sources[i] = i;
        return;
    }
    ck_rng_t rng;
    (void)ck_rng_init(&rng, seed, 0);
    for (uint32_t i = 0; i < n; i++) perm[i] = i;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t j = i + (uint32_t)rng_below(&rng, (uint64_t)(n - i));
        uint32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    memset(mark, 0, n);
    for (uint32_t i = 0; i < k; i++) mark[perm[i]] = 1;
    uint32_t c = 0;
    for (uint32_t v = 0; v < n; v++)
        if (mark[v]) sources[c++] = v;
}

ck_status_t ck_betweenness_sample_sources(ck_ctx_t *ctx, uint32_t *sources, ck_idx_t n, ck_idx_t k, uint64_t seed)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (n < 0 || n > CK_GRAPH_MAX_NODES)
        return cki_invalid(ctx, "n", "is %lld, must be in 0..%lld", (long long)n, (long long)CK_GRAPH_MAX_NODES);
    if (k < 0 || k > n) return cki_invalid(ctx, "k", "is %lld, must be in 0..n = %lld", (long long)k, (long long)n);
    if (k == 0) return CK_OK;
    if (!sources) return cki_invalid(ctx, "sources", "is NULL");
    uint32_t *perm = cki_mallocarray(ctx, (size_t)n, sizeof *perm);
    uint8_t *mark = cki_malloc(ctx, (size_t)n);
    ck_status_t status = CK_OK;
    if (!perm || !mark) status = cki_nomem(ctx);
    else sample_sources(sources, perm, mark, (uint32_t)n, (uint32_t)k, seed);
    cki_free(ctx, perm);
    cki_free(ctx, mark);
    return status;
}

/* One thread's workspace. Between sources: node[].level = UNREACHED, dist[] = +inf, hpos[] = H_UNSEEN
 * everywhere; part[] holds the current chunk's sums (touched[0..ntouched) lists its non-zeros). */
typedef struct bc_node {
    uint32_t level;    /* BFS level, UNREACHED */
    double val;        /* sigma, then (1 + delta)/sigma */
} bc_node_t;

typedef struct bc_ws {
    uint32_t *queue;   /* BFS queue / Dijkstra settle order */
    bc_node_t *node;   /* BFS */
    double *sigma, *coef;
    double *dist;      /* Dijkstra */
    uint32_t *rank, *heap, *hpos;
    double *part;
    uint32_t *touched;
    uint32_t ntouched;
} bc_ws_t;

static void bc_ws_free(ck_ctx_t *ctx, bc_ws_t *w)
{
    cki_free(ctx, w->queue);
    cki_free(ctx, w->node);
    cki_free(ctx, w->sigma);
    cki_free(ctx, w->coef);
    cki_free(ctx, w->dist);
    cki_free(ctx, w->rank);
    cki_free(ctx, w->heap);
    cki_free(ctx, w->hpos);
    cki_free(ctx, w->part);
    cki_free(ctx, w->touched);
}

static ck_status_t bc_ws_alloc(ck_ctx_t *ctx, bc_ws_t *w, uint32_t n, bool weighted, bool partial)
{
    size_t nn = n;
    w->queue = cki_mallocarray(ctx, nn, sizeof *w->queue);
    if (!w->queue) return cki_nomem(ctx);
    if (weighted) {
        w->sigma = cki_mallocarray(ctx, nn, sizeof *w->sigma);
        w->coef = cki_mallocarray(ctx, nn, sizeof *w->coef);
        if (!w->sigma || !w->coef) return cki_nomem(ctx);
        w->dist = cki_mallocarray(ctx, nn, sizeof *w->dist);
        w->rank = cki_mallocarray(ctx, nn, sizeof *w->rank);
        w->heap = cki_mallocarray(ctx, nn, sizeof *w->heap);
        w->hpos = cki_mallocarray(ctx, nn, sizeof *w->hpos);
        if (!w->dist || !w->rank || !w->heap || !w->hpos) return cki_nomem(ctx);
        for (size_t i = 0; i < nn; i++) {
            w->dist[i] = INFINITY;
            w->hpos[i] = H_UNSEEN;
        }
    } else {
        w->node = cki_mallocarray(ctx, nn, sizeof *w->node);
        if (!w->node) return cki_nomem(ctx);
        for (size_t i = 0; i < nn; i++) w->node[i] = (bc_node_t){UNREACHED, 0.0};
    }
    if (partial) {
        w->part = cki_calloc(ctx, nn, sizeof *w->part);
        w->touched = cki_mallocarray(ctx, nn, sizeof *w->touched);
        if (!w->part || !w->touched) return cki_nomem(ctx);
    }
    return CK_OK;
}

static inline void bc_add(bc_ws_t *w, uint32_t v, double x)
{
    if (x != 0.0) {
        if (w->part[v] == 0.0) w->touched[w->ntouched++] = v; /* sums of x > 0 never return to 0 */
        w->part[v] += x;
    }
}

/* Brandes from s, unit lengths. One 16-byte record per node holds its BFS level and sigma, which
 * the backward pass overwrites with coef = (1 + delta)/sigma once the node is done (its sigma is
 * not needed after that): the inner loops touch one cache line per neighbour. */
static void bc_source_bfs(const ck_graph_t *g, bc_ws_t *w, uint32_t s, bool endpoints)
{
    const int64_t *off = g->out_off;
    const uint32_t *adj = g->out_adj;
    uint32_t *q = w->queue;
    bc_node_t *nd = w->node;
    nd[s].level = 0;
    nd[s].val = 1.0;
    q[0] = s;
    uint32_t head = 0, tail = 1;
    while (head < tail) {
        uint32_t v = q[head++], next = nd[v].level + 1;
        double sv = nd[v].val;
        for (int64_t e = off[v], end = off[v + 1]; e < end; e++) {
            uint32_t x = adj[e], lx = nd[x].level;
            if (lx == UNREACHED) {
                nd[x].level = next;
                nd[x].val = sv;
                q[tail++] = x;
            } else if (lx == next) {
                nd[x].val += sv;
            }
        }
    }
    for (uint32_t i = tail; i-- > 1;) {
        uint32_t v = q[i], next = nd[v].level + 1;
        double acc = 0.0;
        for (int64_t e = off[v], end = off[v + 1]; e < end; e++) {
            uint32_t x = adj[e];
            if (nd[x].level == next) acc += nd[x].val;
        }
        double sigma = nd[v].val, delta = sigma * acc;
        nd[v].val = (1.0 + delta) / sigma;
        bc_add(w, v, endpoints ? delta + 1.0 : delta);
    }
    if (endpoints) bc_add(w, s, (double)(tail - 1));
    for (uint32_t i = 0; i < tail; i++) nd[q[i]].level = UNREACHED;
}

/* Brandes from s, weights as lengths (Dijkstra). Paths tie only when their lengths are bitwise
 * equal; sigma(x) sums sigma(v) over the v settled before x with d(v) + len(v,x) == d(x). */
static void bc_source_dijkstra(const ck_graph_t *g, bc_ws_t *w, uint32_t s, bool endpoints)
{
    const int64_t *off = g->out_off;
    const uint32_t *adj = g->out_adj;
    const double *len = g->out_w;
    uint32_t *order = w->queue, *rank = w->rank, *heap = w->heap, *hpos = w->hpos;
    double *sigma = w->sigma, *coef = w->coef, *dist = w->dist;
    uint32_t size = 0, cnt = 0;
    dist[s] = 0.0;
    sigma[s] = 1.0;
    heap[size++] = s;
    hpos[s] = 0;
    while (size > 0) {
        uint32_t v = heap_pop(heap, hpos, dist, &size);
        hpos[v] = H_SETTLED;
        rank[v] = cnt;
        order[cnt++] = v;
        double dv = dist[v], sv = sigma[v];
        for (int64_t e = off[v], end = off[v + 1]; e < end; e++) {
            uint32_t x = adj[e], hx = hpos[x];
            if (hx == H_SETTLED) continue;
            double nd = dv + len[e];
            if (hx == H_UNSEEN) {
                dist[x] = nd;
                sigma[x] = sv;
                heap[size] = x;
                heap_up(heap, hpos, dist, size++);
            } else if (nd < dist[x]) {
                dist[x] = nd;
                sigma[x] = sv;
                heap_up(heap, hpos, dist, hx);
            } else if (nd == dist[x]) {
                sigma[x] += sv;
            }
        }
    }
    for (uint32_t i = cnt; i-- > 1;) {
        uint32_t v = order[i], rv = rank[v];
        double dv = dist[v], acc = 0.0;
        for (int64_t e = off[v], end = off[v + 1]; e < end; e++) {
            uint32_t x = adj[e];
            if (dv + len[e] == dist[x] && rank[x] > rv) acc += coef[x];
        }
        double delta = sigma[v] * acc;
        coef[v] = (1.0 + delta) / sigma[v];
        bc_add(w, v, endpoints ? delta + 1.0 : delta);
    }
    if (endpoints) bc_add(w, s, (double)(cnt - 1));
    for (uint32_t i = 0; i < cnt; i++) {
        dist[order[i]] = INFINITY;
        hpos[order[i]] = H_UNSEEN;
    }
}

ck_status_t ck_betweenness_centrality(ck_ctx_t *ctx, double *scores, const ck_graph_t *g,
                                      const ck_betweenness_options_t *opts)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ctx->last_backend = CK_BACKEND_CPU;
    ck_status_t status = check_graph(ctx, g, scores);
    if (status) return status;
    ck_betweenness_options_t o;
    ck_betweenness_options_init(&o);
    if (opts) o = *opts;
    const uint32_t n = g->n;
    if (o.k < 0 || o.k > (ck_idx_t)n)
        return cki_invalid(ctx, "k", "is %lld, must be in 0..n = %u (0 = every node is a source)", (long long)o.k, n);
    const bool weighted = o.use_weights && g->weighted;
    if (weighted && (status = check_lengths(ctx, g, "betweenness-centrality"))) return status;
    if ((status = cki_poll(ctx, 0.0))) return status;
    if (n == 0) return CK_OK;
    memset(scores, 0, (size_t)n * sizeof *scores);

    const bool sampled = o.k > 0 && o.k < (ck_idx_t)n;
    const uint32_t nsrc = sampled ? (uint32_t)o.k : n;
    const int64_t nchunks = ((int64_t)nsrc + BC_CHUNK - 1) / BC_CHUNK;
    int threads = cki_threads(ctx);
    if (threads > nchunks) threads = (int)nchunks;
    if ((double)nsrc * ((double)n + (double)g->out_off[n]) < PAR_MIN_WORK) threads = 1;
    if (threads < 1) threads = 1;

    /* All allocation here, on the calling thread. */
    uint32_t *sources = NULL;
    bc_ws_t *ws = cki_calloc(ctx, (size_t)threads, sizeof *ws);
    if (!ws) return cki_nomem(ctx);
    if (sampled) {
        sources = cki_mallocarray(ctx, nsrc, sizeof *sources);
        if (!sources) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        CK_TRY(ck_betweenness_sample_sources(ctx, sources, n, o.k, o.seed));
    }
    for (int t = 0; t < threads; t++) CK_TRY(bc_ws_alloc(ctx, &ws[t], n, weighted, true));

    int64_t done = 0; /* sources finished (progress only) */
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
    {
        const int tid = thread_id();
        bc_ws_t *w = &ws[tid];
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1) ordered
#endif
        for (int64_t c = 0; c < nchunks; c++) {
            const uint32_t lo = (uint32_t)(c * BC_CHUNK);
            const uint32_t hi = (uint32_t)(lo + BC_CHUNK < nsrc ? lo + BC_CHUNK : nsrc);
            for (uint32_t i = lo; i < hi; i++) {
                if (ck_ctx_cancelled(ctx)) break;
                uint32_t s = sampled ? sources[i] : i;
                if (weighted) bc_source_dijkstra(g, w, s, o.endpoints);
                else bc_source_bfs(g, w, s, o.endpoints);
                int64_t d;
#ifdef _OPENMP
#pragma omp atomic capture
#endif
                d = ++done;
                /* Only thread 0 (the calling thread) touches ctx's progress state. */
                if (tid == 0) (void)cki_poll(ctx, (double)d / (double)nsrc);
            }
#ifdef _OPENMP
#pragma omp ordered
#endif
            {
                for (uint32_t j = 0; j < w->ntouched; j++) {
                    uint32_t v = w->touched[j];
                    scores[v] += w->part[v];
                    w->part[v] = 0.0;
                }
                w->ntouched = 0;
            }
        }
    }
    CK_TRY(cki_poll(ctx, 1.0));

    /* networkx's _rescale; sampled runs first scale the raw sum by n/k (Brandes-Pich). */
    const double N = o.endpoints ? (double)n : (double)n - 1.0;
    if (N >= 2.0) {
        double scale;
        if (o.normalized) scale = 1.0 / (N * (N - 1.0));
        else scale = N / (N * (g->directed ? 1.0 : 2.0));
        if (sampled) scale *= (double)n / (double)nsrc;
        if (scale != 1.0)
            for (uint32_t v = 0; v < n; v++) scores[v] *= scale;
    }

cleanup:
    for (int t = 0; t < threads; t++) bc_ws_free(ctx, &ws[t]);
    cki_free(ctx, ws);
    cki_free(ctx, sources);
    return status;
}

/* ---------------------------------------------------------------- graph/closeness-centrality */

void ck_closeness_options_init(ck_closeness_options_t *o)
{
    if (!o) return;
    o->variant = CK_CLOSENESS_CLASSIC;
    o->wf_improved = true;
    o->normalized = false;
    o->direction = CK_CLOSENESS_IN;
    o->use_weights = true;
}

/* Closeness workspace: the BFS uses a visit stamp (u + 1) instead of resetting. */
typedef struct cl_ws {
    uint32_t *queue, *stamp;
    double *dist;
    uint32_t *heap, *hpos;
} cl_ws_t;

static void cl_ws_free(ck_ctx_t *ctx, cl_ws_t *w)
{
    cki_free(ctx, w->queue);
    cki_free(ctx, w->stamp);
    cki_free(ctx, w->dist);
    cki_free(ctx, w->heap);
    cki_free(ctx, w->hpos);
}

static ck_status_t cl_ws_alloc(ck_ctx_t *ctx, cl_ws_t *w, uint32_t n, bool weighted)
{
    size_t nn = n;
    w->queue = cki_mallocarray(ctx, nn, sizeof *w->queue);
    if (!w->queue) return cki_nomem(ctx);
    if (weighted) {
        w->dist = cki_mallocarray(ctx, nn, sizeof *w->dist);
        w->heap = cki_mallocarray(ctx, nn, sizeof *w->heap);
        w->hpos = cki_mallocarray(ctx, nn, sizeof *w->hpos);
        if (!w->dist || !w->heap || !w->hpos) return cki_nomem(ctx);
        for (size_t i = 0; i < nn; i++) {
            w->dist[i] = INFINITY;
            w->hpos[i] = H_UNSEEN;
        }
    } else {
        w->stamp = cki_calloc(ctx, nn, sizeof *w->stamp);
        if (!w->stamp) return cki_nomem(ctx);
    }
    return CK_OK;
}

typedef struct cl_sums {
    uint32_t reached;  /* r - 1: nodes other than u at finite distance */
    double total;      /* sum of the distances */
    double harmonic;   /* sum of 1/distance */
} cl_sums_t;

static cl_sums_t cl_bfs(const int64_t *off, const uint32_t *adj, cl_ws_t *w, uint32_t u)
{
    uint32_t *q = w->queue, *stamp = w->stamp, mark = u + 1;
    uint64_t total = 0;
    double harmonic = 0.0;
    stamp[u] = mark;
    q[0] = u;
    uint32_t head = 0, tail = 1;
    for (uint64_t d = 1; head < tail; d++) {
        uint32_t level_end = tail;
        for (; head < level_end; head++) {
            uint32_t v = q[head];
            for (int64_t e = off[v], end = off[v + 1]; e < end; e++) {
                uint32_t x = adj[e];
                if (stamp[x] != mark) {
                    stamp[x] = mark;
                    q[tail++] = x;
                }
            }
        }
        uint32_t cnt = tail - level_end;
        total += d * cnt;
        harmonic += (double)cnt / (double)d;
    }
    return (cl_sums_t){tail - 1, (double)total, harmonic};
}

static cl_sums_t cl_dijkstra(const int64_t *off, const uint32_t *adj, const double *len, cl_ws_t *w, uint32_t u)
{
    uint32_t *order = w->queue, *heap = w->heap, *hpos = w->hpos;
    double *dist = w->dist, total = 0.0, harmonic = 0.0;
    uint32_t size = 0, cnt = 0;
    dist[u] = 0.0;
    heap[size++] = u;
    hpos[u] = 0;
    while (size > 0) {
        uint32_t v = heap_pop(heap, hpos, dist, &size);
        hpos[v] = H_SETTLED;
        order[cnt++] = v;
        double dv = dist[v];
        if (v != u) {
            total += dv;
            harmonic += 1.0 / dv;
        }
        for (int64_t e = off[v], end = off[v + 1]; e < end; e++) {
            uint32_t x = adj[e], hx = hpos[x];
            if (hx == H_SETTLED) continue;
            double nd = dv + len[e];
            if (hx == H_UNSEEN) {
                dist[x] = nd;
                heap[size] = x;
                heap_up(heap, hpos, dist, size++);
            } else if (nd < dist[x]) {
                dist[x] = nd;
                heap_up(heap, hpos, dist, hx);
            }
        }
    }
    for (uint32_t i = 0; i < cnt; i++) {
        dist[order[i]] = INFINITY;
        hpos[order[i]] = H_UNSEEN;
    }
    return (cl_sums_t){cnt - 1, total, harmonic};
}

ck_status_t ck_closeness_centrality(ck_ctx_t *ctx, double *scores, const ck_graph_t *g,
                                    const ck_closeness_options_t *opts)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ctx->last_backend = CK_BACKEND_CPU;
    ck_status_t status = check_graph(ctx, g, scores);
    if (status) return status;
    ck_closeness_options_t o;
    ck_closeness_options_init(&o);
    if (opts) o = *opts;
    if (o.variant != CK_CLOSENESS_CLASSIC && o.variant != CK_CLOSENESS_HARMONIC)
        return cki_invalid(ctx, "variant", "unknown variant %d", (int)o.variant);
    if (o.direction != CK_CLOSENESS_IN && o.direction != CK_CLOSENESS_OUT)
        return cki_invalid(ctx, "direction", "unknown direction %d", (int)o.direction);
    const bool weighted = o.use_weights && g->weighted;
    if (weighted && (status = check_lengths(ctx, g, "closeness-centrality"))) return status;
    if ((status = cki_poll(ctx, 0.0))) return status;
    const uint32_t n = g->n;
    if (n == 0) return CK_OK;

    /* Distances to u ("in") walk the in-edges from u; "out" walks the out-edges. */
    const bool in = o.direction == CK_CLOSENESS_IN;
    const int64_t *off = in ? g->in_off : g->out_off;
    const uint32_t *adj = in ? g->in_adj : g->out_adj;
    const double *len = in ? g->in_w : g->out_w;
    int threads = cki_threads(ctx);
    const int64_t max_threads = ((int64_t)n + CL_CHUNK - 1) / CL_CHUNK; /* tiny graphs: no idle threads */
    if (threads > max_threads) threads = (int)max_threads;
    if ((double)n * ((double)n + (double)off[n]) < PAR_MIN_WORK) threads = 1;
    if (threads < 1) threads = 1;
    cl_ws_t *ws = cki_calloc(ctx, (size_t)threads, sizeof *ws);
    if (!ws) return cki_nomem(ctx);
    for (int t = 0; t < threads; t++) CK_TRY(cl_ws_alloc(ctx, &ws[t], n, weighted));

    const double nm1 = (double)n - 1.0;
    int64_t done = 0;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
    {
        const int tid = thread_id();
        cl_ws_t *w = &ws[tid];
#ifdef _OPENMP
#pragma omp for schedule(dynamic, CL_CHUNK)
#endif
        for (int64_t i = 0; i < (int64_t)n; i++) {
            if (ck_ctx_cancelled(ctx)) continue;
            uint32_t u = (uint32_t)i;
            cl_sums_t r = weighted ? cl_dijkstra(off, adj, len, w, u) : cl_bfs(off, adj, w, u);
            double c = 0.0;
            if (o.variant == CK_CLOSENESS_HARMONIC) {
                c = r.harmonic;
                if (o.normalized && n > 1) c /= nm1;
            } else if (r.total > 0.0 && n > 1) {
                /* networkx: (r-1)/sum, then times (r-1)/(n-1) */
                c = ((double)r.reached) / r.total;
                if (o.wf_improved) c *= (double)r.reached / nm1;
            }
            scores[i] = c;
            int64_t d;
#ifdef _OPENMP
#pragma omp atomic capture
#endif
            d = ++done;
            if (tid == 0) (void)cki_poll(ctx, (double)d / (double)n);
        }
    }
    status = cki_poll(ctx, 1.0);

cleanup:
    for (int t = 0; t < threads; t++) cl_ws_free(ctx, &ws[t]);
    cki_free(ctx, ws);
    return status;
}

/* ---------------------------------------------------------------- JSON binders */

/* Per-node values as JSON integers (exact counts) or reals. */
static json_t *counts_new(const double *x, ck_idx_t n, bool real)
{
    if (real) return cki_json_reals_new(x, n);
    json_t *arr = json_array();
    for (ck_idx_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_integer((json_int_t)x[i]))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

static bool jbool(const json_t *in, const char *key) { return json_is_true(json_object_get(in, key)); }
static const char *jstr(const json_t *in, const char *key) { return json_string_value(json_object_get(in, key)); }

static ck_status_t degree_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                               ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    double *scores = NULL, *din = NULL, *dout = NULL;
    ck_status_t status;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    ck_degree_centrality_options_t o;
    ck_degree_centrality_options_init(&o);
    const char *dir = jstr(in, "direction");
    o.direction = strcmp(dir, "in") == 0 ? CK_DEGREE_IN : strcmp(dir, "out") == 0 ? CK_DEGREE_OUT : CK_DEGREE_TOTAL;
    o.normalized = jbool(in, "normalized");
    o.weighted = jbool(in, "weighted");
    size_t n = g->n ? g->n : 1;
    scores = cki_mallocarray(ctx, n, sizeof *scores);
    din = cki_mallocarray(ctx, n, sizeof *din);
    dout = cki_mallocarray(ctx, n, sizeof *dout);
    if (!scores || !din || !dout) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(ck_degree_centrality(ctx, scores, din, dout, g, &o));
    bool real = o.weighted && g->weighted;
    CK_TRY(cki_json_set(ctx, out, "scores", cki_json_reals_new(scores, g->n)));
    CK_TRY(cki_json_set(ctx, out, "in_degree", counts_new(din, g->n, real)));
    CK_TRY(cki_json_set(ctx, out, "out_degree", counts_new(dout, g->n, real)));
cleanup:
    cki_free(ctx, scores);
    cki_free(ctx, din);
    cki_free(ctx, dout);
    ck_graph_destroy(&owned);
    return status;
}

static ck_status_t betweenness_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                                    ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    double *scores = NULL;
    ck_status_t status;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    ck_betweenness_options_t o;
    ck_betweenness_options_init(&o);
    o.normalized = jbool(in, "normalized");
    o.endpoints = jbool(in, "endpoints");
    o.use_weights = jbool(in, "use_weights");
    o.k = (ck_idx_t)json_integer_value(json_object_get(in, "k"));
    o.seed = (uint64_t)json_integer_value(json_object_get(in, "seed"));
    scores = cki_mallocarray(ctx, g->n ? g->n : 1, sizeof *scores);
    if (!scores) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(ck_betweenness_centrality(ctx, scores, g, &o));
    CK_TRY(cki_json_set(ctx, out, "scores", cki_json_reals_new(scores, g->n)));
cleanup:
    cki_free(ctx, scores);
    ck_graph_destroy(&owned);
    return status;
}

static ck_status_t closeness_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                                  ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g;
    ck_graph_t *owned = NULL;
    double *scores = NULL;
    ck_status_t status;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    ck_closeness_options_t o;
    ck_closeness_options_init(&o);
    o.variant = strcmp(jstr(in, "variant"), "harmonic") == 0 ? CK_CLOSENESS_HARMONIC : CK_CLOSENESS_CLASSIC;
    o.direction = strcmp(jstr(in, "direction"), "out") == 0 ? CK_CLOSENESS_OUT : CK_CLOSENESS_IN;
    o.wf_improved = jbool(in, "wf_improved");
    o.normalized = jbool(in, "normalized");
    o.use_weights = jbool(in, "use_weights");
    scores = cki_mallocarray(ctx, g->n ? g->n : 1, sizeof *scores);
    if (!scores) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(ck_closeness_centrality(ctx, scores, g, &o));
    CK_TRY(cki_json_set(ctx, out, "scores", cki_json_reals_new(scores, g->n)));
cleanup:
    cki_free(ctx, scores);
    ck_graph_destroy(&owned);
    return status;
}

/* ---------------------------------------------------------------- table */

static const ck_param_t degree_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "direction", .type = CK_PT_ENUM, .default_json = "\"total\"", .choices = "total|in|out",
     .doc = "total: undirected degree, or in + out when directed; in/out: directed graphs only"},
    {.name = "normalized", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "divide by n-1 (n = 1: the single node scores 1.0)"},
    {.name = "weighted", .type = CK_PT_BOOL, .default_json = "false",
     .doc = "sum edge weights (strength) instead of counting edges"},
};
static const ck_param_t degree_outputs[] = {
    {.name = "scores", .type = CK_PT_REAL_ARRAY, .doc = "[n] degree (or strength) for the direction, normalized as asked"},
    {.name = "in_degree", .type = CK_PT_ARRAY, .doc = "[n] in-degree (integers), or in-strength (reals) when weighted; the degree when undirected"},
    {.name = "out_degree", .type = CK_PT_ARRAY, .doc = "[n] out-degree (integers), or out-strength (reals) when weighted; the degree when undirected"},
};

static const ck_param_t betweenness_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "normalized", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "divide by the ordered pairs: (n-1)(n-2), or n(n-1) with endpoints (networkx)"},
    {.name = "endpoints", .type = CK_PT_BOOL, .default_json = "false", .doc = "count the endpoints of each path"},
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "weights are lengths (Dijkstra; a weight of 0 is rejected); false: hop counts (BFS)"},
    {.name = "k", .type = CK_PT_INT, .default_json = "0", .has_min = true, .min = 0,
     .doc = "0 or n: exact; 0 < k < n: k sources sampled with seed, raw sum scaled by n/k"},
    {.name = "seed", .type = CK_PT_UINT64, .default_json = "42", .doc = "seed of the source sample (Philox4x64-10)"},
};
static const ck_param_t betweenness_outputs[] = {
    {.name = "scores", .type = CK_PT_REAL_ARRAY, .doc = "[n] betweenness centrality"},
};

static const ck_param_t closeness_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "variant", .type = CK_PT_ENUM, .default_json = "\"classic\"", .choices = "classic|harmonic",
     .doc = "classic: (r-1)/sum d; harmonic: sum 1/d"},
    {.name = "wf_improved", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "classic: multiply by (r-1)/(n-1) (Wasserman-Faust)"},
    {.name = "normalized", .type = CK_PT_BOOL, .default_json = "false", .doc = "harmonic: divide by n-1"},
    {.name = "direction", .type = CK_PT_ENUM, .default_json = "\"in\"", .choices = "in|out",
     .doc = "in: distances to u (networkx); out: distances from u"},
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "weights are lengths (Dijkstra; a weight of 0 is rejected); false: hop counts (BFS)"},
};
static const ck_param_t closeness_outputs[] = {
    {.name = "scores", .type = CK_PT_REAL_ARRAY, .doc = "[n] closeness (or harmonic) centrality"},
};

static const ck_kernel_t centrality_kernels[] = {
    {
        .meta = {.id = "graph/degree-centrality",
                 .modes = CK_MODE_BATCH | CK_MODE_RING,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Degree centrality: total, in or out degree (or strength), normalized by n-1",
                 .expected_throughput = 500000000,
                 .target_latency_us = 10.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = degree_params, .n_params = N_(degree_params),
        .outputs = degree_outputs, .n_outputs = N_(degree_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 0], [2, 3]], "
                         "\"directed\": true}, \"direction\": \"in\"}",
        .run_json = degree_json,
    },
    {
        .meta = {.id = "graph/betweenness-centrality",
                 .modes = CK_MODE_BATCH,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Betweenness centrality (Brandes; BFS or Dijkstra; optional source sampling)",
                 .expected_throughput = 200000000,
                 .target_latency_us = 1000.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = betweenness_params, .n_params = N_(betweenness_params),
        .outputs = betweenness_outputs, .n_outputs = N_(betweenness_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 5, \"edges\": [[0, 1], [1, 2], [2, 3], [1, 4]], "
                         "\"weights\": [1.0, 2.0, 1.0, 0.5]}}",
        .run_json = betweenness_json,
    },
    {
        .meta = {.id = "graph/closeness-centrality",
                 .modes = CK_MODE_BATCH,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Closeness (Wasserman-Faust) or harmonic centrality, incoming or outgoing distances",
                 .expected_throughput = 300000000,
                 .target_latency_us = 1000.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = closeness_params, .n_params = N_(closeness_params),
        .outputs = closeness_outputs, .n_outputs = N_(closeness_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 5, \"edges\": [[0, 1], [0, 2], [0, 3], [0, 4]]}}",
        .run_json = closeness_json,
    },
};

const cki_kernel_table_t cki_graph_centrality_table = {centrality_kernels, N_(centrality_kernels)};
