/* graph/... spectral family: the pull SpMV over the in-edge CSC, the power-iteration engines of
 * pagerank, eigenvector-centrality and katz-centrality, and their typed C API.
 *
 * Every loop over nodes runs over work-balanced chunks (CKI_SPMV_CHUNK_WORK nodes + in-edges)
 * whose boundaries depend only on the graph; each chunk writes its partial sums to its own slot
 * and the slots are added in chunk order, so results are bitwise identical for every thread
 * count. Chunks are scheduled dynamically (R-MAT-like graphs have very uneven in-degrees). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "spectral_internal.h"

/* ---------------------------------------------------------------- chunks and the pull SpMV */

ck_status_t cki_spmv_chunks(ck_ctx_t *ctx, uint32_t **chunk, int64_t *nchunks, const int64_t *off, uint32_t n)
{
    *chunk = NULL;
    *nchunks = 0;
    if (n == 0) return CK_OK;
    const int64_t total = (int64_t)n + off[n];
    int64_t cap = total / CKI_SPMV_CHUNK_WORK + 1; /* a chunk closes only after CHUNK_WORK units */
    if (cap > (int64_t)n) cap = n;
    uint32_t *c = cki_mallocarray(ctx, (size_t)cap + 1, sizeof *c);
    if (!c) return cki_nomem(ctx);
    int64_t k = 0, next = CKI_SPMV_CHUNK_WORK;
    c[0] = 0;
    for (uint32_t v = 1; v < n; v++) {
        int64_t before = (int64_t)v + off[v]; /* work of nodes 0..v-1 */
        if (before >= next) {
            c[++k] = v;
            next = before + CKI_SPMV_CHUNK_WORK;
        }
    }
    c[++k] = n;
    *chunk = c;
    *nchunks = k;
    return CK_OK;
}

/* Σ_{u→v} w_uv · x_u with four accumulators (a fixed order, whatever the thread count). The
 * `weighted` flag is a constant at every call site, so each loop gets its own specialised copy. */
static inline double pull(const cki_spmv_t *a, const double *restrict x, uint32_t v, bool weighted)
{
    const uint32_t *restrict adj = a->adj;
    int64_t k = a->off[v];
    const int64_t end = a->off[v + 1];
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    if (weighted) {
        const double *restrict w = a->w;
        for (; k + 4 <= end; k += 4) {
            s0 += w[k] * x[adj[k]];
            s1 += w[k + 1] * x[adj[k + 1]];
            s2 += w[k + 2] * x[adj[k + 2]];
            s3 += w[k + 3] * x[adj[k + 3]];
        }
        for (; k < end; k++) s0 += w[k] * x[adj[k]];
    } else {
        for (; k + 4 <= end; k += 4) {
            s0 += x[adj[k]];
            s1 += x[adj[k + 1]];
            s2 += x[adj[k + 2]];
            s3 += x[adj[k + 3]];
        }
        for (; k < end; k++) s0 += x[adj[k]];
    }
    return (s0 + s1) + (s2 + s3);
}

/* ---------------------------------------------------------------- PageRank sweep */

typedef struct pr_args {
    double alpha, dsum, pn; /* pn = 1/n */
    const double *p, *d, *inv, *t;
    double *t_next, *x, *part;
} pr_args_t;

static inline void pr_chunk(const cki_spmv_t *a, const pr_args_t *r, int64_t c, bool weighted)
{
    const double alpha = r->alpha, om = 1.0 - alpha, dsum = r->dsum, pn = r->pn;
    const double *restrict p = r->p, *restrict d = r->d ? r->d : r->p, *restrict inv = r->inv;
    const double *restrict t = r->t;
    double *restrict tn = r->t_next, *restrict x = r->x;
    double dl = 0, dg = 0;
    const uint32_t end = a->chunk[c + 1];
    for (uint32_t v = a->chunk[c]; v < end; v++) {
        double acc = pull(a, t, v, weighted);
        double dv = d ? d[v] : pn, pv = p ? p[v] : pn;
        double xv = alpha * (acc + dsum * dv) + om * pv; /* networkx's order of operations */
        dl += fabs(xv - x[v]);
        x[v] = xv; /* x_v is read by v alone: in place */
        double iv = inv[v];
        tn[v] = xv * iv;
        dg += iv == 0.0 ? xv : 0.0;
    }
    r->part[2 * c] = dl;
    r->part[2 * c + 1] = dg;
}

