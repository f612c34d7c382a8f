/* CKernels — order matching (orderbook/matching): an exchange-grade continuous limit order book
 * with price-time priority, many symbols per engine. Semantics: spec/orderbook.md; reference and
 * event conventions: docs/kernels/orderbook.md.
 *
 * Units are exact integers: price in ticks (>= 1), quantity in lots (>= 1), notional (sum of
 * price * quantity) in a signed 128-bit integer. Timestamps are informational.
 *
 * Every operation reports what happened through a caller-supplied event sink (a callback called
 * synchronously, in occurrence order, with a pointer valid only during the call), so that the
 * batch kernel, the ring actor and benchmarks share one code path and nothing allocates per event.
 * A NULL sink discards the events.
 *
 * Business outcomes (an order rejected, killed, cancelled) are events and reports, not errors:
 * operations return CK_OK for them. Errors are CK_E_INVALID_INPUT (a malformed argument, e.g. an
 * enum out of range; message on the ctx) and CK_E_NOMEM (the engine could not grow; nothing
 * changed). Memory grows by doubling when more orders are live than ever before; the message path
 * does not allocate otherwise (ck_ob_engine_reserve preallocates). One engine is used by one
 * thread at a time. */
#ifndef CKERNELS_ORDERBOOK_H
#define CKERNELS_ORDERBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ckernels/ctx.h"
#include "ckernels/export.h"
#include "ckernels/fixed.h"
#include "ckernels/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ck_ob_side { CK_OB_BUY = 0, CK_OB_SELL = 1 } ck_ob_side_t;

typedef enum ck_ob_type {
    CK_OB_LIMIT = 0,
    CK_OB_MARKET = 1,
    CK_OB_STOP = 2,      /* stop-market: becomes a market ioc order when triggered */
    CK_OB_STOP_LIMIT = 3 /* becomes a limit order with its price and tif when triggered */
} ck_ob_type_t;

typedef enum ck_ob_tif {
    CK_OB_TIF_DEFAULT = 0, /* gtc for limit and stop_limit, ioc for market and stop */
    CK_OB_GTC = 1,
    CK_OB_DAY = 2,
    CK_OB_IOC = 3,
    CK_OB_FOK = 4
} ck_ob_tif_t;

typedef enum ck_ob_stp_policy {
    CK_OB_STP_DEFAULT = 0, /* the symbol's stp_default */
    CK_OB_STP_CANCEL_NEWEST = 1,
    CK_OB_STP_CANCEL_OLDEST = 2,
    CK_OB_STP_CANCEL_BOTH = 3,
    CK_OB_STP_DECREMENT = 4,
    CK_OB_STP_NONE = 5
} ck_ob_stp_policy_t;

typedef enum ck_ob_status {
    CK_OB_NEW = 0,
    CK_OB_PARTIALLY_FILLED = 1,
    CK_OB_FILLED = 2,
    CK_OB_CANCELLED = 3,
    CK_OB_EXPIRED = 4,
    CK_OB_REJECTED = 5
} ck_ob_status_t;

/* Fixed reject reason codes (0 = none). */
typedef enum ck_ob_reject {
    CK_OB_REJECT_NONE = 0,
    CK_OB_REJECT_INVALID_QUANTITY = 1,
    CK_OB_REJECT_INVALID_PRICE = 2,
    CK_OB_REJECT_DUPLICATE_ORDER_ID = 3,
    CK_OB_REJECT_INVALID_TIF = 4,
    CK_OB_REJECT_INVALID_POST_ONLY = 5,
    CK_OB_REJECT_STOP_THROUGH_MARKET = 6,
    CK_OB_REJECT_UNKNOWN_ORDER = 7,
    CK_OB_REJECT_POST_ONLY_WOULD_CROSS = 8
} ck_ob_reject_t;

/* Why an accepted order lost (part of) its quantity without trading. */
typedef enum ck_ob_cancel_reason {
    CK_OB_CANCEL_USER = 0,                  /* cancel operation */
    CK_OB_CANCEL_SELF_TRADE_PREVENTION = 1, /* STP cancel (or decrement to zero) */
    CK_OB_CANCEL_FOK_UNFILLABLE = 2,
    CK_OB_CANCEL_NO_LIQUIDITY = 3,          /* market / triggered stop with nothing left to hit */
    CK_OB_CANCEL_IOC_REMAINDER = 4,
    CK_OB_CANCEL_REPLACE_TO_FILLED = 5      /* replace with new_quantity <= filled */
} ck_ob_cancel_reason_t;

