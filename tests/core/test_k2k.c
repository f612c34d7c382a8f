/* K2K coordination primitives with real concurrent workers.
 *
 * Oracles are closed forms and hand computations, never our own output:
 *   - Newton's method for sqrt(2) from x0 = 1 gives x_k = p_k/q_k (3/2, 17/12, 577/408,
 *     665857/470832, ...) and delta_k = |x_k - x_{k-1}| = (x_{k-1}^2 - 2)/(2 x_{k-1}), i.e.
 *     1/2, 1/12, 1/(2*12*17) = 1/408, 1/(2*408*577) = 1/470832, 1/(2*470832*665857) = 1/627013566048.
 *   - sum of squares 1..n = n(n+1)(2n+1)/6; sum of 1..G = G(G+1)/2.
 *   - Jacobi on a diagonally dominant 3x3 system with the exact solution (1, 2, 3); the iteration
 *     count is compared with a plain sequential Jacobi loop written here (no library code).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc_sweep.h"
#include "ckernels/ctx.h"
#include "ckernels/k2k.h"

/* ------------------------------------------------------------------------------ helpers */

static ck_ctx_t *new_ctx(void)
{
    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    return ctx;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static ck_k2k_value_t vi(int64_t v)
{
    ck_k2k_value_t x;
    x.i64 = v;
    return x;
}

static ck_k2k_value_t vp(void *p)
{
    ck_k2k_value_t x;
    x.ptr = p;
    return x;
}

/* ============================================================================ iterative state */

static const double newton_deltas[5] = {1.0 / 2, 1.0 / 12, 1.0 / 408, 1.0 / 470832, 1.0 / 627013566048.0};

/* Runs Newton for sqrt(2) driven by the state; returns the final x. */
static double run_newton(ck_iterative_state_t *st, int64_t *calls)
{
    double x = 1.0;
    bool more = true;
    *calls = 0;
    while (more) {
        double nx = 0.5 * (x + 2.0 / x);
        double delta = fabs(nx - x);
        x = nx;
        cr_assert_eq(ck_iterative_state_update(NULL, &more, st, delta), CK_OK);
        ++*calls;
    }
    return x;
}

Test(k2k_iterative, newton_sqrt2_converges_at_hand_computed_iteration)
{
    ck_ctx_t *ctx = new_ctx();
    ck_iterative_options_t o;
    ck_iterative_options_init(&o);
    cr_assert_eq(o.max_iterations, 100);
    cr_assert_eq(o.tolerance, 1e-6);
    o.history = 8;
    ck_iterative_state_t *st = NULL;
    cr_assert_eq(ck_iterative_state_create(&st, ctx, &o), CK_OK);
    ck_iterative_info_t info;
    cr_assert_eq(ck_iterative_state_info(ctx, &info, st), CK_OK);
    cr_assert_eq(info.iterations, 0);
    cr_assert(isnan(info.last_delta));

    int64_t calls;
    double x = run_newton(st, &calls);
    /* delta_4 = 1/470832 = 2.12e-6 >= 1e-6, delta_5 = 1.6e-12 < 1e-6 */
    cr_assert_eq(calls, 5);
    cr_assert_eq(ck_iterative_state_iterations(st), 5);
    cr_assert(ck_iterative_state_converged(st));
    cr_assert_float_eq(x, sqrt(2.0), 1e-15);
    for (int64_t ago = 0; ago < 5; ago++) {
        double d;
        cr_assert_eq(ck_iterative_state_delta(ctx, &d, st, ago), CK_OK);
        double want = newton_deltas[4 - ago];
        cr_assert(fabs(d - want) <= 1e-9 * want + 1e-15, "ago %lld: %.17g vs %.17g", (long long)ago, d, want);
    }
    cr_assert_eq(ck_iterative_state_info(ctx, &info, st), CK_OK);
    cr_assert_eq(info.outcome, CK_ITER_CONVERGED);
    cr_assert_eq(info.best_iteration, 5);
    cr_assert(fabs(info.last_delta - newton_deltas[4]) < 1e-15);

    /* finished: another update is a state error, history outside the kept range is invalid */
    bool more = true;
    cr_assert_eq(ck_iterative_state_update(ctx, &more, st, 0.1), CK_E_STATE);
    cr_assert_not(more);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "st");
    double d;
    cr_assert_eq(ck_iterative_state_delta(ctx, &d, st, 5), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "ago");

    /* reset and feed the exact deltas with the tolerance exactly delta_4: the rule is strict (<),
     * so iteration 4 does not converge and 5 does; just above delta_4, iteration 4 converges. */
    o.tolerance = newton_deltas[3];
    cr_assert_eq(ck_iterative_state_reset(ctx, st, &o), CK_OK);
    cr_assert_eq(ck_iterative_state_iterations(st), 0);
    for (calls = 0, more = true; more; calls++)
        cr_assert_eq(ck_iterative_state_update(ctx, &more, st, newton_deltas[calls]), CK_OK);
    cr_assert_eq(calls, 5);
    o.tolerance = nextafter(newton_deltas[3], 1.0);
    cr_assert_eq(ck_iterative_state_reset(ctx, st, &o), CK_OK);
    for (calls = 0, more = true; more; calls++)
        cr_assert_eq(ck_iterative_state_update(ctx, &more, st, newton_deltas[calls]), CK_OK);
    cr_assert_eq(calls, 4);
    cr_assert(ck_iterative_state_converged(st));
    /* the Newton run itself (deltas rounded to ~1e-16 absolute) stops at 4 with a margin */
    o.tolerance = newton_deltas[3] * (1 + 1e-6);
    cr_assert_eq(ck_iterative_state_reset(ctx, st, &o), CK_OK);
    run_newton(st, &calls);
    cr_assert_eq(calls, 4);

    /* iteration limit: 3 iterations, not converged */
    o.tolerance = 1e-6;
    o.max_iterations = 3;
    cr_assert_eq(ck_iterative_state_reset(ctx, st, &o), CK_OK);
    run_newton(st, &calls);
    cr_assert_eq(calls, 3);
    cr_assert_eq(ck_iterative_state_outcome(st), CK_ITER_MAX_ITERATIONS);
    cr_assert_not(ck_iterative_state_converged(st));

    /* changing the history length on reset is refused */
    o.history = 3;
    cr_assert_eq(ck_iterative_state_reset(ctx, st, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "history");

    ck_iterative_state_destroy(&st);
    cr_assert_null(st);
    ck_iterative_state_destroy(&st); /* no-op */
    ck_ctx_destroy(&ctx);
}

Test(k2k_iterative, history_ring_keeps_last_k)
{
    ck_ctx_t *ctx = new_ctx();
    ck_iterative_options_t o;
    ck_iterative_options_init(&o);
    o.history = 3;
    o.tolerance = 0; /* never converges: 0 < 0 is false */
    o.max_iterations = 10;
    ck_iterative_state_t *st = NULL;
    cr_assert_eq(ck_iterative_state_create(&st, ctx, &o), CK_OK);
    bool more = false;
    for (int i = 1; i <= 10; i++) {
        cr_assert_eq(ck_iterative_state_update(ctx, &more, st, i == 7 ? 0.0 : 100.0 - i), CK_OK);
        cr_assert_eq(more, i < 10);
    }
    cr_assert_eq(ck_iterative_state_outcome(st), CK_ITER_MAX_ITERATIONS);
    double d;
    cr_assert_eq(ck_iterative_state_delta(ctx, &d, st, 0), CK_OK);
    cr_assert_eq(d, 90.0);
    cr_assert_eq(ck_iterative_state_delta(ctx, &d, st, 1), CK_OK);
    cr_assert_eq(d, 91.0);
    cr_assert_eq(ck_iterative_state_delta(ctx, &d, st, 2), CK_OK);
    cr_assert_eq(d, 92.0);
    cr_assert_eq(ck_iterative_state_delta(ctx, &d, st, 3), CK_E_INVALID_INPUT);
    ck_iterative_info_t info;
    cr_assert_eq(ck_iterative_state_info(ctx, &info, st), CK_OK);
    cr_assert_eq(info.best_delta, 0.0);
    cr_assert_eq(info.best_iteration, 7);
    cr_assert_eq(info.last_delta, 90.0);
    ck_iterative_state_destroy(&st);

    /* history 0 keeps nothing */
    o.history = 0;
    cr_assert_eq(ck_iterative_state_create(&st, ctx, &o), CK_OK);
    cr_assert_eq(ck_iterative_state_update(ctx, &more, st, 1.0), CK_OK);
    cr_assert_eq(ck_iterative_state_delta(ctx, &d, st, 0), CK_E_INVALID_INPUT);
    ck_iterative_state_destroy(&st);
    ck_ctx_destroy(&ctx);
}

Test(k2k_iterative, stall_detector)
{
    ck_ctx_t *ctx = new_ctx();
    ck_iterative_options_t o;
    ck_iterative_options_init(&o);
    o.stall_window = 3;
    ck_iterative_state_t *st = NULL;
    cr_assert_eq(ck_iterative_state_create(&st, ctx, &o), CK_OK);
    /* oscillating deltas: best 0.5 at iteration 2, then 3 iterations without a better one */
    const double seq[] = {1.0, 0.5, 0.7, 0.6, 0.8};
    bool more = true;
    int i = 0;
    for (; more; i++) cr_assert_eq(ck_iterative_state_update(ctx, &more, st, seq[i]), CK_OK);
    cr_assert_eq(i, 5);
    cr_assert_eq(ck_iterative_state_outcome(st), CK_ITER_STALLED);
    ck_iterative_state_destroy(&st);
    ck_ctx_destroy(&ctx);
}

Test(k2k_iterative, bad_input)
{
    ck_ctx_t *ctx = new_ctx();
    ck_iterative_options_t o;
    ck_iterative_state_t *st = NULL;
    const struct {
        const char *field;
        int what;
    } cases[] = {{"max_iterations", 0}, {"tolerance", 1}, {"tolerance", 2}, {"history", 3},
                 {"stall_window", 4}, {"workers", 5}, {"combine", 6}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ck_iterative_options_init(&o);
        switch (cases[k].what) {
        case 0: o.max_iterations = 0; break;
        case 1: o.tolerance = -1; break;
        case 2: o.tolerance = NAN; break;
        case 3: o.history = -1; break;
        case 4: o.stall_window = -2; break;
        case 5: o.workers = 0; break;
        default: o.combine = (ck_iter_combine_t)7; break;
        }
        cr_assert_eq(ck_iterative_state_create(&st, ctx, &o), CK_E_INVALID_INPUT);
        cr_assert_null(st);
        cr_assert_str_eq(ck_ctx_error_field(ctx), cases[k].field);
    }
    cr_assert_eq(ck_iterative_state_create(NULL, ctx, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_iterative_state_create(&st, NULL, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_iterative_state_update(ctx, NULL, NULL, 1.0), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "st");

    cr_assert_eq(ck_iterative_state_create(&st, ctx, NULL), CK_OK);
    cr_assert_eq(ck_iterative_state_update(ctx, NULL, st, NAN), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "delta");
    cr_assert_eq(ck_iterative_state_update(ctx, NULL, st, -0.5), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_iterative_state_iterations(st), 0);
    cr_assert_eq(ck_iterative_state_report(ctx, NULL, st, 1, 0.5), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "worker");
    ck_k2k_wait_t w;
    cr_assert_eq(ck_iterative_state_wait(ctx, &w, NULL, st, 0, 0), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_iterative_state_wait(ctx, &w, NULL, st, 1, 0), CK_OK);
    cr_assert_eq(w, CK_K2K_TIMEOUT);
    ck_iterative_state_destroy(&st);

    /* update() is for single-worker states */
    ck_iterative_options_init(&o);
    o.workers = 2;
    cr_assert_eq(ck_iterative_state_create(&st, ctx, &o), CK_OK);
    cr_assert_eq(ck_iterative_state_update(ctx, NULL, st, 1.0), CK_E_STATE);
    ck_iterative_state_destroy(&st);
    ck_ctx_destroy(&ctx);
}

/* Deterministic combine rules: worker w reports (w+1) / 2^k in iteration k. */
Test(k2k_iterative, combine_max_and_sum)
{
    ck_ctx_t *ctx = new_ctx();
    for (int rule = 0; rule < 2; rule++) {
        ck_iterative_options_t o;
        ck_iterative_options_init(&o);
        o.workers = 4;
        o.tolerance = 1.0;
        o.combine = rule ? CK_ITER_COMBINE_SUM : CK_ITER_COMBINE_MAX;
        ck_iterative_state_t *st = NULL;
        cr_assert_eq(ck_iterative_state_create(&st, ctx, &o), CK_OK);
        int64_t k = 0;
        bool more = true;
        while (more) {
            k++;
            for (int w = 0; w < 4; w++) {
                int64_t it = 0;
                cr_assert_eq(ck_iterative_state_report(ctx, &it, st, w, (w + 1) / ldexp(1.0, (int)k)), CK_OK);
                cr_assert_eq(it, k);
                if (w == 0) { /* a second report before the iteration completes */
                    cr_assert_eq(ck_iterative_state_report(ctx, NULL, st, 0, 0.1), CK_E_STATE);
                    cr_assert_str_eq(ck_ctx_error_field(ctx), "worker");
                }
            }
            ck_k2k_wait_t w;
            cr_assert_eq(ck_iterative_state_wait(ctx, &w, &more, st, k, 0), CK_OK);
            cr_assert_eq(w, CK_K2K_READY);
        }
        /* max: 4/2^k < 1 first at k = 3; sum: 10/2^k < 1 first at k = 4 */
        cr_assert_eq(k, rule ? 4 : 3);
        ck_iterative_info_t info;
        cr_assert_eq(ck_iterative_state_info(ctx, &info, st), CK_OK);
        cr_assert_eq(info.last_delta, rule ? 10.0 / 16 : 4.0 / 8);
        cr_assert_eq(ck_iterative_state_report(ctx, NULL, st, 0, 0.1), CK_E_STATE);
        /* waiting for an iteration that will never come */
        ck_k2k_wait_t w;
        cr_assert_eq(ck_iterative_state_wait(ctx, &w, NULL, st, k + 1, CK_K2K_FOREVER), CK_E_STATE);
        ck_iterative_state_destroy(&st);
    }
    ck_ctx_destroy(&ctx);
}

/* Jacobi for A x = b, A = [[4,1,0],[1,4,1],[0,1,4]], b = A (1,2,3) = (6,12,14). */
static const double jac_a[3][3] = {{4, 1, 0}, {1, 4, 1}, {0, 1, 4}};
static const double jac_b[3] = {6, 12, 14};
#define JAC_TOL 1e-10

static int64_t jacobi_sequential(double x_out[3])
{
    double x[3] = {0, 0, 0}, nx[3];
    for (int64_t it = 1;; it++) {
        double dmax = 0;
        for (int i = 0; i < 3; i++) {
            double s = jac_b[i];
            for (int j = 0; j < 3; j++)
                if (j != i) s -= jac_a[i][j] * x[j];
            nx[i] = s / jac_a[i][i];
            if (fabs(nx[i] - x[i]) > dmax) dmax = fabs(nx[i] - x[i]);
        }
        memcpy(x, nx, sizeof x);
        if (dmax < JAC_TOL) {
            memcpy(x_out, x, sizeof x);
            return it;
        }
    }
}

typedef struct {
    ck_iterative_state_t *st;
    double buf[2][3]; /* buf[k % 2] is read in iteration k+1, the other written */
    int64_t iters[3];
    int err[3];
} jacobi_shared_t;

typedef struct {
    jacobi_shared_t *sh;
    int w;
} jacobi_arg_t;

static void *jacobi_worker(void *p)
{
    jacobi_arg_t *a = p;
    jacobi_shared_t *sh = a->sh;
    int w = a->w;
    bool more = true;
    int64_t k = 0;
    while (more) {
        const double *x = sh->buf[k % 2];
        double *nx = sh->buf[(k + 1) % 2];
        double s = jac_b[w];
        for (int j = 0; j < 3; j++)
            if (j != w) s -= jac_a[w][j] * x[j];
        nx[w] = s / jac_a[w][w];
        int64_t it = 0;
        if (ck_iterative_state_report(NULL, &it, sh->st, w, fabs(nx[w] - x[w])) != CK_OK) {
            sh->err[w] = 1;
            return NULL;
        }
        if (it != k + 1) sh->err[w] = 2;
        ck_k2k_wait_t wt;
        if (ck_iterative_state_wait(NULL, &wt, &more, sh->st, it, CK_K2K_FOREVER) != CK_OK || wt != CK_K2K_READY) {
            sh->err[w] = 3;
            return NULL;
        }
        k = it;
    }
    sh->iters[w] = k;
    return NULL;
}

Test(k2k_iterative, jacobi_three_workers_report_concurrently)
{
    double xs[3];
    int64_t seq_iters = jacobi_sequential(xs);
    cr_assert_gt(seq_iters, 5);
    for (int i = 0; i < 3; i++) cr_assert_float_eq(xs[i], (double)(i + 1), 1e-9);

    ck_ctx_t *ctx = new_ctx();
    for (int rep = 0; rep < 20; rep++) {
        jacobi_shared_t sh;
        memset(&sh, 0, sizeof sh);
        ck_iterative_options_t o;
        ck_iterative_options_init(&o);
        o.workers = 3;
        o.tolerance = JAC_TOL;
        o.max_iterations = 1000;
        o.combine = CK_ITER_COMBINE_MAX;
        cr_assert_eq(ck_iterative_state_create(&sh.st, ctx, &o), CK_OK);
        pthread_t th[3];
        jacobi_arg_t args[3];
        for (int w = 0; w < 3; w++) {
            args[w].sh = &sh;
            args[w].w = w;
            cr_assert_eq(pthread_create(&th[w], NULL, jacobi_worker, &args[w]), 0);
        }
        for (int w = 0; w < 3; w++) pthread_join(th[w], NULL);
        for (int w = 0; w < 3; w++) {
            cr_assert_eq(sh.err[w], 0, "worker %d error %d", w, sh.err[w]);
            cr_assert_eq(sh.iters[w], seq_iters);
        }
        cr_assert_eq(ck_iterative_state_iterations(sh.st), seq_iters);
        cr_assert(ck_iterative_state_converged(sh.st));
        const double *x = sh.buf[seq_iters % 2];
        for (int i = 0; i < 3; i++) {
            cr_assert_eq(x[i], xs[i]); /* same arithmetic in the same order: bitwise equal */
            cr_assert_float_eq(x[i], (double)(i + 1), 1e-9);
        }
        ck_iterative_state_destroy(&sh.st);
    }
    ck_ctx_destroy(&ctx);
}

static void *cancel_after_20ms(void *p)
{
    sleep_ms(20);
    ck_iterative_state_cancel(p);
    return NULL;
}

Test(k2k_iterative, cancel_wakes_waiters)
{
    ck_ctx_t *ctx = new_ctx();
    ck_iterative_options_t o;
    ck_iterative_options_init(&o);
    o.workers = 2;
    ck_iterative_state_t *st = NULL;
    cr_assert_eq(ck_iterative_state_create(&st, ctx, &o), CK_OK);
    cr_assert_eq(ck_iterative_state_report(ctx, NULL, st, 0, 1.0), CK_OK);
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, cancel_after_20ms, st), 0);
    ck_k2k_wait_t w;
    cr_assert_eq(ck_iterative_state_wait(ctx, &w, NULL, st, 1, CK_K2K_FOREVER), CK_E_CANCELLED);
    pthread_join(th, NULL);
    cr_assert_eq(ck_iterative_state_report(ctx, NULL, st, 1, 1.0), CK_E_CANCELLED);
    ck_iterative_state_destroy(&st);
    ck_ctx_destroy(&ctx);
}

/* ============================================================================ scatter-gather */

#define SG_N 100000
#define SG_TASKS 64

typedef struct {
    ck_scatter_gather_t *sg;
    atomic_int claims[SG_TASKS];
    int64_t fail_task[2];
    ck_status_t fail_status[2];
    atomic_int errors;
} sg_shared_t;

static void *sg_worker(void *p)
{
    sg_shared_t *sh = p;
    for (;;) {
        int64_t t;
        ck_status_t s = ck_scatter_gather_claim(NULL, &t, sh->sg);
        if (s != CK_OK) {
            if (s != CK_E_CANCELLED) atomic_fetch_add(&sh->errors, 1);
            return NULL;
        }
        if (t < 0) return NULL;
        atomic_fetch_add(&sh->claims[t], 1);
        /* task t covers the numbers lo..hi-1 of 1..SG_N */
        int64_t lo = 1 + t * SG_N / SG_TASKS, hi = 1 + (t + 1) * SG_N / SG_TASKS;
        int64_t sum = 0;
        for (int64_t v = lo; v < hi; v++) sum += v * v;
        ck_status_t ts = CK_OK;
        for (int k = 0; k < 2; k++)
            if (t == sh->fail_task[k]) ts = sh->fail_status[k];
        if (ck_scatter_gather_complete(NULL, sh->sg, t, ts, vi(sum)) != CK_OK) atomic_fetch_add(&sh->errors, 1);
    }
}

static void sg_run(ck_ctx_t *ctx, sg_shared_t *sh, int nthreads)
{
    cr_assert_eq(ck_scatter_gather_create(&sh->sg, ctx, SG_TASKS), CK_OK);
    pthread_t th[8];
    for (int i = 0; i < nthreads; i++) cr_assert_eq(pthread_create(&th[i], NULL, sg_worker, sh), 0);
    for (int i = 0; i < nthreads; i++) pthread_join(th[i], NULL);
}

Test(k2k_scatter_gather, sum_of_squares_closed_form)
{
    ck_ctx_t *ctx = new_ctx();
    const int64_t n = SG_N;
    const int64_t closed = n * (n + 1) * (2 * n + 1) / 6; /* 333338333350000 */
    cr_assert_eq(closed, INT64_C(333338333350000));
    for (int nthreads = 2; nthreads <= 8; nthreads *= 2) {
        sg_shared_t sh;
        memset(&sh, 0, sizeof sh);
        sh.fail_task[0] = sh.fail_task[1] = -1;
        /* the coordinator waits while the workers run */
        cr_assert_eq(ck_scatter_gather_create(&sh.sg, ctx, SG_TASKS), CK_OK);
        pthread_t th[8];
        for (int i = 0; i < nthreads; i++) cr_assert_eq(pthread_create(&th[i], NULL, sg_worker, &sh), 0);
        ck_k2k_wait_t w;
        cr_assert_eq(ck_scatter_gather_wait(ctx, &w, sh.sg, CK_K2K_FOREVER), CK_OK);
        cr_assert_eq(w, CK_K2K_READY);
        for (int i = 0; i < nthreads; i++) pthread_join(th[i], NULL);
        cr_assert_eq(atomic_load(&sh.errors), 0);
        int64_t total = 0;
        for (int64_t t = 0; t < SG_TASKS; t++) {
            cr_assert_eq(atomic_load(&sh.claims[t]), 1, "task %lld claimed %d times", (long long)t,
                         atomic_load(&sh.claims[t]));
            ck_k2k_value_t v;
            ck_status_t ts = CK_E_INTERNAL;
            cr_assert_eq(ck_scatter_gather_result(ctx, &v, &ts, sh.sg, t), CK_OK);
            cr_assert_eq(ts, CK_OK);
            total += v.i64;
        }
        cr_assert_eq(total, closed);
        int64_t claimed, completed, failed;
        cr_assert_eq(ck_scatter_gather_progress(ctx, &claimed, &completed, &failed, sh.sg), CK_OK);
        cr_assert_eq(claimed, SG_TASKS);
        cr_assert_eq(completed, SG_TASKS);
        cr_assert_eq(failed, 0);
        int64_t t;
        cr_assert_eq(ck_scatter_gather_claim(ctx, &t, sh.sg), CK_OK);
        cr_assert_eq(t, -1);
        ck_scatter_gather_destroy(&sh.sg);
        cr_assert_null(sh.sg);
    }
    ck_ctx_destroy(&ctx);
}

Test(k2k_scatter_gather, lowest_failing_task_wins)
{
    ck_ctx_t *ctx = new_ctx();
    for (int rep = 0; rep < 10; rep++) {
        sg_shared_t sh;
        memset(&sh, 0, sizeof sh);
        sh.fail_task[0] = 41;
        sh.fail_status[0] = CK_E_OVERFLOW;
        sh.fail_task[1] = 17;
        sh.fail_status[1] = CK_E_INVALID_INPUT;
        sg_run(ctx, &sh, 4);
        ck_k2k_wait_t w;
        cr_assert_eq(ck_scatter_gather_wait(ctx, &w, sh.sg, 0), CK_E_INVALID_INPUT);
        cr_assert_eq(w, CK_K2K_READY);
        cr_assert_str_eq(ck_ctx_error_field(ctx), "tasks[17]");
        cr_assert_eq(ck_ctx_error_status(ctx), CK_E_INVALID_INPUT);
        int64_t failed;
        cr_assert_eq(ck_scatter_gather_progress(ctx, NULL, NULL, &failed, sh.sg), CK_OK);
        cr_assert_eq(failed, 2);
        ck_status_t ts;
        ck_k2k_value_t v;
        cr_assert_eq(ck_scatter_gather_result(ctx, &v, &ts, sh.sg, 41), CK_OK);
        cr_assert_eq(ts, CK_E_OVERFLOW);
        ck_scatter_gather_destroy(&sh.sg);
    }
    ck_ctx_destroy(&ctx);
}

typedef struct {
    ck_scatter_gather_t *sg;
    ck_ctx_t *ctx;
    ck_status_t status;
    ck_k2k_wait_t outcome;
    int64_t elapsed_ns;
} sg_waiter_t;

static void *sg_wait_thread(void *p)
{
    sg_waiter_t *a = p;
    int64_t t0 = now_ns();
    a->status = ck_scatter_gather_wait(a->ctx, &a->outcome, a->sg, CK_K2K_FOREVER);
    a->elapsed_ns = now_ns() - t0;
    return NULL;
}

Test(k2k_scatter_gather, timeout_and_cancellation)
{
    ck_ctx_t *ctx = new_ctx();
    ck_scatter_gather_t *sg = NULL;
    cr_assert_eq(ck_scatter_gather_create(&sg, ctx, 3), CK_OK);
    int64_t t;
    cr_assert_eq(ck_scatter_gather_claim(ctx, &t, sg), CK_OK);
    cr_assert_eq(t, 0);
    /* completing an unclaimed task directly: claim then skips it */
    cr_assert_eq(ck_scatter_gather_complete(ctx, sg, 1, CK_OK, vi(5)), CK_OK);
    cr_assert_eq(ck_scatter_gather_claim(ctx, &t, sg), CK_OK);
    cr_assert_eq(t, 2);
    cr_assert_eq(ck_scatter_gather_claim(ctx, &t, sg), CK_OK);
    cr_assert_eq(t, -1);

    ck_k2k_wait_t w;
    int64_t t0 = now_ns();
    cr_assert_eq(ck_scatter_gather_wait(ctx, &w, sg, 30000000), CK_OK);
    cr_assert_eq(w, CK_K2K_TIMEOUT);
    cr_assert_geq(now_ns() - t0, 30000000);

    /* explicit cancel wakes a blocked waiter */
    sg_waiter_t a = {sg, NULL, CK_OK, CK_K2K_READY, 0};
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, sg_wait_thread, &a), 0);
    sleep_ms(20);
    ck_scatter_gather_cancel(sg);
    pthread_join(th, NULL);
    cr_assert_eq(a.status, CK_E_CANCELLED);
    cr_assert_eq(ck_scatter_gather_claim(ctx, &t, sg), CK_E_CANCELLED);
    /* completion after cancel still records the partial result */
    cr_assert_eq(ck_scatter_gather_complete(ctx, sg, 0, CK_OK, vi(7)), CK_OK);
    ck_scatter_gather_destroy(&sg);

    /* the owner context's cancel flag (set from another thread, no signal) is seen by a blocked wait */
    cr_assert_eq(ck_scatter_gather_create(&sg, ctx, 2), CK_OK);
    sg_waiter_t b = {sg, NULL, CK_OK, CK_K2K_READY, 0};
    cr_assert_eq(pthread_create(&th, NULL, sg_wait_thread, &b), 0);
    sleep_ms(20);
    ck_ctx_cancel(ctx);
    pthread_join(th, NULL);
    cr_assert_eq(b.status, CK_E_CANCELLED);
    cr_assert_lt(b.elapsed_ns, 2000000000LL);
    cr_assert_eq(ck_scatter_gather_claim(ctx, &t, sg), CK_E_CANCELLED);
    cr_assert_eq(ck_ctx_error_status(ctx), CK_E_CANCELLED);
    ck_ctx_reset_cancel(ctx);
    cr_assert_eq(ck_scatter_gather_claim(ctx, &t, sg), CK_OK);
    cr_assert_eq(t, 0);
    ck_scatter_gather_destroy(&sg);
    ck_ctx_destroy(&ctx);
}

