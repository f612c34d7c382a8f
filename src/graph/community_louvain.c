/* graph/louvain-community: multilevel Louvain (Blondel, Guillaume, Lambiotte, Lefebvre 2008) with
 * the networkx gain formulas and the spec's deterministic rules.
 *
 * Level graph. Each level works on a graph whose rows hold, for every node u, its neighbours v != u
 * with the weight w(u,v) counted in both directions (directed graphs: w(u->v) + w(v->u)), sorted
 * ascending; a node's self-loop weight is not needed (the gain ignores it) but its strengths are:
 * k_u (undirected, self-loop counted twice) or k_u^out and k_u^in (directed), the sums of its
 * members' input strengths. Level 0 of an undirected graph is the input CSR itself (no copy).
 *
 * Local moving (sequential: the sweep order defines the answer). For node u in its community C0:
 * the weights w(u,C) to each adjacent community are accumulated in a dense scratch array (marked
 * -1 when unused) with a touched list, u is removed from C0 (Sigma_tot(C0) -= k_u), and for each
 * touched C != C0 the gain, scaled by m,
 *     undirected: [w(u,C) - w(u,C0)] - (gamma k_u / 2m) [Sigma(C) - Sigma(C0)]
 *     directed:   [w(u,C) - w(u,C0)] - ((gamma k_u^out / m) [Sin(C) - Sin(C0)]
 *                                       + (gamma k_u^in / m) [Sout(C) - Sout(C0)])
 * is compared; the largest strictly positive gain wins, the smallest community id on a tie, and u
 * stays otherwise. Sweeps repeat until one moves nothing. The operation order is fixed (and
 * mirrored by tests/data/graph/community/gen_community.py), so the result is reproducible bit for
 * bit. O(m) per sweep, no allocation inside.
 *
 * Aggregation (parallel over the new communities, each built independently from its members in
 * ascending order, so the thread count cannot change a bit): communities are renumbered by their
 * smallest member, which keeps the labels of the input nodes canonical at every level. */
#include <math.h>
#include <string.h>

#include "community_internal.h"

#define POLL_NODES 65536u

typedef struct level {
    uint32_t n;
    const int64_t *off;
    const uint32_t *adj;
    const double *w;       /* NULL: every weight is 1 */
    const double *ko, *ki; /* strengths; ki == ko when undirected */
    /* owned storage (NULL when borrowed from the input graph) */
    int64_t *own_off;
    uint32_t *own_adj;
    double *own_w, *own_k; /* own_k: ko, then ki (directed) */
} level_t;

struct ck_louvain {
    ck_allocator_t alloc;
    const ck_graph_t *g;
    ck_louvain_options_t opt;
    bool directed, use_w;
    uint32_t n;
    double m;
    level_t lev;
    uint32_t *comm;    /* [n] community of each level node (named by a level node id) */
    uint32_t *nmap;    /* [n] new id of each level node's community after the last level */
    uint32_t *touched; /* [n] scratch */
    uint32_t *order;   /* [n] random order, NULL for index order */
    double *tot;       /* [2n] Sigma_tot (out), Sigma_tot in (directed) */
    double *acc;       /* [n] scratch, -1 = unused */
    uint32_t *label;   /* [n input nodes] current canonical labels */
    uint32_t nc;       /* communities of the current partition */
    bool pending;      /* aggregate (lev, nmap) before the next local moving */
    ck_idx_t levels;
    double q;
    bool converged;
};

/* ---------------------------------------------------------------- allocation through the state's allocator */

static void *lv_alloc(const ck_allocator_t *a, size_t n, size_t size)
{
    if (n == 0) n = 1;
    if (size && n > SIZE_MAX / size) return NULL;
    return a->malloc_fn(n * size, a->user);
}

static void lv_free(const ck_allocator_t *a, void *p)
{
    if (p) a->free_fn(p, a->user);
}

