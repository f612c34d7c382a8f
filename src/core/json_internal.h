/* CKernels — helpers for JSON binders (internal, prefix cki_json_). They read validated input
 * (types already checked against the parameter table) into typed buffers allocated through the
 * ctx allocator, and build output values. Every error names the field path, e.g. "a.data[5]". */
#ifndef CKERNELS_JSON_INTERNAL_H
#define CKERNELS_JSON_INTERNAL_H

#include <jansson.h>

#include "ckernels/fixed.h"
#include "internal.h"

/* A dense row-major matrix read from the `matrix` type. */
typedef struct cki_matrix {
    ck_idx_t n_rows, n_cols;
    double *data; /* n_rows*n_cols, ctx allocator; NULL when empty */
} cki_matrix_t;

/* Field path helper: writes "parent.child" or "parent[i]" into buf (truncated safely). */
const char *cki_path_key(char *buf, size_t cap, const char *parent, const char *key);
const char *cki_path_index(char *buf, size_t cap, const char *parent, size_t index);

/* A finite JSON number (integer or real) as double; error naming `field` otherwise. */
ck_status_t cki_json_real(ck_ctx_t *ctx, const json_t *v, const char *field, double *out);
/* An array of finite numbers → *out (n elements, NULL when n == 0). */
ck_status_t cki_json_reals(ck_ctx_t *ctx, const json_t *arr, const char *field, double **out, ck_idx_t *n);
/* An array of integers → *out. */
ck_status_t cki_json_ints(ck_ctx_t *ctx, const json_t *arr, const char *field, int64_t **out, ck_idx_t *n);
/* The `matrix` type: {"n_rows","n_cols","data"} or [[...],[...]] rows. */
ck_status_t cki_json_matrix(ck_ctx_t *ctx, const json_t *v, const char *field, cki_matrix_t *out);
void cki_matrix_free(ck_ctx_t *ctx, cki_matrix_t *m);

/* The `money` type: a decimal string (exact; digits beyond 18 decimals round half-even) or a JSON
 * number (taken as its shortest round-trip decimal form, so 0.1 is exactly 0.1). */
ck_status_t cki_json_money(ck_ctx_t *ctx, const json_t *v, const char *field, ck_fixed128_t *out);
/* Money as an exact decimal string ("1234.56", trailing zeros trimmed). */
json_t *cki_json_money_new(ck_fixed128_t x);

/* Output builders: NULL on allocation failure. Non-finite reals become JSON null. */
json_t *cki_json_real_new(double x);
json_t *cki_json_reals_new(const double *x, ck_idx_t n);
json_t *cki_json_matrix_new(const double *data, ck_idx_t n_rows, ck_idx_t n_cols);
/* json_object_set_new with the allocation check: takes ownership of `value` (also when NULL),
 * returns CK_E_NOMEM (message set) on failure. */
ck_status_t cki_json_set(ck_ctx_t *ctx, json_t *obj, const char *key, json_t *value);
/* Parse JSON text (any value; len (size_t)-1 = NUL-terminated), telling jansson's failed
 * allocations (CK_E_NOMEM) from syntax errors (CK_E_INVALID_INPUT under `field`, with line and
 * column). */
ck_status_t cki_json_parse(ck_ctx_t *ctx, const char *field, const char *text, size_t len, json_t **out);
/* The validator's type and range check of one present top-level field against its parameter
 * row (structured types shallowly; the binder's reader checks deeper). */
ck_status_t cki_json_check_param(ck_ctx_t *ctx, const ck_param_t *p, const json_t *v);

/* Append a formatted message to meta.warnings. Returns CK_E_NOMEM (message set) on failure. */
ck_status_t cki_run_warn(ck_ctx_t *ctx, ck_run_info_t *info, const char *fmt, ...) CKI_PRINTF(3, 4);

/* ck_execute_json_ex with a graph bound in place of the input's "graph" field (which must then be
 * absent). Used by ck_execute_json_graph. */
ck_status_t cki_execute_bound(ck_ctx_t *ctx, const ck_registry_t *reg, const char *id, const char *input, size_t len,
                              unsigned flags, const struct ck_graph *graph, char **output);

/* Batch entry for iterative kernels (set as their run_json): runs init, then step until
 * converged or the kernel's iteration limit (CK_NOT_CONVERGED then), then result. */
ck_status_t cki_run_iterative(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *input, json_t *output,
                              ck_run_info_t *info);

#endif
