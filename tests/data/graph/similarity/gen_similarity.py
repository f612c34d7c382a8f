#!/usr/bin/env python3
"""Oracle cases for the similarity family (graph/jaccard-similarity, graph/cosine-similarity,
graph/adamic-adar, graph/common-neighbors, graph/value-similarity): writes cases.json next to this
script in the format of tests/graph/graph_test.h.

Run from the repository root:  python3 tests/data/graph/similarity/gen_similarity.py
Needs networkx 3.6.1, numpy, scipy 1.17, scikit-learn (versions recorded in VERSIONS).

Oracles (spec/graph.md):
  jaccard  undirected nx.jaccard_coefficient; directed: the set formula over successors/predecessors
  cosine   sklearn.metrics.pairwise.cosine_similarity(A) with A = nx.to_scipy_sparse_array(G, weight=)
           (A.T for "in", binarised A + A.T or the weighted sum for "all")
  adamic   nx.adamic_adar_index / nx.resource_allocation_index (undirected); directed: the spec formula
           with c(z) = |{x : z in Γ(x)}|; u = v: terms with c(z) < 2 count 0 (the spec's rule)
  common   len(nx.common_neighbors(G, u, v)) (undirected), len(Γu & Γv) (directed); candidates are
           cross-checked against the non-zero off-diagonal entries of A·Aᵀ / 2
  value    scipy.spatial.distance.jensenshannon(p, q, base=2) on numpy.histogram counts, and
           scipy.stats.wasserstein_distance

All-pairs rows are ordered by the spec's rule (score desc, u asc, v asc). For sums whose float value
depends on the summation order (Adamic–Adar, weighted cosine), the sort key is the score summed over
z ascending as the spec's determinism rule and the kernel do (asserted equal to the oracle's value
within 1e-12), so mathematically equal scores tie exactly; the expected scores are the oracle's.
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
import sklearn
from scipy.spatial.distance import jensenshannon
from scipy.stats import wasserstein_distance
from sklearn.metrics.pairwise import cosine_similarity

HERE = os.path.dirname(os.path.abspath(__file__))
GRAPHS = os.path.join(HERE, "..", "graphs")
TOL = 1e-12


def load(name):
    with open(os.path.join(GRAPHS, name + ".json")) as f:
        return json.load(f)


def build(g):
    """The spec's oracle recipe."""
    n, directed = g["num_nodes"], g.get("directed", False)
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(n))
    for (u, v), w in zip(g["edges"], g.get("weights") or [1.0] * len(g["edges"])):
        if u != v:
            G.add_edge(u, v, weight=G[u][v]["weight"] + w if G.has_edge(u, v) else w)
    return G


def gamma(G, nb):
    """Γ(u) for every node, as sets."""
    n = G.number_of_nodes()
    if not G.is_directed():
        return [set(G[u]) for u in range(n)]
    if nb == "out":
        return [set(G.successors(u)) for u in range(n)]
    if nb == "in":
        return [set(G.predecessors(u)) for u in range(n)]
    return [set(G.successors(u)) | set(G.predecessors(u)) for u in range(n)]


def gamma_weights(G, nb):
    """Weighted Γ rows {z: w} (the weighted sum for "all")."""
    n = G.number_of_nodes()
    rows = [dict() for _ in range(n)]
    for u, v, d in G.edges(data=True):
        w = d["weight"]
        if not G.is_directed():
            rows[u][v] = w
            rows[v][u] = w
        elif nb == "out":
            rows[u][v] = w
        elif nb == "in":
            rows[v][u] = w
        else:
            rows[u][v] = rows[u].get(v, 0.0) + w
            rows[v][u] = rows[v].get(u, 0.0) + w
    return rows


