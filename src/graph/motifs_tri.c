/* graph/triangle-counting and graph/motif-detection: the undirected skeleton, the forward
 * (degree-oriented) triangle count, and the Batagelj-Mrvar triad census. */
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "motifs_internal.h"

/* ---------------------------------------------------------------- skeleton */

/* Size of the union of two ascending rows. */
static int64_t union_size(const uint32_t *a, int64_t na, const uint32_t *b, int64_t nb)
{
    int64_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        uint32_t x = a[i], y = b[j];
        i += x <= y;
        j += y <= x;
        k++;
    }
    return k + (na - i) + (nb - j);
}

ck_status_t cki_motif_skel_init(ck_ctx_t *ctx, cki_skel_t *s, const ck_graph_t *g, bool want_dir)
{
    memset(s, 0, sizeof *s);
    s->n = g->n;
    if (!g->directed) {
        s->m = g->m;
        s->off = g->out_off;
        s->adj = g->out_adj;
        return CK_OK;
    }
    const uint32_t n = g->n;
    const int threads = cki_threads(ctx);
    (void)threads; /* unused without OpenMP */
    s->own_off = cki_mallocarray(ctx, (size_t)n + 1, sizeof *s->own_off);
    if (!s->own_off) return cki_nomem(ctx);
    int64_t *off = s->own_off;
    off[0] = 0;
    CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 1024))
    for (int64_t u = 0; u < (int64_t)n; u++)
        off[u + 1] = union_size(g->out_adj + g->out_off[u], g->out_off[u + 1] - g->out_off[u], g->in_adj + g->in_off[u],
                                g->in_off[u + 1] - g->in_off[u]);
    for (uint32_t u = 0; u < n; u++) off[u + 1] += off[u];
    s->m = off[n] / 2;
    s->own_adj = cki_mallocarray(ctx, (size_t)off[n], sizeof *s->own_adj);
    if (want_dir) s->own_dir = cki_mallocarray(ctx, (size_t)off[n], sizeof *s->own_dir);
    if ((off[n] && !s->own_adj) || (want_dir && off[n] && !s->own_dir)) {
        cki_motif_skel_free(ctx, s);
        return cki_nomem(ctx);
    }
    uint32_t *adj = s->own_adj;
    uint8_t *dir = s->own_dir;
    CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 1024))
    for (int64_t u = 0; u < (int64_t)n; u++) {
        const uint32_t *a = g->out_adj + g->out_off[u], *b = g->in_adj + g->in_off[u];
        const int64_t na = g->out_off[u + 1] - g->out_off[u], nb = g->in_off[u + 1] - g->in_off[u];
        int64_t i = 0, j = 0, k = off[u];
        while (i < na || j < nb) {
            uint32_t x = i < na ? a[i] : UINT32_MAX, y = j < nb ? b[j] : UINT32_MAX;
            uint8_t d = (uint8_t)((x <= y ? 1 : 0) | (y <= x ? 2 : 0));
            adj[k] = x <= y ? x : y;
            if (dir) dir[k] = d;
            k++;
            i += x <= y;
            j += y <= x;
        }
    }
    s->off = off;
    s->adj = adj;
    s->dir = dir;
    return CK_OK;
}

void cki_motif_skel_free(ck_ctx_t *ctx, cki_skel_t *s)
{
    cki_free(ctx, s->own_off);
    cki_free(ctx, s->own_adj);
    cki_free(ctx, s->own_dir);
    memset(s, 0, sizeof *s);
}

/* ---------------------------------------------------------------- forward orientation */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void sort_row(uint32_t *r, int64_t d)
{
    if (d > 32) {
        qsort(r, (size_t)d, sizeof *r, cmp_u32);
        return;
    }
    for (int64_t i = 1; i < d; i++) {
        uint32_t x = r[i];
        int64_t j = i;
        while (j > 0 && r[j - 1] > x) {
            r[j] = r[j - 1];
            j--;
        }
        r[j] = x;
    }
}

