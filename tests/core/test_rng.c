/* Philox4x64-10 streams, uniforms, AS241 normals and the portable log against independent oracles:
 * the Random123 known-answer vectors, and fixtures from numpy's Philox, scipy.stats.norm.ppf and
 * mpmath written by tests/data/core/rng/gen_rng.py. */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckernels/rng.h"

#define RNG_DATA CK_TEST_DATA_DIR "/core/rng/"

static double bits_to_d(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static uint64_t d_to_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* Distance in units in the last place: the number of doubles between a and b. */
static uint64_t ulp_dist(double a, double b)
{
    int64_t ia = (int64_t)d_to_bits(a), ib = (int64_t)d_to_bits(b);
    if (ia < 0)
        ia = INT64_MIN - ia;
    if (ib < 0)
        ib = INT64_MIN - ib;
    return ia > ib ? (uint64_t)ia - (uint64_t)ib : (uint64_t)ib - (uint64_t)ia;
}

static FILE *open_fixture(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s", RNG_DATA, name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open fixture %s", path);
    /* Skip the comment line. */
    int c;
    while ((c = fgetc(f)) != EOF && c != '\n') {
    }
    return f;
}

/* ---- Random123 known answers (kat_vectors, philox4x64 10) ---------------------------------------- */

Test(rng, philox_known_answers)
{
    static const uint64_t ctr[3][4] = {
        {0, 0, 0, 0},
        {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX},
        {0x243f6a8885a308d3u, 0x13198a2e03707344u, 0xa4093822299f31d0u, 0x082efa98ec4e6c89u}};
    static const uint64_t key[3][2] = {
        {0, 0}, {UINT64_MAX, UINT64_MAX}, {0x452821e638d01377u, 0xbe5466cf34e90c6cu}};
    static const uint64_t want[3][4] = {
        {0x16554d9eca36314cu, 0xdb20fe9d672d0fdcu, 0xd7e772cee186176bu, 0x7e68b68aec7ba23bu},
        {0x87b092c3013fe90bu, 0x438c3c67be8d0224u, 0x9cc7d7c69cd777b6u, 0xa09caebf594f0ba0u},
        {0xa528f45403e61d95u, 0x38c72dbd566e9788u, 0xa5a1610e72fd18b5u, 0x57bd43b5e52b7fe6u}};
    for (int v = 0; v < 3; v++) {
        uint64_t out[4];
        ck_philox4x64_block(out, ctr[v], key[v]);
        for (int i = 0; i < 4; i++)
            cr_assert_eq(out[i], want[v][i], "vector %d word %d: %016" PRIx64, v, i, out[i]);
        /* out may alias the counter */
        uint64_t io[4];
        memcpy(io, ctr[v], sizeof io);
        ck_philox4x64_block(io, io, key[v]);
        cr_assert_eq(memcmp(io, want[v], sizeof io), 0);
    }
}

/* ---- numpy streams ----------------------------------------------------------------------------- */

