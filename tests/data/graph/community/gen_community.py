#!/usr/bin/env python3
"""Oracle cases for the community family: graph/modularity-score, graph/louvain-community,
graph/label-propagation. Writes tests/data/graph/community/cases.json (format: tests/graph/graph_test.h).

Run from the repository root: python3 tests/data/graph/community/gen_community.py
(networkx 3.6.1, python-igraph 1.0, numpy 2.x; versions are recorded in VERSIONS).

Oracles (spec/graph.md):
- modularity-score: nx.community.modularity (checked against igraph Graph.modularity), tolerance 1e-12;
  the per-community rows are L_c and L_c/m - gamma K_out K_in norm from networkx's degree data.
- louvain-community: the spec pins the sweep order and the tie rule (networkx itself shuffles nodes
  and breaks ties by neighbour order), so the expected partitions come from `louvain_spec` below,
  an independent transcription of the spec's algorithm in Python that performs the floating-point
  operations in the documented order (docs/kernels/graph-community.md). Every partition it gives is
  checked here against the spec's oracle: its modularity is nx.community.modularity's (the value
  stored in the case, 1e-12), no two adjacent communities can be merged to raise Q by more than the
  threshold, and the spec's hand values (two triangles: Q = 5/14; karate, weights ignored, order
  "index": 4 communities, Q = 49/117) hold.
- label-propagation semi_sync: nx.community.label_propagation_communities(nx.Graph(G)) exactly.
"""
import json
import os
import random
from fractions import Fraction

import igraph
import networkx as nx
import numpy as np

HERE = "tests/data/graph/community"
GRAPHS = "tests/data/graph/graphs"


def load(name):
    with open(os.path.join(GRAPHS, name + ".json")) as f:
        return json.load(f)


def nx_graph(g):
    """The oracle recipe of spec/graph.md."""
    directed = g.get("directed", False)
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(g["num_nodes"]))
    ws = g.get("weights") or [1.0] * len(g["edges"])
    for (u, v), w in zip(g["edges"], ws):
        if u != v:
            G.add_edge(u, v, weight=G[u][v]["weight"] + w if G.has_edge(u, v) else w)
    return G


def canonical(groups, n):
    """Label array from a list of node sets: groups numbered by their smallest node."""
    lab = [None] * n
    order = sorted((min(s) for s in groups))
    idx = {m: i for i, m in enumerate(order)}
    for s in groups:
        k = idx[min(s)]
        for u in s:
            lab[u] = k
    assert all(x is not None for x in lab)
    return lab


def groups_of(labels):
    d = {}
    for u, l in enumerate(labels):
        d.setdefault(l, set()).add(u)
    return [d[k] for k in sorted(d)]


def nx_modularity(G, labels, use_weights, gamma):
    if G.size(weight="weight" if use_weights else None) == 0:
        return 0.0  # m = 0: Q = 0 by the spec's convention (networkx divides by zero)
    q = nx.community.modularity(G, groups_of(labels), weight="weight" if use_weights else None, resolution=gamma)
    # igraph agrees (it has no directed resolution quirks for these inputs).
    ig = igraph.Graph(n=G.number_of_nodes(), edges=list(G.edges()), directed=G.is_directed())
    w = [d["weight"] for _, _, d in G.edges(data=True)] if use_weights else None
    qi = ig.modularity(canonical(groups_of(labels), len(labels)), weights=w, resolution=gamma, directed=G.is_directed())
    assert abs(q - qi) < 1e-12, (q, qi)
    return q


# ---------------------------------------------------------------- the spec's Louvain, transcribed

