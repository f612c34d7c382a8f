/* CKernels — ring mode, lowest layer: SPSC ring, CRC32C, hybrid logical clock, message codec.
 * See include/ckernels/ring.h and docs/ring.md. */
#include "ckernels/ring.h"

#include <assert.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define CACHE_LINE 64

/* ---- SPSC ring ------------------------------------------------------------------------------ */

/* Indices run freely (64 bits never wrap in practice); slot = index & mask. Each side owns one
 * cache line: its own index plus a cached copy of the other side's index, refreshed only when the
 * cached value says full/empty, so the lines are not bounced on every call. */
struct ck_ring {
    alignas(CACHE_LINE) ck_ctx_t *ctx; /* owner: its allocator frees `raw` */
    void *raw;                         /* what the allocator returned (base is aligned by hand) */
    unsigned char *slots;
    uint64_t mask;
    size_t slot_size;
    int64_t capacity;
    alignas(CACHE_LINE) _Atomic uint64_t tail; /* producer line: next index to write */
    uint64_t head_cache;
    bool reserved;
    alignas(CACHE_LINE) _Atomic uint64_t head; /* consumer line: next index to read */
    uint64_t tail_cache;
    alignas(CACHE_LINE) unsigned char end_pad[1]; /* keeps the consumer line to itself */
};

static_assert(offsetof(struct ck_ring, tail) % CACHE_LINE == 0, "tail on its own line");
static_assert(offsetof(struct ck_ring, head) - offsetof(struct ck_ring, tail) >= CACHE_LINE,
              "head and tail on separate lines");
static_assert(sizeof(struct ck_ring) % CACHE_LINE == 0, "slots start on a line");

static bool is_pow2(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

ck_status_t ck_ring_create(ck_ring_t **ring, ck_ctx_t *ctx, int64_t capacity_slots, int64_t slot_size)
{
    if (!ring) return cki_invalid(ctx, "ring", "must not be NULL");
    *ring = NULL;
    if (!ctx) return CK_E_INVALID_INPUT; /* the owner's allocator is required */
    if (!is_pow2(capacity_slots) || capacity_slots > CK_RING_MAX_CAPACITY)
        return cki_invalid(ctx, "capacity_slots", "must be a power of two in 1..%lld, got %lld",
                           (long long)CK_RING_MAX_CAPACITY, (long long)capacity_slots);
    if (slot_size < CK_RING_SLOT_ALIGN || slot_size > CK_RING_MAX_SLOT_SIZE ||
        slot_size % CK_RING_SLOT_ALIGN != 0)
        return cki_invalid(ctx, "slot_size", "must be a multiple of %d in %d..%lld, got %lld",
                           CK_RING_SLOT_ALIGN, CK_RING_SLOT_ALIGN, (long long)CK_RING_MAX_SLOT_SIZE,
                           (long long)slot_size);
    /* 2^30 * 2^24 = 2^54 bytes: representable on 64-bit, may overflow size_t elsewhere. */
    uint64_t slot_bytes = (uint64_t)capacity_slots * (uint64_t)slot_size;
    uint64_t total = slot_bytes + sizeof(struct ck_ring) + CACHE_LINE - 1;
    if (total > SIZE_MAX)
        return cki_invalid(ctx, "capacity_slots", "capacity_slots * slot_size is too large");
    void *raw = cki_malloc(ctx, (size_t)total);
    if (!raw) return cki_nomem(ctx);
    uintptr_t base = ((uintptr_t)raw + CACHE_LINE - 1) & ~(uintptr_t)(CACHE_LINE - 1);
    ck_ring_t *r = (ck_ring_t *)base;
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->raw = raw;
    r->slots = (unsigned char *)base + sizeof(struct ck_ring);
    r->mask = (uint64_t)capacity_slots - 1;
    r->slot_size = (size_t)slot_size;
    r->capacity = capacity_slots;
    atomic_init(&r->tail, 0);
    atomic_init(&r->head, 0);
    *ring = r;
    return CK_OK;
}

void ck_ring_destroy(ck_ring_t **ring)
{
    if (!ring || !*ring) return;
    ck_ring_t *r = *ring;
    cki_free(r->ctx, r->raw);
    *ring = NULL;
}

static size_t max_message(const ck_ring_t *r) { return r->slot_size - CK_RING_SLOT_HEADER; }

/* Producer: the slot at the tail when one is free, else NULL. */
static unsigned char *free_slot(ck_ring_t *r, uint64_t *tail)
{
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (t - r->head_cache > r->mask) {
        /* Acquire pairs with the consumer's release of head: it has finished reading the slot. */
        r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
        if (t - r->head_cache > r->mask) return NULL;
    }
    *tail = t;
    return r->slots + (t & r->mask) * r->slot_size;
}

static void publish(ck_ring_t *r, unsigned char *slot, uint64_t t, size_t len)
{
    uint64_t l = len;
    memcpy(slot, &l, sizeof l);
    /* Release: the length and message bytes are visible before the new tail. */
    atomic_store_explicit(&r->tail, t + 1, memory_order_release);
}

ck_status_t ck_ring_try_push(ck_ctx_t *ctx, ck_ring_t *ring, const void *msg, size_t len)
{
    if (!ring) return cki_invalid(ctx, "ring", "must not be NULL");
    if (len > max_message(ring))
        return cki_invalid(ctx, "len", "message of %zu bytes exceeds the slot's %zu", len,
                           max_message(ring));
    if (len > 0 && !msg) return cki_invalid(ctx, "msg", "must not be NULL");
    if (ring->reserved) return cki_error(ctx, CK_E_STATE, "ring", "a reserved slot is not committed");
    uint64_t t;
    unsigned char *slot = free_slot(ring, &t);
    if (!slot) return CK_E_QUEUE_FULL;
    if (len > 0) memcpy(slot + CK_RING_SLOT_HEADER, msg, len);
    publish(ring, slot, t, len);
    return CK_OK;
}

ck_status_t ck_ring_reserve(ck_ctx_t *ctx, ck_ring_t *ring, void **slot)
{
    if (!slot) return cki_invalid(ctx, "slot", "must not be NULL");
    *slot = NULL;
    if (!ring) return cki_invalid(ctx, "ring", "must not be NULL");
    uint64_t t;
    unsigned char *s = free_slot(ring, &t);
    if (!s) return CK_E_QUEUE_FULL;
    ring->reserved = true;
    *slot = s + CK_RING_SLOT_HEADER;
    return CK_OK;
}

ck_status_t ck_ring_commit(ck_ctx_t *ctx, ck_ring_t *ring, size_t len)
{
    if (!ring) return cki_invalid(ctx, "ring", "must not be NULL");
    if (!ring->reserved) return cki_error(ctx, CK_E_STATE, "ring", "commit without a reserved slot");
    if (len > max_message(ring))
        return cki_invalid(ctx, "len", "message of %zu bytes exceeds the slot's %zu", len,
                           max_message(ring));
    uint64_t t = atomic_load_explicit(&ring->tail, memory_order_relaxed);
    ring->reserved = false;
    publish(ring, ring->slots + (t & ring->mask) * ring->slot_size, t, len);
    return CK_OK;
}

/* Consumer: the slot at the head when a message is there, else NULL. */
static const unsigned char *full_slot(ck_ring_t *r, uint64_t *head)
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    if (h == r->tail_cache) {
        /* Acquire pairs with the producer's release of tail: the slot's bytes are visible. */
        r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (h == r->tail_cache) return NULL;
    }
    *head = h;
    return r->slots + (h & r->mask) * r->slot_size;
}

static size_t slot_len(const unsigned char *slot)
{
    uint64_t l;
    memcpy(&l, slot, sizeof l);
    return (size_t)l;
}

ck_status_t ck_ring_try_pop(ck_ctx_t *ctx, ck_ring_t *ring, void *out, size_t cap, size_t *len,
                            bool *got)
{
    if (!len) return cki_invalid(ctx, "len", "must not be NULL");
    if (!got) return cki_invalid(ctx, "got", "must not be NULL");
    *len = 0;
    *got = false;
    if (!ring) return cki_invalid(ctx, "ring", "must not be NULL");
    if (cap > 0 && !out) return cki_invalid(ctx, "out", "must not be NULL");
    uint64_t h;
    const unsigned char *slot = full_slot(ring, &h);
    if (!slot) return CK_OK;
    size_t l = slot_len(slot);
    *len = l;
    if (l > cap) return cki_invalid(ctx, "cap", "message of %zu bytes does not fit in %zu", l, cap);
    if (l > 0) memcpy(out, slot + CK_RING_SLOT_HEADER, l);
    /* Release: we are done reading the slot before the producer may reuse it. */
    atomic_store_explicit(&ring->head, h + 1, memory_order_release);
    *got = true;
    return CK_OK;
}

ck_status_t ck_ring_peek(ck_ctx_t *ctx, ck_ring_t *ring, const void **msg, size_t *len, bool *got)
{
    if (!msg) return cki_invalid(ctx, "msg", "must not be NULL");
    if (!len) return cki_invalid(ctx, "len", "must not be NULL");
    if (!got) return cki_invalid(ctx, "got", "must not be NULL");
    *msg = NULL;
    *len = 0;
    *got = false;
    if (!ring) return cki_invalid(ctx, "ring", "must not be NULL");
    uint64_t h;
    const unsigned char *slot = full_slot(ring, &h);
    if (!slot) return CK_OK;
    *len = slot_len(slot);
    *msg = slot + CK_RING_SLOT_HEADER;
    *got = true;
    return CK_OK;
}

ck_status_t ck_ring_release(ck_ctx_t *ctx, ck_ring_t *ring)
{
    if (!ring) return cki_invalid(ctx, "ring", "must not be NULL");
    uint64_t h;
    if (!full_slot(ring, &h)) return cki_error(ctx, CK_E_STATE, "ring", "release on an empty ring");
    atomic_store_explicit(&ring->head, h + 1, memory_order_release);
    return CK_OK;
}

