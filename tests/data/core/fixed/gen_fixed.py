#!/usr/bin/env python3
"""Fixtures for tests/core/test_fixed.c, computed with Python's decimal module (the oracle).

Run from anywhere:  python3 tests/data/core/fixed/gen_fixed.py
Writes *.txt next to this script and VERSION.txt with the Python / libmpdec versions used.

Semantics checked (DESIGN.md §4, include/ckernels/fixed.h): a fixed128 value is raw / 10^18 with
raw in [-2^127, 2^127 - 1]; a fixed64 value is raw / 10^8 with raw in [-2^63, 2^63 - 1]. Every
operation is the exact result quantized once to the scale with the given rounding mode
(Decimal.quantize), then range-checked ("overflow" when out of range). Zero is never negative.

Line format (whitespace separated, '#' starts a comment line). T is 128 or 64, MODE is one of
HALF_EVEN HALF_UP HALF_DOWN DOWN UP FLOOR CEILING; operands are raw integers in base 10;
results are the full-scale formatted value (every decimal) unless stated:
  parse   T MODE TEXT  FULL|overflow  TRIM|-      (TRIM: trailing fraction zeros and '.' removed)
  exact   T TEXT  FULL|overflow|inexact           (strict parse: overflow wins over inexact)
  add     T A B   FULL|overflow
  sub     T A B   FULL|overflow
  neg     T A     FULL|overflow
  mul     T MODE A B  FULL|overflow
  div     T MODE A B  FULL|overflow|divzero
  round   T MODE DECIMALS A  FULL|overflow
  fromdbl T MODE BITS  FULL|overflow              (BITS: the double's IEEE-754 bits, 16 hex digits)
  todbl   T A BITS                                (float(Decimal): correctly rounded)
  toint   T MODE A  INT|overflow
  narrow  MODE A128  FULL64|overflow
  cmp     T A B  -1|0|1

Division: the quotient is first computed with a 2000-digit context, then quantized. That is exact
for the rounding decision: a quotient a/b with |b| < 2^128 that is not a multiple of half a unit
is at least 1/(2|b|) > 1e-39 units away from one, far beyond the 2000-digit approximation error.
"""
import decimal
import os
import random
import struct
import sys
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20240611

CTX = decimal.Context(prec=2000, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN,
                      traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])
decimal.setcontext(CTX)  # every implicit operation (abs, comparisons, float()) uses it too

MODES = {
    "HALF_EVEN": decimal.ROUND_HALF_EVEN,
    "HALF_UP": decimal.ROUND_HALF_UP,
    "HALF_DOWN": decimal.ROUND_HALF_DOWN,
    "DOWN": decimal.ROUND_DOWN,
    "UP": decimal.ROUND_UP,
    "FLOOR": decimal.ROUND_FLOOR,
    "CEILING": decimal.ROUND_CEILING,
}
MODE_NAMES = list(MODES)


class Kind:
    def __init__(self, tag, scale, bits):
        self.tag = tag
        self.scale = scale
        self.lo = -(1 << (bits - 1))
        self.hi = (1 << (bits - 1)) - 1
        self.unit = Decimal(1).scaleb(-scale)


K128 = Kind("128", 18, 128)
K64 = Kind("64", 8, 64)
KINDS = [K128, K64]


def dec_raw(k, raw):
    return Decimal(raw).scaleb(-k.scale, context=CTX)


def quantize(k, exact, mode, unit=None):
    """exact Decimal -> raw int, or None on overflow."""
    unit = k.unit if unit is None else unit
    # Far out of range values cannot come back into range by rounding; this also avoids asking
    # quantize for more digits than the context has.
    if abs(exact) > Decimal(2) ** 130:
        return None
    q = exact.quantize(unit, rounding=MODES[mode], context=CTX)
    raw = int(q.scaleb(k.scale, context=CTX))
    if raw < k.lo or raw > k.hi:
        return None
    return raw


def full(k, raw):
    """Full-scale text of raw: every decimal of the scale, no '-0'."""
    if raw is None:
        return "overflow"
    d = dec_raw(k, raw)
    if d == 0:
        d = abs(d)
    s = format(d.quantize(k.unit, context=CTX), "f")
    assert len(s.split(".")[1]) == k.scale
    return s