typedef enum ck_ob_stp_action { CK_OB_STP_ACTION_CANCEL = 0, CK_OB_STP_ACTION_DECREMENT = 1 } ck_ob_stp_action_t;

/* Names as used in JSON ("buy", "stop_limit", "gtc", "cancel_newest", "partially_filled",
 * "post_only_would_cross", "ioc_remainder", "decrement"); "?" for a value out of range. The parse
 * functions return CK_E_NOT_FOUND for an unknown name. ck_ob_tif_parse never yields
 * CK_OB_TIF_DEFAULT, nor ck_ob_stp_policy_parse CK_OB_STP_DEFAULT. */
CK_API const char *ck_ob_side_name(ck_ob_side_t v);
CK_API const char *ck_ob_type_name(ck_ob_type_t v);
CK_API const char *ck_ob_tif_name(ck_ob_tif_t v);
CK_API const char *ck_ob_stp_policy_name(ck_ob_stp_policy_t v);
CK_API const char *ck_ob_status_name(ck_ob_status_t v);
CK_API const char *ck_ob_reject_name(ck_ob_reject_t v);
CK_API const char *ck_ob_cancel_reason_name(ck_ob_cancel_reason_t v);
CK_API const char *ck_ob_stp_action_name(ck_ob_stp_action_t v);
CK_API ck_status_t ck_ob_side_parse(const char *name, ck_ob_side_t *v);
CK_API ck_status_t ck_ob_type_parse(const char *name, ck_ob_type_t *v);
CK_API ck_status_t ck_ob_tif_parse(const char *name, ck_ob_tif_t *v);
CK_API ck_status_t ck_ob_stp_policy_parse(const char *name, ck_ob_stp_policy_t *v);

/* ---- Symbols ---------------------------------------------------------------------------------- */

typedef struct ck_ob_symbol_config {
    uint32_t symbol_id;
    ck_fixed128_t tick_size; /* money per tick (display only), > 0; default 0.01 */
    ck_fixed128_t lot_size;  /* money per lot (display only), > 0; default 1 */
    int64_t min_qty, max_qty;     /* 1 <= min_qty <= max_qty; defaults 1, 1e9 */
    int64_t min_price, max_price; /* 1 <= min_price <= max_price; defaults 1, 2^53 - 1 */
    ck_ob_stp_policy_t stp_default; /* default cancel_newest (never CK_OB_STP_DEFAULT) */
    bool reject_stop_through;       /* default true */
} ck_ob_symbol_config_t;

CK_API void ck_ob_symbol_config_init(ck_ob_symbol_config_t *c, uint32_t symbol_id);

/* ---- Orders and operations -------------------------------------------------------------------- */

typedef struct ck_ob_order {
    uint64_t order_id;  /* unique among the engine's live (resting or waiting) orders */
    uint32_t symbol_id; /* an unknown symbol is created with the default config */
    ck_ob_side_t side;
    ck_ob_type_t type;
    int64_t price;      /* limit price, ticks: limit and stop_limit; 0 = absent (ignored otherwise) */
    int64_t stop_price; /* trigger price: stop and stop_limit; 0 = absent (ignored otherwise) */
    int64_t quantity;   /* lots */
    ck_ob_tif_t tif;
    bool post_only;
    uint64_t trader_id;
    bool has_stp_group; /* false: stp_group = trader_id */
    uint64_t stp_group;
    ck_ob_stp_policy_t stp_policy;
    int64_t timestamp; /* ns, echoed */
} ck_ob_order_t;

/* Defaults: limit, gtc/ioc by type, no post_only, stp group = trader, symbol's STP policy. */
CK_API void ck_ob_order_init(ck_ob_order_t *o);

typedef struct ck_ob_replace {
    uint64_t order_id;
    bool has_quantity, has_price, has_stop_price;
    int64_t new_quantity;   /* new total quantity, filled included */
    int64_t new_price;
    int64_t new_stop_price;
} ck_ob_replace_t;

/* The state of one order. */
typedef struct ck_ob_order_state {
    uint64_t order_id;
    uint32_t symbol_id;
    ck_ob_side_t side;
    ck_ob_type_t type;
    ck_ob_tif_t tif; /* resolved */
    ck_ob_status_t status;
    bool resting;    /* in the book */
    bool waiting;    /* an untriggered stop */
    uint64_t seq;    /* current priority sequence number */
    uint64_t trader_id;
    int64_t price, stop_price;
    int64_t quantity; /* = filled + remaining + cancelled + expired */
    int64_t filled, remaining, cancelled, expired;
    ck_int128_t notional; /* sum of price * quantity of its fills */
    uint64_t trade_count;
    int64_t timestamp;
} ck_ob_order_state_t;

