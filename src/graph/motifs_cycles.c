/* graph/cycle-participation: simple cycles of length 2..max_length through each node, by a
 * bounded DFS from every start s over nodes > s (one canonical start per cycle; undirected cycles
 * also need second node < last node). Per-node counts, the bottleneck value that went round, the
 * cycle ratio and an AML risk band. */
#include <math.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "motifs_internal.h"

#define CYC_MAX_LEN 6
#define CYC_BLOCK 256 /* start nodes per block: the unit at which max_cycles is checked */

static const char *const risk_names[] = {"baseline", "low", "medium", "high", "critical"};

const char *ck_cycle_risk_name(ck_cycle_risk_t r)
{
    return (unsigned)r <= CK_CYCLE_RISK_CRITICAL ? risk_names[r] : NULL;
}

void ck_cycle_participation_options_init(ck_cycle_participation_options_t *o)
{
    if (!o) return;
    o->max_length = 4;
    o->use_weights = true;
    o->critical_min = 4;
    o->medium_min_triangles = 3;
    o->low_min_reciprocal = 3;
    o->max_cycles = 10000000;
}

typedef struct cyc_shared {
    const ck_graph_t *g;
    int L;              /* max_length */
    int W;              /* columns of counts: L - 1 */
    bool weighted;      /* read the weights (else every weight is 1) */
    int exp;            /* contributions are w * 2^(62 - exp), truncated to integers */
    int64_t *counts;    /* n * W */
    uint64_t *val_lo, *val_hi; /* per node 128-bit fixed-point sum of cycle minima (may be NULL) */
} cyc_shared_t;

typedef struct cyc_thread {
    const cyc_shared_t *sh;
    ck_ctx_t *ctx;
    uint32_t path[CYC_MAX_LEN];
    int64_t found, cap;  /* cycles found from the current start; its budget */
    bool stopped;        /* the budget was reached */
    int64_t totals[CYC_MAX_LEN - 1];
    int64_t steps;       /* DFS steps since the last cancellation check */
} cyc_thread_t;

static void cyc_record(cyc_thread_t *t, int p, double minw)
{
    const cyc_shared_t *sh = t->sh;
    const int col = p - 2;
    if (col < 0 || col >= CYC_MAX_LEN - 1) return; /* cannot happen: p <= max_length <= 6 */
    t->totals[col]++;
    uint64_t x = 0;
    if (sh->val_lo) x = (uint64_t)ldexp(minw, 62 - sh->exp);
    for (int i = 0; i < p; i++) {
        const uint32_t u = t->path[i];
        CKI_OMP(omp atomic)
        sh->counts[(size_t)u * (size_t)sh->W + (size_t)col] += 1;
        if (x) {
            uint64_t old;
            CKI_OMP(omp atomic capture)
            {
                old = sh->val_lo[u];
                sh->val_lo[u] += x;
            }
            if (old + x < old) {
                CKI_OMP(omp atomic)
                sh->val_hi[u] += 1;
            }
        }
    }
    if (++t->found >= t->cap) t->stopped = true;
}

