/* CKernels — kernel-to-kernel (K2K) coordination primitives.
 *
 *   ck_iterative_state_t  convergence bookkeeping of an iterative computation; optionally N workers
 *                         report a local delta per iteration and the state combines them
 *   ck_scatter_gather_t   a coordinator scatters N tasks to worker threads and gathers the results
 *   ck_fan_out_t          broadcast one item per generation to M subscribers and track their acks
 *   ck_pipeline_t         S stages joined by bounded FIFO queues with back-pressure, close/drain
 *                         semantics and an in-flight tracker
 *   ck_barrier_t          a reusable barrier for N threads
 *
 * Threading. Every handle is safe to share between threads (one mutex per handle, condition
 * variables on CLOCK_MONOTONIC). The context given to _create() is the handle's owner: its
 * allocator serves the handle and its cancel flag (ck_ctx_cancel) stops every blocking call on the
 * handle with CK_E_CANCELLED; it must outlive the handle. Every other call takes the calling
 * thread's own context first, used only for the error message (and its cancel flag); it may be
 * NULL, and since a context must not be used by two threads at once, worker threads pass their own
 * context or NULL. Only _create() allocates; every other call is allocation-free.
 *
 * Waiting. Blocking calls take `timeout_ns`: CK_K2K_FOREVER (< 0) waits without limit, 0 only
 * checks, > 0 waits at most that long. Whether the wait was satisfied is reported in an out
 * parameter of type ck_k2k_wait_t (a time-out is not an error); the return value is CK_OK, or an
 * error (CK_E_CANCELLED once the owner's or the caller's context is cancelled or _cancel() was
 * called on the handle). _destroy() must not race with calls on the handle: join the workers first.
 */
#ifndef CKERNELS_K2K_H
#define CKERNELS_K2K_H

#include <stdbool.h>
#include <stdint.h>

#include "ckernels/ctx.h"
#include "ckernels/export.h"
#include "ckernels/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CK_K2K_FOREVER ((int64_t)-1)

/* Outcome of a blocking call. */
typedef enum ck_k2k_wait {
    CK_K2K_READY = 0,   /* the awaited condition holds (an item was received, all acked, ...) */
    CK_K2K_TIMEOUT = 1, /* timeout_ns elapsed first; nothing changed */
    CK_K2K_CLOSED = 2   /* end of stream: the source was closed and nothing is left */
} ck_k2k_wait_t;

/* A task result or a queue item: an opaque pointer, an integer handle or a number. The primitives
 * only copy it; what it means is the caller's business. */
typedef union ck_k2k_value {
    void *ptr;
    int64_t i64;
    double f64;
} ck_k2k_value_t;

/* ================================================================================ iterative state
 * Iteration i (1-based) ends with a delta (a non-negative change measure, e.g. the L1 norm of
 * x_i - x_{i-1}). The state converges at the first iteration whose delta is STRICTLY below the
 * tolerance (delta < tolerance, as networkx/the specs write it; tolerance 0 therefore never
 * converges). Converging on the last allowed iteration counts as converged. */

typedef enum ck_iter_outcome {
    CK_ITER_RUNNING = 0,        /* more iterations are wanted */
    CK_ITER_CONVERGED = 1,      /* the last delta was < tolerance */
    CK_ITER_MAX_ITERATIONS = 2, /* max_iterations done without converging */
    CK_ITER_STALLED = 3         /* stall_window iterations without a new best delta */
} ck_iter_outcome_t;

typedef enum ck_iter_combine {
    CK_ITER_COMBINE_MAX = 0, /* iteration delta = max of the workers' deltas (e.g. L-inf norms) */
    CK_ITER_COMBINE_SUM = 1  /* iteration delta = sum of the workers' deltas (e.g. L1 norms of shards) */
} ck_iter_combine_t;

typedef struct ck_iterative_options {
    int64_t max_iterations;   /* >= 1; default 100 */
    double tolerance;         /* finite, >= 0; default 1e-6 */
    int64_t history;          /* deltas kept (ring of the last `history`), >= 0; default 16 */
    int64_t stall_window;     /* > 0: stop as STALLED after this many iterations without a new
                                 best (smallest) delta; 0 = off (default) */
    int64_t workers;          /* workers reporting per iteration, >= 1; default 1 */
    ck_iter_combine_t combine; /* how worker deltas combine; default CK_ITER_COMBINE_MAX */
} ck_iterative_options_t;

