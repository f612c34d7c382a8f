/* Ring mode, lowest layer: SPSC ring, CRC32C, hybrid logical clock, message codec, type ids.
 * Oracles: hand-checked sequences; CRC32C known answers ("123456789" -> 0xE3069283 and the
 * RFC 3720 B.4 vectors) plus the bitwise definition of the reflected CRC; HLC rules worked out by
 * hand from Kulkarni et al. 2014; header offsets from the layout table in docs/ring.md. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "ckernels/ring.h"
#include "internal.h"

static ck_ctx_t *new_ctx(void)
{
    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    return ctx;
}

/* ---- single-thread ring behaviour ---- */

Test(ring, fifo_full_and_empty)
{
    ck_ctx_t *ctx = new_ctx();
    ck_ring_t *r = NULL;
    cr_assert_eq(ck_ring_create(&r, ctx, 4, 64), CK_OK);
    cr_assert_eq(ck_ring_capacity(r), 4);
    cr_assert_eq(ck_ring_max_message(r), 56u);
    cr_assert_eq(ck_ring_size(r), 0);
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t v = 1000 + i;
        cr_assert_eq(ck_ring_try_push(ctx, r, &v, sizeof v), CK_OK);
        cr_assert_eq(ck_ring_size(r), (int64_t)i + 1);
    }
    uint32_t extra = 9999;
    /* Full: refused, retryable, and nothing already queued is disturbed. */
    cr_assert_eq(ck_ring_try_push(ctx, r, &extra, sizeof extra), CK_E_QUEUE_FULL);
    cr_assert_eq(ck_ring_try_push(ctx, r, &extra, sizeof extra), CK_E_QUEUE_FULL);
    cr_assert(ck_status_retryable(CK_E_QUEUE_FULL));
    cr_assert_eq(ck_ring_size(r), 4);
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t v = 0;
        size_t len = 0;
        bool got = false;
        cr_assert_eq(ck_ring_try_pop(ctx, r, &v, sizeof v, &len, &got), CK_OK);
        cr_assert(got);
        cr_assert_eq(len, 4u);
        cr_assert_eq(v, 1000 + i);
    }
    size_t len = 7;
    bool got = true;
    uint32_t v;
    cr_assert_eq(ck_ring_try_pop(ctx, r, &v, sizeof v, &len, &got), CK_OK);
    cr_assert(!got);
    cr_assert_eq(len, 0u);
    /* After draining, the refused message can go in. */
    cr_assert_eq(ck_ring_try_push(ctx, r, &extra, sizeof extra), CK_OK);
    cr_assert_eq(ck_ring_try_pop(ctx, r, &v, sizeof v, &len, &got), CK_OK);
    cr_assert(got);
    cr_assert_eq(v, 9999u);
    ck_ring_destroy(&r);
    cr_assert_null(r);
    ck_ring_destroy(&r); /* no-op */
    ck_ring_destroy(NULL);
    ck_ctx_destroy(&ctx);
}

Test(ring, wraps_around_many_times)
{
    ck_ctx_t *ctx = new_ctx();
    ck_ring_t *r = NULL;
    cr_assert_eq(ck_ring_create(&r, ctx, 8, 128), CK_OK);
    uint64_t next_push = 0, next_pop = 0;
    /* Batches of 1..8 pushes then pops, so head and tail cross the end of the array at every
     * phase: 20000 rounds * 4.5 avg = ~90000 messages, ~11000 laps of an 8-slot ring. */
    for (int round = 0; round < 20000; round++) {
        int k = 1 + round % 8;
        for (int i = 0; i < k; i++, next_push++) {
            unsigned char msg[40];
            size_t n = 8 + (size_t)(next_push % 33);
            memcpy(msg, &next_push, 8);
            for (size_t j = 8; j < n; j++) msg[j] = (unsigned char)(next_push * 31 + j);
            cr_assert_eq(ck_ring_try_push(ctx, r, msg, n), CK_OK);
        }
        if (k == 8) {
            uint64_t x = 0;
            cr_assert_eq(ck_ring_try_push(ctx, r, &x, sizeof x), CK_E_QUEUE_FULL);
        }
        for (int i = 0; i < k; i++, next_pop++) {
            unsigned char msg[120];
            size_t len = 0;
            bool got = false;
            cr_assert_eq(ck_ring_try_pop(ctx, r, msg, sizeof msg, &len, &got), CK_OK);
            cr_assert(got);
            cr_assert_eq(len, 8 + (size_t)(next_pop % 33));
            uint64_t seq;
            memcpy(&seq, msg, 8);
            cr_assert_eq(seq, next_pop);
            for (size_t j = 8; j < len; j++) cr_assert_eq(msg[j], (unsigned char)(next_pop * 31 + j));
        }
        cr_assert_eq(ck_ring_size(r), 0);
    }
    cr_assert_eq(next_pop, next_push);
    ck_ring_destroy(&r);
    ck_ctx_destroy(&ctx);
}

