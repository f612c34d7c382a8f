/* ThreadSanitizer run of the actor runtime (src/core/actor.c) with real threads: the client
 * thread and actor threads exchange messages over the runtime's rings while lifecycle commands,
 * stats, barriers and termination run concurrently. Every reply's type, correlation, order and
 * bytes are checked. Cases: echo round trips with each idle policy; pipelined echo with stats
 * taken under load; pause/resume under load; back-pressure with 2-slot rings; two actors
 * emitting to each other (K2K) while the client sends to both; barrier over K2K chains; terminate
 * with queued messages. A watchdog turns a hang (deadlock) into a failure. */
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "ckernels.h"
#include "ckernels/actor.h"
#include "internal.h" /* cki_invalid, for the test's own actor class */
#include "tsan_util.h"

extern const ck_kernel_t cki_echo_kernel; /* src/core/kernels/echo.c */

#define SEC ((int64_t)1000000000)
#define ECHO 100
#define ECHO_REPLY 150
#define WATCHDOG_S 300

static ck_ctx_t *ctx;
static ck_registry_t *reg;

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "tsan_actor: watchdog: the case did not finish in time (deadlock?)\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(2);
}

static ck_runtime_t *new_runtime(int64_t ring_capacity)
{
    ck_runtime_t *rt = NULL;
    ck_runtime_options_t o = {.ring_capacity = ring_capacity};
    CHECK(ck_runtime_create(&rt, ctx, reg, &o) == CK_OK, "runtime: %s", ck_ctx_error(ctx));
    return rt;
}

static ck_actor_t *launch(ck_runtime_t *rt, const char *kernel, const ck_actor_class_t *cls, const char *name,
                          ck_idle_policy_t idle)
{
    ck_actor_t *a = NULL;
    ck_actor_options_t o = {.name = name, .idle = idle, .spin_ns = 20000};
    CHECK(ck_runtime_launch(rt, kernel, cls, &o, &a) == CK_OK, "launch %s: %s", kernel, ck_ctx_error(ctx));
    return a;
}

/* The payload of echo message `seq`: 8-byte seq then 0..56 pattern bytes. */
static size_t make_payload(unsigned char *p, uint64_t seq)
{
    size_t n = 8 + (size_t)(tsan_mix(seq) % 57);
    memcpy(p, &seq, 8);
    tsan_fill(p + 8, n - 8, seq);
    return n;
}

static void check_payload(const unsigned char *p, size_t len, uint64_t seq)
{
    uint64_t got;
    CHECK(len >= 8, "payload of %zu bytes", len);
    memcpy(&got, p, 8);
    CHECK(got == seq, "reply %llu arrived where %llu was expected (order)", (unsigned long long)got,
          (unsigned long long)seq);
    CHECK(len == 8 + (size_t)(tsan_mix(seq) % 57), "reply %llu: length %zu", (unsigned long long)seq, len);
    CHECK(tsan_verify(p + 8, len - 8, seq) < 0, "reply %llu: bytes differ", (unsigned long long)seq);
}

/* A relay payload: an echo payload of at least 9 bytes whose byte 8 names the partner. */
static size_t make_relay(unsigned char *p, uint64_t seq, char partner)
{
    size_t n = make_payload(p, seq);
    if (n < 9) n = 9;
    p[8] = (unsigned char)partner;
    return n;
}

static bool try_recv(ck_actor_t *a, ck_msg_header_t *h, unsigned char *buf, size_t *len, int64_t timeout)
{
    bool got = false;
    CHECK(ck_actor_recv(a, h, buf, 256, len, timeout, &got) == CK_OK, "recv: %s", ck_ctx_error(ctx));
    return got;
}

/* ---- 1. round trips with each idle policy ----------------------------------------------------- */

