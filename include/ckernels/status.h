/* CKernels — status codes.
 *
 * Every call returns ck_status_t: 0 is CK_OK, negative values are errors, positive values are
 * success with extra information. One X-macro list below defines every code, its stable name
 * (used in JSON and the CLI), its default message, its HTTP status (for the REST service) and
 * whether retrying the same call may succeed. New codes go only at the end of their group. */
#ifndef CKERNELS_STATUS_H
#define CKERNELS_STATUS_H

#include <stdbool.h>

#include "ckernels/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/*      code                 value  name              message                                   http retryable */
#define CK_STATUS_LIST(X)                                                                                      \
    X(CK_OK,                    0,  "ok",             "success",                                 200, false)    \
    X(CK_NOT_CONVERGED,         1,  "not_converged",  "stopped at the iteration limit before converging", 200, false) \
    X(CK_GPU_DECLINED,          2,  "gpu_declined",   "the GPU path declined; the CPU path ran", 200, false)    \
    X(CK_E_INVALID_INPUT,      -1,  "invalid_input",  "invalid input",                           400, false)    \
    X(CK_E_NOMEM,              -2,  "out_of_memory",  "out of memory",                           503, true)     \
    X(CK_E_OVERFLOW,           -3,  "overflow",       "arithmetic overflow",                     422, false)    \
    X(CK_E_LICENSE,            -4,  "license",        "not permitted by the license",            403, false)    \
    X(CK_E_NOT_FOUND,          -5,  "not_found",      "not found",                               404, false)    \
    X(CK_E_DUPLICATE,          -6,  "duplicate",      "already exists",                          409, false)    \
    X(CK_E_CANCELLED,          -7,  "cancelled",      "cancelled by the caller",                 499, true)     \
    X(CK_E_UNSUPPORTED,        -8,  "unsupported",    "not supported",                           501, false)    \
    X(CK_E_NO_DEVICE,          -9,  "no_device",      "no usable GPU device",                    503, false)    \
    X(CK_E_DEVICE,            -10,  "device_error",   "GPU device error",                        500, true)     \
    X(CK_E_IO,                -11,  "io_error",       "input/output error",                      500, true)     \
    X(CK_E_QUEUE_FULL,        -12,  "queue_full",     "queue full",                              503, true)     \
    X(CK_E_STATE,             -13,  "invalid_state",  "invalid state for this call",             409, false)    \
    X(CK_E_SIGNATURE,         -14,  "bad_signature",  "signature verification failed",           403, false)    \
    X(CK_E_INTERNAL,          -15,  "internal",       "internal error",                          500, false)    \
    X(CK_E_DIVERGED,          -16,  "diverged",       "the iteration diverged",                  422, false)    \
    X(CK_E_TIMEOUT,           -17,  "timeout",        "timed out waiting",                       504, true)

typedef enum ck_status {
#define CK_STATUS_ENUM_(code, value, name, msg, http, retry) code = value,
    CK_STATUS_LIST(CK_STATUS_ENUM_)
#undef CK_STATUS_ENUM_
} ck_status_t;

/* Stable lower-case name ("invalid_input"); "unknown" for a value not in the list. */
CK_API const char *ck_status_name(ck_status_t s);
/* Default human-readable message. */
CK_API const char *ck_status_message(ck_status_t s);
/* HTTP status the REST service answers with (500 for unknown values). */
CK_API int ck_status_http(ck_status_t s);
/* True when the same call may succeed if retried (resources, cancellation, devices). */
CK_API bool ck_status_retryable(ck_status_t s);

#define CK_IS_ERROR(s) ((s) < 0)

#ifdef __cplusplus
}
#endif
#endif
