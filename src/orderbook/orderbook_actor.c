/* orderbook/matching: the ring actor (a persistent engine whose books live across messages).
 * Payloads are packed little-endian records (src/core/wire.h); every layout is documented in
 * docs/kernels/orderbook.md and mirrored by the field tables below, which drive the JSON codecs. */
#include <string.h>

#include "json_internal.h"
#include "orderbook_internal.h"
#include "wire.h"

#define N_(arr) (sizeof(arr) / sizeof((arr)[0]))

enum {
    T_SUBMIT = 500, T_ORDER_REPORT = 501, T_TRADE = 502,
    T_REPLACE = 510, T_REPLACE_REPORT = 511,
    T_CANCEL = 520, T_CANCEL_REPORT = 521,
    T_QUERY_L2 = 530, T_BOOK_L2 = 531, T_QUERY_L3 = 532, T_BOOK_L3 = 533,
    T_END_SESSION = 540, T_SESSION_REPORT = 541,
    T_CONFIGURE = 550, T_CONFIGURED = 551,
    T_QUERY_ORDER = 560, T_ORDER_STATE = 561,
    T_RESET = 598, T_RESET_DONE = 599,
};

/* Fixed record sizes. */
enum {
    SZ_ORDER = 72, SZ_REPORT = 72, SZ_TRADE = 80, SZ_REPLACE = 40, SZ_REPLACE_REPORT = 80, SZ_CANCEL = 8,
    SZ_CANCEL_REPORT = 24, SZ_QUERY_BOOK = 8, SZ_L2_HEAD = 48, SZ_L2_LEVEL = 24, SZ_L3_HEAD = 48, SZ_L3_ORDER = 40,
    SZ_END_SESSION = 8, SZ_SESSION_REPORT = 8, SZ_CONFIGURE = 72, SZ_CONFIGURED = 8, SZ_QUERY_ORDER = 8,
    SZ_ORDER_STATE = 128,
};

/* Scratch sized at create: replies never exceed this (nor the runtime's slot). */
#define OBA_REPLY_MAX 65536
#define OBA_L3_MAX ((OBA_REPLY_MAX - SZ_L3_HEAD) / SZ_L3_ORDER)
#define OBA_L2_MAX ((OBA_REPLY_MAX - SZ_L2_HEAD) / SZ_L2_LEVEL)

/* ---------------------------------------------------------------- table-driven codecs */

static const char *const side_n[] = {"buy", "sell"};
static const char *const type_n[] = {"limit", "market", "stop", "stop_limit"};
static const char *const tif_n[] = {"default", "gtc", "day", "ioc", "fok"};
static const char *const status_n[] = {"new", "partially_filled", "filled", "cancelled", "expired", "rejected"};
static const char *const reject_n[] = {"none",
                                       "invalid_quantity",
                                       "invalid_price",
                                       "duplicate_order_id",
                                       "invalid_tif",
                                       "invalid_post_only",
                                       "stop_through_market",
                                       "unknown_order",
                                       "post_only_would_cross"};

typedef enum fkind {
    F_BOOL,  /* u8 0/1 */
    F_ENUM,  /* u8 index into names; null0: 0 is JSON null */
    F_U32,
    F_U64,
    F_I64,
    F_I128,  /* 16 bytes, JSON decimal string */
    F_OPT,   /* i64, present iff the u8 at `aux` is 1 */
} fkind_t;

typedef struct field {
    const char *name;
    uint16_t off;
    uint8_t kind;
    bool required;
    uint16_t aux;
    const char *const *names;
    uint8_t n_names;
    bool null0;
    int64_t def;
} field_t;

#define FB(n, o) {n, o, F_BOOL, false, 0, NULL, 0, false, 0}
#define FE(n, o, arr) {n, o, F_ENUM, true, 0, arr, N_(arr), false, 0}
#define FEN(n, o, arr) {n, o, F_ENUM, false, 0, arr, N_(arr), true, 0}
#define FU32(n, o, req, d) {n, o, F_U32, req, 0, NULL, 0, false, d}
#define FU64(n, o, req) {n, o, F_U64, req, 0, NULL, 0, false, 0}
#define FI64(n, o, req) {n, o, F_I64, req, 0, NULL, 0, false, 0}
#define FI128(n, o) {n, o, F_I128, false, 0, NULL, 0, false, 0}
#define FOPT(n, o, flag) {n, o, F_OPT, false, flag, NULL, 0, false, 0}

static void put_at(uint8_t *p, size_t off, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) p[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}
static void put_i128(uint8_t *p, size_t off, ck_int128_t v)
{
    put_at(p, off, (uint64_t)(ck_uint128_t)v, 8);
    put_at(p, off + 8, (uint64_t)((ck_uint128_t)v >> 64), 8);
}
static ck_int128_t get_i128(const void *p, size_t off)
{
    const ck_uint128_t lo = cki_wire_get_u64(p, off), hi = cki_wire_get_u64(p, off + 8);
    return (ck_int128_t)(lo | hi << 64);
}

static ck_status_t parse_i128(ck_ctx_t *ctx, const json_t *v, const char *field, ck_int128_t *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return CK_OK;
    }
    if (!json_is_string(v)) return cki_invalid(ctx, field, "must be an integer or a decimal string");
    const char *s = json_string_value(v);
    const bool neg = *s == '-';
    if (neg) s++;
    if (!*s) return cki_invalid(ctx, field, "not a decimal integer");
    ck_uint128_t u = 0;
    const ck_uint128_t limit = ((ck_uint128_t)1 << 127) - (neg ? 0 : 1);
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return cki_invalid(ctx, field, "not a decimal integer");
        const unsigned d = (unsigned)(*s - '0');
        if (u > (limit - d) / 10) return cki_invalid(ctx, field, "out of the int128 range");
        u = u * 10 + d;
    }
    *out = (ck_int128_t)(neg ? (ck_uint128_t)0 - u : u);
    return CK_OK;
}

static ck_status_t check_keys(ck_ctx_t *ctx, const json_t *msg, const field_t *f, size_t n)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)msg, key, v) {
        if (!strcmp(key, "type")) continue;
        size_t i = 0;
        while (i < n && strcmp(f[i].name, key)) i++;
        if (i == n) return cki_invalid(ctx, key, "unknown field");
    }
    return CK_OK;
}

