#!/usr/bin/env python3
"""Writes the shared fixture graphs of the graph/... tests to tests/data/graph/graphs/ in the JSON
`graph` type of spec/README.md. Each family's gen script under tests/data/graph/<family>/ reads
these files, runs the oracle (networkx, igraph, scipy) and writes the expected values.

Run from the repository root: python3 tests/data/graph/make_graphs.py  (networkx 3.6.1)
"""
import json
import os
import random

import networkx as nx

OUT = "tests/data/graph/graphs"


def dump(name, n, edges, weights=None, directed=False):
    g = {"num_nodes": n, "edges": [[int(u), int(v)] for u, v in edges], "directed": directed}
    if weights is not None:
        g["weights"] = [float(w) for w in weights]
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(g, f)


def main():
    os.makedirs(OUT, exist_ok=True)
    # Zachary's karate club: 34 nodes, 78 edges, undirected, unweighted.
    k = nx.karate_club_graph()
    dump("karate", k.number_of_nodes(), sorted(k.edges()))

    # Les Miserables co-occurrence, weighted, nodes relabelled 0..76 in sorted-name order.
    lm = nx.les_miserables_graph()
    names = sorted(lm.nodes())
    idx = {s: i for i, s in enumerate(names)}
    es = sorted((min(idx[u], idx[v]), max(idx[u], idx[v]), d["weight"]) for u, v, d in lm.edges(data=True))
    dump("lesmis", len(names), [(u, v) for u, v, _ in es], [w for _, _, w in es])

    # A seeded directed random graph with dangling nodes (no out-edges) and weights.
    rng = random.Random(2026)
    n = 60
    arcs = set()
    for u in range(n):
        if u % 7 == 3:
            continue  # dangling
        for _ in range(rng.randint(1, 5)):
            v = rng.randrange(n)
            if v != u:
                arcs.add((u, v))
    arcs = sorted(arcs)
    dump("directed_random", n, arcs, [round(rng.uniform(0.5, 3.0), 3) for _ in arcs], directed=True)

    # Several components plus isolated nodes (undirected, unweighted): a triangle, a path, a star,
    # a 4-cycle with a chord, and isolated nodes 17, 18, 19.
    comp = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (5, 6), (7, 8), (7, 9), (7, 10), (7, 11),
            (12, 13), (13, 14), (14, 15), (15, 12), (12, 14)]
    dump("components", 20, comp)

    # Hand-value graphs of the spec.
    dump("path4", 4, [(0, 1), (1, 2), (2, 3)])
    dump("star5", 5, [(0, 1), (0, 2), (0, 3), (0, 4)])
    dump("triangle_tail_directed", 3, [(0, 1), (1, 2), (2, 0), (0, 2)], directed=True)


if __name__ == "__main__":
    main()
