/* Example: run any registered kernel on a JSON input file, the way the CLI and the REST service do.
 *
 * usage: run_json [--compact] KERNEL_ID INPUT.json     (INPUT "-" reads standard input)
 *   e.g. run_json core/reduce-sum examples/data/reduce_sum.json
 *
 * Prints the kernel's output object (with its "meta" block) on stdout; on failure prints
 * "error: <status>: <message>" (the message names the bad input field) on stderr and exits 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ckernels.h>

/* Whole file into a NUL-terminated buffer (malloc'd); NULL on failure. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, used = 0;
    if (!f) return NULL;
    for (;;) {
        if (cap - used < 4096) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nbuf = realloc(buf, ncap + 1);
            if (!nbuf) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nbuf;
            cap = ncap;
        }
        size_t got = fread(buf + used, 1, cap - used, f);
        used += got;
        if (got == 0) {
            if (ferror(f)) {
                free(buf);
                buf = NULL;
            }
            break;
        }
    }
    if (f != stdin) fclose(f);
    if (buf) {
        buf[used] = '\0';
        *len = used;
    }
    return buf;
}

int main(int argc, char **argv)
{
    unsigned flags = CK_JSON_INDENT;
    int argi = 1, rc = 1;
    ck_ctx_t *ctx = NULL;
    ck_registry_t *reg = NULL;
    char *input = NULL, *output = NULL;
    size_t len = 0;
    ck_status_t st;

    if (argi < argc && strcmp(argv[argi], "--compact") == 0) {
        flags = CK_JSON_COMPACT;
        argi++;
    }
    if (argc - argi != 2) {
        fprintf(stderr, "usage: %s [--compact] KERNEL_ID INPUT.json\n", argv[0]);
        return 2;
    }
    const char *id = argv[argi], *path = argv[argi + 1];

    input = read_all(path, &len);
    if (!input) {
        fprintf(stderr, "error: cannot read %s\n", path);
        return 1;
    }
    if ((st = ck_ctx_create(&ctx, NULL)) != CK_OK) {
        fprintf(stderr, "error: ck_ctx_create: %s\n", ck_status_name(st));
        goto cleanup;
    }
    /* A registry with every kernel of every domain (locked ones stay listed but fail to run). */
    if ((st = ck_registry_create(&reg, ctx)) != CK_OK || (st = ck_registry_register_all(ctx, reg)) != CK_OK) {
        fprintf(stderr, "error: registry: %s: %s\n", ck_status_name(st), ck_ctx_error(ctx));
        goto cleanup;
    }
    st = ck_execute_json_ex(ctx, reg, id, input, len, flags, &output);
    if (CK_IS_ERROR(st)) {
        fprintf(stderr, "error: %s: %s: %s\n", id, ck_status_name(st), ck_ctx_error(ctx));
        goto cleanup;
    }
    /* Positive statuses (e.g. not_converged) still come with an output. */
    if (st != CK_OK) fprintf(stderr, "note: %s: %s\n", id, ck_status_name(st));
    printf("%s\n", output);
    rc = 0;

cleanup:
    if (ctx) ck_ctx_free(ctx, output); /* library-allocated output goes back through the ctx */
    ck_registry_destroy(&reg);
    ck_ctx_destroy(&ctx);
    free(input);
    return rc;
}
