#!/usr/bin/env python3
"""Oracle cases for graph/shortest-path (tests/graph/test_paths.c).

Reads the shared graphs in tests/data/graph/graphs/, builds the reference graph exactly as the
oracle recipe of spec/graph.md says, and computes the expected values:
  distances     nx.single_source_dijkstra_path_length(G, s, weight=)
  predecessors  min(nx.dijkstra_predecessor_and_distance(G, s, weight=)[0][v]); hops along them
  k paths       islice(nx.shortest_simple_paths(G, s, t, weight=), ...) with nx.path_weight lengths;
                networkx orders equal lengths arbitrarily, so the generator is read on past the
                k-th length until the length grows (every tie is then known) and the paths are
                ordered by the spec's rule (length, hops, node sequence) before taking k
  APSP          scipy.sparse.csgraph.shortest_path(A, directed=), inf -> null
Hand values of the spec are typed in as separate cases. Writes tests/data/graph/paths/cases.json.

Run from the repository root: python3 tests/data/graph/paths/gen_paths.py
(networkx 3.6.1, scipy 1.17)
"""
import json
import math
import os
from itertools import islice

import networkx as nx
import numpy as np
import scipy
from scipy.sparse.csgraph import shortest_path

GRAPHS = "tests/data/graph/graphs"
OUT = "tests/data/graph/paths"


def load(name):
    with open(os.path.join(GRAPHS, name + ".json")) as f:
        return json.load(f)


def build(g):
    """The spec's oracle recipe."""
    n, edges, directed = g["num_nodes"], g["edges"], g.get("directed", False)
    weights = g.get("weights")
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(n))
    for (u, v), w in zip(edges, weights or [1.0] * len(edges)):
        if u != v:
            G.add_edge(u, v, weight=G[u][v]["weight"] + w if G.has_edge(u, v) else w)
    return G


def single_source(G, s, weight):
    n = G.number_of_nodes()
    dist = nx.single_source_dijkstra_path_length(G, s, weight=weight)
    preds, _ = nx.dijkstra_predecessor_and_distance(G, s, weight=weight)
    pred = [min(preds[v]) if preds.get(v) else -1 for v in range(n)]
    hops = [None] * n
    for v in sorted(dist, key=lambda x: dist[x]):  # a predecessor is strictly closer
        hops[v] = 0 if v == s else hops[pred[v]] + 1
    distances = [float(dist[v]) if v in dist else None for v in range(n)]
    return {"distances": distances, "hops": hops, "predecessors": pred,
            "eccentricity": float(max(dist.values())), "reachable": len(dist)}


def tree_path(res, t):
    if res["distances"][t] is None:
        return None
    nodes = [t]
    while res["predecessors"][nodes[-1]] >= 0:
        nodes.append(res["predecessors"][nodes[-1]])
    nodes.reverse()
    return {"nodes": nodes, "length": res["distances"][t], "hops": len(nodes) - 1}


def k_paths(G, s, t, k, weight):
    """The first k paths in the spec's order (length, hops, node sequence)."""
    plen = (lambda p: float(nx.path_weight(G, p, weight))) if weight else (lambda p: float(len(p) - 1))
    try:
        gen = nx.shortest_simple_paths(G, s, t, weight=weight)
        got = []
        for p in gen:
            L = plen(p)
            if len(got) >= k and L > got[k - 1][0]:
                break
            got.append((L, len(p) - 1, p))
    except nx.NetworkXNoPath:
        return []
    got.sort(key=lambda x: (x[0], x[1], x[2]))
    return [{"nodes": p, "length": L, "hops": h} for L, h, p in got[:k]]


def nx_lengths(G, s, t, k, weight):
    """The multiset check of the spec: lengths of islice(shortest_simple_paths, k)."""
    try:
        return sorted(float(nx.path_weight(G, p, weight)) if weight else float(len(p) - 1)
                      for p in islice(nx.shortest_simple_paths(G, s, t, weight=weight), k))
    except nx.NetworkXNoPath:
        return []


def apsp(G, use_weights):
    n = G.number_of_nodes()
    A = nx.to_scipy_sparse_array(G, nodelist=range(n), weight="weight" if use_weights else None, format="csr")
    D = shortest_path(A, directed=G.is_directed(), unweighted=not use_weights)
    data = [None if math.isinf(x) else float(x) for x in np.asarray(D).ravel()]
    return {"n_rows": n, "n_cols": n, "data": data}