ck_status_t cki_tri_fwd_build(ck_ctx_t *ctx, cki_tri_fwd_t *f, const cki_skel_t *s)
{
    memset(f, 0, sizeof *f);
    const uint32_t n = s->n;
    const int threads = cki_threads(ctx);
    (void)threads; /* unused without OpenMP */
    int64_t *bin = NULL;
    int64_t max_deg = 0;
    for (uint32_t u = 0; u < n; u++)
        if (s->off[u + 1] - s->off[u] > max_deg) max_deg = s->off[u + 1] - s->off[u];
    f->n = n;
    f->m = s->m;
    f->off = cki_mallocarray(ctx, (size_t)n + 1, sizeof *f->off);
    f->adj = cki_mallocarray(ctx, (size_t)s->m, sizeof *f->adj);
    f->perm = cki_mallocarray(ctx, (size_t)n, sizeof *f->perm);
    bin = cki_calloc(ctx, (size_t)max_deg + 1, sizeof *bin);
    if (!f->off || (s->m && !f->adj) || (n && !f->perm) || !bin) {
        cki_free(ctx, bin);
        cki_tri_fwd_free(ctx, f);
        return cki_nomem(ctx);
    }
    /* perm = position in ascending (degree, id) order: a counting sort by degree, stable by id. */
    uint32_t *perm = f->perm;
    for (uint32_t u = 0; u < n; u++) bin[s->off[u + 1] - s->off[u]]++;
    for (int64_t d = 0, start = 0; d <= max_deg; d++) {
        int64_t c = bin[d];
        bin[d] = start;
        start += c;
    }
    for (uint32_t u = 0; u < n; u++) perm[u] = (uint32_t)bin[s->off[u + 1] - s->off[u]]++;
    cki_free(ctx, bin);
    /* Out-degrees in the new ids, then rows (sorted by new id). */
    int64_t *off = f->off;
    off[0] = 0;
    CKI_OMP(omp parallel for num_threads(threads) schedule(static, 4096))
    for (int64_t u = 0; u < (int64_t)n; u++) {
        int64_t c = 0;
        for (int64_t i = s->off[u]; i < s->off[u + 1]; i++) c += perm[s->adj[i]] > perm[u];
        off[perm[u] + 1] = c;
    }
    int64_t max_out = 0;
    for (uint32_t u = 0; u < n; u++) {
        if (off[u + 1] > max_out) max_out = off[u + 1];
        off[u + 1] += off[u];
    }
    f->max_out = max_out;
    uint32_t *adj = f->adj;
    CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 1024))
    for (int64_t u = 0; u < (int64_t)n; u++) {
        const uint32_t pu = perm[u];
        int64_t k = off[pu];
        for (int64_t i = s->off[u]; i < s->off[u + 1]; i++)
            if (perm[s->adj[i]] > pu) adj[k++] = perm[s->adj[i]];
        sort_row(adj + off[pu], k - off[pu]);
    }
    return CK_OK;
}

void cki_tri_fwd_free(ck_ctx_t *ctx, cki_tri_fwd_t *f)
{
    cki_free(ctx, f->off);
    cki_free(ctx, f->adj);
    cki_free(ctx, f->perm);
    memset(f, 0, sizeof *f);
}

/* ---------------------------------------------------------------- triangle count */

/* Triangles with u as their lowest-ranked node. mark (length n, zero on entry and on return)
 * marks u's out-neighbours with their position + 1; acc (length >= out-degree of u, zero on entry
 * and on return) collects, per position p of u's out-list, the triangles through out(u)[p]. The
 * cost is sum over v in out(u) of |out(v)|: no pass over out(u) per edge as a merge would make. */
