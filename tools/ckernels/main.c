/* ckernels — the command-line tool: list, info, run, example, actor, license, version.
 * Exit codes: 0 ok, 2 usage, 3 invalid input, 4 license, 1 other. Errors go to stderr and name
 * the input field. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static const char usage_text[] =
    "usage: ckernels <command> [options]\n"
    "\n"
    "commands:\n"
    "  list [--domain D] [--mode batch|ring|iterative] [--search TEXT] [--json]\n"
    "                           list registered kernels (locked ones are marked)\n"
    "  info ID [--json]         metadata and parameter table of a kernel\n"
    "  run ID [--input FILE|-] [--output FILE] [--threads N] [--backend auto|cpu|cuda]\n"
    "         [--seed S] [--pretty] [--edges FILE [--directed]]\n"
    "                           run a kernel on JSON input (stdin by default; {} with --edges);\n"
    "                           --edges loads the input's graph from a TSV/CSV edge list or a\n"
    "                           Matrix Market file (.mtx); JSON on stdout\n"
    "  example ID               print a valid example input for a kernel\n"
    "  actor ID [--input FILE|-] [--config FILE|JSON] [--idle busy_poll|spin_then_park|blocking]\n"
    "                           launch a ring kernel as an actor, send it one JSON message per\n"
    "                           input line ({\"type\": \"...\", ...fields}) and print every\n"
    "                           message it sends back as one JSON line, in order\n"
    "  license show|verify|keygen|sign ...\n"
    "                           inspect, verify, and (vendor) create licenses\n"
    "  version                  library version and build features\n"
    "\n"
    "license options (list, info, run, example): --license FILE (or $CKERNELS_LICENSE),\n"
    "  --license-pubkey FILE|HEX (or $CKERNELS_LICENSE_PUBKEY); default: development license\n"
    "\n"
    "exit codes: 0 ok, 2 usage, 3 invalid input, 4 license, 1 other\n";

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ckernels: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see `ckernels --help`)\n");
    va_end(ap);
    return CKCLI_EXIT_USAGE;
}

int ckcli_exit_code(ck_status_t status)
{
    switch (status) {
    case CK_OK:
    case CK_NOT_CONVERGED:
    case CK_GPU_DECLINED: return CKCLI_EXIT_OK;
    case CK_E_INVALID_INPUT:
    case CK_E_OVERFLOW:
    case CK_E_DIVERGED: return CKCLI_EXIT_INPUT;
    case CK_E_LICENSE:
    case CK_E_SIGNATURE: return CKCLI_EXIT_LICENSE;
    case CK_E_NOT_FOUND: return CKCLI_EXIT_USAGE;
    default: return CKCLI_EXIT_OTHER;
    }
}

char *ckcli_read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n + 1 < cap) {
            if (ferror(f)) {
                free(buf);
                buf = NULL;
            }
            break;
        }
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            errno = ENOMEM;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (f != stdin) fclose(f);
    if (!buf) return NULL;
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

/* Context + registry with the configured license; prints errors. */
typedef struct session {
    ck_ctx_t *ctx;
    ck_registry_t *reg;
} session_t;

static int session_open(session_t *s, const char *license, const char *pubkey)
{
    s->ctx = NULL;
    s->reg = NULL;
    if (ck_ctx_create(&s->ctx, NULL) != CK_OK) {
        fprintf(stderr, "ckernels: out of memory\n");
        return CKCLI_EXIT_OTHER;
    }
    int rc = ckcli_apply_license(s->ctx, license, pubkey);
    if (rc) return rc;
    ck_status_t st = ck_registry_create(&s->reg, s->ctx);
    if (!st) st = ck_registry_register_all(s->ctx, s->reg);
    if (st) {
        fprintf(stderr, "ckernels: registration failed: %s\n", ck_ctx_error(s->ctx));
        return ckcli_exit_code(st);
    }
    return 0;
}

static void session_close(session_t *s)
{
    ck_registry_destroy(&s->reg);
    ck_ctx_destroy(&s->ctx);
}

static const ck_kernel_t *find_kernel(const session_t *s, const char *id, int *rc)
{
    const ck_kernel_t *k = ck_registry_find(s->reg, id);
    if (!k) {
        fprintf(stderr, "ckernels: unknown kernel '%s' (see `ckernels list`)\n", id);
        *rc = CKCLI_EXIT_USAGE;
    }
    return k;
}