Test(rng, numpy_streams_words_uniforms_normals)
{
    FILE *f = open_fixture("streams.txt");
    uint64_t seed, stream;
    int n, pairs = 0;
    uint64_t max_ulp_exact = 0, max_ulp_scipy = 0;
    double max_rel_scipy = 0.0;
    while (fscanf(f, "%" SCNx64 " %" SCNx64 " %d", &seed, &stream, &n) == 3) {
        ck_rng_t a, b, c;
        cr_assert_eq(ck_rng_init(&a, seed, stream), CK_OK);
        b = a;
        c = a;
        for (int i = 0; i < n; i++) {
            uint64_t w, ub, zsb, zeb;
            cr_assert_eq(fscanf(f, "%" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64, &w, &ub, &zsb,
                                &zeb), 4);
            const uint64_t got = ck_rng_next_u64(&a);
            cr_assert_eq(got, w, "seed %" PRIx64 " stream %" PRIx64 " word %d: %016" PRIx64
                         " != numpy %016" PRIx64, seed, stream, i, got, w);
            const double u = ck_rng_uniform(&b);
            cr_assert_eq(d_to_bits(u), ub, "uniform %d: %a != %a", i, u, bits_to_d(ub));
            cr_assert(u > 0.0 && u < 1.0);
            const double z = ck_rng_normal(&c);
            const double zs = bits_to_d(zsb), ze = bits_to_d(zeb);
            const uint64_t de = ulp_dist(z, ze), ds = ulp_dist(z, zs);
            const double rel = fabs(z - zs) / fabs(zs);
            if (de > max_ulp_exact)
                max_ulp_exact = de;
            if (ds > max_ulp_scipy)
                max_ulp_scipy = ds;
            if (rel > max_rel_scipy)
                max_rel_scipy = rel;
            cr_assert(rel <= 1e-15, "normal %d: %.17g vs scipy %.17g (rel %.3g)", i, z, zs, rel);
            cr_assert(de <= 4, "normal %d: %.17g vs exact %.17g (%" PRIu64 " ulp)", i, z, ze, de);
        }
        pairs++;
    }
    fclose(f);
    cr_assert_eq(pairs, 7);
    cr_log_info("numpy streams: normals max %" PRIu64 " ulp from exact, %" PRIu64
                " ulp (rel %.3g) from scipy", max_ulp_exact, max_ulp_scipy, max_rel_scipy);
}

Test(rng, streams_and_seeds_differ)
{
    ck_rng_t s0, s1, k1;
    ck_rng_init(&s0, 42, 0);
    ck_rng_init(&s1, 42, 1);
    ck_rng_init(&k1, 43, 0);
    uint64_t w0[64], w1[64], w2[64];
    for (int i = 0; i < 64; i++) {
        w0[i] = ck_rng_next_u64(&s0);
        w1[i] = ck_rng_next_u64(&s1);
        w2[i] = ck_rng_next_u64(&k1);
    }
    /* 64-bit words of independent streams coincide with probability ~2^-52 here. */
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 64; j++) {
            cr_assert_neq(w0[i], w1[j]);
            cr_assert_neq(w0[i], w2[j]);
            if (i != j)
                cr_assert_neq(w0[i], w0[j]);
        }
}

/* ---- seek, fills, copies ------------------------------------------------------------------------ */

Test(rng, seek_equals_skipping)
{
    static const uint64_t blocks[] = {0, 1, 2, 7, 100, 1000};
    for (size_t t = 0; t < sizeof blocks / sizeof blocks[0]; t++) {
        ck_rng_t skip, jump;
        ck_rng_init(&skip, 0x243F6A8885A308D3u, 7);
        ck_rng_init(&jump, 0x243F6A8885A308D3u, 7);
        for (uint64_t i = 0; i < 4 * blocks[t]; i++)
            (void)ck_rng_next_u64(&skip);
        /* jump from a mid-block position: seek must drop the buffered words */
        (void)ck_rng_next_u64(&jump);
        cr_assert_eq(ck_rng_seek(&jump, blocks[t]), CK_OK);
        for (int i = 0; i < 9; i++)
            cr_assert_eq(ck_rng_next_u64(&jump), ck_rng_next_u64(&skip), "block %" PRIu64,
                         blocks[t]);
    }
    /* the block at j is Philox((j+1, stream, 0, 0), (seed, 0)), also for a far jump */
    ck_rng_t r;
    ck_rng_init(&r, 99, 5);
    ck_rng_seek(&r, UINT64_C(0x123456789abcdef));
    const uint64_t ctr[4] = {UINT64_C(0x123456789abcdef) + 1, 5, 0, 0}, key[2] = {99, 0};
    uint64_t want[4];
    ck_philox4x64_block(want, ctr, key);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(ck_rng_next_u64(&r), want[i]);
    /* seeking backwards replays */
    ck_rng_seek(&r, 0);
    ck_rng_t fresh;
    ck_rng_init(&fresh, 99, 5);
    for (int i = 0; i < 8; i++)
        cr_assert_eq(ck_rng_next_u64(&r), ck_rng_next_u64(&fresh));
}

