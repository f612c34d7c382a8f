/* Licensing: signature round trips, tamper detection (every byte), cross-check against an
 * independent Ed25519 implementation (Python `cryptography`, tests/data/core/license/
 * gen_license.py), field validation, and the permit checks registration/execution make. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_sweep.h"
#include "ckernels.h"
#include "internal.h"

#define LIC_DIR CK_TEST_DATA_DIR "/core/license/"

/* ---------------------------------------------------------------- helpers */

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 1024) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
            cr_assert(buf);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        if (!got) break;
        n += got;
    }
    fclose(f);
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

static void read_key(const char *name, uint8_t *key, size_t key_len)
{
    char path[512];
    snprintf(path, sizeof path, LIC_DIR "%s", name);
    char *text = read_text(path, NULL);
    cr_assert_eq(ck_license_key_from_hex(NULL, key, key_len, text, (size_t)-1, name), CK_OK);
    free(text);
}

static ck_ctx_t *new_ctx(void)
{
    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    return ctx;
}

/* Parse a fixture file with test key A. */
static ck_status_t parse_fixture(ck_ctx_t *ctx, ck_license_t **lic, const char *name)
{
    uint8_t pk[32];
    read_key("test_a_public.key", pk, sizeof pk);
    char path[512];
    snprintf(path, sizeof path, LIC_DIR "%s", name);
    return ck_license_load_file(ctx, lic, path, pk);
}

static char *json_text_of(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, LIC_DIR "%s", name);
    return read_text(path, NULL);
}

static const char *signature_of(json_t *root)
{
    const json_t *s = json_object_get(root, "signature");
    cr_assert(json_is_string(s));
    return json_string_value(s);
}

/* Test kernels (only the fields the license checks read). */
static ck_kernel_t make_kernel(const char *id, ck_domain_t domain, const char *feature, bool gpu)
{
    ck_kernel_t k;
    memset(&k, 0, sizeof k);
    k.meta.id = id;
    k.meta.domain = domain;
    k.meta.modes = CK_MODE_BATCH;
    k.meta.requires_gpu_native = gpu;
    k.license_feature = feature;
    return k;
}

/* 2025-01-01T00:00:00Z: inside COM-7's window [2024-01-01, 2026-01-01). */
#define IN_WINDOW INT64_C(1735689600)

/* ---------------------------------------------------------------- editions, keys */

Test(license, edition_names)
{
    cr_assert_str_eq(ck_license_edition_name(CK_EDITION_DEVELOPMENT), "development");
    cr_assert_str_eq(ck_license_edition_name(CK_EDITION_COMMUNITY), "community");
    cr_assert_str_eq(ck_license_edition_name(CK_EDITION_PROFESSIONAL), "professional");
    cr_assert_str_eq(ck_license_edition_name(CK_EDITION_ENTERPRISE), "enterprise");
    cr_assert_str_eq(ck_license_edition_name((ck_edition_t)7), "unknown");
    ck_edition_t e = CK_EDITION_DEVELOPMENT;
    cr_assert_eq(ck_license_edition_parse("professional", &e), CK_OK);
    cr_assert_eq(e, CK_EDITION_PROFESSIONAL);
    cr_assert_eq(ck_license_edition_parse("Enterprise", &e), CK_E_NOT_FOUND);
    cr_assert_eq(ck_license_edition_parse("", &e), CK_E_NOT_FOUND);
}

Test(license, key_from_hex)
{
    ck_ctx_t *ctx = new_ctx();
    uint8_t k[4];
    cr_assert_eq(ck_license_key_from_hex(ctx, k, 4, "  00ff7A10\n", (size_t)-1, "key"), CK_OK);
    cr_assert(k[0] == 0x00 && k[1] == 0xff && k[2] == 0x7a && k[3] == 0x10);
    cr_assert_eq(ck_license_key_from_hex(ctx, k, 4, "00ff7a", (size_t)-1, "pk.key"), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "pk.key");
    cr_assert(strstr(ck_ctx_error(ctx), "8 hex digits"), "%s", ck_ctx_error(ctx));
    cr_assert_eq(ck_license_key_from_hex(ctx, k, 4, "00ff7g10", (size_t)-1, "key"), CK_E_INVALID_INPUT);
    cr_assert(strstr(ck_ctx_error(ctx), "not hex"), "%s", ck_ctx_error(ctx));
    /* The vendor key constant matches its documented hex spelling. */
    uint8_t v[32];
    cr_assert_eq(ck_license_key_from_hex(ctx, v, 32, CK_LICENSE_VENDOR_PUBLIC_KEY_HEX, (size_t)-1, "v"), CK_OK);
    cr_assert_arr_eq(v, ck_license_vendor_public_key(), 32);
    ck_ctx_destroy(&ctx);
}

/* ---------------------------------------------------------------- round trip */

