/* graph/... kernels: similarity. Link similarity (jaccard-similarity, cosine-similarity,
 * adamic-adar, common-neighbors) on the shared machinery below, the ranked-pair collector used by
 * value-similarity as well (similarity_value.c), and the family's kernel table.
 *
 * All-pairs mode is wedge enumeration: for each u, walk z ∈ Γ(u) and then v ∈ Γᵀ(z) with v > u
 * (Γᵀ(z) = {x : z ∈ Γ(x)}, sorted, so the walk runs from the end of the row down to u), counting
 * common neighbours in a dense per-thread counter with a touched list: O(Σ_z |Γᵀ(z)|²/2) time,
 * O(threads · n) scratch. Rows are scheduled dynamically over threads; each thread keeps its pairs
 * (or a bounded heap of its best top_k) and the buffers are merged and sorted by the total pair
 * order, so the output never depends on the thread count. Per-pair sums (Adamic–Adar, weighted
 * cosine) always run over z ascending, in both modes, so they are bitwise reproducible. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "similarity_internal.h"

/* ================================================================ shared machinery */

ck_status_t cki_sim_collect_init(ck_ctx_t *ctx, cki_sim_collect_t *c, int threads, ck_idx_t top_k)
{
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    c->top_k = top_k > 0 ? (size_t)top_k : 0;
    c->threads = threads < 1 ? 1 : threads;
    c->buf = cki_calloc(ctx, (size_t)c->threads, sizeof *c->buf);
    return c->buf ? CK_OK : cki_nomem(ctx);
}

void cki_sim_collect_free(cki_sim_collect_t *c)
{
    if (c->buf)
        for (int t = 0; t < c->threads; t++) cki_free(c->ctx, c->buf[t].e);
    cki_free(c->ctx, c->buf);
    c->buf = NULL;
}

bool cki_sim_grow(cki_sim_collect_t *c, cki_sim_buf_t *b)
{
    size_t cap = b->cap ? 2 * b->cap : 1024;
    if (c->top_k && cap > c->top_k) cap = c->top_k;
    void *p = NULL;
    if (cap <= SIZE_MAX / sizeof *b->e) {
        /* The ctx allocator need not be thread-safe: one allocation at a time. */
        CKI_OMP(omp critical)
        p = cki_realloc(c->ctx, b->e, cap * sizeof *b->e);
    }
    if (!p) {
        b->failed = true;
        return false;
    }
    b->e = p;
    b->cap = cap;
    return true;
}

static int entry_cmp(const void *pa, const void *pb)
{
    const cki_sim_entry_t *a = pa, *b = pb;
    return cki_sim_before(a, b) ? -1 : cki_sim_before(b, a) ? 1 : 0;
}

/* LSD radix sort on the 128-bit key (~bits(score), u, v): scores are >= 0 and never NaN, so the
 * bit patterns of the doubles order like the values (-0 is folded into +0) and the key orders
 * exactly as cki_sim_before. 11-bit digits (3 per 32-bit word); a digit that is the same in every
 * entry (the high bits of u and v on all but huge graphs) costs no pass. */
#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)

/* Word w of the key, least significant first: v, u, then the low and high halves of ~bits(s). */
static inline uint32_t radix_word(const cki_sim_entry_t *e, int w)
{
    if (w == 0) return e->v;
    if (w == 1) return e->u;
    double s = e->s + 0.0;
    uint64_t bits;
    memcpy(&bits, &s, sizeof bits);
    return w == 2 ? ~(uint32_t)bits : ~(uint32_t)(bits >> 32);
}

static void radix_pass(const cki_sim_entry_t *src, cki_sim_entry_t *dst, size_t n, size_t *c, const int w, int sh)
{
    for (size_t i = 0; i < n; i++) dst[c[(radix_word(&src[i], w) >> sh) & (RADIX_SIZE - 1)]++] = src[i];
}

void cki_sim_sort(ck_ctx_t *ctx, cki_sim_entry_t *e, size_t n)
{
    if (n < 1) return;
    size_t *count = n >= 4096 ? cki_calloc(ctx, 12 * (size_t)RADIX_SIZE, sizeof *count) : NULL;
    cki_sim_entry_t *tmp = count ? cki_mallocarray(ctx, n, sizeof *tmp) : NULL;
    if (!tmp) { /* small, or no memory for the buffers: a comparison sort in place */
        cki_free(ctx, count);
        qsort(e, n, sizeof *e, entry_cmp);
        return;
    }
    for (size_t i = 0; i < n; i++)
        for (int w = 0; w < 4; w++) {
            uint32_t x = radix_word(&e[i], w);
            size_t *c = count + (size_t)w * 3 * RADIX_SIZE;
            c[x & (RADIX_SIZE - 1)]++;
            c[RADIX_SIZE + ((x >> RADIX_BITS) & (RADIX_SIZE - 1))]++;
            c[2 * RADIX_SIZE + (x >> (2 * RADIX_BITS))]++;
        }
    cki_sim_entry_t *src = e, *dst = tmp;
    for (int d = 0; d < 12; d++) {
        size_t *c = count + (size_t)d * RADIX_SIZE;
        int w = d / 3, sh = (d % 3) * RADIX_BITS;
        if (c[(radix_word(&src[0], w) >> sh) & (RADIX_SIZE - 1)] == n) continue; /* constant digit */
        size_t sum = 0;
        for (uint32_t b = 0; b < RADIX_SIZE; b++) {
            size_t t = c[b];
            c[b] = sum;
            sum += t;
        }
        switch (w) { /* constant word index: the key extraction specialises */
        case 0: radix_pass(src, dst, n, c, 0, sh); break;
        case 1: radix_pass(src, dst, n, c, 1, sh); break;
        case 2: radix_pass(src, dst, n, c, 2, sh); break;
        default: radix_pass(src, dst, n, c, 3, sh); break;
        }
        cki_sim_entry_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != e) memcpy(e, src, n * sizeof *e);
    cki_free(ctx, tmp);
    cki_free(ctx, count);
}

