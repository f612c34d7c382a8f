/* CKernels — exact fixed-point money (see include/ckernels/fixed.h for the contract).
 *
 * Every operation works on (sign, magnitude) with unsigned 128-bit magnitudes, keeps what it
 * drops as "below / exactly / above half" plus an inexact flag, rounds once, and only then
 * range-checks. Products and scaled dividends need up to 254 bits; they live in a fixed 4-limb
 * stack value (no allocation). Both types share the code through a small kind descriptor. */
#include "ckernels/fixed.h"

#include <math.h>
#include <string.h>

typedef ck_uint128_t u128;
typedef ck_int128_t i128;

/* C99/C11 inline: these declarations make this file emit the exported external definitions of
 * the inline functions in fixed.h. */
extern inline ck_status_t ck_fixed128_add(ck_fixed128_t *out, ck_fixed128_t a, ck_fixed128_t b);
extern inline ck_status_t ck_fixed128_sub(ck_fixed128_t *out, ck_fixed128_t a, ck_fixed128_t b);
extern inline ck_status_t ck_fixed128_neg(ck_fixed128_t *out, ck_fixed128_t x);
extern inline ck_status_t ck_fixed128_abs(ck_fixed128_t *out, ck_fixed128_t x);
extern inline ck_status_t ck_fixed64_add(ck_fixed64_t *out, ck_fixed64_t a, ck_fixed64_t b);
extern inline ck_status_t ck_fixed64_sub(ck_fixed64_t *out, ck_fixed64_t a, ck_fixed64_t b);
extern inline ck_status_t ck_fixed64_neg(ck_fixed64_t *out, ck_fixed64_t x);
extern inline ck_status_t ck_fixed64_abs(ck_fixed64_t *out, ck_fixed64_t x);

/* ---- constants */

#define E19 10000000000000000000ULL
/* 10^0 .. 10^38 (10^38 < 2^127 < 10^39). */
static const u128 P10[39] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
    1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
    1000000000000000000ULL, E19,
    (u128)E19 * 10ULL, (u128)E19 * 100ULL, (u128)E19 * 1000ULL, (u128)E19 * 10000ULL,
    (u128)E19 * 100000ULL, (u128)E19 * 1000000ULL, (u128)E19 * 10000000ULL,
    (u128)E19 * 100000000ULL, (u128)E19 * 1000000000ULL, (u128)E19 * 10000000000ULL,
    (u128)E19 * 100000000000ULL, (u128)E19 * 1000000000000ULL, (u128)E19 * 10000000000000ULL,
    (u128)E19 * 100000000000000ULL, (u128)E19 * 1000000000000000ULL,
    (u128)E19 * 10000000000000000ULL, (u128)E19 * 100000000000000000ULL,
    (u128)E19 * 1000000000000000000ULL, (u128)E19 * E19,
};

/* A fixed-point type: its number of decimals and its magnitude limits. */
typedef struct {
    int decimals;
    u128 pos_max; /* largest positive raw magnitude */
    u128 neg_max; /* largest negative raw magnitude */
} fx_kind_t;

static const fx_kind_t K128 = {CK_FIXED128_DECIMALS, ((u128)1 << 127) - 1, (u128)1 << 127};
static const fx_kind_t K64 = {CK_FIXED64_DECIMALS, (u128)INT64_MAX, (u128)1 << 63};
/* Integer results (to_int64) use the int64 limits with no decimals. */
static const fx_kind_t KINT64 = {0, (u128)INT64_MAX, (u128)1 << 63};

/* ---- small helpers */

static bool mode_ok(ck_rounding_t mode) {
    return (unsigned)mode <= (unsigned)CK_ROUND_CEILING;
}

/* |x| as unsigned; well defined for the most negative value (unsigned wrap). */
static u128 mag128(i128 x) {
    return x < 0 ? (u128)0 - (u128)x : (u128)x;
}

static int bitlen128(u128 x) {
    uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
    if (hi) return 128 - __builtin_clzll(hi);
    if (lo) return 64 - __builtin_clzll(lo);
    return 0;
}

/* Whether to add one unit to the truncated magnitude q. `half` compares what was dropped with half
 * a unit (<0 below, 0 exactly, >0 above); `inexact` says whether anything non-zero was dropped. */