static void echo_round_trips(void)
{
    for (int policy = CK_IDLE_BUSY_POLL; policy <= CK_IDLE_BLOCKING; policy++) {
        ck_runtime_t *rt = new_runtime(0);
        ck_actor_t *a = launch(rt, "core/echo", NULL, NULL, (ck_idle_policy_t)policy);
        CHECK(ck_actor_activate(a) == CK_OK, "activate");
        enum { N = 20000 };
        for (uint64_t i = 0; i < N; i++) {
            unsigned char p[64], r[256];
            size_t n = make_payload(p, i), len;
            uint64_t id;
            CHECK(ck_actor_send(a, ECHO, p, n, CK_SEND_BLOCK, &id) == CK_OK, "send: %s", ck_ctx_error(ctx));
            ck_msg_header_t h;
            /* Alternate a blocking wait (client sleeps on the runtime's condition variable) with
             * polling (timeout 0). */
            if (i % 2) {
                CHECK(try_recv(a, &h, r, &len, 30 * SEC), "no reply within 30 s");
            } else {
                while (!try_recv(a, &h, r, &len, 0)) tsan_relax();
            }
            CHECK(h.type_id == ECHO_REPLY && h.correlation_id == id && h.source == 1, "reply header");
            check_payload(r, len, i);
        }
        ck_actor_stats_t st;
        ck_actor_stats(a, &st);
        CHECK(st.handled == N && st.sent == N && st.errors == 0, "stats %llu/%llu/%llu",
              (unsigned long long)st.handled, (unsigned long long)st.sent, (unsigned long long)st.errors);
        CHECK(st.latency.count == N, "latency samples");
        if (policy == CK_IDLE_BLOCKING) CHECK(st.parks > 0, "a blocking actor parks");
        ck_runtime_destroy(&rt);
    }
}

/* ---- 2. pipelined echo, stats and snapshot under load ------------------------------------------- */

/* Send `n` echo messages starting at seq `first` while draining replies (CK_SEND_TRY; on a full
 * ring, drain). Every `every` messages, right after a drain, call hook(a, i): at that point the
 * messages still outstanding all sit in the request ring, so the reply ring (same capacity) can
 * take their replies and the actor is not stuck waiting for the client. Returns the number of
 * QUEUE_FULLs seen. */
static uint64_t pipeline(ck_actor_t *a, uint64_t first, uint64_t n, uint64_t every,
                         void (*hook)(ck_actor_t *, uint64_t))
{
    uint64_t sent = 0, recvd = 0, full = 0;
    bool hook_due = false;
    unsigned char p[64], r[256];
    while (recvd < n) {
        while (sent < n && !hook_due) {
            size_t len = make_payload(p, first + sent);
            ck_status_t s = ck_actor_send(a, ECHO, p, len, CK_SEND_TRY, NULL);
            if (s == CK_E_QUEUE_FULL) {
                full++;
                break;
            }
            CHECK(s == CK_OK, "send: %s", ck_ctx_error(ctx));
            sent++;
            if (hook && sent % every == 0) hook_due = true;
        }
        ck_msg_header_t h;
        size_t len;
        while (recvd < sent && try_recv(a, &h, r, &len, sent == n ? 30 * SEC : 0)) {
            CHECK(h.type_id == ECHO_REPLY, "type %u", h.type_id);
            check_payload(r, len, first + recvd);
            recvd++;
        }
        if (hook_due) {
            hook(a, sent);
            hook_due = false;
        }
    }
    return full;
}

static void stats_hook(ck_actor_t *a, uint64_t i)
{
    ck_actor_stats_t st;
    ck_actor_stats(a, &st);
    CHECK(st.handled <= i && st.errors == 0, "stats under load");
    if (i % 20000 == 0) {
        char *json = NULL;
        CHECK(ck_actor_snapshot(a, &json) == CK_OK, "snapshot: %s", ck_ctx_error(ctx));
        CHECK(strcmp(json, "{}") == 0, "core/echo snapshot is {}");
        ck_ctx_free(ctx, json);
    }
}

static void pipelined_echo(void)
{
    for (int policy = CK_IDLE_BUSY_POLL; policy <= CK_IDLE_BLOCKING; policy++) {
        ck_runtime_t *rt = new_runtime(64);
        ck_actor_t *a = launch(rt, "core/echo", NULL, NULL, (ck_idle_policy_t)policy);
        CHECK(ck_actor_activate(a) == CK_OK, "activate");
        pipeline(a, 0, 100000, 1000, stats_hook);
        ck_actor_stats_t st;
        ck_actor_stats(a, &st);
        CHECK(st.handled == 100000, "handled %llu", (unsigned long long)st.handled);
        ck_runtime_destroy(&rt);
    }
}

