/* CKernels — core types: indices, domains, execution modes and kernel metadata. */
#ifndef CKERNELS_CORE_H
#define CKERNELS_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "ckernels/export.h"
#include "ckernels/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CK_VERSION_MAJOR 0
#define CK_VERSION_MINOR 1
#define CK_VERSION_PATCH 0
#define CK_VERSION_STRING "0.1.0"

/* Indices and counts at the API are always 64-bit. */
typedef int64_t ck_idx_t;

/* The core plus the 14 business domains of the seed, with their ring message type-id ranges.
 * The order is the order of the seed's catalogue and is part of the ABI (license bitmasks use it). */
#define CK_DOMAIN_LIST(X)                                                            \
    /*  enum                   name          title                        ring ids */ \
    X(CK_DOMAIN_CORE,        "core",       "Core",                         100,  199) \
    X(CK_DOMAIN_GRAPH,       "graph",      "Graph analytics",              200,  299) \
    X(CK_DOMAIN_ML,          "ml",         "Statistical ML",               700,  799) \
    X(CK_DOMAIN_COMPLIANCE,  "compliance", "Compliance (AML/KYC)",         300,  399) \
    X(CK_DOMAIN_TEMPORAL,    "temporal",   "Temporal analysis",            400,  499) \
    X(CK_DOMAIN_RISK,        "risk",       "Risk analytics",               600,  699) \
    X(CK_DOMAIN_BANKING,     "banking",    "Banking",                      800,  899) \
    X(CK_DOMAIN_BEHAVIORAL,  "behavioral", "Behavioral analytics",         900,  999) \
    X(CK_DOMAIN_ORDERBOOK,   "orderbook",  "Order matching",               500,  599) \
    X(CK_DOMAIN_PROCINT,     "procint",    "Process intelligence",        1000, 1099) \
    X(CK_DOMAIN_CLEARING,    "clearing",   "Clearing and settlement",     1100, 1199) \
    X(CK_DOMAIN_TREASURY,    "treasury",   "Treasury",                    1200, 1299) \
    X(CK_DOMAIN_ACCOUNTING,  "accounting", "Accounting",                  1300, 1399) \
    X(CK_DOMAIN_PAYMENTS,    "payments",   "Payments",                    1400, 1499) \
    X(CK_DOMAIN_AUDIT,       "audit",      "Audit",                       1500, 1599)

typedef enum ck_domain {
#define CK_DOMAIN_ENUM_(e, name, title, lo, hi) e,
    CK_DOMAIN_LIST(CK_DOMAIN_ENUM_)
#undef CK_DOMAIN_ENUM_
    CK_DOMAIN_COUNT
} ck_domain_t;

/* Ring type ids 0..99 are runtime control messages (start, stop, heartbeat, barrier, snapshot). */
#define CK_RING_CONTROL_MIN 0
#define CK_RING_CONTROL_MAX 99

typedef struct ck_domain_desc {
    ck_domain_t domain;
    const char *name;  /* "graph" — the prefix of kernel ids */
    const char *title; /* "Graph analytics" */
    uint32_t ring_type_min, ring_type_max;
} ck_domain_info_t;

/* Info for a domain; NULL for a value out of range. */
CK_API const ck_domain_info_t *ck_domain_info(ck_domain_t domain);
/* Domain by name ("graph"); CK_E_NOT_FOUND if none. */
CK_API ck_status_t ck_domain_parse(const char *name, ck_domain_t *domain);
/* The domain whose ring range holds `type_id`; CK_E_NOT_FOUND for control ids and unassigned ids. */
CK_API ck_status_t ck_domain_of_ring_type(uint32_t type_id, ck_domain_t *domain);

/* Execution modes, as a bit set: a kernel may offer several. */
typedef enum ck_mode {
    CK_MODE_BATCH = 1u << 0,     /* CPU-orchestrated call: input in, output out */
    CK_MODE_RING = 1u << 1,      /* persistent actor answering typed messages */
    CK_MODE_ITERATIVE = 1u << 2  /* init / step / converged / result */
} ck_mode_t;

CK_API const char *ck_mode_name(ck_mode_t mode);
/* Parse "batch" | "ring" | "iterative". */
CK_API ck_status_t ck_mode_parse(const char *name, ck_mode_t *mode);

/* Kernel metadata: the seed's KernelMetadata fields. */
typedef struct ck_kernel_meta {
    const char *id;              /* "domain/kebab-name" */
    unsigned modes;              /* bit set of ck_mode_t */
    ck_domain_t domain;
    const char *description;
    uint64_t expected_throughput; /* operations (elements, edges, messages) per second, 1 thread */
    double target_latency_us;
    bool requires_gpu_native;
    uint32_t version;
} ck_kernel_meta_t;

/* The library's version string, e.g. "0.1.0". */
CK_API const char *ck_version(void);
/* Whether the library was built with OpenMP / CUDA, and whether a CUDA device is usable now. */
CK_API bool ck_built_with_openmp(void);
CK_API bool ck_built_with_cuda(void);
CK_API bool ck_cuda_device_available(void);

#ifdef __cplusplus
}
#endif
#endif