Test(ring, message_lengths)
{
    ck_ctx_t *ctx = new_ctx();
    ck_ring_t *r = NULL;
    cr_assert_eq(ck_ring_create(&r, ctx, 2, 256), CK_OK);
    cr_assert_eq(ck_ring_max_message(r), 248u); /* 256 - 8-byte length */
    unsigned char big[300];
    for (int i = 0; i < 300; i++) big[i] = (unsigned char)(i * 7 + 1);
    cr_assert_eq(ck_ring_try_push(ctx, r, big, 249), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "len");
    cr_assert_eq(ck_ring_size(r), 0);
    cr_assert_eq(ck_ring_try_push(ctx, r, big, 248), CK_OK);
    cr_assert_eq(ck_ring_try_push(ctx, r, NULL, 0), CK_OK); /* empty message */
    cr_assert_eq(ck_ring_try_push(ctx, r, NULL, 5), CK_E_INVALID_INPUT);

    unsigned char out[300];
    size_t len = 0;
    bool got = true;
    /* Output too small: error naming "cap", the needed length reported, message kept. */
    cr_assert_eq(ck_ring_try_pop(ctx, r, out, 247, &len, &got), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "cap");
    cr_assert(!got);
    cr_assert_eq(len, 248u);
    cr_assert_eq(ck_ring_size(r), 2);
    cr_assert_eq(ck_ring_try_pop(ctx, r, out, sizeof out, &len, &got), CK_OK);
    cr_assert(got);
    cr_assert_eq(len, 248u);
    cr_assert_eq(memcmp(out, big, 248), 0);
    cr_assert_eq(ck_ring_try_pop(ctx, r, NULL, 0, &len, &got), CK_OK);
    cr_assert(got);
    cr_assert_eq(len, 0u);
    ck_ring_destroy(&r);
    ck_ctx_destroy(&ctx);
}

Test(ring, bad_arguments)
{
    ck_ctx_t *ctx = new_ctx();
    ck_ring_t *r = (ck_ring_t *)&ctx; /* must be reset to NULL on failure */
    const int64_t bad_caps[] = {0, -4, 3, 6, 100, (int64_t)1 << 31};
    for (size_t i = 0; i < sizeof bad_caps / sizeof *bad_caps; i++) {
        cr_assert_eq(ck_ring_create(&r, ctx, bad_caps[i], 256), CK_E_INVALID_INPUT);
        cr_assert_null(r);
        cr_assert_str_eq(ck_ctx_error_field(ctx), "capacity_slots");
    }
    const int64_t bad_slots[] = {0, 8, 32, 65, 100, 200, -64, ((int64_t)1 << 24) + 64};
    for (size_t i = 0; i < sizeof bad_slots / sizeof *bad_slots; i++) {
        cr_assert_eq(ck_ring_create(&r, ctx, 16, bad_slots[i]), CK_E_INVALID_INPUT);
        cr_assert_null(r);
        cr_assert_str_eq(ck_ctx_error_field(ctx), "slot_size");
    }
    cr_assert_eq(ck_ring_create(NULL, ctx, 16, 64), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_ring_create(&r, NULL, 16, 64), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_ring_create(&r, ctx, 1, 64), CK_OK); /* 1 = 2^0 is a power of two */
    uint8_t b = 1;
    cr_assert_eq(ck_ring_try_push(ctx, r, &b, 1), CK_OK);
    cr_assert_eq(ck_ring_try_push(ctx, r, &b, 1), CK_E_QUEUE_FULL);
    ck_ring_destroy(&r);
    size_t len;
    bool got;
    cr_assert_eq(ck_ring_try_push(ctx, NULL, &b, 1), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_ring_try_pop(ctx, NULL, &b, 1, &len, &got), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_ring_capacity(NULL), 0);
    ck_ctx_destroy(&ctx);
}