/* ---- 3. pause / resume under load --------------------------------------------------------------- */

static void pause_resume_under_load(void)
{
    ck_runtime_t *rt = new_runtime(128);
    ck_actor_t *a = launch(rt, "core/echo", NULL, NULL, CK_IDLE_SPIN_THEN_PARK);
    CHECK(ck_actor_activate(a) == CK_OK, "activate");
    /* Pipelined echo with a pause/resume every 500 messages; while paused the client queues more
     * (try-send) and checks nothing is handled. Replies stay in order across pauses. */
    uint64_t n = 60000, sent = 0, recvd = 0, errs_sent = 0, errs_got = 0;
    ck_msg_header_t h;
    size_t len;
    unsigned char p[64], r[256];
    while (recvd < n) {
        bool pause_due = false;
        while (sent < n) {
            len = make_payload(p, sent);
            ck_status_t s = ck_actor_send(a, ECHO, p, len, CK_SEND_TRY, NULL);
            if (s == CK_E_QUEUE_FULL) break;
            CHECK(s == CK_OK, "send: %s", ck_ctx_error(ctx));
            sent++;
            if (sent % 500 == 0) {
                pause_due = true;
                break;
            }
        }
        while (recvd < sent && try_recv(a, &h, r, &len, sent == n ? 30 * SEC : 0)) {
            CHECK(h.type_id == ECHO_REPLY, "type %u", h.type_id);
            check_payload(r, len, recvd);
            recvd++;
        }
        if (pause_due) { /* right after a drain: see pipeline() */
            CHECK(ck_actor_pause(a) == CK_OK, "pause: %s", ck_ctx_error(ctx));
            CHECK(ck_actor_state(a) == CK_ACTOR_PAUSED, "paused");
            ck_actor_stats_t s1, s2;
            ck_actor_stats(a, &s1);
            for (int k = 0; k < 3 && sent < n; k++) { /* queue more while paused */
                len = make_payload(p, sent);
                if (ck_actor_send(a, ECHO, p, len, CK_SEND_TRY, NULL) != CK_OK) break;
                sent++;
            }
            tsan_sleep_us(100);
            ck_actor_stats(a, &s2);
            CHECK(s1.handled == s2.handled && s1.received == s2.received, "a paused actor handled a message");
            CHECK(ck_actor_resume(a) == CK_OK, "resume: %s", ck_ctx_error(ctx));
            CHECK(ck_actor_state(a) == CK_ACTOR_ACTIVE, "active");
        }
    }
    /* A request the actor rejects while paused is answered by CK_MSG_ERROR after resume. */
    CHECK(ck_actor_pause(a) == CK_OK, "pause");
    unsigned char q[4] = {1, 2, 3, 4};
    CHECK(ck_actor_send(a, 999, q, sizeof q, CK_SEND_TRY, NULL) == CK_OK, "send 999");
    errs_sent++;
    CHECK(ck_actor_resume(a) == CK_OK, "resume");
    CHECK(try_recv(a, &h, r, &len, 30 * SEC), "error reply");
    CHECK(h.type_id == CK_MSG_ERROR, "type %u", h.type_id);
    errs_got++;
    ck_actor_stats_t st;
    ck_actor_stats(a, &st);
    CHECK(st.handled == n && st.errors == errs_sent && errs_got == errs_sent, "stats after pauses");
    ck_runtime_destroy(&rt);
}

/* ---- 4. back-pressure with 2-slot rings ---------------------------------------------------------- */

