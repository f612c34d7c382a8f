/* graph/label-propagation on the undirected skeleton.
 *
 * semi_sync (Cordasco & Gargano 2010; exactly networkx's label_propagation_communities): a greedy
 * colouring (nodes by degree descending, ties by ascending id; smallest colour no coloured
 * neighbour has) splits the nodes into independent sets; each round updates the classes 0, 1, ...
 * in turn, and inside a class the nodes are independent, so they update in parallel with the same
 * result for every thread count. A node takes its unique most frequent neighbour label, or, on a
 * tie, keeps its label if it is among the most frequent and otherwise takes the largest of them.
 * The run stops before a round in which every non-isolated node already holds one of its most
 * frequent labels. That test is exact but cheap: right after its update a node always holds one of
 * its most frequent labels, so after a round only nodes with a neighbour in a later class that
 * changed in the round can fail it, and only those are recounted.
 *
 * async (Raghavan, Albert, Kumara 2007, made deterministic): each round visits the nodes in a
 * seeded permutation (Philox stream = round index); a node takes the label with the largest summed
 * edge weight, keeping its own label when that is among the best and otherwise taking the smallest
 * of the best. Stop after a round that changes nothing (that round is counted). Sequential. */
#include <string.h>

#include "community_internal.h"

#define POLL_NODES 65536u

struct ck_label_propagation {
    ck_allocator_t alloc;
    ck_label_propagation_options_t opt;
    const ck_graph_t *g; /* undirected: the input, or skel */
    ck_graph_t *skel;    /* owned skeleton of a directed input */
    bool use_w;          /* async with weights */
    uint32_t n;
    uint32_t *label;
    /* semi_sync */
    uint32_t ncolors;
    uint32_t *color, *cnodes; /* colour of each node; nodes grouped by colour */
    int64_t *coff;            /* [ncolors + 1] */
    uint8_t *chg;             /* changed in the last round */
    /* per-thread scratch (semi_sync: counts + touched; async: thread 0 only) */
    int nthr;
    uint32_t *cnt, *tl;
    double *acc;
    uint32_t *perm;
    ck_idx_t rounds;
    bool converged;
};

static void *lp_alloc(const ck_allocator_t *a, size_t n, size_t size)
{
    if (n == 0) n = 1;
    if (size && n > SIZE_MAX / size) return NULL;
    return a->malloc_fn(n * size, a->user);
}

static void lp_free(const ck_allocator_t *a, void *p)
{
    if (p) a->free_fn(p, a->user);
}

void ck_label_propagation_options_init(ck_label_propagation_options_t *opt)
{
    if (!opt) return;
    opt->variant = CK_LPA_SEMI_SYNC;
    opt->max_rounds = 1000;
    opt->seed = 42;
    opt->use_weights = true;
}

void ck_label_propagation_destroy(ck_label_propagation_t **plp)
{
    if (!plp || !*plp) return;
    ck_label_propagation_t *lp = *plp;
    const ck_allocator_t a = lp->alloc;
    ck_graph_destroy(&lp->skel);
    lp_free(&a, lp->label);
    lp_free(&a, lp->color);
    lp_free(&a, lp->cnodes);
    lp_free(&a, lp->coff);
    lp_free(&a, lp->chg);
    lp_free(&a, lp->cnt);
    lp_free(&a, lp->tl);
    lp_free(&a, lp->acc);
    lp_free(&a, lp->perm);
    lp_free(&a, lp);
    *plp = NULL;
}

/* Per-thread scratch for `threads` threads (grown, never shrunk; counts stay zero between uses). */
static ck_status_t ensure_scratch(ck_ctx_t *ctx, ck_label_propagation_t *lp, int threads)
{
    if (threads <= lp->nthr) return CK_OK;
    const ck_allocator_t *a = &lp->alloc;
    const size_t len = (size_t)threads * lp->n;
    uint32_t *cnt = lp_alloc(a, len, sizeof *cnt), *tl = lp_alloc(a, len, sizeof *tl);
    if (!cnt || !tl) {
        lp_free(a, cnt);
        lp_free(a, tl);
        return cki_nomem(ctx);
    }
    memset(cnt, 0, len * sizeof *cnt);
    lp_free(a, lp->cnt);
    lp_free(a, lp->tl);
    lp->cnt = cnt;
    lp->tl = tl;
    lp->nthr = threads;
    return CK_OK;
}