/* Snapshot of the state. last/best are NaN before the first iteration. */
typedef struct ck_iterative_info {
    int64_t iterations;
    ck_iter_outcome_t outcome;
    double last_delta;
    double best_delta;
    int64_t best_iteration; /* iteration that gave best_delta, 0 before the first */
} ck_iterative_info_t;

typedef struct ck_iterative_state ck_iterative_state_t;

CK_API void ck_iterative_options_init(ck_iterative_options_t *opts);
/* `opts` may be NULL for the defaults. */
CK_API ck_status_t ck_iterative_state_create(ck_iterative_state_t **st, ck_ctx_t *ctx,
                                             const ck_iterative_options_t *opts);
CK_API void ck_iterative_state_destroy(ck_iterative_state_t **st);
/* Start over (iteration 0, history cleared, a _cancel() undone). `opts` NULL keeps the current
 * options; new options may change everything but `history` and `workers` (CK_E_INVALID_INPUT).
 * Must not race with reports or waits. */
CK_API ck_status_t ck_iterative_state_reset(ck_ctx_t *ctx, ck_iterative_state_t *st,
                                            const ck_iterative_options_t *opts);
/* Single-worker states: record the delta of the next iteration. `keep_going` (may be NULL)
 * receives whether another iteration is wanted. Cheap and allocation-free. Errors: delta NaN or
 * negative (CK_E_INVALID_INPUT), the state has finished or has several workers (CK_E_STATE). */
CK_API ck_status_t ck_iterative_state_update(ck_ctx_t *ctx, bool *keep_going, ck_iterative_state_t *st,
                                             double delta);
/* Multi-worker states: worker `worker` (0..workers-1) reports its local delta for the iteration
 * in progress, whose 1-based number goes to `iteration` (may be NULL). The iteration completes
 * when every worker has reported; its delta is the combination of theirs. A second report by the
 * same worker before the iteration completes, or a report after the state finished, is CK_E_STATE. */
CK_API ck_status_t ck_iterative_state_report(ck_ctx_t *ctx, int64_t *iteration, ck_iterative_state_t *st,
                                             int64_t worker, double delta);
/* Wait until iteration `iteration` (>= 1) has completed; `keep_going` (may be NULL) then says
 * whether the state wants another one. CK_E_STATE when the state finished before that iteration. */
CK_API ck_status_t ck_iterative_state_wait(ck_ctx_t *ctx, ck_k2k_wait_t *outcome, bool *keep_going,
                                           ck_iterative_state_t *st, int64_t iteration, int64_t timeout_ns);
/* Wake every waiter with CK_E_CANCELLED; later reports/updates fail with CK_E_CANCELLED. */
CK_API void ck_iterative_state_cancel(ck_iterative_state_t *st);

CK_API ck_status_t ck_iterative_state_info(ck_ctx_t *ctx, ck_iterative_info_t *info,
                                           const ck_iterative_state_t *st);
/* The delta of `ago` iterations back (0 = the last); CK_E_INVALID_INPUT when that iteration is
 * outside the kept history. */
CK_API ck_status_t ck_iterative_state_delta(ck_ctx_t *ctx, double *delta, const ck_iterative_state_t *st,
                                            int64_t ago);
/* Direct getters (0/false for a NULL handle). */
CK_API int64_t ck_iterative_state_iterations(const ck_iterative_state_t *st);
CK_API bool ck_iterative_state_converged(const ck_iterative_state_t *st);
CK_API ck_iter_outcome_t ck_iterative_state_outcome(const ck_iterative_state_t *st);

/* ================================================================================ scatter-gather
 * Tasks 0..n_tasks-1. Workers claim tasks (each handed out once, in index order) and complete
 * them with a value and a status; the coordinator waits for all and reads the results in task
 * order. Task failures do not stop the others; wait() reports the failure of the LOWEST failing
 * task index, so the reported error does not depend on thread timing. */

typedef struct ck_scatter_gather ck_scatter_gather_t;

/* n_tasks >= 1. */
CK_API ck_status_t ck_scatter_gather_create(ck_scatter_gather_t **sg, ck_ctx_t *ctx, int64_t n_tasks);
CK_API void ck_scatter_gather_destroy(ck_scatter_gather_t **sg);
/* Claim the next unclaimed, uncompleted task: its index, or -1 when none is left. */
CK_API ck_status_t ck_scatter_gather_claim(ck_ctx_t *ctx, int64_t *task, ck_scatter_gather_t *sg);
/* Complete task `task` (claimed or not) with its value and status (CK_OK or the worker's error;
 * only negative statuses count as failures).
 * Completing a task twice is CK_E_STATE. Allowed after cancellation (partial results). */
