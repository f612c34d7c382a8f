/* graph/... kernels: graph neural networks with caller-supplied weights.
 *   graph/gnn-inference   GCN (Kipf & Welling) / GraphSAGE (Hamilton et al.) / dense layers
 *   graph/graph-attention GAT v1 (Veličković et al.), computed as PyG GATConv
 *
 * Dense transforms go through ck_matmul (cache-blocked, OpenMP over row blocks); the sparse
 * aggregations are OpenMP loops over destination nodes, each node's row written by one thread
 * with its terms summed in CSC order, so nothing depends on the thread count. The JSON binders
 * are in gnn_json.c. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ckernels/core_kernels.h"
#include "graph_internal.h"

/* Nodes per parallel pass between two cancellation polls. */
#define GNN_CHUNK 8192
/* Below this many element operations a loop runs on the calling thread: waking a team costs more
 * (results are the same either way: every row is computed by one thread). */
#define GNN_PAR_MIN 32768

static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* An n × d double matrix from the ctx allocator; NULL on failure or when the size overflows. */
static double *alloc_matrix(ck_ctx_t *ctx, int64_t n, int64_t d)
{
    if (n <= 0 || d <= 0 || (uint64_t)d > SIZE_MAX / sizeof(double) / (uint64_t)n) return NULL;
    return cki_malloc(ctx, (size_t)n * (size_t)d * sizeof(double));
}

void ck_gnn_layer_init(ck_gnn_layer_t *l)
{
    if (l) memset(l, 0, sizeof *l);
}

void ck_gnn_inference_options_init(ck_gnn_inference_options_t *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->readout = CK_GNN_READOUT_NONE;
    o->graph_pooling = CK_GNN_POOL_NONE;
    o->use_weights = true;
}

void ck_gat_layer_init(ck_gat_layer_t *l)
{
    if (!l) return;
    memset(l, 0, sizeof *l);
    l->heads = 1;
    l->concat = true;
    l->negative_slope = 0.2;
    l->activation = CK_GNN_ACT_DEFAULT;
}

void ck_graph_attention_options_init(ck_graph_attention_options_t *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->add_self_loops = true;
}

/* ---------------------------------------------------------------- shared pieces */

/* Bookkeeping of one forward pass: progress runs over `total` passes (matmuls, aggregations). */
typedef struct gnn_run {
    ck_ctx_t *ctx;
    int threads;
    int64_t step, total;
} gnn_run_t;

static ck_status_t run_poll(gnn_run_t *r, double frac)
{
    double f = ((double)r->step + frac) / (double)r->total;
    return cki_poll(r->ctx, f < 1.0 ? f : 0.999);
}

/* C = A·B through ck_matmul. Its own progress reports (0..1 per product) are muted so that the
 * caller sees one monotone progress for the whole pass; cancellation still works. */
static ck_status_t run_gemm(gnn_run_t *r, double *c, const double *a, const double *b, int64_t m, int64_t k,
                            int64_t n)
{
    ck_progress_fn saved = r->ctx->progress;
    r->ctx->progress = NULL;
    ck_status_t status = ck_matmul(r->ctx, c, a, b, m, k, n);
    r->ctx->progress = saved;
    if (CK_IS_ERROR(status)) return status;
    r->step++;
    return run_poll(r, 0.0);
}

