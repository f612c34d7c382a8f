/* Fuzz target: ck_execute_json and ck_validate_json on arbitrary bytes for every kernel. */
#include <stdlib.h>
#include <string.h>

#include "ckernels.h"
#include "fuzz.h"

int ck_fuzz_execute_json(const uint8_t *data, size_t size)
{
    ck_ctx_t *ctx = NULL;
    ck_registry_t *reg = NULL;
    if (ck_ctx_create(&ctx, NULL) != CK_OK) return 0;
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