def trim(s):
    if s == "overflow":
        return "-"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


# ---------------------------------------------------------------- operands

def special_raws(k):
    one = 10 ** k.scale
    vals = {0, 1, -1, 2, -2, one, -one, one // 2, -(one // 2), 3 * one // 2, k.hi, k.lo, k.hi - 1,
            k.lo + 1, k.hi // 2, k.lo // 2, 10 * one, -10 * one, 7, -7, 5, -5}
    if k is K128:
        vals |= {1 << 64, -(1 << 64), (1 << 64) - 1, (1 << 63), -(1 << 63), (1 << 100) + 12345,
                 int(Decimal(k.hi).sqrt(context=CTX) * Decimal(one).sqrt(context=CTX))}
    return sorted(vals)


def rand_raw(rng, k):
    bits = k.hi.bit_length()
    c = rng.randrange(8)
    if c == 0:  # uniform over the whole range
        return rng.randint(k.lo, k.hi)
    if c == 1:  # log-uniform magnitude
        v = rng.getrandbits(rng.randint(1, bits))
    elif c == 2:  # a "nice" decimal amount (few decimals)
        v = rng.randint(0, 10 ** rng.randint(1, 12)) * 10 ** (k.scale - rng.randint(0, 4))
    elif c == 3:  # near the limits
        v = k.hi - rng.randint(0, 1000)
    elif c == 4:  # small raw values
        v = rng.randint(0, 10000)
    elif c == 5:  # values with ones/zeros bit patterns (64-bit limb edges)
        v = ((1 << rng.randint(1, bits)) - 1) ^ (rng.getrandbits(8) << rng.randint(0, bits - 8))
        v &= k.hi
    elif c == 6:  # an integer amount
        v = rng.randint(0, 10 ** rng.randint(0, 11)) * 10 ** k.scale
    else:
        v = rng.getrandbits(bits)
    v = min(v, k.hi)
    return -v if rng.random() < 0.5 else v


def rand_mode(rng):
    return rng.choice(MODE_NAMES)


# ---------------------------------------------------------------- parse

def random_text(rng):
    sign = rng.choice(["", "", "-", "+"])
    ni = rng.choice([0, 1, 1, 2, 3, 5, 8, 12, 15, 20, 21, 22, 25])
    nf = rng.choice([0, 0, 1, 2, 5, 8, 9, 10, 17, 18, 19, 20, 25, 40])
    if ni + nf == 0:
        ni = 1
    ip = "".join(rng.choice("0123456789") for _ in range(ni))
    if ni > 1 and rng.random() < 0.7:
        ip = ip.lstrip("0") or "0"
    fp = "".join(rng.choice("0123456789") for _ in range(nf))
    if nf and rng.random() < 0.3:  # a tie-ish tail
        fp = fp[: max(0, nf - 3)] + rng.choice(["5", "50", "500", "49", "51", "499"])
    s = sign + ip
    if nf or (ni and rng.random() < 0.1):
        s += "." + fp
    if rng.random() < 0.2:
        s += rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.randint(0, 30))
    return s


