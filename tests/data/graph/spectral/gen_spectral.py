#!/usr/bin/env python3
"""Oracle cases of the spectral family (graph/pagerank, graph/eigenvector-centrality,
graph/katz-centrality) for tests/graph/test_spectral.c.

Reads the shared graphs in tests/data/graph/graphs/, builds the reference graph exactly as the
oracle recipe of spec/graph.md says, runs networkx (and its numpy/scipy variants where the spec
names them) and writes cases.json in the format of tests/graph/graph_test.h. The spec's hand
values are typed in from the spec, never computed here.

Run from the repository root:  python3 tests/data/graph/spectral/gen_spectral.py
(networkx 3.6.1, scipy 1.17, numpy 2.x: see VERSIONS)
"""
import json
import math
import os
import sys

import networkx as nx
import numpy as np
import scipy

ROOT = "tests/data/graph"
OUT = os.path.join(ROOT, "spectral")


def load(name):
    with open(os.path.join(ROOT, "graphs", name + ".json")) as f:
        return json.load(f)


def build(g, use_weights=True):
    """The oracle recipe of spec/graph.md."""
    n, edges, directed = g["num_nodes"], g["edges"], g.get("directed", False)
    weights = g.get("weights") or [1.0] * len(edges)
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(n))
    for (u, v), w in zip(edges, weights):
        if u != v:
            G.add_edge(u, v, weight=G[u][v]["weight"] + w if G.has_edge(u, v) else w)
    return G


def vec(d, n):
    return [float(d[i]) for i in range(n)]


def as_dict(a):
    return None if a is None else {i: float(x) for i, x in enumerate(a)}


cases = []


def case(name, kernel, graph_ref, graph, params, expect, atol):
    inp = {"graph": graph_ref if graph_ref else graph}
    inp.update(params)
    cases.append({"name": name, "kernel": kernel, "input": inp, "expect": {"scores": expect}, "atol": atol, "rtol": 0})


# ---------------------------------------------------------------- graph/pagerank

def pagerank(name, ref, alpha=0.85, use_weights=True, personalization=None, dangling=None, nstart=None, graph=None):
    g = graph if graph is not None else load(ref)
    G = build(g)
    pr = nx.pagerank(G, alpha=alpha, personalization=as_dict(personalization), max_iter=1000, tol=1e-12,
                     nstart=as_dict(nstart), weight="weight" if use_weights else None, dangling=as_dict(dangling))
    params = {"alpha": alpha, "tol": 1e-12, "max_iter": 1000, "use_weights": use_weights}
    for k, v in (("personalization", personalization), ("dangling", dangling), ("nstart", nstart)):
        if v is not None:
            params[k] = v
    case(name, "graph/pagerank", "@" + ref if graph is None else None, g, params, vec(pr, g["num_nodes"]), 1e-10)


pagerank("pagerank karate", "karate")
pagerank("pagerank karate alpha 0.5", "karate", alpha=0.5)
pagerank("pagerank lesmis weighted", "lesmis")
pagerank("pagerank lesmis unweighted", "lesmis", use_weights=False)
pagerank("pagerank directed_random weighted", "directed_random")
pagerank("pagerank directed_random unweighted", "directed_random", use_weights=False)
n_dr = load("directed_random")["num_nodes"]
pers = [float((i * 7) % 5) for i in range(n_dr)]
dang = [float(1 + (i % 3 == 0) * 4) if i % 2 else 0.0 for i in range(n_dr)]
start = [float(1 + i % 4) for i in range(n_dr)]
pagerank("pagerank directed_random personalization", "directed_random", personalization=pers)
pagerank("pagerank directed_random personalization+dangling", "directed_random", alpha=0.9, personalization=pers,
         dangling=dang)
pagerank("pagerank directed_random nstart", "directed_random", nstart=start)
pagerank("pagerank components", "components")
pagerank("pagerank components personalization", "components",
         personalization=[1.0 if i in (0, 7, 17) else 0.0 for i in range(20)])
