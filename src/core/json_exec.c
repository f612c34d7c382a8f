/* JSON execution: parse, validate against the parameter table, fill defaults, run the binder,
 * attach "meta", serialize. Also the iterative (init/step/converged/result) driver. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ckernels/json.h"
#include "json_internal.h"

const char *ck_param_type_name(ck_param_type_t t)
{
    switch (t) {
#define CKI_PT_NAME_(e, name) \
    case e:                   \
        return name;
        CK_PARAM_TYPE_LIST(CKI_PT_NAME_)
#undef CKI_PT_NAME_
    case CK_PT_COUNT: break;
    }
    return "unknown";
}

/* ---------------------------------------------------------------- validation */

static const char *type_noun(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

static bool in_choices(const char *choices, const char *s)
{
    size_t n = strlen(s);
    for (const char *p = choices; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, s, n) == 0) return true;
        if (!bar) break;
        p = bar + 1;
    }
    return false;
}

static ck_status_t check_range(ck_ctx_t *ctx, const ck_param_t *p, const char *field, double x)
{
    bool low = p->has_min && (p->min_exclusive ? !(x > p->min) : x < p->min);
    bool high = p->has_max && (p->max_exclusive ? !(x < p->max) : x > p->max);
    if (low || high) {
        char lo[32] = "-inf", hi[32] = "inf";
        if (p->has_min) snprintf(lo, sizeof lo, "%.17g", p->min);
        if (p->has_max) snprintf(hi, sizeof hi, "%.17g", p->max);
        return cki_invalid(ctx, field, "%.17g is out of range %c%s, %s%c", x, p->has_min && p->min_exclusive ? '(' : '[', lo,
                           hi, p->has_max && p->max_exclusive ? ')' : ']');
    }
    return CK_OK;
}

static ck_status_t expect(ck_ctx_t *ctx, bool ok, const char *field, const char *what, const json_t *v)
{
    return ok ? CK_OK : cki_invalid(ctx, field, "expected %s, got %s", what, type_noun(v));
}

/* Type (and range) check of one present field. Structured types get a shallow check here; the
 * binder's reader reports deeper problems with the full path. */
ck_status_t cki_json_check_param(ck_ctx_t *ctx, const ck_param_t *p, const json_t *v)
{
    const char *f = p->name;
    ck_status_t status;
    char path[CKI_ERR_FIELD_MAX];
    switch (p->type) {
    case CK_PT_BOOL: return expect(ctx, json_is_boolean(v), f, "a boolean", v);
    case CK_PT_INT:
    case CK_PT_TIME:
        if ((status = expect(ctx, json_is_integer(v), f, "an integer", v))) return status;
        return check_range(ctx, p, f, (double)json_integer_value(v));
    case CK_PT_UINT64:
        if ((status = expect(ctx, json_is_integer(v), f, "an integer", v))) return status;
        if (json_integer_value(v) < 0) return cki_invalid(ctx, f, "must be >= 0");
        return check_range(ctx, p, f, (double)json_integer_value(v));
    case CK_PT_REAL:
        if ((status = expect(ctx, json_is_number(v), f, "a number", v))) return status;
        return check_range(ctx, p, f, json_number_value(v));
    case CK_PT_STRING: return expect(ctx, json_is_string(v), f, "a string", v);
    case CK_PT_ENUM:
        if ((status = expect(ctx, json_is_string(v), f, "a string", v))) return status;
        if (!in_choices(p->choices, json_string_value(v)))
            return cki_invalid(ctx, f, "'%s' is not one of %s", json_string_value(v), p->choices);
        return CK_OK;
    case CK_PT_MONEY: return expect(ctx, json_is_string(v) || json_is_number(v), f, "a decimal amount (string or number)", v);
    case CK_PT_ID: return expect(ctx, json_is_string(v) || json_is_integer(v), f, "an id (string or integer)", v);
    case CK_PT_REAL_ARRAY:
    case CK_PT_INT_ARRAY: {
        bool ints = p->type == CK_PT_INT_ARRAY;
        if ((status = expect(ctx, json_is_array(v), f, ints ? "an array of integers" : "an array of numbers", v)))
            return status;
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            cki_path_index(path, sizeof path, f, i);
            if ((status = expect(ctx, ints ? json_is_integer(e) : json_is_number(e), path, ints ? "an integer" : "a number", e)))
                return status;
            if ((status = check_range(ctx, p, path, json_number_value(e)))) return status;
        }
        return CK_OK;
    }
    case CK_PT_MATRIX: return expect(ctx, json_is_object(v) || json_is_array(v), f, "a matrix", v);
    case CK_PT_SERIES:
    case CK_PT_GRAPH:
    case CK_PT_OBJECT: return expect(ctx, json_is_object(v), f, "an object", v);
    case CK_PT_TRANSACTIONS:
    case CK_PT_ARRAY: return expect(ctx, json_is_array(v), f, "an array", v);
    case CK_PT_ANY:
    case CK_PT_COUNT: break;
    }
    return CK_OK;
}