Test(k2k_scatter_gather, bad_input)
{
    ck_ctx_t *ctx = new_ctx();
    ck_scatter_gather_t *sg = NULL;
    cr_assert_eq(ck_scatter_gather_create(&sg, ctx, 0), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "n_tasks");
    cr_assert_null(sg);
    cr_assert_eq(ck_scatter_gather_create(&sg, ctx, -3), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_scatter_gather_create(NULL, ctx, 3), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_scatter_gather_create(&sg, NULL, 3), CK_E_INVALID_INPUT);
    int64_t t;
    cr_assert_eq(ck_scatter_gather_claim(ctx, &t, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "sg");

    cr_assert_eq(ck_scatter_gather_create(&sg, ctx, 2), CK_OK);
    cr_assert_eq(ck_scatter_gather_claim(ctx, NULL, sg), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "task");
    cr_assert_eq(ck_scatter_gather_complete(ctx, sg, 2, CK_OK, vi(0)), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "task");
    cr_assert_eq(ck_scatter_gather_complete(ctx, sg, -1, CK_OK, vi(0)), CK_E_INVALID_INPUT);
    ck_k2k_value_t v;
    cr_assert_eq(ck_scatter_gather_result(ctx, &v, NULL, sg, 0), CK_E_STATE);
    cr_assert_eq(ck_scatter_gather_complete(ctx, sg, 0, CK_OK, vi(11)), CK_OK);
    cr_assert_eq(ck_scatter_gather_complete(ctx, sg, 0, CK_OK, vi(12)), CK_E_STATE);
    cr_assert_eq(ck_scatter_gather_result(ctx, &v, NULL, sg, 0), CK_OK);
    cr_assert_eq(v.i64, 11); /* the duplicate did not overwrite */
    ck_k2k_wait_t w;
    cr_assert_eq(ck_scatter_gather_wait(ctx, NULL, sg, 0), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_scatter_gather_wait(ctx, &w, sg, 0), CK_OK);
    cr_assert_eq(w, CK_K2K_TIMEOUT);
    ck_scatter_gather_destroy(&sg);
    ck_ctx_destroy(&ctx);
}

/* ============================================================================ fan-out */

#define FO_GENS 2000

typedef struct {
    ck_fan_out_t *fo;
    int64_t sub;
    int64_t count, sum, last_gen;
    int err;
} fo_sub_t;

static void *fo_subscriber(void *p)
{
    fo_sub_t *s = p;
    for (;;) {
        ck_k2k_wait_t w;
        int64_t g = 0;
        ck_k2k_value_t item;
        if (ck_fan_out_next(NULL, &w, &g, &item, s->fo, s->sub, CK_K2K_FOREVER) != CK_OK) {
            s->err = 1;
            return NULL;
        }
        if (w == CK_K2K_CLOSED) return NULL;
        if (w != CK_K2K_READY || g != s->last_gen + 1 || item.i64 != 7 * g) s->err = 2;
        s->last_gen = g;
        s->count++;
        s->sum += item.i64;
        if (ck_fan_out_ack(NULL, s->fo, s->sub, g) != CK_OK) s->err = 3;
        /* a duplicate ack is rejected */
        if (g % 97 == 0 && ck_fan_out_ack(NULL, s->fo, s->sub, g) != CK_E_STATE) s->err = 4;
    }
}

Test(k2k_fan_out, broadcast_every_generation_acked_once)
{
    ck_ctx_t *ctx = new_ctx();
    for (int m = 1; m <= 7; m += 3) {
        ck_fan_out_t *fo = NULL;
        cr_assert_eq(ck_fan_out_create(&fo, ctx, m), CK_OK);
        fo_sub_t subs[8];
        pthread_t th[8];
        for (int i = 0; i < m; i++) {
            memset(&subs[i], 0, sizeof subs[i]);
            subs[i].fo = fo;
            subs[i].sub = i;
            cr_assert_eq(pthread_create(&th[i], NULL, fo_subscriber, &subs[i]), 0);
        }
        for (int64_t g = 1; g <= FO_GENS; g++) {
            int64_t gen = 0;
            cr_assert_eq(ck_fan_out_publish(ctx, &gen, fo, vi(7 * g)), CK_OK);
            cr_assert_eq(gen, g);
            ck_k2k_wait_t w;
            cr_assert_eq(ck_fan_out_wait_all(ctx, &w, fo, CK_K2K_FOREVER), CK_OK);
            cr_assert_eq(w, CK_K2K_READY);
            int64_t cg, acked, pending;
            cr_assert_eq(ck_fan_out_counts(ctx, &cg, &acked, &pending, fo), CK_OK);
            cr_assert_eq(cg, g);
            cr_assert_eq(acked, m);
            cr_assert_eq(pending, 0);
        }
        cr_assert_eq(ck_fan_out_close(ctx, fo), CK_OK);
        for (int i = 0; i < m; i++) pthread_join(th[i], NULL);
        for (int i = 0; i < m; i++) {
            cr_assert_eq(subs[i].err, 0, "subscriber %d error %d", i, subs[i].err);
            cr_assert_eq(subs[i].count, FO_GENS);
            cr_assert_eq(subs[i].sum, 7 * (int64_t)FO_GENS * (FO_GENS + 1) / 2);
        }
        cr_assert_eq(ck_fan_out_publish(ctx, NULL, fo, vi(0)), CK_E_STATE); /* closed */
        ck_fan_out_destroy(&fo);
        cr_assert_null(fo);
    }
    ck_ctx_destroy(&ctx);
}

Test(k2k_fan_out, protocol_errors_and_counts)
{
    ck_ctx_t *ctx = new_ctx();
    ck_fan_out_t *fo = NULL;
    cr_assert_eq(ck_fan_out_create(&fo, ctx, 0), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "n_subscribers");
    cr_assert_null(fo);
    cr_assert_eq(ck_fan_out_create(&fo, NULL, 2), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_fan_out_create(&fo, ctx, 3), CK_OK);

    ck_k2k_wait_t w;
    cr_assert_eq(ck_fan_out_wait_all(ctx, &w, fo, 0), CK_E_STATE); /* nothing published */
    cr_assert_eq(ck_fan_out_ack(ctx, fo, 0, 1), CK_E_STATE);       /* not published yet */
    cr_assert_str_eq(ck_ctx_error_field(ctx), "generation");
    int64_t g, acked, pending;
    cr_assert_eq(ck_fan_out_counts(ctx, &g, &acked, &pending, fo), CK_OK);
    cr_assert_eq(g, 0);
    cr_assert_eq(pending, 0);
    int x = 42;
    cr_assert_eq(ck_fan_out_publish(ctx, &g, fo, vp(&x)), CK_OK);
    cr_assert_eq(g, 1);
    cr_assert_eq(ck_fan_out_counts(ctx, NULL, &acked, &pending, fo), CK_OK);
    cr_assert_eq(acked, 0);
    cr_assert_eq(pending, 3);

    ck_k2k_value_t item;
    int64_t got;
    cr_assert_eq(ck_fan_out_next(ctx, &w, &got, &item, fo, 2, 0), CK_OK);
    cr_assert_eq(w, CK_K2K_READY);
    cr_assert_eq(got, 1);
    cr_assert_eq(item.ptr, &x);
    cr_assert_eq(ck_fan_out_ack(ctx, fo, 2, 1), CK_OK);
    cr_assert_eq(ck_fan_out_ack(ctx, fo, 2, 1), CK_E_STATE); /* twice */
    cr_assert_eq(ck_fan_out_ack(ctx, fo, 1, 2), CK_E_STATE); /* future generation */
    cr_assert_eq(ck_fan_out_ack(ctx, fo, 3, 1), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "subscriber");
    cr_assert_eq(ck_fan_out_ack(ctx, fo, -1, 1), CK_E_INVALID_INPUT);
    /* subscriber 2 has acked: nothing new for it */
    cr_assert_eq(ck_fan_out_next(ctx, &w, &got, &item, fo, 2, 10000000), CK_OK);
    cr_assert_eq(w, CK_K2K_TIMEOUT);
    cr_assert_eq(ck_fan_out_counts(ctx, NULL, &acked, &pending, fo), CK_OK);
    cr_assert_eq(acked, 1);
    cr_assert_eq(pending, 2);
    cr_assert_eq(ck_fan_out_wait_all(ctx, &w, fo, 10000000), CK_OK);
    cr_assert_eq(w, CK_K2K_TIMEOUT);
    cr_assert_eq(ck_fan_out_publish(ctx, NULL, fo, vi(0)), CK_E_STATE); /* pending acks */
    cr_assert_str_eq(ck_ctx_error_field(ctx), "fo");

    /* close: acks of the current generation still count, then subscribers drain to CLOSED */
    cr_assert_eq(ck_fan_out_close(ctx, fo), CK_OK);
    cr_assert_eq(ck_fan_out_next(ctx, &w, &got, &item, fo, 0, 0), CK_OK);
    cr_assert_eq(w, CK_K2K_READY);
    cr_assert_eq(ck_fan_out_ack(ctx, fo, 0, 1), CK_OK);
    cr_assert_eq(ck_fan_out_ack(ctx, fo, 1, 1), CK_OK);
    cr_assert_eq(ck_fan_out_wait_all(ctx, &w, fo, 0), CK_OK);
    cr_assert_eq(w, CK_K2K_READY);
    cr_assert_eq(ck_fan_out_next(ctx, &w, &got, &item, fo, 0, CK_K2K_FOREVER), CK_OK);
    cr_assert_eq(w, CK_K2K_CLOSED);
    cr_assert_eq(ck_fan_out_publish(ctx, NULL, fo, vi(0)), CK_E_STATE);

    cr_assert_eq(ck_fan_out_next(ctx, NULL, NULL, NULL, fo, 0, 0), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_fan_out_ack(ctx, NULL, 0, 1), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "fo");
    ck_fan_out_destroy(&fo);
    ck_ctx_destroy(&ctx);
}

typedef struct {
    ck_fan_out_t *fo;
    ck_status_t status;
} fo_block_t;

static void *fo_block_next(void *p)
{
    fo_block_t *b = p;
    ck_k2k_wait_t w;
    b->status = ck_fan_out_next(NULL, &w, NULL, NULL, b->fo, 0, CK_K2K_FOREVER);
    return NULL;
}

Test(k2k_fan_out, cancel_wakes_subscriber)
{
    ck_ctx_t *ctx = new_ctx();
    ck_fan_out_t *fo = NULL;
    cr_assert_eq(ck_fan_out_create(&fo, ctx, 1), CK_OK);
    fo_block_t b = {fo, CK_OK};
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, fo_block_next, &b), 0);
    sleep_ms(20);
    ck_fan_out_cancel(fo);
    pthread_join(th, NULL);
    cr_assert_eq(b.status, CK_E_CANCELLED);
    cr_assert_eq(ck_fan_out_publish(ctx, NULL, fo, vi(1)), CK_E_CANCELLED);
    ck_fan_out_destroy(&fo);
    ck_ctx_destroy(&ctx);
}

