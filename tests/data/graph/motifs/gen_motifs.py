#!/usr/bin/env python3
"""Oracle cases for the graph motif family (graph/triangle-counting, graph/motif-detection,
graph/k-clique, graph/cycle-participation).

Reads the shared graphs tests/data/graph/graphs/*.json, writes two extra graphs of its own there
(motifs_gnm_undirected, motifs_gnm_directed: big enough for the kernels' parallel paths, with
reciprocal arcs), builds the reference graphs exactly as the oracle recipe of spec/graph.md says,
runs networkx and writes tests/data/graph/motifs/cases.json in the format documented at the top of
tests/graph/graph_test.h. The spec's hand values are added as cases with their values typed in
from the spec.

Run from the repository root: python3 tests/data/graph/motifs/gen_motifs.py  (networkx 3.6.1)
"""
import json
import os
import random
from itertools import combinations

import networkx as nx

GRAPHS = "tests/data/graph/graphs"
OUT = "tests/data/graph/motifs/cases.json"

TRIADS = ["003", "012", "102", "021D", "021U", "021C", "111D", "111U", "030T", "030C", "201", "120D",
          "120U", "120C", "210", "300"]


def load(name):
    with open(os.path.join(GRAPHS, name + ".json")) as f:
        return json.load(f)


def build(g):
    """The oracle recipe of spec/graph.md."""
    n, edges, directed = g["num_nodes"], g["edges"], g.get("directed", False)
    weights = g.get("weights")
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(n))
    for (u, v), w in zip(edges, weights or [1.0] * len(edges)):
        if u != v:
            G.add_edge(u, v, weight=G[u][v]["weight"] + w if G.has_edge(u, v) else w)
    return G


def skeleton(G):
    return nx.Graph(G.to_undirected())


def write_graph(name, n, edges, weights=None, directed=False):
    g = {"num_nodes": n, "edges": [[int(u), int(v)] for u, v in edges], "directed": directed}
    if weights is not None:
        g["weights"] = [float(w) for w in weights]
    with open(os.path.join(GRAPHS, name + ".json"), "w") as f:
        json.dump(g, f)
    return g


def extra_graphs():
    rng = random.Random(7)
    # Undirected G(n, m) with a planted K6 (so 4- and 5-cliques exist) and a few self-loops.
    n = 120
    es = set()
    while len(es) < 900:
        u, v = rng.randrange(n), rng.randrange(n)
        if u != v:
            es.add((min(u, v), max(u, v)))
    for u, v in combinations(range(10, 16), 2):
        es.add((u, v))
    es = sorted(es) + [(3, 3)]
    write_graph("motifs_gnm_undirected", n, es)
    # Directed, with many reciprocal pairs, weights, and a few parallel arcs.
    n = 70
    arcs = []
    for _ in range(420):
        u, v = rng.randrange(n), rng.randrange(n)
        if u == v:
            continue
        arcs.append((u, v))
        if rng.random() < 0.3:
            arcs.append((v, u))
    arcs += arcs[:5]  # parallel arcs: merged, weights summed
    write_graph("motifs_gnm_directed", n, arcs, [round(rng.uniform(0.1, 5.0), 3) for _ in arcs], directed=True)


# ---------------------------------------------------------------- inline hand graphs

def complete(n):
    return {"num_nodes": n, "edges": [[u, v] for u, v in combinations(range(n), 2)]}


C4 = {"num_nodes": 4, "edges": [[0, 1], [1, 2], [2, 3], [3, 0]]}
K4, K5 = complete(4), complete(5)
TRIAD_HAND = {"num_nodes": 4, "edges": [[0, 1], [1, 2], [2, 0], [0, 2], [3, 0]], "directed": True}
CYCLE_HAND = {"num_nodes": 3, "edges": [[0, 1], [1, 2], [2, 0], [2, 1]], "directed": True}
DAG = {"num_nodes": 5, "edges": [[0, 1], [1, 2], [0, 2], [2, 3], [3, 4], [1, 4]], "directed": True}
EMPTY = {"num_nodes": 0, "edges": []}
SINGLE = {"num_nodes": 1, "edges": []}
PAIR = {"num_nodes": 2, "edges": [[0, 1]]}
EDGELESS = {"num_nodes": 5, "edges": []}


# ---------------------------------------------------------------- oracles

def tri_expect(g):
    S = skeleton(build(g))
    t = nx.triangles(S)
    return {"per_node": [t[u] for u in range(g["num_nodes"])], "total": sum(t.values()) // 3,
            "transitivity": float(nx.transitivity(S))}


