/* graph/gnn-inference and graph/graph-attention: JSON binders, parameter tables and the family's
 * kernel table. The computation is in gnn.c. */
#include <stdio.h>
#include <string.h>

#include "graph_internal.h"

#define N_(arr) (sizeof(arr) / sizeof((arr)[0]))

/* ---------------------------------------------------------------- layer-object readers */

/* Rejects keys of `obj` not in `keys`, naming "path.key". */
static ck_status_t check_keys(ck_ctx_t *ctx, const json_t *obj, const char *path, const char *const *keys, size_t nk)
{
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)obj, key, val) {
        bool known = false;
        for (size_t i = 0; i < nk && !known; i++) known = strcmp(key, keys[i]) == 0;
        if (!known) {
            char f[CKI_ERR_FIELD_MAX];
            return cki_invalid(ctx, cki_path_key(f, sizeof f, path, key), "unknown field");
        }
    }
    return CK_OK;
}

/* A string field from `names` (index into *out); absent or null leaves *out unchanged unless
 * required. */
static ck_status_t get_choice(ck_ctx_t *ctx, const json_t *obj, const char *path, const char *key,
                              const char *const *names, size_t count, const char *choices, bool required, int *out)
{
    char f[CKI_ERR_FIELD_MAX];
    cki_path_key(f, sizeof f, path, key);
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return required ? cki_invalid(ctx, f, "missing required field") : CK_OK;
    if (!json_is_string(v)) return cki_invalid(ctx, f, "expected a string (one of %s)", choices);
    for (size_t i = 0; i < count; i++)
        if (strcmp(json_string_value(v), names[i]) == 0) {
            *out = (int)i;
            return CK_OK;
        }
    return cki_invalid(ctx, f, "'%.64s' is not one of %s", json_string_value(v), choices);
}

static ck_status_t get_bool(ck_ctx_t *ctx, const json_t *obj, const char *path, const char *key, bool *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return CK_OK;
    if (!json_is_boolean(v)) {
        char f[CKI_ERR_FIELD_MAX];
        return cki_invalid(ctx, cki_path_key(f, sizeof f, path, key), "expected a boolean");
    }
    *out = json_is_true(v);
    return CK_OK;
}

/* Activation names in ck_gnn_activation_t order, from CK_GNN_ACT_NONE. */
static const char *const act_names[] = {"none", "relu", "leaky_relu", "elu", "sigmoid", "tanh"};
#define ACT_CHOICES "none|relu|leaky_relu|elu|sigmoid|tanh"

static ck_status_t get_activation(ck_ctx_t *ctx, const json_t *obj, const char *path, ck_gnn_activation_t *out)
{
    int a = -1;
    ck_status_t status = get_choice(ctx, obj, path, "activation", act_names, N_(act_names), ACT_CHOICES, false, &a);
    *out = a < 0 ? CK_GNN_ACT_DEFAULT : (ck_gnn_activation_t)(CK_GNN_ACT_NONE + a);
    return status;
}

/* An optional real array of exactly `len` values (NULL when absent or null). */
static ck_status_t get_vector(ck_ctx_t *ctx, const json_t *obj, const char *path, const char *key, ck_idx_t len,
                              const char *what, double **out)
{
    char f[CKI_ERR_FIELD_MAX];
    cki_path_key(f, sizeof f, path, key);
    *out = NULL;
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return CK_OK;
    if (!json_is_array(v)) return cki_invalid(ctx, f, "expected an array of numbers");
    ck_idx_t n;
    ck_status_t status = cki_json_reals(ctx, v, f, out, &n);
    if (status) return status;
    if (n != len) {
        cki_free(ctx, *out);
        *out = NULL;
        return cki_invalid(ctx, f, "has %lld values, expected %s = %lld", (long long)n, what, (long long)len);
    }
    return CK_OK;
}

