/* graph/connected-components core: weak/undirected components by a parallel union-find with
 * Afforest-style neighbour sampling (Sutton, Ben-Nun, Barak, "Optimizing Parallel Graph
 * Connectivity Computation via Subgraph Sampling", IPDPS 2018), strong components by an iterative
 * Tarjan. Both end in the canonical labelling (components numbered by their smallest node).
 *
 * Union-find invariant: a root is hooked only under a smaller root, so parent[x] <= x always and
 * the root of every tree is the smallest node in it. The final labels therefore depend only on
 * the partition, never on the order in which threads linked nodes. */
#include <string.h>

#include "metrics_internal.h"

#define UNSET UINT32_MAX
/* Below this many nodes + arcs the union-find runs on one thread (the fork costs more). */
#define PAR_MIN_WORK 20000
/* Sampling rounds of Afforest: link each node with its first NEIGHBOR_ROUNDS out-neighbours. */
#define NEIGHBOR_ROUNDS 2
#define SAMPLE_COUNT 1024

static inline uint32_t uf_load(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }

/* Root of x with path halving (a lost CAS only means another thread shortened the path). */
static inline uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    for (;;) {
        uint32_t p = uf_load(&parent[x]);
        if (p == x) return x;
        uint32_t gp = uf_load(&parent[p]);
        if (gp != p) {
            uint32_t expected = p;
            (void)__atomic_compare_exchange_n(&parent[x], &expected, gp, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
        }
        x = gp;
    }
}

/* Union by hooking the larger root under the smaller one. */
static inline void uf_union(uint32_t *parent, uint32_t a, uint32_t b)
{
    for (;;) {
        a = uf_find(parent, a);
        b = uf_find(parent, b);
        if (a == b) return;
        if (a < b) {
            uint32_t t = a;
            a = b;
            b = t;
        }
        uint32_t expected = a;
        if (__atomic_compare_exchange_n(&parent[a], &expected, b, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) return;
    }
}

/* Make every parent pointer point at its root. */
static void uf_compress(uint32_t *parent, uint32_t n, int threads, bool par)
{
    (void)threads;
    (void)par;
    CKI_OMP(omp parallel for num_threads(threads) schedule(static, 4096) if(par))
    for (int64_t v = 0; v < (int64_t)n; v++) {
        uint32_t r = uf_find(parent, (uint32_t)v);
        __atomic_store_n(&parent[v], r, __ATOMIC_RELAXED);
    }
}

/* The most frequent root among SAMPLE_COUNT evenly spaced nodes (ties: the smaller root). Only
 * speed depends on this choice. */
static uint32_t frequent_root(const uint32_t *parent, uint32_t n)
{
    uint32_t sample[SAMPLE_COUNT] = {0};
    uint32_t k = n < SAMPLE_COUNT ? n : SAMPLE_COUNT;
    for (uint32_t i = 0; i < k; i++) sample[i] = parent[(uint64_t)i * n / k];
    /* insertion sort of at most 1024 values */
    for (uint32_t i = 1; i < k; i++) {
        uint32_t x = sample[i], j = i;
        while (j > 0 && sample[j - 1] > x) {
            sample[j] = sample[j - 1];
            j--;
        }
        sample[j] = x;
    }
    uint32_t best = sample[0], best_count = 0;
    for (uint32_t i = 0; i < k;) {
        uint32_t j = i;
        while (j < k && sample[j] == sample[i]) j++;
        if (j - i > best_count) {
            best_count = j - i;
            best = sample[i];
        }
        i = j;
    }
    return best;
}

/* Weak (or undirected) components: parent[v] = the smallest node of v's component. */
static void weak_roots(ck_ctx_t *ctx, uint32_t *parent, const ck_graph_t *g)
{
    const uint32_t n = g->n;
    const int threads = cki_threads(ctx);
    const bool par = threads > 1 && (int64_t)n + g->out_off[n] >= PAR_MIN_WORK;
    const int64_t *off = g->out_off;
    const uint32_t *adj = g->out_adj;
    (void)threads;
    (void)par;
    CKI_OMP(omp parallel for num_threads(threads) schedule(static, 4096) if(par))
    for (int64_t v = 0; v < (int64_t)n; v++) parent[v] = (uint32_t)v;

    /* Sampling: link each node with its first few out-neighbours; this usually joins the giant
     * component already. */
    for (int r = 0; r < NEIGHBOR_ROUNDS; r++) {
        CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 4096) if(par))
        for (int64_t v = 0; v < (int64_t)n; v++)
            if (off[v] + r < off[v + 1]) uf_union(parent, (uint32_t)v, adj[off[v] + r]);
        uf_compress(parent, n, threads, par);
    }
    if (n == 0) return;
    const uint32_t big = frequent_root(parent, n);

    /* The remaining arcs of nodes outside the sampled giant component. Arcs from the giant
     * component to another node u are seen from u's side: u's row (undirected graphs) or u's
     * in-row (directed graphs) holds them. */
    const bool directed = g->directed;
    const int64_t *ioff = g->in_off;
    const uint32_t *iadj = g->in_adj;
    CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 1024) if(par))
    for (int64_t v = 0; v < (int64_t)n; v++) {
        if (uf_find(parent, (uint32_t)v) == big) continue;
        for (int64_t e = off[v] + NEIGHBOR_ROUNDS; e < off[v + 1]; e++) uf_union(parent, (uint32_t)v, adj[e]);
        if (directed)
            for (int64_t e = ioff[v]; e < ioff[v + 1]; e++) uf_union(parent, (uint32_t)v, iadj[e]);
    }
    uf_compress(parent, n, threads, par);
}

