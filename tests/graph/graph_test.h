/* Shared test harness for the graph/... kernels (header-only; include once per test program).
 *
 * Oracle cases live in tests/data/graph/<family>/cases.json, written by that folder's gen script
 * from networkx/igraph/scipy:
 *   [{"name": "...", "kernel": "graph/pagerank",
 *     "input": {"graph": "@karate", "alpha": 0.85, ...},   "@name" = tests/data/graph/graphs/name.json
 *     "expect": {"scores": [...], ...},                    fields compared recursively
 *     "atol": 1e-10, "rtol": 0,                            numbers: |got - want| <= atol + rtol*|want|
 *     "threads": [1, 2]}, ...]                             optional: thread counts to run (default 1 and 2)
 * Integers, strings, booleans and null must match exactly; numbers in "expect" within tolerance;
 * arrays must have the same length. Fields of the output not in "expect" are not compared. */
#ifndef CK_GRAPH_TEST_H
#define CK_GRAPH_TEST_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ckernels.h"
#include "ckernels/graph.h"

static ck_ctx_t *gt_ctx;
static ck_registry_t *gt_reg;

static inline void gt_setup(void)
{
    cr_assert_eq(ck_ctx_create(&gt_ctx, NULL), CK_OK);
    cr_assert_eq(ck_registry_create(&gt_reg, gt_ctx), CK_OK);
    cr_assert_eq(ck_registry_register_all(gt_ctx, gt_reg), CK_OK);
}

static inline void gt_teardown(void)
{
    ck_registry_destroy(&gt_reg);
    ck_ctx_destroy(&gt_ctx);
}

static inline json_t *gt_load(const char *relpath)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/graph/%s", CK_TEST_DATA_DIR, relpath);
    json_error_t err;
    json_t *v = json_load_file(path, 0, &err);
    cr_assert_not_null(v, "%s: %s (line %d)", path, err.text, err.line);
    return v;
}

/* Replace "@name" graph references in an input object by the graph file's content. */
static inline void gt_resolve_graph(json_t *input)
{
    json_t *g = json_object_get(input, "graph");
    if (json_is_string(g) && json_string_value(g)[0] == '@') {
        char rel[512];
        snprintf(rel, sizeof rel, "graphs/%s.json", json_string_value(g) + 1);
        json_object_set_new(input, "graph", gt_load(rel));
    }
}

/* Run kernel `id` on `input` with `threads`; returns the parsed output (NULL on error, when the
 * status must equal `expect`). */
static inline json_t *gt_run_threads(const char *id, const json_t *input, int threads, ck_status_t expect)
{
    char *text = json_dumps(input, JSON_COMPACT | JSON_REAL_PRECISION(17)), *out = NULL;
    cr_assert_not_null(text);
    ck_ctx_set_threads(gt_ctx, threads);
    ck_status_t s = ck_execute_json(gt_ctx, gt_reg, id, text, strlen(text), &out);
    cr_assert_eq(s, expect, "%s: got %s (%s), expected %s; input %.300s", id, ck_status_name(s), ck_ctx_error(gt_ctx),
                 ck_status_name(expect), text);
    free(text);
    if (CK_IS_ERROR(s)) return NULL;
    json_t *v = json_loads(out, 0, NULL);
    cr_assert_not_null(v, "%s: output is not JSON", id);
    ck_ctx_free(gt_ctx, out);
    return v;
}

static inline json_t *gt_run(const char *id, const json_t *input, ck_status_t expect)
{
    return gt_run_threads(id, input, 0, expect);
}

/* Run on JSON text and expect invalid_input naming `field` with `fragment` in the message. */
static inline void gt_expect_error(const char *id, const char *input, const char *field, const char *fragment)
{
    char *out = NULL;
    ck_status_t s = ck_execute_json(gt_ctx, gt_reg, id, input, strlen(input), &out);
    cr_assert_eq(s, CK_E_INVALID_INPUT, "%s on %s: got %s (%s)", id, input, ck_status_name(s), ck_ctx_error(gt_ctx));
    cr_assert_null(out);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), field, "%s on %s: field '%s' (%s), expected '%s'", id, input,
                     ck_ctx_error_field(gt_ctx), ck_ctx_error(gt_ctx), field);
    cr_assert(strstr(ck_ctx_error(gt_ctx), fragment), "%s on %s: message '%s' lacks '%s'", id, input,
              ck_ctx_error(gt_ctx), fragment);
}