ck_status_t cki_sim_collect_finish(cki_sim_collect_t *c, cki_sim_entry_t **out, size_t *count, bool *truncated,
                                   int64_t *candidates)
{
    *out = NULL;
    *count = 0;
    *truncated = false;
    size_t total = 0;
    int64_t kept = 0, cand = 0;
    for (int t = 0; t < c->threads; t++) {
        if (c->buf[t].failed) return cki_nomem(c->ctx);
        total += c->buf[t].len;
        kept += c->buf[t].kept;
        cand += c->buf[t].candidates;
    }
    if (candidates) *candidates = cand;
    cki_sim_entry_t *e = cki_mallocarray(c->ctx, total ? total : 1, sizeof *e);
    if (!e) return cki_nomem(c->ctx);
    size_t k = 0;
    for (int t = 0; t < c->threads; t++) {
        if (c->buf[t].len) memcpy(e + k, c->buf[t].e, c->buf[t].len * sizeof *e);
        k += c->buf[t].len;
        cki_free(c->ctx, c->buf[t].e); /* lower the peak before sorting */
        c->buf[t].e = NULL;
        c->buf[t].len = c->buf[t].cap = 0;
    }
    cki_sim_sort(c->ctx, e, total);
    *out = e;
    *count = c->top_k && total > c->top_k ? c->top_k : total;
    *truncated = c->top_k && (uint64_t)kept > (uint64_t)c->top_k;
    return CK_OK;
}

ck_status_t cki_sim_for_rows(ck_ctx_t *ctx, int threads, uint32_t n, uint32_t chunk, cki_sim_rows_fn fn, void *arg)
{
    atomic_uint_fast64_t next;
    atomic_int stop, cancelled;
    atomic_init(&next, 0);
    atomic_init(&stop, 0);
    atomic_init(&cancelled, 0);
    if (chunk < 1) chunk = 1;
    if (threads < 1) threads = 1;
    CKI_OMP(omp parallel num_threads(threads))
    {
#ifdef _OPENMP
        int tid = omp_get_thread_num();
#else
        int tid = 0;
#endif
        for (;;) {
            if (atomic_load_explicit(&stop, memory_order_relaxed)) break;
            uint64_t b = atomic_fetch_add_explicit(&next, chunk, memory_order_relaxed);
            if (b >= n) break;
            uint64_t e = b + chunk < n ? b + chunk : n;
            if (!fn(arg, tid, (uint32_t)b, (uint32_t)e)) atomic_store(&stop, 1);
            /* Thread 0 is the calling thread: it alone touches ctx (cancel flag, progress). */
            if (tid == 0 && cki_poll(ctx, (double)b / (double)n) != CK_OK) {
                atomic_store(&cancelled, 1);
                atomic_store(&stop, 1);
            }
        }
    }
    /* The calling thread polls once more: a cancel is seen even when thread 0 got no chunk. */
    return atomic_load(&cancelled) ? CK_E_CANCELLED : cki_poll(ctx, 1.0);
}

/* A result and the allocator that frees it, in one block with the row arrays behind it. */
typedef struct pair_scores_block {
    ck_pair_scores_t pub;
    ck_allocator_t alloc;
} pair_scores_block_t;

ck_status_t cki_pair_scores_new(ck_ctx_t *ctx, ck_pair_scores_t **r, size_t count, bool with_distance)
{
    *r = NULL;
    size_t head = (sizeof(pair_scores_block_t) + 15) & ~(size_t)15, per = with_distance ? 32 : 24;
    if (count > (SIZE_MAX - head) / per) return cki_nomem(ctx);
    pair_scores_block_t *b = cki_malloc(ctx, head + count * per);
    if (!b) return cki_nomem(ctx);
    memset(&b->pub, 0, sizeof b->pub);
    b->alloc = ctx->alloc;
    char *p = (char *)b + head;
    b->pub.count = (ck_idx_t)count;
    b->pub.u = (ck_idx_t *)(void *)p;
    b->pub.v = b->pub.u + count;
    b->pub.score = (double *)(void *)(b->pub.v + count);
    b->pub.distance = with_distance ? b->pub.score + count : NULL;
    *r = &b->pub;
    return CK_OK;
}

void ck_pair_scores_destroy(ck_pair_scores_t **r)
{
    if (!r || !*r) return;
    pair_scores_block_t *b = (pair_scores_block_t *)(void *)*r;
    ck_allocator_t a = b->alloc;
    a.free_fn(b, a.user);
    *r = NULL;
}

ck_status_t cki_sim_read_pairs(ck_ctx_t *ctx, const json_t *arr, const char *field, ck_idx_t n, int64_t **u,
                               int64_t **v, ck_idx_t *count)
{
    *u = *v = NULL;
    *count = 0;
    if (!json_is_array(arr)) return cki_invalid(ctx, field, "expected an array of [u, v] pairs");
    size_t m = json_array_size(arr);
    if (m == 0) return CK_OK;
    int64_t *pu = cki_mallocarray(ctx, m, sizeof *pu), *pv = cki_mallocarray(ctx, m, sizeof *pv);
    ck_status_t status = CK_OK;
    char path[CKI_ERR_FIELD_MAX], sub[CKI_ERR_FIELD_MAX];
    if (!pu || !pv) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (size_t i = 0; i < m; i++) {
        const json_t *pair = json_array_get(arr, i);
        cki_path_index(path, sizeof path, field, i);
        if (!json_is_array(pair) || json_array_size(pair) != 2) {
            status = cki_invalid(ctx, path, "expected a pair [u, v]");
            goto cleanup;
        }
        for (size_t k = 0; k < 2; k++) {
            const json_t *x = json_array_get(pair, k);
            cki_path_index(sub, sizeof sub, path, k);
            if (!json_is_integer(x)) {
                status = cki_invalid(ctx, sub, "expected a node id (integer)");
                goto cleanup;
            }
            json_int_t id = json_integer_value(x);
            if (id < 0 || id >= n) {
                if (n > 0) status = cki_invalid(ctx, sub, "node %lld is out of range 0..%lld", (long long)id, (long long)n - 1);
                else status = cki_invalid(ctx, sub, "node %lld is out of range: there are no nodes", (long long)id);
                goto cleanup;
            }
            (k ? pv : pu)[i] = id;
        }
    }
    *u = pu;
    *v = pv;
    *count = (ck_idx_t)m;
    pu = pv = NULL;
cleanup:
    cki_free(ctx, pu);
    cki_free(ctx, pv);
    return status;
}