class InputGraph:
    """The input after the load rules: sorted rows, merged weights (as the library stores it)."""

    def __init__(self, g, use_weights=True):
        n = g["num_nodes"]
        directed = g.get("directed", False)
        weighted = g.get("weights") is not None and use_weights
        ws = g.get("weights") or [1.0] * len(g["edges"])
        arcs = {}
        for (u, v), w in zip(g["edges"], ws):
            if u == v:
                continue
            w = float(w) if weighted else 1.0
            keys = [(u, v)] if directed else [(u, v), (v, u)]
            for k in keys:
                arcs[k] = arcs[k] + w if k in arcs else w
        self.n, self.directed = n, directed
        self.out = [[] for _ in range(n)]
        self.inn = [[] for _ in range(n)]
        for (u, v), w in sorted(arcs.items()):
            self.out[u].append((v, w))
        for (u, v), w in sorted(arcs.items(), key=lambda t: (t[0][1], t[0][0])):
            self.inn[v].append((u, w))
        for r in self.inn:
            r.sort()


def row_sum(row):
    s = 0.0
    for _, w in row:
        s += w
    return s


def modularity_spec(G, label, k, gamma):
    """cki_comm_modularity, operation for operation."""
    n = G.n
    ko = [row_sum(G.out[u]) for u in range(n)]
    ki = [row_sum(G.inn[u]) for u in range(n)] if G.directed else ko
    own = []
    for u in range(n):
        s = 0.0
        for v, w in G.out[u]:
            if label[v] == label[u]:
                s += w
        own.append(s)
    Ko, Ki, L = [0.0] * k, [0.0] * k, [0.0] * k
    deg_sum = 0.0
    for u in range(n):
        c = label[u]
        Ko[c] += ko[u]
        if G.directed:
            Ki[c] += ki[u]
        L[c] += own[u]
        deg_sum += ko[u]
    m = deg_sum if G.directed else deg_sum / 2
    if not m > 0:
        return 0.0
    norm = 1 / (m * m) if G.directed else 1 / (deg_sum * deg_sum)
    total = 0.0
    for c in range(k):
        lc = L[c] if G.directed else L[c] / 2
        kin = Ki[c] if G.directed else Ko[c]
        total += lc / m - gamma * Ko[c] * kin * norm
    return total