/* Recursive comparison of `got` against `want`; `path` names the place for messages. */
static inline void gt_compare(const json_t *got, const json_t *want, double atol, double rtol, const char *path)
{
    char sub[512];
    if (json_is_real(want) || (json_is_integer(want) && json_is_real(got))) {
        cr_assert(json_is_number(got), "%s: expected a number, got %s", path, got ? "another type" : "nothing");
        double g = json_number_value(got), w = json_number_value(want);
        cr_assert(fabs(g - w) <= atol + rtol * fabs(w), "%s: got %.17g, expected %.17g (atol %g, rtol %g)", path, g, w,
                  atol, rtol);
        return;
    }
    switch (json_typeof(want)) {
    case JSON_OBJECT: {
        cr_assert(json_is_object(got), "%s: expected an object", path);
        const char *key;
        json_t *w;
        json_object_foreach((json_t *)want, key, w) {
            snprintf(sub, sizeof sub, "%s.%s", path, key);
            cr_assert_not_null(json_object_get(got, key), "%s: missing in the output", sub);
            gt_compare(json_object_get(got, key), w, atol, rtol, sub);
        }
        return;
    }
    case JSON_ARRAY:
        cr_assert(json_is_array(got), "%s: expected an array", path);
        cr_assert_eq(json_array_size(got), json_array_size(want), "%s: %zu elements, expected %zu", path,
                     json_array_size(got), json_array_size(want));
        for (size_t i = 0; i < json_array_size(want); i++) {
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            gt_compare(json_array_get(got, i), json_array_get(want, i), atol, rtol, sub);
        }
        return;
    default: {
        char *g = json_dumps(got, JSON_ENCODE_ANY), *w = json_dumps(want, JSON_ENCODE_ANY);
        cr_assert(json_equal(got, want), "%s: got %s, expected %s", path, g ? g : "nothing", w);
        free(g);
        free(w);
    }
    }
}

/* Output without meta, as text: for comparing runs with different thread counts. */
static inline char *gt_strip_meta(json_t *out)
{
    json_object_del(out, "meta");
    return json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
}

/* Run every case of tests/data/graph/<file> whose kernel is `id` (NULL = all); returns the count.
 * Each case runs with 1 and 2 threads (or its "threads") and the outputs must be identical. */
static inline int gt_run_cases(const char *file, const char *id)
{
    json_t *cases = gt_load(file);
    cr_assert(json_is_array(cases), "%s: expected an array of cases", file);
    int count = 0;
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        const char *kernel = json_string_value(json_object_get(c, "kernel"));
        if (id && strcmp(kernel, id) != 0) continue;
        const char *name = json_string_value(json_object_get(c, "name"));
        json_t *input = json_deep_copy(json_object_get(c, "input"));
        gt_resolve_graph(input);
        double atol = json_number_value(json_object_get(c, "atol")), rtol = json_number_value(json_object_get(c, "rtol"));
        json_t *threads = json_object_get(c, "threads");
        char *first = NULL;
        for (size_t t = 0; t < (threads ? json_array_size(threads) : 2); t++) {
            int nt = threads ? (int)json_integer_value(json_array_get(threads, t)) : (int)t + 1;
            json_t *out = gt_run_threads(kernel, input, nt, CK_OK);
            char where[256];
            snprintf(where, sizeof where, "%s[%s]", name ? name : kernel, kernel);
            gt_compare(out, json_object_get(c, "expect"), atol, rtol, where);
            char *text = gt_strip_meta(out);
            if (!first) first = text;
            else {
                cr_assert_str_eq(text, first, "%s: %d threads changed the output", where, nt);
                free(text);
            }
            json_decref(out);
        }
        free(first);
        json_decref(input);
        count++;
    }
    json_decref(cases);
    return count;
}

#endif
