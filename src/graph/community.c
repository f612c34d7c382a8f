/* graph/... kernels: community structure. This file: graph/modularity-score, the helpers the
 * family shares (modularity of a canonical partition, canonical renumbering, permutations) and
 * the family's kernel table (descriptors, parameter tables, JSON binders). Louvain is in
 * community_louvain.c, label propagation in community_lpa.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ckernels/rng.h"
#include "community_internal.h"

#define N_(arr) (sizeof(arr) / sizeof((arr)[0]))

/* ---------------------------------------------------------------- shared helpers */

ck_status_t cki_comm_modularity(ck_ctx_t *ctx, const ck_graph_t *g, const uint32_t *label, uint32_t k, double gamma,
                                bool use_w, double *q, double *m_out, double *internal, double *contrib,
                                int64_t *sizes)
{
    const uint32_t n = g->n;
    const bool directed = g->directed;
    const double *w = use_w ? g->out_w : NULL, *win = use_w ? g->in_w : NULL;
    double *node = NULL, *comm = NULL;
    ck_status_t status = CK_OK;
    *q = 0;
    if (m_out) *m_out = 0;
    if (n == 0) return CK_OK;
    /* Per node: out-strength, in-strength (directed), weight to its own community. */
    const size_t per = directed ? 3 : 2;
    node = cki_mallocarray(ctx, (size_t)n * per, sizeof *node);
    comm = cki_calloc(ctx, (size_t)k * 3, sizeof *comm);
    if (!node || !comm) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    double *ko = node, *own = node + n, *ki = directed ? node + 2 * (size_t)n : ko;
    const bool par = (int64_t)n + g->out_off[n] > CKI_COMM_PAR_MIN;
    (void)par; /* used only by OpenMP clauses */
#pragma omp parallel for schedule(static, 1024) num_threads(cki_threads(ctx)) if (par)
    for (int64_t uu = 0; uu < (int64_t)n; uu++) {
        const uint32_t u = (uint32_t)uu, lu = label[u];
        double s = 0, in_c = 0;
        for (int64_t e = g->out_off[u]; e < g->out_off[u + 1]; e++) {
            const double x = w ? w[e] : 1.0;
            s += x;
            if (label[g->out_adj[e]] == lu) in_c += x;
        }
        ko[u] = s;
        own[u] = in_c;
        if (directed) {
            double t = 0;
            for (int64_t e = g->in_off[u]; e < g->in_off[u + 1]; e++) t += win ? win[e] : 1.0;
            ki[u] = t;
        }
    }
    /* Per community, in node order (fixed: identical for every thread count). */
    double *Ko = comm, *Ki = comm + k, *L = comm + 2 * (size_t)k;
    double deg_sum = 0;
    for (uint32_t u = 0; u < n; u++) {
        const uint32_t c = label[u];
        Ko[c] += ko[u];
        if (directed) Ki[c] += ki[u];
        L[c] += own[u];
        deg_sum += ko[u];
    }
    if (sizes) {
        memset(sizes, 0, (size_t)k * sizeof *sizes);
        for (uint32_t u = 0; u < n; u++) sizes[label[u]]++;
    }
    const double m = directed ? deg_sum : deg_sum / 2;
    const double norm = directed ? 1 / (m * m) : 1 / (deg_sum * deg_sum);
    double total = 0;
    for (uint32_t c = 0; c < k; c++) {
        const double lc = directed ? L[c] : L[c] / 2; /* undirected: each internal edge seen from both ends */
        const double kin = directed ? Ki[c] : Ko[c];
        const double part = m > 0 ? lc / m - gamma * Ko[c] * kin * norm : 0.0;
        if (internal) internal[c] = lc;
        if (contrib) contrib[c] = part;
        total += part;
    }
    *q = total;
    if (m_out) *m_out = m;
cleanup:
    cki_free(ctx, node);
    cki_free(ctx, comm);
    return status;
}

uint32_t cki_comm_canonical(uint32_t *label, uint32_t n, uint32_t *scratch)
{
    for (uint32_t i = 0; i < n; i++) scratch[i] = CKI_COMM_UNSET;
    uint32_t k = 0;
    for (uint32_t u = 0; u < n; u++) {
        uint32_t *slot = &scratch[label[u]];
        if (*slot == CKI_COMM_UNSET) *slot = k++;
        label[u] = *slot;
    }
    return k;
}