static void level_free(const ck_allocator_t *a, level_t *L)
{
    lv_free(a, L->own_off);
    lv_free(a, L->own_adj);
    lv_free(a, L->own_w);
    lv_free(a, L->own_k);
    memset(L, 0, sizeof *L);
}

/* ---------------------------------------------------------------- level 0 */

static ck_status_t level0(ck_ctx_t *ctx, ck_louvain_t *lv)
{
    const ck_graph_t *g = lv->g;
    const ck_allocator_t *a = &lv->alloc;
    const uint32_t n = g->n;
    const bool directed = g->directed, use_w = lv->use_w;
    level_t *L = &lv->lev;
    memset(L, 0, sizeof *L);
    L->n = n;
    L->own_k = lv_alloc(a, (size_t)n * (directed ? 2 : 1), sizeof *L->own_k);
    if (!L->own_k) return cki_nomem(ctx);
    double *ko = L->own_k, *ki = directed ? L->own_k + n : ko;
    const int threads = cki_threads(ctx);
    const bool par = (int64_t)n + g->out_off[n] > CKI_COMM_PAR_MIN;
    (void)par; /* used only by OpenMP clauses */
    (void)threads; /* used only by OpenMP clauses */
#pragma omp parallel for schedule(static, 1024) num_threads(threads) if (par)
    for (int64_t uu = 0; uu < (int64_t)n; uu++) {
        const uint32_t u = (uint32_t)uu;
        double s = 0;
        for (int64_t e = g->out_off[u]; e < g->out_off[u + 1]; e++) s += use_w ? g->out_w[e] : 1.0;
        ko[u] = s;
        if (directed) {
            double t = 0;
            for (int64_t e = g->in_off[u]; e < g->in_off[u + 1]; e++) t += use_w ? g->in_w[e] : 1.0;
            ki[u] = t;
        }
    }
    L->ko = ko;
    L->ki = ki;
    double deg_sum = 0; /* in node order, as cki_comm_modularity */
    for (uint32_t u = 0; u < n; u++) deg_sum += ko[u];
    lv->m = directed ? deg_sum : deg_sum / 2;
    if (!directed) {
        L->off = g->out_off;
        L->adj = g->out_adj;
        L->w = use_w ? g->out_w : NULL;
        return CK_OK;
    }
    /* Directed: merge each node's out-row and in-row into one symmetric row. */
    L->own_off = lv_alloc(a, (size_t)n + 1, sizeof *L->own_off);
    if (!L->own_off) return cki_nomem(ctx);
    int64_t *off = L->own_off;
    off[0] = 0;
#pragma omp parallel for schedule(static, 1024) num_threads(threads) if (par)
    for (int64_t uu = 0; uu < (int64_t)n; uu++) {
        const uint32_t u = (uint32_t)uu;
        int64_t i = g->out_off[u], ie = g->out_off[u + 1], j = g->in_off[u], je = g->in_off[u + 1], c = 0;
        while (i < ie || j < je) {
            if (j >= je || (i < ie && g->out_adj[i] < g->in_adj[j])) i++;
            else if (i >= ie || g->in_adj[j] < g->out_adj[i]) j++;
            else i++, j++;
            c++;
        }
        off[u + 1] = c;
    }
    for (uint32_t u = 0; u < n; u++) off[u + 1] += off[u];
    L->own_adj = lv_alloc(a, (size_t)off[n], sizeof *L->own_adj);
    L->own_w = lv_alloc(a, (size_t)off[n], sizeof *L->own_w);
    if (!L->own_adj || !L->own_w) return cki_nomem(ctx);
    uint32_t *adj = L->own_adj;
    double *w = L->own_w;
#pragma omp parallel for schedule(static, 1024) num_threads(threads) if (par)
    for (int64_t uu = 0; uu < (int64_t)n; uu++) {
        const uint32_t u = (uint32_t)uu;
        int64_t i = g->out_off[u], ie = g->out_off[u + 1], j = g->in_off[u], je = g->in_off[u + 1], p = off[u];
        while (i < ie || j < je) {
            if (j >= je || (i < ie && g->out_adj[i] < g->in_adj[j])) {
                adj[p] = g->out_adj[i];
                w[p] = use_w ? g->out_w[i] : 1.0;
                i++;
            } else if (i >= ie || g->in_adj[j] < g->out_adj[i]) {
                adj[p] = g->in_adj[j];
                w[p] = use_w ? g->in_w[j] : 1.0;
                j++;
            } else {
                adj[p] = g->out_adj[i];
                w[p] = use_w ? g->out_w[i] + g->in_w[j] : 2.0;
                i++, j++;
            }
            p++;
        }
    }
    L->off = off;
    L->adj = adj;
    L->w = w;
    return CK_OK;
}

