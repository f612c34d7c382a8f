#!/usr/bin/env python3
"""Differential fixtures for orderbook/matching (spec/orderbook.md), oracle = model.py.

Writes tests/data/orderbook/matching/<name>.json (one stream per file) and
tests/data/orderbook/matching/index.json (the stream names in order). Format: README.md.

  * targeted streams: small hand-made message lists, one per rule; the key outcomes of each were
    worked out by hand and are asserted below (the model's self test), the first one being the
    spec's worked scenario (expected trades T1-T6, volume 23, final book asserted exactly);
  * random streams: seeded (random.Random(seed)), several symbols, every order type / tif / STP
    policy, cancels, replaces, end_session, prices clustered around a moving mid so that most
    orders cross and stops trigger and cascade.  Every generated message carries at most one
    reject reason (so the fixtures do not depend on the order of the validation checks), and
    the model's invariants (not crossed, FIFO, quantity accounting, bought = sold) are checked
    after every message.  Random streams avoid the spec gaps listed as "kept out of the random
    streams" in README.md (those have their own targeted streams).

Run from the repository root:  python3 tests/data/orderbook/gen_fixtures.py   (Python 3.11, stdlib only)
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
from model import Book, Engine, Order, DEFAULT_CONFIG, MAX_SAFE  # noqa: E402

OUT = os.path.join(HERE, "matching")


# ---------------------------------------------------------------------------- message builders
def order(oid, side, typ, qty, trader, sym=1, **kw):
    o = {"order_id": oid, "symbol_id": sym, "side": side}
    if typ is not None:
        o["type"] = typ
    o["quantity"] = qty
    o["trader_id"] = trader
    o.update(kw)
    return {"op": "submit", "order": o}


def lim(oid, side, px, qty, trader, sym=1, **kw):
    return order(oid, side, None, qty, trader, sym, price=px, **kw)


def mkt(oid, side, qty, trader, sym=1, **kw):
    return order(oid, side, "market", qty, trader, sym, **kw)


def stop(oid, side, stop_px, qty, trader, sym=1, **kw):
    return order(oid, side, "stop", qty, trader, sym, stop_price=stop_px, **kw)


def stoplim(oid, side, stop_px, px, qty, trader, sym=1, **kw):
    return order(oid, side, "stop_limit", qty, trader, sym, price=px, stop_price=stop_px, **kw)


def cxl(oid):
    return {"op": "cancel", "order_id": oid}


def rpl(oid, **kw):
    m = {"op": "replace", "order_id": oid}
    m.update(kw)
    return m


def eos(sym=None):
    return {"op": "end_session"} if sym is None else {"op": "end_session", "symbol_id": sym}


# ---------------------------------------------------------------------------- running
def defect_count(eng, msg):
    """Number of reject reasons a message carries against the engine's current state."""
    if msg["op"] == "submit":
        d = msg["order"]
        book = eng.books.get(d["symbol_id"])
        cfg = book.cfg if book else DEFAULT_CONFIG
        probe = Order(d, cfg)
        if book is None:
            book = Book(d["symbol_id"], dict(DEFAULT_CONFIG))
        return len(eng.submit_reasons(probe, book))
    if msg["op"] == "replace":
        return len(eng.replace_plan(msg)[1])
    return 0


def run_stream(symbols, messages):
    eng = Engine(symbols)
    for i, m in enumerate(messages):
        assert defect_count(eng, m) <= 1, "message %d carries several reject reasons: %r" % (i, m)
        eng.process(i, m)
    return eng.expected()


def trades_short(exp):
    return [(t["price"], t["quantity"], t["buy_order_id"], t["sell_order_id"]) for t in exp["trades"]]


def ost(exp, oid):
    for o in exp["orders"]:
        if o["order_id"] == oid:
            return (o["status"], o["filled"], o["remaining"], o["cancelled"], o["expired"])
    return None


def book_of(exp, sym):
    for b in exp["books"]:
        if b["symbol_id"] == sym:
            return b
    raise KeyError(sym)


def rej(exp):
    return [tuple(r) for r in exp["rejects"]]


# ---------------------------------------------------------------------------- targeted streams
def worked_scenario():
    """The spec's worked scenario. Traders A..I = trader ids 1..9; order ids: message k (1-based in
    the spec's table) submits order id k, i.e. S1=1 S2=2 S3=3 X1=4 B1=5 B2=6 B3=7 B4=8 B5=9 S4=10 S5=11."""
    A, B, C, D, E, F, G, H, I = range(1, 10)
    msgs = [
        lim(1, "sell", 101, 10, A),                          # 1 S1
        lim(2, "sell", 100, 5, B),                           # 2 S2
        lim(3, "sell", 100, 7, C),                           # 3 S3
        stop(4, "sell", 99, 4, F),                           # 4 X1 (tif default ioc)
        lim(5, "buy", 101, 15, D),                           # 5 B1
        lim(6, "buy", 101, 8, E, tif="fok"),                 # 6 B2
        lim(7, "buy", 101, 1, E, post_only=True),            # 7 B3
        lim(8, "buy", 99, 6, G),                             # 8 B4
        lim(9, "buy", 99, 2, H),                             # 9 B5
        lim(10, "sell", 99, 3, G, stp_policy="cancel_newest"),  # 10 S4
        mkt(11, "sell", 7, I),                               # 11 S5
    ]
    exp = run_stream([], msgs)

    def T(tid, px, q, buy, sell, maker, taker, aggr, mi):
        return {"trade_id": tid, "symbol_id": 1, "price": px, "quantity": q, "buy_order_id": buy,
                "sell_order_id": sell, "maker_order_id": maker, "taker_order_id": taker,
                "aggressor": aggr, "self_trade": False, "msg_index": mi}
    want = [
        T(1, 100, 5, 5, 2, 2, 5, "buy", 4),     # T1 5@100 (S2)
        T(2, 100, 7, 5, 3, 3, 5, "buy", 4),     # T2 7@100 (S3)
        T(3, 101, 3, 5, 1, 1, 5, "buy", 4),     # T3 3@101 (S1)
        T(4, 99, 6, 8, 11, 8, 11, "sell", 10),  # T4 6@99 (B4)
        T(5, 99, 1, 9, 11, 9, 11, "sell", 10),  # T5 1@99 (B5)
        T(6, 99, 1, 9, 4, 9, 4, "sell", 10),    # T6 1@99 (B5) by the triggered stop X1
    ]
    assert exp["trades"] == want, exp["trades"]
    assert sum(t["quantity"] for t in exp["trades"]) == 23
    b = book_of(exp, 1)
    # seq: S1 1, S2 2, S3 3, X1 4, B1 5, B2 6 (accepted then killed), B4 7, B5 8, S4 9, S5 10, X1 triggered 11
    assert b["bids"] == [] and b["asks"] == [[1, 101, 7, 1]] and b["stops"] == [] and b["last_trade_price"] == 99
    assert rej(exp) == [(6, 7, "post_only_would_cross")]
    assert ost(exp, 1) == ("partially_filled", 3, 7, 0, 0)
    assert ost(exp, 5) == ("filled", 15, 0, 0, 0)
    assert ost(exp, 6) == ("cancelled", 0, 0, 8, 0)          # fok_unfillable
    assert ost(exp, 7) is None                               # rejected: not an order
    assert ost(exp, 8) == ("filled", 6, 0, 0, 0)
    assert ost(exp, 9) == ("filled", 2, 0, 0, 0)
    assert ost(exp, 10) == ("cancelled", 0, 0, 3, 0)         # STP cancel_newest
    assert ost(exp, 11) == ("filled", 7, 0, 0, 0)
    assert ost(exp, 4) == ("cancelled", 1, 0, 3, 0)          # no_liquidity after 1 lot
    return [], msgs, exp


