/* CKernels — JSON execution: the type-erased entry every interface (CLI, REST, bindings) uses. */
#ifndef CKERNELS_JSON_H
#define CKERNELS_JSON_H

#include "ckernels/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Run kernel `id` on `input` (JSON text, `len` bytes; NUL-terminated text may pass len = (size_t)-1).
 * The input is validated against the kernel's parameter table first: malformed JSON (with line and
 * column), unknown fields, wrong types, out-of-range values and missing required fields are each
 * CK_E_INVALID_INPUT with the field path on ctx. On success *output is the result object as JSON
 * text with the "meta" block (kernel, backend, threads, elapsed_us, and iterations/converged for
 * iterative kernels), allocated through ctx's allocator: free it with ck_ctx_free(ctx, *output).
 * On failure *output is NULL. Positive statuses (CK_NOT_CONVERGED) come with an output. */
CK_API ck_status_t ck_execute_json(ck_ctx_t *ctx, const ck_registry_t *reg, const char *id,
                                   const char *input, size_t len, char **output);

/* Flags for the output text. */
#define CK_JSON_COMPACT 0u
#define CK_JSON_INDENT 1u
/* As ck_execute_json, choosing the output layout. */
CK_API ck_status_t ck_execute_json_ex(ck_ctx_t *ctx, const ck_registry_t *reg, const char *id,
                                      const char *input, size_t len, unsigned flags, char **output);

/* Validate `input` against kernel `id`'s parameter table without running it. */
CK_API ck_status_t ck_validate_json(ck_ctx_t *ctx, const ck_registry_t *reg, const char *id,
                                    const char *input, size_t len);

/* ---------------------------------------------------------------- iterative execution */

typedef struct ck_iteration ck_iteration_t;

/* Start an iterative kernel on `input`: validates, then runs its init. */
CK_API ck_status_t ck_iteration_begin(ck_ctx_t *ctx, const ck_registry_t *reg, const char *id,
                                      const char *input, size_t len, ck_iteration_t **it);
/* One step; *delta (may be NULL) receives the step's change measure. CK_E_STATE after the
 * iteration limit. */
CK_API ck_status_t ck_iteration_step(ck_iteration_t *it, double *delta);
CK_API bool ck_iteration_converged(const ck_iteration_t *it);
CK_API int64_t ck_iteration_count(const ck_iteration_t *it);
/* The current result as JSON text (with "meta"), allocated through the ctx allocator. Valid at
 * any point; returns CK_NOT_CONVERGED with the output when not converged yet. */
CK_API ck_status_t ck_iteration_result(ck_iteration_t *it, char **output);
CK_API void ck_iteration_destroy(ck_iteration_t **it);

#ifdef __cplusplus
}
#endif
#endif