pagerank("pagerank star5", "star5")
pagerank("pagerank path4", "path4")
pagerank("pagerank alpha 0 gives p", "karate", alpha=0.0, personalization=[float(i % 3) for i in range(34)])
# Edge cases computed by networkx too (n = 1, edgeless).
pagerank("pagerank single node", None, graph={"num_nodes": 1, "edges": []})
pagerank("pagerank edgeless personalization", None, graph={"num_nodes": 4, "edges": []},
         personalization=[1.0, 0.0, 3.0, 0.0])
# Hand values of the spec (typed in).
case("pagerank hand triangle+tail", "graph/pagerank", "@triangle_tail_directed", None,
     {"tol": 1e-12, "max_iter": 1000}, [0.387790, 0.214811, 0.397400], 1e-6)
case("pagerank hand two dangling", "graph/pagerank", None,
     {"num_nodes": 3, "edges": [[0, 1], [0, 2]], "directed": True}, {"tol": 1e-12, "max_iter": 1000},
     [20 / 77, 57 / 154, 57 / 154], 1e-10)
case("pagerank n=0", "graph/pagerank", None, {"num_nodes": 0, "edges": []}, {}, [], 0)
case("pagerank n=1", "graph/pagerank", None, {"num_nodes": 1, "edges": []}, {}, [1.0], 1e-15)


# ---------------------------------------------------------------- graph/eigenvector-centrality

def eigenvector(name, ref, use_weights=True, nstart=None, graph=None):
    g = graph if graph is not None else load(ref)
    G = build(g)
    ev = nx.eigenvector_centrality(G, max_iter=10000, tol=1e-12, nstart=as_dict(nstart),
                                   weight="weight" if use_weights else None)
    params = {"tol": 1e-12, "max_iter": 10000, "use_weights": use_weights}
    if nstart is not None:
        params["nstart"] = nstart
    case(name, "graph/eigenvector-centrality", "@" + ref if graph is None else None, g, params,
         vec(ev, g["num_nodes"]), 1e-10)


def eigenvector_numpy(name, ref, use_weights=True):
    g = load(ref)
    ev = nx.eigenvector_centrality_numpy(build(g), weight="weight" if use_weights else None)
    case(name, "graph/eigenvector-centrality", "@" + ref, None,
         {"tol": 1e-12, "max_iter": 10000, "use_weights": use_weights}, vec(ev, g["num_nodes"]), 1e-6)


eigenvector("eigenvector karate", "karate")
eigenvector("eigenvector lesmis weighted", "lesmis")
eigenvector("eigenvector lesmis unweighted", "lesmis", use_weights=False)
eigenvector("eigenvector directed_random weighted", "directed_random")
eigenvector("eigenvector directed_random nstart", "directed_random", use_weights=False, nstart=start)
eigenvector("eigenvector components nstart", "components", nstart=[float(1 + i % 5) for i in range(20)])
eigenvector("eigenvector components", "components")
eigenvector("eigenvector path4", "path4")
eigenvector("eigenvector single node", None, graph={"num_nodes": 1, "edges": []})
eigenvector("eigenvector edgeless", None, graph={"num_nodes": 4, "edges": []})
eigenvector_numpy("eigenvector karate (numpy oracle)", "karate")
eigenvector_numpy("eigenvector lesmis weighted (numpy oracle)", "lesmis")
r2 = 1 / math.sqrt(2)
case("eigenvector hand star K1,4", "graph/eigenvector-centrality", "@star5", None, {"tol": 1e-12, "max_iter": 10000},
     [r2, r2 / 2, r2 / 2, r2 / 2, r2 / 2], 1e-10)
case("eigenvector n=0", "graph/eigenvector-centrality", None, {"num_nodes": 0, "edges": []}, {}, [], 0)
case("eigenvector edgeless 1/sqrt(n)", "graph/eigenvector-centrality", None, {"num_nodes": 9, "edges": []}, {},
     [1 / 3] * 9, 1e-15)


