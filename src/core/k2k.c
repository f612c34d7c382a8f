/* K2K coordination primitives: iterative state, scatter-gather, fan-out, pipeline, barrier.
 *
 * Each handle has one mutex guarding all its fields and condition variables on CLOCK_MONOTONIC.
 * ck_ctx_cancel() only sets an atomic flag (it is async-signal-safe and cannot signal our
 * condition variables), so blocking waits sleep in slices of at most CKI_K2K_POLL_NS and re-check
 * the flags; a cancel is therefore seen within that slice. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ckernels/k2k.h"
#include "internal.h"

#define CKI_K2K_POLL_NS 10000000 /* 10 ms */

/* ------------------------------------------------------------------------------ shared helpers */

static ck_status_t cond_init(ck_ctx_t *ctx, pthread_cond_t *cv)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0) return cki_nomem(ctx);
    int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0) rc = pthread_cond_init(cv, &attr);
    pthread_condattr_destroy(&attr);
    if (rc != 0) return cki_error(ctx, CK_E_NOMEM, NULL, "could not initialise a condition variable");
    return CK_OK;
}

static ck_status_t mutex_init(ck_ctx_t *ctx, pthread_mutex_t *mu)
{
    if (pthread_mutex_init(mu, NULL) != 0) return cki_error(ctx, CK_E_NOMEM, NULL, "could not initialise a mutex");
    return CK_OK;
}

/* Deadline for a timeout: -1 = none, else an absolute CLOCK_MONOTONIC time in ns. */
static int64_t deadline_of(int64_t timeout_ns)
{
    if (timeout_ns < 0) return -1;
    int64_t now = cki_now_ns();
    return timeout_ns > INT64_MAX - now ? -1 : now + timeout_ns;
}

static bool deadline_passed(int64_t deadline)
{
    return deadline >= 0 && cki_now_ns() >= deadline;
}

/* Sleep on `cv` until signalled, the deadline, or one poll slice (to re-check cancel flags). */
static void timed_wait(pthread_cond_t *cv, pthread_mutex_t *mu, int64_t deadline)
{
    int64_t until = cki_now_ns() + CKI_K2K_POLL_NS;
    if (deadline >= 0 && deadline < until) until = deadline;
    struct timespec ts;
    ts.tv_sec = (time_t)(until / 1000000000);
    ts.tv_nsec = (long)(until % 1000000000);
    (void)pthread_cond_timedwait(cv, mu, &ts); /* ETIMEDOUT and spurious wake-ups: callers re-check */
}

static bool ctx_cancelled(const ck_ctx_t *ctx)
{
    return ctx && atomic_load_explicit(&((ck_ctx_t *)ctx)->cancel, memory_order_acquire);
}

/* Cancelled by the handle's flag, its owner's context or the calling context. */
static bool is_cancelled(bool flag, const ck_ctx_t *owner, const ck_ctx_t *caller)
{
    return flag || ctx_cancelled(owner) || ctx_cancelled(caller);
}

static ck_status_t cancelled_error(ck_ctx_t *ctx, const char *what)
{
    return cki_error(ctx, CK_E_CANCELLED, NULL, "%s: cancelled", what);
}

#define CHECK_HANDLE(ctx, h, name) \
    do {                           \
        if (!(h)) return cki_invalid((ctx), (name), "is NULL"); \
    } while (0)

#define CHECK_OUT(ctx, p, name) \
    do {                        \
        if (!(p)) return cki_invalid((ctx), (name), "output pointer is NULL"); \
    } while (0)

static void lock(const pthread_mutex_t *mu) { (void)pthread_mutex_lock((pthread_mutex_t *)mu); }
static void unlock(const pthread_mutex_t *mu) { (void)pthread_mutex_unlock((pthread_mutex_t *)mu); }

/* ============================================================================ iterative state */

struct ck_iterative_state {
    ck_ctx_t *owner;
    pthread_mutex_t mu;
    pthread_cond_t done_cv; /* an iteration completed or the state was cancelled */
    ck_iterative_options_t opts;
    int64_t workers;       /* opts.workers and opts.history, immutable after create: */
    int64_t hist_len;      /* read without the lock */
    int64_t iterations;
    ck_iter_outcome_t outcome;
    double last, best;
    int64_t best_iter;
    double *hist;          /* ring of the last opts.history deltas */
    int64_t hist_next, hist_count;
    bool *reported;        /* per worker, for the iteration in progress */
    int64_t n_reported;
    double partial;        /* combination of the deltas reported so far */
    bool cancelled;
};

void ck_iterative_options_init(ck_iterative_options_t *opts)
{
    if (!opts) return;
    opts->max_iterations = 100;
    opts->tolerance = 1e-6;
    opts->history = 16;
    opts->stall_window = 0;
    opts->workers = 1;
    opts->combine = CK_ITER_COMBINE_MAX;
}

static ck_status_t iter_check_options(ck_ctx_t *ctx, const ck_iterative_options_t *o)
{
    if (o->max_iterations < 1)
        return cki_invalid(ctx, "max_iterations", "must be >= 1, got %lld", (long long)o->max_iterations);
    if (!isfinite(o->tolerance) || o->tolerance < 0)
        return cki_invalid(ctx, "tolerance", "must be finite and >= 0, got %g", o->tolerance);
    if (o->history < 0) return cki_invalid(ctx, "history", "must be >= 0, got %lld", (long long)o->history);
    if (o->stall_window < 0)
        return cki_invalid(ctx, "stall_window", "must be >= 0, got %lld", (long long)o->stall_window);
    if (o->workers < 1) return cki_invalid(ctx, "workers", "must be >= 1, got %lld", (long long)o->workers);
    if (o->combine != CK_ITER_COMBINE_MAX && o->combine != CK_ITER_COMBINE_SUM)
        return cki_invalid(ctx, "combine", "unknown combine rule %d", (int)o->combine);
    return CK_OK;
}

static void iter_clear(ck_iterative_state_t *st)
{
    st->iterations = 0;
    st->outcome = CK_ITER_RUNNING;
    st->last = NAN;
    st->best = NAN;
    st->best_iter = 0;
    st->hist_next = 0;
    st->hist_count = 0;
    st->n_reported = 0;
    st->partial = 0.0;
    memset(st->reported, 0, (size_t)st->workers * sizeof *st->reported);
}