static ck_status_t gen_from(ck_ctx_t *ctx, const json_t *msg, void *buf, size_t cap, size_t *len, const field_t *f,
                            size_t n, size_t size)
{
    if (cap < size) return cki_invalid(ctx, "len", "the record needs %zu bytes, the message can carry %zu", size, cap);
    ck_status_t status = check_keys(ctx, msg, f, n);
    if (CK_IS_ERROR(status)) return status;
    uint8_t *p = buf;
    memset(p, 0, size);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(msg, f[i].name);
        if (!v || (json_is_null(v) && f[i].null0)) {
            if (f[i].required && !f[i].null0) return cki_invalid(ctx, f[i].name, "missing (required)");
            if (f[i].kind == F_U32) put_at(p, f[i].off, (uint64_t)f[i].def, 4);
            continue;
        }
        switch (f[i].kind) {
        case F_BOOL:
            if (!json_is_boolean(v)) return cki_invalid(ctx, f[i].name, "must be a boolean");
            p[f[i].off] = json_is_true(v);
            break;
        case F_ENUM: {
            if (!json_is_string(v)) return cki_invalid(ctx, f[i].name, "must be a string");
            size_t k = f[i].null0 ? 1 : 0;
            while (k < f[i].n_names && strcmp(f[i].names[k], json_string_value(v))) k++;
            if (k == f[i].n_names) return cki_invalid(ctx, f[i].name, "unknown value \"%s\"", json_string_value(v));
            p[f[i].off] = (uint8_t)k;
            break;
        }
        case F_U32: {
            uint32_t x = 0;
            if ((status = cki_ob_json_u32(ctx, v, f[i].name, &x))) return status;
            put_at(p, f[i].off, x, 4);
            break;
        }
        case F_U64: {
            uint64_t x = 0;
            if ((status = cki_ob_json_u64(ctx, v, f[i].name, &x))) return status;
            put_at(p, f[i].off, x, 8);
            break;
        }
        case F_I64:
        case F_OPT: {
            int64_t x = 0;
            if ((status = cki_ob_json_i64(ctx, v, f[i].name, &x))) return status;
            put_at(p, f[i].off, (uint64_t)x, 8);
            if (f[i].kind == F_OPT) p[f[i].aux] = 1;
            break;
        }
        case F_I128: {
            ck_int128_t x = 0;
            if ((status = parse_i128(ctx, v, f[i].name, &x))) return status;
            put_i128(p, f[i].off, x);
            break;
        }
        }
    }
    *len = size;
    return CK_OK;
}

static ck_status_t gen_to(ck_ctx_t *ctx, const void *payload, size_t len, json_t *out, const field_t *f, size_t n,
                          size_t size)
{
    if (len != size) return cki_invalid(ctx, "len", "expected %zu bytes, got %zu", size, len);
    ck_status_t status = CK_OK;
    for (size_t i = 0; i < n && status == CK_OK; i++) {
        json_t *v = NULL;
        const size_t o = f[i].off;
        switch (f[i].kind) {
        case F_BOOL: v = json_boolean(cki_wire_get_u8(payload, o)); break;
        case F_ENUM: {
            const uint8_t k = cki_wire_get_u8(payload, o);
            if (f[i].null0 && k == 0) v = json_null();
            else if (k < f[i].n_names) v = json_string(f[i].names[k]);
            else return cki_invalid(ctx, f[i].name, "value %u out of range", k);
            break;
        }
        case F_U32: v = json_integer(cki_wire_get_u32(payload, o)); break;
        case F_U64: v = json_integer((json_int_t)cki_wire_get_u64(payload, o)); break;
        case F_I64: v = json_integer(cki_wire_get_i64(payload, o)); break;
        case F_OPT:
            if (!cki_wire_get_u8(payload, f[i].aux)) continue;
            v = json_integer(cki_wire_get_i64(payload, o));
            break;
        case F_I128: v = cki_ob_int128_new(get_i128(payload, o)); break;
        }
        status = cki_json_set(ctx, out, f[i].name, v);
    }
    return status;
}

#define CODEC_(name, table, size)                                                                                   \
    static ck_status_t name##_from(ck_ctx_t *ctx, const json_t *msg, void *buf, size_t cap, size_t *len)            \
    {                                                                                                               \
        return gen_from(ctx, msg, buf, cap, len, table, N_(table), size);                                          \
    }                                                                                                               \
    static ck_status_t name##_to(ck_ctx_t *ctx, const void *payload, size_t len, json_t *out)                       \
    {                                                                                                               \
        return gen_to(ctx, payload, len, out, table, N_(table), size);                                             \
    }

/* 501 order_report (72 bytes); 511 replace_report adds priority_kept at 72 (80 bytes). */
#define REPORT_FIELDS                                                                                                \
    FU64("order_id", 0, true), FE("status", 8, status_n), FEN("reject_reason", 9, reject_n), FU64("seq", 16, false), \
        FI64("filled", 24, false), FI64("remaining", 32, false), FI128("notional", 40),                             \
        FU64("trade_count", 56, false), FI64("cancelled_quantity", 64, false)
static const field_t report_f[] = {REPORT_FIELDS};
static const field_t replace_report_f[] = {REPORT_FIELDS, FB("priority_kept", 72)};
static const field_t trade_f[] = {
    FU64("trade_id", 0, true),        FU32("symbol_id", 8, true, 0),    FE("aggressor", 12, side_n),
    FB("self_trade", 13),             FI64("price", 16, true),          FI64("quantity", 24, true),
    FU64("buy_order_id", 32, true),   FU64("sell_order_id", 40, true),  FU64("maker_order_id", 48, true),
    FU64("taker_order_id", 56, true), FU64("buy_trader_id", 64, false), FU64("sell_trader_id", 72, false),
};
static const field_t replace_f[] = {
    FU64("order_id", 0, true),
    FOPT("new_quantity", 16, 8),
    FOPT("new_price", 24, 9),
    FOPT("new_stop_price", 32, 10),
};
static const field_t cancel_f[] = {FU64("order_id", 0, true)};
static const field_t cancel_report_f[] = {FU64("order_id", 0, true), FB("success", 8), FEN("reason", 9, reject_n),
                                          FI64("cancelled_quantity", 16, false)};