static bool round_up(ck_rounding_t mode, bool neg, bool q_odd, int half, bool inexact) {
    switch (mode) {
    case CK_ROUND_HALF_EVEN: return half > 0 || (half == 0 && inexact && q_odd);
    case CK_ROUND_HALF_UP: return inexact && half >= 0;
    case CK_ROUND_HALF_DOWN: return half > 0;
    case CK_ROUND_DOWN: return false;
    case CK_ROUND_UP: return inexact;
    case CK_ROUND_FLOOR: return inexact && neg;
    case CK_ROUND_CEILING: return inexact && !neg;
    }
    return false;
}

/* Sign + magnitude + rounding increment -> signed raw value, range-checked for kind k. */
static ck_status_t finish(const fx_kind_t *k, i128 *raw, u128 q, bool neg, bool inc) {
    u128 lim = neg ? k->neg_max : k->pos_max;
    if (q > lim) return CK_E_OVERFLOW;
    if (inc) {
        if (q == lim) return CK_E_OVERFLOW;
        q += 1;
    }
    /* -(q - 1) - 1 avoids negating 2^127. */
    *raw = (neg && q) ? -(i128)(q - 1) - 1 : (i128)q;
    return CK_OK;
}

/* round(mag / den) with mode into kind k; den > 0. */
static ck_status_t div_round_finish(const fx_kind_t *k, i128 *raw, u128 mag, u128 den, bool neg,
                                    ck_rounding_t mode) {
    u128 q = mag / den, r = mag % den;
    u128 rest = den - r; /* compare r with den/2 without computing 2r */
    int half = r > rest ? 1 : (r == rest ? 0 : -1);
    return finish(k, raw, q, neg, round_up(mode, neg, (q & 1) != 0, half, r != 0));
}

/* ---- 256-bit unsigned arithmetic (little-endian 64-bit limbs) */

typedef struct {
    uint64_t w[4];
} u256_t;

static u256_t mul_128x128(u128 a, u128 b) {
    uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64), b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
    u128 p00 = (u128)a0 * b0, p01 = (u128)a0 * b1, p10 = (u128)a1 * b0, p11 = (u128)a1 * b1;
    u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10; /* < 3 * 2^64 */
    u128 hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64); /* no overflow: product < 2^256 */
    u256_t r = {{(uint64_t)p00, (uint64_t)mid, (uint64_t)hi, (uint64_t)(hi >> 64)}};
    return r;
}

/* q = n / d, returns n % d; d != 0. */
static uint64_t divrem_256_64(u256_t *q, const u256_t *n, uint64_t d) {
    u128 rem = 0;
    int top = 3;
    while (top > 0 && n->w[top] == 0) q->w[top--] = 0; /* skip leading zero limbs (common) */
    for (int i = top; i >= 0; i--) {
        u128 cur = (rem << 64) | n->w[i];
        q->w[i] = (uint64_t)(cur / d);
        rem = cur % d;
    }
    return (uint64_t)rem;
}

/* q = n / d, *r = n % d, for a divisor d >= 2^64 (two limbs): Knuth's algorithm D (TAOCP 4.3.1)
 * with 64-bit digits, as in Hacker's Delight divmnu. */
