/* JSON execution: validation against parameter tables (field paths), defaults, output and meta,
 * the core kernels through JSON, every registered example. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "ckernels.h"
#include "json_internal.h"

static ck_ctx_t *ctx;
static ck_registry_t *reg;

/* A test kernel with one parameter of each checked type; it echoes what it received, so the
 * tests can see the defaults the validator filled in. */
static const ck_param_t probe_params[] = {
    {.name = "count", .type = CK_PT_INT, .default_json = "10", .has_min = true, .min = 1, .has_max = true, .max = 100},
    {.name = "ratio", .type = CK_PT_REAL, .default_json = "0.85", .has_min = true, .min = 0, .has_max = true, .max = 1},
    {.name = "method", .type = CK_PT_ENUM, .default_json = "\"fast\"", .choices = "fast|exact"},
    {.name = "flag", .type = CK_PT_BOOL, .default_json = "false"},
    {.name = "seed", .type = CK_PT_UINT64, .default_json = "42"},
    {.name = "weights", .type = CK_PT_REAL_ARRAY, .has_min = true, .min = 0},
    {.name = "ids", .type = CK_PT_INT_ARRAY},
    {.name = "name", .type = CK_PT_STRING, .required = true},
    {.name = "amount", .type = CK_PT_MONEY},
    {.name = "alpha", .type = CK_PT_REAL, .has_min = true, .min = 0, .has_max = true, .max = 1, .max_exclusive = true},
    {.name = "start", .type = CK_PT_REAL_ARRAY, .nullable = true, .default_json = "null"},
};

static ck_status_t probe_json(ck_ctx_t *c, const ck_kernel_t *k, const json_t *in, json_t *out, ck_run_info_t *info)
{
    (void)k;
    (void)info;
    const json_t *amount = json_object_get(in, "amount");
    if (amount) {
        ck_fixed128_t x;
        ck_status_t s = cki_json_money(c, amount, "amount", &x);
        if (s) return s;
        if ((s = cki_json_set(c, out, "amount_exact", cki_json_money_new(x)))) return s;
    }
    return cki_json_set(c, out, "echo", json_deep_copy(in));
}

static const ck_kernel_t probe = {
    .meta = {.id = "core/test-probe", .modes = CK_MODE_BATCH, .domain = CK_DOMAIN_CORE,
             .description = "validation probe", .version = 3},
    .params = probe_params, .n_params = sizeof probe_params / sizeof probe_params[0],
    .example_input = "{\"name\": \"x\"}",
    .run_json = probe_json,
};

static void setup(void)
{
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    cr_assert_eq(ck_registry_create(&reg, ctx), CK_OK);
    cr_assert_eq(ck_registry_register_all(ctx, reg), CK_OK);
    cr_assert_eq(ck_registry_register(ctx, reg, &probe), CK_OK);
}

static void teardown(void)
{
    ck_registry_destroy(&reg);
    ck_ctx_destroy(&ctx);
}

TestSuite(json, .init = setup, .fini = teardown);

/* Run and parse the output; NULL output when the run failed. */
static json_t *run(const char *id, const char *input, ck_status_t expect)
{
    char *text = NULL;
    ck_status_t s = ck_execute_json(ctx, reg, id, input, (size_t)-1, &text);
    cr_assert_eq(s, expect, "%s on %s: got %s (%s), expected %s", id, input, ck_status_name(s), ck_ctx_error(ctx),
                 ck_status_name(expect));
    if (CK_IS_ERROR(s)) {
        cr_assert_null(text);
        return NULL;
    }
    json_error_t err;
    json_t *out = json_loads(text, 0, &err);
    cr_assert_not_null(out, "output is not JSON: %s", text);
    ck_ctx_free(ctx, text);
    return out;
}