ck_status_t ck_iterative_state_create(ck_iterative_state_t **out, ck_ctx_t *ctx, const ck_iterative_options_t *opts)
{
    ck_status_t status = CK_OK;
    ck_iterative_state_t *st = NULL;
    bool mu_ok = false, cv_ok = false;
    if (!out) return cki_invalid(ctx, "st", "output pointer is NULL");
    *out = NULL;
    if (!ctx) return CK_E_INVALID_INPUT;
    ck_iterative_options_t o;
    ck_iterative_options_init(&o);
    if (opts) o = *opts;
    CK_TRY(iter_check_options(ctx, &o));

    st = cki_calloc(ctx, 1, sizeof *st);
    if (!st) return cki_nomem(ctx);
    st->owner = ctx;
    st->opts = o;
    st->workers = o.workers;
    st->hist_len = o.history;
    if (o.history > 0) {
        st->hist = cki_mallocarray(ctx, (size_t)o.history, sizeof *st->hist);
        if (!st->hist) CK_TRY(cki_nomem(ctx));
    }
    st->reported = cki_calloc(ctx, (size_t)o.workers, sizeof *st->reported);
    if (!st->reported) CK_TRY(cki_nomem(ctx));
    CK_TRY(mutex_init(ctx, &st->mu));
    mu_ok = true;
    CK_TRY(cond_init(ctx, &st->done_cv));
    cv_ok = true;
    iter_clear(st);
    *out = st;
    st = NULL;
cleanup:
    if (st) {
        if (cv_ok) pthread_cond_destroy(&st->done_cv);
        if (mu_ok) pthread_mutex_destroy(&st->mu);
        cki_free(ctx, st->reported);
        cki_free(ctx, st->hist);
        cki_free(ctx, st);
    }
    return status;
}

void ck_iterative_state_destroy(ck_iterative_state_t **pst)
{
    if (!pst || !*pst) return;
    ck_iterative_state_t *st = *pst;
    pthread_cond_destroy(&st->done_cv);
    pthread_mutex_destroy(&st->mu);
    cki_free(st->owner, st->reported);
    cki_free(st->owner, st->hist);
    cki_free(st->owner, st);
    *pst = NULL;
}

ck_status_t ck_iterative_state_reset(ck_ctx_t *ctx, ck_iterative_state_t *st, const ck_iterative_options_t *opts)
{
    CHECK_HANDLE(ctx, st, "st");
    ck_status_t status = CK_OK;
    if (opts) {
        CK_TRY(iter_check_options(ctx, opts));
        if (opts->history != st->hist_len)
            return cki_invalid(ctx, "history", "cannot change on reset (%lld -> %lld)",
                               (long long)st->hist_len, (long long)opts->history);
        if (opts->workers != st->workers)
            return cki_invalid(ctx, "workers", "cannot change on reset (%lld -> %lld)",
                               (long long)st->workers, (long long)opts->workers);
    }
    lock(&st->mu);
    if (opts) st->opts = *opts;
    st->cancelled = false;
    iter_clear(st);
    pthread_cond_broadcast(&st->done_cv);
    unlock(&st->mu);
cleanup:
    return status;
}

static const char *outcome_name(ck_iter_outcome_t o)
{
    switch (o) {
    case CK_ITER_RUNNING: return "running";
    case CK_ITER_CONVERGED: return "converged";
    case CK_ITER_MAX_ITERATIONS: return "reached max_iterations";
    case CK_ITER_STALLED: return "stalled";
    }
    return "unknown";
}

/* Record one completed iteration with its (combined) delta. Caller holds the lock and has checked
 * that the state is running. */
static void iter_apply(ck_iterative_state_t *st, double delta)
{
    st->iterations++;
    st->last = delta;
    if (st->best_iter == 0 || delta < st->best) {
        st->best = delta;
        st->best_iter = st->iterations;
    }
    if (st->hist_len > 0) {
        st->hist[st->hist_next] = delta;
        st->hist_next = (st->hist_next + 1) % st->hist_len;
        if (st->hist_count < st->hist_len) st->hist_count++;
    }
    if (delta < st->opts.tolerance)
        st->outcome = CK_ITER_CONVERGED;
    else if (st->opts.stall_window > 0 && st->iterations - st->best_iter >= st->opts.stall_window)
        st->outcome = CK_ITER_STALLED;
    else if (st->iterations >= st->opts.max_iterations)
        st->outcome = CK_ITER_MAX_ITERATIONS;
}

static ck_status_t check_delta(ck_ctx_t *ctx, double delta)
{
    if (isnan(delta) || delta < 0) return cki_invalid(ctx, "delta", "must be >= 0 and not NaN, got %g", delta);
    return CK_OK;
}

ck_status_t ck_iterative_state_update(ck_ctx_t *ctx, bool *keep_going, ck_iterative_state_t *st, double delta)
{
    CHECK_HANDLE(ctx, st, "st");
    ck_status_t status = check_delta(ctx, delta);
    if (status != CK_OK) return status;
    lock(&st->mu);
    if (st->workers != 1) {
        status = cki_error(ctx, CK_E_STATE, "st", "has %lld workers: use ck_iterative_state_report",
                           (long long)st->workers);
    } else if (is_cancelled(st->cancelled, st->owner, ctx)) {
        status = cancelled_error(ctx, "iterative state");
    } else if (st->outcome != CK_ITER_RUNNING) {
        status = cki_error(ctx, CK_E_STATE, "st", "already finished (%s) after %lld iterations",
                           outcome_name(st->outcome), (long long)st->iterations);
    } else {
        iter_apply(st, delta);
        pthread_cond_broadcast(&st->done_cv);
    }
    if (keep_going) *keep_going = status == CK_OK && st->outcome == CK_ITER_RUNNING;
    unlock(&st->mu);
    return status;
}