class Scorer:
    """Oracle scores (value) and, for order-dependent sums, the ascending-z sort key."""

    def __init__(self, kernel, G, nb="out", use_weights=False, variant="adamic_adar"):
        self.kernel, self.G, self.nb = kernel, G, nb
        self.use_weights, self.variant = use_weights, variant
        self.n = G.number_of_nodes()
        self.gam = gamma(G, nb)
        self.c = [0] * self.n  # c(z) = |{x : z in Γ(x)}|
        for x in range(self.n):
            for z in self.gam[x]:
                self.c[z] += 1
        if kernel == "graph/cosine-similarity":
            A = nx.to_scipy_sparse_array(G, nodelist=range(self.n), weight="weight" if use_weights else None,
                                         format="csr")
            if G.is_directed():
                if nb == "in":
                    A = A.T
                elif nb == "all":
                    A = A + A.T
                    if not use_weights:
                        A = (A > 0).astype(float)
            self.S = cosine_similarity(sp.csr_matrix(A, dtype=float)) if self.n else np.zeros((0, 0))
            if use_weights:  # the ascending-z key: unit-norm rows, scaled by the row max first
                self.unit = []
                for row in gamma_weights(G, nb):
                    m = max(row.values(), default=0.0)
                    s = 0.0
                    for z in sorted(row):
                        s += (row[z] / m) * (row[z] / m) if m > 0 else 0.0
                    q = math.sqrt(s)
                    self.unit.append({z: (row[z] / m) / q if m > 0 else 0.0 for z in row})

    def common(self, u, v):
        return self.gam[u] & self.gam[v]

    def value(self, u, v):
        G, k = self.G, self.kernel
        cn = self.common(u, v)
        if k == "graph/jaccard-similarity":
            if not G.is_directed():
                return next(nx.jaccard_coefficient(G, [(u, v)]))[2]
            uni = len(self.gam[u] | self.gam[v])
            return len(cn) / uni if uni else 0.0
        if k == "graph/common-neighbors":
            return len(nx.common_neighbors(G, u, v)) if not G.is_directed() else len(cn)
        if k == "graph/cosine-similarity":
            return float(self.S[u, v])
        if k == "graph/adamic-adar":
            ra = self.variant == "resource_allocation"
            if not G.is_directed() and (u != v or ra):
                f = nx.resource_allocation_index if ra else nx.adamic_adar_index
                return next(f(G, [(u, v)]))[2]
            # directed, or u = v with Adamic–Adar (nx divides by ln 1): the spec's formula
            return sum((1 / self.c[z] if self.c[z] >= 1 else 0.0) if ra else
                       (1 / math.log(self.c[z]) if self.c[z] >= 2 else 0.0) for z in cn)
        raise ValueError(k)

    def key(self, u, v):
        """The score summed over z ascending (the kernel's documented order)."""
        k, cn = self.kernel, sorted(self.common(u, v))
        if k == "graph/adamic-adar":
            s = 0.0
            for z in cn:
                if self.variant == "resource_allocation":
                    s += 1.0 / self.c[z]
                else:
                    s += 1.0 / math.log(self.c[z]) if self.c[z] >= 2 else 0.0
            return s
        if k == "graph/cosine-similarity":
            if self.use_weights:
                s = 0.0
                for z in cn:
                    s += self.unit[u][z] * self.unit[v][z]
                return s
            du, dv = len(self.gam[u]), len(self.gam[v])
            return len(cn) / math.sqrt(du * dv) if du and dv else 0.0
        return self.value(u, v)


def out_value(kernel, x):
    return int(x) if kernel == "graph/common-neighbors" else float(x)


def all_pairs(sc, min_score=0.0, exclude_edges=False, top_k=1000):
    G, n = sc.G, sc.n
    rows, candidates = [], 0
    for u in range(n):
        for v in range(u + 1, n):
            if not sc.common(u, v):
                continue
            candidates += 1
            val, key = sc.value(u, v), sc.key(u, v)
            assert abs(val - key) <= 1e-12, (sc.kernel, u, v, val, key)
            assert abs(val - min_score) > 1e-9 or val == min_score, "min_score too close to a score"
            if val < min_score:
                continue
            if exclude_edges and (G.has_edge(u, v) or G.has_edge(v, u)):
                continue
            rows.append((-key, u, v, val))
    rows.sort()
    truncated = top_k > 0 and len(rows) > top_k
    if top_k > 0:
        rows = rows[:top_k]
    if sc.kernel == "graph/common-neighbors":  # the spec's A·Aᵀ cross-check
        A = nx.to_scipy_sparse_array(G, nodelist=range(n), weight=None, format="csr")
        if G.is_directed():
            A = A if sc.nb == "out" else A.T if sc.nb == "in" else ((A + A.T) > 0).astype(float)
        C = (A @ A.T).tocoo() if n else sp.coo_matrix((0, 0))
        assert sum(1 for i, j, x in zip(C.row, C.col, C.data) if i != j and x != 0) // 2 == candidates
    return {"pairs": [[u, v, out_value(sc.kernel, val)] for _, u, v, val in rows], "candidates": candidates,
            "truncated": truncated}


