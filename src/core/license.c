/* Licensing: license files (JSON signed with Ed25519 over a canonical encoding, see license.h),
 * the development license, and the checks registration and execution make. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "ckernels/license.h"
#include "internal.h"

_Static_assert(CK_DOMAIN_COUNT <= 32, "the license domain bitmask is a uint32_t");

/* The vendor's public key. Its secret half is kept off the repository. */
static const uint8_t k_vendor_public_key[CK_LICENSE_PUBLIC_KEY_BYTES] = {
    0x1c, 0xe1, 0xb5, 0x9c, 0x9e, 0xb8, 0x0c, 0x58, 0xee, 0x87, 0xf0, 0xd5, 0xf1, 0xa9, 0xf6, 0x64,
    0x25, 0x34, 0x66, 0xf2, 0xe9, 0x6f, 0xeb, 0xf2, 0x3c, 0xc5, 0x20, 0x31, 0xd9, 0x4f, 0xaa, 0x12};

/* FLAT on purpose: the context keeps a memcpy'd copy (cki_license_copy). No member points to
 * memory the license owns; `alloc` only records which allocator frees the object itself. */
struct ck_license {
    ck_allocator_t alloc;
    int32_t format;
    ck_edition_t edition;
    bool all_domains, all_features, gpu_native, is_signed;
    uint32_t domains; /* bit d set = ck_domain_t d licensed */
    int32_t n_features;
    int64_t max_kernels, not_before, expires, issued_at;
    char id[CK_LICENSE_ID_MAX];
    char licensee[CK_LICENSE_LICENSEE_MAX];
    char features[CK_LICENSE_FEATURES_MAX][CK_LICENSE_FEATURE_MAX];
    uint8_t signature[CK_LICENSE_SIGNATURE_BYTES];
    uint8_t signer[CK_LICENSE_PUBLIC_KEY_BYTES];
};

#define ALL_DOMAINS_MASK ((uint32_t)((UINT64_C(1) << CK_DOMAIN_COUNT) - 1u))

/* The license in force when none is configured (ctx->license == NULL). */
static const ck_license_t k_development = {
    .format = CK_LICENSE_FORMAT_VERSION,
    .edition = CK_EDITION_DEVELOPMENT,
    .all_domains = true,
    .all_features = true,
    .gpu_native = true,
    .is_signed = false,
    .domains = ALL_DOMAINS_MASK,
    .max_kernels = 0,
    .not_before = CK_LICENSE_NO_NOT_BEFORE,
    .expires = CK_LICENSE_NO_EXPIRY,
    .issued_at = 0,
    .id = "development",
    .licensee = "development",
};

static const char *const k_edition_names[] = {"development", "community", "professional", "enterprise"};

/* Members of a license file, in canonical (sorted) order. */
static const char *const k_members[] = {"domains",    "edition",    "expires",    "features",
                                        "format",     "gpu_native", "issued_at",  "license_id",
                                        "licensee",   "max_kernels", "not_before", "signature"};

static const ck_license_t *or_dev(const ck_license_t *lic) { return lic ? lic : &k_development; }

const char *ck_license_edition_name(ck_edition_t edition)
{
    if ((unsigned)edition >= sizeof k_edition_names / sizeof *k_edition_names) return "unknown";
    return k_edition_names[edition];
}

ck_status_t ck_license_edition_parse(const char *name, ck_edition_t *edition)
{
    if (!name || !edition) return CK_E_INVALID_INPUT;
    for (size_t i = 0; i < sizeof k_edition_names / sizeof *k_edition_names; i++) {
        if (strcmp(name, k_edition_names[i]) == 0) {
            *edition = (ck_edition_t)i;
            return CK_OK;
        }
    }
    return CK_E_NOT_FOUND;
}

const uint8_t *ck_license_vendor_public_key(void) { return k_vendor_public_key; }

/* sodium_init() is idempotent and thread-safe; calling it on every entry keeps us free of
 * global "initialized" flags. */
static ck_status_t crypto_ready(ck_ctx_t *ctx)
{
    if (sodium_init() < 0) return cki_error(ctx, CK_E_INTERNAL, NULL, "libsodium failed to initialize");
    return CK_OK;
}

/* ---------------------------------------------------------------- time formatting */

/* UTC calendar date of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* "2030-01-01T00:00:00Z" for years 0..9999, else "@<seconds>". */
static void fmt_time(char *buf, size_t cap, int64_t t)
{
    if (t < -62167219200 || t > 253402300799) {
        snprintf(buf, cap, "@%lld", (long long)t);
        return;
    }
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    unsigned hh = (unsigned)(secs / 3600) % 24u, mm = (unsigned)(secs / 60) % 60u, ss = (unsigned)secs % 60u;
    snprintf(buf, cap, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)y % 10000u, (unsigned)m % 13u,
             (unsigned)d % 32u, hh, mm, ss);
}