/* A required matrix field. */
static ck_status_t get_matrix(ck_ctx_t *ctx, const json_t *obj, const char *path, const char *key, cki_matrix_t *m)
{
    char f[CKI_ERR_FIELD_MAX];
    cki_path_key(f, sizeof f, path, key);
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return cki_invalid(ctx, f, "missing required field");
    return cki_json_matrix(ctx, v, f, m);
}

/* The shared inputs: graph (caller destroys *owned), features (n rows), the layers array. */
static ck_status_t read_common(ck_ctx_t *ctx, const json_t *in, ck_run_info_t *info, const ck_graph_t **g,
                               ck_graph_t **owned, cki_matrix_t *features, size_t *n_layers)
{
    ck_status_t status = cki_json_graph(ctx, in, info, g, owned);
    if (status) return status;
    status = cki_json_matrix(ctx, json_object_get(in, "features"), "features", features);
    if (status) return status;
    if (features->n_rows != (ck_idx_t)(*g)->n)
        return cki_invalid(ctx, "features", "has %lld rows, expected one per node (%lld)", (long long)features->n_rows,
                           (long long)(*g)->n);
    *n_layers = json_array_size(json_object_get(in, "layers"));
    if (*n_layers == 0) return cki_invalid(ctx, "layers", "must have at least one layer");
    return CK_OK;
}

/* The i-th layer object, with its path. */
static ck_status_t layer_object(ck_ctx_t *ctx, const json_t *in, size_t i, char *path, size_t cap, const json_t **obj)
{
    cki_path_index(path, cap, "layers", i);
    *obj = json_array_get(json_object_get(in, "layers"), i);
    if (!json_is_object(*obj)) return cki_invalid(ctx, path, "expected a layer object");
    return CK_OK;
}

/* n rows of d reals. */
static json_t *rows_new(const double *x, ck_idx_t n, ck_idx_t d)
{
    json_t *arr = json_array();
    for (ck_idx_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, cki_json_reals_new(x + i * d, d))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

/* ---------------------------------------------------------------- graph/gnn-inference */

static const ck_param_t gnn_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "features", .type = CK_PT_MATRIX, .required = true,
     .doc = "node features, n x d0 ({n_rows, n_cols, data} or an array of rows)"},
    {.name = "layers", .type = CK_PT_ARRAY, .required = true,
     .doc = "[{type: gcn|sage|dense (required), weight: matrix d_in x d_out (required), weight_neigh: d_in x d_out "
            "(sage only, required there), bias: [d_out] (default 0), activation: " ACT_CHOICES
            " (default relu, none on the last layer), aggregator: mean|sum|max (sage only, default mean), "
            "l2_normalize: bool (sage only, default false)}]; dimensions must chain"},
    {.name = "readout", .type = CK_PT_ENUM, .default_json = "\"none\"", .choices = "none|softmax|sigmoid",
     .doc = "softmax: row-wise probabilities and argmax predictions (lowest index wins ties); sigmoid: element-wise "
            "probabilities"},
    {.name = "graph_pooling", .type = CK_PT_ENUM, .default_json = "\"none\"", .choices = "none|mean|sum|max",
     .doc = "adds graph_embedding, the pooled final embeddings"},
    {.name = "use_weights", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "gcn layers use edge weights as strengths (sage and dense ignore them)"},
};
static const ck_param_t gnn_outputs[] = {
    {.name = "embeddings", .type = CK_PT_MATRIX, .doc = "n rows of d_L values: the last layer's output"},
    {.name = "probabilities", .type = CK_PT_MATRIX, .doc = "n rows of d_L values (softmax or sigmoid readout)"},
    {.name = "predictions", .type = CK_PT_INT_ARRAY, .doc = "per node, the argmax class (softmax readout)"},
    {.name = "graph_embedding", .type = CK_PT_REAL_ARRAY, .doc = "[d_L] pooled over the nodes (with graph_pooling)"},
};

static const char *const gnn_type_names[] = {"gcn", "sage", "dense"};
static const char *const agg_names[] = {"mean", "sum", "max"};
static const char *const readout_names[] = {"none", "softmax", "sigmoid"};
static const char *const pooling_names[] = {"none", "mean", "sum", "max"};