double cki_pagerank_sweep(const cki_spmv_t *a, int threads, double alpha, const double *p, const double *d,
                          double dsum, const double *inv, const double *t, double *t_next, double *x, double *part,
                          double *dsum_next)
{
    (void)threads; /* used only by OpenMP clauses */
    const int64_t nch = a->nchunks;
    const pr_args_t r = {alpha, dsum, a->n ? 1.0 / a->n : 0.0, p, d, inv, t, t_next, x, part};
    if (a->w) {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) if (nch > 1)
        for (int64_t c = 0; c < nch; c++) pr_chunk(a, &r, c, true);
    } else {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) if (nch > 1)
        for (int64_t c = 0; c < nch; c++) pr_chunk(a, &r, c, false);
    }
    double dl = 0, dg = 0;
    for (int64_t c = 0; c < nch; c++) {
        dl += part[2 * c];
        dg += part[2 * c + 1];
    }
    *dsum_next = dg;
    return dl;
}

/* ---------------------------------------------------------------- eigenvector and Katz sweeps */

/* y = (A+I)ᵀx; returns Σ y². */
static inline void eig_chunk(const cki_spmv_t *a, const double *restrict x, double *restrict y, double *part,
                             int64_t c, bool weighted)
{
    double ss = 0;
    const uint32_t end = a->chunk[c + 1];
    for (uint32_t v = a->chunk[c]; v < end; v++) {
        double yv = x[v] + pull(a, x, v, weighted);
        y[v] = yv;
        ss += yv * yv;
    }
    part[c] = ss;
}

static double eig_apply(const cki_spmv_t *a, int threads, const double *x, double *y, double *part)
{
    (void)threads; /* used only by OpenMP clauses */
    const int64_t nch = a->nchunks;
    if (a->w) {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) if (nch > 1)
        for (int64_t c = 0; c < nch; c++) eig_chunk(a, x, y, part, c, true);
    } else {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) if (nch > 1)
        for (int64_t c = 0; c < nch; c++) eig_chunk(a, x, y, part, c, false);
    }
    double ss = 0;
    for (int64_t c = 0; c < nch; c++) ss += part[c];
    return ss;
}

/* y /= norm; returns Σ |y − x| (after scaling). */
static double scale_delta(const cki_spmv_t *a, int threads, const double *x, double *y, double norm, double *part)
{
    (void)threads; /* used only by OpenMP clauses */
    const int64_t nch = a->nchunks;
#pragma omp parallel for num_threads(threads) schedule(static) if (nch > 1)
    for (int64_t c = 0; c < nch; c++) {
        double dl = 0;
        for (uint32_t v = a->chunk[c]; v < a->chunk[c + 1]; v++) {
            double yv = y[v] / norm;
            y[v] = yv;
            dl += fabs(yv - x[v]);
        }
        part[c] = dl;
    }
    double dl = 0;
    for (int64_t c = 0; c < nch; c++) dl += part[c];
    return dl;
}

static inline void katz_chunk(const cki_spmv_t *a, double alpha, double beta, const double *restrict b,
                              const double *restrict x, double *restrict y, double *part, int64_t c, bool weighted)
{
    double dl = 0;
    bool bad = false;
    const uint32_t end = a->chunk[c + 1];
    for (uint32_t v = a->chunk[c]; v < end; v++) {
        double yv = alpha * pull(a, x, v, weighted) + (b ? b[v] : beta);
        y[v] = yv;
        dl += fabs(yv - x[v]);
        bad |= !(fabs(yv) <= CK_KATZ_DIVERGENCE_BOUND); /* also NaN */
    }
    part[2 * c] = dl;
    part[2 * c + 1] = bad;
}

/* Σ x² over chunks. */
static double sum_squares(const cki_spmv_t *a, int threads, const double *x, double *part)
{
    (void)threads; /* used only by OpenMP clauses */
    const int64_t nch = a->nchunks;
#pragma omp parallel for num_threads(threads) schedule(static) if (nch > 1)
    for (int64_t c = 0; c < nch; c++) {
        double ss = 0;
        for (uint32_t v = a->chunk[c]; v < a->chunk[c + 1]; v++) ss += x[v] * x[v];
        part[c] = ss;
    }
    double ss = 0;
    for (int64_t c = 0; c < nch; c++) ss += part[c];
    return ss;
}

/* ---------------------------------------------------------------- option checks */

