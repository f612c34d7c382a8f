/* ck_histogram_t (src/core/histogram.c): exact below 2^7, log-linear above with every power of two
 * split into 2^7 equal buckets (checked bucket by bucket over the whole 64-bit range against that
 * hand-derived layout), the relative-error bound on many values, percentiles against numpy's
 * nearest-rank oracle (tests/data/core/histogram/gen.py → percentiles.txt), merge, empty, mean. */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckernels/actor.h"

#define HIST_DATA CK_TEST_DATA_DIR "/core/histogram/"
#define SUB ((uint64_t)1 << CK_HIST_SUB_BITS) /* 128 */

/* A histogram is ~59 KB: keep them off the (Criterion worker's) stack. */
static ck_histogram_t *new_hist(void)
{
    ck_histogram_t *h = malloc(sizeof *h);
    cr_assert_not_null(h);
    ck_histogram_reset(h);
    return h;
}

/* The reported upper bound of the bucket holding v: record v and UINT64_MAX; the 50th percentile
 * (rank 1 of 2) is then the top of v's bucket, not capped by max. */
static uint64_t top_of(ck_histogram_t *h, uint64_t v)
{
    ck_histogram_reset(h);
    ck_histogram_record(h, v);
    ck_histogram_record(h, UINT64_MAX);
    return ck_histogram_percentile(h, 50.0);
}

/* reported ∈ [v, v·(1 + 2^-7)]: the excess is an integer, so compare it with floor(v / 128). */
static void check_bound(uint64_t v, uint64_t reported)
{
    cr_assert_geq(reported, v, "value %" PRIu64 ": reported %" PRIu64 " below it", v, reported);
    cr_assert_leq(reported - v, v >> CK_HIST_SUB_BITS,
                  "value %" PRIu64 ": reported %" PRIu64 " exceeds v*(1+2^-7)", v, reported);
    if (v < SUB) cr_assert_eq(reported, v, "value %" PRIu64 " below 2^7 must be exact", v);
}

Test(histogram, exact_below_128)
{
    ck_histogram_t *h = new_hist();
    for (uint64_t v = 0; v < SUB; v++) cr_assert_eq(top_of(h, v), v, "v=%" PRIu64, v);
    /* 128 is the first value of band 1, whose buckets are 1 wide: still exact up to 255. */
    for (uint64_t v = SUB; v < 2 * SUB; v++) cr_assert_eq(top_of(h, v), v, "v=%" PRIu64, v);
    free(h);
}

/* Every bucket of the 64-bit range. Hand-derived layout: for k >= 7 the values [2^k, 2^(k+1))
 * form 128 buckets of width w = 2^(k-7); bucket j covers [2^k + j·w, 2^k + (j+1)·w - 1]. For each
 * bucket we check that its lower edge, its top and a value inside report that top, and that the
 * next bucket starts right after it. */
Test(histogram, every_bucket_boundary)
{
    ck_histogram_t *h = new_hist();
    uint64_t buckets = SUB; /* the exact ones below 2^7 */
    for (unsigned k = CK_HIST_SUB_BITS; k < 64; k++) {
        uint64_t w = (uint64_t)1 << (k - CK_HIST_SUB_BITS);
        for (uint64_t j = 0; j < SUB; j++) {
            uint64_t lo = ((uint64_t)1 << k) + j * w;
            uint64_t top = lo + (w - 1); /* == UINT64_MAX for the last bucket, no overflow */
            cr_assert_eq(top_of(h, lo), top, "k=%u j=%" PRIu64 ": lower edge %" PRIu64, k, j, lo);
            cr_assert_eq(top_of(h, top), top, "k=%u j=%" PRIu64 ": top %" PRIu64, k, j, top);
            cr_assert_eq(top_of(h, lo + (w - 1) / 2), top, "k=%u j=%" PRIu64 ": middle", k, j);
            if (top != UINT64_MAX)
                cr_assert_gt(top_of(h, top + 1), top, "k=%u j=%" PRIu64 ": next bucket", k, j);
            check_bound(lo, top);
            buckets++;
        }
    }
    cr_assert_eq(buckets, (uint64_t)CK_HIST_BUCKETS, "the layout uses every bucket");
    cr_assert_eq(top_of(h, UINT64_MAX), UINT64_MAX);
    free(h);
}

/* The relative-error bound on special values and on 200,000 pseudo-random values spread
 * over every magnitude (splitmix64 word shifted right by a random amount). */