int64_t ck_ring_capacity(const ck_ring_t *ring) { return ring ? ring->capacity : 0; }

int64_t ck_ring_size(const ck_ring_t *ring)
{
    if (!ring) return 0;
    ck_ring_t *r = (ck_ring_t *)ring; /* atomic loads do not modify; C11 wants non-const */
    /* Head first: tail only grows, so tail - head >= 0 for this snapshot. */
    uint64_t h = atomic_load_explicit(&r->head, memory_order_acquire);
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
    uint64_t n = t - h;
    return n > (uint64_t)r->capacity ? r->capacity : (int64_t)n;
}

size_t ck_ring_max_message(const ck_ring_t *ring) { return ring ? max_message(ring) : 0; }

/* ---- CRC32C --------------------------------------------------------------------------------- */

/* Slicing-by-8 tables for the reflected polynomial 0x82F63B78: table[0][i] is the CRC of byte i,
 * table[k][i] = (table[k-1][i] >> 8) ^ table[0][table[k-1][i] & 0xFF]. Generated once offline;
 * tests check them against the bitwise definition and the RFC 3720 vectors. */
static const uint32_t crc32c_table[8][256] = {
    {
        0x00000000u, 0xF26B8303u, 0xE13B70F7u, 0x1350F3F4u, 0xC79A971Fu, 0x35F1141Cu,
        0x26A1E7E8u, 0xD4CA64EBu, 0x8AD958CFu, 0x78B2DBCCu, 0x6BE22838u, 0x9989AB3Bu,
        0x4D43CFD0u, 0xBF284CD3u, 0xAC78BF27u, 0x5E133C24u, 0x105EC76Fu, 0xE235446Cu,
        0xF165B798u, 0x030E349Bu, 0xD7C45070u, 0x25AFD373u, 0x36FF2087u, 0xC494A384u,
        0x9A879FA0u, 0x68EC1CA3u, 0x7BBCEF57u, 0x89D76C54u, 0x5D1D08BFu, 0xAF768BBCu,
        0xBC267848u, 0x4E4DFB4Bu, 0x20BD8EDEu, 0xD2D60DDDu, 0xC186FE29u, 0x33ED7D2Au,
        0xE72719C1u, 0x154C9AC2u, 0x061C6936u, 0xF477EA35u, 0xAA64D611u, 0x580F5512u,
        0x4B5FA6E6u, 0xB93425E5u, 0x6DFE410Eu, 0x9F95C20Du, 0x8CC531F9u, 0x7EAEB2FAu,
        0x30E349B1u, 0xC288CAB2u, 0xD1D83946u, 0x23B3BA45u, 0xF779DEAEu, 0x05125DADu,
        0x1642AE59u, 0xE4292D5Au, 0xBA3A117Eu, 0x4851927Du, 0x5B016189u, 0xA96AE28Au,
        0x7DA08661u, 0x8FCB0562u, 0x9C9BF696u, 0x6EF07595u, 0x417B1DBCu, 0xB3109EBFu,
        0xA0406D4Bu, 0x522BEE48u, 0x86E18AA3u, 0x748A09A0u, 0x67DAFA54u, 0x95B17957u,
        0xCBA24573u, 0x39C9C670u, 0x2A993584u, 0xD8F2B687u, 0x0C38D26Cu, 0xFE53516Fu,
        0xED03A29Bu, 0x1F682198u, 0x5125DAD3u, 0xA34E59D0u, 0xB01EAA24u, 0x42752927u,
        0x96BF4DCCu, 0x64D4CECFu, 0x77843D3Bu, 0x85EFBE38u, 0xDBFC821Cu, 0x2997011Fu,
        0x3AC7F2EBu, 0xC8AC71E8u, 0x1C661503u, 0xEE0D9600u, 0xFD5D65F4u, 0x0F36E6F7u,
        0x61C69362u, 0x93AD1061u, 0x80FDE395u, 0x72966096u, 0xA65C047Du, 0x5437877Eu,
        0x4767748Au, 0xB50CF789u, 0xEB1FCBADu, 0x197448AEu, 0x0A24BB5Au, 0xF84F3859u,
        0x2C855CB2u, 0xDEEEDFB1u, 0xCDBE2C45u, 0x3FD5AF46u, 0x7198540Du, 0x83F3D70Eu,
        0x90A324FAu, 0x62C8A7F9u, 0xB602C312u, 0x44694011u, 0x5739B3E5u, 0xA55230E6u,
        0xFB410CC2u, 0x092A8FC1u, 0x1A7A7C35u, 0xE811FF36u, 0x3CDB9BDDu, 0xCEB018DEu,
        0xDDE0EB2Au, 0x2F8B6829u, 0x82F63B78u, 0x709DB87Bu, 0x63CD4B8Fu, 0x91A6C88Cu,
        0x456CAC67u, 0xB7072F64u, 0xA457DC90u, 0x563C5F93u, 0x082F63B7u, 0xFA44E0B4u,
        0xE9141340u, 0x1B7F9043u, 0xCFB5F4A8u, 0x3DDE77ABu, 0x2E8E845Fu, 0xDCE5075Cu,
        0x92A8FC17u, 0x60C37F14u, 0x73938CE0u, 0x81F80FE3u, 0x55326B08u, 0xA759E80Bu,
        0xB4091BFFu, 0x466298FCu, 0x1871A4D8u, 0xEA1A27DBu, 0xF94AD42Fu, 0x0B21572Cu,
        0xDFEB33C7u, 0x2D80B0C4u, 0x3ED04330u, 0xCCBBC033u, 0xA24BB5A6u, 0x502036A5u,
        0x4370C551u, 0xB11B4652u, 0x65D122B9u, 0x97BAA1BAu, 0x84EA524Eu, 0x7681D14Du,
        0x2892ED69u, 0xDAF96E6Au, 0xC9A99D9Eu, 0x3BC21E9Du, 0xEF087A76u, 0x1D63F975u,
        0x0E330A81u, 0xFC588982u, 0xB21572C9u, 0x407EF1CAu, 0x532E023Eu, 0xA145813Du,
        0x758FE5D6u, 0x87E466D5u, 0x94B49521u, 0x66DF1622u, 0x38CC2A06u, 0xCAA7A905u,
        0xD9F75AF1u, 0x2B9CD9F2u, 0xFF56BD19u, 0x0D3D3E1Au, 0x1E6DCDEEu, 0xEC064EEDu,
        0xC38D26C4u, 0x31E6A5C7u, 0x22B65633u, 0xD0DDD530u, 0x0417B1DBu, 0xF67C32D8u,
        0xE52CC12Cu, 0x1747422Fu, 0x49547E0Bu, 0xBB3FFD08u, 0xA86F0EFCu, 0x5A048DFFu,
        0x8ECEE914u, 0x7CA56A17u, 0x6FF599E3u, 0x9D9E1AE0u, 0xD3D3E1ABu, 0x21B862A8u,
        0x32E8915Cu, 0xC083125Fu, 0x144976B4u, 0xE622F5B7u, 0xF5720643u, 0x07198540u,
        0x590AB964u, 0xAB613A67u, 0xB831C993u, 0x4A5A4A90u, 0x9E902E7Bu, 0x6CFBAD78u,
        0x7FAB5E8Cu, 0x8DC0DD8Fu, 0xE330A81Au, 0x115B2B19u, 0x020BD8EDu, 0xF0605BEEu,
        0x24AA3F05u, 0xD6C1BC06u, 0xC5914FF2u, 0x37FACCF1u, 0x69E9F0D5u, 0x9B8273D6u,
        0x88D28022u, 0x7AB90321u, 0xAE7367CAu, 0x5C18E4C9u, 0x4F48173Du, 0xBD23943Eu,
        0xF36E6F75u, 0x0105EC76u, 0x12551F82u, 0xE03E9C81u, 0x34F4F86Au, 0xC69F7B69u,
        0xD5CF889Du, 0x27A40B9Eu, 0x79B737BAu, 0x8BDCB4B9u, 0x988C474Du, 0x6AE7C44Eu,
        0xBE2DA0A5u, 0x4C4623A6u, 0x5F16D052u, 0xAD7D5351u,
    },
    {
        0x00000000u, 0x13A29877u, 0x274530EEu, 0x34E7A899u, 0x4E8A61DCu, 0x5D28F9ABu,
        0x69CF5132u, 0x7A6DC945u, 0x9D14C3B8u, 0x8EB65BCFu, 0xBA51F356u, 0xA9F36B21u,
        0xD39EA264u, 0xC03C3A13u, 0xF4DB928Au, 0xE7790AFDu, 0x3FC5F181u, 0x2C6769F6u,
        0x1880C16Fu, 0x0B225918u, 0x714F905Du, 0x62ED082Au, 0x560AA0B3u, 0x45A838C4u,
        0xA2D13239u, 0xB173AA4Eu, 0x859402D7u, 0x96369AA0u, 0xEC5B53E5u, 0xFFF9CB92u,
        0xCB1E630Bu, 0xD8BCFB7Cu, 0x7F8BE302u, 0x6C297B75u, 0x58CED3ECu, 0x4B6C4B9Bu,
        0x310182DEu, 0x22A31AA9u, 0x1644B230u, 0x05E62A47u, 0xE29F20BAu, 0xF13DB8CDu,
        0xC5DA1054u, 0xD6788823u, 0xAC154166u, 0xBFB7D911u, 0x8B507188u, 0x98F2E9FFu,
        0x404E1283u, 0x53EC8AF4u, 0x670B226Du, 0x74A9BA1Au, 0x0EC4735Fu, 0x1D66EB28u,
        0x298143B1u, 0x3A23DBC6u, 0xDD5AD13Bu, 0xCEF8494Cu, 0xFA1FE1D5u, 0xE9BD79A2u,
        0x93D0B0E7u, 0x80722890u, 0xB4958009u, 0xA737187Eu, 0xFF17C604u, 0xECB55E73u,
        0xD852F6EAu, 0xCBF06E9Du, 0xB19DA7D8u, 0xA23F3FAFu, 0x96D89736u, 0x857A0F41u,
        0x620305BCu, 0x71A19DCBu, 0x45463552u, 0x56E4AD25u, 0x2C896460u, 0x3F2BFC17u,
        0x0BCC548Eu, 0x186ECCF9u, 0xC0D23785u, 0xD370AFF2u, 0xE797076Bu, 0xF4359F1Cu,
        0x8E585659u, 0x9DFACE2Eu, 0xA91D66B7u, 0xBABFFEC0u, 0x5DC6F43Du, 0x4E646C4Au,
        0x7A83C4D3u, 0x69215CA4u, 0x134C95E1u, 0x00EE0D96u, 0x3409A50Fu, 0x27AB3D78u,
        0x809C2506u, 0x933EBD71u, 0xA7D915E8u, 0xB47B8D9Fu, 0xCE1644DAu, 0xDDB4DCADu,
        0xE9537434u, 0xFAF1EC43u, 0x1D88E6BEu, 0x0E2A7EC9u, 0x3ACDD650u, 0x296F4E27u,
        0x53028762u, 0x40A01F15u, 0x7447B78Cu, 0x67E52FFBu, 0xBF59D487u, 0xACFB4CF0u,
        0x981CE469u, 0x8BBE7C1Eu, 0xF1D3B55Bu, 0xE2712D2Cu, 0xD69685B5u, 0xC5341DC2u,
        0x224D173Fu, 0x31EF8F48u, 0x050827D1u, 0x16AABFA6u, 0x6CC776E3u, 0x7F65EE94u,
        0x4B82460Du, 0x5820DE7Au, 0xFBC3FAF9u, 0xE861628Eu, 0xDC86CA17u, 0xCF245260u,
        0xB5499B25u, 0xA6EB0352u, 0x920CABCBu, 0x81AE33BCu, 0x66D73941u, 0x7575A136u,
        0x419209AFu, 0x523091D8u, 0x285D589Du, 0x3BFFC0EAu, 0x0F186873u, 0x1CBAF004u,
        0xC4060B78u, 0xD7A4930Fu, 0xE3433B96u, 0xF0E1A3E1u, 0x8A8C6AA4u, 0x992EF2D3u,
        0xADC95A4Au, 0xBE6BC23Du, 0x5912C8C0u, 0x4AB050B7u, 0x7E57F82Eu, 0x6DF56059u,
        0x1798A91Cu, 0x043A316Bu, 0x30DD99F2u, 0x237F0185u, 0x844819FBu, 0x97EA818Cu,
        0xA30D2915u, 0xB0AFB162u, 0xCAC27827u, 0xD960E050u, 0xED8748C9u, 0xFE25D0BEu,
        0x195CDA43u, 0x0AFE4234u, 0x3E19EAADu, 0x2DBB72DAu, 0x57D6BB9Fu, 0x447423E8u,
        0x70938B71u, 0x63311306u, 0xBB8DE87Au, 0xA82F700Du, 0x9CC8D894u, 0x8F6A40E3u,
        0xF50789A6u, 0xE6A511D1u, 0xD242B948u, 0xC1E0213Fu, 0x26992BC2u, 0x353BB3B5u,
        0x01DC1B2Cu, 0x127E835Bu, 0x68134A1Eu, 0x7BB1D269u, 0x4F567AF0u, 0x5CF4E287u,
        0x04D43CFDu, 0x1776A48Au, 0x23910C13u, 0x30339464u, 0x4A5E5D21u, 0x59FCC556u,
        0x6D1B6DCFu, 0x7EB9F5B8u, 0x99C0FF45u, 0x8A626732u, 0xBE85CFABu, 0xAD2757DCu,
        0xD74A9E99u, 0xC4E806EEu, 0xF00FAE77u, 0xE3AD3600u, 0x3B11CD7Cu, 0x28B3550Bu,
        0x1C54FD92u, 0x0FF665E5u, 0x759BACA0u, 0x663934D7u, 0x52DE9C4Eu, 0x417C0439u,
        0xA6050EC4u, 0xB5A796B3u, 0x81403E2Au, 0x92E2A65Du, 0xE88F6F18u, 0xFB2DF76Fu,
        0xCFCA5FF6u, 0xDC68C781u, 0x7B5FDFFFu, 0x68FD4788u, 0x5C1AEF11u, 0x4FB87766u,
        0x35D5BE23u, 0x26772654u, 0x12908ECDu, 0x013216BAu, 0xE64B1C47u, 0xF5E98430u,
        0xC10E2CA9u, 0xD2ACB4DEu, 0xA8C17D9Bu, 0xBB63E5ECu, 0x8F844D75u, 0x9C26D502u,
        0x449A2E7Eu, 0x5738B609u, 0x63DF1E90u, 0x707D86E7u, 0x0A104FA2u, 0x19B2D7D5u,
        0x2D557F4Cu, 0x3EF7E73Bu, 0xD98EEDC6u, 0xCA2C75B1u, 0xFECBDD28u, 0xED69455Fu,
        0x97048C1Au, 0x84A6146Du, 0xB041BCF4u, 0xA3E32483u,
    },
    {
        0x00000000u, 0xA541927Eu, 0x4F6F520Du, 0xEA2EC073u, 0x9EDEA41Au, 0x3B9F3664u,
        0xD1B1F617u, 0x74F06469u, 0x38513EC5u, 0x9D10ACBBu, 0x773E6CC8u, 0xD27FFEB6u,
        0xA68F9ADFu, 0x03CE08A1u, 0xE9E0C8D2u, 0x4CA15AACu, 0x70A27D8Au, 0xD5E3EFF4u,
        0x3FCD2F87u, 0x9A8CBDF9u, 0xEE7CD990u, 0x4B3D4BEEu, 0xA1138B9Du, 0x045219E3u,
        0x48F3434Fu, 0xEDB2D131u, 0x079C1142u, 0xA2DD833Cu, 0xD62DE755u, 0x736C752Bu,
        0x9942B558u, 0x3C032726u, 0xE144FB14u, 0x4405696Au, 0xAE2BA919u, 0x0B6A3B67u,
        0x7F9A5F0Eu, 0xDADBCD70u, 0x30F50D03u, 0x95B49F7Du, 0xD915C5D1u, 0x7C5457AFu,
        0x967A97DCu, 0x333B05A2u, 0x47CB61CBu, 0xE28AF3B5u, 0x08A433C6u, 0xADE5A1B8u,
        0x91E6869Eu, 0x34A714E0u, 0xDE89D493u, 0x7BC846EDu, 0x0F382284u, 0xAA79B0FAu,
        0x40577089u, 0xE516E2F7u, 0xA9B7B85Bu, 0x0CF62A25u, 0xE6D8EA56u, 0x43997828u,
        0x37691C41u, 0x92288E3Fu, 0x78064E4Cu, 0xDD47DC32u, 0xC76580D9u, 0x622412A7u,
        0x880AD2D4u, 0x2D4B40AAu, 0x59BB24C3u, 0xFCFAB6BDu, 0x16D476CEu, 0xB395E4B0u,
        0xFF34BE1Cu, 0x5A752C62u, 0xB05BEC11u, 0x151A7E6Fu, 0x61EA1A06u, 0xC4AB8878u,
        0x2E85480Bu, 0x8BC4DA75u, 0xB7C7FD53u, 0x12866F2Du, 0xF8A8AF5Eu, 0x5DE93D20u,
        0x29195949u, 0x8C58CB37u, 0x66760B44u, 0xC337993Au, 0x8F96C396u, 0x2AD751E8u,
        0xC0F9919Bu, 0x65B803E5u, 0x1148678Cu, 0xB409F5F2u, 0x5E273581u, 0xFB66A7FFu,
        0x26217BCDu, 0x8360E9B3u, 0x694E29C0u, 0xCC0FBBBEu, 0xB8FFDFD7u, 0x1DBE4DA9u,
        0xF7908DDAu, 0x52D11FA4u, 0x1E704508u, 0xBB31D776u, 0x511F1705u, 0xF45E857Bu,
        0x80AEE112u, 0x25EF736Cu, 0xCFC1B31Fu, 0x6A802161u, 0x56830647u, 0xF3C29439u,
        0x19EC544Au, 0xBCADC634u, 0xC85DA25Du, 0x6D1C3023u, 0x8732F050u, 0x2273622Eu,
        0x6ED23882u, 0xCB93AAFCu, 0x21BD6A8Fu, 0x84FCF8F1u, 0xF00C9C98u, 0x554D0EE6u,
        0xBF63CE95u, 0x1A225CEBu, 0x8B277743u, 0x2E66E53Du, 0xC448254Eu, 0x6109B730u,
        0x15F9D359u, 0xB0B84127u, 0x5A968154u, 0xFFD7132Au, 0xB3764986u, 0x1637DBF8u,
        0xFC191B8Bu, 0x595889F5u, 0x2DA8ED9Cu, 0x88E97FE2u, 0x62C7BF91u, 0xC7862DEFu,
        0xFB850AC9u, 0x5EC498B7u, 0xB4EA58C4u, 0x11ABCABAu, 0x655BAED3u, 0xC01A3CADu,
        0x2A34FCDEu, 0x8F756EA0u, 0xC3D4340Cu, 0x6695A672u, 0x8CBB6601u, 0x29FAF47Fu,
        0x5D0A9016u, 0xF84B0268u, 0x1265C21Bu, 0xB7245065u, 0x6A638C57u, 0xCF221E29u,
        0x250CDE5Au, 0x804D4C24u, 0xF4BD284Du, 0x51FCBA33u, 0xBBD27A40u, 0x1E93E83Eu,
        0x5232B292u, 0xF77320ECu, 0x1D5DE09Fu, 0xB81C72E1u, 0xCCEC1688u, 0x69AD84F6u,
        0x83834485u, 0x26C2D6FBu, 0x1AC1F1DDu, 0xBF8063A3u, 0x55AEA3D0u, 0xF0EF31AEu,
        0x841F55C7u, 0x215EC7B9u, 0xCB7007CAu, 0x6E3195B4u, 0x2290CF18u, 0x87D15D66u,
        0x6DFF9D15u, 0xC8BE0F6Bu, 0xBC4E6B02u, 0x190FF97Cu, 0xF321390Fu, 0x5660AB71u,
        0x4C42F79Au, 0xE90365E4u, 0x032DA597u, 0xA66C37E9u, 0xD29C5380u, 0x77DDC1FEu,
        0x9DF3018Du, 0x38B293F3u, 0x7413C95Fu, 0xD1525B21u, 0x3B7C9B52u, 0x9E3D092Cu,
        0xEACD6D45u, 0x4F8CFF3Bu, 0xA5A23F48u, 0x00E3AD36u, 0x3CE08A10u, 0x99A1186Eu,
        0x738FD81Du, 0xD6CE4A63u, 0xA23E2E0Au, 0x077FBC74u, 0xED517C07u, 0x4810EE79u,
        0x04B1B4D5u, 0xA1F026ABu, 0x4BDEE6D8u, 0xEE9F74A6u, 0x9A6F10CFu, 0x3F2E82B1u,
        0xD50042C2u, 0x7041D0BCu, 0xAD060C8Eu, 0x08479EF0u, 0xE2695E83u, 0x4728CCFDu,
        0x33D8A894u, 0x96993AEAu, 0x7CB7FA99u, 0xD9F668E7u, 0x9557324Bu, 0x3016A035u,
        0xDA386046u, 0x7F79F238u, 0x0B899651u, 0xAEC8042Fu, 0x44E6C45Cu, 0xE1A75622u,
        0xDDA47104u, 0x78E5E37Au, 0x92CB2309u, 0x378AB177u, 0x437AD51Eu, 0xE63B4760u,
        0x0C158713u, 0xA954156Du, 0xE5F54FC1u, 0x40B4DDBFu, 0xAA9A1DCCu, 0x0FDB8FB2u,
        0x7B2BEBDBu, 0xDE6A79A5u, 0x3444B9D6u, 0x91052BA8u,
    },
    {
        0x00000000u, 0xDD45AAB8u, 0xBF672381u, 0x62228939u, 0x7B2231F3u, 0xA6679B4Bu,
        0xC4451272u, 0x1900B8CAu, 0xF64463E6u, 0x2B01C95Eu, 0x49234067u, 0x9466EADFu,
        0x8D665215u, 0x5023F8ADu, 0x32017194u, 0xEF44DB2Cu, 0xE964B13Du, 0x34211B85u,
        0x560392BCu, 0x8B463804u, 0x924680CEu, 0x4F032A76u, 0x2D21A34Fu, 0xF06409F7u,
        0x1F20D2DBu, 0xC2657863u, 0xA047F15Au, 0x7D025BE2u, 0x6402E328u, 0xB9474990u,
        0xDB65C0A9u, 0x06206A11u, 0xD725148Bu, 0x0A60BE33u, 0x6842370Au, 0xB5079DB2u,
        0xAC072578u, 0x71428FC0u, 0x136006F9u, 0xCE25AC41u, 0x2161776Du, 0xFC24DDD5u,
        0x9E0654ECu, 0x4343FE54u, 0x5A43469Eu, 0x8706EC26u, 0xE524651Fu, 0x3861CFA7u,
        0x3E41A5B6u, 0xE3040F0Eu, 0x81268637u, 0x5C632C8Fu, 0x45639445u, 0x98263EFDu,
        0xFA04B7C4u, 0x27411D7Cu, 0xC805C650u, 0x15406CE8u, 0x7762E5D1u, 0xAA274F69u,
        0xB327F7A3u, 0x6E625D1Bu, 0x0C40D422u, 0xD1057E9Au, 0xABA65FE7u, 0x76E3F55Fu,
        0x14C17C66u, 0xC984D6DEu, 0xD0846E14u, 0x0DC1C4ACu, 0x6FE34D95u, 0xB2A6E72Du,
        0x5DE23C01u, 0x80A796B9u, 0xE2851F80u, 0x3FC0B538u, 0x26C00DF2u, 0xFB85A74Au,
        0x99A72E73u, 0x44E284CBu, 0x42C2EEDAu, 0x9F874462u, 0xFDA5CD5Bu, 0x20E067E3u,
        0x39E0DF29u, 0xE4A57591u, 0x8687FCA8u, 0x5BC25610u, 0xB4868D3Cu, 0x69C32784u,
        0x0BE1AEBDu, 0xD6A40405u, 0xCFA4BCCFu, 0x12E11677u, 0x70C39F4Eu, 0xAD8635F6u,
        0x7C834B6Cu, 0xA1C6E1D4u, 0xC3E468EDu, 0x1EA1C255u, 0x07A17A9Fu, 0xDAE4D027u,
        0xB8C6591Eu, 0x6583F3A6u, 0x8AC7288Au, 0x57828232u, 0x35A00B0Bu, 0xE8E5A1B3u,
        0xF1E51979u, 0x2CA0B3C1u, 0x4E823AF8u, 0x93C79040u, 0x95E7FA51u, 0x48A250E9u,
        0x2A80D9D0u, 0xF7C57368u, 0xEEC5CBA2u, 0x3380611Au, 0x51A2E823u, 0x8CE7429Bu,
        0x63A399B7u, 0xBEE6330Fu, 0xDCC4BA36u, 0x0181108Eu, 0x1881A844u, 0xC5C402FCu,
        0xA7E68BC5u, 0x7AA3217Du, 0x52A0C93Fu, 0x8FE56387u, 0xEDC7EABEu, 0x30824006u,
        0x2982F8CCu, 0xF4C75274u, 0x96E5DB4Du, 0x4BA071F5u, 0xA4E4AAD9u, 0x79A10061u,
        0x1B838958u, 0xC6C623E0u, 0xDFC69B2Au, 0x02833192u, 0x60A1B8ABu, 0xBDE41213u,
        0xBBC47802u, 0x6681D2BAu, 0x04A35B83u, 0xD9E6F13Bu, 0xC0E649F1u, 0x1DA3E349u,
        0x7F816A70u, 0xA2C4C0C8u, 0x4D801BE4u, 0x90C5B15Cu, 0xF2E73865u, 0x2FA292DDu,
        0x36A22A17u, 0xEBE780AFu, 0x89C50996u, 0x5480A32Eu, 0x8585DDB4u, 0x58C0770Cu,
        0x3AE2FE35u, 0xE7A7548Du, 0xFEA7EC47u, 0x23E246FFu, 0x41C0CFC6u, 0x9C85657Eu,
        0x73C1BE52u, 0xAE8414EAu, 0xCCA69DD3u, 0x11E3376Bu, 0x08E38FA1u, 0xD5A62519u,
        0xB784AC20u, 0x6AC10698u, 0x6CE16C89u, 0xB1A4C631u, 0xD3864F08u, 0x0EC3E5B0u,
        0x17C35D7Au, 0xCA86F7C2u, 0xA8A47EFBu, 0x75E1D443u, 0x9AA50F6Fu, 0x47E0A5D7u,
        0x25C22CEEu, 0xF8878656u, 0xE1873E9Cu, 0x3CC29424u, 0x5EE01D1Du, 0x83A5B7A5u,
        0xF90696D8u, 0x24433C60u, 0x4661B559u, 0x9B241FE1u, 0x8224A72Bu, 0x5F610D93u,
        0x3D4384AAu, 0xE0062E12u, 0x0F42F53Eu, 0xD2075F86u, 0xB025D6BFu, 0x6D607C07u,
        0x7460C4CDu, 0xA9256E75u, 0xCB07E74Cu, 0x16424DF4u, 0x106227E5u, 0xCD278D5Du,
        0xAF050464u, 0x7240AEDCu, 0x6B401616u, 0xB605BCAEu, 0xD4273597u, 0x09629F2Fu,
        0xE6264403u, 0x3B63EEBBu, 0x59416782u, 0x8404CD3Au, 0x9D0475F0u, 0x4041DF48u,
        0x22635671u, 0xFF26FCC9u, 0x2E238253u, 0xF36628EBu, 0x9144A1D2u, 0x4C010B6Au,
        0x5501B3A0u, 0x88441918u, 0xEA669021u, 0x37233A99u, 0xD867E1B5u, 0x05224B0Du,
        0x6700C234u, 0xBA45688Cu, 0xA345D046u, 0x7E007AFEu, 0x1C22F3C7u, 0xC167597Fu,
        0xC747336Eu, 0x1A0299D6u, 0x782010EFu, 0xA565BA57u, 0xBC65029Du, 0x6120A825u,
        0x0302211Cu, 0xDE478BA4u, 0x31035088u, 0xEC46FA30u, 0x8E647309u, 0x5321D9B1u,
        0x4A21617Bu, 0x9764CBC3u, 0xF54642FAu, 0x2803E842u,
    },
    {
        0x00000000u, 0x38116FACu, 0x7022DF58u, 0x4833B0F4u, 0xE045BEB0u, 0xD854D11Cu,
        0x906761E8u, 0xA8760E44u, 0xC5670B91u, 0xFD76643Du, 0xB545D4C9u, 0x8D54BB65u,
        0x2522B521u, 0x1D33DA8Du, 0x55006A79u, 0x6D1105D5u, 0x8F2261D3u, 0xB7330E7Fu,
        0xFF00BE8Bu, 0xC711D127u, 0x6F67DF63u, 0x5776B0CFu, 0x1F45003Bu, 0x27546F97u,
        0x4A456A42u, 0x725405EEu, 0x3A67B51Au, 0x0276DAB6u, 0xAA00D4F2u, 0x9211BB5Eu,
        0xDA220BAAu, 0xE2336406u, 0x1BA8B557u, 0x23B9DAFBu, 0x6B8A6A0Fu, 0x539B05A3u,
        0xFBED0BE7u, 0xC3FC644Bu, 0x8BCFD4BFu, 0xB3DEBB13u, 0xDECFBEC6u, 0xE6DED16Au,
        0xAEED619Eu, 0x96FC0E32u, 0x3E8A0076u, 0x069B6FDAu, 0x4EA8DF2Eu, 0x76B9B082u,
        0x948AD484u, 0xAC9BBB28u, 0xE4A80BDCu, 0xDCB96470u, 0x74CF6A34u, 0x4CDE0598u,
        0x04EDB56Cu, 0x3CFCDAC0u, 0x51EDDF15u, 0x69FCB0B9u, 0x21CF004Du, 0x19DE6FE1u,
        0xB1A861A5u, 0x89B90E09u, 0xC18ABEFDu, 0xF99BD151u, 0x37516AAEu, 0x0F400502u,
        0x4773B5F6u, 0x7F62DA5Au, 0xD714D41Eu, 0xEF05BBB2u, 0xA7360B46u, 0x9F2764EAu,
        0xF236613Fu, 0xCA270E93u, 0x8214BE67u, 0xBA05D1CBu, 0x1273DF8Fu, 0x2A62B023u,
        0x625100D7u, 0x5A406F7Bu, 0xB8730B7Du, 0x806264D1u, 0xC851D425u, 0xF040BB89u,
        0x5836B5CDu, 0x6027DA61u, 0x28146A95u, 0x10050539u, 0x7D1400ECu, 0x45056F40u,
        0x0D36DFB4u, 0x3527B018u, 0x9D51BE5Cu, 0xA540D1F0u, 0xED736104u, 0xD5620EA8u,
        0x2CF9DFF9u, 0x14E8B055u, 0x5CDB00A1u, 0x64CA6F0Du, 0xCCBC6149u, 0xF4AD0EE5u,
        0xBC9EBE11u, 0x848FD1BDu, 0xE99ED468u, 0xD18FBBC4u, 0x99BC0B30u, 0xA1AD649Cu,
        0x09DB6AD8u, 0x31CA0574u, 0x79F9B580u, 0x41E8DA2Cu, 0xA3DBBE2Au, 0x9BCAD186u,
        0xD3F96172u, 0xEBE80EDEu, 0x439E009Au, 0x7B8F6F36u, 0x33BCDFC2u, 0x0BADB06Eu,
        0x66BCB5BBu, 0x5EADDA17u, 0x169E6AE3u, 0x2E8F054Fu, 0x86F90B0Bu, 0xBEE864A7u,
        0xF6DBD453u, 0xCECABBFFu, 0x6EA2D55Cu, 0x56B3BAF0u, 0x1E800A04u, 0x269165A8u,
        0x8EE76BECu, 0xB6F60440u, 0xFEC5B4B4u, 0xC6D4DB18u, 0xABC5DECDu, 0x93D4B161u,
        0xDBE70195u, 0xE3F66E39u, 0x4B80607Du, 0x73910FD1u, 0x3BA2BF25u, 0x03B3D089u,
        0xE180B48Fu, 0xD991DB23u, 0x91A26BD7u, 0xA9B3047Bu, 0x01C50A3Fu, 0x39D46593u,
        0x71E7D567u, 0x49F6BACBu, 0x24E7BF1Eu, 0x1CF6D0B2u, 0x54C56046u, 0x6CD40FEAu,
        0xC4A201AEu, 0xFCB36E02u, 0xB480DEF6u, 0x8C91B15Au, 0x750A600Bu, 0x4D1B0FA7u,
        0x0528BF53u, 0x3D39D0FFu, 0x954FDEBBu, 0xAD5EB117u, 0xE56D01E3u, 0xDD7C6E4Fu,
        0xB06D6B9Au, 0x887C0436u, 0xC04FB4C2u, 0xF85EDB6Eu, 0x5028D52Au, 0x6839BA86u,
        0x200A0A72u, 0x181B65DEu, 0xFA2801D8u, 0xC2396E74u, 0x8A0ADE80u, 0xB21BB12Cu,
        0x1A6DBF68u, 0x227CD0C4u, 0x6A4F6030u, 0x525E0F9Cu, 0x3F4F0A49u, 0x075E65E5u,
        0x4F6DD511u, 0x777CBABDu, 0xDF0AB4F9u, 0xE71BDB55u, 0xAF286BA1u, 0x9739040Du,
        0x59F3BFF2u, 0x61E2D05Eu, 0x29D160AAu, 0x11C00F06u, 0xB9B60142u, 0x81A76EEEu,
        0xC994DE1Au, 0xF185B1B6u, 0x9C94B463u, 0xA485DBCFu, 0xECB66B3Bu, 0xD4A70497u,
        0x7CD10AD3u, 0x44C0657Fu, 0x0CF3D58Bu, 0x34E2BA27u, 0xD6D1DE21u, 0xEEC0B18Du,
        0xA6F30179u, 0x9EE26ED5u, 0x36946091u, 0x0E850F3Du, 0x46B6BFC9u, 0x7EA7D065u,
        0x13B6D5B0u, 0x2BA7BA1Cu, 0x63940AE8u, 0x5B856544u, 0xF3F36B00u, 0xCBE204ACu,
        0x83D1B458u, 0xBBC0DBF4u, 0x425B0AA5u, 0x7A4A6509u, 0x3279D5FDu, 0x0A68BA51u,
        0xA21EB415u, 0x9A0FDBB9u, 0xD23C6B4Du, 0xEA2D04E1u, 0x873C0134u, 0xBF2D6E98u,
        0xF71EDE6Cu, 0xCF0FB1C0u, 0x6779BF84u, 0x5F68D028u, 0x175B60DCu, 0x2F4A0F70u,
        0xCD796B76u, 0xF56804DAu, 0xBD5BB42Eu, 0x854ADB82u, 0x2D3CD5C6u, 0x152DBA6Au,
        0x5D1E0A9Eu, 0x650F6532u, 0x081E60E7u, 0x300F0F4Bu, 0x783CBFBFu, 0x402DD013u,
        0xE85BDE57u, 0xD04AB1FBu, 0x9879010Fu, 0xA0686EA3u,
    },
    {
        0x00000000u, 0xEF306B19u, 0xDB8CA0C3u, 0x34BCCBDAu, 0xB2F53777u, 0x5DC55C6Eu,
        0x697997B4u, 0x8649FCADu, 0x6006181Fu, 0x8F367306u, 0xBB8AB8DCu, 0x54BAD3C5u,
        0xD2F32F68u, 0x3DC34471u, 0x097F8FABu, 0xE64FE4B2u, 0xC00C303Eu, 0x2F3C5B27u,
        0x1B8090FDu, 0xF4B0FBE4u, 0x72F90749u, 0x9DC96C50u, 0xA975A78Au, 0x4645CC93u,
        0xA00A2821u, 0x4F3A4338u, 0x7B8688E2u, 0x94B6E3FBu, 0x12FF1F56u, 0xFDCF744Fu,
        0xC973BF95u, 0x2643D48Cu, 0x85F4168Du, 0x6AC47D94u, 0x5E78B64Eu, 0xB148DD57u,
        0x370121FAu, 0xD8314AE3u, 0xEC8D8139u, 0x03BDEA20u, 0xE5F20E92u, 0x0AC2658Bu,
        0x3E7EAE51u, 0xD14EC548u, 0x570739E5u, 0xB83752FCu, 0x8C8B9926u, 0x63BBF23Fu,
        0x45F826B3u, 0xAAC84DAAu, 0x9E748670u, 0x7144ED69u, 0xF70D11C4u, 0x183D7ADDu,
        0x2C81B107u, 0xC3B1DA1Eu, 0x25FE3EACu, 0xCACE55B5u, 0xFE729E6Fu, 0x1142F576u,
        0x970B09DBu, 0x783B62C2u, 0x4C87A918u, 0xA3B7C201u, 0x0E045BEBu, 0xE13430F2u,
        0xD588FB28u, 0x3AB89031u, 0xBCF16C9Cu, 0x53C10785u, 0x677DCC5Fu, 0x884DA746u,
        0x6E0243F4u, 0x813228EDu, 0xB58EE337u, 0x5ABE882Eu, 0xDCF77483u, 0x33C71F9Au,
        0x077BD440u, 0xE84BBF59u, 0xCE086BD5u, 0x213800CCu, 0x1584CB16u, 0xFAB4A00Fu,
        0x7CFD5CA2u, 0x93CD37BBu, 0xA771FC61u, 0x48419778u, 0xAE0E73CAu, 0x413E18D3u,
        0x7582D309u, 0x9AB2B810u, 0x1CFB44BDu, 0xF3CB2FA4u, 0xC777E47Eu, 0x28478F67u,
        0x8BF04D66u, 0x64C0267Fu, 0x507CEDA5u, 0xBF4C86BCu, 0x39057A11u, 0xD6351108u,
        0xE289DAD2u, 0x0DB9B1CBu, 0xEBF65579u, 0x04C63E60u, 0x307AF5BAu, 0xDF4A9EA3u,
        0x5903620Eu, 0xB6330917u, 0x828FC2CDu, 0x6DBFA9D4u, 0x4BFC7D58u, 0xA4CC1641u,
        0x9070DD9Bu, 0x7F40B682u, 0xF9094A2Fu, 0x16392136u, 0x2285EAECu, 0xCDB581F5u,
        0x2BFA6547u, 0xC4CA0E5Eu, 0xF076C584u, 0x1F46AE9Du, 0x990F5230u, 0x763F3929u,
        0x4283F2F3u, 0xADB399EAu, 0x1C08B7D6u, 0xF338DCCFu, 0xC7841715u, 0x28B47C0Cu,
        0xAEFD80A1u, 0x41CDEBB8u, 0x75712062u, 0x9A414B7Bu, 0x7C0EAFC9u, 0x933EC4D0u,
        0xA7820F0Au, 0x48B26413u, 0xCEFB98BEu, 0x21CBF3A7u, 0x1577387Du, 0xFA475364u,
        0xDC0487E8u, 0x3334ECF1u, 0x0788272Bu, 0xE8B84C32u, 0x6EF1B09Fu, 0x81C1DB86u,
        0xB57D105Cu, 0x5A4D7B45u, 0xBC029FF7u, 0x5332F4EEu, 0x678E3F34u, 0x88BE542Du,
        0x0EF7A880u, 0xE1C7C399u, 0xD57B0843u, 0x3A4B635Au, 0x99FCA15Bu, 0x76CCCA42u,
        0x42700198u, 0xAD406A81u, 0x2B09962Cu, 0xC439FD35u, 0xF08536EFu, 0x1FB55DF6u,
        0xF9FAB944u, 0x16CAD25Du, 0x22761987u, 0xCD46729Eu, 0x4B0F8E33u, 0xA43FE52Au,
        0x90832EF0u, 0x7FB345E9u, 0x59F09165u, 0xB6C0FA7Cu, 0x827C31A6u, 0x6D4C5ABFu,
        0xEB05A612u, 0x0435CD0Bu, 0x308906D1u, 0xDFB96DC8u, 0x39F6897Au, 0xD6C6E263u,
        0xE27A29B9u, 0x0D4A42A0u, 0x8B03BE0Du, 0x6433D514u, 0x508F1ECEu, 0xBFBF75D7u,
        0x120CEC3Du, 0xFD3C8724u, 0xC9804CFEu, 0x26B027E7u, 0xA0F9DB4Au, 0x4FC9B053u,
        0x7B757B89u, 0x94451090u, 0x720AF422u, 0x9D3A9F3Bu, 0xA98654E1u, 0x46B63FF8u,
        0xC0FFC355u, 0x2FCFA84Cu, 0x1B736396u, 0xF443088Fu, 0xD200DC03u, 0x3D30B71Au,
        0x098C7CC0u, 0xE6BC17D9u, 0x60F5EB74u, 0x8FC5806Du, 0xBB794BB7u, 0x544920AEu,
        0xB206C41Cu, 0x5D36AF05u, 0x698A64DFu, 0x86BA0FC6u, 0x00F3F36Bu, 0xEFC39872u,
        0xDB7F53A8u, 0x344F38B1u, 0x97F8FAB0u, 0x78C891A9u, 0x4C745A73u, 0xA344316Au,
        0x250DCDC7u, 0xCA3DA6DEu, 0xFE816D04u, 0x11B1061Du, 0xF7FEE2AFu, 0x18CE89B6u,
        0x2C72426Cu, 0xC3422975u, 0x450BD5D8u, 0xAA3BBEC1u, 0x9E87751Bu, 0x71B71E02u,
        0x57F4CA8Eu, 0xB8C4A197u, 0x8C786A4Du, 0x63480154u, 0xE501FDF9u, 0x0A3196E0u,
        0x3E8D5D3Au, 0xD1BD3623u, 0x37F2D291u, 0xD8C2B988u, 0xEC7E7252u, 0x034E194Bu,
        0x8507E5E6u, 0x6A378EFFu, 0x5E8B4525u, 0xB1BB2E3Cu,
    },
    {
        0x00000000u, 0x68032CC8u, 0xD0065990u, 0xB8057558u, 0xA5E0C5D1u, 0xCDE3E919u,
        0x75E69C41u, 0x1DE5B089u, 0x4E2DFD53u, 0x262ED19Bu, 0x9E2BA4C3u, 0xF628880Bu,
        0xEBCD3882u, 0x83CE144Au, 0x3BCB6112u, 0x53C84DDAu, 0x9C5BFAA6u, 0xF458D66Eu,
        0x4C5DA336u, 0x245E8FFEu, 0x39BB3F77u, 0x51B813BFu, 0xE9BD66E7u, 0x81BE4A2Fu,
        0xD27607F5u, 0xBA752B3Du, 0x02705E65u, 0x6A7372ADu, 0x7796C224u, 0x1F95EEECu,
        0xA7909BB4u, 0xCF93B77Cu, 0x3D5B83BDu, 0x5558AF75u, 0xED5DDA2Du, 0x855EF6E5u,
        0x98BB466Cu, 0xF0B86AA4u, 0x48BD1FFCu, 0x20BE3334u, 0x73767EEEu, 0x1B755226u,
        0xA370277Eu, 0xCB730BB6u, 0xD696BB3Fu, 0xBE9597F7u, 0x0690E2AFu, 0x6E93CE67u,
        0xA100791Bu, 0xC90355D3u, 0x7106208Bu, 0x19050C43u, 0x04E0BCCAu, 0x6CE39002u,
        0xD4E6E55Au, 0xBCE5C992u, 0xEF2D8448u, 0x872EA880u, 0x3F2BDDD8u, 0x5728F110u,
        0x4ACD4199u, 0x22CE6D51u, 0x9ACB1809u, 0xF2C834C1u, 0x7AB7077Au, 0x12B42BB2u,
        0xAAB15EEAu, 0xC2B27222u, 0xDF57C2ABu, 0xB754EE63u, 0x0F519B3Bu, 0x6752B7F3u,
        0x349AFA29u, 0x5C99D6E1u, 0xE49CA3B9u, 0x8C9F8F71u, 0x917A3FF8u, 0xF9791330u,
        0x417C6668u, 0x297F4AA0u, 0xE6ECFDDCu, 0x8EEFD114u, 0x36EAA44Cu, 0x5EE98884u,
        0x430C380Du, 0x2B0F14C5u, 0x930A619Du, 0xFB094D55u, 0xA8C1008Fu, 0xC0C22C47u,
        0x78C7591Fu, 0x10C475D7u, 0x0D21C55Eu, 0x6522E996u, 0xDD279CCEu, 0xB524B006u,
        0x47EC84C7u, 0x2FEFA80Fu, 0x97EADD57u, 0xFFE9F19Fu, 0xE20C4116u, 0x8A0F6DDEu,
        0x320A1886u, 0x5A09344Eu, 0x09C17994u, 0x61C2555Cu, 0xD9C72004u, 0xB1C40CCCu,
        0xAC21BC45u, 0xC422908Du, 0x7C27E5D5u, 0x1424C91Du, 0xDBB77E61u, 0xB3B452A9u,
        0x0BB127F1u, 0x63B20B39u, 0x7E57BBB0u, 0x16549778u, 0xAE51E220u, 0xC652CEE8u,
        0x959A8332u, 0xFD99AFFAu, 0x459CDAA2u, 0x2D9FF66Au, 0x307A46E3u, 0x58796A2Bu,
        0xE07C1F73u, 0x887F33BBu, 0xF56E0EF4u, 0x9D6D223Cu, 0x25685764u, 0x4D6B7BACu,
        0x508ECB25u, 0x388DE7EDu, 0x808892B5u, 0xE88BBE7Du, 0xBB43F3A7u, 0xD340DF6Fu,
        0x6B45AA37u, 0x034686FFu, 0x1EA33676u, 0x76A01ABEu, 0xCEA56FE6u, 0xA6A6432Eu,
        0x6935F452u, 0x0136D89Au, 0xB933ADC2u, 0xD130810Au, 0xCCD53183u, 0xA4D61D4Bu,
        0x1CD36813u, 0x74D044DBu, 0x27180901u, 0x4F1B25C9u, 0xF71E5091u, 0x9F1D7C59u,
        0x82F8CCD0u, 0xEAFBE018u, 0x52FE9540u, 0x3AFDB988u, 0xC8358D49u, 0xA036A181u,
        0x1833D4D9u, 0x7030F811u, 0x6DD54898u, 0x05D66450u, 0xBDD31108u, 0xD5D03DC0u,
        0x8618701Au, 0xEE1B5CD2u, 0x561E298Au, 0x3E1D0542u, 0x23F8B5CBu, 0x4BFB9903u,
        0xF3FEEC5Bu, 0x9BFDC093u, 0x546E77EFu, 0x3C6D5B27u, 0x84682E7Fu, 0xEC6B02B7u,
        0xF18EB23Eu, 0x998D9EF6u, 0x2188EBAEu, 0x498BC766u, 0x1A438ABCu, 0x7240A674u,
        0xCA45D32Cu, 0xA246FFE4u, 0xBFA34F6Du, 0xD7A063A5u, 0x6FA516FDu, 0x07A63A35u,
        0x8FD9098Eu, 0xE7DA2546u, 0x5FDF501Eu, 0x37DC7CD6u, 0x2A39CC5Fu, 0x423AE097u,
        0xFA3F95CFu, 0x923CB907u, 0xC1F4F4DDu, 0xA9F7D815u, 0x11F2AD4Du, 0x79F18185u,
        0x6414310Cu, 0x0C171DC4u, 0xB412689Cu, 0xDC114454u, 0x1382F328u, 0x7B81DFE0u,
        0xC384AAB8u, 0xAB878670u, 0xB66236F9u, 0xDE611A31u, 0x66646F69u, 0x0E6743A1u,
        0x5DAF0E7Bu, 0x35AC22B3u, 0x8DA957EBu, 0xE5AA7B23u, 0xF84FCBAAu, 0x904CE762u,
        0x2849923Au, 0x404ABEF2u, 0xB2828A33u, 0xDA81A6FBu, 0x6284D3A3u, 0x0A87FF6Bu,
        0x17624FE2u, 0x7F61632Au, 0xC7641672u, 0xAF673ABAu, 0xFCAF7760u, 0x94AC5BA8u,
        0x2CA92EF0u, 0x44AA0238u, 0x594FB2B1u, 0x314C9E79u, 0x8949EB21u, 0xE14AC7E9u,
        0x2ED97095u, 0x46DA5C5Du, 0xFEDF2905u, 0x96DC05CDu, 0x8B39B544u, 0xE33A998Cu,
        0x5B3FECD4u, 0x333CC01Cu, 0x60F48DC6u, 0x08F7A10Eu, 0xB0F2D456u, 0xD8F1F89Eu,
        0xC5144817u, 0xAD1764DFu, 0x15121187u, 0x7D113D4Fu,
    },
    {
        0x00000000u, 0x493C7D27u, 0x9278FA4Eu, 0xDB448769u, 0x211D826Du, 0x6821FF4Au,
        0xB3657823u, 0xFA590504u, 0x423B04DAu, 0x0B0779FDu, 0xD043FE94u, 0x997F83B3u,
        0x632686B7u, 0x2A1AFB90u, 0xF15E7CF9u, 0xB86201DEu, 0x847609B4u, 0xCD4A7493u,
        0x160EF3FAu, 0x5F328EDDu, 0xA56B8BD9u, 0xEC57F6FEu, 0x37137197u, 0x7E2F0CB0u,
        0xC64D0D6Eu, 0x8F717049u, 0x5435F720u, 0x1D098A07u, 0xE7508F03u, 0xAE6CF224u,
        0x7528754Du, 0x3C14086Au, 0x0D006599u, 0x443C18BEu, 0x9F789FD7u, 0xD644E2F0u,
        0x2C1DE7F4u, 0x65219AD3u, 0xBE651DBAu, 0xF759609Du, 0x4F3B6143u, 0x06071C64u,
        0xDD439B0Du, 0x947FE62Au, 0x6E26E32Eu, 0x271A9E09u, 0xFC5E1960u, 0xB5626447u,
        0x89766C2Du, 0xC04A110Au, 0x1B0E9663u, 0x5232EB44u, 0xA86BEE40u, 0xE1579367u,
        0x3A13140Eu, 0x732F6929u, 0xCB4D68F7u, 0x827115D0u, 0x593592B9u, 0x1009EF9Eu,
        0xEA50EA9Au, 0xA36C97BDu, 0x782810D4u, 0x31146DF3u, 0x1A00CB32u, 0x533CB615u,
        0x8878317Cu, 0xC1444C5Bu, 0x3B1D495Fu, 0x72213478u, 0xA965B311u, 0xE059CE36u,
        0x583BCFE8u, 0x1107B2CFu, 0xCA4335A6u, 0x837F4881u, 0x79264D85u, 0x301A30A2u,
        0xEB5EB7CBu, 0xA262CAECu, 0x9E76C286u, 0xD74ABFA1u, 0x0C0E38C8u, 0x453245EFu,
        0xBF6B40EBu, 0xF6573DCCu, 0x2D13BAA5u, 0x642FC782u, 0xDC4DC65Cu, 0x9571BB7Bu,
        0x4E353C12u, 0x07094135u, 0xFD504431u, 0xB46C3916u, 0x6F28BE7Fu, 0x2614C358u,
        0x1700AEABu, 0x5E3CD38Cu, 0x857854E5u, 0xCC4429C2u, 0x361D2CC6u, 0x7F2151E1u,
        0xA465D688u, 0xED59ABAFu, 0x553BAA71u, 0x1C07D756u, 0xC743503Fu, 0x8E7F2D18u,
        0x7426281Cu, 0x3D1A553Bu, 0xE65ED252u, 0xAF62AF75u, 0x9376A71Fu, 0xDA4ADA38u,
        0x010E5D51u, 0x48322076u, 0xB26B2572u, 0xFB575855u, 0x2013DF3Cu, 0x692FA21Bu,
        0xD14DA3C5u, 0x9871DEE2u, 0x4335598Bu, 0x0A0924ACu, 0xF05021A8u, 0xB96C5C8Fu,
        0x6228DBE6u, 0x2B14A6C1u, 0x34019664u, 0x7D3DEB43u, 0xA6796C2Au, 0xEF45110Du,
        0x151C1409u, 0x5C20692Eu, 0x8764EE47u, 0xCE589360u, 0x763A92BEu, 0x3F06EF99u,
        0xE44268F0u, 0xAD7E15D7u, 0x572710D3u, 0x1E1B6DF4u, 0xC55FEA9Du, 0x8C6397BAu,
        0xB0779FD0u, 0xF94BE2F7u, 0x220F659Eu, 0x6B3318B9u, 0x916A1DBDu, 0xD856609Au,
        0x0312E7F3u, 0x4A2E9AD4u, 0xF24C9B0Au, 0xBB70E62Du, 0x60346144u, 0x29081C63u,
        0xD3511967u, 0x9A6D6440u, 0x4129E329u, 0x08159E0Eu, 0x3901F3FDu, 0x703D8EDAu,
        0xAB7909B3u, 0xE2457494u, 0x181C7190u, 0x51200CB7u, 0x8A648BDEu, 0xC358F6F9u,
        0x7B3AF727u, 0x32068A00u, 0xE9420D69u, 0xA07E704Eu, 0x5A27754Au, 0x131B086Du,
        0xC85F8F04u, 0x8163F223u, 0xBD77FA49u, 0xF44B876Eu, 0x2F0F0007u, 0x66337D20u,
        0x9C6A7824u, 0xD5560503u, 0x0E12826Au, 0x472EFF4Du, 0xFF4CFE93u, 0xB67083B4u,
        0x6D3404DDu, 0x240879FAu, 0xDE517CFEu, 0x976D01D9u, 0x4C2986B0u, 0x0515FB97u,
        0x2E015D56u, 0x673D2071u, 0xBC79A718u, 0xF545DA3Fu, 0x0F1CDF3Bu, 0x4620A21Cu,
        0x9D642575u, 0xD4585852u, 0x6C3A598Cu, 0x250624ABu, 0xFE42A3C2u, 0xB77EDEE5u,
        0x4D27DBE1u, 0x041BA6C6u, 0xDF5F21AFu, 0x96635C88u, 0xAA7754E2u, 0xE34B29C5u,
        0x380FAEACu, 0x7133D38Bu, 0x8B6AD68Fu, 0xC256ABA8u, 0x19122CC1u, 0x502E51E6u,
        0xE84C5038u, 0xA1702D1Fu, 0x7A34AA76u, 0x3308D751u, 0xC951D255u, 0x806DAF72u,
        0x5B29281Bu, 0x1215553Cu, 0x230138CFu, 0x6A3D45E8u, 0xB179C281u, 0xF845BFA6u,
        0x021CBAA2u, 0x4B20C785u, 0x906440ECu, 0xD9583DCBu, 0x613A3C15u, 0x28064132u,
        0xF342C65Bu, 0xBA7EBB7Cu, 0x4027BE78u, 0x091BC35Fu, 0xD25F4436u, 0x9B633911u,
        0xA777317Bu, 0xEE4B4C5Cu, 0x350FCB35u, 0x7C33B612u, 0x866AB316u, 0xCF56CE31u,
        0x14124958u, 0x5D2E347Fu, 0xE54C35A1u, 0xAC704886u, 0x7734CFEFu, 0x3E08B2C8u,
        0xC451B7CCu, 0x8D6DCAEBu, 0x56294D82u, 0x1F1530A5u,
    },
};

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CKI_CRC32C_HW 1
/* SSE4.2's crc32 instruction computes the same reflected Castagnoli CRC as the tables (2.4x
 * faster for a 64-byte payload here); chosen at run time, so the build needs no -msse4.2. The
 * words are read little-endian, which x86 is. */