ck_status_t ck_iterative_state_report(ck_ctx_t *ctx, int64_t *iteration, ck_iterative_state_t *st, int64_t worker,
                                      double delta)
{
    CHECK_HANDLE(ctx, st, "st");
    if (worker < 0 || worker >= st->workers)
        return cki_invalid(ctx, "worker", "must be in 0..%lld, got %lld", (long long)(st->workers - 1),
                           (long long)worker);
    ck_status_t status = check_delta(ctx, delta);
    if (status != CK_OK) return status;
    lock(&st->mu);
    if (is_cancelled(st->cancelled, st->owner, ctx)) {
        status = cancelled_error(ctx, "iterative state");
    } else if (st->outcome != CK_ITER_RUNNING) {
        status = cki_error(ctx, CK_E_STATE, "st", "already finished (%s) after %lld iterations",
                           outcome_name(st->outcome), (long long)st->iterations);
    } else if (st->reported[worker]) {
        status = cki_error(ctx, CK_E_STATE, "worker", "worker %lld already reported for iteration %lld",
                           (long long)worker, (long long)(st->iterations + 1));
    } else {
        if (iteration) *iteration = st->iterations + 1;
        st->reported[worker] = true;
        if (st->n_reported == 0)
            st->partial = delta;
        else if (st->opts.combine == CK_ITER_COMBINE_SUM)
            st->partial += delta;
        else if (delta > st->partial)
            st->partial = delta;
        if (++st->n_reported == st->workers) {
            iter_apply(st, st->partial);
            st->n_reported = 0;
            st->partial = 0.0;
            memset(st->reported, 0, (size_t)st->workers * sizeof *st->reported);
            pthread_cond_broadcast(&st->done_cv);
        }
    }
    unlock(&st->mu);
    return status;
}

ck_status_t ck_iterative_state_wait(ck_ctx_t *ctx, ck_k2k_wait_t *outcome, bool *keep_going, ck_iterative_state_t *st,
                                    int64_t iteration, int64_t timeout_ns)
{
    CHECK_OUT(ctx, outcome, "outcome");
    CHECK_HANDLE(ctx, st, "st");
    if (iteration < 1) return cki_invalid(ctx, "iteration", "must be >= 1, got %lld", (long long)iteration);
    ck_status_t status = CK_OK;
    int64_t deadline = deadline_of(timeout_ns);
    lock(&st->mu);
    for (;;) {
        if (st->iterations >= iteration) {
            *outcome = CK_K2K_READY;
            if (keep_going) *keep_going = st->outcome == CK_ITER_RUNNING;
            break;
        }
        if (st->outcome != CK_ITER_RUNNING) {
            status = cki_error(ctx, CK_E_STATE, "iteration", "the state finished (%s) after %lld iterations",
                               outcome_name(st->outcome), (long long)st->iterations);
            break;
        }
        if (is_cancelled(st->cancelled, st->owner, ctx)) {
            status = cancelled_error(ctx, "iterative state");
            break;
        }
        if (timeout_ns == 0 || deadline_passed(deadline)) {
            *outcome = CK_K2K_TIMEOUT;
            break;
        }
        timed_wait(&st->done_cv, &st->mu, deadline);
    }
    unlock(&st->mu);
    return status;
}

void ck_iterative_state_cancel(ck_iterative_state_t *st)
{
    if (!st) return;
    lock(&st->mu);
    st->cancelled = true;
    pthread_cond_broadcast(&st->done_cv);
    unlock(&st->mu);
}

ck_status_t ck_iterative_state_info(ck_ctx_t *ctx, ck_iterative_info_t *info, const ck_iterative_state_t *st)
{
    CHECK_OUT(ctx, info, "info");
    CHECK_HANDLE(ctx, st, "st");
    lock(&st->mu);
    info->iterations = st->iterations;
    info->outcome = st->outcome;
    info->last_delta = st->last;
    info->best_delta = st->best;
    info->best_iteration = st->best_iter;
    unlock(&st->mu);
    return CK_OK;
}

ck_status_t ck_iterative_state_delta(ck_ctx_t *ctx, double *delta, const ck_iterative_state_t *st, int64_t ago)
{
    CHECK_OUT(ctx, delta, "delta");
    CHECK_HANDLE(ctx, st, "st");
    ck_status_t status = CK_OK;
    lock(&st->mu);
    if (ago < 0 || ago >= st->hist_count) {
        status = cki_invalid(ctx, "ago", "must be in 0..%lld (deltas kept), got %lld", (long long)(st->hist_count - 1),
                             (long long)ago);
    } else {
        int64_t h = st->hist_len;
        *delta = st->hist[((st->hist_next - 1 - ago) % h + h) % h];
    }
    unlock(&st->mu);
    return status;
}

int64_t ck_iterative_state_iterations(const ck_iterative_state_t *st)
{
    if (!st) return 0;
    lock(&st->mu);
    int64_t n = st->iterations;
    unlock(&st->mu);
    return n;
}

ck_iter_outcome_t ck_iterative_state_outcome(const ck_iterative_state_t *st)
{
    if (!st) return CK_ITER_RUNNING;
    lock(&st->mu);
    ck_iter_outcome_t o = st->outcome;
    unlock(&st->mu);
    return o;
}

bool ck_iterative_state_converged(const ck_iterative_state_t *st)
{
    return ck_iterative_state_outcome(st) == CK_ITER_CONVERGED;
}

/* ============================================================================ scatter-gather */

enum { TASK_PENDING = 0, TASK_CLAIMED = 1, TASK_DONE = 2 };

struct ck_scatter_gather {
    ck_ctx_t *owner;
    pthread_mutex_t mu;
    pthread_cond_t done_cv;
    int64_t n;
    unsigned char *state;     /* TASK_* per task */
    ck_k2k_value_t *values;
    ck_status_t *statuses;
    int64_t cursor;           /* every task below it is claimed or done */
    int64_t claimed, completed, failed;
    int64_t first_failed;     /* lowest failed task index, -1 when none */
    bool cancelled;
};

