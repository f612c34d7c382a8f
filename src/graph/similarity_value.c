/* graph/value-similarity: similarity of the empirical value distributions attached to nodes.
 *
 * jsd: every node's values are binned on edges shared by all nodes (computed from the pooled
 * values exactly as numpy does: np.linspace for equal widths, 10**np.linspace of log10 for log,
 * np.quantile(method="linear") then np.unique for quantiles), with numpy.histogram's rule (bins
 * half-open, the last one closed); the Jensen–Shannon distance (base 2) of the normalised counts
 * is computed term by term as scipy.spatial.distance.jensenshannon does, so equal histograms give
 * exactly 0. wasserstein: the exact W1 of the raw samples (area between the two empirical CDFs),
 * normalised by the global value range for the similarity.
 *
 * Preparation is O(N log N) for N pooled values; a pair costs O(bins) (jsd) or O(n_u + n_v)
 * (wasserstein); all-pairs mode is O(n² · pair) on the shared row driver and ranked collector. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "similarity_internal.h"

void ck_value_similarity_options_init(ck_value_similarity_options_t *opt)
{
    if (!opt) return;
    memset(opt, 0, sizeof *opt);
    opt->metric = CK_VALUE_JSD;
    opt->bins = 20;
    opt->binning = CK_BINNING_EQUAL_WIDTH;
    opt->min_similarity = 0.9;
    opt->top_k = 1000;
}

typedef struct vprep {
    ck_value_metric_t metric;
    uint32_t n;
    const ck_idx_t *off;
    double *sorted; /* wasserstein: each node's values, sorted (same offsets) */
    double range;   /* global max - min */
    size_t nb;      /* jsd: bins after merging duplicate quantile edges */
    double *edges;  /* jsd: nb + 1 edges */
    double *p;      /* jsd: n x nb probabilities */
} vprep_t;