static const char *k_simple =
    "{\"format\":1,\"license_id\":\"P-1\",\"licensee\":\"ACME\",\"edition\":\"professional\","
    "\"domains\":[\"risk\",\"graph\"],\"features\":[\"k2k\"],\"gpu_native\":true,\"max_kernels\":3,"
    "\"expires\":2000000000,\"issued_at\":1600000000}";

Test(license, keygen_sign_parse_round_trip)
{
    ck_ctx_t *ctx = new_ctx();
    uint8_t pk[32], sk[64], pk2[32], sk2[64];
    cr_assert_eq(ck_license_keygen(ctx, pk, sk), CK_OK);
    cr_assert_eq(ck_license_keygen(ctx, pk2, sk2), CK_OK);
    cr_assert(memcmp(pk, pk2, 32) != 0);
    cr_assert_arr_eq(sk + 32, pk, 32); /* libsodium layout: seed || public key */

    char *signed_json = NULL;
    cr_assert_eq(ck_license_sign(ctx, &signed_json, k_simple, (size_t)-1, sk), CK_OK, "%s", ck_ctx_error(ctx));
    ck_license_t *lic = NULL;
    cr_assert_eq(ck_license_parse(ctx, &lic, signed_json, strlen(signed_json), pk), CK_OK, "%s",
                 ck_ctx_error(ctx));
    cr_assert_eq(ck_license_edition(lic), CK_EDITION_PROFESSIONAL);
    cr_assert_str_eq(ck_license_id(lic), "P-1");
    cr_assert_str_eq(ck_license_licensee(lic), "ACME");
    cr_assert(ck_license_domain_licensed(lic, CK_DOMAIN_RISK));
    cr_assert(ck_license_domain_licensed(lic, CK_DOMAIN_GRAPH));
    cr_assert_not(ck_license_domain_licensed(lic, CK_DOMAIN_ML));
    cr_assert_not(ck_license_domain_licensed(lic, CK_DOMAIN_CORE));
    cr_assert_not(ck_license_domain_licensed(lic, (ck_domain_t)CK_DOMAIN_COUNT));
    cr_assert_not(ck_license_all_domains(lic));
    cr_assert_not(ck_license_all_features(lic));
    cr_assert(ck_license_feature_granted(lic, "k2k"));
    cr_assert_not(ck_license_feature_granted(lic, "ring"));
    cr_assert(ck_license_feature_granted(lic, NULL));
    cr_assert_eq(ck_license_feature_count(lic), 1);
    cr_assert_str_eq(ck_license_feature_at(lic, 0), "k2k");
    cr_assert_null(ck_license_feature_at(lic, 1));
    cr_assert(ck_license_gpu_native(lic));
    cr_assert_eq(ck_license_max_kernels(lic), 3);
    cr_assert_eq(ck_license_not_before(lic), CK_LICENSE_NO_NOT_BEFORE);
    cr_assert_eq(ck_license_expires(lic), 2000000000);
    cr_assert_eq(ck_license_issued_at(lic), 1600000000);
    uint8_t signer[32];
    cr_assert(ck_license_signed(lic, signer));
    cr_assert_arr_eq(signer, pk, 32);
    ck_license_destroy(&lic);
    cr_assert_null(lic);
    ck_license_destroy(&lic); /* no-op */

    /* Another key, and the vendor key, do not verify it. */
    cr_assert_eq(ck_license_parse(ctx, &lic, signed_json, (size_t)-1, pk2), CK_E_SIGNATURE);
    cr_assert_null(lic);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "signature");
    cr_assert_eq(ck_license_parse(ctx, &lic, signed_json, (size_t)-1, NULL), CK_E_SIGNATURE);
    cr_assert(strstr(ck_ctx_error(ctx), "vendor"), "%s", ck_ctx_error(ctx));

    /* Re-signing a signed license replaces the signature with the same one (deterministic). */
    char *again = NULL;
    cr_assert_eq(ck_license_sign(ctx, &again, signed_json, (size_t)-1, sk), CK_OK);
    cr_assert_str_eq(again, signed_json);
    ck_ctx_free(ctx, again);
    ck_ctx_free(ctx, signed_json);
    ck_ctx_destroy(&ctx);
}

Test(license, sign_rejects_bad_key_and_bad_input)
{
    ck_ctx_t *ctx = new_ctx();
    uint8_t pk[32], sk[64];
    cr_assert_eq(ck_license_keygen(ctx, pk, sk), CK_OK);
    char *out = (char *)"sentinel";
    sk[40] ^= 1; /* public half no longer matches the seed */
    cr_assert_eq(ck_license_sign(ctx, &out, k_simple, (size_t)-1, sk), CK_E_INVALID_INPUT);
    cr_assert_null(out);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "secret_key");
    sk[40] ^= 1;
    const char *bad = "{\"format\":1,\"license_id\":\"X\",\"licensee\":\"Y\",\"edition\":\"community\","
                      "\"domains\":[\"graph\",\"nope\"],\"issued_at\":1}";
    cr_assert_eq(ck_license_sign(ctx, &out, bad, (size_t)-1, sk), CK_E_INVALID_INPUT);
    cr_assert_null(out);
    cr_assert_str_eq(ck_ctx_error(ctx), "domains[1]: unknown domain 'nope'");
    ck_ctx_destroy(&ctx);
}

