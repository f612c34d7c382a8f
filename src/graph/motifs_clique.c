/* graph/k-clique: every k-clique (kClist on a degeneracy orientation) or every maximal clique of
 * >= k nodes (Bron-Kerbosch with Tomita pivoting, degeneracy outer order), on the undirected
 * skeleton. Exact uint64 counts, per-node counts, and the lexicographically smallest max_cliques
 * cliques kept in bounded per-thread heaps. */
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "motifs_internal.h"

void ck_k_clique_options_init(ck_k_clique_options_t *o)
{
    if (!o) return;
    o->k = 3;
    o->mode = CK_K_CLIQUE_EXACT;
    o->max_cliques = 10000;
}

void ck_k_clique_result_free(ck_ctx_t *ctx, ck_k_clique_result_t **result)
{
    if (!ctx || !result || !*result) return;
    cki_free(ctx, (*result)->offsets);
    cki_free(ctx, (*result)->nodes);
    cki_free(ctx, (*result)->per_node);
    cki_free(ctx, *result);
    *result = NULL;
}

/* ---------------------------------------------------------------- degeneracy order */

/* Batagelj-Zaversnik core ordering: ord[v] = position of v in a degeneracy order; *degeneracy. */
static ck_status_t degeneracy_order(ck_ctx_t *ctx, uint32_t *ord, int64_t *degeneracy, const cki_skel_t *s)
{
    const uint32_t n = s->n;
    int64_t md = 0;
    for (uint32_t v = 0; v < n; v++)
        if (s->off[v + 1] - s->off[v] > md) md = s->off[v + 1] - s->off[v];
    uint32_t *deg = cki_mallocarray(ctx, (size_t)n, sizeof *deg), *vert = cki_mallocarray(ctx, (size_t)n, sizeof *vert);
    int64_t *bin = cki_calloc(ctx, (size_t)md + 2, sizeof *bin);
    ck_status_t status = CK_OK;
    if ((n && (!deg || !vert)) || !bin) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (uint32_t v = 0; v < n; v++) {
        deg[v] = (uint32_t)(s->off[v + 1] - s->off[v]);
        bin[deg[v]]++;
    }
    int64_t start = 0;
    for (int64_t d = 0; d <= md; d++) {
        int64_t c = bin[d];
        bin[d] = start;
        start += c;
    }
    for (uint32_t v = 0; v < n; v++) {
        ord[v] = (uint32_t)bin[deg[v]]++;
        vert[ord[v]] = v;
    }
    for (int64_t d = md; d > 0; d--) bin[d] = bin[d - 1];
    bin[0] = 0;
    int64_t dg = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint32_t v = vert[i];
        if (deg[v] > dg) dg = deg[v];
        for (int64_t e = s->off[v]; e < s->off[v + 1]; e++) {
            const uint32_t u = s->adj[e];
            if (deg[u] > deg[v]) {
                const uint32_t du = deg[u], pu = ord[u], pw = (uint32_t)bin[du], w = vert[pw];
                if (u != w) {
                    ord[u] = pw;
                    vert[pu] = w;
                    ord[w] = pu;
                    vert[pw] = u;
                }
                bin[du]++;
                deg[u]--;
            }
        }
    }
    *degeneracy = dg;
cleanup:
    cki_free(ctx, deg);
    cki_free(ctx, vert);
    cki_free(ctx, bin);
    return status;
}

/* ---------------------------------------------------------------- per-thread state */

/* A bounded max-heap of cliques (lexicographic order on ascending node lists, shorter first on a
 * common prefix: Python's tuple order). Storage grows on demand up to `limit` slots. */
typedef struct kc_heap {
    uint32_t *data; /* cap slots of `width` nodes */
    uint32_t *len;  /* clique size per slot */
    int64_t size, cap, limit;
    int width;
} kc_heap_t;

typedef struct kc_shared {
    ck_ctx_t *ctx;
    const cki_skel_t *s;
    const int64_t *doff; /* degeneracy DAG (exact mode) */
    const uint32_t *dadj;
    const uint32_t *ord;
    int64_t k;
    uint64_t *per_node;
    atomic_int failed; /* 1 = out of memory, 2 = count overflow */
} kc_shared_t;

