/* The graph type: load rules (self-loops, parallel edges, weights), CSR/CSC, the JSON graph type in
 * both forms with field-path errors, edge-list and Matrix Market files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph_internal.h"

static ck_ctx_t *ctx;
static void setup(void) { cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK); }
static void teardown(void) { ck_ctx_destroy(&ctx); }
TestSuite(graph_core, .init = setup, .fini = teardown);

static void expect_row(const ck_graph_t *g, bool in, ck_idx_t u, int deg, const uint32_t *nbrs, const double *w)
{
    const uint32_t *got;
    const double *gw;
    ck_idx_t d;
    cr_assert_eq((in ? ck_graph_in_neighbors : ck_graph_out_neighbors)(g, u, &got, &gw, &d), CK_OK);
    cr_assert_eq(d, deg, "node %lld: degree %lld, expected %d", (long long)u, (long long)d, deg);
    for (int i = 0; i < deg; i++) {
        cr_assert_eq(got[i], nbrs[i], "node %lld: neighbour %d is %u, expected %u", (long long)u, i, got[i], nbrs[i]);
        cr_assert_eq(gw[i], w[i], "node %lld: weight %d is %g, expected %g", (long long)u, i, gw[i], w[i]);
    }
}

Test(graph_core, undirected_load_rules)
{
    /* (0,1) and (1,0) are one pair: weights 1 + 2 = 3; (1,1) is a self-loop, dropped. */
    const ck_idx_t src[] = {0, 1, 1, 2, 3};
    const ck_idx_t dst[] = {1, 0, 1, 3, 0};
    const double w[] = {1, 2, 5, 0.5, 0};
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, ctx, 4, src, dst, w, 5, false), CK_OK);
    cr_assert_eq(ck_graph_num_nodes(g), 4);
    cr_assert_eq(ck_graph_num_edges(g), 3);
    cr_assert_eq(ck_graph_self_loops_dropped(g), 1);
    cr_assert_eq(ck_graph_parallel_merged(g), 1);
    cr_assert(!ck_graph_directed(g));
    cr_assert(ck_graph_weighted(g));
    expect_row(g, false, 0, 2, (uint32_t[]){1, 3}, (double[]){3, 0});
    expect_row(g, false, 1, 1, (uint32_t[]){0}, (double[]){3});
    expect_row(g, true, 3, 2, (uint32_t[]){0, 2}, (double[]){0, 0.5});
    double x;
    cr_assert(cki_graph_has_arc(g, 3, 2, &x));
    cr_assert_eq(x, 0.5);
    cr_assert(!cki_graph_has_arc(g, 1, 2, NULL));
    ck_graph_destroy(&g);
    cr_assert_null(g);
}

Test(graph_core, directed_csr_and_csc)
{
    const ck_idx_t src[] = {2, 0, 0, 2, 1};
    const ck_idx_t dst[] = {0, 2, 1, 0, 2};
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, ctx, 3, src, dst, NULL, 5, true), CK_OK);
    cr_assert_eq(ck_graph_num_edges(g), 4); /* 2->0 twice merged */
    cr_assert_eq(ck_graph_parallel_merged(g), 1);
    cr_assert(ck_graph_weighted(g)); /* 2->0 has multiplicity 2 */
    expect_row(g, false, 0, 2, (uint32_t[]){1, 2}, (double[]){1, 1});
    expect_row(g, false, 2, 1, (uint32_t[]){0}, (double[]){2});
    expect_row(g, true, 0, 1, (uint32_t[]){2}, (double[]){2});
    expect_row(g, true, 2, 2, (uint32_t[]){0, 1}, (double[]){1, 1});
    ck_graph_t *s = NULL;
    cr_assert_eq(cki_graph_skeleton(ctx, &s, g), CK_OK);
    cr_assert_eq(ck_graph_num_edges(s), 3); /* 0-1, 0-2 (0->2 + 2->0: 1 + 2), 1-2 */
    expect_row(s, false, 0, 2, (uint32_t[]){1, 2}, (double[]){1, 3});
    ck_graph_destroy(&s);
    ck_graph_destroy(&g);
}