ck_status_t ck_scatter_gather_create(ck_scatter_gather_t **out, ck_ctx_t *ctx, int64_t n_tasks)
{
    ck_status_t status = CK_OK;
    ck_scatter_gather_t *sg = NULL;
    bool mu_ok = false, cv_ok = false;
    if (!out) return cki_invalid(ctx, "sg", "output pointer is NULL");
    *out = NULL;
    if (!ctx) return CK_E_INVALID_INPUT;
    if (n_tasks < 1) return cki_invalid(ctx, "n_tasks", "must be >= 1, got %lld", (long long)n_tasks);

    sg = cki_calloc(ctx, 1, sizeof *sg);
    if (!sg) return cki_nomem(ctx);
    sg->owner = ctx;
    sg->n = n_tasks;
    sg->first_failed = -1;
    sg->state = cki_calloc(ctx, (size_t)n_tasks, sizeof *sg->state);
    if (!sg->state) CK_TRY(cki_nomem(ctx));
    sg->values = cki_calloc(ctx, (size_t)n_tasks, sizeof *sg->values);
    if (!sg->values) CK_TRY(cki_nomem(ctx));
    sg->statuses = cki_calloc(ctx, (size_t)n_tasks, sizeof *sg->statuses);
    if (!sg->statuses) CK_TRY(cki_nomem(ctx));
    CK_TRY(mutex_init(ctx, &sg->mu));
    mu_ok = true;
    CK_TRY(cond_init(ctx, &sg->done_cv));
    cv_ok = true;
    *out = sg;
    sg = NULL;
cleanup:
    if (sg) {
        if (cv_ok) pthread_cond_destroy(&sg->done_cv);
        if (mu_ok) pthread_mutex_destroy(&sg->mu);
        cki_free(ctx, sg->statuses);
        cki_free(ctx, sg->values);
        cki_free(ctx, sg->state);
        cki_free(ctx, sg);
    }
    return status;
}

void ck_scatter_gather_destroy(ck_scatter_gather_t **psg)
{
    if (!psg || !*psg) return;
    ck_scatter_gather_t *sg = *psg;
    pthread_cond_destroy(&sg->done_cv);
    pthread_mutex_destroy(&sg->mu);
    cki_free(sg->owner, sg->statuses);
    cki_free(sg->owner, sg->values);
    cki_free(sg->owner, sg->state);
    cki_free(sg->owner, sg);
    *psg = NULL;
}

ck_status_t ck_scatter_gather_claim(ck_ctx_t *ctx, int64_t *task, ck_scatter_gather_t *sg)
{
    CHECK_OUT(ctx, task, "task");
    *task = -1;
    CHECK_HANDLE(ctx, sg, "sg");
    ck_status_t status = CK_OK;
    lock(&sg->mu);
    if (is_cancelled(sg->cancelled, sg->owner, ctx)) {
        status = cancelled_error(ctx, "scatter-gather");
    } else {
        while (sg->cursor < sg->n && sg->state[sg->cursor] != TASK_PENDING) sg->cursor++;
        if (sg->cursor < sg->n) {
            *task = sg->cursor;
            sg->state[sg->cursor++] = TASK_CLAIMED;
            sg->claimed++;
        }
    }
    unlock(&sg->mu);
    return status;
}

ck_status_t ck_scatter_gather_complete(ck_ctx_t *ctx, ck_scatter_gather_t *sg, int64_t task, ck_status_t task_status,
                                       ck_k2k_value_t value)
{
    CHECK_HANDLE(ctx, sg, "sg");
    if (task < 0 || task >= sg->n)
        return cki_invalid(ctx, "task", "must be in 0..%lld, got %lld", (long long)(sg->n - 1), (long long)task);
    ck_status_t status = CK_OK;
    lock(&sg->mu);
    if (sg->state[task] == TASK_DONE) {
        status = cki_error(ctx, CK_E_STATE, "task", "task %lld already completed", (long long)task);
    } else {
        sg->state[task] = TASK_DONE;
        sg->values[task] = value;
        sg->statuses[task] = task_status;
        sg->completed++;
        if (CK_IS_ERROR(task_status)) {
            sg->failed++;
            if (sg->first_failed < 0 || task < sg->first_failed) sg->first_failed = task;
        }
        if (sg->completed == sg->n) pthread_cond_broadcast(&sg->done_cv);
    }
    unlock(&sg->mu);
    return status;
}

ck_status_t ck_scatter_gather_wait(ck_ctx_t *ctx, ck_k2k_wait_t *outcome, ck_scatter_gather_t *sg, int64_t timeout_ns)
{
    CHECK_OUT(ctx, outcome, "outcome");
    CHECK_HANDLE(ctx, sg, "sg");
    ck_status_t status = CK_OK;
    int64_t deadline = deadline_of(timeout_ns);
    lock(&sg->mu);
    for (;;) {
        if (sg->completed == sg->n) {
            *outcome = CK_K2K_READY;
            if (sg->first_failed >= 0) {
                ck_status_t s = sg->statuses[sg->first_failed];
                char field[40];
                snprintf(field, sizeof field, "tasks[%lld]", (long long)sg->first_failed);
                status = cki_error(ctx, s, field, "worker reported %s (%lld of %lld tasks failed)", ck_status_name(s),
                                   (long long)sg->failed, (long long)sg->n);
            }
            break;
        }
        if (is_cancelled(sg->cancelled, sg->owner, ctx)) {
            status = cancelled_error(ctx, "scatter-gather");
            break;
        }
        if (timeout_ns == 0 || deadline_passed(deadline)) {
            *outcome = CK_K2K_TIMEOUT;
            break;
        }
        timed_wait(&sg->done_cv, &sg->mu, deadline);
    }
    unlock(&sg->mu);
    return status;
}

ck_status_t ck_scatter_gather_result(ck_ctx_t *ctx, ck_k2k_value_t *value, ck_status_t *task_status,
                                     const ck_scatter_gather_t *sg, int64_t task)
{
    CHECK_OUT(ctx, value, "value");
    CHECK_HANDLE(ctx, sg, "sg");
    if (task < 0 || task >= sg->n)
        return cki_invalid(ctx, "task", "must be in 0..%lld, got %lld", (long long)(sg->n - 1), (long long)task);
    ck_status_t status = CK_OK;
    lock(&sg->mu);
    if (sg->state[task] != TASK_DONE) {
        status = cki_error(ctx, CK_E_STATE, "task", "task %lld has not completed", (long long)task);
    } else {
        *value = sg->values[task];
        if (task_status) *task_status = sg->statuses[task];
    }
    unlock(&sg->mu);
    return status;
}