def validation_rejects():
    syms = [{"symbol_id": 1, "min_qty": 1, "max_qty": 100, "min_price": 10, "max_price": 1000}]
    no_price = order(4, "buy", "limit", 1, 2)
    no_stop = order(7, "buy", "stop", 1, 2)
    msgs = [
        lim(1, "sell", 100, 5, 1),                                   # 0 ok
        lim(2, "buy", 90, 0, 2),                                     # 1 invalid_quantity (< min 1)
        lim(3, "buy", 90, 101, 2),                                   # 2 invalid_quantity (> max 100)
        no_price,                                                    # 3 invalid_price (missing)
        lim(5, "buy", 9, 1, 2),                                      # 4 invalid_price (< min 10)
        lim(6, "buy", 1001, 1, 2),                                   # 5 invalid_price (> max 1000)
        no_stop,                                                     # 6 invalid_price (stop_price missing)
        stoplim(8, "buy", 120, 1001, 1, 2),                          # 7 invalid_price (limit > max)
        lim(1, "buy", 90, 1, 2),                                     # 8 duplicate_order_id
        mkt(9, "buy", 1, 2, tif="gtc"),                              # 9 invalid_tif
        mkt(10, "buy", 1, 2, tif="day"),                             # 10 invalid_tif
        lim(11, "buy", 90, 1, 2, tif="ioc", post_only=True),         # 11 invalid_post_only
        lim(12, "buy", 90, 1, 2, tif="fok", post_only=True),         # 12 invalid_post_only
        mkt(13, "buy", 1, 2, post_only=True),                        # 13 invalid_post_only
        stoplim(14, "buy", 120, 121, 1, 2, post_only=True),          # 14 invalid_post_only
        lim(15, "buy", 100, 2, 2),                                   # 15 trades 2@100, last 100
        stop(16, "buy", 100, 1, 3),                                  # 16 stop_through_market (=)
        stop(17, "buy", 99, 1, 3),                                   # 17 stop_through_market
        stop(18, "sell", 100, 1, 3),                                 # 18 stop_through_market (=)
        stoplim(19, "sell", 101, 100, 1, 3),                         # 19 stop_through_market
        stop(20, "buy", 101, 1, 3),                                  # 20 accepted, waits
        stop(21, "sell", 99, 1, 3),                                  # 21 accepted, waits
        lim(22, "buy", 100, 1, 2, post_only=True),                   # 22 post_only_would_cross (= ask)
        lim(23, "buy", 101, 1, 2, post_only=True),                   # 23 post_only_would_cross
        lim(24, "buy", 99, 1, 2, post_only=True),                    # 24 rests
        lim(25, "sell", 99, 1, 3, post_only=True),                   # 25 post_only_would_cross (= bid)
        cxl(999),                                                    # 26 unknown_order
        rpl(998, new_quantity=5),                                    # 27 unknown_order
        cxl(15),                                                     # 28 unknown_order (filled)
        rpl(1, new_quantity=101),                                    # 29 invalid_quantity
        rpl(1, new_price=1001),                                      # 30 invalid_price
        rpl(20, new_stop_price=100),                                 # 31 stop_through_market
        rpl(24, new_price=100),                                      # 32 post_only_would_cross
        lim(2, "buy", 90, 3, 2),                                     # 33 id of a rejected order: accepted
    ]
    exp = run_stream(syms, msgs)
    assert rej(exp) == [
        (1, 2, "invalid_quantity"), (2, 3, "invalid_quantity"), (3, 4, "invalid_price"),
        (4, 5, "invalid_price"), (5, 6, "invalid_price"), (6, 7, "invalid_price"), (7, 8, "invalid_price"),
        (8, 1, "duplicate_order_id"), (9, 9, "invalid_tif"), (10, 10, "invalid_tif"),
        (11, 11, "invalid_post_only"), (12, 12, "invalid_post_only"), (13, 13, "invalid_post_only"),
        (14, 14, "invalid_post_only"), (16, 16, "stop_through_market"), (17, 17, "stop_through_market"),
        (18, 18, "stop_through_market"), (19, 19, "stop_through_market"), (22, 22, "post_only_would_cross"),
        (23, 23, "post_only_would_cross"), (25, 25, "post_only_would_cross"), (26, 999, "unknown_order"),
        (27, 998, "unknown_order"), (28, 15, "unknown_order"), (29, 1, "invalid_quantity"),
        (30, 1, "invalid_price"), (31, 20, "stop_through_market"), (32, 24, "post_only_would_cross")]
    assert trades_short(exp) == [(100, 2, 15, 1)]
    assert [o["order_id"] for o in exp["orders"]] == [1, 2, 15, 20, 21, 24]
    b = book_of(exp, 1)
    # seq: 1->1, 15->2, 20->3, 21->4, 24->5, 2->6
    assert b["asks"] == [[1, 100, 3, 1]] and b["bids"] == [[24, 99, 1, 5], [2, 90, 3, 6]]
    assert b["stops"] == [[20, 101, 1, 3], [21, 99, 1, 4]]
    return syms, msgs, exp


def price_time_priority():
    msgs = [
        lim(1, "sell", 102, 5, 1), lim(2, "sell", 101, 3, 2), lim(3, "sell", 101, 4, 3), lim(4, "sell", 103, 2, 4),
        lim(5, "buy", 99, 5, 5), lim(6, "buy", 100, 2, 6), lim(7, "buy", 100, 1, 7),
        lim(8, "buy", 102, 10, 8),        # 7: sweeps 101 (2 then 3, FIFO) and 3 of 102
        lim(9, "sell", 99, 4, 9),         # 8: 100 (6, 7) then 1 of 99
        mkt(10, "buy", 3, 10),            # 9: 2@102, 1@103
        lim(11, "buy", 105, 2, 11),       # 10: 1@103, rests 1@105
        lim(12, "sell", 104, 1, 12),      # 11: executes at the maker's 105
        lim(13, "sell", 99, 1, 1), lim(14, "sell", 99, 1, 2),
        lim(15, "buy", 98, 3, 3), lim(16, "buy", 99, 2, 4),
    ]
    exp = run_stream([], msgs)
    assert trades_short(exp) == [(101, 3, 8, 2), (101, 4, 8, 3), (102, 3, 8, 1), (100, 2, 6, 9), (100, 1, 7, 9),
                                 (99, 1, 5, 9), (102, 2, 10, 1), (103, 1, 10, 4), (103, 1, 11, 4), (105, 1, 11, 12),
                                 (99, 1, 5, 13), (99, 1, 5, 14)]
    t = exp["trades"]
    assert (t[3]["maker_order_id"], t[3]["taker_order_id"], t[3]["aggressor"]) == (6, 9, "sell")
    assert (t[9]["maker_order_id"], t[9]["aggressor"]) == (11, "sell")
    b = book_of(exp, 1)
    assert b["bids"] == [[5, 99, 2, 5], [16, 99, 2, 16], [15, 98, 3, 15]] and b["asks"] == []
    assert b["last_trade_price"] == 99
    return [], msgs, exp


def stp_cancel_newest():
    msgs = [
        lim(1, "sell", 100, 5, 1), lim(2, "sell", 100, 5, 2), lim(3, "sell", 101, 5, 1),
        lim(4, "buy", 101, 8, 2),                        # 5@100 with 1, then own 2 -> remainder 3 cancelled
        lim(5, "buy", 100, 3, 1, stp_group=77),          # group 77 != 2: trades with 2
        lim(6, "buy", 101, 4, 3, stp_group=1),           # 2@100 with 2, then group-1 order 3 -> cancelled
        lim(7, "sell", 101, 2, 1, stp_policy="cancel_newest"),
        mkt(8, "buy", 10, 1),                            # own order 3 at the touch -> all cancelled
    ]
    exp = run_stream([], msgs)
    assert trades_short(exp) == [(100, 5, 4, 1), (100, 3, 5, 2), (100, 2, 6, 2)]
    assert ost(exp, 4) == ("cancelled", 5, 0, 3, 0)
    assert ost(exp, 6) == ("cancelled", 2, 0, 2, 0)
    assert ost(exp, 8) == ("cancelled", 0, 0, 10, 0)
    assert ost(exp, 3) == ("new", 0, 5, 0, 0)
    assert book_of(exp, 1)["asks"] == [[3, 101, 5, 3], [7, 101, 2, 7]] and book_of(exp, 1)["bids"] == []
    return [], msgs, exp