static const ck_param_t *find_param(const ck_kernel_t *k, const char *name)
{
    for (size_t i = 0; i < k->n_params; i++)
        if (strcmp(k->params[i].name, name) == 0) return &k->params[i];
    return NULL;
}

/* Validate `input` (an object we own) and fill defaults in place. `bound` names a parameter whose
 * value the caller supplies out of band (NULL for none): it must be absent from the input. */
static ck_status_t validate(ck_ctx_t *ctx, const ck_kernel_t *k, json_t *input, const char *bound)
{
    if (!json_is_object(input)) return cki_invalid(ctx, "", "input must be a JSON object, got %s", type_noun(input));
    const char *key;
    json_t *v;
    json_object_foreach(input, key, v) {
        if (!find_param(k, key)) return cki_invalid(ctx, key, "unknown field for %s", k->meta.id);
    }
    for (size_t i = 0; i < k->n_params; i++) {
        const ck_param_t *p = &k->params[i];
        json_t *val = json_object_get(input, p->name);
        if (bound && strcmp(p->name, bound) == 0) {
            if (val) return cki_invalid(ctx, p->name, "given both in the input and by the caller (e.g. --edges)");
            continue;
        }
        if (!val) {
            if (p->required) return cki_invalid(ctx, p->name, "missing required field");
            if (!p->default_json) continue;
            /* Registration checked that every default parses, so a failure here is memory
             * (which jansson does not always report as such). */
            val = json_loads(p->default_json, JSON_DECODE_ANY, NULL);
            if (!val) return cki_nomem(ctx);
            if (json_object_set_new(input, p->name, val) != 0) return cki_nomem(ctx);
            continue;
        }
        if (json_is_null(val) && p->nullable) continue;
        ck_status_t status = cki_json_check_param(ctx, p, val);
        if (status) return status;
    }
    return CK_OK;
}

/* Parse `text` (any JSON value); malformed JSON reports line and column under `field`. */
ck_status_t cki_json_parse(ck_ctx_t *ctx, const char *field, const char *text, size_t len, json_t **out)
{
    *out = NULL;
    if (!text) return cki_invalid(ctx, field, "input is NULL");
    if (len == (size_t)-1) len = strlen(text);
    json_error_t err = {0}; /* jansson leaves the error code unset when its lexer cannot start */
    const size_t flags = JSON_REJECT_DUPLICATES | JSON_DECODE_ANY;
    json_t *v = json_loadb(text, len, flags, &err);
    if (!v && json_error_code(&err) != json_error_out_of_memory && err.text[0]) {
        /* jansson reports some failed allocations inside its lexer as syntax errors. A second
         * parse tells them apart: a real syntax error fails again, a transient one does not. */
        json_error_t again = {0};
        v = json_loadb(text, len, flags, &again);
        if (!v && strcmp(again.text, err.text) != 0) err = again;
    }
    if (!v) {
        /* A failed allocation shows as its error code or, when the lexer could not even start,
         * as an empty message. */
        if (json_error_code(&err) == json_error_out_of_memory || err.text[0] == '\0') return cki_nomem(ctx);
        return cki_invalid(ctx, field, "malformed JSON at line %d, column %d: %s", err.line, err.column, err.text);
    }
    *out = v;
    return CK_OK;
}

