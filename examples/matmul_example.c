/* Example: a small matrix product through the typed C API.
 *
 *   A (2x3) = [1 2 3; 4 5 6],  B (3x2) = [7 8; 9 10; 11 12]  ->  C = A*B = [58 64; 139 154]
 *
 * Build: cc matmul_example.c $(pkg-config --cflags --libs ckernels) */
#include <stdio.h>

#include <ckernels.h>

int main(void)
{
    const double a[2 * 3] = {1, 2, 3, 4, 5, 6};   /* row-major */
    const double b[3 * 2] = {7, 8, 9, 10, 11, 12};
    double c[2 * 2];
    ck_ctx_t *ctx = NULL;
    ck_status_t st;

    st = ck_ctx_create(&ctx, NULL); /* NULL: the C library's allocator */
    if (st != CK_OK) {
        fprintf(stderr, "error: ck_ctx_create: %s\n", ck_status_name(st));
        return 1;
    }
    st = ck_matmul(ctx, c, a, b, 2, 3, 2); /* ctx, output, inputs, then m, k, n */
    if (st != CK_OK) {
        /* Every call returns a status; the context holds the message. */
        fprintf(stderr, "error: ck_matmul: %s: %s\n", ck_status_name(st), ck_ctx_error(ctx));
        ck_ctx_destroy(&ctx);
        return 1;
    }
    printf("C = A*B (2x2):\n");
    for (int i = 0; i < 2; i++) printf("  %g %g\n", c[i * 2 + 0], c[i * 2 + 1]);

    /* Bad input is reported, never crashes: a negative dimension. */
    st = ck_matmul(ctx, c, a, b, -1, 3, 2);
    printf("ck_matmul with m = -1: %s (%s)\n", ck_status_name(st), ck_ctx_error(ctx));

    ck_ctx_destroy(&ctx); /* sets ctx to NULL */
    return 0;
}