def permutation(n, seed, stream):
    """cki_comm_permutation: Fisher-Yates on Philox words (numpy's Philox = the library's)."""
    perm = list(range(n))
    if n < 2:
        return perm
    bits = np.random.Philox(key=seed, counter=stream << 64)
    words = bits.random_raw(n - 1)
    for t, i in enumerate(range(n - 1, 0, -1)):
        j = (int(words[t]) * (i + 1)) >> 64
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def louvain_spec(G, gamma=1.0, threshold=1e-7, order="index", seed=42, max_levels=0):
    n, directed = G.n, G.directed
    ko = [row_sum(G.out[u]) for u in range(n)]
    ki = [row_sum(G.inn[u]) for u in range(n)] if directed else ko
    # level rows: neighbours != u with w(u->v) + w(v->u) (directed) or w(u,v)
    if directed:
        rows = []
        for u in range(n):
            d = {}
            for v, w in G.out[u]:
                d[v] = w
            for v, w in G.inn[u]:
                d[v] = d[v] + w if v in d else w
            rows.append(sorted(d.items()))
    else:
        rows = [list(r) for r in G.out]
    deg_sum = 0.0
    for u in range(n):
        deg_sum += ko[u]
    m = deg_sum if directed else deg_sum / 2
    label = list(range(n))
    if n == 0 or not m > 0:
        return dict(labels=label, nc=n, q=0.0, levels=0, hierarchy=[], converged=True)
    q = modularity_spec(G, label, n, gamma)
    levels, hierarchy, nc = 0, [], n
    c2m, cm = gamma / (2.0 * m), gamma / m
    while True:
        if max_levels and levels >= max_levels:
            return dict(labels=label, nc=nc, q=q, levels=levels, hierarchy=hierarchy, converged=False)
        nL = len(rows)
        comm = list(range(nL))
        tot = ko[:]
        tin = ki[:]
        seq = permutation(nL, seed, levels) if order == "random" else range(nL)
        moved = False
        while True:
            moves = 0
            for u in seq:
                c0 = comm[u]
                acc, touched = {}, []
                for v, w in rows[u]:
                    c = comm[v]
                    if c in acc:
                        acc[c] = acc[c] + w
                    else:
                        acc[c] = w
                        touched.append(c)
                w0 = acc.get(c0, 0.0)
                best, bc = 0.0, c0
                if directed:
                    kuo, kui = ko[u], ki[u]
                    t0o, t0i = tot[c0] - kuo, tin[c0] - kui
                    tot[c0], tin[c0] = t0o, t0i
                    cko, cki = kuo * cm, kui * cm
                    for c in touched:
                        if c == c0:
                            continue
                        gain = (acc[c] - w0) - (cko * (tin[c] - t0i) + cki * (tot[c] - t0o))
                        if gain > best or (gain == best and best > 0 and c < bc):
                            best, bc = gain, c
                    tot[bc] += kuo
                    tin[bc] += kui
                else:
                    ku = ko[u]
                    t0 = tot[c0] - ku
                    tot[c0] = t0
                    ck = ku * c2m
                    for c in touched:
                        if c == c0:
                            continue
                        gain = (acc[c] - w0) - ck * (tot[c] - t0)
                        if gain > best or (gain == best and best > 0 and c < bc):
                            best, bc = gain, c
                    tot[bc] += ku
                if bc != c0:
                    comm[u] = bc
                    moves += 1
            if moves == 0:
                break
            moved = True
        if not moved and levels > 0:
            return dict(labels=label, nc=nc, q=q, levels=levels, hierarchy=hierarchy, converged=True)
        first, nmap = {}, []
        for u in range(nL):
            if comm[u] not in first:
                first[comm[u]] = len(first)
            nmap.append(first[comm[u]])
        nc = len(first)
        label = [nmap[l] for l in label]
        qn = modularity_spec(G, label, nc, gamma)
        gain, q = qn - q, qn
        levels += 1
        hierarchy.append(label[:])
        if gain <= threshold:
            return dict(labels=label, nc=nc, q=q, levels=levels, hierarchy=hierarchy, converged=True)
        # aggregate
        members = [[] for _ in range(nc)]
        for u in range(nL):
            members[nmap[u]].append(u)
        nko, nki, nrows = [], [], []
        for c in range(nc):
            so, si = 0.0, 0.0
            acc = {}
            for u in members[c]:
                so += ko[u]
                if directed:
                    si += ki[u]
            for u in members[c]:
                for v, w in rows[u]:
                    d = nmap[v]
                    if d == c:
                        continue
                    acc[d] = acc[d] + w if d in acc else w
            nko.append(so)
            nki.append(si)
            nrows.append(sorted(acc.items()))
        ko, ki, rows = nko, (nki if directed else nko), nrows


def check_louvain(Gnx, res, use_weights, gamma, threshold):
    """The spec's oracle on a partition: nx modularity, final-level optimality."""
    lab = res["labels"]
    q = nx_modularity(Gnx, lab, use_weights, gamma)
    assert abs(q - res["q"]) <= 1e-12, (q, res["q"])
    wkey = "weight" if use_weights else None
    if Gnx.size(weight=wkey) == 0:
        return q
    wkey = "weight" if use_weights else None
    directed = Gnx.is_directed()
    m = Gnx.size(weight=wkey)
    kc_out, kc_in, wab = {}, {}, {}
    for u in Gnx:
        c = lab[u]
        if directed:
            kc_out[c] = kc_out.get(c, 0) + Gnx.out_degree(u, weight=wkey)
            kc_in[c] = kc_in.get(c, 0) + Gnx.in_degree(u, weight=wkey)
        else:
            kc_out[c] = kc_out.get(c, 0) + Gnx.degree(u, weight=wkey)
    for u, v, d in Gnx.edges(data=True):
        a, b = lab[u], lab[v]
        if a != b:
            key = (min(a, b), max(a, b))
            wab[key] = wab.get(key, 0) + (d["weight"] if use_weights else 1)
    for (a, b), w in wab.items():
        if directed:
            dq = w / m - gamma * (kc_out[a] * kc_in[b] + kc_out[b] * kc_in[a]) / m**2
        else:
            dq = w / m - gamma * kc_out[a] * kc_out[b] / (2 * m * m)
        assert dq <= threshold + 1e-12, ("merge raises Q", a, b, dq)
    return q