/* Greedy colouring in networkx's largest_first order and the colour classes. */
static ck_status_t colour(ck_ctx_t *ctx, ck_label_propagation_t *lp)
{
    const ck_graph_t *g = lp->g;
    const uint32_t n = lp->n;
    const ck_allocator_t *a = &lp->alloc;
    ck_status_t status = CK_OK;
    uint32_t maxdeg = 0;
    for (uint32_t u = 0; u < n; u++) {
        const uint32_t d = (uint32_t)cki_graph_out_degree(g, u);
        if (d > maxdeg) maxdeg = d;
    }
    int64_t *bucket = cki_calloc(ctx, (size_t)maxdeg + 2, sizeof *bucket);
    uint32_t *order = cki_mallocarray(ctx, n, sizeof *order);
    uint32_t *forbid = cki_mallocarray(ctx, (size_t)maxdeg + 2, sizeof *forbid);
    lp->color = lp_alloc(a, n, sizeof *lp->color);
    lp->cnodes = lp_alloc(a, n, sizeof *lp->cnodes);
    lp->chg = lp_alloc(a, n, sizeof *lp->chg);
    if (!bucket || !order || !forbid || !lp->color || !lp->cnodes || !lp->chg) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    /* Degree descending, ties by ascending id (a stable counting sort on maxdeg - degree). */
    for (uint32_t u = 0; u < n; u++) bucket[maxdeg - (uint32_t)cki_graph_out_degree(g, u) + 1]++;
    for (uint32_t d = 0; d <= maxdeg; d++) bucket[d + 1] += bucket[d];
    for (uint32_t u = 0; u < n; u++) order[bucket[maxdeg - (uint32_t)cki_graph_out_degree(g, u)]++] = u;
    for (uint32_t c = 0; c < maxdeg + 2; c++) forbid[c] = CKI_COMM_UNSET;
    for (uint32_t u = 0; u < n; u++) lp->color[u] = CKI_COMM_UNSET;
    uint32_t ncolors = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint32_t u = order[i];
        for (int64_t e = g->out_off[u]; e < g->out_off[u + 1]; e++) {
            const uint32_t c = lp->color[g->out_adj[e]];
            if (c != CKI_COMM_UNSET) forbid[c] = u;
        }
        uint32_t c = 0;
        while (forbid[c] == u) c++;
        lp->color[u] = c;
        if (c + 1 > ncolors) ncolors = c + 1;
    }
    lp->ncolors = ncolors;
    lp->coff = lp_alloc(a, (size_t)ncolors + 1, sizeof *lp->coff);
    if (!lp->coff) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    memset(lp->coff, 0, ((size_t)ncolors + 1) * sizeof *lp->coff);
    for (uint32_t u = 0; u < n; u++) lp->coff[lp->color[u] + 1]++;
    for (uint32_t c = 0; c < ncolors; c++) lp->coff[c + 1] += lp->coff[c];
    for (uint32_t u = 0; u < n; u++) lp->cnodes[lp->coff[lp->color[u]]++] = u;
    for (uint32_t c = ncolors; c > 0; c--) lp->coff[c] = lp->coff[c - 1];
    lp->coff[0] = 0;
    memset(lp->chg, 0, n);
cleanup:
    cki_free(ctx, bucket);
    cki_free(ctx, order);
    cki_free(ctx, forbid);
    return status;
}

/* The most frequent neighbour labels of v: returns max(H); *unique tells |H| == 1 and *holds
 * whether label[v] is in H. cnt is zero on entry and on exit. */
static inline uint32_t frequent(const ck_graph_t *g, const uint32_t *label, uint32_t v, uint32_t *cnt,
                                uint32_t *touched, bool *unique, bool *holds)
{
    uint32_t nt = 0;
    for (int64_t e = g->out_off[v]; e < g->out_off[v + 1]; e++) {
        const uint32_t l = label[g->out_adj[e]];
        if (cnt[l]++ == 0) touched[nt++] = l;
    }
    uint32_t maxf = 0, nmax = 0, maxl = 0;
    for (uint32_t j = 0; j < nt; j++) {
        const uint32_t l = touched[j], f = cnt[l];
        if (f > maxf) {
            maxf = f;
            nmax = 1;
            maxl = l;
        } else if (f == maxf) {
            nmax++;
            if (l > maxl) maxl = l;
        }
    }
    *holds = cnt[label[v]] == maxf;
    for (uint32_t j = 0; j < nt; j++) cnt[touched[j]] = 0;
    *unique = nmax == 1;
    return maxl;
}

/* Whether every non-isolated node holds one of its most frequent labels. With `all` false only
 * nodes with a later-class neighbour changed in the last round are checked (see the top). */