Test(histogram, relative_error_bound)
{
    ck_histogram_t *h = new_hist();
    const uint64_t special[] = {0, 1, 2, 126, 127, 128, 129, 255, 256, 257, 1000, 1023, 1024, 1025,
                                UINT64_MAX / 2, UINT64_MAX / 2 + 1, UINT64_MAX - 1, UINT64_MAX};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        check_bound(special[i], top_of(h, special[i]));
    for (unsigned k = 0; k < 64; k++) {
        uint64_t p = (uint64_t)1 << k;
        check_bound(p, top_of(h, p));
        check_bound(p - 1, top_of(h, p - 1));
        check_bound(p + 1, top_of(h, p + 1));
    }
    uint64_t s = 12345;
    for (int i = 0; i < 200000; i++) {
        uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        uint64_t v = z >> (z & 63);
        check_bound(v, top_of(h, v));
    }
    free(h);
}

/* ---- Percentiles against numpy (inverted_cdf = nearest rank) ------------------------------------ */

static int read_line(FILE *f, char *buf, size_t cap)
{
    while (fgets(buf, (int)cap, f)) {
        if (buf[0] != '#') return 1;
    }
    return 0;
}

Test(histogram, percentiles_match_numpy_nearest_rank)
{
    FILE *f = fopen(HIST_DATA "percentiles.txt", "r");
    cr_assert_not_null(f, "cannot open %spercentiles.txt", HIST_DATA);
    ck_histogram_t *h = new_hist();
    char line[256], name[64];
    int sets = 0, checks = 0;
    while (read_line(f, line, sizeof line)) {
        long long n;
        cr_assert_eq(sscanf(line, "set %63s %lld", name, &n), 2, "bad line: %s", line);
        ck_histogram_reset(h);
        for (long long i = 0; i < n; i++) {
            cr_assert(read_line(f, line, sizeof line));
            ck_histogram_record(h, strtoull(line, NULL, 10));
        }
        uint64_t count, mn, mx;
        double mean;
        cr_assert(read_line(f, line, sizeof line));
        cr_assert_eq(sscanf(line, "stats %" SCNu64 " %" SCNu64 " %" SCNu64 " %lf", &count, &mn, &mx, &mean), 4);
        cr_assert_eq(h->count, count, "%s: count", name);
        cr_assert_eq(h->min, mn, "%s: min", name);
        cr_assert_eq(h->max, mx, "%s: max", name);
        double m = ck_histogram_mean(h);
        cr_assert(fabs(m - mean) <= 1e-12 * fabs(mean), "%s: mean %.17g, numpy %.17g", name, m, mean);
        while (read_line(f, line, sizeof line) && strncmp(line, "end", 3) != 0) {
            char qs[32];
            uint64_t want;
            cr_assert_eq(sscanf(line, "q %31s %" SCNu64, qs, &want), 2, "bad line: %s", line);
            double q = strtod(qs, NULL);
            uint64_t got = ck_histogram_percentile(h, q);
            cr_assert_leq(got, mx, "%s q=%s: %" PRIu64 " above max", name, qs, got);
            cr_assert_geq(got, want, "%s q=%s: %" PRIu64 " below numpy's %" PRIu64, name, qs, got, want);
            cr_assert_leq(got - want, want >> CK_HIST_SUB_BITS,
                          "%s q=%s: %" PRIu64 " above numpy's %" PRIu64 " * (1+2^-7)", name, qs, got, want);
            if (want < SUB) cr_assert_eq(got, want, "%s q=%s: exact below 2^7", name, qs);
            if (q == 0.0) cr_assert_eq(got, mn, "%s: q=0 is the exact min", name);
            if (q == 100.0) cr_assert_eq(got, mx, "%s: q=100 is the exact max", name);
            checks++;
        }
        sets++;
    }
    fclose(f);
    free(h);
    cr_assert_eq(sets, 8, "fixture sets read");
    cr_assert_eq(checks, 8 * 19);
}

/* Hand-checked: 1..1000 (exact below 128, then buckets of width 1 up to 255, 2 up to 511, 4 up to
 * 1023). Nearest rank of q on n = 1000 is ceil(10 q). */
Test(histogram, hand_checked_ranks)
{
    ck_histogram_t *h = new_hist();
    for (uint64_t v = 1000; v >= 1; v--) ck_histogram_record(h, v); /* order does not matter */
    cr_assert_eq(ck_histogram_percentile(h, 0.0), 1);
    cr_assert_eq(ck_histogram_percentile(h, 0.05), 1);  /* rank ceil(0.5) = 1 */
    cr_assert_eq(ck_histogram_percentile(h, 10.0), 100); /* rank 100, exact */
    cr_assert_eq(ck_histogram_percentile(h, 10.01), 101); /* rank ceil(100.1) = 101 */
    cr_assert_eq(ck_histogram_percentile(h, 20.0), 200); /* [128, 256): width 1 */
    cr_assert_eq(ck_histogram_percentile(h, 30.0), 301); /* [256, 512): width 2, bucket [300, 301] */
    cr_assert_eq(ck_histogram_percentile(h, 50.0), 501); /* rank 500: bucket [500, 501] */
    /* rank 999 lies in [512, 1024), width 4: bucket [996, 999] → 999. */
    cr_assert_eq(ck_histogram_percentile(h, 99.85), 999);
    /* rank 1000's bucket is [1000, 1003]; its top is capped by the exact max 1000. */
    cr_assert_eq(ck_histogram_percentile(h, 99.95), 1000);
    cr_assert_eq(ck_histogram_percentile(h, 100.0), 1000);
    /* Out-of-range q clamps to the extremes. */
    cr_assert_eq(ck_histogram_percentile(h, -5.0), 1);
    cr_assert_eq(ck_histogram_percentile(h, 250.0), 1000);
    cr_assert_float_eq(ck_histogram_mean(h), 500.5, 1e-12);
    cr_assert_eq(h->count, 1000);
    cr_assert_eq(h->min, 1);
    cr_assert_eq(h->max, 1000);
    free(h);
}