/* ---------------------------------------------------------------- canonical encoding */

typedef struct buf {
    ck_ctx_t *ctx;
    char *p;
    size_t n, cap;
    bool oom;
} buf_t;

static void buf_put(buf_t *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->cap - b->n < n + 1) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->n < n + 1) cap *= 2;
        char *p = cki_realloc(b->ctx, b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void buf_puts(buf_t *b, const char *s) { buf_put(b, s, strlen(s)); }

static void put_u16_escape(buf_t *b, unsigned v)
{
    char e[8];
    snprintf(e, sizeof e, "\\u%04x", v & 0xffffu);
    buf_put(b, e, 6);
}

/* A JSON string per the canonical rules (jansson has already validated the UTF-8). */
static void put_string(buf_t *b, const char *s, size_t n)
{
    buf_put(b, "\"", 1);
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            i++;
            switch (c) {
            case '"': buf_put(b, "\\\"", 2); break;
            case '\\': buf_put(b, "\\\\", 2); break;
            case '\b': buf_put(b, "\\b", 2); break;
            case '\f': buf_put(b, "\\f", 2); break;
            case '\n': buf_put(b, "\\n", 2); break;
            case '\r': buf_put(b, "\\r", 2); break;
            case '\t': buf_put(b, "\\t", 2); break;
            default:
                if (c < 0x20 || c == 0x7f) put_u16_escape(b, c);
                else buf_put(b, (const char *)&c, 1);
            }
            continue;
        }
        unsigned cp;
        size_t k;
        if (c >= 0xf0) { cp = c & 0x07u; k = 3; }
        else if (c >= 0xe0) { cp = c & 0x0fu; k = 2; }
        else { cp = c & 0x1fu; k = 1; }
        i++;
        for (size_t j = 0; j < k && i < n; j++, i++) cp = (cp << 6) | ((unsigned char)s[i] & 0x3fu);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            put_u16_escape(b, 0xd800u | (cp >> 10));
            put_u16_escape(b, 0xdc00u | (cp & 0x3ffu));
        } else {
            put_u16_escape(b, cp);
        }
    }
    buf_put(b, "\"", 1);
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static ck_status_t put_value(buf_t *b, const json_t *v, bool skip_signature);

static ck_status_t put_object(buf_t *b, const json_t *obj, bool skip_signature)
{
    ck_status_t status = CK_OK;
    size_t n = json_object_size(obj), k = 0;
    const char **keys = cki_mallocarray(b->ctx, n ? n : 1, sizeof *keys);
    if (!keys) return cki_nomem(b->ctx);
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)obj, key, val) {
        if (skip_signature && strcmp(key, "signature") == 0) continue;
        keys[k++] = key;
    }
    qsort(keys, k, sizeof *keys, cmp_key);
    buf_put(b, "{", 1);
    for (size_t i = 0; i < k; i++) {
        if (i) buf_put(b, ",", 1);
        put_string(b, keys[i], strlen(keys[i]));
        buf_put(b, ":", 1);
        CK_TRY(put_value(b, json_object_get(obj, keys[i]), false));
    }
    buf_put(b, "}", 1);
cleanup:
    cki_free(b->ctx, keys);
    return status;
}

static ck_status_t put_value(buf_t *b, const json_t *v, bool skip_signature)
{
    char num[32];
    switch (json_typeof(v)) {
    case JSON_OBJECT: return put_object(b, v, skip_signature);
    case JSON_ARRAY:
        buf_put(b, "[", 1);
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i) buf_put(b, ",", 1);
            ck_status_t status = put_value(b, json_array_get(v, i), false);
            if (CK_IS_ERROR(status)) return status;
        }
        buf_put(b, "]", 1);
        return CK_OK;
    case JSON_STRING: put_string(b, json_string_value(v), json_string_length(v)); return CK_OK;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        buf_puts(b, num);
        return CK_OK;
    case JSON_TRUE: buf_puts(b, "true"); return CK_OK;
    case JSON_FALSE: buf_puts(b, "false"); return CK_OK;
    case JSON_NULL: buf_puts(b, "null"); return CK_OK;
    case JSON_REAL: break;
    }
    /* Unreachable after validation: no license member is a real number. */
    return cki_invalid(b->ctx, NULL, "a license holds no real numbers");
}