/* ---- Events ----------------------------------------------------------------------------------- */

typedef enum ck_ob_event_type {
    CK_OB_EV_ACCEPTED = 0,  /* order_id, seq */
    CK_OB_EV_REJECTED = 1,  /* order_id, reject */
    CK_OB_EV_TRADE = 2,     /* trade */
    CK_OB_EV_STP = 3,       /* order_id, stp_action, quantity */
    CK_OB_EV_TRIGGERED = 4, /* order_id, seq */
    CK_OB_EV_REPLACED = 5,  /* order_id, seq, priority_kept */
    CK_OB_EV_CANCELLED = 6, /* order_id, quantity, cancel_reason */
    CK_OB_EV_EXPIRED = 7,   /* order_id, quantity */
    CK_OB_EV_DONE = 8       /* order_id, state (status, filled, notional, ...) */
} ck_ob_event_type_t;
CK_API const char *ck_ob_event_type_name(ck_ob_event_type_t v); /* "accepted", ... */

typedef struct ck_ob_trade {
    uint64_t trade_id; /* from 1 per engine */
    uint32_t symbol_id;
    int64_t price;     /* the maker's price */
    int64_t quantity;
    uint64_t buy_order_id, sell_order_id, maker_order_id, taker_order_id;
    uint64_t buy_trader_id, sell_trader_id;
    ck_ob_side_t aggressor; /* the taker's side */
    bool self_trade;        /* same STP group, policy none */
} ck_ob_trade_t;

typedef struct ck_ob_event {
    ck_ob_event_type_t type;
    uint64_t order_id;
    uint64_t seq;
    int64_t quantity;
    ck_ob_reject_t reject;
    ck_ob_cancel_reason_t cancel_reason;
    ck_ob_stp_action_t stp_action;
    bool priority_kept;
    const ck_ob_trade_t *trade;       /* CK_OB_EV_TRADE */
    const ck_ob_order_state_t *state; /* CK_OB_EV_DONE */
} ck_ob_event_t;

typedef struct ck_ob_sink {
    void (*fn)(void *user, const ck_ob_event_t *ev);
    void *user;
} ck_ob_sink_t;

/* What one operation did to the order it named. */
typedef struct ck_ob_report {
    uint64_t order_id;
    ck_ob_status_t status; /* CK_OB_REJECTED when rejected */
    ck_ob_reject_t reject;
    bool priority_kept;    /* replace */
    uint64_t seq;
    int64_t filled, remaining, cancelled_quantity; /* cancelled_quantity: by this operation */
    ck_int128_t notional;
    uint64_t trade_count;  /* trades of this order so far */
} ck_ob_report_t;

/* ---- Engine ----------------------------------------------------------------------------------- */

typedef struct ck_ob_engine ck_ob_engine_t;

/* The engine keeps `ctx` (for its allocations and error messages); ctx must outlive it. */
CK_API ck_status_t ck_ob_engine_create(ck_ctx_t *ctx, ck_ob_engine_t **engine);
CK_API void ck_ob_engine_destroy(ck_ob_engine_t **engine);
/* Preallocate room for `orders` live orders (resting + waiting) so that the message path does not
 * allocate until there are more. */
CK_API ck_status_t ck_ob_engine_reserve(ck_ob_engine_t *e, int64_t orders);
/* Back to a fresh engine (no orders, no symbols, counters at 0), keeping its memory. */
CK_API void ck_ob_engine_reset(ck_ob_engine_t *e);

/* Create or reconfigure a symbol. Existing orders stay; new limits apply to later messages. */
CK_API ck_status_t ck_ob_configure_symbol(ck_ob_engine_t *e, const ck_ob_symbol_config_t *cfg);
/* CK_E_NOT_FOUND (no message) for an unknown symbol. */
CK_API ck_status_t ck_ob_symbol_config(const ck_ob_engine_t *e, uint32_t symbol_id, ck_ob_symbol_config_t *cfg);
/* Known symbol ids, ascending, into ids[0..cap); returns the total count. */
CK_API size_t ck_ob_symbols(const ck_ob_engine_t *e, uint32_t *ids, size_t cap);

/* Submit a new order (rules 1-8). report may be NULL. */
CK_API ck_status_t ck_ob_submit(ck_ob_engine_t *e, const ck_ob_order_t *order, const ck_ob_sink_t *sink,
                                ck_ob_report_t *report);
