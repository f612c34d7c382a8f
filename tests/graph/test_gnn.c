/* graph/gnn-inference and graph/graph-attention: oracle cases (numpy reference, see
 * tests/data/graph/gnn/gen_gnn.py), the spec's hand values and edge cases, bad input, the typed
 * API, attention normalisation, cancellation and an allocation-failure sweep. */
#include <stdlib.h>

#include "alloc_sweep.h"
#include "graph_test.h"

TestSuite(gnn, .init = gt_setup, .fini = gt_teardown);

/* ---------------------------------------------------------------- oracle cases */

Test(gnn, gnn_inference_oracle) { cr_assert_gt(gt_run_cases("gnn/cases.json", "graph/gnn-inference"), 0); }

Test(gnn, graph_attention_oracle) { cr_assert_gt(gt_run_cases("gnn/cases.json", "graph/graph-attention"), 0); }

Test(gnn, examples_run)
{
    const char *ids[] = {"graph/gnn-inference", "graph/graph-attention"};
    for (int i = 0; i < 2; i++) {
        const ck_kernel_t *k = ck_registry_find(gt_reg, ids[i]);
        cr_assert_not_null(k, "%s is not registered", ids[i]);
        json_t *in = json_loads(k->example_input, 0, NULL);
        cr_assert_not_null(in);
        json_t *out = gt_run(ids[i], in, CK_OK);
        cr_assert_not_null(json_object_get(out, "embeddings"));
        json_decref(out);
        json_decref(in);
    }
}

/* ---------------------------------------------------------------- bad input */

#define G2 "\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 1]]}, \"features\": [[1, 2], [3, 4]]"

Test(gnn, gnn_bad_input)
{
    const char *id = "graph/gnn-inference";
    gt_expect_error(id, "{" G2 ", \"layers\": []}", "layers", "at least one layer");
    gt_expect_error(id, "{" G2 ", \"layers\": [3]}", "layers[0]", "expected a layer object");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"weight\": [[1], [1]]}]}", "layers[0].type", "missing required field");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"gat\", \"weight\": [[1], [1]]}]}", "layers[0].type",
                    "'gat' is not one of gcn|sage|dense");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"gcn\"}]}", "layers[0].weight", "missing required field");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"gcn\", \"weight\": []}]}", "layers[0].weight",
                    "at least one row and one column");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"gcn\", \"weight\": [[1, 2, 3]]}]}", "layers[0].weight",
                    "has 1 rows, expected 2 (the number of feature columns)");
    gt_expect_error(id,
                    "{" G2 ", \"layers\": [{\"type\": \"gcn\", \"weight\": [[1, 2, 3], [4, 5, 6]]},"
                    " {\"type\": \"dense\", \"weight\": [[1], [2]]}]}",
                    "layers[1].weight", "expected 3 (the output width of layers[0])");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"gcn\", \"weight\": [[1], [\"x\"]]}]}", "layers[0].weight[1][0]",
                    "expected a number");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"sage\", \"weight\": [[1], [1]]}]}", "layers[0].weight_neigh",
                    "missing required field");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"sage\", \"weight\": [[1], [1]], \"weight_neigh\": [[1, 2], [3, 4]]}]}",
                    "layers[0].weight_neigh", "is 2 x 2, expected 2 x 1 (the shape of weight)");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"gcn\", \"weight\": [[1], [1]], \"weight_neigh\": [[1], [1]]}]}",
                    "layers[0].weight_neigh", "applies only to sage layers");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"dense\", \"weight\": [[1], [1]], \"aggregator\": \"max\"}]}",
                    "layers[0].aggregator", "applies only to sage layers");
    gt_expect_error(id,
                    "{" G2 ", \"layers\": [{\"type\": \"sage\", \"weight\": [[1], [1]], \"weight_neigh\": [[1], [1]],"
                    " \"aggregator\": \"min\"}]}",
                    "layers[0].aggregator", "'min' is not one of mean|sum|max");
    gt_expect_error(id,
                    "{" G2 ", \"layers\": [{\"type\": \"sage\", \"weight\": [[1], [1]], \"weight_neigh\": [[1], [1]],"
                    " \"l2_normalize\": 1}]}",
                    "layers[0].l2_normalize", "expected a boolean");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"gcn\", \"weight\": [[1], [1]], \"bias\": [1, 2]}]}",
                    "layers[0].bias", "has 2 values, expected d_out");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"gcn\", \"weight\": [[1], [1]], \"activation\": \"gelu\"}]}",
                    "layers[0].activation", "'gelu' is not one of");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"gcn\", \"weight\": [[1], [1]], \"dropout\": 0.5}]}",
                    "layers[0].dropout", "unknown field");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"gcn\", \"weight\": [[1], [1]]}], \"dropout\": 0.5}", "dropout",
                    "unknown field");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"gcn\", \"weight\": [[1], [1]]}], \"readout\": \"argmax\"}",
                    "readout", "not one of");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"gcn\", \"weight\": [[1], [1]]}], \"graph_pooling\": \"min\"}",
                    "graph_pooling", "not one of");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"type\": \"gcn\", \"weight\": [[1], [1]]}], \"use_weights\": 1}",
                    "use_weights", "expected a boolean");
    gt_expect_error(id,
                    "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1]]}, \"features\": [[1, 2], [3, 4]],"
                    " \"layers\": [{\"type\": \"gcn\", \"weight\": [[1], [1]]}]}",
                    "features", "has 2 rows, expected one per node (3)");
    gt_expect_error(id,
                    "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 1]]}, \"features\": [[], []],"
                    " \"layers\": [{\"type\": \"gcn\", \"weight\": [[1], [1]]}]}",
                    "features", "at least one column");
    gt_expect_error(id, "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 1]]}, \"layers\": [{\"type\": \"gcn\", \"weight\": [[1]]}]}",
                    "features", "missing required field");
    gt_expect_error(id, "{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 2]]}, \"features\": [[1], [2]],"
                        " \"layers\": [{\"type\": \"gcn\", \"weight\": [[1]]}]}",
                    "graph.edges[0][1]", "out of range");
}