def census_expect(g):
    G = build(g)
    D = G if g.get("directed", False) else G.to_directed()
    c = nx.triadic_census(D)
    n = g["num_nodes"]
    e = {"census": {k: c[k] for k in TRIADS}, "total_triads": n * (n - 1) * (n - 2) // 6}
    if not g.get("directed", False):
        e["undirected"] = {"empty": c["003"], "one_edge": c["102"], "open_wedge": c["201"], "triangle": c["300"]}
    return e


def clique_expect(g, k, mode, max_cliques):
    Gu = skeleton(build(g))
    if mode == "exact":
        cl = sorted(tuple(sorted(c)) for c in nx.enumerate_all_cliques(Gu) if len(c) == k)
    else:
        cl = sorted(tuple(sorted(c)) for c in nx.find_cliques(Gu) if len(c) >= k)
    per = [0] * g["num_nodes"]
    for c in cl:
        for u in c:
            per[u] += 1
    return {"count": len(cl), "cliques": [list(c) for c in cl[:max_cliques]], "truncated": len(cl) > max_cliques,
            "per_node": per}


def risk(c, L, crit=4, med=3, low=3):
    c2 = c[0]
    c3 = c[1] if L >= 3 else 0
    c4 = sum(c[2:])
    if c4 >= crit:
        return "critical"
    if c4 >= 1:
        return "high"
    if c3 >= med:
        return "medium"
    if c3 >= 1 or c2 >= low:
        return "low"
    return "baseline"


def cycle_expect(g, L, use_weights=True, **thr):
    G = build(g)
    n = g["num_nodes"]
    W = L - 1
    counts = [[0] * W for _ in range(n)]
    value = [0.0] * n
    totals = [0] * W
    for c in nx.simple_cycles(G, length_bound=L):
        ln = len(c)
        if ln < 2:
            continue
        ws = [G[c[i]][c[(i + 1) % ln]]["weight"] for i in range(ln)] if g.get("weights") else [1.0]
        m = min(ws)
        totals[ln - 2] += 1
        for u in c:
            counts[u][ln - 2] += 1
            value[u] += m
    deg = dict(G.out_degree()) if g.get("directed", False) else dict(G.degree())
    e = {"counts": counts, "totals": totals,
         "cycle_ratio": [sum(counts[u]) / max(1, deg[u]) for u in range(n)],
         "risk": [risk(counts[u], L, **thr) for u in range(n)], "truncated": False}
    if use_weights:
        e["cycle_value"] = value
    return e


def main():
    extra_graphs()
    cases = []

    def add(name, kernel, inp, expect, atol=0.0, rtol=0.0):
        cases.append({"name": name, "kernel": kernel, "input": inp, "expect": expect, "atol": atol, "rtol": rtol})

    shared = ["karate", "lesmis", "directed_random", "components", "path4", "star5", "triangle_tail_directed",
              "motifs_gnm_undirected", "motifs_gnm_directed"]

    # graph/triangle-counting
    T = "graph/triangle-counting"
    for name in shared:
        add(name, T, {"graph": "@" + name}, tri_expect(load(name)), atol=1e-12)
    for name, g in [("empty", EMPTY), ("single", SINGLE), ("pair", PAIR), ("edgeless", EDGELESS), ("C4", C4),
                    ("K5", K5)]:
        add(name, T, {"graph": g}, tri_expect(g), atol=1e-12)
    # Spec hand values: K4 gives 3 per node and total 4; C4 gives 0.
    add("hand K4", T, {"graph": K4}, {"per_node": [3, 3, 3, 3], "total": 4, "transitivity": 1.0})
    add("hand C4", T, {"graph": C4}, {"per_node": [0, 0, 0, 0], "total": 0, "transitivity": 0.0})

    # graph/motif-detection
    M = "graph/motif-detection"
    for name in shared:
        add(name, M, {"graph": "@" + name}, census_expect(load(name)))
    for name, g in [("empty", EMPTY), ("single", SINGLE), ("pair", PAIR), ("edgeless", EDGELESS), ("K4", K4),
                    ("cycle hand graph", CYCLE_HAND), ("DAG", DAG)]:
        add(name, M, {"graph": g}, census_expect(g))
    hand = {k: 0 for k in TRIADS}
    hand.update({"012": 1, "021C": 1, "111D": 1, "120C": 1})
    add("hand triads", M, {"graph": TRIAD_HAND}, {"census": hand, "total_triads": 4})

    # graph/k-clique
    K = "graph/k-clique"
    for name, k, mode, mc in [("karate", 2, "exact", 10000), ("karate", 3, "exact", 10000),
                              ("karate", 4, "exact", 10000), ("karate", 5, "exact", 10000),
                              ("karate", 6, "exact", 10000), ("lesmis", 3, "exact", 25),
                              ("lesmis", 5, "exact", 10000), ("lesmis", 9, "exact", 7),
                              ("directed_random", 3, "exact", 10000), ("components", 3, "exact", 10000),
                              ("motifs_gnm_undirected", 3, "exact", 100), ("motifs_gnm_undirected", 4, "exact", 0),
                              ("motifs_gnm_undirected", 6, "exact", 10000), ("motifs_gnm_directed", 3, "exact", 50),
                              ("karate", 2, "maximal", 10000), ("karate", 3, "maximal", 10000),
                              ("karate", 5, "maximal", 10000), ("lesmis", 2, "maximal", 10000),
                              ("lesmis", 4, "maximal", 5), ("directed_random", 2, "maximal", 10000),
                              ("components", 2, "maximal", 10000), ("motifs_gnm_undirected", 3, "maximal", 40),
                              ("motifs_gnm_directed", 2, "maximal", 10000), ("star5", 2, "maximal", 10000),
                              ("path4", 5, "exact", 10000)]:
        add("%s k=%d %s max=%d" % (name, k, mode, mc), K,
            {"graph": "@" + name, "k": k, "mode": mode, "max_cliques": mc}, clique_expect(load(name), k, mode, mc))
    for name, g, k, mode in [("empty", EMPTY, 3, "exact"), ("single", SINGLE, 2, "exact"),
                             ("single maximal", SINGLE, 2, "maximal"), ("pair", PAIR, 2, "exact"),
                             ("edgeless", EDGELESS, 2, "maximal"), ("k > n", K4, 5, "exact"),
                             ("K5 k=5", K5, 5, "exact"), ("K5 maximal", K5, 3, "maximal")]:
        add(name, K, {"graph": g, "k": k, "mode": mode}, clique_expect(g, k, mode, 10000))
    # Spec hand values: K4 with k=3 gives 4 cliques and per_node 3; K5 with k=3 gives 10.
    add("hand K4 k=3", K, {"graph": K4, "k": 3},
        {"count": 4, "cliques": [[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]], "truncated": False,
         "per_node": [3, 3, 3, 3]})
    add("hand K5 k=3", K, {"graph": K5, "k": 3}, {"count": 10, "per_node": [6, 6, 6, 6, 6]})

    # graph/cycle-participation
    C = "graph/cycle-participation"
    for name, L in [("directed_random", 2), ("directed_random", 4), ("directed_random", 6),
                    ("motifs_gnm_directed", 3), ("motifs_gnm_directed", 5), ("triangle_tail_directed", 3),
                    ("karate", 3), ("karate", 4), ("karate", 5), ("lesmis", 4), ("components", 6),
                    ("motifs_gnm_undirected", 4), ("path4", 6), ("star5", 3)]:
        add("%s L=%d" % (name, L), C, {"graph": "@" + name, "max_length": L}, cycle_expect(load(name), L),
            atol=1e-9, rtol=1e-12)
    add("directed_random L=4 unweighted", C, {"graph": "@directed_random", "max_length": 4, "use_weights": False},
        cycle_expect(load("directed_random"), 4, use_weights=False))
    thr = {"crit": 2, "med": 1, "low": 1}
    add("motifs_gnm_directed L=4 thresholds", C,
        {"graph": "@motifs_gnm_directed", "max_length": 4, "critical_min": 2, "medium_min_triangles": 1,
         "low_min_reciprocal": 1}, cycle_expect(load("motifs_gnm_directed"), 4, **thr), atol=1e-9, rtol=1e-12)
    for name, g, L in [("empty", EMPTY, 4), ("single", SINGLE, 3), ("edgeless", EDGELESS, 5), ("DAG", DAG, 6),
                       ("K5", K5, 6)]:
        add(name, C, {"graph": g, "max_length": L}, cycle_expect(g, L), atol=1e-12)
    # Truncation: karate has far more than 10 cycles of length <= 5.
    add("karate truncated", C, {"graph": "@karate", "max_length": 5, "max_cycles": 10}, {"truncated": True})
    # Spec hand values.
    add("hand C4", C, {"graph": C4, "max_length": 4},
        {"counts": [[0, 0, 1]] * 4, "totals": [0, 0, 1], "risk": ["high"] * 4})
    add("hand K4", C, {"graph": K4, "max_length": 4}, {"counts": [[0, 3, 3]] * 4, "totals": [0, 4, 3]})
    add("hand directed", C, {"graph": CYCLE_HAND, "max_length": 3},
        {"counts": [[0, 1], [1, 1], [1, 1]], "totals": [1, 1]})

    with open(OUT, "w") as f:
        json.dump(cases, f, indent=None, separators=(",", ":"))
        f.write("\n")
    with open(os.path.join(os.path.dirname(OUT), "VERSIONS"), "w") as f:
        f.write("networkx %s\n" % nx.__version__)
        import sys
        f.write("python %s\n" % sys.version.split()[0])
    print("%d cases" % len(cases))


if __name__ == "__main__":
    main()
