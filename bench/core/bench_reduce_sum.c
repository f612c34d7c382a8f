/* Benchmark: ck_reduce_sum against a naive loop and a plain Kahan loop, same data, same run.
 *
 * usage: bench_reduce_sum [-t THREADS[,THREADS...]] [-r SECONDS] [N ...]
 *   defaults: N = 1e4 1e6 1e7 5e7 doubles, threads 1 and 2, at least 0.3 s of timing each.
 * Prints GB/s (8 N bytes read per sum, best of the timed repetitions) for each method, the ratio
 * ck/naive and ck/Kahan, and each method's error against a long-double Neumaier reference sum
 * (the data mix magnitudes over 12 decades with both signs, so the naive loop visibly drifts). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ckernels.h>

#include "bench_util.h"

static void fill(double *x, int64_t n, uint64_t seed)
{
    for (int64_t i = 0; i < n; i++) {
        uint64_t z = bench_splitmix64(&seed);
        double mant = (double)(z >> 11) / 9007199254740992.0 - 0.25; /* mostly positive */
        x[i] = ldexp(mant, (int)(z % 40) - 20);
    }
}

/* The loops live behind function pointers and their results go to a volatile sink, so the
 * compiler can neither drop nor hoist them. Built without -ffast-math: Kahan stays Kahan. */
static volatile double sink;

static double naive_sum(const double *x, int64_t n)
{
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += x[i];
    return s;
}

static double kahan_sum(const double *x, int64_t n)
{
    double s = 0, c = 0;
    for (int64_t i = 0; i < n; i++) {
        double y = x[i] - c;
        double t = s + y;
        c = (t - s) - y;
        s = t;
    }
    return s;
}

static long double reference_sum(const double *x, int64_t n)
{
    long double s = 0, c = 0;
    for (int64_t i = 0; i < n; i++) {
        long double t = s + x[i];
        if (fabsl(s) >= fabsl((long double)x[i])) c += (s - t) + x[i];
        else c += ((long double)x[i] - t) + s;
        s = t;
    }
    return s + c;
}

enum method { M_CK, M_NAIVE, M_KAHAN, M_COUNT };

static int run(enum method m, ck_ctx_t *ctx, const double *x, int64_t n, double *result)
{
    ck_reduce_sum_result_t r;
    ck_status_t st;
    switch (m) {
    case M_CK:
        st = ck_reduce_sum(ctx, &r, x, n);
        if (st != CK_OK) {
            fprintf(stderr, "ck_reduce_sum failed: %s: %s\n", ck_status_name(st), ck_ctx_error(ctx));
            return -1;
        }
        *result = r.sum;
        break;
    case M_NAIVE: *result = naive_sum(x, n); break;
    case M_KAHAN: *result = kahan_sum(x, n); break;
    default: return -1;
    }
    sink = *result;
    return 0;
}

static double best_time(enum method m, ck_ctx_t *ctx, const double *x, int64_t n, double budget, double *result)
{
    double best = INFINITY, spent = 0;
    if (run(m, ctx, x, n, result) != 0) return -1;
    for (int rep = 0; rep < 100000 && (rep < 3 || spent < budget); rep++) {
        double t0 = bench_now();
        if (run(m, ctx, x, n, result) != 0) return -1;
        double dt = bench_now() - t0;
        spent += dt;
        if (dt < best) best = dt;
    }
    return best;
}

int main(int argc, char **argv)
{
    int64_t sizes[BENCH_MAX_LIST] = {10000, 1000000, 10000000, 50000000}, threads[BENCH_MAX_LIST] = {1, 2};
    int n_sizes = 4, n_threads = 2, failed = 0;
    double budget = 0.3;
    ck_ctx_t *ctx = NULL;

    if (bench_parse_args(argc, argv, sizes, &n_sizes, threads, &n_threads, &budget) != 0) goto usage;

    if (ck_ctx_create(&ctx, NULL) != CK_OK) return 1;
    printf("# ck_reduce_sum (threads as listed) vs naive and Kahan loops (always 1 thread), best of\n"
           "# >= %.2f s; errors against a long-double Neumaier reference sum\n", budget);
    printf("%10s %7s %11s %11s %11s %9s %9s %10s %10s %10s\n", "N", "threads", "ck GB/s", "naive GB/s",
           "kahan GB/s", "ck/naive", "ck/kahan", "ck err", "naive err", "kahan err");
    for (int si = 0; si < n_sizes; si++) {
        int64_t n = sizes[si];
        double *x = malloc((size_t)n * sizeof *x);
        if (!x) {
            fprintf(stderr, "out of memory for N = %lld\n", (long long)n);
            failed = 1;
            break;
        }
        fill(x, n, 7u + (uint64_t)n);
        long double ref = reference_sum(x, n);
        for (int ti = 0; ti < n_threads; ti++) {
            double t[M_COUNT], sum[M_COUNT];
            ck_ctx_set_threads(ctx, (int)threads[ti]);
            for (int m = 0; m < M_COUNT; m++) {
                t[m] = best_time((enum method)m, ctx, x, n, budget, &sum[m]);
                if (t[m] < 0) failed = 1;
            }
            if (failed) break;
            double gb = (double)n * sizeof(double) * 1e-9;
            printf("%10lld %7d %11.2f %11.2f %11.2f %9.3f %9.3f %10.2e %10.2e %10.2e\n", (long long)n,
                   (int)threads[ti], gb / t[M_CK], gb / t[M_NAIVE], gb / t[M_KAHAN], t[M_NAIVE] / t[M_CK],
                   t[M_KAHAN] / t[M_CK], (double)fabsl((long double)sum[M_CK] - ref),
                   (double)fabsl((long double)sum[M_NAIVE] - ref), (double)fabsl((long double)sum[M_KAHAN] - ref));
            fflush(stdout);
            /* Neumaier over fixed chunks should be at least as accurate as Kahan, within rounding. */
            if (fabsl((long double)sum[M_CK] - ref) > fabsl((long double)sum[M_KAHAN] - ref) + 4 * fabsl(ref) * 1e-16L)
                fprintf(stderr, "warning: N = %lld: ck_reduce_sum less accurate than Kahan\n", (long long)n);
        }
        free(x);
    }
    ck_ctx_destroy(&ctx);
    return failed;

usage:
    fprintf(stderr, "usage: %s [-t THREADS[,THREADS...]] [-r SECONDS] [N ...]\n", argv[0]);
    return 2;
}