/* ---------------------------------------------------------------- local moving */

/* Accumulate w(u, C) over u's row into acc (touched list); returns the touched count. */
static inline uint32_t gather(const level_t *L, uint32_t u, const uint32_t *comm, double *acc, uint32_t *touched)
{
    uint32_t nt = 0;
    const int64_t lo = L->off[u], hi = L->off[u + 1];
    const uint32_t *adj = L->adj;
    if (L->w) {
        const double *w = L->w;
        for (int64_t e = lo; e < hi; e++) {
            const uint32_t c = comm[adj[e]];
            const double a = acc[c];
            if (a < 0) {
                acc[c] = w[e];
                touched[nt++] = c;
            } else {
                acc[c] = a + w[e];
            }
        }
    } else {
        for (int64_t e = lo; e < hi; e++) {
            const uint32_t c = comm[adj[e]];
            const double a = acc[c];
            if (a < 0) {
                acc[c] = 1.0;
                touched[nt++] = c;
            } else {
                acc[c] = a + 1.0;
            }
        }
    }
    return nt;
}

/* Nodes [from, to) of the sweep order; returns the number of moves. */
static uint32_t sweep_undirected(ck_louvain_t *lv, uint32_t from, uint32_t to, double c2m)
{
    const level_t *L = &lv->lev;
    uint32_t *comm = lv->comm, *touched = lv->touched;
    const uint32_t *order = lv->order;
    double *acc = lv->acc, *tot = lv->tot;
    uint32_t moves = 0;
    for (uint32_t i = from; i < to; i++) {
        const uint32_t u = order ? order[i] : i, c0 = comm[u];
        const double ku = L->ko[u];
        const uint32_t nt = gather(L, u, comm, acc, touched);
        const double w0 = acc[c0] >= 0 ? acc[c0] : 0.0;
        const double t0 = tot[c0] - ku;
        tot[c0] = t0;
        const double ck = ku * c2m;
        double best = 0;
        uint32_t bc = c0;
        for (uint32_t j = 0; j < nt; j++) {
            const uint32_t c = touched[j];
            const double a = acc[c];
            acc[c] = -1.0;
            if (c == c0) continue;
            const double gain = (a - w0) - ck * (tot[c] - t0);
            if (gain > best || (gain == best && best > 0 && c < bc)) {
                best = gain;
                bc = c;
            }
        }
        tot[bc] += ku;
        if (bc != c0) {
            comm[u] = bc;
            moves++;
        }
    }
    return moves;
}