static void divrem_256_128(u256_t *q, u128 *r, const u256_t *n, u128 d) {
    enum { N = 2 };
    uint64_t v[N] = {(uint64_t)d, (uint64_t)(d >> 64)};
    int m = 4;
    while (m > 0 && n->w[m - 1] == 0) m--;
    memset(q, 0, sizeof *q);
    if (m < N) { /* n has fewer limbs than d, so n < d */
        *r = ((u128)n->w[1] << 64) | n->w[0];
        return;
    }
    /* Normalise so the divisor's top bit is set. */
    int s = __builtin_clzll(v[N - 1]);
    uint64_t vn[N], un[5];
    vn[1] = s ? (v[1] << s) | (v[0] >> (64 - s)) : v[1];
    vn[0] = v[0] << s;
    un[m] = s ? n->w[m - 1] >> (64 - s) : 0;
    for (int i = m - 1; i > 0; i--) un[i] = s ? (n->w[i] << s) | (n->w[i - 1] >> (64 - s)) : n->w[i];
    un[0] = n->w[0] << s;

    const u128 base = (u128)1 << 64;
    for (int j = m - N; j >= 0; j--) {
        u128 num = ((u128)un[j + N] << 64) | un[j + N - 1];
        u128 qhat = num / vn[N - 1];
        u128 rhat = num % vn[N - 1];
        while (qhat >= base || qhat * vn[N - 2] > ((rhat << 64) | un[j + N - 2])) {
            qhat -= 1;
            rhat += vn[N - 1];
            if (rhat >= base) break;
        }
        /* un[j..j+N] -= qhat * vn */
        uint64_t carry = 0, borrow = 0;
        for (int i = 0; i < N; i++) {
            u128 p = qhat * vn[i] + carry;
            carry = (uint64_t)(p >> 64);
            u128 t = (u128)un[i + j] - (uint64_t)p - borrow;
            un[i + j] = (uint64_t)t;
            borrow = (uint64_t)(t >> 64) ? 1 : 0;
        }
        u128 t = (u128)un[j + N] - carry - borrow;
        un[j + N] = (uint64_t)t;
        q->w[j] = (uint64_t)qhat;
        /* qhat one too large: add the divisor back. With a two-limb divisor the qhat test above
         * already saw the whole divisor, so this does not happen; kept as in algorithm D. */
        if ((uint64_t)(t >> 64)) {
            q->w[j] -= 1;
            uint64_t c = 0;
            for (int i = 0; i < N; i++) {
                u128 sum = (u128)un[i + j] + vn[i] + c;
                un[i + j] = (uint64_t)sum;
                c = (uint64_t)(sum >> 64);
            }
            un[j + N] += c;
        }
    }
    uint64_t r0 = s ? (un[0] >> s) | (un[1] << (64 - s)) : un[0];
    uint64_t r1 = s ? (un[1] >> s) | (un[2] << (64 - s)) : un[1];
    *r = ((u128)r1 << 64) | r0;
}

/* ---- parsing */

#define PARSE_MAX_LEN 1000000000000LL  /* 10^12 bytes: far beyond any real input */
#define PARSE_EXP_SAT 10000000000000LL /* |exponent| saturates here; see below */

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* Digit idx of the mantissa, which is the integer digits [ib, ib+ni) then the fraction digits. */
static int mant_digit(const char *s, size_t ib, size_t ni, size_t fb, size_t idx) {
    return (idx < ni ? s[ib + idx] : s[fb + (idx - ni)]) - '0';
}