/* ---------------------------------------------------------------- independent oracle */

Test(license, python_signed_fixtures_verify)
{
    ck_ctx_t *ctx = new_ctx();
    ck_license_t *lic = NULL;
    /* Pretty-printed, members out of order, raw UTF-8: the signature covers content, not layout. */
    cr_assert_eq(parse_fixture(ctx, &lic, "enterprise.json"), CK_OK, "%s", ck_ctx_error(ctx));
    cr_assert_eq(ck_license_edition(lic), CK_EDITION_ENTERPRISE);
    cr_assert_str_eq(ck_license_id(lic), "ENT-2024/0001");
    cr_assert_str_eq(ck_license_licensee(lic), "Z\xc3\xbcrich \xc3\x9cn\xc3\xaf"
                                               "code Bank \"Test\" / Back\\slash \xf0\x9f\x8f\xa6 \xe2\x80\x94 \xc2\xbd");
    cr_assert(ck_license_all_domains(lic));
    for (int d = 0; d < CK_DOMAIN_COUNT; d++) cr_assert(ck_license_domain_licensed(lic, (ck_domain_t)d));
    cr_assert_eq(ck_license_feature_count(lic), 4);
    cr_assert_str_eq(ck_license_feature_at(lic, 2), "gpu");
    cr_assert(ck_license_gpu_native(lic));
    cr_assert_eq(ck_license_max_kernels(lic), 0);
    cr_assert_eq(ck_license_expires(lic), CK_LICENSE_NO_EXPIRY);
    cr_assert_eq(ck_license_issued_at(lic), 1700000000);
    ck_license_destroy(&lic);

    cr_assert_eq(parse_fixture(ctx, &lic, "community.json"), CK_OK, "%s", ck_ctx_error(ctx));
    cr_assert_eq(ck_license_edition(lic), CK_EDITION_COMMUNITY);
    cr_assert_str_eq(ck_license_licensee(lic), "Small Credit Union");
    cr_assert(ck_license_domain_licensed(lic, CK_DOMAIN_GRAPH));
    cr_assert(ck_license_domain_licensed(lic, CK_DOMAIN_ML));
    cr_assert(ck_license_domain_licensed(lic, CK_DOMAIN_COMPLIANCE));
    cr_assert_not(ck_license_domain_licensed(lic, CK_DOMAIN_RISK));
    cr_assert_not(ck_license_gpu_native(lic));
    cr_assert_eq(ck_license_max_kernels(lic), 10);
    cr_assert_eq(ck_license_not_before(lic), 1704067200);
    cr_assert_eq(ck_license_expires(lic), 1767225600);
    ck_license_destroy(&lic);

    /* Test key B did not sign them. */
    uint8_t pk_b[32];
    read_key("test_b_public.key", pk_b, 32);
    cr_assert_eq(ck_license_load_file(ctx, &lic, LIC_DIR "community.json", pk_b), CK_E_SIGNATURE);
    cr_assert_null(lic);
    ck_ctx_destroy(&ctx);
}

Test(license, c_signer_matches_python_signer)
{
    ck_ctx_t *ctx = new_ctx();
    uint8_t sk[64];
    read_key("test_a_secret.key", sk, 64);
    char *unsigned_json = json_text_of("enterprise_unsigned.json");
    char *expected = json_text_of("enterprise_signed_canonical.json");
    char *out = NULL;
    cr_assert_eq(ck_license_sign(ctx, &out, unsigned_json, strlen(unsigned_json), sk), CK_OK, "%s",
                 ck_ctx_error(ctx));
    /* Byte-identical canonical text (escapes, surrogate pairs, member order) and signature. */
    cr_assert_str_eq(out, expected);

    json_t *py = json_load_file(LIC_DIR "enterprise.json", 0, NULL);
    json_t *c = json_loads(out, 0, NULL);
    cr_assert(py && c);
    cr_assert_str_eq(signature_of(c), signature_of(py));
    json_decref(py);
    json_decref(c);
    ck_ctx_free(ctx, out);
    free(unsigned_json);
    free(expected);
    ck_ctx_destroy(&ctx);
}

/* ---------------------------------------------------------------- tampering */