def stp_cancel_oldest():
    msgs = [
        lim(1, "sell", 100, 3, 1), lim(2, "sell", 100, 4, 2), lim(3, "sell", 101, 2, 1), lim(4, "sell", 102, 5, 3),
        lim(5, "buy", 102, 6, 1, stp_policy="cancel_oldest"),   # cancels 1, 4@100 (2), cancels 3, 2@102 (4)
        lim(6, "buy", 99, 2, 2),
        lim(7, "sell", 99, 5, 2, stp_policy="cancel_oldest"),   # cancels 6, rests
    ]
    exp = run_stream([], msgs)
    assert trades_short(exp) == [(100, 4, 5, 2), (102, 2, 5, 4)]
    assert ost(exp, 1) == ("cancelled", 0, 0, 3, 0) and ost(exp, 3) == ("cancelled", 0, 0, 2, 0)
    assert ost(exp, 5) == ("filled", 6, 0, 0, 0) and ost(exp, 6) == ("cancelled", 0, 0, 2, 0)
    b = book_of(exp, 1)
    assert b["asks"] == [[7, 99, 5, 7], [4, 102, 3, 4]] and b["bids"] == []
    return [], msgs, exp


def stp_cancel_both():
    msgs = [
        lim(1, "sell", 100, 3, 1), lim(2, "sell", 100, 4, 2),
        lim(3, "buy", 100, 5, 2, stp_policy="cancel_both"),     # 3@100 with 1, then both 2 and 3 cancelled
        lim(4, "sell", 101, 2, 3),
        mkt(5, "buy", 1, 3, stp_policy="cancel_both"),          # both cancelled
        lim(6, "buy", 99, 2, 4),
        lim(7, "sell", 98, 1, 4, stp_group=50, stp_policy="cancel_both"),  # other group: trades
    ]
    exp = run_stream([], msgs)
    assert trades_short(exp) == [(100, 3, 3, 1), (99, 1, 6, 7)]
    assert [t["self_trade"] for t in exp["trades"]] == [False, False]
    assert ost(exp, 2) == ("cancelled", 0, 0, 4, 0) and ost(exp, 3) == ("cancelled", 3, 0, 2, 0)
    assert ost(exp, 4) == ("cancelled", 0, 0, 2, 0) and ost(exp, 5) == ("cancelled", 0, 0, 1, 0)
    b = book_of(exp, 1)
    assert b["bids"] == [[6, 99, 1, 6]] and b["asks"] == []
    return [], msgs, exp


def stp_decrement():
    msgs = [
        lim(1, "sell", 100, 3, 1), lim(2, "sell", 100, 5, 2), lim(3, "sell", 101, 4, 1),
        lim(4, "buy", 101, 10, 1, stp_policy="decrement"),  # -3 (1 gone), 5@100, -2 (incoming gone, 3 left 2)
        lim(5, "buy", 101, 2, 2),                            # fills the decremented 3
        lim(6, "sell", 105, 4, 5),
        lim(7, "buy", 105, 4, 5, stp_policy="decrement"),   # both reach 0
        lim(8, "buy", 90, 6, 6),
        lim(9, "sell", 90, 2, 6, stp_policy="decrement"),   # incoming gone, 8 keeps 4 and its priority
        lim(10, "buy", 90, 1, 7),
        lim(11, "sell", 90, 5, 8),                           # 4@90 with 8 first, then 1 with 10
    ]
    exp = run_stream([], msgs)
    assert trades_short(exp) == [(100, 5, 4, 2), (101, 2, 5, 3), (90, 4, 8, 11), (90, 1, 10, 11)]
    assert ost(exp, 1) == ("cancelled", 0, 0, 3, 0)
    assert ost(exp, 3) == ("filled", 2, 0, 2, 0)           # interpretation: last event decides
    assert ost(exp, 4) == ("cancelled", 5, 0, 5, 0)
    assert ost(exp, 6) == ("cancelled", 0, 0, 4, 0) and ost(exp, 7) == ("cancelled", 0, 0, 4, 0)
    assert ost(exp, 8) == ("filled", 4, 0, 2, 0) and ost(exp, 9) == ("cancelled", 0, 0, 2, 0)
    b = book_of(exp, 1)
    assert b["bids"] == [] and b["asks"] == []
    return [], msgs, exp


def stp_none_and_groups():
    msgs = [
        lim(1, "sell", 100, 2, 1),
        lim(2, "buy", 100, 3, 1, stp_policy="none"),        # self trade 2@100, rests 1
        lim(3, "sell", 100, 1, 2, stp_group=1),             # group 1 = order 2's group: cancel_newest
        lim(4, "sell", 100, 1, 2, stp_group=1, stp_policy="none"),  # self trade across traders
        lim(5, "buy", 100, 2, 3, stp_group=9),
        lim(6, "sell", 100, 1, 9),                          # trader 9 -> group 9 = order 5's group
        lim(7, "sell", 100, 1, 3, stp_group=10),            # same trader, other group: normal trade
    ]
    exp = run_stream([], msgs)
    assert trades_short(exp) == [(100, 2, 2, 1), (100, 1, 2, 4), (100, 1, 5, 7)]
    assert [t["self_trade"] for t in exp["trades"]] == [True, True, False]
    assert ost(exp, 3) == ("cancelled", 0, 0, 1, 0) and ost(exp, 6) == ("cancelled", 0, 0, 1, 0)
    assert book_of(exp, 1)["bids"] == [[5, 100, 1, 5]]
    return [], msgs, exp


def fok():
    msgs = [
        lim(1, "sell", 100, 3, 1), lim(2, "sell", 100, 2, 2), lim(3, "sell", 101, 4, 3), lim(4, "sell", 103, 5, 4),
        lim(5, "buy", 101, 10, 5, tif="fok"),                            # 4: 9 < 10 killed
        lim(6, "buy", 101, 9, 5, tif="fok"),                             # 5: exactly 9
        lim(7, "sell", 103, 2, 2), lim(8, "sell", 104, 3, 3),
        lim(9, "buy", 104, 6, 2, tif="fok", stp_policy="cancel_newest"),  # 8: 5 then own 7 stops: killed
        lim(10, "buy", 104, 5, 2, tif="fok", stp_policy="cancel_newest"),  # 9: 5 >= 5
        lim(11, "buy", 104, 4, 2, tif="fok", stp_policy="cancel_both"),   # 10: own at the touch: 0, killed
        lim(12, "buy", 104, 4, 2, tif="fok", stp_policy="cancel_oldest"),  # 11: skips own: 3 < 4 killed
        lim(13, "buy", 104, 3, 2, tif="fok", stp_policy="cancel_oldest"),  # 12: cancels 7, 3@104
        lim(14, "sell", 110, 2, 6), lim(15, "sell", 111, 4, 7), lim(16, "sell", 112, 3, 6),
        lim(17, "buy", 112, 6, 6, tif="fok", stp_policy="decrement"),     # 16: skips own: 4 < 6 killed
        lim(18, "buy", 112, 4, 6, tif="fok", stp_policy="decrement"),     # 17: -2 with 14, 2@111
        mkt(19, "buy", 5, 8, tif="fok"),                                  # 18: 2@111 + 3@112
        lim(20, "sell", 100, 2, 9),
        lim(21, "buy", 100, 3, 9, tif="fok", stp_policy="none"),          # 20: 2 < 3 killed
        lim(22, "buy", 100, 2, 9, tif="fok", stp_policy="none"),          # 21: self trade
        mkt(23, "sell", 1, 1, tif="fok"),                                 # 22: empty side: killed
    ]
    exp = run_stream([], msgs)
    assert trades_short(exp) == [(100, 3, 6, 1), (100, 2, 6, 2), (101, 4, 6, 3), (103, 5, 10, 4), (104, 3, 13, 8),
                                 (111, 2, 18, 15), (111, 2, 19, 15), (112, 3, 19, 16), (100, 2, 22, 20)]
    assert exp["trades"][-1]["self_trade"] is True
    for oid, q in ((5, 10), (9, 6), (11, 4), (12, 4), (17, 6), (21, 3), (23, 1)):
        assert ost(exp, oid) == ("cancelled", 0, 0, q, 0), oid
    assert ost(exp, 7) == ("cancelled", 0, 0, 2, 0)       # cancelled by 13 (cancel_oldest), not by 11/12
    assert ost(exp, 14) == ("cancelled", 0, 0, 2, 0)
    assert ost(exp, 18) == ("filled", 2, 0, 2, 0)         # rule 5 literally: decrement can shrink a FOK
    b = book_of(exp, 1)
    assert b["bids"] == [] and b["asks"] == []
    return [], msgs, exp