#define GAT_L0 "\"heads\": 2, \"weight\": [[[1], [0]], [[0], [1]]], \"att_src\": [[1], [1]], \"att_dst\": [[1], [1]]"

Test(gnn, gat_bad_input)
{
    const char *id = "graph/graph-attention";
    gt_expect_error(id, "{" G2 ", \"layers\": []}", "layers", "at least one layer");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"weight\": [[[1], [0]]], \"att_src\": [[1]], \"att_dst\": [[1]]}]}",
                    "layers[0].heads", "missing required field");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"heads\": 0, \"weight\": [], \"att_src\": [], \"att_dst\": []}]}",
                    "layers[0].heads", "1..4096");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"heads\": 3, \"weight\": [[[1], [0]]], \"att_src\": [[1]], \"att_dst\": [[1]]}]}",
                    "layers[0].weight", "has 1 matrices, expected heads = 3");
    gt_expect_error(id,
                    "{" G2 ", \"layers\": [{\"heads\": 2, \"weight\": [[[1], [0]], [[1, 2], [0, 3]]], \"att_src\": [[1], [1]],"
                    " \"att_dst\": [[1], [1]]}]}",
                    "layers[0].weight[1]", "is 2 x 2, weight[0] is 2 x 1");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"heads\": 1, \"weight\": [[[1, 2, 3]]], \"att_src\": [[1, 1, 1]], \"att_dst\": [[1, 1, 1]]}]}",
                    "layers[0].weight", "expected 2 (the number of feature columns)");
    gt_expect_error(id,
                    "{" G2 ", \"layers\": [{\"heads\": 2, \"weight\": [[[1], [0]], [[0], [1]]], \"att_src\": [[1], [1, 2]],"
                    " \"att_dst\": [[1], [1]]}]}",
                    "layers[0].att_src[1]", "has 2 values, expected d_out = 1");
    gt_expect_error(id, "{" G2 ", \"layers\": [{\"heads\": 2, \"weight\": [[[1], [0]], [[0], [1]]], \"att_src\": [[1], [1]]}]}",
                    "layers[0].att_dst", "missing required field");
    gt_expect_error(id, "{" G2 ", \"layers\": [{" GAT_L0 ", \"bias\": [1]}]}", "layers[0].bias", "expected heads*d_out = 2");
    gt_expect_error(id, "{" G2 ", \"layers\": [{" GAT_L0 ", \"concat\": false, \"bias\": [1, 2]}]}", "layers[0].bias",
                    "concat is false");
    gt_expect_error(id, "{" G2 ", \"layers\": [{" GAT_L0 ", \"negative_slope\": -0.2}]}", "layers[0].negative_slope", ">= 0");
    gt_expect_error(id, "{" G2 ", \"layers\": [{" GAT_L0 ", \"concat\": \"yes\"}]}", "layers[0].concat", "expected a boolean");
    gt_expect_error(id, "{" G2 ", \"layers\": [{" GAT_L0 ", \"dropout\": 0.6}]}", "layers[0].dropout", "unknown field");
    gt_expect_error(id, "{" G2 ", \"layers\": [{" GAT_L0 ", \"activation\": \"softmax\"}]}", "layers[0].activation",
                    "not one of");
    /* Concatenated heads make layer 0 two wide; layer 1 expects 1. */
    gt_expect_error(id,
                    "{" G2 ", \"layers\": [{" GAT_L0 "}, {\"heads\": 1, \"weight\": [[[1]]], \"att_src\": [[1]], \"att_dst\": [[1]]}]}",
                    "layers[1].weight", "has 1 rows, expected 2 (the output width of layers[0])");
    gt_expect_error(id, "{" G2 ", \"layers\": [{" GAT_L0 "}], \"return_attention\": 1}", "return_attention",
                    "expected a boolean");
    gt_expect_error(id, "{" G2 ", \"layers\": [{" GAT_L0 "}], \"add_self_loops\": null}", "add_self_loops",
                    "expected a boolean");
    gt_expect_error(id,
                    "{\"graph\": {\"num_nodes\": 1, \"edges\": []}, \"features\": [[1, 2], [3, 4]], \"layers\": [{" GAT_L0 "}]}",
                    "features", "expected one per node (1)");
}

