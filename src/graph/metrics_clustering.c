/* graph/clustering-coefficient: local clustering (unweighted, Onnela weighted, Fagiolo directed),
 * average clustering and transitivity.
 *
 * Triangles of an undirected graph are enumerated once each on the degree-ordered orientation
 * (u -> v when (deg u, u) < (deg v, v)), O(m^1.5); the per-node counts are integers counted
 * per thread and summed, exact in any order. Weighted and directed local values are computed per
 * node by one thread in a fixed order, so every result is bitwise independent of the thread count. */
#include <math.h>
#include <string.h>

#include "metrics_internal.h"

#define PAR_MIN_WORK 20000

void ck_clustering_options_init(ck_clustering_options_t *o)
{
    if (!o) return;
    o->use_weights = false;
    o->directed_mode = CK_CLUSTERING_DIRECTED;
    o->count_zeros = true;
}

static inline bool before(const int64_t *off, uint32_t a, uint32_t b)
{
    int64_t da = off[a + 1] - off[a], db = off[b + 1] - off[b];
    return da < db || (da == db && a < b);
}

/* tri[u] = triangles at u of the undirected graph g (T(u)). Each thread counts into its own array
 * (the first one is tri itself), summed per node afterwards: integer sums, exact in any order. */
static ck_status_t count_triangles(ck_ctx_t *ctx, uint64_t *tri, const ck_graph_t *g)
{
    const uint32_t n = g->n;
    const int64_t *off = g->out_off;
    const uint32_t *adj = g->out_adj;
    int threads = cki_threads(ctx);
    const bool par = threads > 1 && (int64_t)n + off[n] >= PAR_MIN_WORK;
    if (!par) threads = 1;
    ck_status_t status = CK_OK;
    int64_t *ooff = cki_mallocarray(ctx, (size_t)n + 1, sizeof *ooff);
    uint32_t *oadj = cki_mallocarray(ctx, (size_t)(off[n] / 2), sizeof *oadj);
    uint32_t *mark = cki_calloc(ctx, (size_t)threads * n, sizeof *mark);
    uint64_t *extra = threads > 1 ? cki_calloc(ctx, (size_t)(threads - 1) * n, sizeof *extra) : NULL;
    if (!ooff || !oadj || !mark || (threads > 1 && !extra)) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    /* The oriented graph: each edge once, from the earlier endpoint. */
    CKI_OMP(omp parallel for num_threads(threads) schedule(static, 4096) if(par))
    for (int64_t u = 0; u < (int64_t)n; u++) {
        int64_t c = 0;
        for (int64_t e = off[u]; e < off[u + 1]; e++) c += before(off, (uint32_t)u, adj[e]);
        ooff[u + 1] = c;
        tri[u] = 0;
    }
    ooff[0] = 0;
    for (uint32_t u = 0; u < n; u++) ooff[u + 1] += ooff[u];
    CKI_OMP(omp parallel for num_threads(threads) schedule(static, 4096) if(par))
    for (int64_t u = 0; u < (int64_t)n; u++) {
        int64_t p = ooff[u];
        for (int64_t e = off[u]; e < off[u + 1]; e++)
            if (before(off, (uint32_t)u, adj[e])) oadj[p++] = adj[e];
    }
    CK_TRY(cki_poll(ctx, 0.2));
    CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 256) if(par))
    for (int64_t u = 0; u < (int64_t)n; u++) {
        const int tid = cki_mx_tid();
        uint32_t *mk = mark + (size_t)tid * n;
        uint64_t *cnt = tid ? extra + (size_t)(tid - 1) * n : tri;
        const uint32_t stamp = (uint32_t)u + 1;
        for (int64_t e = ooff[u]; e < ooff[u + 1]; e++) mk[oadj[e]] = stamp;
        uint64_t tu = 0;
        for (int64_t e = ooff[u]; e < ooff[u + 1]; e++) {
            const uint32_t v = oadj[e];
            uint64_t tv = 0;
            for (int64_t f = ooff[v]; f < ooff[v + 1]; f++) {
                const uint32_t w = oadj[f];
                if (mk[w] == stamp) {
                    tv++;
                    cnt[w]++;
                }
            }
            tu += tv;
            cnt[v] += tv;
        }
        cnt[u] += tu;
    }
    if (threads > 1) {
        CKI_OMP(omp parallel for num_threads(threads) schedule(static, 4096))
        for (int64_t v = 0; v < (int64_t)n; v++)
            for (int t = 1; t < threads; t++) tri[v] += extra[(size_t)(t - 1) * n + (size_t)v];
    }
