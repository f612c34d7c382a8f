/* Fuzz target: ck_execute_json and ck_validate_json on arbitrary bytes for every kernel. */
#include <jansson.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ckernels.h"
#include "fuzz.h"

/* A memory budget over everything one input makes the library allocate, through the context's
 * hooks and jansson's, as a service would impose: an input whose output would need gigabytes
 * (a valid 4 x 0 by 0 x 6444444 product, say: 26 M numbers, ~1.5 GB as JSON values) must end in
 * CK_E_NOMEM, not in an out-of-memory kill. A size header lets free() give the bytes back. */
#define BUDGET ((size_t)256 << 20)
typedef union header { size_t size; max_align_t align; } header_t;
static atomic_size_t live_bytes; /* harness state, not the library's */

static void *budget_malloc(size_t size)
{
    if (size > BUDGET - sizeof(header_t)) return NULL;
    size_t before = atomic_fetch_add(&live_bytes, size);
    header_t *h = before + size <= BUDGET ? malloc(sizeof *h + size) : NULL;
    if (!h) {
        atomic_fetch_sub(&live_bytes, size);
        return NULL;
    }
    h->size = size;
    return h + 1;
}

static void budget_free(void *p)
{
    if (!p) return;
    header_t *h = (header_t *)p - 1;
    atomic_fetch_sub(&live_bytes, h->size);
    free(h);
}

static void *budget_realloc(void *p, size_t size)
{
    if (!p) return budget_malloc(size);
    size_t old = ((header_t *)p - 1)->size;
    void *q = budget_malloc(size);
    if (!q) return NULL;
    memcpy(q, p, old < size ? old : size);
    budget_free(p);
    return q;
}

static void *hook_malloc(size_t n, void *u) { (void)u; return budget_malloc(n); }
static void *hook_realloc(void *p, size_t n, void *u) { (void)u; return budget_realloc(p, n); }
static void hook_free(void *p, void *u) { (void)u; budget_free(p); }
static const ck_allocator_t budget_alloc = {hook_malloc, hook_realloc, hook_free, NULL};

int ck_fuzz_execute_json(const uint8_t *data, size_t size)
{
    ck_ctx_t *ctx = NULL;
    ck_registry_t *reg = NULL;
    json_set_alloc_funcs(budget_malloc, budget_free); /* same functions every call: never mixed */
    if (ck_ctx_create(&ctx, &budget_alloc) != CK_OK) return 0;
    ck_ctx_set_threads(ctx, 1);
    if (ck_registry_create(&reg, ctx) == CK_OK && ck_registry_register_all(ctx, reg) == CK_OK && size > 0) {
        const ck_kernel_t *k = ck_registry_at(reg, data[0] % ck_registry_count(reg));
        const char *text = (const char *)data + 1;
        char *out = NULL;
        ck_status_t s = ck_execute_json(ctx, reg, k->meta.id, text, size - 1, &out);
        /* Contract: output exactly when the status is not an error, and an error message otherwise. */
        if (CK_IS_ERROR(s) != (out == NULL)) abort();
        if (CK_IS_ERROR(s) && ck_ctx_error(ctx)[0] == '\0') abort();
        ck_ctx_free(ctx, out);
        ck_status_t v = ck_validate_json(ctx, reg, k->meta.id, text, size - 1);
        if (!CK_IS_ERROR(s) && v != CK_OK) abort(); /* what ran must validate */
    }
    ck_registry_destroy(&reg);
    ck_ctx_destroy(&ctx);
    return 0;
}

#ifdef CK_FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return ck_fuzz_execute_json(data, size); }
#endif