static void expect_error(const char *id, const char *input, const char *field, const char *fragment)
{
    run(id, input, CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), field, "input %s: field '%s', expected '%s' (%s)", input,
                     ck_ctx_error_field(ctx), field, ck_ctx_error(ctx));
    cr_assert(strstr(ck_ctx_error(ctx), fragment), "message '%s' lacks '%s'", ck_ctx_error(ctx), fragment);
}

Test(json, defaults_are_filled_in)
{
    json_t *out = run("core/test-probe", "{\"name\": \"n\"}", CK_OK);
    json_t *echo = json_object_get(out, "echo");
    cr_assert_eq(json_integer_value(json_object_get(echo, "count")), 10);
    cr_assert_float_eq(json_real_value(json_object_get(echo, "ratio")), 0.85, 0);
    cr_assert_str_eq(json_string_value(json_object_get(echo, "method")), "fast");
    cr_assert(json_is_false(json_object_get(echo, "flag")));
    cr_assert_eq(json_integer_value(json_object_get(echo, "seed")), 42);
    cr_assert_null(json_object_get(echo, "weights")); /* optional without default stays absent */
    json_t *meta = json_object_get(out, "meta");
    cr_assert_str_eq(json_string_value(json_object_get(meta, "kernel")), "core/test-probe");
    cr_assert_str_eq(json_string_value(json_object_get(meta, "backend")), "cpu");
    cr_assert_eq(json_integer_value(json_object_get(meta, "version")), 3);
    cr_assert_geq(json_integer_value(json_object_get(meta, "threads")), 1);
    cr_assert_geq(json_real_value(json_object_get(meta, "elapsed_us")), 0.0);
    cr_assert_null(json_object_get(meta, "iterations")); /* not iterative */
    json_decref(out);
}

Test(json, validation_errors_name_the_field)
{
    expect_error("core/test-probe", "{\"name\": \"n\", \"colour\": 1}", "colour", "unknown field");
    expect_error("core/test-probe", "{}", "name", "missing required field");
    expect_error("core/test-probe", "{\"name\": 5}", "name", "expected a string, got an integer");
    expect_error("core/test-probe", "{\"name\": \"n\", \"count\": 0}", "count", "0 is out of range [1, 100]");
    expect_error("core/test-probe", "{\"name\": \"n\", \"count\": 101}", "count", "out of range");
    expect_error("core/test-probe", "{\"name\": \"n\", \"count\": 2.5}", "count", "expected an integer, got a number");
    expect_error("core/test-probe", "{\"name\": \"n\", \"ratio\": 1.5}", "ratio", "1.5 is out of range [0, 1]");
    expect_error("core/test-probe", "{\"name\": \"n\", \"ratio\": \"high\"}", "ratio", "expected a number");
    expect_error("core/test-probe", "{\"name\": \"n\", \"method\": \"slow\"}", "method", "'slow' is not one of fast|exact");
    expect_error("core/test-probe", "{\"name\": \"n\", \"flag\": 1}", "flag", "expected a boolean");
    expect_error("core/test-probe", "{\"name\": \"n\", \"seed\": -1}", "seed", "must be >= 0");
    expect_error("core/test-probe", "{\"name\": \"n\", \"weights\": [1, 2, -3]}", "weights[2]", "-3 is out of range");
    expect_error("core/test-probe", "{\"name\": \"n\", \"weights\": [1, null]}", "weights[1]", "expected a number, got null");
    expect_error("core/test-probe", "{\"name\": \"n\", \"ids\": [1, 2.5]}", "ids[1]", "expected an integer");
    expect_error("core/test-probe", "{\"name\": \"n\", \"ids\": {}}", "ids", "expected an array of integers");
    expect_error("core/test-probe", "{\"name\": \"n\", \"alpha\": 1}", "alpha", "1 is out of range [0, 1)");
    expect_error("core/test-probe", "{\"name\": \"n\", \"start\": 3}", "start", "expected an array of numbers");
    expect_error("core/test-probe", "{\"name\": \"n\", \"count\": null}", "count", "expected an integer, got null");
    json_decref(run("core/test-probe", "{\"name\": \"n\", \"alpha\": 0.999, \"start\": null}", CK_OK));
    json_decref(run("core/test-probe", "{\"name\": \"n\", \"start\": [1, 2]}", CK_OK));
}

