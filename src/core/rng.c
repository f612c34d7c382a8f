/* Philox4x64-10 streams, uniforms and AS241 normals (see include/ckernels/rng.h). */

/* Normals must be bitwise identical everywhere, so no a*b+c may be fused into an FMA. The build
 * compiles C11 without GNU extensions (GCC then defaults to -ffp-contract=off); these pragmas keep
 * that true for GNU-mode or -march=native builds and for clang. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "ckernels/rng.h"

#include <math.h>
#include <string.h>

/* ---- Philox4x64-10 ---------------------------------------------------------------------------- */

#define PHILOX_M0 UINT64_C(0xD2E7470EE14C6C93)
#define PHILOX_M1 UINT64_C(0xCA5A826395121157)
#define PHILOX_W0 UINT64_C(0x9E3779B97F4A7C15) /* golden ratio */
#define PHILOX_W1 UINT64_C(0xBB67AE8584CAA73B) /* sqrt(3) - 1 */

/* 64x64 -> 128-bit product: hi returned, lo stored. One mul instruction where __int128 exists. */
#if defined(__SIZEOF_INT128__) && !defined(CK_RNG_NO_INT128)
__extension__ typedef unsigned __int128 u128_t;
static inline uint64_t mulhilo64(uint64_t a, uint64_t b, uint64_t *lo)
{
    const u128_t p = (u128_t)a * b;
    *lo = (uint64_t)p;
    return (uint64_t)(p >> 64);
}
#else
static inline uint64_t mulhilo64(uint64_t a, uint64_t b, uint64_t *lo)
{
    const uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
    const uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    const uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    *lo = (mid << 32) | (ll & 0xffffffffu);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}
#endif

/* One round: two 64x64->128 multiplies, the high halves xor-ed with the other words and the key. */
#define PHILOX_ROUND(c0, c1, c2, c3, k0, k1)                                  \
    do {                                                                      \
        uint64_t lo0_, lo1_;                                                  \
        const uint64_t hi0_ = mulhilo64(PHILOX_M0, (c0), &lo0_);              \
        const uint64_t hi1_ = mulhilo64(PHILOX_M1, (c2), &lo1_);              \
        (c0) = hi1_ ^ (c1) ^ (k0);                                            \
        (c2) = hi0_ ^ (c3) ^ (k1);                                            \
        (c1) = lo1_;                                                          \
        (c3) = lo0_;                                                          \
    } while (0)

void ck_philox4x64_block(uint64_t out[4], const uint64_t counter[4], const uint64_t key[2])
{
    uint64_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
    uint64_t k0 = key[0], k1 = key[1];
    /* 10 rounds with the key bumped (Weyl sequence) between rounds; fully unrolled, no branches. */
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1);
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/* ---- streams ----------------------------------------------------------------------------------- */

/* Advance the 256-bit counter by one, as numpy does before each block, and compute the block. */
static inline void rng_refill(ck_rng_t *r)
{
    /* Carries only after 2^64 blocks of one stream; kept so the sequence is numpy's exactly. */
    if (++r->ctr[0] == 0 && ++r->ctr[1] == 0 && ++r->ctr[2] == 0)
        ++r->ctr[3];
    ck_philox4x64_block(r->buf, r->ctr, r->key);
    r->pos = 0;
}

ck_status_t ck_rng_init(ck_rng_t *r, uint64_t seed, uint64_t stream)
{
    if (!r)
        return CK_E_INVALID_INPUT;
    memset(r, 0, sizeof *r);
    r->key[0] = seed;
    r->ctr[1] = stream;
    r->stream = stream;
    r->pos = 4;
    return CK_OK;
}

ck_status_t ck_rng_seek(ck_rng_t *r, uint64_t block)
{
    if (!r)
        return CK_E_INVALID_INPUT;
    /* Block j has counter j+1; the refill on the next draw adds the 1. */
    r->ctr[0] = block;
    r->ctr[1] = r->stream;
    r->ctr[2] = 0;
    r->ctr[3] = 0;
    r->pos = 4;
    return CK_OK;
}