static int64_t tri_node(const cki_tri_fwd_t *f, uint32_t u, uint32_t *mark, int64_t *acc)
{
    const uint32_t *A = f->adj + f->off[u];
    const int64_t na = f->off[u + 1] - f->off[u];
    int64_t tu = 0;
    for (int64_t p = 0; p < na; p++) mark[A[p]] = (uint32_t)p + 1;
    for (int64_t i = 0; i < na; i++) {
        const uint32_t v = A[i];
        const uint32_t *B = f->adj + f->off[v];
        const int64_t nb = f->off[v + 1] - f->off[v];
        int64_t c = 0;
        if (acc) {
            for (int64_t q = 0; q < nb; q++) {
                const uint32_t pos = mark[B[q]];
                if (pos) {
                    acc[pos - 1]++;
                    c++;
                }
            }
            acc[i] += c;
        } else {
            for (int64_t q = 0; q < nb; q++) c += mark[B[q]] != 0;
        }
        tu += c;
    }
    for (int64_t p = 0; p < na; p++) mark[A[p]] = 0;
    return tu;
}

ck_status_t cki_tri_count_fwd(ck_ctx_t *ctx, int64_t *per_node, int64_t *total, const cki_tri_fwd_t *f)
{
    const uint32_t n = f->n;
    const int threads = cki_threads(ctx);
    int64_t *accs = NULL, sum = 0;
    uint32_t *marks = NULL;
    if (per_node) memset(per_node, 0, (size_t)n * sizeof *per_node);
    if (f->max_out >= 2) { /* else there is no triangle */
        marks = cki_calloc(ctx, (size_t)threads * (size_t)n, sizeof *marks);
        if (per_node) accs = cki_calloc(ctx, (size_t)threads * (size_t)f->max_out, sizeof *accs);
        if (!marks || (per_node && !accs)) {
            cki_free(ctx, marks);
            cki_free(ctx, accs);
            return cki_nomem(ctx);
        }
    }
    if (marks) {
        CKI_OMP(omp parallel num_threads(threads) reduction(+ : sum))
        {
#ifdef _OPENMP
            const int tid = omp_get_thread_num();
#else
            const int tid = 0;
#endif
            uint32_t *mark = marks + (size_t)tid * (size_t)n;
            int64_t *acc = accs ? accs + (size_t)tid * (size_t)f->max_out : NULL;
            int64_t since_poll = 0;
            CKI_OMP(omp for schedule(dynamic, 64) nowait)
            for (int64_t uu = 0; uu < (int64_t)n; uu++) {
                const uint32_t u = (uint32_t)uu;
                const int64_t d = f->off[u + 1] - f->off[u];
                if (d < 2 || ck_ctx_cancelled(ctx)) continue;
                int64_t tu = tri_node(f, u, mark, acc);
                sum += tu;
                if (acc && tu) {
                    const uint32_t *A = f->adj + f->off[u];
                    CKI_OMP(omp atomic)
                    per_node[u] += tu;
                    for (int64_t p = 0; p < d; p++)
                        if (acc[p]) {
                            CKI_OMP(omp atomic)
                            per_node[A[p]] += acc[p];
                            acc[p] = 0;
                        }
                }
                since_poll += d;
                if (tid == 0 && since_poll > 4096) {
                    since_poll = 0;
                    (void)cki_poll(ctx, (double)uu / (double)n);
                }
            }
        }
    }
    cki_free(ctx, accs);
    cki_free(ctx, marks);
    ck_status_t status = cki_poll(ctx, 1.0);
    if (status) return status;
    if (total) *total = sum;
    return CK_OK;
}