static uint32_t sweep_directed(ck_louvain_t *lv, uint32_t from, uint32_t to, double cm)
{
    const level_t *L = &lv->lev;
    uint32_t *comm = lv->comm, *touched = lv->touched;
    const uint32_t *order = lv->order;
    double *acc = lv->acc, *to_ = lv->tot, *ti = lv->tot + L->n;
    uint32_t moves = 0;
    for (uint32_t i = from; i < to; i++) {
        const uint32_t u = order ? order[i] : i, c0 = comm[u];
        const double kuo = L->ko[u], kui = L->ki[u];
        const uint32_t nt = gather(L, u, comm, acc, touched);
        const double w0 = acc[c0] >= 0 ? acc[c0] : 0.0;
        const double t0o = to_[c0] - kuo, t0i = ti[c0] - kui;
        to_[c0] = t0o;
        ti[c0] = t0i;
        const double cko = kuo * cm, cki = kui * cm;
        double best = 0;
        uint32_t bc = c0;
        for (uint32_t j = 0; j < nt; j++) {
            const uint32_t c = touched[j];
            const double a = acc[c];
            acc[c] = -1.0;
            if (c == c0) continue;
            const double gain = (a - w0) - (cko * (ti[c] - t0i) + cki * (to_[c] - t0o));
            if (gain > best || (gain == best && best > 0 && c < bc)) {
                best = gain;
                bc = c;
            }
        }
        to_[bc] += kuo;
        ti[bc] += kui;
        if (bc != c0) {
            comm[u] = bc;
            moves++;
        }
    }
    return moves;
}

static ck_status_t local_moving(ck_ctx_t *ctx, ck_louvain_t *lv, bool *moved)
{
    const level_t *L = &lv->lev;
    const uint32_t n = L->n;
    *moved = false;
    for (uint32_t u = 0; u < n; u++) {
        lv->comm[u] = u;
        lv->tot[u] = L->ko[u];
        lv->acc[u] = -1.0;
    }
    if (lv->directed) memcpy(lv->tot + n, L->ki, (size_t)n * sizeof *lv->tot);
    if (lv->order) cki_comm_permutation(lv->order, n, lv->opt.seed, (uint64_t)lv->levels);
    const double gamma = lv->opt.resolution;
    const double c2m = gamma / (2.0 * lv->m), cm = gamma / lv->m;
    const double frac = 1.0 - 1.0 / (double)(lv->levels + 2);
    for (;;) {
        uint64_t moves = 0;
        for (uint32_t from = 0; from < n; from += POLL_NODES) {
            const uint32_t to = n - from > POLL_NODES ? from + POLL_NODES : n;
            moves += lv->directed ? sweep_directed(lv, from, to, cm) : sweep_undirected(lv, from, to, c2m);
            ck_status_t status = cki_poll(ctx, frac);
            if (status) return status;
        }
        if (moves == 0) break;
        *moved = true;
    }
    return CK_OK;
}

/* ---------------------------------------------------------------- aggregation */