def parse_cases(rng):
    out = []
    hand = [
        "0", "-0", "+0", "0.0", "-0.000", "00000000000000000000000000000000000000000000000012.5",
        "1", "-1", "1.", ".5", "-.5", "+.25", "1.5e-3", "2E+10", "1e0", "123456789.987654321",
        "1234.56", "1234.560000000000000000", "0.1", "0.01", "0.000000000000000001",
        "0.0000000000000000005", "-0.0000000000000000005", "0.0000000000000000015",
        "-0.0000000000000000015", "0.0000000000000000025", "-0.0000000000000000025",
        "0.00000000000000000050000000000000000001", "0.00000000000000000049999999999999999999",
        "1.0000000000000000005", "1.0000000000000000015", "-1.0000000000000000005",
        "2.5e-18", "3.5e-18", "-2.5e-18", "5e-19", "-5e-19", "4.9999999999e-19", "1e-19", "-1e-19",
        "1e-1000", "-1e-1000", "5e-1000", "0.5e-17", "0.000000005", "0.000000015", "-0.000000025",
        "0.0000000050000000001", "0.000000004999999999999999999999",
        "170141183460469231731.687303715884105727", "170141183460469231731.687303715884105728",
        "-170141183460469231731.687303715884105728", "-170141183460469231731.687303715884105729",
        "170141183460469231731.6873037158841057274", "170141183460469231731.6873037158841057275",
        "170141183460469231731.68730371588410572749", "-170141183460469231731.6873037158841057284",
        "-170141183460469231731.6873037158841057285", "-170141183460469231731.68730371588410572850001",
        "170141183460469231732", "1e21", "1e20", "-1e20", "1.7e20", "1.8e20", "1e38", "1e39",
        "1e40", "340282366920938463463374607431768211456", "999999999999999999999999999999999999999",
        "9999999999999999999999999999999999999999", "1e999999999999999999", "-1e999999999999999999",
        "1e-999999999999999999", "-1e-999999999999999999", "0e999999999999999999",
        "0.000000000000000000000000000000000000000000000000001e51",
        "12345678901234567890123456789012345678901234567890e-30",
        "0." + "0" * 300 + "1e300", "1" + "0" * 300 + "e-300",
        "92233720368.54775807", "92233720368.54775808", "-92233720368.54775808",
        "-92233720368.54775809", "92233720368.547758074", "92233720368.547758075",
        "-92233720368.547758085", "9.2233720368547758075e10",
        "0.999999999999999999999999", "-0.999999999999999999999999", "0.99999999999999999949",
        "9.999999995", "-9.999999995",
    ]
    for s in hand:
        for k in KINDS:
            for m in MODE_NAMES:
                out.append((k, m, s))
    for _ in range(2500):
        k = K128 if rng.random() < 0.6 else K64
        out.append((k, rand_mode(rng), random_text(rng)))
    lines, exact_lines = [], []
    for k, m, s in out:
        d = Decimal(s)
        raw = quantize(k, d, m)
        f = full(k, raw)
        lines.append(f"parse {k.tag} {m} {s} {f} {trim(f)}")
    seen = set()
    for k, _, s in out:
        if (k.tag, s) in seen:
            continue
        seen.add((k.tag, s))
        d = Decimal(s)
        if abs(d) >= Decimal(2) ** 130:
            res = "overflow"
        else:
            q = d.quantize(k.unit, rounding=decimal.ROUND_DOWN, context=CTX)
            raw_trunc = int(q.scaleb(k.scale, context=CTX))
            exact = q == d
            if raw_trunc > k.hi or raw_trunc < k.lo or (not exact and (raw_trunc == k.hi or raw_trunc == k.lo)):
                res = "overflow"  # beyond the range (an inexact value past the last unit too)
            elif not exact:
                res = "inexact"
            else:
                res = full(k, raw_trunc)
        exact_lines.append(f"exact {k.tag} {s} {res}")
    return lines + exact_lines


# ---------------------------------------------------------------- arithmetic

def arith_cases(rng):
    lines = []
    for k in KINDS:
        sp = special_raws(k)
        pairs = [(a, b) for a in sp for b in sp]
        for _ in range(800):
            pairs.append((rand_raw(rng, k), rand_raw(rng, k)))
        for a, b in pairs:
            if rng.random() < 0.5 or (a in sp and b in sp):
                s = a + b
                lines.append(f"add {k.tag} {a} {b} {full(k, s if k.lo <= s <= k.hi else None)}")
                s = a - b
                lines.append(f"sub {k.tag} {a} {b} {full(k, s if k.lo <= s <= k.hi else None)}")
            if a in sp and b in sp or rng.random() < 0.3:
                c = (a > b) - (a < b)
                lines.append(f"cmp {k.tag} {a} {b} {c}")
        for a in sp:
            lines.append(f"neg {k.tag} {a} {full(k, -a if k.lo <= -a <= k.hi else None)}")
    return lines


