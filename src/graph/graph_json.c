/* The JSON `graph` type (edge-list and CSR forms) and per-node array helpers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "graph_internal.h"

/* Re-issue ctx's current error with "graph." in front of its field path. */
static ck_status_t prefix_error(ck_ctx_t *ctx, ck_status_t status)
{
    if (status != CK_E_INVALID_INPUT || !ck_ctx_error_field(ctx)[0]) return status;
    char field[CKI_ERR_FIELD_MAX], msg[CKI_ERR_MSG_MAX];
    snprintf(field, sizeof field, "graph.%s", ck_ctx_error_field(ctx));
    snprintf(msg, sizeof msg, "%s", ck_ctx_error(ctx) + strlen(ck_ctx_error_field(ctx)) + 2);
    return cki_invalid(ctx, field, "%s", msg);
}

static ck_status_t read_edges(ck_ctx_t *ctx, const json_t *jg, uint32_t n, bool directed, ck_graph_t **out)
{
    char path[CKI_ERR_FIELD_MAX], sub[CKI_ERR_FIELD_MAX];
    const json_t *je = json_object_get(jg, "edges"), *jw = json_object_get(jg, "weights");
    if (!json_is_array(je)) return cki_invalid(ctx, "graph.edges", "expected an array of [u, v] pairs");
    size_t m = json_array_size(je);
    if (jw && !json_is_null(jw)) {
        if (!json_is_array(jw)) return cki_invalid(ctx, "graph.weights", "expected an array of numbers");
        if (json_array_size(jw) != m)
            return cki_invalid(ctx, "graph.weights", "has %zu values, expected one per edge (%zu)", json_array_size(jw), m);
    } else {
        jw = NULL;
    }
    cki_edges_t e = {0};
    ck_status_t status = CK_OK;
    e.src = cki_mallocarray(ctx, m, sizeof *e.src);
    e.dst = cki_mallocarray(ctx, m, sizeof *e.dst);
    if (jw) e.w = cki_mallocarray(ctx, m, sizeof *e.w);
    if (!e.src || !e.dst || (jw && !e.w)) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (size_t i = 0; i < m; i++) {
        const json_t *pair = json_array_get(je, i);
        cki_path_index(path, sizeof path, "graph.edges", i);
        if (!json_is_array(pair) || json_array_size(pair) != 2) {
            status = cki_invalid(ctx, path, "expected a pair [u, v]");
            goto cleanup;
        }
        uint32_t uv[2];
        for (size_t k = 0; k < 2; k++) {
            const json_t *x = json_array_get(pair, k);
            if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) >= (json_int_t)n) {
                cki_path_index(sub, sizeof sub, path, k);
                if (!json_is_integer(x)) status = cki_invalid(ctx, sub, "expected a node id (integer)");
                else status = cki_invalid(ctx, sub, "node %lld is out of range 0..%lld", (long long)json_integer_value(x), (long long)n - 1);
                goto cleanup;
            }
            uv[k] = (uint32_t)json_integer_value(x);
        }
        e.src[i] = uv[0];
        e.dst[i] = uv[1];
        if (jw) {
            const json_t *x = json_array_get(jw, i);
            cki_path_index(path, sizeof path, "graph.weights", i);
            if (!json_is_number(x)) {
                status = cki_invalid(ctx, path, "expected a number");
                goto cleanup;
            }
            double w = json_number_value(x);
            if (!isfinite(w) || w < 0) {
                status = cki_invalid(ctx, path, "weight %g must be finite and >= 0", w);
                goto cleanup;
            }
            e.w[i] = w;
        }
    }
    e.m = (int64_t)m;
    status = cki_graph_build(ctx, out, n, &e, directed, jw != NULL);
cleanup:
    cki_free(ctx, e.src);
    cki_free(ctx, e.dst);
    cki_free(ctx, e.w);
    return status;
}

static ck_status_t read_csr(ck_ctx_t *ctx, const json_t *jg, uint32_t n, bool directed, ck_graph_t **out)
{
    int64_t *off = NULL, *col = NULL;
    double *w = NULL;
    ck_idx_t n_off, n_col, n_w = 0;
    ck_status_t status;
    const json_t *jw = json_object_get(jg, "weights");
    CK_TRY(cki_json_ints(ctx, json_object_get(jg, "row_offsets"), "graph.row_offsets", &off, &n_off));
    CK_TRY(cki_json_ints(ctx, json_object_get(jg, "col_indices"), "graph.col_indices", &col, &n_col));
    if (jw && !json_is_null(jw)) CK_TRY(cki_json_reals(ctx, jw, "graph.weights", &w, &n_w));
    if (n_off != (ck_idx_t)n + 1) {
        status = cki_invalid(ctx, "graph.row_offsets", "has %lld values, expected num_nodes + 1 = %lld", (long long)n_off,
                             (long long)n + 1);
        goto cleanup;
    }
    if (off[n] != n_col) {
        status = cki_invalid(ctx, "graph.row_offsets", "last offset %lld must equal the length of col_indices (%lld)",
                             (long long)off[n], (long long)n_col);
        goto cleanup;
    }
    if (w && n_w != n_col) {
        status = cki_invalid(ctx, "graph.weights", "has %lld values, expected one per column index (%lld)", (long long)n_w,
                             (long long)n_col);
        goto cleanup;
    }
    status = prefix_error(ctx, ck_graph_create_csr(out, ctx, n, off, col, w, directed));
cleanup:
    cki_free(ctx, off);
    cki_free(ctx, col);
    cki_free(ctx, w);
    return status;
}