static void back_pressure_tiny_ring(void)
{
    for (int policy = CK_IDLE_BUSY_POLL; policy <= CK_IDLE_BLOCKING; policy++) {
        ck_runtime_t *rt = new_runtime(2);
        ck_actor_t *a = launch(rt, "core/echo", NULL, NULL, (ck_idle_policy_t)policy);
        CHECK(ck_actor_activate(a) == CK_OK, "activate");
        /* Blocking sends while up to 4 messages are outstanding (2 queued replies, one request
         * held by the actor waiting for room, one more queued): every such send completes, waiting
         * for the actor when the request ring is full. Then try-sends with draining. */
        uint64_t sent = 0, recvd = 0, n = 10000;
        unsigned char p[64], r[256];
        while (recvd < n) {
            while (sent < n && sent - recvd < 4) {
                size_t len = make_payload(p, sent);
                CHECK(ck_actor_send(a, ECHO, p, len, CK_SEND_BLOCK, NULL) == CK_OK, "blocking send: %s",
                      ck_ctx_error(ctx));
                sent++;
            }
            ck_msg_header_t h;
            size_t len;
            CHECK(try_recv(a, &h, r, &len, 30 * SEC), "no reply within 30 s");
            check_payload(r, len, recvd);
            recvd++;
        }
        uint64_t full = pipeline(a, n, n, 1u << 30, NULL);
        CHECK(full > 0, "2-slot ring never full");
        ck_actor_stats_t st;
        ck_actor_stats(a, &st);
        CHECK(st.handled == 2 * n, "handled %llu", (unsigned long long)st.handled);
        CHECK(st.send_waits > 0, "the actor never waited on its full reply ring");
        ck_runtime_destroy(&rt);
    }
}

/* ---- 5. K2K: two actors emitting to each other while the client sends ----------------------------- */

/* Class "relay": a client request (300) is emitted to the partner as 301; the partner answers 301
 * with a reply 302 (which travels back over the link); the origin publishes 303 to the client.
 * Both actors do this at once, so each link carries requests one way and replies the other. */
#define R_REQ 300
#define R_FWD 301
#define R_BACK 302
#define R_DONE 303

static ck_status_t relay_create(ck_ctx_t *c, const struct json_t *config, void **state)
{
    (void)c, (void)config;
    *state = NULL;
    return CK_OK;
}

static ck_status_t relay_handle(ck_ctx_t *c, void *state, ck_actor_call_t *call, uint32_t type_id, const void *payload,
                                size_t len)
{
    (void)state;
    if (len < 9) return cki_invalid(c, "len", "a relay payload has at least 9 bytes");
    switch (type_id) {
    case R_REQ: {
        /* Byte 8 of the payload names the partner: 'a' or 'b'. */
        const char *to = ((const unsigned char *)payload)[8] == 'a' ? "ra" : "rb";
        return ck_actor_emit(call, to, R_FWD, payload, len, CK_SEND_BLOCK, NULL);
    }
    case R_FWD: return ck_actor_reply(call, R_BACK, payload, len);
    case R_BACK: return ck_actor_publish(call, R_DONE, payload, len);
    default: return cki_invalid(c, "type_id", "unexpected type %u", type_id);
    }
}

static const ck_actor_class_t relay_class = {.kernel_id = "tsan/relay", .create = relay_create, .handle = relay_handle};

static void k2k_both_ways(int64_t capacity)
{
    ck_runtime_t *rt = new_runtime(capacity);
    ck_actor_t *ra = launch(rt, "tsan/relay", &relay_class, "ra", CK_IDLE_BUSY_POLL);
    ck_actor_t *rb = launch(rt, "tsan/relay", &relay_class, "rb", CK_IDLE_SPIN_THEN_PARK);
    CHECK(ck_actor_activate(ra) == CK_OK && ck_actor_activate(rb) == CK_OK, "activate");
    ck_actor_t *to[2] = {ra, rb};
    enum { N = 10000 }; /* per actor */
    uint64_t sent[2] = {0, 0}, got[2] = {0, 0};
    unsigned char p[64], r[256];
    while (got[0] < N || got[1] < N) {
        for (int k = 0; k < 2; k++) {
            if (sent[k] < N) {
                size_t len = make_relay(p, sent[k], k == 0 ? 'b' : 'a'); /* ra forwards to rb and vice versa */
                ck_status_t s = ck_actor_send(to[k], R_REQ, p, len, CK_SEND_TRY, NULL);
                CHECK(s == CK_OK || s == CK_E_QUEUE_FULL, "send: %s", ck_ctx_error(ctx));
                if (s == CK_OK) sent[k]++;
            }
            ck_msg_header_t h;
            size_t len;
            while (got[k] < sent[k] && try_recv(to[k], &h, r, &len, 0)) {
                CHECK(h.type_id == R_DONE, "type %u from %s", h.type_id, k ? "rb" : "ra");
                unsigned char want[64];
                size_t wl = make_relay(want, got[k], k == 0 ? 'b' : 'a');
                CHECK(len == wl && memcmp(r, want, wl) == 0, "relay %d message %llu", k, (unsigned long long)got[k]);
                got[k]++;
            }
        }
    }
    for (int k = 0; k < 2; k++) {
        ck_actor_stats_t st;
        ck_actor_stats(to[k], &st);
        /* Each actor handled its N client requests, the partner's N forwards and N replies. */
        CHECK(st.handled == 3 * (uint64_t)N && st.errors == 0, "relay %d handled %llu errors %llu", k,
              (unsigned long long)st.handled, (unsigned long long)st.errors);
    }
    ck_runtime_destroy(&rt);
}

