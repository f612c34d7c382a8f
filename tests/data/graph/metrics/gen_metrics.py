#!/usr/bin/env python3
"""Oracle cases for the graph metrics family (graph/density, graph/average-path-length,
graph/clustering-coefficient, graph/connected-components, graph/full-metrics).

Reads the shared graphs tests/data/graph/graphs/*.json, writes three extra graphs of its own there
(metrics_gnm_undirected, metrics_gnm_directed, metrics_sparse: big enough for the kernels' parallel
paths), builds the reference graphs exactly as the oracle recipe of spec/graph.md says, runs
networkx (and scipy for components) and writes tests/data/graph/metrics/cases.json in the format of
tests/graph/graph_test.h, and VERSIONS.

Run from the repository root: python3 tests/data/graph/metrics/gen_metrics.py
"""
import json
import math
import os
import random
import sys

import networkx as nx
import numpy as np
import scipy
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components as sp_cc

GRAPHS = "tests/data/graph/graphs"
OUT = "tests/data/graph/metrics"
RTOL = 1e-12
ATOL = 1e-14


def load(name):
    with open(os.path.join(GRAPHS, name + ".json")) as f:
        return json.load(f)


def build(g):
    """The oracle recipe: self-loops dropped, parallel edges merged with summed weights."""
    directed = g.get("directed", False)
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(g["num_nodes"]))
    ws = g.get("weights") or [1.0] * len(g["edges"])
    for (u, v), w in zip(g["edges"], ws):
        if u != v:
            G.add_edge(u, v, weight=G[u][v]["weight"] + w if G.has_edge(u, v) else w)
    return G


def skeleton(G):
    """The undirected skeleton: direction ignored, reciprocal arcs merged (weights summed)."""
    S = nx.Graph()
    S.add_nodes_from(G.nodes())
    for u, v, d in G.edges(data=True):
        w = d.get("weight", 1.0)
        if S.has_edge(u, v):
            S[u][v]["weight"] += w
        else:
            S.add_edge(u, v, weight=w)
    return S


def write_graph(name, n, edges, weights=None, directed=False):
    g = {"num_nodes": n, "edges": [[int(u), int(v)] for u, v in edges], "directed": directed}
    if weights is not None:
        g["weights"] = [float(w) for w in weights]
    with open(os.path.join(GRAPHS, name + ".json"), "w") as f:
        json.dump(g, f)


def make_graphs():
    rng = random.Random(4242)
    # Undirected G(n, m), weighted: n + 2m >= 20000 reaches the parallel paths.
    n, m = 2000, 10000
    es = set()
    while len(es) < m:
        u, v = rng.randrange(n), rng.randrange(n)
        if u != v:
            es.add((min(u, v), max(u, v)))
    es = sorted(es)
    write_graph("metrics_gnm_undirected", n, es, [round(rng.uniform(0.5, 3.0), 3) for _ in es])
    # Directed G(n, m), weighted, with some reciprocal arcs.
    arcs = set()
    while len(arcs) < m:
        u, v = rng.randrange(n), rng.randrange(n)
        if u != v:
            arcs.add((u, v))
            if rng.random() < 0.2:
                arcs.add((v, u))
    arcs = sorted(arcs)
    write_graph("metrics_gnm_directed", n, arcs, [round(rng.uniform(0.5, 3.0), 3) for _ in arcs], directed=True)
    # Sparse undirected graph with many components (average degree ~1.2).
    n, m = 12000, 7000
    es = set()
    while len(es) < m:
        u, v = rng.randrange(n), rng.randrange(n)
        if u != v:
            es.add((min(u, v), max(u, v)))
    write_graph("metrics_sparse", n, sorted(es))


# ---------------------------------------------------------------- oracles

def density(G):
    return {"density": float(nx.density(G)), "num_nodes": G.number_of_nodes(), "num_edges": G.number_of_edges()}


_PATH_CACHE = {}


def path_stats(G, weighted, sources=None):
    """Reachable-pairs statistics from `sources` (default: every node); memoised per graph."""
    key = (id(G), weighted, None if sources is None else tuple(sources))
    if key not in _PATH_CACHE:
        _PATH_CACHE[key] = _path_stats(G, weighted, sources)
    return _PATH_CACHE[key]