Test(graph_core, empty_and_bad_arguments)
{
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, ctx, 0, NULL, NULL, NULL, 0, false), CK_OK);
    cr_assert_eq(ck_graph_num_nodes(g), 0);
    cr_assert_eq(ck_graph_num_edges(g), 0);
    ck_graph_destroy(&g);
    cr_assert_eq(ck_graph_create(&g, ctx, 5, NULL, NULL, NULL, 0, true), CK_OK);
    cr_assert_eq(ck_graph_out_neighbors(g, 4, NULL, NULL, NULL), CK_OK);
    cr_assert_eq(ck_graph_out_neighbors(g, 5, NULL, NULL, NULL), CK_E_INVALID_INPUT);
    ck_graph_destroy(&g);
    const ck_idx_t src[] = {0, 1}, dst[] = {1, 9};
    cr_assert_eq(ck_graph_create(&g, ctx, 3, src, dst, NULL, 2, false), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error(ctx), "dst[1]: node 9 is out of range 0..2");
    cr_assert_null(g);
    const ck_idx_t dst2[] = {1, 2};
    cr_assert_eq(ck_graph_create(&g, ctx, 3, src, dst2, (double[]){1, -2}, 2, false), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "weights[1]");
    cr_assert_eq(ck_graph_create(&g, ctx, 3, src, dst2, (double[]){1, 0.0 / 0.0}, 2, false), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_graph_create(&g, ctx, -1, NULL, NULL, NULL, 0, false), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "n");
    cr_assert_eq(ck_graph_create(&g, ctx, 3, NULL, dst2, NULL, 2, false), CK_E_INVALID_INPUT);
}

Test(graph_core, csr_forms)
{
    /* Undirected triangle 0-1-2 given symmetric, with weights. */
    const ck_idx_t off[] = {0, 2, 4, 6}, col[] = {1, 2, 0, 2, 0, 1};
    const double w[] = {1, 2, 1, 3, 2, 3};
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create_csr(&g, ctx, 3, off, col, w, false), CK_OK);
    cr_assert_eq(ck_graph_num_edges(g), 3);
    expect_row(g, false, 2, 2, (uint32_t[]){0, 1}, (double[]){2, 3});
    ck_graph_destroy(&g);
    const double wa[] = {1, 2, 1, 3, 2, 4}; /* (2,1) = 4 but (1,2) = 3 */
    cr_assert_eq(ck_graph_create_csr(&g, ctx, 3, off, col, wa, false), CK_E_INVALID_INPUT);
    cr_assert(strstr(ck_ctx_error(ctx), "not symmetric"));
    const ck_idx_t col_bad[] = {1, 2, 0, 2, 0, 7};
    cr_assert_eq(ck_graph_create_csr(&g, ctx, 3, off, col_bad, NULL, true), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error(ctx), "col_indices[5]: node 7 is out of range 0..2");
    const ck_idx_t off_bad[] = {0, 3, 2, 6};
    cr_assert_eq(ck_graph_create_csr(&g, ctx, 3, off_bad, col, NULL, true), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "row_offsets[2]");
    /* Directed CSR needs no symmetry. */
    cr_assert_eq(ck_graph_create_csr(&g, ctx, 3, off, col, wa, true), CK_OK);
    cr_assert_eq(ck_graph_num_edges(g), 6);
    ck_graph_destroy(&g);
}

/* cki_json_graph on text; returns the status, graph in *g (owned). */
static ck_status_t json_graph(const char *text, ck_graph_t **g, json_t **warnings)
{
    json_t *in = json_loads(text, 0, NULL);
    cr_assert_not_null(in, "bad test JSON %s", text);
    ck_run_info_t info = {0};
    const ck_graph_t *view = NULL;
    ck_status_t s = cki_json_graph(ctx, in, &info, &view, g);
    json_decref(in);
    if (warnings) *warnings = info.warnings;
    else json_decref(info.warnings);
    return s;
}

static void expect_json_error(const char *text, const char *field, const char *fragment)
{
    ck_graph_t *g = NULL;
    cr_assert_eq(json_graph(text, &g, NULL), CK_E_INVALID_INPUT, "%s", text);
    cr_assert_null(g);
    cr_assert_str_eq(ck_ctx_error_field(ctx), field, "%s: %s", text, ck_ctx_error(ctx));
    cr_assert(strstr(ck_ctx_error(ctx), fragment), "%s: %s", text, ck_ctx_error(ctx));
}