CK_API ck_status_t ck_scatter_gather_complete(ck_ctx_t *ctx, ck_scatter_gather_t *sg, int64_t task,
                                              ck_status_t task_status, ck_k2k_value_t value);
/* Wait until every task has completed. Returns CK_OK, or the status of the lowest-index failed
 * task (message "tasks[i]: ..." on ctx), or CK_E_CANCELLED. */
CK_API ck_status_t ck_scatter_gather_wait(ck_ctx_t *ctx, ck_k2k_wait_t *outcome, ck_scatter_gather_t *sg,
                                          int64_t timeout_ns);
/* Result of a completed task (CK_E_STATE if it has not completed). `task_status` may be NULL. */
CK_API ck_status_t ck_scatter_gather_result(ck_ctx_t *ctx, ck_k2k_value_t *value, ck_status_t *task_status,
                                            const ck_scatter_gather_t *sg, int64_t task);
/* Counters; any output may be NULL. */
CK_API ck_status_t ck_scatter_gather_progress(ck_ctx_t *ctx, int64_t *claimed, int64_t *completed,
                                              int64_t *failed, const ck_scatter_gather_t *sg);
CK_API void ck_scatter_gather_cancel(ck_scatter_gather_t *sg);

/* ================================================================================ fan-out
 * One publisher, M subscribers 0..M-1. publish() starts generation g = 1, 2, ... carrying one
 * item; each subscriber acks each generation exactly once. A new generation can only be published
 * once the previous one is fully acked, so every subscriber sees every item (a broadcast barrier:
 * publish, subscribers next/work/ack, publisher wait_all). */

typedef struct ck_fan_out ck_fan_out_t;

/* n_subscribers >= 1. */
CK_API ck_status_t ck_fan_out_create(ck_fan_out_t **fo, ck_ctx_t *ctx, int64_t n_subscribers);
CK_API void ck_fan_out_destroy(ck_fan_out_t **fo);
/* Publish the next generation, whose number goes to `generation` (may be NULL). CK_E_STATE when
 * the previous generation has pending acks or the fan-out is closed. */
CK_API ck_status_t ck_fan_out_publish(ck_ctx_t *ctx, int64_t *generation, ck_fan_out_t *fo,
                                      ck_k2k_value_t item);
/* Subscriber `subscriber` acks `generation`, which must be the current one. CK_E_STATE for a
 * duplicate ack or a generation that is not current. */
CK_API ck_status_t ck_fan_out_ack(ck_ctx_t *ctx, ck_fan_out_t *fo, int64_t subscriber, int64_t generation);
/* Publisher: wait until every subscriber acked the current generation (CK_E_STATE before the
 * first publish). */
CK_API ck_status_t ck_fan_out_wait_all(ck_ctx_t *ctx, ck_k2k_wait_t *outcome, ck_fan_out_t *fo,
                                       int64_t timeout_ns);
/* Subscriber: wait for a generation it has not acked yet; READY gives its number and item,
 * CLOSED means the fan-out was closed and this subscriber has acked everything. Outputs other
 * than `outcome` may be NULL. */
CK_API ck_status_t ck_fan_out_next(ck_ctx_t *ctx, ck_k2k_wait_t *outcome, int64_t *generation,
                                   ck_k2k_value_t *item, ck_fan_out_t *fo, int64_t subscriber,
                                   int64_t timeout_ns);
/* No more generations: subscribers drain to CLOSED. Acks of the current generation still count. */
CK_API ck_status_t ck_fan_out_close(ck_ctx_t *ctx, ck_fan_out_t *fo);
/* Current generation (0 before the first publish), its acked and pending counts; outputs may be NULL. */
CK_API ck_status_t ck_fan_out_counts(ck_ctx_t *ctx, int64_t *generation, int64_t *acked, int64_t *pending,
                                     const ck_fan_out_t *fo);
CK_API void ck_fan_out_cancel(ck_fan_out_t *fo);