static ck_status_t parse_input(ck_ctx_t *ctx, const char *text, size_t len, json_t **out)
{
    return cki_json_parse(ctx, "", text, len, out);
}

static ck_status_t lookup(ck_ctx_t *ctx, const ck_registry_t *reg, const char *id, const ck_kernel_t **out)
{
    *out = NULL;
    if (!reg || !id) return cki_invalid(ctx, NULL, "registry and kernel id must not be NULL");
    const ck_kernel_t *k = ck_registry_find(reg, id);
    if (!k) return cki_error(ctx, CK_E_NOT_FOUND, NULL, "unknown kernel '%s' (see `ckernels list`)", id);
    /* Licenses expire: check at every execution (this also gives the precise reason), then the
     * lock taken at registration (e.g. beyond max_kernels). */
    ck_status_t status = cki_license_permits(ctx, k, (int64_t)time(NULL));
    if (status) return status;
    if (ck_registry_locked(reg, id))
        return cki_error(ctx, CK_E_LICENSE, NULL, "%s: locked: not granted by the license in force at registration", id);
    *out = k;
    return CK_OK;
}

ck_status_t ck_validate_json(ck_ctx_t *ctx, const ck_registry_t *reg, const char *id, const char *input, size_t len)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ck_ctx_clear_error(ctx);
    const ck_kernel_t *k;
    ck_status_t status = lookup(ctx, reg, id, &k);
    if (status) return status;
    json_t *in = NULL;
    status = parse_input(ctx, input, len, &in);
    if (!status) status = validate(ctx, k, in, NULL);
    json_decref(in);
    return status;
}

/* ---------------------------------------------------------------- output */

static ck_status_t add_meta(ck_ctx_t *ctx, const ck_kernel_t *k, json_t *out, const ck_run_info_t *info, int64_t elapsed_ns)
{
    json_t *meta = json_object();
    if (!meta) return cki_nomem(ctx);
    int bad = json_object_set_new(meta, "kernel", json_string(k->meta.id));
    bad |= json_object_set_new(meta, "version", json_integer(k->meta.version));
    bad |= json_object_set_new(meta, "backend", json_string(ck_backend_name(info->backend_used)));
    bad |= json_object_set_new(meta, "threads", json_integer(info->threads_used));
    bad |= json_object_set_new(meta, "elapsed_us", json_real((double)elapsed_ns / 1e3));
    if (info->iterations >= 0) {
        bad |= json_object_set_new(meta, "iterations", json_integer(info->iterations));
        bad |= json_object_set_new(meta, "converged", json_boolean(info->converged));
    }
    if (info->warnings) bad |= json_object_set(meta, "warnings", info->warnings);
    if (bad) {
        json_decref(meta);
        return cki_nomem(ctx);
    }
    return cki_json_set(ctx, out, "meta", meta);
}

/* Serialize into memory from the ctx allocator (jansson allocates with its own hooks). */
static ck_status_t dump(ck_ctx_t *ctx, const json_t *out, unsigned flags, char **text)
{
    size_t jflags = JSON_REAL_PRECISION(17) | ((flags & CK_JSON_INDENT) ? JSON_INDENT(2) : JSON_COMPACT);
    size_t n = json_dumpb(out, NULL, 0, jflags);
    if (n == 0) return cki_nomem(ctx);
    char *buf = cki_malloc(ctx, n + 1);
    if (!buf) return cki_nomem(ctx);
    if (json_dumpb(out, buf, n, jflags) != n) {
        cki_free(ctx, buf);
        return cki_nomem(ctx);
    }
    buf[n] = '\0';
    *text = buf;
    return CK_OK;
}

