// The naive baseline of bench_orderbook: std::map<price, std::deque<order>> per side plus an
// std::unordered_map from order id to (side, price). Price-time priority, limit GTC and IOC,
// cancel, and move = take the order out and re-enter its remaining quantity at the new price
// (it may trade at once, losing time priority), as orderbook/matching's replace does. A textbook
// baseline written for this benchmark, NOT exchange-core (which is Java).
#include "ob_bench.h"

#include <cstring>
#include <time.h>
#include <deque>
#include <functional>
#include <map>
#include <unordered_map>

namespace {

struct NOrder {
    uint64_t id;
    int64_t qty;
};

struct Loc {
    uint8_t side;
    int64_t price;
};

class NaiveBook {
  public:
    uint64_t trades = 0;
    int64_t volume = 0;

    void apply(const ob_cmd_t &c)
    {
        switch (c.kind) {
        case OB_CMD_GTC: submit(c.order_id, c.side, c.price, c.quantity, true); break;
        case OB_CMD_IOC: submit(c.order_id, c.side, c.price, c.quantity, false); break;
        case OB_CMD_CANCEL: take_out(c.order_id); break;
        default: {
            auto it = index_.find(c.order_id);
            if (it == index_.end()) break;
            uint8_t side = it->second.side;
            int64_t qty = take_out(c.order_id);
            if (qty > 0) submit(c.order_id, side, c.price, qty, true);
            break;
        }
        }
    }

    void result(ob_result_t *r) const
    {
        r->trades = trades;
        r->volume = volume;
        r->resting_orders = (int64_t)index_.size();
        r->best_bid = bids_.empty() ? 0 : bids_.begin()->first;
        r->best_ask = asks_.empty() ? 0 : asks_.begin()->first;
    }

  private:
    std::map<int64_t, std::deque<NOrder>, std::greater<int64_t>> bids_;
    std::map<int64_t, std::deque<NOrder>> asks_;
    std::unordered_map<uint64_t, Loc> index_;

    template <class Book> int64_t match(Book &book, bool buy, int64_t price, int64_t qty)
    {
        while (qty > 0 && !book.empty()) {
            auto lvl = book.begin();
            if (buy ? lvl->first > price : lvl->first < price) break;
            auto &q = lvl->second;
            while (qty > 0 && !q.empty()) {
                NOrder &m = q.front();
                int64_t f = m.qty < qty ? m.qty : qty;
                m.qty -= f;
                qty -= f;
                trades++;
                volume += f;
                if (m.qty == 0) {
                    index_.erase(m.id);
                    q.pop_front();
                }
            }
            if (q.empty()) book.erase(lvl);
        }
        return qty;
    }

    void submit(uint64_t id, uint8_t side, int64_t price, int64_t qty, bool rest)
    {
        qty = side == 0 ? match(asks_, true, price, qty) : match(bids_, false, price, qty);
        if (qty > 0 && rest) {
            if (side == 0) bids_[price].push_back({id, qty});
            else asks_[price].push_back({id, qty});
            index_[id] = {side, price};
        }
    }

    template <class Book> static int64_t remove_from(Book &book, int64_t price, uint64_t id)
    {
        auto lvl = book.find(price);
        if (lvl == book.end()) return 0;
        auto &q = lvl->second;
        for (auto it = q.begin(); it != q.end(); ++it)
            if (it->id == id) {
                int64_t qty = it->qty;
                q.erase(it);
                if (q.empty()) book.erase(lvl);
                return qty;
            }
        return 0;
    }

    // Remove a resting order; its remaining quantity (0 when unknown).
    int64_t take_out(uint64_t id)
    {
        auto it = index_.find(id);
        if (it == index_.end()) return 0;
        Loc loc = it->second;
        index_.erase(it);
        return loc.side == 0 ? remove_from(bids_, loc.price, id) : remove_from(asks_, loc.price, id);
    }
};

} // namespace

extern "C" int ob_naive_available(void) { return 1; }

extern "C" void ob_naive_run(const ob_cmd_t *cmds, uint64_t n_fill, uint64_t n, uint64_t (*ticks)(void),
                             uint64_t *lat_ticks, double *seconds, ob_result_t *res)
{
    auto *book = new NaiveBook();
    for (uint64_t i = 0; i < n_fill; i++) book->apply(cmds[i]);
    book->trades = 0;
    book->volume = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (lat_ticks) {
        for (uint64_t i = n_fill; i < n; i++) {
            uint64_t k0 = ticks();
            book->apply(cmds[i]);
            lat_ticks[i - n_fill] = ticks() - k0;
        }
    } else {
        for (uint64_t i = n_fill; i < n; i++) book->apply(cmds[i]);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    book->result(res);
    delete book;
}
