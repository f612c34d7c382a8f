/* CKernels — licensing.
 *
 * A license says who may run which kernels: licensee, edition, licensed domains, granted
 * features, GPU-native permission, a kernel count limit and a validity window. The context holds
 * the license in force (ck_ctx_set_license); registration and every execution check it, and a
 * kernel it does not grant stays listed but locked (CK_E_LICENSE).
 *
 * The DEVELOPMENT license (all domains, all features, GPU-native, no limits, no time window) is in
 * force when none is configured: ck_ctx_license() returns NULL for it, and every accessor below
 * treats a NULL license as the development license. It needs no signature; a license FILE always
 * does, whatever edition it claims.
 *
 * ---------------------------------------------------------------- license file (format 1)
 *
 * A JSON object (UTF-8) with exactly these members; any other member is rejected:
 *
 *   "format"       integer, required, must be 1
 *   "license_id"   string, required, 1..127 bytes, no control characters
 *   "licensee"     string, required, 1..255 bytes (UTF-8), no control characters
 *   "edition"      string, required: "development" | "community" | "professional" | "enterprise"
 *   "domains"      required: "*" (all domains) or a non-empty array of distinct domain names from
 *                  CK_DOMAIN_LIST ("graph", "ml", ...; an element "*" also means all)
 *   "features"     optional (default []): "*" (all features) or an array of at most
 *                  CK_LICENSE_FEATURES_MAX distinct names, each 1..31 characters of [a-z0-9_.-]
 *                  starting with a letter or digit (e.g. "ring", "k2k", "gpu", "iterative")
 *   "gpu_native"   boolean, optional (default false): may run kernels marked requires_gpu_native
 *   "max_kernels"  integer >= 0, optional (default 0 = unlimited): unlocked kernels a registry may
 *                  hold (enforced by the registry)
 *   "not_before"   integer Unix seconds >= 0, optional (default: no lower bound)
 *   "expires"      integer Unix seconds >= 0, optional (default: never); must exceed not_before.
 *                  The license is valid for not_before <= now < expires.
 *   "issued_at"    integer Unix seconds >= 0, required (informational)
 *   "signature"    string, required: exactly 128 LOWER-CASE hex digits, the 64-byte Ed25519
 *                  signature (RFC 8032; libsodium crypto_sign_detached) of the canonical encoding.
 *
 * Member names must be unique (duplicates are rejected).
 *
 * Canonical encoding (the bytes that are signed): the license object WITHOUT its "signature"
 * member, serialized as compact JSON with
 *   - object members sorted by name (byte order), no whitespace anywhere, ',' and ':' separators;
 *   - integers in decimal (a '-' sign when negative, no leading zeros), true, false;
 *   - arrays in the order given (order is significant: it is signed);
 *   - strings in double quotes, escaping '"' as \" and '\' as \\, U+0008/0C/0A/0D/09 as
 *     \b \f \n \r \t, every other code point below U+0020, U+007F and every non-ASCII code point
 *     as \uXXXX with LOWER-CASE hex (code points above U+FFFF as a UTF-16 surrogate pair); '/'
 *     and all other printable ASCII characters as themselves.
 * This is exactly Python's json.dumps(obj, sort_keys=True, separators=(",", ":"),
 * ensure_ascii=True) for the value types a license holds (tests/data/core/license/gen_license.py
 * signs with it, and the tests check that both sides produce the same signature). The file itself
 * may be formatted freely (whitespace, member order, escapes): verification re-encodes the
 * parsed values, so any file with the same content verifies.
 *
 * Keys are stored as text files of hex digits (either case, surrounding whitespace ignored):
 *   public key: 64 hex digits (32 bytes);
 *   secret key: 128 hex digits (64 bytes: libsodium's layout, the 32-byte Ed25519 seed followed by
 *               the 32-byte public key).
 * Licenses for this library are trusted when signed by the vendor key
 * (ck_license_vendor_public_key()); callers may pass another trusted public key. */
#ifndef CKERNELS_LICENSE_H
#define CKERNELS_LICENSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ckernels/core.h"
#include "ckernels/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CK_LICENSE_FORMAT_VERSION 1
#define CK_LICENSE_PUBLIC_KEY_BYTES 32
#define CK_LICENSE_SECRET_KEY_BYTES 64
#define CK_LICENSE_SIGNATURE_BYTES 64
/* Limits of the fixed-size fields (buffer sizes, including the terminating NUL). */
#define CK_LICENSE_ID_MAX 128
#define CK_LICENSE_LICENSEE_MAX 256
#define CK_LICENSE_FEATURE_MAX 32
#define CK_LICENSE_FEATURES_MAX 32
/* Larger license texts/files are rejected. */
#define CK_LICENSE_TEXT_MAX (1024 * 1024)
/* What ck_license_not_before / ck_license_expires return when the bound is absent. */
#define CK_LICENSE_NO_NOT_BEFORE INT64_MIN
#define CK_LICENSE_NO_EXPIRY INT64_MAX
/* The vendor public key, as hex (the same bytes ck_license_vendor_public_key() returns). */
#define CK_LICENSE_VENDOR_PUBLIC_KEY_HEX "1ce1b59c9eb80c58ee87f0d5f1a9f664253466f2e96febf23cc52031d94faa12"

typedef enum ck_edition {
    CK_EDITION_DEVELOPMENT = 0,
    CK_EDITION_COMMUNITY = 1,
    CK_EDITION_PROFESSIONAL = 2,
    CK_EDITION_ENTERPRISE = 3
} ck_edition_t;

