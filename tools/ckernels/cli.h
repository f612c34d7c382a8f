/* The `ckernels` command-line tool: shared declarations between its source files. */
#ifndef CKERNELS_CLI_H
#define CKERNELS_CLI_H

#include <stdio.h>

#include "ckernels.h"

/* Exit codes (documented in `ckernels --help` and the README). */
enum {
    CKCLI_EXIT_OK = 0,
    CKCLI_EXIT_OTHER = 1,
    CKCLI_EXIT_USAGE = 2,
    CKCLI_EXIT_INPUT = 3,
    CKCLI_EXIT_LICENSE = 4
};

/* Exit code for a library status. */
int ckcli_exit_code(ck_status_t status);

/* `ckernels license show|verify|keygen|sign ...` (argv[0] is "license"). */
int ckcli_license(int argc, char **argv);

/* Load the license for --license FILE (or $CKERNELS_LICENSE when path is NULL) into ctx; no
 * license configured leaves the development license. The trusted public key comes from
 * --license-pubkey / $CKERNELS_LICENSE_PUBKEY, else the built-in vendor key. Prints the error on
 * stderr and returns the exit code (0 on success). */
int ckcli_apply_license(ck_ctx_t *ctx, const char *path, const char *pubkey_arg);

/* Read a whole file ("-" = stdin) into a malloc'd NUL-terminated buffer. NULL on error (errno). */
char *ckcli_read_file(const char *path, size_t *len);

#endif