/* The next level graph from lev and nmap (lev.n nodes -> nc communities). */
static ck_status_t aggregate(ck_ctx_t *ctx, ck_louvain_t *lv)
{
    const ck_allocator_t *a = &lv->alloc;
    const level_t *L = &lv->lev;
    const uint32_t n = L->n, nc = lv->nc;
    const uint32_t *nmap = lv->nmap;
    const bool directed = lv->directed;
    const int threads = cki_threads(ctx);
    const int nt = threads < 1 ? 1 : threads;
    ck_status_t status = CK_OK;
    level_t N = {0};
    int64_t *moff = NULL;
    uint32_t *mem = NULL, *tl = NULL;
    double *tacc = NULL;
    N.n = nc;
    moff = cki_mallocarray(ctx, (size_t)nc + 1, sizeof *moff);
    mem = cki_mallocarray(ctx, n, sizeof *mem);
    tl = cki_mallocarray(ctx, (size_t)nt * nc, sizeof *tl);
    tacc = cki_mallocarray(ctx, (size_t)nt * nc, sizeof *tacc);
    N.own_off = lv_alloc(a, (size_t)nc + 1, sizeof *N.own_off);
    N.own_k = lv_alloc(a, (size_t)nc * (directed ? 2 : 1), sizeof *N.own_k);
    if (!moff || !mem || !tl || !tacc || !N.own_off || !N.own_k) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    /* Members of each community, ascending (counting sort). */
    memset(moff, 0, ((size_t)nc + 1) * sizeof *moff);
    for (uint32_t u = 0; u < n; u++) moff[nmap[u] + 1]++;
    for (uint32_t c = 0; c < nc; c++) moff[c + 1] += moff[c];
    for (uint32_t u = 0; u < n; u++) mem[moff[nmap[u]]++] = u;
    for (uint32_t c = nc; c > 0; c--) moff[c] = moff[c - 1];
    moff[0] = 0;
    for (size_t i = 0; i < (size_t)nt * nc; i++) tacc[i] = -1.0;
    int64_t *off = N.own_off;
    double *ko = N.own_k, *ki = directed ? N.own_k + nc : ko;
    off[0] = 0;
    const bool par = (int64_t)n + L->off[n] > CKI_COMM_PAR_MIN;
    (void)par; /* used only by OpenMP clauses */
    /* Pass 1: strengths and the number of distinct neighbour communities. */
#pragma omp parallel num_threads(nt) if (par)
    {
        double *acc = tacc + (size_t)cki_comm_thread_id() * nc;
        uint32_t *touched = tl + (size_t)cki_comm_thread_id() * nc;
#pragma omp for schedule(dynamic, 64)
        for (int64_t cc = 0; cc < (int64_t)nc; cc++) {
            const uint32_t c = (uint32_t)cc;
            double so = 0, si = 0;
            uint32_t cnt = 0;
            for (int64_t i = moff[c]; i < moff[c + 1]; i++) {
                const uint32_t u = mem[i];
                so += L->ko[u];
                if (directed) si += L->ki[u];
                for (int64_t e = L->off[u]; e < L->off[u + 1]; e++) {
                    const uint32_t d = nmap[L->adj[e]];
                    if (d != c && acc[d] < 0) {
                        acc[d] = 0;
                        touched[cnt++] = d;
                    }
                }
            }
            for (uint32_t j = 0; j < cnt; j++) acc[touched[j]] = -1.0;
            ko[c] = so;
            if (directed) ki[c] = si;
            off[c + 1] = cnt;
        }
    }
    for (uint32_t c = 0; c < nc; c++) off[c + 1] += off[c];
    N.own_adj = lv_alloc(a, (size_t)off[nc], sizeof *N.own_adj);
    N.own_w = lv_alloc(a, (size_t)off[nc], sizeof *N.own_w);
    if (!N.own_adj || !N.own_w) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    uint32_t *nadj = N.own_adj;
    double *nw = N.own_w;
    /* Pass 2: summed weights (members ascending, rows ascending), rows sorted by community. */
#pragma omp parallel num_threads(nt) if (par)
    {
        double *acc = tacc + (size_t)cki_comm_thread_id() * nc;
        uint32_t *touched = tl + (size_t)cki_comm_thread_id() * nc;
#pragma omp for schedule(dynamic, 64)
        for (int64_t cc = 0; cc < (int64_t)nc; cc++) {
            const uint32_t c = (uint32_t)cc;
            uint32_t cnt = 0;
            for (int64_t i = moff[c]; i < moff[c + 1]; i++) {
                const uint32_t u = mem[i];
                for (int64_t e = L->off[u]; e < L->off[u + 1]; e++) {
                    const uint32_t d = nmap[L->adj[e]];
                    if (d == c) continue;
                    const double x = L->w ? L->w[e] : 1.0, y = acc[d];
                    if (y < 0) {
                        acc[d] = x;
                        touched[cnt++] = d;
                    } else {
                        acc[d] = y + x;
                    }
                }
            }
            cki_comm_sort_u32(touched, cnt);
            int64_t p = off[c];
            for (uint32_t j = 0; j < cnt; j++, p++) {
                const uint32_t d = touched[j];
                nadj[p] = d;
                nw[p] = acc[d];
                acc[d] = -1.0;
            }
        }
    }
    N.off = N.own_off;
    N.adj = N.own_adj;
    N.w = N.own_w;
    N.ko = ko;
    N.ki = ki;
    level_free(a, &lv->lev);
    lv->lev = N;
    memset(&N, 0, sizeof N);
cleanup:
    level_free(a, &N);
    cki_free(ctx, moff);
    cki_free(ctx, mem);
    cki_free(ctx, tl);
    cki_free(ctx, tacc);
    return status;
}

