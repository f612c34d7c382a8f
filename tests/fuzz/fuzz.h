/* Fuzz entry points, shared by the libFuzzer targets (clang, CK_BUILD_FUZZ) and the regression
 * runner that replays tests/fuzz/corpus/ in every build. Each returns 0; a bug shows up as a
 * crash, a sanitizer report or a failed internal check (abort). */
#ifndef CK_FUZZ_H
#define CK_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* First byte picks the kernel (index modulo the registry size); the rest is its JSON input. */
int ck_fuzz_execute_json(const uint8_t *data, size_t size);
/* The whole input is a license file, verified against a fixed test key; it is also signed with
 * the matching secret key, and whatever signs must then verify. */
int ck_fuzz_license(const uint8_t *data, size_t size);

#endif