static ck_status_t gnn_read_layer(ck_ctx_t *ctx, const json_t *in, size_t i, ck_gnn_layer_t *L, cki_matrix_t *w,
                                  cki_matrix_t *wn, double **bias)
{
    static const char *const keys[] = {"type", "weight", "weight_neigh", "bias", "activation", "aggregator",
                                       "l2_normalize"};
    char path[CKI_ERR_FIELD_MAX], f[CKI_ERR_FIELD_MAX];
    const json_t *lj;
    ck_status_t status;
    ck_gnn_layer_init(L);
    CK_TRY(layer_object(ctx, in, i, path, sizeof path, &lj));
    CK_TRY(check_keys(ctx, lj, path, keys, N_(keys)));
    int type = 0;
    CK_TRY(get_choice(ctx, lj, path, "type", gnn_type_names, N_(gnn_type_names), "gcn|sage|dense", true, &type));
    L->type = (ck_gnn_layer_type_t)type;
    CK_TRY(get_matrix(ctx, lj, path, "weight", w));
    L->d_in = w->n_rows;
    L->d_out = w->n_cols;
    L->weight = w->data;
    const bool sage = L->type == CK_GNN_SAGE;
    static const char *const sage_only[] = {"weight_neigh", "aggregator", "l2_normalize"};
    for (size_t k = 0; k < N_(sage_only) && !sage; k++)
        if (json_object_get(lj, sage_only[k]))
            return cki_invalid(ctx, cki_path_key(f, sizeof f, path, sage_only[k]), "applies only to sage layers");
    if (sage) {
        CK_TRY(get_matrix(ctx, lj, path, "weight_neigh", wn));
        if (wn->n_rows != w->n_rows || wn->n_cols != w->n_cols)
            return cki_invalid(ctx, cki_path_key(f, sizeof f, path, "weight_neigh"),
                               "is %lld x %lld, expected %lld x %lld (the shape of weight)", (long long)wn->n_rows,
                               (long long)wn->n_cols, (long long)w->n_rows, (long long)w->n_cols);
        L->weight_neigh = wn->data;
        int agg = 0;
        CK_TRY(get_choice(ctx, lj, path, "aggregator", agg_names, N_(agg_names), "mean|sum|max", false, &agg));
        L->aggregator = (ck_gnn_aggregator_t)agg;
        CK_TRY(get_bool(ctx, lj, path, "l2_normalize", &L->l2_normalize));
    }
    CK_TRY(get_vector(ctx, lj, path, "bias", L->d_out, "d_out (the columns of weight)", bias));
    L->bias = *bias;
    CK_TRY(get_activation(ctx, lj, path, &L->activation));
cleanup:
    return status;
}

