/* orderbook/matching: the engine (typed API). Price-time priority per symbol; see
 * spec/orderbook.md for the rules and docs/kernels/orderbook.md for the event conventions.
 *
 * Layout: orders live in one node pool (indices, free list, grows by doubling); the order_id map
 * is open addressing; each symbol has per side a ladder of levels sorted by key (price for bids,
 * -price for asks) with the best at the end, each level an intrusive FIFO of nodes. An emptied
 * level leaves a gap in its ladder (O(1), no shifting; see obi_ladder_t) and a new level takes
 * the nearest gap; a replace searches for its new level outward from its old slot. All capacity
 * an order may ever need (its node, a level, a ladder slot on its side, a cascade slot when it is
 * a stop) is reserved when it is accepted, so matching, cascades, cancels, replaces and session
 * ends never allocate and never fail half-way. */
#include <string.h>

#include "orderbook_internal.h"

typedef ck_ob_engine_t E;

/* ---------------------------------------------------------------- names */

static const char *const side_names[] = {"buy", "sell"};
static const char *const type_names[] = {"limit", "market", "stop", "stop_limit"};
static const char *const tif_names[] = {"default", "gtc", "day", "ioc", "fok"};
static const char *const stp_names[] = {"default", "cancel_newest", "cancel_oldest", "cancel_both", "decrement", "none"};
static const char *const status_names[] = {"new", "partially_filled", "filled", "cancelled", "expired", "rejected"};
static const char *const reject_names[] = {"none",
                                           "invalid_quantity",
                                           "invalid_price",
                                           "duplicate_order_id",
                                           "invalid_tif",
                                           "invalid_post_only",
                                           "stop_through_market",
                                           "unknown_order",
                                           "post_only_would_cross"};
static const char *const cancel_names[] = {"user",        "self_trade_prevention", "fok_unfillable",
                                           "no_liquidity", "ioc_remainder",         "replace_to_filled"};
static const char *const action_names[] = {"cancel", "decrement"};
static const char *const event_names[] = {"accepted", "rejected", "trade",   "stp", "triggered",
                                          "replaced", "cancelled", "expired", "done"};

#define NAME_(arr, v) ((unsigned)(v) < sizeof(arr) / sizeof(arr[0]) ? arr[(unsigned)(v)] : "?")

const char *ck_ob_side_name(ck_ob_side_t v) { return NAME_(side_names, v); }
const char *ck_ob_type_name(ck_ob_type_t v) { return NAME_(type_names, v); }
const char *ck_ob_tif_name(ck_ob_tif_t v) { return NAME_(tif_names, v); }
const char *ck_ob_stp_policy_name(ck_ob_stp_policy_t v) { return NAME_(stp_names, v); }
const char *ck_ob_status_name(ck_ob_status_t v) { return NAME_(status_names, v); }
const char *ck_ob_reject_name(ck_ob_reject_t v) { return NAME_(reject_names, v); }
const char *ck_ob_cancel_reason_name(ck_ob_cancel_reason_t v) { return NAME_(cancel_names, v); }
const char *ck_ob_stp_action_name(ck_ob_stp_action_t v) { return NAME_(action_names, v); }
const char *ck_ob_event_type_name(ck_ob_event_type_t v) { return NAME_(event_names, v); }

static ck_status_t parse_name(const char *const *names, int first, int n, const char *name, int *out)
{
    if (!name) return CK_E_NOT_FOUND;
    for (int i = first; i < n; i++)
        if (!strcmp(names[i], name)) {
            *out = i;
            return CK_OK;
        }
    return CK_E_NOT_FOUND;
}
#define PARSE_(arr, first, name, out)                                               \
    do {                                                                            \
        int v_ = 0;                                                                 \
        if (!(out)) return CK_E_INVALID_INPUT;                                      \
        ck_status_t s_ = parse_name(arr, first, (int)(sizeof arr / sizeof arr[0]), name, &v_); \
        if (s_ == CK_OK) *(out) = v_;                                               \
        return s_;                                                                  \
    } while (0)

ck_status_t ck_ob_side_parse(const char *name, ck_ob_side_t *v) { PARSE_(side_names, 0, name, v); }
ck_status_t ck_ob_type_parse(const char *name, ck_ob_type_t *v) { PARSE_(type_names, 0, name, v); }
ck_status_t ck_ob_tif_parse(const char *name, ck_ob_tif_t *v) { PARSE_(tif_names, 1, name, v); }
ck_status_t ck_ob_stp_policy_parse(const char *name, ck_ob_stp_policy_t *v) { PARSE_(stp_names, 1, name, v); }

size_t ck_ob_int128_format(char *buf, size_t cap, ck_int128_t v)
{
    char tmp[48];
    size_t n = 0;
    const bool neg = v < 0;
    ck_uint128_t u = neg ? (ck_uint128_t)0 - (ck_uint128_t)v : (ck_uint128_t)v;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (neg) tmp[n++] = '-';
    size_t w = 0;
    if (cap == 0) return n;
    while (n && w + 1 < cap) buf[w++] = tmp[--n];
    buf[w] = '\0';
    return w;
}

/* ---------------------------------------------------------------- config and orders */

void ck_ob_symbol_config_init(ck_ob_symbol_config_t *c, uint32_t symbol_id)
{
    if (!c) return;
    memset(c, 0, sizeof *c);
    c->symbol_id = symbol_id;
    c->tick_size.raw = CK_FIXED128_ONE_RAW / 100;
    c->lot_size.raw = CK_FIXED128_ONE_RAW;
    c->min_qty = 1;
    c->max_qty = 1000000000;
    c->min_price = 1;
    c->max_price = INT64_C(9007199254740991);
    c->stp_default = CK_OB_STP_CANCEL_NEWEST;
    c->reject_stop_through = true;
}

void ck_ob_order_init(ck_ob_order_t *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->side = CK_OB_BUY;
    o->type = CK_OB_LIMIT;
    o->tif = CK_OB_TIF_DEFAULT;
    o->stp_policy = CK_OB_STP_DEFAULT;
}

/* ---------------------------------------------------------------- id map */

ck_status_t cki_ob_map_reserve(ck_ctx_t *ctx, obi_map_t *m, uint32_t n)
{
    if (n <= m->cap / 2) return CK_OK;
    uint32_t cap = m->cap ? m->cap : 64;
    while (n > cap / 2) {
        if (cap >= (UINT32_C(1) << 31)) return cki_nomem(ctx);
        cap *= 2;
    }
    obi_slot_t *slots = cki_mallocarray(ctx, cap, sizeof *slots);
    if (!slots) return cki_nomem(ctx);
    for (uint32_t i = 0; i < cap; i++) slots[i].val = OBI_NIL;
    obi_map_t nm = {slots, cap, 64 - (uint32_t)__builtin_ctz(cap), 0};
    for (uint32_t i = 0; i < m->cap; i++)
        if (m->slots[i].val != OBI_NIL) cki_ob_map_put(&nm, m->slots[i].key, m->slots[i].val);
    cki_free(ctx, m->slots);
    *m = nm;
    return CK_OK;
}

void cki_ob_map_put(obi_map_t *m, uint64_t key, uint32_t val)
{
    const uint32_t mask = m->cap - 1;
    uint32_t i = obi_map_home(m, key);
    while (m->slots[i].val != OBI_NIL) i = (i + 1) & mask;
    m->slots[i].key = key;
    m->slots[i].val = val;
    m->n++;
}