Test(rng, counter_carries_like_numpy)
{
    /* After block 2^64-1 the 256-bit counter carries into word 1 (numpy's arithmetic): the next
     * block is Philox((0, stream+1, 0, 0)). */
    ck_rng_t r;
    ck_rng_init(&r, 3, 9);
    ck_rng_seek(&r, UINT64_MAX);
    const uint64_t ctr[4] = {0, 10, 0, 0}, key[2] = {3, 0};
    uint64_t want[4];
    ck_philox4x64_block(want, ctr, key);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(ck_rng_next_u64(&r), want[i]);
}

Test(rng, fills_equal_repeated_calls)
{
    static const int64_t lead_in[] = {0, 1, 2, 3, 4, 5};
    static const int64_t lens[] = {0, 1, 3, 4, 5, 8, 13, 1000};
    for (size_t a = 0; a < sizeof lead_in / sizeof lead_in[0]; a++)
        for (size_t b = 0; b < sizeof lens / sizeof lens[0]; b++) {
            ck_rng_t r1, r2, r3, r4;
            ck_rng_init(&r1, 2024, 17);
            for (int64_t i = 0; i < lead_in[a]; i++)
                (void)ck_rng_next_u64(&r1);
            r2 = r1;
            r3 = r1;
            r4 = r1;
            double fu[1000], fn[1000];
            cr_assert_eq(ck_rng_fill_uniform(&r1, fu, lens[b]), CK_OK);
            cr_assert_eq(ck_rng_fill_normal(&r3, fn, lens[b]), CK_OK);
            for (int64_t i = 0; i < lens[b]; i++) {
                const double u = ck_rng_uniform(&r2), z = ck_rng_normal(&r4);
                cr_assert_eq(d_to_bits(fu[i]), d_to_bits(u));
                cr_assert_eq(d_to_bits(fn[i]), d_to_bits(z));
            }
            /* and the streams continue at the same place */
            cr_assert_eq(ck_rng_next_u64(&r1), ck_rng_next_u64(&r2));
            cr_assert_eq(ck_rng_next_u64(&r3), ck_rng_next_u64(&r4));
        }
}

/* ---- uniform edges and the quantile ------------------------------------------------------------ */

Test(rng, uniform_edges)
{
    /* hand values: m = w >> 11; u = (m + 0.5) 2^-53 */
    cr_assert_eq(ck_rng_u64_to_uniform(0), 0x1p-54);
    cr_assert_eq(ck_rng_u64_to_uniform(0x7ff), 0x1p-54);     /* low 11 bits are dropped */
    cr_assert_eq(ck_rng_u64_to_uniform(0x800), 0x1.8p-53);   /* m = 1 */
    cr_assert_eq(ck_rng_u64_to_uniform(UINT64_C(1) << 63), 0.5 + 0x1p-54);
    /* m = 2^53 - 2: (2^53 - 1.5) 2^-53 is a tie, rounds to the even 1 - 2^-52 as in numpy */
    cr_assert_eq(ck_rng_u64_to_uniform(UINT64_MAX - 0x800), 1.0 - 0x1p-52);
    /* m = 2^53 - 1 would round to 1.0; ck keeps it below 1 */
    cr_assert_eq(ck_rng_u64_to_uniform(UINT64_MAX), 1.0 - 0x1p-53);
    /* the extreme normals are finite: Phi^-1(2^-54) = -8.2924, Phi^-1(1 - 2^-53) = 8.2095 (scipy) */
    const double lo = ck_norm_ppf(ck_rng_u64_to_uniform(0));
    const double hi = ck_norm_ppf(ck_rng_u64_to_uniform(UINT64_MAX));
    cr_assert(isfinite(lo) && isfinite(hi));
    cr_assert_float_eq(lo, -8.292361075813597, 1e-13);
    cr_assert_float_eq(hi, 8.209536151601387, 1e-13);
}