static ck_status_t check_iter(ck_ctx_t *ctx, double tol, int64_t max_iter)
{
    if (!(tol > 0) || !isfinite(tol)) return cki_invalid(ctx, "tol", "%g must be finite and > 0", tol);
    if (max_iter < 1 || max_iter > 1000000)
        return cki_invalid(ctx, "max_iter", "%lld is out of range [1, 1000000]", (long long)max_iter);
    return CK_OK;
}

/* A per-node vector: finite entries, >= 0 when nonneg, and a positive sum when positive_sum. */
static ck_status_t check_vec(ck_ctx_t *ctx, const double *x, uint32_t n, const char *field, bool nonneg,
                             bool positive_sum, double *sum)
{
    char path[CKI_ERR_FIELD_MAX];
    double s = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) return cki_invalid(ctx, cki_path_index(path, sizeof path, field, i), "must be finite");
        if (nonneg && x[i] < 0)
            return cki_invalid(ctx, cki_path_index(path, sizeof path, field, i), "%g is below 0", x[i]);
        s += x[i];
    }
    if (positive_sum && n > 0 && !(s > 0)) return cki_invalid(ctx, field, "must have a positive sum");
    if (sum) *sum = s;
    return CK_OK;
}

/* A normalised copy (x / Σx) of a checked per-node vector. */
static ck_status_t normalised_copy(ck_ctx_t *ctx, double **out, const double *x, uint32_t n, const char *field)
{
    double s;
    ck_status_t status = check_vec(ctx, x, n, field, true, true, &s);
    if (status) return status;
    double *y = cki_mallocarray(ctx, n, sizeof *y);
    if (!y) return cki_nomem(ctx);
    for (uint32_t i = 0; i < n; i++) y[i] = x[i] / s;
    *out = y;
    return CK_OK;
}

/* ---------------------------------------------------------------- engines */

void cki_power_free(ck_ctx_t *ctx, cki_power_t *e)
{
    if (!e) return;
    cki_free(ctx, e->chunk);
    cki_free(ctx, e->x);
    cki_free(ctx, e->y);
    cki_free(ctx, e->t);
    cki_free(ctx, e->inv);
    cki_free(ctx, e->p);
    cki_free(ctx, e->d);
    cki_free(ctx, e->part);
    memset(e, 0, sizeof *e);
}

/* The parts every engine has: operand, chunks, x, y, partial sums. */
static ck_status_t setup(ck_ctx_t *ctx, cki_power_t *e, cki_power_kind_t kind, const ck_graph_t *g, bool use_weights,
                         double tol, int64_t max_iter)
{
    memset(e, 0, sizeof *e);
    if (!g) return cki_invalid(ctx, "g", "graph must not be NULL");
    ck_status_t status = check_iter(ctx, tol, max_iter);
    if (status) return status;
    e->kind = kind;
    e->tol = tol;
    e->max_iter = max_iter;
    e->a.n = g->n;
    e->a.off = g->in_off;
    e->a.adj = g->in_adj;
    e->a.w = use_weights && g->weighted ? g->in_w : NULL;
    e->converged = g->n == 0; /* nothing to iterate */
    if (g->n == 0) return CK_OK;
    status = cki_spmv_chunks(ctx, &e->chunk, &e->a.nchunks, g->in_off, g->n);
    if (status) return status;
    e->a.chunk = e->chunk;
    e->x = cki_mallocarray(ctx, g->n, sizeof *e->x);
    e->y = cki_mallocarray(ctx, g->n, sizeof *e->y);
    e->part = cki_mallocarray(ctx, (size_t)e->a.nchunks * 2, sizeof *e->part);
    if (!e->x || !e->y || !e->part) return cki_nomem(ctx);
    return CK_OK;
}