ck_status_t ck_scatter_gather_progress(ck_ctx_t *ctx, int64_t *claimed, int64_t *completed, int64_t *failed,
                                       const ck_scatter_gather_t *sg)
{
    CHECK_HANDLE(ctx, sg, "sg");
    lock(&sg->mu);
    if (claimed) *claimed = sg->claimed;
    if (completed) *completed = sg->completed;
    if (failed) *failed = sg->failed;
    unlock(&sg->mu);
    return CK_OK;
}

void ck_scatter_gather_cancel(ck_scatter_gather_t *sg)
{
    if (!sg) return;
    lock(&sg->mu);
    sg->cancelled = true;
    pthread_cond_broadcast(&sg->done_cv);
    unlock(&sg->mu);
}

/* ============================================================================ fan-out */

struct ck_fan_out {
    ck_ctx_t *owner;
    pthread_mutex_t mu;
    pthread_cond_t gen_cv;  /* new generation, close or cancel */
    pthread_cond_t ack_cv;  /* the current generation became fully acked, or cancel */
    int64_t m;
    int64_t *last_acked;    /* per subscriber: last generation acked (0 = none) */
    int64_t gen;
    ck_k2k_value_t item;
    int64_t acked;          /* acks of the current generation */
    bool closed, cancelled;
};

ck_status_t ck_fan_out_create(ck_fan_out_t **out, ck_ctx_t *ctx, int64_t n_subscribers)
{
    ck_status_t status = CK_OK;
    ck_fan_out_t *fo = NULL;
    bool mu_ok = false, gcv_ok = false, acv_ok = false;
    if (!out) return cki_invalid(ctx, "fo", "output pointer is NULL");
    *out = NULL;
    if (!ctx) return CK_E_INVALID_INPUT;
    if (n_subscribers < 1)
        return cki_invalid(ctx, "n_subscribers", "must be >= 1, got %lld", (long long)n_subscribers);

    fo = cki_calloc(ctx, 1, sizeof *fo);
    if (!fo) return cki_nomem(ctx);
    fo->owner = ctx;
    fo->m = n_subscribers;
    fo->last_acked = cki_calloc(ctx, (size_t)n_subscribers, sizeof *fo->last_acked);
    if (!fo->last_acked) CK_TRY(cki_nomem(ctx));
    CK_TRY(mutex_init(ctx, &fo->mu));
    mu_ok = true;
    CK_TRY(cond_init(ctx, &fo->gen_cv));
    gcv_ok = true;
    CK_TRY(cond_init(ctx, &fo->ack_cv));
    acv_ok = true;
    *out = fo;
    fo = NULL;
cleanup:
    if (fo) {
        if (acv_ok) pthread_cond_destroy(&fo->ack_cv);
        if (gcv_ok) pthread_cond_destroy(&fo->gen_cv);
        if (mu_ok) pthread_mutex_destroy(&fo->mu);
        cki_free(ctx, fo->last_acked);
        cki_free(ctx, fo);
    }
    return status;
}

void ck_fan_out_destroy(ck_fan_out_t **pfo)
{
    if (!pfo || !*pfo) return;
    ck_fan_out_t *fo = *pfo;
    pthread_cond_destroy(&fo->ack_cv);
    pthread_cond_destroy(&fo->gen_cv);
    pthread_mutex_destroy(&fo->mu);
    cki_free(fo->owner, fo->last_acked);
    cki_free(fo->owner, fo);
    *pfo = NULL;
}

ck_status_t ck_fan_out_publish(ck_ctx_t *ctx, int64_t *generation, ck_fan_out_t *fo, ck_k2k_value_t item)
{
    CHECK_HANDLE(ctx, fo, "fo");
    ck_status_t status = CK_OK;
    lock(&fo->mu);
    if (is_cancelled(fo->cancelled, fo->owner, ctx)) {
        status = cancelled_error(ctx, "fan-out");
    } else if (fo->closed) {
        status = cki_error(ctx, CK_E_STATE, "fo", "closed: no more generations");
    } else if (fo->gen > 0 && fo->acked < fo->m) {
        status = cki_error(ctx, CK_E_STATE, "fo", "generation %lld still has %lld pending acks", (long long)fo->gen,
                           (long long)(fo->m - fo->acked));
    } else {
        fo->gen++;
        fo->item = item;
        fo->acked = 0;
        if (generation) *generation = fo->gen;
        pthread_cond_broadcast(&fo->gen_cv);
    }
    unlock(&fo->mu);
    return status;
}

ck_status_t ck_fan_out_ack(ck_ctx_t *ctx, ck_fan_out_t *fo, int64_t subscriber, int64_t generation)
{
    CHECK_HANDLE(ctx, fo, "fo");
    if (subscriber < 0 || subscriber >= fo->m)
        return cki_invalid(ctx, "subscriber", "must be in 0..%lld, got %lld", (long long)(fo->m - 1),
                           (long long)subscriber);
    ck_status_t status = CK_OK;
    lock(&fo->mu);
    if (generation < 1 || generation > fo->gen) {
        status = cki_error(ctx, CK_E_STATE, "generation", "generation %lld has not been published (current %lld)",
                           (long long)generation, (long long)fo->gen);
    } else if (fo->last_acked[subscriber] >= generation) {
        status = cki_error(ctx, CK_E_STATE, "generation", "subscriber %lld already acked generation %lld",
                           (long long)subscriber, (long long)generation);
    } else if (generation != fo->gen) {
        /* Unreachable while publish waits for full acks; kept as a guard. */
        status = cki_error(ctx, CK_E_STATE, "generation", "generation %lld is not current (%lld)",
                           (long long)generation, (long long)fo->gen);
    } else {
        fo->last_acked[subscriber] = generation;
        if (++fo->acked == fo->m) pthread_cond_broadcast(&fo->ack_cv);
    }
    unlock(&fo->mu);
    return status;
}

