/* Fuzz target: the license parser/verifier, and the signer round trip. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ckernels.h"
#include "fuzz.h"

int ck_fuzz_license(const uint8_t *data, size_t size)
{
    /* A fixed test key pair from a fixed seed: fuzzed files are checked against it. */
    static const unsigned char seed[crypto_sign_SEEDBYTES] = "ckernels-fuzz-test-key-seed-0001";
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    if (sodium_init() < 0 || crypto_sign_seed_keypair(pk, sk, seed) != 0) abort();

    ck_ctx_t *ctx = NULL;
    if (ck_ctx_create(&ctx, NULL) != CK_OK) return 0;
    ck_license_t *lic = NULL;
    const char *text = (const char *)data;
    if (ck_license_parse(ctx, &lic, text, size, pk) == CK_OK) {
        char *desc = NULL;
        if (ck_license_to_json(ctx, &desc, lic, false) != CK_OK) abort();
        ck_ctx_free(ctx, desc);
        ck_license_check_time(ctx, lic, 0);
        ck_license_destroy(&lic);
    }
    /* Whatever the signer accepts must verify with the matching public key. */
    char *signed_json = NULL;
    if (ck_license_sign(ctx, &signed_json, text, size, sk) == CK_OK) {
        if (ck_license_parse(ctx, &lic, signed_json, strlen(signed_json), pk) != CK_OK) abort();
        ck_license_destroy(&lic);
        ck_ctx_free(ctx, signed_json);
    }
    ck_ctx_destroy(&ctx);
    return 0;
}

#ifdef CK_FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return ck_fuzz_license(data, size); }
#endif