__attribute__((target("sse4.2"))) static uint32_t crc32c_hw(uint32_t c, const unsigned char *p, size_t n)
{
    uint64_t c64 = c;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, sizeof w);
        c64 = __builtin_ia32_crc32di(c64, w);
    }
    c = (uint32_t)c64;
    while (n--) c = __builtin_ia32_crc32qi(c, *p++);
    return c;
}
#endif

uint32_t ck_crc32c(uint32_t crc, const void *data, size_t n)
{
#ifdef CKI_CRC32C_HW
    if (data && __builtin_cpu_supports("sse4.2")) return ~crc32c_hw(~crc, data, n);
#endif
    return cki_crc32c_portable(crc, data, n);
}

uint32_t cki_crc32c_portable(uint32_t crc, const void *data, size_t n)
{
    const unsigned char *p = data;
    uint32_t c = ~crc;
    if (!p) return crc;
    while (n >= 8) {
        /* Little-endian assembly of the first word keeps this independent of host byte order. */
        uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                           (uint32_t)p[3] << 24);
        c = crc32c_table[7][lo & 0xFF] ^ crc32c_table[6][(lo >> 8) & 0xFF] ^
            crc32c_table[5][(lo >> 16) & 0xFF] ^ crc32c_table[4][lo >> 24] ^
            crc32c_table[3][p[4]] ^ crc32c_table[2][p[5]] ^ crc32c_table[1][p[6]] ^
            crc32c_table[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n--) c = (c >> 8) ^ crc32c_table[0][(c ^ *p++) & 0xFF];
    return ~c;
}

