#!/usr/bin/env python3
"""Makes the demo's sample data (seeded, stdlib only): run from the repository root.

pnl_daily.json      10 years of daily P&L of a book, with two large offsetting transfers that
                    naive summation loses but the compensated sum keeps.
returns_gram.json   250 days x 6 assets of daily returns, as a = R^T and b = R for R^T R.
positions.json      opening positions and the day's trades for 12 instruments.
payments.tsv        a payment network (account -> account, amount in thousands) of 120 accounts,
                    with a fan-in hub (account 7) and a round-tripping loop 90 -> 91 -> 92 -> 93 -> 90.
"""
import json
import random

rng = random.Random(20261126)

pnl = [round(rng.gauss(1500.0, 25000.0), 2) for _ in range(2520)]
pnl[100] += 1e17   # a transfer in ...
pnl[2000] -= 1e17  # ... and back out: exact sums cancel it, naive ones lose the cents around it
with open("examples/data/pnl_daily.json", "w") as f:
    json.dump({"values": pnl}, f)

assets, days = 6, 250
vols = [0.010, 0.012, 0.015, 0.020, 0.008, 0.025]
market = [rng.gauss(0.0, 0.009) for _ in range(days)]
R = [[round(0.6 * market[d] + rng.gauss(0.0, vols[a]), 6) for a in range(assets)] for d in range(days)]
Rt = [[R[d][a] for d in range(days)] for a in range(assets)]
with open("examples/data/returns_gram.json", "w") as f:
    json.dump({"a": Rt, "b": {"n_rows": days, "n_cols": assets, "data": [x for row in R for x in row]}}, f)

opening = [float(rng.randrange(-50, 50) * 100) for _ in range(12)]
trades = [float(rng.randrange(-10, 10) * 25) for _ in range(12)]
with open("examples/data/positions.json", "w") as f:
    json.dump({"a": opening, "b": trades}, f, indent=1)

prng = random.Random(7)
n_acc = 120
edges = set()
for _ in range(420):
    u, v = prng.randrange(n_acc), prng.randrange(n_acc)
    if u != v:
        edges.add((u, v))
edges.update((u, 7) for u in range(30, 52))
loop = [90, 91, 92, 93, 90]
edges.update(zip(loop, loop[1:]))
with open("examples/data/payments.tsv", "w") as f:
    f.write("# Demo payment network: account -> account, amount (thousands)\n# Nodes: %d\n" % n_acc)
    for u, v in sorted(edges):
        f.write("%d\t%d\t%.2f\n" % (u, v, round(prng.uniform(1, 250), 2)))