def pairs_mode(sc, pairs):
    return {"pairs": [[u, v, out_value(sc.kernel, sc.value(u, v))] for u, v in pairs],
            "candidates": sum(1 for u, v in pairs if sc.common(u, v)), "truncated": False}


cases = []


def case(name, kernel, input_, expect, atol=TOL, rtol=0.0):
    cases.append({"name": name, "kernel": kernel, "input": input_, "expect": expect, "atol": atol, "rtol": rtol})


LINK = ["graph/jaccard-similarity", "graph/cosine-similarity", "graph/adamic-adar", "graph/common-neighbors"]
SHORT = {"graph/jaccard-similarity": "jaccard", "graph/cosine-similarity": "cosine", "graph/adamic-adar": "aa",
         "graph/common-neighbors": "cn"}


def link_cases():
    hand = {"num_nodes": 4, "edges": [[0, 1], [1, 2], [0, 3]]}
    # The spec's hand values, typed in.
    case("hand jaccard", "graph/jaccard-similarity", {"graph": hand, "pairs": [[0, 2]]},
         {"pairs": [[0, 2, 0.5]], "candidates": 1, "truncated": False})
    case("hand cosine", "graph/cosine-similarity", {"graph": hand, "pairs": [[0, 2]]},
         {"pairs": [[0, 2, 1 / math.sqrt(2)]], "candidates": 1, "truncated": False})
    case("hand adamic-adar", "graph/adamic-adar", {"graph": hand, "pairs": [[0, 2]]},
         {"pairs": [[0, 2, 1 / math.log(2)]], "candidates": 1, "truncated": False})
    case("hand resource allocation", "graph/adamic-adar",
         {"graph": hand, "pairs": [[0, 2]], "variant": "resource_allocation"},
         {"pairs": [[0, 2, 0.5]], "candidates": 1, "truncated": False})
    case("hand common neighbours", "graph/common-neighbors", {"graph": hand, "pairs": [[0, 2]]},
         {"pairs": [[0, 2, 1]], "candidates": 1, "truncated": False})
    # Hand edge cases: u = v gives 1 (Jaccard), isolated nodes give 0 and never appear.
    iso = {"num_nodes": 5, "edges": [[0, 1], [1, 2]]}
    case("jaccard u=v and isolated", "graph/jaccard-similarity",
         {"graph": iso, "pairs": [[1, 1], [3, 3], [3, 4], [0, 3], [2, 0]]},
         {"pairs": [[1, 1, 1.0], [3, 3, 0.0], [3, 4, 0.0], [0, 3, 0.0], [2, 0, 1.0]], "candidates": 2,
          "truncated": False})
    case("jaccard all-pairs isolated", "graph/jaccard-similarity", {"graph": iso},
         {"pairs": [[0, 2, 1.0]], "candidates": 1, "truncated": False})
    case("empty graph", "graph/adamic-adar", {"graph": {"num_nodes": 0, "edges": []}},
         {"pairs": [], "candidates": 0, "truncated": False})
    case("single node", "graph/cosine-similarity", {"graph": {"num_nodes": 1, "edges": []}, "pairs": [[0, 0]]},
         {"pairs": [[0, 0, 0.0]], "candidates": 0, "truncated": False})
    case("edgeless all-pairs", "graph/common-neighbors", {"graph": {"num_nodes": 6, "edges": []}},
         {"pairs": [], "candidates": 0, "truncated": False})

    rng = random.Random(7)
    graphs = {name: load(name) for name in
              ["karate", "lesmis", "directed_random", "components", "path4", "star5", "triangle_tail_directed"]}
    built = {name: build(g) for name, g in graphs.items()}

    def pair_list(n, k):
        ps = [[rng.randrange(n), rng.randrange(n)] for _ in range(k)]
        return ps + [[0, 0], [n - 1, 0], [1, n - 1]]

    for kernel in LINK:
        s = SHORT[kernel]
        variants = [{}]
        if kernel == "graph/adamic-adar":
            variants = [{}, {"variant": "resource_allocation"}]
        for extra in variants:
            tag = s + (" ra" if extra else "")
            sc = lambda G, **kw: Scorer(kernel, G, **{**kw, **extra})
            # Undirected fixtures: pairs mode and all-pairs mode with the contract options.
            G = built["karate"]
            ps = pair_list(34, 40)
            case(f"{tag} karate pairs", kernel, {"graph": "@karate", "pairs": ps, **extra}, pairs_mode(sc(G), ps))
            case(f"{tag} karate all", kernel, {"graph": "@karate", "top_k": 0, **extra}, all_pairs(sc(G), top_k=0))
            case(f"{tag} karate default top_k", kernel, {"graph": "@karate", **extra}, all_pairs(sc(G)))
            case(f"{tag} karate top 15", kernel, {"graph": "@karate", "top_k": 15, **extra},
                 all_pairs(sc(G), top_k=15))
            ms = {"graph/jaccard-similarity": 0.3, "graph/cosine-similarity": 0.45, "graph/adamic-adar": 1.3,
                  "graph/common-neighbors": 3}[kernel]
            if extra:
                ms = 0.35
            case(f"{tag} karate link prediction", kernel,
                 {"graph": "@karate", "exclude_edges": True, "min_score": ms, "top_k": 0, **extra},
                 all_pairs(sc(G), min_score=ms, exclude_edges=True, top_k=0))
            case(f"{tag} karate link prediction top 7", kernel,
                 {"graph": "@karate", "exclude_edges": True, "top_k": 7, **extra},
                 all_pairs(sc(G), exclude_edges=True, top_k=7))
            for name in ["components", "path4", "star5"]:
                case(f"{tag} {name} all", kernel, {"graph": "@" + name, "top_k": 0, **extra},
                     all_pairs(sc(built[name]), top_k=0))
            ps = pair_list(20, 15) + [[17, 18], [17, 17], [0, 17]]
            case(f"{tag} components pairs", kernel, {"graph": "@components", "pairs": ps, **extra},
                 pairs_mode(sc(built["components"]), ps))
            G = built["lesmis"]
            ps = pair_list(77, 40)
            case(f"{tag} lesmis pairs", kernel, {"graph": "@lesmis", "pairs": ps, **extra}, pairs_mode(sc(G), ps))
            case(f"{tag} lesmis top 50", kernel, {"graph": "@lesmis", "top_k": 50, **extra}, all_pairs(sc(G), top_k=50))
            # Directed fixtures: the three neighbourhoods.
            for nb in ["out", "in", "all"]:
                G = built["directed_random"]
                ps = pair_list(60, 30)
                case(f"{tag} directed {nb} pairs", kernel,
                     {"graph": "@directed_random", "neighborhood": nb, "pairs": ps, **extra},
                     pairs_mode(sc(G, nb=nb), ps))
                case(f"{tag} directed {nb} all", kernel,
                     {"graph": "@directed_random", "neighborhood": nb, "top_k": 0, **extra},
                     all_pairs(sc(G, nb=nb), top_k=0))
                case(f"{tag} directed {nb} link prediction top 10", kernel,
                     {"graph": "@directed_random", "neighborhood": nb, "exclude_edges": True, "top_k": 10, **extra},
                     all_pairs(sc(G, nb=nb), exclude_edges=True, top_k=10))
                case(f"{tag} triangle_tail {nb} all", kernel,
                     {"graph": "@triangle_tail_directed", "neighborhood": nb, "top_k": 0, **extra},
                     all_pairs(sc(built["triangle_tail_directed"], nb=nb), top_k=0))
    # Weighted cosine: lesmis (undirected) and directed_random with each neighbourhood.
    k = "graph/cosine-similarity"
    G = built["lesmis"]
    ps = pair_list(77, 40)
    case("cosine weighted lesmis pairs", k, {"graph": "@lesmis", "use_weights": True, "pairs": ps},
         pairs_mode(Scorer(k, G, use_weights=True), ps))
    case("cosine weighted lesmis all", k, {"graph": "@lesmis", "use_weights": True, "top_k": 0},
         all_pairs(Scorer(k, G, use_weights=True), top_k=0))
    case("cosine weighted lesmis link prediction top 25", k,
         {"graph": "@lesmis", "use_weights": True, "exclude_edges": True, "top_k": 25, "min_score": 0.2},
         all_pairs(Scorer(k, G, use_weights=True), min_score=0.2, exclude_edges=True, top_k=25))
    for nb in ["out", "in", "all"]:
        G = built["directed_random"]
        ps = pair_list(60, 30)
        case(f"cosine weighted directed {nb} pairs", k,
             {"graph": "@directed_random", "use_weights": True, "neighborhood": nb, "pairs": ps},
             pairs_mode(Scorer(k, G, nb=nb, use_weights=True), ps))
        case(f"cosine weighted directed {nb} all", k,
             {"graph": "@directed_random", "use_weights": True, "neighborhood": nb, "top_k": 0},
             all_pairs(Scorer(k, G, nb=nb, use_weights=True), top_k=0))
    # Unweighted graph with use_weights: every weight is 1 ("all" sums reciprocal arcs to 2).
    case("cosine use_weights on unweighted", k,
         {"graph": "@triangle_tail_directed", "use_weights": True, "neighborhood": "all", "top_k": 0},
         all_pairs(Scorer(k, built["triangle_tail_directed"], nb="all", use_weights=True), top_k=0))