def _path_stats(G, weighted, sources):
    n = G.number_of_nodes()
    if sources is None:
        sources = list(G.nodes())
    lengths, invs, diam = [], [], 0.0
    for s in sources:
        if weighted:
            dist = nx.single_source_dijkstra_path_length(G, s, weight="weight")
        else:
            dist = nx.single_source_shortest_path_length(G, s)
        for t, d in dist.items():
            if t != s:
                lengths.append(d)
                invs.append(1.0 / d)
                diam = max(diam, d)
    count = len(lengths)
    # Correctly rounded sums (math.fsum): networkx's plain float sums drift by ~1e-12 relative on
    # millions of pairs; the kernel sums exactly (hops) or compensated (lengths, 1/d).
    avg = math.fsum(lengths) / count if count else 0.0
    eff = math.fsum(invs) / (len(sources) * (n - 1)) if n > 1 and count else 0.0
    return avg, float(diam), eff, count


def is_conn(G):
    if G.number_of_nodes() == 0:
        return False
    return nx.is_strongly_connected(G) if G.is_directed() else nx.is_connected(G)


def apl(G, weighted):
    n = G.number_of_nodes()
    avg, diam, eff, count = path_stats(G, weighted)
    conn = is_conn(G)
    if conn and 1 < n <= 200:
        # The spec's primary oracle on connected input agrees (its float sum is not compensated).
        ref = nx.average_shortest_path_length(G, weight="weight" if weighted else None)
        assert abs(ref - avg) <= 1e-11 * abs(ref), (ref, avg)
    if not G.is_directed() and not weighted and 1 < n <= 200:
        ref = nx.global_efficiency(G)
        assert abs(ref - eff) <= 1e-11 * abs(ref) + 1e-15, (ref, eff)
    return {"average_path_length": float(avg), "diameter": diam, "efficiency": float(eff),
            "reachable_pairs": count, "sources": n, "is_connected": conn}


def philox_uniforms(seed, stream=0):
    """ck_rng_uniform of stream `stream` of `seed` (see include/ckernels/rng.h)."""
    bg = np.random.Philox(key=seed, counter=stream << 64)
    while True:
        for w in bg.random_raw(64):
            w = int(w)
            top = w >> 11
            if top == (1 << 53) - 1:
                yield 1.0 - 2.0 ** -53
            else:
                yield (top + 0.5) * 2.0 ** -53


def sampled_sources(n, k, seed):
    """The partial Fisher-Yates sample of the C code: j = i + min(floor(u (n - i)), n - i - 1)."""
    perm = list(range(n))
    us = philox_uniforms(seed)
    for i in range(k):
        left = n - i
        j = int(next(us) * left)
        if j >= left:
            j = left - 1
        perm[i], perm[i + j] = perm[i + j], perm[i]
    return sorted(perm[:k])


def apl_sampled(G, weighted, k, seed):
    n = G.number_of_nodes()
    src = sampled_sources(n, k, seed) if 0 < k < n else None
    avg, diam, eff, count = path_stats(G, weighted, src)
    src = src if src is not None else range(n)
    return {"average_path_length": float(avg), "diameter": diam, "efficiency": float(eff),
            "reachable_pairs": count, "sources": len(src), "is_connected": is_conn(G)}


def clustering(G, use_weights, directed_mode="directed", count_zeros=True):
    H = G
    if G.is_directed() and directed_mode == "undirected":
        H = skeleton(G)
    wt = "weight" if use_weights else None
    local = nx.clustering(H, weight=wt)
    n = G.number_of_nodes()
    if n:
        if count_zeros or any(abs(c) > 0 for c in local.values()):
            avg = nx.average_clustering(H, weight=wt, count_zeros=count_zeros)
        else:
            avg = 0.0  # networkx divides by zero here; the spec says 0
    else:
        avg = 0.0
    S = skeleton(G) if G.is_directed() else G
    trans = nx.transitivity(nx.Graph(S)) if n else 0.0
    tri = sum(nx.triangles(S).values()) // 3 if n else 0
    return {"local": [float(local[v]) for v in range(n)], "average": float(avg), "transitivity": float(trans),
            "triangles": tri}


def canonical(comps, n):
    labels = [-1] * n
    order = sorted((min(c), c) for c in comps)
    for lab, (_, c) in enumerate(order):
        for v in c:
            labels[v] = lab
    return labels