typedef struct kc_thread {
    kc_shared_t *sh;
    uint64_t count;
    kc_heap_t heap;
    /* exact mode */
    const uint32_t *A; /* out-list of the current start */
    uint64_t *acc;     /* per position of A */
    uint32_t *lev;     /* (k-1) levels of max_out positions */
    int64_t max_out;
    uint32_t chosen[64]; /* positions in A of the chosen nodes below the start */
    /* maximal mode: an arena addressed by offsets (it may move when it grows) */
    uint32_t *arena;
    int64_t arena_cap;
    uint32_t *R;    /* width: the current clique (maximal mode) */
    uint32_t *tmp;  /* width: a clique being offered */
    uint32_t *swap; /* width: heap swaps */
} kc_thread_t;

static void kc_fail(kc_shared_t *sh, int why) { atomic_store_explicit(&sh->failed, why, memory_order_relaxed); }

static int kc_failed(kc_shared_t *sh) { return atomic_load_explicit(&sh->failed, memory_order_relaxed); }

/* Grow a buffer inside a parallel region: the ctx allocator is called by one thread at a time
 * (an unnamed critical: named ones become exported symbols of the shared library). */
static void *kc_grow(kc_shared_t *sh, void *p, size_t bytes)
{
    void *q;
    CKI_OMP(omp critical)
    q = cki_realloc(sh->ctx, p, bytes);
    if (!q) kc_fail(sh, 1);
    return q;
}

static int kc_cmp(const uint32_t *a, int la, const uint32_t *b, int lb)
{
    int l = la < lb ? la : lb;
    for (int i = 0; i < l; i++)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return (la > lb) - (la < lb);
}

static inline uint32_t *heap_slot(kc_heap_t *h, int64_t i) { return h->data + (size_t)i * (size_t)h->width; }

/* Swap the nodes of slots i and j (their lengths are swapped by the caller). */
static void heap_swap(kc_heap_t *h, int64_t i, int64_t j, uint32_t *tmp)
{
    const size_t l = (size_t)(h->len[i] > h->len[j] ? h->len[i] : h->len[j]) * sizeof *tmp;
    memcpy(tmp, heap_slot(h, i), l);
    memcpy(heap_slot(h, i), heap_slot(h, j), l);
    memcpy(heap_slot(h, j), tmp, l);
}

static void heap_sift_down(kc_heap_t *h, int64_t i, uint32_t *tmp)
{
    for (;;) {
        int64_t l = 2 * i + 1, r = l + 1, big = i;
        if (l < h->size && kc_cmp(heap_slot(h, l), h->len[l], heap_slot(h, big), h->len[big]) > 0) big = l;
        if (r < h->size && kc_cmp(heap_slot(h, r), h->len[r], heap_slot(h, big), h->len[big]) > 0) big = r;
        if (big == i) return;
        heap_swap(h, i, big, tmp);
        uint32_t t = h->len[i];
        h->len[i] = h->len[big];
        h->len[big] = t;
        i = big;
    }
}

/* Whether a clique starting with `first` (its smallest node) could enter the heap. */
static inline bool heap_may_take(const kc_heap_t *h, uint32_t first)
{
    return h->limit > 0 && (h->size < h->limit || first <= h->data[0]);
}