static int cmp_u32(const void *a, const void *b)
{
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

void cki_comm_sort_u32(uint32_t *a, size_t len)
{
    if (len > 24) {
        qsort(a, len, sizeof *a, cmp_u32);
        return;
    }
    for (size_t i = 1; i < len; i++) {
        const uint32_t x = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > x) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}

__extension__ typedef unsigned __int128 comm_u128_t;

void cki_comm_permutation(uint32_t *perm, uint32_t n, uint64_t seed, uint64_t stream)
{
    for (uint32_t i = 0; i < n; i++) perm[i] = i;
    if (n < 2) return;
    ck_rng_t r;
    ck_rng_init(&r, seed, stream);
    for (uint32_t i = n - 1; i > 0; i--) {
        const uint64_t x = ck_rng_next_u64(&r);
        const uint32_t j = (uint32_t)(((comm_u128_t)x * ((uint64_t)i + 1)) >> 64);
        const uint32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

/* ---------------------------------------------------------------- graph/modularity-score */

void ck_modularity_options_init(ck_modularity_options_t *opt)
{
    if (!opt) return;
    opt->resolution = 1.0;
    opt->use_weights = true;
}

static ck_status_t check_modularity_args(ck_ctx_t *ctx, const void *out, const ck_graph_t *g,
                                         const int64_t *communities, const ck_modularity_options_t *opt)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!out) return cki_invalid(ctx, "result", "must not be NULL");
    if (!g) return cki_invalid(ctx, "graph", "must not be NULL");
    if (g->n > 0 && !communities) return cki_invalid(ctx, "communities", "must not be NULL");
    if (opt && !(opt->resolution >= 0 && isfinite(opt->resolution)))
        return cki_invalid(ctx, "resolution", "%g must be finite and >= 0", opt->resolution);
    return CK_OK;
}


static int cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The distinct labels ascending (*labels, *k; allocated, n entries) and each node's index among
 * them (idx[n]). */
static ck_status_t group_labels(ck_ctx_t *ctx, const int64_t *communities, uint32_t n, int64_t **labels, uint32_t *k,
                                uint32_t *idx)
{
    int64_t *s = cki_mallocarray(ctx, n ? n : 1, sizeof *s);
    if (!s) return cki_nomem(ctx);
    *labels = s;
    *k = 0;
    if (n == 0) return CK_OK;
    memcpy(s, communities, (size_t)n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_i64);
    uint32_t d = 1;
    for (uint32_t i = 1; i < n; i++)
        if (s[i] != s[d - 1]) s[d++] = s[i];
    *k = d;
#pragma omp parallel for schedule(static, 4096) num_threads(cki_threads(ctx)) if (n > CKI_COMM_PAR_MIN)
    for (int64_t i = 0; i < (int64_t)n; i++) {
        const int64_t x = communities[i];
        uint32_t lo = 0, hi = d; /* s[lo..hi) contains x */
        while (hi - lo > 1) {
            const uint32_t mid = lo + (hi - lo) / 2;
            if (s[mid] <= x) lo = mid;
            else hi = mid;
        }
        idx[i] = lo;
    }
    return CK_OK;
}

ck_status_t ck_modularity(ck_ctx_t *ctx, ck_modularity_result_t **result, const ck_graph_t *g,
                          const int64_t *communities, const ck_modularity_options_t *opt)
{
    ck_status_t status = check_modularity_args(ctx, result, g, communities, opt);
    if (status) return status;
    *result = NULL;
    ck_modularity_options_t o;
    ck_modularity_options_init(&o);
    if (opt) o = *opt;
    const uint32_t n = g->n;
    int64_t *labels = NULL;
    uint32_t *idx = cki_mallocarray(ctx, n ? n : 1, sizeof *idx), k = 0;
    ck_modularity_result_t *r = NULL;
    if (!idx) return cki_nomem(ctx);
    CK_TRY(group_labels(ctx, communities, n, &labels, &k, idx));
    /* One block: the struct, then labels, sizes, internal weights, contributions (8 bytes each). */
    const size_t head = (sizeof *r + 7) / 8 * 8;
    if ((size_t)k > (SIZE_MAX - head) / 32) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    r = cki_malloc(ctx, head + (size_t)k * 32);
    if (!r) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    memset(r, 0, sizeof *r);
    r->alloc = ctx->alloc;
    r->num_communities = k;
    char *base = (char *)r + head;
    r->labels = (int64_t *)(void *)base;
    r->sizes = (ck_idx_t *)(void *)(base + (size_t)k * 8);
    r->internal_weight = (double *)(void *)(base + (size_t)k * 16);
    r->contribution = (double *)(void *)(base + (size_t)k * 24);
    if (k) memcpy(r->labels, labels, (size_t)k * sizeof *labels);
    CK_TRY(cki_comm_modularity(ctx, g, idx, k, o.resolution, o.use_weights, &r->modularity, &r->total_weight,
                               r->internal_weight, r->contribution, r->sizes));
    *result = r;
    r = NULL;
cleanup:
    cki_free(ctx, r);
    cki_free(ctx, labels);
    cki_free(ctx, idx);
    return status;
}

void ck_modularity_result_destroy(ck_modularity_result_t **result)
{
    if (!result || !*result) return;
    ck_allocator_t a = (*result)->alloc;
    a.free_fn(*result, a.user);
    *result = NULL;
}

ck_status_t ck_modularity_score(ck_ctx_t *ctx, double *modularity, const ck_graph_t *g, const int64_t *communities,
                                const ck_modularity_options_t *opt)
{
    ck_status_t status = check_modularity_args(ctx, modularity, g, communities, opt);
    if (status) return status;
    ck_modularity_options_t o;
    ck_modularity_options_init(&o);
    if (opt) o = *opt;
    const uint32_t n = g->n;
    int64_t *labels = NULL;
    uint32_t *idx = cki_mallocarray(ctx, n ? n : 1, sizeof *idx), k = 0;
    if (!idx) return cki_nomem(ctx);
    CK_TRY(group_labels(ctx, communities, n, &labels, &k, idx));
    CK_TRY(cki_comm_modularity(ctx, g, idx, k, o.resolution, o.use_weights, modularity, NULL, NULL, NULL, NULL));
cleanup:
    cki_free(ctx, labels);
    cki_free(ctx, idx);
    return status;
}

/* ---------------------------------------------------------------- JSON: graph/modularity-score */

static const ck_param_t modularity_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "communities", .type = CK_PT_INT_ARRAY, .required = true,
     .doc = "[n] community label of each node (any integers; equal values share a community)"},
    {.name = "resolution", .type = CK_PT_REAL, .default_json = "1.0", .has_min = true, .min = 0,
     .doc = "resolution gamma >= 0 (1 = Newman-Girvan)"},
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "weights are strengths; false: every edge weighs 1"},
};
static const ck_param_t modularity_outputs[] = {
    {.name = "modularity", .type = CK_PT_REAL, .doc = "Q (0 when the graph has no edge weight)"},
    {.name = "communities", .type = CK_PT_ARRAY,
     .doc = "[{label, size, internal_weight, contribution}] per community, sorted by label"},
};