static void vprep_free(ck_ctx_t *ctx, vprep_t *P)
{
    cki_free(ctx, P->sorted);
    cki_free(ctx, P->edges);
    cki_free(ctx, P->p);
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static ck_status_t check_inputs(ck_ctx_t *ctx, const double *values, const ck_idx_t *offsets, ck_idx_t n,
                                const ck_value_similarity_options_t *o)
{
    char path[CKI_ERR_FIELD_MAX];
    if (n < 0 || n > CK_GRAPH_MAX_NODES)
        return cki_invalid(ctx, "n", "must be in 0..%lld, got %lld", (long long)CK_GRAPH_MAX_NODES, (long long)n);
    if ((unsigned)o->metric > CK_VALUE_WASSERSTEIN) return cki_invalid(ctx, "opt.metric", "unknown value %d", (int)o->metric);
    if ((unsigned)o->binning > CK_BINNING_QUANTILE)
        return cki_invalid(ctx, "opt.binning", "unknown value %d", (int)o->binning);
    if (o->bins < 2 || o->bins > 4096) return cki_invalid(ctx, "opt.bins", "must be in 2..4096, got %lld", (long long)o->bins);
    if (o->top_k < 0) return cki_invalid(ctx, "opt.top_k", "must be >= 0 (0 = no limit), got %lld", (long long)o->top_k);
    if (isnan(o->min_similarity)) return cki_invalid(ctx, "opt.min_similarity", "must not be NaN");
    if (n == 0) return CK_OK;
    if (!offsets) return cki_invalid(ctx, "offsets", "must not be NULL when n > 0");
    if (offsets[0] != 0) return cki_invalid(ctx, "offsets[0]", "must be 0, got %lld", (long long)offsets[0]);
    for (ck_idx_t i = 1; i <= n; i++)
        if (offsets[i] < offsets[i - 1])
            return cki_invalid(ctx, cki_path_index(path, sizeof path, "offsets", (size_t)i),
                               "%lld is below offsets[%lld] = %lld: offsets must not decrease", (long long)offsets[i],
                               (long long)i - 1, (long long)offsets[i - 1]);
    if (offsets[n] > 0 && !values) return cki_invalid(ctx, "values", "must not be NULL when offsets[n] > 0");
    bool log_bins = o->metric == CK_VALUE_JSD && o->binning == CK_BINNING_LOG;
    for (ck_idx_t k = 0; k < offsets[n]; k++) {
        if (!isfinite(values[k]))
            return cki_invalid(ctx, cki_path_index(path, sizeof path, "values", (size_t)k), "must be finite");
        if (log_bins && !(values[k] > 0))
            return cki_invalid(ctx, cki_path_index(path, sizeof path, "values", (size_t)k),
                               "log binning needs values > 0, got %.17g", values[k]);
    }
    return CK_OK;
}

/* np.quantile(sorted[0..N), q, method="linear"), step for step as numpy 2.x computes it. */
static double np_quantile_linear(const double *a, size_t N, double q)
{
    double t1 = (double)N * q;
    double t2 = 1.0 + q * -1.0;
    double t3 = t1 + t2;
    double vi = t3 - 1.0; /* virtual index */
    double prev = floor(vi);
    size_t lo, hi;
    if (vi >= (double)N - 1) {
        lo = hi = N - 1;
        prev = -1; /* numpy sets the index to -1 before computing gamma */
    } else if (vi < 0) {
        lo = hi = 0;
        prev = 0;
    } else {
        lo = (size_t)prev;
        hi = lo + 1;
    }
    double gamma = vi - prev, a0 = a[lo], b0 = a[hi], diff = b0 - a0;
    if (gamma >= 0.5) return b0 - diff * (1.0 - gamma);
    return a0 + diff * gamma;
}

/* The shared bin edges (numpy's recipes) into P->edges / P->nb. */
static ck_status_t make_edges(ck_ctx_t *ctx, vprep_t *P, const double *values, size_t N, double gmin, double gmax,
                              const ck_value_similarity_options_t *o)
{
    size_t B = (size_t)o->bins;
    P->edges = cki_mallocarray(ctx, B + 1, sizeof *P->edges);
    if (!P->edges) return cki_nomem(ctx);
    double *e = P->edges;
    P->nb = B;
    if (o->binning == CK_BINNING_EQUAL_WIDTH || o->binning == CK_BINNING_LOG) {
        bool lg = o->binning == CK_BINNING_LOG;
        double start = lg ? log10(gmin) : gmin, stop = lg ? log10(gmax) : gmax;
        double delta = stop - start, step = delta / (double)B;
        for (size_t i = 0; i < B; i++) {
            double y = step == 0 ? ((double)i / (double)B) * delta : (double)i * step;
            y += start;
            e[i] = lg ? pow(10.0, y) : y;
        }
        e[0] = gmin; /* log: exactly the extremes, so every value falls in a bin */
        e[B] = gmax;
        for (size_t i = 1; i <= B; i++)
            if (e[i] < e[i - 1]) e[i] = e[i - 1];
        return CK_OK;
    }
    /* quantile */
    double *pool = cki_mallocarray(ctx, N, sizeof *pool);
    if (!pool) return cki_nomem(ctx);
    memcpy(pool, values, N * sizeof *pool);
    qsort(pool, N, sizeof *pool, dcmp);
    double step = 1.0 / (double)B;
    for (size_t i = 0; i <= B; i++) e[i] = np_quantile_linear(pool, N, i == B ? 1.0 : (double)i * step + 0.0);
    cki_free(ctx, pool);
    qsort(e, B + 1, sizeof *e, dcmp);
    size_t k = 1;
    for (size_t i = 1; i <= B; i++)
        if (e[i] != e[k - 1]) e[k++] = e[i];
    if (k == 1) e[k++] = e[0]; /* all values equal: one bin [c, c] */
    P->nb = k - 1;
    return CK_OK;
}

static ck_status_t vprep_init(ck_ctx_t *ctx, vprep_t *P, const double *values, const ck_idx_t *offsets, ck_idx_t n,
                              const ck_value_similarity_options_t *o)
{
    memset(P, 0, sizeof *P);
    P->metric = o->metric;
    P->n = (uint32_t)n;
    P->off = offsets;
    if (n == 0 || offsets[n] == 0) return CK_OK;
    size_t N = (size_t)offsets[n];
    double gmin = values[0], gmax = values[0];
    for (size_t k = 1; k < N; k++) {
        gmin = values[k] < gmin ? values[k] : gmin;
        gmax = values[k] > gmax ? values[k] : gmax;
    }
    P->range = gmax - gmin;
    if (!isfinite(P->range)) return cki_invalid(ctx, "values", "the value range (max - min) overflows a double");
    int threads = cki_threads(ctx);
    (void)threads; /* only OpenMP pragmas use it */
    if (o->metric == CK_VALUE_WASSERSTEIN) {
        P->sorted = cki_mallocarray(ctx, N, sizeof *P->sorted);
        if (!P->sorted) return cki_nomem(ctx);
        memcpy(P->sorted, values, N * sizeof *P->sorted);
        double *s = P->sorted;
        CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 64))
        for (ck_idx_t i = 0; i < n; i++)
            if (offsets[i + 1] - offsets[i] > 1) qsort(s + offsets[i], (size_t)(offsets[i + 1] - offsets[i]), sizeof *s, dcmp);
        return CK_OK;
    }
    ck_status_t status = make_edges(ctx, P, values, N, gmin, gmax, o);
    if (status) return status;
    size_t nb = P->nb;
    if ((size_t)n > SIZE_MAX / nb) return cki_nomem(ctx);
    P->p = cki_calloc(ctx, (size_t)n * nb, sizeof *P->p);
    if (!P->p) return cki_nomem(ctx);
    const double *e = P->edges;
    double *p = P->p;
    CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 64))
    for (ck_idx_t i = 0; i < n; i++) {
        double *row = p + (size_t)i * nb, total = 0;
        for (ck_idx_t k = offsets[i]; k < offsets[i + 1]; k++) {
            double x = values[k];
            /* numpy.histogram: bin j holds e[j] <= x < e[j+1], the last bin e[nb-1] <= x <= e[nb] */
            size_t lo = 0, hi = nb; /* first j in [0, nb) with e[j] > x */
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (e[mid] > x) hi = mid;
                else lo = mid + 1;
            }
            if (lo == 0) continue;          /* below e[0] */
            if (lo == nb && x > e[nb]) continue; /* above the last edge */
            row[lo - 1] += 1.0;
            total += 1.0;
        }
        if (total > 0)
            for (size_t j = 0; j < nb; j++) row[j] = row[j] / total;
    }
    return CK_OK;
}