def post_only():
    msgs = [
        lim(1, "sell", 100, 5, 1),
        lim(2, "buy", 99, 2, 2, post_only=True),              # rests
        lim(3, "buy", 100, 2, 2, post_only=True),             # rejected (= best ask)
        lim(4, "sell", 99, 1, 3, post_only=True),             # rejected (= best bid)
        lim(5, "sell", 100, 3, 3, post_only=True, tif="day"),
        lim(6, "sell", 101, 1, 3, post_only=True),
        rpl(2, new_price=100),                                # rejected, 2 untouched
        rpl(2, new_quantity=5),                               # size-up: new seq 5, re-checked, rests
        cxl(1),
        rpl(2, new_price=100),                                # still crosses 5: rejected
        lim(7, "buy", 99, 1, 4),
        rpl(2, new_quantity=4),                               # size-down keeps seq 5
    ]
    exp = run_stream([], msgs)
    assert rej(exp) == [(2, 3, "post_only_would_cross"), (3, 4, "post_only_would_cross"),
                        (6, 2, "post_only_would_cross"), (9, 2, "post_only_would_cross")]
    b = book_of(exp, 1)
    assert b["bids"] == [[2, 99, 4, 5], [7, 99, 1, 6]] and b["asks"] == [[5, 100, 3, 3], [6, 101, 1, 4]]
    assert exp["trades"] == []
    return [], msgs, exp


def ioc_market_remainders():
    msgs = [
        lim(1, "sell", 100, 2, 1), lim(2, "sell", 102, 3, 2),
        lim(3, "buy", 101, 5, 3, tif="ioc"),       # 2@100, 3 cancelled
        lim(4, "buy", 101, 1, 3, tif="ioc"),       # nothing at <= 101: cancelled
        mkt(5, "buy", 5, 4),                       # 3@102, 2 cancelled (no liquidity left)
        mkt(6, "buy", 1, 4),                       # empty side: cancelled
        lim(7, "buy", 98, 4, 5),
        mkt(8, "sell", 3, 6, tif="ioc"),           # 3@98
        lim(9, "sell", 97, 4, 6, tif="ioc"),       # 1@98, 3 cancelled
        lim(10, "buy", 50, 1, 7, tif="day"),
    ]
    exp = run_stream([], msgs)
    assert trades_short(exp) == [(100, 2, 3, 1), (102, 3, 5, 2), (98, 3, 7, 8), (98, 1, 7, 9)]
    assert ost(exp, 3) == ("cancelled", 2, 0, 3, 0) and ost(exp, 4) == ("cancelled", 0, 0, 1, 0)
    assert ost(exp, 5) == ("cancelled", 3, 0, 2, 0) and ost(exp, 6) == ("cancelled", 0, 0, 1, 0)
    assert ost(exp, 8) == ("filled", 3, 0, 0, 0) and ost(exp, 9) == ("cancelled", 1, 0, 3, 0)
    assert book_of(exp, 1)["bids"] == [[10, 50, 1, 10]] and book_of(exp, 1)["asks"] == []
    return [], msgs, exp


def stops_basic():
    msgs = [
        lim(1, "sell", 100, 5, 1),                         # 0
        lim(2, "buy", 99, 5, 2),                           # 1
        stop(3, "buy", 100, 2, 3),                         # 2 no last trade: accepted
        stop(4, "sell", 99, 1, 4),                         # 3
        stoplim(5, "buy", 101, 102, 3, 5),                 # 4
        lim(6, "sell", 101, 2, 6),                         # 5
        lim(7, "buy", 100, 1, 7),                          # 6 1@100 -> stop 3 (100>=100): 2@100
        lim(9, "sell", 50, 1, 1, sym=2),                   # 7
        lim(10, "buy", 200, 1, 2, sym=2),                  # 8 print 50 on symbol 2 does not trigger symbol 1
        lim(11, "buy", 101, 4, 8),                         # 9 2@100, 2@101 -> stop_limit 5 rests 3@102
        lim(12, "sell", 98, 6, 9),                         # 10 3@102, 3@99 -> stop 4 (99<=99): 1@99
        stop(13, "sell", 90, 2, 1),                        # 11
        stoplim(14, "sell", 95, 94, 1, 3, tif="day"),      # 12
        lim(15, "sell", 99, 1, 4),                         # 13 1@99 (order 2 done)
        lim(16, "buy", 97, 3, 5),                          # 14
        lim(17, "sell", 90, 3, 6),                         # 15 3@97
        lim(18, "buy", 96, 1, 7),                          # 16
        lim(19, "buy", 93, 2, 8),                          # 17
        lim(20, "sell", 93, 3, 9),                         # 18 1@96, 2@93 -> stop_limit 14 rests ask 1@94
        stop(21, "buy", 97, 1, 1),                         # 19 last 93: accepted
        cxl(14),                                           # 20
        lim(22, "buy", 98, 1, 2), lim(23, "buy", 97, 1, 3), lim(24, "buy", 92, 1, 4),   # 21-23
        lim(25, "sell", 90, 4, 5),   # 24 prints 98, 97, 92 (last 92 < 97, but 98 >= 97): stop 21 buys 1@90,
                                     #    that print (90) then triggers sell stop 13: nothing left -> cancelled
    ]
    exp = run_stream([], msgs)
    assert trades_short(exp) == [
        (100, 1, 7, 1), (100, 2, 3, 1), (50, 1, 10, 9), (100, 2, 11, 1), (101, 2, 11, 6),
        (102, 3, 5, 12), (99, 3, 2, 12), (99, 1, 2, 4), (99, 1, 2, 15), (97, 3, 16, 17),
        (96, 1, 18, 20), (93, 2, 19, 20), (98, 1, 22, 25), (97, 1, 23, 25), (92, 1, 24, 25), (90, 1, 21, 25)]
    assert [t["symbol_id"] for t in exp["trades"]].count(2) == 1
    assert exp["trades"][7]["taker_order_id"] == 4 and exp["trades"][15]["taker_order_id"] == 21
    assert ost(exp, 13) == ("cancelled", 0, 0, 2, 0) and ost(exp, 14) == ("cancelled", 0, 0, 1, 0)
    assert ost(exp, 5) == ("filled", 3, 0, 0, 0) and ost(exp, 21) == ("filled", 1, 0, 0, 0)
    b1 = book_of(exp, 1)
    assert b1["bids"] == [] and b1["asks"] == [] and b1["stops"] == [] and b1["last_trade_price"] == 90
    return [], msgs, exp


def stop_cascade():
    msgs = [
        lim(1, "sell", 100, 1, 1), lim(2, "buy", 100, 1, 2),           # 0-1 last 100 (seq 1, 2)
        lim(3, "sell", 101, 1, 1), lim(4, "sell", 102, 1, 1),          # 2-3 seq 3, 4
        lim(5, "sell", 103, 1, 1), lim(6, "sell", 110, 10, 1),         # 4-5 seq 5, 6
        stop(7, "buy", 102, 1, 3),                                     # 6 C seq 7
        stop(8, "buy", 101, 1, 4),                                     # 7 A seq 8
        stop(9, "buy", 101, 1, 5),                                     # 8 B seq 9
        stoplim(10, "buy", 110, 108, 2, 6),                            # 9 D seq 10
        stop(11, "sell", 99, 1, 7),                                    # 10 E seq 11
        lim(12, "buy", 101, 1, 2),   # 11 seq 12: 101 -> round 1 {A, B}: A 102, B 103 -> round 2 {C}: 110
                                     #    -> round 3 {D}: limit 108 rests (seq 16)
        lim(13, "buy", 107, 1, 2),                                     # 12 seq 17
        stop(14, "sell", 107, 2, 8),                                   # 13 seq 18
        lim(15, "sell", 108, 1, 9),                                    # 14 1@108
        mkt(16, "sell", 2, 9),       # 15 1@108, 1@107 -> stop 14 fires: no bids left -> cancelled
    ]
    exp = run_stream([], msgs)
    assert trades_short(exp) == [(100, 1, 2, 1), (101, 1, 12, 3), (102, 1, 8, 4), (103, 1, 9, 5), (110, 1, 7, 6),
                                 (108, 1, 10, 15), (108, 1, 10, 16), (107, 1, 13, 16)]
    assert [t["msg_index"] for t in exp["trades"]] == [1, 11, 11, 11, 11, 14, 15, 15]
    assert ost(exp, 14) == ("cancelled", 0, 0, 2, 0) and ost(exp, 10) == ("filled", 2, 0, 0, 0)
    b = book_of(exp, 1)
    assert b["bids"] == [] and b["asks"] == [[6, 110, 9, 6]] and b["stops"] == [[11, 99, 1, 11]]
    return [], msgs, exp