# ---------------------------------------------------------------- value-similarity

def np_edges(pooled, bins, binning):
    lo, hi = min(pooled), max(pooled)
    if binning == "equal_width":
        return np.linspace(lo, hi, bins + 1)
    if binning == "log":
        # 10**linspace(log10 min, log10 max), extremes exactly min and max (every value is binned)
        y = np.linspace(math.log10(lo), math.log10(hi), bins + 1)
        e = [10.0 ** float(t) for t in y]
        e[0], e[-1] = lo, hi
        for i in range(1, len(e)):
            e[i] = max(e[i], e[i - 1])
        return np.array(e)
    e = np.unique(np.quantile(np.array(pooled), np.linspace(0, 1, bins + 1)))
    return e if len(e) > 1 else np.array([e[0], e[0]])


def value_pair(values, u, v, metric, edges, rng_):
    if not values[u] or not values[v]:
        return None, None
    if metric == "wasserstein":
        d = float(wasserstein_distance(values[u], values[v]))
        return (1 - d / rng_ if rng_ > 0 else 1.0), d
    p = np.histogram(values[u], bins=edges)[0]
    q = np.histogram(values[v], bins=edges)[0]
    assert p.sum() == len(values[u]) and q.sum() == len(values[v])
    d = float(jensenshannon(p, q, base=2))
    return 1 - d, d