void cki_ob_map_del(obi_map_t *m, uint64_t key)
{
    if (!m->cap) return;
    const uint32_t mask = m->cap - 1;
    uint32_t i = obi_map_home(m, key);
    for (;; i = (i + 1) & mask) {
        if (m->slots[i].val == OBI_NIL) return;
        if (m->slots[i].key == key) break;
    }
    /* Backward-shift deletion: move later members of the probe run into the hole. */
    uint32_t hole = i;
    for (uint32_t j = (i + 1) & mask; m->slots[j].val != OBI_NIL; j = (j + 1) & mask) {
        const uint32_t home = obi_map_home(m, m->slots[j].key);
        /* j may move to hole when home is not cyclically in (hole, j]. */
        const bool in_range = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!in_range) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
    }
    m->slots[hole].val = OBI_NIL;
    m->n--;
}

void cki_ob_map_clear(obi_map_t *m)
{
    for (uint32_t i = 0; i < m->cap; i++) m->slots[i].val = OBI_NIL;
    m->n = 0;
}

void cki_ob_map_free(ck_ctx_t *ctx, obi_map_t *m)
{
    cki_free(ctx, m->slots);
    memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------------- pools and capacity */

static ck_status_t grow_nodes(E *e, uint32_t want)
{
    if (want <= e->node_cap) return CK_OK;
    uint32_t cap = e->node_cap ? e->node_cap : 64;
    while (cap < want) {
        if (cap >= (UINT32_C(1) << 30)) return cki_nomem(e->ctx);
        cap *= 2;
    }
    obi_node_t *nodes = cki_realloc(e->ctx, e->nodes, (size_t)cap * sizeof *nodes);
    if (!nodes) return cki_nomem(e->ctx);
    e->nodes = nodes;
    obi_level_t *levels = cki_realloc(e->ctx, e->levels, (size_t)cap * sizeof *levels);
    if (!levels) return cki_nomem(e->ctx); /* nodes grew; harmless, capacity just not yet usable */
    e->levels = levels;
    /* Chain the new slots in front of the free lists, lowest index first. */
    for (uint32_t i = cap; i-- > e->node_cap;) {
        nodes[i].where = OBI_FREE;
        nodes[i].next = e->node_free;
        e->node_free = i;
    }
    for (uint32_t i = cap; i-- > e->level_cap;) {
        levels[i].head = e->level_free;
        e->level_free = i;
    }
    e->node_cap = e->level_cap = cap;
    return CK_OK;
}

static ck_status_t grow_ladder(ck_ctx_t *ctx, obi_ladder_t *l, int64_t want)
{
    if (want <= (int64_t)l->cap) return CK_OK;
    /* Twice the levels the side may hold, so the ladder keeps gaps near most inserts. */
    want *= 2;
    uint32_t cap = l->cap ? l->cap : 16;
    while ((int64_t)cap < want) cap *= 2;
    int64_t *keys = cki_realloc(ctx, l->keys, (size_t)cap * sizeof *keys);
    if (!keys) return cki_nomem(ctx);
    l->keys = keys;
    uint32_t *levels = cki_realloc(ctx, l->levels, (size_t)cap * sizeof *levels);
    if (!levels) return cki_nomem(ctx);
    l->levels = levels;
    l->cap = cap;
    return CK_OK;
}

/* Room for one more live order on side `side` of symbol s (a stop when is_stop). */
static ck_status_t reserve_one(E *e, obi_symbol_t *s, int side, bool is_stop)
{
    ck_status_t status;
    if (e->node_free == OBI_NIL || e->live + 1 > (int64_t)e->node_cap) {
        status = grow_nodes(e, e->node_cap + 1);
        if (CK_IS_ERROR(status)) return status;
    }
    status = cki_ob_map_reserve(e->ctx, &e->ids, (uint32_t)e->live + 1);
    if (CK_IS_ERROR(status)) return status;
    status = grow_ladder(e->ctx, &s->ladder[side], s->live_side[side] + 1);
    if (CK_IS_ERROR(status)) return status;
    if (is_stop && (int64_t)e->trig_cap < e->waiting + 1) {
        uint32_t cap = e->trig_cap ? e->trig_cap * 2 : 16;
        uint32_t *t = cki_realloc(e->ctx, e->trig, (size_t)cap * sizeof *t);
        if (!t) return cki_nomem(e->ctx);
        e->trig = t;
        e->trig_cap = cap;
    }
    return CK_OK;
}

ck_status_t ck_ob_engine_reserve(ck_ob_engine_t *e, int64_t orders)
{
    if (!e) return CK_E_INVALID_INPUT;
    if (orders < 0 || orders > (INT64_C(1) << 30)) return cki_invalid(e->ctx, "orders", "out of range 0..2^30");
    ck_status_t status = grow_nodes(e, (uint32_t)orders);
    if (CK_IS_ERROR(status)) return status;
    return cki_ob_map_reserve(e->ctx, &e->ids, (uint32_t)orders);
}

/* ---------------------------------------------------------------- engine lifecycle */

ck_status_t ck_ob_engine_create(ck_ctx_t *ctx, ck_ob_engine_t **engine)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!engine) return cki_invalid(ctx, "engine", "must not be NULL");
    *engine = NULL;
    E *e = cki_calloc(ctx, 1, sizeof *e);
    if (!e) return cki_nomem(ctx);
    e->ctx = ctx;
    e->node_free = e->level_free = OBI_NIL;
    e->rest_hint = OBI_NIL;
    *engine = e;
    return CK_OK;
}

static void free_symbol(ck_ctx_t *ctx, obi_symbol_t *s)
{
    for (int k = 0; k < 2; k++) {
        cki_free(ctx, s->ladder[k].keys);
        cki_free(ctx, s->ladder[k].levels);
    }
}

void cki_ob_engine_use_ctx(ck_ob_engine_t *e, ck_ctx_t *ctx)
{
    if (e && ctx) e->ctx = ctx;
}

void ck_ob_engine_destroy(ck_ob_engine_t **engine)
{
    if (!engine || !*engine) return;
    E *e = *engine;
    ck_ctx_t *ctx = e->ctx;
    for (uint32_t i = 0; i < e->n_sym; i++) free_symbol(ctx, &e->sym[i]);
    cki_free(ctx, e->sym);
    cki_free(ctx, e->nodes);
    cki_free(ctx, e->levels);
    cki_free(ctx, e->trig);
    cki_ob_map_free(ctx, &e->ids);
    cki_ob_map_free(ctx, &e->syms);
    cki_free(ctx, e);
    *engine = NULL;
}

void ck_ob_engine_reset(ck_ob_engine_t *e)
{
    if (!e) return;
    for (uint32_t i = 0; i < e->n_sym; i++) free_symbol(e->ctx, &e->sym[i]);
    e->n_sym = 0;
    cki_ob_map_clear(&e->ids);
    cki_ob_map_clear(&e->syms);
    e->node_free = e->level_free = OBI_NIL;
    for (uint32_t i = e->node_cap; i-- > 0;) {
        e->nodes[i].where = OBI_FREE;
        e->nodes[i].next = e->node_free;
        e->node_free = i;
    }
    for (uint32_t i = e->level_cap; i-- > 0;) {
        e->levels[i].head = e->level_free;
        e->level_free = i;
    }
    e->live = e->resting = e->waiting = 0;
    e->seq = e->trade_id = 0;
    memset(&e->st, 0, sizeof e->st);
}

/* ---------------------------------------------------------------- symbols */

static obi_symbol_t *find_symbol(const E *e, uint32_t symbol_id)
{
    const uint32_t i = obi_map_get(&e->syms, symbol_id);
    return i == OBI_NIL ? NULL : &e->sym[i];
}