ck_status_t cki_tri_count(ck_ctx_t *ctx, int64_t *per_node, int64_t *total, ck_uint128_t *sum_c2, const ck_graph_t *g)
{
    cki_skel_t s;
    cki_tri_fwd_t f;
    memset(&f, 0, sizeof f);
    int64_t *tmp = NULL; /* per-node counts in the orientation's ids */
    ck_status_t status;
    CK_TRY(cki_motif_skel_init(ctx, &s, g, false));
    if (sum_c2) {
        ck_uint128_t c2 = 0;
        for (uint32_t u = 0; u < s.n; u++) {
            ck_uint128_t d = (ck_uint128_t)(s.off[u + 1] - s.off[u]);
            if (d >= 2) c2 += d * (d - 1) / 2;
        }
        *sum_c2 = c2;
    }
    CK_TRY(cki_tri_fwd_build(ctx, &f, &s));
    cki_motif_skel_free(ctx, &s); /* the orientation holds all we need: free early */
    if (per_node && f.n) {
        tmp = cki_mallocarray(ctx, f.n, sizeof *tmp);
        if (!tmp) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
    }
    CK_TRY(cki_tri_count_fwd(ctx, tmp, total, &f));
    if (tmp)
        for (uint32_t u = 0; u < f.n; u++) per_node[u] = tmp[f.perm[u]];
cleanup:
    cki_free(ctx, tmp);
    cki_tri_fwd_free(ctx, &f);
    cki_motif_skel_free(ctx, &s);
    return status;
}

ck_status_t ck_triangle_count(ck_ctx_t *ctx, int64_t *per_node, int64_t *total, double *transitivity,
                              const ck_graph_t *g)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!g) return cki_invalid(ctx, "g", "must not be NULL");
    int64_t t = 0;
    ck_uint128_t c2 = 0;
    ck_status_t status = cki_tri_count(ctx, per_node, &t, transitivity ? &c2 : NULL, g);
    if (status) return status;
    if (total) *total = t;
    if (transitivity) *transitivity = c2 ? 3.0 * (double)t / (double)c2 : 0.0;
    return CK_OK;
}

/* ---------------------------------------------------------------- triad census */

static const char *const triad_names[CK_TRIAD_COUNT] = {"003",  "012",  "102",  "021D", "021U", "021C",
                                                        "111D", "111U", "030T", "030C", "201",  "120D",
                                                        "120U", "120C", "210",  "300"};

const char *ck_triad_name(ck_triad_t t) { return (unsigned)t < CK_TRIAD_COUNT ? triad_names[t] : NULL; }

/* networkx's TRICODES (1-based classes) indexed by the 6-bit code of _tricode(G, v, u, w):
 * 1 v->u, 2 u->v, 4 v->w, 8 w->v, 16 u->w, 32 w->u. */
static const uint8_t tricodes[64] = {1,  2,  2,  3,  2,  4,  6,  8,  2,  6,  5,  7,  3,  8,  7,  11,
                                     2,  6,  4,  8,  5,  9,  9,  13, 6,  10, 9,  14, 7,  14, 12, 15,
                                     2,  5,  6,  7,  6,  9,  10, 14, 4,  9,  9,  12, 8,  13, 14, 15,
                                     3,  7,  8,  11, 7,  12, 14, 15, 8,  14, 13, 15, 11, 15, 15, 16};