/* ---------------------------------------------------------------- public API */

void ck_louvain_options_init(ck_louvain_options_t *opt)
{
    if (!opt) return;
    opt->resolution = 1.0;
    opt->threshold = 1e-7;
    opt->order = CK_LOUVAIN_ORDER_INDEX;
    opt->seed = 42;
    opt->max_levels = 0;
    opt->use_weights = true;
}

void ck_louvain_destroy(ck_louvain_t **plv)
{
    if (!plv || !*plv) return;
    ck_louvain_t *lv = *plv;
    const ck_allocator_t a = lv->alloc;
    level_free(&a, &lv->lev);
    lv_free(&a, lv->comm);
    lv_free(&a, lv->nmap);
    lv_free(&a, lv->touched);
    lv_free(&a, lv->order);
    lv_free(&a, lv->tot);
    lv_free(&a, lv->acc);
    lv_free(&a, lv->label);
    lv_free(&a, lv);
    *plv = NULL;
}

ck_status_t ck_louvain_create(ck_louvain_t **plv, ck_ctx_t *ctx, const ck_graph_t *g, const ck_louvain_options_t *opt)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!plv) return cki_invalid(ctx, "louvain", "must not be NULL");
    *plv = NULL;
    if (!g) return cki_invalid(ctx, "graph", "must not be NULL");
    ck_louvain_options_t o;
    ck_louvain_options_init(&o);
    if (opt) o = *opt;
    if (!(o.resolution > 0 && isfinite(o.resolution)))
        return cki_invalid(ctx, "resolution", "%g must be finite and > 0", o.resolution);
    if (!(o.threshold >= 0 && isfinite(o.threshold)))
        return cki_invalid(ctx, "threshold", "%g must be finite and >= 0", o.threshold);
    if (o.order != CK_LOUVAIN_ORDER_INDEX && o.order != CK_LOUVAIN_ORDER_RANDOM)
        return cki_invalid(ctx, "order", "unknown order %d", (int)o.order);
    if (o.max_levels < 0) return cki_invalid(ctx, "max_levels", "%lld must be >= 0", (long long)o.max_levels);
    const ck_allocator_t a = ctx->alloc;
    ck_louvain_t *lv = lv_alloc(&a, 1, sizeof *lv);
    if (!lv) return cki_nomem(ctx);
    memset(lv, 0, sizeof *lv);
    lv->alloc = a;
    lv->g = g;
    lv->opt = o;
    lv->directed = g->directed;
    lv->use_w = o.use_weights && g->weighted;
    const uint32_t n = lv->n = g->n;
    ck_status_t status = CK_OK;
    lv->comm = lv_alloc(&a, n, sizeof *lv->comm);
    lv->nmap = lv_alloc(&a, n, sizeof *lv->nmap);
    lv->touched = lv_alloc(&a, n, sizeof *lv->touched);
    lv->tot = lv_alloc(&a, (size_t)n * (lv->directed ? 2 : 1), sizeof *lv->tot);
    lv->acc = lv_alloc(&a, n, sizeof *lv->acc);
    lv->label = lv_alloc(&a, n, sizeof *lv->label);
    if (o.order == CK_LOUVAIN_ORDER_RANDOM) lv->order = lv_alloc(&a, n, sizeof *lv->order);
    if (!lv->comm || !lv->nmap || !lv->touched || !lv->tot || !lv->acc || !lv->label ||
        (o.order == CK_LOUVAIN_ORDER_RANDOM && !lv->order)) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (uint32_t u = 0; u < n; u++) lv->label[u] = u;
    lv->nc = n;
    CK_TRY(level0(ctx, lv));
    if (n == 0 || !(lv->m > 0)) {
        lv->converged = true; /* no edge weight: singletons, Q = 0 */
        lv->q = 0;
    } else {
        CK_TRY(cki_comm_modularity(ctx, g, lv->label, n, o.resolution, lv->use_w, &lv->q, NULL, NULL, NULL, NULL));
    }
    *plv = lv;
    lv = NULL;