static const field_t query_l2_f[] = {FU32("symbol_id", 0, true, 0), FU32("depth", 4, false, 10)};
static const field_t query_l3_f[] = {FU32("symbol_id", 0, true, 0), FU32("max_orders", 4, false, 0)};
static const field_t session_report_f[] = {FI64("expired_count", 0, true)};
static const field_t configured_f[] = {FU32("symbol_id", 0, true, 0), FB("created", 4)};
static const field_t query_order_f[] = {FU64("order_id", 0, true)};
static const field_t order_state_f[] = {
    FU64("order_id", 0, true), FB("found", 8),          FE("status", 9, status_n),  FE("side", 10, side_n),
    FE("order_type", 11, type_n),    FE("tif", 12, tif_n),    FB("resting", 13),          FB("waiting", 14),
    FU32("symbol_id", 16, false, 0), FU64("seq", 24, false), FU64("trader_id", 32, false), FI64("price", 40, false),
    FI64("stop_price", 48, false), FI64("quantity", 56, false), FI64("filled", 64, false),
    FI64("remaining", 72, false), FI64("cancelled", 80, false), FI64("expired", 88, false), FI128("notional", 96),
    FU64("trade_count", 112, false), FI64("timestamp", 120, false),
};

CODEC_(report, report_f, SZ_REPORT)
CODEC_(replace_report, replace_report_f, SZ_REPLACE_REPORT)
CODEC_(trade, trade_f, SZ_TRADE)
CODEC_(replace, replace_f, SZ_REPLACE)
CODEC_(cancel, cancel_f, SZ_CANCEL)
CODEC_(cancel_report, cancel_report_f, SZ_CANCEL_REPORT)
CODEC_(query_l2, query_l2_f, SZ_QUERY_BOOK)
CODEC_(query_l3, query_l3_f, SZ_QUERY_BOOK)
CODEC_(session_report, session_report_f, SZ_SESSION_REPORT)
CODEC_(configured, configured_f, SZ_CONFIGURED)
CODEC_(query_order, query_order_f, SZ_QUERY_ORDER)
CODEC_(order_state, order_state_f, SZ_ORDER_STATE)

/* ---- 500 submit_order: {"order": {...}} (the spec's order object) */

static void encode_order(uint8_t *p, const ck_ob_order_t *o)
{
    memset(p, 0, SZ_ORDER);
    put_at(p, 0, o->order_id, 8);
    put_at(p, 8, o->symbol_id, 4);
    p[12] = (uint8_t)o->side;
    p[13] = (uint8_t)o->type;
    p[14] = (uint8_t)o->tif;
    p[15] = o->post_only;
    p[16] = (uint8_t)o->stp_policy;
    p[17] = o->has_stp_group;
    put_at(p, 24, (uint64_t)o->price, 8);
    put_at(p, 32, (uint64_t)o->stop_price, 8);
    put_at(p, 40, (uint64_t)o->quantity, 8);
    put_at(p, 48, o->trader_id, 8);
    put_at(p, 56, o->stp_group, 8);
    put_at(p, 64, (uint64_t)o->timestamp, 8);
}

static ck_status_t decode_order(ck_ctx_t *ctx, const void *p, size_t len, ck_ob_order_t *o)
{
    if (len != SZ_ORDER) return cki_invalid(ctx, "len", "submit_order carries %d bytes, got %zu", SZ_ORDER, len);
    ck_ob_order_init(o);
    o->order_id = cki_wire_get_u64(p, 0);
    o->symbol_id = cki_wire_get_u32(p, 8);
    const uint8_t side = cki_wire_get_u8(p, 12), type = cki_wire_get_u8(p, 13), tif = cki_wire_get_u8(p, 14);
    const uint8_t post = cki_wire_get_u8(p, 15), stp = cki_wire_get_u8(p, 16), has_group = cki_wire_get_u8(p, 17);
    if (side > CK_OB_SELL) return cki_invalid(ctx, "order.side", "value %u out of range 0..1", side);
    if (type > CK_OB_STOP_LIMIT) return cki_invalid(ctx, "order.type", "value %u out of range 0..3", type);
    if (tif > CK_OB_FOK) return cki_invalid(ctx, "order.tif", "value %u out of range 0..4", tif);
    if (post > 1) return cki_invalid(ctx, "order.post_only", "value %u is not 0 or 1", post);
    if (stp > CK_OB_STP_NONE) return cki_invalid(ctx, "order.stp_policy", "value %u out of range 0..5", stp);
    if (has_group > 1) return cki_invalid(ctx, "order.has_stp_group", "value %u is not 0 or 1", has_group);
    o->side = (ck_ob_side_t)side;
    o->type = (ck_ob_type_t)type;
    o->tif = (ck_ob_tif_t)tif;
    o->post_only = post;
    o->stp_policy = (ck_ob_stp_policy_t)stp;
    o->has_stp_group = has_group;
    o->price = cki_wire_get_i64(p, 24);
    o->stop_price = cki_wire_get_i64(p, 32);
    o->quantity = cki_wire_get_i64(p, 40);
    o->trader_id = cki_wire_get_u64(p, 48);
    o->stp_group = cki_wire_get_u64(p, 56);
    o->timestamp = cki_wire_get_i64(p, 64);
    return CK_OK;
}

static ck_status_t submit_from(ck_ctx_t *ctx, const json_t *msg, void *buf, size_t cap, size_t *len)
{
    static const field_t keys[] = {{"order", 0, 0, true, 0, NULL, 0, false, 0}};
    ck_status_t status = check_keys(ctx, msg, keys, 1);
    if (CK_IS_ERROR(status)) return status;
    if (cap < SZ_ORDER) return cki_invalid(ctx, "len", "the record needs %d bytes, the message can carry %zu", SZ_ORDER, cap);
    const json_t *o = json_object_get(msg, "order");
    if (!o) return cki_invalid(ctx, "order", "missing (required)");
    ck_ob_order_t ord;
    status = cki_ob_order_from_json(ctx, o, "order", &ord);
    if (CK_IS_ERROR(status)) return status;
    encode_order(buf, &ord);
    *len = SZ_ORDER;
    return CK_OK;
}

static ck_status_t submit_to(ck_ctx_t *ctx, const void *payload, size_t len, json_t *out)
{
    ck_ob_order_t o;
    ck_status_t status = decode_order(ctx, payload, len, &o);
    if (CK_IS_ERROR(status)) return status;
    return cki_json_set(ctx, out, "order", cki_ob_order_to_json(&o));
}