Test(rng, ppf_against_scipy_and_exact)
{
    FILE *f = open_fixture("ppf.txt");
    int n;
    cr_assert_eq(fscanf(f, "%d", &n), 1);
    uint64_t max_ulp = 0;
    double max_rel_scipy = 0.0;
    for (int i = 0; i < n; i++) {
        uint64_t pb, zsb, zeb;
        cr_assert_eq(fscanf(f, "%" SCNx64 " %" SCNx64 " %" SCNx64, &pb, &zsb, &zeb), 3);
        const double p = bits_to_d(pb), zs = bits_to_d(zsb), ze = bits_to_d(zeb);
        const double z = ck_norm_ppf(p);
        const uint64_t d = ulp_dist(z, ze);
        const double rel = zs == 0.0 ? fabs(z) : fabs(z - zs) / fabs(zs);
        if (d > max_ulp)
            max_ulp = d;
        if (rel > max_rel_scipy)
            max_rel_scipy = rel;
        cr_assert(fabs(z - ze) <= 1e-15 * fabs(ze), "p=%a: %.17g vs exact %.17g", p, z, ze);
        cr_assert(d <= 4, "p=%a: %.17g vs exact %.17g (%" PRIu64 " ulp)", p, z, ze, d);
        cr_assert(rel <= 1e-15, "p=%a: %.17g vs scipy %.17g", p, z, zs);
    }
    fclose(f);
    cr_log_info("ppf: max %" PRIu64 " ulp from exact, max rel %.3g from scipy", max_ulp,
                max_rel_scipy);
}

Test(rng, ppf_symmetry_and_specials)
{
    /* For p >= 0.5, 1 - p is exact, so Phi^-1(1-p) = -Phi^-1(p) must hold bit for bit. */
    ck_rng_t r;
    ck_rng_init(&r, 7, 7);
    for (int i = 0; i < 200000; i++) {
        double u = ck_rng_uniform(&r);
        if (u < 0.5)
            u = 1.0 - u; /* not exact; the pair below is (1-u, u) with 1-u exact */
        cr_assert_eq(ck_norm_ppf(1.0 - u), -ck_norm_ppf(u), "u=%a", u);
    }
    static const double tails[] = {0x1p-54, 0x1p-53, 1e-300, 1e-20, 0.075, 0.5, 0.925};
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        const double p = tails[i];
        cr_assert(isfinite(ck_norm_ppf(p)));
        if (1.0 - (1.0 - p) == p) /* 1 - p exact */
            cr_assert_eq(ck_norm_ppf(1.0 - p), -ck_norm_ppf(p), "p=%a", p);
    }
    cr_assert_eq(ck_norm_ppf(0.5), 0.0);
    cr_assert(isinf(ck_norm_ppf(0.0)) && ck_norm_ppf(0.0) < 0);
    cr_assert(isinf(ck_norm_ppf(1.0)) && ck_norm_ppf(1.0) > 0);
    cr_assert(isnan(ck_norm_ppf(-0.1)));
    cr_assert(isnan(ck_norm_ppf(1.5)));
    cr_assert(isnan(ck_norm_ppf(NAN)));
    cr_assert(isnan(ck_norm_ppf(INFINITY)));
    /* monotone across the region boundaries */
    static const double bnd[] = {0.075, 0.925, 1.3887943864964021e-11 /* exp(-25) */};
    for (size_t i = 0; i < sizeof bnd / sizeof bnd[0]; i++) {
        double p = bnd[i];
        for (int k = 0; k < 4; k++) {
            const double q = nextafter(p, 1.0);
            cr_assert(ck_norm_ppf(q) >= ck_norm_ppf(p), "not monotone at %a", p);
            p = q;
        }
    }
}