def cancel():
    msgs = [
        lim(1, "sell", 100, 5, 1), lim(2, "sell", 100, 3, 2), lim(3, "buy", 99, 4, 3, tif="day"),
        stop(4, "sell", 95, 2, 4),
        cxl(1), cxl(1),                          # 4 ok, 5 unknown (already cancelled)
        lim(5, "buy", 100, 1, 5),                # 6 1@100 with 2
        cxl(4),                                  # 7 waiting stop
        cxl(5),                                  # 8 unknown (filled)
        cxl(2),                                  # 9 partially filled -> cancelled 2
        eos(),                                   # 10 3 expires
        cxl(3),                                  # 11 unknown (expired)
        cxl(12345678901234),                     # 12 unknown
        lim(6, "sell", 101, 2, 1), lim(7, "sell", 101, 2, 2), cxl(6),
        lim(8, "buy", 101, 1, 3),                # 16 trades with 7
    ]
    exp = run_stream([], msgs)
    assert rej(exp) == [(5, 1, "unknown_order"), (8, 5, "unknown_order"), (11, 3, "unknown_order"),
                        (12, 12345678901234, "unknown_order")]
    assert ost(exp, 1) == ("cancelled", 0, 0, 5, 0) and ost(exp, 2) == ("cancelled", 1, 0, 2, 0)
    assert ost(exp, 3) == ("expired", 0, 0, 0, 4) and ost(exp, 4) == ("cancelled", 0, 0, 2, 0)
    assert trades_short(exp) == [(100, 1, 5, 2), (101, 1, 8, 7)]
    assert book_of(exp, 1)["asks"] == [[7, 101, 1, 7]]
    return [], msgs, exp


def replace():
    msgs = [
        lim(1, "sell", 105, 5, 1), lim(2, "sell", 105, 5, 2), lim(3, "buy", 100, 10, 3),   # 0-2 seq 1-3
        rpl(1, new_quantity=3),                      # 3 size-down: keeps seq 1
        rpl(1, new_quantity=3),                      # 4 same values: no-op
        rpl(1, new_price=105, new_quantity=3),       # 5 same values: no-op
        rpl(1, new_quantity=6),                      # 6 size-up: seq 4, behind 2
        lim(4, "buy", 105, 2, 4),                    # 7 seq 5: 2@105 with 2
        rpl(2, new_quantity=2),                      # 8 new_quantity <= filled: cancelled
        rpl(1, new_price=100),                       # 9 seq 6: trades 6@100 with 3 at once
        lim(5, "sell", 103, 4, 5),                   # 10 seq 7
        rpl(3, new_price=103, new_quantity=12),      # 11 seq 8: remaining 12-6=6: 4@103, rests 2
        rpl(3, new_quantity=11),                     # 12 remaining 1: keeps seq 8
        lim(6, "buy", 103, 1, 6),                    # 13 seq 9
        lim(7, "sell", 103, 1, 7),                   # 14 seq 10: trades with 3 (priority kept)
        rpl(3, new_quantity=20),                     # 15 unknown (filled)
        stoplim(8, "sell", 100, 99, 2, 8),           # 16 seq 11
        stop(9, "sell", 101, 1, 9),                  # 17 seq 12
        rpl(8, new_quantity=1),                      # 18 keeps seq 11
        rpl(8, new_stop_price=102),                  # 19 seq 13 (now after 9)
        rpl(9, new_stop_price=104),                  # 20 stop_through_market, untouched
        rpl(8, new_price=98),                        # 21 seq 14
        lim(10, "buy", 102, 3, 1),                   # 22 seq 15
        lim(11, "sell", 102, 2, 2),                  # 23 seq 16: 1@103, 1@102 -> stop 8 (102) seq 17: 1@102
        rpl(10, new_price=101, new_quantity=3),      # 24 seq 18: remaining 3-2=1 at 101
    ]
    exp = run_stream([], msgs)
    assert rej(exp) == [(15, 3, "unknown_order"), (20, 9, "stop_through_market")]
    assert trades_short(exp) == [(105, 2, 4, 2), (100, 6, 3, 1), (103, 4, 3, 5), (103, 1, 3, 7),
                                 (103, 1, 6, 11), (102, 1, 10, 11), (102, 1, 10, 8)]
    t = exp["trades"]
    assert (t[1]["maker_order_id"], t[1]["taker_order_id"]) == (3, 1)
    assert (t[2]["maker_order_id"], t[2]["taker_order_id"]) == (5, 3)
    assert ost(exp, 1) == ("filled", 6, 0, 0, 0) and ost(exp, 2) == ("cancelled", 2, 0, 3, 0)
    assert ost(exp, 3) == ("filled", 11, 0, 0, 0) and ost(exp, 8) == ("filled", 1, 0, 0, 0)
    assert ost(exp, 9) == ("new", 0, 1, 0, 0) and ost(exp, 10) == ("partially_filled", 2, 1, 0, 0)
    b = book_of(exp, 1)
    assert b["bids"] == [[10, 101, 1, 18]] and b["asks"] == [] and b["stops"] == [[9, 101, 1, 12]]
    return [], msgs, exp


def end_session():
    msgs = [
        lim(1, "buy", 99, 2, 1, tif="day"), lim(2, "buy", 99, 2, 2), lim(3, "sell", 101, 2, 3, tif="day"),
        stoplim(4, "sell", 95, 94, 1, 4, tif="day"), stoplim(5, "buy", 105, 106, 1, 5, tif="gtc"),
        lim(6, "buy", 50, 3, 1, sym=2, tif="day"), lim(7, "sell", 55, 3, 2, sym=2, tif="day"),
        lim(8, "sell", 99, 1, 6),                 # 7 1@99 with 1
        eos(1),                                   # 8 symbol 1: 1, 3, 4 expire
        lim(9, "buy", 51, 1, 3, sym=2, tif="day"),
        eos(),                                    # 10 all: 6, 7, 9 expire
        cxl(6),                                   # 11 unknown
        lim(10, "sell", 98, 1, 7, tif="day"),     # 12 1@99 with 2
    ]
    exp = run_stream([], msgs)
    assert ost(exp, 1) == ("expired", 1, 0, 0, 1) and ost(exp, 3) == ("expired", 0, 0, 0, 2)
    assert ost(exp, 4) == ("expired", 0, 0, 0, 1) and ost(exp, 5) == ("new", 0, 1, 0, 0)
    for oid, q in ((6, 3), (7, 3), (9, 1)):
        assert ost(exp, oid) == ("expired", 0, 0, 0, q)
    assert rej(exp) == [(11, 6, "unknown_order")]
    assert trades_short(exp) == [(99, 1, 1, 8), (99, 1, 2, 10)]
    b1, b2 = book_of(exp, 1), book_of(exp, 2)
    assert b1["bids"] == [[2, 99, 1, 2]] and b1["asks"] == [] and b1["stops"] == [[5, 105, 1, 5]]
    assert b2 == {"symbol_id": 2, "bids": [], "asks": [], "last_trade_price": None, "stops": []}
    return [], msgs, exp


