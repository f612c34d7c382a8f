/* CKernels — exact fixed-point money (DESIGN.md §4 "Fixed point").
 *
 * Two types, both small structs around a signed integer "raw" value so that they cannot be mixed
 * with plain integers or with each other by accident (a bare `a + b` would be a silent wrap):
 *
 *   ck_fixed128_t  raw / 10^18, raw a signed 128-bit integer (the seed's accounting scale).
 *                  Range [-2^127, 2^127 - 1] raw, i.e. about ±1.7e20 with 18 decimals.
 *   ck_fixed64_t   raw / 10^8,  raw an int64 (compact ring-message payloads).
 *                  Range [-2^63, 2^63 - 1] raw, i.e. about ±9.2e10 with 8 decimals.
 *
 * The full two's-complement range is valid, so neg/abs of the most negative value overflow.
 * Needs a compiler with __int128 (gcc, clang) and C99 or later inline semantics.
 *
 * Semantics follow Python's decimal module: every result is the exact mathematical result,
 * rounded once to the type's scale with the caller's rounding mode (the same as
 * Decimal(exact).quantize(Decimal("1e-18"), rounding=...)), then range-checked. Overflow is always
 * reported (CK_E_OVERFLOW), never wrapped; the check is made after rounding.
 *
 * Calling convention: these functions are pure (no ctx, no allocation, no global state, thread
 * safe). Every operation that can fail returns ck_status_t and leaves *out unchanged on error;
 * operations that cannot fail (cmp, sign, widening, to_double, from_int64 into fixed128, raw
 * access) return their result directly, like ck_status_name(). NULL output pointers and unknown
 * rounding modes are CK_E_INVALID_INPUT. Division by zero is CK_E_INVALID_INPUT (a caller error,
 * not an arithmetic overflow). add/sub/neg/abs are inline in this header and also exported. */
#ifndef CKERNELS_FIXED_H
#define CKERNELS_FIXED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ckernels/export.h"
#include "ckernels/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* __extension__ keeps -pedantic consumers quiet; __int128 is a gcc/clang extension. */
__extension__ typedef __int128 ck_int128_t;
__extension__ typedef unsigned __int128 ck_uint128_t;

typedef struct ck_fixed128 {
    ck_int128_t raw; /* value * 10^18 */
} ck_fixed128_t;

typedef struct ck_fixed64 {
    int64_t raw; /* value * 10^8 */
} ck_fixed64_t;

#define CK_FIXED128_DECIMALS 18
#define CK_FIXED64_DECIMALS 8
/* raw value of 1 */
#define CK_FIXED128_ONE_RAW ((ck_int128_t)1000000000000000000LL)
#define CK_FIXED64_ONE_RAW ((int64_t)100000000LL)
/* Largest formatted length including the terminating NUL:
 * "-170141183460469231731.687303715884105728" and "-92233720368.54775808". */
#define CK_FIXED128_STR_MAX 42
#define CK_FIXED64_STR_MAX 22

/* Rounding modes, named and defined as in Python's decimal module. */
typedef enum ck_rounding {
    CK_ROUND_HALF_EVEN = 0, /* nearest, ties to even (banker's rounding); the default */
    CK_ROUND_HALF_UP,       /* nearest, ties away from zero */
    CK_ROUND_HALF_DOWN,     /* nearest, ties toward zero */
    CK_ROUND_DOWN,          /* toward zero (truncate) */
    CK_ROUND_UP,            /* away from zero */
    CK_ROUND_FLOOR,         /* toward -infinity */
    CK_ROUND_CEILING        /* toward +infinity */
} ck_rounding_t;

/* Formatting styles. Neither ever produces "-0", an exponent or a leading '+'. */
typedef enum ck_fixed_format {
    CK_FIXED_FORMAT_TRIM = 0, /* minimal: "1234.56", "-0.5", "100" (no '.' for integers) */
    CK_FIXED_FORMAT_FULL      /* every decimal of the scale: "1234.560000000000000000" */
} ck_fixed_format_t;

/* ---- raw access (never fails) */
static inline ck_fixed128_t ck_fixed128_from_raw(ck_int128_t raw) {
    ck_fixed128_t r = {raw};
    return r;
}
static inline ck_fixed64_t ck_fixed64_from_raw(int64_t raw) {
    ck_fixed64_t r = {raw};
    return r;
}

