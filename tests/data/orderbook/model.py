#!/usr/bin/env python3
"""Independent reference model of `orderbook/matching` (spec/orderbook.md), used as the oracle of
the differential fixtures written by gen_fixtures.py.

Deliberately plain: per symbol and side a dict price -> collections.deque of resting orders (FIFO =
ascending seq inside a level), best price found by min()/max() over the dict keys, waiting stops in a
plain list kept in ascending seq, linear scans everywhere.  Nothing here is shared with the C engine.

Usage:
    eng = Engine(symbol_configs)
    for i, msg in enumerate(messages):
        eng.process(i, msg)
    eng.expected()   # {"trades", "orders", "books", "rejects"} in the fixture format (README.md)

Every rule of the spec's `computes` list is implemented in the method named after it; the choices made
where the spec is silent are listed under "Interpretations" in README.md and marked "INTERPRETATION"
below.
"""
from collections import Counter, deque

MAX_SAFE = 9007199254740991

DEFAULT_CONFIG = {
    "tick_size": "0.01",
    "lot_size": "1",
    "min_qty": 1,
    "max_qty": 1000000000,
    "min_price": 1,
    "max_price": MAX_SAFE,
    "stp_default": "cancel_newest",
    "reject_stop_through": True,
}

SIDES = ("buy", "sell")
TYPES = ("limit", "market", "stop", "stop_limit")
TIFS = ("gtc", "day", "ioc", "fok")
STP_POLICIES = ("cancel_newest", "cancel_oldest", "cancel_both", "decrement", "none")
ORDER_FIELDS = {"order_id", "symbol_id", "side", "type", "price", "stop_price", "quantity", "tif",
                "post_only", "trader_id", "stp_group", "stp_policy", "timestamp"}


class ModelError(Exception):
    """A message the model refuses to interpret (malformed JSON shape, not a business reject)."""


class Order:
    def __init__(self, d, cfg):
        unknown = set(d) - ORDER_FIELDS
        if unknown:
            raise ModelError("unknown order fields %s" % sorted(unknown))
        for f in ("order_id", "symbol_id", "side", "quantity", "trader_id"):
            if f not in d:
                raise ModelError("missing order field " + f)
        self.order_id = d["order_id"]
        self.symbol_id = d["symbol_id"]
        self.side = d["side"]
        self.type = d.get("type", "limit")
        if self.side not in SIDES or self.type not in TYPES:
            raise ModelError("bad side/type")
        # price only means something for limit / stop_limit, stop_price for stop / stop_limit
        # (INTERPRETATION: a price given on market/stop, or a stop_price on limit/market, is ignored)
        self.price = d.get("price") if self.type in ("limit", "stop_limit") else None
        self.stop_price = d.get("stop_price") if self.type in ("stop", "stop_limit") else None
        self.quantity = d["quantity"]          # accounting total: filled+remaining+cancelled+expired
        self.tif = d.get("tif", "ioc" if self.type in ("market", "stop") else "gtc")
        if self.tif not in TIFS:
            raise ModelError("bad tif")
        self.post_only = bool(d.get("post_only", False))
        self.trader_id = d["trader_id"]
        self.stp_group = d.get("stp_group", self.trader_id)
        self.stp_policy = d.get("stp_policy", cfg["stp_default"])
        if self.stp_policy not in STP_POLICIES:
            raise ModelError("bad stp_policy")
        self.timestamp = d.get("timestamp", 0)
        # state
        self.seq = None
        self.filled = 0
        self.remaining = self.quantity
        self.cancelled = 0
        self.expired = 0
        self.notional = 0
        self.status = "new"
        self.where = "incoming"       # incoming | resting | waiting | done
        self.triggered = False        # a stop / stop_limit that has been released

    def is_stop(self):
        return self.type in ("stop", "stop_limit")

    def live_status(self):
        return "partially_filled" if self.filled > 0 else "new"

    def __repr__(self):
        return "Order(%s %s %s px=%s stop=%s rem=%s seq=%s %s)" % (
            self.order_id, self.side, self.type, self.price, self.stop_price, self.remaining,
            self.seq, self.where)