ck_status_t cki_sim_append_row(ck_ctx_t *ctx, json_t *rows, int64_t u, int64_t v, json_t *x, json_t *y, int nvals)
{
    json_t *row = json_array();
    bool ok = row && !json_array_append_new(row, json_integer(u)) && !json_array_append_new(row, json_integer(v));
    if (ok && x) ok = !json_array_append_new(row, x);
    else ok = false, json_decref(x);
    if (nvals > 1) {
        if (ok && y) ok = !json_array_append_new(row, y);
        else ok = false, json_decref(y);
    }
    if (!ok) {
        json_decref(row);
        return cki_nomem(ctx);
    }
    return json_array_append_new(rows, row) ? cki_nomem(ctx) : CK_OK;
}

ck_status_t cki_sim_check_pairs(ck_ctx_t *ctx, const ck_idx_t *u, const ck_idx_t *v, ck_idx_t n_pairs, ck_idx_t n)
{
    if (n_pairs < 0) return cki_invalid(ctx, "n_pairs", "must be >= 0, got %lld", (long long)n_pairs);
    if (n_pairs > 0 && (!u || !v)) return cki_invalid(ctx, !u ? "u" : "v", "must not be NULL when n_pairs > 0");
    for (ck_idx_t i = 0; i < n_pairs; i++) {
        for (int k = 0; k < 2; k++) {
            ck_idx_t x = k ? v[i] : u[i];
            if (x < 0 || x >= n) {
                char path[CKI_ERR_FIELD_MAX];
                cki_path_index(path, sizeof path, k ? "v" : "u", (size_t)i);
                return cki_invalid(ctx, path, "node %lld is out of range 0..%lld", (long long)x, (long long)n - 1);
            }
        }
    }
    return CK_OK;
}

/* ================================================================ link similarity */

typedef enum link_metric { LM_JACCARD, LM_COSINE, LM_ADAMIC_ADAR, LM_COMMON } link_metric_t;

/* What the inner loop accumulates besides the count. */
enum { ACC_NONE = 0, ACC_ZTERM = 1, ACC_WEIGHT = 2 };

/* The compared neighbourhoods Γ (rows off/adj) and their transpose Γᵀ (rows toff/tadj). */
typedef struct link {
    link_metric_t metric;
    int acc;         /* ACC_* */
    const ck_graph_t *g;
    uint32_t n;
    const int64_t *off, *toff;
    const uint32_t *adj, *tadj;
    const double *nw, *ntw; /* weighted cosine: unit-norm row weights of Γ, and the same per Γᵀ entry */
    const double *zterm;    /* Adamic–Adar: 1/ln c(z) (0 when c(z) < 2), or 1/c(z) */
    double min_score;
    bool exclude;
    /* owned storage */
    int64_t *m_off;
    uint32_t *m_adj;
    double *m_w, *own_nw, *own_ntw, *own_zterm;
} link_t;

static void link_free(ck_ctx_t *ctx, link_t *L)
{
    cki_free(ctx, L->m_off);
    cki_free(ctx, L->m_adj);
    cki_free(ctx, L->m_w);
    cki_free(ctx, L->own_nw);
    cki_free(ctx, L->own_ntw);
    cki_free(ctx, L->own_zterm);
}

void ck_link_similarity_options_init(ck_link_similarity_options_t *opt)
{
    if (!opt) return;
    memset(opt, 0, sizeof *opt);
    opt->neighborhood = CK_SIM_OUT;
    opt->min_score = 0.0;
    opt->exclude_edges = false;
    opt->top_k = 1000;
    opt->use_weights = false;
    opt->variant = CK_AA_ADAMIC_ADAR;
}

static ck_status_t check_link_options(ck_ctx_t *ctx, const ck_link_similarity_options_t *o)
{
    if ((unsigned)o->neighborhood > CK_SIM_ALL)
        return cki_invalid(ctx, "opt.neighborhood", "unknown value %d", (int)o->neighborhood);
    if ((unsigned)o->variant > CK_AA_RESOURCE_ALLOCATION)
        return cki_invalid(ctx, "opt.variant", "unknown value %d", (int)o->variant);
    if (o->top_k < 0) return cki_invalid(ctx, "opt.top_k", "must be >= 0 (0 = no limit), got %lld", (long long)o->top_k);
    if (isnan(o->min_score)) return cki_invalid(ctx, "opt.min_score", "must not be NaN");
    return CK_OK;
}

/* Γ = N⁺ ∪ N⁻ of a directed graph: merged sorted rows, weights w(u→z) + w(z→u) when wanted. */
static ck_status_t build_all(ck_ctx_t *ctx, link_t *L, bool weights)
{
    const ck_graph_t *g = L->g;
    uint32_t n = g->n;
    int threads = cki_threads(ctx);
    (void)threads; /* only OpenMP pragmas use it */
    L->m_off = cki_mallocarray(ctx, (size_t)n + 1, sizeof *L->m_off);
    if (!L->m_off) return cki_nomem(ctx);
    L->m_off[0] = 0;
    int64_t *deg = L->m_off + 1;
    CKI_OMP(omp parallel for num_threads(threads) schedule(static, 1024))
    for (int64_t u = 0; u < (int64_t)n; u++) {
        int64_t i = g->out_off[u], ie = g->out_off[u + 1], j = g->in_off[u], je = g->in_off[u + 1], d = 0;
        while (i < ie && j < je) {
            uint32_t a = g->out_adj[i], b = g->in_adj[j];
            i += a <= b;
            j += b <= a;
            d++;
        }
        deg[u] = d + (ie - i) + (je - j);
    }
    for (uint32_t u = 0; u < n; u++) L->m_off[u + 1] += L->m_off[u];
    size_t nnz = (size_t)L->m_off[n];
    L->m_adj = cki_mallocarray(ctx, nnz ? nnz : 1, sizeof *L->m_adj);
    if (weights) L->m_w = cki_mallocarray(ctx, nnz ? nnz : 1, sizeof *L->m_w);
    if (!L->m_adj || (weights && !L->m_w)) return cki_nomem(ctx);
    uint32_t *adj = L->m_adj;
    double *w = L->m_w;
    const int64_t *off = L->m_off;
    CKI_OMP(omp parallel for num_threads(threads) schedule(static, 1024))
    for (int64_t u = 0; u < (int64_t)n; u++) {
        int64_t i = g->out_off[u], ie = g->out_off[u + 1], j = g->in_off[u], je = g->in_off[u + 1], k = off[u];
        while (i < ie || j < je) {
            uint32_t a = i < ie ? g->out_adj[i] : UINT32_MAX, b = j < je ? g->in_adj[j] : UINT32_MAX;
            if (a <= b && i < ie) {
                adj[k] = a;
                if (w) w[k] = g->out_w[i] + (a == b ? g->in_w[j] : 0.0);
                i++;
                if (a == b) j++;
            } else {
                adj[k] = b;
                if (w) w[k] = g->in_w[j];
                j++;
            }
            k++;
        }
    }
    return CK_OK;
}