Test(ring, zero_copy_reserve_commit_peek_release)
{
    ck_ctx_t *ctx = new_ctx();
    ck_ring_t *r = NULL;
    cr_assert_eq(ck_ring_create(&r, ctx, 2, 128), CK_OK);
    cr_assert_eq(ck_ring_commit(ctx, r, 1), CK_E_STATE);
    cr_assert_eq(ck_ring_release(ctx, r), CK_E_STATE);
    void *slot = NULL;
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(ck_ring_reserve(ctx, r, &slot), CK_OK);
        /* Slots are 64-byte aligned; the message follows the 8-byte length. */
        cr_assert_eq(((uintptr_t)slot - CK_RING_SLOT_HEADER) % 64, 0u);
        cr_assert_eq(ck_ring_size(r), i); /* not visible before commit */
        memset(slot, 'a' + i, 100);
        cr_assert_eq(ck_ring_commit(ctx, r, 121), CK_E_INVALID_INPUT);
        cr_assert_str_eq(ck_ctx_error_field(ctx), "len");
        cr_assert_eq(ck_ring_commit(ctx, r, 100), CK_OK);
    }
    cr_assert_eq(ck_ring_reserve(ctx, r, &slot), CK_E_QUEUE_FULL);
    cr_assert_null(slot);
    for (int i = 0; i < 2; i++) {
        const void *msg = NULL;
        size_t len = 0;
        bool got = false;
        cr_assert_eq(ck_ring_peek(ctx, r, &msg, &len, &got), CK_OK);
        cr_assert(got);
        cr_assert_eq(len, 100u);
        const unsigned char *m = msg;
        for (int j = 0; j < 100; j++) cr_assert_eq(m[j], 'a' + i);
        /* Peeking twice sees the same message. */
        const void *again = NULL;
        cr_assert_eq(ck_ring_peek(ctx, r, &again, &len, &got), CK_OK);
        cr_assert_eq(again, msg);
        cr_assert_eq(ck_ring_release(ctx, r), CK_OK);
    }
    const void *msg = (const void *)1;
    size_t len = 1;
    bool got = true;
    cr_assert_eq(ck_ring_peek(ctx, r, &msg, &len, &got), CK_OK);
    cr_assert(!got);
    cr_assert_null(msg);
    /* Push while a reservation is open is a state error. */
    cr_assert_eq(ck_ring_reserve(ctx, r, &slot), CK_OK);
    cr_assert_eq(ck_ring_try_push(ctx, r, "x", 1), CK_E_STATE);
    cr_assert_eq(ck_ring_commit(ctx, r, 0), CK_OK);
    cr_assert_eq(ck_ring_size(r), 1);
    ck_ring_destroy(&r);
    ck_ctx_destroy(&ctx);
}

/* ---- allocation failure ---- */

typedef struct {
    int64_t allowed; /* allocations left before failing; < 0 = unlimited */
    int64_t live;
} fail_alloc_t;

static void *fa_malloc(size_t n, void *user)
{
    fail_alloc_t *f = user;
    if (f->allowed == 0) return NULL;
    if (f->allowed > 0) f->allowed--;
    void *p = malloc(n);
    if (p) f->live++;
    return p;
}

static void *fa_realloc(void *p, size_t n, void *user)
{
    fail_alloc_t *f = user;
    if (f->allowed == 0) return NULL;
    if (f->allowed > 0) f->allowed--;
    void *q = realloc(p, n);
    if (q && !p) f->live++;
    return q;
}

static void fa_free(void *p, void *user)
{
    fail_alloc_t *f = user;
    if (p) f->live--;
    free(p);
}

Test(ring, allocation_failure_is_nomem_without_leak)
{
    bool succeeded = false;
    for (int64_t k = 0; k < 6 && !succeeded; k++) {
        fail_alloc_t f = {-1, 0};
        ck_allocator_t a = {fa_malloc, fa_realloc, fa_free, &f};
        ck_ctx_t *ctx = NULL;
        cr_assert_eq(ck_ctx_create(&ctx, &a), CK_OK);
        f.allowed = k; /* the ring's k-th allocation (0-based) fails */
        ck_ring_t *r = NULL;
        ck_status_t s = ck_ring_create(&r, ctx, 64, 256);
        if (s == CK_OK) {
            succeeded = true;
            cr_assert_eq(ck_ring_try_push(ctx, r, "abc", 3), CK_OK);
            ck_ring_destroy(&r);
        } else {
            cr_assert_eq(s, CK_E_NOMEM);
            cr_assert_null(r);
            cr_assert_eq(ck_ctx_error_status(ctx), CK_E_NOMEM);
        }
        ck_ctx_destroy(&ctx);
        cr_assert_eq(f.live, 0, "leak after failing allocation %lld", (long long)k);
    }
    cr_assert(succeeded);
}

/* ---- two threads ---- */

#define SPSC_N 1000000u