static ck_status_t gnn_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out, ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g = NULL;
    ck_graph_t *owned = NULL;
    cki_matrix_t features = {0};
    ck_gnn_layer_t *layers = NULL;
    cki_matrix_t *mats = NULL;
    double **biases = NULL, *emb = NULL, *prob = NULL, *gemb = NULL;
    int64_t *pred = NULL;
    size_t L = 0;
    ck_status_t status;
    CK_TRY(read_common(ctx, in, info, &g, &owned, &features, &L));
    layers = cki_calloc(ctx, L, sizeof *layers);
    mats = cki_calloc(ctx, 2 * L, sizeof *mats);
    biases = cki_calloc(ctx, L, sizeof *biases);
    if (!layers || !mats || !biases) goto nomem;
    for (size_t i = 0; i < L; i++) CK_TRY(gnn_read_layer(ctx, in, i, &layers[i], &mats[2 * i], &mats[2 * i + 1], &biases[i]));

    ck_gnn_inference_options_t o;
    ck_gnn_inference_options_init(&o);
    int choice = 0;
    CK_TRY(get_choice(ctx, in, "", "readout", readout_names, N_(readout_names), "none|softmax|sigmoid", false, &choice));
    o.readout = (ck_gnn_readout_t)choice;
    choice = 0;
    CK_TRY(get_choice(ctx, in, "", "graph_pooling", pooling_names, N_(pooling_names), "none|mean|sum|max", false, &choice));
    o.graph_pooling = (ck_gnn_pooling_t)choice;
    o.use_weights = json_is_true(json_object_get(in, "use_weights"));

    const ck_idx_t n = g->n, dL = layers[L - 1].d_out;
    if (n > 0 && dL > 0) {
        emb = cki_mallocarray(ctx, (size_t)n, (size_t)dL * sizeof(double));
        if (!emb) goto nomem;
        if (o.readout != CK_GNN_READOUT_NONE && !(prob = cki_mallocarray(ctx, (size_t)n, (size_t)dL * sizeof(double))))
            goto nomem;
        if (o.readout == CK_GNN_READOUT_SOFTMAX && !(pred = cki_mallocarray(ctx, (size_t)n, sizeof *pred))) goto nomem;
    }
    if (o.graph_pooling != CK_GNN_POOL_NONE && dL > 0 && !(gemb = cki_mallocarray(ctx, (size_t)dL, sizeof *gemb)))
        goto nomem;
    CK_TRY(ck_gnn_inference(ctx, emb, prob, pred, gemb, g, features.data, features.n_cols, layers, (ck_idx_t)L, &o));
    CK_TRY(cki_json_set(ctx, out, "embeddings", rows_new(emb, n, dL)));
    if (o.readout != CK_GNN_READOUT_NONE) CK_TRY(cki_json_set(ctx, out, "probabilities", rows_new(prob, n, dL)));
    if (o.readout == CK_GNN_READOUT_SOFTMAX) CK_TRY(cki_json_set(ctx, out, "predictions", cki_json_int64s_new(pred, n)));
    if (o.graph_pooling != CK_GNN_POOL_NONE) CK_TRY(cki_json_set(ctx, out, "graph_embedding", cki_json_reals_new(gemb, dL)));
    goto cleanup;
nomem:
    status = cki_nomem(ctx);
cleanup:
    for (size_t i = 0; mats && i < 2 * L; i++) cki_matrix_free(ctx, &mats[i]);
    for (size_t i = 0; biases && i < L; i++) cki_free(ctx, biases[i]);
    cki_free(ctx, mats);
    cki_free(ctx, biases);
    cki_free(ctx, layers);
    cki_free(ctx, emb);
    cki_free(ctx, prob);
    cki_free(ctx, pred);
    cki_free(ctx, gemb);
    cki_matrix_free(ctx, &features);
    ck_graph_destroy(&owned);
    return status;
}

/* ---------------------------------------------------------------- graph/graph-attention */

static const ck_param_t gat_params[] = {
    CKI_GRAPH_PARAM,
    {.name = "features", .type = CK_PT_MATRIX, .required = true,
     .doc = "node features, n x d0 ({n_rows, n_cols, data} or an array of rows)"},
    {.name = "layers", .type = CK_PT_ARRAY, .required = true,
     .doc = "[{heads (required, 1..4096), weight: [heads] matrices d_in x d_out (required), att_src: [heads][d_out] "
            "(required), att_dst: [heads][d_out] (required), bias: [heads*d_out] or [d_out] when concat is false "
            "(default 0), concat: bool (default true), negative_slope: real >= 0 (default 0.2), activation: " ACT_CHOICES
            " (default elu, none on the last layer)}]; dimensions must chain"},
    {.name = "add_self_loops", .type = CK_PT_BOOL, .default_json = "true",
     .doc = "each node also attends to itself"},
    {.name = "return_attention", .type = CK_PT_BOOL, .default_json = "false",
     .doc = "adds attention: per layer, rows [src, dst, alpha per head] sorted by (dst, src)"},
};
static const ck_param_t gat_outputs[] = {
    {.name = "embeddings", .type = CK_PT_MATRIX, .doc = "n rows: the last layer's output (heads*d_out or d_out wide)"},
    {.name = "attention", .type = CK_PT_ARRAY,
     .doc = "with return_attention: per layer, rows [src, dst, alpha_0, ..., alpha_{heads-1}] sorted by (dst, src)"},
    {.name = "attention_received", .type = CK_PT_REAL_ARRAY,
     .doc = "per node u, the mean over heads of the sum of alpha over u's out-arcs (last layer)"},
};

