/* The execution context: allocator hooks, errors, threads, backend, seed, cancel, progress. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "internal.h"

static void *default_malloc(size_t size, void *user) { (void)user; return malloc(size); }
static void *default_realloc(void *ptr, size_t size, void *user) { (void)user; return realloc(ptr, size); }
static void default_free(void *ptr, void *user) { (void)user; free(ptr); }

ck_status_t ck_ctx_create(ck_ctx_t **out, const ck_allocator_t *alloc)
{
    if (!out) return CK_E_INVALID_INPUT;
    *out = NULL;
    ck_allocator_t a = {default_malloc, default_realloc, default_free, NULL};
    if (alloc) {
        if (!alloc->malloc_fn || !alloc->realloc_fn || !alloc->free_fn) return CK_E_INVALID_INPUT;
        a = *alloc;
    }
    ck_ctx_t *ctx = a.malloc_fn(sizeof *ctx, a.user);
    if (!ctx) return CK_E_NOMEM;
    memset(ctx, 0, sizeof *ctx);
    ctx->alloc = a;
    ctx->threads = 0;
    ctx->backend = CK_BACKEND_AUTO;
    ctx->last_backend = CK_BACKEND_CPU;
    ctx->seed = 42;
    atomic_init(&ctx->cancel, false);
    ctx->err_status = CK_OK;
    *out = ctx;
    return CK_OK;
}

void ck_ctx_destroy(ck_ctx_t **pctx)
{
    if (!pctx || !*pctx) return;
    ck_ctx_t *ctx = *pctx;
    ck_allocator_t a = ctx->alloc;
    if (ctx->license) a.free_fn(ctx->license, a.user);
    a.free_fn(ctx, a.user);
    *pctx = NULL;
}

const char *ck_ctx_error(const ck_ctx_t *ctx) { return ctx ? ctx->err_msg : ""; }
const char *ck_ctx_error_field(const ck_ctx_t *ctx) { return ctx ? ctx->err_field : ""; }
ck_status_t ck_ctx_error_status(const ck_ctx_t *ctx) { return ctx ? ctx->err_status : CK_E_INVALID_INPUT; }

void ck_ctx_clear_error(ck_ctx_t *ctx)
{
    if (!ctx) return;
    ctx->alloc_refused = 0;
    ctx->err_status = CK_OK;
    ctx->err_field[0] = '\0';
    ctx->err_msg[0] = '\0';
}

ck_status_t ck_ctx_set_threads(ck_ctx_t *ctx, int threads)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (threads < 0) return cki_invalid(ctx, "threads", "must be >= 0 (0 = default), got %d", threads);
    ctx->threads = threads;
    return CK_OK;
}
int ck_ctx_threads(const ck_ctx_t *ctx) { return ctx ? ctx->threads : 0; }

ck_status_t ck_ctx_set_backend(ck_ctx_t *ctx, ck_backend_t backend)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (backend != CK_BACKEND_AUTO && backend != CK_BACKEND_CPU && backend != CK_BACKEND_CUDA)
        return cki_invalid(ctx, "backend", "unknown backend %d", (int)backend);
    ctx->backend = backend;
    return CK_OK;
}
ck_backend_t ck_ctx_backend(const ck_ctx_t *ctx) { return ctx ? ctx->backend : CK_BACKEND_AUTO; }
ck_backend_t ck_ctx_last_backend(const ck_ctx_t *ctx) { return ctx ? ctx->last_backend : CK_BACKEND_CPU; }

const char *ck_backend_name(ck_backend_t backend)
{
    switch (backend) {
    case CK_BACKEND_AUTO: return "auto";
    case CK_BACKEND_CPU: return "cpu";
    case CK_BACKEND_CUDA: return "cuda";
    }
    return "unknown";
}

ck_status_t ck_backend_parse(const char *name, ck_backend_t *backend)
{
    if (!name || !backend) return CK_E_INVALID_INPUT;
    for (int b = CK_BACKEND_AUTO; b <= CK_BACKEND_CUDA; b++) {
        if (strcmp(ck_backend_name((ck_backend_t)b), name) == 0) {
            *backend = (ck_backend_t)b;
            return CK_OK;
        }
    }
    return CK_E_NOT_FOUND;
}

void ck_ctx_set_seed(ck_ctx_t *ctx, uint64_t seed) { if (ctx) ctx->seed = seed; }
uint64_t ck_ctx_seed(const ck_ctx_t *ctx) { return ctx ? ctx->seed : 42; }

void ck_ctx_set_progress(ck_ctx_t *ctx, ck_progress_fn fn, void *user)
{
    if (!ctx) return;
    ctx->progress = fn;
    ctx->progress_user = user;
}

void ck_ctx_cancel(ck_ctx_t *ctx) { if (ctx) atomic_store_explicit(&ctx->cancel, true, memory_order_release); }
void ck_ctx_reset_cancel(ck_ctx_t *ctx) { if (ctx) atomic_store_explicit(&ctx->cancel, false, memory_order_release); }
bool ck_ctx_cancelled(const ck_ctx_t *ctx)
{
    return ctx && atomic_load_explicit(&((ck_ctx_t *)ctx)->cancel, memory_order_acquire);
}

ck_status_t ck_ctx_set_license(ck_ctx_t *ctx, const ck_license_t *license)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ck_license_t *copy = NULL;
    ck_status_t status = cki_license_copy(ctx, license, &copy);
    if (CK_IS_ERROR(status)) return status;
    cki_free(ctx, ctx->license);
    ctx->license = copy;
    return CK_OK;
}
const ck_license_t *ck_ctx_license(const ck_ctx_t *ctx) { return ctx ? ctx->license : NULL; }

void *ck_ctx_malloc(ck_ctx_t *ctx, size_t size) { return ctx ? cki_malloc(ctx, size) : NULL; }
void ck_ctx_free(ck_ctx_t *ctx, void *ptr) { if (ctx) cki_free(ctx, ptr); }

/* ---------------------------------------------------------------- internal */