static void k2k_default_rings(void) { k2k_both_ways(0); }
static void k2k_small_rings(void) { k2k_both_ways(4); }

/* ---- 6. barrier over K2K chains -------------------------------------------------------------------- */

static void barrier_k2k(void)
{
    ck_runtime_t *rt = new_runtime(0); /* 1024 slots: every reply below fits, nobody waits on the client */
    ck_actor_t *ra = launch(rt, "tsan/relay", &relay_class, "ra", CK_IDLE_BLOCKING);
    ck_actor_t *rb = launch(rt, "tsan/relay", &relay_class, "rb", CK_IDLE_SPIN_THEN_PARK);
    ck_actor_t *echo = launch(rt, "core/echo", NULL, NULL, CK_IDLE_BUSY_POLL);
    CHECK(ck_actor_activate(ra) == CK_OK && ck_actor_activate(rb) == CK_OK && ck_actor_activate(echo) == CK_OK, "activate");
    unsigned char p[64], r[256];
    for (int round = 0; round < 50; round++) {
        enum { M = 100 };
        for (uint64_t i = 0; i < M; i++) {
            size_t len = make_payload(p, i);
            CHECK(ck_actor_send(echo, ECHO, p, len, CK_SEND_BLOCK, NULL) == CK_OK, "send echo");
            len = make_relay(p, i, 'b');
            CHECK(ck_actor_send(ra, R_REQ, p, len, CK_SEND_BLOCK, NULL) == CK_OK, "send ra");
            len = make_relay(p, i, 'a');
            CHECK(ck_actor_send(rb, R_REQ, p, len, CK_SEND_BLOCK, NULL) == CK_OK, "send rb");
        }
        CHECK(ck_runtime_barrier(rt, 60 * SEC) == CK_OK, "barrier: %s", ck_ctx_error(ctx));
        /* Everything sent before the barrier, including the K2K legs, is handled: every answer is
         * already queued, so polling (timeout 0) finds all of them. */
        ck_actor_t *all[3] = {echo, ra, rb};
        for (int k = 0; k < 3; k++) {
            for (uint64_t i = 0; i < M; i++) {
                ck_msg_header_t h;
                size_t len;
                CHECK(try_recv(all[k], &h, r, &len, 0), "round %d actor %d: answer %llu missing after the barrier",
                      round, k, (unsigned long long)i);
                CHECK(h.type_id == (k == 0 ? ECHO_REPLY : R_DONE), "type");
                unsigned char want[64];
                size_t wl = k == 0 ? make_payload(want, i) : make_relay(want, i, k == 1 ? 'b' : 'a');
                CHECK(len == wl && memcmp(r, want, wl) == 0, "round %d actor %d: answer %llu (order, bytes)", round, k,
                      (unsigned long long)i);
            }
            ck_msg_header_t h;
            size_t len;
            CHECK(!try_recv(all[k], &h, r, &len, 0), "an extra answer");
        }
    }
    ck_runtime_destroy(&rt);
}