# ---------------------------------------------------------------- cases

cases = []


def add(name, kernel, inp, expect, atol=1e-12):
    cases.append({"name": name, "kernel": kernel, "input": inp, "expect": expect, "atol": atol, "rtol": 0})


TWO_TRI = {"num_nodes": 6, "edges": [[0, 1], [1, 2], [0, 2], [3, 4], [4, 5], [3, 5], [2, 3]]}


def graph_ref(name):
    return "@" + name if isinstance(name, str) else name


def graph_obj(name):
    return load(name) if isinstance(name, str) else name


def modularity_cases():
    # Hand values on the two triangles.
    G = nx_graph(TWO_TRI)
    add("modularity/two_triangles_split", "graph/modularity-score",
        {"graph": TWO_TRI, "communities": [0, 0, 0, 1, 1, 1]},
        {"modularity": 5 / 14,
         "communities": [
             {"label": 0, "size": 3, "internal_weight": 3.0, "contribution": 3 / 7 - (7 / 14) ** 2},
             {"label": 1, "size": 3, "internal_weight": 3.0, "contribution": 3 / 7 - (7 / 14) ** 2}]})
    assert float(Fraction(5, 14)) - nx.community.modularity(G, [{0, 1, 2}, {3, 4, 5}]) < 1e-15
    add("modularity/two_triangles_one", "graph/modularity-score",
        {"graph": TWO_TRI, "communities": [7] * 6},
        {"modularity": 0.0, "communities": [{"label": 7, "size": 6, "internal_weight": 7.0, "contribution": 0.0}]})
    deg = [2, 2, 3, 3, 2, 2]
    add("modularity/two_triangles_singletons", "graph/modularity-score",
        {"graph": TWO_TRI, "communities": [5, 4, 3, 2, 1, 0]},
        {"modularity": -sum((k / 14) ** 2 for k in deg)})
    # m = 0: Q = 0 (networkx raises ZeroDivisionError).
    add("modularity/edgeless", "graph/modularity-score",
        {"graph": {"num_nodes": 3, "edges": []}, "communities": [0, 0, 1]},
        {"modularity": 0.0, "communities": [{"label": 0, "size": 2, "internal_weight": 0.0, "contribution": 0.0},
                                            {"label": 1, "size": 1, "internal_weight": 0.0, "contribution": 0.0}]})
    add("modularity/empty", "graph/modularity-score",
        {"graph": {"num_nodes": 0, "edges": []}, "communities": []}, {"modularity": 0.0, "communities": []})

    rng = random.Random(7)
    for gname, parts in [("karate", 4), ("lesmis", 6), ("directed_random", 5), ("components", 5),
                         ("path4", 2), ("star5", 2), ("triangle_tail_directed", 2)]:
        g = load(gname)
        G = nx_graph(g)
        n = g["num_nodes"]
        weighted = g.get("weights") is not None
        variants = [(True, 1.0), (True, 0.5), (True, 2.0), (True, 0.0)]
        if weighted:
            variants.append((False, 1.0))
        partitions = [[rng.randrange(parts) for _ in range(n)],
                      [rng.choice([-5, 3, 10**12]) for _ in range(n)]]
        if not G.is_directed() and G.number_of_edges():
            partitions.append(canonical(nx.community.louvain_communities(G, seed=1), n))
        for pi, lab in enumerate(partitions):
            for use_w, gamma in variants:
                wkey = "weight" if use_w else None
                q = nx_modularity(G, lab, use_w, gamma)
                # per community rows from networkx's degree data
                directed = G.is_directed()
                m = G.size(weight=wkey)
                rows = []
                for l in sorted(set(lab)):
                    s = {u for u in range(n) if lab[u] == l}
                    Lc = sum((d["weight"] if use_w else 1.0) for u, v, d in G.edges(data=True) if u in s and v in s)
                    if directed:
                        ko = sum(G.out_degree(u, weight=wkey) for u in s)
                        ki = sum(G.in_degree(u, weight=wkey) for u in s)
                        contrib = Lc / m - gamma * ko * ki / m**2
                    else:
                        k = sum(G.degree(u, weight=wkey) for u in s)
                        contrib = Lc / m - gamma * k * k / (2 * m) ** 2
                    rows.append({"label": l, "size": len(s), "internal_weight": float(Lc), "contribution": contrib})
                assert abs(sum(r["contribution"] for r in rows) - q) < 1e-12
                add(f"modularity/{gname}/p{pi}/w{int(use_w)}/g{gamma}", "graph/modularity-score",
                    {"graph": "@" + gname, "communities": lab, "resolution": gamma, "use_weights": use_w},
                    {"modularity": q, "communities": rows})


