/* ThreadSanitizer run of the SPSC ring (src/core/ring.c) with real threads: one producer, one
 * consumer, 10^6 messages per case (TSAN_RING_MESSAGES overrides), every message's length, order
 * and bytes checked. Cases: copy push/pop; zero-copy reserve/commit + peek/release; a 1-slot ring
 * switching between both APIs on both sides; ck_msg_encode / ck_msg_decode in place in the slots
 * (CRC checked); ck_ring_size read concurrently by both sides. Any data race is a TSan report
 * (halt_on_error=1 makes it fatal); any wrong byte is a CHECK failure. */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "ckernels/ring.h"
#include "tsan_util.h"

static uint64_t n_messages = 1000000;

typedef struct ring_pair {
    ck_ring_t *ring;
    int mode;       /* per case */
    uint64_t count; /* messages to move */
} ring_pair_t;

static ck_ctx_t *new_ctx(void)
{
    ck_ctx_t *ctx = NULL;
    CHECK(ck_ctx_create(&ctx, NULL) == CK_OK, "ck_ctx_create");
    return ctx;
}

static size_t len_of(uint64_t seq, size_t max) { return (size_t)(tsan_mix(seq) % (max + 1)); }

static void check_size(const ck_ring_t *r)
{
    int64_t s = ck_ring_size(r);
    CHECK(s >= 0 && s <= ck_ring_capacity(r), "size %lld out of [0, %lld]", (long long)s,
          (long long)ck_ring_capacity(r));
}

/* ---- producer / consumer bodies ---------------------------------------------------------------- */

enum { MODE_COPY = 0, MODE_ZERO_COPY = 1, MODE_ALTERNATE = 2, MODE_CODEC = 3 };

static bool use_zero_copy(int mode, uint64_t seq)
{
    return mode == MODE_ZERO_COPY || mode == MODE_CODEC || (mode == MODE_ALTERNATE && (seq & 1));
}

static void *producer(void *arg)
{
    ring_pair_t *p = arg;
    ck_ctx_t *ctx = new_ctx(); /* a thread's own context, never shared */
    size_t max = ck_ring_max_message(p->ring);
    unsigned char buf[1024];
    for (uint64_t seq = 0; seq < p->count; seq++) {
        if (p->mode == MODE_CODEC) {
            size_t plen = len_of(seq, max - CK_MSG_HEADER_SIZE);
            void *slot;
            ck_status_t st;
            while ((st = ck_ring_reserve(ctx, p->ring, &slot)) == CK_E_QUEUE_FULL) tsan_relax();
            CHECK(st == CK_OK, "reserve: %d", (int)st);
            /* Payload built in place after the header; encode moves nothing then (memmove of
             * identical bytes) and computes the CRC over it. */
            unsigned char *payload = (unsigned char *)slot + CK_MSG_HEADER_SIZE;
            tsan_fill(payload, plen, seq);
            ck_msg_header_t h = {.type_id = 100 + (uint32_t)(seq % 50), .message_id = seq + 1,
                                 .correlation_id = seq ^ 0x5555, .source = 1, .destination = 2,
                                 .priority = (uint8_t)(seq & 3), .hlc = CK_HLC_PACK(seq >> 4, seq & 15)};
            size_t len = 0;
            CHECK(ck_msg_encode(ctx, slot, max, &len, &h, payload, plen) == CK_OK, "encode");
            CHECK(ck_ring_commit(ctx, p->ring, len) == CK_OK, "commit");
        } else if (use_zero_copy(p->mode, seq)) {
            size_t len = len_of(seq, max);
            void *slot, *again;
            ck_status_t st;
            while ((st = ck_ring_reserve(ctx, p->ring, &slot)) == CK_E_QUEUE_FULL) tsan_relax();
            CHECK(st == CK_OK, "reserve: %d", (int)st);
            if (seq % 7 == 0) { /* a second reserve before commit returns the same slot */
                CHECK(ck_ring_reserve(ctx, p->ring, &again) == CK_OK && again == slot, "re-reserve");
            }
            tsan_fill(slot, len, seq);
            CHECK(ck_ring_commit(ctx, p->ring, len) == CK_OK, "commit");
        } else {
            size_t len = len_of(seq, max);
            tsan_fill(buf, len, seq);
            ck_status_t st;
            while ((st = ck_ring_try_push(ctx, p->ring, buf, len)) == CK_E_QUEUE_FULL) tsan_relax();
            CHECK(st == CK_OK, "try_push: %d", (int)st);
        }
        if ((seq & 1023) == 0) check_size(p->ring);
    }
    ck_ctx_destroy(&ctx);
    return NULL;
}

