#!/usr/bin/env python3
"""Oracle cases for the centrality family: graph/degree-centrality, graph/betweenness-centrality,
graph/closeness-centrality. Reads the shared graphs in tests/data/graph/graphs/, builds the
reference graph exactly as the oracle recipe of spec/graph.md says, runs networkx and writes
tests/data/graph/centrality/cases.json (format: tests/graph/graph_test.h).

Sampled betweenness (0 < k < n) has no library oracle (networkx samples with Python's `random`
and scales differently when endpoints is false). Those cases reproduce the kernel's documented
source sample with numpy's Philox (the same bit stream as the library's ck_rng) and then sum
networkx's own single-source Brandes steps (_single_source_shortest_path_basic /
_single_source_dijkstra_path_basic + _accumulate_basic / _accumulate_endpoints) over exactly those
sources, scaled as the spec says (raw * n/k, then the exact-case rules).

Run from the repository root: python3 tests/data/graph/centrality/gen_centrality.py
(networkx 3.6.1, numpy 2.x; versions recorded in VERSIONS).
"""
import json
import os

import networkx as nx
import numpy as np
from networkx.algorithms.centrality.betweenness import (
    _accumulate_basic,
    _accumulate_endpoints,
    _single_source_dijkstra_path_basic,
    _single_source_shortest_path_basic,
)

ROOT = "tests/data/graph"
OUT = os.path.join(ROOT, "centrality")
GRAPHS = ["karate", "lesmis", "directed_random", "components", "path4", "star5", "triangle_tail_directed"]


def load(name):
    with open(os.path.join(ROOT, "graphs", name + ".json")) as f:
        return json.load(f)


def build(g):
    """The spec's oracle recipe."""
    n, edges, weights = g["num_nodes"], g["edges"], g.get("weights")
    G = nx.DiGraph() if g.get("directed", False) else nx.Graph()
    G.add_nodes_from(range(n))
    for (u, v), w in zip(edges, weights or [1.0] * len(edges)):
        if u != v:
            G.add_edge(u, v, weight=G[u][v]["weight"] + w if G.has_edge(u, v) else w)
    return G


def vec(d, n):
    return [float(d[i]) for i in range(n)]


cases = []


def case(name, kernel, graph_ref, params, expect, atol, rtol):
    inp = {"graph": graph_ref}
    inp.update(params)
    cases.append({"name": name, "kernel": kernel, "input": inp, "expect": expect, "atol": atol, "rtol": rtol})


# Small inline graphs for edge cases.
INLINE = {
    "empty": {"num_nodes": 0, "edges": []},
    "single": {"num_nodes": 1, "edges": []},
    "pair": {"num_nodes": 2, "edges": [[0, 1]]},
    "edgeless5": {"num_nodes": 5, "edges": []},
    # 0.1 + 0.2 != 0.3 in binary: the two-hop path 0-1-3 is NOT tied with the edge 0-3.
    "float_ties": {"num_nodes": 4, "edges": [[0, 1], [1, 3], [0, 3], [3, 2]], "weights": [0.1, 0.2, 0.3, 1.0]},
    # Exact ties: two paths of length 1.0 between 0 and 3 (0.5 + 0.5 and 0.25 + 0.75).
    "diamond_weighted": {"num_nodes": 5, "edges": [[0, 1], [1, 3], [0, 2], [2, 3], [3, 4]],
                         "weights": [0.5, 0.5, 0.25, 0.75, 2.0]},
}
# 70 diamonds in series: 2^70 shortest paths end to end (overflows 64-bit counts; sigma is f64).
dc_edges = []
for i in range(70):
    a, b, c, d = 3 * i, 3 * i + 1, 3 * i + 2, 3 * i + 3
    dc_edges += [[a, b], [a, c], [b, d], [c, d]]
EXTRA = {"centrality_diamond_chain": {"num_nodes": 211, "edges": dc_edges, "directed": False}}
for gname, gdata in EXTRA.items():  # an added shared graph file (never edited by make_graphs.py)
    with open(os.path.join(ROOT, "graphs", gname + ".json"), "w") as f:
        json.dump(gdata, f)
GRAPHS.append("centrality_diamond_chain")


def graph_ref(name):
    return INLINE[name] if name in INLINE else "@" + name


def graph_data(name):
    return INLINE[name] if name in INLINE else load(name)


ALL = GRAPHS + list(INLINE)