/* ============================================================================ pipeline */

#define PL_N 5000

typedef struct {
    ck_pipeline_t *pl;
    char (*text)[16];  /* stage 0 items: pointers to decimal strings */
    bool drop_odd;     /* stage 1 filters odd numbers out */
    int64_t sum;       /* stage 2 result */
    int64_t count;
    int fifo_violations;
    atomic_int errors;
} pl_shared_t;

static void *pl_producer(void *p)
{
    pl_shared_t *sh = p;
    for (int64_t i = 0; i < PL_N; i++)
        if (ck_pipeline_push(NULL, sh->pl, 0, vp(sh->text[i]), CK_K2K_FOREVER) != CK_OK) atomic_fetch_add(&sh->errors, 1);
    if (ck_pipeline_close(NULL, sh->pl, 0) != CK_OK) atomic_fetch_add(&sh->errors, 1);
    return NULL;
}

static void *pl_parse(void *p) /* stage 0: text -> integer */
{
    pl_shared_t *sh = p;
    for (;;) {
        ck_k2k_wait_t w;
        ck_k2k_value_t it;
        if (ck_pipeline_pop(NULL, &w, &it, sh->pl, 0, CK_K2K_FOREVER) != CK_OK) break;
        if (w == CK_K2K_CLOSED) return NULL;
        int64_t v = strtoll(it.ptr, NULL, 10);
        if (ck_pipeline_push(NULL, sh->pl, 1, vi(v), CK_K2K_FOREVER) != CK_OK) break;
    }
    atomic_fetch_add(&sh->errors, 1);
    return NULL;
}