/* The canonical encoding of `obj` (without "signature" when skip_signature), through ctx. */
static ck_status_t canonical(ck_ctx_t *ctx, char **out, size_t *out_len, const json_t *obj, bool skip_signature)
{
    buf_t b = {ctx, NULL, 0, 0, false};
    ck_status_t status = put_value(&b, obj, skip_signature);
    if (!CK_IS_ERROR(status) && b.oom) status = cki_nomem(ctx);
    if (CK_IS_ERROR(status)) {
        cki_free(ctx, b.p);
        return status;
    }
    *out = b.p;
    *out_len = b.n;
    return CK_OK;
}

/* ---------------------------------------------------------------- validation */

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "unknown";
}

/* Parse a license object. jansson does not always report its own allocation failures: some come
 * back as syntax errors, and its lexer can silently drop a character of a long string or number
 * when growing its token buffer fails. A signed license (or one about to be signed) must be read
 * exactly, so the text is parsed twice: equal results are trusted, the same syntax error twice is
 * a real syntax error, and any disagreement means an allocation failed. */
static ck_status_t load_json(ck_ctx_t *ctx, json_t **root, const char *text, size_t len)
{
    ck_status_t status = CK_OK;
    json_error_t err = {0}, err2 = {0}; /* jansson leaves the error code unset when its lexer cannot start */
    json_t *a = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    json_t *b = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err2);
    *root = NULL;
    if (a && b && json_equal(a, b)) {
        if (!json_is_object(a)) {
            status = cki_invalid(ctx, NULL, "license must be a JSON object, got %s", type_name(a));
            goto cleanup;
        }
        *root = a;
        a = NULL;
    } else if (!a && !b && json_error_code(&err) != json_error_out_of_memory && err.text[0] &&
               strcmp(err.text, err2.text) == 0) {
        status = cki_invalid(ctx, NULL, "license is not valid JSON (line %d, column %d): %s", err.line, err.column,
                             err.text);
    } else {
        status = cki_nomem(ctx);
    }
cleanup:
    json_decref(a);
    json_decref(b);
    return status;
}

static ck_status_t get_int(ck_ctx_t *ctx, const json_t *obj, const char *name, bool required, int64_t min,
                           int64_t *out, bool *present)
{
    const json_t *v = json_object_get(obj, name);
    if (present) *present = v != NULL;
    if (!v) return required ? cki_invalid(ctx, name, "required field is missing") : CK_OK;
    if (!json_is_integer(v)) return cki_invalid(ctx, name, "must be an integer, got %s", type_name(v));
    int64_t x = (int64_t)json_integer_value(v);
    if (x < min) return cki_invalid(ctx, name, "must be >= %lld, got %lld", (long long)min, (long long)x);
    *out = x;
    return CK_OK;
}

/* A required string of 1..cap-1 bytes without control characters, copied into dst. */
static ck_status_t get_text(ck_ctx_t *ctx, const json_t *obj, const char *name, char *dst, size_t cap)
{
    const json_t *v = json_object_get(obj, name);
    if (!v) return cki_invalid(ctx, name, "required field is missing");
    if (!json_is_string(v)) return cki_invalid(ctx, name, "must be a string, got %s", type_name(v));
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0) return cki_invalid(ctx, name, "must not be empty");
    if (n >= cap) return cki_invalid(ctx, name, "too long (%zu bytes, at most %zu)", n, cap - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) return cki_invalid(ctx, name, "must not contain control characters");
    }
    memcpy(dst, s, n + 1);
    return CK_OK;
}

static bool valid_feature_name(const char *s, size_t n)
{
    if (n == 0 || n >= CK_LICENSE_FEATURE_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-'))) return false;
    }
    return true;
}

static ck_status_t get_domains(ck_ctx_t *ctx, const json_t *obj, ck_license_t *lic)
{
    const json_t *v = json_object_get(obj, "domains");
    if (!v) return cki_invalid(ctx, "domains", "required field is missing");
    if (json_is_string(v) && strcmp(json_string_value(v), "*") == 0) {
        lic->all_domains = true;
        lic->domains = ALL_DOMAINS_MASK;
        return CK_OK;
    }
    if (!json_is_array(v))
        return cki_invalid(ctx, "domains", "must be \"*\" or an array of domain names, got %s", type_name(v));
    if (json_array_size(v) == 0) return cki_invalid(ctx, "domains", "must list at least one domain (or be \"*\")");
    char field[48];
    bool star = false;
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *e = json_array_get(v, i);
        snprintf(field, sizeof field, "domains[%zu]", i);
        if (!json_is_string(e)) return cki_invalid(ctx, field, "must be a domain name, got %s", type_name(e));
        const char *name = json_string_value(e);
        if (strcmp(name, "*") == 0) {
            if (star) return cki_invalid(ctx, field, "duplicate domain '*'");
            star = true;
            continue;
        }
        ck_domain_t d;
        if (strlen(name) != json_string_length(e) || ck_domain_parse(name, &d) != CK_OK)
            return cki_invalid(ctx, field, "unknown domain '%.64s'", name);
        if (lic->domains & (UINT32_C(1) << d)) return cki_invalid(ctx, field, "duplicate domain '%s'", name);
        lic->domains |= UINT32_C(1) << d;
    }
    if (star) {
        lic->all_domains = true;
        lic->domains = ALL_DOMAINS_MASK;
    }
    return CK_OK;
}