def components(G, mode):
    n = G.number_of_nodes()
    if not G.is_directed():
        comps = list(nx.connected_components(G))
    elif mode == "weak":
        comps = list(nx.weakly_connected_components(G))
    else:
        comps = list(nx.strongly_connected_components(G))
    labels = canonical(comps, n)
    # scipy agrees (after the same canonical relabelling).
    if n:
        A = nx.to_scipy_sparse_array(G, nodelist=range(n), weight=None, format="csr")
        k, lab = sp_cc(A, directed=G.is_directed(), connection="strong" if mode == "strong" else "weak")
        groups = {}
        for v, l in enumerate(lab):
            groups.setdefault(int(l), []).append(v)
        assert canonical(list(groups.values()), n) == labels
        assert k == len(comps)
    sizes = [0] * len(comps)
    for l in labels:
        sizes[l] += 1
    return {"labels": labels, "num_components": len(comps), "sizes": sizes,
            "largest_component_size": max(sizes) if sizes else 0, "is_connected": len(comps) == 1}


def full(G, use_weights=False, k=0, seed=42):
    n = G.number_of_nodes()
    out = {"num_nodes": n, "num_edges": G.number_of_edges(), "density": float(nx.density(G))}
    p = apl_sampled(G, use_weights and nx.is_weighted(G), k, seed) if n else {"average_path_length": 0.0, "diameter": 0.0,
                                                         "efficiency": 0.0}
    for key in ("average_path_length", "diameter", "efficiency"):
        out[key] = p[key]
    if n:
        out["average_clustering"] = float(nx.average_clustering(G))
        S = skeleton(G) if G.is_directed() else G
        out["transitivity"] = float(nx.transitivity(nx.Graph(S)))
        out["triangles"] = sum(nx.triangles(S).values()) // 3
        ncomp = nx.number_weakly_connected_components(G) if G.is_directed() else nx.number_connected_components(G)
        comps = nx.weakly_connected_components(G) if G.is_directed() else nx.connected_components(G)
        out["num_components"] = ncomp
        out["largest_component_size"] = max(len(c) for c in comps)
        out["is_connected"] = ncomp == 1
        degs = [d for _, d in G.degree()]
        out["degree_min"], out["degree_max"] = min(degs), max(degs)
        out["degree_mean"] = float(sum(degs) / n)
        if G.is_directed():
            out["is_strongly_connected"] = nx.is_strongly_connected(G)
            out["reciprocity"] = float(nx.reciprocity(G)) if G.number_of_edges() else 0.0
    else:
        out.update({"average_clustering": 0.0, "transitivity": 0.0, "triangles": 0, "num_components": 0,
                    "largest_component_size": 0, "is_connected": False, "degree_min": 0, "degree_max": 0,
                    "degree_mean": 0.0})
    return out


# ---------------------------------------------------------------- cases