static ck_status_t parse_kind(const fx_kind_t *k, i128 *raw, const char *s, size_t len,
                              ck_rounding_t mode, bool exact) {
    if (!raw || !s || len == 0 || !mode_ok(mode)) return CK_E_INVALID_INPUT;
    if ((unsigned long long)len > (unsigned long long)PARSE_MAX_LEN) return CK_E_INVALID_INPUT;
    size_t i = 0;
    bool neg = false;
    if (s[i] == '+' || s[i] == '-') neg = s[i++] == '-';
    size_t ib = i;
    while (i < len && is_digit(s[i])) i++;
    size_t ni = i - ib, fb = i, nf = 0;
    if (i < len && s[i] == '.') {
        fb = ++i;
        while (i < len && is_digit(s[i])) i++;
        nf = i - fb;
    }
    if (ni + nf == 0) return CK_E_INVALID_INPUT;
    /* The exponent saturates at 10^13: inputs are at most 10^12 digits, so any exponent beyond
     * that overflows (or rounds to 0 / one unit) whatever its exact value. */
    int64_t ex = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        if (i >= len || !is_digit(s[i])) return CK_E_INVALID_INPUT;
        while (i < len && is_digit(s[i])) {
            if (ex < PARSE_EXP_SAT) ex = ex * 10 + (s[i] - '0');
            i++;
        }
        if (ex > PARSE_EXP_SAT) ex = PARSE_EXP_SAT;
        if (eneg) ex = -ex;
    }
    if (i != len) return CK_E_INVALID_INPUT;

    size_t n = ni + nf, z = 0;
    while (z < n && mant_digit(s, ib, ni, fb, z) == 0) z++;
    if (z == n) { /* zero, whatever the sign and exponent */
        *raw = 0;
        return CK_OK;
    }
    /* value = D * 10^sh raw units, D = the nd significant digits; kint digits are integral. */
    int64_t nd = (int64_t)(n - z);
    int64_t sh = ex - (int64_t)nf + k->decimals;
    int64_t kint = nd + sh;
    if (kint > 39) return CK_E_OVERFLOW; /* >= 10^39 > 2^128 */
    u128 q = 0;
    int64_t keep = kint < nd ? kint : nd;
    for (int64_t t = 0; t < keep; t++) {
        if (__builtin_mul_overflow(q, (u128)10, &q) ||
            __builtin_add_overflow(q, (u128)mant_digit(s, ib, ni, fb, z + (size_t)t), &q))
            return CK_E_OVERFLOW;
    }
    int half = -1;
    bool inexact = false;
    if (sh >= 0) {
        if (__builtin_mul_overflow(q, P10[sh], &q)) return CK_E_OVERFLOW; /* sh <= 38 here */
    } else {
        int first = 0;
        bool sticky;
        if (kint >= 0) {
            size_t idx = z + (size_t)kint; /* < n because sh < 0 */
            first = mant_digit(s, ib, ni, fb, idx);
            sticky = false;
            for (size_t t = idx + 1; t < n && !sticky; t++) sticky = mant_digit(s, ib, ni, fb, t) != 0;
        } else {
            sticky = true; /* first dropped digit is a leading zero, the digits follow */
        }
        half = first > 5 ? 1 : first < 5 ? -1 : (sticky ? 1 : 0);
        inexact = first != 0 || sticky;
    }
    /* Strict parse: a value past the last representable unit is an overflow, else inexact. */
    if (exact && inexact) return q >= (neg ? k->neg_max : k->pos_max) ? CK_E_OVERFLOW : CK_E_INVALID_INPUT;
    return finish(k, raw, q, neg, round_up(mode, neg, (q & 1) != 0, half, inexact));
}

ck_status_t ck_fixed128_parse(ck_fixed128_t *out, const char *str, size_t len, ck_rounding_t mode) {
    i128 raw;
    if (!out) return CK_E_INVALID_INPUT;
    ck_status_t st = parse_kind(&K128, &raw, str, len, mode, false);
    if (st == CK_OK) out->raw = raw;
    return st;
}

ck_status_t ck_fixed128_parse_exact(ck_fixed128_t *out, const char *str, size_t len) {
    i128 raw;
    if (!out) return CK_E_INVALID_INPUT;
    ck_status_t st = parse_kind(&K128, &raw, str, len, CK_ROUND_HALF_EVEN, true);
    if (st == CK_OK) out->raw = raw;
    return st;
}

ck_status_t ck_fixed64_parse(ck_fixed64_t *out, const char *str, size_t len, ck_rounding_t mode) {
    i128 raw;
    if (!out) return CK_E_INVALID_INPUT;
    ck_status_t st = parse_kind(&K64, &raw, str, len, mode, false);
    if (st == CK_OK) out->raw = (int64_t)raw;
    return st;
}

ck_status_t ck_fixed64_parse_exact(ck_fixed64_t *out, const char *str, size_t len) {
    i128 raw;
    if (!out) return CK_E_INVALID_INPUT;
    ck_status_t st = parse_kind(&K64, &raw, str, len, CK_ROUND_HALF_EVEN, true);
    if (st == CK_OK) out->raw = (int64_t)raw;
    return st;
}

/* ---- formatting */