static ck_status_t get_features(ck_ctx_t *ctx, const json_t *obj, ck_license_t *lic)
{
    const json_t *v = json_object_get(obj, "features");
    if (!v) return CK_OK;
    if (json_is_string(v) && strcmp(json_string_value(v), "*") == 0) {
        lic->all_features = true;
        return CK_OK;
    }
    if (!json_is_array(v))
        return cki_invalid(ctx, "features", "must be \"*\" or an array of feature names, got %s", type_name(v));
    if (json_array_size(v) > CK_LICENSE_FEATURES_MAX)
        return cki_invalid(ctx, "features", "too many features (%zu, at most %d)", json_array_size(v),
                           CK_LICENSE_FEATURES_MAX);
    char field[48];
    bool star = false;
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *e = json_array_get(v, i);
        snprintf(field, sizeof field, "features[%zu]", i);
        if (!json_is_string(e)) return cki_invalid(ctx, field, "must be a feature name, got %s", type_name(e));
        const char *name = json_string_value(e);
        size_t n = json_string_length(e);
        if (n == 1 && name[0] == '*') {
            if (star) return cki_invalid(ctx, field, "duplicate feature '*'");
            star = true;
            continue;
        }
        if (!valid_feature_name(name, n))
            return cki_invalid(ctx, field,
                               "invalid feature name '%.64s' (1..%d characters of a-z 0-9 _ . -, starting with a "
                               "letter or digit)",
                               name, CK_LICENSE_FEATURE_MAX - 1);
        for (int32_t j = 0; j < lic->n_features; j++)
            if (strcmp(lic->features[j], name) == 0) return cki_invalid(ctx, field, "duplicate feature '%s'", name);
        memcpy(lic->features[lic->n_features++], name, n + 1);
    }
    if (star) {
        lic->all_features = true;
        lic->n_features = 0;
        memset(lic->features, 0, sizeof lic->features);
    }
    return CK_OK;
}

static ck_status_t get_signature(ck_ctx_t *ctx, const json_t *obj, ck_license_t *lic)
{
    const json_t *v = json_object_get(obj, "signature");
    if (!v)
        return cki_invalid(ctx, "signature", "required field is missing (every license file must be signed, "
                                             "whatever its edition)");
    if (!json_is_string(v)) return cki_invalid(ctx, "signature", "must be a string, got %s", type_name(v));
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    /* Lower case only: one spelling per signature, so no byte of a signed file is free to change. */
    if (n != 2 * CK_LICENSE_SIGNATURE_BYTES)
        return cki_invalid(ctx, "signature", "must be %d lower-case hex digits, got %zu characters",
                           2 * CK_LICENSE_SIGNATURE_BYTES, n);
    for (size_t i = 0; i < n; i += 2) {
        unsigned byte = 0;
        for (size_t j = i; j < i + 2; j++) {
            int h = cki_hex_value(s[j]);
            if (h < 0 || (s[j] >= 'A' && s[j] <= 'F'))
                return cki_invalid(ctx, "signature", "must be lower-case hex digits (bad character at %zu)", j);
            byte = byte << 4 | (unsigned)h;
        }
        lic->signature[i / 2] = (uint8_t)byte;
    }
    return CK_OK;
}