ck_status_t cki_json_graph(ck_ctx_t *ctx, const json_t *input, ck_run_info_t *info, const ck_graph_t **g,
                           ck_graph_t **owned)
{
    *g = NULL;
    *owned = NULL;
    ck_status_t status;
    if (info && info->bound_graph) {
        *g = info->bound_graph;
    } else {
        const json_t *jg = json_object_get(input, "graph");
        if (!json_is_object(jg)) return cki_invalid(ctx, "graph", "expected a graph object");
        static const char *const keys[] = {"num_nodes", "edges", "weights", "directed", "row_offsets", "col_indices"};
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)jg, key, val) {
            bool known = false;
            for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) known |= strcmp(key, keys[i]) == 0;
            if (!known) {
                char path[CKI_ERR_FIELD_MAX];
                return cki_invalid(ctx, cki_path_key(path, sizeof path, "graph", key), "unknown field");
            }
        }
        const json_t *jn = json_object_get(jg, "num_nodes"), *jd = json_object_get(jg, "directed");
        if (!jn) return cki_invalid(ctx, "graph.num_nodes", "missing required field");
        if (!json_is_integer(jn) || json_integer_value(jn) < 0 || json_integer_value(jn) > CK_GRAPH_MAX_NODES)
            return cki_invalid(ctx, "graph.num_nodes", "expected an integer in 0..%lld", (long long)CK_GRAPH_MAX_NODES);
        if (jd && !json_is_boolean(jd)) return cki_invalid(ctx, "graph.directed", "expected a boolean");
        uint32_t n = (uint32_t)json_integer_value(jn);
        bool directed = jd && json_is_true(jd);
        bool has_edges = json_object_get(jg, "edges") != NULL;
        bool has_csr = json_object_get(jg, "row_offsets") || json_object_get(jg, "col_indices");
        if (has_edges && has_csr)
            return cki_invalid(ctx, "graph", "give either edges or row_offsets + col_indices, not both");
        if (has_csr) status = read_csr(ctx, jg, n, directed, owned);
        else if (has_edges) status = read_edges(ctx, jg, n, directed, owned);
        else return cki_invalid(ctx, "graph.edges", "missing: give edges (possibly []) or row_offsets + col_indices");
        if (status) return status;
        *g = *owned;
    }
    if (info && (*g)->self_loops > 0) {
        status = cki_run_warn(ctx, info, "graph: %lld self-loop%s dropped", (long long)(*g)->self_loops,
                              (*g)->self_loops == 1 ? "" : "s");
        if (status) {
            ck_graph_destroy(owned);
            *g = NULL;
            return status;
        }
    }
    return CK_OK;
}

ck_status_t cki_json_node_reals(ck_ctx_t *ctx, const json_t *input, const char *field, ck_idx_t n, double min,
                                bool positive_sum, double **out)
{
    *out = NULL;
    const json_t *v = json_object_get(input, field);
    if (!v || json_is_null(v)) return CK_OK;
    double *x;
    ck_idx_t len;
    ck_status_t status = cki_json_reals(ctx, v, field, &x, &len);
    if (status) return status;
    if (len != n) {
        cki_free(ctx, x);
        return cki_invalid(ctx, field, "has %lld values, expected one per node (%lld)", (long long)len, (long long)n);
    }
    double sum = 0;
    for (ck_idx_t i = 0; i < n; i++) {
        if (x[i] < min) {
            char path[CKI_ERR_FIELD_MAX];
            status = cki_invalid(ctx, cki_path_index(path, sizeof path, field, (size_t)i), "%g is below %g", x[i], min);
            cki_free(ctx, x);
            return status;
        }
        sum += x[i];
    }
    if (positive_sum && n > 0 && !(sum > 0)) {
        cki_free(ctx, x);
        return cki_invalid(ctx, field, "must have a positive sum");
    }
    *out = x;
    return CK_OK;
}

json_t *cki_json_uints_new(const uint32_t *x, ck_idx_t n)
{
    json_t *arr = json_array();
    for (ck_idx_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_integer(x[i]))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

json_t *cki_json_int64s_new(const int64_t *x, ck_idx_t n)
{
    json_t *arr = json_array();
    for (ck_idx_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_integer(x[i]))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

ck_status_t ck_execute_json_graph(ck_ctx_t *ctx, const ck_registry_t *reg, const char *id, const char *input,
                                  size_t len, const ck_graph_t *graph, unsigned flags, char **output)
{
    if (ctx && !graph) return cki_invalid(ctx, "graph", "must not be NULL");
    return cki_execute_bound(ctx, reg, id, input, len, flags, graph, output);
}