static void *pl_square(void *p) /* stage 1: v -> v*v (or drop odd v) */
{
    pl_shared_t *sh = p;
    for (;;) {
        ck_k2k_wait_t w;
        ck_k2k_value_t it;
        if (ck_pipeline_pop(NULL, &w, &it, sh->pl, 1, CK_K2K_FOREVER) != CK_OK) break;
        if (w == CK_K2K_CLOSED) return NULL;
        ck_status_t s;
        if (sh->drop_odd && it.i64 % 2)
            s = ck_pipeline_retire(NULL, sh->pl, 1);
        else
            s = ck_pipeline_push(NULL, sh->pl, 2, vi(it.i64 * it.i64), CK_K2K_FOREVER);
        if (s != CK_OK) break;
    }
    atomic_fetch_add(&sh->errors, 1);
    return NULL;
}

static void *pl_accumulate(void *p) /* stage 2: sum, checking FIFO order */
{
    pl_shared_t *sh = p;
    int64_t prev = 0;
    for (;;) {
        ck_k2k_wait_t w;
        ck_k2k_value_t it;
        if (ck_pipeline_pop(NULL, &w, &it, sh->pl, 2, CK_K2K_FOREVER) != CK_OK) break;
        if (w == CK_K2K_CLOSED) return NULL;
        if (it.i64 <= prev) sh->fifo_violations++;
        prev = it.i64;
        sh->sum += it.i64;
        sh->count++;
        if (ck_pipeline_retire(NULL, sh->pl, 2) != CK_OK) break;
    }
    atomic_fetch_add(&sh->errors, 1);
    return NULL;
}