/* ---------------------------------------------------------------- edge cases through JSON */

/* Concatenation off with one head equals concatenation on; mean of identical heads is the head. */
Test(gnn, gat_mean_of_identical_heads)
{
    const char *one = "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2], [2, 0]], \"directed\": true},"
                      " \"features\": [[1, 0], [0, 2], [3, 1]],"
                      " \"layers\": [{\"heads\": 1, \"weight\": [[[1, 2], [3, 4]]], \"att_src\": [[0.1, 0.2]],"
                      " \"att_dst\": [[0.3, -0.4]]}]}";
    const char *three = "{\"graph\": {\"num_nodes\": 3, \"edges\": [[0, 1], [1, 2], [2, 0]], \"directed\": true},"
                        " \"features\": [[1, 0], [0, 2], [3, 1]],"
                        " \"layers\": [{\"heads\": 3, \"concat\": false, \"weight\": [[[1, 2], [3, 4]], [[1, 2], [3, 4]],"
                        " [[1, 2], [3, 4]]], \"att_src\": [[0.1, 0.2], [0.1, 0.2], [0.1, 0.2]],"
                        " \"att_dst\": [[0.3, -0.4], [0.3, -0.4], [0.3, -0.4]]}]}";
    json_t *a = json_loads(one, 0, NULL), *b = json_loads(three, 0, NULL);
    json_t *oa = gt_run("graph/graph-attention", a, CK_OK), *ob = gt_run("graph/graph-attention", b, CK_OK);
    gt_compare(json_object_get(ob, "embeddings"), json_object_get(oa, "embeddings"), 1e-14, 1e-14, "embeddings");
    gt_compare(json_object_get(ob, "attention_received"), json_object_get(oa, "attention_received"), 1e-14, 1e-14,
               "attention_received");
    json_decref(a);
    json_decref(b);
    json_decref(oa);
    json_decref(ob);
}

/* Input self-loops are dropped on load (with a warning); the kernel adds its own. */
Test(gnn, self_loops_in_input_warned)
{
    json_t *in = json_loads("{\"graph\": {\"num_nodes\": 2, \"edges\": [[0, 1], [1, 1]]}, \"features\": [[1], [0]],"
                            " \"layers\": [{\"type\": \"gcn\", \"weight\": [[1]]}]}",
                            0, NULL);
    json_t *out = gt_run("graph/gnn-inference", in, CK_OK);
    json_t *want = json_loads("[[0.5], [0.5]]", 0, NULL);
    gt_compare(json_object_get(out, "embeddings"), want, 1e-15, 0, "embeddings");
    json_t *warn = json_object_get(json_object_get(out, "meta"), "warnings");
    cr_assert(json_is_array(warn) && json_array_size(warn) == 1);
    json_decref(want);
    json_decref(out);
    json_decref(in);
}

/* ---------------------------------------------------------------- typed API */

static ck_graph_t *make_graph(ck_ctx_t *ctx, ck_idx_t n, const ck_idx_t *src, const ck_idx_t *dst, ck_idx_t m,
                              bool directed)
{
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, ctx, n, src, dst, NULL, m, directed), CK_OK, "%s", ck_ctx_error(ctx));
    return g;
}