static inline bool vempty(const vprep_t *P, uint32_t u) { return P->off[u + 1] == P->off[u]; }

/* Similarity and distance of (u, v); NaN when either has no values. */
static void vpair(const vprep_t *P, uint32_t u, uint32_t v, double *sim, double *dist)
{
    if (vempty(P, u) || vempty(P, v)) {
        *sim = *dist = NAN;
        return;
    }
    if (P->metric == CK_VALUE_JSD) {
        const double *p = P->p + (size_t)u * P->nb, *q = P->p + (size_t)v * P->nb;
        const double ln2 = log(2.0);
        double ls = 0.0, rs = 0.0;
        for (size_t k = 0; k < P->nb; k++) {
            double a = p[k], b = q[k];
            if (a == 0.0 && b == 0.0) continue;
            double m = (a + b) / 2.0;
            /* scipy: rel_entr(p, m) + rel_entr(q, m); a/m == 2 exactly when b == 0 */
            if (a > 0.0) ls += b == 0.0 ? a * ln2 : a * log(a / m);
            if (b > 0.0) rs += a == 0.0 ? b * ln2 : b * log(b / m);
        }
        double js = (ls + rs) / ln2;
        double d = js > 0.0 ? sqrt(js / 2.0) : 0.0;
        d = d > 1.0 ? 1.0 : d;
        *dist = d;
        *sim = 1.0 - d;
        return;
    }
    const double *a = P->sorted + P->off[u], *b = P->sorted + P->off[v];
    size_t na = (size_t)(P->off[u + 1] - P->off[u]), nb = (size_t)(P->off[v + 1] - P->off[v]), i = 0, j = 0;
    double cur = a[0] < b[0] ? a[0] : b[0], w = 0.0;
    for (;;) {
        while (i < na && a[i] <= cur) i++;
        while (j < nb && b[j] <= cur) j++;
        if (i == na && j == nb) break;
        double next = i == na ? b[j] : j == nb ? a[i] : (a[i] < b[j] ? a[i] : b[j]);
        w += fabs((double)i / (double)na - (double)j / (double)nb) * (next - cur);
        cur = next;
    }
    *dist = w;
    double s = P->range > 0 ? 1.0 - w / P->range : 1.0;
    *sim = s < 0.0 ? 0.0 : s > 1.0 ? 1.0 : s;
}

/* ---------------------------------------------------------------- modes */

typedef struct vrun {
    const vprep_t *P;
    cki_sim_collect_t *col;
    double min_similarity;
} vrun_t;

