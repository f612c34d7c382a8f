/* CKernels — the execution context.
 *
 * A ck_ctx_t carries everything a kernel call needs besides its data: the last error (message
 * with the input field path), allocator hooks, thread count, backend choice, RNG seed, a cancel
 * flag and a progress callback, and the license in force. There is no global state: two contexts
 * never interact, and one context must not be used by two threads at once, except for
 * ck_ctx_cancel(), which any thread may call at any time. */
#ifndef CKERNELS_CTX_H
#define CKERNELS_CTX_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "ckernels/export.h"
#include "ckernels/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_ctx ck_ctx_t;
typedef struct ck_license ck_license_t;

/* Allocator hooks. Every allocation the library makes for a call goes through these (jansson's
 * own allocations go through jansson's hooks). `user` is passed back unchanged. A NULL return
 * from malloc/realloc makes the call fail with CK_E_NOMEM. */
typedef struct ck_allocator {
    void *(*malloc_fn)(size_t size, void *user);
    void *(*realloc_fn)(void *ptr, size_t size, void *user);
    void (*free_fn)(void *ptr, void *user);
    void *user;
} ck_allocator_t;

typedef enum ck_backend {
    CK_BACKEND_AUTO = 0, /* GPU where a device exists and the kernel's predicate accepts, else CPU */
    CK_BACKEND_CPU = 1,
    CK_BACKEND_CUDA = 2 /* force the GPU path; fails with CK_E_NO_DEVICE when there is none */
} ck_backend_t;

/* Progress callback: `fraction` in [0, 1] of the current kernel's work. Long kernels call it at
 * least every ~100 ms of work. Runs on the calling thread; cancel with ck_ctx_cancel(). */
typedef void (*ck_progress_fn)(void *user, const char *kernel_id, double fraction);

/* Create a context. `alloc` may be NULL for the C library's malloc/realloc/free; it is copied.
 * Defaults: threads = 0 (OpenMP's default), backend auto, seed 42, development license. */
CK_API ck_status_t ck_ctx_create(ck_ctx_t **ctx, const ck_allocator_t *alloc);
/* Destroy and set *ctx to NULL. NULL and *ctx == NULL are no-ops. */
CK_API void ck_ctx_destroy(ck_ctx_t **ctx);

/* The last error's message, "" when none: "field.path: what is wrong" where the error is about an
 * input field, else just the message. Valid until the next call that uses the context. */
CK_API const char *ck_ctx_error(const ck_ctx_t *ctx);
/* The field path of the last error ("edges[17][1]"), "" when the error is not about a field. */
CK_API const char *ck_ctx_error_field(const ck_ctx_t *ctx);
/* The status of the last error, CK_OK when none. */
CK_API ck_status_t ck_ctx_error_status(const ck_ctx_t *ctx);
CK_API void ck_ctx_clear_error(ck_ctx_t *ctx);

/* Threads for parallel kernels; 0 = OpenMP's default. Negative values are rejected. */
CK_API ck_status_t ck_ctx_set_threads(ck_ctx_t *ctx, int threads);
CK_API int ck_ctx_threads(const ck_ctx_t *ctx);
CK_API ck_status_t ck_ctx_set_backend(ck_ctx_t *ctx, ck_backend_t backend);
CK_API ck_backend_t ck_ctx_backend(const ck_ctx_t *ctx);
CK_API const char *ck_backend_name(ck_backend_t backend);
/* Parse "auto" | "cpu" | "cuda". */
CK_API ck_status_t ck_backend_parse(const char *name, ck_backend_t *backend);
CK_API void ck_ctx_set_seed(ck_ctx_t *ctx, uint64_t seed);
CK_API uint64_t ck_ctx_seed(const ck_ctx_t *ctx);
CK_API void ck_ctx_set_progress(ck_ctx_t *ctx, ck_progress_fn fn, void *user);

/* Ask the call in progress on this context to stop; it returns CK_E_CANCELLED soon after.
 * Thread-safe and async-signal-safe. The flag stays set until ck_ctx_reset_cancel(). */
CK_API void ck_ctx_cancel(ck_ctx_t *ctx);
CK_API void ck_ctx_reset_cancel(ck_ctx_t *ctx);
CK_API bool ck_ctx_cancelled(const ck_ctx_t *ctx);

/* The license in force for registration and execution. The context keeps its own copy;
 * NULL restores the development license. See license.h. */
CK_API ck_status_t ck_ctx_set_license(ck_ctx_t *ctx, const ck_license_t *license);
CK_API const ck_license_t *ck_ctx_license(const ck_ctx_t *ctx);

/* Which backend ran the last kernel call on this context (CK_BACKEND_CPU or CK_BACKEND_CUDA). */
CK_API ck_backend_t ck_ctx_last_backend(const ck_ctx_t *ctx);

/* Refuse any single allocation larger than `bytes` (0 = no limit, the default): the call then fails
 * with CK_E_NOMEM and a message naming the size. Services that run untrusted JSON set it, so that
 * an input such as a 4 x 0 by 0 x 10^11 matrix product fails at once instead of asking the system
 * for terabytes (or, with overcommit, being killed while it zeroes them). */
CK_API void ck_ctx_set_alloc_limit(ck_ctx_t *ctx, size_t bytes);
CK_API size_t ck_ctx_alloc_limit(const ck_ctx_t *ctx);

/* Memory owned by the caller but allocated by the library through this context's allocator
 * (e.g. the output text of ck_execute_json) is released with ck_ctx_free. NULL is a no-op. */
CK_API void *ck_ctx_malloc(ck_ctx_t *ctx, size_t size);
CK_API void ck_ctx_free(ck_ctx_t *ctx, void *ptr);

#ifdef __cplusplus
}
#endif
#endif
