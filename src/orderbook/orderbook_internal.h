/* orderbook/matching internals shared by the engine, the JSON binder, the ring actor and tests. */
#ifndef CKERNELS_ORDERBOOK_INTERNAL_H
#define CKERNELS_ORDERBOOK_INTERNAL_H

#include <jansson.h>

#include "ckernels/actor.h"
#include "ckernels/orderbook.h"
#include "internal.h"

#define OBI_NIL UINT32_MAX

/* ---- open-addressing map uint64 -> uint32 (linear probing, backward-shift deletion) ---------- */
typedef struct obi_slot {
    uint64_t key;
    uint32_t val; /* OBI_NIL = empty */
} obi_slot_t;

typedef struct obi_map {
    obi_slot_t *slots;
    uint32_t cap;   /* power of two, 0 when unallocated */
    uint32_t shift; /* 64 - log2(cap) */
    uint32_t n;
} obi_map_t;

static inline uint32_t obi_map_home(const obi_map_t *m, uint64_t key)
{
    return (uint32_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> m->shift);
}

static inline uint32_t obi_map_get(const obi_map_t *m, uint64_t key)
{
    if (!m->cap) return OBI_NIL;
    const uint32_t mask = m->cap - 1;
    for (uint32_t i = obi_map_home(m, key);; i = (i + 1) & mask) {
        const obi_slot_t *s = &m->slots[i];
        if (s->val == OBI_NIL) return OBI_NIL;
        if (s->key == key) return s->val;
    }
}

/* Room for `n` keys at load <= 1/2. */
ck_status_t cki_ob_map_reserve(ck_ctx_t *ctx, obi_map_t *m, uint32_t n);
/* Insert (the key must be absent and room reserved). */
void cki_ob_map_put(obi_map_t *m, uint64_t key, uint32_t val);
/* Remove a key if present. */
void cki_ob_map_del(obi_map_t *m, uint64_t key);
void cki_ob_map_clear(obi_map_t *m);
void cki_ob_map_free(ck_ctx_t *ctx, obi_map_t *m);

/* ---- engine structures ------------------------------------------------------------------------ */

enum { OBI_FREE = 0, OBI_INCOMING = 1, OBI_RESTING = 2, OBI_WAITING = 3 };

typedef struct obi_node {
    /* hot: matching */
    uint64_t order_id;
    uint64_t seq;
    int64_t price;
    int64_t remaining;
    uint32_t prev, next; /* FIFO of its level, or its symbol's stop list; next = free list */
    uint32_t level;      /* level index when resting */
    uint32_t sym;        /* symbol index */
    uint64_t stp_group;
    uint8_t side, type, tif, stp, where, status;
    bool post_only, triggered;
    /* cold */
    uint64_t trader_id;
    int64_t stop_price, quantity, filled, cancelled, expired, timestamp;
    ck_int128_t notional;
    uint64_t trade_count;
} obi_node_t;

typedef struct obi_level {
    int64_t price;
    uint32_t head, tail; /* next = free list when unused */
    uint32_t count;
    uint32_t pos; /* its slot in its side's ladder */
} obi_level_t;

/* One side's price ladder: slots sorted by key ascending (strictly), best at the end (key = price
 * for bids, -price for asks). A slot whose level emptied becomes a gap (levels[i] = OBI_NIL,
 * keys[i] kept) instead of shifting the array: a later level at that key revives it, a new key
 * next to it takes it, and an insert shifts slots only up to the nearest gap. The top slot
 * (n - 1) is never a gap, so the best level stays levels[n - 1]. */
typedef struct obi_ladder {
    int64_t *keys;
    uint32_t *levels;
    uint32_t n, cap; /* n: slots in use, gaps included */
    uint32_t live;   /* levels (slots that are not gaps) */
} obi_ladder_t;