static bool complete(ck_ctx_t *ctx, ck_label_propagation_t *lp, bool all)
{
    const ck_graph_t *g = lp->g;
    const uint32_t *label = lp->label, *color = lp->color;
    const uint8_t *chg = lp->chg;
    const int nt = lp->nthr;
    int ok = 1;
    const bool par = (int64_t)lp->n + g->out_off[lp->n] > CKI_COMM_PAR_MIN;
    (void)nt; /* used only by OpenMP clauses */
    (void)par; /* used only by OpenMP clauses */
#pragma omp parallel num_threads(nt) reduction(&& : ok) if (par)
    {
        const int tid = cki_comm_thread_id();
        uint32_t *cnt = lp->cnt + (size_t)tid * lp->n, *touched = lp->tl + (size_t)tid * lp->n;
#pragma omp for schedule(dynamic, 1024)
        for (int64_t vv = 0; vv < (int64_t)lp->n; vv++) {
            const uint32_t v = (uint32_t)vv;
            if (g->out_off[v] == g->out_off[v + 1]) continue;
            bool check = all;
            for (int64_t e = g->out_off[v]; !check && e < g->out_off[v + 1]; e++) {
                const uint32_t x = g->out_adj[e];
                check = chg[x] && color[x] > color[v];
            }
            if (!check) continue;
            bool unique, holds;
            (void)frequent(g, label, v, cnt, touched, &unique, &holds);
            if (!holds) ok = 0;
        }
    }
    (void)ctx;
    return ok != 0;
}

static ck_status_t round_semi_sync(ck_ctx_t *ctx, ck_label_propagation_t *lp, ck_idx_t *changed)
{
    const ck_graph_t *g = lp->g;
    uint32_t *label = lp->label;
    uint8_t *chg = lp->chg;
    ck_status_t status;
    const int nt = lp->nthr;
    (void)nt; /* used only by OpenMP clauses */
    int64_t total = 0;
    for (uint32_t c = 0; c < lp->ncolors; c++) {
        int64_t moved = 0;
        const int64_t lo = lp->coff[c], hi = lp->coff[c + 1];
        const bool par = hi - lo > 1024;
        (void)par; /* used only by OpenMP clauses */
#pragma omp parallel num_threads(nt) reduction(+ : moved) if (par)
        {
            const int tid = cki_comm_thread_id();
            uint32_t *cnt = lp->cnt + (size_t)tid * lp->n, *touched = lp->tl + (size_t)tid * lp->n;
#pragma omp for schedule(dynamic, 256)
            for (int64_t i = lo; i < hi; i++) {
                const uint32_t v = lp->cnodes[i];
                chg[v] = 0;
                if (g->out_off[v] == g->out_off[v + 1]) continue;
                bool unique, holds;
                const uint32_t top = frequent(g, label, v, cnt, touched, &unique, &holds);
                if ((unique || !holds) && top != label[v]) {
                    label[v] = top;
                    chg[v] = 1;
                    moved++;
                }
            }
        }
        total += moved;
        if ((status = cki_poll(ctx, (double)lp->rounds / (double)lp->opt.max_rounds))) return status;
    }
    *changed = total;
    return CK_OK;
}

static ck_status_t round_async(ck_ctx_t *ctx, ck_label_propagation_t *lp, ck_idx_t *changed)
{
    const ck_graph_t *g = lp->g;
    uint32_t *label = lp->label, *touched = lp->tl;
    double *acc = lp->acc;
    const double *w = lp->use_w ? g->out_w : NULL;
    const uint32_t n = lp->n;
    cki_comm_permutation(lp->perm, n, lp->opt.seed, (uint64_t)lp->rounds);
    int64_t moved = 0;
    for (uint32_t from = 0; from < n; from += POLL_NODES) {
        const uint32_t to = n - from > POLL_NODES ? from + POLL_NODES : n;
        for (uint32_t i = from; i < to; i++) {
            const uint32_t v = lp->perm[i];
            uint32_t nt = 0;
            for (int64_t e = g->out_off[v]; e < g->out_off[v + 1]; e++) {
                const uint32_t l = label[g->out_adj[e]];
                const double x = w ? w[e] : 1.0, y = acc[l];
                if (y < 0) {
                    acc[l] = x;
                    touched[nt++] = l;
                } else {
                    acc[l] = y + x;
                }
            }
            if (nt == 0) continue;
            double best = -1;
            uint32_t bl = 0;
            for (uint32_t j = 0; j < nt; j++) {
                const uint32_t l = touched[j];
                if (acc[l] > best || (acc[l] == best && l < bl)) {
                    best = acc[l];
                    bl = l;
                }
            }
            const bool holds = acc[label[v]] == best;
            for (uint32_t j = 0; j < nt; j++) acc[touched[j]] = -1.0;
            if (!holds && bl != label[v]) {
                label[v] = bl;
                moved++;
            }
        }
        ck_status_t status = cki_poll(ctx, (double)lp->rounds / (double)lp->opt.max_rounds);
        if (status) return status;
    }
    *changed = moved;
    return CK_OK;
}

