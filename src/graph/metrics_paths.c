/* graph/average-path-length core: all-sources (or sampled-sources) shortest-path statistics.
 *
 * Unweighted: multi-source BFS, 64 sources per sweep (one bit per source in a uint64 lane word;
 * Then, Kaufmann, Chirigati et al., "The More the Merrier: Efficient Multi-Source Graph Traversal",
 * VLDB 2014), with sparse frontiers so that deep graphs cost no more than 64 single BFS runs.
 * Weighted: Dijkstra with an indexed binary heap, one source at a time.
 *
 * Parallel over units (a 64-source batch, or one Dijkstra source); every unit writes its own
 * statistics slot and the slots are summed afterwards in unit order, so the result is bitwise
 * the same for every thread count. Real sums (lengths, 1/d) are compensated (Neumaier); hop
 * counts are exact integers. */
#include <math.h>
#include <string.h>

#include "ckernels/rng.h"
#include "metrics_internal.h"

/* Neumaier's compensated sum: s + c carries the running total. */
static inline void nsum(double *s, double *c, double x)
{
    double t = *s + x;
    if (fabs(*s) >= fabs(x)) *c += (*s - t) + x;
    else *c += (x - t) + *s;
    *s = t;
}

typedef struct unit_stats {
    uint64_t sum_hops;  /* unweighted: sum of d over the unit's reachable pairs (exact) */
    double sum_len;     /* weighted: the same in lengths */
    double inv;         /* sum of 1/d */
    uint64_t reach;     /* reachable pairs s != t */
    double max_d;
} unit_stats_t;

/* ---------------------------------------------------------------- unweighted: MS-BFS */

typedef struct bfs_ws {
    uint64_t *seen, *visit, *next;
    uint32_t *front, *nfront, *touched;
} bfs_ws_t;

static void msbfs_batch(const ck_graph_t *g, const uint32_t *src, int nsrc, const bfs_ws_t *w, unit_stats_t *st)
{
    uint64_t *restrict seen = w->seen, *restrict visit = w->visit, *restrict next = w->next;
    uint32_t *front = w->front, *nfront = w->nfront, *restrict touched = w->touched;
    const int64_t *off = g->out_off;
    const uint32_t *adj = g->out_adj;
    size_t nf = 0, nt = 0;
    for (int i = 0; i < nsrc; i++) {
        uint32_t s = src[i];
        seen[s] = visit[s] = (uint64_t)1 << i;
        front[nf++] = s;
        touched[nt++] = s;
    }
    uint64_t sum = 0, reach = 0, level = 0, max_d = 0;
    double inv = 0;
    while (nf) {
        level++;
        size_t nn = 0;
        for (size_t i = 0; i < nf; i++) {
            uint32_t v = front[i];
            uint64_t bits = visit[v];
            visit[v] = 0;
            for (int64_t e = off[v]; e < off[v + 1]; e++) {
                uint32_t u = adj[e];
                uint64_t nb = bits & ~seen[u];
                if (nb) {
                    if (!next[u]) nfront[nn++] = u;
                    next[u] |= nb;
                }
            }
        }
        uint64_t cnt = 0;
        for (size_t i = 0; i < nn; i++) {
            uint32_t u = nfront[i];
            uint64_t nb = next[u];
            next[u] = 0;
            if (!seen[u]) touched[nt++] = u;
            seen[u] |= nb;
            visit[u] = nb;
            cnt += (uint64_t)__builtin_popcountll(nb);
        }
        if (cnt) {
            sum += cnt * level;
            reach += cnt;
            inv += (double)cnt / (double)level;
            max_d = level;
        }
        uint32_t *t = front;
        front = nfront;
        nfront = t;
        nf = nn;
    }
    for (size_t i = 0; i < nt; i++) seen[touched[i]] = 0;
    st->sum_hops = sum;
    st->sum_len = 0;
    st->reach = reach;
    st->inv = inv;
    st->max_d = (double)max_d;
}

/* ---------------------------------------------------------------- weighted: Dijkstra */

typedef struct dij_ws {
    double *dist;      /* +inf outside the current search */
    uint32_t *heap;    /* binary min-heap of nodes keyed by dist */
    uint32_t *pos;     /* heap position, UINT32_MAX when not in the heap */
    uint32_t *touched;
} dij_ws_t;

static inline void heap_up(uint32_t *heap, uint32_t *pos, const double *dist, uint32_t i)
{
    uint32_t x = heap[i];
    double dx = dist[x];
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (dist[heap[p]] <= dx) break;
        heap[i] = heap[p];
        pos[heap[i]] = i;
        i = p;
    }
    heap[i] = x;
    pos[x] = i;
}