# ---------------------------------------------------------------- degree
DEG = "graph/degree-centrality"
for name in ALL:
    g = graph_data(name)
    G = build(g)
    n = G.number_of_nodes()
    directed = G.is_directed()
    dirs = ["total", "in", "out"] if directed else ["total"]
    for direction in dirs:
        for normalized in (True, False):
            for weighted in ((False, True) if "weights" in g else (False,)):
                w = "weight" if weighted else None
                if directed:
                    din = dict(G.in_degree(weight=w))
                    dout = dict(G.out_degree(weight=w))
                    tot = dict(G.degree(weight=w))
                else:
                    din = dout = tot = dict(G.degree(weight=w))
                if not weighted and normalized:
                    f = {"total": nx.degree_centrality, "in": nx.in_degree_centrality,
                         "out": nx.out_degree_centrality}[direction]
                    scores = vec(f(G), n)
                else:
                    raw = {"total": tot, "in": din, "out": dout}[direction]
                    if normalized:
                        scores = [1.0] * n if n == 1 else [raw[i] / (n - 1) for i in range(n)]
                    else:
                        scores = vec(raw, n)
                cast = float if weighted else int
                expect = {"scores": scores, "in_degree": [cast(din[i]) for i in range(n)],
                          "out_degree": [cast(dout[i]) for i in range(n)]}
                params = {"direction": direction, "normalized": normalized, "weighted": weighted}
                exact = not weighted
                case(f"{name} {direction} norm={normalized} w={weighted}", DEG, graph_ref(name), params, expect,
                     0.0 if exact else 1e-12, 0.0 if exact else 1e-12)

# Spec hand values: the star K1,4 normalized: hub 1, leaves 1/4; n = 1 gives [1.0] / [0].
case("hand star5", DEG, "@star5", {}, {"scores": [1.0, 0.25, 0.25, 0.25, 0.25]}, 0.0, 0.0)
case("hand single normalized", DEG, INLINE["single"], {}, {"scores": [1.0]}, 0.0, 0.0)
case("hand single raw", DEG, INLINE["single"], {"normalized": False}, {"scores": [0.0]}, 0.0, 0.0)
case("hand empty", DEG, INLINE["empty"], {}, {"scores": [], "in_degree": [], "out_degree": []}, 0.0, 0.0)

# ---------------------------------------------------------------- betweenness
BC = "graph/betweenness-centrality"
BC_TOL = 1e-9  # |d| <= 1e-9 * max(1, |b|)


def bc_exact(G, normalized, endpoints, weighted):
    return nx.betweenness_centrality(G, normalized=normalized, weight="weight" if weighted else None,
                                     endpoints=endpoints)


def sample_sources(n, k, seed):
    """The library's documented sample: partial Fisher-Yates of 0..n-1 with Philox4x64-10 stream 0."""
    if k == n:
        return list(range(n))
    bg = np.random.Philox(key=seed, counter=0)
    perm = list(range(n))

    def below(r):
        threshold = (2**64 - r) % r
        while True:
            x = int(bg.random_raw())
            if x >= threshold:
                return x % r

    for i in range(k):
        j = i + below(n - i)
        perm[i], perm[j] = perm[j], perm[i]
    return sorted(perm[:k])


def bc_sources(G, sources, normalized, endpoints, weighted, k_scale):
    """networkx's Brandes steps over the given sources, scaled per the spec."""
    n = G.number_of_nodes()
    b = dict.fromkeys(G, 0.0)
    for s in sources:
        if weighted:
            S, P, sigma, _ = _single_source_dijkstra_path_basic(G, s, "weight")
        else:
            S, P, sigma, _ = _single_source_shortest_path_basic(G, s)
        if endpoints:
            b, _ = _accumulate_endpoints(b, S, P, sigma, s)
        else:
            b, _ = _accumulate_basic(b, S, P, sigma, s)
    N = n if endpoints else n - 1
    if N >= 2:
        scale = 1 / (N * (N - 1)) if normalized else N / (N * (1 if G.is_directed() else 2))
        if k_scale:
            scale *= n / len(sources)
        for v in b:
            b[v] *= scale
    return vec(b, n)


for name in ALL:
    g = graph_data(name)
    G = build(g)
    n = G.number_of_nodes()
    for normalized in (True, False):
        for endpoints in (False, True):
            for weighted in ((True, False) if "weights" in g else (True,)):
                want = vec(bc_exact(G, normalized, endpoints, weighted and "weights" in g), n)
                # Self-check of the sampled-case oracle code: all sources = networkx exactly.
                mine = bc_sources(G, range(n), normalized, endpoints, weighted and "weights" in g, False)
                assert all(abs(a - b) <= 1e-12 * max(1, abs(b)) for a, b in zip(mine, want)), name
                params = {"normalized": normalized, "endpoints": endpoints, "use_weights": weighted}
                case(f"{name} norm={normalized} ep={endpoints} w={weighted}", BC, graph_ref(name), params,
                     {"scores": want}, BC_TOL, BC_TOL)
    # k = n equals the exact result.
    if n > 0:
        want = vec(bc_exact(G, True, False, "weights" in g), n)
        case(f"{name} k=n", BC, graph_ref(name), {"k": n, "seed": 5}, {"scores": want}, BC_TOL, BC_TOL)