/* Unit-norm weights of every Γ row (per row x: scaled by its largest weight first, so no square
 * overflows), and at every Γᵀ entry (z, x) the same value as at the Γ entry (x, z): normalised by
 * x's row, so both modes multiply the same two numbers. A row of zero weights stays 0. */
static ck_status_t build_unit_weights(ck_ctx_t *ctx, link_t *L, const double *w, const double *tw)
{
    uint32_t n = L->n;
    size_t nnz = (size_t)L->off[n];
    int threads = cki_threads(ctx);
    (void)threads; /* only OpenMP pragmas use it */
    ck_status_t status = CK_OK;
    double *mx = cki_mallocarray(ctx, (size_t)n + 1, sizeof *mx), *sq = cki_mallocarray(ctx, (size_t)n + 1, sizeof *sq);
    L->own_nw = cki_mallocarray(ctx, nnz ? nnz : 1, sizeof *L->own_nw);
    L->own_ntw = cki_mallocarray(ctx, nnz ? nnz : 1, sizeof *L->own_ntw);
    if (!mx || !sq || !L->own_nw || !L->own_ntw) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    double *nw = L->own_nw, *ntw = L->own_ntw;
    const int64_t *off = L->off, *toff = L->toff;
    const uint32_t *tadj = L->tadj;
    CKI_OMP(omp parallel for num_threads(threads) schedule(static, 1024))
    for (int64_t x = 0; x < (int64_t)n; x++) {
        double m = 0, s = 0;
        for (int64_t e = off[x]; e < off[x + 1]; e++) m = w[e] > m ? w[e] : m;
        if (m > 0)
            for (int64_t e = off[x]; e < off[x + 1]; e++) s += (w[e] / m) * (w[e] / m);
        mx[x] = m;
        sq[x] = sqrt(s);
        for (int64_t e = off[x]; e < off[x + 1]; e++) nw[e] = m > 0 ? (w[e] / m) / sq[x] : 0.0;
    }
    CKI_OMP(omp parallel for num_threads(threads) schedule(static, 1024))
    for (int64_t z = 0; z < (int64_t)n; z++)
        for (int64_t e = toff[z]; e < toff[z + 1]; e++) {
            uint32_t x = tadj[e];
            ntw[e] = mx[x] > 0 ? (tw[e] / mx[x]) / sq[x] : 0.0;
        }
    L->nw = nw;
    L->ntw = ntw;
cleanup:
    cki_free(ctx, mx);
    cki_free(ctx, sq);
    return status;
}

static ck_status_t link_prepare(ck_ctx_t *ctx, link_t *L, const ck_graph_t *g, link_metric_t metric,
                                const ck_link_similarity_options_t *o)
{
    memset(L, 0, sizeof *L);
    L->metric = metric;
    L->g = g;
    L->n = g->n;
    L->min_score = o->min_score;
    L->exclude = o->exclude_edges;
    bool weighted = metric == LM_COSINE && o->use_weights;
    L->acc = metric == LM_ADAMIC_ADAR ? ACC_ZTERM : weighted ? ACC_WEIGHT : ACC_NONE;
    ck_sim_neighborhood_t nb = g->directed ? o->neighborhood : CK_SIM_OUT;
    const double *w = NULL, *tw = NULL;
    if (nb == CK_SIM_OUT) {
        L->off = g->out_off, L->adj = g->out_adj, w = g->out_w;
        L->toff = g->in_off, L->tadj = g->in_adj, tw = g->in_w;
    } else if (nb == CK_SIM_IN) {
        L->off = g->in_off, L->adj = g->in_adj, w = g->in_w;
        L->toff = g->out_off, L->tadj = g->out_adj, tw = g->out_w;
    } else {
        ck_status_t status = build_all(ctx, L, weighted);
        if (status) return status;
        L->off = L->toff = L->m_off;
        L->adj = L->tadj = L->m_adj;
        w = tw = L->m_w;
    }
    if (weighted) {
        ck_status_t status = build_unit_weights(ctx, L, w, tw);
        if (status) return status;
    }
    if (metric == LM_ADAMIC_ADAR) {
        L->own_zterm = cki_mallocarray(ctx, (size_t)L->n + 1, sizeof *L->own_zterm);
        if (!L->own_zterm) return cki_nomem(ctx);
        bool ra = o->variant == CK_AA_RESOURCE_ALLOCATION;
        for (uint32_t z = 0; z < L->n; z++) {
            /* c(z) = |{x : z ∈ Γ(x)}| = |Γᵀ(z)|: the degree on undirected graphs (as networkx). */
            int64_t c = L->toff[z + 1] - L->toff[z];
            L->own_zterm[z] = ra ? (c >= 1 ? 1.0 / (double)c : 0.0) : (c >= 2 ? 1.0 / log((double)c) : 0.0);
        }
        L->zterm = L->own_zterm;
    }
    return CK_OK;
}