class Book:
    def __init__(self, symbol_id, cfg):
        self.symbol_id = symbol_id
        self.cfg = cfg
        self.bids = {}            # price -> deque[Order]
        self.asks = {}
        self.stops = []           # waiting stop orders, ascending seq
        self.last_trade_price = None
        self.prints = []          # trade prices printed since the previous stop evaluation

    def side(self, side):
        return self.bids if side == "buy" else self.asks

    def opposite(self, side):
        return self.asks if side == "buy" else self.bids

    def best_bid(self):
        return max(self.bids) if self.bids else None

    def best_ask(self):
        return min(self.asks) if self.asks else None

    def levels_best_first(self, side_dict, is_bid):
        return sorted(side_dict, reverse=is_bid)


class Engine:
    def __init__(self, symbols=()):
        self.books = {}
        self.orders = {}          # order_id -> latest accepted Order with that id
        self.live = {}            # order_id -> Order resting or waiting
        self.seq = 0
        self.trades = []
        self.rejects = []
        self.msg_index = None
        self.stats = Counter()    # coverage counters (not part of the fixtures)
        for s in symbols:
            cfg = dict(DEFAULT_CONFIG)
            for k, v in s.items():
                if k != "symbol_id":
                    if k not in cfg:
                        raise ModelError("unknown symbol config field " + k)
                    cfg[k] = v
            if s["symbol_id"] in self.books:
                raise ModelError("symbol configured twice")
            self.books[s["symbol_id"]] = Book(s["symbol_id"], cfg)

    # ------------------------------------------------------------------ helpers
    def book(self, symbol_id):
        """Unknown symbols are created with the default config (on any submit naming them)."""
        if symbol_id not in self.books:
            self.books[symbol_id] = Book(symbol_id, dict(DEFAULT_CONFIG))
        return self.books[symbol_id]

    def next_seq(self):
        self.seq += 1
        return self.seq

    def reject(self, order_id, reason):
        self.stats["reject_" + reason] += 1
        self.rejects.append([self.msg_index, order_id, reason])

    def finish(self, o, status):
        o.status = status
        o.where = "done"
        self.live.pop(o.order_id, None)

    def cancel_remaining(self, o, qty, status_reason):
        """Remove `qty` lots of o as cancelled; finishes the order when nothing remains."""
        self.stats["cancel_" + status_reason] += 1   # the reason is an event field only
        o.remaining -= qty
        o.cancelled += qty
        assert o.remaining >= 0
        if o.remaining == 0:
            self.finish(o, "cancelled")

    def remove_resting(self, o, book):
        levels = book.side(o.side)
        level = levels[o.price]
        level.remove(o)
        if not level:
            del levels[o.price]

    def rest(self, o, book):
        book.side(o.side).setdefault(o.price, deque()).append(o)
        o.where = "resting"
        o.status = o.live_status()
        self.live[o.order_id] = o

    def crosses(self, book, side, price):
        if side == "buy":
            a = book.best_ask()
            return a is not None and price >= a
        b = book.best_bid()
        return b is not None and price <= b

    @staticmethod
    def price_ok(cfg, p):
        return isinstance(p, int) and not isinstance(p, bool) and cfg["min_price"] <= p <= cfg["max_price"]

    @staticmethod
    def stop_through(book, side, stop_price):
        last = book.last_trade_price
        if not book.cfg["reject_stop_through"] or last is None:
            return False
        return stop_price <= last if side == "buy" else stop_price >= last

    # ------------------------------------------------------------------ rule 1 + rule 6
    def submit_reasons(self, o, book):
        """All reject reasons that apply to a submit, in the spec's order (the first one is used).
        Rule 1 (validation) then rule 6 (post-only cross check), both before acceptance."""
        cfg = book.cfg
        r = []
        if not (cfg["min_qty"] <= o.quantity <= cfg["max_qty"]):
            r.append("invalid_quantity")
        bad_price = (o.type in ("limit", "stop_limit") and not self.price_ok(cfg, o.price)) or \
                    (o.type in ("stop", "stop_limit") and not self.price_ok(cfg, o.stop_price))
        if bad_price:
            r.append("invalid_price")
        if o.order_id in self.live:
            r.append("duplicate_order_id")
        if o.type == "market" and o.tif in ("gtc", "day"):
            r.append("invalid_tif")
        if o.post_only and (o.type != "limit" or o.tif in ("ioc", "fok")):
            r.append("invalid_post_only")
        if o.is_stop() and self.price_ok(cfg, o.stop_price) and self.stop_through(book, o.side, o.stop_price):
            r.append("stop_through_market")
        if o.post_only and o.type == "limit" and self.price_ok(cfg, o.price) and \
                self.crosses(book, o.side, o.price):
            r.append("post_only_would_cross")
        return r

    # ------------------------------------------------------------------ messages
    def process(self, i, msg):
        self.msg_index = i
        op = msg.get("op")
        if op == "submit":
            self.submit(msg["order"])
        elif op == "cancel":
            self.cancel(msg["order_id"])
        elif op == "replace":
            self.replace(msg)
        elif op == "end_session":
            self.end_session(msg.get("symbol_id"))
        elif op == "snapshot":
            pass  # read-only
        else:
            raise ModelError("unknown op %r" % op)
        self.check_invariants()

    def run(self, messages):
        for i, m in enumerate(messages):
            self.process(i, m)
        return self.expected()

    def submit(self, d):
        book = self.book(d["symbol_id"])
        o = Order(d, book.cfg)
        reasons = self.submit_reasons(o, book)
        if reasons:
            self.reject(o.order_id, reasons[0])
            return
        # rule 2: accepted -> seq
        o.seq = self.next_seq()
        self.orders[o.order_id] = o
        if o.is_stop():
            # rule 8: waits in the per-symbol trigger list, invisible in the book
            o.where = "waiting"
            book.stops.append(o)
            self.live[o.order_id] = o
        else:
            self.execute(o, book)
        self.evaluate_stops(book)

    # ------------------------------------------------------------------ rules 3-7
    def execute(self, o, book):
        """Match an incoming order (new, triggered stop, or priority-losing replace)."""
        o.where = "incoming"
        is_market = o.type in ("market", "stop")
        # rule 8: a triggered stop becomes a market ioc (whatever its tif while waiting);
        # a triggered stop_limit becomes a limit with its own price and tif.
        tif = "ioc" if o.type == "stop" else o.tif
        limit = None if is_market else o.price
        if tif == "fok":
            if self.fok_fillable(o, book, limit) < o.remaining:
                self.cancel_remaining(o, o.remaining, "fok_unfillable")     # rule 5: no side effect
                return
            self.stats["fok_executed"] += 1
        self.match(o, book, limit)
        if o.where == "done":
            return                      # finished by STP (cancel_newest / cancel_both / decrement)
        if o.remaining == 0:
            self.finish(o, "filled")
            return
        if not is_market and tif in ("gtc", "day"):
            self.rest(o, book)          # rule 7
        else:
            reason = "no_liquidity" if is_market and not book.opposite(o.side) else "ioc_remainder"
            self.cancel_remaining(o, o.remaining, reason)

    def acceptable(self, side, limit, price):
        if limit is None:
            return True
        return price <= limit if side == "buy" else price >= limit

    def fok_fillable(self, o, book, limit):
        """Rule 5, literally: Σ remaining of resting orders at acceptable prices in priority order,
        stopping at the first same-group order under cancel_newest/cancel_both and skipping
        same-group orders under cancel_oldest/decrement (policy none: all count)."""
        opp = book.opposite(o.side)
        total = 0
        for p in book.levels_best_first(opp, o.side == "sell"):
            if not self.acceptable(o.side, limit, p):
                break
            for m in opp[p]:
                if m.stp_group == o.stp_group and o.stp_policy != "none":
                    if o.stp_policy in ("cancel_newest", "cancel_both"):
                        return total
                    continue
                total += m.remaining
        return total

    def match(self, o, book, limit):
        opp = book.opposite(o.side)
        while o.remaining > 0 and opp:
            best = min(opp) if o.side == "buy" else max(opp)
            if not self.acceptable(o.side, limit, best):
                break
            level = opp[best]
            m = level[0]
            assert m.price == best and m.where == "resting"
            if m.stp_group == o.stp_group and o.stp_policy != "none":
                # rule 4: self-trade prevention, the incoming order's policy applies
                pol = o.stp_policy
                self.stats["stp_" + pol] += 1
                if pol == "cancel_newest":
                    self.cancel_remaining(o, o.remaining, "self_trade_prevention")
                    return
                if pol == "cancel_oldest":
                    self.remove_resting(m, book)
                    self.cancel_remaining(m, m.remaining, "self_trade_prevention")
                    continue
                if pol == "cancel_both":
                    self.remove_resting(m, book)
                    self.cancel_remaining(m, m.remaining, "self_trade_prevention")
                    self.cancel_remaining(o, o.remaining, "self_trade_prevention")
                    return
                assert pol == "decrement"
                d = min(o.remaining, m.remaining)
                if m.remaining == d:
                    self.remove_resting(m, book)
                self.cancel_remaining(m, d, "self_trade_prevention")
                self.cancel_remaining(o, d, "self_trade_prevention")
                continue
            # rule 3: fill at the maker's price
            q = min(o.remaining, m.remaining)
            self.fill(o, m, best, q, book)
            if m.remaining == 0:
                level.popleft()
                if not level:
                    del opp[best]
                self.finish(m, "filled")

    def fill(self, taker, maker, price, q, book):
        assert self.acceptable(taker.side, None if taker.type in ("market", "stop") else taker.price, price)
        for x in (taker, maker):
            x.filled += q
            x.remaining -= q
            x.notional += price * q
        if maker.remaining > 0:
            maker.status = "partially_filled"
        buy, sell = (taker, maker) if taker.side == "buy" else (maker, taker)
        self.trades.append({
            "trade_id": len(self.trades) + 1,
            "symbol_id": book.symbol_id,
            "price": price,
            "quantity": q,
            "buy_order_id": buy.order_id,
            "sell_order_id": sell.order_id,
            "maker_order_id": maker.order_id,
            "taker_order_id": taker.order_id,
            "aggressor": taker.side,
            "self_trade": taker.stp_group == maker.stp_group,
            "msg_index": self.msg_index,
        })
        book.last_trade_price = price
        book.prints.append(price)
        self.stats["trade"] += 1
        if taker.triggered:
            self.stats["trade_by_triggered_stop"] += 1
        if taker.stp_group == maker.stp_group:
            self.stats["self_trade"] += 1

    # ------------------------------------------------------------------ rule 8
    def evaluate_stops(self, book):
        """Release, in rounds, every waiting stop whose condition holds for the prints made since the
        previous evaluation; a round's stops run in ascending (original) seq; the prints they make are
        evaluated by the next round (INTERPRETATION: round semantics)."""
        rounds = 0
        while book.prints:
            prints, book.prints = book.prints, []
            hi, lo = max(prints), min(prints)
            fired = [s for s in book.stops
                     if (s.side == "buy" and hi >= s.stop_price) or (s.side == "sell" and lo <= s.stop_price)]
            if not fired:
                break
            self.stats["stop_round"] += 1
            self.stats["stop_triggered"] += len(fired)
            if len(fired) > 1:
                self.stats["stop_round_multi"] += 1
            last = prints[-1]
            if any((s.side == "buy" and last < s.stop_price) or (s.side == "sell" and last > s.stop_price)
                   for s in fired):
                self.stats["stop_fired_by_earlier_print"] += 1
            rounds += 1
            if rounds == 2:
                self.stats["stop_cascade"] += 1
            book.stops = [s for s in book.stops if s not in fired]
            for s in fired:                      # book.stops is in ascending seq, so is `fired`
                s.seq = self.next_seq()
                s.triggered = True
                self.execute(s, book)
        book.prints = []

    # ------------------------------------------------------------------ rule 9
    def cancel(self, order_id):
        o = self.live.get(order_id)
        if o is None:
            self.reject(order_id, "unknown_order")
            return
        book = self.books[o.symbol_id]
        if o.where == "resting":
            self.remove_resting(o, book)
        else:
            book.stops.remove(o)
        self.cancel_remaining(o, o.remaining, "user")

    # ------------------------------------------------------------------ rule 10
    def replace_plan(self, msg):
        """-> ("unknown"|"cancel"|"reject"|"keep"|"reenter", reasons, new_values)."""
        o = self.live.get(msg["order_id"])
        if o is None:
            return "unknown", ["unknown_order"], None
        book = self.books[o.symbol_id]
        cfg = book.cfg
        nq = msg.get("new_quantity")
        np_ = msg.get("new_price")
        nsp = msg.get("new_stop_price")
        if nq is not None and nq <= o.filled:
            return "cancel", [], None
        waiting = o.where == "waiting"
        has_price = o.type in ("limit", "stop_limit")
        reasons = []
        if nq is not None and not (cfg["min_qty"] <= nq <= cfg["max_qty"]):
            reasons.append("invalid_quantity")
        # INTERPRETATION: new_price on an order without a limit price, or new_stop_price on an order
        # that is not a waiting stop, is an invalid_price reject.
        if (np_ is not None and (not has_price or not self.price_ok(cfg, np_))) or \
                (nsp is not None and (not waiting or not self.price_ok(cfg, nsp))):
            reasons.append("invalid_price")
        new_price = np_ if np_ is not None else o.price
        new_stop = nsp if nsp is not None else o.stop_price
        # FIX: new_quantity is the new total (filled included) -> new remaining = new_quantity - filled;
        # absent new_quantity keeps the remaining quantity.
        new_rem = nq - o.filled if nq is not None else o.remaining
        keep = new_price == o.price and (not waiting or new_stop == o.stop_price) and new_rem <= o.remaining
        if not reasons and not keep:
            if waiting and self.stop_through(book, o.side, new_stop):
                reasons.append("stop_through_market")
            if o.post_only and not waiting and self.crosses(book, o.side, new_price):
                reasons.append("post_only_would_cross")
        if reasons:
            return "reject", reasons, None
        return ("keep" if keep else "reenter"), [], (new_price, new_stop, new_rem)

    def replace(self, msg):
        action, reasons, vals = self.replace_plan(msg)
        self.stats["replace_" + action] += 1
        if action in ("unknown", "reject"):
            self.reject(msg["order_id"], reasons[0])       # original order untouched
            return
        o = self.live[msg["order_id"]]
        book = self.books[o.symbol_id]
        if action == "cancel":                             # new_quantity <= filled
            if o.where == "resting":
                self.remove_resting(o, book)
            else:
                book.stops.remove(o)
            self.cancel_remaining(o, o.remaining, "replace_to_filled")
            return
        new_price, new_stop, new_rem = vals
        o.quantity += new_rem - o.remaining                # keeps quantity = filled+remaining+cancelled+expired
        if action == "keep":                               # in-place size-down (or no-op): same place, same seq
            o.remaining = new_rem
            return
        # priority lost: removed and re-entered as incoming with a new seq
        if o.where == "resting":
            self.remove_resting(o, book)
        else:
            book.stops.remove(o)
        o.price, o.stop_price, o.remaining = new_price, new_stop, new_rem
        o.seq = self.next_seq()
        if o.where == "waiting":
            book.stops.append(o)                           # new seq is the largest: order kept
            return
        self.live.pop(o.order_id, None)
        self.execute(o, book)
        self.evaluate_stops(book)

    # ------------------------------------------------------------------ rule 11
    def end_session(self, symbol_id):
        if symbol_id is None:
            sids = sorted(self.books)
        else:
            sids = [symbol_id] if symbol_id in self.books else []
        for sid in sids:
            book = self.books[sid]
            for levels in (book.bids, book.asks):
                for p in list(levels):
                    keep = deque(o for o in levels[p] if o.tif != "day")
                    for o in levels[p]:
                        if o.tif == "day":
                            self.expire(o)
                    if keep:
                        levels[p] = keep
                    else:
                        del levels[p]
            for o in [s for s in book.stops if s.tif == "day"]:
                book.stops.remove(o)
                self.expire(o)

    def expire(self, o):
        self.stats["expired"] += 1
        o.expired += o.remaining
        o.remaining = 0
        self.finish(o, "expired")

    # ------------------------------------------------------------------ rule 12 + oracle invariants
    def check_invariants(self):
        for book in self.books.values():
            bb, ba = book.best_bid(), book.best_ask()
            assert bb is None or ba is None or bb < ba, "crossed/locked book %s: %s/%s" % (book.symbol_id, bb, ba)
            for levels, side in ((book.bids, "buy"), (book.asks, "sell")):
                for p, level in levels.items():
                    assert level, "empty level kept"
                    seqs = [o.seq for o in level]
                    assert seqs == sorted(seqs), "FIFO broken"
                    for o in level:
                        assert o.side == side and o.price == p and o.remaining > 0
                        assert o.where == "resting" and self.live.get(o.order_id) is o
                        assert o.tif in ("gtc", "day")
            seqs = [s.seq for s in book.stops]
            assert seqs == sorted(seqs)
            for s in book.stops:
                assert s.where == "waiting" and self.live.get(s.order_id) is s and not s.triggered
        for oid, o in self.live.items():
            assert o.where in ("resting", "waiting") and self.orders[oid] is o
        for o in self.orders.values():
            assert o.quantity == o.filled + o.remaining + o.cancelled + o.expired, o
            if o.where == "done":
                assert o.remaining == 0 and o.status in ("filled", "cancelled", "expired")
            else:
                assert o.status == o.live_status(), o
        bought, sold = {}, {}
        for t in self.trades:
            bought[t["symbol_id"]] = bought.get(t["symbol_id"], 0) + t["quantity"]
            sold[t["symbol_id"]] = sold.get(t["symbol_id"], 0) + t["quantity"]
        assert bought == sold

    # ------------------------------------------------------------------ output
    def book_l3(self, book):
        bids = [[o.order_id, p, o.remaining, o.seq] for p in sorted(book.bids, reverse=True) for o in book.bids[p]]
        asks = [[o.order_id, p, o.remaining, o.seq] for p in sorted(book.asks) for o in book.asks[p]]
        return bids, asks

    def expected(self):
        orders = []
        for oid in sorted(self.orders):
            o = self.orders[oid]
            orders.append({"order_id": oid, "status": o.status, "filled": o.filled, "remaining": o.remaining,
                           "cancelled": o.cancelled, "expired": o.expired})
        books = []
        for sid in sorted(self.books):
            b = self.books[sid]
            bids, asks = self.book_l3(b)
            books.append({"symbol_id": sid, "bids": bids, "asks": asks,
                          "last_trade_price": b.last_trade_price,
                          "stops": [[s.order_id, s.stop_price, s.remaining, s.seq] for s in b.stops]})
        return {"trades": [dict(t) for t in self.trades], "orders": orders, "books": books,
                "rejects": [list(r) for r in self.rejects]}