static bool value_rows(void *arg, int tid, uint32_t begin, uint32_t end)
{
    const vrun_t *R = arg;
    const vprep_t *P = R->P;
    cki_sim_buf_t *buf = &R->col->buf[tid];
    for (uint32_t u = begin; u < end; u++) {
        if (vempty(P, u)) continue;
        for (uint32_t v = u + 1; v < P->n; v++) {
            if (vempty(P, v)) continue;
            double s, d;
            vpair(P, u, v, &s, &d);
            if (s >= R->min_similarity) cki_sim_push(R->col, buf, s, u, v);
        }
        if (buf->failed) return false;
    }
    return true;
}

/* Result rows from ranked entries, distances recomputed (the same deterministic function). */
static ck_status_t entries_result(ck_ctx_t *ctx, ck_pair_scores_t **result, const vprep_t *P, const cki_sim_entry_t *e,
                                  size_t count, bool truncated)
{
    ck_status_t status = cki_pair_scores_new(ctx, result, count, true);
    if (status) return status;
    ck_pair_scores_t *r = *result;
    int threads = cki_threads(ctx);
    (void)threads; /* only OpenMP pragmas use it */
    CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 256))
    for (int64_t i = 0; i < (int64_t)count; i++) {
        r->u[i] = e[i].u;
        r->v[i] = e[i].v;
        vpair(P, e[i].u, e[i].v, &r->score[i], &r->distance[i]);
    }
    r->truncated = truncated;
    return CK_OK;
}

ck_status_t ck_value_similarity(ck_ctx_t *ctx, ck_pair_scores_t **result, const double *values, const ck_idx_t *offsets,
                                ck_idx_t n, const ck_value_similarity_options_t *opt)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!result) return cki_invalid(ctx, "result", "must not be NULL");
    *result = NULL;
    ck_value_similarity_options_t o;
    if (opt) o = *opt;
    else ck_value_similarity_options_init(&o);
    ck_status_t status = check_inputs(ctx, values, offsets, n, &o);
    if (status) return status;
    vprep_t P;
    cki_sim_collect_t col = {0};
    cki_sim_entry_t *e = NULL;
    size_t count = 0;
    bool truncated = false;
    CK_TRY(vprep_init(ctx, &P, values, offsets, n, &o));
    if (n > 1 && offsets[n] > 0) {
        int threads = cki_threads(ctx);
        CK_TRY(cki_sim_collect_init(ctx, &col, threads, o.top_k));
        vrun_t R = {&P, &col, o.min_similarity};
        CK_TRY(cki_sim_for_rows(ctx, threads, (uint32_t)n, 4, value_rows, &R));
        CK_TRY(cki_sim_collect_finish(&col, &e, &count, &truncated, NULL));
    }
    CK_TRY(entries_result(ctx, result, &P, e, count, truncated));
cleanup:
    cki_free(ctx, e);
    cki_sim_collect_free(&col);
    vprep_free(ctx, &P);
    return status;
}

ck_status_t ck_value_similarity_target(ck_ctx_t *ctx, ck_pair_scores_t **result, const double *values,
                                       const ck_idx_t *offsets, ck_idx_t n, ck_idx_t target,
                                       const ck_value_similarity_options_t *opt)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!result) return cki_invalid(ctx, "result", "must not be NULL");
    *result = NULL;
    ck_value_similarity_options_t o;
    if (opt) o = *opt;
    else ck_value_similarity_options_init(&o);
    ck_status_t status = check_inputs(ctx, values, offsets, n, &o);
    if (status) return status;
    if (target < 0 || target >= n)
        return cki_invalid(ctx, "target", "node %lld is out of range 0..%lld", (long long)target, (long long)n - 1);
    vprep_t P;
    cki_sim_entry_t *e = NULL;
    size_t count = 0;
    CK_TRY(vprep_init(ctx, &P, values, offsets, n, &o));
    e = cki_mallocarray(ctx, (size_t)n, sizeof *e);
    if (!e) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    uint32_t t = (uint32_t)target;
    if (!vempty(&P, t)) {
        int threads = cki_threads(ctx);
        (void)threads; /* only OpenMP pragmas use it */
        CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 64))
        for (int64_t v = 0; v < n; v++) {
            double d;
            e[v].u = t;
            e[v].v = (uint32_t)v;
            if ((uint32_t)v == t || vempty(&P, (uint32_t)v)) e[v].s = NAN;
            else vpair(&P, t, (uint32_t)v, &e[v].s, &d);
        }
        for (int64_t v = 0; v < n; v++)
            if (!isnan(e[v].s)) e[count++] = e[v];
        cki_sim_sort(ctx, e, count);
    }
    CK_TRY(entries_result(ctx, result, &P, e, count, false));
