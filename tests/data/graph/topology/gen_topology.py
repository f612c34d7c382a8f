#!/usr/bin/env python3
"""Oracle cases for graph/degree-ratio and graph/star-topology (tests/graph/test_topology.c).

Reads the shared graphs in tests/data/graph/graphs/, builds the reference graph exactly as the
oracle recipe of spec/graph.md says, and computes the expected values with networkx:
  degree-ratio:  G.in_degree(weight=) / G.out_degree(weight=) plus the spec's formulas
  star-topology: 1 - nx.clustering(nx.Graph(G.to_undirected()), u), leaf fraction and in_share
                 from the degrees, hubs sorted by the spec's rule
Hand values of the spec are typed in as separate cases. Writes tests/data/graph/topology/cases.json.

Run from the repository root: python3 tests/data/graph/topology/gen_topology.py  (networkx 3.6.1)
"""
import json
import os

import networkx as nx

GRAPHS = "tests/data/graph/graphs"
OUT = "tests/data/graph/topology"


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


def directed_copy(g):
    """An undirected fixture read as a directed graph (each listed edge u -> v)."""
    d = dict(g)
    d["directed"] = True
    return d


def degree_ratio(G, use_weights, lo=0.2, hi=0.8):
    w = "weight" if use_weights else None
    din = dict(G.in_degree(weight=w))
    dout = dict(G.out_degree(weight=w))
    res = {k: [] for k in ("in", "out", "share", "ratio", "pass_through", "role")}
    counts = {"source": 0, "sink": 0, "balanced": 0, "isolated": 0}
    for u in range(G.number_of_nodes()):
        i, o = din[u], dout[u]
        if not use_weights:
            i, o = int(i), int(o)
        t = i + o
        share = i / t if t > 0 else None
        ratio = i / o if o > 0 else None
        pt = 2 * min(i, o) / t if t > 0 else None
        if t == 0:
            role = "isolated"
        elif share >= hi:
            role = "sink"
        elif share <= lo:
            role = "source"
        else:
            role = "balanced"
        counts[role] += 1
        res["in"].append(i if not use_weights else float(i))
        res["out"].append(o if not use_weights else float(o))
        res["share"].append(share)
        res["ratio"].append(ratio)
        res["pass_through"].append(pt)
        res["role"].append(role)
    res["role_counts"] = counts
    return res


def star(G, min_degree=3, min_score=0.9, top_k=100):
    S = nx.Graph(G.to_undirected())
    n = G.number_of_nodes()
    clus = nx.clustering(S)
    spokes, score, leaf, typ = [], [], [], []
    for u in range(n):
        k = S.degree(u)
        spokes.append(k)
        if k < min_degree:
            score.append(0.0)
            leaf.append(0.0)
            typ.append("none")
            continue
        score.append(1 - clus[u])
        leaf.append(sum(1 for v in S[u] if S.degree(v) == 1) / k)
        if not G.is_directed():
            typ.append("undirected")
        else:
            ai, ao = G.in_degree(u), G.out_degree(u)
            s = ai / (ai + ao)
            typ.append("in_star" if s >= 0.9 else "out_star" if s <= 0.1 else "mixed")
    hubs = [u for u in range(n) if spokes[u] >= min_degree and score[u] >= min_score]
    hubs.sort(key=lambda u: (-spokes[u], -score[u], u))
    if top_k > 0:
        hubs = hubs[:top_k]
    return {"spokes": spokes, "star_score": score, "leaf_fraction": leaf, "type": typ,
            "hubs": [[u, spokes[u], score[u], leaf[u], typ[u]] for u in hubs]}