cleanup:
    cki_free(ctx, ooff);
    cki_free(ctx, oadj);
    cki_free(ctx, mark);
    cki_free(ctx, extra);
    return status;
}

static double max_weight(ck_ctx_t *ctx, const ck_graph_t *g)
{
    const int64_t nnz = g->out_off[g->n];
    double mx = 0;
    const double *w = g->out_w;
    const int threads = cki_threads(ctx);
    (void)threads;
    CKI_OMP(omp parallel for num_threads(threads) reduction(max : mx) schedule(static) if(nnz > PAR_MIN_WORK))
    for (int64_t e = 0; e < nnz; e++)
        if (w[e] > mx) mx = w[e];
    return mx;
}

/* Onnela's weighted local clustering of an undirected weighted graph: c(u) = 2 S(u)/(d(d-1)),
 * S(u) = sum over the triangles {u,v,w} at u of cbrt(w_uv w_uw w_vw) with weights divided by the
 * largest one. All weights 0 give 0 everywhere (networkx divides by zero there). */
static ck_status_t local_onnela(ck_ctx_t *ctx, double *local, const ck_graph_t *g)
{
    const uint32_t n = g->n;
    const int64_t *off = g->out_off;
    const uint32_t *adj = g->out_adj;
    const double *wt = g->out_w;
    const double mx = max_weight(ctx, g);
    int threads = cki_threads(ctx);
    const bool par = threads > 1 && (int64_t)n + off[n] >= PAR_MIN_WORK;
    if (!par) threads = 1;
    uint32_t *mark = cki_calloc(ctx, (size_t)threads * n, sizeof *mark);
    double *wu = cki_mallocarray(ctx, (size_t)threads * n, sizeof *wu);
    ck_status_t status = CK_OK;
    if (!mark || !wu) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 64) if(par))
    for (int64_t ui = 0; ui < (int64_t)n; ui++) {
        const uint32_t u = (uint32_t)ui, stamp = u + 1;
        const int64_t d = off[u + 1] - off[u];
        uint32_t *mk = mark + (size_t)cki_mx_tid() * n;
        double *wk = wu + (size_t)cki_mx_tid() * n;
        if (d < 2 || !(mx > 0)) {
            local[u] = 0;
            continue;
        }
        for (int64_t e = off[u]; e < off[u + 1]; e++) {
            mk[adj[e]] = stamp;
            wk[adj[e]] = wt[e] / mx;
        }
        double s = 0;
        for (int64_t e = off[u]; e < off[u + 1]; e++) {
            const uint32_t v = adj[e];
            const double wuv = wt[e] / mx;
            for (int64_t f = off[v + 1]; f-- > off[v];) {
                const uint32_t w = adj[f];
                if (w <= v) break; /* rows are ascending: only w > v, each pair once */
                if (mk[w] == stamp) s += cbrt(wuv * (wt[f] / mx) * wk[w]);
            }
        }
        local[u] = s == 0 ? 0 : 2 * s / ((double)d * (double)(d - 1));
    }
cleanup:
    cki_free(ctx, mark);
    cki_free(ctx, wu);
    return status;
}

/* Fagiolo's directed local clustering, c(i) = t / (2 (d_tot (d_tot - 1) - 2 d_bi)), where t counts
 * the directed triangles [(A + A^T)^3]_ii, or (weighted) sums cbrt of the three normalised arc
 * weights of each, as networkx's clustering() does for DiGraphs. */