static void init_info(const ck_ctx_t *ctx, ck_run_info_t *info)
{
    info->backend_used = CK_BACKEND_CPU;
    info->threads_used = cki_threads(ctx);
    info->iterations = -1;
    info->converged = false;
    info->warnings = NULL;
    info->bound_graph = NULL;
}

ck_status_t cki_run_warn(ck_ctx_t *ctx, ck_run_info_t *info, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!info->warnings && !(info->warnings = json_array())) return cki_nomem(ctx);
    if (json_array_append_new(info->warnings, json_string(msg)) != 0) return cki_nomem(ctx);
    return CK_OK;
}

ck_status_t cki_execute_bound(ck_ctx_t *ctx, const ck_registry_t *reg, const char *id, const char *input, size_t len,
                              unsigned flags, const struct ck_graph *graph, char **output)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ck_ctx_clear_error(ctx);
    if (!output) return cki_invalid(ctx, NULL, "output must not be NULL");
    *output = NULL;
    json_t *in = NULL, *out = NULL;
    ck_run_info_t info;
    init_info(ctx, &info);
    const ck_kernel_t *k;
    ck_status_t status = lookup(ctx, reg, id, &k);
    if (status) return status;
    CK_TRY(parse_input(ctx, input, len, &in));
    CK_TRY(validate(ctx, k, in, graph ? "graph" : NULL));
    out = json_object();
    if (!out) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    info.bound_graph = graph;
    ctx->kernel_id = k->meta.id;
    ctx->last_backend = CK_BACKEND_CPU;
    int64_t t0 = cki_now_ns();
    status = k->run_json(ctx, k, in, out, &info);
    int64_t t1 = cki_now_ns();
    ctx->kernel_id = NULL;
    if (CK_IS_ERROR(status)) goto cleanup;
    ck_status_t run_status = status;
    CK_TRY(add_meta(ctx, k, out, &info, t1 - t0));
    CK_TRY(dump(ctx, out, flags, output));
    status = run_status;
cleanup:
    json_decref(info.warnings);
    json_decref(in);
    json_decref(out);
    return status;
}

ck_status_t ck_execute_json_ex(ck_ctx_t *ctx, const ck_registry_t *reg, const char *id, const char *input,
                               size_t len, unsigned flags, char **output)
{
    return cki_execute_bound(ctx, reg, id, input, len, flags, NULL, output);
}

ck_status_t ck_execute_json(ck_ctx_t *ctx, const ck_registry_t *reg, const char *id, const char *input, size_t len,
                            char **output)
{
    return ck_execute_json_ex(ctx, reg, id, input, len, CK_JSON_COMPACT, output);
}

/* ---------------------------------------------------------------- iterative */

struct ck_iteration {
    ck_ctx_t *ctx;
    const ck_kernel_t *kernel;
    ck_run_info_t info; /* warnings from init, reported with every result */
    void *state;
    int64_t count;
    int64_t elapsed_ns;
};

ck_status_t ck_iteration_begin(ck_ctx_t *ctx, const ck_registry_t *reg, const char *id, const char *input,
                               size_t len, ck_iteration_t **pit)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ck_ctx_clear_error(ctx);
    if (!pit) return cki_invalid(ctx, NULL, "iteration handle must not be NULL");
    *pit = NULL;
    json_t *in = NULL;
    ck_iteration_t *it = NULL;
    const ck_kernel_t *k;
    ck_status_t status = lookup(ctx, reg, id, &k);
    if (status) return status;
    if (!(k->meta.modes & CK_MODE_ITERATIVE))
        return cki_error(ctx, CK_E_UNSUPPORTED, NULL, "%s is not an iterative kernel", id);
    CK_TRY(parse_input(ctx, input, len, &in));
    CK_TRY(validate(ctx, k, in, NULL));
    it = cki_calloc(ctx, 1, sizeof *it);
    if (!it) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    it->ctx = ctx;
    it->kernel = k;
    init_info(ctx, &it->info);
    int64_t t0 = cki_now_ns();
    CK_TRY(k->iterative->init(ctx, in, &it->info, &it->state));
    it->elapsed_ns = cki_now_ns() - t0;
    *pit = it;
    it = NULL;