/* Message i: its sequence number, a length 8 + i % 41 and bytes derived from i. */
static size_t spsc_len(uint64_t i) { return 8 + (size_t)(i % 41); }
static unsigned char spsc_byte(uint64_t i, size_t j) { return (unsigned char)((i * 2654435761u) >> (j % 24)) ^ (unsigned char)j; }

typedef struct {
    ck_ring_t *ring;
    uint64_t produced_sum; /* checksum over every byte sent */
} spsc_arg_t;

static void *spsc_producer(void *p)
{
    spsc_arg_t *a = p;
    unsigned char msg[64];
    uint64_t sum = 0;
    for (uint64_t i = 0; i < SPSC_N; i++) {
        size_t n = spsc_len(i);
        memcpy(msg, &i, 8);
        for (size_t j = 8; j < n; j++) {
            msg[j] = spsc_byte(i, j);
            sum += msg[j];
        }
        ck_status_t s;
        while ((s = ck_ring_try_push(NULL, a->ring, msg, n)) == CK_E_QUEUE_FULL) sched_yield();
        if (s != CK_OK) break;
    }
    a->produced_sum = sum;
    return NULL;
}

Test(ring, two_threads_million_messages_in_order, .timeout = 60)
{
    ck_ctx_t *ctx = new_ctx();
    spsc_arg_t a = {NULL, 0};
    cr_assert_eq(ck_ring_create(&a.ring, ctx, 1024, 64), CK_OK);
    int64_t t0 = cki_now_ns();
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, spsc_producer, &a), 0);
    uint64_t expect = 0, sum = 0, bad = 0;
    unsigned char msg[64];
    while (expect < SPSC_N) {
        size_t len;
        bool got;
        if (ck_ring_try_pop(ctx, a.ring, msg, sizeof msg, &len, &got) != CK_OK) {
            bad++;
            break;
        }
        if (!got) {
            sched_yield();
            continue;
        }
        uint64_t seq;
        memcpy(&seq, msg, 8);
        if (seq != expect || len != spsc_len(expect)) {
            bad++;
            break;
        }
        for (size_t j = 8; j < len; j++) {
            if (msg[j] != spsc_byte(seq, j)) bad++;
            sum += msg[j];
        }
        expect++;
    }
    cr_assert_eq(pthread_join(th, NULL), 0);
    int64_t t1 = cki_now_ns();
    cr_assert_eq(bad, 0, "message %llu out of order or corrupt", (unsigned long long)expect);
    cr_assert_eq(expect, SPSC_N);
    cr_assert_eq(sum, a.produced_sum);
    size_t len;
    bool got;
    cr_assert_eq(ck_ring_try_pop(ctx, a.ring, msg, sizeof msg, &len, &got), CK_OK);
    cr_assert(!got, "no extra message");
    cr_log_info("SPSC: %u messages in %.3f s = %.1f M msg/s", SPSC_N, (double)(t1 - t0) / 1e9,
                SPSC_N / ((double)(t1 - t0) / 1e9) / 1e6);
    ck_ring_destroy(&a.ring);
    ck_ctx_destroy(&ctx);
}

/* ---- CRC32C ---- */

/* The definition, bit by bit (reflected, init and final xor 0xFFFFFFFF): the table-free oracle. */
static uint32_t crc32c_bitwise(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    }
    return ~c;
}

Test(crc32c, known_answers)
{
    cr_assert_eq(ck_crc32c(0, "123456789", 9), 0xE3069283u);
    unsigned char buf[48];
    memset(buf, 0, 32);
    cr_assert_eq(ck_crc32c(0, buf, 32), 0x8A9136AAu); /* RFC 3720 B.4: 32 bytes of zeros */
    memset(buf, 0xFF, 32);
    cr_assert_eq(ck_crc32c(0, buf, 32), 0x62A8AB43u); /* 32 bytes of 0xFF */
    for (int i = 0; i < 32; i++) buf[i] = (unsigned char)i;
    cr_assert_eq(ck_crc32c(0, buf, 32), 0x46DD794Eu); /* 32 incrementing bytes */
    for (int i = 0; i < 32; i++) buf[i] = (unsigned char)(31 - i);
    cr_assert_eq(ck_crc32c(0, buf, 32), 0x113FDB5Cu); /* 32 decrementing bytes */
    cr_assert_eq(ck_crc32c(0, "", 0), 0u);
    cr_assert_eq(ck_crc32c(0, "a", 1), 0xC1D04330u);
}