cleanup:
    ck_louvain_destroy(&lv);
    return status;
}

ck_status_t ck_louvain_step(ck_ctx_t *ctx, ck_louvain_t *lv, double *delta)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!lv) return cki_invalid(ctx, "louvain", "must not be NULL");
    if (delta) *delta = 0;
    if (lv->converged) return CK_OK;
    ck_status_t status;
    if (lv->pending) {
        if ((status = aggregate(ctx, lv))) return status;
        lv->pending = false;
    }
    bool moved;
    if ((status = local_moving(ctx, lv, &moved))) return status;
    if (!moved && lv->levels > 0) {
        lv->converged = true;
        return CK_OK;
    }
    /* Renumber the communities by their smallest member, then carry the input nodes along. */
    const uint32_t n = lv->lev.n;
    uint32_t *first = lv->touched, nc = 0;
    for (uint32_t u = 0; u < n; u++) first[u] = CKI_COMM_UNSET;
    for (uint32_t u = 0; u < n; u++) {
        uint32_t *slot = &first[lv->comm[u]];
        if (*slot == CKI_COMM_UNSET) *slot = nc++;
        lv->nmap[u] = *slot;
    }
    lv->nc = nc;
    uint32_t *label = lv->label;
    const uint32_t *nmap = lv->nmap;
#pragma omp parallel for schedule(static, 4096) num_threads(cki_threads(ctx)) if (lv->n > CKI_COMM_PAR_MIN)
    for (int64_t i = 0; i < (int64_t)lv->n; i++) label[i] = nmap[label[i]];
    double q;
    if ((status = cki_comm_modularity(ctx, lv->g, label, nc, lv->opt.resolution, lv->use_w, &q, NULL, NULL, NULL,
                                      NULL)))
        return status;
    const double gain = q - lv->q;
    if (delta) *delta = gain;
    lv->q = q;
    lv->levels++;
    if (gain <= lv->opt.threshold) lv->converged = true;
    else lv->pending = true;
    return CK_OK;
}

bool ck_louvain_converged(const ck_louvain_t *lv) { return !lv || lv->converged; }

ck_status_t ck_louvain_get(const ck_louvain_t *lv, int64_t *communities, ck_louvain_info_t *info)
{
    if (!lv) return CK_E_INVALID_INPUT;
    if (communities)
        for (uint32_t i = 0; i < lv->n; i++) communities[i] = lv->label[i];
    if (info) {
        info->num_communities = lv->nc;
        info->modularity = lv->q;
        info->levels = lv->levels;
        info->converged = lv->converged;
    }
    return CK_OK;
}

ck_status_t ck_louvain(ck_ctx_t *ctx, int64_t *communities, ck_louvain_info_t *info, const ck_graph_t *g,
                       const ck_louvain_options_t *opt)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (g && g->n > 0 && !communities) return cki_invalid(ctx, "communities", "must not be NULL");
    ck_louvain_t *lv = NULL;
    ck_status_t status;
    CK_TRY(ck_louvain_create(&lv, ctx, g, opt));
    while (!lv->converged && (lv->opt.max_levels == 0 || lv->levels < lv->opt.max_levels))
        CK_TRY(ck_louvain_step(ctx, lv, NULL));
    CK_TRY(ck_louvain_get(lv, communities, info));
    status = lv->converged ? CK_OK : CK_NOT_CONVERGED;
cleanup:
    ck_louvain_destroy(&lv);
    return status;
}

/* ---------------------------------------------------------------- JSON iterative entries */

typedef struct louvain_job {
    ck_louvain_t *lv;
    ck_graph_t *owned;
    bool return_levels;
    uint32_t *hier; /* levels x n labels */
    size_t hier_levels, hier_cap;
} louvain_job_t;