/* Cancel a resting or waiting order (rule 9); unknown/finished id: rejected unknown_order. */
CK_API ck_status_t ck_ob_cancel(ck_ob_engine_t *e, uint64_t order_id, const ck_ob_sink_t *sink,
                                ck_ob_report_t *report);
/* Cancel/replace (rule 10). */
CK_API ck_status_t ck_ob_replace(ck_ob_engine_t *e, const ck_ob_replace_t *r, const ck_ob_sink_t *sink,
                                 ck_ob_report_t *report);
/* Expire the DAY orders of one symbol (all_symbols false) or of every symbol (rule 11). */
CK_API ck_status_t ck_ob_end_session(ck_ob_engine_t *e, bool all_symbols, uint32_t symbol_id,
                                     const ck_ob_sink_t *sink, int64_t *expired_count);

/* The state of a live order: CK_E_NOT_FOUND (no message) when no live order has this id. */
CK_API ck_status_t ck_ob_order_state(const ck_ob_engine_t *e, uint64_t order_id, ck_ob_order_state_t *state);

/* ---- Snapshots (read from the live book) ------------------------------------------------------ */

typedef struct ck_ob_level {
    int64_t price;
    int64_t quantity; /* sum of remaining */
    int64_t order_count;
} ck_ob_level_t;

typedef struct ck_ob_l3_order {
    uint64_t order_id;
    int64_t price;
    int64_t remaining;
    uint64_t seq;
    uint64_t trader_id;
} ck_ob_l3_order_t;

typedef struct ck_ob_book_info {
    bool known;                 /* the symbol exists */
    bool has_bid, has_ask, has_last;
    int64_t best_bid, best_ask; /* valid when has_bid / has_ask */
    int64_t spread;             /* best_ask - best_bid, both present */
    double mid;                 /* (best_bid + best_ask) / 2, both present */
    int64_t last_trade_price;   /* valid when has_last */
    int64_t volume;             /* lots traded */
    uint64_t trade_count;
    int64_t bid_levels, ask_levels, bid_orders, ask_orders; /* whole book */
    int64_t waiting_stops;
} ck_ob_book_info_t;

/* L2: up to `depth` levels per side, best first (depth <= 0: every level), into bids/asks (room
 * for bid_cap / ask_cap levels); *n_bids / *n_asks = levels written. info may be NULL. An unknown
 * symbol gives an empty book (info->known false). */
CK_API ck_status_t ck_ob_l2(const ck_ob_engine_t *e, uint32_t symbol_id, int64_t depth, ck_ob_level_t *bids,
                            size_t bid_cap, size_t *n_bids, ck_ob_level_t *asks, size_t ask_cap, size_t *n_asks,
                            ck_ob_book_info_t *info);
/* L3: every resting order of the first `depth` levels per side (depth <= 0: all), in priority
 * order, into bids/asks; *n_bids / *n_asks = orders written (at most the caps). */
CK_API ck_status_t ck_ob_l3(const ck_ob_engine_t *e, uint32_t symbol_id, int64_t depth, ck_ob_l3_order_t *bids,
                            size_t bid_cap, size_t *n_bids, ck_ob_l3_order_t *asks, size_t ask_cap, size_t *n_asks,
                            ck_ob_book_info_t *info);

/* The waiting (untriggered) stop and stop_limit orders of a symbol, in trigger order (ascending
 * seq), into out[0..cap); *n = orders written. */
typedef struct ck_ob_stop_order {
    uint64_t order_id;
    ck_ob_side_t side;
    ck_ob_type_t type;
    int64_t stop_price;
    int64_t price; /* stop_limit: its limit price; 0 for stop */
    int64_t remaining;
    uint64_t seq;
    uint64_t trader_id;
} ck_ob_stop_order_t;
CK_API ck_status_t ck_ob_stops(const ck_ob_engine_t *e, uint32_t symbol_id, ck_ob_stop_order_t *out, size_t cap,
                               size_t *n);

typedef struct ck_ob_stats {
    uint64_t messages;     /* submit, cancel, replace and end_session calls */
    uint64_t accepted, rejected;
    uint64_t trades;
    int64_t volume;        /* lots */
    uint64_t last_seq;     /* last sequence number given */
    int64_t live_orders;   /* resting + waiting */
    int64_t resting_orders, waiting_stops;
    int64_t symbols;
} ck_ob_stats_t;
CK_API void ck_ob_stats(const ck_ob_engine_t *e, ck_ob_stats_t *stats);

/* Decimal text of a 128-bit integer into buf (room for 41 bytes always suffices). */
CK_API size_t ck_ob_int128_format(char *buf, size_t cap, ck_int128_t v);

#ifdef __cplusplus
}
#endif
#endif