/* "development" | "community" | "professional" | "enterprise"; "unknown" out of range. */
CK_API const char *ck_license_edition_name(ck_edition_t edition);
/* Edition by name; CK_E_NOT_FOUND if none. */
CK_API ck_status_t ck_license_edition_parse(const char *name, ck_edition_t *edition);

/* The built-in vendor public key (32 bytes). */
CK_API const uint8_t *ck_license_vendor_public_key(void);

/* Parse, validate and verify a license file's text (`len` bytes; NUL-terminated text may pass
 * len = (size_t)-1). The signature must verify against `public_key` (32 bytes), or against the
 * vendor key when public_key is NULL. Errors: CK_E_INVALID_INPUT naming the field
 * ("domains[2]: unknown domain 'foo'"), CK_E_SIGNATURE when the signature does not verify,
 * CK_E_NOMEM. The validity window is NOT checked here (see ck_license_check_time). On success
 * *lic is allocated through ctx's allocator; free it with ck_license_destroy. */
CK_API ck_status_t ck_license_parse(ck_ctx_t *ctx, ck_license_t **lic, const char *text, size_t len,
                                    const uint8_t *public_key);
/* ck_license_parse on a file's content; CK_E_IO (with the reason) when it cannot be read. */
CK_API ck_status_t ck_license_load_file(ck_ctx_t *ctx, ck_license_t **lic, const char *path,
                                        const uint8_t *public_key);
/* The development license as an explicit object. */
CK_API ck_status_t ck_license_development(ck_ctx_t *ctx, ck_license_t **lic);
/* Free a license (it remembers the allocator it came from) and set *lic to NULL. NULL and
 * *lic == NULL are no-ops. */
CK_API void ck_license_destroy(ck_license_t **lic);

/* ---- accessors; a NULL license is the development license. */
CK_API ck_edition_t ck_license_edition(const ck_license_t *lic);
CK_API const char *ck_license_id(const ck_license_t *lic);        /* "development" for NULL */
CK_API const char *ck_license_licensee(const ck_license_t *lic);  /* "development" for NULL */
CK_API bool ck_license_all_domains(const ck_license_t *lic);
CK_API bool ck_license_domain_licensed(const ck_license_t *lic, ck_domain_t domain);
CK_API bool ck_license_all_features(const ck_license_t *lic);
CK_API bool ck_license_feature_granted(const ck_license_t *lic, const char *feature);
/* The explicitly listed features (none when all features are granted). */
CK_API int64_t ck_license_feature_count(const ck_license_t *lic);
CK_API const char *ck_license_feature_at(const ck_license_t *lic, int64_t i); /* NULL out of range */
CK_API bool ck_license_gpu_native(const ck_license_t *lic);
CK_API int64_t ck_license_max_kernels(const ck_license_t *lic);   /* 0 = unlimited */
CK_API int64_t ck_license_not_before(const ck_license_t *lic);    /* CK_LICENSE_NO_NOT_BEFORE if absent */
CK_API int64_t ck_license_expires(const ck_license_t *lic);       /* CK_LICENSE_NO_EXPIRY if absent */
CK_API int64_t ck_license_issued_at(const ck_license_t *lic);     /* 0 for the development license */
/* Whether the license came from a verified signed file (false for the built-in development
 * license); the signing public key is copied to `public_key` (32 bytes) when not NULL. */
CK_API bool ck_license_signed(const ck_license_t *lic, uint8_t *public_key);

/* CK_OK when not_before <= now < expires (Unix seconds), else CK_E_LICENSE with the reason on
 * ctx (ctx may be NULL). A NULL license is always valid. */
CK_API ck_status_t ck_license_check_time(ck_ctx_t *ctx, const ck_license_t *lic, int64_t now);

/* A description of the license as JSON text (members as in the file format, without
 * "signature", plus "signed": bool), compact or indented (2 spaces), allocated through ctx's
 * allocator (free with ck_ctx_free). It is a description, not a license file. NULL = development. */
CK_API ck_status_t ck_license_to_json(ck_ctx_t *ctx, char **json, const ck_license_t *lic, bool indent);

/* ---- vendor side */

/* A fresh Ed25519 key pair (random from the OS). ctx may be NULL. */
CK_API ck_status_t ck_license_keygen(ck_ctx_t *ctx, uint8_t *public_key, uint8_t *secret_key);
/* Sign a license: `unsigned_json` (`len` bytes, or (size_t)-1 for NUL-terminated) is validated
 * like a license file (any "signature" member is dropped and replaced); *signed_json receives the
 * license in its canonical encoding with the "signature" member added (compact JSON, no trailing
 * newline), allocated through ctx's allocator (free with ck_ctx_free). The secret key (64 bytes)
 * must be consistent (its public half derived from its seed), else CK_E_INVALID_INPUT. */
CK_API ck_status_t ck_license_sign(ck_ctx_t *ctx, char **signed_json, const char *unsigned_json, size_t len,
                                   const uint8_t *secret_key);
/* Parse a key from hex text (`len` bytes or (size_t)-1; surrounding whitespace ignored): exactly
 * 2 * key_len hex digits. `field` names the source in the error message (e.g. the file name). */
CK_API ck_status_t ck_license_key_from_hex(ck_ctx_t *ctx, uint8_t *key, size_t key_len, const char *text,
                                           size_t len, const char *field);

#ifdef __cplusplus
}
#endif
#endif
