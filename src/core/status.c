/* Status code tables, generated from CK_STATUS_LIST. */
#include "ckernels/status.h"

#define CKI_STATUS_CASE_(code, value, name, msg, http, retry) \
    case code:                                                 \
        return FIELD_(name, msg, http, retry);

const char *ck_status_name(ck_status_t s)
{
#define FIELD_(name, msg, http, retry) name
    switch (s) { CK_STATUS_LIST(CKI_STATUS_CASE_) }
#undef FIELD_
    return "unknown";
}

const char *ck_status_message(ck_status_t s)
{
#define FIELD_(name, msg, http, retry) msg
    switch (s) { CK_STATUS_LIST(CKI_STATUS_CASE_) }
#undef FIELD_
    return "unknown status";
}

int ck_status_http(ck_status_t s)
{
#define FIELD_(name, msg, http, retry) http
    switch (s) { CK_STATUS_LIST(CKI_STATUS_CASE_) }
#undef FIELD_
    return 500;
}

bool ck_status_retryable(ck_status_t s)
{
#define FIELD_(name, msg, http, retry) retry
    switch (s) { CK_STATUS_LIST(CKI_STATUS_CASE_) }
#undef FIELD_
    return false;
}