uint64_t ck_rng_next_u64(ck_rng_t *r)
{
    if (r->pos >= 4)
        rng_refill(r);
    return r->buf[r->pos++];
}

/* ---- uniforms ---------------------------------------------------------------------------------- */

double ck_rng_u64_to_uniform(uint64_t w)
{
    const uint64_t m = w >> 11;
    /* (double)m is exact (m < 2^53); m + 0.5 rounds to nearest like numpy. Only m = 2^53-1 rounds
     * up to 2^53 (u = 1); that tie is broken downwards instead so that u < 1 always. */
    const double u = ((double)m + 0.5) * 0x1p-53;
    return m == (UINT64_C(1) << 53) - 1 ? 0x1.fffffffffffffp-1 : u;
}

double ck_rng_uniform(ck_rng_t *r)
{
    return ck_rng_u64_to_uniform(ck_rng_next_u64(r));
}

/* ---- portable log ------------------------------------------------------------------------------ */

static inline uint64_t dbl_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline double bits_dbl(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* ln 2 split so that k*LN2_HI is exact for |k| < 2^11 (LN2_HI has 32 trailing zero bits). */
static const double LN2_HI = 0x1.62e42feep-1;            /* 6.93147180369123816490e-01 */
static const double LN2_LO = 0x1.a39ef35793c76p-33;      /* 1.90821492927058770002e-10 */

double ck_log_portable(double x)
{
    uint64_t ix = dbl_bits(x);
    int k = 0;

    if (ix < UINT64_C(0x0010000000000000) || ix >= UINT64_C(0x7ff0000000000000)) {
        const uint64_t ax = ix & UINT64_C(0x7fffffffffffffff);
        if (ax > UINT64_C(0x7ff0000000000000))
            return x + x;            /* NaN */
        if (ax == 0)
            return -INFINITY;
        if (ix >> 63)
            return NAN;              /* x < 0 */
        if (ix == UINT64_C(0x7ff0000000000000))
            return x;                /* +inf */
        x *= 0x1p54;                 /* subnormal: scale into the normal range */
        k = -54;
        ix = dbl_bits(x);
    }

    /* x = 2^k * m with m in [sqrt(2)/2, sqrt(2)), so f = m - 1 is in [-0.293, 0.415). */
    const uint64_t mant = ix & UINT64_C(0x000fffffffffffff);
    k += (int)(ix >> 52) - 1023;
    double m;
    if (mant >= UINT64_C(0x6a09e667f3bcd)) { /* mantissa of sqrt(2) */
        m = bits_dbl(mant | UINT64_C(0x3fe0000000000000));
        k += 1;
    } else {
        m = bits_dbl(mant | UINT64_C(0x3ff0000000000000));
    }
    const double f = m - 1.0; /* exact (Sterbenz) */

    /* log(1+f) = 2 atanh(s) with s = f/(2+f), |s| <= 0.1716:
     *   log(1+f) = f - f^2/2 + s (f^2/2 + R),  R = sum_{n=1..10} 2/(2n+1) s^(2n),
     * the Taylor series of atanh cut where the next term is below 1e-18 relative. Writing the result
     * as f minus a small correction keeps the rounding error under one ulp. */
    const double s = f / (2.0 + f);
    const double z = s * s;
    const double R =
        z * (2.0 / 3 + z * (2.0 / 5 + z * (2.0 / 7 + z * (2.0 / 9 + z * (2.0 / 11 + z * (2.0 / 13 +
        z * (2.0 / 15 + z * (2.0 / 17 + z * (2.0 / 19 + z * (2.0 / 21))))))))));
    const double hfsq = 0.5 * f * f;
    if (k == 0)
        return f - (hfsq - s * (hfsq + R));
    const double dk = (double)k;
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
}

/* ---- AS241 (Wichura 1988, Applied Statistics 37:477-484), PPND16 ------------------------------- */

/* Central region |p - 0.5| <= 0.425: z = q A(r)/B(r), r = 0.180625 - q^2. */
static const double AS_A[8] = {
    3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
    1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
    3.3430575583588128105e+4, 2.5090809287301226727e+3};
static const double AS_B[8] = {
    1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2, 5.3941960214247511077e+3,
    2.1213794301586595867e+4, 3.9307895800092710610e+4, 2.8729085735721942674e+4,
    5.2264952788528545610e+3};
/* Intermediate tail, r = sqrt(-log(min(p, 1-p))) <= 5: z = C(r-1.6)/D(r-1.6). */
static const double AS_C[8] = {
    1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
    3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
    2.27238449892691845833e-2, 7.74545014278341407640e-4};
static const double AS_D[8] = {
    1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
    1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
    1.05075007164441684324e-9};
/* Far tail, r > 5: z = E(r-5)/F(r-5). */
static const double AS_E[8] = {
    6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
    2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
    2.71155556874348757815e-5, 2.01033439929228813265e-7};
static const double AS_F[8] = {
    1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
    7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
    2.04426310338993978564e-15};

/* Degree-7 polynomial by Horner, highest coefficient first as in the Fortran original. */
static inline double poly7(const double c[8], double x)
{
    return ((((((c[7] * x + c[6]) * x + c[5]) * x + c[4]) * x + c[3]) * x + c[2]) * x + c[1]) * x +
           c[0];
}

double ck_norm_ppf(double p)
{
    if (!(p > 0.0 && p < 1.0)) {
        if (p == 0.0)
            return -INFINITY;
        if (p == 1.0)
            return INFINITY;
        return NAN;
    }
    const double q = p - 0.5; /* exact for p in [0.25, 1) (Sterbenz), correctly rounded below */
    if (fabs(q) <= 0.425) {
        const double r = 0.180625 - q * q;
        return q * poly7(AS_A, r) / poly7(AS_B, r);
    }
    double r = q < 0.0 ? p : 1.0 - p; /* 1 - p is exact for p >= 0.5 */
    r = sqrt(-ck_log_portable(r));
    double z;
    if (r <= 5.0) {
        r -= 1.6;
        z = poly7(AS_C, r) / poly7(AS_D, r);
    } else {
        r -= 5.0;
        z = poly7(AS_E, r) / poly7(AS_F, r);
    }
    return q < 0.0 ? -z : z;
}

double ck_rng_normal(ck_rng_t *r)
{
    return ck_norm_ppf(ck_rng_uniform(r));
}

/* ---- bulk fills ---------------------------------------------------------------------------------- */

ck_status_t ck_rng_fill_uniform(ck_rng_t *r, double *out, ck_idx_t n)
{
    if (!r || n < 0 || (n > 0 && !out))
        return CK_E_INVALID_INPUT;
    ck_idx_t i = 0;
    /* Drain the current block, then whole blocks without the per-word buffer check. */
    while (i < n && r->pos < 4)
        out[i++] = ck_rng_u64_to_uniform(r->buf[r->pos++]);
    for (; n - i >= 4; i += 4) {
        rng_refill(r);
        out[i + 0] = ck_rng_u64_to_uniform(r->buf[0]);
        out[i + 1] = ck_rng_u64_to_uniform(r->buf[1]);
        out[i + 2] = ck_rng_u64_to_uniform(r->buf[2]);
        out[i + 3] = ck_rng_u64_to_uniform(r->buf[3]);
        r->pos = 4;
    }
    for (; i < n; i++)
        out[i] = ck_rng_uniform(r);
    return CK_OK;
}

ck_status_t ck_rng_fill_normal(ck_rng_t *r, double *out, ck_idx_t n)
{
    const ck_status_t st = ck_rng_fill_uniform(r, out, n);
    if (st != CK_OK)
        return st;
    for (ck_idx_t i = 0; i < n; i++)
        out[i] = ck_norm_ppf(out[i]);
    return CK_OK;
}