/* ---- Hybrid logical clock ------------------------------------------------------------------- */

void ck_hlc_init(ck_hlc_t *clock, uint64_t max_drift_ms)
{
    if (!clock) return;
    clock->last = 0;
    clock->max_drift_ms = max_drift_ms;
}

ck_status_t ck_hlc_send(ck_ctx_t *ctx, ck_hlc_t *clock, uint64_t *ts, uint64_t now_ms)
{
    if (!clock) return cki_invalid(ctx, "clock", "must not be NULL");
    if (!ts) return cki_invalid(ctx, "ts", "must not be NULL");
    if (now_ms > CK_HLC_MAX_MS)
        return cki_invalid(ctx, "now_ms", "%llu does not fit in 48 bits", (unsigned long long)now_ms);
    uint64_t l_old = CK_HLC_MS(clock->last), c = CK_HLC_COUNTER(clock->last);
    uint64_t l = l_old > now_ms ? l_old : now_ms;
    if (l == l_old) {
        if (c == CK_HLC_MAX_COUNTER)
            return cki_error(ctx, CK_E_OVERFLOW, "counter", "logical counter exhausted at %llu ms",
                             (unsigned long long)l);
        c++;
    } else {
        c = 0;
    }
    clock->last = CK_HLC_PACK(l, c);
    *ts = clock->last;
    return CK_OK;
}