KNUTH_CORRECTIONS = [
    (170141183460469231731687303715884105727, 91007011887646072897534),
    (85070591730234615861231965839514664960, 36893488147419103231),
    (170141183460469231717852245660601942015, 2882303761517117439999),
    (85070591730234615865843651857942052863, 5166966374151863362050024538111),
    (141457962778423148044951845076991, 311210407581535417925631),
    (170141183460469231722465926358985387851, 11636124988616027554279791072483737599),
    (104645371062383457622198565014203269120, 51472622990659175056551182334),
    (9471688408867579062512517119, 597683662184936050723389439),
    (85070591730234615861231965839514664960, 170141183460469231727075617697456717823),
    (85070591730234615870455337876369440767, 85070591730234615875067023894796828670),
    (85070591730234615856620279821087277056, 36053810500890073054523826129338367),
    (85070591730234615865843651857942052889, 85070591730234615875067023894796828670),
]


def mul_div_cases(rng):
    lines = []
    for k in KINDS:
        one = 10 ** k.scale
        sp = special_raws(k)
        cases = []
        for a in sp:
            for b in sp:
                cases.append((a, b, rand_mode(rng)))
        # every mode on ties: x * 0.5 with x odd, x * 0.25, and negative ties
        for m in MODE_NAMES:
            for a in [1, 3, 5, -1, -3, -5, 2, 6, -6, 12345, -12345, 10 ** 30 + 1 if k is K128 else 10 ** 15 + 1]:
                for b in [one // 2, -(one // 2), one // 4, -(one // 4), one // 10, one * 5 // 2]:
                    cases.append((a, b, m))
        # products near the upper limit: b = hi * one / a, +-small
        for _ in range(300):
            a = rand_raw(rng, k) or 1
            b = (k.hi * one) // abs(a) + rng.randint(-2, 2)
            if k.lo <= b <= k.hi:
                cases.append((a, b if rng.random() < 0.5 else -b, rand_mode(rng)))
        for _ in range(1500):
            cases.append((rand_raw(rng, k), rand_raw(rng, k), rand_mode(rng)))
        for a, b, m in cases:
            CTX.clear_flags()
            exact = dec_raw(k, a) * dec_raw(k, b)
            assert CTX.flags[decimal.Inexact] == 0
            lines.append(f"mul {k.tag} {m} {a} {b} {full(k, quantize(k, exact, m))}")

        dcases = []
        for a in sp:
            for b in sp:
                dcases.append((a, b, rand_mode(rng)))
        # long expansions and ties
        for m in MODE_NAMES:
            for a in [one, -one, 2 * one, 1, -1, 7 * one, 22 * one, 355 * one, k.hi, k.lo]:
                for b in [3, 7, 9, 11, 13, 17, 19, 23, 29, 97, 7919, 65537, 999999937]:
                    for bb in (b * one, -b * one, b):
                        if rng.random() < 0.3:
                            dcases.append((a, bb, m))
            for a in [1, 3, 5, -1, -3, -5, 12345, -12345, 25, -25]:
                for b in [2 * one, -2 * one, 4 * one, 8 * one, -8 * one, 20 * one]:
                    dcases.append((a, b, m))
            dcases.append((k.hi, one, m))
            dcases.append((k.lo, -one, m))
            dcases.append((k.lo, one, m))
            dcases.append((k.hi, 10 * one, m))
            dcases.append((k.hi, one // 10, m))
            dcases.append((one, k.hi, m))
            dcases.append((-one, k.lo, m))
            dcases.append((5, 0, m))
            dcases.append((0, 0, m))
        if k is K128:
            # operands whose 2-limb division needs one or two quotient-digit corrections in
            # Knuth's algorithm D (found by instrumenting the C code; rare in random data)
            for a, b in KNUTH_CORRECTIONS:
                for m in MODE_NAMES:
                    dcases.append((a, b, m))
                    dcases.append((-a, b, m))
        # quotients near the limit: b = a * one / hi
        for _ in range(300):
            a = rand_raw(rng, k)
            b = (abs(a) * one) // k.hi + rng.randint(0, 2)
            if b:
                dcases.append((a, -b if rng.random() < 0.5 else b, rand_mode(rng)))
        for _ in range(1500):
            dcases.append((rand_raw(rng, k), rand_raw(rng, k), rand_mode(rng)))
        for _ in range(300):  # small divisors
            dcases.append((rand_raw(rng, k), rng.randint(-10 ** 6, 10 ** 6), rand_mode(rng)))
        for a, b, m in dcases:
            if b == 0:
                res = "divzero"
            else:
                res = full(k, quantize(k, CTX.divide(dec_raw(k, a), dec_raw(k, b)), m))
            lines.append(f"div {k.tag} {m} {a} {b} {res}")
    return lines


def round_cases(rng):
    lines = []
    for k, dmin in ((K128, -20), (K64, -10)):
        sp = special_raws(k)
        vals = list(sp)
        for _ in range(400):
            vals.append(rand_raw(rng, k))
        for d in range(-1, 3):
            u = 10 ** (k.scale - d)
            for t in (1, 3, -1, -3, 2, -2):
                vals.append(t * u // 2)  # exact ties at 10^-d
        for a in vals:
            for m in MODE_NAMES:
                if rng.random() < 0.35 or a in sp:
                    dec = rng.choice([0, 1, 2, 4, k.scale, k.scale - 1, -1, -2, dmin, dmin + 1])
                    exact = dec_raw(k, a)
                    raw = quantize(k, exact, m, unit=Decimal(1).scaleb(-dec))
                    lines.append(f"round {k.tag} {m} {dec} {a} {full(k, raw)}")
    return lines


def conv_cases(rng):
    lines = []
    # to int64
    for k in KINDS:
        one = 10 ** k.scale
        vals = list(special_raws(k))
        for t in range(-7, 8):
            vals += [t * one + one // 2, t * one - one // 2, t * one + 1, t * one - 1]
        i64max, i64min = (1 << 63) - 1, -(1 << 63)
        if k is K128:
            vals += [i64max * one, i64max * one + one // 2, i64max * one + one // 2 - 1,
                     i64max * one + 1, i64min * one, i64min * one - 1, i64min * one - one // 2,
                     i64min * one - one // 2 + 1, (i64max + 1) * one]
        for _ in range(400):
            vals.append(rand_raw(rng, k))
        for a in vals:
            for m in MODE_NAMES:
                if rng.random() < 0.4 or a in vals[:60]:
                    q = dec_raw(k, a).quantize(Decimal(1), rounding=MODES[m], context=CTX)
                    r = int(q)
                    res = str(r) if i64min <= r <= i64max else "overflow"
                    lines.append(f"toint {k.tag} {m} {a} {res}")
    # narrowing fixed128 -> fixed64
    vals = list(special_raws(K128))
    u = 10 ** 10
    for t in (1, 3, 5, -1, -3, -5, 11, -11):
        vals.append(t * u // 2)
    lim_hi = K64.hi * u
    lim_lo = K64.lo * u
    vals += [lim_hi, lim_hi + u // 2, lim_hi + u // 2 - 1, lim_hi + 1, lim_lo, lim_lo - u // 2,
             lim_lo - u // 2 + 1, lim_lo - 1, lim_hi + u]
    for _ in range(500):
        r = rand_raw(rng, K128)
        vals.append(r if rng.random() < 0.5 else r // 10 ** rng.randint(10, 25))
    for a in vals:
        for m in MODE_NAMES:
            if rng.random() < 0.4 or a in vals[:80]:
                raw = quantize(K64, dec_raw(K128, a), m)
                lines.append(f"narrow {m} {a} {full(K64, raw)}")
    return lines


def bits_of(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def double_of(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def double_cases(rng):
    lines = []
    hand = [0.0, -0.0, 0.1, -0.1, 0.2, 0.3, 1.0, -1.0, 1.5, 2.5, 1e-18, 1e-19, 5e-19, -5e-19,
            1.5e-18, 2.5e-18, 1e-8, 5e-9, 1.5e-8, 2.5e-8, -2.5e-8, 1e-9, 2.0 ** 100, -2.0 ** 100,
            2.0 ** 67, 2.0 ** 68, -2.0 ** 67, 2.0 ** 66, 2.0 ** 36, 2.0 ** 37, 1.7e20, 1.8e20,
            -1.7e20, 9.2e10, 9.3e10, -9.2e10, 5e-324, -5e-324, 2.2250738585072014e-308,
            2.225073858507201e-308, 1.7976931348623157e308, -1.7976931348623157e308,
            123456.789, 0.30000000000000004, 1 / 3, 2 / 3, 9007199254740993.0, 1e15 + 0.3]
    for e in (19, 9, 20, 10, 30):  # binary ties at 18 (2^-19 * odd) and 8 (2^-9 * odd) decimals
        for mult in (1, 3, 5, 7, 1023, -1, -3, -5):
            hand.append(mult * 2.0 ** -e)
    # doubles around the fixed128 and fixed64 limits
    for lim in (float(Decimal(K128.hi).scaleb(-18)), float(Decimal(K64.hi).scaleb(-8)),
                float(Decimal(K128.lo).scaleb(-18)), float(Decimal(K64.lo).scaleb(-8))):
        b = bits_of(lim)
        for d in range(-3, 4):
            hand.append(double_of(b + d))
    vals = []
    for x in hand:
        for m in MODE_NAMES:
            vals.append((bits_of(x), m))
    for _ in range(1500):
        c = rng.randrange(3)
        if c == 0:  # any finite double
            b = rng.getrandbits(64)
            if (b >> 52) & 0x7FF == 0x7FF:
                continue
        elif c == 1:  # binary exponent in the useful range
            e = rng.randint(-75, 70)
            x = rng.random() * 2.0 ** e
            b = bits_of(-x if rng.random() < 0.5 else x)
        else:  # short decimal literals, as money usually arrives
            x = float(f"{rng.randint(-10**9, 10**9)}e{rng.randint(-12, 6)}")
            b = bits_of(x)
        vals.append((b, rand_mode(rng)))
    for k in KINDS:
        for b, m in vals:
            x = double_of(b)
            raw = quantize(k, Decimal(x), m)
            lines.append(f"fromdbl {k.tag} {m} {b:016x} {full(k, raw)}")
    # to double: correctly rounded, incl. exact ties between doubles (odd integers above 2^53)
    for k in KINDS:
        one = 10 ** k.scale
        tv = list(special_raws(k))
        if k is K128:
            for base in (2 ** 53 + 1, 2 ** 53 + 3, 2 ** 54 + 2, 2 ** 54 + 6, 2 ** 60 + 2 ** 7,
                         2 ** 60 + 3 * 2 ** 7, 2 ** 66 + 2 ** 13):
                for d in (-1, 0, 1):
                    tv.append(base * one + d)
                    tv.append(-(base * one + d))
        else:  # fixed64 integers stop at 2^36: ties come from the fraction
            for base in (2 ** 30 + 2 ** -24, 2 ** 30 + 3 * 2 ** -24, 2 ** 35 + 2 ** -19):
                r = int(Decimal(base) * one)
                if Decimal(r) == Decimal(base) * one:
                    for d in (-1, 0, 1):
                        tv += [r + d, -(r + d)]
        for _ in range(700):
            tv.append(rand_raw(rng, k))
        for a in tv:
            x = float(dec_raw(k, a))
            lines.append(f"todbl {k.tag} {a} {bits_of(x):016x}")
    return lines


def main():
    rng = random.Random(SEED)
    files = {
        "parse.txt": parse_cases(rng),
        "arith.txt": arith_cases(rng),
        "muldiv.txt": mul_div_cases(rng),
        "round.txt": round_cases(rng),
        "conv.txt": conv_cases(rng),
        "double.txt": double_cases(rng),
    }
    for name, lines in files.items():
        with open(os.path.join(HERE, name), "w") as f:
            f.write(f"# generated by gen_fixed.py (seed {SEED}); oracle: Python decimal. Do not edit.\n")
            for ln in lines:
                f.write(ln + "\n")
        print(f"{name}: {len(lines)} lines")
    with open(os.path.join(HERE, "VERSION.txt"), "w") as f:
        f.write(f"python {sys.version.split()[0]}\n")
        f.write(f"decimal {decimal.__version__} (libmpdec {decimal.__libmpdec_version__})\n")
        f.write(f"seed {SEED}\n")


if __name__ == "__main__":
    main()