Test(crc32c, matches_bitwise_definition_and_chains)
{
    unsigned char buf[1000];
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (size_t i = 0; i < sizeof buf; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[i] = (unsigned char)x;
    }
    for (size_t n = 0; n <= 67; n++) {
        cr_assert_eq(ck_crc32c(0, buf + 3, n), crc32c_bitwise(buf + 3, n), "n=%zu", n);
        /* both paths: the crc32 instruction (where the CPU has it) and the tables */
        cr_assert_eq(cki_crc32c_portable(0, buf + 3, n), crc32c_bitwise(buf + 3, n), "portable n=%zu", n);
    }
    cr_assert_eq(cki_crc32c_portable(0, "123456789", 9), 0xE3069283u);
    cr_assert_eq(cki_crc32c_portable(cki_crc32c_portable(0, buf, 10), buf + 10, 990), crc32c_bitwise(buf, 1000));
    cr_assert_eq(ck_crc32c(0, buf, sizeof buf), crc32c_bitwise(buf, sizeof buf));
    /* Feeding in pieces gives the same CRC as one call. */
    for (size_t cut = 0; cut <= 50; cut += 7) {
        uint32_t c = ck_crc32c(0, buf, cut);
        c = ck_crc32c(c, buf + cut, sizeof buf - cut);
        cr_assert_eq(c, crc32c_bitwise(buf, sizeof buf));
    }
}

/* ---- hybrid logical clock ---- */

#define P CK_HLC_PACK

Test(hlc, hand_checked_sequence)
{
    ck_hlc_t c;
    ck_hlc_init(&c, 0);
    uint64_t ts = 0;
    cr_assert_eq(ck_hlc_send(NULL, &c, &ts, 10), CK_OK);
    cr_assert_eq(ts, P(10, 0)); /* l: 0 -> 10, counter reset */
    cr_assert_eq(ck_hlc_send(NULL, &c, &ts, 10), CK_OK);
    cr_assert_eq(ts, P(10, 1)); /* same ms: counter + 1 */
    cr_assert_eq(ck_hlc_send(NULL, &c, &ts, 5), CK_OK);
    cr_assert_eq(ts, P(10, 2)); /* physical clock went back: l kept, counter + 1 */
    cr_assert_eq(ck_hlc_send(NULL, &c, &ts, 11), CK_OK);
    cr_assert_eq(ts, P(11, 0));
    /* l == l_old == lm: c = max(0, 5) + 1 */
    cr_assert_eq(ck_hlc_receive(NULL, &c, &ts, P(11, 5), 11), CK_OK);
    cr_assert_eq(ts, P(11, 6));
    /* remote older: l == l_old only: c + 1 */
    cr_assert_eq(ck_hlc_receive(NULL, &c, &ts, P(9, 100), 10), CK_OK);
    cr_assert_eq(ts, P(11, 7));
    /* remote from the future (20 ms while now is 12): l = lm, c = cm + 1 */
    cr_assert_eq(ck_hlc_receive(NULL, &c, &ts, P(20, 3), 12), CK_OK);
    cr_assert_eq(ts, P(20, 4));
    cr_assert_eq(ck_hlc_send(NULL, &c, &ts, 13), CK_OK);
    cr_assert_eq(ts, P(20, 5)); /* stays ahead of physical time until it catches up */
    cr_assert_eq(ck_hlc_send(NULL, &c, &ts, 25), CK_OK);
    cr_assert_eq(ts, P(25, 0));
    /* physical time dominates both: counter reset */
    cr_assert_eq(ck_hlc_receive(NULL, &c, &ts, P(3, 3), 30), CK_OK);
    cr_assert_eq(ts, P(30, 0));
    /* l == l_old == lm with the local counter larger: max(c, cm) + 1 */
    cr_assert_eq(ck_hlc_send(NULL, &c, &ts, 30), CK_OK); /* (30,1) */
    cr_assert_eq(ck_hlc_send(NULL, &c, &ts, 30), CK_OK); /* (30,2) */
    cr_assert_eq(ck_hlc_receive(NULL, &c, &ts, P(30, 1), 29), CK_OK);
    cr_assert_eq(ts, P(30, 3));
    cr_assert_eq(CK_HLC_MS(ts), 30u);
    cr_assert_eq(CK_HLC_COUNTER(ts), 3u);
    cr_assert_eq(P(1, 2), 0x10002u);
}