static inline double sigmoid(double x)
{
    if (x >= 0) return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

static inline double act_eval(ck_gnn_activation_t a, double x)
{
    switch (a) {
    case CK_GNN_ACT_RELU: return x > 0 ? x : 0.0;
    case CK_GNN_ACT_LEAKY_RELU: return x >= 0 ? x : 0.01 * x;
    case CK_GNN_ACT_ELU: return x > 0 ? x : expm1(x);
    case CK_GNN_ACT_SIGMOID: return sigmoid(x);
    case CK_GNN_ACT_TANH: return tanh(x);
    default: return x;
    }
}

static ck_gnn_activation_t act_resolve(ck_gnn_activation_t a, bool last, ck_gnn_activation_t hidden)
{
    if (a != CK_GNN_ACT_DEFAULT) return a;
    return last ? CK_GNN_ACT_NONE : hidden;
}

/* Row-wise finish of a layer's pre-activation h (n × d): h += add (when given), += bias, optional
 * L2 normalisation (PyG's F.normalize: divide by max(‖row‖, 1e-12)), then the activation. */
static ck_status_t finish_rows(gnn_run_t *r, double *h, const double *add, int64_t n, int64_t d, const double *bias,
                               bool l2, ck_gnn_activation_t act)
{
    for (int64_t v0 = 0; v0 < n; v0 += GNN_CHUNK) {
        const int64_t v1 = min64(n, v0 + GNN_CHUNK);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(r->threads) if ((v1 - v0) * d >= GNN_PAR_MIN)
#endif
        for (int64_t v = v0; v < v1; v++) {
            double *row = h + v * d;
            if (add) {
                const double *ar = add + v * d;
                for (int64_t k = 0; k < d; k++) row[k] += ar[k];
            }
            if (bias)
                for (int64_t k = 0; k < d; k++) row[k] += bias[k];
            if (l2) {
                double ss = 0;
                for (int64_t k = 0; k < d; k++) ss += row[k] * row[k];
                double norm = sqrt(ss);
                if (norm < 1e-12) norm = 1e-12;
                for (int64_t k = 0; k < d; k++) row[k] /= norm;
            }
            if (act != CK_GNN_ACT_NONE)
                for (int64_t k = 0; k < d; k++) row[k] = act_eval(act, row[k]);
        }
        ck_status_t status = run_poll(r, (double)v1 / (double)n);
        if (CK_IS_ERROR(status)) return status;
    }
    r->step++;
    return CK_OK;
}

/* A finite-values check naming the first bad element as field[i][j] (cols > 0) or field[i]. */
static ck_status_t check_finite(ck_ctx_t *ctx, const double *x, int64_t count, int64_t cols, const char *field)
{
    char path[CKI_ERR_FIELD_MAX + 48]; /* room for the indices; the error keeps the first 255 bytes */
    for (int64_t i = 0; i < count; i++)
        if (!isfinite(x[i])) {
            if (cols > 0) snprintf(path, sizeof path, "%s[%lld][%lld]", field, (long long)(i / cols), (long long)(i % cols));
            else snprintf(path, sizeof path, "%s[%lld]", field, (long long)i);
            return cki_invalid(ctx, path, "is not finite (%g)", x[i]);
        }
    return CK_OK;
}

/* Checks shared by both kernels: graph, features, layer count. */
static ck_status_t check_common(ck_ctx_t *ctx, const ck_graph_t *g, const double *features, ck_idx_t d0,
                                ck_idx_t n_layers)
{
    if (!g) return cki_invalid(ctx, "graph", "is NULL");
    if (n_layers < 1) return cki_invalid(ctx, "layers", "must have at least one layer, got %lld", (long long)n_layers);
    if (g->n > 0) {
        if (d0 < 1) return cki_invalid(ctx, "features", "must have at least one column, got %lld", (long long)d0);
        if (!features) return cki_invalid(ctx, "features", "is NULL");
        if (d0 > INT64_MAX / g->n) return cki_invalid(ctx, "features", "%u x %lld matrix is too large", g->n, (long long)d0);
        return check_finite(ctx, features, (int64_t)g->n * d0, d0, "features");
    }
    return CK_OK;
}

/* Layer l's input width check against the previous width `want` (features when l == 0). */
static ck_status_t check_chain(ck_ctx_t *ctx, ck_idx_t l, ck_idx_t d_in, ck_idx_t want, bool check, const char *field)
{
    if (!check || d_in == want) return CK_OK;
    if (l == 0)
        return cki_invalid(ctx, field, "has %lld rows, expected %lld (the number of feature columns)", (long long)d_in,
                           (long long)want);
    return cki_invalid(ctx, field, "has %lld rows, expected %lld (the output width of layers[%lld])", (long long)d_in,
                       (long long)want, (long long)(l - 1));
}

/* ---------------------------------------------------------------- graph/gnn-inference */

/* out_v = x_v / d̃_v + Σ_{u→v} w_uv x_u / sqrt(d̃_u d̃_v), rows v0..v1. */
static void gcn_propagate(double *restrict out, const double *restrict in, int64_t d, const ck_graph_t *g,
                          const double *restrict dinv, bool weighted, int64_t v0, int64_t v1, int threads)
{
    (void)threads; /* unused without OpenMP */
    const bool par = (g->in_off[v1] - g->in_off[v0] + v1 - v0) * d >= GNN_PAR_MIN;
    (void)par;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 64) num_threads(threads) if (par)
#endif
    for (int64_t v = v0; v < v1; v++) {
        double *o = out + v * d;
        const double dv = dinv[v], *xv = in + v * d, self = dv * dv;
        for (int64_t k = 0; k < d; k++) o[k] = self * xv[k];
        for (int64_t e = g->in_off[v]; e < g->in_off[v + 1]; e++) {
            const uint32_t u = g->in_adj[e];
            const double c = (weighted ? g->in_w[e] : 1.0) * dinv[u] * dv;
            const double *xu = in + (int64_t)u * d;
            for (int64_t k = 0; k < d; k++) o[k] += c * xu[k];
        }
    }
}