cleanup:
    if (it) json_decref(it->info.warnings);
    cki_free(ctx, it);
    json_decref(in);
    return status;
}

ck_status_t ck_iteration_step(ck_iteration_t *it, double *delta)
{
    if (!it) return CK_E_INVALID_INPUT;
    ck_ctx_t *ctx = it->ctx;
    const ck_iterative_ops_t *ops = it->kernel->iterative;
    int64_t max = ops->max_iterations ? ops->max_iterations(it->state) : INT64_MAX;
    if (it->count >= max)
        return cki_error(ctx, CK_E_STATE, NULL, "%s: iteration limit %lld reached", it->kernel->meta.id, (long long)max);
    double d = NAN;
    ctx->kernel_id = it->kernel->meta.id;
    int64_t t0 = cki_now_ns();
    ck_status_t status = ops->step(ctx, it->state, &d);
    it->elapsed_ns += cki_now_ns() - t0;
    ctx->kernel_id = NULL;
    if (CK_IS_ERROR(status)) return status;
    it->count++;
    if (delta) *delta = d;
    return status;
}

bool ck_iteration_converged(const ck_iteration_t *it) { return it && it->kernel->iterative->converged(it->state); }
int64_t ck_iteration_count(const ck_iteration_t *it) { return it ? it->count : 0; }

ck_status_t ck_iteration_result(ck_iteration_t *it, char **output)
{
    if (!it || !output) return CK_E_INVALID_INPUT;
    ck_ctx_t *ctx = it->ctx;
    *output = NULL;
    json_t *out = json_object();
    if (!out) return cki_nomem(ctx);
    ck_run_info_t info = it->info;
    info.backend_used = ctx->last_backend;
    info.iterations = it->count;
    info.converged = ck_iteration_converged(it);
    ck_status_t status;
    CK_TRY(it->kernel->iterative->result(ctx, it->state, out));
    CK_TRY(add_meta(ctx, it->kernel, out, &info, it->elapsed_ns));
    CK_TRY(dump(ctx, out, CK_JSON_COMPACT, output));
    status = info.converged ? CK_OK : CK_NOT_CONVERGED;
cleanup:
    json_decref(out);
    return status;
}

void ck_iteration_destroy(ck_iteration_t **pit)
{
    if (!pit || !*pit) return;
    ck_iteration_t *it = *pit;
    ck_ctx_t *ctx = it->ctx;
    it->kernel->iterative->destroy(ctx, it->state);
    json_decref(it->info.warnings);
    cki_free(ctx, it);
    *pit = NULL;
}

/* Batch entry shared by iterative kernels: init, step until converged or the limit, result. */
ck_status_t cki_run_iterative(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *input, json_t *output,
                              ck_run_info_t *info)
{
    const ck_iterative_ops_t *ops = k->iterative;
    void *state = NULL;
    ck_status_t status;
    CK_TRY(ops->init(ctx, input, info, &state));
    int64_t max = ops->max_iterations ? ops->max_iterations(state) : INT64_MAX;
    int64_t n = 0;
    while (!ops->converged(state) && n < max) {
        double delta;
        CK_TRY(ops->step(ctx, state, &delta));
        n++;
        CK_TRY(cki_poll(ctx, max < INT64_MAX ? (double)n / (double)max : 0.0));
    }
    CK_TRY(ops->result(ctx, state, output));
    info->iterations = n;
    info->converged = ops->converged(state);
    info->backend_used = ctx->last_backend;
    status = info->converged ? CK_OK : CK_NOT_CONVERGED;
cleanup:
    if (state) ops->destroy(ctx, state);
    return status;
}