cleanup:
    cki_free(ctx, e);
    vprep_free(ctx, &P);
    return status;
}

ck_status_t ck_value_similarity_pairs(ck_ctx_t *ctx, double *similarity, double *distance, const double *values,
                                      const ck_idx_t *offsets, ck_idx_t n, const ck_idx_t *u, const ck_idx_t *v,
                                      ck_idx_t n_pairs, const ck_value_similarity_options_t *opt)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ck_value_similarity_options_t o;
    if (opt) o = *opt;
    else ck_value_similarity_options_init(&o);
    ck_status_t status = check_inputs(ctx, values, offsets, n, &o);
    if (status) return status;
    if ((status = cki_sim_check_pairs(ctx, u, v, n_pairs, n))) return status;
    if (n_pairs > 0 && (!similarity || !distance))
        return cki_invalid(ctx, !similarity ? "similarity" : "distance", "must not be NULL when n_pairs > 0");
    vprep_t P;
    CK_TRY(vprep_init(ctx, &P, values, offsets, n, &o));
    int threads = cki_threads(ctx);
    (void)threads; /* only OpenMP pragmas use it */
    const ck_idx_t block = 1 << 14;
    for (ck_idx_t b = 0; b < n_pairs && !status; b += block) {
        ck_idx_t end = b + block < n_pairs ? b + block : n_pairs;
        CKI_OMP(omp parallel for num_threads(threads) schedule(dynamic, 64))
        for (ck_idx_t i = b; i < end; i++) vpair(&P, (uint32_t)u[i], (uint32_t)v[i], &similarity[i], &distance[i]);
        status = cki_poll(ctx, (double)end / (double)n_pairs);
    }
cleanup:
    vprep_free(ctx, &P);
    return status;
}

/* ---------------------------------------------------------------- JSON */

static ck_status_t read_values(ck_ctx_t *ctx, const json_t *jv, bool log_bins, double **values, ck_idx_t **offsets,
                               ck_idx_t *n_out)
{
    char path[CKI_ERR_FIELD_MAX], sub[CKI_ERR_FIELD_MAX];
    size_t n = json_array_size(jv), total = 0;
    *values = NULL;
    *offsets = NULL;
    if (n > (size_t)CK_GRAPH_MAX_NODES)
        return cki_invalid(ctx, "values", "has %zu nodes, at most %lld are supported", n, (long long)CK_GRAPH_MAX_NODES);
    for (size_t i = 0; i < n; i++) {
        const json_t *row = json_array_get(jv, i);
        if (!json_is_array(row))
            return cki_invalid(ctx, cki_path_index(path, sizeof path, "values", i),
                               "expected an array of numbers (possibly empty)");
        total += json_array_size(row);
    }
    ck_idx_t *off = cki_mallocarray(ctx, n + 1, sizeof *off);
    double *x = cki_mallocarray(ctx, total ? total : 1, sizeof *x);
    ck_status_t status = CK_OK;
    if (!off || !x) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    size_t k = 0;
    off[0] = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *row = json_array_get(jv, i);
        cki_path_index(path, sizeof path, "values", i);
        for (size_t j = 0; j < json_array_size(row); j++) {
            const json_t *el = json_array_get(row, j);
            cki_path_index(sub, sizeof sub, path, j);
            if (!json_is_number(el)) {
                status = cki_invalid(ctx, sub, "expected a number");
                goto cleanup;
            }
            double y = json_number_value(el);
            if (!isfinite(y)) {
                status = cki_invalid(ctx, sub, "must be finite");
                goto cleanup;
            }
            if (log_bins && !(y > 0)) {
                status = cki_invalid(ctx, sub, "log binning needs values > 0, got %.17g", y);
                goto cleanup;
            }
            x[k++] = y;
        }
        off[i + 1] = (ck_idx_t)k;
    }
    *values = x;
    *offsets = off;
    *n_out = (ck_idx_t)n;
    x = NULL;
    off = NULL;
