/* Helpers for JSON binders: typed reads with field paths, output builders. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"

/* Paths longer than the buffer are truncated on purpose; the return value is checked only to
 * tell the compiler so. */
const char *cki_path_key(char *buf, size_t cap, const char *parent, const char *key)
{
    int n = parent && *parent ? snprintf(buf, cap, "%s.%s", parent, key) : snprintf(buf, cap, "%s", key);
    if (n < 0 && cap) buf[0] = '\0';
    return buf;
}

const char *cki_path_index(char *buf, size_t cap, const char *parent, size_t index)
{
    int n = snprintf(buf, cap, "%s[%zu]", parent ? parent : "", index);
    if (n < 0 && cap) buf[0] = '\0';
    return buf;
}

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

ck_status_t cki_json_real(ck_ctx_t *ctx, const json_t *v, const char *field, double *out)
{
    if (!v || !json_is_number(v))
        return cki_invalid(ctx, field, "expected a number, got %s", v ? json_type_name(v) : "nothing");
    double x = json_number_value(v);
    if (!isfinite(x)) return cki_invalid(ctx, field, "number is not finite");
    *out = x;
    return CK_OK;
}

ck_status_t cki_json_reals(ck_ctx_t *ctx, const json_t *arr, const char *field, double **out, ck_idx_t *n)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(arr)) return cki_invalid(ctx, field, "expected an array of numbers, got %s", json_type_name(arr));
    size_t len = json_array_size(arr);
    if (len == 0) return CK_OK;
    double *x = cki_mallocarray(ctx, len, sizeof *x);
    if (!x) return cki_nomem(ctx);
    for (size_t i = 0; i < len; i++) {
        const json_t *e = json_array_get(arr, i);
        if (!json_is_number(e) || !isfinite(json_number_value(e))) {
            char path[CKI_ERR_FIELD_MAX];
            cki_path_index(path, sizeof path, field, i);
            cki_free(ctx, x);
            if (!json_is_number(e)) return cki_invalid(ctx, path, "expected a number, got %s", json_type_name(e));
            return cki_invalid(ctx, path, "number is not finite");
        }
        x[i] = json_number_value(e);
    }
    *out = x;
    *n = (ck_idx_t)len;
    return CK_OK;
}

ck_status_t cki_json_ints(ck_ctx_t *ctx, const json_t *arr, const char *field, int64_t **out, ck_idx_t *n)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(arr)) return cki_invalid(ctx, field, "expected an array of integers, got %s", json_type_name(arr));
    size_t len = json_array_size(arr);
    if (len == 0) return CK_OK;
    int64_t *x = cki_mallocarray(ctx, len, sizeof *x);
    if (!x) return cki_nomem(ctx);
    for (size_t i = 0; i < len; i++) {
        const json_t *e = json_array_get(arr, i);
        if (!json_is_integer(e)) {
            char path[CKI_ERR_FIELD_MAX];
            cki_path_index(path, sizeof path, field, i);
            cki_free(ctx, x);
            return cki_invalid(ctx, path, "expected an integer, got %s", json_type_name(e));
        }
        x[i] = (int64_t)json_integer_value(e);
    }
    *out = x;
    *n = (ck_idx_t)len;
    return CK_OK;
}

void cki_matrix_free(ck_ctx_t *ctx, cki_matrix_t *m)
{
    if (!m) return;
    cki_free(ctx, m->data);
    m->data = NULL;
    m->n_rows = m->n_cols = 0;
}

/* Upper bound on matrix elements read from JSON: far beyond any JSON document we could hold,
 * and keeps n_rows*n_cols*8 well inside size_t. */
#define CKI_MATRIX_MAX_ELEMS ((ck_idx_t)1 << 40)

static ck_status_t matrix_from_object(ck_ctx_t *ctx, const json_t *v, const char *field, cki_matrix_t *out)
{
    char path[CKI_ERR_FIELD_MAX];
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)v, key, val) {
        if (strcmp(key, "n_rows") && strcmp(key, "n_cols") && strcmp(key, "data"))
            return cki_invalid(ctx, cki_path_key(path, sizeof path, field, key), "unknown field");
    }
    const json_t *jr = json_object_get(v, "n_rows"), *jc = json_object_get(v, "n_cols"),
                 *jd = json_object_get(v, "data");
    if (!jr) return cki_invalid(ctx, cki_path_key(path, sizeof path, field, "n_rows"), "missing required field");
    if (!jc) return cki_invalid(ctx, cki_path_key(path, sizeof path, field, "n_cols"), "missing required field");
    if (!jd) return cki_invalid(ctx, cki_path_key(path, sizeof path, field, "data"), "missing required field");
    if (!json_is_integer(jr) || json_integer_value(jr) < 0)
        return cki_invalid(ctx, cki_path_key(path, sizeof path, field, "n_rows"), "expected an integer >= 0");
    if (!json_is_integer(jc) || json_integer_value(jc) < 0)
        return cki_invalid(ctx, cki_path_key(path, sizeof path, field, "n_cols"), "expected an integer >= 0");
    ck_idx_t r = (ck_idx_t)json_integer_value(jr), c = (ck_idx_t)json_integer_value(jc);
    if (r > CKI_MATRIX_MAX_ELEMS || c > CKI_MATRIX_MAX_ELEMS || (c && r > CKI_MATRIX_MAX_ELEMS / c))
        return cki_invalid(ctx, cki_path_key(path, sizeof path, field, "n_rows"), "matrix too large");
    cki_path_key(path, sizeof path, field, "data");
    if (!json_is_array(jd)) return cki_invalid(ctx, path, "expected an array of numbers, got %s", json_type_name(jd));
    if ((ck_idx_t)json_array_size(jd) != r * c)
        return cki_invalid(ctx, path, "has %zu values, expected n_rows*n_cols = %lld", json_array_size(jd),
                           (long long)(r * c));
    ck_idx_t n;
    ck_status_t status = cki_json_reals(ctx, jd, path, &out->data, &n);
    if (CK_IS_ERROR(status)) return status;
    out->n_rows = r;
    out->n_cols = c;
    return CK_OK;
}

