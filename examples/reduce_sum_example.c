/* Example: an accurate sum with the typed C API, next to a naive loop.
 *
 * x = [1e16, 1, -1e16]: the exact sum is 1. A naive loop loses the 1 (1e16 + 1 rounds back to
 * 1e16, because doubles near 1e16 are 2 apart) and returns 0; ck_reduce_sum's compensated
 * summation returns 1. */
#include <stdio.h>

#include <ckernels.h>

int main(void)
{
    const double x[] = {1e16, 1.0, -1e16};
    const ck_idx_t n = (ck_idx_t)(sizeof x / sizeof x[0]);
    ck_reduce_sum_result_t r;
    ck_ctx_t *ctx = NULL;
    volatile double naive = 0; /* volatile: keep the compiler from re-associating the loop */

    if (ck_ctx_create(&ctx, NULL) != CK_OK) return 1;
    ck_status_t st = ck_reduce_sum(ctx, &r, x, n);
    if (st != CK_OK) {
        fprintf(stderr, "error: ck_reduce_sum: %s: %s\n", ck_status_name(st), ck_ctx_error(ctx));
        ck_ctx_destroy(&ctx);
        return 1;
    }
    for (ck_idx_t i = 0; i < n; i++) naive = naive + x[i];

    printf("ck_reduce_sum: sum = %g, count = %lld, mean = %.6f\n", r.sum, (long long)r.count, r.mean);
    printf("naive loop:    sum = %g\n", naive);
    ck_ctx_destroy(&ctx);
    return 0;
}