static void pl_run(pl_shared_t *sh, ck_ctx_t *ctx, const int64_t caps[3], int square_workers, bool check_fifo)
{
    static char text[PL_N][16];
    for (int64_t i = 0; i < PL_N; i++) snprintf(text[i], sizeof text[i], "%lld", (long long)(i + 1));
    sh->text = text;
    cr_assert_eq(ck_pipeline_create(&sh->pl, ctx, 3, caps), CK_OK);
    pthread_t prod, parse, sq[4], acc;
    cr_assert_eq(pthread_create(&acc, NULL, pl_accumulate, sh), 0);
    for (int i = 0; i < square_workers; i++) cr_assert_eq(pthread_create(&sq[i], NULL, pl_square, sh), 0);
    cr_assert_eq(pthread_create(&parse, NULL, pl_parse, sh), 0);
    cr_assert_eq(pthread_create(&prod, NULL, pl_producer, sh), 0);
    ck_k2k_wait_t w;
    cr_assert_eq(ck_pipeline_wait_drained(ctx, &w, sh->pl, CK_K2K_FOREVER), CK_OK);
    cr_assert_eq(w, CK_K2K_READY);
    pthread_join(prod, NULL);
    pthread_join(parse, NULL);
    for (int i = 0; i < square_workers; i++) pthread_join(sq[i], NULL);
    pthread_join(acc, NULL);
    cr_assert_eq(atomic_load(&sh->errors), 0);
    if (check_fifo) cr_assert_eq(sh->fifo_violations, 0);
    for (int64_t s = 0; s < 3; s++) {
        ck_pipeline_stage_stats_t st;
        cr_assert_eq(ck_pipeline_stage_stats(ctx, &st, sh->pl, s), CK_OK);
        cr_assert(st.closed, "stage %lld not closed", (long long)s);
        cr_assert_eq(st.depth, 0);
        cr_assert_eq(st.held, 0);
        cr_assert_eq(st.in, st.out);
        cr_assert_eq(st.capacity, caps[s]);
        cr_assert(st.max_depth >= 1 && st.max_depth <= caps[s], "stage %lld max depth %lld", (long long)s,
                  (long long)st.max_depth);
    }
}