/* Per layer: the weight block, att_src, att_dst and bias (4 owned arrays). */
static ck_status_t gat_read_layer(ck_ctx_t *ctx, const json_t *in, size_t i, ck_gat_layer_t *L, double **own)
{
    static const char *const keys[] = {"heads", "weight", "att_src", "att_dst", "bias", "concat", "negative_slope",
                                       "activation"};
    char path[CKI_ERR_FIELD_MAX], f[CKI_ERR_FIELD_MAX], fh[CKI_ERR_FIELD_MAX];
    const json_t *lj, *v;
    cki_matrix_t m = {0};
    ck_status_t status;
    ck_gat_layer_init(L);
    CK_TRY(layer_object(ctx, in, i, path, sizeof path, &lj));
    CK_TRY(check_keys(ctx, lj, path, keys, N_(keys)));

    cki_path_key(f, sizeof f, path, "heads");
    v = json_object_get(lj, "heads");
    if (!v || json_is_null(v)) return cki_invalid(ctx, f, "missing required field");
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > CK_GAT_MAX_HEADS)
        return cki_invalid(ctx, f, "expected an integer in 1..%d", CK_GAT_MAX_HEADS);
    const ck_idx_t H = (ck_idx_t)json_integer_value(v);
    L->heads = H;

    CK_TRY(get_bool(ctx, lj, path, "concat", &L->concat));
    cki_path_key(f, sizeof f, path, "negative_slope");
    v = json_object_get(lj, "negative_slope");
    if (v && !json_is_null(v)) {
        CK_TRY(cki_json_real(ctx, v, f, &L->negative_slope));
        if (L->negative_slope < 0) return cki_invalid(ctx, f, "must be >= 0, got %g", L->negative_slope);
    }
    CK_TRY(get_activation(ctx, lj, path, &L->activation));

    cki_path_key(f, sizeof f, path, "weight");
    v = json_object_get(lj, "weight");
    if (!v || json_is_null(v)) return cki_invalid(ctx, f, "missing required field");
    if (!json_is_array(v)) return cki_invalid(ctx, f, "expected an array of %lld matrices (one per head)", (long long)H);
    if ((ck_idx_t)json_array_size(v) != H)
        return cki_invalid(ctx, f, "has %zu matrices, expected heads = %lld", json_array_size(v), (long long)H);
    for (ck_idx_t h = 0; h < H; h++) {
        cki_path_index(fh, sizeof fh, f, (size_t)h);
        CK_TRY(cki_json_matrix(ctx, json_array_get(v, (size_t)h), fh, &m));
        if (h == 0) {
            if (m.n_rows < 1 || m.n_cols < 1) {
                status = cki_invalid(ctx, fh, "must have at least one row and one column, got %lld x %lld",
                                     (long long)m.n_rows, (long long)m.n_cols);
                goto cleanup;
            }
            L->d_in = m.n_rows;
            L->d_out = m.n_cols;
            if ((size_t)m.n_rows * (size_t)m.n_cols > SIZE_MAX / sizeof(double) / (size_t)H ||
                !(own[0] = cki_malloc(ctx, (size_t)H * (size_t)m.n_rows * (size_t)m.n_cols * sizeof(double)))) {
                status = cki_nomem(ctx);
                goto cleanup;
            }
        } else if (m.n_rows != L->d_in || m.n_cols != L->d_out) {
            status = cki_invalid(ctx, fh, "is %lld x %lld, weight[0] is %lld x %lld", (long long)m.n_rows,
                                 (long long)m.n_cols, (long long)L->d_in, (long long)L->d_out);
            goto cleanup;
        }
        memcpy(own[0] + h * L->d_in * L->d_out, m.data, (size_t)(L->d_in * L->d_out) * sizeof(double));
        cki_matrix_free(ctx, &m);
    }
    L->weight = own[0];

    static const char *const att_keys[] = {"att_src", "att_dst"};
    for (int a = 0; a < 2; a++) {
        cki_path_key(f, sizeof f, path, att_keys[a]);
        v = json_object_get(lj, att_keys[a]);
        if (!v || json_is_null(v)) return cki_invalid(ctx, f, "missing required field");
        if (!json_is_array(v) || (ck_idx_t)json_array_size(v) != H)
            return cki_invalid(ctx, f, "expected an array of heads = %lld vectors of d_out = %lld values", (long long)H,
                               (long long)L->d_out);
        if (!(own[1 + a] = cki_mallocarray(ctx, (size_t)(H * L->d_out), sizeof(double)))) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        for (ck_idx_t h = 0; h < H; h++) {
            cki_path_index(fh, sizeof fh, f, (size_t)h);
            double *x = NULL;
            ck_idx_t len;
            const json_t *row = json_array_get(v, (size_t)h);
            if (!json_is_array(row)) return cki_invalid(ctx, fh, "expected an array of d_out = %lld numbers", (long long)L->d_out);
            CK_TRY(cki_json_reals(ctx, row, fh, &x, &len));
            if (len != L->d_out) {
                cki_free(ctx, x);
                return cki_invalid(ctx, fh, "has %lld values, expected d_out = %lld", (long long)len, (long long)L->d_out);
            }
            memcpy(own[1 + a] + h * L->d_out, x, (size_t)len * sizeof(double));
            cki_free(ctx, x);
        }
    }
    L->att_src = own[1];
    L->att_dst = own[2];
    CK_TRY(get_vector(ctx, lj, path, "bias", L->concat ? H * L->d_out : L->d_out,
                      L->concat ? "heads*d_out" : "d_out (concat is false)", &own[3]));
    L->bias = own[3];