ck_status_t ck_hlc_receive(ck_ctx_t *ctx, ck_hlc_t *clock, uint64_t *ts, uint64_t remote, uint64_t now_ms)
{
    if (!clock) return cki_invalid(ctx, "clock", "must not be NULL");
    if (!ts) return cki_invalid(ctx, "ts", "must not be NULL");
    if (now_ms > CK_HLC_MAX_MS)
        return cki_invalid(ctx, "now_ms", "%llu does not fit in 48 bits", (unsigned long long)now_ms);
    uint64_t l_old = CK_HLC_MS(clock->last), c_old = CK_HLC_COUNTER(clock->last);
    uint64_t lm = CK_HLC_MS(remote), cm = CK_HLC_COUNTER(remote);
    if (clock->max_drift_ms > 0 && lm > now_ms && lm - now_ms > clock->max_drift_ms)
        return cki_invalid(ctx, "remote", "timestamp is %llu ms ahead of now (limit %llu)",
                           (unsigned long long)(lm - now_ms), (unsigned long long)clock->max_drift_ms);
    uint64_t l = l_old > lm ? l_old : lm;
    if (now_ms > l) l = now_ms;
    uint64_t c;
    if (l == l_old && l == lm) c = (c_old > cm ? c_old : cm) + 1;
    else if (l == l_old) c = c_old + 1;
    else if (l == lm) c = cm + 1;
    else c = 0;
    if (c > CK_HLC_MAX_COUNTER)
        return cki_error(ctx, CK_E_OVERFLOW, "counter", "logical counter exhausted at %llu ms",
                         (unsigned long long)l);
    clock->last = CK_HLC_PACK(l, c);
    *ts = clock->last;
    return CK_OK;
}

