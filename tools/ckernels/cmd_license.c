/* `ckernels license show|verify|keygen|sign` and the --license handling shared by the other
 * commands. Key files hold hex text (see include/ckernels/license.h). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char license_usage[] =
    "usage: ckernels license <subcommand> [options]\n"
    "\n"
    "  show [FILE] [--json] [--license FILE] [--pubkey FILE|HEX]\n"
    "        summary of a license FILE (verified), or of the license in force:\n"
    "        --license FILE / $CKERNELS_LICENSE, else the built-in development license\n"
    "  verify FILE [--pubkey FILE|HEX] [--at UNIX_SECONDS]\n"
    "        check signature, fields and validity window (now, or --at); exit 0 valid, 4 not\n"
    "  keygen --public PK_FILE --secret SK_FILE [--force]\n"
    "        new Ed25519 key pair as hex text files (the secret one mode 0600; existing files are\n"
    "        kept unless --force)\n"
    "  sign --secret SK_FILE [--input FILE|-] [--output FILE]\n"
    "        validate an unsigned license (JSON, stdin by default) and write it signed\n"
    "\n"
    "Trusted public key: --pubkey / --license-pubkey / $CKERNELS_LICENSE_PUBKEY (64 hex digits, or\n"
    "a file holding them), else the built-in vendor key.\n"
    "Exit codes: 0 ok, 2 usage, 3 invalid input, 4 license invalid/expired/not verified, 1 other\n";

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int lic_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ckernels license: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see `ckernels license --help`)\n");
    va_end(ap);
    return CKCLI_EXIT_USAGE;
}

/* ---------------------------------------------------------------- options */

typedef struct lic_opts {
    const char *pubkey, *license, *at, *public_path, *secret_path, *input, *output;
    bool json, force;
    const char *positional[2];
    int n_positional;
} lic_opts_t;

/* Long options only ("--name VALUE" or "--name=VALUE"); "-" is a positional argument. */
static int parse_lic_opts(int argc, char **argv, lic_opts_t *o)
{
    static const struct {
        const char *name;
        size_t offset; /* into lic_opts_t for a value option; (size_t)-1 for flags */
    } value_opts[] = {
        {"pubkey", offsetof(lic_opts_t, pubkey)},       {"license-pubkey", offsetof(lic_opts_t, pubkey)},
        {"license", offsetof(lic_opts_t, license)},     {"at", offsetof(lic_opts_t, at)},
        {"public", offsetof(lic_opts_t, public_path)},  {"secret", offsetof(lic_opts_t, secret_path)},
        {"input", offsetof(lic_opts_t, input)},         {"output", offsetof(lic_opts_t, output)},
    };
    memset(o, 0, sizeof *o);
    bool only_positional = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_positional || a[0] != '-' || strcmp(a, "-") == 0) {
            if (o->n_positional == 2) return lic_usage("unexpected argument '%s'", a);
            o->positional[o->n_positional++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_positional = true;
            continue;
        }
        if (strncmp(a, "--", 2) != 0) return lic_usage("unknown option %s", a);
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        if (nlen == 4 && !strncmp(name, "json", 4) && !eq) {
            o->json = true;
            continue;
        }
        if (nlen == 5 && !strncmp(name, "force", 5) && !eq) {
            o->force = true;
            continue;
        }
        bool found = false;
        for (size_t k = 0; k < sizeof value_opts / sizeof *value_opts; k++) {
            if (strlen(value_opts[k].name) != nlen || strncmp(value_opts[k].name, name, nlen) != 0) continue;
            const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (!val) return lic_usage("option %s needs a value", a);
            *(const char **)((char *)o + value_opts[k].offset) = val;
            found = true;
            break;
        }
        if (!found) return lic_usage("unknown option %s", a);
    }
    return 0;
}

/* ---------------------------------------------------------------- helpers */

static void fmt_utc(char *buf, size_t cap, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if ((int64_t)tt != t || !gmtime_r(&tt, &tm) || strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, cap, "@%lld", (long long)t);
}

