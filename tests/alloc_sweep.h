/* Allocation-failure sweep harness shared by the test programs (header-only: every function is
 * static inline, so a program that uses only part of it gets no unused-function warning).
 *
 * What it provides:
 *   sweep_alloc         a const ck_allocator_t that counts allocation points and live blocks and
 *                       fails the sweep_fail_at-th allocation (malloc, or realloc of any pointer);
 *   sweep_malloc/_free  the same as plain malloc/free hooks, e.g. for json_set_alloc_funcs;
 *   sweep_json_hook()   route jansson's allocations through the failing allocator (it shares the
 *   sweep_json_unhook() counter), and give jansson back malloc/free;
 *   STEP(expr)          inside a scenario: expr must succeed, or give CK_E_NOMEM after an injected
 *                       failure, in which case it jumps to the scenario's `cleanup:` label (the
 *                       scenario must have a `ck_ctx_t *ctx` in scope, NULL allowed);
 *   sweep(...)          the driver: runs the scenario with the k-th allocation failing for
 *                       k = 0, 1, ... until a run completes without reaching an injected failure,
 *                       checks after every run that nothing leaked, and that at least min_points
 *                       allocation points were covered; prints the count and returns it.
 *
 * Usage:
 *   static bool scenario(void)
 *   {
 *       ck_ctx_t *ctx = NULL;
 *       bool done = false;
 *       STEP(ck_ctx_create(&ctx, &sweep_alloc));
 *       STEP(...);
 *       done = true;
 *   cleanup:
 *       ck_ctx_destroy(&ctx);
 *       return done;   // true: the scenario ran to its end
 *   }
 *   Test(x, allocation_failures) { sweep(scenario, "x", 20, SWEEP_JSON); }
 *
 * State is per test program (one sweep at a time, on the calling thread's schedule). Blocks live
 * when a sweep starts (a context set up before it, say) are its baseline: each run must end with
 * exactly as many. Failures are injected only while sweep_armed is true (the default), so a
 * scenario can clear it around a setup it does not want swept. */
#ifndef CK_TESTS_ALLOC_SWEEP_H
#define CK_TESTS_ALLOC_SWEEP_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "ckernels.h"

/* Test-program state (the library itself has none): the shared allocation counter. */
static long sweep_n_allocs;     /* allocation points reached in this run (while armed) */
static long sweep_fail_at = -1; /* the allocation point that fails; -1: none */
static long sweep_live;         /* blocks allocated and not yet freed */
static bool sweep_failed;       /* the failure was injected in this run */
static bool sweep_armed = true; /* failures are injected (and points counted) only while armed */

/* Whether this allocation point is the one to fail (and counts it). */
static inline bool sweep_should_fail(void)
{
    if (sweep_armed && sweep_n_allocs++ == sweep_fail_at) {
        sweep_failed = true;
        return true;
    }
    return false;
}

static inline void *sweep_malloc(size_t size)
{
    if (sweep_should_fail()) return NULL;
    void *p = malloc(size);
    if (p) sweep_live++;
    return p;
}

static inline void sweep_free(void *p)
{
    if (p) sweep_live--;
    free(p);
}

static inline void *sweep_h_malloc(size_t n, void *u)
{
    (void)u;
    return sweep_malloc(n);
}

static inline void sweep_h_free(void *p, void *u)
{
    (void)u;
    sweep_free(p);
}

static inline void *sweep_h_realloc(void *p, size_t n, void *u)
{
    (void)u;
    if (!p) return sweep_malloc(n);
    if (sweep_should_fail()) return NULL;
    return realloc(p, n);
}

static const ck_allocator_t sweep_alloc = {sweep_h_malloc, sweep_h_realloc, sweep_h_free, NULL};

static inline void sweep_json_hook(void) { json_set_alloc_funcs(sweep_malloc, sweep_free); }
static inline void sweep_json_unhook(void) { json_set_alloc_funcs(malloc, free); }

/* Checks a step: success, or CK_E_NOMEM once the failure was injected. Any other outcome fails. */
#define STEP(expr)                                                                                      \
    do {                                                                                                \
        ck_status_t s_ = (expr);                                                                        \
        if (CK_IS_ERROR(s_)) {                                                                          \
            cr_assert_eq(s_, CK_E_NOMEM, "k=%ld: %s gave %s (%s)", sweep_fail_at, #expr,                \
                         ck_status_name(s_), ctx ? ck_ctx_error(ctx) : "");                             \
            cr_assert(sweep_failed, "k=%ld: NOMEM without an injected failure", sweep_fail_at);         \
            goto cleanup;                                                                               \
        }                                                                                               \
    } while (0)

/* sweep() flags. */
enum {
    SWEEP_JSON = 1, /* jansson allocates through the failing allocator during the sweep */
};

/* Runs scenario (true: it ran to its end) with the k-th allocation failing, for k = 0, 1, ...,
 * until a run reaches no injected failure (it must then have completed). After every run the live
 * blocks must be back to what they were when the sweep started. At least min_points allocation
 * points must be covered. name prefixes the messages. Returns the number of points covered. */
static inline long sweep(bool (*scenario)(void), const char *name, long min_points, unsigned flags)
{
    if (flags & SWEEP_JSON) sweep_json_hook();
    const long base = sweep_live;
    long k;
    for (k = 0;; k++) {
        sweep_n_allocs = 0;
        sweep_failed = false;
        sweep_fail_at = k;
        bool complete = scenario();
        cr_assert_eq(sweep_live, base, "%s: k=%ld leaked %ld allocation(s)", name, k, sweep_live - base);
        if (!sweep_failed) {
            cr_assert(complete, "%s: k=%ld: scenario stopped without an injected failure", name, k);
            break;
        }
    }
    sweep_fail_at = -1;
    if (flags & SWEEP_JSON) sweep_json_unhook();
    cr_assert_geq(k, min_points, "%s: the sweep covered only %ld allocations", name, k);
    fprintf(stderr, "%s: %ld allocation points swept\n", name, k);
    return k;
}

#endif /* CK_TESTS_ALLOC_SWEEP_H */