Test(rng, normal_moments)
{
    /* 10^6 normals: mean 0 (sd 1e-3), variance 1 (sd 1.4e-3), P(z < -1.96) = 0.025 (sd 1.6e-4);
     * bounds are 5 standard errors. */
    ck_rng_t r;
    ck_rng_init(&r, 42, 3);
    const int64_t n = 1000000;
    double *z = malloc((size_t)n * sizeof *z);
    cr_assert_not_null(z);
    cr_assert_eq(ck_rng_fill_normal(&r, z, n), CK_OK);
    double s = 0.0, s2 = 0.0;
    int64_t below = 0;
    for (int64_t i = 0; i < n; i++) {
        s += z[i];
        s2 += z[i] * z[i];
        below += z[i] < -1.959963984540054;
    }
    free(z);
    const double mean = s / (double)n, var = s2 / (double)n - mean * mean;
    cr_assert(fabs(mean) < 5e-3, "mean %g", mean);
    cr_assert(fabs(var - 1.0) < 7.1e-3, "var %g", var);
    cr_assert(fabs((double)below / (double)n - 0.025) < 8e-4, "tail %g", (double)below / (double)n);
}

/* ---- portable log -------------------------------------------------------------------------------- */

Test(rng, log_against_correctly_rounded)
{
    FILE *f = open_fixture("log.txt");
    int n;
    cr_assert_eq(fscanf(f, "%d", &n), 1);
    uint64_t max_ulp = 0;
    int exact = 0;
    for (int i = 0; i < n; i++) {
        uint64_t xb, yb;
        cr_assert_eq(fscanf(f, "%" SCNx64 " %" SCNx64, &xb, &yb), 2);
        const double x = bits_to_d(xb), y = bits_to_d(yb);
        const double got = ck_log_portable(x);
        const uint64_t d = ulp_dist(got, y);
        if (d > max_ulp)
            max_ulp = d;
        exact += d == 0;
        cr_assert(d <= 1, "log(%a) = %a, correctly rounded %a", x, got, y);
    }
    fclose(f);
    cr_log_info("log: %d/%d correctly rounded, max %" PRIu64 " ulp", exact, n, max_ulp);
}

Test(rng, log_specials)
{
    cr_assert_eq(ck_log_portable(1.0), 0.0);
    cr_assert_eq(ck_log_portable(2.0), 0x1.62e42fefa39efp-1); /* ln 2 rounded */
    cr_assert(isinf(ck_log_portable(0.0)) && ck_log_portable(0.0) < 0);
    cr_assert(isinf(ck_log_portable(-0.0)) && ck_log_portable(-0.0) < 0);
    cr_assert(isnan(ck_log_portable(-1.0)));
    cr_assert(isnan(ck_log_portable(-INFINITY)));
    cr_assert(isnan(ck_log_portable(NAN)));
    cr_assert(isinf(ck_log_portable(INFINITY)) && ck_log_portable(INFINITY) > 0);
}

/* ---- bad input ------------------------------------------------------------------------------------ */

Test(rng, bad_input)
{
    cr_assert_eq(ck_rng_init(NULL, 1, 2), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_rng_seek(NULL, 3), CK_E_INVALID_INPUT);
    double out[4];
    cr_assert_eq(ck_rng_fill_uniform(NULL, out, 4), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_rng_fill_normal(NULL, out, 4), CK_E_INVALID_INPUT);

    ck_rng_t r, ref;
    ck_rng_init(&r, 5, 6);
    (void)ck_rng_next_u64(&r);
    ref = r;
    cr_assert_eq(ck_rng_fill_uniform(&r, out, -1), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_rng_fill_normal(&r, out, -1), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_rng_fill_uniform(&r, NULL, 2), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_rng_fill_normal(&r, NULL, 2), CK_E_INVALID_INPUT);
    /* n = 0 with no buffer is fine and draws nothing */
    cr_assert_eq(ck_rng_fill_uniform(&r, NULL, 0), CK_OK);
    cr_assert_eq(ck_rng_fill_normal(&r, NULL, 0), CK_OK);
    /* nothing was drawn by the rejected calls */
    cr_assert_eq(ck_rng_next_u64(&r), ck_rng_next_u64(&ref));
}