/* Every single-byte change of a compact ASCII signed license must be rejected. */
static void flip_every_byte_strict(const char *text, size_t len, const uint8_t *pk)
{
    static const unsigned masks[] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff};
    ck_ctx_t *ctx = new_ctx();
    char *copy = malloc(len + 1);
    cr_assert(copy);
    ck_license_t *lic = NULL;
    cr_assert_eq(ck_license_parse(ctx, &lic, text, len, pk), CK_OK, "%s", ck_ctx_error(ctx));
    ck_license_destroy(&lic);
    size_t tried = 0;
    for (size_t i = 0; i < len; i++) {
        for (size_t m = 0; m < sizeof masks / sizeof *masks; m++) {
            memcpy(copy, text, len + 1);
            copy[i] = (char)((unsigned char)copy[i] ^ masks[m]);
            ck_status_t s = ck_license_parse(ctx, &lic, copy, len, pk);
            cr_assert(s == CK_E_SIGNATURE || s == CK_E_INVALID_INPUT,
                      "byte %zu ^ 0x%02x: status %d (%s) for %s", i, masks[m], (int)s, ck_ctx_error(ctx), copy);
            cr_assert_null(lic);
            tried++;
        }
    }
    cr_assert_eq(tried, len * 9);
    free(copy);
    ck_ctx_destroy(&ctx);
}

Test(license, tamper_every_byte_python_fixture)
{
    uint8_t pk[32];
    read_key("test_a_public.key", pk, 32);
    size_t len = 0;
    char *text = read_text(LIC_DIR "community.json", &len);
    flip_every_byte_strict(text, len, pk);
    free(text);
}

Test(license, tamper_every_byte_c_signed)
{
    ck_ctx_t *ctx = new_ctx();
    uint8_t pk[32], sk[64];
    cr_assert_eq(ck_license_keygen(ctx, pk, sk), CK_OK);
    char *signed_json = NULL;
    cr_assert_eq(ck_license_sign(ctx, &signed_json, k_simple, (size_t)-1, sk), CK_OK);
    flip_every_byte_strict(signed_json, strlen(signed_json), pk);
    ck_ctx_free(ctx, signed_json);
    ck_ctx_destroy(&ctx);
}

/* A file with \u escapes has spellings of the same content (\u00e9 vs \u00E9): a changed byte may
 * then still verify, but never with changed content. */
Test(license, tamper_with_escapes_never_changes_content)
{
    ck_ctx_t *ctx = new_ctx();
    uint8_t pk[32];
    read_key("test_a_public.key", pk, 32);
    char *text = json_text_of("enterprise_signed_canonical.json");
    size_t len = strlen(text);
    ck_license_t *lic = NULL;
    char *ref = NULL, *got = NULL;
    cr_assert_eq(ck_license_parse(ctx, &lic, text, len, pk), CK_OK, "%s", ck_ctx_error(ctx));
    cr_assert_eq(ck_license_to_json(ctx, &ref, lic, false), CK_OK);
    ck_license_destroy(&lic);
    size_t accepted = 0;
    for (size_t i = 0; i < len; i++) {
        for (unsigned mask = 0x01; mask <= 0x80; mask <<= 1) {
            char saved = text[i];
            text[i] = (char)((unsigned char)text[i] ^ mask);
            ck_status_t s = ck_license_parse(ctx, &lic, text, len, pk);
            text[i] = saved;
            if (s == CK_OK) {
                accepted++;
                cr_assert_eq(ck_license_to_json(ctx, &got, lic, false), CK_OK);
                cr_assert_str_eq(got, ref, "byte %zu ^ 0x%02x changed the content", i, mask);
                ck_ctx_free(ctx, got);
                ck_license_destroy(&lic);
            } else {
                cr_assert(s == CK_E_SIGNATURE || s == CK_E_INVALID_INPUT);
            }
        }
    }
    /* Only hex-digit case flips inside \uXXXX escapes (bit 0x20 of a-f) keep the content. */
    cr_assert_gt(accepted, 0);
    ck_ctx_free(ctx, ref);
    free(text);
    ck_ctx_destroy(&ctx);
}

/* ---------------------------------------------------------------- validation */

typedef struct bad_case {
    const char *member;   /* member to set (or delete when json is NULL) */
    const char *json;     /* its new value as JSON text */
    const char *field;    /* expected error field */
    const char *message;  /* expected full error message */
} bad_case_t;