static ck_status_t get_symbol(E *e, uint32_t symbol_id, obi_symbol_t **out)
{
    obi_symbol_t *s = find_symbol(e, symbol_id);
    if (s) {
        *out = s;
        return CK_OK;
    }
    ck_status_t status = cki_ob_map_reserve(e->ctx, &e->syms, e->n_sym + 1);
    if (CK_IS_ERROR(status)) return status;
    if (e->n_sym == e->sym_cap) {
        const uint32_t cap = e->sym_cap ? e->sym_cap * 2 : 8;
        obi_symbol_t *a = cki_realloc(e->ctx, e->sym, (size_t)cap * sizeof *a);
        if (!a) return cki_nomem(e->ctx);
        e->sym = a;
        e->sym_cap = cap;
    }
    s = &e->sym[e->n_sym];
    memset(s, 0, sizeof *s);
    ck_ob_symbol_config_init(&s->cfg, symbol_id);
    s->stop_head = s->stop_tail = OBI_NIL;
    cki_ob_map_put(&e->syms, symbol_id, e->n_sym);
    e->n_sym++;
    *out = s;
    return CK_OK;
}

static ck_status_t check_config(ck_ctx_t *ctx, const ck_ob_symbol_config_t *c)
{
    if (c->tick_size.raw <= 0) return cki_invalid(ctx, "tick_size", "must be > 0");
    if (c->lot_size.raw <= 0) return cki_invalid(ctx, "lot_size", "must be > 0");
    if (c->min_qty < 1) return cki_invalid(ctx, "min_qty", "must be >= 1");
    if (c->max_qty < c->min_qty) return cki_invalid(ctx, "max_qty", "must be >= min_qty");
    if (c->min_price < 1) return cki_invalid(ctx, "min_price", "must be >= 1");
    if (c->max_price < c->min_price) return cki_invalid(ctx, "max_price", "must be >= min_price");
    if (c->stp_default < CK_OB_STP_CANCEL_NEWEST || c->stp_default > CK_OB_STP_NONE)
        return cki_invalid(ctx, "stp_default", "not a policy");
    return CK_OK;
}

ck_status_t ck_ob_configure_symbol(ck_ob_engine_t *e, const ck_ob_symbol_config_t *cfg)
{
    if (!e) return CK_E_INVALID_INPUT;
    if (!cfg) return cki_invalid(e->ctx, "config", "must not be NULL");
    ck_status_t status = check_config(e->ctx, cfg);
    if (CK_IS_ERROR(status)) return status;
    obi_symbol_t *s;
    status = get_symbol(e, cfg->symbol_id, &s);
    if (CK_IS_ERROR(status)) return status;
    s->cfg = *cfg;
    return CK_OK;
}

ck_status_t ck_ob_symbol_config(const ck_ob_engine_t *e, uint32_t symbol_id, ck_ob_symbol_config_t *cfg)
{
    if (!e || !cfg) return CK_E_INVALID_INPUT;
    const obi_symbol_t *s = find_symbol(e, symbol_id);
    if (!s) return CK_E_NOT_FOUND;
    *cfg = s->cfg;
    return CK_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

size_t ck_ob_symbols(const ck_ob_engine_t *e, uint32_t *ids, size_t cap)
{
    if (!e) return 0;
    const size_t n = e->n_sym < cap ? e->n_sym : cap;
    if (!ids || !n) return e->n_sym;
    if (n == e->n_sym) {
        for (size_t i = 0; i < n; i++) ids[i] = e->sym[i].cfg.symbol_id;
        qsort(ids, n, sizeof *ids, cmp_u32);
        return e->n_sym;
    }
    /* Partial: the n smallest ids (selection by repeated minimum above the previous one). */
    uint32_t prev = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t best = UINT32_MAX;
        for (uint32_t i = 0; i < e->n_sym; i++) {
            const uint32_t id = e->sym[i].cfg.symbol_id;
            if ((k == 0 || id > prev) && id <= best) best = id;
        }
        ids[k] = prev = best;
    }
    return e->n_sym;
}

/* ---------------------------------------------------------------- events */

static inline void emit(const ck_ob_sink_t *sink, const ck_ob_event_t *ev)
{
    if (sink && sink->fn) sink->fn(sink->user, ev);
}

static void state_of(const E *e, const obi_node_t *n, ck_ob_order_state_t *st)
{
    st->order_id = n->order_id;
    st->symbol_id = e->sym[n->sym].cfg.symbol_id;
    st->side = (ck_ob_side_t)n->side;
    st->type = (ck_ob_type_t)n->type;
    st->tif = (ck_ob_tif_t)n->tif;
    st->status = (ck_ob_status_t)n->status;
    st->resting = n->where == OBI_RESTING;
    st->waiting = n->where == OBI_WAITING;
    st->seq = n->seq;
    st->trader_id = n->trader_id;
    st->price = n->price;
    st->stop_price = n->stop_price;
    st->quantity = n->quantity;
    st->filled = n->filled;
    st->remaining = n->remaining;
    st->cancelled = n->cancelled;
    st->expired = n->expired;
    st->notional = n->notional;
    st->trade_count = n->trade_count;
    st->timestamp = n->timestamp;
}

static void emit_simple(const ck_ob_sink_t *sink, ck_ob_event_type_t type, uint64_t order_id, uint64_t seq,
                        int64_t quantity)
{
    if (!sink || !sink->fn) return;
    ck_ob_event_t ev = {.type = type, .order_id = order_id, .seq = seq, .quantity = quantity};
    sink->fn(sink->user, &ev);
}

static void emit_cancelled(const ck_ob_sink_t *sink, uint64_t order_id, int64_t q, ck_ob_cancel_reason_t why)
{
    if (!sink || !sink->fn) return;
    ck_ob_event_t ev = {.type = CK_OB_EV_CANCELLED, .order_id = order_id, .quantity = q, .cancel_reason = why};
    sink->fn(sink->user, &ev);
}

static void emit_stp(const ck_ob_sink_t *sink, uint64_t order_id, ck_ob_stp_action_t a, int64_t q)
{
    if (!sink || !sink->fn) return;
    ck_ob_event_t ev = {.type = CK_OB_EV_STP, .order_id = order_id, .quantity = q, .stp_action = a};
    sink->fn(sink->user, &ev);
}

static void emit_reject(const ck_ob_sink_t *sink, uint64_t order_id, ck_ob_reject_t why)
{
    if (!sink || !sink->fn) return;
    ck_ob_event_t ev = {.type = CK_OB_EV_REJECTED, .order_id = order_id, .reject = why};
    sink->fn(sink->user, &ev);
}

static void emit_done(const E *e, const ck_ob_sink_t *sink, const obi_node_t *n)
{
    if (!sink || !sink->fn) return;
    ck_ob_order_state_t st;
    state_of(e, n, &st);
    ck_ob_event_t ev = {.type = CK_OB_EV_DONE, .order_id = n->order_id, .seq = n->seq, .state = &st};
    sink->fn(sink->user, &ev);
}

/* ---------------------------------------------------------------- book primitives */

static inline int64_t key_of(int side, int64_t price) { return side == CK_OB_BUY ? price : -price; }

/* First slot with keys[pos] >= key (gaps included: their keys keep the order). Branch-free. */
static inline uint32_t lower_bound(const obi_ladder_t *l, int64_t key)
{
    uint32_t len = l->n;
    const int64_t *k = l->keys;
    if (!len || k[len - 1] < key) return len; /* a new best: common */
    const int64_t *base = k;
    while (len > 1) {
        const uint32_t half = len / 2;
        base += (size_t)(base[half - 1] < key) * half;
        len -= half;
    }
    return (uint32_t)(base - k) + (*base < key);
}