static ck_status_t modularity_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                                   ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g = NULL;
    ck_graph_t *owned = NULL;
    int64_t *labels = NULL;
    ck_idx_t n_labels = 0;
    ck_modularity_result_t *r = NULL;
    json_t *arr = NULL;
    ck_status_t status;
    CK_TRY(cki_json_graph(ctx, in, info, &g, &owned));
    CK_TRY(cki_json_ints(ctx, json_object_get(in, "communities"), "communities", &labels, &n_labels));
    if (n_labels != (ck_idx_t)g->n) {
        status = cki_invalid(ctx, "communities", "has %lld values, expected one per node (%lld)", (long long)n_labels,
                             (long long)g->n);
        goto cleanup;
    }
    ck_modularity_options_t o;
    ck_modularity_options_init(&o);
    o.resolution = json_number_value(json_object_get(in, "resolution"));
    o.use_weights = json_is_true(json_object_get(in, "use_weights"));
    CK_TRY(ck_modularity(ctx, &r, g, labels, &o));
    if (g->n > 0 && !(r->total_weight > 0))
        CK_TRY(cki_run_warn(ctx, info, "the graph has no edge weight (m = 0): modularity is 0 by convention"));
    CK_TRY(cki_json_set(ctx, out, "modularity", cki_json_real_new(r->modularity)));
    arr = json_array();
    if (!arr) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (ck_idx_t c = 0; c < r->num_communities; c++) {
        json_t *row = json_object();
        if (!row || json_array_append_new(arr, row)) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        CK_TRY(cki_json_set(ctx, row, "label", json_integer(r->labels[c])));
        CK_TRY(cki_json_set(ctx, row, "size", json_integer(r->sizes[c])));
        CK_TRY(cki_json_set(ctx, row, "internal_weight", cki_json_real_new(r->internal_weight[c])));
        CK_TRY(cki_json_set(ctx, row, "contribution", cki_json_real_new(r->contribution[c])));
    }
    status = cki_json_set(ctx, out, "communities", arr);
    arr = NULL;
cleanup:
    json_decref(arr);
    ck_modularity_result_destroy(&r);
    cki_free(ctx, labels);
    ck_graph_destroy(&owned);
    return status;
}

/* ---------------------------------------------------------------- descriptors: louvain, label propagation */