Test(k2k_pipeline, parse_square_accumulate_closed_form_fifo)
{
    ck_ctx_t *ctx = new_ctx();
    const int64_t caps[3] = {4, 2, 3};
    pl_shared_t sh;
    memset(&sh, 0, sizeof sh);
    pl_run(&sh, ctx, caps, 1, true);
    const int64_t n = PL_N;
    cr_assert_eq(sh.sum, n * (n + 1) * (2 * n + 1) / 6); /* 41679167500 */
    cr_assert_eq(sh.sum, INT64_C(41679167500));
    cr_assert_eq(sh.count, PL_N);
    int64_t entered, left;
    cr_assert_eq(ck_pipeline_counts(ctx, &entered, &left, sh.pl), CK_OK);
    cr_assert_eq(entered, PL_N);
    cr_assert_eq(left, PL_N);
    for (int64_t s = 0; s < 3; s++) {
        ck_pipeline_stage_stats_t st;
        cr_assert_eq(ck_pipeline_stage_stats(ctx, &st, sh.pl, s), CK_OK);
        cr_assert_eq(st.in, PL_N);
        cr_assert_eq(st.retired, s == 2 ? PL_N : 0);
    }
    ck_pipeline_destroy(&sh.pl);
    cr_assert_null(sh.pl);
    ck_ctx_destroy(&ctx);
}