typedef struct obi_symbol {
    ck_ob_symbol_config_t cfg;
    obi_ladder_t ladder[2];
    int64_t live_side[2];        /* live orders (resting + waiting) per side: bounds the ladder */
    int64_t resting_side[2];
    uint32_t stop_head, stop_tail; /* waiting stops in trigger-seq order */
    int64_t n_stops;
    bool has_last;
    int64_t last_price;
    int64_t volume;
    uint64_t trade_count;
    bool window;                 /* prints since the last stop evaluation */
    int64_t window_hi, window_lo;
} obi_symbol_t;

struct ck_ob_engine {
    ck_ctx_t *ctx;
    obi_node_t *nodes;
    uint32_t node_cap, node_free;
    obi_level_t *levels;
    uint32_t level_cap, level_free;
    obi_map_t ids;  /* order_id -> node */
    obi_map_t syms; /* symbol_id -> symbol index */
    obi_symbol_t *sym;
    uint32_t n_sym, sym_cap;
    uint32_t *trig; /* cascade scratch, room for every waiting stop */
    uint32_t trig_cap;
    uint32_t rest_hint; /* a ladder slot near where the next rest() lands, or OBI_NIL */
    int64_t live, resting, waiting;
    uint64_t seq, trade_id;
    ck_ob_stats_t st;
};

/* The context the engine allocates through and reports errors on from now on (the ring actor
 * switches it to the handler's ctx for each message; both share one allocator). */
void cki_ob_engine_use_ctx(ck_ob_engine_t *e, ck_ctx_t *ctx);

/* ---- JSON forms shared by the batch binder and the ring actor (orderbook_json.c) ------------ */

/* An order object (the spec's `order` table; unknown fields rejected); errors name field.x. */
ck_status_t cki_ob_order_from_json(ck_ctx_t *ctx, const json_t *v, const char *field, ck_ob_order_t *o);
json_t *cki_ob_order_to_json(const ck_ob_order_t *o);
/* A symbol config object. */
ck_status_t cki_ob_symbol_from_json(ck_ctx_t *ctx, const json_t *v, const char *field, ck_ob_symbol_config_t *c);
json_t *cki_ob_symbol_to_json(const ck_ob_symbol_config_t *c);
/* Configure every symbol of a `symbols` array (duplicates rejected). */
ck_status_t cki_ob_symbols_from_json(ck_ctx_t *ctx, ck_ob_engine_t *e, const json_t *arr, const char *field);
/* Integer readers: a JSON integer in range, error naming field otherwise. */
ck_status_t cki_ob_json_u64(ck_ctx_t *ctx, const json_t *v, const char *field, uint64_t *out);
ck_status_t cki_ob_json_i64(ck_ctx_t *ctx, const json_t *v, const char *field, int64_t *out);
ck_status_t cki_ob_json_u32(ck_ctx_t *ctx, const json_t *v, const char *field, uint32_t *out);
/* A decimal string for an int128 (NULL on allocation failure). */
json_t *cki_ob_int128_new(ck_int128_t v);
/* notional / filled, or JSON null when filled == 0. */
json_t *cki_ob_avg_price_new(ck_int128_t notional, int64_t filled);
/* An event as the batch output's object (with msg_index). */
json_t *cki_ob_event_to_json(const ck_ob_event_t *ev, int64_t msg_index);
/* Book objects: L2 {symbol_id, bids, asks, best_bid, ...}; L3 the same with orders. */
ck_status_t cki_ob_l2_json(ck_ctx_t *ctx, const ck_ob_engine_t *e, uint32_t symbol_id, int64_t depth, json_t **out);
ck_status_t cki_ob_l3_json(ck_ctx_t *ctx, const ck_ob_engine_t *e, uint32_t symbol_id, int64_t depth, json_t **out);
json_t *cki_ob_state_to_json(const ck_ob_order_state_t *s);

/* The batch kernel table (register.c). */
extern const ck_kernel_t cki_orderbook_kernels[];
extern const size_t cki_orderbook_kernel_count;
/* Its example input: the spec's worked scenario. */
extern const char cki_orderbook_scenario_input[];

/* The ring actor class (orderbook_actor.c). */
extern const ck_actor_class_t cki_orderbook_actor_class;

#endif