/* ---- parsing. Grammar (ASCII only, exactly `len` bytes, no NUL terminator needed):
 *     [+|-] ( digits [ "." [digits] ] | "." digits ) [ (e|E) [+|-] digits ]
 * e.g. "12", "-0.5", "+.25", "1.", "1.5e-3", "2E+10". Rejected with CK_E_INVALID_INPUT: empty
 * input, whitespace anywhere, "nan"/"inf", "_" or "," separators, hex, a lone sign or ".", a
 * missing exponent, any other byte. Any number of digits is read exactly.
 * ck_*_parse rounds digits beyond the scale with `mode`; ck_*_parse_exact instead rejects them
 * (CK_E_INVALID_INPUT) unless they are all zero. Out of range after rounding: CK_E_OVERFLOW. */
CK_API ck_status_t ck_fixed128_parse(ck_fixed128_t *out, const char *str, size_t len, ck_rounding_t mode);
CK_API ck_status_t ck_fixed128_parse_exact(ck_fixed128_t *out, const char *str, size_t len);
CK_API ck_status_t ck_fixed64_parse(ck_fixed64_t *out, const char *str, size_t len, ck_rounding_t mode);
CK_API ck_status_t ck_fixed64_parse_exact(ck_fixed64_t *out, const char *str, size_t len);

/* ---- formatting into a caller buffer of `cap` bytes, always NUL-terminated when cap > 0.
 * *needed (may be NULL) receives the length without the NUL. When cap <= length, writes ""
 * (cap > 0) and returns CK_E_INVALID_INPUT, so callers can size a buffer with cap = 0 (buf may
 * then be NULL); CK_FIXED128_STR_MAX / CK_FIXED64_STR_MAX always suffice. */
CK_API ck_status_t ck_fixed128_format(char *buf, size_t cap, size_t *needed, ck_fixed128_t x,
                                      ck_fixed_format_t style);
CK_API ck_status_t ck_fixed64_format(char *buf, size_t cap, size_t *needed, ck_fixed64_t x,
                                     ck_fixed_format_t style);

/* ---- doubles. from_double uses the exact binary value of `d` (0.1 is
 * 0.1000000000000000055511151231257827...), rounded with `mode`: exactly
 * Decimal(d).quantize(...). NaN/inf: CK_E_INVALID_INPUT; out of range: CK_E_OVERFLOW.
 * to_double is correctly rounded: the double nearest the exact decimal value, ties to even (what
 * strtod gives for the full decimal text, without strtod's locale dependence); it never fails. */
CK_API ck_status_t ck_fixed128_from_double(ck_fixed128_t *out, double d, ck_rounding_t mode);
CK_API ck_status_t ck_fixed64_from_double(ck_fixed64_t *out, double d, ck_rounding_t mode);
CK_API double ck_fixed128_to_double(ck_fixed128_t x);
CK_API double ck_fixed64_to_double(ck_fixed64_t x);

/* ---- integers. to_int64 rounds the value to an integer with `mode`; CK_E_OVERFLOW when the
 * result does not fit int64 (or, for fixed64_from_int64, when |v| * 10^8 does not fit). */
CK_API ck_fixed128_t ck_fixed128_from_int64(int64_t v);
CK_API ck_status_t ck_fixed128_to_int64(int64_t *out, ck_fixed128_t x, ck_rounding_t mode);
CK_API ck_status_t ck_fixed64_from_int64(ck_fixed64_t *out, int64_t v);
CK_API ck_status_t ck_fixed64_to_int64(int64_t *out, ck_fixed64_t x, ck_rounding_t mode);

/* ---- between the two types: widening is exact; narrowing rounds to 8 decimals with `mode`
 * and reports CK_E_OVERFLOW when the result does not fit. */
CK_API ck_fixed128_t ck_fixed64_widen(ck_fixed64_t x);
CK_API ck_status_t ck_fixed128_narrow(ck_fixed64_t *out, ck_fixed128_t x, ck_rounding_t mode);

/* ---- multiplication and division: the exact product / quotient (computed with 256-bit
 * intermediates, no allocation) rounded once with `mode`. Division by zero: CK_E_INVALID_INPUT. */
CK_API ck_status_t ck_fixed128_mul(ck_fixed128_t *out, ck_fixed128_t a, ck_fixed128_t b, ck_rounding_t mode);
CK_API ck_status_t ck_fixed128_div(ck_fixed128_t *out, ck_fixed128_t a, ck_fixed128_t b, ck_rounding_t mode);
CK_API ck_status_t ck_fixed64_mul(ck_fixed64_t *out, ck_fixed64_t a, ck_fixed64_t b, ck_rounding_t mode);
CK_API ck_status_t ck_fixed64_div(ck_fixed64_t *out, ck_fixed64_t a, ck_fixed64_t b, ck_rounding_t mode);