static ck_status_t format_kind(int decimals, char *buf, size_t cap, size_t *needed, i128 raw,
                               ck_fixed_format_t style) {
    if (style != CK_FIXED_FORMAT_TRIM && style != CK_FIXED_FORMAT_FULL) return CK_E_INVALID_INPUT;
    if (cap > 0 && !buf) return CK_E_INVALID_INPUT;
    char tmp[64];
    size_t pos = sizeof tmp; /* written backwards */
    u128 mag = mag128(raw);
    u128 ip = mag / P10[decimals];
    uint64_t fp = (uint64_t)(mag % P10[decimals]);
    int nfrac = decimals;
    if (style == CK_FIXED_FORMAT_TRIM) {
        while (nfrac > 0 && fp % 10 == 0) {
            fp /= 10;
            nfrac--;
        }
    }
    for (int d = 0; d < nfrac; d++) {
        tmp[--pos] = (char)('0' + fp % 10);
        fp /= 10;
    }
    if (nfrac > 0) tmp[--pos] = '.';
    /* Integer part in 64-bit pieces: 128-bit division per digit is needlessly slow. */
    uint64_t lo = (uint64_t)(ip % E19), hi = (uint64_t)(ip / E19); /* ip <= 2^127: hi fits */
    int nd = 0;
    do {
        tmp[--pos] = (char)('0' + lo % 10);
        lo /= 10;
        nd++;
    } while (lo || (hi && nd < 19));
    while (hi) {
        tmp[--pos] = (char)('0' + hi % 10);
        hi /= 10;
    }
    if (raw < 0) tmp[--pos] = '-';
    size_t n = sizeof tmp - pos;
    if (needed) *needed = n;
    if (cap <= n) {
        if (cap > 0) buf[0] = '\0';
        return CK_E_INVALID_INPUT;
    }
    memcpy(buf, tmp + pos, n);
    buf[n] = '\0';
    return CK_OK;
}

ck_status_t ck_fixed128_format(char *buf, size_t cap, size_t *needed, ck_fixed128_t x,
                               ck_fixed_format_t style) {
    return format_kind(CK_FIXED128_DECIMALS, buf, cap, needed, x.raw, style);
}

ck_status_t ck_fixed64_format(char *buf, size_t cap, size_t *needed, ck_fixed64_t x,
                              ck_fixed_format_t style) {
    return format_kind(CK_FIXED64_DECIMALS, buf, cap, needed, x.raw, style);
}

/* ---- doubles */

static ck_status_t from_double_kind(const fx_kind_t *k, i128 *raw, double d, ck_rounding_t mode) {
    if (!mode_ok(mode) || isnan(d) || isinf(d)) return CK_E_INVALID_INPUT;
    if (d == 0) {
        *raw = 0;
        return CK_OK;
    }
    bool neg = signbit(d) != 0;
    int e2;
    double f = frexp(fabs(d), &e2);            /* |d| = f * 2^e2, f in [0.5, 1) */
    uint64_t m = (uint64_t)ldexp(f, 53);       /* exact integer < 2^53, also for subnormals */
    int e = e2 - 53;                           /* |d| = m * 2^e exactly */
    u128 nmag = (u128)m * P10[k->decimals];    /* < 2^113: scaled value = nmag * 2^e */
    if (e >= 0) {
        if (bitlen128(nmag) + e > 128) return CK_E_OVERFLOW;
        return finish(k, raw, nmag << e, neg, false);
    }
    int sh = -e;
    if (sh >= 128) /* all bits dropped: below half since nmag < 2^113 <= 2^(sh-1) */
        return finish(k, raw, 0, neg, round_up(mode, neg, false, -1, true));
    u128 q = nmag >> sh, r = nmag & (((u128)1 << sh) - 1), half = (u128)1 << (sh - 1);
    int h = r > half ? 1 : (r == half ? 0 : -1);
    return finish(k, raw, q, neg, round_up(mode, neg, (q & 1) != 0, h, r != 0));
}

ck_status_t ck_fixed128_from_double(ck_fixed128_t *out, double d, ck_rounding_t mode) {
    i128 raw;
    if (!out) return CK_E_INVALID_INPUT;
    ck_status_t st = from_double_kind(&K128, &raw, d, mode);
    if (st == CK_OK) out->raw = raw;
    return st;
}

ck_status_t ck_fixed64_from_double(ck_fixed64_t *out, double d, ck_rounding_t mode) {
    i128 raw;
    if (!out) return CK_E_INVALID_INPUT;
    ck_status_t st = from_double_kind(&K64, &raw, d, mode);
    if (st == CK_OK) out->raw = (int64_t)raw;
    return st;
}

/* Correctly rounded raw / 10^decimals: scale the magnitude up so that the integer quotient has at
 * least 55 bits, keep the division remainder as a sticky bit, round to 53 bits (ties to even). The
 * result lies in [2^-60, 2^68], far from overflow and subnormals, so ldexp is exact. */