Test(graph_core, json_graph_type)
{
    ck_graph_t *g = NULL;
    json_t *warnings = NULL;
    cr_assert_eq(json_graph("{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 1], [2, 2], [1, 2]], "
                            "\"weights\": [2, 1, 1, 0.5], \"directed\": true}}", &g, &warnings), CK_OK);
    cr_assert_eq(ck_graph_num_edges(g), 2);
    cr_assert(ck_graph_directed(g));
    cr_assert_str_eq(json_string_value(json_array_get(warnings, 0)), "graph: 2 self-loops dropped");
    json_decref(warnings);
    ck_graph_destroy(&g);
    cr_assert_eq(json_graph("{\"graph\": {\"num_nodes\": 3, \"row_offsets\": [0, 1, 2, 2], \"col_indices\": [1, 0]}}", &g, NULL), CK_OK);
    cr_assert_eq(ck_graph_num_edges(g), 1);
    ck_graph_destroy(&g);
    cr_assert_eq(json_graph("{\"graph\": {\"num_nodes\": 0, \"edges\": []}}", &g, NULL), CK_OK);
    ck_graph_destroy(&g);

    expect_json_error("{\"graph\": {\"num_nodes\": 8, \"edges\": [[0, 1], [2, 9]]}}", "graph.edges[1][1]", "node 9 is out of range 0..7");
    expect_json_error("{\"graph\": {\"num_nodes\": 8, \"edges\": [[0, 1], [2]]}}", "graph.edges[1]", "expected a pair [u, v]");
    expect_json_error("{\"graph\": {\"num_nodes\": 8, \"edges\": [[0, -1]]}}", "graph.edges[0][1]", "node -1 is out of range");
    expect_json_error("{\"graph\": {\"num_nodes\": 8, \"edges\": [[0, \"a\"]]}}", "graph.edges[0][1]", "expected a node id");
    expect_json_error("{\"graph\": {\"num_nodes\": 8, \"edges\": [[0, 1]], \"weights\": [1, 2]}}", "graph.weights", "has 2 values, expected one per edge (1)");
    expect_json_error("{\"graph\": {\"num_nodes\": 8, \"edges\": [[0, 1]], \"weights\": [-1]}}", "graph.weights[0]", "must be finite and >= 0");
    expect_json_error("{\"graph\": {\"num_nodes\": 8, \"edges\": [[0, 1]], \"weights\": [\"x\"]}}", "graph.weights[0]", "expected a number");
    expect_json_error("{\"graph\": {\"edges\": [[0, 1]]}}", "graph.num_nodes", "missing required field");
    expect_json_error("{\"graph\": {\"num_nodes\": -2, \"edges\": []}}", "graph.num_nodes", "expected an integer");
    expect_json_error("{\"graph\": {\"num_nodes\": 2, \"edges\": [], \"colour\": 1}}", "graph.colour", "unknown field");
    expect_json_error("{\"graph\": {\"num_nodes\": 2, \"edges\": [], \"directed\": 1}}", "graph.directed", "expected a boolean");
    expect_json_error("{\"graph\": {\"num_nodes\": 2}}", "graph.edges", "missing");
    expect_json_error("{\"graph\": {\"num_nodes\": 2, \"edges\": [], \"row_offsets\": [0, 0, 0]}}", "graph", "not both");
    expect_json_error("{\"graph\": {\"num_nodes\": 2, \"row_offsets\": [0, 1], \"col_indices\": [1]}}", "graph.row_offsets", "expected num_nodes + 1");
    expect_json_error("{\"graph\": {\"num_nodes\": 2, \"row_offsets\": [0, 1, 1], \"col_indices\": [1]}}", "graph.col_indices", "not symmetric");
    expect_json_error("{\"graph\": {\"num_nodes\": 2, \"row_offsets\": [0, 1, 1], \"col_indices\": [5], \"directed\": true}}",
                      "graph.col_indices[0]", "node 5 is out of range 0..1");
}

static char *write_temp(const char *suffix, const char *content)
{
    static char path[256];
    snprintf(path, sizeof path, "/tmp/ck_graph_test_%d%s", (int)getpid(), suffix);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(content, f);
    fclose(f);
    return path;
}

