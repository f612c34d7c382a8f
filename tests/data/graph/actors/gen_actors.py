#!/usr/bin/env python3
"""Oracle cases for the graph ring actors (tests/graph/test_actors.c, docs/kernels/graph-actors.md).

Each case is an actor configuration (the batch input plus max_nodes / max_edges), a fixed update
sequence drawn here with a seeded random.Random, and checkpoints. The update semantics of
spec/graph.md "Ring mode" are modelled independently in Python (class Model below):
  - ADD_EDGE {u, v, w}: u or v >= max_nodes -> error naming "u"/"v"; w < 0 or not finite -> "w";
    a self-loop is dropped (load rule 2) but its node exists (n grows to u + 1); an existing edge
    adds w to its weight (load rule 3); a new edge beyond max_edges -> error "max_edges";
    n grows to 1 + the largest id named.
  - REMOVE_EDGE {u, v}: u or v >= n -> "u"/"v"; a self-loop or an absent edge -> "v"; else the
    whole edge goes.
The expected answers at each checkpoint are computed with networkx on the model's graph, built
exactly as the oracle recipe of spec/graph.md says:
  pagerank            nx.pagerank(G, alpha, personalization, max_iter=1000, tol=1e-12, weight=, dangling)
  degree-centrality   nx.degree_centrality / in_ / out_ (unweighted), G.degree(weight=) / (n - 1)
  triangle-counting   nx.triangles(nx.Graph(G.to_undirected())), total = sum / 3, nx.transitivity
  connected-comps     nx.connected_components / nx.weakly_connected_components: min node, size
  degree-ratio        G.in_degree(weight=), G.out_degree(weight=) and the spec's share/role formulas
Each checkpoint also carries the model's graph ("graph"), so the C test can run our batch kernel on
it (the second oracle: the actor equals batch on the final graph).

Run from the repository root: python3 tests/data/graph/actors/gen_actors.py  (networkx 3.6.1)
"""
import json
import math
import os
import random

import networkx as nx

OUT = "tests/data/graph/actors"


class Model:
    def __init__(self, g, max_nodes=None, max_edges=None):
        self.n = g["num_nodes"]
        self.directed = g.get("directed", False)
        weights = g.get("weights") or [1.0] * len(g["edges"])
        self.w = {}
        for (u, v), w in zip(g["edges"], weights):
            if u != v:
                k = self.key(u, v)
                self.w[k] = self.w[k] + w if k in self.w else w
        self.max_nodes = self.n if max_nodes is None else max_nodes
        self.max_edges = max(2 * len(self.w), 1024) if max_edges is None else max_edges

    def key(self, u, v):
        return (u, v) if self.directed or u < v else (v, u)

    def add(self, u, v, w):
        if u >= self.max_nodes:
            return "u"
        if v >= self.max_nodes:
            return "v"
        if not (math.isfinite(w) and w >= 0):
            return "w"
        if u != v:
            k = self.key(u, v)
            if k not in self.w and len(self.w) >= self.max_edges:
                return "max_edges"
            self.w[k] = self.w[k] + w if k in self.w else w
        self.n = max(self.n, u + 1, v + 1)
        return None

    def remove(self, u, v):
        if u >= self.n:
            return "u"
        if v >= self.n:
            return "v"
        k = self.key(u, v)
        if u == v or k not in self.w:
            return "v"
        del self.w[k]
        return None

    def graph_json(self):
        keys = sorted(self.w)
        return {"num_nodes": self.n, "edges": [list(k) for k in keys], "weights": [self.w[k] for k in keys],
                "directed": self.directed}

    def nx(self):
        G = nx.DiGraph() if self.directed else nx.Graph()
        G.add_nodes_from(range(self.n))
        for (u, v), w in sorted(self.w.items()):
            G.add_edge(u, v, weight=w)
        return G


def rank_top(values, k):
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    return order[:k]


# ---------------------------------------------------------------- per-kernel answers

def pagerank(m, cfg):
    G = m.nx()
    n = m.n
    if n == 0:
        return {"scores": []}
    kw = {}
    if cfg.get("personalization") is not None:
        kw["personalization"] = {i: x for i, x in enumerate(cfg["personalization"])}
    if cfg.get("dangling") is not None:
        kw["dangling"] = {i: x for i, x in enumerate(cfg["dangling"])}
    pr = nx.pagerank(G, alpha=cfg.get("alpha", 0.85), max_iter=1000, tol=1e-12,
                     weight="weight" if cfg.get("use_weights", True) else None, **kw)
    return {"scores": [pr[i] for i in range(n)]}