def main():
    cases = []
    K = "graph/shortest-path"

    def add(name, graph, params, expect, atol=0.0, rtol=0.0):
        inp = {"graph": graph}
        inp.update(params)
        cases.append({"name": name, "kernel": K, "input": inp, "expect": expect, "atol": atol, "rtol": rtol})

    # (graph, sources, targets with k, weighted?)
    plan = [
        ("path4", [0, 2], [(3, 3)]),
        ("star5", [0, 3], [(4, 2)]),
        ("karate", [0, 16, 33], [(33, 10), (26, 25)]),
        ("lesmis", [0, 11, 48], [(76, 10), (30, 20)]),
        ("directed_random", [0, 5, 3], [(40, 10), (59, 30)]),
        ("components", [0, 3, 12, 17], [(6, 5), (14, 8)]),
        ("triangle_tail_directed", [0, 1, 2], [(1, 3)]),
    ]
    for name, sources, targets in plan:
        g = load(name)
        G = build(g)
        weight_modes = [True, False] if "weights" in g else [True]
        for use_w in weight_modes:
            weight = "weight" if use_w and "weights" in g else None
            exact = weight is None or all(float(x).is_integer() for x in g["weights"])
            tol = 0.0 if exact else 1e-12
            tag = "" if use_w else " unweighted"
            for s in sources:
                res = single_source(G, s, weight)
                add(f"{name}{tag} from {s}", "@" + name, {"source": s, "use_weights": use_w},
                    dict(res, path=None, paths=[]), atol=0.0, rtol=tol)
                for t, k in targets:
                    exp = dict(res)
                    exp["path"] = tree_path(res, t)
                    exp["paths"] = k_paths(G, s, t, k, weight)
                    # The spec's multiset check agrees with the ordered list.
                    ref = nx_lengths(G, s, t, k, weight)
                    assert len(ref) == len(exp["paths"]), (name, s, t)
                    assert all(abs(a - b["length"]) <= 1e-9 for a, b in zip(ref, exp["paths"])), (name, s, t)
                    add(f"{name}{tag} {s}->{t} k={k}", "@" + name,
                        {"source": s, "target": t, "k_paths": k, "use_weights": use_w}, exp, rtol=tol)
            add(f"{name}{tag} all pairs", "@" + name, {"all_pairs": True, "use_weights": use_w},
                {"matrix": apsp(G, use_w and "weights" in g)}, rtol=tol)

    # Spec hand value, typed in: P4 from node 0 gives distances [0, 1, 2, 3].
    add("hand P4 from 0", "@path4", {"source": 0},
        {"distances": [0.0, 1.0, 2.0, 3.0], "hops": [0, 1, 2, 3], "predecessors": [-1, 0, 1, 2],
         "eccentricity": 3.0, "reachable": 4, "path": None, "paths": []})
    # Ties: two shortest routes 0-1-3 and 0-2-3: predecessor of 3 is the smaller id 1; the k
    # paths tie on length and hops and go by node sequence.
    diamond = {"num_nodes": 4, "edges": [[0, 2], [2, 3], [0, 1], [1, 3]]}
    add("hand diamond ties", diamond, {"source": 0, "target": 3, "k_paths": 5},
        {"distances": [0.0, 1.0, 1.0, 2.0], "predecessors": [-1, 0, 0, 1],
         "path": {"nodes": [0, 1, 3], "length": 2.0, "hops": 2},
         "paths": [{"nodes": [0, 1, 3], "length": 2.0, "hops": 2}, {"nodes": [0, 2, 3], "length": 2.0, "hops": 2}]})
    # Equal length, fewer hops first: 0-3 (3) vs 0-1-2-3 (1+1+1).
    hops_tie = {"num_nodes": 4, "edges": [[0, 1], [1, 2], [2, 3], [0, 3]], "weights": [1, 1, 1, 3]}
    G = build(hops_tie)
    add("hand equal length fewer hops first", hops_tie, {"source": 0, "target": 3, "k_paths": 3},
        {"distances": [0.0, 1.0, 2.0, 3.0], "predecessors": [-1, 0, 1, 0], "hops": [0, 1, 2, 1],
         "paths": [{"nodes": [0, 3], "length": 3.0, "hops": 1}, {"nodes": [0, 1, 2, 3], "length": 3.0, "hops": 3}]})
    assert [p["nodes"] for p in k_paths(G, 0, 3, 3, "weight")] == [[0, 3], [0, 1, 2, 3]]
    # Weighted detour: a cheap long path beats a short heavy edge; weights merged from parallel edges.
    detour = {"num_nodes": 5, "edges": [[0, 4], [0, 1], [1, 2], [2, 3], [3, 4], [0, 4]], "weights": [5, 1, 1, 1, 1, 2]}
    G = build(detour)
    res = single_source(G, 0, "weight")
    add("weighted detour, parallel edges merged", detour, {"source": 0, "target": 4, "k_paths": 4},
        dict(res, path=tree_path(res, 4), paths=k_paths(G, 0, 4, 4, "weight")))
    # Edge cases: n = 1, edgeless, unreachable target, source = target, n = 0 with all_pairs.
    add("n = 1", {"num_nodes": 1, "edges": []}, {"source": 0, "target": 0, "k_paths": 3, "all_pairs": True},
        {"distances": [0.0], "hops": [0], "predecessors": [-1], "eccentricity": 0.0, "reachable": 1,
         "path": {"nodes": [0], "length": 0.0, "hops": 0}, "paths": [{"nodes": [0], "length": 0.0, "hops": 0}],
         "matrix": {"n_rows": 1, "n_cols": 1, "data": [0.0]}})
    add("edgeless", {"num_nodes": 3, "edges": []}, {"source": 1, "target": 2, "k_paths": 2},
        {"distances": [None, 0.0, None], "hops": [None, 0, None], "predecessors": [-1, -1, -1],
         "eccentricity": 0.0, "reachable": 1, "path": None, "paths": []})
    add("unreachable target (components)", "@components", {"source": 0, "target": 19, "k_paths": 3},
        {"path": None, "paths": [], "reachable": 3, "eccentricity": 1.0})
    add("unreachable target against direction", "@directed_random", {"source": 3, "target": 0},
        {"path": None, "paths": [], "reachable": 1})
    add("n = 0 all pairs", {"num_nodes": 0, "edges": []}, {"all_pairs": True},
        {"matrix": {"n_rows": 0, "n_cols": 0, "data": []}})
    add("all pairs with a source", "@path4", {"all_pairs": True, "source": 3},
        {"distances": [3.0, 2.0, 1.0, 0.0], "matrix": apsp(build(load("path4")), False)})

    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "VERSIONS"), "w") as f:
        f.write(f"networkx {nx.__version__}\nscipy {scipy.__version__}\nnumpy {np.__version__}\n")
    print(f"{len(cases)} cases")


if __name__ == "__main__":
    main()