/* Validate every member of a license object and fill `lic` (zeroed by the caller). */
static ck_status_t validate(ck_ctx_t *ctx, const json_t *obj, ck_license_t *lic, bool need_signature)
{
    ck_status_t status = CK_OK;
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)obj, key, val) {
        bool known = false;
        for (size_t i = 0; i < sizeof k_members / sizeof *k_members; i++) known |= strcmp(key, k_members[i]) == 0;
        /* Strict: every member must be one this version understands (and so has checked). */
        if (!known) return cki_invalid(ctx, key, "unknown field in a license");
    }
    int64_t format = 0;
    CK_TRY(get_int(ctx, obj, "format", true, 0, &format, NULL));
    if (format != CK_LICENSE_FORMAT_VERSION)
        return cki_invalid(ctx, "format", "unsupported license format %lld (this library reads format %d)",
                           (long long)format, CK_LICENSE_FORMAT_VERSION);
    lic->format = (int32_t)format;
    CK_TRY(get_text(ctx, obj, "license_id", lic->id, sizeof lic->id));
    CK_TRY(get_text(ctx, obj, "licensee", lic->licensee, sizeof lic->licensee));

    const json_t *ed = json_object_get(obj, "edition");
    if (!ed) return cki_invalid(ctx, "edition", "required field is missing");
    if (!json_is_string(ed)) return cki_invalid(ctx, "edition", "must be a string, got %s", type_name(ed));
    if (ck_license_edition_parse(json_string_value(ed), &lic->edition) != CK_OK)
        return cki_invalid(ctx, "edition",
                           "unknown edition '%.64s' (expected development, community, professional or enterprise)",
                           json_string_value(ed));

    CK_TRY(get_domains(ctx, obj, lic));
    CK_TRY(get_features(ctx, obj, lic));

    const json_t *gpu = json_object_get(obj, "gpu_native");
    if (gpu && !json_is_boolean(gpu))
        return cki_invalid(ctx, "gpu_native", "must be a boolean, got %s", type_name(gpu));
    lic->gpu_native = gpu && json_is_true(gpu);

    CK_TRY(get_int(ctx, obj, "max_kernels", false, 0, &lic->max_kernels, NULL));
    bool has_nb = false, has_exp = false;
    lic->not_before = CK_LICENSE_NO_NOT_BEFORE;
    lic->expires = CK_LICENSE_NO_EXPIRY;
    CK_TRY(get_int(ctx, obj, "not_before", false, 0, &lic->not_before, &has_nb));
    CK_TRY(get_int(ctx, obj, "expires", false, 0, &lic->expires, &has_exp));
    if (has_nb && has_exp && lic->expires <= lic->not_before)
        return cki_invalid(ctx, "expires", "must be after not_before (%lld <= %lld)", (long long)lic->expires,
                           (long long)lic->not_before);
    CK_TRY(get_int(ctx, obj, "issued_at", true, 0, &lic->issued_at, NULL));
    if (need_signature) CK_TRY(get_signature(ctx, obj, lic));
cleanup:
    return status;
}

/* ---------------------------------------------------------------- parse / load / sign */

ck_status_t ck_license_parse(ck_ctx_t *ctx, ck_license_t **out, const char *text, size_t len,
                             const uint8_t *public_key)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!out) return cki_invalid(ctx, "lic", "output pointer is NULL");
    *out = NULL;
    if (!text) return cki_invalid(ctx, "text", "license text is NULL");
    if (len == (size_t)-1) len = strlen(text);
    if (len > CK_LICENSE_TEXT_MAX)
        return cki_invalid(ctx, NULL, "license text too large (%zu bytes, at most %d)", len, CK_LICENSE_TEXT_MAX);
    const uint8_t *key = public_key ? public_key : k_vendor_public_key;

    ck_status_t status = crypto_ready(ctx);
    if (CK_IS_ERROR(status)) return status;
    json_t *root = NULL;
    ck_license_t *lic = NULL;
    char *canon = NULL;
    size_t canon_len = 0;
    CK_TRY(load_json(ctx, &root, text, len));
    lic = cki_calloc(ctx, 1, sizeof *lic);
    if (!lic) CK_TRY(cki_nomem(ctx));
    CK_TRY(validate(ctx, root, lic, true));
    CK_TRY(canonical(ctx, &canon, &canon_len, root, true));
    if (crypto_sign_verify_detached(lic->signature, (const unsigned char *)canon, canon_len, key) != 0) {
        status = cki_error(ctx, CK_E_SIGNATURE, "signature",
                           "does not verify against the %s public key (the license was altered, or signed by "
                           "another key)",
                           public_key ? "trusted" : "vendor");
        goto cleanup;
    }
    lic->is_signed = true;
    memcpy(lic->signer, key, sizeof lic->signer);
    lic->alloc = ctx->alloc;
    *out = lic;
    lic = NULL;
cleanup:
    json_decref(root);
    cki_free(ctx, canon);
    cki_free(ctx, lic);
    return status;
}

static ck_status_t io_error(ck_ctx_t *ctx, const char *path, const char *what, int err)
{
    char reason[128];
    if (strerror_r(err, reason, sizeof reason) != 0) snprintf(reason, sizeof reason, "error %d", err);
    return cki_error(ctx, CK_E_IO, path, "%s: %s", what, reason);
}

