#!/usr/bin/env python3
"""Independent oracle fixtures for src/core/rng.c (tests/core/test_rng.c).

Run from this directory: python3 gen_rng.py   (numpy, scipy and mpmath; versions go in VERSIONS).

Files (every double as the hex of its IEEE-754 bits, every word as hex):
  streams.txt  numpy's Philox: for several (seed, stream) pairs the first N words of
               np.random.Philox(key=seed, counter=stream << 64).random_raw(), the uniform
               u = ((w >> 11) + 0.5) * 2**-53 as numpy evaluates it (the single value that rounds to
               1.0 is replaced by 1 - 2**-53, the ck convention), z = scipy.stats.norm.ppf(u) and
               z* = the exact quantile of u from mpmath, rounded to nearest.
  ppf.txt      p, scipy.stats.norm.ppf(p), exact quantile (mpmath) for p across all three AS241
               regions, their boundaries and the extreme tails.
  log.txt      x, log(x) correctly rounded (mpmath at 200 bits) over the whole double range.
Before writing, the script checks that numpy's stream equals the block function evaluated at
counter (j+1, stream, 0, 0) (numpy increments the counter before each block), i.e. the keying of
spec/risk.md.
"""
import struct
from fractions import Fraction

import mpmath
import numpy as np
import scipy
import scipy.stats

mpmath.mp.prec = 256
M64 = (1 << 64) - 1


def dbits(x):
    return struct.unpack("<Q", struct.pack("<d", float(x)))[0]


def bitsd(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def mp_to_double(x):
    """Round an mpf to the nearest double (Fraction -> float is correctly rounded)."""
    sign, man, exp, _ = x._mpf_
    v = Fraction(int(man)) * (Fraction(2) ** int(exp))
    return -float(v) if sign else float(v)


def exact_ppf(p, start):
    """Solve ncdf(z) = p by Newton at 256 bits from scipy's estimate."""
    p = mpmath.mpf(p)  # exact: p is a double
    z = mpmath.mpf(start)
    for _ in range(60):
        dz = (mpmath.ncdf(z) - p) / mpmath.npdf(z)
        z -= dz
        if abs(dz) < mpmath.mpf(2) ** -200 * (1 + abs(z)):
            break
    else:
        raise RuntimeError("no convergence at p=%r" % p)
    return mp_to_double(z)


def uniform(w):
    u = (float(w >> 11) + 0.5) * 2.0 ** -53
    return 1.0 - 2.0 ** -53 if u == 1.0 else u


def philox_block(counter, key):
    """One block through numpy: it increments the 256-bit counter before computing a block."""
    c = sum(int(x) << (64 * i) for i, x in enumerate(counter))
    g = np.random.Philox(counter=(c - 1) % (1 << 256), key=int(key[0]) | (int(key[1]) << 64))
    return [int(x) for x in g.random_raw(4)]


def main():
    # --- keying check: random_raw of (key=seed, counter=p<<64) == blocks at (j+1, p, 0, 0)
    for seed, p in [(42, 3), (M64, M64), (7, 0)]:
        raw = [int(x) for x in np.random.Philox(key=seed, counter=p << 64).random_raw(12)]
        blocks = sum((philox_block([j + 1, p, 0, 0], [seed, 0]) for j in range(3)), [])
        assert raw == blocks, (seed, p)

    pairs = [(0, 0), (42, 0), (42, 1), (42, 12345), (M64, M64), (0x243F6A8885A308D3, 7),
             (12345, 1 << 63)]
    n = 400
    with open("streams.txt", "w") as f:
        f.write("# seed stream n, then n lines: word u z_scipy z_exact (hex)\n")
        for seed, p in pairs:
            w = np.random.Philox(key=seed, counter=p << 64).random_raw(n)
            # numpy's own evaluation of the spec formula, then the 1.0 -> 1-2^-53 convention
            u_np = ((w >> np.uint64(11)) + 0.5) * 2.0 ** -53
            f.write("%x %x %d\n" % (seed, p, n))
            for i in range(n):
                wi = int(w[i])
                u = uniform(wi)
                assert u == float(u_np[i]) or u_np[i] == 1.0
                zs = float(scipy.stats.norm.ppf(u))
                f.write("%016x %016x %016x %016x\n"
                        % (wi, dbits(u), dbits(zs), dbits(exact_ppf(u, zs))))

    # --- quantile: regions, region boundaries (0.075, 0.925, exp(-25)), extremes
    ps = set()
    for b in [0.5, 0.075, 0.925, float(mpmath.exp(-25)), 1 - float(mpmath.exp(-25)),
              2.0 ** -54, 2.0 ** -53, 1 - 2.0 ** -53, 0.25, 0.75]:
        bb = dbits(b)
        for d in range(-3, 4):
            ps.add(bitsd(bb + d))
    ps.update([1e-300, 1e-100, 1e-50, 1e-20, 1e-12, 1e-8, 1e-4, 0.01, 0.025, 0.05, 0.1, 0.3,
               0.4999999, 0.5000001, 0.6, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-12,
               2.0 ** -1022, 5e-324])
    rng = np.random.default_rng(20240611)
    ps.update(float(x) for x in rng.random(800))
    ps.update(float(10.0 ** -x) for x in rng.uniform(1, 300, 300))
    ps.update(float(1 - 10.0 ** -x) for x in rng.uniform(1, 15, 100))
    ps = sorted(p for p in ps if 0 < p < 1)
    with open("ppf.txt", "w") as f:
        f.write("# n, then n lines: p ppf_scipy ppf_exact (hex)\n%d\n" % len(ps))
        for p in ps:
            zs = float(scipy.stats.norm.ppf(p))
            f.write("%016x %016x %016x\n" % (dbits(p), dbits(zs), dbits(exact_ppf(p, zs))))

    # --- log: whole range, near 1, near the sqrt(2) reduction boundary, subnormals
    mpmath.mp.prec = 200
    xs = set()
    xs.update(float(x) for x in 2.0 ** rng.uniform(-1074, 1024, 3000) if np.isfinite(x) and x > 0)
    xs.update(float(x) for x in rng.uniform(2.0 ** -54, 0.5, 2000))
    xs.update(float(1 + x) for x in rng.uniform(-2 ** -10, 2 ** -10, 300))
    xs.update(float(1 + x) for x in rng.uniform(-2 ** -40, 2 ** -40, 100))
    for b in [1.0, 2.0 ** 0.5, 2.0 ** -0.5, 2.0, 0.5, 2.0 ** -1022, 5e-324, 1.7976931348623157e308,
              10.0, 2.0 ** -54, 0.075, float(mpmath.exp(-25))]:
        bb = dbits(b)
        for d in range(-3, 4):
            x = bitsd(bb + d) if 0 <= bb + d <= M64 else 0.0
            if 0 < x < float("inf"):
                xs.add(x)
    xs = sorted(xs)
    with open("log.txt", "w") as f:
        f.write("# n, then n lines: x log(x) correctly rounded (hex)\n%d\n" % len(xs))
        for x in xs:
            f.write("%016x %016x\n" % (dbits(x), dbits(mp_to_double(mpmath.log(mpmath.mpf(x))))))

    with open("VERSIONS", "w") as f:
        f.write("numpy %s\nscipy %s\nmpmath %s\n" % (np.__version__, scipy.__version__,
                                                   mpmath.__version__))


if __name__ == "__main__":
    main()
