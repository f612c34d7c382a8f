#!/usr/bin/env python3
"""Oracle cases for graph/gnn-inference and graph/graph-attention (tests/graph/test_gnn.c).

Run from the repository root:  python3 tests/data/graph/gnn/gen_gnn.py
Writes tests/data/graph/gnn/cases.json (format: tests/graph/graph_test.h) and the extra fixture
graph tests/data/graph/graphs/gnn_multi.json.

The oracle. spec/graph.md names "a numpy reference" first and PyG (GCNConv / SAGEConv / GATConv in
float64) "where installed". PyG needs torch, which is not installed here (and too big to install
for fixtures), so the oracle is the independent dense numpy implementation below, written straight
from the spec's formulas and PyG's documented semantics, never from our C code:
  - reference graph: networkx, built exactly as the spec's oracle recipe (self-loops dropped,
    parallel edges merged by summing weights); A = nx.to_numpy_array(G) with A[u, v] the weight
    of the arc u -> v (both directions for undirected graphs). Messages flow u -> v.
  - GCN:  act(Ahat @ H @ W + b), Ahat = D^-1/2 (A_w^T + I) D^-1/2, d_v = 1 + sum_u A_w[u, v]
          (A_w = A with use_weights, else the 0/1 pattern) -- PyG GCNConv(add_self_loops,
          normalize, flow source_to_target).
  - SAGE: act(norm?(H @ Ws + agg(A^T, H) @ Wn + b)), agg over in-neighbours (pattern only),
          mean/sum/max, empty -> 0; l2 normalisation as F.normalize (eps 1e-12), before the
          activation (PyG SAGEConv(normalize=True) then the activation).
  - dense: act(H @ W + b).
  - GAT (PyG GATConv v1): z_h = H @ W_h; e[v, u] = leaky(a_src.z_u + a_dst.z_v) over
          u in N-(v) (+ v with self-loops); max-subtracted softmax over u; out_h = alpha @ z_h;
          concat or mean over heads; + bias; act.
Plus hand cases typed in from the spec (not computed here) and edge cases (n = 0, isolated
nodes, no in-neighbours without self-loops).
"""
import json
import os
import sys

import networkx as nx
import numpy as np

HERE = "tests/data/graph/gnn"
GRAPHS = "tests/data/graph/graphs"
TOL = 1e-10


def load_graph(name):
    with open(os.path.join(GRAPHS, name + ".json")) as f:
        return json.load(f)


def reference_graph(gj):
    """The spec's oracle recipe."""
    n, directed = gj["num_nodes"], gj.get("directed", False)
    edges, weights = gj["edges"], gj.get("weights")
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(n))
    for (u, v), w in zip(edges, weights or [1.0] * len(edges)):
        if u != v:
            G.add_edge(u, v, weight=G[u][v]["weight"] + w if G.has_edge(u, v) else w)
    return G


def arc_matrix(gj):
    """A[u, v] = weight of the arc u -> v (symmetric for undirected graphs)."""
    G = reference_graph(gj)
    n = gj["num_nodes"]
    if n == 0:
        return np.zeros((0, 0))
    return nx.to_numpy_array(G, nodelist=range(n), weight="weight", dtype=float)


def act(x, name):
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "leaky_relu":
        return np.where(x >= 0, x, 0.01 * x)
    if name == "elu":
        return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-x))
    if name == "tanh":
        return np.tanh(x)
    assert name == "none"
    return x


def resolve_act(layer, last, hidden):
    a = layer.get("activation")
    return a if a is not None else ("none" if last else hidden)


# ---------------------------------------------------------------- gnn-inference oracle