static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--) *v++ = 0;
}

static bool is_hex_key(const char *s, size_t nhex)
{
    size_t n = strlen(s);
    if (n != nhex) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
    }
    return true;
}

/* Read a key of key_len bytes from a hex key file. Prints the error; returns an exit code. */
static int read_key_file(ck_ctx_t *ctx, const char *path, uint8_t *key, size_t key_len, const char *what)
{
    size_t len = 0;
    char *text = ckcli_read_file(path, &len);
    if (!text) {
        fprintf(stderr, "ckernels: cannot read %s file '%s': %s\n", what, path, strerror(errno));
        return CKCLI_EXIT_OTHER;
    }
    ck_status_t st = ck_license_key_from_hex(ctx, key, key_len, text, len, path);
    wipe(text, len);
    free(text);
    if (st != CK_OK) {
        fprintf(stderr, "ckernels: bad %s: %s\n", what, ck_ctx_error(ctx));
        return CKCLI_EXIT_INPUT;
    }
    return 0;
}

/* The trusted public key from `arg`, else $CKERNELS_LICENSE_PUBKEY, else the vendor key (*use_vendor).
 * 64 hex digits are the key itself; anything else is a file path. Prints errors; exit code. */
static int resolve_pubkey(ck_ctx_t *ctx, const char *arg, uint8_t pk[CK_LICENSE_PUBLIC_KEY_BYTES], bool *use_vendor)
{
    if (!arg || !*arg) arg = getenv("CKERNELS_LICENSE_PUBKEY");
    *use_vendor = !arg || !*arg;
    if (*use_vendor) {
        memcpy(pk, ck_license_vendor_public_key(), CK_LICENSE_PUBLIC_KEY_BYTES);
        return 0;
    }
    if (is_hex_key(arg, 2 * CK_LICENSE_PUBLIC_KEY_BYTES)) {
        ck_status_t st = ck_license_key_from_hex(ctx, pk, CK_LICENSE_PUBLIC_KEY_BYTES, arg, (size_t)-1, "pubkey");
        return st == CK_OK ? 0 : CKCLI_EXIT_LICENSE;
    }
    int rc = read_key_file(ctx, arg, pk, CK_LICENSE_PUBLIC_KEY_BYTES, "license public key");
    return rc ? CKCLI_EXIT_LICENSE : 0;
}

static void key_hex(char *out, const uint8_t *key, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[key[i] >> 4];
        out[2 * i + 1] = digits[key[i] & 15];
    }
    out[2 * n] = '\0';
}

static int parse_at(const char *s, int64_t *now)
{
    if (!s) {
        *now = (int64_t)time(NULL);
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end) return lic_usage("--at needs Unix seconds, got '%s'", s);
    *now = (int64_t)v;
    return 0;
}

/* Load and verify a license file; prints the error; returns an exit code. */
static int load_verified(ck_ctx_t *ctx, ck_license_t **lic, const char *path, const char *pubkey_arg)
{
    uint8_t pk[CK_LICENSE_PUBLIC_KEY_BYTES];
    bool vendor = false;
    int rc = resolve_pubkey(ctx, pubkey_arg, pk, &vendor);
    if (rc) return rc;
    ck_status_t st = ck_license_load_file(ctx, lic, path, vendor ? NULL : pk);
    if (st == CK_OK) return 0;
    if (st == CK_E_IO) fprintf(stderr, "ckernels: %s\n", ck_ctx_error(ctx)); /* names the path */
    else fprintf(stderr, "ckernels: license '%s': %s\n", path, ck_ctx_error(ctx));
    return st == CK_E_IO ? CKCLI_EXIT_OTHER : CKCLI_EXIT_LICENSE;
}