static void consumer_run(ring_pair_t *p)
{
    ck_ctx_t *ctx = new_ctx();
    size_t max = ck_ring_max_message(p->ring);
    unsigned char buf[1024];
    for (uint64_t seq = 0; seq < p->count; seq++) {
        bool got = false;
        size_t len = 0;
        if (p->mode == MODE_CODEC) {
            const void *msg;
            while (ck_ring_peek(ctx, p->ring, &msg, &len, &got) == CK_OK && !got) tsan_relax();
            CHECK(got, "peek failed");
            ck_msg_header_t h;
            const void *payload;
            size_t plen;
            CHECK(ck_msg_decode(ctx, &h, &payload, &plen, msg, len) == CK_OK, "decode seq %llu: %s",
                  (unsigned long long)seq, ck_ctx_error(ctx));
            CHECK(plen == len_of(seq, max - CK_MSG_HEADER_SIZE), "payload length");
            CHECK(h.message_id == seq + 1 && h.correlation_id == (seq ^ 0x5555) &&
                      h.type_id == 100 + (uint32_t)(seq % 50) && h.priority == (seq & 3) &&
                      h.hlc == CK_HLC_PACK(seq >> 4, seq & 15) && h.source == 1 && h.destination == 2,
                  "header of seq %llu", (unsigned long long)seq);
            CHECK(tsan_verify(payload, plen, seq) < 0, "payload of seq %llu", (unsigned long long)seq);
            CHECK(ck_ring_release(ctx, p->ring) == CK_OK, "release");
        } else if (use_zero_copy(p->mode, seq)) {
            const void *msg;
            ck_status_t st;
            while ((st = ck_ring_peek(ctx, p->ring, &msg, &len, &got)) == CK_OK && !got) tsan_relax();
            CHECK(st == CK_OK && got, "peek: %d", (int)st);
            CHECK(len == len_of(seq, max), "seq %llu: length %zu", (unsigned long long)seq, len);
            long bad = tsan_verify(msg, len, seq);
            CHECK(bad < 0, "seq %llu: byte %ld differs", (unsigned long long)seq, bad);
            CHECK(ck_ring_release(ctx, p->ring) == CK_OK, "release");
        } else {
            ck_status_t st;
            while ((st = ck_ring_try_pop(ctx, p->ring, buf, sizeof buf, &len, &got)) == CK_OK && !got)
                tsan_relax();
            CHECK(st == CK_OK && got, "try_pop: %d", (int)st);
            CHECK(len == len_of(seq, max), "seq %llu: length %zu", (unsigned long long)seq, len);
            long bad = tsan_verify(buf, len, seq);
            CHECK(bad < 0, "seq %llu: byte %ld differs", (unsigned long long)seq, bad);
        }
        if ((seq & 1023) == 0) check_size(p->ring);
    }
    /* Everything consumed: the ring is empty and stays so. */
    bool got = true;
    size_t len;
    CHECK(ck_ring_try_pop(ctx, p->ring, buf, sizeof buf, &len, &got) == CK_OK && !got, "not empty");
    CHECK(ck_ring_release(ctx, p->ring) == CK_E_STATE, "release on empty must be CK_E_STATE");
    ck_ctx_destroy(&ctx);
}

static void run_pair(int64_t capacity, int64_t slot_size, int mode, uint64_t count)
{
    ck_ctx_t *ctx = new_ctx();
    ring_pair_t p = {.mode = mode, .count = count};
    CHECK(ck_ring_create(&p.ring, ctx, capacity, slot_size) == CK_OK, "ck_ring_create");
    pthread_t prod;
    CHECK(pthread_create(&prod, NULL, producer, &p) == 0, "pthread_create");
    consumer_run(&p);
    CHECK(pthread_join(prod, NULL) == 0, "pthread_join");
    CHECK(ck_ring_size(p.ring) == 0, "size after drain");
    ck_ring_destroy(&p.ring);
    ck_ctx_destroy(&ctx);
}

/* ---- cases -------------------------------------------------------------------------------------- */

static void copy_push_pop(void) { run_pair(64, 64, MODE_COPY, n_messages); }
static void zero_copy_reserve_peek(void) { run_pair(128, 128, MODE_ZERO_COPY, n_messages); }
/* One slot: every message fills the ring, every pop empties it (full/empty on each call). */
static void one_slot_alternating(void) { run_pair(1, 64, MODE_ALTERNATE, n_messages / 4); }
static void alternating_wide_slots(void) { run_pair(16, 512, MODE_ALTERNATE, n_messages / 2); }
static void codec_in_slots(void) { run_pair(256, 256, MODE_CODEC, n_messages / 2); }

int main(void)
{
    const char *env = getenv("TSAN_RING_MESSAGES");
    if (env && atoll(env) > 0) n_messages = (uint64_t)atoll(env);
    const tsan_case_t cases[] = {
        {"ring: try_push / try_pop, 64 x 64-byte slots, 0..56-byte messages", copy_push_pop},
        {"ring: reserve/commit + peek/release, 128 x 128-byte slots", zero_copy_reserve_peek},
        {"ring: capacity 1, both APIs alternating", one_slot_alternating},
        {"ring: 16 x 512-byte slots, both APIs alternating", alternating_wide_slots},
        {"ring: ck_msg_encode/decode in place, CRC checked", codec_in_slots},
    };
    return tsan_main(cases, sizeof cases / sizeof cases[0]);
}