Test(json, malformed_input_reports_line_and_column)
{
    expect_error("core/reduce-sum", "{\"values\": [1, 2,\n 3,, 4]}", "", "malformed JSON at line 2, column");
    expect_error("core/reduce-sum", "", "", "malformed JSON");
    expect_error("core/reduce-sum", "[1, 2]", "", "input must be a JSON object, got an array");
    expect_error("core/reduce-sum", "{\"values\": [1], \"values\": [2]}", "", "duplicate");
    expect_error("core/reduce-sum", "{\"values\": [1e999]}", "", "malformed JSON");
    expect_error("core/reduce-sum", "{\"values\": [NaN]}", "", "malformed JSON");
    expect_error("core/reduce-sum", "{\"values\": [1]} trailing", "", "malformed JSON");
    /* Length-delimited input: the bytes after len are not read. */
    char *text = NULL;
    const char *in = "{\"values\": [2, 3]}GARBAGE";
    cr_assert_eq(ck_execute_json(ctx, reg, "core/reduce-sum", in, strlen("{\"values\": [2, 3]}"), &text), CK_OK);
    cr_assert(strstr(text, "\"sum\":5.0"), "%s", text);
    ck_ctx_free(ctx, text);
}

Test(json, unknown_kernel_and_null_arguments)
{
    char *out = NULL;
    cr_assert_eq(ck_execute_json(ctx, reg, "core/nope", "{}", 2, &out), CK_E_NOT_FOUND);
    cr_assert(strstr(ck_ctx_error(ctx), "unknown kernel 'core/nope'"));
    cr_assert_eq(ck_execute_json(ctx, reg, "core/reduce-sum", NULL, 0, &out), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_execute_json(ctx, reg, "core/reduce-sum", "{}", 2, NULL), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_execute_json(NULL, reg, "core/reduce-sum", "{}", 2, &out), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_validate_json(ctx, reg, "core/reduce-sum", "{\"values\": [1, \"a\"]}", (size_t)-1), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "values[1]");
    cr_assert_eq(ck_validate_json(ctx, reg, "core/reduce-sum", "{\"values\": []}", (size_t)-1), CK_OK);
}

Test(json, vector_add)
{
    json_t *out = run("core/vector-add", "{\"a\": [1, 2.5, -3], \"b\": [0.5, 0.5, 4]}", CK_OK);
    json_t *c = json_object_get(out, "c");
    cr_assert_eq(json_array_size(c), 3);
    cr_assert_eq(json_number_value(json_array_get(c, 0)), 1.5);
    cr_assert_eq(json_number_value(json_array_get(c, 1)), 3.0);
    cr_assert_eq(json_number_value(json_array_get(c, 2)), 1.0);
    json_decref(out);
    out = run("core/vector-add", "{\"a\": [], \"b\": []}", CK_OK);
    cr_assert_eq(json_array_size(json_object_get(out, "c")), 0);
    json_decref(out);
    expect_error("core/vector-add", "{\"a\": [1, 2], \"b\": [1]}", "b", "lengths must match");
    expect_error("core/vector-add", "{\"a\": [1, 2]}", "b", "missing required field");
    expect_error("core/vector-add", "{\"a\": [1, true], \"b\": [1, 2]}", "a[1]", "expected a number, got a boolean");
}

