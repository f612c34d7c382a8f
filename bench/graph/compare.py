#!/usr/bin/env python3
"""Graph benchmarks: CKernels against its peers on the same R-MAT files, side by side.

    python3 bench/graph/compare.py [--build build] [--scale 20] [--threads 2] [--only pagerank,...]

Generates seeded R-MAT graphs with build/bench/rmat (Graph500 a=.57 b=.19 c=.19), runs
build/bench/bench_graph (CKernels, typed API, graph loaded once) and the peers in this process on
the same files, checks that the answers agree, and prints times and ratios (peer time / CKernels
time: > 1 means CKernels is faster). Peers: python-igraph (PRPACK PageRank, triangles, components,
multilevel Louvain, betweenness), scipy (CSR power-iteration PageRank) and networkx (betweenness on
a small graph). Thread counts: CKernels uses --threads; igraph and networkx are single-threaded;
scipy/numpy use OpenBLAS' threads (sparse products are single-threaded in scipy).
Needs: pip install python-igraph scipy networkx numpy.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np


def rmat(build, scale, factor, path):
    if not os.path.exists(path):
        with open(path, "w") as f:
            subprocess.run([os.path.join(build, "bench", "rmat"), str(scale), str(factor), "42"], stdout=f, check=True)
    return path


def load_edges(path):
    """The edge pairs of a TSV edge list (comment lines, such as the SNAP header, skipped)."""
    with open(path) as f:
        text = "".join(line for line in f if not line.startswith("#"))
    return np.array(text.split(), dtype=np.int64).reshape(-1, 2)


def timed(fn, repeat=1):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def ckernels(build, args):
    out = subprocess.run([os.path.join(build, "bench", "bench_graph")] + args, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("bench_graph failed: " + out.stderr)
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--scale", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", default="pagerank,triangles,components,louvain,betweenness")
    ap.add_argument("--tmp", default="/tmp")
    a = ap.parse_args()
    only = set(a.only.split(","))
    import igraph as ig
    import scipy.sparse as sp

    rows = []

    def report(kernel, graph, ck_s, peer, peer_s, note=""):
        rows.append((kernel, graph, ck_s, peer, peer_s, peer_s / ck_s if ck_s > 0 else float("nan"), note))
        print(f"{kernel:<13} {graph:<22} ckernels {ck_s:9.4f} s   {peer:<26} {peer_s:9.4f} s   ratio {peer_s / ck_s:7.2f}x  {note}",
              flush=True)

    big = rmat(a.build, a.scale, 16, os.path.join(a.tmp, f"rmat{a.scale}.tsv"))
    name = f"R-MAT {a.scale}"
    if only & {"pagerank", "triangles", "components", "louvain"}:
        E = load_edges(big)
        n = 1 << a.scale
        ck = {r["kernel"]: r for r in ckernels(a.build, ["--file", big, "--threads", str(a.threads),
                                                        "--kernels", ",".join(sorted(only - {"betweenness"}))])}
    if "pagerank" in only:
        # Directed, duplicates merged (summed weights = multiplicity), self-loops dropped: the load rules.
        keep = E[:, 0] != E[:, 1]
        A = sp.csr_matrix((np.ones(keep.sum()), (E[keep, 0], E[keep, 1])), shape=(n, n))
        A.sum_duplicates()
        r = ck["pagerank"]
        out_s = np.asarray(A.sum(axis=1)).ravel()
        inv = np.where(out_s > 0, 1.0 / np.where(out_s > 0, out_s, 1), 0.0)
        P = sp.csr_matrix(A.multiply(inv[:, None]))
        PT = P.T.tocsr()
        dangling = out_s == 0

        def scipy_pr():
            x = np.full(n, 1.0 / n)
            for it in range(1, 1001):
                x_new = 0.85 * (PT @ x + x[dangling].sum() / n) + 0.15 / n
                if np.abs(x_new - x).sum() < 1e-6:
                    return x_new, it
                x = x_new
            return x, 1000

        s_t, (s_x, s_it) = timed(scipy_pr)
        g = ig.Graph(n=n, edges=E[keep].tolist(), directed=True)
        g.es["weight"] = 1.0
        g.simplify(combine_edges="sum")
        i_t, i_x = timed(lambda: g.pagerank(damping=0.85, weights="weight", implementation="prpack"))
        err = float(np.abs(np.array(i_x) - s_x).max())
        note = f"{r['iterations']} it, {r['edges'] * r['iterations'] / r['seconds'] / 1e9:.2f} G edge-it/s; scipy {s_it} it; max|igraph-scipy| {err:.1e}; ck checksum {r['checksum']:.6f}"
        report("pagerank", name, r["seconds"], "igraph PRPACK", i_t, note)
        report("pagerank", name, r["seconds"], "scipy CSR power iteration", s_t, f"scipy sum {s_x.sum():.6f}")
    if only & {"triangles", "components", "louvain"}:
        gu = ig.Graph(n=n, edges=E.tolist(), directed=False)
        gu.simplify()
    if "triangles" in only:
        r = ck["triangles"]
        # igraph's fastest whole-graph triangle pass: global transitivity = 3 triangles / triples.
        i_t, tr = timed(lambda: gu.transitivity_undirected())
        report("triangles", name + " undirected", r["seconds"], "igraph transitivity_undirected", i_t,
               f"{r['total']} triangles; transitivity ck {r['transitivity']:.12f} vs igraph {tr:.12f}: "
               f"{'agree' if abs(r['transitivity'] - tr) < 1e-12 else 'DIFFER'}")
    if "components" in only:
        r = ck["components"]
        i_t, cc = timed(lambda: gu.connected_components())
        report("components", name + " undirected", r["seconds"], "igraph connected_components", i_t,
               f"ck {r['count']} vs igraph {len(cc)}: {'agree' if r['count'] == len(cc) else 'DIFFER'}")
    if "louvain" in only:
        r = ck["louvain"]
        i_t, cl = timed(lambda: gu.community_multilevel())
        report("louvain", name + " undirected", r["seconds"], "igraph community_multilevel", i_t,
               f"modularity ck {r['modularity']:.4f} vs igraph {cl.modularity:.4f}")
    if "betweenness" in only:
        mid = rmat(a.build, 13, 12, os.path.join(a.tmp, "rmat13_12.tsv"))
        r = ckernels(a.build, ["--file", mid, "--threads", str(a.threads), "--kernels", "betweenness"])[0]
        Em = load_edges(mid)
        gm = ig.Graph(n=1 << 13, edges=Em.tolist(), directed=False)
        gm.simplify()
        i_t, b = timed(lambda: gm.betweenness(directed=False))
        nb = 1 << 13
        bn = np.array(b) * 2 / ((nb - 1) * (nb - 2))
        report("betweenness", f"R-MAT 13 ({gm.ecount()} edges)", r["seconds"], "igraph betweenness", i_t,
               f"max|ck-igraph| normalized {abs(r['max_score'] - bn.max()):.1e}")
        small = rmat(a.build, 9, 8, os.path.join(a.tmp, "rmat9_8.tsv"))
        r = ckernels(a.build, ["--file", small, "--threads", str(a.threads), "--kernels", "betweenness"])[0]
        import networkx as nx
        Es = load_edges(small)
        G = nx.Graph()
        G.add_nodes_from(range(1 << 9))
        G.add_edges_from((int(u), int(v)) for u, v in Es if u != v)
        x_t, xb = timed(lambda: nx.betweenness_centrality(G))
        report("betweenness", f"R-MAT 9 ({G.number_of_edges()} edges)", r["seconds"], "networkx", x_t,
               f"max|ck-nx| {abs(r['max_score'] - max(xb.values())):.1e}")
    print("\nkernel        graph                  ratio (peer time / ckernels time)")
    for k, g, _, p, _, ratio, _ in rows:
        print(f"{k:<13} {g:<22} {ratio:8.2f}x vs {p}")


if __name__ == "__main__":
    main()