def gnn_reference(gj, inp):
    A = arc_matrix(gj)
    n = gj["num_nodes"]
    H = np.array(inp["features"], dtype=float).reshape(n, -1) if n else np.zeros((0, 0))
    use_w = inp.get("use_weights", True)
    layers = inp["layers"]
    for i, L in enumerate(layers):
        W = np.array(L["weight"], dtype=float)
        b = np.array(L.get("bias", np.zeros(W.shape[1])), dtype=float)
        t = L["type"]
        if t == "dense":
            X = H @ W + b
        elif t == "gcn":
            Aw = A if use_w else (A > 0).astype(float)
            M = Aw.T + np.eye(n)
            d = M.sum(axis=1)
            dis = 1.0 / np.sqrt(d)
            Ahat = dis[:, None] * M * dis[None, :]
            X = Ahat @ H @ W + b
        else:
            Wn = np.array(L["weight_neigh"], dtype=float)
            P = (A > 0).astype(float).T  # P[v, u] = 1 for u -> v
            deg = P.sum(axis=1)
            agg = L.get("aggregator", "mean")
            if agg == "sum":
                G = P @ H
            elif agg == "mean":
                G = np.where(deg[:, None] > 0, (P @ H) / np.maximum(deg, 1)[:, None], 0.0)
            else:
                G = np.zeros_like(H)
                for v in range(n):
                    nb = np.nonzero(P[v])[0]
                    if len(nb):
                        G[v] = H[nb].max(axis=0)
            X = H @ W + G @ Wn + b
            if L.get("l2_normalize", False):
                norm = np.sqrt((X * X).sum(axis=1))
                X = X / np.maximum(norm, 1e-12)[:, None]
        H = act(X, resolve_act(L, i == len(layers) - 1, "relu"))
    dL = np.array(layers[-1]["weight"]).shape[1]
    out = {"embeddings": H.tolist()}
    ro = inp.get("readout", "none")
    if ro == "softmax":
        e = np.exp(H - H.max(axis=1, keepdims=True))
        P = e / e.sum(axis=1, keepdims=True)
        out["probabilities"] = P.tolist()
        out["predictions"] = [int(k) for k in np.argmax(P, axis=1)]
    elif ro == "sigmoid":
        out["probabilities"] = (1.0 / (1.0 + np.exp(-H))).tolist()
    pool = inp.get("graph_pooling", "none")
    if pool != "none":
        if n == 0:
            out["graph_embedding"] = [0.0] * dL
        else:
            out["graph_embedding"] = {"mean": H.mean(axis=0), "sum": H.sum(axis=0), "max": H.max(axis=0)}[pool].tolist()
    return out


# ---------------------------------------------------------------- graph-attention oracle

def gat_reference(gj, inp):
    A = arc_matrix(gj)
    n = gj["num_nodes"]
    H = np.array(inp["features"], dtype=float).reshape(n, -1) if n else np.zeros((0, 0))
    self_loops = inp.get("add_self_loops", True)
    mask = (A > 0).T.copy()  # mask[v, u]: u -> v
    if self_loops:
        mask |= np.eye(n, dtype=bool)
    layers = inp["layers"]
    att_layers = []
    alphas = None
    for i, L in enumerate(layers):
        heads = L["heads"]
        slope = L.get("negative_slope", 0.2)
        concat = L.get("concat", True)
        outs, alphas = [], []
        for h in range(heads):
            W = np.array(L["weight"][h], dtype=float)
            Z = H @ W
            ss = Z @ np.array(L["att_src"][h], dtype=float)
            sd = Z @ np.array(L["att_dst"][h], dtype=float)
            E = ss[None, :] + sd[:, None]  # E[v, u]
            E = np.where(E >= 0, E, slope * E)
            E = np.where(mask, E, -np.inf)
            alpha = np.zeros((n, n))
            for v in range(n):
                if mask[v].any():
                    ev = np.exp(E[v, mask[v]] - E[v, mask[v]].max())
                    alpha[v, mask[v]] = ev / ev.sum()
            alphas.append(alpha)
            outs.append(alpha @ Z)
        X = np.concatenate(outs, axis=1) if concat else np.mean(outs, axis=0)
        if "bias" in L:
            X = X + np.array(L["bias"], dtype=float)
        H = act(X, resolve_act(L, i == len(layers) - 1, "elu"))
        rows = []
        for v in range(n):
            for u in np.nonzero(mask[v])[0]:
                rows.append([int(u), int(v)] + [float(alphas[h][v, u]) for h in range(heads)])
        att_layers.append(rows)
    out = {"embeddings": H.tolist()}
    if n:
        out["attention_received"] = (sum(a.sum(axis=0) for a in alphas) / len(alphas)).tolist()
    else:
        out["attention_received"] = []
    if inp.get("return_attention", False):
        out["attention"] = att_layers
    return out


# ---------------------------------------------------------------- case builders

rng = np.random.default_rng(20260601)


def mat(r, c, scale=0.5):
    return (rng.standard_normal((r, c)) * scale).tolist()


def vec(c, scale=0.2):
    return (rng.standard_normal(c) * scale).tolist()


def gnn_layer(t, din, dout, **kw):
    L = {"type": t, "weight": mat(din, dout)}
    if t == "sage":
        L["weight_neigh"] = mat(din, dout)
    if kw.pop("bias", True):
        L["bias"] = vec(dout)
    L.update(kw)
    return L


def gat_layer(heads, din, dout, **kw):
    L = {"heads": heads, "weight": [mat(din, dout) for _ in range(heads)],
         "att_src": [vec(dout, 0.5) for _ in range(heads)], "att_dst": [vec(dout, 0.5) for _ in range(heads)]}
    concat = kw.get("concat", True)
    if kw.pop("bias", True):
        L["bias"] = vec(heads * dout if concat else dout)
    L.update(kw)
    return L


cases = []