def main():
    cases = []

    def add(name, kernel, graph, params, expect, atol=0.0, rtol=0.0):
        inp = {"graph": graph}
        inp.update(params)
        cases.append({"name": name, "kernel": kernel, "input": inp, "expect": expect, "atol": atol, "rtol": rtol})

    # ---- graph/degree-ratio (directed graphs only)
    dr = "graph/degree-ratio"
    directed_graphs = {
        "directed_random": ("@directed_random", load("directed_random")),
        "triangle_tail_directed": ("@triangle_tail_directed", load("triangle_tail_directed")),
        "lesmis_as_directed": (directed_copy(load("lesmis")), directed_copy(load("lesmis"))),
        "components_as_directed": (directed_copy(load("components")), directed_copy(load("components"))),
        "karate_as_directed": (directed_copy(load("karate")), directed_copy(load("karate"))),
    }
    for name, (ref, g) in directed_graphs.items():
        G = build(g)
        add(f"{name} degrees", dr, ref, {}, degree_ratio(G, False))
        if "weights" in g:
            add(f"{name} strengths", dr, ref, {"use_weights": True}, degree_ratio(G, True), atol=1e-12, rtol=1e-12)
        add(f"{name} thresholds 0.4/0.6", dr, ref, {"source_threshold": 0.4, "sink_threshold": 0.6},
            degree_ratio(G, False, 0.4, 0.6))
    # Weights present but unused: degrees.
    G = build(load("directed_random"))
    add("directed_random weights ignored", dr, "@directed_random", {"use_weights": False}, degree_ratio(G, False))
    # Spec hand values, typed in: out-star 0 -> 1..4: hub s = 0 (source), leaves sinks.
    out_star = {"num_nodes": 5, "edges": [[0, 1], [0, 2], [0, 3], [0, 4]], "directed": True}
    add("hand out-star", dr, out_star, {},
        {"in": [0, 1, 1, 1, 1], "out": [4, 0, 0, 0, 0], "share": [0.0, 1.0, 1.0, 1.0, 1.0],
         "ratio": [0.0, None, None, None, None], "pass_through": [0.0, 0.0, 0.0, 0.0, 0.0],
         "role": ["source", "sink", "sink", "sink", "sink"],
         "role_counts": {"source": 1, "sink": 4, "balanced": 0, "isolated": 0}})
    # A star with both directions: hub s = 0.5 (balanced), pass_through 1.
    both = {"num_nodes": 5, "edges": [[0, 1], [0, 2], [0, 3], [0, 4], [1, 0], [2, 0], [3, 0], [4, 0]], "directed": True}
    add("hand two-way star", dr, both, {},
        {"in": [4, 1, 1, 1, 1], "out": [4, 1, 1, 1, 1], "share": [0.5] * 5, "ratio": [1.0] * 5,
         "pass_through": [1.0] * 5, "role": ["balanced"] * 5,
         "role_counts": {"source": 0, "sink": 0, "balanced": 5, "isolated": 0}})
    # Edge cases: n = 0, n = 1, edgeless, exact threshold ties (share 0.8 and 0.2 with 4:1 flows).
    add("n = 0", dr, {"num_nodes": 0, "edges": [], "directed": True}, {},
        {"in": [], "out": [], "share": [], "ratio": [], "pass_through": [], "role": [],
         "role_counts": {"source": 0, "sink": 0, "balanced": 0, "isolated": 0}})
    add("n = 1", dr, {"num_nodes": 1, "edges": [], "directed": True}, {},
        {"in": [0], "out": [0], "share": [None], "ratio": [None], "pass_through": [None], "role": ["isolated"],
         "role_counts": {"source": 0, "sink": 0, "balanced": 0, "isolated": 1}})
    four_one = {"num_nodes": 6, "edges": [[1, 0], [0, 2], [3, 4], [4, 5]], "weights": [4.0, 1.0, 1.0, 4.0],
                "directed": True}
    G = build(four_one)
    add("threshold ties 4:1 strengths", dr, four_one, {"use_weights": True}, degree_ratio(G, True))
    # Self-loop dropped (meta warning), parallel arcs merged.
    loopy = {"num_nodes": 3, "edges": [[0, 0], [0, 1], [0, 1], [2, 1]], "weights": [5.0, 1.0, 2.0, 0.5], "directed": True}
    add("self-loop and parallel arcs", dr, loopy, {"use_weights": True}, degree_ratio(build(loopy), True))

    # ---- graph/star-topology
    st = "graph/star-topology"
    for name in ("karate", "lesmis", "directed_random", "components", "star5", "triangle_tail_directed", "path4"):
        g = load(name)
        G = build(g)
        add(f"{name} defaults", st, "@" + name, {}, star(G), atol=1e-12)
        add(f"{name} min_degree 1 min_score 0 top_k 0", st, "@" + name,
            {"min_degree": 1, "min_score": 0.0, "top_k": 0}, star(G, 1, 0.0, 0), atol=1e-12)
    G = build(load("karate"))
    add("karate min_score 0.5 top_k 3", st, "@karate", {"min_score": 0.5, "top_k": 3}, star(G, 3, 0.5, 3), atol=1e-12)
    G = build(load("lesmis"))
    add("lesmis min_degree 5 min_score 0.7 top_k 5", st, "@lesmis", {"min_degree": 5, "min_score": 0.7, "top_k": 5},
        star(G, 5, 0.7, 5), atol=1e-12)
    G = build(load("directed_random"))
    add("directed_random min_degree 4 min_score 0.8", st, "@directed_random", {"min_degree": 4, "min_score": 0.8},
        star(G, 4, 0.8, 100), atol=1e-12)
    # Spec hand values, typed in: out-star 0 -> 1..4 gives score 1, leaf fraction 1, out_star.
    add("hand out-star", st, out_star, {},
        {"spokes": [4, 1, 1, 1, 1], "star_score": [1.0, 0.0, 0.0, 0.0, 0.0], "leaf_fraction": [1.0, 0.0, 0.0, 0.0, 0.0],
         "type": ["out_star", "none", "none", "none", "none"], "hubs": [[0, 4, 1.0, 1.0, "out_star"]]})
    # Adding the edge 1 -> 2 gives score 5/6 and leaf fraction 1/2.
    plus = {"num_nodes": 5, "edges": [[0, 1], [0, 2], [0, 3], [0, 4], [1, 2]], "directed": True}
    add("hand out-star plus 1->2", st, plus, {"min_score": 0.5},
        {"spokes": [4, 2, 2, 1, 1], "star_score": [5 / 6, 0.0, 0.0, 0.0, 0.0], "leaf_fraction": [0.5, 0.0, 0.0, 0.0, 0.0],
         "type": ["out_star", "none", "none", "none", "none"], "hubs": [[0, 4, 5 / 6, 0.5, "out_star"]]}, atol=1e-12)
    # Fan-in collector: in_star; a mixed hub; reciprocal arcs count once as spokes.
    fan_in = {"num_nodes": 12, "edges": [[i, 0] for i in range(1, 11)] + [[0, 11]], "directed": True}
    add("fan-in collector (10 in, 1 out)", st, fan_in, {}, star(build(fan_in)), atol=1e-12)
    mixed = {"num_nodes": 5, "edges": [[0, 1], [1, 0], [0, 2], [3, 0], [4, 0]], "directed": True}
    add("mixed hub with a reciprocal pair", st, mixed, {}, star(build(mixed)), atol=1e-12)
    # Ties in the hub order: equal spokes and scores sort by node id.
    twin = {"num_nodes": 8, "edges": [[0, 1], [0, 2], [0, 3], [4, 5], [4, 6], [4, 7]]}
    add("tied hubs by node id", st, twin, {}, star(build(twin)), atol=0.0)
    add("n = 0", st, {"num_nodes": 0, "edges": []}, {},
        {"spokes": [], "star_score": [], "leaf_fraction": [], "type": [], "hubs": []})
    add("n = 1", st, {"num_nodes": 1, "edges": []}, {"min_degree": 1, "min_score": 0.0},
        {"spokes": [0], "star_score": [0.0], "leaf_fraction": [0.0], "type": ["none"], "hubs": []})

    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "VERSIONS"), "w") as f:
        f.write(f"networkx {nx.__version__}\n")
    print(f"{len(cases)} cases")


if __name__ == "__main__":
    main()