static inline void heap_down(uint32_t *heap, uint32_t *pos, const double *dist, uint32_t size)
{
    uint32_t i = 0, x = heap[0];
    double dx = dist[x];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= size) break;
        if (c + 1 < size && dist[heap[c + 1]] < dist[heap[c]]) c++;
        if (dist[heap[c]] >= dx) break;
        heap[i] = heap[c];
        pos[heap[i]] = i;
        i = c;
    }
    heap[i] = x;
    pos[x] = i;
}

static void dijkstra_source(const ck_graph_t *g, uint32_t s, const dij_ws_t *w, unit_stats_t *st)
{
    double *dist = w->dist;
    uint32_t *heap = w->heap, *pos = w->pos, *touched = w->touched;
    const int64_t *off = g->out_off;
    const uint32_t *adj = g->out_adj;
    const double *wt = g->out_w;
    uint32_t size = 0, nt = 0;
    double sum = 0, sum_c = 0, inv = 0, inv_c = 0, max_d = 0;
    uint64_t reach = 0;
    dist[s] = 0;
    touched[nt++] = s;
    heap[size] = s;
    pos[s] = size++;
    while (size) {
        uint32_t v = heap[0];
        pos[v] = UINT32_MAX;
        if (--size) {
            heap[0] = heap[size];
            heap_down(heap, pos, dist, size);
        }
        double d = dist[v];
        if (v != s) {
            nsum(&sum, &sum_c, d);
            nsum(&inv, &inv_c, 1.0 / d);
            reach++;
            if (d > max_d) max_d = d;
        }
        for (int64_t e = off[v]; e < off[v + 1]; e++) {
            uint32_t u = adj[e];
            double nd = d + wt[e];
            if (nd < dist[u]) {
                if (dist[u] == INFINITY) {
                    touched[nt++] = u;
                    dist[u] = nd;
                    heap[size] = u;
                    heap_up(heap, pos, dist, size++);
                } else {
                    dist[u] = nd;
                    heap_up(heap, pos, dist, pos[u]);
                }
            }
        }
    }
    for (uint32_t i = 0; i < nt; i++) dist[touched[i]] = INFINITY;
    st->sum_hops = 0;
    st->sum_len = sum + sum_c;
    st->inv = inv + inv_c;
    st->reach = reach;
    st->max_d = max_d;
}

/* ---------------------------------------------------------------- driver */

/* k distinct sources from 0..n-1, ascending: a partial Fisher-Yates shuffle driven by Philox
 * stream 0 of `seed` (j = i + floor(u (n - i)), clamped), then sorted ascending (heap sort). */
static ck_status_t sample_sources(ck_ctx_t *ctx, uint32_t *out, uint32_t n, uint32_t k, uint64_t seed)
{
    uint32_t *perm = cki_mallocarray(ctx, n, sizeof *perm);
    if (!perm) return cki_nomem(ctx);
    for (uint32_t i = 0; i < n; i++) perm[i] = i;
    ck_rng_t rng;
    ck_rng_init(&rng, seed, 0);
    for (uint32_t i = 0; i < k; i++) {
        uint32_t left = n - i;
        uint32_t j = (uint32_t)(ck_rng_uniform(&rng) * (double)left);
        if (j >= left) j = left - 1;
        uint32_t t = perm[i];
        perm[i] = perm[i + j];
        perm[i + j] = t;
    }
    memcpy(out, perm, (size_t)k * sizeof *out);
    cki_free(ctx, perm);
    /* Heap sort of out[0..k) (no allocation). */
    for (uint32_t start = k / 2; start-- > 0;) {
        uint32_t i = start;
        for (;;) {
            uint32_t c = 2 * i + 1;
            if (c >= k) break;
            if (c + 1 < k && out[c + 1] > out[c]) c++;
            if (out[i] >= out[c]) break;
            uint32_t t = out[i];
            out[i] = out[c];
            out[c] = t;
            i = c;
        }
    }
    for (uint32_t end = k; end-- > 1;) {
        uint32_t t = out[0];
        out[0] = out[end];
        out[end] = t;
        uint32_t i = 0;
        for (;;) {
            uint32_t c = 2 * i + 1;
            if (c >= end) break;
            if (c + 1 < end && out[c + 1] > out[c]) c++;
            if (out[i] >= out[c]) break;
            t = out[i];
            out[i] = out[c];
            out[c] = t;
            i = c;
        }
    }
    return CK_OK;
}

