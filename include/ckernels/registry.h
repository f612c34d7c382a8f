/* CKernels — kernel descriptors, parameter tables and the registry.
 *
 * A kernel is a constant descriptor: its metadata, a parameter table (data, introspectable at run
 * time: the JSON validator, `ckernels info`, the docs and bindings all read it), an output table,
 * an example input, a JSON binder and, for iterative kernels, init/step/converged/result entries. */
#ifndef CKERNELS_REGISTRY_H
#define CKERNELS_REGISTRY_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t; /* jansson's value type */

/* The types a parameter (a top-level input field) or an output field may have. The structured
 * types follow spec/README.md. */
#define CK_PARAM_TYPE_LIST(X)                                                    \
    X(CK_PT_BOOL,         "bool")                                                \
    X(CK_PT_INT,          "int")         /* JSON integer, int64 */               \
    X(CK_PT_UINT64,       "uint64")      /* JSON integer >= 0 (seeds) */         \
    X(CK_PT_REAL,         "real")        /* JSON number, finite */               \
    X(CK_PT_STRING,       "string")                                              \
    X(CK_PT_ENUM,         "enum")        /* string from `choices` */             \
    X(CK_PT_MONEY,        "money")       /* exact decimal, string or number */   \
    X(CK_PT_TIME,         "time")        /* int64 Unix seconds */                \
    X(CK_PT_ID,           "id")          /* string or integer */                 \
    X(CK_PT_REAL_ARRAY,   "[real]")                                              \
    X(CK_PT_INT_ARRAY,    "[int]")                                               \
    X(CK_PT_MATRIX,       "matrix")                                              \
    X(CK_PT_SERIES,       "series")                                              \
    X(CK_PT_GRAPH,        "graph")                                               \
    X(CK_PT_TRANSACTIONS, "transactions")                                        \
    X(CK_PT_OBJECT,       "object")      /* any object; the binder validates */  \
    X(CK_PT_ARRAY,        "array")       /* any array; the binder validates */   \
    X(CK_PT_ANY,          "any")

typedef enum ck_param_type {
#define CK_PT_ENUM_(e, name) e,
    CK_PARAM_TYPE_LIST(CK_PT_ENUM_)
#undef CK_PT_ENUM_
    CK_PT_COUNT
} ck_param_type_t;

CK_API const char *ck_param_type_name(ck_param_type_t t);

/* One row of a parameter (or output) table. */
typedef struct ck_param {
    const char *name;
    ck_param_type_t type;
    bool required;
    const char *default_json; /* JSON text of the default, NULL when required or absent */
    bool has_min, has_max;    /* numeric range (for arrays: element range) */
    double min, max;
    bool min_exclusive, max_exclusive; /* open ends: (min, ...] / [..., max) */
    bool nullable;            /* JSON null is accepted (and means "absent", e.g. "use the default vector") */
    const char *choices;      /* CK_PT_ENUM: "a|b|c" */
    const char *doc;
} ck_param_t;

typedef struct ck_kernel ck_kernel_t;

/* Run information a binder reports; the runtime puts it in the output's "meta" block. */
typedef struct ck_run_info {
    ck_backend_t backend_used; /* CK_BACKEND_CPU unless the GPU path ran */
    int threads_used;
    int64_t iterations;        /* -1 when not iterative */
    bool converged;
    struct json_t *warnings;   /* meta.warnings: an array the runtime owns, NULL until a binder warns */
    const struct ck_graph *bound_graph; /* a graph bound to this run in place of the "graph" field */
} ck_run_info_t;

/* JSON binder: `input` has been validated against the parameter table and has every default
 * filled in; the binder reads it, calls the typed kernel and fills `output` (an empty object).
 * On error it returns the status with the message set on ctx (see json.h helpers). */
typedef ck_status_t (*ck_json_binder_fn)(ck_ctx_t *ctx, const ck_kernel_t *kernel,
                                         const struct json_t *input, struct json_t *output,
                                         ck_run_info_t *info);