def degree(m, cfg):
    G = m.nx()
    n = m.n
    weighted = cfg.get("weighted", False)
    normalized = cfg.get("normalized", True)
    direction = cfg.get("direction", "total")
    w = "weight" if weighted else None
    if m.directed:
        din = dict(G.in_degree(weight=w))
        dout = dict(G.out_degree(weight=w))
        tot = {u: din[u] + dout[u] for u in range(n)}
    else:
        din = dout = tot = dict(G.degree(weight=w))
    s = 1.0 / (n - 1) if n > 1 else 1.0

    def score(d):
        if not normalized:
            return float(d)
        return 1.0 if n == 1 else d * s

    raw = {"in": din, "out": dout, "total": tot}[direction]
    if not weighted and normalized:  # networkx's own functions, exact
        f = {"total": nx.degree_centrality, "in": getattr(nx, "in_degree_centrality"),
             "out": getattr(nx, "out_degree_centrality")}[direction]
        c = f(G)
        scores = [c[u] for u in range(n)]
    else:
        scores = [score(raw[u]) for u in range(n)]
    res = {"in": [float(din[u]) for u in range(n)], "out": [float(dout[u]) for u in range(n)],
           "total": [float(tot[u]) for u in range(n)], "score": scores, "topk": []}
    for d in (["total", "in", "out"] if m.directed else ["total"]):
        vals = [float({"in": din, "out": dout, "total": tot}[d][u]) for u in range(n)]
        for k in (1, 5, 64):
            res["topk"].append({"k": k, "direction": d, "nodes": rank_top(vals, k)})
    return res


def triangles(m, cfg):
    S = nx.Graph(m.nx().to_undirected())
    t = nx.triangles(S)
    n = m.n
    per = [t[u] for u in range(n)]
    return {"per_node": per, "total": sum(per) // 3, "transitivity": nx.transitivity(S) if n else 0.0,
            "degree": [S.degree(u) for u in range(n)]}


def components(m, cfg):
    G = m.nx()
    comps = nx.weakly_connected_components(G) if m.directed else nx.connected_components(G)
    cid, size = [0] * m.n, [0] * m.n
    count = 0
    for c in comps:
        lo = min(c)
        count += 1
        for u in c:
            cid[u], size[u] = lo, len(c)
    return {"component_id": cid, "size": size, "num_components": count}


def degree_ratio(m, cfg):
    G = m.nx()
    uw = cfg.get("use_weights", False)
    lo, hi = cfg.get("source_threshold", 0.2), cfg.get("sink_threshold", 0.8)
    w = "weight" if uw else None
    din, dout = dict(G.in_degree(weight=w)), dict(G.out_degree(weight=w))
    res = {"in": [], "out": [], "share": [], "role": []}
    counts = {"source": 0, "sink": 0, "balanced": 0, "isolated": 0}
    for u in range(m.n):
        i, o = float(din[u]), float(dout[u])
        t = i + o
        share = i / t if t > 0 else None
        role = "isolated" if t == 0 else "sink" if share >= hi else "source" if share <= lo else "balanced"
        counts[role] += 1
        res["in"].append(i)
        res["out"].append(o)
        res["share"].append(share)
        res["role"].append(role)
    res["role_counts"] = counts
    return res


ANSWER = {"graph/pagerank": pagerank, "graph/degree-centrality": degree, "graph/triangle-counting": triangles,
          "graph/connected-components": components, "graph/degree-ratio": degree_ratio}


# ---------------------------------------------------------------- sequences

def random_graph(rng, n, m, directed, weights):
    edges, ws = [], []
    for _ in range(m):
        edges.append([rng.randrange(n), rng.randrange(n)])  # self-loops and duplicates included
        ws.append(weights(rng))
    return {"num_nodes": n, "edges": edges, "weights": ws, "directed": directed}


def dyadic(rng):
    return rng.choice([0.5, 1.0, 1.5, 2.0, 3.0, 0.25])


def decimal(rng):
    return round(rng.uniform(0.05, 4.0), 3)


def make_ops(rng, model, count, weights, p_remove=0.3, p_loop=0.04, p_bad=0.04, recompute=False):
    """Adds (with duplicates), removals (present and absent), self-loops, and a few invalid
    requests. The model decides the outcome of each."""
    ops = []
    for _ in range(count):
        r = rng.random()
        span = model.max_nodes
        if r < p_bad:
            kind = rng.randrange(3)
            if kind == 0:
                op = {"type": "add_edge", "u": model.max_nodes + rng.randrange(3), "v": 0, "w": 1.0}
            elif kind == 1:
                op = {"type": "add_edge", "u": 0, "v": model.max_nodes + rng.randrange(3), "w": 1.0}
            else:
                op = {"type": "remove_edge", "u": rng.randrange(span), "v": model.n + rng.randrange(3)}
        elif r < p_bad + p_loop:
            u = rng.randrange(span)
            op = {"type": "add_edge", "u": u, "v": u, "w": weights(rng)}
        elif r < p_bad + p_loop + p_remove:
            if model.w and rng.random() < 0.75:
                u, v = rng.choice(sorted(model.w))
                if not model.directed and rng.random() < 0.5:
                    u, v = v, u
            else:
                u, v = rng.randrange(max(model.n, 1)), rng.randrange(max(model.n, 1))
            op = {"type": "remove_edge", "u": u, "v": v}
        else:
            if model.w and rng.random() < 0.15:  # a parallel edge: adds to the weight
                u, v = rng.choice(sorted(model.w))
            else:
                u, v = rng.randrange(span), rng.randrange(span)
            op = {"type": "add_edge", "u": u, "v": v, "w": weights(rng)}
        err = model.add(op["u"], op["v"], op["w"]) if op["type"] == "add_edge" else model.remove(op["u"], op["v"])
        op["error"] = err
        ops.append(op)
    return ops


