/* The orderbook domain's registration: its kernel table. */
#include "orderbook_internal.h"

ck_status_t ck_orderbook_register(ck_ctx_t *ctx, ck_registry_t *reg)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    for (size_t i = 0; i < cki_orderbook_kernel_count; i++) {
        ck_status_t status = ck_registry_register(ctx, reg, &cki_orderbook_kernels[i]);
        if (CK_IS_ERROR(status)) return status;
    }
    return CK_OK;
}