/* ---- 540 end_session: {"symbol_id": n} or {"all": true} or {} (= all). Layout: u8 all, 3 pad,
 * u32 symbol_id. */
static ck_status_t end_from(ck_ctx_t *ctx, const json_t *msg, void *buf, size_t cap, size_t *len)
{
    static const field_t keys[] = {FU32("symbol_id", 4, false, 0), FB("all", 0)};
    ck_status_t status = gen_from(ctx, msg, buf, cap, len, keys, N_(keys), SZ_END_SESSION);
    if (CK_IS_ERROR(status)) return status;
    uint8_t *p = buf;
    const json_t *all = json_object_get(msg, "all"), *sym = json_object_get(msg, "symbol_id");
    if (sym && all && json_is_true(all)) return cki_invalid(ctx, "all", "give symbol_id or all, not both");
    if (!sym) p[0] = 1;
    else if (all && json_is_false(all)) p[0] = 0;
    return CK_OK;
}

static ck_status_t end_to(ck_ctx_t *ctx, const void *payload, size_t len, json_t *out)
{
    if (len != SZ_END_SESSION) return cki_invalid(ctx, "len", "expected %d bytes, got %zu", SZ_END_SESSION, len);
    if (cki_wire_get_u8(payload, 0)) return cki_json_set(ctx, out, "all", json_true());
    return cki_json_set(ctx, out, "symbol_id", json_integer(cki_wire_get_u32(payload, 4)));
}

/* ---- 550 configure_symbol: the symbol config object (money as decimal strings). */
static void encode_config(uint8_t *p, const ck_ob_symbol_config_t *c)
{
    memset(p, 0, SZ_CONFIGURE);
    put_at(p, 0, c->symbol_id, 4);
    p[4] = (uint8_t)c->stp_default;
    p[5] = c->reject_stop_through;
    put_at(p, 8, (uint64_t)c->min_qty, 8);
    put_at(p, 16, (uint64_t)c->max_qty, 8);
    put_at(p, 24, (uint64_t)c->min_price, 8);
    put_at(p, 32, (uint64_t)c->max_price, 8);
    put_i128(p, 40, c->tick_size.raw);
    put_i128(p, 56, c->lot_size.raw);
}

static ck_status_t decode_config(ck_ctx_t *ctx, const void *p, size_t len, ck_ob_symbol_config_t *c)
{
    if (len != SZ_CONFIGURE) return cki_invalid(ctx, "len", "configure_symbol carries %d bytes, got %zu", SZ_CONFIGURE, len);
    ck_ob_symbol_config_init(c, cki_wire_get_u32(p, 0));
    const uint8_t stp = cki_wire_get_u8(p, 4), rst = cki_wire_get_u8(p, 5);
    if (stp < CK_OB_STP_CANCEL_NEWEST || stp > CK_OB_STP_NONE)
        return cki_invalid(ctx, "stp_default", "value %u out of range 1..5", stp);
    if (rst > 1) return cki_invalid(ctx, "reject_stop_through", "value %u is not 0 or 1", rst);
    c->stp_default = (ck_ob_stp_policy_t)stp;
    c->reject_stop_through = rst;
    c->min_qty = cki_wire_get_i64(p, 8);
    c->max_qty = cki_wire_get_i64(p, 16);
    c->min_price = cki_wire_get_i64(p, 24);
    c->max_price = cki_wire_get_i64(p, 32);
    c->tick_size.raw = get_i128(p, 40);
    c->lot_size.raw = get_i128(p, 56);
    return CK_OK;
}

static ck_status_t configure_from(ck_ctx_t *ctx, const json_t *msg, void *buf, size_t cap, size_t *len)
{
    if (cap < SZ_CONFIGURE) return cki_invalid(ctx, "len", "the record needs %d bytes, the message can carry %zu", SZ_CONFIGURE, cap);
    json_t *copy = json_copy((json_t *)msg);
    if (!copy) return cki_nomem(ctx);
    json_object_del(copy, "type");
    ck_ob_symbol_config_t c;
    ck_status_t status = cki_ob_symbol_from_json(ctx, copy, "", &c);
    json_decref(copy);
    if (CK_IS_ERROR(status)) return status;
    encode_config(buf, &c);
    *len = SZ_CONFIGURE;
    return CK_OK;
}

static ck_status_t configure_to(ck_ctx_t *ctx, const void *payload, size_t len, json_t *out)
{
    ck_ob_symbol_config_t c;
    ck_status_t status = decode_config(ctx, payload, len, &c);
    if (CK_IS_ERROR(status)) return status;
    json_t *j = cki_ob_symbol_to_json(&c);
    if (!j) return cki_nomem(ctx);
    status = json_object_update(out, j) ? cki_nomem(ctx) : CK_OK;
    json_decref(j);
    return status;
}

/* ---- 531 book_l2 / 533 book_l3 (variable length) */

static ck_status_t book_head_to(ck_ctx_t *ctx, const void *p, json_t *out)
{
    const uint8_t fl = cki_wire_get_u8(p, 4);
    ck_status_t status = cki_json_set(ctx, out, "symbol_id", json_integer(cki_wire_get_u32(p, 0)));
    if (!status) status = cki_json_set(ctx, out, "best_bid", fl & 1 ? json_integer(cki_wire_get_i64(p, 8)) : json_null());
    if (!status) status = cki_json_set(ctx, out, "best_ask", fl & 2 ? json_integer(cki_wire_get_i64(p, 16)) : json_null());
    if (!status)
        status = cki_json_set(ctx, out, "last_trade_price", fl & 4 ? json_integer(cki_wire_get_i64(p, 24)) : json_null());
    if (!status) status = cki_json_set(ctx, out, "truncated", json_boolean(fl & 8));
    return status;
}