def add(kernel, name, graph, extra, reference):
    gj = load_graph(graph)
    n = gj["num_nodes"]
    d0 = np.array(extra["layers"][0]["weight"] if kernel.endswith("gnn-inference") else
                  extra["layers"][0]["weight"][0]).shape[0]
    inp = {"graph": "@" + graph, "features": extra.pop("features", mat(n, d0, 1.0))}
    inp.update(extra)
    cases.append({"name": name, "kernel": kernel, "input": inp, "expect": reference(gj, inp),
                  "atol": TOL, "rtol": TOL})


def gnn(name, graph, **extra):
    add("graph/gnn-inference", name, graph, extra, gnn_reference)


def gat(name, graph, **extra):
    add("graph/graph-attention", name, graph, extra, gat_reference)


def main():
    os.makedirs(HERE, exist_ok=True)
    # An extra fixture graph for the load rules: a self-loop (dropped; the kernels add their own)
    # and a parallel edge listed in both directions (merged, weights summed).
    with open(os.path.join(GRAPHS, "gnn_multi.json"), "w") as f:
        json.dump({"num_nodes": 5, "edges": [[0, 1], [1, 0], [1, 1], [1, 2], [2, 3], [3, 1]],
                   "weights": [1.5, 0.5, 4.0, 2.0, 0.25, 3.0], "directed": False}, f)

    # ---- gnn-inference: hand values (typed in from the spec, not computed).
    cases.append({"name": "gcn_hand_spec", "kernel": "graph/gnn-inference",
                  "input": {"graph": {"num_nodes": 2, "edges": [[0, 1]]}, "features": [[1], [0]],
                            "layers": [{"type": "gcn", "weight": [[1]], "activation": "none"}]},
                  "expect": {"embeddings": [[0.5], [0.5]]}, "atol": 1e-15, "rtol": 0})
    # Isolated node 2: its own transformed features, 2·1 + 1 = 3; nodes 0, 1: 0.5·1 + 0.5·0 + 1.
    cases.append({"name": "gcn_hand_isolated", "kernel": "graph/gnn-inference",
                  "input": {"graph": {"num_nodes": 3, "edges": [[0, 1]]}, "features": [[1], [0], [2]],
                            "layers": [{"type": "gcn", "weight": [[1]], "bias": [1]}]},
                  "expect": {"embeddings": [[1.5], [1.5], [3.0]]}, "atol": 1e-15, "rtol": 0})
    cases.append({"name": "gnn_empty", "kernel": "graph/gnn-inference",
                  "input": {"graph": {"num_nodes": 0, "edges": []}, "features": [],
                            "layers": [{"type": "gcn", "weight": [[1, 2]]}], "readout": "softmax",
                            "graph_pooling": "sum"},
                  "expect": {"embeddings": [], "probabilities": [], "predictions": [], "graph_embedding": [0, 0]},
                  "atol": 0, "rtol": 0})
    # Softmax tie: equal logits, the lowest index wins.
    cases.append({"name": "softmax_tie", "kernel": "graph/gnn-inference",
                  "input": {"graph": {"num_nodes": 1, "edges": []}, "features": [[1]],
                            "layers": [{"type": "dense", "weight": [[2, 2, 1]]}], "readout": "softmax"},
                  "expect": {"predictions": [0]}, "atol": 0, "rtol": 0})

    # ---- gnn-inference: numpy oracle.
    gnn("gcn2_karate_softmax_meanpool", "karate",
        layers=[gnn_layer("gcn", 5, 8), gnn_layer("gcn", 8, 3)], readout="softmax", graph_pooling="mean")
    gnn("gcn_lesmis_weighted", "lesmis", layers=[gnn_layer("gcn", 4, 6), gnn_layer("gcn", 6, 2)])
    gnn("gcn_lesmis_unweighted", "lesmis", layers=[gnn_layer("gcn", 4, 6), gnn_layer("gcn", 6, 2)],
        use_weights=False)
    gnn("gcn_directed_random_widen", "directed_random",
        layers=[gnn_layer("gcn", 3, 7, activation="tanh"), gnn_layer("gcn", 7, 9, activation="elu")],
        graph_pooling="sum")
    gnn("sage_mean_l2_directed_random", "directed_random",
        layers=[gnn_layer("sage", 4, 6, l2_normalize=True), gnn_layer("sage", 6, 3)], readout="sigmoid")
    gnn("sage_max_components", "components",
        layers=[gnn_layer("sage", 3, 5, aggregator="max", activation="leaky_relu"),
                gnn_layer("sage", 5, 2, aggregator="max")], graph_pooling="max")
    gnn("sage_sum_narrow_components", "components",
        layers=[gnn_layer("sage", 6, 2, aggregator="sum", activation="sigmoid")], readout="softmax")
    gnn("sage_sum_karate_widen", "karate",
        layers=[gnn_layer("sage", 2, 5, aggregator="sum", l2_normalize=True, bias=False),
                gnn_layer("sage", 5, 3, aggregator="mean", activation="relu")])
    gnn("mixed_triangle_tail_directed", "triangle_tail_directed",
        layers=[gnn_layer("dense", 3, 4), gnn_layer("gcn", 4, 4), gnn_layer("sage", 4, 2, aggregator="max")],
        readout="softmax", graph_pooling="mean")
    gnn("gcn_multi_loads", "gnn_multi", layers=[gnn_layer("gcn", 2, 2, activation="none")])
    gnn("sage_star5", "star5", layers=[gnn_layer("sage", 2, 2, aggregator="mean", activation="none")])
    gnn("gcn_path4", "path4", layers=[gnn_layer("gcn", 1, 1, bias=False)])

    # ---- graph-attention: hand values (typed in from the spec's rule: zero attention vectors
    # give uniform alpha, so the output is the mean of z over N-(v) + {v}; W = I, z = x).
    cases.append({"name": "gat_hand_uniform_path3", "kernel": "graph/graph-attention",
                  "input": {"graph": {"num_nodes": 3, "edges": [[0, 1], [1, 2]]},
                            "features": [[1, 2], [3, 4], [5, 6]],
                            "layers": [{"heads": 1, "weight": [[[1, 0], [0, 1]]], "att_src": [[0, 0]],
                                        "att_dst": [[0, 0]]}],
                            "return_attention": True},
                  "expect": {"embeddings": [[2, 3], [3, 4], [4, 5]],
                             "attention": [[[0, 0, 0.5], [1, 0, 0.5],
                                            [0, 1, 1 / 3], [1, 1, 1 / 3], [2, 1, 1 / 3],
                                            [1, 2, 0.5], [2, 2, 0.5]]],
                             "attention_received": [5 / 6, 4 / 3, 5 / 6]},
                  "atol": 1e-15, "rtol": 0})
    # No self-loops, directed 0 -> 1: node 0 has no in-neighbours (zero aggregation + bias), node
    # 1 attends only to 0 (alpha 1).
    cases.append({"name": "gat_hand_no_in_neighbours", "kernel": "graph/graph-attention",
                  "input": {"graph": {"num_nodes": 2, "edges": [[0, 1]], "directed": True},
                            "features": [[1, 2], [3, 4]],
                            "layers": [{"heads": 1, "weight": [[[1, 0], [0, 1]]], "att_src": [[0.3, -1]],
                                        "att_dst": [[2, 0.5]], "bias": [10, 20]}],
                            "add_self_loops": False, "return_attention": True},
                  "expect": {"embeddings": [[10, 20], [11, 22]], "attention": [[[0, 1, 1]]],
                             "attention_received": [1, 0]},
                  "atol": 1e-15, "rtol": 0})
    cases.append({"name": "gat_empty", "kernel": "graph/graph-attention",
                  "input": {"graph": {"num_nodes": 0, "edges": []}, "features": [],
                            "layers": [{"heads": 2, "weight": [[[1]], [[2]]], "att_src": [[1], [1]],
                                        "att_dst": [[1], [1]]}], "return_attention": True},
                  "expect": {"embeddings": [], "attention": [[]], "attention_received": []},
                  "atol": 0, "rtol": 0})

    # ---- graph-attention: numpy oracle.
    gat("gat2_karate_concat_then_mean", "karate",
        layers=[gat_layer(3, 4, 4), gat_layer(2, 12, 3, concat=False)], return_attention=True)
    gat("gat_lesmis_two_heads", "lesmis", layers=[gat_layer(2, 3, 5)])
    gat("gat_directed_random_self_loops", "directed_random",
        layers=[gat_layer(2, 4, 3, negative_slope=0.1), gat_layer(1, 6, 2)], return_attention=True)
    gat("gat_directed_random_no_self_loops", "directed_random",
        layers=[gat_layer(2, 4, 3, activation="relu"), gat_layer(2, 6, 2, concat=False)],
        add_self_loops=False, return_attention=True)
    gat("gat_components_no_self_loops", "components",
        layers=[gat_layer(2, 3, 2, concat=False, activation="tanh")], add_self_loops=False)
    gat("gat_triangle_tail_directed", "triangle_tail_directed",
        layers=[gat_layer(4, 2, 2, negative_slope=0.0, activation="leaky_relu", bias=False),
                gat_layer(1, 8, 3, activation="sigmoid")], return_attention=True)
    gat("gat_multi_loads", "gnn_multi", layers=[gat_layer(1, 2, 2)], return_attention=True)

    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "VERSIONS"), "w") as f:
        f.write("oracle: independent numpy reference in gen_gnn.py (PyG/torch not installed)\n")
        f.write(f"python {sys.version.split()[0]}\nnumpy {np.__version__}\nnetworkx {nx.__version__}\n")
    print(f"{len(cases)} cases")


if __name__ == "__main__":
    main()