/* Iterative entries. `state` is owned by the kernel: init allocates it, destroy frees it. */
typedef struct ck_iterative_ops {
    /* `info` carries the bound graph and collects warnings; init may keep pointers into `input`
     * only for the duration of the call. */
    ck_status_t (*init)(ck_ctx_t *ctx, const struct json_t *input, ck_run_info_t *info, void **state);
    /* One iteration; `delta` receives the change measure compared with the tolerance. */
    ck_status_t (*step)(ck_ctx_t *ctx, void *state, double *delta);
    bool (*converged)(const void *state);
    int64_t (*max_iterations)(const void *state);
    ck_status_t (*result)(ck_ctx_t *ctx, const void *state, struct json_t *output);
    void (*destroy)(ck_ctx_t *ctx, void *state);
} ck_iterative_ops_t;

struct ck_kernel {
    ck_kernel_meta_t meta;
    const ck_param_t *params;
    size_t n_params;
    const ck_param_t *outputs;
    size_t n_outputs;
    const char *example_input;          /* a valid input (JSON text) that a test runs */
    const char *license_feature;        /* feature the license must grant, NULL for none */
    ck_json_binder_fn run_json;         /* batch entry; required */
    const ck_iterative_ops_t *iterative; /* NULL unless meta.modes has CK_MODE_ITERATIVE */
};

/* ---------------------------------------------------------------- registry */

typedef struct ck_registry ck_registry_t;

/* Create an empty registry. Registration decisions use the license in force on `ctx` at the
 * time of each registration call. */
CK_API ck_status_t ck_registry_create(ck_registry_t **reg, ck_ctx_t *ctx);
CK_API void ck_registry_destroy(ck_registry_t **reg);

/* Register a kernel (the descriptor must outlive the registry; descriptors are static data).
 * CK_E_DUPLICATE for an id already present, CK_E_INVALID_INPUT for a malformed descriptor.
 * A kernel the license does not grant is registered all the same, but locked: it is listed and
 * its execution fails with CK_E_LICENSE. Registration returns CK_OK in that case. */
CK_API ck_status_t ck_registry_register(ck_ctx_t *ctx, ck_registry_t *reg, const ck_kernel_t *kernel);

/* Register every kernel of every domain (the seed's register_all()). */
CK_API ck_status_t ck_registry_register_all(ck_ctx_t *ctx, ck_registry_t *reg);
/* Per-domain registration: ck_<domain>_register(ctx, reg). Domains without kernels yet register
 * none and return CK_OK. */
CK_API ck_status_t ck_core_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_graph_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_ml_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_compliance_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_temporal_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_risk_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_banking_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_behavioral_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_orderbook_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_procint_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_clearing_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_treasury_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_accounting_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_payments_register(ck_ctx_t *ctx, ck_registry_t *reg);
CK_API ck_status_t ck_audit_register(ck_ctx_t *ctx, ck_registry_t *reg);

CK_API size_t ck_registry_count(const ck_registry_t *reg);
/* The i-th kernel in registration order; NULL when out of range. */
CK_API const ck_kernel_t *ck_registry_at(const ck_registry_t *reg, size_t i);
/* Lookup by id; NULL when absent. */
CK_API const ck_kernel_t *ck_registry_find(const ck_registry_t *reg, const char *id);
/* Whether the kernel with this id is registered locked (not granted by the license). */
CK_API bool ck_registry_locked(const ck_registry_t *reg, const char *id);

/* Filtered listing into a caller array of `cap` pointers; returns the number of matches (which
 * may exceed cap: call with cap 0 to size). domain < 0 means any domain, mode 0 any mode,
 * `text` NULL any text; otherwise a case-insensitive substring of the id or description. */
CK_API size_t ck_registry_list(const ck_registry_t *reg, int domain, unsigned mode, const char *text,
                               const ck_kernel_t **out, size_t cap);

typedef struct ck_registry_stats {
    size_t total;
    size_t locked;
    size_t by_domain[CK_DOMAIN_COUNT];
    size_t batch, ring, iterative; /* kernels offering each mode */
    size_t gpu_native;
} ck_registry_stats_t;
CK_API void ck_registry_stats(const ck_registry_t *reg, ck_registry_stats_t *stats);

#ifdef __cplusplus
}
#endif
#endif