def main():
    make_graphs()
    cases = []

    def case(name, kernel, graph, expect, rtol=RTOL, atol=ATOL, **params):
        inp = {"graph": graph}
        inp.update(params)
        cases.append({"name": name, "kernel": kernel, "input": inp, "expect": expect, "atol": atol, "rtol": rtol})

    shared = ["karate", "lesmis", "directed_random", "components", "path4", "star5", "triangle_tail_directed"]
    G = {name: build(load(name)) for name in shared + ["metrics_gnm_undirected", "metrics_gnm_directed",
                                                       "metrics_sparse"]}
    K4 = {"num_nodes": 4, "edges": [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]}
    EMPTY = {"num_nodes": 0, "edges": []}
    ONE = {"num_nodes": 1, "edges": []}
    EDGELESS = {"num_nodes": 5, "edges": []}
    TWO_TRI = {"num_nodes": 6, "edges": [[0, 1], [1, 2], [0, 2], [2, 3], [3, 4], [4, 5], [3, 5]]}

    # graph/density — hand values, then nx.density
    case("density K4 (hand)", "graph/density", K4, {"density": 1.0, "num_nodes": 4, "num_edges": 6})
    case("density P4 (hand)", "graph/density", "@path4", {"density": 0.5, "num_nodes": 4, "num_edges": 3})
    case("density n=0", "graph/density", EMPTY, {"density": 0.0, "num_nodes": 0, "num_edges": 0})
    case("density n=1", "graph/density", ONE, {"density": 0.0, "num_nodes": 1, "num_edges": 0})
    for name in ["karate", "lesmis", "directed_random", "components", "star5", "triangle_tail_directed"]:
        case("density " + name, "graph/density", "@" + name, density(G[name]))

    # graph/average-path-length
    A = "graph/average-path-length"
    case("apl P4 (hand)", A, "@path4", {"average_path_length": 5 / 3, "diameter": 3.0, "efficiency": 13 / 18,
                                         "reachable_pairs": 12, "is_connected": True})
    case("apl K4 (hand)", A, K4, {"average_path_length": 1.0, "diameter": 1.0, "efficiency": 1.0,
                                  "reachable_pairs": 12, "is_connected": True})
    zero = {"average_path_length": 0.0, "diameter": 0.0, "efficiency": 0.0, "reachable_pairs": 0}
    case("apl n=0", A, EMPTY, dict(zero, is_connected=False))
    case("apl n=1", A, ONE, dict(zero, is_connected=True))
    case("apl edgeless", A, EDGELESS, dict(zero, is_connected=False))
    case("apl karate", A, "@karate", apl(G["karate"], False))
    case("apl karate error mode (connected)", A, "@karate", apl(G["karate"], False), disconnected="error")
    case("apl lesmis weighted", A, "@lesmis", apl(G["lesmis"], True))
    case("apl lesmis unweighted", A, "@lesmis", apl(G["lesmis"], False), use_weights=False)
    case("apl directed_random weighted", A, "@directed_random", apl(G["directed_random"], True))
    case("apl directed_random unweighted", A, "@directed_random", apl(G["directed_random"], False),
         use_weights=False)
    case("apl components", A, "@components", apl(G["components"], False))
    case("apl star5", A, "@star5", apl(G["star5"], False))
    case("apl triangle_tail_directed", A, "@triangle_tail_directed", apl(G["triangle_tail_directed"], False))
    case("apl gnm undirected unweighted", A, "@metrics_gnm_undirected", apl(G["metrics_gnm_undirected"], False),
         use_weights=False)
    case("apl gnm undirected weighted", A, "@metrics_gnm_undirected", apl(G["metrics_gnm_undirected"], True))
    case("apl gnm directed unweighted", A, "@metrics_gnm_directed", apl(G["metrics_gnm_directed"], False),
         use_weights=False)
    case("apl gnm directed weighted", A, "@metrics_gnm_directed", apl(G["metrics_gnm_directed"], True))
    # seeded source samples (the sample is reproduced with numpy's Philox)
    case("apl karate sample 10 seed 7", A, "@karate", apl_sampled(G["karate"], False, 10, 7),
         sample_sources=10, seed=7)
    case("apl lesmis weighted sample 20", A, "@lesmis", apl_sampled(G["lesmis"], True, 20, 42), sample_sources=20)
    case("apl directed_random sample 25 seed 3", A, "@directed_random",
         apl_sampled(G["directed_random"], False, 25, 3), use_weights=False, sample_sources=25, seed=3)
    case("apl gnm sample 150 seed 11", A, "@metrics_gnm_undirected",
         apl_sampled(G["metrics_gnm_undirected"], False, 150, 11), use_weights=False, sample_sources=150, seed=11)
    case("apl karate sample >= n", A, "@karate", apl(G["karate"], False), sample_sources=34)

    # graph/clustering-coefficient
    C = "graph/clustering-coefficient"
    case("clustering K4 (hand)", C, K4, {"local": [1.0] * 4, "average": 1.0, "transitivity": 1.0, "triangles": 4})
    case("clustering P4 (hand)", C, "@path4", {"local": [0.0] * 4, "average": 0.0, "transitivity": 0.0,
                                               "triangles": 0})
    case("clustering P4 count_zeros=false (all zero: 0)", C, "@path4",
         {"local": [0.0] * 4, "average": 0.0, "transitivity": 0.0, "triangles": 0}, count_zeros=False)
    case("clustering two triangles (hand)", C, TWO_TRI,
         {"local": [1.0, 1.0, 1 / 3, 1 / 3, 1.0, 1.0], "average": 7 / 9, "transitivity": 0.6, "triangles": 2})
    case("clustering n=0", C, EMPTY, {"local": [], "average": 0.0, "transitivity": 0.0, "triangles": 0})
    case("clustering n=1", C, ONE, {"local": [0.0], "average": 0.0, "transitivity": 0.0, "triangles": 0})
    case("clustering karate", C, "@karate", clustering(G["karate"], False))
    case("clustering karate count_zeros=false", C, "@karate", clustering(G["karate"], False, count_zeros=False),
         count_zeros=False)
    case("clustering lesmis", C, "@lesmis", clustering(G["lesmis"], False))
    case("clustering lesmis weighted", C, "@lesmis", clustering(G["lesmis"], True), use_weights=True)
    case("clustering lesmis weighted count_zeros=false", C, "@lesmis",
         clustering(G["lesmis"], True, count_zeros=False), use_weights=True, count_zeros=False)
    case("clustering components", C, "@components", clustering(G["components"], False))
    case("clustering star5", C, "@star5", clustering(G["star5"], False))
    for nm in ["directed_random", "triangle_tail_directed", "metrics_gnm_directed"]:
        for w in (False, True):
            for mode in ("directed", "undirected"):
                case("clustering %s %s%s" % (nm, mode, " weighted" if w else ""), C, "@" + nm,
                     clustering(G[nm], w, mode), use_weights=w, directed_mode=mode)
    case("clustering directed_random count_zeros=false", C, "@directed_random",
         clustering(G["directed_random"], False, count_zeros=False), count_zeros=False)
    case("clustering gnm undirected", C, "@metrics_gnm_undirected", clustering(G["metrics_gnm_undirected"], False))
    case("clustering gnm undirected weighted", C, "@metrics_gnm_undirected",
         clustering(G["metrics_gnm_undirected"], True), use_weights=True)

    # graph/connected-components
    CC = "graph/connected-components"
    case("components n=0", CC, EMPTY, {"labels": [], "num_components": 0, "sizes": [], "largest_component_size": 0,
                                       "is_connected": False})
    case("components n=1", CC, ONE, {"labels": [0], "num_components": 1, "sizes": [1], "largest_component_size": 1,
                                     "is_connected": True})
    case("components edgeless", CC, EDGELESS, {"labels": [0, 1, 2, 3, 4], "num_components": 5, "sizes": [1] * 5,
                                               "largest_component_size": 1, "is_connected": False})
    for nm in ["components", "karate", "lesmis", "path4", "metrics_sparse", "metrics_gnm_undirected"]:
        case("components " + nm, CC, "@" + nm, components(G[nm], "weak"))
    case("components components strong (undirected: same)", CC, "@components", components(G["components"], "weak"),
         mode="strong")
    for nm in ["directed_random", "triangle_tail_directed", "metrics_gnm_directed"]:
        for mode in ("weak", "strong"):
            case("components %s %s" % (nm, mode), CC, "@" + nm, components(G[nm], mode), mode=mode)

    # graph/full-metrics
    F = "graph/full-metrics"
    case("full K4 (hand)", F, K4, {"num_nodes": 4, "num_edges": 6, "density": 1.0, "average_path_length": 1.0,
                                   "diameter": 1.0, "num_components": 1, "average_clustering": 1.0,
                                   "is_connected": True})
    case("full n=0", F, EMPTY, full(build(EMPTY)))
    for nm in ["karate", "lesmis", "directed_random", "components", "triangle_tail_directed", "star5",
               "metrics_gnm_directed"]:
        case("full " + nm, F, "@" + nm, full(G[nm]))
    case("full lesmis use_weights", F, "@lesmis", full(G["lesmis"], use_weights=True), use_weights=True)
    case("full directed_random use_weights", F, "@directed_random", full(G["directed_random"], use_weights=True),
         use_weights=True)
    case("full karate sample 10 seed 7", F, "@karate", full(G["karate"], k=10, seed=7), sample_sources=10, seed=7)

    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "VERSIONS"), "w") as f:
        f.write("python %s\nnetworkx %s\nscipy %s\nnumpy %s\n" % (sys.version.split()[0], nx.__version__,
                                                                   scipy.__version__, np.__version__))
    print("%d cases" % len(cases))


if __name__ == "__main__":
    main()