/* ---- 6b. lifecycle calls while the actor waits on a full reply ring ------------------------------ */

/* The client has not read for a while: the actor's reply ring is full and it waits in its send
 * (back-pressure). ck_actor_stats, ck_actor_pause and ck_actor_resume must still return (the
 * header: stats fields are read atomically; a lifecycle call returns once the actor has taken the
 * new state). Then the client drains and every reply arrives in order. */
static void commands_while_actor_waits(void)
{
    ck_runtime_t *rt = new_runtime(8);
    ck_actor_t *a = launch(rt, "core/echo", NULL, NULL, CK_IDLE_BUSY_POLL);
    CHECK(ck_actor_activate(a) == CK_OK, "activate");
    unsigned char p[64], r[256];
    uint64_t sent = 0;
    /* 8 replies fill the reply ring; the 9th request, which the waiting actor is handling, keeps
     * its request slot until handled, so 7 more fit behind it: 16 in all. */
    while (sent < 16) {
        size_t len = make_payload(p, sent);
        if (ck_actor_send(a, ECHO, p, len, CK_SEND_TRY, NULL) == CK_OK) sent++;
        else tsan_relax();
    }
    ck_actor_stats_t st;
    for (int spin = 0; spin < 100000; spin++) { /* wait until it is stuck on the reply ring */
        ck_actor_stats(a, &st);
        if (st.send_waits > 0) break;
        tsan_sleep_us(10);
    }
    CHECK(st.send_waits > 0, "the actor never waited on its reply ring");
    CHECK(ck_actor_pause(a) == CK_OK, "pause: %s", ck_ctx_error(ctx));
    CHECK(ck_actor_resume(a) == CK_OK, "resume: %s", ck_ctx_error(ctx));
    for (uint64_t i = 0; i < sent; i++) {
        ck_msg_header_t h;
        size_t len;
        CHECK(try_recv(a, &h, r, &len, 30 * SEC), "reply %llu", (unsigned long long)i);
        check_payload(r, len, i);
    }
    ck_runtime_destroy(&rt);
}

/* ---- 7. terminate with queued messages -------------------------------------------------------------- */

static void terminate_with_queued(void)
{
    unsigned char p[64], r[256];
    /* Paused with 100 queued: all are dropped and counted. */
    {
        ck_runtime_t *rt = new_runtime(0);
        ck_actor_t *a = launch(rt, "core/echo", NULL, NULL, CK_IDLE_SPIN_THEN_PARK);
        CHECK(ck_actor_activate(a) == CK_OK && ck_actor_pause(a) == CK_OK, "activate+pause");
        for (uint64_t i = 0; i < 100; i++) {
            size_t len = make_payload(p, i);
            CHECK(ck_actor_send(a, ECHO, p, len, CK_SEND_TRY, NULL) == CK_OK, "send");
        }
        uint64_t dropped = 0;
        CHECK(ck_actor_terminate(a, &dropped) == CK_OK, "terminate");
        CHECK(dropped == 100, "dropped %llu", (unsigned long long)dropped);
        CHECK(ck_actor_state(a) == CK_ACTOR_TERMINATED, "terminated");
        CHECK(ck_actor_send(a, ECHO, p, 8, CK_SEND_TRY, NULL) == CK_E_STATE, "send after terminate");
        ck_runtime_destroy(&rt);
    }
    /* Active and busy: terminate while messages are in flight. Whatever was handled was answered
     * (in order), the rest was dropped: handled + dropped == sent. */
    for (int policy = CK_IDLE_BUSY_POLL; policy <= CK_IDLE_BLOCKING; policy++) {
        for (int trial = 0; trial < 20; trial++) {
            ck_runtime_t *rt = new_runtime(0);
            ck_actor_t *a = launch(rt, "core/echo", NULL, NULL, (ck_idle_policy_t)policy);
            CHECK(ck_actor_activate(a) == CK_OK, "activate");
            uint64_t sent = 0;
            for (; sent < 500; sent++) {
                size_t len = make_payload(p, sent);
                if (ck_actor_send(a, ECHO, p, len, CK_SEND_TRY, NULL) != CK_OK) break;
            }
            uint64_t dropped = 0;
            CHECK(ck_actor_terminate(a, &dropped) == CK_OK, "terminate");
            ck_actor_stats_t st;
            ck_actor_stats(a, &st);
            CHECK(st.handled + dropped == sent, "handled %llu + dropped %llu != sent %llu",
                  (unsigned long long)st.handled, (unsigned long long)dropped, (unsigned long long)sent);
            uint64_t replies = 0;
            ck_msg_header_t h;
            size_t len;
            while (try_recv(a, &h, r, &len, 0)) {
                check_payload(r, len, replies);
                replies++;
            }
            CHECK(replies == st.handled, "replies %llu, handled %llu", (unsigned long long)replies,
                  (unsigned long long)st.handled);
            ck_runtime_destroy(&rt);
        }
    }
    /* Launched, never activated, with queued messages; and runtime destroy with actors running. */
    {
        ck_runtime_t *rt = new_runtime(0);
        ck_actor_t *a = launch(rt, "core/echo", NULL, NULL, CK_IDLE_BLOCKING);
        ck_actor_t *b = launch(rt, "core/echo", NULL, "echo2", CK_IDLE_BUSY_POLL);
        CHECK(ck_actor_activate(b) == CK_OK, "activate");
        for (uint64_t i = 0; i < 10; i++) {
            size_t len = make_payload(p, i);
            CHECK(ck_actor_send(a, ECHO, p, len, CK_SEND_TRY, NULL) == CK_OK, "send");
            CHECK(ck_actor_send(b, ECHO, p, len, CK_SEND_TRY, NULL) == CK_OK, "send");
        }
        uint64_t dropped = 0;
        CHECK(ck_actor_terminate(a, &dropped) == CK_OK && dropped == 10, "launched: dropped %llu",
              (unsigned long long)dropped);
        ck_runtime_destroy(&rt); /* terminates b while it may still be answering */
    }
}