def symbol_configs():
    syms = [{"symbol_id": 3, "tick_size": "0.05", "lot_size": "100", "min_qty": 10, "max_qty": 100,
             "min_price": 1000, "max_price": 2000, "stp_default": "cancel_oldest", "reject_stop_through": False},
            {"symbol_id": 4, "stp_default": "decrement"}]
    msgs = [
        lim(1, "sell", 1500, 10, 1, sym=3),
        lim(2, "sell", 1500, 9, 1, sym=3),               # 1 invalid_quantity
        lim(3, "sell", 999, 10, 1, sym=3),               # 2 invalid_price
        lim(4, "buy", 2001, 10, 1, sym=3),               # 3 invalid_price
        lim(5, "buy", 1500, 101, 1, sym=3),              # 4 invalid_quantity
        lim(6, "sell", 1501, 20, 2, sym=3),
        lim(7, "buy", 1501, 15, 1, sym=3),               # 6 default cancel_oldest: cancels 1, 15@1501
        stop(8, "buy", 1400, 10, 3, sym=3),              # 7 through the market, accepted (flag off), waits
        lim(9, "buy", 1501, 10, 4, sym=3),               # 8 5@1501, rests 5; print 1501 fires 8: no asks
        stop(10, "sell", 1600, 10, 5, sym=3),            # 9 accepted (flag off)
        cxl(10),
        lim(11, "sell", 10, 5, 1, sym=4),
        lim(12, "buy", 10, 3, 1, sym=4),                 # 12 default decrement
        lim(13, "sell", MAX_SAFE, 1000000000, 1, sym=9),  # 13 unconfigured symbol: defaults
        lim(14, "buy", MAX_SAFE, 1, 2, sym=9),
        lim(15, "buy", 1, 1000000001, 2, sym=9),         # 15 invalid_quantity
        lim(16, "buy", 0, 1, 2, sym=9),                  # 16 invalid_price
        stop(17, "buy", MAX_SAFE, 1, 3, sym=9),          # 17 stop_through_market (= last)
    ]
    exp = run_stream(syms, msgs)
    assert rej(exp) == [(1, 2, "invalid_quantity"), (2, 3, "invalid_price"), (3, 4, "invalid_price"),
                        (4, 5, "invalid_quantity"), (15, 15, "invalid_quantity"), (16, 16, "invalid_price"),
                        (17, 17, "stop_through_market")]
    assert trades_short(exp) == [(1501, 15, 7, 6), (1501, 5, 9, 6), (MAX_SAFE, 1, 14, 13)]
    assert ost(exp, 1) == ("cancelled", 0, 0, 10, 0) and ost(exp, 8) == ("cancelled", 0, 0, 10, 0)
    assert ost(exp, 12) == ("cancelled", 0, 0, 3, 0) and ost(exp, 11) == ("new", 0, 2, 3, 0)
    assert [b["symbol_id"] for b in exp["books"]] == [3, 4, 9]
    assert book_of(exp, 3)["bids"] == [[9, 1501, 5, 5]] and book_of(exp, 3)["asks"] == []
    # seq: 1->1, 6->2, 7->3, 8->4, 9->5, 8 triggered->6, 10->7, 11->8, 12->9, 13->10, 14->11
    assert book_of(exp, 4)["asks"] == [[11, 10, 2, 8]]
    assert book_of(exp, 9)["asks"] == [[13, MAX_SAFE, 999999999, 10]]
    return syms, msgs, exp


def multi_symbol():
    msgs = [
        lim(1, "sell", 100, 2, 1, sym=1), lim(2, "sell", 100, 2, 1, sym=2),
        lim(3, "buy", 100, 1, 2, sym=2),          # trade_id 1 on symbol 2
        lim(4, "buy", 101, 3, 2, sym=1),          # trade_id 2 on symbol 1, rests 1@101
        lim(5, "sell", 101, 1, 3, sym=2),
        lim(6, "sell", 100, 5, 3, sym=1),         # 1@101 with 4, rests 4@100
        eos(2),
        lim(6, "buy", 50, 1, 9, sym=2),           # duplicate: order ids are engine-wide
    ]
    exp = run_stream([], msgs)
    assert [(t["trade_id"], t["symbol_id"], t["price"], t["quantity"]) for t in exp["trades"]] == \
        [(1, 2, 100, 1), (2, 1, 100, 2), (3, 1, 101, 1)]
    assert rej(exp) == [(7, 6, "duplicate_order_id")]
    assert book_of(exp, 1)["asks"] == [[6, 100, 4, 6]]
    assert book_of(exp, 2)["asks"] == [[2, 100, 1, 2], [5, 101, 1, 5]]
    return [], msgs, exp


def order_id_reuse():
    msgs = [
        lim(1, "sell", 100, 2, 1), lim(2, "buy", 100, 2, 2),
        lim(1, "buy", 99, 3, 3),        # id 1 finished: not live, so accepted again
        cxl(2),                         # unknown (filled)
        lim(1, "buy", 98, 1, 3),        # duplicate (live)
        cxl(1),                         # cancels the second order 1
    ]
    exp = run_stream([], msgs)
    assert rej(exp) == [(3, 2, "unknown_order"), (4, 1, "duplicate_order_id")]
    assert ost(exp, 1) == ("cancelled", 0, 0, 3, 0) and ost(exp, 2) == ("filled", 2, 0, 0, 0)
    assert len(exp["orders"]) == 2
    return [], msgs, exp


def stop_market_tifs():
    msgs = [
        lim(1, "sell", 100, 1, 1), lim(2, "buy", 100, 1, 2),
        stop(3, "buy", 102, 2, 3, tif="gtc"),
        stop(4, "buy", 102, 2, 4, tif="day"),
        stop(5, "buy", 102, 5, 5, tif="fok"),
        eos(),                                   # 5 the day stop expires
        lim(6, "sell", 102, 3, 6), lim(7, "sell", 103, 3, 6),
        lim(8, "buy", 102, 1, 7),                # 8 1@102 -> 3: 2@102, 5 (market ioc): 3@103, 2 cancelled
    ]
    exp = run_stream([], msgs)
    assert ost(exp, 4) == ("expired", 0, 0, 0, 2)
    assert ost(exp, 3) == ("filled", 2, 0, 0, 0) and ost(exp, 5) == ("cancelled", 3, 0, 2, 0)
    assert trades_short(exp) == [(100, 1, 2, 1), (102, 1, 8, 6), (102, 2, 3, 6), (103, 3, 5, 7)]
    return [], msgs, exp


def replace_after_decrement():
    msgs = [
        lim(1, "sell", 100, 10, 1),
        lim(2, "buy", 100, 4, 1, stp_policy="decrement"),   # 1: remaining 6, cancelled 4
        lim(3, "sell", 100, 2, 2),
        rpl(1, new_quantity=8),                             # remaining 8 - filled 0 = 8 > 6: seq 4
        rpl(1, new_quantity=5),                             # remaining 5 <= 8: kept
    ]
    exp = run_stream([], msgs)
    assert ost(exp, 1) == ("new", 0, 5, 4, 0) and ost(exp, 2) == ("cancelled", 0, 0, 4, 0)
    assert book_of(exp, 1)["asks"] == [[3, 100, 2, 3], [1, 100, 5, 4]]
    return [], msgs, exp


def empty():
    exp = run_stream([], [])
    assert exp == {"trades": [], "orders": [], "books": [], "rejects": []}
    return [], [], exp


TARGETED = [worked_scenario, validation_rejects, price_time_priority, stp_cancel_newest, stp_cancel_oldest,
            stp_cancel_both, stp_decrement, stp_none_and_groups, fok, post_only, ioc_market_remainders,
            stops_basic, stop_cascade, cancel, replace, end_session, symbol_configs, multi_symbol,
            order_id_reuse, stop_market_tifs, replace_after_decrement, empty]