Test(json, reduce_sum)
{
    /* fsum([1e100, 1.0, -1e100, 0.25]) = 1.25: naive summation gives 0.25. */
    json_t *out = run("core/reduce-sum", "{\"values\": [1e100, 1.0, -1e100, 0.25]}", CK_OK);
    cr_assert_eq(json_number_value(json_object_get(out, "sum")), 1.25);
    cr_assert_eq(json_integer_value(json_object_get(out, "count")), 4);
    cr_assert_eq(json_number_value(json_object_get(out, "mean")), 0.3125);
    json_decref(out);
    out = run("core/reduce-sum", "{\"values\": []}", CK_OK);
    cr_assert_eq(json_number_value(json_object_get(out, "sum")), 0.0);
    cr_assert_eq(json_integer_value(json_object_get(out, "count")), 0);
    cr_assert(json_is_null(json_object_get(out, "mean")));
    json_decref(out);
    out = run("core/reduce-sum", "{\"values\": [7]}", CK_OK);
    cr_assert_eq(json_number_value(json_object_get(out, "sum")), 7.0);
    cr_assert_eq(json_number_value(json_object_get(out, "mean")), 7.0);
    json_decref(out);
}

static void expect_matrix(json_t *m, long rows, long cols, const double *want)
{
    cr_assert_eq(json_integer_value(json_object_get(m, "n_rows")), rows);
    cr_assert_eq(json_integer_value(json_object_get(m, "n_cols")), cols);
    json_t *data = json_object_get(m, "data");
    cr_assert_eq((long)json_array_size(data), rows * cols);
    for (long i = 0; i < rows * cols; i++) cr_assert_eq(json_number_value(json_array_get(data, (size_t)i)), want[i]);
}

Test(json, matmul_both_matrix_forms)
{
    /* [[1,2],[3,4]] x [[5,6,7],[8,9,10]] = [[21,24,27],[47,54,61]] (by hand). */
    static const double want[] = {21, 24, 27, 47, 54, 61};
    json_t *out = run("core/matmul",
                      "{\"a\": [[1, 2], [3, 4]], \"b\": {\"n_rows\": 2, \"n_cols\": 3, \"data\": [5, 6, 7, 8, 9, 10]}}", CK_OK);
    expect_matrix(json_object_get(out, "c"), 2, 3, want);
    json_decref(out);
    /* k = 0: the empty sum is 0, so C is 2x3 of zeros; m = 0: a 0x3 result. */
    static const double zeros[6] = {0};
    out = run("core/matmul", "{\"a\": {\"n_rows\": 2, \"n_cols\": 0, \"data\": []}, \"b\": {\"n_rows\": 0, \"n_cols\": 3, \"data\": []}}", CK_OK);
    expect_matrix(json_object_get(out, "c"), 2, 3, zeros);
    json_decref(out);
    out = run("core/matmul", "{\"a\": [], \"b\": {\"n_rows\": 0, \"n_cols\": 3, \"data\": []}}", CK_OK);
    expect_matrix(json_object_get(out, "c"), 0, 3, zeros);
    json_decref(out);
    static const double one[] = {6};
    out = run("core/matmul", "{\"a\": [[2]], \"b\": [[3]]}", CK_OK);
    expect_matrix(json_object_get(out, "c"), 1, 1, one);
    json_decref(out);
}

Test(json, matmul_bad_input)
{
    expect_error("core/matmul", "{\"a\": [[1, 2]], \"b\": [[1, 2]]}", "b.n_rows", "is 1, must equal a.n_cols = 2");
    expect_error("core/matmul", "{\"a\": [[1, 2], [3]], \"b\": [[1]]}", "a[1]", "row has 1 values, row 0 has 2");
    expect_error("core/matmul", "{\"a\": [[1, 2], [3, \"x\"]], \"b\": [[1]]}", "a[1][1]", "expected a number, got a string");
    expect_error("core/matmul", "{\"a\": {\"n_rows\": 2, \"n_cols\": 2, \"data\": [1, 2, 3]}, \"b\": [[1]]}", "a.data",
                 "has 3 values, expected n_rows*n_cols = 4");
    expect_error("core/matmul", "{\"a\": {\"n_rows\": 1, \"data\": [1]}, \"b\": [[1]]}", "a.n_cols", "missing required field");
    expect_error("core/matmul", "{\"a\": {\"n_rows\": -1, \"n_cols\": 1, \"data\": []}, \"b\": [[1]]}", "a.n_rows", "integer >= 0");
    expect_error("core/matmul", "{\"a\": {\"n_rows\": 1, \"n_cols\": 1, \"data\": [1], \"extra\": 1}, \"b\": [[1]]}", "a.extra", "unknown field");
    expect_error("core/matmul", "{\"a\": {\"n_rows\": 4294967296, \"n_cols\": 4294967296, \"data\": []}, \"b\": [[1]]}", "a.n_rows", "too large");
    expect_error("core/matmul", "{\"a\": 3, \"b\": [[1]]}", "a", "expected a matrix");
}