uint64_t ck_hlc_wall_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

/* ---- Message format ------------------------------------------------------------------------- */

static_assert(sizeof(ck_msg_header_t) == CK_MSG_HEADER_SIZE, "header size");
static_assert(offsetof(ck_msg_header_t, magic) == 0, "magic offset");
static_assert(offsetof(ck_msg_header_t, version) == 4, "version offset");
static_assert(offsetof(ck_msg_header_t, priority) == 6, "priority offset");
static_assert(offsetof(ck_msg_header_t, flags) == 7, "flags offset");
static_assert(offsetof(ck_msg_header_t, type_id) == 8, "type_id offset");
static_assert(offsetof(ck_msg_header_t, payload_size) == 12, "payload_size offset");
static_assert(offsetof(ck_msg_header_t, message_id) == 16, "message_id offset");
static_assert(offsetof(ck_msg_header_t, correlation_id) == 24, "correlation_id offset");
static_assert(offsetof(ck_msg_header_t, source) == 32, "source offset");
static_assert(offsetof(ck_msg_header_t, destination) == 36, "destination offset");
static_assert(offsetof(ck_msg_header_t, crc32c) == 40, "crc32c offset");
static_assert(offsetof(ck_msg_header_t, reserved) == 44, "reserved offset");
static_assert(offsetof(ck_msg_header_t, hlc) == 48, "hlc offset");