ck_status_t cki_power_pagerank(ck_ctx_t *ctx, cki_power_t *e, const ck_graph_t *g, const ck_pagerank_options_t *o)
{
    ck_status_t status;
    CK_TRY(setup(ctx, e, CKI_POWER_PAGERANK, g, o->use_weights, o->tol, o->max_iter));
    if (!(o->alpha >= 0 && o->alpha < 1)) {
        status = cki_invalid(ctx, "alpha", "%g is out of range [0, 1)", o->alpha);
        goto cleanup;
    }
    e->alpha = o->alpha;
    const uint32_t n = g->n;
    if (n == 0) return CK_OK;
    e->t = cki_mallocarray(ctx, n, sizeof *e->t);
    e->inv = cki_mallocarray(ctx, n, sizeof *e->inv);
    if (!e->t || !e->inv) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    if (o->personalization) CK_TRY(normalised_copy(ctx, &e->p, o->personalization, n, "personalization"));
    if (o->dangling) CK_TRY(normalised_copy(ctx, &e->d, o->dangling, n, "dangling"));
    if (o->nstart) {
        double s;
        CK_TRY(check_vec(ctx, o->nstart, n, "nstart", true, true, &s));
        for (uint32_t i = 0; i < n; i++) e->x[i] = o->nstart[i] / s;
    } else {
        for (uint32_t i = 0; i < n; i++) e->x[i] = 1.0 / n;
    }
    /* 1 / out-strength (0 for dangling nodes), t = x · inv and the dangling mass of x. */
    const bool weighted = e->a.w != NULL;
    const int64_t *off = g->out_off;
    const double *w = g->out_w;
    const int64_t nch = e->a.nchunks;
    const uint32_t *chunk = e->a.chunk;
    double *inv = e->inv, *x = e->x, *t = e->t, *part = e->part;
#pragma omp parallel for num_threads(cki_threads(ctx)) schedule(static) if (nch > 1)
    for (int64_t c = 0; c < nch; c++) {
        double dg = 0;
        for (uint32_t u = chunk[c]; u < chunk[c + 1]; u++) {
            double s = 0;
            if (weighted)
                for (int64_t k = off[u]; k < off[u + 1]; k++) s += w[k];
            else
                s = (double)(off[u + 1] - off[u]);
            inv[u] = s > 0 ? 1.0 / s : 0.0;
            t[u] = x[u] * inv[u];
            dg += inv[u] == 0.0 ? x[u] : 0.0;
        }
        part[c] = dg;
    }
    e->dsum = 0;
    for (int64_t c = 0; c < nch; c++) e->dsum += part[c];
    return CK_OK;
cleanup:
    cki_power_free(ctx, e);
    return status;
}

ck_status_t cki_power_eigenvector(ck_ctx_t *ctx, cki_power_t *e, const ck_graph_t *g,
                                  const ck_eigenvector_options_t *o)
{
    ck_status_t status;
    CK_TRY(setup(ctx, e, CKI_POWER_EIGENVECTOR, g, o->use_weights, o->tol, o->max_iter));
    const uint32_t n = g->n;
    if (o->nstart) {
        double s;
        CK_TRY(check_vec(ctx, o->nstart, n, "nstart", true, true, &s));
        for (uint32_t i = 0; i < n; i++) e->x[i] = o->nstart[i] / s;
    } else {
        for (uint32_t i = 0; i < n; i++) e->x[i] = 1.0 / n; /* ones / n, as networkx */
    }
    return CK_OK;
cleanup:
    cki_power_free(ctx, e);
    return status;
}

ck_status_t cki_power_katz(ck_ctx_t *ctx, cki_power_t *e, const ck_graph_t *g, const ck_katz_options_t *o)
{
    ck_status_t status;
    CK_TRY(setup(ctx, e, CKI_POWER_KATZ, g, o->use_weights, o->tol, o->max_iter));
    if (!(o->alpha > 0) || !isfinite(o->alpha)) {
        status = cki_invalid(ctx, "alpha", "%g must be finite and > 0", o->alpha);
        goto cleanup;
    }
    if (!isfinite(o->beta)) {
        status = cki_invalid(ctx, "beta", "must be finite");
        goto cleanup;
    }
    e->alpha = o->alpha;
    e->beta = o->beta;
    e->normalized = o->normalized;
    const uint32_t n = g->n;
    if (o->beta_vec) {
        CK_TRY(check_vec(ctx, o->beta_vec, n, "beta", false, false, NULL));
        if (n) {
            e->p = cki_mallocarray(ctx, n, sizeof *e->p);
            if (!e->p) {
                status = cki_nomem(ctx);
                goto cleanup;
            }
            memcpy(e->p, o->beta_vec, (size_t)n * sizeof *e->p);
        }
    }
    if (o->nstart) {
        CK_TRY(check_vec(ctx, o->nstart, n, "nstart", false, false, NULL));
        if (n) memcpy(e->x, o->nstart, (size_t)n * sizeof *e->x);
    } else if (n) {
        memset(e->x, 0, (size_t)n * sizeof *e->x);
    }
    return CK_OK;
cleanup:
    cki_power_free(ctx, e);
    return status;
}

/* λ_max(A) by power iteration on A+I (whose Perron root is λ_max + 1; the shift keeps bipartite
 * graphs from oscillating). Uses x and y as scratch. */