Test(graph_core, files)
{
    ck_graph_t *g = NULL;
    char *p = write_temp(".tsv", "# a comment\n0\t1\t2.5\n1 2 1\n\n% another\n2\t0\t0\n");
    cr_assert_eq(ck_graph_load(&g, ctx, p, CK_GRAPH_FORMAT_AUTO, true), CK_OK, "%s", ck_ctx_error(ctx));
    cr_assert_eq(ck_graph_num_nodes(g), 3);
    cr_assert_eq(ck_graph_num_edges(g), 3);
    cr_assert(ck_graph_weighted(g));
    expect_row(g, false, 0, 1, (uint32_t[]){1}, (double[]){2.5});
    ck_graph_destroy(&g);
    unlink(p);

    p = write_temp(".tsv", "# Directed graph\n# Nodes: 6 Edges: 2\n0\t1\n1\t2\n");
    cr_assert_eq(ck_graph_load(&g, ctx, p, CK_GRAPH_FORMAT_AUTO, true), CK_OK, "%s", ck_ctx_error(ctx));
    cr_assert_eq(ck_graph_num_nodes(g), 6); /* SNAP header: nodes 3..5 are isolated */
    ck_graph_destroy(&g);
    p = write_temp(".tsv", "# Nodes: 2\n0\t1\n1\t2\n");
    cr_assert_eq(ck_graph_load(&g, ctx, p, CK_GRAPH_FORMAT_AUTO, true), CK_E_INVALID_INPUT);
    cr_assert(strstr(ck_ctx_error(ctx), "declares 2 nodes but node 2 appears"), "%s", ck_ctx_error(ctx));
    unlink(p);

    p = write_temp(".csv", "source,target\n0,3\n3,1\n");
    cr_assert_eq(ck_graph_load(&g, ctx, p, CK_GRAPH_FORMAT_AUTO, false), CK_OK, "%s", ck_ctx_error(ctx));
    cr_assert_eq(ck_graph_num_nodes(g), 4);
    cr_assert(!ck_graph_weighted(g));
    expect_row(g, false, 3, 2, (uint32_t[]){0, 1}, (double[]){1, 1});
    ck_graph_destroy(&g);
    unlink(p);

    p = write_temp(".mtx", "%%MatrixMarket matrix coordinate pattern symmetric\n% comment\n4 4 3\n2 1\n3 2\n4 4\n");
    cr_assert_eq(ck_graph_load(&g, ctx, p, CK_GRAPH_FORMAT_AUTO, true), CK_OK, "%s", ck_ctx_error(ctx));
    cr_assert(!ck_graph_directed(g)); /* symmetric wins */
    cr_assert_eq(ck_graph_num_nodes(g), 4);
    cr_assert_eq(ck_graph_num_edges(g), 2);
    cr_assert_eq(ck_graph_self_loops_dropped(g), 1);
    ck_graph_destroy(&g);
    unlink(p);

    p = write_temp(".tsv", "0 1\n1 x\n");
    cr_assert_eq(ck_graph_load(&g, ctx, p, CK_GRAPH_FORMAT_TSV, false), CK_E_INVALID_INPUT);
    cr_assert(strstr(ck_ctx_error(ctx), ".tsv:2: node is not a non-negative integer below 2^32-1: 'x'"), "%s", ck_ctx_error(ctx));
    p = write_temp(".tsv", "0 1 1\n1 2\n");
    cr_assert_eq(ck_graph_load(&g, ctx, p, CK_GRAPH_FORMAT_TSV, false), CK_E_INVALID_INPUT);
    cr_assert(strstr(ck_ctx_error(ctx), ":2: missing weight"), "%s", ck_ctx_error(ctx));
    p = write_temp(".tsv", "0 1 -3\n");
    cr_assert_eq(ck_graph_load(&g, ctx, p, CK_GRAPH_FORMAT_TSV, false), CK_E_INVALID_INPUT);
    cr_assert(strstr(ck_ctx_error(ctx), ":1: weight must be a finite number >= 0: '-3'"), "%s", ck_ctx_error(ctx));
    unlink(p);
    p = write_temp(".mtx", "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 2 1.5\n");
    cr_assert_eq(ck_graph_load(&g, ctx, p, CK_GRAPH_FORMAT_AUTO, true), CK_E_INVALID_INPUT);
    cr_assert(strstr(ck_ctx_error(ctx), "fewer entries"), "%s", ck_ctx_error(ctx));
    p = write_temp(".mtx", "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 4 1.5\n");
    cr_assert_eq(ck_graph_load(&g, ctx, p, CK_GRAPH_FORMAT_AUTO, true), CK_E_INVALID_INPUT);
    cr_assert(strstr(ck_ctx_error(ctx), ":3: column index out of range"), "%s", ck_ctx_error(ctx));
    unlink(p);
    cr_assert_eq(ck_graph_load(&g, ctx, "/nonexistent/graph.tsv", CK_GRAPH_FORMAT_AUTO, false), CK_E_IO);
    cr_assert(strstr(ck_ctx_error(ctx), "cannot open"));
}