ck_status_t ck_license_load_file(ck_ctx_t *ctx, ck_license_t **out, const char *path, const uint8_t *public_key)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!out) return cki_invalid(ctx, "lic", "output pointer is NULL");
    *out = NULL;
    if (!path) return cki_invalid(ctx, "path", "license file path is NULL");
    ck_status_t status = CK_OK;
    char *text = NULL;
    size_t n = 0, cap = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return io_error(ctx, path, "cannot open license file", errno);
    for (;;) {
        if (cap - n < 4096) {
            if (cap > CK_LICENSE_TEXT_MAX) {
                status = cki_error(ctx, CK_E_INVALID_INPUT, path, "license file too large (at most %d bytes)",
                                   CK_LICENSE_TEXT_MAX);
                goto cleanup;
            }
            cap = cap ? cap * 2 : 4096;
            char *p = cki_realloc(ctx, text, cap);
            if (!p) CK_TRY(cki_nomem(ctx));
            text = p;
        }
        size_t got = fread(text + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    if (ferror(f)) {
        status = io_error(ctx, path, "cannot read license file", errno);
        goto cleanup;
    }
    status = ck_license_parse(ctx, out, text, n, public_key);
cleanup:
    fclose(f);
    cki_free(ctx, text);
    return status;
}

ck_status_t ck_license_sign(ck_ctx_t *ctx, char **signed_json, const char *unsigned_json, size_t len,
                            const uint8_t *secret_key)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!signed_json) return cki_invalid(ctx, "signed_json", "output pointer is NULL");
    *signed_json = NULL;
    if (!unsigned_json) return cki_invalid(ctx, "unsigned_json", "license text is NULL");
    if (!secret_key) return cki_invalid(ctx, "secret_key", "is NULL");
    if (len == (size_t)-1) len = strlen(unsigned_json);
    if (len > CK_LICENSE_TEXT_MAX)
        return cki_invalid(ctx, NULL, "license text too large (%zu bytes, at most %d)", len, CK_LICENSE_TEXT_MAX);
    ck_status_t status = crypto_ready(ctx);
    if (CK_IS_ERROR(status)) return status;

    json_t *root = NULL;
    ck_license_t *lic = NULL;
    char *canon = NULL, *out = NULL;
    size_t canon_len = 0, out_len = 0;
    uint8_t pk[CK_LICENSE_PUBLIC_KEY_BYTES], sk[CK_LICENSE_SECRET_KEY_BYTES];
    uint8_t sig[CK_LICENSE_SIGNATURE_BYTES];
    char hex[2 * CK_LICENSE_SIGNATURE_BYTES + 1];

    /* A corrupt key file would otherwise sign with a public half nobody can verify against. */
    crypto_sign_seed_keypair(pk, sk, secret_key);
    if (sodium_memcmp(sk, secret_key, sizeof sk) != 0) {
        status = cki_invalid(ctx, "secret_key", "inconsistent Ed25519 secret key (its public half does not "
                                                "match its seed)");
        goto cleanup;
    }
    CK_TRY(load_json(ctx, &root, unsigned_json, len));
    json_object_del(root, "signature"); /* re-signing replaces an old signature */
    lic = cki_calloc(ctx, 1, sizeof *lic);
    if (!lic) CK_TRY(cki_nomem(ctx));
    CK_TRY(validate(ctx, root, lic, false));
    CK_TRY(canonical(ctx, &canon, &canon_len, root, true));
    crypto_sign_detached(sig, NULL, (const unsigned char *)canon, canon_len, secret_key);
    sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
    json_t *s = json_string(hex);
    if (!s || json_object_set_new(root, "signature", s) != 0) CK_TRY(cki_nomem(ctx));
    CK_TRY(canonical(ctx, &out, &out_len, root, false));
    *signed_json = out;
    out = NULL;
cleanup:
    sodium_memzero(sk, sizeof sk);
    json_decref(root);
    cki_free(ctx, lic);
    cki_free(ctx, canon);
    cki_free(ctx, out);
    return status;
}

ck_status_t ck_license_keygen(ck_ctx_t *ctx, uint8_t *public_key, uint8_t *secret_key)
{
    if (!public_key || !secret_key) return cki_error(ctx, CK_E_INVALID_INPUT, "key", "output key buffer is NULL");
    ck_status_t status = crypto_ready(ctx);
    if (CK_IS_ERROR(status)) return status;
    if (crypto_sign_keypair(public_key, secret_key) != 0)
        return cki_error(ctx, CK_E_INTERNAL, NULL, "Ed25519 key generation failed");
    return CK_OK;
}