static ck_status_t l2_to(ck_ctx_t *ctx, const void *p, size_t len, json_t *out)
{
    if (len < SZ_L2_HEAD) return cki_invalid(ctx, "len", "book_l2 needs at least %d bytes, got %zu", SZ_L2_HEAD, len);
    const size_t nb = cki_wire_get_u32(p, 40), na = cki_wire_get_u32(p, 44);
    if (len != SZ_L2_HEAD + (nb + na) * SZ_L2_LEVEL)
        return cki_invalid(ctx, "len", "book_l2 with %zu + %zu levels has %zu bytes, got %zu", nb, na,
                           SZ_L2_HEAD + (nb + na) * SZ_L2_LEVEL, len);
    ck_status_t status = book_head_to(ctx, p, out);
    if (!status) status = cki_json_set(ctx, out, "volume", json_integer(cki_wire_get_i64(p, 32)));
    for (int side = 0; side < 2 && !status; side++) {
        json_t *arr = json_array();
        const size_t n = side ? na : nb, base = SZ_L2_HEAD + (side ? nb : 0) * SZ_L2_LEVEL;
        for (size_t i = 0; arr && i < n; i++) {
            const size_t o = base + i * SZ_L2_LEVEL;
            json_t *row = json_pack("{sIsIsI}", "price", (json_int_t)cki_wire_get_i64(p, o), "quantity",
                                    (json_int_t)cki_wire_get_i64(p, o + 8), "order_count",
                                    (json_int_t)cki_wire_get_u64(p, o + 16));
            if (!row || json_array_append_new(arr, row)) {
                json_decref(arr);
                arr = NULL;
            }
        }
        status = cki_json_set(ctx, out, side ? "asks" : "bids", arr);
    }
    return status;
}

static ck_status_t l3_to(ck_ctx_t *ctx, const void *p, size_t len, json_t *out)
{
    if (len < SZ_L3_HEAD) return cki_invalid(ctx, "len", "book_l3 needs at least %d bytes, got %zu", SZ_L3_HEAD, len);
    const size_t nb = cki_wire_get_u32(p, 40), na = cki_wire_get_u32(p, 44);
    if (len != SZ_L3_HEAD + (nb + na) * SZ_L3_ORDER)
        return cki_invalid(ctx, "len", "book_l3 with %zu + %zu orders has %zu bytes, got %zu", nb, na,
                           SZ_L3_HEAD + (nb + na) * SZ_L3_ORDER, len);
    ck_status_t status = book_head_to(ctx, p, out);
    if (!status) status = cki_json_set(ctx, out, "bid_orders", json_integer(cki_wire_get_u32(p, 32)));
    if (!status) status = cki_json_set(ctx, out, "ask_orders", json_integer(cki_wire_get_u32(p, 36)));
    for (int side = 0; side < 2 && !status; side++) {
        json_t *arr = json_array();
        const size_t n = side ? na : nb, base = SZ_L3_HEAD + (side ? nb : 0) * SZ_L3_ORDER;
        for (size_t i = 0; arr && i < n; i++) {
            const size_t o = base + i * SZ_L3_ORDER;
            json_t *row = json_pack("{sIsIsIsIsI}", "order_id", (json_int_t)cki_wire_get_u64(p, o), "price",
                                    (json_int_t)cki_wire_get_i64(p, o + 8), "remaining",
                                    (json_int_t)cki_wire_get_i64(p, o + 16), "seq", (json_int_t)cki_wire_get_u64(p, o + 24),
                                    "trader_id", (json_int_t)cki_wire_get_u64(p, o + 32));
            if (!row || json_array_append_new(arr, row)) {
                json_decref(arr);
                arr = NULL;
            }
        }
        status = cki_json_set(ctx, out, side ? "asks" : "bids", arr);
    }
    return status;
}

static ck_status_t empty_from(ck_ctx_t *ctx, const json_t *msg, void *buf, size_t cap, size_t *len)
{
    (void)buf;
    (void)cap;
    ck_status_t status = check_keys(ctx, msg, NULL, 0);
    if (CK_IS_ERROR(status)) return status;
    *len = 0;
    return CK_OK;
}

static ck_status_t empty_to(ck_ctx_t *ctx, const void *payload, size_t len, json_t *out)
{
    (void)payload;
    (void)out;
    if (len) return cki_invalid(ctx, "len", "expected an empty payload, got %zu bytes", len);
    return CK_OK;
}

static const ck_msg_type_t ob_types[] = {
    {T_SUBMIT, "submit_order", T_ORDER_REPORT, submit_from, submit_to},
    {T_ORDER_REPORT, "order_report", 0, report_from, report_to},
    {T_TRADE, "trade", 0, trade_from, trade_to},
    {T_REPLACE, "replace_order", T_REPLACE_REPORT, replace_from, replace_to},
    {T_REPLACE_REPORT, "replace_report", 0, replace_report_from, replace_report_to},
    {T_CANCEL, "cancel_order", T_CANCEL_REPORT, cancel_from, cancel_to},
    {T_CANCEL_REPORT, "cancel_report", 0, cancel_report_from, cancel_report_to},
    {T_QUERY_L2, "query_l2", T_BOOK_L2, query_l2_from, query_l2_to},
    {T_BOOK_L2, "book_l2", 0, NULL, l2_to},
    {T_QUERY_L3, "query_l3", T_BOOK_L3, query_l3_from, query_l3_to},
    {T_BOOK_L3, "book_l3", 0, NULL, l3_to},
    {T_END_SESSION, "end_session", T_SESSION_REPORT, end_from, end_to},
    {T_SESSION_REPORT, "session_report", 0, session_report_from, session_report_to},
    {T_CONFIGURE, "configure_symbol", T_CONFIGURED, configure_from, configure_to},
    {T_CONFIGURED, "symbol_configured", 0, configured_from, configured_to},
    {T_QUERY_ORDER, "query_order", T_ORDER_STATE, query_order_from, query_order_to},
    {T_ORDER_STATE, "order_state", 0, order_state_from, order_state_to},
    {T_RESET, "reset", T_RESET_DONE, empty_from, empty_to},
    {T_RESET_DONE, "reset_done", 0, empty_from, empty_to},
};

/* ---------------------------------------------------------------- the actor */

typedef struct ob_actor {
    ck_ob_engine_t *e;
    ck_ob_symbol_config_t *cfg; /* the configured symbols, re-applied on reset */
    size_t n_cfg;
    ck_actor_call_t *call;      /* during handle() */
    ck_status_t pub_status;     /* first failed publish of this message */
    uint8_t *buf;               /* reply scratch, OBA_REPLY_MAX bytes */
    ck_ob_level_t *lv;          /* OBA_L2_MAX levels */
    ck_ob_l3_order_t *l3;       /* OBA_L3_MAX orders */
} ob_actor_t;