/* The score of (u, v) from the common-neighbour count c and the accumulated sum. */
static inline double link_score(const link_t *L, uint32_t u, uint32_t v, int64_t c, double acc)
{
    switch (L->metric) {
    case LM_JACCARD: {
        int64_t uni = (L->off[u + 1] - L->off[u]) + (L->off[v + 1] - L->off[v]) - c;
        return uni > 0 ? (double)c / (double)uni : 0.0;
    }
    case LM_COSINE: {
        if (L->acc == ACC_WEIGHT) return acc;
        int64_t du = L->off[u + 1] - L->off[u], dv = L->off[v + 1] - L->off[v];
        return du > 0 && dv > 0 ? (double)c / sqrt((double)du * (double)dv) : 0.0;
    }
    case LM_ADAMIC_ADAR: return acc;
    case LM_COMMON: return (double)c;
    }
    return 0.0;
}

/* |Γ(u) ∩ Γ(v)| and the sum over common z ascending. */
static void link_intersect(const link_t *L, uint32_t u, uint32_t v, int64_t *c_out, double *acc_out)
{
    int64_t i = L->off[u], ie = L->off[u + 1], j = L->off[v], je = L->off[v + 1], c = 0;
    double acc = 0.0;
    if (ie - i > je - j) { /* i walks the shorter row */
        int64_t t = i;
        i = j, j = t;
        t = ie;
        ie = je, je = t;
    }
    const uint32_t *adj = L->adj;
    bool gallop = (ie - i) * 32 < (je - j);
    while (i < ie && j < je) {
        uint32_t a = adj[i];
        if (gallop) { /* first j with adj[j] >= a */
            int64_t lo = j, hi = je;
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (adj[mid] < a) lo = mid + 1;
                else hi = mid;
            }
            j = lo;
            if (j == je) break;
        }
        uint32_t b = adj[j];
        if (a < b) i++;
        else if (b < a) j++;
        else {
            c++;
            if (L->acc == ACC_ZTERM) acc += L->zterm[a];
            else if (L->acc == ACC_WEIGHT) acc += L->nw[i] * L->nw[j];
            i++, j++;
        }
    }
    *c_out = c;
    *acc_out = acc;
}

/* ---------------------------------------------------------------- all-pairs */

typedef struct link_run {
    const link_t *L;
    cki_sim_collect_t *col;
    uint32_t *cnt, *touched; /* per thread: n each */
    double *acc;             /* per thread: n (ACC_ZTERM / ACC_WEIGHT) */
} link_run_t;

static inline bool link_rows_k(const link_run_t *R, int tid, uint32_t begin, uint32_t end, const int kind)
{
    const link_t *L = R->L;
    const ck_graph_t *g = L->g;
    size_t n = L->n;
    uint32_t *cnt = R->cnt + (size_t)tid * n, *touched = R->touched + (size_t)tid * n;
    double *acc = kind != ACC_NONE ? R->acc + (size_t)tid * n : NULL;
    cki_sim_buf_t *buf = &R->col->buf[tid];
    const int64_t *off = L->off, *toff = L->toff;
    const uint32_t *adj = L->adj, *tadj = L->tadj;
    for (uint32_t u = begin; u < end; u++) {
        size_t nt = 0;
        for (int64_t e = off[u]; e < off[u + 1]; e++) {
            uint32_t z = adj[e];
            double t = kind == ACC_ZTERM ? L->zterm[z] : kind == ACC_WEIGHT ? L->nw[e] : 0.0;
            for (int64_t i = toff[z + 1] - 1; i >= toff[z]; i--) {
                uint32_t v = tadj[i];
                if (v <= u) break;
                if (!cnt[v]) touched[nt++] = v;
                cnt[v]++;
                if (kind == ACC_ZTERM) acc[v] += t;
                else if (kind == ACC_WEIGHT) acc[v] += t * L->ntw[i];
            }
        }
        buf->candidates += (int64_t)nt;
        if (L->exclude) { /* a zero count marks a pair joined by an edge (either direction) */
            for (int64_t i = g->out_off[u + 1] - 1; i >= g->out_off[u] && g->out_adj[i] > u; i--) cnt[g->out_adj[i]] = 0;
            if (g->directed)
                for (int64_t i = g->in_off[u + 1] - 1; i >= g->in_off[u] && g->in_adj[i] > u; i--) cnt[g->in_adj[i]] = 0;
        }
        for (size_t k = 0; k < nt; k++) {
            uint32_t v = touched[k];
            if (cnt[v]) {
                double s = link_score(L, u, v, cnt[v], kind != ACC_NONE ? acc[v] : 0.0);
                if (s >= L->min_score) cki_sim_push(R->col, buf, s, u, v);
                cnt[v] = 0;
            }
            if (kind != ACC_NONE) acc[v] = 0.0;
        }
        if (buf->failed) return false;
    }
    return true;
}

static bool link_rows(void *arg, int tid, uint32_t begin, uint32_t end)
{
    const link_run_t *R = arg;
    switch (R->L->acc) {
    case ACC_ZTERM: return link_rows_k(R, tid, begin, end, ACC_ZTERM);
    case ACC_WEIGHT: return link_rows_k(R, tid, begin, end, ACC_WEIGHT);
    default: return link_rows_k(R, tid, begin, end, ACC_NONE);
    }
}