ck_status_t ck_license_key_from_hex(ck_ctx_t *ctx, uint8_t *key, size_t key_len, const char *text, size_t len,
                                    const char *field)
{
    if (!key || !text) return cki_error(ctx, CK_E_INVALID_INPUT, field, "key or text is NULL");
    if (len == (size_t)-1) len = strlen(text);
    const char *ws = " \t\r\n";
    while (len && memchr(ws, text[0], 4)) text++, len--;
    while (len && memchr(ws, text[len - 1], 4)) len--;
    if (len != 2 * key_len)
        return cki_error(ctx, CK_E_INVALID_INPUT, field, "expected a key of %zu hex digits (%zu bytes), got %zu characters",
                         2 * key_len, key_len, len);
    for (size_t i = 0; i < key_len; i++) {
        unsigned byte = 0;
        for (size_t j = 2 * i; j < 2 * i + 2; j++) {
            int h = cki_hex_value(text[j]);
            if (h < 0) return cki_error(ctx, CK_E_INVALID_INPUT, field, "key is not hex (bad character at %zu)", j);
            byte = byte << 4 | (unsigned)h;
        }
        key[i] = (uint8_t)byte;
    }
    return CK_OK;
}

/* ---------------------------------------------------------------- objects and accessors */

ck_status_t ck_license_development(ck_ctx_t *ctx, ck_license_t **out)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!out) return cki_invalid(ctx, "lic", "output pointer is NULL");
    *out = NULL;
    ck_status_t status = cki_license_copy(ctx, &k_development, out);
    return status;
}

void ck_license_destroy(ck_license_t **plic)
{
    if (!plic || !*plic) return;
    ck_allocator_t a = (*plic)->alloc;
    a.free_fn(*plic, a.user);
    *plic = NULL;
}

ck_status_t cki_license_copy(ck_ctx_t *ctx, const ck_license_t *src, ck_license_t **dst)
{
    *dst = NULL;
    if (!src) return CK_OK;
    ck_license_t *c = cki_malloc(ctx, sizeof *c);
    if (!c) return cki_nomem(ctx);
    memcpy(c, src, sizeof *c);
    c->alloc = ctx->alloc;
    *dst = c;
    return CK_OK;
}

ck_edition_t ck_license_edition(const ck_license_t *lic) { return or_dev(lic)->edition; }
const char *ck_license_id(const ck_license_t *lic) { return or_dev(lic)->id; }
const char *ck_license_licensee(const ck_license_t *lic) { return or_dev(lic)->licensee; }
bool ck_license_all_domains(const ck_license_t *lic) { return or_dev(lic)->all_domains; }
bool ck_license_all_features(const ck_license_t *lic) { return or_dev(lic)->all_features; }
bool ck_license_gpu_native(const ck_license_t *lic) { return or_dev(lic)->gpu_native; }
int64_t ck_license_max_kernels(const ck_license_t *lic) { return or_dev(lic)->max_kernels; }
int64_t ck_license_not_before(const ck_license_t *lic) { return or_dev(lic)->not_before; }
int64_t ck_license_expires(const ck_license_t *lic) { return or_dev(lic)->expires; }
int64_t ck_license_issued_at(const ck_license_t *lic) { return or_dev(lic)->issued_at; }
int64_t ck_license_feature_count(const ck_license_t *lic) { return or_dev(lic)->n_features; }

bool ck_license_domain_licensed(const ck_license_t *lic, ck_domain_t domain)
{
    if ((unsigned)domain >= CK_DOMAIN_COUNT) return false;
    return (or_dev(lic)->domains >> domain) & 1u;
}

bool ck_license_feature_granted(const ck_license_t *lic, const char *feature)
{
    lic = or_dev(lic);
    if (!feature || lic->all_features) return true;
    for (int32_t i = 0; i < lic->n_features; i++)
        if (strcmp(lic->features[i], feature) == 0) return true;
    return false;
}

const char *ck_license_feature_at(const ck_license_t *lic, int64_t i)
{
    lic = or_dev(lic);
    return i >= 0 && i < lic->n_features ? lic->features[i] : NULL;
}

bool ck_license_signed(const ck_license_t *lic, uint8_t *public_key)
{
    lic = or_dev(lic);
    if (lic->is_signed && public_key) memcpy(public_key, lic->signer, sizeof lic->signer);
    return lic->is_signed;
}

/* The reason `now` is outside the validity window, or false when it is inside. */
static bool time_refused(const ck_license_t *lic, int64_t now, char *reason, size_t cap)
{
    char t[64];
    if (now < lic->not_before) {
        fmt_time(t, sizeof t, lic->not_before);
        snprintf(reason, cap, "license not valid before %s", t);
        return true;
    }
    if (now >= lic->expires) {
        fmt_time(t, sizeof t, lic->expires);
        snprintf(reason, cap, "license expired at %s", t);
        return true;
    }
    return false;
}

ck_status_t ck_license_check_time(ck_ctx_t *ctx, const ck_license_t *lic, int64_t now)
{
    if (!lic) return CK_OK;
    char reason[96];
    if (!time_refused(lic, now, reason, sizeof reason)) return CK_OK;
    return cki_error(ctx, CK_E_LICENSE, NULL, "%s (license %s, licensee %s)", reason, lic->id, lic->licensee);
}