/* Offer clique c (ascending, length l). */
static void heap_offer(kc_thread_t *t, const uint32_t *c, int l)
{
    kc_heap_t *h = &t->heap;
    if (h->size < h->limit) {
        if (h->size == h->cap) {
            int64_t cap = h->cap ? 2 * h->cap : 256;
            if (cap > h->limit) cap = h->limit;
            uint32_t *d = kc_grow(t->sh, h->data, (size_t)cap * (size_t)h->width * sizeof *d);
            if (!d) return;
            h->data = d;
            uint32_t *len = kc_grow(t->sh, h->len, (size_t)cap * sizeof *len);
            if (!len) return;
            h->len = len;
            h->cap = cap;
        }
        int64_t i = h->size++;
        memcpy(heap_slot(h, i), c, (size_t)l * sizeof *c);
        h->len[i] = (uint32_t)l;
        while (i > 0) { /* sift up */
            int64_t p = (i - 1) / 2;
            if (kc_cmp(heap_slot(h, p), h->len[p], heap_slot(h, i), h->len[i]) >= 0) break;
            heap_swap(h, i, p, t->swap);
            uint32_t x = h->len[i];
            h->len[i] = h->len[p];
            h->len[p] = x;
            i = p;
        }
    } else if (kc_cmp(c, l, heap_slot(h, 0), h->len[0]) < 0) {
        memcpy(heap_slot(h, 0), c, (size_t)l * sizeof *c);
        h->len[0] = (uint32_t)l;
        heap_sift_down(h, 0, t->swap);
    }
}