static const bad_case_t k_bad[] = {
    {"seats", "5", "seats", "seats: unknown field in a license"},
    {"edition", "\"ultimate\"", "edition",
     "edition: unknown edition 'ultimate' (expected development, community, professional or enterprise)"},
    {"edition", "3", "edition", "edition: must be a string, got an integer"},
    {"domains", "[\"graph\",\"ml\",\"foo\"]", "domains[2]", "domains[2]: unknown domain 'foo'"},
    {"domains", "[\"graph\",\"graph\"]", "domains[1]", "domains[1]: duplicate domain 'graph'"},
    {"domains", "[]", "domains", "domains: must list at least one domain (or be \"*\")"},
    {"domains", "\"all\"", "domains", "domains: must be \"*\" or an array of domain names, got a string"},
    {"domains", "[\"graph\",1]", "domains[1]", "domains[1]: must be a domain name, got an integer"},
    {"domains", NULL, "domains", "domains: required field is missing"},
    {"features", "[\"ring\",\"Ring\"]", "features[1]", NULL},
    {"features", "[\"ring\",\"ring\"]", "features[1]", "features[1]: duplicate feature 'ring'"},
    {"features", "{}", "features", "features: must be \"*\" or an array of feature names, got an object"},
    {"gpu_native", "\"yes\"", "gpu_native", "gpu_native: must be a boolean, got a string"},
    {"max_kernels", "-1", "max_kernels", "max_kernels: must be >= 0, got -1"},
    {"max_kernels", "1.5", "max_kernels", "max_kernels: must be an integer, got a real number"},
    {"format", "2", "format", "format: unsupported license format 2 (this library reads format 1)"},
    {"format", NULL, "format", "format: required field is missing"},
    {"license_id", NULL, "license_id", "license_id: required field is missing"},
    {"licensee", "\"\"", "licensee", "licensee: must not be empty"},
    {"licensee", "\"a\\nb\"", "licensee", "licensee: must not contain control characters"},
    {"expires", "1704067200", "expires", "expires: must be after not_before (1704067200 <= 1704067200)"},
    {"not_before", "null", "not_before", "not_before: must be an integer, got null"},
    {"issued_at", NULL, "issued_at", "issued_at: required field is missing"},
    {"signature", NULL, "signature", NULL},
    {"signature", "\"B4FF\"", "signature", "signature: must be 128 lower-case hex digits, got 4 characters"},
    {"signature", "7", "signature", "signature: must be a string, got an integer"},
};

Test(license, bad_fields_are_named)
{
    ck_ctx_t *ctx = new_ctx();
    uint8_t pk[32];
    read_key("test_a_public.key", pk, 32);
    for (size_t i = 0; i < sizeof k_bad / sizeof *k_bad; i++) {
        const bad_case_t *c = &k_bad[i];
        json_t *root = json_load_file(LIC_DIR "community.json", 0, NULL);
        cr_assert(root);
        if (c->json) {
            json_t *v = json_loads(c->json, JSON_DECODE_ANY, NULL);
            cr_assert(v, "%s", c->json);
            json_object_set_new(root, c->member, v);
        } else {
            json_object_del(root, c->member);
        }
        char *text = json_dumps(root, JSON_COMPACT);
        ck_license_t *lic = NULL;
        ck_status_t s = ck_license_parse(ctx, &lic, text, strlen(text), pk);
        cr_assert_eq(s, CK_E_INVALID_INPUT, "case %zu (%s): status %d", i, c->member, (int)s);
        cr_assert_null(lic);
        cr_assert_str_eq(ck_ctx_error_field(ctx), c->field, "case %zu: %s", i, ck_ctx_error(ctx));
        if (c->message) cr_assert_str_eq(ck_ctx_error(ctx), c->message);
        free(text);
        json_decref(root);
    }
    ck_ctx_destroy(&ctx);
}

