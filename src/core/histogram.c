/* Log-linear latency histogram (HdrHistogram-style). Bucket of v: values below 2^S (S =
 * CK_HIST_SUB_BITS) are their own bucket; above, the exponent e = floor(log2 v) - S + 1 picks a
 * band of 2^S buckets and the S bits below the leading one pick the bucket, so bucket widths
 * are 2^(e-1)... at most v / 2^S: percentiles are reported within 1/2^S above the true value. */
#include <string.h>

#include "ckernels/actor.h"

static unsigned bucket_of(uint64_t v)
{
    if (v < ((uint64_t)1 << CK_HIST_SUB_BITS)) return (unsigned)v;
    unsigned msb = 63u - (unsigned)__builtin_clzll(v);
    unsigned band = msb - CK_HIST_SUB_BITS + 1; /* 1.. */
    unsigned sub = (unsigned)(v >> (msb - CK_HIST_SUB_BITS)) & ((1u << CK_HIST_SUB_BITS) - 1);
    return (band << CK_HIST_SUB_BITS) | sub;
}

/* Largest value that falls in bucket b. */
static uint64_t bucket_top(unsigned b)
{
    unsigned band = b >> CK_HIST_SUB_BITS, sub = b & ((1u << CK_HIST_SUB_BITS) - 1);
    if (band == 0) return sub;
    unsigned shift = band - 1;
    uint64_t lo = ((uint64_t)((1u << CK_HIST_SUB_BITS) | sub)) << shift;
    return lo + (((uint64_t)1 << shift) - 1);
}

void ck_histogram_reset(ck_histogram_t *h)
{
    if (!h) return;
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

void ck_histogram_record(ck_histogram_t *h, uint64_t v)
{
    if (!h) return;
    h->buckets[bucket_of(v)]++;
    if (h->count == 0 || v < h->min) h->min = v; /* a zeroed histogram works without a reset */
    h->count++;
    h->sum += (double)v;
    if (v > h->max) h->max = v;
}

void ck_histogram_merge(ck_histogram_t *into, const ck_histogram_t *from)
{
    if (!into || !from || !from->count) return;
    for (unsigned b = 0; b < CK_HIST_BUCKETS; b++) into->buckets[b] += from->buckets[b];
    if (!into->count || from->min < into->min) into->min = from->min;
    if (from->max > into->max) into->max = from->max;
    into->count += from->count;
    into->sum += from->sum;
}

uint64_t ck_histogram_percentile(const ck_histogram_t *h, double q)
{
    if (!h || !h->count) return 0;
    if (q != q) return 0; /* NaN */
    if (!(q < 100.0)) return h->max;
    if (!(q > 0.0)) return h->min;
    /* The rank of the q-th percentile sample (nearest-rank definition), 1-based. */
    double r = q / 100.0 * (double)h->count;
    uint64_t rank = (uint64_t)r;
    if ((double)rank < r) rank++;
    if (rank == 0) rank = 1;
    uint64_t seen = 0;
    for (unsigned b = 0; b < CK_HIST_BUCKETS; b++) {
        seen += h->buckets[b];
        if (seen >= rank) {
            uint64_t top = bucket_top(b);
            return top < h->max ? top : h->max;
        }
    }
    return h->max;
}

double ck_histogram_mean(const ck_histogram_t *h) { return h && h->count ? h->sum / (double)h->count : 0.0; }