#define KATZ_LAMBDA_ITERS 100
static double lambda_max(cki_power_t *e, int threads, int *iters)
{
    const uint32_t n = e->a.n;
    double *x = e->x, *y = e->y, lam = 0, prev = -1;
    for (uint32_t i = 0; i < n; i++) x[i] = 1.0 / sqrt((double)n);
    int it;
    for (it = 1; it <= KATZ_LAMBDA_ITERS; it++) {
        double norm = sqrt(eig_apply(&e->a, threads, x, y, e->part)); /* ‖(A+I)ᵀx‖ with ‖x‖ = 1 */
        lam = norm - 1;
        for (uint32_t i = 0; i < n; i++) y[i] /= norm;
        double *tmp = x;
        x = y;
        y = tmp;
        if (fabs(lam - prev) <= 1e-9 * (lam > 1 ? lam : 1)) break;
        prev = lam;
    }
    *iters = it > KATZ_LAMBDA_ITERS ? KATZ_LAMBDA_ITERS : it;
    return lam > 0 ? lam : 0;
}

ck_status_t cki_power_step(ck_ctx_t *ctx, cki_power_t *e, double *delta)
{
    const int threads = cki_threads(ctx);
    const uint32_t n = e->a.n;
    double dl = 0;
    if (n > 0) {
        switch (e->kind) {
        case CKI_POWER_PAGERANK: {
            double dnext;
            dl = cki_pagerank_sweep(&e->a, threads, e->alpha, e->p, e->d, e->dsum, e->inv, e->t, e->y, e->x, e->part,
                                    &dnext);
            e->dsum = dnext;
            double *tmp = e->t;
            e->t = e->y;
            e->y = tmp;
            break;
        }
        case CKI_POWER_EIGENVECTOR: {
            double norm = sqrt(eig_apply(&e->a, threads, e->x, e->y, e->part));
            if (norm == 0) norm = 1; /* networkx: `hypot(...) or 1` */
            dl = scale_delta(&e->a, threads, e->x, e->y, norm, e->part);
            double *tmp = e->x;
            e->x = e->y;
            e->y = tmp;
            break;
        }
        case CKI_POWER_KATZ: {
            const int64_t nch = e->a.nchunks;
            const double alpha = e->alpha, beta = e->beta, *b = e->p, *x = e->x;
            double *y = e->y, *part = e->part;
            const cki_spmv_t *a = &e->a;
            if (a->w) {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) if (nch > 1)
                for (int64_t c = 0; c < nch; c++) katz_chunk(a, alpha, beta, b, x, y, part, c, true);
            } else {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) if (nch > 1)
                for (int64_t c = 0; c < nch; c++) katz_chunk(a, alpha, beta, b, x, y, part, c, false);
            }
            bool bad = false;
            for (int64_t c = 0; c < nch; c++) {
                dl += part[2 * c];
                bad |= part[2 * c + 1] != 0;
            }
            double *tmp = e->x;
            e->x = e->y;
            e->y = tmp;
            if (bad) {
                int iters;
                double lam = lambda_max(e, threads, &iters);
                e->iterations++;
                e->converged = false;
                e->delta = dl;
                if (delta) *delta = dl;
                if (alpha * lam >= 1)
                    return cki_error(ctx, CK_E_DIVERGED, "alpha",
                                     "alpha = %g diverges: the Katz series converges only for alpha < 1/lambda_max = "
                                     "%.6g (lambda_max ~ %.6g, estimated by %d power iterations); |x| exceeded %g at "
                                     "iteration %lld",
                                     alpha, 1.0 / lam, lam, iters, CK_KATZ_DIVERGENCE_BOUND, (long long)e->iterations);
                return cki_error(ctx, CK_E_DIVERGED, "alpha",
                                 "alpha = %g is below 1/lambda_max = %.6g (lambda_max ~ %.6g, estimated by %d power "
                                 "iterations) but |x| exceeded %g at iteration %lld: beta or nstart is too large",
                                 alpha, lam > 0 ? 1.0 / lam : INFINITY, lam, iters, CK_KATZ_DIVERGENCE_BOUND,
                                 (long long)e->iterations);
            }
            break;
        }
        }
    }
    e->iterations++;
    e->delta = dl;
    e->converged = dl < (double)n * e->tol;
    if (delta) *delta = dl;
    return CK_OK;
}