ck_status_t cki_license_permits(ck_ctx_t *ctx, const ck_kernel_t *kernel, int64_t now)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!kernel) return cki_invalid(ctx, "kernel", "kernel descriptor is NULL");
    const ck_license_t *lic = ctx->license;
    if (!lic) return CK_OK; /* development license */
    const char *kid = kernel->meta.id ? kernel->meta.id : "(unnamed kernel)";
    char reason[160];
    ck_domain_t d = kernel->meta.domain;
    if (time_refused(lic, now, reason, sizeof reason)) {
        /* reason set */
    } else if (!ck_license_domain_licensed(lic, d)) {
        const ck_domain_info_t *info = ck_domain_info(d);
        if (info) snprintf(reason, sizeof reason, "domain '%s' is not licensed", info->name);
        else snprintf(reason, sizeof reason, "domain %d is not licensed", (int)d);
    } else if (!ck_license_feature_granted(lic, kernel->license_feature)) {
        snprintf(reason, sizeof reason, "feature '%.64s' is not granted", kernel->license_feature);
    } else if (kernel->meta.requires_gpu_native && !lic->gpu_native) {
        snprintf(reason, sizeof reason, "requires GPU-native execution, which the license does not grant");
    } else {
        return CK_OK;
    }
    return cki_error(ctx, CK_E_LICENSE, NULL, "%s: %s (license %s, licensee %s)", kid, reason, lic->id,
                     lic->licensee);
}

/* ---------------------------------------------------------------- description as JSON */

static int set_new(json_t *obj, const char *key, json_t *v) { return v ? json_object_set_new(obj, key, v) : -1; }

static json_t *names_array(const ck_license_t *lic, bool domains)
{
    json_t *a = json_array();
    if (!a) return NULL;
    if (domains) {
        for (int d = 0; d < CK_DOMAIN_COUNT; d++) {
            if (!((lic->domains >> d) & 1u)) continue;
            json_t *s = json_string(ck_domain_info((ck_domain_t)d)->name);
            if (!s || json_array_append_new(a, s) != 0) goto fail;
        }
    } else {
        for (int32_t i = 0; i < lic->n_features; i++) {
            json_t *s = json_string(lic->features[i]);
            if (!s || json_array_append_new(a, s) != 0) goto fail;
        }
    }
    return a;
fail:
    json_decref(a);
    return NULL;
}

ck_status_t ck_license_to_json(ck_ctx_t *ctx, char **out, const ck_license_t *lic, bool indent)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!out) return cki_invalid(ctx, "json", "output pointer is NULL");
    *out = NULL;
    lic = or_dev(lic);
    ck_status_t status = CK_OK;
    char *text = NULL;
    json_t *o = json_object();
    int bad = !o;
    if (o) {
        bad |= set_new(o, "format", json_integer(lic->format));
        bad |= set_new(o, "license_id", json_string(lic->id));
        bad |= set_new(o, "licensee", json_string(lic->licensee));
        bad |= set_new(o, "edition", json_string(ck_license_edition_name(lic->edition)));
        bad |= set_new(o, "domains", lic->all_domains ? json_string("*") : names_array(lic, true));
        bad |= set_new(o, "features", lic->all_features ? json_string("*") : names_array(lic, false));
        bad |= set_new(o, "gpu_native", json_boolean(lic->gpu_native));
        bad |= set_new(o, "max_kernels", json_integer(lic->max_kernels));
        if (lic->not_before != CK_LICENSE_NO_NOT_BEFORE) bad |= set_new(o, "not_before", json_integer(lic->not_before));
        if (lic->expires != CK_LICENSE_NO_EXPIRY) bad |= set_new(o, "expires", json_integer(lic->expires));
        bad |= set_new(o, "issued_at", json_integer(lic->issued_at));
        bad |= set_new(o, "signed", json_boolean(lic->is_signed));
    }
    if (bad) CK_TRY(cki_nomem(ctx));
    size_t flags = JSON_SORT_KEYS | (indent ? JSON_INDENT(2) : JSON_COMPACT);
    size_t n = json_dumpb(o, NULL, 0, flags);
    if (n == 0) CK_TRY(cki_nomem(ctx));
    text = cki_malloc(ctx, n + 1);
    if (!text) CK_TRY(cki_nomem(ctx));
    size_t written = json_dumpb(o, text, n, flags);
    if (written == 0) CK_TRY(cki_nomem(ctx)); /* jansson's own allocation failed */
    if (written != n) CK_TRY(cki_error(ctx, CK_E_INTERNAL, NULL, "JSON encoding failed"));
    text[n] = '\0';
    *out = text;
    text = NULL;
cleanup:
    json_decref(o);
    cki_free(ctx, text);
    return status;
}