/* Explicit little-endian stores/loads: the encoding does not depend on the host. */
static void put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

ck_status_t ck_msg_encode(ck_ctx_t *ctx, void *buf, size_t cap, size_t *len,
                          const ck_msg_header_t *header, const void *payload, size_t payload_len)
{
    if (!len) return cki_invalid(ctx, "len", "must not be NULL");
    *len = 0;
    if (!buf) return cki_invalid(ctx, "buf", "must not be NULL");
    if (!header) return cki_invalid(ctx, "header", "must not be NULL");
    if (payload_len > 0 && !payload) return cki_invalid(ctx, "payload", "must not be NULL");
    if (payload_len > UINT32_MAX)
        return cki_invalid(ctx, "payload_len", "%zu exceeds the 32-bit payload size", payload_len);
    if (header->flags != 0) return cki_invalid(ctx, "header.flags", "must be 0");
    if (header->reserved != 0) return cki_invalid(ctx, "header.reserved", "must be 0");
    if (cap < CK_MSG_HEADER_SIZE || cap - CK_MSG_HEADER_SIZE < payload_len)
        return cki_invalid(ctx, "cap", "%zu bytes cannot hold the %zu-byte message", cap,
                           (size_t)CK_MSG_HEADER_SIZE + payload_len);
    unsigned char *p = buf;
    put_le(p + 0, CK_MSG_MAGIC, 4);
    put_le(p + 4, CK_MSG_VERSION, 2);
    p[6] = header->priority;
    p[7] = 0;
    put_le(p + 8, header->type_id, 4);
    put_le(p + 12, payload_len, 4);
    put_le(p + 16, header->message_id, 8);
    put_le(p + 24, header->correlation_id, 8);
    put_le(p + 32, header->source, 4);
    put_le(p + 36, header->destination, 4);
    put_le(p + 40, ck_crc32c(0, payload, payload_len), 4);
    put_le(p + 44, 0, 4);
    put_le(p + 48, header->hlc, 8);
    if (payload_len > 0) memmove(p + CK_MSG_HEADER_SIZE, payload, payload_len);
    *len = CK_MSG_HEADER_SIZE + payload_len;
    return CK_OK;
}

