/* CKernels — graph/... kernels: graph neural networks (included by ckernels/graph.h).
 *
 * Inference only: every weight is supplied by the caller (trained elsewhere); nothing is random.
 *   graph/gnn-inference   ck_gnn_inference    GCN / GraphSAGE / dense layers
 *   graph/graph-attention ck_graph_attention  GAT (v1, as PyG GATConv)
 * Messages flow along edges: node v aggregates over its in-neighbours N⁻(v) (all neighbours when
 * the graph is undirected). Matrices are dense, row-major doubles. Results do not depend on the
 * thread count (bitwise). Field names in error messages follow the JSON input, e.g.
 * "layers[1].weight: has 5 rows, expected 4 (the output width of layers[0])". */
#ifndef CKERNELS_GRAPH_GNN_H
#define CKERNELS_GRAPH_GNN_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_graph ck_graph_t;

/* Activations. CK_GNN_ACT_DEFAULT resolves by position: relu (gnn-inference) or elu
 * (graph-attention) on every layer but the last, none on the last. leaky_relu uses slope 0.01,
 * elu alpha 1. */
typedef enum ck_gnn_activation {
    CK_GNN_ACT_DEFAULT = 0,
    CK_GNN_ACT_NONE,
    CK_GNN_ACT_RELU,
    CK_GNN_ACT_LEAKY_RELU,
    CK_GNN_ACT_ELU,
    CK_GNN_ACT_SIGMOID,
    CK_GNN_ACT_TANH
} ck_gnn_activation_t;

/* ---------------------------------------------------------------- graph/gnn-inference */

typedef enum ck_gnn_layer_type {
    CK_GNN_GCN = 0, /* H' = act(Â H W + b), Â = D̃^-1/2 (A + I) D̃^-1/2, d̃_v = 1 + Σ_{u→v} w_uv */
    CK_GNN_SAGE,    /* h'_v = act(h_v W_self + (agg_{u∈N⁻(v)} h_u) W_neigh + b), h as a row */
    CK_GNN_DENSE    /* H' = act(H W + b) */
} ck_gnn_layer_type_t;

typedef enum ck_gnn_aggregator {
    CK_GNN_AGG_MEAN = 0,
    CK_GNN_AGG_SUM,
    CK_GNN_AGG_MAX /* element-wise; an empty neighbourhood gives 0 */
} ck_gnn_aggregator_t;

typedef struct ck_gnn_layer {
    ck_gnn_layer_type_t type;       /* default CK_GNN_GCN */
    ck_idx_t d_in, d_out;           /* >= 1 each; d_in must equal the previous layer's d_out (or d0) */
    const double *weight;           /* d_in × d_out (W, or W_self for sage), required */
    const double *weight_neigh;     /* d_in × d_out, sage only (required there, NULL otherwise) */
    const double *bias;             /* d_out, or NULL for zeros */
    ck_gnn_activation_t activation; /* default CK_GNN_ACT_DEFAULT */
    ck_gnn_aggregator_t aggregator; /* sage only; default mean */
    bool l2_normalize;              /* sage only: divide the pre-activation row by max(‖row‖₂, 1e-12) */
} ck_gnn_layer_t;

/* Zero-fills *l: a gcn layer with the defaults above (the caller sets dims and weights). */
CK_API void ck_gnn_layer_init(ck_gnn_layer_t *l);

typedef enum ck_gnn_readout {
    CK_GNN_READOUT_NONE = 0,
    CK_GNN_READOUT_SOFTMAX, /* row-wise max-subtracted softmax + argmax (lowest index wins ties) */
    CK_GNN_READOUT_SIGMOID  /* element-wise logistic probabilities, no predictions */
} ck_gnn_readout_t;

typedef enum ck_gnn_pooling {
    CK_GNN_POOL_NONE = 0,
    CK_GNN_POOL_MEAN,
    CK_GNN_POOL_SUM,
    CK_GNN_POOL_MAX /* n = 0 gives a zero vector for every pooling */
} ck_gnn_pooling_t;

typedef struct ck_gnn_inference_options {
    ck_gnn_readout_t readout;       /* default none */
    ck_gnn_pooling_t graph_pooling; /* default none */
    bool use_weights;               /* default true: gcn uses edge weights as strengths */
} ck_gnn_inference_options_t;