/* labels[v] = rank of root[v] among the roots (root[r] == r), in node order. */
static uint32_t rank_roots(ck_ctx_t *ctx, uint32_t *labels, const uint32_t *root, uint32_t n, uint32_t *chunk_base,
                           int chunks)
{
    const int threads = cki_threads(ctx);
    const bool par = threads > 1 && n >= PAR_MIN_WORK;
    (void)threads;
    (void)par;
    const int64_t per = ((int64_t)n + chunks - 1) / chunks;
    CKI_OMP(omp parallel for num_threads(threads) schedule(static, 1) if(par))
    for (int c = 0; c < chunks; c++) {
        uint32_t count = 0;
        int64_t lo = (int64_t)c * per, hi = lo + per < (int64_t)n ? lo + per : (int64_t)n;
        for (int64_t v = lo; v < hi; v++) count += root[v] == (uint32_t)v;
        chunk_base[c] = count;
    }
    uint32_t total = 0;
    for (int c = 0; c < chunks; c++) {
        uint32_t x = chunk_base[c];
        chunk_base[c] = total;
        total += x;
    }
    CKI_OMP(omp parallel for num_threads(threads) schedule(static, 1) if(par))
    for (int c = 0; c < chunks; c++) {
        uint32_t next = chunk_base[c];
        int64_t lo = (int64_t)c * per, hi = lo + per < (int64_t)n ? lo + per : (int64_t)n;
        for (int64_t v = lo; v < hi; v++)
            if (root[v] == (uint32_t)v) labels[v] = next++;
    }
    /* Roots come first in their own component, so labels[root[v]] is final for every v. */
    CKI_OMP(omp parallel for num_threads(threads) schedule(static, 4096) if(par))
    for (int64_t v = 0; v < (int64_t)n; v++)
        if (root[v] != (uint32_t)v) labels[v] = labels[root[v]];
    return total;
}

/* Strongly connected components by Tarjan's algorithm with an explicit call stack. comp[v]
 * receives a component id in Tarjan's order (reverse topological); returns the count. */