static void print_names(const char *label, bool all, const ck_license_t *lic, bool domains)
{
    printf("%-13s", label);
    if (all) {
        printf("all (*)\n");
        return;
    }
    int printed = 0;
    if (domains) {
        for (int d = 0; d < CK_DOMAIN_COUNT; d++)
            if (ck_license_domain_licensed(lic, (ck_domain_t)d))
                printf("%s%s", printed++ ? ", " : "", ck_domain_info((ck_domain_t)d)->name);
    } else {
        for (int64_t i = 0; i < ck_license_feature_count(lic); i++)
            printf("%s%s", printed++ ? ", " : "", ck_license_feature_at(lic, i));
    }
    printf("%s\n", printed ? "" : "none");
}

static void print_summary(ck_ctx_t *ctx, const ck_license_t *lic, const char *source, int64_t now)
{
    char t[64];
    printf("%-13s%s\n", "license:", ck_license_id(lic));
    printf("%-13s%s\n", "licensee:", ck_license_licensee(lic));
    printf("%-13s%s\n", "edition:", ck_license_edition_name(ck_license_edition(lic)));
    print_names("domains:", ck_license_all_domains(lic), lic, true);
    print_names("features:", ck_license_all_features(lic), lic, false);
    printf("%-13s%s\n", "gpu-native:", ck_license_gpu_native(lic) ? "yes" : "no");
    if (ck_license_max_kernels(lic) > 0) printf("%-13s%lld\n", "max kernels:", (long long)ck_license_max_kernels(lic));
    else printf("%-13s%s\n", "max kernels:", "unlimited");
    if (ck_license_not_before(lic) != CK_LICENSE_NO_NOT_BEFORE) {
        fmt_utc(t, sizeof t, ck_license_not_before(lic));
        printf("%-13s%s\n", "not before:", t);
    }
    if (ck_license_expires(lic) != CK_LICENSE_NO_EXPIRY) {
        fmt_utc(t, sizeof t, ck_license_expires(lic));
        printf("%-13s%s\n", "expires:", t);
    } else {
        printf("%-13s%s\n", "expires:", "never");
    }
    uint8_t signer[CK_LICENSE_PUBLIC_KEY_BYTES];
    if (ck_license_signed(lic, signer)) {
        fmt_utc(t, sizeof t, ck_license_issued_at(lic));
        printf("%-13s%s\n", "issued at:", t);
        char hex[2 * CK_LICENSE_PUBLIC_KEY_BYTES + 1];
        key_hex(hex, signer, sizeof signer);
        bool vendor = memcmp(signer, ck_license_vendor_public_key(), sizeof signer) == 0;
        printf("%-13sverified (Ed25519, %s key %s)\n", "signature:", vendor ? "vendor" : "trusted", hex);
    } else {
        printf("%-13s%s\n", "signature:", "none (built-in development license)");
    }
    printf("%-13s%s\n", "source:", source);
    if (ck_license_check_time(ctx, lic, now) == CK_OK) printf("%-13s%s\n", "status:", "valid");
    else printf("%-13s%s\n", "status:", ck_ctx_error(ctx));
}

/* ---------------------------------------------------------------- subcommands */

static int cmd_show(ck_ctx_t *ctx, const lic_opts_t *o)
{
    if (o->n_positional > 1) return lic_usage("unexpected argument '%s'", o->positional[1]);
    int64_t now = 0;
    int rc = parse_at(o->at, &now);
    if (rc) return rc;
    const char *path = o->n_positional ? o->positional[0] : o->license;
    const char *source = path;
    char source_buf[512];
    if (!path) {
        path = getenv("CKERNELS_LICENSE");
        if (path && !*path) path = NULL;
        if (path) {
            snprintf(source_buf, sizeof source_buf, "%s ($CKERNELS_LICENSE)", path);
            source = source_buf;
        } else {
            source = "built-in (no license configured)";
        }
    }
    ck_license_t *lic = NULL;
    if (path && (rc = load_verified(ctx, &lic, path, o->pubkey))) return rc;
    if (o->json) {
        char *json = NULL;
        ck_status_t st = ck_license_to_json(ctx, &json, lic, true);
        if (st == CK_OK) printf("%s\n", json);
        else fprintf(stderr, "ckernels: %s\n", ck_ctx_error(ctx));
        ck_ctx_free(ctx, json);
        rc = ckcli_exit_code(st);
    } else {
        print_summary(ctx, lic, source, now);
    }
    ck_license_destroy(&lic);
    return rc;
}