Test(json, every_registered_example_runs)
{
    size_t n = ck_registry_count(reg);
    cr_assert_geq(n, 4);
    for (size_t i = 0; i < n; i++) {
        const ck_kernel_t *k = ck_registry_at(reg, i);
        json_t *out = run(k->meta.id, k->example_input, CK_OK);
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(out, "meta"), "kernel")), k->meta.id);
        json_decref(out);
    }
}

Test(json, indented_output_is_the_same_document)
{
    char *compact = NULL, *pretty = NULL;
    const char *in = "{\"a\": [[1, 2]], \"b\": [[3], [4]]}";
    cr_assert_eq(ck_execute_json_ex(ctx, reg, "core/matmul", in, (size_t)-1, CK_JSON_COMPACT, &compact), CK_OK);
    cr_assert_eq(ck_execute_json_ex(ctx, reg, "core/matmul", in, (size_t)-1, CK_JSON_INDENT, &pretty), CK_OK);
    cr_assert(strchr(pretty, '\n'));
    cr_assert_null(strchr(compact, '\n'));
    json_t *a = json_loads(compact, 0, NULL), *b = json_loads(pretty, 0, NULL);
    json_object_del(json_object_get(a, "meta"), "elapsed_us");
    json_object_del(json_object_get(b, "meta"), "elapsed_us");
    cr_assert(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    ck_ctx_free(ctx, compact);
    ck_ctx_free(ctx, pretty);
}

static void expect_money(const char *input, const char *want)
{
    json_t *out = run("core/test-probe", input, CK_OK);
    cr_assert_str_eq(json_string_value(json_object_get(out, "amount_exact")), want, "%s", input);
    json_decref(out);
}

Test(json, money_is_exact)
{
    expect_money("{\"name\": \"n\", \"amount\": \"1234.5600\"}", "1234.56");
    expect_money("{\"name\": \"n\", \"amount\": \"-0.01\"}", "-0.01");
    /* A JSON number is read as its shortest decimal form: 0.1 is exactly 0.1, not 0.1000000000000000055. */
    expect_money("{\"name\": \"n\", \"amount\": 0.1}", "0.1");
    expect_money("{\"name\": \"n\", \"amount\": 12}", "12");
    expect_money("{\"name\": \"n\", \"amount\": 1e-5}", "0.00001");
    /* 19 decimals round half-even to 18: ...678|9 -> ...679. */
    expect_money("{\"name\": \"n\", \"amount\": \"0.1234567890123456789\"}", "0.123456789012345679");
    expect_money("{\"name\": \"n\", \"amount\": \"170141183460469231731.687303715884105727\"}",
                 "170141183460469231731.687303715884105727"); /* the largest value */
    expect_error("core/test-probe", "{\"name\": \"n\", \"amount\": \"1e30\"}", "amount", "outside the 128-bit fixed-point range");
    expect_error("core/test-probe", "{\"name\": \"n\", \"amount\": \"12abc\"}", "amount", "'12abc' is not a decimal amount");
    expect_error("core/test-probe", "{\"name\": \"n\", \"amount\": \"\"}", "amount", "is not a decimal amount");
    expect_error("core/test-probe", "{\"name\": \"n\", \"amount\": true}", "amount", "expected a decimal amount");
}