/* out_v = agg_{u∈N⁻(v)} in_u (element-wise mean/sum/max; 0 for an empty neighbourhood). */
static void sage_aggregate(double *restrict out, const double *restrict in, int64_t d, const ck_graph_t *g,
                           ck_gnn_aggregator_t agg, int64_t v0, int64_t v1, int threads)
{
    (void)threads; /* unused without OpenMP */
    const bool par = (g->in_off[v1] - g->in_off[v0] + v1 - v0) * d >= GNN_PAR_MIN;
    (void)par;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 64) num_threads(threads) if (par)
#endif
    for (int64_t v = v0; v < v1; v++) {
        double *o = out + v * d;
        const int64_t lo = g->in_off[v], hi = g->in_off[v + 1];
        if (lo == hi) {
            for (int64_t k = 0; k < d; k++) o[k] = 0.0;
            continue;
        }
        const double *x0 = in + (int64_t)g->in_adj[lo] * d;
        for (int64_t k = 0; k < d; k++) o[k] = x0[k];
        for (int64_t e = lo + 1; e < hi; e++) {
            const double *xu = in + (int64_t)g->in_adj[e] * d;
            if (agg == CK_GNN_AGG_MAX) {
                for (int64_t k = 0; k < d; k++)
                    if (xu[k] > o[k]) o[k] = xu[k];
            } else {
                for (int64_t k = 0; k < d; k++) o[k] += xu[k];
            }
        }
        if (agg == CK_GNN_AGG_MEAN) {
            const double cnt = (double)(hi - lo);
            for (int64_t k = 0; k < d; k++) o[k] /= cnt;
        }
    }
}

typedef enum { PASS_GCN, PASS_SAGE } pass_kind_t;

static ck_status_t run_aggregate(gnn_run_t *r, pass_kind_t kind, double *out, const double *in, int64_t d,
                                 const ck_graph_t *g, const double *dinv, bool weighted, ck_gnn_aggregator_t agg)
{
    const int64_t n = g->n;
    for (int64_t v0 = 0; v0 < n; v0 += GNN_CHUNK) {
        const int64_t v1 = min64(n, v0 + GNN_CHUNK);
        if (kind == PASS_GCN) gcn_propagate(out, in, d, g, dinv, weighted, v0, v1, r->threads);
        else sage_aggregate(out, in, d, g, agg, v0, v1, r->threads);
        ck_status_t status = run_poll(r, (double)v1 / (double)n);
        if (CK_IS_ERROR(status)) return status;
    }
    r->step++;
    return CK_OK;
}

static ck_status_t gnn_validate(ck_ctx_t *ctx, double *probabilities, double *graph_embedding, const ck_graph_t *g,
                                ck_idx_t d0, const ck_gnn_layer_t *layers, ck_idx_t n_layers,
                                const ck_gnn_inference_options_t *o)
{
    char field[CKI_ERR_FIELD_MAX];
    ck_status_t status;
    if (!layers) return cki_invalid(ctx, "layers", "is NULL");
    if ((unsigned)o->readout > CK_GNN_READOUT_SIGMOID) return cki_invalid(ctx, "readout", "unknown readout %d", (int)o->readout);
    if ((unsigned)o->graph_pooling > CK_GNN_POOL_MAX)
        return cki_invalid(ctx, "graph_pooling", "unknown pooling %d", (int)o->graph_pooling);
    ck_idx_t prev = d0;
    for (ck_idx_t l = 0; l < n_layers; l++) {
        const ck_gnn_layer_t *L = &layers[l];
        snprintf(field, sizeof field, "layers[%lld]", (long long)l);
        if ((unsigned)L->type > CK_GNN_DENSE) return cki_invalid(ctx, field, "unknown layer type %d", (int)L->type);
        if ((unsigned)L->activation > CK_GNN_ACT_TANH)
            return cki_invalid(ctx, field, "unknown activation %d", (int)L->activation);
        if ((unsigned)L->aggregator > CK_GNN_AGG_MAX) return cki_invalid(ctx, field, "unknown aggregator %d", (int)L->aggregator);
        snprintf(field, sizeof field, "layers[%lld].weight", (long long)l);
        if (L->d_in < 1 || L->d_out < 1)
            return cki_invalid(ctx, field, "must have at least one row and one column, got %lld x %lld",
                               (long long)L->d_in, (long long)L->d_out);
        if (L->d_out > INT64_MAX / L->d_in)
            return cki_invalid(ctx, field, "%lld x %lld matrix is too large", (long long)L->d_in, (long long)L->d_out);
        CK_TRY(check_chain(ctx, l, L->d_in, prev, l > 0 || g->n > 0, field));
        if (!L->weight) return cki_invalid(ctx, field, "is NULL");
        CK_TRY(check_finite(ctx, L->weight, L->d_in * L->d_out, L->d_out, field));
        if (L->type == CK_GNN_SAGE) {
            snprintf(field, sizeof field, "layers[%lld].weight_neigh", (long long)l);
            if (!L->weight_neigh) return cki_invalid(ctx, field, "is required for a sage layer");
            CK_TRY(check_finite(ctx, L->weight_neigh, L->d_in * L->d_out, L->d_out, field));
        }
        if (L->bias) {
            snprintf(field, sizeof field, "layers[%lld].bias", (long long)l);
            CK_TRY(check_finite(ctx, L->bias, L->d_out, 0, field));
        }
        prev = L->d_out;
    }
    if (g->n > 0 && o->readout != CK_GNN_READOUT_NONE && !probabilities)
        return cki_invalid(ctx, "probabilities", "is NULL (required by the readout)");
    if (o->graph_pooling != CK_GNN_POOL_NONE && !graph_embedding)
        return cki_invalid(ctx, "graph_embedding", "is NULL (required by graph_pooling)");
    status = CK_OK;
cleanup:
    return status;
}