cleanup:
    cki_matrix_free(ctx, &m);
    return status;
}

/* Per layer, rows [src, dst, alpha per head]. */
static json_t *attention_new(const ck_gat_attention_t *a)
{
    json_t *layers = json_array();
    for (ck_idx_t l = 0; layers && l < a->n_layers; l++) {
        json_t *rows = json_array();
        const ck_idx_t H = a->heads[l];
        for (ck_idx_t r = 0; rows && r < a->n_rows; r++) {
            json_t *row = json_array();
            bool bad = !row || json_array_append_new(row, json_integer(a->src[r])) ||
                       json_array_append_new(row, json_integer(a->dst[r]));
            for (ck_idx_t h = 0; !bad && h < H; h++) bad = json_array_append_new(row, cki_json_real_new(a->alpha[l][r * H + h]));
            if (bad || json_array_append_new(rows, row)) {
                if (bad) json_decref(row);
                json_decref(rows);
                rows = NULL;
            }
        }
        if (json_array_append_new(layers, rows)) {
            json_decref(layers);
            layers = NULL;
        }
    }
    return layers;
}

static ck_status_t gat_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out, ck_run_info_t *info)
{
    (void)k;
    const ck_graph_t *g = NULL;
    ck_graph_t *owned = NULL;
    cki_matrix_t features = {0};
    ck_gat_layer_t *layers = NULL;
    double **own = NULL, *emb = NULL, *recv = NULL;
    ck_gat_attention_t *att = NULL;
    size_t L = 0;
    ck_status_t status;
    CK_TRY(read_common(ctx, in, info, &g, &owned, &features, &L));
    layers = cki_calloc(ctx, L, sizeof *layers);
    own = cki_calloc(ctx, 4 * L, sizeof *own);
    if (!layers || !own) goto nomem;
    for (size_t i = 0; i < L; i++) CK_TRY(gat_read_layer(ctx, in, i, &layers[i], own + 4 * i));
    ck_graph_attention_options_t o;
    ck_graph_attention_options_init(&o);
    o.add_self_loops = json_is_true(json_object_get(in, "add_self_loops"));
    const bool want_att = json_is_true(json_object_get(in, "return_attention"));

    const ck_gat_layer_t *last = &layers[L - 1];
    const ck_idx_t n = g->n, wL = last->concat ? last->heads * last->d_out : last->d_out;
    if (n > 0) {
        emb = cki_mallocarray(ctx, (size_t)n, (size_t)wL * sizeof(double));
        recv = cki_mallocarray(ctx, (size_t)n, sizeof(double));
        if (!emb || !recv) goto nomem;
    }
    CK_TRY(ck_graph_attention(ctx, emb, recv, want_att ? &att : NULL, g, features.data, features.n_cols, layers,
                              (ck_idx_t)L, &o));
    CK_TRY(cki_json_set(ctx, out, "embeddings", rows_new(emb, n, wL)));
    if (want_att) CK_TRY(cki_json_set(ctx, out, "attention", attention_new(att)));
    CK_TRY(cki_json_set(ctx, out, "attention_received", cki_json_reals_new(recv, n)));
    goto cleanup;
nomem:
    status = cki_nomem(ctx);
cleanup:
    for (size_t i = 0; own && i < 4 * L; i++) cki_free(ctx, own[i]);
    cki_free(ctx, own);
    cki_free(ctx, layers);
    cki_free(ctx, emb);
    cki_free(ctx, recv);
    cki_free(ctx, att);
    cki_matrix_free(ctx, &features);
    ck_graph_destroy(&owned);
    return status;
}