static ck_status_t census_directed(ck_ctx_t *ctx, ck_triad_census_t *out, const ck_graph_t *g)
{
    cki_skel_t s;
    ck_status_t status = cki_motif_skel_init(ctx, &s, g, true);
    if (status) return status;
    const uint32_t n = s.n;
    const int threads = cki_threads(ctx);
    (void)threads; /* unused without OpenMP */
    ck_uint128_t census[CK_TRIAD_COUNT] = {0};
    CKI_OMP(omp parallel num_threads(threads))
    {
#ifdef _OPENMP
        const int tid = omp_get_thread_num();
#else
        const int tid = 0;
#endif
        ck_uint128_t local[CK_TRIAD_COUNT] = {0};
        uint64_t lc[CK_TRIAD_COUNT] = {0}; /* per-triple counters, folded into local per v */
        int64_t since_poll = 0;
        CKI_OMP(omp for schedule(dynamic, 16) nowait)
        for (int64_t vv = 0; vv < (int64_t)n; vv++) {
            if (ck_ctx_cancelled(ctx)) continue;
            const uint32_t v = (uint32_t)vv;
            const uint32_t *Nv = s.adj + s.off[v];
            const uint8_t *Fv = s.dir + s.off[v];
            const int64_t dv = s.off[v + 1] - s.off[v];
            for (int64_t j = 0; j < dv; j++) {
                const uint32_t u = Nv[j];
                if (u <= v) continue;
                const uint32_t *Nu = s.adj + s.off[u];
                const uint8_t *Fu = s.dir + s.off[u];
                const int64_t du = s.off[u + 1] - s.off[u];
                /* dyad v-u: Fv[j] bit 0 = v->u, bit 1 = u->v */
                const unsigned vu = Fv[j];
                int64_t p = 0, q = 0, uni = 0;
                while (p < dv || q < du) {
                    uint32_t x = p < dv ? Nv[p] : UINT32_MAX, y = q < du ? Nu[q] : UINT32_MAX;
                    uint32_t w;
                    unsigned fvw = 0, fuw = 0; /* bit 0 = v->w (u->w), bit 1 = w->v (w->u) */
                    bool inv = x <= y, inu = y <= x;
                    if (inv) fvw = Fv[p], w = x;
                    else w = y;
                    if (inu) fuw = Fu[q];
                    p += inv;
                    q += inu;
                    uni++;
                    if (w == u || w == v) continue;
                    if (u < w || (v < w && w < u && !inv)) {
                        unsigned code = (vu & 1) | (vu & 2) | ((fvw & 1) << 2) | ((fvw & 2) << 2) | ((fuw & 1) << 4) |
                                        ((fuw & 2) << 4);
                        lc[tricodes[code] - 1]++;
                    }
                }
                /* |S| = |N(v) ∪ N(u)| - 2 (the union holds u and v themselves). */
                ck_uint128_t dyadic = (ck_uint128_t)((int64_t)n - (uni - 2) - 2);
                local[vu == 3 ? CK_TRIAD_102 : CK_TRIAD_012] += dyadic;
            }
            for (int c = 0; c < CK_TRIAD_COUNT; c++) {
                local[c] += lc[c];
                lc[c] = 0;
            }
            since_poll += dv + 1;
            if (tid == 0 && since_poll > 1024) {
                since_poll = 0;
                (void)cki_poll(ctx, (double)vv / (double)n);
            }
        }
        CKI_OMP(omp critical)
        for (int c = 0; c < CK_TRIAD_COUNT; c++) census[c] += local[c];
    }
    cki_motif_skel_free(ctx, &s);
    status = cki_poll(ctx, 1.0);
    if (status) return status;
    for (int c = 1; c < CK_TRIAD_COUNT; c++) out->census[c] = census[c];
    return CK_OK;
}

ck_status_t ck_triad_census(ck_ctx_t *ctx, ck_triad_census_t *out, const ck_graph_t *g)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!out) return cki_invalid(ctx, "out", "must not be NULL");
    if (!g) return cki_invalid(ctx, "g", "must not be NULL");
    memset(out, 0, sizeof *out);
    const ck_uint128_t n = g->n;
    if (n < 3) return CK_OK;
    const ck_uint128_t total = n * (n - 1) * (n - 2) / 6;
    ck_status_t status;
    if (g->directed) {
        status = census_directed(ctx, out, g);
        if (status) return status;
    } else {
        /* Closed forms (every dyad mutual): triangle T, open wedge sum C(d,2) - 3T, one edge
         * m(n-2) - 2 open - 3T. */
        int64_t t = 0;
        ck_uint128_t c2 = 0;
        status = cki_tri_count(ctx, NULL, &t, &c2, g);
        if (status) return status;
        const ck_uint128_t T = (ck_uint128_t)t, open = c2 - 3 * T;
        out->census[CK_TRIAD_300] = T;
        out->census[CK_TRIAD_201] = open;
        out->census[CK_TRIAD_102] = (ck_uint128_t)g->m * (n - 2) - 2 * open - 3 * T;
    }
    ck_uint128_t rest = 0;
    for (int c = 1; c < CK_TRIAD_COUNT; c++) rest += out->census[c];
    out->census[CK_TRIAD_003] = total - rest;
    out->total_triads = total;
    return CK_OK;
}