static ck_status_t local_fagiolo(ck_ctx_t *ctx, double *local, const ck_graph_t *g, bool weighted)
{
    const uint32_t n = g->n;
    const int64_t *off = g->out_off, *ioff = g->in_off;
    const uint32_t *adj = g->out_adj, *iadj = g->in_adj;
    const double *ow = g->out_w, *iw = g->in_w;
    const double mx = weighted ? max_weight(ctx, g) : 1;
    int threads = cki_threads(ctx);
    const bool par = threads > 1 && (int64_t)n + 2 * off[n] >= PAR_MIN_WORK;
    if (!par) threads = 1;
    uint8_t *flag = cki_calloc(ctx, (size_t)threads * n, sizeof *flag);
    double *wp = NULL, *ws = NULL;
    ck_status_t status = CK_OK;
    if (weighted) {
        wp = cki_mallocarray(ctx, (size_t)threads * n, sizeof *wp);
        ws = cki_mallocarray(ctx, (size_t)threads * n, sizeof *ws);
    }
    if (!flag || (weighted && (!wp || !ws))) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 64) if(par))
    for (int64_t ii = 0; ii < (int64_t)n; ii++) {
        const uint32_t i = (uint32_t)ii;
        const size_t base = (size_t)cki_mx_tid() * n;
        uint8_t *fl = flag + base;
        /* bit 0: k -> i (k in P_i); bit 1: i -> k (k in S_i) */
        for (int64_t e = ioff[i]; e < ioff[i + 1]; e++) {
            fl[iadj[e]] |= 1;
            if (weighted) wp[base + iadj[e]] = iw[e] / mx;
        }
        for (int64_t e = off[i]; e < off[i + 1]; e++) {
            fl[adj[e]] |= 2;
            if (weighted) ws[base + adj[e]] = ow[e] / mx;
        }
        const int64_t dt = (ioff[i + 1] - ioff[i]) + (off[i + 1] - off[i]);
        int64_t db = 0;
        for (int64_t e = off[i]; e < off[i + 1]; e++) db += fl[adj[e]] == 3;
        double t = 0;
        if (!weighted) {
            int64_t ti = 0;
            /* every j in P_i and (again) in S_i: count k in P_j and S_j weighted by [k in P_i] + [k in S_i] */
            for (int side = 0; side < 2; side++) {
                const int64_t *xo = side ? off : ioff;
                const uint32_t *xa = side ? adj : iadj;
                for (int64_t e = xo[i]; e < xo[i + 1]; e++) {
                    const uint32_t j = xa[e];
                    for (int64_t f = ioff[j]; f < ioff[j + 1]; f++) {
                        uint8_t b = fl[iadj[f]];
                        ti += (b & 1) + (b >> 1);
                    }
                    for (int64_t f = off[j]; f < off[j + 1]; f++) {
                        uint8_t b = fl[adj[f]];
                        ti += (b & 1) + (b >> 1);
                    }
                }
            }
            t = (double)ti;
        } else if (mx > 0) {
            const double *wpi = wp + base, *wsi = ws + base;
            for (int side = 0; side < 2; side++) {
                const int64_t *xo = side ? off : ioff;
                const uint32_t *xa = side ? adj : iadj;
                const double *xw = side ? ow : iw;
                for (int64_t e = xo[i]; e < xo[i + 1]; e++) {
                    const uint32_t j = xa[e];
                    const double wij = xw[e] / mx; /* w(j,i) from P_i, w(i,j) from S_i */
                    for (int64_t f = ioff[j]; f < ioff[j + 1]; f++) { /* k -> j */
                        const uint32_t k = iadj[f];
                        const uint8_t b = fl[k];
                        if (!b) continue;
                        const double wkj = iw[f] / mx;
                        if (b & 1) t += cbrt(wij * wpi[k] * wkj);
                        if (b & 2) t += cbrt(wij * wsi[k] * wkj);
                    }
                    for (int64_t f = off[j]; f < off[j + 1]; f++) { /* j -> k */
                        const uint32_t k = adj[f];
                        const uint8_t b = fl[k];
                        if (!b) continue;
                        const double wjk = ow[f] / mx;
                        if (b & 1) t += cbrt(wij * wpi[k] * wjk);
                        if (b & 2) t += cbrt(wij * wsi[k] * wjk);
                    }
                }
            }
        }
        for (int64_t e = ioff[i]; e < ioff[i + 1]; e++) fl[iadj[e]] = 0;
        for (int64_t e = off[i]; e < off[i + 1]; e++) fl[adj[e]] = 0;
        const int64_t den = dt * (dt - 1) - 2 * db;
        local[i] = t == 0 || den <= 0 ? 0 : t / ((double)den * 2);
    }