/* Round to `decimals` places (-20..18 for fixed128, -10..8 for fixed64; negative rounds to tens,
 * hundreds, ...), e.g. decimals = 2 for cents. Other `decimals`: CK_E_INVALID_INPUT. */
CK_API ck_status_t ck_fixed128_round(ck_fixed128_t *out, ck_fixed128_t x, int decimals, ck_rounding_t mode);
CK_API ck_status_t ck_fixed64_round(ck_fixed64_t *out, ck_fixed64_t x, int decimals, ck_rounding_t mode);

/* ---- comparison and sign (never fail): -1, 0 or 1. */
static inline int ck_fixed128_cmp(ck_fixed128_t a, ck_fixed128_t b) {
    return (a.raw > b.raw) - (a.raw < b.raw);
}
static inline int ck_fixed64_cmp(ck_fixed64_t a, ck_fixed64_t b) {
    return (a.raw > b.raw) - (a.raw < b.raw);
}
static inline int ck_fixed128_sign(ck_fixed128_t x) { return (x.raw > 0) - (x.raw < 0); }
static inline int ck_fixed64_sign(ck_fixed64_t x) { return (x.raw > 0) - (x.raw < 0); }

/* ---- checked addition, subtraction, negation and absolute value (exact; CK_E_OVERFLOW when
 * the result is out of range). Inline for speed; fixed.c also emits exported copies. */
CK_API inline ck_status_t ck_fixed128_add(ck_fixed128_t *out, ck_fixed128_t a, ck_fixed128_t b) {
    ck_int128_t r;
    if (!out) return CK_E_INVALID_INPUT;
    if (__builtin_add_overflow(a.raw, b.raw, &r)) return CK_E_OVERFLOW;
    out->raw = r;
    return CK_OK;
}
CK_API inline ck_status_t ck_fixed128_sub(ck_fixed128_t *out, ck_fixed128_t a, ck_fixed128_t b) {
    ck_int128_t r;
    if (!out) return CK_E_INVALID_INPUT;
    if (__builtin_sub_overflow(a.raw, b.raw, &r)) return CK_E_OVERFLOW;
    out->raw = r;
    return CK_OK;
}
CK_API inline ck_status_t ck_fixed128_neg(ck_fixed128_t *out, ck_fixed128_t x) {
    ck_int128_t r;
    if (!out) return CK_E_INVALID_INPUT;
    if (__builtin_sub_overflow((ck_int128_t)0, x.raw, &r)) return CK_E_OVERFLOW;
    out->raw = r;
    return CK_OK;
}
CK_API inline ck_status_t ck_fixed128_abs(ck_fixed128_t *out, ck_fixed128_t x) {
    if (!out) return CK_E_INVALID_INPUT;
    if (x.raw >= 0) {
        out->raw = x.raw;
        return CK_OK;
    }
    return ck_fixed128_neg(out, x);
}
CK_API inline ck_status_t ck_fixed64_add(ck_fixed64_t *out, ck_fixed64_t a, ck_fixed64_t b) {
    int64_t r;
    if (!out) return CK_E_INVALID_INPUT;
    if (__builtin_add_overflow(a.raw, b.raw, &r)) return CK_E_OVERFLOW;
    out->raw = r;
    return CK_OK;
}
CK_API inline ck_status_t ck_fixed64_sub(ck_fixed64_t *out, ck_fixed64_t a, ck_fixed64_t b) {
    int64_t r;
    if (!out) return CK_E_INVALID_INPUT;
    if (__builtin_sub_overflow(a.raw, b.raw, &r)) return CK_E_OVERFLOW;
    out->raw = r;
    return CK_OK;
}
CK_API inline ck_status_t ck_fixed64_neg(ck_fixed64_t *out, ck_fixed64_t x) {
    int64_t r;
    if (!out) return CK_E_INVALID_INPUT;
    if (__builtin_sub_overflow((int64_t)0, x.raw, &r)) return CK_E_OVERFLOW;
    out->raw = r;
    return CK_OK;
}
CK_API inline ck_status_t ck_fixed64_abs(ck_fixed64_t *out, ck_fixed64_t x) {
    if (!out) return CK_E_INVALID_INPUT;
    if (x.raw >= 0) {
        out->raw = x.raw;
        return CK_OK;
    }
    return ck_fixed64_neg(out, x);
}

#ifdef __cplusplus
}
#endif
#endif