Test(license, bad_text)
{
    ck_ctx_t *ctx = new_ctx();
    ck_license_t *lic = NULL;
    cr_assert_eq(ck_license_parse(ctx, &lic, "{\"format\":1,", (size_t)-1, NULL), CK_E_INVALID_INPUT);
    cr_assert(strstr(ck_ctx_error(ctx), "not valid JSON (line 1"), "%s", ck_ctx_error(ctx));
    cr_assert_eq(ck_license_parse(ctx, &lic, "[1,2]", (size_t)-1, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error(ctx), "license must be a JSON object, got an array");
    /* Duplicate members would let two readers disagree on what was signed. */
    cr_assert_eq(ck_license_parse(ctx, &lic, "{\"edition\":\"community\",\"edition\":\"enterprise\"}", (size_t)-1,
                                  NULL),
                 CK_E_INVALID_INPUT);
    cr_assert(strstr(ck_ctx_error(ctx), "duplicate"), "%s", ck_ctx_error(ctx));
    cr_assert_eq(ck_license_parse(ctx, &lic, "", 0, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_license_parse(ctx, NULL, "{}", 2, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_license_parse(ctx, &lic, NULL, 2, NULL), CK_E_INVALID_INPUT);
    cr_assert_null(lic);

    /* Long licensee, too many features. */
    json_t *root = json_load_file(LIC_DIR "community.json", 0, NULL);
    char name[300];
    memset(name, 'x', 256);
    name[256] = '\0';
    json_object_set_new(root, "licensee", json_string(name));
    char *text = json_dumps(root, JSON_COMPACT);
    cr_assert_eq(ck_license_parse(ctx, &lic, text, (size_t)-1, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error(ctx), "licensee: too long (256 bytes, at most 255)");
    free(text);
    json_object_set_new(root, "licensee", json_string("ok"));
    json_t *feats = json_array();
    for (int i = 0; i < 33; i++) {
        char f[16];
        snprintf(f, sizeof f, "f%d", i);
        json_array_append_new(feats, json_string(f));
    }
    json_object_set_new(root, "features", feats);
    text = json_dumps(root, JSON_COMPACT);
    cr_assert_eq(ck_license_parse(ctx, &lic, text, (size_t)-1, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error(ctx), "features: too many features (33, at most 32)");
    free(text);
    json_decref(root);
    ck_ctx_destroy(&ctx);
}

Test(license, signed_but_invalid_is_still_rejected)
{
    ck_ctx_t *ctx = new_ctx();
    ck_license_t *lic = NULL;
    cr_assert_eq(parse_fixture(ctx, &lic, "signed_unknown_field.json"), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error(ctx), "seats: unknown field in a license");
    cr_assert_eq(parse_fixture(ctx, &lic, "signed_bad_domain.json"), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error(ctx), "domains[2]: unknown domain 'foo'");
    cr_assert_null(lic);
    ck_ctx_destroy(&ctx);
}

Test(license, development_file_must_be_signed)
{
    ck_ctx_t *ctx = new_ctx();
    ck_license_t *lic = NULL;
    cr_assert_eq(parse_fixture(ctx, &lic, "development_unsigned.json"), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "signature");
    cr_assert(strstr(ck_ctx_error(ctx), "must be signed"), "%s", ck_ctx_error(ctx));
    cr_assert_null(lic);
    cr_assert_eq(parse_fixture(ctx, &lic, "development_signed.json"), CK_OK, "%s", ck_ctx_error(ctx));
    cr_assert_eq(ck_license_edition(lic), CK_EDITION_DEVELOPMENT);
    cr_assert(ck_license_all_features(lic));
    cr_assert(ck_license_feature_granted(lic, "anything"));
    cr_assert_eq(ck_license_feature_count(lic), 0);
    cr_assert(ck_license_signed(lic, NULL));
    ck_license_destroy(&lic);
    ck_ctx_destroy(&ctx);
}

Test(license, load_file_errors)
{
    ck_ctx_t *ctx = new_ctx();
    ck_license_t *lic = NULL;
    cr_assert_eq(ck_license_load_file(ctx, &lic, LIC_DIR "no-such-license.json", NULL), CK_E_IO);
    cr_assert(strstr(ck_ctx_error(ctx), "no-such-license.json: cannot open license file"), "%s", ck_ctx_error(ctx));
    cr_assert_null(lic);
    ck_ctx_destroy(&ctx);
}

/* ---------------------------------------------------------------- permits */

Test(license, development_default_permits_everything)
{
    ck_ctx_t *ctx = new_ctx();
    cr_assert_null(ck_ctx_license(ctx));
    for (int d = 0; d < CK_DOMAIN_COUNT; d++) {
        ck_kernel_t k = make_kernel("x/y", (ck_domain_t)d, "whatever", true);
        cr_assert_eq(cki_license_permits(ctx, &k, 0), CK_OK);
        cr_assert_eq(cki_license_permits(ctx, &k, INT64_MAX), CK_OK);
    }
    /* Accessors read NULL as the development license. */
    cr_assert_eq(ck_license_edition(NULL), CK_EDITION_DEVELOPMENT);
    cr_assert_str_eq(ck_license_id(NULL), "development");
    cr_assert(ck_license_gpu_native(NULL));
    cr_assert(ck_license_all_domains(NULL));
    cr_assert_eq(ck_license_max_kernels(NULL), 0);
    cr_assert_not(ck_license_signed(NULL, NULL));
    cr_assert_eq(ck_license_check_time(ctx, NULL, INT64_MIN), CK_OK);

    /* The explicit development license does the same when set on a context. */
    ck_license_t *dev = NULL;
    cr_assert_eq(ck_license_development(ctx, &dev), CK_OK);
    cr_assert_eq(ck_ctx_set_license(ctx, dev), CK_OK);
    ck_license_destroy(&dev);
    cr_assert_not_null(ck_ctx_license(ctx));
    ck_kernel_t k = make_kernel("audit/z", CK_DOMAIN_AUDIT, "ring", true);
    cr_assert_eq(cki_license_permits(ctx, &k, 1), CK_OK);
    char *json = NULL;
    cr_assert_eq(ck_license_to_json(ctx, &json, ck_ctx_license(ctx), false), CK_OK);
    cr_assert_str_eq(json, "{\"domains\":\"*\",\"edition\":\"development\",\"features\":\"*\",\"format\":1,"
                           "\"gpu_native\":true,\"issued_at\":0,\"license_id\":\"development\","
                           "\"licensee\":\"development\",\"max_kernels\":0,\"signed\":false}");
    ck_ctx_free(ctx, json);
    ck_ctx_destroy(&ctx);
}

static ck_ctx_t *ctx_with_community(void)
{
    ck_ctx_t *ctx = new_ctx();
    ck_license_t *lic = NULL;
    cr_assert_eq(parse_fixture(ctx, &lic, "community.json"), CK_OK, "%s", ck_ctx_error(ctx));
    cr_assert_eq(ck_ctx_set_license(ctx, lic), CK_OK);
    ck_license_destroy(&lic); /* the context keeps its own copy */
    return ctx;
}

Test(license, permits_domain)
{
    ck_ctx_t *ctx = ctx_with_community();
    ck_kernel_t ok = make_kernel("graph/pagerank", CK_DOMAIN_GRAPH, NULL, false);
    cr_assert_eq(cki_license_permits(ctx, &ok, IN_WINDOW), CK_OK);
    ck_kernel_t risk = make_kernel("risk/var", CK_DOMAIN_RISK, NULL, false);
    cr_assert_eq(cki_license_permits(ctx, &risk, IN_WINDOW), CK_E_LICENSE);
    cr_assert_eq(ck_ctx_error_status(ctx), CK_E_LICENSE);
    cr_assert_str_eq(ck_ctx_error(ctx),
                     "risk/var: domain 'risk' is not licensed (license COM-7, licensee Small Credit Union)");
    ck_kernel_t core = make_kernel("core/vector-add", CK_DOMAIN_CORE, NULL, false);
    cr_assert_eq(cki_license_permits(ctx, &core, IN_WINDOW), CK_E_LICENSE);
    /* Restoring the development license unlocks it. */
    cr_assert_eq(ck_ctx_set_license(ctx, NULL), CK_OK);
    cr_assert_eq(cki_license_permits(ctx, &risk, IN_WINDOW), CK_OK);
    ck_ctx_destroy(&ctx);
}

Test(license, permits_feature_and_gpu)
{
    ck_ctx_t *ctx = ctx_with_community();
    ck_kernel_t ring = make_kernel("ml/kmeans", CK_DOMAIN_ML, "ring", false);
    cr_assert_eq(cki_license_permits(ctx, &ring, IN_WINDOW), CK_OK);
    ck_kernel_t k2k = make_kernel("ml/pipeline", CK_DOMAIN_ML, "k2k", false);
    cr_assert_eq(cki_license_permits(ctx, &k2k, IN_WINDOW), CK_E_LICENSE);
    cr_assert_str_eq(ck_ctx_error(ctx),
                     "ml/pipeline: feature 'k2k' is not granted (license COM-7, licensee Small Credit Union)");
    ck_kernel_t gpu = make_kernel("graph/gpu-bfs", CK_DOMAIN_GRAPH, NULL, true);
    cr_assert_eq(cki_license_permits(ctx, &gpu, IN_WINDOW), CK_E_LICENSE);
    cr_assert_str_eq(ck_ctx_error(ctx), "graph/gpu-bfs: requires GPU-native execution, which the license does not "
                                        "grant (license COM-7, licensee Small Credit Union)");
    ck_ctx_destroy(&ctx);

    /* The enterprise fixture grants GPU-native and k2k. */
    ctx = new_ctx();
    ck_license_t *lic = NULL;
    cr_assert_eq(parse_fixture(ctx, &lic, "enterprise.json"), CK_OK);
    cr_assert_eq(ck_ctx_set_license(ctx, lic), CK_OK);
    ck_license_destroy(&lic);
    cr_assert_eq(cki_license_permits(ctx, &gpu, IN_WINDOW), CK_OK);
    cr_assert_eq(cki_license_permits(ctx, &k2k, IN_WINDOW), CK_OK);
    ck_kernel_t other = make_kernel("ml/x", CK_DOMAIN_ML, "streaming", false);
    cr_assert_eq(cki_license_permits(ctx, &other, IN_WINDOW), CK_E_LICENSE);
    ck_ctx_destroy(&ctx);
}

Test(license, permits_time_window)
{
    ck_ctx_t *ctx = ctx_with_community();
    ck_kernel_t k = make_kernel("graph/pagerank", CK_DOMAIN_GRAPH, NULL, false);
    /* Valid for 1704067200 (2024-01-01) <= now < 1767225600 (2026-01-01). */
    cr_assert_eq(cki_license_permits(ctx, &k, 1704067200), CK_OK);
    cr_assert_eq(cki_license_permits(ctx, &k, 1767225599), CK_OK);
    cr_assert_eq(cki_license_permits(ctx, &k, 1704067199), CK_E_LICENSE);
    cr_assert_str_eq(ck_ctx_error(ctx), "graph/pagerank: license not valid before 2024-01-01T00:00:00Z "
                                        "(license COM-7, licensee Small Credit Union)");
    cr_assert_eq(cki_license_permits(ctx, &k, 1767225600), CK_E_LICENSE);
    cr_assert_str_eq(ck_ctx_error(ctx), "graph/pagerank: license expired at 2026-01-01T00:00:00Z "
                                        "(license COM-7, licensee Small Credit Union)");
    const ck_license_t *lic = ck_ctx_license(ctx);
    cr_assert_eq(ck_license_check_time(ctx, lic, IN_WINDOW), CK_OK);
    cr_assert_eq(ck_license_check_time(ctx, lic, 1800000000), CK_E_LICENSE);
    cr_assert_str_eq(ck_ctx_error(ctx), "license expired at 2026-01-01T00:00:00Z (license COM-7, licensee Small "
                                        "Credit Union)");
    cr_assert_eq(ck_license_check_time(NULL, lic, 0), CK_E_LICENSE);
    ck_ctx_destroy(&ctx);
}

Test(license, to_json_describes_license)
{
    ck_ctx_t *ctx = ctx_with_community();
    char *json = NULL;
    cr_assert_eq(ck_license_to_json(ctx, &json, ck_ctx_license(ctx), false), CK_OK);
    cr_assert_str_eq(json, "{\"domains\":[\"graph\",\"ml\",\"compliance\"],\"edition\":\"community\","
                           "\"expires\":1767225600,\"features\":[\"ring\",\"iterative\"],\"format\":1,"
                           "\"gpu_native\":false,\"issued_at\":1703980800,\"license_id\":\"COM-7\","
                           "\"licensee\":\"Small Credit Union\",\"max_kernels\":10,\"not_before\":1704067200,"
                           "\"signed\":true}");
    ck_ctx_free(ctx, json);
    cr_assert_eq(ck_license_to_json(ctx, &json, ck_ctx_license(ctx), true), CK_OK);
    cr_assert(strstr(json, "\n  \"edition\": \"community\",\n"), "%s", json);
    ck_ctx_free(ctx, json);
    ck_ctx_destroy(&ctx);
}

/* ---------------------------------------------------------------- allocation failures */

/* One pass of everything that allocates; returns the first failing status. */
static ck_status_t alloc_scenario(ck_ctx_t *ctx, const char *unsigned_json, const uint8_t *pk, const uint8_t *sk)
{
    char *out = NULL, *desc = NULL;
    ck_license_t *lic = NULL, *dev = NULL, *file = NULL;
    ck_status_t s = ck_license_sign(ctx, &out, unsigned_json, (size_t)-1, sk);
    if (s == CK_OK) s = ck_license_parse(ctx, &lic, out, strlen(out), pk);
    if (s == CK_OK) s = ck_license_to_json(ctx, &desc, lic, true);
    if (s == CK_OK) s = ck_ctx_set_license(ctx, lic);
    if (s == CK_OK) s = ck_license_development(ctx, &dev);
    if (s == CK_OK) s = ck_license_load_file(ctx, &file, LIC_DIR "community.json", pk);
    ck_ctx_free(ctx, out);
    ck_ctx_free(ctx, desc);
    ck_license_destroy(&lic);
    ck_license_destroy(&dev);
    ck_license_destroy(&file);
    return s;
}

Test(license, allocation_failures_leak_nothing)
{
    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, &sweep_alloc), CK_OK); /* alloc_sweep.h's failing allocator */
    long base = sweep_live;
    uint8_t pk[32], sk[64];
    read_key("test_a_public.key", pk, 32);
    read_key("test_a_secret.key", sk, 64);
    char *unsigned_json = json_text_of("enterprise_unsigned.json");
    long k;
    for (k = 0; k < 1000; k++) {
        sweep_n_allocs = 0;
        sweep_fail_at = k;
        ck_status_t s = alloc_scenario(ctx, unsigned_json, pk, sk);
        cr_assert_eq(ck_ctx_set_license(ctx, NULL), CK_OK);
        cr_assert_eq(sweep_live, base, "leak after failing allocation %ld", k);
        if (s == CK_OK) break;
        cr_assert_eq(s, CK_E_NOMEM, "fail at %ld: %d (%s)", k, (int)s, ck_ctx_error(ctx));
    }
    cr_assert_gt(k, 5, "the scenario makes several allocations");
    cr_assert_lt(k, 1000, "the sweep never completed");
    free(unsigned_json);
    sweep_fail_at = -1;
    ck_ctx_destroy(&ctx);
    cr_assert_eq(sweep_live, 0);
}