def louvain_case(name, graph, use_weights=True, gamma=1.0, threshold=1e-7, order="index", seed=42,
                 max_levels=0, return_levels=False, expect_extra=None):
    g = graph_obj(graph)
    G = InputGraph(g, use_weights)
    res = louvain_spec(G, gamma, threshold, order, seed, max_levels)
    Gnx = nx_graph(g)
    if res["converged"]:
        q = check_louvain(Gnx, res, use_weights and g.get("weights") is not None, gamma, threshold)
    else:
        q = nx_modularity(Gnx, res["labels"], use_weights and g.get("weights") is not None, gamma)
    inp = {"graph": graph_ref(graph)}
    if gamma != 1.0:
        inp["resolution"] = gamma
    if threshold != 1e-7:
        inp["threshold"] = threshold
    if order != "index":
        inp["order"] = order
        inp["seed"] = seed
    if max_levels:
        inp["max_levels"] = max_levels
    if not use_weights:
        inp["use_weights"] = False
    if return_levels:
        inp["return_levels"] = True
    exp = {"communities": res["labels"], "num_communities": res["nc"], "modularity": q, "levels": res["levels"]}
    if return_levels:
        exp["hierarchy"] = res["hierarchy"]
    if expect_extra:
        exp.update(expect_extra)
    assert res["converged"], name  # the harness expects CK_OK
    add("louvain/" + name, "graph/louvain-community", inp, exp)
    return res, q