Test(k2k_pipeline, filtering_stage_with_several_workers)
{
    ck_ctx_t *ctx = new_ctx();
    const int64_t caps[3] = {1, 8, 1};
    for (int rep = 0; rep < 3; rep++) {
        pl_shared_t sh;
        memset(&sh, 0, sizeof sh);
        sh.drop_odd = true;
        pl_run(&sh, ctx, caps, 3, false);
        /* sum of (2k)^2, k = 1..2500 = 4 * 2500*2501*5001/6 */
        cr_assert_eq(sh.sum, 4 * INT64_C(2500) * 2501 * 5001 / 6);
        cr_assert_eq(sh.count, PL_N / 2);
        ck_pipeline_stage_stats_t st;
        cr_assert_eq(ck_pipeline_stage_stats(ctx, &st, sh.pl, 1), CK_OK);
        cr_assert_eq(st.in, PL_N);
        cr_assert_eq(st.retired, PL_N / 2);
        cr_assert_eq(ck_pipeline_stage_stats(ctx, &st, sh.pl, 2), CK_OK);
        cr_assert_eq(st.in, PL_N / 2);
        int64_t entered, left;
        cr_assert_eq(ck_pipeline_counts(ctx, &entered, &left, sh.pl), CK_OK);
        cr_assert_eq(entered, PL_N);
        cr_assert_eq(left, PL_N);
        ck_pipeline_destroy(&sh.pl);
    }
    ck_ctx_destroy(&ctx);
}

typedef struct {
    ck_pipeline_t *pl;
    atomic_int pushed;
    ck_status_t status;
} pl_bp_t;

static void *pl_push_two(void *p)
{
    pl_bp_t *b = p;
    for (int i = 0; i < 2; i++) {
        b->status = ck_pipeline_push(NULL, b->pl, 0, vi(100 + i), CK_K2K_FOREVER);
        if (b->status != CK_OK) return NULL;
        atomic_fetch_add(&b->pushed, 1);
    }
    return NULL;
}

Test(k2k_pipeline, back_pressure_and_queue_full)
{
    ck_ctx_t *ctx = new_ctx();
    const int64_t caps[2] = {1, 1};
    ck_pipeline_t *pl = NULL;
    cr_assert_eq(ck_pipeline_create(&pl, ctx, 2, caps), CK_OK);
    pl_bp_t b = {pl, 0, CK_OK};
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, pl_push_two, &b), 0);
    sleep_ms(50);
    cr_assert_eq(atomic_load(&b.pushed), 1); /* the second push blocks: capacity 1 */
    cr_assert_eq(ck_pipeline_try_push(ctx, pl, 0, vi(9)), CK_E_QUEUE_FULL);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "stage");
    int64_t t0 = now_ns();
    cr_assert_eq(ck_pipeline_push(ctx, pl, 0, vi(9), 20000000), CK_E_QUEUE_FULL);
    cr_assert_geq(now_ns() - t0, 20000000);
    ck_k2k_wait_t w;
    ck_k2k_value_t it;
    cr_assert_eq(ck_pipeline_pop(ctx, &w, &it, pl, 0, 0), CK_OK);
    cr_assert_eq(w, CK_K2K_READY);
    cr_assert_eq(it.i64, 100);
    pthread_join(th, NULL); /* the pop made room */
    cr_assert_eq(b.status, CK_OK);
    cr_assert_eq(atomic_load(&b.pushed), 2);
    cr_assert_eq(ck_pipeline_push(ctx, pl, 1, vi(1), 0), CK_OK); /* forward 100 */
    cr_assert_eq(ck_pipeline_pop(ctx, &w, &it, pl, 0, 0), CK_OK);
    cr_assert_eq(it.i64, 101);
    /* queue 1 is full; the held item can still be retired instead */
    cr_assert_eq(ck_pipeline_try_push(ctx, pl, 1, vi(2)), CK_E_QUEUE_FULL);
    cr_assert_eq(ck_pipeline_retire(ctx, pl, 0), CK_OK);
    cr_assert_eq(ck_pipeline_pop(ctx, &w, &it, pl, 0, 0), CK_OK);
    cr_assert_eq(w, CK_K2K_TIMEOUT);
    cr_assert_eq(ck_pipeline_wait_drained(ctx, &w, pl, 0), CK_OK);
    cr_assert_eq(w, CK_K2K_TIMEOUT); /* queue 0 still open */

    /* close 0: queue 1 closes once nothing is held upstream; pop drains, then end of stream */
    cr_assert_eq(ck_pipeline_close(ctx, pl, 0), CK_OK);
    cr_assert_eq(ck_pipeline_close(ctx, pl, 0), CK_OK); /* idempotent */
    cr_assert_eq(ck_pipeline_push(ctx, pl, 0, vi(5), 0), CK_E_STATE); /* push after close */
    cr_assert_str_eq(ck_ctx_error_field(ctx), "stage");
    ck_pipeline_stage_stats_t st;
    cr_assert_eq(ck_pipeline_stage_stats(ctx, &st, pl, 1), CK_OK);
    cr_assert(st.closed);
    cr_assert_eq(st.depth, 1);
    cr_assert_eq(ck_pipeline_pop(ctx, &w, &it, pl, 1, CK_K2K_FOREVER), CK_OK);
    cr_assert_eq(w, CK_K2K_READY);
    cr_assert_eq(it.i64, 1);
    cr_assert_eq(ck_pipeline_pop(ctx, &w, &it, pl, 1, CK_K2K_FOREVER), CK_OK);
    cr_assert_eq(w, CK_K2K_CLOSED);
    cr_assert_eq(ck_pipeline_wait_drained(ctx, &w, pl, 0), CK_OK);
    cr_assert_eq(w, CK_K2K_TIMEOUT); /* one item is still held by stage 1 */
    cr_assert_eq(ck_pipeline_retire(ctx, pl, 1), CK_OK);
    cr_assert_eq(ck_pipeline_wait_drained(ctx, &w, pl, 0), CK_OK);
    cr_assert_eq(w, CK_K2K_READY);
    cr_assert_eq(ck_pipeline_retire(ctx, pl, 1), CK_E_STATE); /* nothing held */
    int64_t entered, left;
    cr_assert_eq(ck_pipeline_counts(ctx, &entered, &left, pl), CK_OK);
    cr_assert_eq(entered, 2);
    cr_assert_eq(left, 2);
    cr_assert_eq(ck_pipeline_stage_stats(ctx, &st, pl, 0), CK_OK);
    cr_assert_eq(st.max_depth, 1);
    cr_assert_eq(st.in, 2);
    cr_assert_eq(st.retired, 1);
    ck_pipeline_destroy(&pl);
    ck_ctx_destroy(&ctx);
}

typedef struct {
    ck_pipeline_t *pl;
    ck_status_t status;
} pl_pop_t;

static void *pl_block_pop(void *p)
{
    pl_pop_t *a = p;
    ck_k2k_wait_t w;
    ck_k2k_value_t it;
    a->status = ck_pipeline_pop(NULL, &w, &it, a->pl, 0, CK_K2K_FOREVER);
    return NULL;
}