def case(name, kernel, g, params, seed, segments, weights, max_nodes=None, max_edges=None, **kw):
    rng = random.Random(seed)
    model = Model(g, max_nodes, max_edges)
    config = dict(params)
    config["graph"] = g
    if max_nodes is not None:
        config["max_nodes"] = max_nodes
    if max_edges is not None:
        config["max_edges"] = max_edges
    ops, checkpoints = [], []
    # A checkpoint before any update: the actor's initial state is the batch answer.
    checkpoints.append({"after": 0, "graph": model.graph_json(), "expect": ANSWER[kernel](model, params)})
    for count in segments:
        ops += make_ops(rng, model, count, weights, **kw)
        checkpoints.append({"after": len(ops), "graph": model.graph_json(), "expect": ANSWER[kernel](model, params)})
    return {"name": name, "kernel": kernel, "config": config, "ops": ops, "checkpoints": checkpoints}


def main():
    rng = random.Random(20240601)
    cases = []
    pr = "graph/pagerank"
    cases.append(case("pagerank undirected weighted, growth", pr,
                      random_graph(rng, 18, 40, False, decimal), {"alpha": 0.85}, 11, [40, 60, 80], decimal,
                      max_nodes=24))
    cases.append(case("pagerank directed weighted, personalization", pr,
                      random_graph(rng, 16, 45, True, decimal),
                      {"alpha": 0.9, "personalization": [rng.choice([0.0, 1.0, 2.0]) for _ in range(15)] + [1.0]},
                      12, [50, 70], decimal, max_nodes=20))
    cases.append(case("pagerank directed unweighted, dangling", pr,
                      random_graph(rng, 14, 20, True, lambda r: 1.0),
                      {"alpha": 0.7, "use_weights": False, "dangling": [1.0] * 7 + [3.0] * 7}, 13, [40, 40],
                      lambda r: 1.0, p_remove=0.4))
    cases.append(case("pagerank starting empty", pr, {"num_nodes": 0, "edges": [], "directed": True}, {}, 14,
                      [30, 30], decimal, max_nodes=12))
    dc = "graph/degree-centrality"
    cases.append(case("degree undirected unweighted", dc, random_graph(rng, 20, 35, False, lambda r: 1.0), {}, 21,
                      [60, 80], lambda r: 1.0, max_nodes=26))
    cases.append(case("degree directed weighted in", dc, random_graph(rng, 15, 40, True, dyadic),
                      {"direction": "in", "weighted": True}, 22, [60, 60], dyadic, max_nodes=18))
    cases.append(case("degree directed out unnormalized", dc, random_graph(rng, 12, 30, True, dyadic),
                      {"direction": "out", "normalized": False}, 23, [50, 50], dyadic, max_edges=36))
    tc = "graph/triangle-counting"
    cases.append(case("triangles undirected dense", tc, random_graph(rng, 14, 45, False, lambda r: 1.0), {}, 31,
                      [80, 120], lambda r: 1.0, max_nodes=16, p_remove=0.35))
    cases.append(case("triangles directed reciprocal", tc, random_graph(rng, 12, 40, True, lambda r: 1.0), {}, 32,
                      [80, 120], lambda r: 1.0, p_remove=0.35))
    cc = "graph/connected-components"
    cases.append(case("components undirected sparse", cc, random_graph(rng, 30, 18, False, lambda r: 1.0), {}, 41,
                      [40, 40, 60], lambda r: 1.0, max_nodes=34, p_remove=0.35))
    cases.append(case("components directed weak", cc, random_graph(rng, 25, 20, True, lambda r: 1.0), {}, 42,
                      [40, 60], lambda r: 1.0, p_remove=0.3))
    dr = "graph/degree-ratio"
    cases.append(case("degree-ratio unweighted", dr, random_graph(rng, 16, 30, True, lambda r: 1.0), {}, 51,
                      [60, 60], lambda r: 1.0, max_nodes=20))
    cases.append(case("degree-ratio weighted thresholds", dr, random_graph(rng, 14, 35, True, dyadic),
                      {"use_weights": True, "source_threshold": 0.3, "sink_threshold": 0.7}, 52, [60, 60], dyadic,
                      max_edges=45))
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"generator": "gen_actors.py", "networkx": nx.__version__, "cases": cases}, f, indent=None,
                  separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
