/* Benchmark: ck_matmul against OpenBLAS cblas_dgemm, same inputs, same run.
 *
 * usage: bench_matmul [-t THREADS[,THREADS...]] [-r SECONDS] [N ...]
 *   defaults: N = 256 512 1024 2048, threads 1 and 2, at least 0.5 s of timing per measurement.
 * For each (N, threads) it prints GFLOP/s of both (best of the timed repetitions, 2 N^3 flops per
 * product) and ckernels/OpenBLAS as a ratio, after checking the two products agree: the inputs are
 * positive, so every entry is well conditioned and the relative difference must stay below
 * 1e-12 (the forward error bound is about N * 2^-53 for each). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>
#include <ckernels.h>

#include "bench_util.h"

/* Uniform in [0.5, 1.5) from splitmix64: deterministic, positive (see the header comment). */
static void fill(double *x, int64_t count, uint64_t seed)
{
    for (int64_t i = 0; i < count; i++) x[i] = 0.5 + (double)(bench_splitmix64(&seed) >> 11) / 9007199254740992.0;
}

typedef int (*product_fn)(ck_ctx_t *ctx, double *c, const double *a, const double *b, int64_t n);

static int run_ck(ck_ctx_t *ctx, double *c, const double *a, const double *b, int64_t n)
{
    ck_status_t st = ck_matmul(ctx, c, a, b, n, n, n);
    if (st != CK_OK) {
        fprintf(stderr, "ck_matmul failed: %s: %s\n", ck_status_name(st), ck_ctx_error(ctx));
        return -1;
    }
    return 0;
}

static int run_blas(ck_ctx_t *ctx, double *c, const double *a, const double *b, int64_t n)
{
    (void)ctx;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)n, (blasint)n, (blasint)n, 1.0, a,
                (blasint)n, b, (blasint)n, 0.0, c, (blasint)n);
    return 0;
}

/* Best time of repetitions until `budget` seconds have been spent (one warm-up run first). */
static double best_time(product_fn fn, ck_ctx_t *ctx, double *c, const double *a, const double *b, int64_t n,
                        double budget)
{
    double best = INFINITY, spent = 0;
    if (fn(ctx, c, a, b, n) != 0) return -1;
    for (int rep = 0; rep < 1000 && (rep < 2 || spent < budget); rep++) {
        double t0 = bench_now();
        if (fn(ctx, c, a, b, n) != 0) return -1;
        double dt = bench_now() - t0;
        spent += dt;
        if (dt < best) best = dt;
        if (dt > budget) break; /* one run already took the whole budget (large N) */
    }
    return best;
}

int main(int argc, char **argv)
{
    int64_t sizes[BENCH_MAX_LIST] = {256, 512, 1024, 2048}, threads[BENCH_MAX_LIST] = {1, 2};
    int n_sizes = 4, n_threads = 2, failed = 0;
    double budget = 0.5;
    ck_ctx_t *ctx = NULL;

    if (bench_parse_args(argc, argv, sizes, &n_sizes, threads, &n_threads, &budget) != 0) goto usage;

    if (ck_ctx_create(&ctx, NULL) != CK_OK) return 1;
    printf("# ck_matmul vs OpenBLAS cblas_dgemm (%s), C = A*B, N x N doubles, best of >= %.2f s\n",
           openblas_get_config(), budget);
    printf("# ckernels %s, OpenMP %s\n", ck_version(), ck_built_with_openmp() ? "on" : "off");
    printf("%6s %7s %14s %14s %8s %10s\n", "N", "threads", "ck GFLOP/s", "blas GFLOP/s", "ck/blas", "max rel");

    for (int si = 0; si < n_sizes; si++) {
        int64_t n = sizes[si];
        size_t elems = (size_t)n * (size_t)n;
        double *a = malloc(elems * sizeof *a), *b = malloc(elems * sizeof *b);
        double *c_ck = malloc(elems * sizeof *c_ck), *c_blas = malloc(elems * sizeof *c_blas);
        if (!a || !b || !c_ck || !c_blas) {
            fprintf(stderr, "out of memory for N = %lld\n", (long long)n);
            free(a), free(b), free(c_ck), free(c_blas);
            failed = 1;
            break;
        }
        fill(a, (int64_t)elems, 1u + (uint64_t)n);
        fill(b, (int64_t)elems, 1000003u + (uint64_t)n);
        for (int ti = 0; ti < n_threads; ti++) {
            int t = (int)threads[ti];
            ck_ctx_set_threads(ctx, t);
            openblas_set_num_threads(t);
            double t_ck = best_time(run_ck, ctx, c_ck, a, b, n, budget);
            double t_blas = best_time(run_blas, ctx, c_blas, a, b, n, budget);
            if (t_ck < 0 || t_blas < 0) {
                failed = 1;
                continue;
            }
            double max_rel = 0;
            for (size_t i = 0; i < elems; i++) {
                double rel = fabs(c_ck[i] - c_blas[i]) / fabs(c_blas[i]);
                if (!(rel <= max_rel)) max_rel = rel; /* also catches NaN */
            }
            if (!(max_rel < 1e-12)) {
                fprintf(stderr, "N = %lld threads = %d: results disagree, max relative difference %.3g\n",
                        (long long)n, t, max_rel);
                failed = 1;
                continue;
            }
            double flops = 2.0 * (double)n * (double)n * (double)n;
            printf("%6lld %7d %14.2f %14.2f %8.3f %10.2e\n", (long long)n, t, flops / t_ck * 1e-9,
                   flops / t_blas * 1e-9, t_blas / t_ck, max_rel);
            fflush(stdout);
        }
        free(a), free(b), free(c_ck), free(c_blas);
    }
    ck_ctx_destroy(&ctx);
    return failed;

usage:
    fprintf(stderr, "usage: %s [-t THREADS[,THREADS...]] [-r SECONDS] [N ...]\n", argv[0]);
    return 2;
}