static ck_status_t link_all(ck_ctx_t *ctx, ck_pair_scores_t **result, const ck_graph_t *g, link_metric_t metric,
                            const ck_link_similarity_options_t *opt)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!result) return cki_invalid(ctx, "result", "must not be NULL");
    *result = NULL;
    if (!g) return cki_invalid(ctx, "g", "must not be NULL");
    ck_link_similarity_options_t o;
    if (opt) o = *opt;
    else ck_link_similarity_options_init(&o);
    ck_status_t status = check_link_options(ctx, &o);
    if (status) return status;

    link_t L;
    link_run_t R = {0};
    cki_sim_collect_t col = {0};
    cki_sim_entry_t *e = NULL;
    size_t count = 0;
    bool truncated = false;
    int64_t candidates = 0;
    CK_TRY(link_prepare(ctx, &L, g, metric, &o));
    size_t n = L.n;
    if (n > 0) {
        /* Scratch is threads·n·(8 or 16) bytes: fewer threads for graphs too big for that. */
        int threads = cki_threads(ctx);
        size_t per = L.acc != ACC_NONE ? 16 : 8, budget = (size_t)1 << 31;
        if ((size_t)threads * n * per > budget) threads = (int)(budget / (n * per)) > 1 ? (int)(budget / (n * per)) : 1;
        CK_TRY(cki_sim_collect_init(ctx, &col, threads, o.top_k));
        R.L = &L;
        R.col = &col;
        R.cnt = cki_calloc(ctx, (size_t)threads * n, sizeof *R.cnt);
        R.touched = cki_mallocarray(ctx, (size_t)threads * n, sizeof *R.touched);
        if (L.acc != ACC_NONE) R.acc = cki_calloc(ctx, (size_t)threads * n, sizeof *R.acc);
        if (!R.cnt || !R.touched || (L.acc != ACC_NONE && !R.acc)) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        CK_TRY(cki_sim_for_rows(ctx, threads, (uint32_t)n, 64, link_rows, &R));
        CK_TRY(cki_sim_collect_finish(&col, &e, &count, &truncated, &candidates));
    }
    CK_TRY(cki_pair_scores_new(ctx, result, count, false));
    for (size_t i = 0; i < count; i++) {
        (*result)->u[i] = e[i].u;
        (*result)->v[i] = e[i].v;
        (*result)->score[i] = e[i].s;
    }
    (*result)->candidates = candidates;
    (*result)->truncated = truncated;
    status = CK_OK;
cleanup:
    cki_free(ctx, e);
    cki_free(ctx, R.cnt);
    cki_free(ctx, R.touched);
    cki_free(ctx, R.acc);
    cki_sim_collect_free(&col);
    link_free(ctx, &L);
    return status;
}

/* ---------------------------------------------------------------- pairs */

static ck_status_t link_pairs(ck_ctx_t *ctx, double *scores, int64_t *counts, ck_idx_t *candidates, const ck_graph_t *g,
                              const ck_idx_t *u, const ck_idx_t *v, ck_idx_t n_pairs, link_metric_t metric,
                              const ck_link_similarity_options_t *opt)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!g) return cki_invalid(ctx, "g", "must not be NULL");
    if (n_pairs > 0 && !scores && !counts) return cki_invalid(ctx, "scores", "must not be NULL when n_pairs > 0");
    ck_link_similarity_options_t o;
    if (opt) o = *opt;
    else ck_link_similarity_options_init(&o);
    ck_status_t status = check_link_options(ctx, &o);
    if (status) return status;
    if ((status = cki_sim_check_pairs(ctx, u, v, n_pairs, g->n))) return status;
    link_t L;
    if ((status = link_prepare(ctx, &L, g, metric, &o))) {
        link_free(ctx, &L);
        return status;
    }
    int threads = cki_threads(ctx);
    (void)threads; /* only OpenMP pragmas use it */
    int64_t cand = 0;
    const ck_idx_t block = 1 << 16;
    for (ck_idx_t b = 0; b < n_pairs && !status; b += block) {
        ck_idx_t e = b + block < n_pairs ? b + block : n_pairs;
        int64_t bc = 0;
        CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 256) reduction(+ : bc))
        for (ck_idx_t i = b; i < e; i++) {
            int64_t c;
            double acc;
            link_intersect(&L, (uint32_t)u[i], (uint32_t)v[i], &c, &acc);
            bc += c > 0;
            if (counts) counts[i] = c;
            else scores[i] = link_score(&L, (uint32_t)u[i], (uint32_t)v[i], c, acc);
        }
        cand += bc;
        status = cki_poll(ctx, (double)e / (double)n_pairs);
    }
    if (candidates && !status) *candidates = cand;
    link_free(ctx, &L);
    return status;
}

#define LINK_API(name, metric)                                                                                        \
    ck_status_t ck_##name(ck_ctx_t *ctx, ck_pair_scores_t **result, const ck_graph_t *g,                             \
                          const ck_link_similarity_options_t *opt)                                                   \
    {                                                                                                                \
        return link_all(ctx, result, g, metric, opt);                                                                \
    }                                                                                                                \
    ck_status_t ck_##name##_pairs(ck_ctx_t *ctx, double *scores, ck_idx_t *candidates, const ck_graph_t *g,          \
                                  const ck_idx_t *u, const ck_idx_t *v, ck_idx_t n_pairs,                            \
                                  const ck_link_similarity_options_t *opt)                                           \
    {                                                                                                                \
        return link_pairs(ctx, scores, NULL, candidates, g, u, v, n_pairs, metric, opt);                             \
    }

LINK_API(jaccard_similarity, LM_JACCARD)
LINK_API(cosine_similarity, LM_COSINE)
LINK_API(adamic_adar, LM_ADAMIC_ADAR)

ck_status_t ck_common_neighbors(ck_ctx_t *ctx, ck_pair_scores_t **result, const ck_graph_t *g,
                                const ck_link_similarity_options_t *opt)
{
    return link_all(ctx, result, g, LM_COMMON, opt);
}

ck_status_t ck_common_neighbors_pairs(ck_ctx_t *ctx, int64_t *counts, ck_idx_t *candidates, const ck_graph_t *g,
                                      const ck_idx_t *u, const ck_idx_t *v, ck_idx_t n_pairs,
                                      const ck_link_similarity_options_t *opt)
{
    if (ctx && n_pairs > 0 && !counts) return cki_invalid(ctx, "counts", "must not be NULL when n_pairs > 0");
    return link_pairs(ctx, NULL, counts, candidates, g, u, v, n_pairs, LM_COMMON, opt);
}

/* ---------------------------------------------------------------- JSON */