/* Row-wise softmax (max-subtracted) or logistic of x (n × d) into p; argmax of p into pred. */
static void readout_rows(double *p, int64_t *pred, const double *x, int64_t n, int64_t d, ck_gnn_readout_t readout,
                         int threads)
{
    (void)threads; /* unused without OpenMP */
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads) if (n * d >= GNN_PAR_MIN)
#endif
    for (int64_t v = 0; v < n; v++) {
        const double *xr = x + v * d;
        double *pr = p + v * d;
        if (readout == CK_GNN_READOUT_SIGMOID) {
            for (int64_t k = 0; k < d; k++) pr[k] = sigmoid(xr[k]);
            continue;
        }
        double mx = xr[0], s = 0.0;
        for (int64_t k = 1; k < d; k++)
            if (xr[k] > mx) mx = xr[k];
        for (int64_t k = 0; k < d; k++) s += pr[k] = exp(xr[k] - mx);
        int64_t best = 0;
        for (int64_t k = 0; k < d; k++) {
            pr[k] /= s;
            if (pr[k] > pr[best]) best = k;
        }
        if (pred) pred[v] = best;
    }
}

static void pool_rows(double *out, const double *x, int64_t n, int64_t d, ck_gnn_pooling_t pool)
{
    for (int64_t k = 0; k < d; k++) out[k] = 0.0;
    if (n == 0) return;
    if (pool == CK_GNN_POOL_MAX)
        for (int64_t k = 0; k < d; k++) out[k] = x[k];
    for (int64_t v = (pool == CK_GNN_POOL_MAX); v < n; v++) {
        const double *xr = x + v * d;
        if (pool == CK_GNN_POOL_MAX) {
            for (int64_t k = 0; k < d; k++)
                if (xr[k] > out[k]) out[k] = xr[k];
        } else {
            for (int64_t k = 0; k < d; k++) out[k] += xr[k];
        }
    }
    if (pool == CK_GNN_POOL_MEAN)
        for (int64_t k = 0; k < d; k++) out[k] /= (double)n;
}