/* The same, galloping out from slot h (any value: a hint near the answer makes it short). */
static inline uint32_t lower_bound_from(const obi_ladder_t *l, int64_t key, uint32_t h)
{
    const uint32_t n = l->n;
    const int64_t *k = l->keys;
    if (!n || k[n - 1] < key) return n;
    if (h >= n) h = n - 1;
    uint32_t lo, hi; /* the answer lies in [lo, hi] and keys[hi] >= key */
    if (k[h] < key) {
        lo = h + 1;
        for (uint32_t step = 1;; step *= 2) {
            const uint32_t probe = lo + step - 1;
            if (probe >= n - 1) {
                hi = n - 1;
                break;
            }
            if (k[probe] >= key) {
                hi = probe;
                break;
            }
            lo = probe + 1;
        }
    } else {
        hi = h;
        for (uint32_t step = 1;; step *= 2) {
            if (hi < step) {
                lo = 0;
                break;
            }
            const uint32_t probe = hi - step;
            if (k[probe] < key) {
                lo = probe + 1;
                break;
            }
            hi = probe;
        }
    }
    while (lo < hi) {
        const uint32_t mid = lo + (hi - lo) / 2;
        if (k[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Put level li with `key` (no live level has it) into the ladder; pos = lower_bound(l, key).
 * Takes a gap with that key, or the gap just below pos, or the free slot at the end; otherwise
 * shifts the slots between pos and the nearest gap (or the end) by one. A free slot always
 * exists: the capacity covers every live order on the side, so n == cap implies a gap. */
static void ladder_put(E *e, obi_ladder_t *l, uint32_t pos, int64_t key, uint32_t li)
{
    int64_t *k = l->keys;
    uint32_t *v = l->levels;
    const uint32_t n = l->n;
    uint32_t at;
    l->live++;
    if (pos < n && k[pos] == key) {
        at = pos; /* a gap left by this price */
    } else if (pos > 0 && v[pos - 1] == OBI_NIL) {
        at = pos - 1; /* keys[pos - 2] < keys[pos - 1] < key < keys[pos] */
    } else if (pos == n && n < l->cap) {
        at = n;
        l->n = n + 1;
    } else {
        for (uint32_t d = 0;; d++) {
            const uint32_t r = pos + d; /* slots [pos, r) are levels */
            if (r < n ? v[r] == OBI_NIL : (r == n && n < l->cap)) {
                if (r == n) l->n = n + 1;
                for (uint32_t i = r; i > pos; i--) {
                    k[i] = k[i - 1];
                    v[i] = v[i - 1];
                    e->levels[v[i]].pos = i;
                }
                at = pos;
                break;
            }
            if (pos >= d + 2 && v[pos - 2 - d] == OBI_NIL) { /* slots (a, pos) are levels */
                const uint32_t a = pos - 2 - d;
                for (uint32_t i = a; i < pos - 1; i++) {
                    k[i] = k[i + 1];
                    v[i] = v[i + 1];
                    e->levels[v[i]].pos = i;
                }
                at = pos - 1;
                break;
            }
        }
    }
    k[at] = key;
    v[at] = li;
    e->levels[li].pos = at;
}

static void rest(E *e, obi_symbol_t *s, uint32_t ni)
{
    obi_node_t *n = &e->nodes[ni];
    obi_ladder_t *l = &s->ladder[n->side];
    const int64_t key = key_of(n->side, n->price);
    const uint32_t hint = e->rest_hint;
    e->rest_hint = OBI_NIL;
    const uint32_t pos = hint == OBI_NIL ? lower_bound(l, key) : lower_bound_from(l, key, hint);
    uint32_t li;
    if (pos < l->n && l->keys[pos] == key && l->levels[pos] != OBI_NIL) {
        li = l->levels[pos];
    } else {
        li = e->level_free;
        e->level_free = e->levels[li].head;
        obi_level_t *L = &e->levels[li];
        L->price = n->price;
        L->head = L->tail = OBI_NIL;
        L->count = 0;
        ladder_put(e, l, pos, key, li);
    }
    obi_level_t *L = &e->levels[li];
    n->prev = L->tail;
    n->next = OBI_NIL;
    if (L->tail != OBI_NIL) e->nodes[L->tail].next = ni;
    else L->head = ni;
    L->tail = ni;
    L->count++;
    n->level = li;
    n->where = OBI_RESTING;
    s->resting_side[n->side]++;
    e->resting++;
}

/* Take a resting node out of its level; drop the level when it empties. */
static void unrest(E *e, obi_symbol_t *s, uint32_t ni)
{
    obi_node_t *n = &e->nodes[ni];
    const uint32_t li = n->level;
    obi_level_t *L = &e->levels[li];
    if (n->prev != OBI_NIL) e->nodes[n->prev].next = n->next;
    else L->head = n->next;
    if (n->next != OBI_NIL) e->nodes[n->next].prev = n->prev;
    else L->tail = n->prev;
    n->where = OBI_INCOMING;
    s->resting_side[n->side]--;
    e->resting--;
    if (--L->count) return;
    obi_ladder_t *l = &s->ladder[n->side];
    const uint32_t pos = L->pos;
    l->levels[pos] = OBI_NIL; /* a gap; the key stays */
    l->live--;
    if (pos + 1 == l->n) { /* the best emptied: drop it and the gaps below it */
        uint32_t m = pos;
        while (m && l->levels[m - 1] == OBI_NIL) m--;
        l->n = m;
    }
    L->head = e->level_free;
    e->level_free = li;
}

static void stop_link(E *e, obi_symbol_t *s, uint32_t ni)
{
    obi_node_t *n = &e->nodes[ni];
    n->prev = s->stop_tail;
    n->next = OBI_NIL;
    if (s->stop_tail != OBI_NIL) e->nodes[s->stop_tail].next = ni;
    else s->stop_head = ni;
    s->stop_tail = ni;
    n->where = OBI_WAITING;
    s->n_stops++;
    e->waiting++;
}

static void stop_unlink(E *e, obi_symbol_t *s, uint32_t ni)
{
    obi_node_t *n = &e->nodes[ni];
    if (n->prev != OBI_NIL) e->nodes[n->prev].next = n->next;
    else s->stop_head = n->next;
    if (n->next != OBI_NIL) e->nodes[n->next].prev = n->prev;
    else s->stop_tail = n->prev;
    n->where = OBI_INCOMING;
    s->n_stops--;
    e->waiting--;
}

/* A finished order leaves the engine. */
static void release(E *e, obi_symbol_t *s, uint32_t ni)
{
    obi_node_t *n = &e->nodes[ni];
    cki_ob_map_del(&e->ids, n->order_id);
    s->live_side[n->side]--;
    e->live--;
    n->where = OBI_FREE;
    n->next = e->node_free;
    e->node_free = ni;
}

/* ---------------------------------------------------------------- matching */

static void trade(E *e, obi_symbol_t *s, obi_node_t *in, obi_node_t *mk, int64_t q, bool self,
                  const ck_ob_sink_t *sink)
{
    const int64_t px = mk->price;
    const ck_int128_t notional = (ck_int128_t)px * q;
    in->remaining -= q;
    in->filled += q;
    in->notional += notional;
    in->trade_count++;
    in->status = in->remaining ? CK_OB_PARTIALLY_FILLED : CK_OB_FILLED;
    mk->remaining -= q;
    mk->filled += q;
    mk->notional += notional;
    mk->trade_count++;
    mk->status = mk->remaining ? CK_OB_PARTIALLY_FILLED : CK_OB_FILLED;
    s->has_last = true;
    s->last_price = px;
    s->volume += q;
    s->trade_count++;
    if (!s->window) {
        s->window = true;
        s->window_hi = s->window_lo = px;
    } else {
        if (px > s->window_hi) s->window_hi = px;
        if (px < s->window_lo) s->window_lo = px;
    }
    e->st.trades++;
    e->st.volume += q;
    const uint64_t tid = ++e->trade_id;
    if (!sink || !sink->fn) return;
    const bool buy_in = in->side == CK_OB_BUY;
    const ck_ob_trade_t t = {
        .trade_id = tid,
        .symbol_id = s->cfg.symbol_id,
        .price = px,
        .quantity = q,
        .buy_order_id = buy_in ? in->order_id : mk->order_id,
        .sell_order_id = buy_in ? mk->order_id : in->order_id,
        .maker_order_id = mk->order_id,
        .taker_order_id = in->order_id,
        .buy_trader_id = buy_in ? in->trader_id : mk->trader_id,
        .sell_trader_id = buy_in ? mk->trader_id : in->trader_id,
        .aggressor = (ck_ob_side_t)in->side,
        .self_trade = self,
    };
    ck_ob_event_t ev = {.type = CK_OB_EV_TRADE, .order_id = in->order_id, .quantity = q, .trade = &t};
    sink->fn(sink->user, &ev);
}

/* Remove a resting order that STP cancels or a decrement emptied. */
static void finish_resting(E *e, obi_symbol_t *s, uint32_t ri, const ck_ob_sink_t *sink)
{
    unrest(e, s, ri);
    emit_done(e, sink, &e->nodes[ri]);
    release(e, s, ri);
}

static void cancel_incoming_stp(obi_node_t *in, const ck_ob_sink_t *sink)
{
    const int64_t q = in->remaining;
    emit_stp(sink, in->order_id, CK_OB_STP_ACTION_CANCEL, q);
    in->cancelled += q;
    in->remaining = 0;
    in->status = CK_OB_CANCELLED;
    emit_cancelled(sink, in->order_id, q, CK_OB_CANCEL_SELF_TRADE_PREVENTION);
}

static void cancel_resting_stp(E *e, obi_symbol_t *s, uint32_t ri, const ck_ob_sink_t *sink)
{
    obi_node_t *r = &e->nodes[ri];
    const int64_t q = r->remaining;
    emit_stp(sink, r->order_id, CK_OB_STP_ACTION_CANCEL, q);
    r->cancelled += q;
    r->remaining = 0;
    r->status = CK_OB_CANCELLED;
    emit_cancelled(sink, r->order_id, q, CK_OB_CANCEL_SELF_TRADE_PREVENTION);
    finish_resting(e, s, ri, sink);
}

static inline bool is_market_like(const obi_node_t *n) { return n->type == CK_OB_MARKET || n->type == CK_OB_STOP; }

/* FOK pre-check (rule 5): whether the resting liquidity it may take covers its quantity. */
static bool fok_fillable(const E *e, const obi_symbol_t *s, const obi_node_t *in)
{
    const obi_ladder_t *l = &s->ladder[!in->side];
    const bool any = is_market_like(in);
    int64_t need = in->remaining;
    for (uint32_t pos = l->n; pos-- > 0;) {
        if (l->levels[pos] == OBI_NIL) continue;
        const obi_level_t *L = &e->levels[l->levels[pos]];
        if (!any && (in->side == CK_OB_BUY ? L->price > in->price : L->price < in->price)) return false;
        for (uint32_t ri = L->head; ri != OBI_NIL; ri = e->nodes[ri].next) {
            const obi_node_t *r = &e->nodes[ri];
            if (r->stp_group == in->stp_group && in->stp != CK_OB_STP_NONE) {
                if (in->stp == CK_OB_STP_CANCEL_NEWEST || in->stp == CK_OB_STP_CANCEL_BOTH) return false;
                continue; /* cancel_oldest / decrement: skipped */
            }
            need -= r->remaining;
            if (need <= 0) return true;
        }
    }
    return false;
}

/* Match an incoming order against the opposite side (rules 3-4). */
static void match(E *e, obi_symbol_t *s, uint32_t ii, const ck_ob_sink_t *sink)
{
    obi_node_t *in = &e->nodes[ii];
    obi_ladder_t *l = &s->ladder[!in->side];
    const bool any = is_market_like(in);
    const bool buy = in->side == CK_OB_BUY;
    while (in->remaining > 0 && l->n > 0) {
        obi_level_t *L = &e->levels[l->levels[l->n - 1]];
        if (!any && (buy ? L->price > in->price : L->price < in->price)) return;
        const uint32_t ri = L->head;
        obi_node_t *r = &e->nodes[ri];
        bool self = false;
        if (r->stp_group == in->stp_group) {
            switch (in->stp) {
            case CK_OB_STP_NONE: self = true; break;
            case CK_OB_STP_CANCEL_OLDEST: cancel_resting_stp(e, s, ri, sink); continue;
            case CK_OB_STP_CANCEL_BOTH:
                cancel_resting_stp(e, s, ri, sink);
                cancel_incoming_stp(in, sink);
                return;
            case CK_OB_STP_DECREMENT: {
                const int64_t d = in->remaining < r->remaining ? in->remaining : r->remaining;
                r->remaining -= d;
                r->cancelled += d;
                emit_stp(sink, r->order_id, CK_OB_STP_ACTION_DECREMENT, d);
                if (!r->remaining) {
                    r->status = CK_OB_CANCELLED;
                    emit_cancelled(sink, r->order_id, 0, CK_OB_CANCEL_SELF_TRADE_PREVENTION);
                    finish_resting(e, s, ri, sink);
                }
                in->remaining -= d;
                in->cancelled += d;
                emit_stp(sink, in->order_id, CK_OB_STP_ACTION_DECREMENT, d);
                if (!in->remaining) {
                    in->status = CK_OB_CANCELLED;
                    emit_cancelled(sink, in->order_id, 0, CK_OB_CANCEL_SELF_TRADE_PREVENTION);
                    return;
                }
                continue;
            }
            default: /* cancel_newest */ cancel_incoming_stp(in, sink); return;
            }
        }
        const int64_t q = in->remaining < r->remaining ? in->remaining : r->remaining;
        trade(e, s, in, r, q, self, sink);
        if (!r->remaining) finish_resting(e, s, ri, sink);
    }
}

/* An accepted (or triggered, or re-entered) order against the book, then its remainder (rules
 * 3-7), its done event, and its release when finished. */
static void process(E *e, obi_symbol_t *s, uint32_t ii, const ck_ob_sink_t *sink)
{
    obi_node_t *in = &e->nodes[ii];
    if (in->tif == CK_OB_FOK && !fok_fillable(e, s, in)) {
        const int64_t q = in->remaining;
        in->cancelled += q;
        in->remaining = 0;
        in->status = CK_OB_CANCELLED;
        emit_cancelled(sink, in->order_id, q, CK_OB_CANCEL_FOK_UNFILLABLE);
    } else {
        match(e, s, ii, sink);
        in = &e->nodes[ii];
        if (in->remaining > 0) {
            if (is_market_like(in) || in->tif == CK_OB_IOC || in->tif == CK_OB_FOK) {
                const int64_t q = in->remaining;
                in->cancelled += q;
                in->remaining = 0;
                in->status = CK_OB_CANCELLED;
                emit_cancelled(sink, in->order_id, q,
                               is_market_like(in) ? CK_OB_CANCEL_NO_LIQUIDITY : CK_OB_CANCEL_IOC_REMAINDER);
            } else {
                rest(e, s, ii);
            }
        }
    }
    emit_done(e, sink, in);
    if (in->where != OBI_RESTING) release(e, s, ii);
}

/* Rule 8: release the stops the prints since the last evaluation trigger, in rounds, until none. */
static void cascade(E *e, obi_symbol_t *s, const ck_ob_sink_t *sink)
{
    while (s->window && s->n_stops > 0) {
        const int64_t hi = s->window_hi, lo = s->window_lo;
        s->window = false;
        uint32_t k = 0;
        for (uint32_t ni = s->stop_head; ni != OBI_NIL;) {
            obi_node_t *n = &e->nodes[ni];
            const uint32_t next = n->next;
            if (n->side == CK_OB_BUY ? hi >= n->stop_price : lo <= n->stop_price) {
                stop_unlink(e, s, ni);
                e->trig[k++] = ni;
            }
            ni = next;
        }
        for (uint32_t j = 0; j < k; j++) {
            const uint32_t ni = e->trig[j];
            obi_node_t *n = &e->nodes[ni];
            n->seq = ++e->seq;
            n->triggered = true;
            if (n->type == CK_OB_STOP) n->tif = CK_OB_IOC;
            emit_simple(sink, CK_OB_EV_TRIGGERED, n->order_id, n->seq, 0);
            process(e, s, ni, sink);
        }
    }
    s->window = false;
}

/* ---------------------------------------------------------------- operations */

/* The report of an order from its node. */
static void report_of(const obi_node_t *n, ck_ob_report_t *r)
{
    r->order_id = n->order_id;
    r->status = (ck_ob_status_t)n->status;
    r->seq = n->seq;
    r->filled = n->filled;
    r->remaining = n->remaining;
    r->notional = n->notional;
    r->trade_count = n->trade_count;
}

static void report_reject(ck_ob_report_t *r, uint64_t order_id, ck_ob_reject_t why)
{
    if (!r) return;
    memset(r, 0, sizeof *r);
    r->order_id = order_id;
    r->status = CK_OB_REJECTED;
    r->reject = why;
}

/* After an operation on node ni (cascade included), the order's latest state. A released node
 * keeps its final fields until a later accept reuses it, and nothing is accepted between the
 * operation and this report (a cascade only triggers orders that already have nodes), so the
 * node is the order's state whether it is still live or finished. */
static void report_final(const E *e, uint32_t ni, ck_ob_report_t *r)
{
    if (!r) return;
    const int64_t cancelled = r->cancelled_quantity;
    const bool kept = r->priority_kept;
    memset(r, 0, sizeof *r);
    report_of(&e->nodes[ni], r);
    r->cancelled_quantity = cancelled;
    r->priority_kept = kept;
}

static ck_ob_reject_t validate(const E *e, const obi_symbol_t *s, const ck_ob_order_t *o, ck_ob_tif_t tif)
{
    const ck_ob_symbol_config_t *c = &s->cfg;
    if (o->quantity < c->min_qty || o->quantity > c->max_qty) return CK_OB_REJECT_INVALID_QUANTITY;
    const bool has_limit = o->type == CK_OB_LIMIT || o->type == CK_OB_STOP_LIMIT;
    const bool has_stop = o->type == CK_OB_STOP || o->type == CK_OB_STOP_LIMIT;
    if (has_limit && (o->price < c->min_price || o->price > c->max_price)) return CK_OB_REJECT_INVALID_PRICE;
    if (has_stop && (o->stop_price < c->min_price || o->stop_price > c->max_price))
        return CK_OB_REJECT_INVALID_PRICE;
    if (obi_map_get(&e->ids, o->order_id) != OBI_NIL) return CK_OB_REJECT_DUPLICATE_ORDER_ID;
    if (o->type == CK_OB_MARKET && (tif == CK_OB_GTC || tif == CK_OB_DAY)) return CK_OB_REJECT_INVALID_TIF;
    if (o->post_only && (o->type != CK_OB_LIMIT || tif == CK_OB_IOC || tif == CK_OB_FOK))
        return CK_OB_REJECT_INVALID_POST_ONLY;
    if (has_stop && c->reject_stop_through && s->has_last &&
        (o->side == CK_OB_BUY ? o->stop_price <= s->last_price : o->stop_price >= s->last_price))
        return CK_OB_REJECT_STOP_THROUGH_MARKET;
    return CK_OB_REJECT_NONE;
}

/* Whether a limit at `price` on `side` would cross the opposite best on entry. */
static bool would_cross(const E *e, const obi_symbol_t *s, int side, int64_t price)
{
    const obi_ladder_t *l = &s->ladder[!side];
    if (!l->n) return false;
    const int64_t best = e->levels[l->levels[l->n - 1]].price;
    return side == CK_OB_BUY ? price >= best : price <= best;
}

static ck_status_t check_order(ck_ctx_t *ctx, const ck_ob_order_t *o)
{
    if (!o) return cki_invalid(ctx, "order", "must not be NULL");
    if ((unsigned)o->side > CK_OB_SELL) return cki_invalid(ctx, "order.side", "out of range");
    if ((unsigned)o->type > CK_OB_STOP_LIMIT) return cki_invalid(ctx, "order.type", "out of range");
    if ((unsigned)o->tif > CK_OB_FOK) return cki_invalid(ctx, "order.tif", "out of range");
    if ((unsigned)o->stp_policy > CK_OB_STP_NONE) return cki_invalid(ctx, "order.stp_policy", "out of range");
    return CK_OK;
}

ck_status_t ck_ob_submit(ck_ob_engine_t *e, const ck_ob_order_t *o, const ck_ob_sink_t *sink, ck_ob_report_t *report)
{
    if (!e) return CK_E_INVALID_INPUT;
    ck_status_t status = check_order(e->ctx, o);
    if (CK_IS_ERROR(status)) return status;
    obi_symbol_t *s;
    status = get_symbol(e, o->symbol_id, &s);
    if (CK_IS_ERROR(status)) return status;
    const bool is_stop = o->type == CK_OB_STOP || o->type == CK_OB_STOP_LIMIT;
    ck_ob_tif_t tif = o->tif;
    if (tif == CK_OB_TIF_DEFAULT) tif = (o->type == CK_OB_MARKET || o->type == CK_OB_STOP) ? CK_OB_IOC : CK_OB_GTC;
    ck_ob_reject_t why = validate(e, s, o, tif);
    if (!why && o->post_only && would_cross(e, s, o->side, o->price)) why = CK_OB_REJECT_POST_ONLY_WOULD_CROSS;
    e->st.messages++;
    if (why) {
        e->st.rejected++;
        emit_reject(sink, o->order_id, why);
        report_reject(report, o->order_id, why);
        return CK_OK;
    }
    status = reserve_one(e, s, o->side, is_stop);
    if (CK_IS_ERROR(status)) {
        e->st.messages--;
        return status;
    }
    /* Accept. */
    const uint32_t ni = e->node_free;
    obi_node_t *n = &e->nodes[ni];
    e->node_free = n->next;
    const uint32_t si = (uint32_t)(s - e->sym);
    *n = (obi_node_t){
        .order_id = o->order_id,
        .seq = ++e->seq,
        .price = (o->type == CK_OB_LIMIT || o->type == CK_OB_STOP_LIMIT) ? o->price : 0,
        .remaining = o->quantity,
        .prev = OBI_NIL,
        .next = OBI_NIL,
        .level = OBI_NIL,
        .sym = si,
        .stp_group = o->has_stp_group ? o->stp_group : o->trader_id,
        .side = (uint8_t)o->side,
        .type = (uint8_t)o->type,
        .tif = (uint8_t)tif,
        .stp = (uint8_t)(o->stp_policy == CK_OB_STP_DEFAULT ? s->cfg.stp_default : o->stp_policy),
        .where = OBI_INCOMING,
        .status = CK_OB_NEW,
        .post_only = o->post_only,
        .trader_id = o->trader_id,
        .stop_price = is_stop ? o->stop_price : 0,
        .quantity = o->quantity,
        .timestamp = o->timestamp,
    };
    cki_ob_map_put(&e->ids, o->order_id, ni);
    s->live_side[o->side]++;
    e->live++;
    e->st.accepted++;
    emit_simple(sink, CK_OB_EV_ACCEPTED, o->order_id, n->seq, 0);
    if (is_stop) {
        stop_link(e, s, ni);
        emit_done(e, sink, n);
    } else {
        process(e, s, ni, sink);
        cascade(e, s, sink);
    }
    if (report) {
        memset(report, 0, sizeof *report);
        report_final(e, ni, report);
    }
    return CK_OK;
}

ck_status_t ck_ob_cancel(ck_ob_engine_t *e, uint64_t order_id, const ck_ob_sink_t *sink, ck_ob_report_t *report)
{
    if (!e) return CK_E_INVALID_INPUT;
    e->st.messages++;
    const uint32_t ni = obi_map_get(&e->ids, order_id);
    if (ni == OBI_NIL) {
        e->st.rejected++;
        emit_reject(sink, order_id, CK_OB_REJECT_UNKNOWN_ORDER);
        report_reject(report, order_id, CK_OB_REJECT_UNKNOWN_ORDER);
        return CK_OK;
    }
    obi_node_t *n = &e->nodes[ni];
    obi_symbol_t *s = &e->sym[n->sym];
    if (n->where == OBI_RESTING) unrest(e, s, ni);
    else stop_unlink(e, s, ni);
    const int64_t q = n->remaining;
    n->cancelled += q;
    n->remaining = 0;
    n->status = CK_OB_CANCELLED;
    emit_cancelled(sink, order_id, q, CK_OB_CANCEL_USER);
    emit_done(e, sink, n);
    release(e, s, ni);
    if (report) {
        memset(report, 0, sizeof *report);
        report->cancelled_quantity = q;
        report_final(e, ni, report);
    }
    return CK_OK;
}

ck_status_t ck_ob_replace(ck_ob_engine_t *e, const ck_ob_replace_t *r, const ck_ob_sink_t *sink, ck_ob_report_t *report)
{
    if (!e) return CK_E_INVALID_INPUT;
    if (!r) return cki_invalid(e->ctx, "replace", "must not be NULL");
    e->st.messages++;
    const uint32_t ni = obi_map_get(&e->ids, r->order_id);
    ck_ob_reject_t why = CK_OB_REJECT_NONE;
    if (ni == OBI_NIL) {
        why = CK_OB_REJECT_UNKNOWN_ORDER;
        goto reject;
    }
    obi_node_t *n = &e->nodes[ni];
    obi_symbol_t *s = &e->sym[n->sym];
    const ck_ob_symbol_config_t *c = &s->cfg;
    const bool has_limit = n->type == CK_OB_LIMIT || n->type == CK_OB_STOP_LIMIT;
    const bool waiting = n->where == OBI_WAITING;
    const int64_t nq = r->has_quantity ? r->new_quantity : n->filled + n->remaining;
    const int64_t np = r->has_price ? r->new_price : n->price;
    const int64_t nsp = r->has_stop_price ? r->new_stop_price : n->stop_price;
    /* new_quantity is the new total of filled + remaining. Lots an STP decrement removed stay in
     * `cancelled` (quantity = new_quantity + cancelled), so new remaining = new_quantity - filled. */
    const int64_t closed = n->filled;
    if (report) memset(report, 0, sizeof *report);
    if (nq <= closed) {
        const int64_t q = n->remaining;
        if (n->where == OBI_RESTING) unrest(e, s, ni);
        else stop_unlink(e, s, ni);
        n->cancelled += q;
        n->remaining = 0;
        n->status = CK_OB_CANCELLED;
        emit_cancelled(sink, n->order_id, q, CK_OB_CANCEL_REPLACE_TO_FILLED);
        emit_done(e, sink, n);
        release(e, s, ni);
        if (report) {
            report->cancelled_quantity = q;
            report_final(e, ni, report);
        }
        return CK_OK;
    }
    if (nq < c->min_qty || nq > c->max_qty) why = CK_OB_REJECT_INVALID_QUANTITY;
    else if (r->has_price && (!has_limit || np < c->min_price || np > c->max_price)) why = CK_OB_REJECT_INVALID_PRICE;
    else if (r->has_stop_price && (!waiting || nsp < c->min_price || nsp > c->max_price))
        why = CK_OB_REJECT_INVALID_PRICE;
    if (why) goto reject;
    const bool kept = np == n->price && nsp == n->stop_price && nq - closed <= n->remaining;
    if (kept) {
        n->quantity = nq + n->cancelled;
        n->remaining = nq - closed;
        ck_ob_event_t ev = {.type = CK_OB_EV_REPLACED, .order_id = n->order_id, .seq = n->seq, .priority_kept = true};
        emit(sink, &ev);
        if (report) {
            report->priority_kept = true;
            report_final(e, ni, report);
        }
        return CK_OK;
    }
    if (waiting) {
        if (c->reject_stop_through && s->has_last &&
            (n->side == CK_OB_BUY ? nsp <= s->last_price : nsp >= s->last_price)) {
            why = CK_OB_REJECT_STOP_THROUGH_MARKET;
            goto reject;
        }
        stop_unlink(e, s, ni);
        n->price = np;
        n->stop_price = nsp;
        n->quantity = nq + n->cancelled;
        n->remaining = nq - closed;
        n->seq = ++e->seq;
        stop_link(e, s, ni);
        ck_ob_event_t ev = {.type = CK_OB_EV_REPLACED, .order_id = n->order_id, .seq = n->seq};
        emit(sink, &ev);
        emit_done(e, sink, n);
        if (report) report_final(e, ni, report);
        return CK_OK;
    }
    if (n->post_only && would_cross(e, s, n->side, np)) {
        why = CK_OB_REJECT_POST_ONLY_WOULD_CROSS;
        goto reject;
    }
    /* The new price is usually near the old one: search for its slot from the old level's. */
    const uint32_t hint = e->levels[n->level].pos;
    unrest(e, s, ni);
    n->price = np;
    n->quantity = nq + n->cancelled;
    n->remaining = nq - closed;
    n->seq = ++e->seq;
    {
        ck_ob_event_t ev = {.type = CK_OB_EV_REPLACED, .order_id = n->order_id, .seq = n->seq};
        emit(sink, &ev);
    }
    e->rest_hint = hint;
    process(e, s, ni, sink);
    e->rest_hint = OBI_NIL;
    cascade(e, s, sink);
    if (report) report_final(e, ni, report);
    return CK_OK;
reject:
    e->st.rejected++;
    emit_reject(sink, r->order_id, why);
    report_reject(report, r->order_id, why);
    if (report && ni != OBI_NIL) {
        /* The order stays as it was: report its state with the reject reason. */
        report_final(e, ni, report);
        report->reject = why;
        report->status = CK_OB_REJECTED;
    }
    return CK_OK;
}

static int64_t expire_symbol(E *e, obi_symbol_t *s, const ck_ob_sink_t *sink)
{
    int64_t count = 0;
    for (int side = 0; side < 2; side++) {
        obi_ladder_t *l = &s->ladder[side];
        for (uint32_t pos = l->n; pos-- > 0;) {
            /* Removing a level leaves a gap (or drops slots above pos), nothing moves. */
            if (pos >= l->n || l->levels[pos] == OBI_NIL) continue;
            uint32_t ni = e->levels[l->levels[pos]].head;
            while (ni != OBI_NIL) {
                obi_node_t *n = &e->nodes[ni];
                const uint32_t next = n->next;
                if (n->tif == CK_OB_DAY) {
                    const int64_t q = n->remaining;
                    n->expired += q;
                    n->remaining = 0;
                    n->status = CK_OB_EXPIRED;
                    emit_simple(sink, CK_OB_EV_EXPIRED, n->order_id, 0, q);
                    unrest(e, s, ni);
                    emit_done(e, sink, n);
                    release(e, s, ni);
                    count++;
                }
                ni = next;
            }
        }
    }
    for (uint32_t ni = s->stop_head; ni != OBI_NIL;) {
        obi_node_t *n = &e->nodes[ni];
        const uint32_t next = n->next;
        if (n->tif == CK_OB_DAY) {
            const int64_t q = n->remaining;
            n->expired += q;
            n->remaining = 0;
            n->status = CK_OB_EXPIRED;
            emit_simple(sink, CK_OB_EV_EXPIRED, n->order_id, 0, q);
            stop_unlink(e, s, ni);
            emit_done(e, sink, n);
            release(e, s, ni);
            count++;
        }
        ni = next;
    }
    return count;
}

ck_status_t ck_ob_end_session(ck_ob_engine_t *e, bool all_symbols, uint32_t symbol_id, const ck_ob_sink_t *sink,
                              int64_t *expired_count)
{
    if (!e) return CK_E_INVALID_INPUT;
    e->st.messages++;
    int64_t count = 0;
    if (all_symbols) {
        for (uint32_t i = 0; i < e->n_sym; i++) count += expire_symbol(e, &e->sym[i], sink);
    } else {
        obi_symbol_t *s = find_symbol(e, symbol_id);
        if (s) count = expire_symbol(e, s, sink);
    }
    if (expired_count) *expired_count = count;
    return CK_OK;
}

ck_status_t ck_ob_order_state(const ck_ob_engine_t *e, uint64_t order_id, ck_ob_order_state_t *state)
{
    if (!e || !state) return CK_E_INVALID_INPUT;
    const uint32_t ni = obi_map_get(&e->ids, order_id);
    if (ni == OBI_NIL) return CK_E_NOT_FOUND;
    const obi_node_t *n = &e->nodes[ni];
    state_of(e, n, state);
    return CK_OK;
}

/* ---------------------------------------------------------------- snapshots */

static void book_info(const E *e, const obi_symbol_t *s, ck_ob_book_info_t *info)
{
    memset(info, 0, sizeof *info);
    if (!s) return;
    info->known = true;
    const obi_ladder_t *b = &s->ladder[CK_OB_BUY], *a = &s->ladder[CK_OB_SELL];
    if (b->n) {
        info->has_bid = true;
        info->best_bid = e->levels[b->levels[b->n - 1]].price;
    }
    if (a->n) {
        info->has_ask = true;
        info->best_ask = e->levels[a->levels[a->n - 1]].price;
    }
    if (b->n && a->n) {
        info->spread = info->best_ask - info->best_bid;
        info->mid = ((double)info->best_bid + (double)info->best_ask) / 2.0;
    }
    info->has_last = s->has_last;
    info->last_trade_price = s->last_price;
    info->volume = s->volume;
    info->trade_count = s->trade_count;
    info->bid_levels = b->live;
    info->ask_levels = a->live;
    info->bid_orders = s->resting_side[CK_OB_BUY];
    info->ask_orders = s->resting_side[CK_OB_SELL];
    info->waiting_stops = s->n_stops;
}

static size_t l2_side(const E *e, const obi_ladder_t *l, int64_t depth, ck_ob_level_t *out, size_t cap)
{
    size_t w = 0;
    for (uint32_t pos = l->n; pos-- > 0 && w < cap && (depth <= 0 || (int64_t)w < depth);) {
        if (l->levels[pos] == OBI_NIL) continue;
        const obi_level_t *L = &e->levels[l->levels[pos]];
        int64_t q = 0, c = 0;
        for (uint32_t ni = L->head; ni != OBI_NIL; ni = e->nodes[ni].next) {
            q += e->nodes[ni].remaining;
            c++;
        }
        out[w++] = (ck_ob_level_t){L->price, q, c};
    }
    return w;
}

ck_status_t ck_ob_l2(const ck_ob_engine_t *e, uint32_t symbol_id, int64_t depth, ck_ob_level_t *bids, size_t bid_cap,
                     size_t *n_bids, ck_ob_level_t *asks, size_t ask_cap, size_t *n_asks, ck_ob_book_info_t *info)
{
    if (!e || !n_bids || !n_asks || (bid_cap && !bids) || (ask_cap && !asks)) return CK_E_INVALID_INPUT;
    const obi_symbol_t *s = find_symbol(e, symbol_id);
    *n_bids = s ? l2_side(e, &s->ladder[CK_OB_BUY], depth, bids, bid_cap) : 0;
    *n_asks = s ? l2_side(e, &s->ladder[CK_OB_SELL], depth, asks, ask_cap) : 0;
    if (info) book_info(e, s, info);
    return CK_OK;
}

static size_t l3_side(const E *e, const obi_ladder_t *l, int64_t depth, ck_ob_l3_order_t *out, size_t cap)
{
    size_t w = 0;
    int64_t levels = 0;
    for (uint32_t pos = l->n; pos-- > 0 && (depth <= 0 || levels < depth);) {
        if (l->levels[pos] == OBI_NIL) continue;
        levels++;
        const obi_level_t *L = &e->levels[l->levels[pos]];
        for (uint32_t ni = L->head; ni != OBI_NIL && w < cap; ni = e->nodes[ni].next) {
            const obi_node_t *n = &e->nodes[ni];
            out[w++] = (ck_ob_l3_order_t){n->order_id, n->price, n->remaining, n->seq, n->trader_id};
        }
    }
    return w;
}

ck_status_t ck_ob_l3(const ck_ob_engine_t *e, uint32_t symbol_id, int64_t depth, ck_ob_l3_order_t *bids,
                     size_t bid_cap, size_t *n_bids, ck_ob_l3_order_t *asks, size_t ask_cap, size_t *n_asks,
                     ck_ob_book_info_t *info)
{
    if (!e || !n_bids || !n_asks || (bid_cap && !bids) || (ask_cap && !asks)) return CK_E_INVALID_INPUT;
    const obi_symbol_t *s = find_symbol(e, symbol_id);
    *n_bids = s ? l3_side(e, &s->ladder[CK_OB_BUY], depth, bids, bid_cap) : 0;
    *n_asks = s ? l3_side(e, &s->ladder[CK_OB_SELL], depth, asks, ask_cap) : 0;
    if (info) book_info(e, s, info);
    return CK_OK;
}

ck_status_t ck_ob_stops(const ck_ob_engine_t *e, uint32_t symbol_id, ck_ob_stop_order_t *out, size_t cap, size_t *n)
{
    if (!e || !n || (cap && !out)) return CK_E_INVALID_INPUT;
    *n = 0;
    const obi_symbol_t *s = find_symbol(e, symbol_id);
    if (!s) return CK_OK;
    for (uint32_t ni = s->stop_head; ni != OBI_NIL && *n < cap; ni = e->nodes[ni].next) {
        const obi_node_t *x = &e->nodes[ni];
        out[(*n)++] = (ck_ob_stop_order_t){x->order_id, (ck_ob_side_t)x->side, (ck_ob_type_t)x->type, x->stop_price,
                                           x->price, x->remaining, x->seq, x->trader_id};
    }
    return CK_OK;
}

void ck_ob_stats(const ck_ob_engine_t *e, ck_ob_stats_t *stats)
{
    if (!stats) return;
    memset(stats, 0, sizeof *stats);
    if (!e) return;
    *stats = e->st;
    stats->last_seq = e->seq;
    stats->live_orders = e->live;
    stats->resting_orders = e->resting;
    stats->waiting_stops = e->waiting;
    stats->symbols = e->n_sym;
}