static ck_status_t tarjan(ck_ctx_t *ctx, uint32_t *comp, uint32_t *count, const ck_graph_t *g, uint32_t *index,
                          uint32_t *low, uint32_t *stack, uint32_t *call, int64_t *edge_pos)
{
    const uint32_t n = g->n;
    const int64_t *off = g->out_off;
    const uint32_t *adj = g->out_adj;
    uint32_t next_index = 0, ncomp = 0, sp = 0;
    int64_t work = 0;
    for (uint32_t v = 0; v < n; v++) {
        index[v] = UNSET;
        comp[v] = UNSET;
    }
    for (uint32_t s = 0; s < n; s++) {
        if (index[s] != UNSET) continue;
        uint32_t cp = 0;
        index[s] = low[s] = next_index++;
        stack[sp++] = s;
        call[cp] = s;
        edge_pos[cp++] = off[s];
        while (cp > 0) {
            uint32_t v = call[cp - 1];
            int64_t e = edge_pos[cp - 1];
            if (e < off[v + 1]) {
                edge_pos[cp - 1] = e + 1;
                uint32_t w = adj[e];
                if (index[w] == UNSET) {
                    index[w] = low[w] = next_index++;
                    stack[sp++] = w;
                    call[cp] = w;
                    edge_pos[cp++] = off[w];
                } else if (comp[w] == UNSET && index[w] < low[v]) {
                    low[v] = index[w]; /* w is on the stack */
                }
                continue;
            }
            if (low[v] == index[v]) {
                uint32_t w;
                do {
                    w = stack[--sp];
                    comp[w] = ncomp;
                } while (w != v);
                ncomp++;
            }
            cp--;
            if (cp > 0) {
                uint32_t u = call[cp - 1];
                if (low[v] < low[u]) low[u] = low[v];
            }
            if ((++work & 0xFFFFF) == 0) {
                ck_status_t status = cki_poll(ctx, (double)next_index / (double)n);
                if (status) return status;
            }
        }
    }
    *count = ncomp;
    return CK_OK;
}

ck_status_t cki_graph_components(ck_ctx_t *ctx, uint32_t *labels, uint32_t *num_components, const ck_graph_t *g,
                                 bool strong)
{
    const uint32_t n = g->n;
    *num_components = 0;
    if (n == 0) return CK_OK;
    ck_status_t status = CK_OK;
    uint32_t *a = NULL, *b = NULL, *c = NULL, *d = NULL;
    int64_t *e = NULL;
    if (strong && g->directed) {
        a = cki_mallocarray(ctx, n, sizeof *a); /* index, then the relabel map */
        b = cki_mallocarray(ctx, n, sizeof *b); /* low */
        c = cki_mallocarray(ctx, n, sizeof *c); /* component stack */
        d = cki_mallocarray(ctx, n, sizeof *d); /* call stack */
        e = cki_mallocarray(ctx, n, sizeof *e); /* edge position per call frame */
        if (!a || !b || !c || !d || !e) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        uint32_t ncomp = 0;
        CK_TRY(tarjan(ctx, labels, &ncomp, g, a, b, c, d, e));
        /* Canonical: number components by first appearance in node order. */
        uint32_t *map = a, next = 0;
        for (uint32_t i = 0; i < ncomp; i++) map[i] = UNSET;
        for (uint32_t v = 0; v < n; v++) {
            uint32_t t = labels[v];
            if (map[t] == UNSET) map[t] = next++;
            labels[v] = map[t];
        }
        *num_components = ncomp;
    } else {
        const int threads = cki_threads(ctx);
        const int chunks = threads > 1 ? 4 * threads : 1;
        a = cki_mallocarray(ctx, n, sizeof *a);
        b = cki_mallocarray(ctx, (size_t)chunks, sizeof *b);
        if (!a || !b) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        weak_roots(ctx, a, g);
        CK_TRY(cki_poll(ctx, 0.9));
        *num_components = rank_roots(ctx, labels, a, n, b, chunks);
    }
cleanup:
    cki_free(ctx, a);
    cki_free(ctx, b);
    cki_free(ctx, c);
    cki_free(ctx, d);
    cki_free(ctx, e);
    return status;
}