ck_status_t ck_gnn_inference(ck_ctx_t *ctx, double *embeddings, double *probabilities, int64_t *predictions,
                             double *graph_embedding, const ck_graph_t *g, const double *features, ck_idx_t d0,
                             const ck_gnn_layer_t *layers, ck_idx_t n_layers, const ck_gnn_inference_options_t *opts)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ctx->last_backend = CK_BACKEND_CPU;
    ck_gnn_inference_options_t o;
    if (opts) o = *opts;
    else ck_gnn_inference_options_init(&o);
    double *buf[2] = {NULL, NULL}, *t1 = NULL, *t2 = NULL, *dinv = NULL;
    ck_status_t status;
    CK_TRY(check_common(ctx, g, features, d0, n_layers));
    CK_TRY(gnn_validate(ctx, probabilities, graph_embedding, g, d0, layers, n_layers, &o));
    if (g->n > 0 && !embeddings) return cki_invalid(ctx, "embeddings", "is NULL");

    const int64_t n = g->n, dL = layers[n_layers - 1].d_out;
    int64_t dmax = n > 0 ? d0 : 1;
    bool any_gcn = false, any_sage = false;
    for (ck_idx_t l = 0; l < n_layers; l++) {
        dmax = max64(dmax, max64(layers[l].d_in, layers[l].d_out));
        any_gcn |= layers[l].type == CK_GNN_GCN;
        any_sage |= layers[l].type == CK_GNN_SAGE;
    }
    gnn_run_t run = {ctx, cki_threads(ctx), 0, 4 * n_layers + 1};
    CK_TRY(run_poll(&run, 0.0));
    if (n == 0) {
        if (o.graph_pooling != CK_GNN_POOL_NONE) pool_rows(graph_embedding, NULL, 0, dL, o.graph_pooling);
        status = cki_poll(ctx, 1.0);
        goto cleanup;
    }
    buf[0] = alloc_matrix(ctx, n, dmax);
    buf[1] = alloc_matrix(ctx, n, dmax);
    t1 = alloc_matrix(ctx, n, dmax);
    if (any_sage) t2 = alloc_matrix(ctx, n, dmax);
    if (any_gcn) dinv = cki_mallocarray(ctx, (size_t)n, sizeof(double));
    if (!buf[0] || !buf[1] || !t1 || (any_sage && !t2) || (any_gcn && !dinv)) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    if (any_gcn) {
        /* d̃_v = 1 + Σ_{u→v} w_uv (the added self-loop has weight 1). */
        const bool w = o.use_weights && g->weighted;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(run.threads) if (n + g->in_off[n] >= GNN_PAR_MIN)
#endif
        for (int64_t v = 0; v < n; v++) {
            double deg = 1.0;
            if (w)
                for (int64_t e = g->in_off[v]; e < g->in_off[v + 1]; e++) deg += g->in_w[e];
            else
                deg += (double)(g->in_off[v + 1] - g->in_off[v]);
            dinv[v] = 1.0 / sqrt(deg);
        }
    }
    const bool weighted = o.use_weights && g->weighted;
    const double *cur = features;
    double *out = NULL;
    for (ck_idx_t l = 0; l < n_layers; l++) {
        const ck_gnn_layer_t *L = &layers[l];
        const int64_t di = L->d_in, dout = L->d_out;
        out = buf[l & 1];
        const double *add = NULL;
        switch (L->type) {
        case CK_GNN_DENSE: CK_TRY(run_gemm(&run, out, cur, L->weight, n, di, dout)); break;
        case CK_GNN_GCN:
            /* Â(HW) or (ÂH)W: whichever aggregates the narrower matrix. */
            if (dout <= di) {
                CK_TRY(run_gemm(&run, t1, cur, L->weight, n, di, dout));
                CK_TRY(run_aggregate(&run, PASS_GCN, out, t1, dout, g, dinv, weighted, CK_GNN_AGG_MEAN));
            } else {
                CK_TRY(run_aggregate(&run, PASS_GCN, t1, cur, di, g, dinv, weighted, CK_GNN_AGG_MEAN));
                CK_TRY(run_gemm(&run, out, t1, L->weight, n, di, dout));
            }
            break;
        case CK_GNN_SAGE:
            CK_TRY(run_gemm(&run, out, cur, L->weight, n, di, dout));
            if (L->aggregator != CK_GNN_AGG_MAX && dout < di) {
                /* mean and sum are linear: agg(H) Wn = agg(H Wn). */
                CK_TRY(run_gemm(&run, t1, cur, L->weight_neigh, n, di, dout));
                CK_TRY(run_aggregate(&run, PASS_SAGE, t2, t1, dout, g, NULL, false, L->aggregator));
            } else {
                CK_TRY(run_aggregate(&run, PASS_SAGE, t1, cur, di, g, NULL, false, L->aggregator));
                CK_TRY(run_gemm(&run, t2, t1, L->weight_neigh, n, di, dout));
            }
            add = t2;
            break;
        }
        const ck_gnn_activation_t act = act_resolve(L->activation, l == n_layers - 1, CK_GNN_ACT_RELU);
        CK_TRY(finish_rows(&run, out, add, n, dout, L->bias, L->type == CK_GNN_SAGE && L->l2_normalize, act));
        run.step = 4 * (l + 1);
        cur = out;
    }
    memcpy(embeddings, out, (size_t)n * (size_t)dL * sizeof(double));
    if (o.readout != CK_GNN_READOUT_NONE)
        readout_rows(probabilities, o.readout == CK_GNN_READOUT_SOFTMAX ? predictions : NULL, out, n, dL, o.readout,
                     run.threads);
    if (o.graph_pooling != CK_GNN_POOL_NONE) pool_rows(graph_embedding, out, n, dL, o.graph_pooling);
    status = cki_poll(ctx, 1.0);
cleanup:
    cki_free(ctx, buf[0]);
    cki_free(ctx, buf[1]);
    cki_free(ctx, t1);
    cki_free(ctx, t2);
    cki_free(ctx, dinv);
    return status;
}

/* ---------------------------------------------------------------- graph/graph-attention */