/* First index in row[0..n) whose value is >= x. */
static inline int64_t lower_bound(const uint32_t *row, int64_t n, uint32_t x)
{
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (row[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The path holds p nodes (path[0] = s); minw is the smallest weight along it. */
static void cyc_dfs(cyc_thread_t *t, int p, double minw)
{
    const cyc_shared_t *sh = t->sh;
    const ck_graph_t *g = sh->g;
    const uint32_t s = t->path[0], last = t->path[p - 1];
    const uint32_t *row = g->out_adj + g->out_off[last];
    const double *wr = g->out_w + g->out_off[last];
    const int64_t d = g->out_off[last + 1] - g->out_off[last];
    int64_t i = lower_bound(row, d, s);
    if (i < d && row[i] == s) {
        const bool close = g->directed ? p >= 2 : (p >= 3 && t->path[1] < last);
        if (close) {
            double w = sh->weighted && wr[i] < minw ? wr[i] : minw;
            cyc_record(t, p, w);
            if (t->stopped) return;
        }
        i++;
    }
    if (p >= sh->L || p >= CYC_MAX_LEN) return;
    if (++t->steps >= 65536) {
        t->steps = 0;
        if (ck_ctx_cancelled(t->ctx)) {
            t->stopped = true;
            return;
        }
    }
    for (; i < d; i++) {
        const uint32_t x = row[i];
        bool on = false;
        for (int j = 1; j < p; j++) on |= t->path[j] == x;
        if (on) continue;
        t->path[p] = x;
        cyc_dfs(t, p + 1, sh->weighted && wr[i] < minw ? wr[i] : minw);
        if (t->stopped) return;
    }
}

ck_status_t ck_cycle_participation(ck_ctx_t *ctx, int64_t *counts, int64_t *totals, double *cycle_value,
                                   double *cycle_ratio, ck_cycle_risk_t *risk, bool *truncated, const ck_graph_t *g,
                                   const ck_cycle_participation_options_t *opt)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!g) return cki_invalid(ctx, "g", "must not be NULL");
    if (!counts) return cki_invalid(ctx, "counts", "must not be NULL");
    ck_cycle_participation_options_t o;
    if (opt) o = *opt;
    else ck_cycle_participation_options_init(&o);
    const int64_t min_len = g->directed ? 2 : 3;
    if (o.max_length < min_len || o.max_length > CYC_MAX_LEN)
        return cki_invalid(ctx, "max_length", "%lld is outside %lld..%d%s", (long long)o.max_length, (long long)min_len,
                           CYC_MAX_LEN, g->directed ? "" : " (undirected graphs have no 2-cycles)");
    if (o.critical_min < 1) return cki_invalid(ctx, "critical_min", "must be >= 1, got %lld", (long long)o.critical_min);
    if (o.medium_min_triangles < 1)
        return cki_invalid(ctx, "medium_min_triangles", "must be >= 1, got %lld", (long long)o.medium_min_triangles);
    if (o.low_min_reciprocal < 1)
        return cki_invalid(ctx, "low_min_reciprocal", "must be >= 1, got %lld", (long long)o.low_min_reciprocal);
    if (o.max_cycles < 1) return cki_invalid(ctx, "max_cycles", "must be >= 1, got %lld", (long long)o.max_cycles);

    const uint32_t n = g->n;
    const int L = (int)o.max_length, W = L - 1;
    const int threads = cki_threads(ctx);
    ck_status_t status = CK_OK;
    cyc_thread_t *ts = NULL;
    uint64_t *lo = NULL, *hi = NULL;
    cyc_shared_t sh = {.g = g, .L = L, .W = W, .weighted = o.use_weights && g->weighted, .exp = 0, .counts = counts};
    memset(counts, 0, (size_t)n * (size_t)W * sizeof *counts);
    if (cycle_value) {
        double wmax = 1.0;
        if (sh.weighted) {
            wmax = 0.0;
            for (int64_t e = 0; e < g->out_off[n]; e++)
                if (g->out_w[e] > wmax) wmax = g->out_w[e];
        }
        if (wmax > 0) {
            (void)frexp(wmax, &sh.exp); /* wmax < 2^exp: every contribution is below 2^62 */
            lo = cki_calloc(ctx, (size_t)n ? (size_t)n : 1, sizeof *lo);
            hi = cki_calloc(ctx, (size_t)n ? (size_t)n : 1, sizeof *hi);
            if (!lo || !hi) {
                status = cki_nomem(ctx);
                goto cleanup;
            }
            sh.val_lo = lo;
            sh.val_hi = hi;
        }
    }
    ts = cki_calloc(ctx, (size_t)threads, sizeof *ts);
    if (!ts) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (int t = 0; t < threads; t++) {
        ts[t].sh = &sh;
        ts[t].ctx = ctx;
    }
    int64_t found = 0;
    bool cut = false;
    for (int64_t b0 = 0; b0 < (int64_t)n && !cut; b0 += CYC_BLOCK) {
        const int64_t b1 = b0 + CYC_BLOCK < (int64_t)n ? b0 + CYC_BLOCK : (int64_t)n;
        const int64_t budget = o.max_cycles - found;
        int64_t block_found = 0;
        int any_stopped = 0;
        CKI_OMP(omp parallel num_threads(threads) reduction(+ : block_found) reduction(| : any_stopped))
        {
#ifdef _OPENMP
            cyc_thread_t *t = &ts[omp_get_thread_num()];
#else
            cyc_thread_t *t = &ts[0];
#endif
            CKI_OMP(omp for schedule(dynamic, 1) nowait)
            for (int64_t s = b0; s < b1; s++) {
                if (ck_ctx_cancelled(ctx)) continue;
                t->path[0] = (uint32_t)s;
                t->found = 0;
                t->cap = budget;
                t->stopped = false;
                cyc_dfs(t, 1, sh.weighted ? INFINITY : 1.0);
                block_found += t->found;
                any_stopped |= t->stopped;
            }
        }
        CK_TRY(cki_poll(ctx, (double)b1 / (double)n));
        found += block_found;
        cut = any_stopped || found >= o.max_cycles;
    }
    if (truncated) *truncated = cut;
    if (totals) {
        for (int c = 0; c < W; c++) totals[c] = 0;
        for (int t = 0; t < threads; t++)
            for (int c = 0; c < W; c++) totals[c] += ts[t].totals[c];
    }
    for (uint32_t u = 0; u < n; u++) {
        const int64_t *cu = counts + (size_t)u * (size_t)W;
        if (cycle_value) {
            ck_uint128_t v = ((ck_uint128_t)(hi ? hi[u] : 0) << 64) | (lo ? lo[u] : 0);
            cycle_value[u] = lo ? ldexp((double)v, sh.exp - 62) : 0.0;
        }
        int64_t sum = 0, c4 = 0;
        for (int c = 0; c < W; c++) {
            sum += cu[c];
            if (c + 2 >= 4) c4 += cu[c];
        }
        if (cycle_ratio) {
            int64_t d = g->out_off[u + 1] - g->out_off[u];
            cycle_ratio[u] = (double)sum / (double)(d > 1 ? d : 1);
        }
        if (risk) {
            const int64_t c2 = cu[0], c3 = W >= 2 ? cu[1] : 0;
            ck_cycle_risk_t r = CK_CYCLE_RISK_BASELINE;
            if (c4 >= o.critical_min) r = CK_CYCLE_RISK_CRITICAL;
            else if (c4 >= 1) r = CK_CYCLE_RISK_HIGH;
            else if (c3 >= o.medium_min_triangles) r = CK_CYCLE_RISK_MEDIUM;
            else if (c3 >= 1 || c2 >= o.low_min_reciprocal) r = CK_CYCLE_RISK_LOW;
            risk[u] = r;
        }
    }
cleanup:
    cki_free(ctx, ts);
    cki_free(ctx, lo);
    cki_free(ctx, hi);
    return status;
}