static inline bool add_count(kc_thread_t *t, uint64_t x)
{
    if (__builtin_add_overflow(t->count, x, &t->count)) {
        kc_fail(t->sh, 2);
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- exact mode (kClist) */

/* The start u's clique prefix is u plus A[chosen[0..depth)]; C (nc positions of A, ascending) are
 * the candidates adjacent to all of it; `need` more nodes complete a clique. */
static void kx_rec(kc_thread_t *t, uint32_t u, int depth, const uint32_t *C, int64_t nc, int64_t need)
{
    if (nc < need) return;
    const uint32_t *A = t->A;
    if (need == 1) {
        if (!add_count(t, (uint64_t)nc)) return;
        for (int64_t i = 0; i < nc; i++) t->acc[C[i]]++;
        for (int d = 0; d < depth; d++) t->acc[t->chosen[d]] += (uint64_t)nc;
        if (t->heap.limit > 0) {
            /* prefix ascending */
            uint32_t pre[64];
            int lp = 0;
            pre[lp++] = u;
            for (int d = 0; d < depth; d++) {
                uint32_t x = A[t->chosen[d]];
                int j = lp++;
                while (j > 0 && pre[j - 1] > x) {
                    pre[j] = pre[j - 1];
                    j--;
                }
                pre[j] = x;
            }
            for (int64_t i = 0; i < nc; i++) {
                const uint32_t c = A[C[i]];
                /* Candidates ascend: once one cannot enter the heap, no later one can. */
                if (!heap_may_take(&t->heap, c < pre[0] ? c : pre[0])) break;
                uint32_t *cl = t->tmp;
                int j = 0, o = 0;
                while (j < lp && pre[j] < c) cl[o++] = pre[j++];
                cl[o++] = c;
                while (j < lp) cl[o++] = pre[j++];
                heap_offer(t, cl, o);
            }
        }
        return;
    }
    uint32_t *next = t->lev + (size_t)depth * (size_t)t->max_out;
    /* C ascends by id, not by degeneracy rank: any candidate may extend the clique. */
    for (int64_t i = 0; i < nc; i++) {
        const uint32_t v = A[C[i]];
        const uint32_t *B = t->sh->dadj + t->sh->doff[v];
        const int64_t nb = t->sh->doff[v + 1] - t->sh->doff[v];
        if (nb < need - 1) continue;
        int64_t p = 0, q = 0, o = 0;
        while (p < nc && q < nb) {
            uint32_t x = A[C[p]], y = B[q];
            if (x == y) {
                next[o++] = C[p];
                p++;
                q++;
            } else if (x < y) {
                p++;
            } else {
                q++;
            }
        }
        t->chosen[depth] = C[i];
        kx_rec(t, u, depth + 1, next, o, need - 1);
        if (kc_failed(t->sh)) return;
    }
}

static void kx_start(kc_thread_t *t, uint32_t u)
{
    const kc_shared_t *sh = t->sh;
    const int64_t d = sh->doff[u + 1] - sh->doff[u];
    if (d < sh->k - 1) return;
    t->A = sh->dadj + sh->doff[u];
    uint32_t *C = t->lev + (size_t)(sh->k - 1) * (size_t)t->max_out; /* the last level slot */
    for (int64_t i = 0; i < d; i++) C[i] = (uint32_t)i;
    const uint64_t before = t->count;
    kx_rec(t, u, 0, C, d, sh->k - 1);
    const uint64_t cu = t->count - before;
    if (cu) {
        CKI_OMP(omp atomic)
        sh->per_node[u] += cu;
        for (int64_t i = 0; i < d; i++)
            if (t->acc[i]) {
                CKI_OMP(omp atomic)
                sh->per_node[t->A[i]] += t->acc[i];
                t->acc[i] = 0;
            }
    }
}

/* ---------------------------------------------------------------- maximal mode (Bron-Kerbosch) */

static bool arena_reserve(kc_thread_t *t, int64_t top, int64_t need)
{
    if (top + need <= t->arena_cap) return true;
    int64_t cap = t->arena_cap * 2;
    if (cap < top + need) cap = top + need;
    uint32_t *a = kc_grow(t->sh, t->arena, (size_t)cap * sizeof *a);
    if (!a) return false;
    t->arena = a;
    t->arena_cap = cap;
    return true;
}

/* |P ∩ N(w)| with N(w) the skeleton row of w. */
static int64_t count_common(const uint32_t *P, int64_t np, const uint32_t *N, int64_t nn)
{
    int64_t c = 0;
    if (nn > 16 * np) { /* binary search each element of P */
        int64_t lo = 0;
        for (int64_t i = 0; i < np; i++) {
            int64_t hi = nn;
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (N[mid] < P[i]) lo = mid + 1;
                else hi = mid;
            }
            if (lo < nn && N[lo] == P[i]) c++;
        }
        return c;
    }
    int64_t p = 0, q = 0;
    while (p < np && q < nn) {
        if (P[p] == N[q]) c++, p++, q++;
        else if (P[p] < N[q]) p++;
        else q++;
    }
    return c;
}

/* out = A ∩ N (both ascending); returns its size. */
static int64_t intersect(uint32_t *out, const uint32_t *A, int64_t na, const uint32_t *N, int64_t nn)
{
    int64_t p = 0, q = 0, o = 0;
    while (p < na && q < nn) {
        if (A[p] == N[q]) out[o++] = A[p], p++, q++;
        else if (A[p] < N[q]) p++;
        else q++;
    }
    return o;
}

static bool sorted_contains(const uint32_t *N, int64_t nn, uint32_t x)
{
    int64_t lo = 0, hi = nn;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (N[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo < nn && N[lo] == x;
}

static void bk_report(kc_thread_t *t, int r)
{
    if (!add_count(t, 1)) return;
    for (int i = 0; i < r; i++) {
        CKI_OMP(omp atomic)
        t->sh->per_node[t->R[i]] += 1;
    }
    if (t->heap.limit > 0) {
        uint32_t *c = t->tmp;
        for (int i = 0; i < r; i++) {
            uint32_t x = t->R[i];
            int j = i;
            while (j > 0 && c[j - 1] > x) {
                c[j] = c[j - 1];
                j--;
            }
            c[j] = x;
        }
        if (heap_may_take(&t->heap, c[0])) heap_offer(t, c, r);
    }
}

/* Bron-Kerbosch with pivoting. P at arena[po .. po+np), X at arena[xo .. xo+nx) with room for
 * np more entries; the arena above `top` is free. */
static void bk_rec(kc_thread_t *t, int r, int64_t po, int64_t np, int64_t xo, int64_t nx, int64_t top)
{
    const cki_skel_t *s = t->sh->s;
    if (np == 0) {
        if (nx == 0 && r >= t->sh->k) bk_report(t, r);
        return;
    }
    if (r + np < t->sh->k) return;
    /* Pivot: the node of P ∪ X with the most neighbours in P (first such in P, then X order). */
    int64_t best = -1;
    uint32_t pivot = 0;
    for (int pass = 0; pass < 2; pass++) {
        const int64_t off = pass ? xo : po, cnt = pass ? nx : np;
        for (int64_t i = 0; i < cnt; i++) {
            const uint32_t w = t->arena[off + i];
            const int64_t dw = s->off[w + 1] - s->off[w];
            if (dw <= best) continue;
            int64_t c = count_common(t->arena + po, np, s->adj + s->off[w], dw);
            if (c > best) {
                best = c;
                pivot = w;
                if (c == np) break;
            }
        }
        if (best == np) break;
    }
    /* Q = P \ N(pivot), in P's order. */
    const int64_t qo = top;
    if (!arena_reserve(t, qo, np)) return;
    int64_t nq = 0;
    {
        const uint32_t *Np = s->adj + s->off[pivot];
        const int64_t dp = s->off[pivot + 1] - s->off[pivot];
        for (int64_t i = 0; i < np; i++) {
            const uint32_t x = t->arena[po + i];
            if (x == pivot || !sorted_contains(Np, dp, x)) t->arena[qo + nq++] = x;
        }
    }
    top = qo + nq;
    for (int64_t qi = 0; qi < nq; qi++) {
        const uint32_t v = t->arena[qo + qi];
        const uint32_t *Nv = s->adj + s->off[v];
        const int64_t dv = s->off[v + 1] - s->off[v];
        /* child P' = P ∩ N(v), X' = X ∩ N(v) (+ room for |P'| more) */
        const int64_t cap = np + nx + np;
        if (!arena_reserve(t, top, cap)) return;
        const int64_t cpo = top;
        const int64_t cnp = intersect(t->arena + cpo, t->arena + po, np, Nv, dv);
        const int64_t cxo = cpo + cnp;
        const int64_t cnx = intersect(t->arena + cxo, t->arena + xo, nx, Nv, dv);
        t->R[r] = v;
        bk_rec(t, r + 1, cpo, cnp, cxo, cnx, cxo + cnx + cnp);
        if (kc_failed(t->sh)) return;
        /* P \= {v}, X ∪= {v} (both stay ascending) */
        uint32_t *P = t->arena + po, *X = t->arena + xo;
        int64_t i = 0;
        while (P[i] != v) i++;
        memmove(P + i, P + i + 1, (size_t)(np - i - 1) * sizeof *P);
        np--;
        int64_t j = nx;
        while (j > 0 && X[j - 1] > v) {
            X[j] = X[j - 1];
            j--;
        }
        X[j] = v;
        nx++;
    }
}

static void bk_start(kc_thread_t *t, uint32_t v)
{
    const cki_skel_t *s = t->sh->s;
    const uint32_t *ord = t->sh->ord;
    const int64_t dv = s->off[v + 1] - s->off[v];
    /* P = later neighbours, X = earlier neighbours (with room for P to move in). */
    if (!arena_reserve(t, 0, 2 * dv)) return;
    int64_t np = 0, nx = 0;
    for (int64_t e = s->off[v]; e < s->off[v + 1]; e++)
        if (ord[s->adj[e]] > ord[v]) t->arena[np++] = s->adj[e];
    const int64_t xo = np;
    for (int64_t e = s->off[v]; e < s->off[v + 1]; e++)
        if (ord[s->adj[e]] < ord[v]) t->arena[xo + nx++] = s->adj[e];
    t->R[0] = v;
    bk_rec(t, 1, 0, np, xo, nx, xo + nx + np);
}

/* ---------------------------------------------------------------- driver */

typedef struct kc_entry {
    const uint32_t *c;
    int len;
} kc_entry_t;

static int kc_entry_cmp(const void *a, const void *b)
{
    const kc_entry_t *x = a, *y = b;
    return kc_cmp(x->c, x->len, y->c, y->len);
}

ck_status_t ck_k_clique(ck_ctx_t *ctx, ck_k_clique_result_t **result, const ck_graph_t *g,
                        const ck_k_clique_options_t *opt)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!result) return cki_invalid(ctx, "result", "must not be NULL");
    *result = NULL;
    if (!g) return cki_invalid(ctx, "g", "must not be NULL");
    ck_k_clique_options_t o;
    if (opt) o = *opt;
    else ck_k_clique_options_init(&o);
    if (o.k < 2 || o.k > 64) return cki_invalid(ctx, "k", "%lld is outside 2..64", (long long)o.k);
    if (o.mode != CK_K_CLIQUE_EXACT && o.mode != CK_K_CLIQUE_MAXIMAL)
        return cki_invalid(ctx, "mode", "must be exact or maximal");
    if (o.max_cliques < 0 || o.max_cliques > CK_K_CLIQUE_MAX_LISTED)
        return cki_invalid(ctx, "max_cliques", "%lld is outside 0..%lld", (long long)o.max_cliques,
                           (long long)CK_K_CLIQUE_MAX_LISTED);

    const uint32_t n = g->n;
    const int threads = cki_threads(ctx);
    ck_status_t status = CK_OK;
    cki_skel_t s;
    memset(&s, 0, sizeof s);
    uint32_t *ord = NULL, *dadj = NULL;
    int64_t *doff = NULL;
    kc_thread_t *ts = NULL;
    kc_entry_t *all = NULL;
    ck_k_clique_result_t *res = cki_calloc(ctx, 1, sizeof *res);
    if (!res) return cki_nomem(ctx);
    res->n = n;
    res->per_node = cki_calloc(ctx, (size_t)n ? (size_t)n : 1, sizeof *res->per_node);
    if (!res->per_node) goto nomem;
    CK_TRY(cki_motif_skel_init(ctx, &s, g, false));
    ord = cki_mallocarray(ctx, (size_t)n ? (size_t)n : 1, sizeof *ord);
    if (!ord) goto nomem;
    int64_t dg = 0;
    CK_TRY(degeneracy_order(ctx, ord, &dg, &s));

    const bool maximal = o.mode == CK_K_CLIQUE_MAXIMAL;
    int64_t max_out = 0;
    if (!maximal) {
        /* The degeneracy DAG: u -> v when ord[u] < ord[v]; out-degrees <= degeneracy. */
        doff = cki_mallocarray(ctx, (size_t)n + 1, sizeof *doff);
        dadj = cki_mallocarray(ctx, (size_t)s.m ? (size_t)s.m : 1, sizeof *dadj);
        if (!doff || !dadj) goto nomem;
        doff[0] = 0;
        for (uint32_t u = 0; u < n; u++) {
            int64_t k = doff[u];
            for (int64_t e = s.off[u]; e < s.off[u + 1]; e++)
                if (ord[s.adj[e]] > ord[u]) dadj[k++] = s.adj[e];
            doff[u + 1] = k;
            if (k - doff[u] > max_out) max_out = k - doff[u];
        }
    }
    /* Width of a listed clique: k, or the largest possible clique (degeneracy + 1). */
    const int64_t width = maximal ? dg + 1 : o.k;
    kc_shared_t sh = {.ctx = ctx, .s = &s, .doff = doff, .dadj = dadj, .ord = ord, .k = o.k, .per_node = res->per_node};
    atomic_init(&sh.failed, 0);
    ts = cki_calloc(ctx, (size_t)threads, sizeof *ts);
    if (!ts) goto nomem;
    for (int t = 0; t < threads; t++) {
        ts[t].sh = &sh;
        ts[t].heap.limit = o.max_cliques;
        ts[t].heap.width = (int)width;
        ts[t].max_out = max_out;
        ts[t].R = cki_mallocarray(ctx, (size_t)width, sizeof *ts[t].R);
        ts[t].tmp = cki_mallocarray(ctx, (size_t)width, sizeof *ts[t].tmp);
        ts[t].swap = cki_mallocarray(ctx, (size_t)width, sizeof *ts[t].swap);
        if (!ts[t].R || !ts[t].tmp || !ts[t].swap) goto nomem;
        if (!maximal && max_out > 0) {
            ts[t].acc = cki_calloc(ctx, (size_t)max_out, sizeof *ts[t].acc);
            ts[t].lev = cki_mallocarray(ctx, (size_t)o.k * (size_t)max_out, sizeof *ts[t].lev);
            if (!ts[t].acc || !ts[t].lev) goto nomem;
        }
    }
    /* Nothing to find when k exceeds the largest possible clique. */
    const bool possible = o.k <= dg + 1 && (int64_t)n >= o.k;
    if (possible) {
        CKI_OMP(omp parallel num_threads(threads))
        {
#ifdef _OPENMP
            const int tid = omp_get_thread_num();
#else
            const int tid = 0;
#endif
            kc_thread_t *t = &ts[tid];
            int64_t since_poll = 0;
            CKI_OMP(omp for schedule(dynamic, 1) nowait)
            for (int64_t uu = 0; uu < (int64_t)n; uu++) {
                if (ck_ctx_cancelled(ctx) || kc_failed(&sh)) continue;
                if (maximal) bk_start(t, (uint32_t)uu);
                else kx_start(t, (uint32_t)uu);
                if (tid == 0 && ++since_poll >= 64) {
                    since_poll = 0;
                    (void)cki_poll(ctx, (double)uu / (double)n);
                }
            }
        }
    }
    if (kc_failed(&sh) == 1) goto nomem;
    if (kc_failed(&sh) == 2) {
        status = cki_error(ctx, CK_E_OVERFLOW, NULL, "the clique count exceeds 2^64 - 1");
        goto cleanup;
    }
    CK_TRY(cki_poll(ctx, 1.0));
    uint64_t count = 0;
    int64_t listed = 0;
    for (int t = 0; t < threads; t++) {
        if (__builtin_add_overflow(count, ts[t].count, &count)) {
            status = cki_error(ctx, CK_E_OVERFLOW, NULL, "the clique count exceeds 2^64 - 1");
            goto cleanup;
        }
        listed += ts[t].heap.size;
    }
    /* Merge the per-thread heaps: sort every kept clique, keep the max_cliques smallest. */
    if (listed > 0) {
        all = cki_mallocarray(ctx, (size_t)listed, sizeof *all);
        if (!all) goto nomem;
        int64_t a = 0;
        for (int t = 0; t < threads; t++)
            for (int64_t i = 0; i < ts[t].heap.size; i++) {
                all[a].c = heap_slot(&ts[t].heap, i);
                all[a].len = ts[t].heap.len[i];
                a++;
            }
        qsort(all, (size_t)listed, sizeof *all, kc_entry_cmp);
    }
    if (listed > o.max_cliques) listed = o.max_cliques;
    int64_t total_nodes = 0;
    for (int64_t i = 0; i < listed; i++) total_nodes += all[i].len;
    res->offsets = cki_mallocarray(ctx, (size_t)listed + 1, sizeof *res->offsets);
    res->nodes = cki_mallocarray(ctx, (size_t)total_nodes ? (size_t)total_nodes : 1, sizeof *res->nodes);
    if (!res->offsets || !res->nodes) goto nomem;
    res->offsets[0] = 0;
    for (int64_t i = 0, p = 0; i < listed; i++) {
        for (int j = 0; j < all[i].len; j++) res->nodes[p++] = all[i].c[j];
        res->offsets[i + 1] = p;
    }
    res->count = count;
    res->n_cliques = listed;
    res->truncated = count > (uint64_t)listed;
    *result = res;
    res = NULL;
    goto cleanup;
nomem:
    status = cki_nomem(ctx);
cleanup:
    if (ts)
        for (int t = 0; t < threads; t++) {
            cki_free(ctx, ts[t].heap.data);
            cki_free(ctx, ts[t].heap.len);
            cki_free(ctx, ts[t].acc);
            cki_free(ctx, ts[t].lev);
            cki_free(ctx, ts[t].arena);
            cki_free(ctx, ts[t].R);
            cki_free(ctx, ts[t].tmp);
            cki_free(ctx, ts[t].swap);
        }
    cki_free(ctx, ts);
    cki_free(ctx, all);
    cki_free(ctx, ord);
    cki_free(ctx, doff);
    cki_free(ctx, dadj);
    cki_motif_skel_free(ctx, &s);
    ck_k_clique_result_free(ctx, &res);
    return status;
}