/* Position of v among the sorted sources adj[0..deg): where its self-loop goes. */
static inline int64_t lower_bound_u32(const uint32_t *adj, int64_t deg, uint32_t v)
{
    int64_t lo = 0, hi = deg;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (adj[mid] < v) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Source of row j of v's attention list: the in-neighbours adj[0..deg) with v at `pos` when
 * self-loops are added (self = 1), else pos == deg. */
static inline uint32_t att_src_at(const uint32_t *adj, int64_t pos, int self, int64_t j, uint32_t v)
{
    if (j < pos) return adj[j];
    if (self && j == pos) return v;
    return adj[j - self];
}

typedef struct gat_buffers {
    double *z;           /* n × heads·d_out: z_{u,h} = x_u W_h */
    double *s_src, *s_dst; /* n × heads */
} gat_buffers_t;

/* One GAT layer (before bias and activation): out (n × width) from z; alpha (rows × heads)
 * receives the coefficients. Rows of v start at in_off[v] + self·v. */
static void gat_attend(double *restrict out, double *restrict alpha, const gat_buffers_t *b, const ck_graph_t *g,
                       const ck_gat_layer_t *L, int self, int64_t v0, int64_t v1, int threads)
{
    (void)threads; /* unused without OpenMP */
    const int64_t H = L->heads, C = L->d_out, HC = H * C, width = L->concat ? HC : C;
    const double slope = L->negative_slope;
    const bool par = (g->in_off[v1] - g->in_off[v0] + (v1 - v0) * (1 + self)) * HC >= GNN_PAR_MIN;
    (void)par;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 64) num_threads(threads) if (par)
#endif
    for (int64_t v = v0; v < v1; v++) {
        const int64_t lo = g->in_off[v], deg = g->in_off[v + 1] - lo, cnt = deg + self;
        const uint32_t *adj = g->in_adj + lo;
        const int64_t pos = self ? lower_bound_u32(adj, deg, (uint32_t)v) : deg;
        double *a = alpha + (lo + self * v) * H;
        double *o = out + v * width;
        for (int64_t k = 0; k < width; k++) o[k] = 0.0;
        for (int64_t h = 0; h < H; h++) {
            if (cnt == 0) break;
            const double sd = b->s_dst[v * H + h];
            double mx = -INFINITY, sum = 0.0;
            for (int64_t j = 0; j < cnt; j++) {
                const uint32_t u = att_src_at(adj, pos, self, j, (uint32_t)v);
                double e = b->s_src[(int64_t)u * H + h] + sd;
                if (e < 0) e *= slope;
                a[j * H + h] = e;
                if (e > mx) mx = e;
            }
            for (int64_t j = 0; j < cnt; j++) sum += a[j * H + h] = exp(a[j * H + h] - mx);
            double *oh = o + (L->concat ? h * C : 0);
            for (int64_t j = 0; j < cnt; j++) {
                const uint32_t u = att_src_at(adj, pos, self, j, (uint32_t)v);
                const double w = a[j * H + h] /= sum;
                const double *zu = b->z + (int64_t)u * HC + h * C;
                for (int64_t k = 0; k < C; k++) oh[k] += w * zu[k];
            }
        }
        if (!L->concat && H > 1)
            for (int64_t k = 0; k < C; k++) o[k] /= (double)H;
    }
}

static ck_status_t gat_validate(ck_ctx_t *ctx, const ck_graph_t *g, ck_idx_t d0, const ck_gat_layer_t *layers,
                                ck_idx_t n_layers)
{
    char field[CKI_ERR_FIELD_MAX];
    ck_status_t status = CK_OK;
    if (!layers) return cki_invalid(ctx, "layers", "is NULL");
    ck_idx_t prev = d0;
    for (ck_idx_t l = 0; l < n_layers; l++) {
        const ck_gat_layer_t *L = &layers[l];
        snprintf(field, sizeof field, "layers[%lld].heads", (long long)l);
        if (L->heads < 1 || L->heads > CK_GAT_MAX_HEADS)
            return cki_invalid(ctx, field, "%lld is out of range 1..%d", (long long)L->heads, CK_GAT_MAX_HEADS);
        snprintf(field, sizeof field, "layers[%lld]", (long long)l);
        if ((unsigned)L->activation > CK_GNN_ACT_TANH)
            return cki_invalid(ctx, field, "unknown activation %d", (int)L->activation);
        snprintf(field, sizeof field, "layers[%lld].negative_slope", (long long)l);
        if (!isfinite(L->negative_slope) || L->negative_slope < 0)
            return cki_invalid(ctx, field, "must be finite and >= 0, got %g", L->negative_slope);
        snprintf(field, sizeof field, "layers[%lld].weight", (long long)l);
        if (L->d_in < 1 || L->d_out < 1)
            return cki_invalid(ctx, field, "matrices must have at least one row and one column, got %lld x %lld",
                               (long long)L->d_in, (long long)L->d_out);
        if (L->d_out > INT64_MAX / L->d_in / L->heads)
            return cki_invalid(ctx, field, "%lld x %lld x %lld is too large", (long long)L->heads, (long long)L->d_in,
                               (long long)L->d_out);
        CK_TRY(check_chain(ctx, l, L->d_in, prev, l > 0 || g->n > 0, field));
        if (!L->weight) return cki_invalid(ctx, field, "is NULL");
        CK_TRY(check_finite(ctx, L->weight, L->heads * L->d_in * L->d_out, L->d_out, field));
        const int64_t hc = L->heads * L->d_out;
        snprintf(field, sizeof field, "layers[%lld].att_src", (long long)l);
        if (!L->att_src) return cki_invalid(ctx, field, "is NULL");
        CK_TRY(check_finite(ctx, L->att_src, hc, L->d_out, field));
        snprintf(field, sizeof field, "layers[%lld].att_dst", (long long)l);
        if (!L->att_dst) return cki_invalid(ctx, field, "is NULL");
        CK_TRY(check_finite(ctx, L->att_dst, hc, L->d_out, field));
        if (L->bias) {
            snprintf(field, sizeof field, "layers[%lld].bias", (long long)l);
            CK_TRY(check_finite(ctx, L->bias, L->concat ? hc : L->d_out, 0, field));
        }
        prev = L->concat ? hc : L->d_out;
    }
cleanup:
    return status;
}