void cki_power_scores(const ck_ctx_t *ctx, const cki_power_t *e, double *out)
{
    const uint32_t n = e->a.n;
    if (n == 0) return;
    double s = 1;
    if (e->kind == CKI_POWER_KATZ && e->normalized) {
        double norm = sqrt(sum_squares(&e->a, cki_threads(ctx), e->x, e->part));
        if (norm > 0) s = 1.0 / norm; /* networkx: s = 1/hypot(x), 1 when that is 0 */
    }
    if (s == 1) {
        if (out != e->x) memcpy(out, e->x, (size_t)n * sizeof *out);
    } else {
        for (uint32_t i = 0; i < n; i++) out[i] = e->x[i] * s;
    }
}

/* ---------------------------------------------------------------- typed API */

void ck_pagerank_options_init(ck_pagerank_options_t *o)
{
    if (!o) return;
    *o = (ck_pagerank_options_t){.alpha = 0.85, .tol = 1e-6, .max_iter = 100, .use_weights = true};
}

void ck_eigenvector_options_init(ck_eigenvector_options_t *o)
{
    if (!o) return;
    *o = (ck_eigenvector_options_t){.tol = 1e-6, .max_iter = 100, .use_weights = true};
}

void ck_katz_options_init(ck_katz_options_t *o)
{
    if (!o) return;
    *o = (ck_katz_options_t){.alpha = 0.1, .beta = 1.0, .tol = 1e-6, .max_iter = 1000, .normalized = true,
                             .use_weights = true};
}

/* Run an engine set up by `init` to convergence or max_iter, then write the scores. */
static ck_status_t run(ck_ctx_t *ctx, cki_power_t *e, double *scores, ck_spectral_info_t *info)
{
    ck_status_t status = CK_OK;
    if (info) *info = (ck_spectral_info_t){0, e->converged, 0};
    while (!e->converged && e->iterations < e->max_iter) {
        CK_TRY(cki_power_step(ctx, e, NULL));
        CK_TRY(cki_poll(ctx, (double)e->iterations / (double)e->max_iter));
    }
    cki_power_scores(ctx, e, scores);
    if (info) *info = (ck_spectral_info_t){e->iterations, e->converged, e->delta};
    status = e->converged ? CK_OK : CK_NOT_CONVERGED;
cleanup:
    if (CK_IS_ERROR(status) && info) *info = (ck_spectral_info_t){e->iterations, false, e->delta};
    cki_power_free(ctx, e);
    return status;
}

static ck_status_t check_call(ck_ctx_t *ctx, const double *scores, const ck_graph_t *g)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ck_ctx_clear_error(ctx);
    ctx->last_backend = CK_BACKEND_CPU;
    if (!g) return cki_invalid(ctx, "g", "graph must not be NULL");
    if (!scores && g->n > 0) return cki_invalid(ctx, "scores", "output array must not be NULL");
    return CK_OK;
}

ck_status_t ck_pagerank(ck_ctx_t *ctx, double *scores, ck_spectral_info_t *info, const ck_graph_t *g,
                        const ck_pagerank_options_t *opts)
{
    ck_status_t status = check_call(ctx, scores, g);
    if (status) return status;
    ck_pagerank_options_t defaults;
    ck_pagerank_options_init(&defaults);
    cki_power_t e;
    status = cki_power_pagerank(ctx, &e, g, opts ? opts : &defaults);
    if (status) return status;
    return run(ctx, &e, scores, info);
}

ck_status_t ck_eigenvector_centrality(ck_ctx_t *ctx, double *scores, ck_spectral_info_t *info, const ck_graph_t *g,
                                      const ck_eigenvector_options_t *opts)
{
    ck_status_t status = check_call(ctx, scores, g);
    if (status) return status;
    ck_eigenvector_options_t defaults;
    ck_eigenvector_options_init(&defaults);
    cki_power_t e;
    status = cki_power_eigenvector(ctx, &e, g, opts ? opts : &defaults);
    if (status) return status;
    return run(ctx, &e, scores, info);
}

ck_status_t ck_katz_centrality(ck_ctx_t *ctx, double *scores, ck_spectral_info_t *info, const ck_graph_t *g,
                               const ck_katz_options_t *opts)
{
    ck_status_t status = check_call(ctx, scores, g);
    if (status) return status;
    ck_katz_options_t defaults;
    ck_katz_options_init(&defaults);
    cki_power_t e;
    status = cki_power_katz(ctx, &e, g, opts ? opts : &defaults);
    if (status) return status;
    return run(ctx, &e, scores, info);
}