static double to_double_kind(int decimals, i128 raw) {
    u128 mag = mag128(raw);
    if (mag == 0) return 0.0;
    int L = bitlen128(mag);
    int s = L < 116 ? 116 - L : 0;
    u128 n = mag << s; /* < 2^117 when shifted */
    u128 qq = n / P10[decimals];
    bool sticky = (n % P10[decimals]) != 0;
    int drop = bitlen128(qq) - 53; /* >= 2 */
    u128 rem = qq & (((u128)1 << drop) - 1), half = (u128)1 << (drop - 1);
    uint64_t m = (uint64_t)(qq >> drop);
    if (rem > half || (rem == half && (sticky || (m & 1)))) m++;
    double v = ldexp((double)m, drop - s);
    return raw < 0 ? -v : v;
}

double ck_fixed128_to_double(ck_fixed128_t x) {
    return to_double_kind(CK_FIXED128_DECIMALS, x.raw);
}

double ck_fixed64_to_double(ck_fixed64_t x) {
    return to_double_kind(CK_FIXED64_DECIMALS, x.raw);
}

/* ---- integers and conversions between the types */

ck_fixed128_t ck_fixed128_from_int64(int64_t v) {
    return ck_fixed128_from_raw((i128)v * CK_FIXED128_ONE_RAW);
}

ck_status_t ck_fixed128_to_int64(int64_t *out, ck_fixed128_t x, ck_rounding_t mode) {
    i128 raw;
    if (!out || !mode_ok(mode)) return CK_E_INVALID_INPUT;
    ck_status_t st = div_round_finish(&KINT64, &raw, mag128(x.raw), P10[CK_FIXED128_DECIMALS],
                                      x.raw < 0, mode);
    if (st == CK_OK) *out = (int64_t)raw;
    return st;
}

ck_status_t ck_fixed64_from_int64(ck_fixed64_t *out, int64_t v) {
    int64_t r;
    if (!out) return CK_E_INVALID_INPUT;
    if (__builtin_mul_overflow(v, CK_FIXED64_ONE_RAW, &r)) return CK_E_OVERFLOW;
    out->raw = r;
    return CK_OK;
}

ck_status_t ck_fixed64_to_int64(int64_t *out, ck_fixed64_t x, ck_rounding_t mode) {
    i128 raw;
    if (!out || !mode_ok(mode)) return CK_E_INVALID_INPUT;
    ck_status_t st = div_round_finish(&KINT64, &raw, mag128(x.raw), P10[CK_FIXED64_DECIMALS],
                                      x.raw < 0, mode);
    if (st == CK_OK) *out = (int64_t)raw;
    return st;
}

ck_fixed128_t ck_fixed64_widen(ck_fixed64_t x) {
    return ck_fixed128_from_raw((i128)x.raw * (i128)P10[CK_FIXED128_DECIMALS - CK_FIXED64_DECIMALS]);
}

ck_status_t ck_fixed128_narrow(ck_fixed64_t *out, ck_fixed128_t x, ck_rounding_t mode) {
    i128 raw;
    if (!out || !mode_ok(mode)) return CK_E_INVALID_INPUT;
    ck_status_t st = div_round_finish(&K64, &raw, mag128(x.raw),
                                      P10[CK_FIXED128_DECIMALS - CK_FIXED64_DECIMALS], x.raw < 0, mode);
    if (st == CK_OK) out->raw = (int64_t)raw;
    return st;
}

/* ---- multiplication, division, rounding */

static ck_status_t mul_kind(const fx_kind_t *k, i128 *raw, i128 a, i128 b, ck_rounding_t mode) {
    if (!mode_ok(mode)) return CK_E_INVALID_INPUT;
    bool neg = (a < 0) != (b < 0);
    u256_t p = mul_128x128(mag128(a), mag128(b)), q;
    uint64_t unit = (uint64_t)P10[k->decimals];
    uint64_t r = divrem_256_64(&q, &p, unit);
    if (q.w[2] | q.w[3]) return CK_E_OVERFLOW; /* >= 2^128 before rounding */
    u128 qm = ((u128)q.w[1] << 64) | q.w[0];
    uint64_t rest = unit - r;
    int half = r > rest ? 1 : (r == rest ? 0 : -1);
    return finish(k, raw, qm, neg, round_up(mode, neg, (qm & 1) != 0, half, r != 0));
}