static const char *modes_text(unsigned modes, char *buf, size_t cap)
{
    buf[0] = '\0';
    static const ck_mode_t all[] = {CK_MODE_BATCH, CK_MODE_ITERATIVE, CK_MODE_RING};
    for (size_t i = 0; i < 3; i++) {
        if (!(modes & all[i])) continue;
        if (buf[0]) strncat(buf, "+", cap - strlen(buf) - 1);
        strncat(buf, ck_mode_name(all[i]), cap - strlen(buf) - 1);
    }
    return buf;
}

static json_t *modes_json(unsigned modes)
{
    json_t *arr = json_array();
    static const ck_mode_t all[] = {CK_MODE_BATCH, CK_MODE_ITERATIVE, CK_MODE_RING};
    for (size_t i = 0; arr && i < 3; i++)
        if (modes & all[i]) json_array_append_new(arr, json_string(ck_mode_name(all[i])));
    return arr;
}

static json_t *params_json(const ck_param_t *p, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        json_t *o = json_pack("{s:s, s:s, s:b, s:s}", "name", p[i].name, "type", ck_param_type_name(p[i].type),
                              "required", p[i].required, "doc", p[i].doc ? p[i].doc : "");
        if (!o) continue;
        if (p[i].default_json) {
            json_t *d = json_loads(p[i].default_json, JSON_DECODE_ANY, NULL);
            if (d) json_object_set_new(o, "default", d);
        }
        if (p[i].has_min) json_object_set_new(o, p[i].min_exclusive ? "min_exclusive" : "min", json_real(p[i].min));
        if (p[i].has_max) json_object_set_new(o, p[i].max_exclusive ? "max_exclusive" : "max", json_real(p[i].max));
        if (p[i].nullable) json_object_set_new(o, "nullable", json_true());
        if (p[i].choices) json_object_set_new(o, "choices", json_string(p[i].choices));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *kernel_json(const session_t *s, const ck_kernel_t *k, bool full)
{
    const ck_kernel_meta_t *m = &k->meta;
    json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:I, s:f, s:b, s:i, s:b}", "id", m->id, "domain",
                          ck_domain_info(m->domain)->name, "modes", modes_json(m->modes), "description", m->description,
                          "expected_throughput", (json_int_t)m->expected_throughput, "target_latency_us",
                          m->target_latency_us, "requires_gpu_native", m->requires_gpu_native, "version",
                          (int)m->version, "locked", ck_registry_locked(s->reg, m->id));
    if (o && full) {
        json_object_set_new(o, "parameters", params_json(k->params, k->n_params));
        json_object_set_new(o, "outputs", params_json(k->outputs, k->n_outputs));
        json_t *ex = json_loads(k->example_input, 0, NULL);
        if (ex) json_object_set_new(o, "example_input", ex);
    }
    return o;
}

