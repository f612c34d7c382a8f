/* Domains, modes and build information. */
#include <string.h>
#include <strings.h>

#include "ckernels/core.h"
#include "internal.h"

static const ck_domain_info_t domain_table[CK_DOMAIN_COUNT] = {
#define CKI_DOMAIN_ROW_(e, name, title, lo, hi) {e, name, title, lo, hi},
    CK_DOMAIN_LIST(CKI_DOMAIN_ROW_)
#undef CKI_DOMAIN_ROW_
};

const ck_domain_info_t *ck_domain_info(ck_domain_t domain)
{
    if ((int)domain < 0 || domain >= CK_DOMAIN_COUNT) return NULL;
    return &domain_table[domain];
}

ck_status_t ck_domain_parse(const char *name, ck_domain_t *domain)
{
    if (!name || !domain) return CK_E_INVALID_INPUT;
    for (int d = 0; d < CK_DOMAIN_COUNT; d++) {
        if (strcmp(domain_table[d].name, name) == 0) {
            *domain = (ck_domain_t)d;
            return CK_OK;
        }
    }
    return CK_E_NOT_FOUND;
}

ck_status_t ck_domain_of_ring_type(uint32_t type_id, ck_domain_t *domain)
{
    if (!domain) return CK_E_INVALID_INPUT;
    for (int d = 0; d < CK_DOMAIN_COUNT; d++) {
        if (type_id >= domain_table[d].ring_type_min && type_id <= domain_table[d].ring_type_max) {
            *domain = (ck_domain_t)d;
            return CK_OK;
        }
    }
    return CK_E_NOT_FOUND;
}

const char *ck_mode_name(ck_mode_t mode)
{
    switch (mode) {
    case CK_MODE_BATCH: return "batch";
    case CK_MODE_RING: return "ring";
    case CK_MODE_ITERATIVE: return "iterative";
    }
    return "unknown";
}

ck_status_t ck_mode_parse(const char *name, ck_mode_t *mode)
{
    static const ck_mode_t modes[] = {CK_MODE_BATCH, CK_MODE_RING, CK_MODE_ITERATIVE};
    if (!name || !mode) return CK_E_INVALID_INPUT;
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcasecmp(ck_mode_name(modes[i]), name) == 0) {
            *mode = modes[i];
            return CK_OK;
        }
    }
    return CK_E_NOT_FOUND;
}

const char *ck_version(void) { return CK_VERSION_STRING; }

bool ck_built_with_openmp(void)
{
#ifdef _OPENMP
    return true;
#else
    return false;
#endif
}