ck_status_t cki_metrics_paths(ck_ctx_t *ctx, ck_path_length_result_t *r, const ck_graph_t *g, bool use_weights,
                              ck_idx_t sample, uint64_t seed)
{
    memset(r, 0, sizeof *r);
    const uint32_t n = g->n;
    const bool weighted = use_weights && g->weighted;
    if (weighted) {
        /* Lengths must be positive: a 0 would make 1/d infinite and d meaningless. */
        const int64_t nnz = g->out_off[n];
        for (int64_t e = 0; e < nnz; e++)
            if (!(g->out_w[e] > 0)) {
                uint32_t u = 0;
                while (g->out_off[u + 1] <= e) u++;
                return cki_invalid(ctx, "graph.weights",
                                   "edge (%u, %u) has weight 0, which is not a valid length (use_weights = true)",
                                   g->directed || u < g->out_adj[e] ? u : g->out_adj[e],
                                   g->directed || u < g->out_adj[e] ? g->out_adj[e] : u);
            }
    }
    const uint32_t k = sample > 0 && sample < (ck_idx_t)n ? (uint32_t)sample : n;
    r->sources = k;
    if (n <= 1) return CK_OK;

    ck_status_t status = CK_OK;
    uint32_t *src = NULL;
    unit_stats_t *stats = NULL;
    void *ws_mem[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    const int64_t units = weighted ? (int64_t)k : ((int64_t)k + 63) / 64;
    int threads = cki_threads(ctx);
    if (threads > units) threads = (int)units;
    if (threads < 1) threads = 1;

    src = cki_mallocarray(ctx, k, sizeof *src);
    stats = cki_mallocarray(ctx, (size_t)units, sizeof *stats);
    if (!src || !stats) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    if (k < n) CK_TRY(sample_sources(ctx, src, n, k, seed));
    else
        for (uint32_t i = 0; i < n; i++) src[i] = i;

    const size_t tn = (size_t)threads * n;
    if (weighted) {
        ws_mem[0] = cki_mallocarray(ctx, tn, sizeof(double));
        ws_mem[1] = cki_mallocarray(ctx, tn, sizeof(uint32_t));
        ws_mem[2] = cki_mallocarray(ctx, tn, sizeof(uint32_t));
        ws_mem[3] = cki_mallocarray(ctx, tn, sizeof(uint32_t));
        if (!ws_mem[0] || !ws_mem[1] || !ws_mem[2] || !ws_mem[3]) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        double *dist = ws_mem[0];
        for (size_t i = 0; i < tn; i++) dist[i] = INFINITY;
    } else {
        for (int i = 0; i < 3; i++) ws_mem[i] = cki_calloc(ctx, tn, sizeof(uint64_t));
        for (int i = 3; i < 6; i++) ws_mem[i] = cki_mallocarray(ctx, tn, sizeof(uint32_t));
        for (int i = 0; i < 6; i++)
            if (!ws_mem[i]) {
                status = cki_nomem(ctx);
                goto cleanup;
            }
    }

    /* Units run in chunks; the calling thread polls for cancellation between chunks. */
    const int64_t chunk = (int64_t)threads * (weighted ? 64 : 2);
    for (int64_t c0 = 0; c0 < units; c0 += chunk) {
        const int64_t c1 = c0 + chunk < units ? c0 + chunk : units;
        CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 1) if(threads > 1))
        for (int64_t u = c0; u < c1; u++) {
            const size_t t = (size_t)cki_mx_tid() * n;
            if (weighted) {
                const dij_ws_t w = {(double *)ws_mem[0] + t, (uint32_t *)ws_mem[1] + t, (uint32_t *)ws_mem[2] + t,
                                    (uint32_t *)ws_mem[3] + t};
                dijkstra_source(g, src[u], &w, &stats[u]);
            } else {
                const bfs_ws_t w = {(uint64_t *)ws_mem[0] + t, (uint64_t *)ws_mem[1] + t, (uint64_t *)ws_mem[2] + t,
                                    (uint32_t *)ws_mem[3] + t, (uint32_t *)ws_mem[4] + t, (uint32_t *)ws_mem[5] + t};
                int64_t first = u * 64, cnt = (int64_t)k - first < 64 ? (int64_t)k - first : 64;
                msbfs_batch(g, src + first, (int)cnt, &w, &stats[u]);
            }
        }
        CK_TRY(cki_poll(ctx, (double)c1 / (double)units));
    }

    /* Deterministic reduction in unit order. */
    uint64_t hops = 0, reach = 0;
    double len = 0, len_c = 0, inv = 0, inv_c = 0, max_d = 0;
    for (int64_t u = 0; u < units; u++) {
        hops += stats[u].sum_hops;
        nsum(&len, &len_c, stats[u].sum_len);
        nsum(&inv, &inv_c, stats[u].inv);
        reach += stats[u].reach;
        if (stats[u].max_d > max_d) max_d = stats[u].max_d;
    }
    r->reachable_pairs = (ck_idx_t)reach;
    if (reach) {
        r->average_path_length = (weighted ? len + len_c : (double)hops) / (double)reach;
        r->diameter = max_d;
        r->efficiency = (inv + inv_c) / ((double)k * (double)(n - 1));
    }
cleanup:
    cki_free(ctx, src);
    cki_free(ctx, stats);
    for (int i = 0; i < 6; i++) cki_free(ctx, ws_mem[i]);
    return status;
}