Test(hlc, drift_limit_overflow_and_bad_input)
{
    ck_ctx_t *ctx = new_ctx();
    ck_hlc_t c;
    ck_hlc_init(&c, 100);
    uint64_t ts = 77;
    cr_assert_eq(ck_hlc_receive(ctx, &c, &ts, P(1101, 0), 1000), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "remote");
    cr_assert_eq(c.last, 0u);
    cr_assert_eq(ts, 77u);
    cr_assert_eq(ck_hlc_receive(ctx, &c, &ts, P(1100, 0), 1000), CK_OK); /* exactly at the limit */
    cr_assert_eq(ts, P(1100, 1));

    c.last = P(50, 0xFFFF);
    cr_assert_eq(ck_hlc_send(ctx, &c, &ts, 50), CK_E_OVERFLOW);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "counter");
    cr_assert_eq(c.last, P(50, 0xFFFF));
    cr_assert_eq(ck_hlc_send(ctx, &c, &ts, 51), CK_OK);
    cr_assert_eq(ts, P(51, 0));
    c.last = P(50, 3);
    cr_assert_eq(ck_hlc_receive(ctx, &c, &ts, P(50, 0xFFFF), 40), CK_E_OVERFLOW);
    cr_assert_eq(c.last, P(50, 3));

    cr_assert_eq(ck_hlc_send(ctx, &c, &ts, CK_HLC_MAX_MS + 1), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "now_ms");
    cr_assert_eq(ck_hlc_send(ctx, &c, &ts, CK_HLC_MAX_MS), CK_OK);
    cr_assert_eq(ts, P(CK_HLC_MAX_MS, 0));
    cr_assert_eq(ck_hlc_send(ctx, NULL, &ts, 1), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_hlc_send(ctx, &c, NULL, 1), CK_E_INVALID_INPUT);
    /* Wall clock: after 2020-01-01 and within 48 bits. */
    uint64_t w = ck_hlc_wall_ms();
    cr_assert_gt(w, UINT64_C(1577836800000));
    cr_assert_leq(w, CK_HLC_MAX_MS);
    ck_ctx_destroy(&ctx);
}

Test(hlc, monotonic_and_causal_under_random_events)
{
    ck_hlc_t a, b;
    ck_hlc_init(&a, 0);
    ck_hlc_init(&b, 0);
    uint64_t x = 12345, prev_a = 0, prev_b = 0, pt = 1000;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* Physical time jitters forwards and backwards (clock skew between the two nodes). */
        pt = pt + (x % 3) - (pt > 1000 ? (x >> 8) % 2 : 0);
        uint64_t pa = pt, pb = pt + (x >> 16) % 50;
        uint64_t ts;
        if (x % 4 == 0) { /* a sends to b */
            cr_assert_eq(ck_hlc_send(NULL, &a, &ts, pa), CK_OK);
            cr_assert_gt(ts, prev_a);
            prev_a = ts;
            uint64_t r;
            cr_assert_eq(ck_hlc_receive(NULL, &b, &r, ts, pb), CK_OK);
            cr_assert_gt(r, ts, "receive is after send");
            cr_assert_gt(r, prev_b);
            cr_assert_geq(CK_HLC_MS(r), pb);
            prev_b = r;
        } else if (x % 4 == 1) { /* b sends to a */
            cr_assert_eq(ck_hlc_send(NULL, &b, &ts, pb), CK_OK);
            cr_assert_gt(ts, prev_b);
            prev_b = ts;
            uint64_t r;
            cr_assert_eq(ck_hlc_receive(NULL, &a, &r, ts, pa), CK_OK);
            cr_assert_gt(r, ts);
            cr_assert_gt(r, prev_a);
            prev_a = r;
        } else { /* local events */
            cr_assert_eq(ck_hlc_send(NULL, &a, &ts, pa), CK_OK);
            cr_assert_gt(ts, prev_a);
            cr_assert_geq(CK_HLC_MS(ts), pa);
            prev_a = ts;
        }
    }
}

/* ---- message codec ---- */

static ck_msg_header_t sample_header(void)
{
    ck_msg_header_t h;
    memset(&h, 0, sizeof h);
    h.priority = 3;
    h.type_id = 100;
    h.message_id = 0x1122334455667788u;
    h.correlation_id = 42;
    h.source = 7;
    h.destination = 0xABCDEF01u;
    h.hlc = P(1700000000000u, 5);
    return h;
}

Test(msg, header_layout)
{
    cr_assert_eq(sizeof(ck_msg_header_t), 56u);
    cr_assert_eq(offsetof(ck_msg_header_t, type_id), 8u);
    cr_assert_eq(offsetof(ck_msg_header_t, message_id), 16u);
    cr_assert_eq(offsetof(ck_msg_header_t, crc32c), 40u);
    cr_assert_eq(offsetof(ck_msg_header_t, hlc), 48u);
}