static void ob_destroy(ck_ctx_t *ctx, void *state)
{
    ob_actor_t *a = state;
    if (!a) return;
    if (a->e) cki_ob_engine_use_ctx(a->e, ctx);
    ck_ob_engine_destroy(&a->e);
    cki_free(ctx, a->cfg);
    cki_free(ctx, a->buf);
    cki_free(ctx, a->lv);
    cki_free(ctx, a->l3);
    cki_free(ctx, a);
}

static ck_status_t apply_config(ob_actor_t *a)
{
    for (size_t i = 0; i < a->n_cfg; i++) {
        ck_status_t status = ck_ob_configure_symbol(a->e, &a->cfg[i]);
        if (CK_IS_ERROR(status)) return status;
    }
    return CK_OK;
}

static ck_status_t ob_create(ck_ctx_t *ctx, const json_t *config, void **state)
{
    ck_status_t status = CK_OK;
    ob_actor_t *a = cki_calloc(ctx, 1, sizeof *a);
    if (!a) return cki_nomem(ctx);
    if (config && !json_is_object(config)) {
        status = cki_invalid(ctx, "config", "must be an object");
        goto cleanup;
    }
    const char *key;
    json_t *v;
    int64_t reserve = 1024;
    if (config) json_object_foreach((json_t *)config, key, v) {
        char f[96];
        snprintf(f, sizeof f, "config.%s", key);
        if (!strcmp(key, "symbols")) continue;
        if (!strcmp(key, "reserve_orders")) {
            CK_TRY(cki_ob_json_i64(ctx, v, f, &reserve));
            if (reserve < 0 || reserve > (INT64_C(1) << 30)) {
                status = cki_invalid(ctx, f, "out of range 0..2^30");
                goto cleanup;
            }
            continue;
        }
        status = cki_invalid(ctx, f, "unknown field (symbols, reserve_orders)");
        goto cleanup;
    }
    CK_TRY(ck_ob_engine_create(ctx, &a->e));
    const json_t *syms = config ? json_object_get(config, "symbols") : NULL;
    CK_TRY(cki_ob_symbols_from_json(ctx, a->e, syms, "config.symbols"));
    a->n_cfg = json_array_size(syms);
    a->cfg = cki_mallocarray(ctx, a->n_cfg + 1, sizeof *a->cfg);
    a->buf = cki_malloc(ctx, OBA_REPLY_MAX);
    a->lv = cki_mallocarray(ctx, OBA_L2_MAX, sizeof *a->lv);
    a->l3 = cki_mallocarray(ctx, OBA_L3_MAX, sizeof *a->l3);
    if (!a->cfg || !a->buf || !a->lv || !a->l3) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (size_t i = 0; i < a->n_cfg; i++)
        CK_TRY(cki_ob_symbol_from_json(ctx, json_array_get(syms, i), "config.symbols", &a->cfg[i]));
    CK_TRY(ck_ob_engine_reserve(a->e, reserve));
    *state = a;
    return CK_OK;
cleanup:
    ob_destroy(ctx, a);
    return status;
}

/* Trades go to the client as 502 while the engine runs (before the operation's report). */
static void on_event(void *user, const ck_ob_event_t *ev)
{
    ob_actor_t *a = user;
    if (ev->type != CK_OB_EV_TRADE || a->pub_status) return;
    const ck_ob_trade_t *t = ev->trade;
    uint8_t p[SZ_TRADE] = {0};
    put_at(p, 0, t->trade_id, 8);
    put_at(p, 8, t->symbol_id, 4);
    p[12] = (uint8_t)t->aggressor;
    p[13] = t->self_trade;
    put_at(p, 16, (uint64_t)t->price, 8);
    put_at(p, 24, (uint64_t)t->quantity, 8);
    put_at(p, 32, t->buy_order_id, 8);
    put_at(p, 40, t->sell_order_id, 8);
    put_at(p, 48, t->maker_order_id, 8);
    put_at(p, 56, t->taker_order_id, 8);
    put_at(p, 64, t->buy_trader_id, 8);
    put_at(p, 72, t->sell_trader_id, 8);
    a->pub_status = ck_actor_publish(a->call, T_TRADE, p, sizeof p);
}

static size_t encode_report(uint8_t *p, const ck_ob_report_t *r, bool replace)
{
    memset(p, 0, SZ_REPLACE_REPORT);
    put_at(p, 0, r->order_id, 8);
    p[8] = (uint8_t)r->status;
    p[9] = (uint8_t)r->reject;
    put_at(p, 16, r->seq, 8);
    put_at(p, 24, (uint64_t)r->filled, 8);
    put_at(p, 32, (uint64_t)r->remaining, 8);
    put_i128(p, 40, r->notional);
    put_at(p, 56, r->trade_count, 8);
    put_at(p, 64, (uint64_t)r->cancelled_quantity, 8);
    if (!replace) return SZ_REPORT;
    p[72] = r->priority_kept;
    return SZ_REPLACE_REPORT;
}

static ck_status_t expect_len(ck_ctx_t *ctx, size_t len, size_t want, const char *name)
{
    if (len == want) return CK_OK;
    return cki_invalid(ctx, "len", "%s carries %zu bytes, got %zu", name, want, len);
}

/* Book head shared by 531 and 533: symbol_id, flags, best bid/ask, last, then per layout. */
static void book_head(uint8_t *p, uint32_t sym, const ck_ob_book_info_t *in, bool truncated)
{
    put_at(p, 0, sym, 4);
    p[4] = (uint8_t)((in->has_bid ? 1 : 0) | (in->has_ask ? 2 : 0) | (in->has_last ? 4 : 0) | (truncated ? 8 : 0));
    put_at(p, 8, (uint64_t)(in->has_bid ? in->best_bid : 0), 8);
    put_at(p, 16, (uint64_t)(in->has_ask ? in->best_ask : 0), 8);
    put_at(p, 24, (uint64_t)(in->has_last ? in->last_trade_price : 0), 8);
}

/* Split `room` entries between two sides wanting nb and na. */
static void split(size_t room, size_t *nb, size_t *na)
{
    if (*nb + *na <= room) return;
    const size_t half = room / 2;
    if (*nb <= half) *na = room - *nb;
    else if (*na <= room - half) *nb = room - *na;
    else {
        *nb = half;
        *na = room - half;
    }
}