ck_status_t ck_fan_out_wait_all(ck_ctx_t *ctx, ck_k2k_wait_t *outcome, ck_fan_out_t *fo, int64_t timeout_ns)
{
    CHECK_OUT(ctx, outcome, "outcome");
    CHECK_HANDLE(ctx, fo, "fo");
    ck_status_t status = CK_OK;
    int64_t deadline = deadline_of(timeout_ns);
    lock(&fo->mu);
    for (;;) {
        if (fo->gen == 0) {
            status = cki_error(ctx, CK_E_STATE, "fo", "nothing has been published");
            break;
        }
        if (fo->acked == fo->m) {
            *outcome = CK_K2K_READY;
            break;
        }
        if (is_cancelled(fo->cancelled, fo->owner, ctx)) {
            status = cancelled_error(ctx, "fan-out");
            break;
        }
        if (timeout_ns == 0 || deadline_passed(deadline)) {
            *outcome = CK_K2K_TIMEOUT;
            break;
        }
        timed_wait(&fo->ack_cv, &fo->mu, deadline);
    }
    unlock(&fo->mu);
    return status;
}

ck_status_t ck_fan_out_next(ck_ctx_t *ctx, ck_k2k_wait_t *outcome, int64_t *generation, ck_k2k_value_t *item,
                            ck_fan_out_t *fo, int64_t subscriber, int64_t timeout_ns)
{
    CHECK_OUT(ctx, outcome, "outcome");
    CHECK_HANDLE(ctx, fo, "fo");
    if (subscriber < 0 || subscriber >= fo->m)
        return cki_invalid(ctx, "subscriber", "must be in 0..%lld, got %lld", (long long)(fo->m - 1),
                           (long long)subscriber);
    ck_status_t status = CK_OK;
    int64_t deadline = deadline_of(timeout_ns);
    lock(&fo->mu);
    for (;;) {
        if (fo->gen > fo->last_acked[subscriber]) {
            *outcome = CK_K2K_READY;
            if (generation) *generation = fo->gen;
            if (item) *item = fo->item;
            break;
        }
        if (fo->closed) {
            *outcome = CK_K2K_CLOSED;
            break;
        }
        if (is_cancelled(fo->cancelled, fo->owner, ctx)) {
            status = cancelled_error(ctx, "fan-out");
            break;
        }
        if (timeout_ns == 0 || deadline_passed(deadline)) {
            *outcome = CK_K2K_TIMEOUT;
            break;
        }
        timed_wait(&fo->gen_cv, &fo->mu, deadline);
    }
    unlock(&fo->mu);
    return status;
}

ck_status_t ck_fan_out_close(ck_ctx_t *ctx, ck_fan_out_t *fo)
{
    CHECK_HANDLE(ctx, fo, "fo");
    lock(&fo->mu);
    fo->closed = true;
    pthread_cond_broadcast(&fo->gen_cv);
    unlock(&fo->mu);
    return CK_OK;
}

ck_status_t ck_fan_out_counts(ck_ctx_t *ctx, int64_t *generation, int64_t *acked, int64_t *pending,
                              const ck_fan_out_t *fo)
{
    CHECK_HANDLE(ctx, fo, "fo");
    lock(&fo->mu);
    if (generation) *generation = fo->gen;
    if (acked) *acked = fo->gen > 0 ? fo->acked : 0;
    if (pending) *pending = fo->gen > 0 ? fo->m - fo->acked : 0;
    unlock(&fo->mu);
    return CK_OK;
}

void ck_fan_out_cancel(ck_fan_out_t *fo)
{
    if (!fo) return;
    lock(&fo->mu);
    fo->cancelled = true;
    pthread_cond_broadcast(&fo->gen_cv);
    pthread_cond_broadcast(&fo->ack_cv);
    unlock(&fo->mu);
}

/* ============================================================================ pipeline */

typedef struct pl_stage {
    ck_k2k_value_t *buf;    /* ring of `cap` slots */
    int64_t cap, head, depth;
    int64_t in, out, retired, held, max_depth;
    bool closed;
    bool cv_ok;             /* both condition variables initialised (cleanup) */
    pthread_cond_t not_empty, not_full;
} pl_stage_t;

struct ck_pipeline {
    ck_ctx_t *owner;
    pthread_mutex_t mu;     /* one lock for all stages: forwarding touches two queues at once */
    pthread_cond_t drained_cv;
    int64_t n;
    pl_stage_t *st;
    int64_t entered, left;
    bool cancelled;
};

static void pl_free(ck_ctx_t *ctx, ck_pipeline_t *pl, bool mu_ok, bool dcv_ok)
{
    if (pl->st) {
        for (int64_t s = 0; s < pl->n; s++) {
            if (pl->st[s].cv_ok) {
                pthread_cond_destroy(&pl->st[s].not_empty);
                pthread_cond_destroy(&pl->st[s].not_full);
            }
            cki_free(ctx, pl->st[s].buf);
        }
        cki_free(ctx, pl->st);
    }
    if (dcv_ok) pthread_cond_destroy(&pl->drained_cv);
    if (mu_ok) pthread_mutex_destroy(&pl->mu);
    cki_free(ctx, pl);
}

ck_status_t ck_pipeline_create(ck_pipeline_t **out, ck_ctx_t *ctx, int64_t n_stages, const int64_t *capacities)
{
    ck_status_t status = CK_OK;
    ck_pipeline_t *pl = NULL;
    bool mu_ok = false, dcv_ok = false;
    if (!out) return cki_invalid(ctx, "pl", "output pointer is NULL");
    *out = NULL;
    if (!ctx) return CK_E_INVALID_INPUT;
    if (n_stages < 1) return cki_invalid(ctx, "n_stages", "must be >= 1, got %lld", (long long)n_stages);
    if (!capacities) return cki_invalid(ctx, "capacities", "is NULL");
    for (int64_t s = 0; s < n_stages; s++) {
        if (capacities[s] < 1) {
            char field[48];
            snprintf(field, sizeof field, "capacities[%lld]", (long long)s);
            return cki_invalid(ctx, field, "must be >= 1, got %lld", (long long)capacities[s]);
        }
    }

    pl = cki_calloc(ctx, 1, sizeof *pl);
    if (!pl) return cki_nomem(ctx);
    pl->owner = ctx;
    CK_TRY(mutex_init(ctx, &pl->mu));
    mu_ok = true;
    CK_TRY(cond_init(ctx, &pl->drained_cv));
    dcv_ok = true;
    pl->st = cki_calloc(ctx, (size_t)n_stages, sizeof *pl->st);
    if (!pl->st) CK_TRY(cki_nomem(ctx));
    pl->n = n_stages;
    for (int64_t s = 0; s < n_stages; s++) {
        pl_stage_t *q = &pl->st[s];
        q->cap = capacities[s];
        q->buf = cki_mallocarray(ctx, (size_t)q->cap, sizeof *q->buf);
        if (!q->buf) CK_TRY(cki_nomem(ctx));
        CK_TRY(cond_init(ctx, &q->not_empty));
        status = cond_init(ctx, &q->not_full);
        if (status != CK_OK) {
            pthread_cond_destroy(&q->not_empty);
            goto cleanup;
        }
        q->cv_ok = true;
    }
    *out = pl;
    pl = NULL;
cleanup:
    if (pl) pl_free(ctx, pl, mu_ok, dcv_ok);
    return status;
}