static ck_status_t link_json(ck_ctx_t *ctx, const json_t *in, json_t *out, ck_run_info_t *info, link_metric_t metric)
{
    const ck_graph_t *g = NULL;
    ck_graph_t *owned = NULL;
    int64_t *pu = NULL, *pv = NULL, *counts = NULL;
    double *scores = NULL;
    ck_pair_scores_t *r = NULL;
    json_t *rows = NULL;
    ck_idx_t np = 0, candidates = 0;
    bool truncated = false;
    ck_status_t status;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    ck_link_similarity_options_t o;
    ck_link_similarity_options_init(&o);
    const char *nb = json_string_value(json_object_get(in, "neighborhood"));
    o.neighborhood = strcmp(nb, "in") == 0 ? CK_SIM_IN : strcmp(nb, "all") == 0 ? CK_SIM_ALL : CK_SIM_OUT;
    o.min_score = json_number_value(json_object_get(in, "min_score"));
    o.exclude_edges = json_is_true(json_object_get(in, "exclude_edges"));
    o.top_k = (ck_idx_t)json_integer_value(json_object_get(in, "top_k"));
    if (metric == LM_COSINE) o.use_weights = json_is_true(json_object_get(in, "use_weights"));
    if (metric == LM_ADAMIC_ADAR)
        o.variant = strcmp(json_string_value(json_object_get(in, "variant")), "resource_allocation") == 0
                        ? CK_AA_RESOURCE_ALLOCATION
                        : CK_AA_ADAMIC_ADAR;
    rows = json_array();
    if (!rows) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    const json_t *jp = json_object_get(in, "pairs");
    if (jp) {
        CK_TRY(cki_sim_read_pairs(ctx, jp, "pairs", g->n, &pu, &pv, &np));
        if (np) {
            if (metric == LM_COMMON) counts = cki_mallocarray(ctx, (size_t)np, sizeof *counts);
            else scores = cki_mallocarray(ctx, (size_t)np, sizeof *scores);
            if (!counts && !scores) {
                status = cki_nomem(ctx);
                goto cleanup;
            }
        }
        switch (metric) {
        case LM_JACCARD: CK_TRY(ck_jaccard_similarity_pairs(ctx, scores, &candidates, g, pu, pv, np, &o)); break;
        case LM_COSINE: CK_TRY(ck_cosine_similarity_pairs(ctx, scores, &candidates, g, pu, pv, np, &o)); break;
        case LM_ADAMIC_ADAR: CK_TRY(ck_adamic_adar_pairs(ctx, scores, &candidates, g, pu, pv, np, &o)); break;
        case LM_COMMON: CK_TRY(ck_common_neighbors_pairs(ctx, counts, &candidates, g, pu, pv, np, &o)); break;
        }
        for (ck_idx_t i = 0; i < np; i++) {
            CK_TRY(cki_sim_append_row(ctx, rows, pu[i], pv[i],
                                      counts ? json_integer(counts[i]) : cki_json_real_new(scores[i]), NULL, 1));
        }
    } else {
        CK_TRY(link_all(ctx, &r, g, metric, &o));
        for (ck_idx_t i = 0; i < r->count; i++) {
            CK_TRY(cki_sim_append_row(ctx, rows, r->u[i], r->v[i],
                                      metric == LM_COMMON ? json_integer((json_int_t)r->score[i])
                                                          : cki_json_real_new(r->score[i]),
                                      NULL, 1));
        }
        candidates = r->candidates;
        truncated = r->truncated;
    }
    json_t *rows_out = rows; /* cki_json_set takes it, also when it fails */
    rows = NULL;
    CK_TRY(cki_json_set(ctx, out, "pairs", rows_out));
    CK_TRY(cki_json_set(ctx, out, "candidates", json_integer(candidates)));
    CK_TRY(cki_json_set(ctx, out, "truncated", json_boolean(truncated)));
cleanup:
    json_decref(rows);
    ck_pair_scores_destroy(&r);
    cki_free(ctx, pu);
    cki_free(ctx, pv);
    cki_free(ctx, counts);
    cki_free(ctx, scores);
    ck_graph_destroy(&owned);
    return status;
}

static ck_status_t jaccard_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out, ck_run_info_t *info)
{
    (void)k;
    return link_json(ctx, in, out, info, LM_JACCARD);
}
static ck_status_t cosine_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out, ck_run_info_t *info)
{
    (void)k;
    return link_json(ctx, in, out, info, LM_COSINE);
}
static ck_status_t adamic_adar_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                                    ck_run_info_t *info)
{
    (void)k;
    return link_json(ctx, in, out, info, LM_ADAMIC_ADAR);
}
static ck_status_t common_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out, ck_run_info_t *info)
{
    (void)k;
    return link_json(ctx, in, out, info, LM_COMMON);
}

/* ================================================================ table */

#define LINK_CONTRACT_PARAMS                                                                                          \
    CKI_GRAPH_PARAM,                                                                                                 \
        {.name = "neighborhood", .type = CK_PT_ENUM, .default_json = "\"out\"", .choices = "out|in|all",             \
         .doc = "directed graphs: compare out-neighbours (N+), in-neighbours (N-) or both (N+ ∪ N-); undirected: N(u)"}, \
        {.name = "pairs", .type = CK_PT_ARRAY,                                                                       \
         .doc = "[[u, v], ...]: score exactly these pairs, in this order (u = v allowed); absent = all-pairs mode"}, \
        {.name = "min_score", .type = CK_PT_REAL, .default_json = "0",                                               \
         .doc = "all-pairs: keep pairs whose score is >= min_score"},                                                \
        {.name = "exclude_edges", .type = CK_PT_BOOL, .default_json = "false",                                       \
         .doc = "all-pairs: drop pairs joined by an edge (either direction): link prediction"},                      \
        {.name = "top_k", .type = CK_PT_INT, .default_json = "1000", .has_min = true, .min = 0,                      \
         .doc = "all-pairs: keep the best top_k pairs (0 = no limit)"}

static const ck_param_t jaccard_params[] = {LINK_CONTRACT_PARAMS};
static const ck_param_t cosine_params[] = {
    LINK_CONTRACT_PARAMS,
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "false",
     .doc = "cosine of the weighted adjacency rows (weights: strength; \"all\" sums w(u,z) + w(z,u))"},
};
static const ck_param_t adamic_adar_params[] = {
    LINK_CONTRACT_PARAMS,
    {.name = "variant", .type = CK_PT_ENUM, .default_json = "\"adamic_adar\"", .choices = "adamic_adar|resource_allocation",
     .doc = "adamic_adar: sum of 1/ln c(z); resource_allocation: sum of 1/c(z)"},
};
static const ck_param_t common_params[] = {LINK_CONTRACT_PARAMS};