Test(msg, encode_decode_round_trip_and_bytes)
{
    ck_ctx_t *ctx = new_ctx();
    ck_msg_header_t h = sample_header();
    h.crc32c = 0xDEADBEEF; /* ignored: encode computes it */
    h.payload_size = 999;  /* ignored */
    unsigned char buf[128];
    size_t len = 0;
    cr_assert_eq(ck_msg_encode(ctx, buf, sizeof buf, &len, &h, "123456789", 9), CK_OK);
    cr_assert_eq(len, 65u);
    /* Hand-written expected bytes (little-endian at the documented offsets). */
    static const unsigned char expect[56] = {
        'C', 'K', 'M', 'G', 1, 0, 3, 0,                 /* magic, version 1, priority 3, flags */
        100, 0, 0, 0, 9, 0, 0, 0,                       /* type 100, payload_size 9 */
        0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* message id */
        42, 0, 0, 0, 0, 0, 0, 0,                        /* correlation id */
        7, 0, 0, 0, 0x01, 0xEF, 0xCD, 0xAB,             /* source, destination */
        0x83, 0x92, 0x06, 0xE3, 0, 0, 0, 0,             /* CRC32C("123456789"), reserved */
        5, 0, 0x00, 0x68, 0xE5, 0xCF, 0x8B, 0x01,       /* hlc = 1700000000000 << 16 | 5 */
    };
    cr_assert_eq(memcmp(buf, expect, 56), 0);
    cr_assert_eq(memcmp(buf + 56, "123456789", 9), 0);

    ck_msg_header_t d;
    const void *payload = NULL;
    size_t plen = 0;
    cr_assert_eq(ck_msg_decode(ctx, &d, &payload, &plen, buf, len), CK_OK);
    cr_assert_eq(d.magic, CK_MSG_MAGIC);
    cr_assert_eq(d.version, 1);
    cr_assert_eq(d.priority, 3);
    cr_assert_eq(d.type_id, 100u);
    cr_assert_eq(d.payload_size, 9u);
    cr_assert_eq(d.message_id, 0x1122334455667788u);
    cr_assert_eq(d.correlation_id, 42u);
    cr_assert_eq(d.source, 7u);
    cr_assert_eq(d.destination, 0xABCDEF01u);
    cr_assert_eq(d.crc32c, 0xE3069283u);
    cr_assert_eq(d.hlc, P(1700000000000u, 5));
    cr_assert_eq(plen, 9u);
    cr_assert_eq(payload, buf + 56); /* zero-copy */

    /* Empty payload: CRC32C of nothing is 0. */
    cr_assert_eq(ck_msg_encode(ctx, buf, 56, &len, &h, NULL, 0), CK_OK);
    cr_assert_eq(len, 56u);
    cr_assert_eq(ck_msg_decode(ctx, &d, &payload, &plen, buf, len), CK_OK);
    cr_assert_eq(plen, 0u);
    cr_assert_eq(d.crc32c, 0u);
    ck_ctx_destroy(&ctx);
}

static void expect_decode_error(ck_ctx_t *ctx, const unsigned char *buf, size_t len, const char *field)
{
    ck_msg_header_t d;
    const void *payload = (const void *)1;
    size_t plen = 1;
    cr_assert_eq(ck_msg_decode(ctx, &d, &payload, &plen, buf, len), CK_E_INVALID_INPUT, "field %s", field);
    cr_assert_str_eq(ck_ctx_error_field(ctx), field);
    cr_assert_null(payload);
    cr_assert_eq(plen, 0u);
}

Test(msg, corruption_is_rejected)
{
    ck_ctx_t *ctx = new_ctx();
    ck_msg_header_t h = sample_header();
    unsigned char good[56 + 40], buf[sizeof good];
    unsigned char payload[40];
    for (int i = 0; i < 40; i++) payload[i] = (unsigned char)(i * 13);
    size_t len;
    cr_assert_eq(ck_msg_encode(ctx, good, sizeof good, &len, &h, payload, 40), CK_OK);
    /* Every single-bit flip in the payload changes the CRC32C. */
    for (size_t i = 56; i < len; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            memcpy(buf, good, len);
            buf[i] ^= (unsigned char)(1u << bit);
            expect_decode_error(ctx, buf, len, "crc32c");
        }
    }
    memcpy(buf, good, len);
    buf[40] ^= 1; /* the stored CRC itself */
    expect_decode_error(ctx, buf, len, "crc32c");
    memcpy(buf, good, len);
    buf[0] = 'X';
    expect_decode_error(ctx, buf, len, "magic");
    memcpy(buf, good, len);
    buf[4] = 2;
    expect_decode_error(ctx, buf, len, "version");
    memcpy(buf, good, len);
    buf[7] = 1;
    expect_decode_error(ctx, buf, len, "flags");
    memcpy(buf, good, len);
    buf[45] = 1;
    expect_decode_error(ctx, buf, len, "reserved");
    expect_decode_error(ctx, good, len - 1, "payload_size"); /* truncated payload */
    expect_decode_error(ctx, good, 55, "len");               /* truncated header */
    expect_decode_error(ctx, good, 0, "len");
    memcpy(buf, good, len);
    buf[12] = 41; /* claims one more byte than the buffer holds */
    expect_decode_error(ctx, buf, len, "payload_size");
    ck_ctx_destroy(&ctx);
}