ck_status_t ck_label_propagation_create(ck_label_propagation_t **plp, ck_ctx_t *ctx, const ck_graph_t *g,
                                        const ck_label_propagation_options_t *opt)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!plp) return cki_invalid(ctx, "label_propagation", "must not be NULL");
    *plp = NULL;
    if (!g) return cki_invalid(ctx, "graph", "must not be NULL");
    ck_label_propagation_options_t o;
    ck_label_propagation_options_init(&o);
    if (opt) o = *opt;
    if (o.variant != CK_LPA_SEMI_SYNC && o.variant != CK_LPA_ASYNC)
        return cki_invalid(ctx, "variant", "unknown variant %d", (int)o.variant);
    if (o.max_rounds < 1) return cki_invalid(ctx, "max_rounds", "%lld must be >= 1", (long long)o.max_rounds);
    const ck_allocator_t a = ctx->alloc;
    ck_label_propagation_t *lp = lp_alloc(&a, 1, sizeof *lp);
    if (!lp) return cki_nomem(ctx);
    memset(lp, 0, sizeof *lp);
    lp->alloc = a;
    lp->opt = o;
    lp->n = g->n;
    ck_status_t status = CK_OK;
    if (g->directed) CK_TRY(cki_graph_skeleton(ctx, &lp->skel, g));
    lp->g = g->directed ? lp->skel : g;
    /* The skeleton is weighted when the input is, or when reciprocal arcs were merged. */
    lp->use_w = o.variant == CK_LPA_ASYNC && o.use_weights && lp->g->weighted;
    const uint32_t n = lp->n;
    lp->label = lp_alloc(&a, n, sizeof *lp->label);
    if (!lp->label) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (uint32_t u = 0; u < n; u++) lp->label[u] = u;
    if (o.variant == CK_LPA_SEMI_SYNC) {
        CK_TRY(colour(ctx, lp));
        CK_TRY(ensure_scratch(ctx, lp, cki_threads(ctx)));
        lp->converged = complete(ctx, lp, true);
    } else {
        lp->tl = lp_alloc(&a, n, sizeof *lp->tl);
        lp->acc = lp_alloc(&a, n, sizeof *lp->acc);
        lp->perm = lp_alloc(&a, n, sizeof *lp->perm);
        if (!lp->tl || !lp->acc || !lp->perm) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        for (uint32_t u = 0; u < n; u++) lp->acc[u] = -1.0;
        /* Every node isolated: nothing can change. */
        lp->converged = g->m == 0;
    }
    *plp = lp;
    lp = NULL;
cleanup:
    ck_label_propagation_destroy(&lp);
    return status;
}

ck_status_t ck_label_propagation_step(ck_ctx_t *ctx, ck_label_propagation_t *lp, ck_idx_t *changed)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!lp) return cki_invalid(ctx, "label_propagation", "must not be NULL");
    ck_idx_t moved = 0;
    if (changed) *changed = 0;
    if (lp->converged) return CK_OK;
    ck_status_t status;
    if (lp->opt.variant == CK_LPA_SEMI_SYNC) {
        if ((status = ensure_scratch(ctx, lp, cki_threads(ctx)))) return status;
        if ((status = round_semi_sync(ctx, lp, &moved))) return status;
        lp->rounds++;
        lp->converged = moved == 0 || complete(ctx, lp, false);
    } else {
        if ((status = round_async(ctx, lp, &moved))) return status;
        lp->rounds++;
        lp->converged = moved == 0;
    }
    if (changed) *changed = moved;
    return CK_OK;
}

bool ck_label_propagation_converged(const ck_label_propagation_t *lp) { return !lp || lp->converged; }

