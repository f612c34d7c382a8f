/* CKernels — internals shared by the similarity family (src/graph/similarity*.c): the ranked pair
 * collector (per-thread bounded heaps merged deterministically), the parallel row driver, result
 * allocation and the JSON pair-list reader. */
#ifndef CKERNELS_SIMILARITY_INTERNAL_H
#define CKERNELS_SIMILARITY_INTERNAL_H

#include <stdatomic.h>

#include "graph_internal.h"

/* One ranked pair. */
typedef struct cki_sim_entry {
    double s;
    uint32_t u, v;
} cki_sim_entry_t;

/* Whether a ranks strictly before b: score descending, then u ascending, then v ascending (a total
 * order on distinct pairs, so the ranking never depends on the order pairs were found in). */
static inline bool cki_sim_before(const cki_sim_entry_t *a, const cki_sim_entry_t *b)
{
    if (a->s != b->s) return a->s > b->s;
    if (a->u != b->u) return a->u < b->u;
    return a->v < b->v;
}

/* One thread's buffer: all offered pairs (top_k == 0) or a heap of the best top_k whose root is the
 * worst kept pair. Padded to a cache line. */
typedef struct cki_sim_buf {
    cki_sim_entry_t *e;
    size_t len, cap;
    int64_t kept;       /* pairs offered (they passed the caller's filters) */
    int64_t candidates; /* caller's count (link similarity: pairs with a common neighbour) */
    bool failed;        /* an allocation failed */
    char pad_[64 - sizeof(void *) - 2 * sizeof(size_t) - 2 * sizeof(int64_t) - sizeof(bool)];
} cki_sim_buf_t;

typedef struct cki_sim_collect {
    ck_ctx_t *ctx;
    size_t top_k; /* 0 = keep everything */
    int threads;
    cki_sim_buf_t *buf; /* one per thread */
} cki_sim_collect_t;

ck_status_t cki_sim_collect_init(ck_ctx_t *ctx, cki_sim_collect_t *c, int threads, ck_idx_t top_k);
void cki_sim_collect_free(cki_sim_collect_t *c);
/* Grow b (called from worker threads: the allocation is serialized). False when it failed. */
bool cki_sim_grow(cki_sim_collect_t *c, cki_sim_buf_t *b);

static inline void cki_sim_sift_down(cki_sim_entry_t *h, size_t len, cki_sim_entry_t x)
{
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, worst;
        if (l >= len) break;
        worst = (l + 1 < len && cki_sim_before(&h[l], &h[l + 1])) ? l + 1 : l;
        if (!cki_sim_before(&x, &h[worst])) break;
        h[i] = h[worst];
        i = worst;
    }
    h[i] = x;
}

/* Offer a pair to thread buffer b. */
static inline void cki_sim_push(cki_sim_collect_t *c, cki_sim_buf_t *b, double s, uint32_t u, uint32_t v)
{
    cki_sim_entry_t x = {s, u, v};
    b->kept++;
    if (c->top_k && b->len == c->top_k) {
        if (cki_sim_before(&x, &b->e[0])) cki_sim_sift_down(b->e, b->len, x);
        return;
    }
    if (b->len == b->cap && (b->failed || !cki_sim_grow(c, b))) return;
    size_t i = b->len++;
    if (c->top_k) { /* sift up: a worse pair moves towards the root */
        while (i > 0) {
            size_t p = (i - 1) / 2;
            if (!cki_sim_before(&b->e[p], &x)) break;
            b->e[i] = b->e[p];
            i = p;
        }
    }
    b->e[i] = x;
}

/* Merge the thread buffers: *out (ctx allocator, caller frees) receives the ranked pairs, *count of
 * them (at most top_k); *truncated whether more were offered; *candidates the sum of the buffers'
 * candidate counts. CK_E_NOMEM when a thread's allocation failed. */
ck_status_t cki_sim_collect_finish(cki_sim_collect_t *c, cki_sim_entry_t **out, size_t *count, bool *truncated,
                                   int64_t *candidates);

/* Sort entries by the pair order (scores >= 0, no NaN): radix sort, or qsort for small arrays and
 * when the radix buffers cannot be allocated (it never fails). */
void cki_sim_sort(ck_ctx_t *ctx, cki_sim_entry_t *e, size_t n);

/* Run fn(arg, tid, begin, end) over rows 0..n-1 in chunks of `chunk`, dynamically scheduled on
 * `threads` threads (tid < threads); thread 0 polls for cancellation and reports progress. fn
 * returns false to stop everything (an allocation failed: the caller finds out from its state).
 * Returns CK_E_CANCELLED (message set) when cancelled, else CK_OK. */
typedef bool (*cki_sim_rows_fn)(void *arg, int tid, uint32_t begin, uint32_t end);
ck_status_t cki_sim_for_rows(ck_ctx_t *ctx, int threads, uint32_t n, uint32_t chunk, cki_sim_rows_fn fn, void *arg);

/* A result with room for `count` rows (distance array only when with_distance). */
ck_status_t cki_pair_scores_new(ck_ctx_t *ctx, ck_pair_scores_t **r, size_t count, bool with_distance);

/* Read the JSON pair list at `field` ([[u, v], ...], ids in 0..n-1) into int64 arrays (ctx
 * allocator; NULL when empty). Errors name "field[i]" or "field[i][k]". */
ck_status_t cki_sim_read_pairs(ck_ctx_t *ctx, const json_t *arr, const char *field, ck_idx_t n, int64_t **u,
                               int64_t **v, ck_idx_t *count);

/* Append the row [u, v, x] (nvals 1) or [u, v, x, y] (nvals 2) to `rows`; takes x and y (either
 * may be NULL after a failed allocation: CK_E_NOMEM then). */
ck_status_t cki_sim_append_row(ck_ctx_t *ctx, json_t *rows, int64_t u, int64_t v, json_t *x, json_t *y, int nvals);

/* Check typed-API pair arrays against n; errors name "u[i]" / "v[i]". */
ck_status_t cki_sim_check_pairs(ck_ctx_t *ctx, const ck_idx_t *u, const ck_idx_t *v, ck_idx_t n_pairs, ck_idx_t n);

/* graph/value-similarity's JSON binder (similarity_value.c). */
ck_status_t cki_value_similarity_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                                      ck_run_info_t *info);

#endif