static int print_json(json_t *v)
{
    if (!v) {
        fprintf(stderr, "ckernels: out of memory\n");
        return CKCLI_EXIT_OTHER;
    }
    json_dumpf(v, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    fputc('\n', stdout);
    json_decref(v);
    return 0;
}

/* ---------------------------------------------------------------- options */

enum { OPT_LICENSE = 1000, OPT_PUBKEY, OPT_JSON, OPT_PRETTY, OPT_EDGES, OPT_DIRECTED, OPT_CONFIG, OPT_IDLE };

typedef struct options {
    const char *license, *pubkey, *input, *output, *domain, *mode, *search, *backend, *threads, *seed, *edges;
    const char *config, *idle;
    bool json, pretty, directed;
    const char *positional[4];
    int n_positional;
} options_t;

static int parse_options(int argc, char **argv, options_t *o)
{
    static const struct option longopts[] = {
        {"license", required_argument, NULL, OPT_LICENSE}, {"license-pubkey", required_argument, NULL, OPT_PUBKEY},
        {"input", required_argument, NULL, 'i'},           {"output", required_argument, NULL, 'o'},
        {"domain", required_argument, NULL, 'd'},          {"mode", required_argument, NULL, 'm'},
        {"search", required_argument, NULL, 's'},          {"backend", required_argument, NULL, 'b'},
        {"threads", required_argument, NULL, 't'},         {"seed", required_argument, NULL, 'S'},
        {"json", no_argument, NULL, OPT_JSON},             {"pretty", no_argument, NULL, OPT_PRETTY},
        {"edges", required_argument, NULL, OPT_EDGES},     {"directed", no_argument, NULL, OPT_DIRECTED},
        {"config", required_argument, NULL, OPT_CONFIG},   {"idle", required_argument, NULL, OPT_IDLE},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    optind = 0; /* 0 = full reinitialisation (glibc) */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":i:o:d:m:s:b:t:S:", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_LICENSE: o->license = optarg; break;
        case OPT_PUBKEY: o->pubkey = optarg; break;
        case 'i': o->input = optarg; break;
        case 'o': o->output = optarg; break;
        case 'd': o->domain = optarg; break;
        case 'm': o->mode = optarg; break;
        case 's': o->search = optarg; break;
        case 'b': o->backend = optarg; break;
        case 't': o->threads = optarg; break;
        case 'S': o->seed = optarg; break;
        case OPT_JSON: o->json = true; break;
        case OPT_PRETTY: o->pretty = true; break;
        case OPT_EDGES: o->edges = optarg; break;
        case OPT_DIRECTED: o->directed = true; break;
        case OPT_CONFIG: o->config = optarg; break;
        case OPT_IDLE: o->idle = optarg; break;
        case ':': return usage_error("option %s needs a value", argv[optind - 1]);
        default: return usage_error("unknown option %s", argv[optind - 1]);
        }
    }
    /* glibc's getopt_long permutes argv, so positional arguments end up here. */
    for (int i = optind; i < argc; i++) {
        if (o->n_positional == 4) return usage_error("too many arguments (at '%s')", argv[i]);
        o->positional[o->n_positional++] = argv[i];
    }
    return 0;
}

static int need_positional(const options_t *o, int n, const char *what)
{
    if (o->n_positional < n) return usage_error("missing %s", what);
    if (o->n_positional > n) return usage_error("unexpected argument '%s'", o->positional[n]);
    return 0;
}

/* ---------------------------------------------------------------- commands */

static int cmd_list(const options_t *o)
{
    int rc = need_positional(o, 0, "");
    if (rc) return rc;
    int domain = -1;
    unsigned mode = 0;
    if (o->domain) {
        ck_domain_t d;
        if (ck_domain_parse(o->domain, &d) != CK_OK) return usage_error("unknown domain '%s'", o->domain);
        domain = (int)d;
    }
    if (o->mode) {
        ck_mode_t m;
        if (ck_mode_parse(o->mode, &m) != CK_OK) return usage_error("unknown mode '%s' (batch, ring, iterative)", o->mode);
        mode = m;
    }
    session_t s;
    if ((rc = session_open(&s, o->license, o->pubkey))) goto done;
    size_t n = ck_registry_list(s.reg, domain, mode, o->search, NULL, 0);
    const ck_kernel_t **ks = calloc(n ? n : 1, sizeof *ks);
    if (!ks) {
        rc = CKCLI_EXIT_OTHER;
        goto done;
    }
    ck_registry_list(s.reg, domain, mode, o->search, ks, n);
    if (o->json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++) json_array_append_new(arr, kernel_json(&s, ks[i], false));
        rc = print_json(arr);
    } else {
        char modes[64];
        for (size_t i = 0; i < n; i++)
            printf("%-34s %-20s %s%s\n", ks[i]->meta.id, modes_text(ks[i]->meta.modes, modes, sizeof modes),
                   ck_registry_locked(s.reg, ks[i]->meta.id) ? "[locked] " : "", ks[i]->meta.description);
        printf("%zu kernel%s\n", n, n == 1 ? "" : "s");
    }
    free(ks);
done:
    session_close(&s);
    return rc;
}