void ck_pipeline_destroy(ck_pipeline_t **ppl)
{
    if (!ppl || !*ppl) return;
    ck_pipeline_t *pl = *ppl;
    pl_free(pl->owner, pl, true, true);
    *ppl = NULL;
}

static ck_status_t pl_check_stage(ck_ctx_t *ctx, const ck_pipeline_t *pl, int64_t stage)
{
    if (stage < 0 || stage >= pl->n)
        return cki_invalid(ctx, "stage", "must be in 0..%lld, got %lld", (long long)(pl->n - 1), (long long)stage);
    return CK_OK;
}

static void pl_close_locked(ck_pipeline_t *pl, int64_t s)
{
    if (pl->st[s].closed) return;
    pl->st[s].closed = true;
    pthread_cond_broadcast(&pl->st[s].not_empty);
    pthread_cond_broadcast(&pl->st[s].not_full);
    if (s == 0 && pl->left == pl->entered) pthread_cond_broadcast(&pl->drained_cv);
}

/* Close downstream queues whose upstream is closed, empty and has nothing held. */
static void pl_propagate(ck_pipeline_t *pl, int64_t s)
{
    for (; s + 1 < pl->n; s++) {
        const pl_stage_t *q = &pl->st[s];
        if (!q->closed || q->depth > 0 || q->held > 0) return;
        pl_close_locked(pl, s + 1);
    }
}

ck_status_t ck_pipeline_push(ck_ctx_t *ctx, ck_pipeline_t *pl, int64_t stage, ck_k2k_value_t item, int64_t timeout_ns)
{
    CHECK_HANDLE(ctx, pl, "pl");
    ck_status_t status = pl_check_stage(ctx, pl, stage);
    if (status != CK_OK) return status;
    int64_t deadline = deadline_of(timeout_ns);
    pl_stage_t *q = &pl->st[stage];
    lock(&pl->mu);
    for (;;) {
        if (is_cancelled(pl->cancelled, pl->owner, ctx)) {
            status = cancelled_error(ctx, "pipeline");
            break;
        }
        if (q->closed) {
            status = cki_error(ctx, CK_E_STATE, "stage", "queue %lld is closed", (long long)stage);
            break;
        }
        if (stage > 0 && pl->st[stage - 1].held == 0) {
            status = cki_error(ctx, CK_E_STATE, "stage",
                               "nothing popped from queue %lld is held: items enter at queue 0",
                               (long long)(stage - 1));
            break;
        }
        if (q->depth < q->cap) {
            q->buf[(q->head + q->depth) % q->cap] = item;
            q->depth++;
            q->in++;
            if (q->depth > q->max_depth) q->max_depth = q->depth;
            if (stage == 0)
                pl->entered++;
            else {
                pl->st[stage - 1].held--;
                pl_propagate(pl, stage - 1);
            }
            pthread_cond_signal(&q->not_empty);
            break;
        }
        if (timeout_ns == 0 || deadline_passed(deadline)) {
            status = cki_error(ctx, CK_E_QUEUE_FULL, "stage", "queue %lld is full (capacity %lld)", (long long)stage,
                               (long long)q->cap);
            break;
        }
        timed_wait(&q->not_full, &pl->mu, deadline);
    }
    unlock(&pl->mu);
    return status;
}

ck_status_t ck_pipeline_try_push(ck_ctx_t *ctx, ck_pipeline_t *pl, int64_t stage, ck_k2k_value_t item)
{
    return ck_pipeline_push(ctx, pl, stage, item, 0);
}

ck_status_t ck_pipeline_pop(ck_ctx_t *ctx, ck_k2k_wait_t *outcome, ck_k2k_value_t *item, ck_pipeline_t *pl,
                            int64_t stage, int64_t timeout_ns)
{
    CHECK_OUT(ctx, outcome, "outcome");
    CHECK_OUT(ctx, item, "item");
    CHECK_HANDLE(ctx, pl, "pl");
    ck_status_t status = pl_check_stage(ctx, pl, stage);
    if (status != CK_OK) return status;
    int64_t deadline = deadline_of(timeout_ns);
    pl_stage_t *q = &pl->st[stage];
    lock(&pl->mu);
    for (;;) {
        if (is_cancelled(pl->cancelled, pl->owner, ctx)) {
            status = cancelled_error(ctx, "pipeline");
            break;
        }
        if (q->depth > 0) {
            *item = q->buf[q->head];
            q->head = (q->head + 1) % q->cap;
            q->depth--;
            q->out++;
            q->held++;
            *outcome = CK_K2K_READY;
            pthread_cond_signal(&q->not_full);
            break;
        }
        if (q->closed) {
            *outcome = CK_K2K_CLOSED;
            break;
        }
        if (timeout_ns == 0 || deadline_passed(deadline)) {
            *outcome = CK_K2K_TIMEOUT;
            break;
        }
        timed_wait(&q->not_empty, &pl->mu, deadline);
    }
    unlock(&pl->mu);
    return status;
}

ck_status_t ck_pipeline_retire(ck_ctx_t *ctx, ck_pipeline_t *pl, int64_t stage)
{
    CHECK_HANDLE(ctx, pl, "pl");
    ck_status_t status = pl_check_stage(ctx, pl, stage);
    if (status != CK_OK) return status;
    lock(&pl->mu);
    pl_stage_t *q = &pl->st[stage];
    if (q->held == 0) {
        status = cki_error(ctx, CK_E_STATE, "stage", "no item popped from queue %lld is held", (long long)stage);
    } else {
        q->held--;
        q->retired++;
        pl->left++;
        pl_propagate(pl, stage);
        if (pl->st[0].closed && pl->left == pl->entered) pthread_cond_broadcast(&pl->drained_cv);
    }
    unlock(&pl->mu);
    return status;
}