Test(gnn, typed_gnn_inference)
{
    /* Path 0-1-2; GCN with W = I (2x2) then a dense layer to 2 classes, softmax and sum pooling.
     * Â of the path: d̃ = (2, 3, 2). */
    const ck_idx_t s[] = {0, 1}, d[] = {1, 2};
    ck_graph_t *g = make_graph(gt_ctx, 3, s, d, 2, false);
    const double x[] = {1, 0, 0, 1, 1, 1};
    const double w0[] = {1, 0, 0, 1}, w1[] = {1, -1, 0, 0};
    ck_gnn_layer_t layers[2];
    ck_gnn_layer_init(&layers[0]);
    layers[0].d_in = 2, layers[0].d_out = 2, layers[0].weight = w0, layers[0].activation = CK_GNN_ACT_NONE;
    ck_gnn_layer_init(&layers[1]);
    layers[1].type = CK_GNN_DENSE, layers[1].d_in = 2, layers[1].d_out = 2, layers[1].weight = w1;
    ck_gnn_inference_options_t o;
    ck_gnn_inference_options_init(&o);
    cr_assert(o.use_weights);
    o.readout = CK_GNN_READOUT_SOFTMAX;
    o.graph_pooling = CK_GNN_POOL_SUM;
    double emb[6], prob[6], gemb[2];
    int64_t pred[3];
    cr_assert_eq(ck_gnn_inference(gt_ctx, emb, prob, pred, gemb, g, x, 2, layers, 2, &o), CK_OK, "%s",
                 ck_ctx_error(gt_ctx));
    /* Layer 0 (W = I, no activation): h0 = x0/2 + x1/√6 = (1/2, 1/√6), h1 = x0/√6 + x1/3 + x2/√6
     * = (2/√6, 1/3 + 1/√6), h2 = x1/√6 + x2/2 = (1/2, 1/√6 + 1/2). The dense layer [[1,-1],[0,0]]
     * gives (h_v.x, -h_v.x); softmax of (a, -a) is (1/(1+e^{-2a}), ...). */
    const double hx[3] = {0.5, 2 / sqrt(6.0), 0.5};
    for (int v = 0; v < 3; v++) {
        cr_assert_float_eq(emb[2 * v], hx[v], 1e-15);
        cr_assert_float_eq(emb[2 * v + 1], -hx[v], 1e-15);
        cr_assert_float_eq(prob[2 * v], 1 / (1 + exp(-2 * hx[v])), 1e-15);
        cr_assert_eq(pred[v], 0);
    }
    cr_assert_float_eq(gemb[0], 1 + hx[1], 1e-15);
    cr_assert_float_eq(gemb[1], -(1 + hx[1]), 1e-15);

    /* Typed-API validation names the JSON-style field. */
    double nan_x[6] = {1, 0, 0, NAN, 1, 1};
    cr_assert_eq(ck_gnn_inference(gt_ctx, emb, prob, pred, gemb, g, nan_x, 2, layers, 2, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "features[1][1]");
    cr_assert_eq(ck_gnn_inference(gt_ctx, emb, NULL, pred, gemb, g, x, 2, layers, 2, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "probabilities");
    cr_assert_eq(ck_gnn_inference(gt_ctx, emb, prob, pred, gemb, NULL, x, 2, layers, 2, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "graph");
    cr_assert_eq(ck_gnn_inference(gt_ctx, emb, prob, pred, gemb, g, x, 2, layers, 0, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "layers");
    layers[1].type = CK_GNN_SAGE; /* no weight_neigh */
    cr_assert_eq(ck_gnn_inference(gt_ctx, emb, prob, pred, gemb, g, x, 2, layers, 2, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "layers[1].weight_neigh");
    layers[1].type = CK_GNN_DENSE;
    const double w_inf[4] = {1, INFINITY, 0, 0};
    layers[1].weight = w_inf;
    cr_assert_eq(ck_gnn_inference(gt_ctx, emb, prob, pred, gemb, g, x, 2, layers, 2, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "layers[1].weight[0][1]");
    layers[1].weight = w1;
    layers[1].d_in = 3;
    cr_assert_eq(ck_gnn_inference(gt_ctx, emb, prob, pred, gemb, g, x, 2, layers, 2, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "layers[1].weight");
    layers[1].d_in = 2;
    /* NULL options: the defaults (no readout, no pooling). */
    cr_assert_eq(ck_gnn_inference(gt_ctx, emb, NULL, NULL, NULL, g, x, 2, layers, 2, NULL), CK_OK);
    /* Cancelled before the start. */
    ck_ctx_cancel(gt_ctx);
    cr_assert_eq(ck_gnn_inference(gt_ctx, emb, prob, pred, gemb, g, x, 2, layers, 2, &o), CK_E_CANCELLED);
    ck_ctx_reset_cancel(gt_ctx);
    ck_graph_destroy(&g);
}

Test(gnn, typed_graph_attention)
{
    /* Directed triangle plus reciprocal arc; two heads with zero attention vectors: uniform
     * alpha over in-neighbours + self; W_0 = I, W_1 = 2I; concat. */
    const ck_idx_t s[] = {0, 1, 2, 0}, d[] = {1, 2, 0, 2};
    ck_graph_t *g = make_graph(gt_ctx, 3, s, d, 4, true);
    const double x[] = {1, 2, 3, 4, 5, 6};
    const double w[] = {1, 0, 0, 1, 2, 0, 0, 2}, zero[4] = {0, 0, 0, 0};
    ck_gat_layer_t L;
    ck_gat_layer_init(&L);
    cr_assert(L.concat);
    cr_assert_float_eq(L.negative_slope, 0.2, 0);
    L.heads = 2, L.d_in = 2, L.d_out = 2, L.weight = w, L.att_src = zero, L.att_dst = zero;
    ck_graph_attention_options_t o;
    ck_graph_attention_options_init(&o);
    cr_assert(o.add_self_loops);
    double emb[12], recv[3];
    ck_gat_attention_t *att = NULL;
    cr_assert_eq(ck_graph_attention(gt_ctx, emb, recv, &att, g, x, 2, &L, 1, &o), CK_OK, "%s", ck_ctx_error(gt_ctx));
    /* In-lists: 0 <- {2}, 1 <- {0}, 2 <- {0, 1}. */
    const double m0[2] = {(1 + 5) / 2.0, (2 + 6) / 2.0}, m1[2] = {(1 + 3) / 2.0, (2 + 4) / 2.0},
                 m2[2] = {(1 + 3 + 5) / 3.0, (2 + 4 + 6) / 3.0};
    const double *m[3] = {m0, m1, m2};
    for (int v = 0; v < 3; v++)
        for (int k = 0; k < 2; k++) {
            cr_assert_float_eq(emb[4 * v + k], m[v][k], 1e-14);
            cr_assert_float_eq(emb[4 * v + 2 + k], 2 * m[v][k], 1e-14);
        }
    cr_assert_eq(att->n_rows, 4 + 3);
    cr_assert_eq(att->n_layers, 1);
    cr_assert_eq(att->heads[0], 2);
    const int64_t want_src[7] = {0, 2, 0, 1, 0, 1, 2}, want_dst[7] = {0, 0, 1, 1, 2, 2, 2};
    for (int r = 0; r < 7; r++) {
        cr_assert_eq(att->src[r], want_src[r]);
        cr_assert_eq(att->dst[r], want_dst[r]);
        const double a = r < 4 ? 0.5 : 1.0 / 3;
        cr_assert_float_eq(att->alpha[0][2 * r], a, 1e-15);
        cr_assert_float_eq(att->alpha[0][2 * r + 1], a, 1e-15);
    }
    cr_assert_float_eq(recv[0], 0.5 + 0.5 + 1.0 / 3, 1e-15);
    cr_assert_float_eq(recv[1], 0.5 + 1.0 / 3, 1e-15);
    cr_assert_float_eq(recv[2], 0.5 + 1.0 / 3, 1e-15);
    ck_ctx_free(gt_ctx, att);
    att = NULL;

    /* Validation. */
    L.heads = 0;
    cr_assert_eq(ck_graph_attention(gt_ctx, emb, recv, NULL, g, x, 2, &L, 1, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "layers[0].heads");
    L.heads = 2;
    L.negative_slope = NAN;
    cr_assert_eq(ck_graph_attention(gt_ctx, emb, recv, NULL, g, x, 2, &L, 1, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "layers[0].negative_slope");
    L.negative_slope = 0.2;
    L.att_dst = NULL;
    cr_assert_eq(ck_graph_attention(gt_ctx, emb, recv, &att, g, x, 2, &L, 1, &o), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(gt_ctx), "layers[0].att_dst");
    cr_assert_null(att);
    L.att_dst = zero;
    /* No self-loops, NULL outputs for the optional parts. */
    o.add_self_loops = false;
    cr_assert_eq(ck_graph_attention(gt_ctx, emb, NULL, NULL, g, x, 2, &L, 1, &o), CK_OK);
    cr_assert_float_eq(emb[0], 5, 1e-15); /* node 0 <- {2} only */
    ck_graph_destroy(&g);
}

/* Σ_u α_vu = 1 within 1e-12 for every v and head (spec), on karate with random-ish weights. */
Test(gnn, attention_sums_to_one)
{
    json_t *gj = gt_load("graphs/karate.json");
    const ck_idx_t n = json_integer_value(json_object_get(gj, "num_nodes"));
    json_t *edges = json_object_get(gj, "edges");
    const ck_idx_t m = (ck_idx_t)json_array_size(edges);
    ck_idx_t *s = malloc((size_t)m * sizeof *s), *d = malloc((size_t)m * sizeof *d);
    for (ck_idx_t i = 0; i < m; i++) {
        s[i] = json_integer_value(json_array_get(json_array_get(edges, (size_t)i), 0));
        d[i] = json_integer_value(json_array_get(json_array_get(edges, (size_t)i), 1));
    }
    ck_graph_t *g = make_graph(gt_ctx, n, s, d, m, false);
    enum { D0 = 3, C = 4, H = 3 };
    double *x = malloc((size_t)n * D0 * sizeof *x), w[H * D0 * C], as[H * C], ad[H * C];
    for (ck_idx_t i = 0; i < n * D0; i++) x[i] = sin(0.7 * (double)i) * 3;
    for (int i = 0; i < H * D0 * C; i++) w[i] = cos(1.3 * i);
    for (int i = 0; i < H * C; i++) as[i] = sin(2.1 * i) * 2, ad[i] = cos(0.4 * i) * 2;
    ck_gat_layer_t L;
    ck_gat_layer_init(&L);
    L.heads = H, L.d_in = D0, L.d_out = C, L.weight = w, L.att_src = as, L.att_dst = ad;
    double *emb = malloc((size_t)n * H * C * sizeof *emb), *recv = malloc((size_t)n * sizeof *recv);
    ck_gat_attention_t *att = NULL;
    cr_assert_eq(ck_graph_attention(gt_ctx, emb, recv, &att, g, x, D0, &L, 1, NULL), CK_OK, "%s", ck_ctx_error(gt_ctx));
    double total = 0;
    for (ck_idx_t r = 0; r < att->n_rows;) {
        const int64_t v = att->dst[r];
        double sum[H] = {0};
        for (; r < att->n_rows && att->dst[r] == v; r++)
            for (int h = 0; h < H; h++) sum[h] += att->alpha[0][r * H + h];
        for (int h = 0; h < H; h++) cr_assert(fabs(sum[h] - 1) <= 1e-12, "node %lld head %d: %.17g", (long long)v, h, sum[h]);
    }
    for (ck_idx_t u = 0; u < n; u++) total += recv[u];
    cr_assert(fabs(total - (double)n) <= 1e-10, "attention_received sums to %.17g, expected %lld", total, (long long)n);
    ck_ctx_free(gt_ctx, att);
    ck_graph_destroy(&g);
    free(x);
    free(emb);
    free(recv);
    free(s);
    free(d);
    json_decref(gj);
}

/* A graph big enough for the parallel paths (several node chunks, every loop above the
 * sequential threshold): 1, 2 and 3 threads must give identical bits. */
Test(gnn, thread_invariance_large)
{
    enum { N = 12000, M = 60000, D0 = 12 };
    ck_idx_t *s = malloc(M * sizeof *s), *d = malloc(M * sizeof *d);
    double *ew = malloc(M * sizeof *ew), *x = malloc((size_t)N * D0 * sizeof *x);
    uint64_t r = 88172645463325252ull;
    for (int i = 0; i < M; i++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        s[i] = (ck_idx_t)(r % N);
        d[i] = (ck_idx_t)((r >> 20) % (i % 3 ? N : 50)); /* some hubs */
        ew[i] = 0.5 + (double)((r >> 40) % 100) / 50;
    }
    for (int i = 0; i < N * D0; i++) x[i] = sin(0.37 * i);
    ck_graph_t *g = NULL;
    cr_assert_eq(ck_graph_create(&g, gt_ctx, N, s, d, ew, M, true), CK_OK, "%s", ck_ctx_error(gt_ctx));
    static double w[64 * 64 * 4];
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) w[i] = cos(0.11 * (double)i) / 4;
    ck_gnn_layer_t L[4];
    for (int i = 0; i < 4; i++) ck_gnn_layer_init(&L[i]);
    L[0].d_in = D0, L[0].d_out = 24, L[0].weight = w, L[0].bias = w + 7;             /* gcn, aggregate first */
    L[1].type = CK_GNN_SAGE, L[1].d_in = 24, L[1].d_out = 8, L[1].weight = w, L[1].weight_neigh = w + 3,
    L[1].aggregator = CK_GNN_AGG_MAX, L[1].l2_normalize = true;                       /* sage max */
    L[2].type = CK_GNN_SAGE, L[2].d_in = 8, L[2].d_out = 4, L[2].weight = w, L[2].weight_neigh = w + 5,
    L[2].activation = CK_GNN_ACT_ELU;                                                 /* sage mean, transform first */
    L[3].d_in = 4, L[3].d_out = 3, L[3].weight = w + 1;                               /* gcn, transform first */
    ck_gnn_inference_options_t o;
    ck_gnn_inference_options_init(&o);
    o.readout = CK_GNN_READOUT_SOFTMAX;
    o.graph_pooling = CK_GNN_POOL_SUM;
    ck_gat_layer_t A[2];
    ck_gat_layer_init(&A[0]);
    ck_gat_layer_init(&A[1]);
    A[0].heads = 4, A[0].d_in = D0, A[0].d_out = 6, A[0].weight = w, A[0].att_src = w + 11, A[0].att_dst = w + 13;
    A[1].heads = 2, A[1].d_in = 24, A[1].d_out = 5, A[1].weight = w + 2, A[1].att_src = w + 17, A[1].att_dst = w + 19,
    A[1].concat = false;
    double *ref[4] = {NULL}, *got[4];
    int64_t *pref = malloc(N * sizeof *pref), *pgot = malloc(N * sizeof *pgot);
    const size_t sz[4] = {(size_t)N * 3, (size_t)N * 3, (size_t)N * 5, (size_t)N};
    for (int t = 1; t <= 3; t++) {
        for (int i = 0; i < 4; i++) got[i] = malloc(sz[i] * sizeof(double));
        double gemb[3];
        ck_gat_attention_t *att = NULL;
        ck_ctx_set_threads(gt_ctx, t);
        cr_assert_eq(ck_gnn_inference(gt_ctx, got[0], got[1], t == 1 ? pref : pgot, gemb, g, x, D0, L, 4, &o), CK_OK, "%s",
                     ck_ctx_error(gt_ctx));
        cr_assert_eq(ck_graph_attention(gt_ctx, got[2], got[3], &att, g, x, D0, A, 2, NULL), CK_OK, "%s",
                     ck_ctx_error(gt_ctx));
        for (size_t i = 0; i < sz[0]; i++) cr_assert(isfinite(got[0][i]));
        if (t == 1) {
            for (int i = 0; i < 4; i++) ref[i] = got[i];
        } else {
            for (int i = 0; i < 4; i++) {
                cr_assert(memcmp(ref[i], got[i], sz[i] * sizeof(double)) == 0, "output %d differs with %d threads", i, t);
                free(got[i]);
            }
            cr_assert(memcmp(pref, pgot, N * sizeof *pref) == 0, "predictions differ with %d threads", t);
        }
        ck_ctx_free(gt_ctx, att);
    }
    for (int i = 0; i < 4; i++) free(ref[i]);
    free(pref);
    free(pgot);
    ck_graph_destroy(&g);
    free(s);
    free(d);
    free(ew);
    free(x);
}

/* n = 0 through the typed API: no arrays needed; pooling gives zeros. */
Test(gnn, typed_empty_graph)
{
    ck_graph_t *g = make_graph(gt_ctx, 0, NULL, NULL, 0, false);
    const double w[2] = {1, 2};
    ck_gnn_layer_t L;
    ck_gnn_layer_init(&L);
    L.d_in = 1, L.d_out = 2, L.weight = w;
    ck_gnn_inference_options_t o;
    ck_gnn_inference_options_init(&o);
    o.graph_pooling = CK_GNN_POOL_MAX;
    double gemb[2] = {7, 7};
    cr_assert_eq(ck_gnn_inference(gt_ctx, NULL, NULL, NULL, gemb, g, NULL, 0, &L, 1, &o), CK_OK, "%s", ck_ctx_error(gt_ctx));
    cr_assert_eq(gemb[0], 0.0);
    cr_assert_eq(gemb[1], 0.0);
    ck_gat_layer_t A;
    ck_gat_layer_init(&A);
    A.d_in = 1, A.d_out = 1, A.weight = w, A.att_src = w, A.att_dst = w;
    ck_gat_attention_t *att = NULL;
    cr_assert_eq(ck_graph_attention(gt_ctx, NULL, NULL, &att, g, NULL, 0, &A, 1, NULL), CK_OK, "%s", ck_ctx_error(gt_ctx));
    cr_assert_eq(att->n_rows, 0);
    cr_assert_eq(att->n_layers, 1);
    ck_ctx_free(gt_ctx, att);
    ck_graph_destroy(&g);
}

/* Progress reports are monotone over the whole pass (ck_matmul's own are muted). */
static double last_fraction;
static bool monotone = true;
static void on_progress(void *user, const char *id, double f)
{
    (void)user;
    (void)id;
    if (f < last_fraction) monotone = false;
    last_fraction = f;
}

Test(gnn, progress_monotone)
{
    json_t *cases = gt_load("gnn/cases.json");
    ck_ctx_set_progress(gt_ctx, on_progress, NULL);
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        json_t *in = json_deep_copy(json_object_get(c, "input"));
        gt_resolve_graph(in);
        last_fraction = 0;
        json_decref(gt_run_threads(json_string_value(json_object_get(c, "kernel")), in, 1, CK_OK));
        cr_assert(monotone, "%s: progress went backwards", json_string_value(json_object_get(c, "name")));
        cr_assert_eq(last_fraction, 1.0);
        json_decref(in);
    }
    ck_ctx_set_progress(gt_ctx, NULL, NULL);
    json_decref(cases);
}

/* ---------------------------------------------------------------- allocation failures */

/* The context and registry are set up once, before the sweep (their own allocation failures are
 * test_alloc's business); the sweep covers the kernels' calls. */
static ck_ctx_t *sw_ctx;
static ck_registry_t *sw_reg;

static bool scenario(void)
{
    ck_ctx_t *ctx = sw_ctx;
    ck_graph_t *g = NULL;
    ck_gat_attention_t *att = NULL;
    char *out = NULL;
    bool done = false;
    const char *ids[] = {"graph/gnn-inference", "graph/graph-attention"};
    for (int i = 0; i < 2; i++) {
        ck_status_t st = ck_execute_json(ctx, sw_reg, ids[i], ck_registry_find(sw_reg, ids[i])->example_input, (size_t)-1, &out);
        /* Known shared issue (src/core/json_exec.c, reported): when jansson cannot even start
         * parsing a parameter's default, the runtime reports "malformed default" (internal)
         * instead of NOMEM. The GAT example relies on the defaults of add_self_loops and
         * return_attention: spelling them out would be worse, as jansson 2.14's lexer crashes
         * (14 characters) or silently drops a byte (15 or more) of a string under OOM. */
        if (st == CK_E_INTERNAL && sweep_failed && strstr(ck_ctx_error(ctx), "malformed default")) st = CK_E_NOMEM;
        STEP(st);
        ck_ctx_free(ctx, out);
        out = NULL;
    }
    /* Typed: every layer type, readout and pooling; GAT with attention. */
    const ck_idx_t s[] = {0, 1, 2, 3}, d[] = {1, 2, 0, 0};
    STEP(ck_graph_create(&g, ctx, 5, s, d, NULL, 4, true));
    const double x[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, w[12] = {1, 0, 2, 0, 1, 3, 1, 1, 1, 2, 2, 2};
    ck_gnn_layer_t L[3];
    for (int i = 0; i < 3; i++) ck_gnn_layer_init(&L[i]);
    L[0].d_in = 2, L[0].d_out = 3, L[0].weight = w;
    L[1].type = CK_GNN_SAGE, L[1].d_in = 3, L[1].d_out = 2, L[1].weight = w, L[1].weight_neigh = w + 6;
    L[2].type = CK_GNN_DENSE, L[2].d_in = 2, L[2].d_out = 2, L[2].weight = w;
    ck_gnn_inference_options_t o;
    ck_gnn_inference_options_init(&o);
    o.readout = CK_GNN_READOUT_SOFTMAX;
    o.graph_pooling = CK_GNN_POOL_MEAN;
    double emb[20], prob[10], gemb[2], recv[5];
    int64_t pred[5];
    STEP(ck_gnn_inference(ctx, emb, prob, pred, gemb, g, x, 2, L, 3, &o));
    ck_gat_layer_t A;
    ck_gat_layer_init(&A);
    A.heads = 2, A.d_in = 2, A.d_out = 2, A.weight = w, A.att_src = w, A.att_dst = w + 4;
    STEP(ck_graph_attention(ctx, emb, recv, &att, g, x, 2, &A, 1, NULL));
    done = true;
cleanup:
    ck_ctx_free(ctx, out);
    ck_ctx_free(ctx, att);
    ck_graph_destroy(&g);
    return done;
}

Test(gnn, allocation_failures)
{
    /* jansson is hooked around the setup and teardown too; the setup's live blocks are the sweep's
     * baseline, and the teardown must free them all. */
    sweep_json_hook();
    cr_assert_eq(ck_ctx_create(&sw_ctx, &sweep_alloc), CK_OK);
    ck_ctx_set_threads(sw_ctx, 1); /* allocation happens on the calling thread; keeps the sweep fast */
    cr_assert_eq(ck_registry_create(&sw_reg, sw_ctx), CK_OK);
    cr_assert_eq(ck_registry_register_all(sw_ctx, sw_reg), CK_OK);
    sweep(scenario, "gnn", 50 + 1, 0);
    ck_registry_destroy(&sw_reg);
    ck_ctx_destroy(&sw_ctx);
    cr_assert_eq(sweep_live, 0);
    sweep_json_unhook();
}