ck_status_t ck_graph_attention(ck_ctx_t *ctx, double *embeddings, double *attention_received,
                               ck_gat_attention_t **attention, const ck_graph_t *g, const double *features, ck_idx_t d0,
                               const ck_gat_layer_t *layers, ck_idx_t n_layers, const ck_graph_attention_options_t *opts)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ctx->last_backend = CK_BACKEND_CPU;
    if (attention) *attention = NULL;
    ck_graph_attention_options_t o;
    if (opts) o = *opts;
    else ck_graph_attention_options_init(&o);
    double *buf[2] = {NULL, NULL}, *wcat = NULL, *scratch = NULL;
    gat_buffers_t b = {NULL, NULL, NULL};
    ck_gat_attention_t *att = NULL;
    ck_status_t status;
    CK_TRY(check_common(ctx, g, features, d0, n_layers));
    CK_TRY(gat_validate(ctx, g, d0, layers, n_layers));
    if (g->n > 0 && !embeddings) return cki_invalid(ctx, "embeddings", "is NULL");

    const int64_t n = g->n;
    const int self = o.add_self_loops ? 1 : 0;
    const int64_t rows = g->in_off[n] + self * n;
    int64_t wmax = n > 0 ? d0 : 1, hcmax = 1, hmax = 1, wdim = 1, wL = 0;
    for (ck_idx_t l = 0; l < n_layers; l++) {
        const ck_gat_layer_t *L = &layers[l];
        const int64_t hc = L->heads * L->d_out;
        wL = L->concat ? hc : L->d_out;
        wmax = max64(wmax, max64(L->d_in, wL));
        hcmax = max64(hcmax, hc);
        hmax = max64(hmax, L->heads);
        if (L->d_in > INT64_MAX / hc) return cki_invalid(ctx, "layers", "layer %lld is too large", (long long)l);
        wdim = max64(wdim, L->d_in * hc);
    }
    gnn_run_t run = {ctx, cki_threads(ctx), 0, 3 * n_layers + 1};
    CK_TRY(run_poll(&run, 0.0));

    /* The attention result: one block holding the header, heads, pointers, src/dst and alphas. */
    if (attention) {
        size_t total = sizeof(ck_gat_attention_t) + (size_t)n_layers * (sizeof(ck_idx_t) + sizeof(double *));
        const size_t ur = (size_t)rows;
        if (ur > (SIZE_MAX - total) / (2 * sizeof(int64_t))) goto too_big;
        total += ur * 2 * sizeof(int64_t);
        for (ck_idx_t l = 0; l < n_layers; l++) {
            const size_t h = (size_t)layers[l].heads;
            if (ur > (SIZE_MAX - total) / sizeof(double) / h) goto too_big;
            total += ur * h * sizeof(double);
        }
        att = cki_malloc(ctx, total);
        if (!att) goto nomem;
        char *p = (char *)(att + 1);
        ck_idx_t *heads = (ck_idx_t *)p;
        p += (size_t)n_layers * sizeof(ck_idx_t);
        double **alpha = (double **)p;
        p += (size_t)n_layers * sizeof(double *);
        int64_t *src = (int64_t *)p, *dst = src + rows;
        double *a = (double *)(dst + rows);
        for (ck_idx_t l = 0; l < n_layers; l++) {
            heads[l] = layers[l].heads;
            alpha[l] = a;
            a += rows * layers[l].heads;
        }
        att->n_rows = rows;
        att->n_layers = n_layers;
        att->src = src;
        att->dst = dst;
        att->heads = heads;
        att->alpha = (const double *const *)alpha;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 256) num_threads(run.threads) if (rows >= GNN_PAR_MIN)