/* ================================================================================ pipeline
 * Stages 0..S-1; stage s reads from its own bounded FIFO queue s. The producer pushes into queue
 * 0. A stage worker pops an item from queue s, works on it, and then either forwards it (push into
 * queue s+1) or retires it (the last stage always retires; an earlier stage retires items it
 * filters out). Items are conserved: a push into queue s > 0 must follow a pop from queue s-1,
 * and the pipeline knows how many items entered (pushed into queue 0) and left (retired).
 *
 * Closing: the producer closes queue 0. Queue s+1 closes by itself once queue s is closed and
 * empty and no item popped from it is still held by a stage-s worker; a pop from a closed, empty
 * queue reports CK_K2K_CLOSED (end of stream). The pipeline is drained once queue 0 is closed
 * and every item that entered has left. */

typedef struct ck_pipeline ck_pipeline_t;

typedef struct ck_pipeline_stage_stats {
    int64_t in;        /* items pushed into the queue */
    int64_t out;       /* items popped from the queue */
    int64_t retired;   /* items retired by this stage */
    int64_t held;      /* popped, neither forwarded nor retired yet */
    int64_t depth;     /* items in the queue now */
    int64_t max_depth; /* largest depth seen */
    int64_t capacity;
    bool closed;
} ck_pipeline_stage_stats_t;

/* n_stages >= 1; capacities[s] >= 1 is the capacity of queue s. */
CK_API ck_status_t ck_pipeline_create(ck_pipeline_t **pl, ck_ctx_t *ctx, int64_t n_stages,
                                      const int64_t *capacities);
CK_API void ck_pipeline_destroy(ck_pipeline_t **pl);
/* Push into queue `stage`, waiting while it is full (back-pressure); CK_E_QUEUE_FULL when it is
 * still full after timeout_ns, CK_E_STATE when it is closed or (stage > 0) no item popped from
 * queue stage-1 is held. */
CK_API ck_status_t ck_pipeline_push(ck_ctx_t *ctx, ck_pipeline_t *pl, int64_t stage, ck_k2k_value_t item,
                                    int64_t timeout_ns);
/* push with timeout 0. */
CK_API ck_status_t ck_pipeline_try_push(ck_ctx_t *ctx, ck_pipeline_t *pl, int64_t stage, ck_k2k_value_t item);
/* Pop the oldest item of queue `stage`: READY (item set), TIMEOUT (queue empty), CLOSED (end of
 * stream). */
CK_API ck_status_t ck_pipeline_pop(ck_ctx_t *ctx, ck_k2k_wait_t *outcome, ck_k2k_value_t *item,
                                   ck_pipeline_t *pl, int64_t stage, int64_t timeout_ns);
/* A stage-`stage` worker is done with an item it popped and will not forward it. */
CK_API ck_status_t ck_pipeline_retire(ck_ctx_t *ctx, ck_pipeline_t *pl, int64_t stage);
/* Close queue `stage` (idempotent): pushes fail with CK_E_STATE, pops drain then report CLOSED. */
CK_API ck_status_t ck_pipeline_close(ck_ctx_t *ctx, ck_pipeline_t *pl, int64_t stage);
/* Wait until queue 0 is closed and every item that entered has left. */
CK_API ck_status_t ck_pipeline_wait_drained(ck_ctx_t *ctx, ck_k2k_wait_t *outcome, ck_pipeline_t *pl,
                                            int64_t timeout_ns);
CK_API ck_status_t ck_pipeline_stage_stats(ck_ctx_t *ctx, ck_pipeline_stage_stats_t *stats,
                                           const ck_pipeline_t *pl, int64_t stage);
/* Items that entered and left; outputs may be NULL. */
CK_API ck_status_t ck_pipeline_counts(ck_ctx_t *ctx, int64_t *entered, int64_t *left, const ck_pipeline_t *pl);
CK_API void ck_pipeline_cancel(ck_pipeline_t *pl);

/* ================================================================================ barrier
 * Reusable barrier for n_threads threads: the n-th arrival releases the phase. */

typedef struct ck_barrier ck_barrier_t;

/* n_threads >= 1. */
CK_API ck_status_t ck_barrier_create(ck_barrier_t **b, ck_ctx_t *ctx, int64_t n_threads);
CK_API void ck_barrier_destroy(ck_barrier_t **b);
/* Wait for the other threads of this phase; `serial` (may be NULL) is true for exactly one thread
 * per phase (the last to arrive). A cancel breaks the barrier: waiters get CK_E_CANCELLED. */
CK_API ck_status_t ck_barrier_wait(ck_ctx_t *ctx, bool *serial, ck_barrier_t *b);
CK_API void ck_barrier_cancel(ck_barrier_t *b);

#ifdef __cplusplus
}
#endif
#endif