cleanup:
    cki_free(ctx, x);
    cki_free(ctx, off);
    return status;
}

ck_status_t cki_value_similarity_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                                      ck_run_info_t *info)
{
    (void)k;
    (void)info;
    double *values = NULL, *sim = NULL, *dist = NULL;
    ck_idx_t *offsets = NULL, n = 0, np = 0;
    int64_t *pu = NULL, *pv = NULL;
    ck_pair_scores_t *r = NULL;
    json_t *rows = NULL;
    ck_status_t status;
    ck_value_similarity_options_t o;
    ck_value_similarity_options_init(&o);
    const char *metric = json_string_value(json_object_get(in, "metric"));
    const char *binning = json_string_value(json_object_get(in, "binning"));
    o.metric = strcmp(metric, "wasserstein") == 0 ? CK_VALUE_WASSERSTEIN : CK_VALUE_JSD;
    o.binning = strcmp(binning, "log") == 0        ? CK_BINNING_LOG
                : strcmp(binning, "quantile") == 0 ? CK_BINNING_QUANTILE
                                                   : CK_BINNING_EQUAL_WIDTH;
    o.bins = (ck_idx_t)json_integer_value(json_object_get(in, "bins"));
    o.min_similarity = json_number_value(json_object_get(in, "min_similarity"));
    o.top_k = (ck_idx_t)json_integer_value(json_object_get(in, "top_k"));
    const json_t *jp = json_object_get(in, "pairs"), *jt = json_object_get(in, "target");
    bool has_pairs = jp && !json_is_null(jp), has_target = jt && !json_is_null(jt);
    CK_TRY(read_values(ctx, json_object_get(in, "values"), o.metric == CK_VALUE_JSD && o.binning == CK_BINNING_LOG,
                       &values, &offsets, &n));
    if (has_pairs && has_target) {
        status = cki_invalid(ctx, "target", "give either pairs or target, not both");
        goto cleanup;
    }
    rows = json_array();
    if (!rows) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    if (has_pairs) {
        CK_TRY(cki_sim_read_pairs(ctx, jp, "pairs", n, &pu, &pv, &np));
        if (np) {
            sim = cki_mallocarray(ctx, (size_t)np, sizeof *sim);
            dist = cki_mallocarray(ctx, (size_t)np, sizeof *dist);
            if (!sim || !dist) {
                status = cki_nomem(ctx);
                goto cleanup;
            }
        }
        CK_TRY(ck_value_similarity_pairs(ctx, sim, dist, values, offsets, n, pu, pv, np, &o));
        for (ck_idx_t i = 0; i < np; i++)
            CK_TRY(cki_sim_append_row(ctx, rows, pu[i], pv[i], cki_json_real_new(sim[i]), cki_json_real_new(dist[i]), 2));
    } else {
        if (has_target) {
            if (!json_is_integer(jt)) {
                status = cki_invalid(ctx, "target", "expected a node id (integer) or null");
                goto cleanup;
            }
            json_int_t t = json_integer_value(jt);
            if (t < 0 || t >= n) {
                status = n > 0 ? cki_invalid(ctx, "target", "node %lld is out of range 0..%lld", (long long)t, (long long)n - 1)
                               : cki_invalid(ctx, "target", "node %lld is out of range: there are no nodes", (long long)t);
                goto cleanup;
            }
            CK_TRY(ck_value_similarity_target(ctx, &r, values, offsets, n, t, &o));
        } else {
            CK_TRY(ck_value_similarity(ctx, &r, values, offsets, n, &o));
        }
        for (ck_idx_t i = 0; i < r->count; i++)
            CK_TRY(cki_sim_append_row(ctx, rows, r->u[i], r->v[i], cki_json_real_new(r->score[i]),
                                      cki_json_real_new(r->distance[i]), 2));
    }
    json_t *rows_out = rows; /* cki_json_set takes it, also when it fails */
    rows = NULL;
    CK_TRY(cki_json_set(ctx, out, "pairs", rows_out));
    CK_TRY(cki_json_set(ctx, out, "truncated", json_boolean(r && r->truncated)));
cleanup:
    json_decref(rows);
    ck_pair_scores_destroy(&r);
    cki_free(ctx, values);
    cki_free(ctx, offsets);
    cki_free(ctx, pu);
    cki_free(ctx, pv);
    cki_free(ctx, sim);
    cki_free(ctx, dist);
    return status;
}