def louvain_cases():
    # Hand values.
    res, q = louvain_case("two_triangles", TWO_TRI, return_levels=True)
    assert res["labels"] == [0, 0, 0, 1, 1, 1] and abs(q - 5 / 14) < 1e-15
    res, q = louvain_case("karate_index", "karate", return_levels=True)
    assert res["nc"] == 4 and abs(q - 49 / 117) < 1e-12, (res["nc"], q)
    # networkx's own (shuffled) Louvain lands in the spec's range on karate.
    K = nx_graph(load("karate"))
    for s in range(20):
        qs = nx.community.modularity(K, nx.community.louvain_communities(K, weight=None, seed=s))
        assert 0.395 <= qs <= 0.4201, qs
    for seed in (1, 7, 123):
        res, q = louvain_case(f"karate_random_{seed}", "karate", order="random", seed=seed)
        assert 0.38 <= q <= 0.4201, q
    louvain_case("karate_gamma0.5", "karate", gamma=0.5)
    louvain_case("karate_gamma2", "karate", gamma=2.0, return_levels=True)
    louvain_case("karate_threshold", "karate", threshold=0.2, return_levels=True)
    louvain_case("lesmis", "lesmis", return_levels=True)
    louvain_case("lesmis_unweighted", "lesmis", use_weights=False)
    louvain_case("lesmis_random", "lesmis", order="random", seed=2026)
    louvain_case("directed_random", "directed_random", return_levels=True)
    louvain_case("directed_random_unweighted", "directed_random", use_weights=False)
    louvain_case("directed_random_random", "directed_random", order="random", seed=5)
    louvain_case("components", "components", return_levels=True)
    louvain_case("path4", "path4")
    louvain_case("star5", "star5")
    louvain_case("triangle_tail_directed", "triangle_tail_directed")
    # Ties: a 4-cycle and a 6-cycle (every move ties; the smallest community id wins).
    louvain_case("cycle4", {"num_nodes": 4, "edges": [[0, 1], [1, 2], [2, 3], [3, 0]]}, return_levels=True)
    louvain_case("cycle6", {"num_nodes": 6, "edges": [[i, (i + 1) % 6] for i in range(6)]}, return_levels=True)
    # Edge cases: n = 0, n = 1, edgeless, zero weights.
    louvain_case("empty", {"num_nodes": 0, "edges": []}, return_levels=True)
    louvain_case("single", {"num_nodes": 1, "edges": []})
    louvain_case("edgeless", {"num_nodes": 4, "edges": []}, return_levels=True)
    louvain_case("zero_weights", {"num_nodes": 3, "edges": [[0, 1], [1, 2]], "weights": [0.0, 0.0]})
    louvain_case("one_edge", {"num_nodes": 3, "edges": [[0, 2]]}, return_levels=True)
    # A larger seeded graph: planted partition, several levels.
    rng = random.Random(11)
    edges = set()
    for u in range(200):
        for v in range(u + 1, 200):
            p = 0.15 if u // 20 == v // 20 else 0.004
            if rng.random() < p:
                edges.add((u, v))
    pp = {"num_nodes": 200, "edges": sorted([list(e) for e in edges]),
          "weights": [round(rng.uniform(0.1, 2.0), 2) for _ in edges]}
    louvain_case("planted200", pp, return_levels=True)
    louvain_case("planted200_random", pp, order="random", seed=99)


def lpa_cases():
    def semi(name, graph):
        g = graph_obj(graph)
        G = nx.Graph(nx_graph(g))
        n = g["num_nodes"]
        comms = list(nx.community.label_propagation_communities(G))
        lab = canonical(comms, n) if n else []
        q = nx.community.modularity(G, comms, weight=None) if G.number_of_edges() else 0.0
        add("lpa/" + name, "graph/label-propagation", {"graph": graph_ref(graph)},
            {"communities": lab, "num_communities": len(comms), "modularity": q})
        return lab

    lab = semi("two_triangles", TWO_TRI)
    assert lab == [0, 0, 0, 1, 1, 1]
    lab = semi("karate", "karate")
    want = [{0, 1, 3, 4, 7, 10, 11, 12, 13, 17, 19, 21, 24, 25, 31}, {5, 6, 16}]
    want.append(set(range(34)) - want[0] - want[1])
    assert lab == canonical(want, 34), lab
    for gname in ("lesmis", "directed_random", "components", "path4", "star5", "triangle_tail_directed"):
        semi(gname, gname)
    semi("cycle6", {"num_nodes": 6, "edges": [[i, (i + 1) % 6] for i in range(6)]})
    semi("edgeless", {"num_nodes": 3, "edges": []})
    semi("single", {"num_nodes": 1, "edges": []})
    add("lpa/empty", "graph/label-propagation", {"graph": {"num_nodes": 0, "edges": []}},
        {"communities": [], "num_communities": 0, "modularity": 0.0})


def main():
    modularity_cases()
    louvain_cases()
    lpa_cases()
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump(cases, f, indent=None, separators=(",", ":"))
        f.write("\n")
    with open(os.path.join(HERE, "VERSIONS"), "w") as f:
        f.write(f"networkx {nx.__version__}\npython-igraph {igraph.__version__}\nnumpy {np.__version__}\n")
    print(f"{len(cases)} cases")


if __name__ == "__main__":
    main()