# ---------------------------------------------------------------------------- random streams
class RandomStream:
    """Seeded random message stream, built message by message against a live model so that cancels
    and replaces target live orders and every message has at most one reject reason."""

    def __init__(self, seed, n, symbols, mids, p, n_traders=12, id_base=0):
        self.rng = random.Random(seed)
        self.n = n
        self.symbols = symbols
        self.mids = dict(mids)
        self.p = p
        self.n_traders = n_traders
        self.next_id = id_base
        self.eng = Engine(symbols)
        self.msgs = []

    def cfg(self, sid):
        return self.eng.books[sid].cfg

    def new_id(self):
        self.next_id += self.rng.choice((1, 1, 1, 2, 5))
        return self.next_id

    def qty(self, sid):
        c = self.cfg(sid)
        r = self.rng.random()
        if r < 0.7:
            q = self.rng.randint(1, 8)
        elif r < 0.92:
            q = self.rng.randint(5, 25)
        else:
            q = self.rng.randint(20, 80)          # sweeps several levels
        q = max(q, c["min_qty"])
        return min(q, c["max_qty"])

    def clip(self, sid, px):
        c = self.cfg(sid)
        return max(c["min_price"], min(c["max_price"], px))

    def ref(self, sid):
        last = self.eng.books[sid].last_trade_price
        return last if last is not None else self.mids[sid]

    def step_mid(self, sid):
        rng = self.rng
        c = self.cfg(sid)
        m = self.mids[sid] + rng.choice((-1, 0, 0, 1))
        last = self.eng.books[sid].last_trade_price
        if last is not None and rng.random() < 0.2:
            m = last
        lo, hi = c["min_price"] + 12, c["max_price"] - 12
        self.mids[sid] = max(lo, min(hi, m))

    def trader_fields(self, o):
        rng, p = self.rng, self.p
        t = rng.randint(1, self.n_traders)
        o["trader_id"] = t
        if rng.random() < p.get("group", 0.2):
            o["stp_group"] = 100 + t % 4
        if rng.random() < p.get("policy", 0.45):
            o["stp_policy"] = rng.choice(("cancel_newest", "cancel_oldest", "cancel_both", "decrement",
                                          "decrement", "none", "none", "cancel_oldest"))
        if rng.random() < 0.05:
            o["timestamp"] = 1700000000000000000 + 1000 * len(self.msgs)

    def valid_submit(self, sid):
        rng, p = self.rng, self.p
        mid = self.mids[sid]
        side = rng.choice(("buy", "sell"))
        sgn = 1 if side == "buy" else -1
        w = p["types"]
        typ = rng.choices(("limit", "market", "stop", "stop_limit"), weights=w)[0]
        o = {"order_id": self.new_id(), "symbol_id": sid, "side": side}
        if typ != "limit" or rng.random() < 0.5:
            o["type"] = typ
        o["quantity"] = self.qty(sid)
        if typ == "limit":
            post = rng.random() < p.get("post_only", 0.08)
            if post:
                o["price"] = self.clip(sid, mid - sgn * rng.randint(-1, 4))
                o["post_only"] = True
                tif = rng.choice((None, "gtc", "day"))
            else:
                o["price"] = self.clip(sid, mid + sgn * rng.randint(-4, 4))
                tif = rng.choices((None, "gtc", "day", "ioc", "fok"), weights=(30, 15, 25, 18, 12))[0]
                if rng.random() < 0.1:
                    o["post_only"] = False
        elif typ == "market":
            tif = rng.choices((None, "ioc", "fok"), weights=(60, 25, 15))[0]
        else:
            ref = self.ref(sid)
            sp = self.clip(sid, ref + sgn * rng.randint(-1, 5))
            o["stop_price"] = sp
            if typ == "stop":
                tif = rng.choice((None, None, "ioc"))
            else:
                o["price"] = self.clip(sid, sp + sgn * rng.randint(-2, 3))
                tif = rng.choices((None, "gtc", "day", "ioc", "fok"), weights=(25, 15, 30, 15, 15))[0]
        if tif is not None:
            o["tif"] = tif
        self.trader_fields(o)
        return o

    def invalid_submit(self, sid):
        """A submit with exactly one defect."""
        rng = self.rng
        c = self.cfg(sid)
        for _ in range(50):
            o = self.valid_submit(sid)
            kind = rng.choice(("qty", "price", "dup", "tif", "post"))
            if kind == "qty":
                if c["min_qty"] > 1 and rng.random() < 0.5:
                    o["quantity"] = c["min_qty"] - 1
                elif c["max_qty"] < 10 ** 9:
                    o["quantity"] = c["max_qty"] + rng.randint(1, 3)
                else:
                    continue
            elif kind == "price":
                key = "stop_price" if o.get("type") == "stop" else "price"
                if o.get("type") == "market":
                    continue
                if c["max_price"] < MAX_SAFE and rng.random() < 0.5:
                    o[key] = c["max_price"] + rng.randint(1, 5)
                elif c["min_price"] > 1:
                    o[key] = c["min_price"] - 1
                else:
                    del o[key]
            elif kind == "dup":
                live = [x for x in self.eng.live]
                if not live:
                    continue
                o["order_id"] = rng.choice(sorted(live))
            elif kind == "tif":
                o = {k: v for k, v in o.items() if k not in ("price", "stop_price", "post_only")}
                o["type"] = "market"
                o["tif"] = rng.choice(("gtc", "day"))
            else:
                if o.get("type", "limit") == "limit":
                    o["tif"] = rng.choice(("ioc", "fok"))
                o["post_only"] = True
            msg = {"op": "submit", "order": o}
            if defect_count(self.eng, msg) == 1:
                return msg
        return None

    def cancel_msg(self):
        rng = self.rng
        r = rng.random()
        live = sorted(self.eng.live)
        if live and r < 0.85:
            return cxl(rng.choice(live))
        finished = [oid for oid, o in self.eng.orders.items() if o.where == "done"]
        if finished and r < 0.95:
            return cxl(rng.choice(finished))
        return cxl(self.next_id + rng.randint(1000, 2000))       # never used

    def replace_msg(self):
        rng = self.rng
        if rng.random() < 0.04:
            return rpl(self.next_id + rng.randint(1000, 2000), new_quantity=5)
        # decremented orders are left out (README: kept out of the random streams)
        cands = sorted(oid for oid, o in self.eng.live.items() if o.cancelled == 0)
        if not cands:
            return None
        o = self.eng.live[rng.choice(cands)]
        c = self.cfg(o.symbol_id)
        sgn = 1 if o.side == "buy" else -1
        for _ in range(20):
            m = rpl(o.order_id)
            kind = rng.choices(("down", "up", "price", "price_qty", "stop", "filled", "bad"),
                               weights=(25, 15, 25, 10, 15 if o.where == "waiting" else 0,
                                        8 if o.filled >= c["min_qty"] else 0, 4))[0]
            if kind == "down":
                m["new_quantity"] = o.filled + rng.randint(1, o.remaining)
            elif kind == "up":
                m["new_quantity"] = o.filled + o.remaining + rng.randint(1, 10)
            elif kind in ("price", "price_qty"):
                if o.price is None:
                    continue
                m["new_price"] = self.clip(o.symbol_id, o.price + sgn * rng.randint(-3, 4))
                if kind == "price_qty":
                    m["new_quantity"] = o.filled + rng.randint(1, o.remaining + 5)
            elif kind == "stop":
                m["new_stop_price"] = self.clip(o.symbol_id, o.stop_price + rng.randint(-3, 3))
                if rng.random() < 0.3:
                    m["new_quantity"] = o.filled + rng.randint(1, o.remaining + 3)
            elif kind == "filled":
                m["new_quantity"] = rng.randint(c["min_qty"], o.filled)
            else:
                if c["max_qty"] < 10 ** 9:
                    m["new_quantity"] = c["max_qty"] + 1
                elif c["max_price"] < MAX_SAFE and o.price is not None:
                    m["new_price"] = c["max_price"] + 1
                else:
                    continue
            if "new_quantity" in m and m["new_quantity"] > o.filled:
                if m["new_quantity"] < c["min_qty"]:
                    continue
                if kind != "bad" and m["new_quantity"] > c["max_qty"]:
                    m["new_quantity"] = c["max_qty"]
                    if m["new_quantity"] <= o.filled:
                        continue
            if defect_count(self.eng, m) <= 1:
                return m
        return None

    def build(self):
        rng, p = self.rng, self.p
        sids = sorted(self.mids)
        ops = ("submit", "invalid", "cancel", "replace", "eos")
        while len(self.msgs) < self.n:
            sid = rng.choice(sids)
            self.step_mid(sid)
            op = rng.choices(ops, weights=p["ops"])[0]
            if op == "submit":
                msg = None
                for _ in range(20):
                    cand = {"op": "submit", "order": self.valid_submit(sid)}
                    if defect_count(self.eng, cand) <= 1:
                        msg = cand
                        break
            elif op == "invalid":
                msg = self.invalid_submit(sid)
            elif op == "cancel":
                msg = self.cancel_msg()
            elif op == "replace":
                msg = self.replace_msg()
            else:
                msg = eos(sid) if rng.random() < 0.5 else eos()
            if msg is None:
                continue
            assert defect_count(self.eng, msg) <= 1
            self.eng.process(len(self.msgs), msg)
            self.msgs.append(msg)
        self.stats = self.eng.stats
        return self.symbols, self.msgs, self.eng.expected()