# ---------------------------------------------------------------- graph/katz-centrality

def lambda_max(G, use_weights=True):
    A = nx.to_numpy_array(G, weight="weight" if use_weights else None)
    return max(abs(np.linalg.eigvals(A))) if len(A) else 0.0


def katz(name, ref, alpha=0.1, beta=1.0, use_weights=True, nstart=None, normalized=True, graph=None):
    g = graph if graph is not None else load(ref)
    G = build(g)
    b = beta if not isinstance(beta, list) else as_dict(beta)
    kz = nx.katz_centrality(G, alpha=alpha, beta=b, max_iter=1000, tol=1e-12, nstart=as_dict(nstart),
                            normalized=normalized, weight="weight" if use_weights else None)
    params = {"alpha": alpha, "beta": beta, "tol": 1e-12, "max_iter": 1000, "normalized": normalized,
              "use_weights": use_weights}
    if nstart is not None:
        params["nstart"] = nstart
    case(name, "graph/katz-centrality", "@" + ref if graph is None else None, g, params, vec(kz, g["num_nodes"]), 1e-10)


def katz_numpy(name, ref, alpha, beta=1.0, use_weights=True, normalized=True):
    g = load(ref)
    b = beta if not isinstance(beta, list) else as_dict(beta)
    kz = nx.katz_centrality_numpy(build(g), alpha=alpha, beta=b, normalized=normalized,
                                  weight="weight" if use_weights else None)
    case(name, "graph/katz-centrality", "@" + ref, None,
         {"alpha": alpha, "beta": beta, "tol": 1e-12, "normalized": normalized, "use_weights": use_weights},
         vec(kz, g["num_nodes"]), 1e-8)


lm_lambda = lambda_max(build(load("lesmis")))
dr_lambda = lambda_max(build(load("directed_random")))
lm_alpha = round(0.5 / lm_lambda, 6)
dr_alpha = round(0.6 / dr_lambda, 6)
katz("katz karate", "karate")
katz("katz karate unnormalized", "karate", alpha=0.05, normalized=False)
katz("katz lesmis weighted", "lesmis", alpha=lm_alpha)
katz("katz lesmis unweighted", "lesmis", alpha=0.05, use_weights=False)
katz("katz directed_random weighted", "directed_random", alpha=dr_alpha)
katz("katz directed_random beta array", "directed_random", alpha=dr_alpha,
     beta=[float(1 + (i % 4)) for i in range(n_dr)], normalized=False)
katz("katz directed_random nstart", "directed_random", alpha=0.1, use_weights=False,
     nstart=[float(i % 3) for i in range(n_dr)])
katz("katz components", "components", alpha=0.2)
katz("katz path4 beta 2", "path4", alpha=0.3, beta=2.0)
katz("katz edgeless beta array", None, graph={"num_nodes": 3, "edges": []}, beta=[1.0, 2.0, 2.0])
katz("katz edgeless", None, graph={"num_nodes": 4, "edges": []})
katz_numpy("katz karate (numpy oracle)", "karate", alpha=0.1)
katz_numpy("katz lesmis weighted (numpy oracle)", "lesmis", alpha=lm_alpha)
case("katz hand star K1,4", "graph/katz-centrality", "@star5", None, {"alpha": 0.1, "tol": 1e-12},
     [0.536875, 0.421831, 0.421831, 0.421831, 0.421831], 1e-6)
case("katz n=0", "graph/katz-centrality", None, {"num_nodes": 0, "edges": []}, {}, [], 0)

with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump(cases, f, indent=1)
    f.write("\n")
with open(os.path.join(OUT, "VERSIONS"), "w") as f:
    f.write("python %s\nnetworkx %s\nnumpy %s\nscipy %s\n" % (sys.version.split()[0], nx.__version__, np.__version__,
                                                             scipy.__version__))
print("%d cases (lesmis lambda_max %.6g, directed_random lambda_max %.6g)" % (len(cases), lm_lambda, dr_lambda))
