/* CKernels — internal helpers shared by the library's translation units (prefix cki_).
 * Never installed. */
#ifndef CKERNELS_INTERNAL_H
#define CKERNELS_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "ckernels/core.h"
#include "ckernels/ctx.h"
#include "ckernels/registry.h"

#define CKI_ERR_FIELD_MAX 256
#define CKI_ERR_MSG_MAX 1024

struct ck_ctx {
    ck_allocator_t alloc;
    size_t alloc_limit;         /* largest single allocation allowed; 0 = no limit */
    size_t alloc_refused;       /* size of the last allocation refused by alloc_limit, for the message */
    int threads;
    ck_backend_t backend;
    ck_backend_t last_backend;  /* set by kernels: which backend ran */
    uint64_t seed;
    ck_progress_fn progress;
    void *progress_user;
    const char *kernel_id;      /* kernel being run, for progress reports */
    int64_t progress_last_ns;   /* rate limit for progress callbacks */
    atomic_bool cancel;
    ck_license_t *license;      /* owned copy; NULL = development license */
    ck_status_t err_status;
    char err_field[CKI_ERR_FIELD_MAX];
    char err_msg[CKI_ERR_MSG_MAX]; /* "field: message" or "message" */
};

/* ---- allocation through the context's hooks. All return NULL on failure (and on size
 * overflow); none sets the error message: callers use cki_nomem(). */
void *cki_malloc(ck_ctx_t *ctx, size_t size);
void *cki_calloc(ck_ctx_t *ctx, size_t n, size_t size);       /* zeroed, overflow-checked */
void *cki_mallocarray(ck_ctx_t *ctx, size_t n, size_t size);  /* overflow-checked */
void *cki_realloc(ck_ctx_t *ctx, void *ptr, size_t size);
void cki_free(ck_ctx_t *ctx, void *ptr);
char *cki_strdup(ck_ctx_t *ctx, const char *s);

/* ---- errors. Each sets ctx's error and returns `status`, so `return cki_error(...)` reads well.
 * `field` may be NULL or "" when the error is not about an input field. */
#if defined(__GNUC__)
#define CKI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CKI_PRINTF(a, b)
#endif
ck_status_t cki_error(ck_ctx_t *ctx, ck_status_t status, const char *field, const char *fmt, ...)
    CKI_PRINTF(4, 5);
ck_status_t cki_verror(ck_ctx_t *ctx, ck_status_t status, const char *field, const char *fmt, va_list ap)
    CKI_PRINTF(4, 0);
/* CK_E_NOMEM with a standard message. */
ck_status_t cki_nomem(ck_ctx_t *ctx);
/* Shorthand for CK_E_INVALID_INPUT about `field`. */
#define cki_invalid(ctx, field, ...) cki_error((ctx), CK_E_INVALID_INPUT, (field), __VA_ARGS__)

/* ---- cancellation and progress. Kernels call cki_poll() between chunks of work (it is cheap:
 * an atomic load and, at most every ~50 ms, a clock read and the callback). Returns
 * CK_E_CANCELLED (with the message set) once ck_ctx_cancel() was called, else CK_OK. */
ck_status_t cki_poll(ck_ctx_t *ctx, double fraction);
int64_t cki_now_ns(void);   /* monotonic clock */

/* Threads for an OpenMP region: ctx's setting, or the OpenMP default when 0. */
int cki_threads(const ck_ctx_t *ctx);

/* ---- ring.c: the table-driven CRC32C (slicing-by-8), which ck_crc32c uses where the CPU has no
 * crc32 instruction; exposed so that tests compare both paths. */
uint32_t cki_crc32c_portable(uint32_t crc, const void *data, size_t n);

/* ---- licensing (license.c) */
/* Whether the license in force on ctx permits running/registering `kernel` at time `now`
 * (Unix seconds). Sets ctx's error (CK_E_LICENSE, naming the kernel and the reason) when not. */
ck_status_t cki_license_permits(ck_ctx_t *ctx, const ck_kernel_t *kernel, int64_t now);
/* Copy a license (flat struct) into memory from ctx's allocator; NULL source gives NULL. */
ck_status_t cki_license_copy(ck_ctx_t *ctx, const ck_license_t *src, ck_license_t **dst);

/* ---- cleanup pattern: owned pointers start NULL; on error `goto cleanup`. */
#define CK_TRY(expr)                      \
    do {                                  \
        status = (expr);                  \
        if (CK_IS_ERROR(status)) goto cleanup; \
    } while (0)

/* The value of a hex digit (0-9, a-f, A-F), -1 for any other character. */
static inline int cki_hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Return the status of `expr` at once when it is an error (for functions without cleanup). */
#define CK_TRY_RET(expr)                        \
    do {                                        \
        ck_status_t try_ret_ = (expr);          \
        if (CK_IS_ERROR(try_ret_)) return try_ret_; \
    } while (0)

#define CKI_UNUSED(x) ((void)(x))

/* OpenMP pragmas that vanish in builds without OpenMP: CKI_OMP(omp parallel for ...). */
#ifdef _OPENMP
#define CKI_OMP(...) _Pragma(#__VA_ARGS__)
#else
#define CKI_OMP(...)
#endif

#endif