/* ---- Empty, single, merge ----------------------------------------------------------------------- */

Test(histogram, empty)
{
    ck_histogram_t *h = new_hist();
    cr_assert_eq(h->count, 0);
    const double qs[] = {0.0, 1.0, 50.0, 99.9, 100.0};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) cr_assert_eq(ck_histogram_percentile(h, qs[i]), 0);
    cr_assert_eq(ck_histogram_mean(h), 0.0);
    /* NULL is tolerated by the read-side calls and reset. */
    cr_assert_eq(ck_histogram_percentile(NULL, 50.0), 0);
    cr_assert_eq(ck_histogram_mean(NULL), 0.0);
    ck_histogram_reset(NULL);
    /* Reset after use empties it again. */
    ck_histogram_record(h, 77);
    ck_histogram_reset(h);
    cr_assert_eq(h->count, 0);
    cr_assert_eq(ck_histogram_percentile(h, 50.0), 0);
    for (unsigned b = 0; b < CK_HIST_BUCKETS; b++) cr_assert_eq(h->buckets[b], 0);
    free(h);
}

Test(histogram, single_value_is_exact_everywhere)
{
    ck_histogram_t *h = new_hist();
    ck_histogram_record(h, 123456789);
    /* Its bucket's top is capped by the exact max, so every percentile is the value itself. */
    const double qs[] = {0.0, 0.001, 50.0, 99.999, 100.0};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
        cr_assert_eq(ck_histogram_percentile(h, qs[i]), 123456789);
    cr_assert_float_eq(ck_histogram_mean(h), 123456789.0, 1e-9);
    free(h);
}

Test(histogram, merge_equals_recording_everything)
{
    ck_histogram_t *a = new_hist(), *b = new_hist(), *all = new_hist(), *empty = new_hist();
    uint64_t s = 99;
    for (int i = 0; i < 50000; i++) {
        uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        uint64_t v = (z >> 40) + (i % 3 == 0 ? 5 : 1000); /* a has small values, b large ones */
        ck_histogram_record(i % 3 == 0 ? a : b, i % 3 == 0 ? v & 0xFF : v);
        ck_histogram_record(all, i % 3 == 0 ? v & 0xFF : v);
    }
    ck_histogram_t *m = new_hist();
    ck_histogram_merge(m, a); /* into an empty one: takes a's min */
    ck_histogram_merge(m, b);
    ck_histogram_merge(m, empty); /* merging an empty one changes nothing */
    ck_histogram_merge(m, NULL);
    ck_histogram_merge(NULL, a);
    cr_assert_eq(m->count, all->count);
    cr_assert_eq(m->min, all->min);
    cr_assert_eq(m->max, all->max);
    cr_assert_eq(memcmp(m->buckets, all->buckets, sizeof m->buckets), 0);
    cr_assert(fabs(m->sum - all->sum) <= 1e-12 * all->sum);
    const double qs[] = {0.0, 1.0, 33.0, 50.0, 90.0, 99.0, 99.9, 100.0};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
        cr_assert_eq(ck_histogram_percentile(m, qs[i]), ck_histogram_percentile(all, qs[i]), "q=%g", qs[i]);
    /* Merge in the other order gives the same min (b's values are all larger than a's). */
    ck_histogram_t *m2 = new_hist();
    ck_histogram_merge(m2, b);
    ck_histogram_merge(m2, a);
    cr_assert_eq(m2->min, all->min);
    cr_assert_eq(m2->max, all->max);
    /* Merging into an empty histogram after a reset yields a copy. */
    ck_histogram_t *c = new_hist();
    ck_histogram_merge(c, empty);
    cr_assert_eq(c->count, 0);
    cr_assert_eq(ck_histogram_percentile(c, 50.0), 0);
    free(a);
    free(b);
    free(all);
    free(empty);
    free(m);
    free(m2);
    free(c);
}