cleanup:
    cki_free(ctx, flag);
    cki_free(ctx, wp);
    cki_free(ctx, ws);
    return status;
}

ck_status_t ck_graph_clustering(ck_ctx_t *ctx, ck_clustering_result_t *result, double *local, const ck_graph_t *g,
                                const ck_clustering_options_t *opts)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!result || !g) return cki_invalid(ctx, NULL, "result and graph must not be NULL");
    ck_clustering_options_t o;
    if (opts) o = *opts;
    else ck_clustering_options_init(&o);
    if (o.directed_mode != CK_CLUSTERING_DIRECTED && o.directed_mode != CK_CLUSTERING_UNDIRECTED)
        return cki_invalid(ctx, "directed_mode", "unknown mode %d", (int)o.directed_mode);
    memset(result, 0, sizeof *result);
    const uint32_t n = g->n;
    if (n == 0) return CK_OK;

    ck_status_t status = CK_OK;
    ck_graph_t *skel = NULL;
    uint64_t *tri = NULL;
    double *loc = local;
    if (g->directed) CK_TRY(cki_graph_skeleton(ctx, &skel, g));
    const ck_graph_t *u = skel ? skel : g; /* the undirected graph (or skeleton) */
    tri = cki_mallocarray(ctx, n, sizeof *tri);
    if (!loc) loc = cki_mallocarray(ctx, n, sizeof *loc);
    if (!tri || !loc) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(count_triangles(ctx, tri, u));
    CK_TRY(cki_poll(ctx, 0.5));

    /* The skeleton of an unweighted directed graph is weighted where reciprocal arcs merged. */
    if (g->directed && o.directed_mode == CK_CLUSTERING_DIRECTED) {
        CK_TRY(local_fagiolo(ctx, loc, g, o.use_weights && g->weighted));
    } else if (o.use_weights && u->weighted) {
        CK_TRY(local_onnela(ctx, loc, u));
    } else {
        const int64_t *off = u->out_off;
        const int threads = cki_threads(ctx);
        (void)threads;
        CKI_OMP(omp parallel for num_threads(threads) schedule(static, 4096) if(n > PAR_MIN_WORK))
        for (int64_t v = 0; v < (int64_t)n; v++) {
            const int64_t d = off[v + 1] - off[v];
            loc[v] = tri[v] == 0 ? 0 : (double)(2 * tri[v]) / (double)(d * (d - 1));
        }
    }

    /* Summaries, in node order. */
    uint64_t t_sum = 0, triples = 0;
    double c_sum = 0;
    int64_t c_count = 0;
    for (uint32_t v = 0; v < n; v++) {
        const int64_t d = u->out_off[v + 1] - u->out_off[v];
        t_sum += tri[v];
        triples += (uint64_t)(d * (d - 1) / 2);
        if (o.count_zeros || loc[v] != 0) {
            c_sum += loc[v];
            c_count++;
        }
    }
    result->average = c_count ? c_sum / (double)c_count : 0;
    result->transitivity = t_sum ? (double)t_sum / (double)triples : 0;
    result->triangles = (ck_idx_t)(t_sum / 3);
cleanup:
    if (loc != local) cki_free(ctx, loc);
    cki_free(ctx, tri);
    ck_graph_destroy(&skel);
    return status;
}