static int cmd_verify(ck_ctx_t *ctx, const lic_opts_t *o)
{
    if (o->n_positional != 1) return o->n_positional ? lic_usage("unexpected argument '%s'", o->positional[1])
                                                     : lic_usage("%s", "verify needs a license FILE");
    int64_t now = 0;
    int rc = parse_at(o->at, &now);
    if (rc) return rc;
    const char *path = o->positional[0];
    ck_license_t *lic = NULL;
    if ((rc = load_verified(ctx, &lic, path, o->pubkey))) return rc;
    if (ck_license_check_time(ctx, lic, now) != CK_OK) {
        fprintf(stderr, "ckernels: license '%s': %s\n", path, ck_ctx_error(ctx));
        ck_license_destroy(&lic);
        return CKCLI_EXIT_LICENSE;
    }
    char t[64] = "never";
    if (ck_license_expires(lic) != CK_LICENSE_NO_EXPIRY) fmt_utc(t, sizeof t, ck_license_expires(lic));
    printf("%s: valid (license %s, %s edition, licensee %s, expires %s)\n", path, ck_license_id(lic),
           ck_license_edition_name(ck_license_edition(lic)), ck_license_licensee(lic), t);
    ck_license_destroy(&lic);
    return 0;
}

/* Write `text` + "\n" to a new file (mode), refusing to replace one unless `force`. */
static int write_key_file(const char *path, const char *text, mode_t mode, bool force)
{
    int fd = open(path, O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL), mode);
    if (fd < 0) {
        fprintf(stderr, "ckernels: cannot create '%s': %s%s\n", path, strerror(errno),
                errno == EEXIST ? " (use --force to replace it)" : "");
        return CKCLI_EXIT_OTHER;
    }
    /* An existing file opened with --force keeps its mode: tighten it for the secret key. */
    if (fchmod(fd, mode) != 0) {
        fprintf(stderr, "ckernels: cannot set the mode of '%s': %s\n", path, strerror(errno));
        close(fd);
        return CKCLI_EXIT_OTHER;
    }
    size_t n = strlen(text);
    bool ok = write(fd, text, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
    ok = (close(fd) == 0) && ok;
    if (!ok) {
        fprintf(stderr, "ckernels: cannot write '%s': %s\n", path, strerror(errno));
        return CKCLI_EXIT_OTHER;
    }
    return 0;
}

static int cmd_keygen(ck_ctx_t *ctx, const lic_opts_t *o)
{
    if (o->n_positional) return lic_usage("unexpected argument '%s'", o->positional[0]);
    if (!o->public_path || !o->secret_path) return lic_usage("%s", "keygen needs --public PK_FILE and --secret SK_FILE");
    if (strcmp(o->public_path, o->secret_path) == 0)
        return lic_usage("%s", "--public and --secret must be different files");
    uint8_t pk[CK_LICENSE_PUBLIC_KEY_BYTES], sk[CK_LICENSE_SECRET_KEY_BYTES];
    char pk_hex[2 * sizeof pk + 1], sk_hex[2 * sizeof sk + 1];
    if (ck_license_keygen(ctx, pk, sk) != CK_OK) {
        fprintf(stderr, "ckernels: %s\n", ck_ctx_error(ctx));
        return CKCLI_EXIT_OTHER;
    }
    key_hex(pk_hex, pk, sizeof pk);
    key_hex(sk_hex, sk, sizeof sk);
    int rc = write_key_file(o->secret_path, sk_hex, 0600, o->force);
    if (!rc) rc = write_key_file(o->public_path, pk_hex, 0644, o->force);
    wipe(sk, sizeof sk);
    wipe(sk_hex, sizeof sk_hex);
    if (rc) return rc;
    printf("public key: %s\n", pk_hex);
    fprintf(stderr, "ckernels: wrote %s (public) and %s (SECRET: keep it off repositories)\n", o->public_path,
            o->secret_path);
    return 0;
}