# Sampled runs: our documented sample + networkx's per-source steps.
for name, k, seed, normalized, endpoints, weighted in [
    ("karate", 10, 7, True, False, True),
    ("karate", 1, 3, False, False, True),
    ("karate", 33, 42, False, True, True),
    ("lesmis", 20, 42, True, False, True),
    ("lesmis", 20, 42, False, True, False),
    ("directed_random", 17, 2026, True, False, True),
    ("directed_random", 25, 1, False, True, True),
    ("components", 6, 99, False, False, True),
    ("centrality_diamond_chain", 100, 123456789, True, False, True),
]:
    g = graph_data(name)
    G = build(g)
    src = sample_sources(G.number_of_nodes(), k, seed)
    want = bc_sources(G, src, normalized, endpoints, weighted and "weights" in g, True)
    params = {"k": k, "seed": seed, "normalized": normalized, "endpoints": endpoints, "use_weights": weighted}
    case(f"{name} sampled k={k} seed={seed} norm={normalized} ep={endpoints} w={weighted}", BC, graph_ref(name),
         params, {"scores": want}, BC_TOL, BC_TOL)

# Spec hand values: the path 0-1-2-3.
case("hand path4 normalized", BC, "@path4", {}, {"scores": [0.0, 2 / 3, 2 / 3, 0.0]}, 1e-15, 0.0)
case("hand path4 raw", BC, "@path4", {"normalized": False}, {"scores": [0.0, 2.0, 2.0, 0.0]}, 0.0, 0.0)
case("hand n<=2 zeros", BC, INLINE["pair"], {}, {"scores": [0.0, 0.0]}, 0.0, 0.0)
case("hand single", BC, INLINE["single"], {"endpoints": True}, {"scores": [0.0]}, 0.0, 0.0)
case("hand empty", BC, INLINE["empty"], {}, {"scores": []}, 0.0, 0.0)
case("hand empty k=0", BC, INLINE["empty"], {"k": 0}, {"scores": []}, 0.0, 0.0)

# ---------------------------------------------------------------- closeness
CL = "graph/closeness-centrality"
CL_TOL = 1e-12

for name in ALL:
    g = graph_data(name)
    G = build(g)
    n = G.number_of_nodes()
    directed = G.is_directed()
    for direction in ("in", "out"):
        # "out" = networkx on G.reverse(); the same graph when undirected.
        H = G.reverse(copy=True) if direction == "out" and directed else G
        for weighted in ((True, False) if "weights" in g else (True,)):
            dist = "weight" if weighted and "weights" in g else None
            for wf in (True, False):
                want = vec(nx.closeness_centrality(H, distance=dist, wf_improved=wf), n)
                params = {"variant": "classic", "wf_improved": wf, "direction": direction, "use_weights": weighted}
                case(f"{name} classic wf={wf} {direction} w={weighted}", CL, graph_ref(name), params,
                     {"scores": want}, CL_TOL, CL_TOL)
            h = nx.harmonic_centrality(H, distance=dist)
            for normalized in (False, True):
                want = [float(h[i]) / (n - 1) if normalized and n > 1 else float(h[i]) for i in range(n)]
                params = {"variant": "harmonic", "normalized": normalized, "direction": direction,
                          "use_weights": weighted}
                case(f"{name} harmonic norm={normalized} {direction} w={weighted}", CL, graph_ref(name), params,
                     {"scores": want}, CL_TOL, CL_TOL)

# Spec hand values: the star K1,4 gives hub 1.0 and leaves 4/7; n = 1 gives [0].
case("hand star5", CL, "@star5", {}, {"scores": [1.0, 4 / 7, 4 / 7, 4 / 7, 4 / 7]}, 1e-15, 0.0)
case("hand single", CL, INLINE["single"], {}, {"scores": [0.0]}, 0.0, 0.0)
case("hand single harmonic", CL, INLINE["single"], {"variant": "harmonic", "normalized": True}, {"scores": [0.0]},
     0.0, 0.0)
case("hand isolated", CL, INLINE["edgeless5"], {}, {"scores": [0.0] * 5}, 0.0, 0.0)
case("hand empty", CL, INLINE["empty"], {}, {"scores": []}, 0.0, 0.0)

with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump(cases, f, indent=None, separators=(",", ":"))
    f.write("\n")
with open(os.path.join(OUT, "VERSIONS"), "w") as f:
    f.write(f"networkx {nx.__version__}\nnumpy {np.__version__}\n")
print(f"{len(cases)} cases")