ck_status_t ck_label_propagation_get(ck_ctx_t *ctx, const ck_label_propagation_t *lp, int64_t *communities,
                                     ck_label_propagation_info_t *info)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!lp) return cki_invalid(ctx, "label_propagation", "must not be NULL");
    const uint32_t n = lp->n;
    uint32_t *canon = cki_mallocarray(ctx, (size_t)n * 2, sizeof *canon);
    if (!canon) return cki_nomem(ctx);
    memcpy(canon, lp->label, (size_t)n * sizeof *canon);
    const uint32_t k = cki_comm_canonical(canon, n, canon + n);
    ck_status_t status = CK_OK;
    if (communities)
        for (uint32_t i = 0; i < n; i++) communities[i] = canon[i];
    if (info) {
        info->num_communities = k;
        info->rounds = lp->rounds;
        info->converged = lp->converged;
        status = cki_comm_modularity(ctx, lp->g, canon, k, 1.0, lp->use_w, &info->modularity, NULL, NULL, NULL, NULL);
    }
    cki_free(ctx, canon);
    return status;
}

ck_status_t ck_label_propagation(ck_ctx_t *ctx, int64_t *communities, ck_label_propagation_info_t *info,
                                 const ck_graph_t *g, const ck_label_propagation_options_t *opt)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (g && g->n > 0 && !communities) return cki_invalid(ctx, "communities", "must not be NULL");
    ck_label_propagation_t *lp = NULL;
    ck_status_t status;
    CK_TRY(ck_label_propagation_create(&lp, ctx, g, opt));
    while (!lp->converged && lp->rounds < lp->opt.max_rounds) CK_TRY(ck_label_propagation_step(ctx, lp, NULL));
    CK_TRY(ck_label_propagation_get(ctx, lp, communities, info));
    status = lp->converged ? CK_OK : CK_NOT_CONVERGED;
cleanup:
    ck_label_propagation_destroy(&lp);
    return status;
}

/* ---------------------------------------------------------------- JSON iterative entries */

typedef struct lpa_job {
    ck_label_propagation_t *lp;
    ck_graph_t *owned;
} lpa_job_t;

static void job_destroy(ck_ctx_t *ctx, void *state)
{
    lpa_job_t *j = state;
    if (!j) return;
    ck_label_propagation_destroy(&j->lp);
    ck_graph_destroy(&j->owned);
    cki_free(ctx, j);
}

static ck_status_t job_init(ck_ctx_t *ctx, const json_t *in, ck_run_info_t *info, void **state)
{
    *state = NULL;
    lpa_job_t *j = cki_calloc(ctx, 1, sizeof *j);
    if (!j) return cki_nomem(ctx);
    ck_status_t status;
    const ck_graph_t *g;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &j->owned));
    ck_label_propagation_options_t o;
    ck_label_propagation_options_init(&o);
    o.variant = strcmp(json_string_value(json_object_get(in, "variant")), "async") == 0 ? CK_LPA_ASYNC
                                                                                      : CK_LPA_SEMI_SYNC;
    o.max_rounds = json_integer_value(json_object_get(in, "max_rounds"));
    o.seed = (uint64_t)json_integer_value(json_object_get(in, "seed"));
    o.use_weights = json_is_true(json_object_get(in, "use_weights"));
    CK_TRY(ck_label_propagation_create(&j->lp, ctx, g, &o));
    *state = j;
    j = NULL;
cleanup:
    job_destroy(ctx, j);
    return status;
}

static ck_status_t job_step(ck_ctx_t *ctx, void *state, double *delta)
{
    ck_idx_t changed = 0;
    ck_status_t status = ck_label_propagation_step(ctx, ((lpa_job_t *)state)->lp, &changed);
    *delta = (double)changed;
    return status;
}

static bool job_converged(const void *state) { return ((const lpa_job_t *)state)->lp->converged; }

static int64_t job_max(const void *state) { return ((const lpa_job_t *)state)->lp->opt.max_rounds; }

static ck_status_t job_result(ck_ctx_t *ctx, const void *state, json_t *out)
{
    const ck_label_propagation_t *lp = ((const lpa_job_t *)state)->lp;
    ck_label_propagation_info_t info;
    int64_t *c = cki_mallocarray(ctx, lp->n, sizeof *c);
    if (!c) return cki_nomem(ctx);
    ck_status_t status;
    CK_TRY(ck_label_propagation_get(ctx, lp, c, &info));
    CK_TRY(cki_json_set(ctx, out, "communities", cki_json_int64s_new(c, lp->n)));
    CK_TRY(cki_json_set(ctx, out, "num_communities", json_integer(info.num_communities)));
    CK_TRY(cki_json_set(ctx, out, "modularity", cki_json_real_new(info.modularity)));
cleanup:
    cki_free(ctx, c);
    return status;
}

const ck_iterative_ops_t cki_lpa_ops = {job_init, job_step, job_converged, job_max, job_result, job_destroy};