ck_status_t ck_pipeline_close(ck_ctx_t *ctx, ck_pipeline_t *pl, int64_t stage)
{
    CHECK_HANDLE(ctx, pl, "pl");
    ck_status_t status = pl_check_stage(ctx, pl, stage);
    if (status != CK_OK) return status;
    lock(&pl->mu);
    pl_close_locked(pl, stage);
    pl_propagate(pl, stage);
    unlock(&pl->mu);
    return CK_OK;
}

ck_status_t ck_pipeline_wait_drained(ck_ctx_t *ctx, ck_k2k_wait_t *outcome, ck_pipeline_t *pl, int64_t timeout_ns)
{
    CHECK_OUT(ctx, outcome, "outcome");
    CHECK_HANDLE(ctx, pl, "pl");
    ck_status_t status = CK_OK;
    int64_t deadline = deadline_of(timeout_ns);
    lock(&pl->mu);
    for (;;) {
        if (pl->st[0].closed && pl->left == pl->entered) {
            *outcome = CK_K2K_READY;
            break;
        }
        if (is_cancelled(pl->cancelled, pl->owner, ctx)) {
            status = cancelled_error(ctx, "pipeline");
            break;
        }
        if (timeout_ns == 0 || deadline_passed(deadline)) {
            *outcome = CK_K2K_TIMEOUT;
            break;
        }
        timed_wait(&pl->drained_cv, &pl->mu, deadline);
    }
    unlock(&pl->mu);
    return status;
}

ck_status_t ck_pipeline_stage_stats(ck_ctx_t *ctx, ck_pipeline_stage_stats_t *stats, const ck_pipeline_t *pl,
                                    int64_t stage)
{
    CHECK_OUT(ctx, stats, "stats");
    CHECK_HANDLE(ctx, pl, "pl");
    ck_status_t status = pl_check_stage(ctx, pl, stage);
    if (status != CK_OK) return status;
    lock(&pl->mu);
    const pl_stage_t *q = &pl->st[stage];
    stats->in = q->in;
    stats->out = q->out;
    stats->retired = q->retired;
    stats->held = q->held;
    stats->depth = q->depth;
    stats->max_depth = q->max_depth;
    stats->capacity = q->cap;
    stats->closed = q->closed;
    unlock(&pl->mu);
    return CK_OK;
}

ck_status_t ck_pipeline_counts(ck_ctx_t *ctx, int64_t *entered, int64_t *left, const ck_pipeline_t *pl)
{
    CHECK_HANDLE(ctx, pl, "pl");
    lock(&pl->mu);
    if (entered) *entered = pl->entered;
    if (left) *left = pl->left;
    unlock(&pl->mu);
    return CK_OK;
}

void ck_pipeline_cancel(ck_pipeline_t *pl)
{
    if (!pl) return;
    lock(&pl->mu);
    pl->cancelled = true;
    for (int64_t s = 0; s < pl->n; s++) {
        pthread_cond_broadcast(&pl->st[s].not_empty);
        pthread_cond_broadcast(&pl->st[s].not_full);
    }
    pthread_cond_broadcast(&pl->drained_cv);
    unlock(&pl->mu);
}

/* ============================================================================ barrier */

struct ck_barrier {
    ck_ctx_t *owner;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int64_t n, arrived, phase;
    bool cancelled;
};

ck_status_t ck_barrier_create(ck_barrier_t **out, ck_ctx_t *ctx, int64_t n_threads)
{
    ck_status_t status = CK_OK;
    ck_barrier_t *b = NULL;
    bool mu_ok = false;
    if (!out) return cki_invalid(ctx, "b", "output pointer is NULL");
    *out = NULL;
    if (!ctx) return CK_E_INVALID_INPUT;
    if (n_threads < 1) return cki_invalid(ctx, "n_threads", "must be >= 1, got %lld", (long long)n_threads);
    b = cki_calloc(ctx, 1, sizeof *b);
    if (!b) return cki_nomem(ctx);
    b->owner = ctx;
    b->n = n_threads;
    CK_TRY(mutex_init(ctx, &b->mu));
    mu_ok = true;
    CK_TRY(cond_init(ctx, &b->cv));
    *out = b;
    b = NULL;
cleanup:
    if (b) {
        if (mu_ok) pthread_mutex_destroy(&b->mu);
        cki_free(ctx, b);
    }
    return status;
}

void ck_barrier_destroy(ck_barrier_t **pb)
{
    if (!pb || !*pb) return;
    ck_barrier_t *b = *pb;
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
    cki_free(b->owner, b);
    *pb = NULL;
}

ck_status_t ck_barrier_wait(ck_ctx_t *ctx, bool *serial, ck_barrier_t *b)
{
    CHECK_HANDLE(ctx, b, "b");
    ck_status_t status = CK_OK;
    if (serial) *serial = false;
    lock(&b->mu);
    if (is_cancelled(b->cancelled, b->owner, ctx)) {
        status = cancelled_error(ctx, "barrier");
    } else if (++b->arrived == b->n) {
        b->arrived = 0;
        b->phase++;
        if (serial) *serial = true;
        pthread_cond_broadcast(&b->cv);
    } else {
        int64_t phase = b->phase;
        while (b->phase == phase) {
            if (is_cancelled(b->cancelled, b->owner, ctx)) {
                b->cancelled = true; /* the phase can never complete: break it for everyone */
                pthread_cond_broadcast(&b->cv);
                status = cancelled_error(ctx, "barrier");
                break;
            }
            timed_wait(&b->cv, &b->mu, -1);
        }
    }
    unlock(&b->mu);
    return status;
}

void ck_barrier_cancel(ck_barrier_t *b)
{
    if (!b) return;
    lock(&b->mu);
    b->cancelled = true;
    pthread_cond_broadcast(&b->cv);
    unlock(&b->mu);
}