ck_status_t ck_msg_decode(ck_ctx_t *ctx, ck_msg_header_t *header, const void **payload,
                          size_t *payload_len, const void *buf, size_t len)
{
    if (!header) return cki_invalid(ctx, "header", "must not be NULL");
    if (!payload) return cki_invalid(ctx, "payload", "must not be NULL");
    if (!payload_len) return cki_invalid(ctx, "payload_len", "must not be NULL");
    *payload = NULL;
    *payload_len = 0;
    memset(header, 0, sizeof *header);
    if (!buf) return cki_invalid(ctx, "buf", "must not be NULL");
    if (len < CK_MSG_HEADER_SIZE)
        return cki_invalid(ctx, "len", "%zu bytes is shorter than the %d-byte header", len,
                           CK_MSG_HEADER_SIZE);
    const unsigned char *p = buf;
    ck_msg_header_t h;
    h.magic = (uint32_t)get_le(p + 0, 4);
    h.version = (uint16_t)get_le(p + 4, 2);
    h.priority = p[6];
    h.flags = p[7];
    h.type_id = (uint32_t)get_le(p + 8, 4);
    h.payload_size = (uint32_t)get_le(p + 12, 4);
    h.message_id = get_le(p + 16, 8);
    h.correlation_id = get_le(p + 24, 8);
    h.source = (uint32_t)get_le(p + 32, 4);
    h.destination = (uint32_t)get_le(p + 36, 4);
    h.crc32c = (uint32_t)get_le(p + 40, 4);
    h.reserved = (uint32_t)get_le(p + 44, 4);
    h.hlc = get_le(p + 48, 8);
    if (h.magic != CK_MSG_MAGIC)
        return cki_invalid(ctx, "magic", "0x%08X is not a CKernels message (0x%08X)", (unsigned)h.magic,
                           (unsigned)CK_MSG_MAGIC);
    if (h.version != CK_MSG_VERSION)
        return cki_invalid(ctx, "version", "unsupported version %u (expected %d)", (unsigned)h.version,
                           CK_MSG_VERSION);
    if (h.flags != 0) return cki_invalid(ctx, "flags", "must be 0, got %u", (unsigned)h.flags);
    if (h.reserved != 0) return cki_invalid(ctx, "reserved", "must be 0");
    if ((uint64_t)h.payload_size != (uint64_t)(len - CK_MSG_HEADER_SIZE))
        return cki_invalid(ctx, "payload_size", "header says %u bytes, buffer holds %zu",
                           (unsigned)h.payload_size, len - CK_MSG_HEADER_SIZE);
    uint32_t crc = ck_crc32c(0, p + CK_MSG_HEADER_SIZE, h.payload_size);
    if (crc != h.crc32c)
        return cki_invalid(ctx, "crc32c", "payload checksum 0x%08X does not match 0x%08X",
                           (unsigned)crc, (unsigned)h.crc32c);
    *header = h;
    *payload = p + CK_MSG_HEADER_SIZE;
    *payload_len = h.payload_size;
    return CK_OK;
}

/* ---- Type ids ------------------------------------------------------------------------------- */

bool ck_msg_type_is_control(uint32_t type_id)
{
    /* CK_RING_CONTROL_MIN is 0: only the upper bound can fail for an unsigned id. */
    return type_id <= CK_RING_CONTROL_MAX;
}

ck_status_t ck_msg_type_range(ck_ctx_t *ctx, uint32_t *min, uint32_t *max, ck_domain_t domain)
{
    if (!min) return cki_invalid(ctx, "min", "must not be NULL");
    if (!max) return cki_invalid(ctx, "max", "must not be NULL");
    const ck_domain_info_t *info = ck_domain_info(domain);
    if (!info) return cki_invalid(ctx, "domain", "%d is not a domain", (int)domain);
    *min = info->ring_type_min;
    *max = info->ring_type_max;
    return CK_OK;
}