CK_API void ck_gnn_inference_options_init(ck_gnn_inference_options_t *o);

/* Forward pass of `n_layers` (>= 1) layers over `g` with node features `features` (n × d0;
 * d0 must equal layers[0].d_in, except when n == 0: then features may be NULL and d0 is ignored).
 * opts NULL means the defaults.
 * Outputs (caller arrays; d_L = layers[n_layers-1].d_out):
 *   embeddings      n × d_L, required (may be NULL when n == 0);
 *   probabilities   n × d_L, required when readout != none, else ignored;
 *   predictions     n, with softmax readout (NULL: not written), else ignored;
 *   graph_embedding d_L, required when graph_pooling != none, else ignored.
 * Non-finite features, weights or biases are rejected (CK_E_INVALID_INPUT naming the element). */
CK_API ck_status_t ck_gnn_inference(ck_ctx_t *ctx, double *embeddings, double *probabilities, int64_t *predictions,
                                    double *graph_embedding, const ck_graph_t *g, const double *features, ck_idx_t d0,
                                    const ck_gnn_layer_t *layers, ck_idx_t n_layers,
                                    const ck_gnn_inference_options_t *opts);

/* ---------------------------------------------------------------- graph/graph-attention */

/* The most attention heads a layer may have. */
#define CK_GAT_MAX_HEADS 4096

typedef struct ck_gat_layer {
    ck_idx_t heads;                 /* 1..CK_GAT_MAX_HEADS */
    ck_idx_t d_in, d_out;           /* >= 1 each; d_in must equal the previous layer's output width */
    const double *weight;           /* heads × d_in × d_out: W_h at weight + h·d_in·d_out (row-major) */
    const double *att_src;          /* heads × d_out */
    const double *att_dst;          /* heads × d_out */
    const double *bias;             /* heads·d_out when concat, else d_out; NULL for zeros */
    bool concat;                    /* default true: output width heads·d_out, else d_out (mean over heads) */
    double negative_slope;          /* of the attention LeakyReLU; default 0.2, finite and >= 0 */
    ck_gnn_activation_t activation; /* default CK_GNN_ACT_DEFAULT (elu on hidden layers, none on the last) */
} ck_gat_layer_t;

/* Sets the defaults above (heads 1, concat true, negative_slope 0.2; no dims, no weights). */
CK_API void ck_gat_layer_init(ck_gat_layer_t *l);

typedef struct ck_graph_attention_options {
    bool add_self_loops; /* default true: v attends to itself */
} ck_graph_attention_options_t;

CK_API void ck_graph_attention_options_init(ck_graph_attention_options_t *o);

/* Attention coefficients of every layer, in one allocation that the caller frees with
 * ck_ctx_free(ctx, att). Row r is the arc src[r] -> dst[r]: every arc of the graph (both
 * directions of an undirected edge) plus, with add_self_loops, v -> v; rows sorted by (dst, src).
 * alpha[l][r·heads[l] + h] is α of head h on layer l; for every dst and head they sum to 1. */
typedef struct ck_gat_attention {
    ck_idx_t n_rows, n_layers;
    const int64_t *src, *dst;    /* n_rows each */
    const ck_idx_t *heads;       /* n_layers */
    const double *const *alpha;  /* n_layers pointers to n_rows × heads[l] */
} ck_gat_attention_t;

/* GAT forward pass over `g` with features n × d0 (as for ck_gnn_inference); opts NULL means the
 * defaults. Outputs:
 *   embeddings         n × w_L (w_L = heads·d_out of the last layer when concat, else d_out),
 *                      required (may be NULL when n == 0);
 *   attention_received n, or NULL: mean over heads of Σ_v α_vu on the last layer;
 *   attention          NULL, or receives the coefficients of every layer (see above).
 * Edge weights are ignored. */
CK_API ck_status_t ck_graph_attention(ck_ctx_t *ctx, double *embeddings, double *attention_received,
                                      ck_gat_attention_t **attention, const ck_graph_t *g, const double *features,
                                      ck_idx_t d0, const ck_gat_layer_t *layers, ck_idx_t n_layers,
                                      const ck_graph_attention_options_t *opts);

#ifdef __cplusplus
}
#endif
#endif