static void job_destroy(ck_ctx_t *ctx, void *state)
{
    louvain_job_t *j = state;
    if (!j) return;
    ck_louvain_destroy(&j->lv);
    ck_graph_destroy(&j->owned);
    cki_free(ctx, j->hier);
    cki_free(ctx, j);
}

static ck_status_t job_init(ck_ctx_t *ctx, const json_t *in, ck_run_info_t *info, void **state)
{
    *state = NULL;
    louvain_job_t *j = cki_calloc(ctx, 1, sizeof *j);
    if (!j) return cki_nomem(ctx);
    ck_status_t status;
    const ck_graph_t *g;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &j->owned));
    ck_louvain_options_t o;
    ck_louvain_options_init(&o);
    o.resolution = json_number_value(json_object_get(in, "resolution"));
    o.threshold = json_number_value(json_object_get(in, "threshold"));
    o.order = strcmp(json_string_value(json_object_get(in, "order")), "random") == 0 ? CK_LOUVAIN_ORDER_RANDOM
                                                                                     : CK_LOUVAIN_ORDER_INDEX;
    o.seed = (uint64_t)json_integer_value(json_object_get(in, "seed"));
    o.max_levels = json_integer_value(json_object_get(in, "max_levels"));
    o.use_weights = json_is_true(json_object_get(in, "use_weights"));
    j->return_levels = json_is_true(json_object_get(in, "return_levels"));
    CK_TRY(ck_louvain_create(&j->lv, ctx, g, &o));
    *state = j;
    j = NULL;
cleanup:
    job_destroy(ctx, j);
    return status;
}

static ck_status_t job_step(ck_ctx_t *ctx, void *state, double *delta)
{
    louvain_job_t *j = state;
    const ck_idx_t before = j->lv->levels;
    ck_status_t status = ck_louvain_step(ctx, j->lv, delta);
    if (status || !j->return_levels || j->lv->levels == before) return status;
    const size_t n = j->lv->n;
    if (j->hier_levels == j->hier_cap) {
        const size_t cap = j->hier_cap ? 2 * j->hier_cap : 4;
        if (n && cap > SIZE_MAX / sizeof(uint32_t) / n) return cki_nomem(ctx);
        uint32_t *h = cki_realloc(ctx, j->hier, (n ? cap * n : 1) * sizeof *h);
        if (!h) return cki_nomem(ctx);
        j->hier = h;
        j->hier_cap = cap;
    }
    if (n) memcpy(j->hier + j->hier_levels * n, j->lv->label, n * sizeof *j->hier);
    j->hier_levels++;
    return CK_OK;
}

static bool job_converged(const void *state) { return ((const louvain_job_t *)state)->lv->converged; }

static int64_t job_max(const void *state)
{
    const ck_idx_t m = ((const louvain_job_t *)state)->lv->opt.max_levels;
    return m > 0 ? m : INT64_MAX;
}

static ck_status_t job_result(ck_ctx_t *ctx, const void *state, json_t *out)
{
    const louvain_job_t *j = state;
    const ck_louvain_t *lv = j->lv;
    ck_status_t status;
    CK_TRY(cki_json_set(ctx, out, "communities", cki_json_uints_new(lv->label, lv->n)));
    CK_TRY(cki_json_set(ctx, out, "num_communities", json_integer(lv->nc)));
    CK_TRY(cki_json_set(ctx, out, "modularity", cki_json_real_new(lv->q)));
    CK_TRY(cki_json_set(ctx, out, "levels", json_integer(lv->levels)));
    if (j->return_levels) {
        json_t *h = json_array();
        CK_TRY(cki_json_set(ctx, out, "hierarchy", h));
        for (size_t l = 0; l < j->hier_levels; l++)
            if (json_array_append_new(h, cki_json_uints_new(j->hier + l * lv->n, lv->n))) {
                status = cki_nomem(ctx);
                goto cleanup;
            }
    }
cleanup:
    return status;
}

const ck_iterative_ops_t cki_louvain_ops = {job_init, job_step, job_converged, job_max, job_result, job_destroy};