Test(k2k_pipeline, bad_input_and_cancel)
{
    ck_ctx_t *ctx = new_ctx();
    ck_pipeline_t *pl = NULL;
    const int64_t caps[3] = {2, 0, 2};
    cr_assert_eq(ck_pipeline_create(&pl, ctx, 3, caps), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "capacities[1]");
    cr_assert_null(pl);
    cr_assert_eq(ck_pipeline_create(&pl, ctx, 0, caps), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "n_stages");
    cr_assert_eq(ck_pipeline_create(&pl, ctx, 2, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "capacities");
    cr_assert_eq(ck_pipeline_create(NULL, ctx, 1, caps), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_pipeline_create(&pl, NULL, 1, caps), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_pipeline_push(ctx, NULL, 0, vi(1), 0), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "pl");

    cr_assert_eq(ck_pipeline_create(&pl, ctx, 1, caps), CK_OK);
    cr_assert_eq(ck_pipeline_push(ctx, pl, 1, vi(1), 0), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "stage");
    cr_assert_eq(ck_pipeline_push(ctx, pl, -1, vi(1), 0), CK_E_INVALID_INPUT);
    ck_k2k_wait_t w;
    ck_k2k_value_t it;
    cr_assert_eq(ck_pipeline_pop(ctx, NULL, &it, pl, 0, 0), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_pipeline_pop(ctx, &w, NULL, pl, 0, 0), CK_E_INVALID_INPUT);
    ck_pipeline_stage_stats_t st;
    cr_assert_eq(ck_pipeline_stage_stats(ctx, &st, pl, 3), CK_E_INVALID_INPUT);

    /* cancel through the owner context wakes a blocked pop */
    pl_pop_t a = {pl, CK_OK};
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, pl_block_pop, &a), 0);
    sleep_ms(20);
    ck_ctx_cancel(ctx);
    pthread_join(th, NULL);
    cr_assert_eq(a.status, CK_E_CANCELLED);
    cr_assert_eq(ck_pipeline_push(ctx, pl, 0, vi(1), 0), CK_E_CANCELLED);
    ck_ctx_reset_cancel(ctx);
    cr_assert_eq(ck_pipeline_push(ctx, pl, 0, vi(1), 0), CK_OK);
    ck_pipeline_cancel(pl);
    cr_assert_eq(ck_pipeline_pop(ctx, &w, &it, pl, 0, 0), CK_E_CANCELLED);
    ck_pipeline_destroy(&pl);
    ck_pipeline_destroy(&pl); /* no-op */
    ck_ctx_destroy(&ctx);
}

/* ============================================================================ barrier */

#define BAR_THREADS 4
#define BAR_PHASES 1000

typedef struct {
    ck_barrier_t *b;
    atomic_long counter;
    atomic_long serials;
    atomic_int errors;
} bar_shared_t;

static void *bar_worker(void *p)
{
    bar_shared_t *sh = p;
    for (long ph = 0; ph < BAR_PHASES; ph++) {
        atomic_fetch_add(&sh->counter, 1);
        bool serial = false;
        if (ck_barrier_wait(NULL, &serial, sh->b) != CK_OK) atomic_fetch_add(&sh->errors, 1);
        if (serial) atomic_fetch_add(&sh->serials, 1);
        /* everyone has added for this phase, nobody for the next one yet */
        if (atomic_load(&sh->counter) != (ph + 1) * BAR_THREADS) atomic_fetch_add(&sh->errors, 1);
        if (ck_barrier_wait(NULL, &serial, sh->b) != CK_OK) atomic_fetch_add(&sh->errors, 1);
        if (serial) atomic_fetch_add(&sh->serials, 1);
    }
    return NULL;
}

Test(k2k_barrier, phases_are_separated)
{
    ck_ctx_t *ctx = new_ctx();
    bar_shared_t sh;
    memset(&sh, 0, sizeof sh);
    cr_assert_eq(ck_barrier_create(&sh.b, ctx, BAR_THREADS), CK_OK);
    pthread_t th[BAR_THREADS];
    for (int i = 0; i < BAR_THREADS; i++) cr_assert_eq(pthread_create(&th[i], NULL, bar_worker, &sh), 0);
    for (int i = 0; i < BAR_THREADS; i++) pthread_join(th[i], NULL);
    cr_assert_eq(atomic_load(&sh.errors), 0);
    cr_assert_eq(atomic_load(&sh.counter), (long)BAR_THREADS * BAR_PHASES);
    cr_assert_eq(atomic_load(&sh.serials), 2L * BAR_PHASES);
    ck_barrier_destroy(&sh.b);
    cr_assert_null(sh.b);

    ck_barrier_t *b = NULL;
    cr_assert_eq(ck_barrier_create(&b, ctx, 0), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "n_threads");
    cr_assert_eq(ck_barrier_wait(ctx, NULL, NULL), CK_E_INVALID_INPUT);
    /* a single-thread barrier never blocks; a cancelled one fails */
    cr_assert_eq(ck_barrier_create(&b, ctx, 1), CK_OK);
    bool serial = false;
    cr_assert_eq(ck_barrier_wait(ctx, &serial, b), CK_OK);
    cr_assert(serial);
    ck_barrier_cancel(b);
    cr_assert_eq(ck_barrier_wait(ctx, &serial, b), CK_E_CANCELLED);
    ck_barrier_destroy(&b);
    ck_ctx_destroy(&ctx);
}

/* ============================================================================ allocation failures */

static ck_status_t create_kind(int kind, ck_ctx_t *ctx, void **h)
{
    static const int64_t caps[3] = {3, 2, 5};
    ck_iterative_options_t o;
    ck_iterative_options_init(&o);
    o.workers = 3;
    switch (kind) {
    case 0: return ck_iterative_state_create((ck_iterative_state_t **)h, ctx, &o);
    case 1: return ck_scatter_gather_create((ck_scatter_gather_t **)h, ctx, 10);
    case 2: return ck_fan_out_create((ck_fan_out_t **)h, ctx, 4);
    case 3: return ck_pipeline_create((ck_pipeline_t **)h, ctx, 3, caps);
    default: return ck_barrier_create((ck_barrier_t **)h, ctx, 2);
    }
}

static void destroy_kind(int kind, void **h)
{
    switch (kind) {
    case 0: ck_iterative_state_destroy((ck_iterative_state_t **)h); break;
    case 1: ck_scatter_gather_destroy((ck_scatter_gather_t **)h); break;
    case 2: ck_fan_out_destroy((ck_fan_out_t **)h); break;
    case 3: ck_pipeline_destroy((ck_pipeline_t **)h); break;
    default: ck_barrier_destroy((ck_barrier_t **)h); break;
    }
}

Test(k2k_alloc, every_allocation_failure_is_nomem_without_leaks)
{
    static const long expected_allocs[5] = {3, 4, 2, 5, 1};
    for (int kind = 0; kind < 5; kind++) {
        /* sweep_alloc (alloc_sweep.h), failing the k-th allocation. Only _create() allocates, and it
         * runs on one thread, so plain counters suffice. */
        sweep_fail_at = -1;
        ck_ctx_t *ctx = NULL;
        cr_assert_eq(ck_ctx_create(&ctx, &sweep_alloc), CK_OK);
        long base = sweep_live;
        long k = 0;
        for (;; k++) {
            sweep_n_allocs = 0;
            sweep_fail_at = k;
            void *h = NULL;
            ck_status_t s = create_kind(kind, ctx, &h);
            if (s == CK_OK) {
                cr_assert_not_null(h);
                cr_assert_eq(sweep_live - base, expected_allocs[kind], "kind %d: %ld blocks", kind, sweep_live - base);
                destroy_kind(kind, &h);
                cr_assert_null(h);
                cr_assert_eq(sweep_live, base, "kind %d: leak after destroy", kind);
                break;
            }
            cr_assert_eq(s, CK_E_NOMEM, "kind %d, failing allocation %ld: status %d", kind, k, (int)s);
            cr_assert_eq(ck_ctx_error_status(ctx), CK_E_NOMEM);
            cr_assert_null(h);
            cr_assert_eq(sweep_live, base, "kind %d, failing allocation %ld: leak", kind, k);
        }
        cr_assert_eq(k, expected_allocs[kind]); /* every allocation was failed once */
        sweep_fail_at = -1;
        ck_ctx_destroy(&ctx);
        cr_assert_eq(sweep_live, 0);
    }
}