static int cmd_info(const options_t *o)
{
    int rc = need_positional(o, 1, "kernel id");
    if (rc) return rc;
    session_t s;
    if ((rc = session_open(&s, o->license, o->pubkey))) goto done;
    const ck_kernel_t *k = find_kernel(&s, o->positional[0], &rc);
    if (!k) goto done;
    if (o->json) {
        rc = print_json(kernel_json(&s, k, true));
        goto done;
    }
    const ck_kernel_meta_t *m = &k->meta;
    char modes[64];
    printf("id:                  %s%s\n", m->id, ck_registry_locked(s.reg, m->id) ? "  [locked by the license]" : "");
    printf("domain:              %s (%s)\n", ck_domain_info(m->domain)->name, ck_domain_info(m->domain)->title);
    printf("modes:               %s\n", modes_text(m->modes, modes, sizeof modes));
    printf("description:         %s\n", m->description);
    printf("expected throughput: %" PRIu64 " ops/s\n", m->expected_throughput);
    printf("target latency:      %g us\n", m->target_latency_us);
    printf("requires GPU-native: %s\n", m->requires_gpu_native ? "yes" : "no");
    printf("version:             %u\n", m->version);
    printf("parameters:\n");
    for (size_t i = 0; i < k->n_params; i++) {
        const ck_param_t *p = &k->params[i];
        printf("  %-18s %-13s %s", p->name, ck_param_type_name(p->type), p->required ? "required" : "optional");
        if (p->default_json) printf(", default %s", p->default_json);
        if (p->has_min || p->has_max) {
            printf(", range %c", p->has_min && !p->min_exclusive ? '[' : '(');
            if (p->has_min) printf("%g", p->min); else printf("-inf");
            printf(", ");
            if (p->has_max) printf("%g", p->max); else printf("inf");
            printf("%c", p->has_max && !p->max_exclusive ? ']' : ')');
        }
        if (p->nullable) printf(", may be null");
        if (p->choices) printf(", one of %s", p->choices);
        printf("\n      %s\n", p->doc ? p->doc : "");
    }
    printf("outputs:\n");
    for (size_t i = 0; i < k->n_outputs; i++)
        printf("  %-18s %-13s %s\n", k->outputs[i].name, ck_param_type_name(k->outputs[i].type),
               k->outputs[i].doc ? k->outputs[i].doc : "");
    printf("example:\n  ckernels example %s | ckernels run %s\n", m->id, m->id);
done:
    session_close(&s);
    return rc;
}

static int cmd_example(const options_t *o)
{
    int rc = need_positional(o, 1, "kernel id");
    if (rc) return rc;
    session_t s;
    if ((rc = session_open(&s, o->license, o->pubkey))) goto done;
    const ck_kernel_t *k = find_kernel(&s, o->positional[0], &rc);
    if (k) printf("%s\n", k->example_input);
done:
    session_close(&s);
    return rc;
}