static ck_status_t matrix_from_rows(ck_ctx_t *ctx, const json_t *v, const char *field, cki_matrix_t *out)
{
    char path[CKI_ERR_FIELD_MAX];
    size_t r = json_array_size(v);
    size_t c = 0;
    for (size_t i = 0; i < r; i++) {
        const json_t *row = json_array_get(v, i);
        cki_path_index(path, sizeof path, field, i);
        if (!json_is_array(row)) return cki_invalid(ctx, path, "expected a row (array of numbers), got %s", json_type_name(row));
        if (i == 0) c = json_array_size(row);
        else if (json_array_size(row) != c)
            return cki_invalid(ctx, path, "row has %zu values, row 0 has %zu", json_array_size(row), c);
    }
    /* Rows with no columns have no data; the shape is r x 0. */
    double *data = NULL;
    if (r && c) {
        data = cki_mallocarray(ctx, r * c, sizeof *data);
        if (!data) return cki_nomem(ctx);
        for (size_t i = 0; i < r; i++) {
            const json_t *row = json_array_get(v, i);
            for (size_t j = 0; j < c; j++) {
                const json_t *e = json_array_get(row, j);
                if (!json_is_number(e) || !isfinite(json_number_value(e))) {
                    char rowpath[CKI_ERR_FIELD_MAX];
                    cki_path_index(rowpath, sizeof rowpath, field, i);
                    cki_path_index(path, sizeof path, rowpath, j);
                    cki_free(ctx, data);
                    if (!json_is_number(e)) return cki_invalid(ctx, path, "expected a number, got %s", json_type_name(e));
                    return cki_invalid(ctx, path, "number is not finite");
                }
                data[i * c + j] = json_number_value(e);
            }
        }
    }
    out->data = data;
    out->n_rows = (ck_idx_t)r;
    out->n_cols = (ck_idx_t)c;
    return CK_OK;
}

ck_status_t cki_json_matrix(ck_ctx_t *ctx, const json_t *v, const char *field, cki_matrix_t *out)
{
    out->data = NULL;
    out->n_rows = out->n_cols = 0;
    if (json_is_object(v)) return matrix_from_object(ctx, v, field, out);
    if (json_is_array(v)) return matrix_from_rows(ctx, v, field, out);
    return cki_invalid(ctx, field, "expected a matrix ({\"n_rows\", \"n_cols\", \"data\"} or an array of rows), got %s",
                       v ? json_type_name(v) : "nothing");
}

/* The shortest decimal text that reads back as `x` (at most 17 significant digits). */
static void shortest_decimal(char *buf, size_t cap, double x)
{
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, cap, "%.*g", p, x);
        if (strtod(buf, NULL) == x) return;
    }
}

ck_status_t cki_json_money(ck_ctx_t *ctx, const json_t *v, const char *field, ck_fixed128_t *out)
{
    char text[64];
    const char *s;
    size_t len;
    if (json_is_string(v)) {
        s = json_string_value(v);
        len = json_string_length(v);
    } else if (json_is_number(v)) {
        double x = json_number_value(v);
        if (!isfinite(x)) return cki_invalid(ctx, field, "amount is not finite");
        if (json_is_integer(v))
            snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        else
            shortest_decimal(text, sizeof text, x);
        s = text;
        len = strlen(text);
    } else {
        return cki_invalid(ctx, field, "expected a decimal amount (string or number), got %s", v ? json_type_name(v) : "nothing");
    }
    ck_status_t status = ck_fixed128_parse(out, s, len, CK_ROUND_HALF_EVEN);
    if (status == CK_E_OVERFLOW)
        return cki_invalid(ctx, field, "amount '%.40s' is outside the 128-bit fixed-point range (|x| < 1.7e20)", s);
    if (status) return cki_invalid(ctx, field, "'%.40s' is not a decimal amount", s);
    return CK_OK;
}

json_t *cki_json_money_new(ck_fixed128_t x)
{
    char buf[64];
    if (ck_fixed128_format(buf, sizeof buf, NULL, x, CK_FIXED_FORMAT_TRIM) != CK_OK) return NULL;
    return json_string(buf);
}

json_t *cki_json_real_new(double x) { return isfinite(x) ? json_real(x) : json_null(); }

json_t *cki_json_reals_new(const double *x, ck_idx_t n)
{
    json_t *arr = json_array();
    if (!arr) return NULL;
    for (ck_idx_t i = 0; i < n; i++) {
        if (json_array_append_new(arr, cki_json_real_new(x[i])) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

json_t *cki_json_matrix_new(const double *data, ck_idx_t n_rows, ck_idx_t n_cols)
{
    json_t *m = json_object();
    if (!m) return NULL;
    if (json_object_set_new(m, "n_rows", json_integer(n_rows)) || json_object_set_new(m, "n_cols", json_integer(n_cols)) ||
        json_object_set_new(m, "data", cki_json_reals_new(data, n_rows * n_cols))) {
        json_decref(m);
        return NULL;
    }
    return m;
}

ck_status_t cki_json_set(ck_ctx_t *ctx, json_t *obj, const char *key, json_t *value)
{
    /* json_object_set_new steals `value` even on failure (and fails on NULL). */
    if (!value || json_object_set_new(obj, key, value) != 0) return cki_nomem(ctx);
    return CK_OK;
}