static const ck_param_t louvain_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "resolution", .type = CK_PT_REAL, .default_json = "1.0", .has_min = true, .min = 0, .min_exclusive = true,
     .doc = "resolution gamma > 0"},
    {.name = "threshold", .type = CK_PT_REAL, .default_json = "1e-7", .has_min = true, .min = 0,
     .doc = "stop when a level raises Q by <= threshold"},
    {.name = "order", .type = CK_PT_ENUM, .default_json = "\"index\"", .choices = "index|random",
     .doc = "node order of the local-moving sweeps: ascending id, or one seeded permutation per level"},
    {.name = "seed", .type = CK_PT_UINT64, .default_json = "42", .doc = "seed of the random order"},
    {.name = "max_levels", .type = CK_PT_INT, .default_json = "0", .has_min = true, .min = 0,
     .doc = "stop after this many levels (0 = no limit); stopping here gives converged:false"},
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "weights are strengths; false: every edge weighs 1"},
    {.name = "return_levels", .type = CK_PT_BOOL, .default_json = "false",
     .doc = "also return the partition of every level (hierarchy)"},
};
static const ck_param_t louvain_outputs[] = {
    {.name = "communities", .type = CK_PT_INT_ARRAY, .doc = "[n] canonical community labels"},
    {.name = "num_communities", .type = CK_PT_INT, .doc = "number of communities"},
    {.name = "modularity", .type = CK_PT_REAL, .doc = "Q of the partition, as graph/modularity-score computes it"},
    {.name = "levels", .type = CK_PT_INT, .doc = "levels computed"},
    {.name = "hierarchy", .type = CK_PT_ARRAY, .doc = "[[n] canonical labels per level] (return_levels only)"},
};

static const ck_param_t lpa_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "variant", .type = CK_PT_ENUM, .default_json = "\"semi_sync\"", .choices = "semi_sync|async",
     .doc = "semi_sync: Cordasco-Gargano as networkx (weights ignored); async: Raghavan et al. with weights"},
    {.name = "max_rounds", .type = CK_PT_INT, .default_json = "1000", .has_min = true, .min = 1,
     .doc = "round limit; reaching it gives converged:false"},
    {.name = "seed", .type = CK_PT_UINT64, .default_json = "42", .doc = "seed of the async visiting order"},
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "true", .doc = "async: weights are strengths"},
};
static const ck_param_t lpa_outputs[] = {
    {.name = "communities", .type = CK_PT_INT_ARRAY, .doc = "[n] canonical community labels"},
    {.name = "num_communities", .type = CK_PT_INT, .doc = "number of communities"},
    {.name = "modularity", .type = CK_PT_REAL,
     .doc = "Q on the undirected skeleton (weighted only for async with use_weights)"},
};

static const ck_kernel_t community_kernels[] = {
    {
        .meta = {.id = "graph/modularity-score",
                 .modes = CK_MODE_BATCH,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Newman-Girvan modularity (with resolution) of a given partition, per community and total",
                 .expected_throughput = 200000000,
                 .target_latency_us = 50.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = modularity_params, .n_params = N_(modularity_params),
        .outputs = modularity_outputs, .n_outputs = N_(modularity_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 6, \"edges\": [[0,1],[1,2],[0,2],[3,4],[4,5],[3,5],[2,3]]},"
                         " \"communities\": [0, 0, 0, 1, 1, 1]}",
        .run_json = modularity_json,
    },
    {
        .meta = {.id = "graph/louvain-community",
                 .modes = CK_MODE_BATCH | CK_MODE_ITERATIVE,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Multilevel Louvain community detection (deterministic order and ties; one level per iteration)",
                 .expected_throughput = 20000000,
                 .target_latency_us = 200.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = louvain_params, .n_params = N_(louvain_params),
        .outputs = louvain_outputs, .n_outputs = N_(louvain_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 6, \"edges\": [[0,1],[1,2],[0,2],[3,4],[4,5],[3,5],[2,3]]},"
                         " \"return_levels\": true}",
        .run_json = cki_run_iterative,
        .iterative = &cki_louvain_ops,
    },
    {
        .meta = {.id = "graph/label-propagation",
                 .modes = CK_MODE_BATCH | CK_MODE_ITERATIVE,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "Label propagation communities: semi-synchronous (as networkx) or asynchronous weighted",
                 .expected_throughput = 50000000,
                 .target_latency_us = 100.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = lpa_params, .n_params = N_(lpa_params),
        .outputs = lpa_outputs, .n_outputs = N_(lpa_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 6, \"edges\": [[0,1],[1,2],[0,2],[3,4],[4,5],[3,5],[2,3]]}}",
        .run_json = cki_run_iterative,
        .iterative = &cki_lpa_ops,
    },
};

const cki_kernel_table_t cki_graph_community_table = {community_kernels, N_(community_kernels)};