static int cmd_sign(ck_ctx_t *ctx, const lic_opts_t *o)
{
    if (o->n_positional) return lic_usage("unexpected argument '%s'", o->positional[0]);
    if (!o->secret_path) return lic_usage("%s", "sign needs --secret SK_FILE");
    uint8_t sk[CK_LICENSE_SECRET_KEY_BYTES];
    int rc = read_key_file(ctx, o->secret_path, sk, sizeof sk, "secret key");
    if (rc) return rc;
    const char *in_path = o->input ? o->input : "-";
    size_t len = 0;
    char *text = ckcli_read_file(in_path, &len);
    if (!text) {
        fprintf(stderr, "ckernels: cannot read '%s': %s\n", in_path, strerror(errno));
        wipe(sk, sizeof sk);
        return CKCLI_EXIT_OTHER;
    }
    char *signed_json = NULL;
    ck_status_t st = ck_license_sign(ctx, &signed_json, text, len, sk);
    wipe(sk, sizeof sk);
    free(text);
    if (st != CK_OK) {
        fprintf(stderr, "ckernels: cannot sign '%s': %s\n", in_path, ck_ctx_error(ctx));
        return ckcli_exit_code(st);
    }
    FILE *out = o->output && strcmp(o->output, "-") != 0 ? fopen(o->output, "w") : stdout;
    if (!out) {
        fprintf(stderr, "ckernels: cannot create '%s': %s\n", o->output, strerror(errno));
        ck_ctx_free(ctx, signed_json);
        return CKCLI_EXIT_OTHER;
    }
    bool ok = fprintf(out, "%s\n", signed_json) >= 0;
    ok = (out == stdout ? fflush(out) == 0 : fclose(out) == 0) && ok;
    ck_ctx_free(ctx, signed_json);
    if (!ok) {
        fprintf(stderr, "ckernels: cannot write the signed license: %s\n", strerror(errno));
        return CKCLI_EXIT_OTHER;
    }
    return 0;
}

int ckcli_license(int argc, char **argv)
{
    if (argc < 2) {
        fputs(license_usage, stderr);
        return CKCLI_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
        fputs(license_usage, stdout);
        return 0;
    }
    lic_opts_t o;
    int rc = parse_lic_opts(argc - 2, argv + 2, &o);
    if (rc) return rc;
    ck_ctx_t *ctx = NULL;
    if (ck_ctx_create(&ctx, NULL) != CK_OK) {
        fprintf(stderr, "ckernels: out of memory\n");
        return CKCLI_EXIT_OTHER;
    }
    if (!strcmp(sub, "show")) rc = cmd_show(ctx, &o);
    else if (!strcmp(sub, "verify")) rc = cmd_verify(ctx, &o);
    else if (!strcmp(sub, "keygen")) rc = cmd_keygen(ctx, &o);
    else if (!strcmp(sub, "sign")) rc = cmd_sign(ctx, &o);
    else rc = lic_usage("unknown subcommand '%s' (show, verify, keygen, sign)", sub);
    ck_ctx_destroy(&ctx);
    return rc;
}

int ckcli_apply_license(ck_ctx_t *ctx, const char *path, const char *pubkey_arg)
{
    if (!path) path = getenv("CKERNELS_LICENSE");
    if (!path || !*path) return 0; /* the development license stays in force */
    ck_license_t *lic = NULL;
    int rc = load_verified(ctx, &lic, path, pubkey_arg);
    if (rc) return CKCLI_EXIT_LICENSE;
    ck_status_t st = ck_ctx_set_license(ctx, lic);
    ck_license_destroy(&lic);
    if (st != CK_OK) {
        fprintf(stderr, "ckernels: %s\n", ck_ctx_error(ctx));
        return ckcli_exit_code(st);
    }
    return 0;
}