/* --seed fills the input's "seed" when the kernel takes one and the input does not set it. */
static int apply_seed(const ck_kernel_t *k, char **text, size_t *len, uint64_t seed)
{
    bool takes_seed = false;
    for (size_t i = 0; i < k->n_params; i++) takes_seed |= strcmp(k->params[i].name, "seed") == 0;
    if (!takes_seed) return 0;
    json_t *in = json_loadb(*text, *len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(in) || json_object_get(in, "seed")) {
        json_decref(in); /* leave malformed input for the library to report */
        return 0;
    }
    if (seed > (uint64_t)INT64_MAX) {
        json_decref(in);
        return usage_error("--seed %" PRIu64 " is above 2^63-1", seed);
    }
    json_object_set_new(in, "seed", json_integer((json_int_t)seed));
    char *s = json_dumps(in, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(in);
    if (!s) return CKCLI_EXIT_OTHER;
    free(*text);
    *text = s;
    *len = strlen(s);
    return 0;
}

static int cmd_run(const options_t *o)
{
    int rc = need_positional(o, 1, "kernel id");
    if (rc) return rc;
    session_t s = {0};
    ck_graph_t *graph = NULL;
    char *input = NULL, *output = NULL;
    size_t len = 0;
    if ((rc = session_open(&s, o->license, o->pubkey))) goto done;
    const ck_kernel_t *k = find_kernel(&s, o->positional[0], &rc);
    if (!k) goto done;
    if (o->threads) {
        char *end;
        long t = strtol(o->threads, &end, 10);
        if (*end || t < 0 || t > 4096) {
            rc = usage_error("--threads must be an integer in 0..4096, got '%s'", o->threads);
            goto done;
        }
        ck_ctx_set_threads(s.ctx, (int)t);
    }
    if (o->backend) {
        ck_backend_t b;
        if (ck_backend_parse(o->backend, &b) != CK_OK) {
            rc = usage_error("--backend must be auto, cpu or cuda, got '%s'", o->backend);
            goto done;
        }
        ck_ctx_set_backend(s.ctx, b);
    }
    if (o->directed && !o->edges) {
        rc = usage_error("--directed goes with --edges FILE");
        goto done;
    }
    if (o->edges) {
        if (k->meta.domain != CK_DOMAIN_GRAPH) {
            rc = usage_error("--edges is for graph kernels; %s is not one", k->meta.id);
            goto done;
        }
        ck_status_t st = ck_graph_load(&graph, s.ctx, o->edges, CK_GRAPH_FORMAT_AUTO, o->directed);
        if (st) {
            fprintf(stderr, "ckernels: %s: %s\n", ck_status_name(st), ck_ctx_error(s.ctx));
            rc = ckcli_exit_code(st);
            goto done;
        }
    }
    const char *path = o->input ? o->input : o->edges ? NULL : "-";
    input = path ? ckcli_read_file(path, &len) : strdup("{}");
    if (input && !path) len = 2;
    if (!input) {
        path = path ? path : "{}";
        fprintf(stderr, "ckernels: cannot read input '%s': %s\n", path, strerror(errno));
        rc = CKCLI_EXIT_INPUT;
        goto done;
    }
    if (o->seed) {
        char *end;
        errno = 0;
        unsigned long long seed = strtoull(o->seed, &end, 10);
        if (*end || errno || o->seed[0] == '-') {
            rc = usage_error("--seed must be an unsigned integer, got '%s'", o->seed);
            goto done;
        }
        ck_ctx_set_seed(s.ctx, seed);
        if ((rc = apply_seed(k, &input, &len, seed))) goto done;
    }
    unsigned flags = o->pretty ? CK_JSON_INDENT : CK_JSON_COMPACT;
    ck_status_t st = graph ? ck_execute_json_graph(s.ctx, s.reg, k->meta.id, input, len, graph, flags, &output)
                           : ck_execute_json_ex(s.ctx, s.reg, k->meta.id, input, len, flags, &output);
    if (CK_IS_ERROR(st)) {
        fprintf(stderr, "ckernels: %s: %s: %s\n", k->meta.id, ck_status_name(st), ck_ctx_error(s.ctx));
        rc = ckcli_exit_code(st);
        goto done;
    }
    if (st == CK_NOT_CONVERGED) fprintf(stderr, "ckernels: %s: warning: not converged\n", k->meta.id);
    FILE *out = o->output ? fopen(o->output, "w") : stdout;
    if (!out) {
        fprintf(stderr, "ckernels: cannot write '%s': %s\n", o->output, strerror(errno));
        rc = CKCLI_EXIT_OTHER;
        goto done;
    }
    fputs(output, out);
    fputc('\n', out);
    if (out != stdout && fclose(out) != 0) {
        fprintf(stderr, "ckernels: cannot write '%s': %s\n", o->output, strerror(errno));
        rc = CKCLI_EXIT_OTHER;
    }
done:
    if (output) ck_ctx_free(s.ctx, output);
    ck_graph_destroy(&graph);
    free(input);
    session_close(&s);
    return rc;
}

/* `ckernels actor ID`: one request per input line, every message the actor sends back as a line.
 * A line the actor's class cannot read is answered with an {"type": "error", "line": N, ...}
 * line and the run goes on (exit code 3 at the end). */
#define ACTOR_TIMEOUT_NS ((int64_t)60 * 1000000000)

static int cmd_actor(const options_t *o)
{
    int rc = need_positional(o, 1, "kernel id");
    if (rc) return rc;
    session_t s = {0};
    ck_runtime_t *rt = NULL;
    ck_actor_t *actor = NULL;
    char *config = NULL, *line = NULL;
    size_t cap = 0;
    FILE *in = NULL;
    int bad_lines = 0;
    ck_idle_policy_t idle = CK_IDLE_SPIN_THEN_PARK;
    if (o->idle && ck_idle_policy_parse(o->idle, &idle) != CK_OK)
        return usage_error("--idle must be busy_poll, spin_then_park or blocking, got '%s'", o->idle);
    if ((rc = session_open(&s, o->license, o->pubkey))) goto done;
    const ck_kernel_t *k = find_kernel(&s, o->positional[0], &rc);
    if (!k) goto done;
    if (o->config) {
        size_t n;
        config = o->config[0] == '{' ? strdup(o->config) : ckcli_read_file(o->config, &n);
        if (!config) {
            fprintf(stderr, "ckernels: cannot read --config '%s': %s\n", o->config, strerror(errno));
            rc = CKCLI_EXIT_INPUT;
            goto done;
        }
    }
    ck_status_t st = ck_runtime_create(&rt, s.ctx, s.reg, &(ck_runtime_options_t){.slot_size = 4096});
    if (!st) st = ck_runtime_launch(rt, k->meta.id, NULL, &(ck_actor_options_t){.idle = idle, .config_json = config}, &actor);
    if (!st) st = ck_actor_activate(actor);
    if (st) {
        fprintf(stderr, "ckernels: %s: %s: %s\n", k->meta.id, ck_status_name(st), ck_ctx_error(s.ctx));
        rc = ckcli_exit_code(st);
        goto done;
    }
    in = (!o->input || !strcmp(o->input, "-")) ? stdin : fopen(o->input, "r");
    if (!in) {
        fprintf(stderr, "ckernels: cannot read input '%s': %s\n", o->input, strerror(errno));
        rc = CKCLI_EXIT_INPUT;
        goto done;
    }
    ssize_t n;
    for (long lineno = 1; (n = getline(&line, &cap, in)) != -1; lineno++) {
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ')) len--;
        size_t start = 0;
        while (start < len && (line[start] == ' ' || line[start] == '\t')) start++;
        if (start == len) continue; /* blank line */
        char *out = NULL;
        st = ck_actor_request_json(actor, line + start, len - start, &out, ACTOR_TIMEOUT_NS);
        if (st == CK_E_INVALID_INPUT) {
            json_t *e = json_pack("{s:s, s:i, s:s, s:s}", "type", "error", "line", (json_int_t)lineno, "status",
                                  ck_status_name(st), "message", ck_ctx_error(s.ctx));
            char *text = e ? json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
            if (text) puts(text);
            free(text);
            json_decref(e);
            fprintf(stderr, "ckernels: line %ld: %s\n", lineno, ck_ctx_error(s.ctx));
            bad_lines++;
            continue;
        }
        if (CK_IS_ERROR(st)) {
            fprintf(stderr, "ckernels: %s: line %ld: %s: %s\n", k->meta.id, lineno, ck_status_name(st), ck_ctx_error(s.ctx));
            rc = ckcli_exit_code(st);
            goto done;
        }
        fputs(out, stdout);
        fflush(stdout);
        ck_ctx_free(s.ctx, out);
    }
    if (bad_lines) rc = CKCLI_EXIT_INPUT;
done:
    if (in && in != stdin) fclose(in);
    free(line);
    free(config);
    ck_runtime_destroy(&rt);
    session_close(&s);
    return rc;
}

static int cmd_version(void)
{
    printf("ckernels %s\n", ck_version());
    printf("openmp: %s\n", ck_built_with_openmp() ? "yes" : "no");
    printf("cuda: %s (device %s)\n", ck_built_with_cuda() ? "built" : "not built",
           ck_cuda_device_available() ? "available" : "not available");
    printf("jansson: %s\n", JANSSON_VERSION);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return CKCLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) return cmd_version();
    if (!strcmp(cmd, "license")) return ckcli_license(argc - 1, argv + 1);
    options_t o;
    int rc = parse_options(argc - 1, argv + 1, &o);
    if (rc) return rc;
    if (!strcmp(cmd, "list")) return cmd_list(&o);
    if (!strcmp(cmd, "info")) return cmd_info(&o);
    if (!strcmp(cmd, "run")) return cmd_run(&o);
    if (!strcmp(cmd, "example")) return cmd_example(&o);
    if (!strcmp(cmd, "actor")) return cmd_actor(&o);
    return usage_error("unknown command '%s'", cmd);
}