/* ---------------------------------------------------------------- table */

static const ck_kernel_t gnn_kernels[] = {
    {
        .meta = {.id = "graph/gnn-inference",
                 .modes = CK_MODE_BATCH,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "GCN / GraphSAGE / dense forward pass with caller-supplied weights (inference)",
                 .expected_throughput = 200000000,
                 .target_latency_us = 200.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = gnn_params, .n_params = N_(gnn_params),
        .outputs = gnn_outputs, .n_outputs = N_(gnn_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 4, \"edges\": [[0, 1], [1, 2], [2, 0], [2, 3]]},"
                         " \"features\": [[1, 0], [0, 1], [1, 1], [0.5, -0.5]],"
                         " \"layers\": [{\"type\": \"gcn\", \"weight\": [[0.5, -0.2, 0.1], [0.3, 0.8, -0.4]],"
                         " \"bias\": [0.1, 0, -0.1]},"
                         " {\"type\": \"sage\", \"weight\": [[1, 0], [0, 1], [0.5, 0.5]],"
                         " \"weight_neigh\": [[0.2, -0.1], [0.4, 0.3], [-0.5, 0.6]], \"aggregator\": \"mean\"}],"
                         " \"readout\": \"softmax\", \"graph_pooling\": \"mean\", \"use_weights\": true}",
        .run_json = gnn_json,
    },
    {
        .meta = {.id = "graph/graph-attention",
                 .modes = CK_MODE_BATCH,
                 .domain = CK_DOMAIN_GRAPH,
                 .description = "GAT (v1) forward pass with caller-supplied weights: multi-head attention over "
                                "in-neighbours, as PyG GATConv",
                 .expected_throughput = 100000000,
                 .target_latency_us = 200.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = gat_params, .n_params = N_(gat_params),
        .outputs = gat_outputs, .n_outputs = N_(gat_outputs),
        .example_input = "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2]]},"
                         " \"features\": [[1, 0], [0, 1], [1, 1]],"
                         " \"layers\": [{\"heads\": 2, \"weight\": [[[1, 0], [0, 1]], [[0.5, 0.5], [-0.5, 0.5]]],"
                         " \"att_src\": [[0.3, -0.2], [0.1, 0.4]], \"att_dst\": [[0.2, 0.2], [-0.3, 0.1]],"
                         " \"concat\": false}]}",
        .run_json = gat_json,
    },
};

const cki_kernel_table_t cki_graph_gnn_table = {gnn_kernels, N_(gnn_kernels)};