static ck_status_t handle_l2(ob_actor_t *a, ck_ctx_t *ctx, ck_actor_call_t *call, const void *payload)
{
    const uint32_t sym = cki_wire_get_u32(payload, 0), depth = cki_wire_get_u32(payload, 4);
    size_t cap = ck_actor_call_max_payload(call);
    if (cap > OBA_REPLY_MAX) cap = OBA_REPLY_MAX;
    if (cap < SZ_L2_HEAD) return cki_invalid(ctx, "len", "the runtime's slots are too small for book_l2");
    const size_t room = (cap - SZ_L2_HEAD) / SZ_L2_LEVEL;
    ck_ob_book_info_t info;
    size_t nb = 0, na = 0;
    ck_ob_l2(a->e, sym, 0, NULL, 0, &nb, NULL, 0, &na, &info);
    size_t wb = (size_t)info.bid_levels, wa = (size_t)info.ask_levels;
    if (depth) {
        if (wb > depth) wb = depth;
        if (wa > depth) wa = depth;
    }
    const size_t want = wb + wa;
    split(room, &wb, &wa);
    ck_ob_level_t *bl = a->lv, *al = a->lv + wb;
    ck_ob_l2(a->e, sym, 0, bl, wb, &nb, al, wa, &na, &info);
    uint8_t *p = a->buf;
    memset(p, 0, SZ_L2_HEAD);
    book_head(p, sym, &info, nb + na < want);
    put_at(p, 32, (uint64_t)info.volume, 8);
    put_at(p, 40, nb, 4);
    put_at(p, 44, na, 4);
    size_t o = SZ_L2_HEAD;
    for (size_t i = 0; i < nb + na; i++, o += SZ_L2_LEVEL) {
        const ck_ob_level_t *l = i < nb ? &bl[i] : &al[i - nb];
        put_at(p, o, (uint64_t)l->price, 8);
        put_at(p, o + 8, (uint64_t)l->quantity, 8);
        put_at(p, o + 16, (uint64_t)l->order_count, 8);
    }
    return ck_actor_reply(call, T_BOOK_L2, p, o);
}

static ck_status_t handle_l3(ob_actor_t *a, ck_ctx_t *ctx, ck_actor_call_t *call, const void *payload)
{
    const uint32_t sym = cki_wire_get_u32(payload, 0), max_orders = cki_wire_get_u32(payload, 4);
    size_t cap = ck_actor_call_max_payload(call);
    if (cap > OBA_REPLY_MAX) cap = OBA_REPLY_MAX;
    if (cap < SZ_L3_HEAD) return cki_invalid(ctx, "len", "the runtime's slots are too small for book_l3");
    size_t room = (cap - SZ_L3_HEAD) / SZ_L3_ORDER;
    if (max_orders && room > max_orders) room = max_orders;
    ck_ob_book_info_t info;
    size_t nb = 0, na = 0;
    ck_ob_l3(a->e, sym, 0, NULL, 0, &nb, NULL, 0, &na, &info);
    size_t wb = (size_t)info.bid_orders, wa = (size_t)info.ask_orders;
    const size_t want = wb + wa;
    split(room, &wb, &wa);
    ck_ob_l3_order_t *bo = a->l3, *ao = a->l3 + wb;
    ck_ob_l3(a->e, sym, 0, bo, wb, &nb, ao, wa, &na, &info);
    uint8_t *p = a->buf;
    memset(p, 0, SZ_L3_HEAD);
    book_head(p, sym, &info, nb + na < want);
    put_at(p, 32, (uint64_t)info.bid_orders, 4);
    put_at(p, 36, (uint64_t)info.ask_orders, 4);
    put_at(p, 40, nb, 4);
    put_at(p, 44, na, 4);
    size_t o = SZ_L3_HEAD;
    for (size_t i = 0; i < nb + na; i++, o += SZ_L3_ORDER) {
        const ck_ob_l3_order_t *x = i < nb ? &bo[i] : &ao[i - nb];
        put_at(p, o, x->order_id, 8);
        put_at(p, o + 8, (uint64_t)x->price, 8);
        put_at(p, o + 16, (uint64_t)x->remaining, 8);
        put_at(p, o + 24, x->seq, 8);
        put_at(p, o + 32, x->trader_id, 8);
    }
    return ck_actor_reply(call, T_BOOK_L3, p, o);
}