#endif
        for (int64_t v = 0; v < n; v++) {
            const int64_t lo = g->in_off[v], deg = g->in_off[v + 1] - lo, r0 = lo + self * v;
            const int64_t pos = self ? lower_bound_u32(g->in_adj + lo, deg, (uint32_t)v) : deg;
            for (int64_t j = 0; j < deg + self; j++) {
                src[r0 + j] = att_src_at(g->in_adj + lo, pos, self, j, (uint32_t)v);
                dst[r0 + j] = v;
            }
        }
    }
    if (n > 0) {
        buf[0] = alloc_matrix(ctx, n, wmax);
        buf[1] = alloc_matrix(ctx, n, wmax);
        b.z = alloc_matrix(ctx, n, hcmax);
        b.s_src = alloc_matrix(ctx, n, hmax);
        b.s_dst = alloc_matrix(ctx, n, hmax);
        wcat = alloc_matrix(ctx, 1, wdim);
        if (!attention) scratch = alloc_matrix(ctx, max64(rows, 1), hmax);
        if (!buf[0] || !buf[1] || !b.z || !b.s_src || !b.s_dst || !wcat || (!attention && !scratch)) goto nomem;
    }
    if (attention_received)
        for (int64_t u = 0; u < n; u++) attention_received[u] = 0.0;
    const double *cur = features;
    double *out = NULL, *alpha = NULL;
    for (ck_idx_t l = 0; l < n_layers && n > 0; l++) {
        const ck_gat_layer_t *L = &layers[l];
        const int64_t H = L->heads, C = L->d_out, HC = H * C, di = L->d_in, width = L->concat ? HC : C;
        out = buf[l & 1];
        alpha = attention ? (double *)att->alpha[l] : scratch;
        /* Z = X [W_0 | W_1 | ...]: one product for every head. */
        for (int64_t i = 0; i < di; i++)
            for (int64_t h = 0; h < H; h++)
                memcpy(wcat + i * HC + h * C, L->weight + (h * di + i) * C, (size_t)C * sizeof(double));
        CK_TRY(run_gemm(&run, b.z, cur, wcat, n, di, HC));
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(run.threads) if (n * HC >= GNN_PAR_MIN)
#endif
        for (int64_t u = 0; u < n; u++) {
            for (int64_t h = 0; h < H; h++) {
                const double *zu = b.z + u * HC + h * C, *as = L->att_src + h * C, *ad = L->att_dst + h * C;
                double ss = 0.0, sd = 0.0;
                for (int64_t k = 0; k < C; k++) {
                    ss += zu[k] * as[k];
                    sd += zu[k] * ad[k];
                }
                b.s_src[u * H + h] = ss;
                b.s_dst[u * H + h] = sd;
            }
        }
        for (int64_t v0 = 0; v0 < n; v0 += GNN_CHUNK) {
            const int64_t v1 = min64(n, v0 + GNN_CHUNK);
            gat_attend(out, alpha, &b, g, L, self, v0, v1, run.threads);
            CK_TRY(run_poll(&run, (double)v1 / (double)n));
        }
        run.step++;
        const ck_gnn_activation_t act = act_resolve(L->activation, l == n_layers - 1, CK_GNN_ACT_ELU);
        CK_TRY(finish_rows(&run, out, NULL, n, width, L->bias, false, act));
        run.step = 3 * (l + 1);
        cur = out;
    }
    if (n > 0) {
        memcpy(embeddings, out, (size_t)n * (size_t)wL * sizeof(double));
        if (attention_received) {
            /* Σ_v α_vu summed over heads, in row order (sequential: fixed order). */
            const int64_t H = layers[n_layers - 1].heads;
            for (int64_t v = 0; v < n; v++) {
                const int64_t lo = g->in_off[v], deg = g->in_off[v + 1] - lo, r0 = lo + self * v;
                const int64_t pos = self ? lower_bound_u32(g->in_adj + lo, deg, (uint32_t)v) : deg;
                for (int64_t j = 0; j < deg + self; j++) {
                    const double *a = alpha + (r0 + j) * H;
                    double s = 0.0;
                    for (int64_t h = 0; h < H; h++) s += a[h];
                    attention_received[att_src_at(g->in_adj + lo, pos, self, j, (uint32_t)v)] += s;
                }
            }
            for (int64_t u = 0; u < n; u++) attention_received[u] /= (double)H;
        }
    }
    CK_TRY(cki_poll(ctx, 1.0));
    if (attention) {
        *attention = att;
        att = NULL;
    }
    status = CK_OK;
    goto cleanup;
too_big:
    status = cki_invalid(ctx, "attention", "%lld rows are too many to return", (long long)rows);
    goto cleanup;
nomem:
    status = cki_nomem(ctx);
cleanup:
    cki_free(ctx, att);
    cki_free(ctx, buf[0]);
    cki_free(ctx, buf[1]);
    cki_free(ctx, wcat);
    cki_free(ctx, scratch);
    cki_free(ctx, b.z);
    cki_free(ctx, b.s_src);
    cki_free(ctx, b.s_dst);
    return status;
}