static const ck_param_t link_outputs[] = {
    {.name = "pairs", .type = CK_PT_ARRAY,
     .doc = "[[u, v, score], ...]: all-pairs mode sorted by score desc, u asc, v asc (u < v); pairs mode in input order"},
    {.name = "candidates", .type = CK_PT_INT, .doc = "pairs with at least one common neighbour (pairs mode: listed ones)"},
    {.name = "truncated", .type = CK_PT_BOOL, .doc = "more pairs passed the filters than top_k"},
};
static const ck_param_t common_outputs[] = {
    {.name = "pairs", .type = CK_PT_ARRAY,
     .doc = "[[u, v, count], ...] with integer counts; all-pairs mode sorted by count desc, u asc, v asc"},
    {.name = "candidates", .type = CK_PT_INT, .doc = "pairs with at least one common neighbour (pairs mode: listed ones)"},
    {.name = "truncated", .type = CK_PT_BOOL, .doc = "more pairs passed the filters than top_k"},
};

static const ck_param_t value_params[] = {
    {.name = "values", .type = CK_PT_ARRAY, .required = true,
     .doc = "one array of reals per node (n arrays; a node may have none)"},
    {.name = "metric", .type = CK_PT_ENUM, .default_json = "\"jsd\"", .choices = "jsd|wasserstein",
     .doc = "jsd: Jensen-Shannon distance (base 2) of histograms on shared bins; wasserstein: exact 1-D W1"},
    {.name = "bins", .type = CK_PT_INT, .default_json = "20", .has_min = true, .min = 2, .has_max = true, .max = 4096,
     .doc = "jsd: number of bins (quantile binning merges duplicate edges)"},
    {.name = "binning", .type = CK_PT_ENUM, .default_json = "\"equal_width\"", .choices = "equal_width|log|quantile",
     .doc = "jsd: bin edges from the pooled values: equal widths, equal widths in log10 (values > 0), or quantiles"},
    {.name = "pairs", .type = CK_PT_ANY, .default_json = "null",
     .doc = "[[u, v], ...] or null: score exactly these pairs (null rows for nodes without values)"},
    {.name = "target", .type = CK_PT_ANY, .default_json = "null",
     .doc = "node id or null: rank every other node against it"},
    {.name = "min_similarity", .type = CK_PT_REAL, .default_json = "0.9",
     .doc = "all-pairs: keep pairs whose similarity is >= min_similarity"},
    {.name = "top_k", .type = CK_PT_INT, .default_json = "1000", .has_min = true, .min = 0,
     .doc = "all-pairs: keep the best top_k pairs (0 = no limit)"},
};
static const ck_param_t value_outputs[] = {
    {.name = "pairs", .type = CK_PT_ARRAY,
     .doc = "[[u, v, similarity, distance], ...]: sorted by similarity desc, u, v asc (pairs mode: input order)"},
    {.name = "truncated", .type = CK_PT_BOOL, .doc = "all-pairs: more pairs passed min_similarity than top_k"},
};

#define N_(arr) (sizeof(arr) / sizeof((arr)[0]))
#define SIM_META(id_, desc_, thr_, lat_)                                                                              \
    {.id = id_, .modes = CK_MODE_BATCH, .domain = CK_DOMAIN_GRAPH, .description = desc_,                            \
     .expected_throughput = thr_, .target_latency_us = lat_, .requires_gpu_native = false, .version = 1}

#define EXAMPLE_GRAPH "{\"num_nodes\": 5, \"edges\": [[0, 1], [1, 2], [0, 3], [2, 3], [3, 4]]}"

static const ck_kernel_t similarity_kernels[] = {
    {
        .meta = SIM_META("graph/jaccard-similarity",
                         "Jaccard similarity of node neighbourhoods: listed pairs or ranked all-pairs (link prediction)",
                         50000000, 100.0),
        .params = jaccard_params, .n_params = N_(jaccard_params),
        .outputs = link_outputs, .n_outputs = N_(link_outputs),
        .example_input = "{\"graph\": " EXAMPLE_GRAPH ", \"top_k\": 5}",
        .run_json = jaccard_json,
    },
    {
        .meta = SIM_META("graph/cosine-similarity",
                         "Cosine (Salton) similarity of node neighbourhoods, optionally weighted: pairs or ranked all-pairs",
                         50000000, 100.0),
        .params = cosine_params, .n_params = N_(cosine_params),
        .outputs = link_outputs, .n_outputs = N_(link_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [0, 3], [2, 3]], "
                         "\"weights\": [1.0, 2.0, 0.5, 1.5]}, \"use_weights\": true}",
        .run_json = cosine_json,
    },
    {
        .meta = SIM_META("graph/adamic-adar",
                         "Adamic-Adar index (or resource allocation) of node pairs: pairs or ranked all-pairs",
                         50000000, 100.0),
        .params = adamic_adar_params, .n_params = N_(adamic_adar_params),
        .outputs = link_outputs, .n_outputs = N_(link_outputs),
        .example_input = "{\"graph\": " EXAMPLE_GRAPH ", \"exclude_edges\": true}",
        .run_json = adamic_adar_json,
    },
    {
        .meta = SIM_META("graph/common-neighbors",
                         "Common-neighbour counts of node pairs: pairs or ranked all-pairs", 80000000, 100.0),
        .params = common_params, .n_params = N_(common_params),
        .outputs = common_outputs, .n_outputs = N_(common_outputs),
        .example_input = "{\"graph\": " EXAMPLE_GRAPH ", \"pairs\": [[0, 2], [1, 3], [4, 4]]}",
        .run_json = common_json,
    },
    {
        .meta = SIM_META("graph/value-similarity",
                         "Similarity of per-node value distributions (Jensen-Shannon on shared bins, or Wasserstein-1)",
                         5000000, 1000.0),
        .params = value_params, .n_params = N_(value_params),
        .outputs = value_outputs, .n_outputs = N_(value_outputs),
        .example_input = "{\"values\": [[1.0, 2.0, 2.5, 3.0], [1.1, 2.1, 2.4, 3.2], [7.0, 8.0, 9.5], []], "
                         "\"bins\": 8, \"target\": 0}",
        .run_json = cki_value_similarity_json,
    },
};

const cki_kernel_table_t cki_graph_similarity_table = {similarity_kernels, N_(similarity_kernels)};
