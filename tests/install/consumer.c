/* A program outside the project, built against the *installed* CKernels (CMake package or
 * pkg-config) by test_install.sh. Uses only the umbrella header. Expected values are worked by
 * hand: 1 + 2 + 3.5 = 6.5, and [1 2; 3 4] * [5 6; 7 8] = [19 22; 43 50]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ckernels.h>

int main(void)
{
    static const char input[] = "{\"values\": [1, 2, 3.5]}";
    const double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, want[4] = {19, 22, 43, 50};
    double c[4] = {0, 0, 0, 0};
    ck_ctx_t *ctx = NULL;
    ck_registry_t *reg = NULL;
    char *out = NULL;
    int rc = 1;
    ck_status_t st;

    if ((st = ck_ctx_create(&ctx, NULL)) != CK_OK) {
        fprintf(stderr, "ck_ctx_create: %s\n", ck_status_name(st));
        return 1;
    }
    printf("ckernels %s\n", ck_version());
    if ((st = ck_registry_create(&reg, ctx)) != CK_OK || (st = ck_registry_register_all(ctx, reg)) != CK_OK) {
        fprintf(stderr, "registry: %s: %s\n", ck_status_name(st), ck_ctx_error(ctx));
        goto done;
    }
    st = ck_execute_json_ex(ctx, reg, "core/reduce-sum", input, strlen(input), CK_JSON_COMPACT, &out);
    if (st != CK_OK) {
        fprintf(stderr, "ck_execute_json: %s: %s\n", ck_status_name(st), ck_ctx_error(ctx));
        goto done;
    }
    /* Read the number after "sum": rather than matching text, so either 6.5 or 6.50 passes. */
    const char *p = strstr(out, "\"sum\"");
    double sum = p && (p = strchr(p, ':')) ? strtod(p + 1, NULL) : -1;
    printf("reduce-sum output: %s\n", out);
    if (sum != 6.5) {
        fprintf(stderr, "reduce-sum: expected sum 6.5, got %g\n", sum);
        goto done;
    }
    printf("reduce-sum: sum = %g\n", sum);

    if ((st = ck_matmul(ctx, c, a, b, 2, 2, 2)) != CK_OK) {
        fprintf(stderr, "ck_matmul: %s: %s\n", ck_status_name(st), ck_ctx_error(ctx));
        goto done;
    }
    printf("matmul: %g %g %g %g\n", c[0], c[1], c[2], c[3]);
    for (int i = 0; i < 4; i++) {
        if (c[i] != want[i]) {
            fprintf(stderr, "matmul: c[%d] = %g, expected %g\n", i, c[i], want[i]);
            goto done;
        }
    }
    printf("consumer OK\n");
    rc = 0;

done:
    ck_ctx_free(ctx, out);
    ck_registry_destroy(&reg);
    ck_ctx_destroy(&ctx);
    return rc;
}