/* tsan_actor [WORD...]: run only the cases whose name contains one of the words (all by default). */
int main(int argc, char **argv)
{
    signal(SIGALRM, on_alarm);
    CHECK(ck_ctx_create(&ctx, NULL) == CK_OK, "ctx");
    CHECK(ck_registry_create(&reg, ctx) == CK_OK, "registry");
    /* Only core/echo is needed; registering it alone keeps the TSan build small. */
    CHECK(ck_registry_register(ctx, reg, &cki_echo_kernel) == CK_OK, "register: %s", ck_ctx_error(ctx));
    const tsan_case_t cases[] = {
        {"actor: echo round trips, busy_poll / spin_then_park / blocking", echo_round_trips},
        {"actor: pipelined echo with stats and snapshots under load", pipelined_echo},
        {"actor: pause/resume under load", pause_resume_under_load},
        {"actor: back-pressure with 2-slot rings", back_pressure_tiny_ring},
        {"actor: barrier over K2K chains", barrier_k2k},
        {"actor: terminate with queued messages", terminate_with_queued},
        /* The header's back-pressure promises: sends between actors never wait (a full link
         * queues in the sender's overflow), so two actors sending to each other cannot deadlock;
         * stats and lifecycle calls return while an actor waits on its full reply ring. */
        {"actor: K2K both ways while the client sends, default rings (1024 slots)", k2k_default_rings},
        {"actor: K2K both ways while the client sends, small rings (4 slots)", k2k_small_rings},
        {"actor: stats, pause, resume while the actor waits on a full reply ring", commands_while_actor_waits},
    };
    size_t ran = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool selected = argc < 2;
        for (int k = 1; k < argc; k++) selected |= strstr(cases[i].name, argv[k]) != NULL;
        if (!selected) continue;
        ran++;
        printf("[ RUN  ] %s\n", cases[i].name);
        fflush(stdout);
        alarm(WATCHDOG_S);
        cases[i].run();
        alarm(0);
        printf("[ PASS ] %s\n", cases[i].name);
        fflush(stdout);
    }
    ck_registry_destroy(&reg);
    ck_ctx_destroy(&ctx);
    printf("%zu passed, 0 failed\n", ran);
    return 0;
}