static ck_status_t div_kind(const fx_kind_t *k, i128 *raw, i128 a, i128 b, ck_rounding_t mode) {
    if (!mode_ok(mode) || b == 0) return CK_E_INVALID_INPUT;
    bool neg = (a < 0) != (b < 0);
    u128 den = mag128(b), r;
    u256_t n = mul_128x128(mag128(a), P10[k->decimals]), q;
    if ((den >> 64) == 0)
        r = divrem_256_64(&q, &n, (uint64_t)den);
    else
        divrem_256_128(&q, &r, &n, den);
    if (q.w[2] | q.w[3]) return CK_E_OVERFLOW;
    u128 qm = ((u128)q.w[1] << 64) | q.w[0];
    u128 rest = den - r;
    int half = r > rest ? 1 : (r == rest ? 0 : -1);
    return finish(k, raw, qm, neg, round_up(mode, neg, (qm & 1) != 0, half, r != 0));
}

/* Round x to `decimals` places, decimals in [min_decimals, k->decimals]. */
static ck_status_t round_kind(const fx_kind_t *k, i128 *raw, i128 x, int decimals, int min_decimals,
                              ck_rounding_t mode) {
    if (!mode_ok(mode) || decimals > k->decimals || decimals < min_decimals) return CK_E_INVALID_INPUT;
    u128 unit = P10[k->decimals - decimals]; /* at most 10^38 */
    u128 mag = mag128(x), q = mag / unit, r = mag % unit, rest = unit - r;
    int half = r > rest ? 1 : (r == rest ? 0 : -1);
    if (round_up(mode, x < 0, (q & 1) != 0, half, r != 0)) q += 1;
    /* q * unit <= |x| + unit <= 2^127 + 10^38 < 2^128: no wrap; finish checks the range. */
    return finish(k, raw, q * unit, x < 0, false);
}

ck_status_t ck_fixed128_mul(ck_fixed128_t *out, ck_fixed128_t a, ck_fixed128_t b, ck_rounding_t mode) {
    i128 raw;
    if (!out) return CK_E_INVALID_INPUT;
    ck_status_t st = mul_kind(&K128, &raw, a.raw, b.raw, mode);
    if (st == CK_OK) out->raw = raw;
    return st;
}

ck_status_t ck_fixed128_div(ck_fixed128_t *out, ck_fixed128_t a, ck_fixed128_t b, ck_rounding_t mode) {
    i128 raw;
    if (!out) return CK_E_INVALID_INPUT;
    ck_status_t st = div_kind(&K128, &raw, a.raw, b.raw, mode);
    if (st == CK_OK) out->raw = raw;
    return st;
}

ck_status_t ck_fixed64_mul(ck_fixed64_t *out, ck_fixed64_t a, ck_fixed64_t b, ck_rounding_t mode) {
    i128 raw;
    if (!out) return CK_E_INVALID_INPUT;
    ck_status_t st = mul_kind(&K64, &raw, a.raw, b.raw, mode);
    if (st == CK_OK) out->raw = (int64_t)raw;
    return st;
}

ck_status_t ck_fixed64_div(ck_fixed64_t *out, ck_fixed64_t a, ck_fixed64_t b, ck_rounding_t mode) {
    i128 raw;
    if (!out) return CK_E_INVALID_INPUT;
    ck_status_t st = div_kind(&K64, &raw, a.raw, b.raw, mode);
    if (st == CK_OK) out->raw = (int64_t)raw;
    return st;
}

ck_status_t ck_fixed128_round(ck_fixed128_t *out, ck_fixed128_t x, int decimals, ck_rounding_t mode) {
    i128 raw;
    if (!out) return CK_E_INVALID_INPUT;
    ck_status_t st = round_kind(&K128, &raw, x.raw, decimals, -20, mode);
    if (st == CK_OK) out->raw = raw;
    return st;
}

ck_status_t ck_fixed64_round(ck_fixed64_t *out, ck_fixed64_t x, int decimals, ck_rounding_t mode) {
    i128 raw;
    if (!out) return CK_E_INVALID_INPUT;
    ck_status_t st = round_kind(&K64, &raw, x.raw, decimals, -10, mode);
    if (st == CK_OK) out->raw = (int64_t)raw;
    return st;
}