Test(msg, encode_errors)
{
    ck_ctx_t *ctx = new_ctx();
    ck_msg_header_t h = sample_header();
    unsigned char buf[100];
    size_t len = 5;
    cr_assert_eq(ck_msg_encode(ctx, buf, 64, &len, &h, buf, 9), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "cap");
    cr_assert_eq(len, 0u);
    cr_assert_eq(ck_msg_encode(ctx, buf, 55, &len, &h, NULL, 0), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "cap");
    h.flags = 1;
    cr_assert_eq(ck_msg_encode(ctx, buf, sizeof buf, &len, &h, NULL, 0), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "header.flags");
    h.flags = 0;
    h.reserved = 1;
    cr_assert_eq(ck_msg_encode(ctx, buf, sizeof buf, &len, &h, NULL, 0), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "header.reserved");
    h.reserved = 0;
    cr_assert_eq(ck_msg_encode(ctx, buf, sizeof buf, &len, &h, NULL, 3), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "payload");
    ck_ctx_destroy(&ctx);
}

Test(msg, through_the_ring_zero_copy)
{
    /* Encode straight into a reserved slot, decode in place from a peeked one. */
    ck_ctx_t *ctx = new_ctx();
    ck_ring_t *r = NULL;
    cr_assert_eq(ck_ring_create(&r, ctx, 4, 256), CK_OK);
    ck_msg_header_t h = sample_header();
    void *slot;
    size_t len;
    cr_assert_eq(ck_ring_reserve(ctx, r, &slot), CK_OK);
    cr_assert_eq(ck_msg_encode(ctx, slot, ck_ring_max_message(r), &len, &h, "hello", 5), CK_OK);
    cr_assert_eq(ck_ring_commit(ctx, r, len), CK_OK);
    const void *m;
    bool got;
    cr_assert_eq(ck_ring_peek(ctx, r, &m, &len, &got), CK_OK);
    cr_assert(got);
    ck_msg_header_t d;
    const void *payload;
    size_t plen;
    cr_assert_eq(ck_msg_decode(ctx, &d, &payload, &plen, m, len), CK_OK);
    cr_assert_eq(plen, 5u);
    cr_assert_eq(memcmp(payload, "hello", 5), 0);
    cr_assert_eq(d.message_id, h.message_id);
    cr_assert_eq(ck_ring_release(ctx, r), CK_OK);
    ck_ring_destroy(&r);
    ck_ctx_destroy(&ctx);
}

/* ---- type ids ---- */

Test(msg, type_ids)
{
    cr_assert(ck_msg_type_is_control(0));
    cr_assert(ck_msg_type_is_control(99));
    cr_assert(!ck_msg_type_is_control(100));
    uint32_t lo = 0, hi = 0;
    cr_assert_eq(ck_msg_type_range(NULL, &lo, &hi, CK_DOMAIN_GRAPH), CK_OK);
    cr_assert_eq(lo, 200u); /* DESIGN.md §5: graph 200-299 */
    cr_assert_eq(hi, 299u);
    cr_assert_eq(ck_msg_type_range(NULL, &lo, &hi, CK_DOMAIN_AUDIT), CK_OK);
    cr_assert_eq(lo, 1500u);
    cr_assert_eq(hi, 1599u);
    cr_assert_eq(ck_msg_type_range(NULL, &lo, &hi, CK_DOMAIN_CORE), CK_OK);
    cr_assert_eq(lo, 100u); /* core/echo uses 100 and 150 */
    cr_assert_eq(hi, 199u);
    ck_ctx_t *ctx = new_ctx();
    cr_assert_eq(ck_msg_type_range(ctx, &lo, &hi, CK_DOMAIN_COUNT), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "domain");
    ck_domain_t d;
    cr_assert_eq(ck_domain_of_ring_type(150, &d), CK_OK);
    cr_assert_eq(d, CK_DOMAIN_CORE);
    ck_ctx_destroy(&ctx);
}