void ck_ctx_set_alloc_limit(ck_ctx_t *ctx, size_t bytes) { if (ctx) ctx->alloc_limit = bytes; }
size_t ck_ctx_alloc_limit(const ck_ctx_t *ctx) { return ctx ? ctx->alloc_limit : 0; }

static bool over_limit(ck_ctx_t *ctx, size_t size)
{
    if (!ctx->alloc_limit || size <= ctx->alloc_limit) return false;
    ctx->alloc_refused = size;
    return true;
}

void *cki_malloc(ck_ctx_t *ctx, size_t size)
{
    if (over_limit(ctx, size)) return NULL;
    return ctx->alloc.malloc_fn(size ? size : 1, ctx->alloc.user);
}

void *cki_mallocarray(ck_ctx_t *ctx, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    return cki_malloc(ctx, n * size);
}

void *cki_calloc(ck_ctx_t *ctx, size_t n, size_t size)
{
    void *p = cki_mallocarray(ctx, n, size);
    if (p) memset(p, 0, n * size);
    return p;
}

void *cki_realloc(ck_ctx_t *ctx, void *ptr, size_t size)
{
    if (over_limit(ctx, size)) return NULL;
    return ctx->alloc.realloc_fn(ptr, size ? size : 1, ctx->alloc.user);
}

void cki_free(ck_ctx_t *ctx, void *ptr)
{
    if (ptr) ctx->alloc.free_fn(ptr, ctx->alloc.user);
}

char *cki_strdup(ck_ctx_t *ctx, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = cki_malloc(ctx, n);
    if (d) memcpy(d, s, n);
    return d;
}

ck_status_t cki_verror(ck_ctx_t *ctx, ck_status_t status, const char *field, const char *fmt, va_list ap)
{
    if (!ctx) return status;
    ctx->err_status = status;
    snprintf(ctx->err_field, sizeof ctx->err_field, "%s", field ? field : "");
    /* "field: message"; the field part is bounded by err_field's size, so the message always fits. */
    int off = 0;
    if (ctx->err_field[0]) off = snprintf(ctx->err_msg, sizeof ctx->err_msg, "%s: ", ctx->err_field);
    vsnprintf(ctx->err_msg + off, sizeof ctx->err_msg - (size_t)off, fmt, ap);
    return status;
}

ck_status_t cki_error(ck_ctx_t *ctx, ck_status_t status, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cki_verror(ctx, status, field, fmt, ap);
    va_end(ap);
    return status;
}

ck_status_t cki_nomem(ck_ctx_t *ctx)
{
    size_t refused = ctx->alloc_refused;
    ctx->alloc_refused = 0;
    if (refused)
        return cki_error(ctx, CK_E_NOMEM, NULL, "out of memory: an allocation of %zu bytes exceeds the context's limit of %zu",
                         refused, ctx->alloc_limit);
    return cki_error(ctx, CK_E_NOMEM, NULL, "out of memory");
}

int64_t cki_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#define CKI_PROGRESS_INTERVAL_NS 50000000 /* 50 ms: well inside the promised ~100 ms */

ck_status_t cki_poll(ck_ctx_t *ctx, double fraction)
{
    if (atomic_load_explicit(&ctx->cancel, memory_order_acquire))
        return cki_error(ctx, CK_E_CANCELLED, NULL, "%s: cancelled", ctx->kernel_id ? ctx->kernel_id : "call");
    if (ctx->progress) {
        int64_t now = cki_now_ns();
        if (fraction >= 1.0 || now - ctx->progress_last_ns >= CKI_PROGRESS_INTERVAL_NS) {
            ctx->progress_last_ns = now;
            ctx->progress(ctx->progress_user, ctx->kernel_id ? ctx->kernel_id : "", fraction);
        }
    }
    return CK_OK;
}

int cki_threads(const ck_ctx_t *ctx)
{
    if (ctx->threads > 0) return ctx->threads;
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}