BASE_P = {"types": (70, 7, 11, 12), "ops": (72, 3, 11, 13, 0.8)}


def random_streams():
    out = []

    def add(name, seed, n, symbols, mids, p=None, **kw):
        pp = dict(BASE_P)
        pp.update(p or {})
        rs = RandomStream(seed, n, symbols, mids, pp, **kw)
        out.append((name, rs.build, rs))

    add("random_basic", 101, 2000,
        [{"symbol_id": 1}, {"symbol_id": 2}],
        {1: 100, 2: 1000})
    add("random_configs", 202, 2000,
        [{"symbol_id": 1, "min_qty": 2, "max_qty": 60},
         {"symbol_id": 2, "min_price": 50, "max_price": 90, "stp_default": "cancel_oldest"},
         {"symbol_id": 3, "stp_default": "decrement", "tick_size": "0.5", "lot_size": "10"},
         {"symbol_id": 4, "stp_default": "cancel_both", "min_qty": 3, "max_qty": 40}],
        {1: 500, 2: 70, 3: 2000, 4: 40})
    add("random_stops", 303, 2000,
        [{"symbol_id": 1}, {"symbol_id": 5, "stp_default": "none"}],
        {1: 200, 5: 300}, p={"types": (55, 5, 20, 20)})
    add("random_stp", 404, 2000,
        [{"symbol_id": 1}, {"symbol_id": 2, "stp_default": "decrement"}],
        {1: 100, 2: 100}, p={"group": 0.4, "policy": 0.7}, n_traders=4)
    add("random_cancel_replace_day", 505, 2200,
        [{"symbol_id": 1}, {"symbol_id": 2}, {"symbol_id": 3, "min_qty": 1, "max_qty": 30}],
        {1: 100, 2: 150, 3: 250}, p={"ops": (55, 3, 18, 22, 2.0)})
    add("random_wide_ids_no_stop_through", 606, 1400,
        [{"symbol_id": 7, "reject_stop_through": False},
         {"symbol_id": 4000000000, "min_price": 4000000000000, "max_price": 4000000001000}],
        {7: 100, 4000000000: 4000000000500}, p={"types": (60, 6, 17, 17)}, id_base=10 ** 15)
    return out


# ---------------------------------------------------------------------------- fixture self-consistency
def check_fixture(msgs, exp):
    """Cross-checks of the written expectations that do not use the model's internals."""
    filled = {}
    for k, t in enumerate(exp["trades"]):
        assert t["trade_id"] == k + 1 and t["quantity"] >= 1
        assert {t["maker_order_id"], t["taker_order_id"]} == {t["buy_order_id"], t["sell_order_id"]}
        assert t["aggressor"] == ("buy" if t["taker_order_id"] == t["buy_order_id"] else "sell")
        assert 0 <= t["msg_index"] < len(msgs)
        if k:
            assert t["msg_index"] >= exp["trades"][k - 1]["msg_index"]
        for oid in (t["buy_order_id"], t["sell_order_id"]):
            filled[oid] = filled.get(oid, 0) + t["quantity"]
    orders = {o["order_id"]: o for o in exp["orders"]}
    ids = [o["order_id"] for o in exp["orders"]]
    assert ids == sorted(set(ids))
    submits = {}
    for m in msgs:
        if m["op"] == "submit":
            submits[m["order"]["order_id"]] = submits.get(m["order"]["order_id"], 0) + 1
    for oid, o in orders.items():
        if submits[oid] == 1:
            assert filled.get(oid, 0) == o["filled"], oid
        else:           # an id submitted again (duplicate reject or reuse after finishing)
            assert filled.get(oid, 0) >= o["filled"], oid
        live = o["status"] in ("new", "partially_filled")
        assert live == (o["remaining"] > 0)
        assert o["status"] != "partially_filled" or o["filled"] > 0
        assert o["status"] != "new" or o["filled"] == 0
        assert o["status"] != "expired" or o["expired"] > 0
    on_book = {}
    for b in exp["books"]:
        for side, rows in (("bids", b["bids"]), ("asks", b["asks"])):
            prices = [r[1] for r in rows]
            assert prices == sorted(prices, reverse=(side == "bids"))
            for r in rows:
                on_book[r[0]] = r
        for r in b["stops"]:
            on_book[r[0]] = r
        if b["bids"] and b["asks"]:
            assert b["bids"][0][1] < b["asks"][0][1]
    live_ids = {oid for oid, o in orders.items() if o["remaining"] > 0}
    assert live_ids == set(on_book)
    for oid, r in on_book.items():
        assert orders[oid]["remaining"] == r[2]
    seqs = [r[3] for r in on_book.values()]
    assert len(seqs) == len(set(seqs))
    for r in exp["rejects"]:
        assert 0 <= r[0] < len(msgs)


# ---------------------------------------------------------------------------- writing
def dump_stream(path, name, symbols, msgs, exp):
    """JSON with one message / trade / order / book row per line (compact, diff-friendly)."""
    def c(x):
        return json.dumps(x, separators=(",", ":"))

    def arr(items, indent):
        if not items:
            return "[]"
        pad = " " * indent
        return "[\n" + ",\n".join(pad + c(i) for i in items) + "\n" + " " * (indent - 2) + "]"
    parts = [
        "{",
        '"name":%s,' % c(name),
        '"symbols":%s,' % arr(symbols, 2),
        '"messages":%s,' % arr(msgs, 2),
        '"expected":{',
        '  "trades":%s,' % arr(exp["trades"], 4),
        '  "orders":%s,' % arr(exp["orders"], 4),
        '  "books":%s,' % arr(exp["books"], 4),
        '  "rejects":%s' % arr(exp["rejects"], 4),
        "}",
        "}",
    ]
    text = "\n".join(parts) + "\n"
    assert json.loads(text) == {"name": name, "symbols": symbols, "messages": msgs, "expected": exp}
    with open(path, "w") as f:
        f.write(text)
    return len(text)


def main():
    os.makedirs(OUT, exist_ok=True)
    streams = [(f.__name__, f, None) for f in TARGETED] + random_streams()
    names, total, coverage = [], 0, {}
    for name, fn, rs in streams:
        symbols, msgs, exp = fn()
        # determinism / independence of the incremental build: replay from scratch
        assert run_stream(symbols, msgs) == exp, name
        check_fixture(msgs, exp)
        size = dump_stream(os.path.join(OUT, name + ".json"), name, symbols, msgs, exp)
        total += size
        names.append(name)
        print("%-34s %5d msgs %5d trades %5d orders %4d rejects %8d bytes" % (
            name, len(msgs), len(exp["trades"]), len(exp["orders"]), len(exp["rejects"]), size))
        if rs is not None:
            print("    " + " ".join("%s=%d" % kv for kv in sorted(rs.stats.items())))
            for k, v in rs.stats.items():
                coverage[k] = coverage.get(k, 0) + v
    with open(os.path.join(OUT, "index.json"), "w") as f:
        f.write(json.dumps(names, indent=1) + "\n")
    print("total %d bytes" % total)
    assert total < 3000000
    # every rule is exercised by the random streams, not only by the targeted ones
    for k in ("stp_cancel_newest", "stp_cancel_oldest", "stp_cancel_both", "stp_decrement", "self_trade",
              "fok_executed", "cancel_fok_unfillable", "cancel_no_liquidity", "cancel_ioc_remainder",
              "cancel_user", "stop_triggered", "stop_cascade", "stop_round_multi", "stop_fired_by_earlier_print",
              "trade_by_triggered_stop", "replace_keep", "replace_reenter", "replace_cancel", "replace_reject",
              "replace_unknown", "expired", "reject_invalid_quantity", "reject_invalid_price",
              "reject_duplicate_order_id", "reject_invalid_tif", "reject_invalid_post_only",
              "reject_stop_through_market", "reject_unknown_order", "reject_post_only_would_cross"):
        assert coverage.get(k, 0) >= 5, (k, coverage.get(k, 0))


if __name__ == "__main__":
    main()