static ck_status_t ob_handle(ck_ctx_t *ctx, void *state, ck_actor_call_t *call, uint32_t type_id, const void *payload,
                             size_t len)
{
    ob_actor_t *a = state;
    ck_status_t status;
    uint8_t *p = a->buf;
    cki_ob_engine_use_ctx(a->e, ctx);
    a->call = call;
    a->pub_status = CK_OK;
    const ck_ob_sink_t sink = {on_event, a};
    ck_ob_report_t rep;
    switch (type_id) {
    case T_SUBMIT: {
        ck_ob_order_t o;
        if ((status = decode_order(ctx, payload, len, &o))) return status;
        if ((status = ck_ob_submit(a->e, &o, &sink, &rep))) return status;
        if (a->pub_status) return a->pub_status;
        return ck_actor_reply(call, T_ORDER_REPORT, p, encode_report(p, &rep, false));
    }
    case T_REPLACE: {
        if ((status = expect_len(ctx, len, SZ_REPLACE, "replace_order"))) return status;
        ck_ob_replace_t r = {.order_id = cki_wire_get_u64(payload, 0)};
        const uint8_t hq = cki_wire_get_u8(payload, 8), hp = cki_wire_get_u8(payload, 9), hs = cki_wire_get_u8(payload, 10);
        if (hq > 1 || hp > 1 || hs > 1) return cki_invalid(ctx, "has_quantity", "presence flags must be 0 or 1");
        r.has_quantity = hq;
        r.has_price = hp;
        r.has_stop_price = hs;
        r.new_quantity = cki_wire_get_i64(payload, 16);
        r.new_price = cki_wire_get_i64(payload, 24);
        r.new_stop_price = cki_wire_get_i64(payload, 32);
        if ((status = ck_ob_replace(a->e, &r, &sink, &rep))) return status;
        if (a->pub_status) return a->pub_status;
        return ck_actor_reply(call, T_REPLACE_REPORT, p, encode_report(p, &rep, true));
    }
    case T_CANCEL: {
        if ((status = expect_len(ctx, len, SZ_CANCEL, "cancel_order"))) return status;
        if ((status = ck_ob_cancel(a->e, cki_wire_get_u64(payload, 0), NULL, &rep))) return status;
        memset(p, 0, SZ_CANCEL_REPORT);
        put_at(p, 0, rep.order_id, 8);
        p[8] = rep.status != CK_OB_REJECTED;
        p[9] = (uint8_t)rep.reject;
        put_at(p, 16, (uint64_t)rep.cancelled_quantity, 8);
        return ck_actor_reply(call, T_CANCEL_REPORT, p, SZ_CANCEL_REPORT);
    }
    case T_QUERY_L2:
        if ((status = expect_len(ctx, len, SZ_QUERY_BOOK, "query_l2"))) return status;
        return handle_l2(a, ctx, call, payload);
    case T_QUERY_L3:
        if ((status = expect_len(ctx, len, SZ_QUERY_BOOK, "query_l3"))) return status;
        return handle_l3(a, ctx, call, payload);
    case T_END_SESSION: {
        if ((status = expect_len(ctx, len, SZ_END_SESSION, "end_session"))) return status;
        const uint8_t all = cki_wire_get_u8(payload, 0);
        if (all > 1) return cki_invalid(ctx, "all", "value %u is not 0 or 1", all);
        int64_t n = 0;
        if ((status = ck_ob_end_session(a->e, all, cki_wire_get_u32(payload, 4), NULL, &n))) return status;
        put_at(p, 0, (uint64_t)n, 8);
        return ck_actor_reply(call, T_SESSION_REPORT, p, SZ_SESSION_REPORT);
    }
    case T_CONFIGURE: {
        ck_ob_symbol_config_t c, old;
        if ((status = decode_config(ctx, payload, len, &c))) return status;
        const bool created = ck_ob_symbol_config(a->e, c.symbol_id, &old) != CK_OK;
        if ((status = ck_ob_configure_symbol(a->e, &c))) return status;
        memset(p, 0, SZ_CONFIGURED);
        put_at(p, 0, c.symbol_id, 4);
        p[4] = created;
        return ck_actor_reply(call, T_CONFIGURED, p, SZ_CONFIGURED);
    }
    case T_QUERY_ORDER: {
        if ((status = expect_len(ctx, len, SZ_QUERY_ORDER, "query_order"))) return status;
        const uint64_t id = cki_wire_get_u64(payload, 0);
        ck_ob_order_state_t s;
        memset(p, 0, SZ_ORDER_STATE);
        put_at(p, 0, id, 8);
        if (ck_ob_order_state(a->e, id, &s) == CK_OK) {
            p[8] = 1;
            p[9] = (uint8_t)s.status;
            p[10] = (uint8_t)s.side;
            p[11] = (uint8_t)s.type;
            p[12] = (uint8_t)s.tif;
            p[13] = s.resting;
            p[14] = s.waiting;
            put_at(p, 16, s.symbol_id, 4);
            put_at(p, 24, s.seq, 8);
            put_at(p, 32, s.trader_id, 8);
            put_at(p, 40, (uint64_t)s.price, 8);
            put_at(p, 48, (uint64_t)s.stop_price, 8);
            put_at(p, 56, (uint64_t)s.quantity, 8);
            put_at(p, 64, (uint64_t)s.filled, 8);
            put_at(p, 72, (uint64_t)s.remaining, 8);
            put_at(p, 80, (uint64_t)s.cancelled, 8);
            put_at(p, 88, (uint64_t)s.expired, 8);
            put_i128(p, 96, s.notional);
            put_at(p, 112, s.trade_count, 8);
            put_at(p, 120, (uint64_t)s.timestamp, 8);
        }
        return ck_actor_reply(call, T_ORDER_STATE, p, SZ_ORDER_STATE);
    }
    case T_RESET:
        if ((status = expect_len(ctx, len, 0, "reset"))) return status;
        ck_ob_engine_reset(a->e);
        if ((status = apply_config(a))) return status;
        return ck_actor_reply(call, T_RESET_DONE, NULL, 0);
    default:
        return cki_invalid(ctx, "type_id", "orderbook/matching does not handle type %u", type_id);
    }
}

static ck_status_t ob_snapshot(ck_ctx_t *ctx, const void *state, json_t **out)
{
    const ob_actor_t *a = state;
    ck_ob_stats_t st;
    ck_ob_stats(a->e, &st);
    json_t *j = json_pack("{s{sIsIsIsIsIsIsIsIsI}s[]}", "stats", "messages", (json_int_t)st.messages, "accepted",
                          (json_int_t)st.accepted, "rejected", (json_int_t)st.rejected, "trades", (json_int_t)st.trades,
                          "volume", (json_int_t)st.volume, "last_seq", (json_int_t)st.last_seq, "live_orders",
                          (json_int_t)st.live_orders, "resting_orders", (json_int_t)st.resting_orders, "waiting_stops",
                          (json_int_t)st.waiting_stops, "books");
    if (!j) return cki_nomem(ctx);
    const size_t ns = ck_ob_symbols(a->e, NULL, 0);
    uint32_t *ids = cki_mallocarray(ctx, ns + 1, sizeof *ids);
    if (!ids) {
        json_decref(j);
        return cki_nomem(ctx);
    }
    ck_ob_symbols(a->e, ids, ns);
    ck_status_t status = CK_OK;
    for (size_t i = 0; i < ns && !status; i++) {
        json_t *b = NULL;
        status = cki_ob_l2_json(ctx, a->e, ids[i], 10, &b);
        if (!status && json_array_append_new(json_object_get(j, "books"), b)) status = cki_nomem(ctx);
    }
    cki_free(ctx, ids);
    if (status) {
        json_decref(j);
        return status;
    }
    *out = j;
    return CK_OK;
}

const ck_actor_class_t cki_orderbook_actor_class = {
    .kernel_id = "orderbook/matching",
    .create = ob_create,
    .destroy = ob_destroy,
    .handle = ob_handle,
    .snapshot = ob_snapshot,
    .types = ob_types,
    .n_types = N_(ob_types),
};
