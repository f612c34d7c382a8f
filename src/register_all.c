/* ck_registry_register_all(): every domain's ck_<domain>_register(), in catalogue order.
 * Domains whose kernels have not landed yet register none (their register functions live here
 * until src/<domain>/register.c takes them over). */
#include "internal.h"

#define CKI_EMPTY_DOMAIN_(name)                                           \
    ck_status_t ck_##name##_register(ck_ctx_t *ctx, ck_registry_t *reg)   \
    {                                                                     \
        (void)ctx;                                                        \
        (void)reg;                                                        \
        return CK_OK;                                                     \
    }


CKI_EMPTY_DOMAIN_(ml)
CKI_EMPTY_DOMAIN_(compliance)
CKI_EMPTY_DOMAIN_(temporal)
CKI_EMPTY_DOMAIN_(risk)
CKI_EMPTY_DOMAIN_(banking)
CKI_EMPTY_DOMAIN_(behavioral)
CKI_EMPTY_DOMAIN_(procint)
CKI_EMPTY_DOMAIN_(clearing)
CKI_EMPTY_DOMAIN_(treasury)
CKI_EMPTY_DOMAIN_(accounting)
CKI_EMPTY_DOMAIN_(payments)
CKI_EMPTY_DOMAIN_(audit)

ck_status_t ck_registry_register_all(ck_ctx_t *ctx, ck_registry_t *reg)
{
    typedef ck_status_t (*register_fn)(ck_ctx_t *, ck_registry_t *);
    static const register_fn domains[CK_DOMAIN_COUNT] = {
        ck_core_register,     ck_graph_register,    ck_ml_register,         ck_compliance_register,
        ck_temporal_register, ck_risk_register,     ck_banking_register,    ck_behavioral_register,
        ck_orderbook_register, ck_procint_register, ck_clearing_register,   ck_treasury_register,
        ck_accounting_register, ck_payments_register, ck_audit_register,
    };
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!reg) return cki_invalid(ctx, NULL, "registry must not be NULL");
    for (int d = 0; d < CK_DOMAIN_COUNT; d++) {
        ck_status_t status = domains[d](ctx, reg);
        if (CK_IS_ERROR(status)) return status;
    }
    return CK_OK;
}