def no_near_ties(keys):
    """Adjacent sorted keys are equal or apart by more than rounding: the order is the oracle's."""
    return all(a == b or abs(a - b) > 1e-9 for a, b in zip(keys, keys[1:]))


def value_cases():
    k = "graph/value-similarity"
    case("value hand distance 1", k, {"values": [[0.0], [3.0]], "bins": 4, "pairs": [[0, 1]]},
         {"pairs": [[0, 1, 0.0, 1.0]], "truncated": False})
    case("value hand equal", k, {"values": [[1.0, 2.0], [2.0, 1.0], []], "pairs": [[0, 1], [0, 2], [1, 1]]},
         {"pairs": [[0, 1, 1.0, 0.0], [0, 2, None, None], [1, 1, 1.0, 0.0]], "truncated": False})
    case("value all equal quantile", k, {"values": [[5.0, 5.0], [5.0]], "binning": "quantile", "min_similarity": 0},
         {"pairs": [[0, 1, 1.0, 0.0]], "truncated": False})
    case("value no nodes", k, {"values": []}, {"pairs": [], "truncated": False})
    case("value all empty", k, {"values": [[], []], "pairs": [[0, 1]]},
         {"pairs": [[0, 1, None, None]], "truncated": False})

    rnd = np.random.default_rng(11)
    n = 14
    values = []
    for i in range(n):
        size = int(rnd.integers(0, 40)) if i not in (3, 9) else 0
        if i == 5:
            size = 1
        center = float(rnd.uniform(1, 4))
        values.append([round(float(x), 6) for x in rnd.lognormal(math.log(center), 0.35, size)])
    values[12] = list(values[2])  # identical distributions: similarity exactly 1
    pooled = [x for vs in values for x in vs]
    rng_ = max(pooled) - min(pooled)
    rp = random.Random(3)
    pairs = [[rp.randrange(n), rp.randrange(n)] for _ in range(25)] + [[3, 4], [2, 12], [7, 7]]
    configs = [("jsd", "equal_width", 20), ("jsd", "log", 12), ("jsd", "quantile", 10), ("jsd", "quantile", 64),
               ("wasserstein", "equal_width", 20)]
    for metric, binning, bins in configs:
        edges = np_edges(pooled, bins, binning) if metric == "jsd" else None
        tag = f"value {metric} {binning} {bins}" if metric == "jsd" else "value wasserstein"
        base = {"values": values, "metric": metric, "binning": binning, "bins": bins}
        rows = []
        for u, v in pairs:
            s, d = value_pair(values, u, v, metric, edges, rng_)
            rows.append([u, v, s, d])
        case(tag + " pairs", k, {**base, "pairs": pairs}, {"pairs": rows, "truncated": False})
        allp = []
        for u in range(n):
            for v in range(u + 1, n):
                s, d = value_pair(values, u, v, metric, edges, rng_)
                if s is not None:
                    allp.append((-s, u, v, d))
        allp.sort()
        # min_similarity > 0: pairs with disjoint histograms have similarity 0 only up to rounding
        for ms, top in [(0.05, 0), (0.5, 10), (0.9, 1000)]:
            sel = [r for r in allp if -r[0] >= ms]
            assert all(abs(-r[0] - ms) > 1e-9 for r in allp)
            assert no_near_ties([r[0] for r in sel]), tag
            exp = [[u, v, -s, d] for s, u, v, d in (sel[:top] if top else sel)]
            case(f"{tag} all min {ms} top {top}", k, {**base, "min_similarity": ms, "top_k": top},
                 {"pairs": exp, "truncated": bool(top) and len(sel) > top})
        for t in [2, 0, 1, 4, 6, 7, 8, 10, 11, 13]:  # a target with no near-ties in its ranking
            tr = []
            for v in range(n):
                if v != t:
                    s, d = value_pair(values, t, v, metric, edges, rng_)
                    if s is not None:
                        tr.append((-s, v, d))
            tr.sort()
            if no_near_ties([r[0] for r in tr]):
                break
        else:
            raise AssertionError(tag + ": every target has near-ties")
        case(tag + " target", k, {**base, "target": t},
             {"pairs": [[t, v, -s, d] for s, v, d in tr], "truncated": False})
    # Target without values: nothing to rank.
    case("value empty target", k, {"values": values, "target": 3}, {"pairs": [], "truncated": False})


def main():
    link_cases()
    value_cases()
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump(cases, f, indent=None, separators=(",", ":"))
        f.write("\n")
    with open(os.path.join(HERE, "VERSIONS"), "w") as f:
        f.write(f"python {sys.version.split()[0]}\nnetworkx {nx.__version__}\nnumpy {np.__version__}\n"
                f"scipy {scipy.__version__}\nscikit-learn {sklearn.__version__}\n")
    print(f"{len(cases)} cases")


if __name__ == "__main__":
    main()
