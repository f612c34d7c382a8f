/* Tests of the actor runtime (ring mode): lifecycle, idle policies, back-pressure, counters and
 * latency histograms, K2K routing between actors, barrier, JSON requests, core/echo. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "actor_internal.h"
#include "ckernels.h"
#include "internal.h"
#include "wire.h"

static ck_ctx_t *ctx;
static ck_registry_t *reg;

static void setup(void)
{
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    cr_assert_eq(ck_registry_create(&reg, ctx), CK_OK);
    cr_assert_eq(ck_registry_register_all(ctx, reg), CK_OK);
}

static void teardown(void)
{
    ck_registry_destroy(&reg);
    ck_ctx_destroy(&ctx);
}

TestSuite(actor, .init = setup, .fini = teardown);

#define SEC ((int64_t)1000000000)

static void recv_one(ck_actor_t *a, ck_msg_header_t *h, void *buf, size_t cap, size_t *len)
{
    bool got = false;
    cr_assert_eq(ck_actor_recv(a, h, buf, cap, len, 10 * SEC, &got), CK_OK, "%s", ck_ctx_error(ctx));
    cr_assert(got, "no reply within 10 s");
}

Test(actor, echo_round_trips_with_every_idle_policy)
{
    for (int policy = CK_IDLE_BUSY_POLL; policy <= CK_IDLE_BLOCKING; policy++) {
        ck_runtime_t *rt = NULL;
        ck_actor_t *a = NULL;
        cr_assert_eq(ck_runtime_create(&rt, ctx, reg, NULL), CK_OK);
        cr_assert_eq(ck_runtime_launch(rt, "core/echo", NULL, &(ck_actor_options_t){.idle = policy}, &a), CK_OK,
                     "%s", ck_ctx_error(ctx));
        cr_assert_eq(ck_actor_state(a), CK_ACTOR_LAUNCHED);
        cr_assert_eq(ck_actor_activate(a), CK_OK);
        cr_assert_eq(ck_actor_state(a), CK_ACTOR_ACTIVE);
        for (uint32_t i = 0; i < 2000; i++) {
            unsigned char p[12], r[64];
            for (int k = 0; k < 12; k++) p[k] = (unsigned char)(i * 7 + (uint32_t)k);
            uint64_t id;
            cr_assert_eq(ck_actor_send(a, 100, p, sizeof p, CK_SEND_BLOCK, &id), CK_OK);
            ck_msg_header_t h;
            size_t len;
            recv_one(a, &h, r, sizeof r, &len);
            cr_assert_eq(h.type_id, 150);
            cr_assert_eq(h.correlation_id, id);
            cr_assert_eq(h.source, 1);
            cr_assert_eq(len, sizeof p);
            cr_assert_eq(memcmp(p, r, len), 0);
        }
        ck_actor_stats_t st;
        ck_actor_stats(a, &st);
        cr_assert_eq(st.handled, 2000);
        cr_assert_eq(st.received, 2000);
        cr_assert_eq(st.sent, 2000);
        cr_assert_eq(st.errors, 0);
        cr_assert_eq(st.latency.count, 2000);
        cr_assert(ck_histogram_percentile(&st.latency, 50) <= st.latency.max);
        if (policy == CK_IDLE_BLOCKING) cr_assert(st.parks > 0, "a blocking actor sleeps between round trips");
        ck_runtime_destroy(&rt);
        cr_assert_null(rt);
    }
}

Test(actor, lifecycle_queues_while_launched_and_paused_and_terminate_reports_drops)
{
    ck_runtime_t *rt = NULL;
    ck_actor_t *a = NULL;
    cr_assert_eq(ck_runtime_create(&rt, ctx, reg, NULL), CK_OK);
    cr_assert_eq(ck_runtime_launch(rt, "core/echo", NULL, NULL, &a), CK_OK);
    cr_assert_str_eq(ck_actor_name(a), "core/echo");
    cr_assert_eq(ck_runtime_find(rt, "core/echo"), a);
    /* Launched: messages queue up, none is handled. */
    for (int i = 0; i < 5; i++) cr_assert_eq(ck_actor_send(a, 100, "x", 1, CK_SEND_TRY, NULL), CK_OK);
    ck_msg_header_t h;
    unsigned char buf[256];
    size_t len;
    bool got = true;
    cr_assert_eq(ck_actor_recv(a, &h, buf, sizeof buf, &len, 20000000, &got), CK_OK);
    cr_assert_not(got);
    cr_assert_eq(ck_actor_pause(a), CK_E_STATE);
    cr_assert_str_eq(ck_ctx_error(ctx), "cannot pause actor core/echo: it is launched, not active");
    cr_assert_eq(ck_actor_resume(a), CK_E_STATE);
    cr_assert_eq(ck_actor_activate(a), CK_OK);
    cr_assert_eq(ck_actor_activate(a), CK_E_STATE);
    for (int i = 0; i < 5; i++) recv_one(a, &h, buf, sizeof buf, &len);
    /* Paused: queued again, answered after resume, in order. */
    cr_assert_eq(ck_actor_pause(a), CK_OK);
    cr_assert_eq(ck_actor_state(a), CK_ACTOR_PAUSED);
    uint64_t ids[3];
    for (int i = 0; i < 3; i++) cr_assert_eq(ck_actor_send(a, 100, "y", 1, CK_SEND_BLOCK, &ids[i]), CK_OK);
    cr_assert_eq(ck_actor_recv(a, &h, buf, sizeof buf, &len, 20000000, &got), CK_OK);
    cr_assert_not(got);
    char *snap = NULL;
    cr_assert_eq(ck_actor_snapshot(a, &snap), CK_OK); /* a paused actor can be snapshotted */
    cr_assert_str_eq(snap, "{}");
    ck_ctx_free(ctx, snap);
    cr_assert_eq(ck_actor_resume(a), CK_OK);
    for (int i = 0; i < 3; i++) {
        recv_one(a, &h, buf, sizeof buf, &len);
        cr_assert_eq(h.correlation_id, ids[i]);
    }
    /* Terminate with 4 messages queued: they are reported, not silently lost. */
    cr_assert_eq(ck_actor_pause(a), CK_OK);
    for (int i = 0; i < 4; i++) cr_assert_eq(ck_actor_send(a, 100, "z", 1, CK_SEND_BLOCK, NULL), CK_OK);
    uint64_t dropped = 99;
    cr_assert_eq(ck_actor_terminate(a, &dropped), CK_OK);
    cr_assert_eq(dropped, 4);
    cr_assert_eq(ck_actor_state(a), CK_ACTOR_TERMINATED);
    cr_assert_eq(ck_actor_send(a, 100, "z", 1, CK_SEND_BLOCK, NULL), CK_E_STATE);
    cr_assert_eq(ck_actor_snapshot(a, &snap), CK_E_STATE);
    cr_assert_eq(ck_actor_terminate(a, &dropped), CK_OK); /* idempotent */
    ck_actor_stats_t st;
    ck_actor_stats(a, &st);
    cr_assert_eq(st.handled, 8);
    ck_runtime_destroy(&rt);
}

Test(actor, back_pressure_never_drops)
{
    ck_runtime_t *rt = NULL;
    ck_actor_t *a = NULL;
    cr_assert_eq(ck_runtime_create(&rt, ctx, reg, &(ck_runtime_options_t){.ring_capacity = 4}), CK_OK);
    cr_assert_eq(ck_runtime_launch(rt, "core/echo", NULL, NULL, &a), CK_OK);
    /* A launched actor drains nothing: the fifth try-send finds the ring full, a blocking send
     * is refused rather than waiting forever. */
    for (int i = 0; i < 4; i++) cr_assert_eq(ck_actor_send(a, 100, "p", 1, CK_SEND_TRY, NULL), CK_OK);
    cr_assert_eq(ck_actor_send(a, 100, "p", 1, CK_SEND_TRY, NULL), CK_E_QUEUE_FULL);
    cr_assert_eq(ck_actor_send(a, 100, "p", 1, CK_SEND_BLOCK, NULL), CK_E_STATE);
    cr_assert_eq(ck_actor_activate(a), CK_OK);
    /* Active, but the client does not read: the actor answers the four "p", fills its 4-slot
     * reply ring, takes a fifth message and waits to reply (that message keeps its slot until
     * handled: the actor reads in place); three more fill its inbound ring, and one more
     * blocking send would wait forever (the client must read). Then everything arrives, in
     * order. */
    enum { N = 200 };
    int sent = 4, received = 0;
    ck_msg_header_t h;
    unsigned char buf[256];
    size_t len;
    uint64_t first_id = 0;
    while (sent < 8) {
        uint64_t id;
        cr_assert_eq(ck_actor_send(a, 100, &sent, sizeof sent, CK_SEND_BLOCK, &id), CK_OK);
        if (!first_id) first_id = id;
        sent++;
    }
    ck_actor_stats_t st;
    for (int spin = 0; spin < 10000; spin++) { /* stats are served while the actor waits */
        ck_actor_stats(a, &st);
        if (st.send_waits > 0) break;
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    cr_assert_eq(st.send_waits, 1, "the actor waits on its full reply ring");
    cr_assert_eq(st.handled, 4);
    for (; received < 4; received++) recv_one(a, &h, buf, sizeof buf, &len); /* the first four ("p") */
    while (sent < N || received < N) {
        if (sent < N && ck_actor_send(a, 100, &sent, sizeof sent, CK_SEND_TRY, NULL) == CK_OK) sent++;
        bool got;
        cr_assert_eq(ck_actor_recv(a, &h, buf, sizeof buf, &len, sent < N ? 0 : 10 * SEC, &got), CK_OK);
        if (got) {
            int v;
            cr_assert_eq(len, sizeof v);
            memcpy(&v, buf, sizeof v);
            cr_assert_eq(v, received, "replies in order: got %d, expected %d", v, received);
            received++;
        }
    }
    ck_actor_stats(a, &st);
    cr_assert_eq(st.handled, N);
    cr_assert_eq(st.received, N);
    ck_runtime_destroy(&rt);
}

Test(actor, handler_errors_are_answered_and_counted)
{
    ck_runtime_t *rt = NULL;
    ck_actor_t *a = NULL;
    cr_assert_eq(ck_runtime_create(&rt, ctx, reg, NULL), CK_OK);
    cr_assert_eq(ck_runtime_launch(rt, "core/echo", NULL, NULL, &a), CK_OK);
    cr_assert_eq(ck_actor_activate(a), CK_OK);
    uint64_t id;
    cr_assert_eq(ck_actor_send(a, 123, "q", 1, CK_SEND_BLOCK, &id), CK_OK);
    ck_msg_header_t h;
    unsigned char buf[256];
    size_t len;
    recv_one(a, &h, buf, sizeof buf, &len);
    cr_assert_eq(h.type_id, CK_MSG_ERROR);
    cr_assert_eq(h.correlation_id, id);
    ck_msg_error_t e;
    cr_assert_eq(ck_msg_error_decode(ctx, &e, buf, len), CK_OK);
    cr_assert_eq(e.request_type, 123);
    cr_assert_eq(e.status, CK_E_INVALID_INPUT);
    cr_assert_str_eq(e.message, "type_id: core/echo answers type 100 (echo) only, got 123");
    /* The actor goes on. */
    cr_assert_eq(ck_actor_send(a, 100, "ok", 2, CK_SEND_BLOCK, &id), CK_OK);
    recv_one(a, &h, buf, sizeof buf, &len);
    cr_assert_eq(h.type_id, 150);
    ck_actor_stats_t st;
    ck_actor_stats(a, &st);
    cr_assert_eq(st.errors, 1);
    cr_assert_eq(st.handled, 1);
    cr_assert_eq(ck_msg_error_decode(ctx, &e, buf, 7), CK_E_INVALID_INPUT);
    ck_runtime_destroy(&rt);
}

Test(actor, bad_input_is_rejected_with_the_field)
{
    ck_runtime_t *rt = NULL;
    ck_actor_t *a = NULL;
    cr_assert_eq(ck_runtime_create(&rt, ctx, reg, &(ck_runtime_options_t){.ring_capacity = 3}), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "ring_capacity");
    cr_assert_eq(ck_runtime_create(&rt, ctx, reg, &(ck_runtime_options_t){.slot_size = 100}), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "slot_size");
    cr_assert_eq(ck_runtime_create(&rt, ctx, reg, &(ck_runtime_options_t){.max_actors = -1}), CK_E_INVALID_INPUT);
    cr_assert_eq(ck_runtime_create(&rt, ctx, reg, &(ck_runtime_options_t){.max_actors = 1}), CK_OK);
    cr_assert_eq(ck_runtime_launch(rt, "core/nope", NULL, NULL, &a), CK_E_NOT_FOUND);
    cr_assert_str_eq(ck_ctx_error(ctx), "kernel_id: no kernel \"core/nope\" is registered");
    cr_assert_eq(ck_runtime_launch(rt, "core/matmul", NULL, NULL, &a), CK_E_UNSUPPORTED);
    cr_assert_eq(ck_runtime_launch(rt, "core/echo", NULL, &(ck_actor_options_t){.config_json = "{\"x\": 1}"}, &a),
                 CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error(ctx), "config.x: unknown field (core/echo takes no configuration)");
    cr_assert_eq(ck_runtime_launch(rt, "core/echo", NULL, &(ck_actor_options_t){.config_json = "[1"}, &a),
                 CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "config");
    cr_assert_eq(ck_runtime_launch(rt, "core/echo", NULL, &(ck_actor_options_t){.idle = (ck_idle_policy_t)7}, &a),
                 CK_E_INVALID_INPUT);
    cr_assert_eq(ck_runtime_launch(rt, "core/echo", NULL, NULL, &a), CK_OK);
    ck_actor_t *b = NULL;
    cr_assert_eq(ck_runtime_launch(rt, "core/echo", NULL, &(ck_actor_options_t){.name = "other"}, &b), CK_E_QUEUE_FULL);
    cr_assert_eq(ck_actor_send(a, 5, NULL, 0, CK_SEND_TRY, NULL), CK_E_INVALID_INPUT); /* control ids are the runtime's */
    cr_assert_str_eq(ck_ctx_error_field(ctx), "type_id");
    static unsigned char big[4096];
    cr_assert_eq(ck_actor_send(a, 100, big, ck_runtime_max_payload(rt) + 1, CK_SEND_TRY, NULL), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "len");
    cr_assert_eq(ck_runtime_max_payload(rt), 256 - 8 - 56);
    ck_idle_policy_t p;
    cr_assert_eq(ck_idle_policy_parse("spin_then_park", &p), CK_OK);
    cr_assert_eq(p, CK_IDLE_SPIN_THEN_PARK);
    cr_assert_eq(ck_idle_policy_parse("spin", &p), CK_E_INVALID_INPUT);
    ck_runtime_destroy(&rt);
}

/* ---------------------------------------------------------------- K2K: test actor classes */

/* "stage": adds `add` to a u64 and passes it to `next` (type 110), or, at the end of the
 * pipeline, publishes it to the client (type 160). "fan": forwards each message to every actor
 * in `to`. */
typedef struct stage {
    uint64_t add;
    char next[64];
    char to[4][64];
    int n_to;
} stage_t;

static ck_status_t stage_create(ck_ctx_t *c, const json_t *config, void **state)
{
    stage_t *s = cki_calloc(c, 1, sizeof *s);
    if (!s) return cki_nomem(c);
    if (config) {
        json_t *v = json_object_get(config, "add");
        if (v) s->add = (uint64_t)json_integer_value(v);
        v = json_object_get(config, "next");
        if (v) snprintf(s->next, sizeof s->next, "%s", json_string_value(v));
        size_t i;
        json_array_foreach(json_object_get(config, "to"), i, v) {
            if (i < 4) snprintf(s->to[s->n_to++], 64, "%s", json_string_value(v));
        }
    }
    *state = s;
    return CK_OK;
}

static void stage_destroy(ck_ctx_t *c, void *state) { cki_free(c, state); }

static ck_status_t stage_handle(ck_ctx_t *c, void *state, ck_actor_call_t *call, uint32_t type_id, const void *payload,
                                size_t len)
{
    stage_t *s = state;
    if (type_id != 110 || len != 8) return cki_invalid(c, "type_id", "stage takes type 110 with a u64");
    unsigned char out[8];
    cki_wire_t w = cki_wire_writer(out, sizeof out);
    cki_wire_u64(&w, cki_wire_get_u64(payload, 0) + s->add);
    if (s->n_to) {
        for (int i = 0; i < s->n_to; i++) CK_TRY_RET(ck_actor_emit(call, s->to[i], 110, out, 8, CK_SEND_BLOCK, NULL));
        return CK_OK;
    }
    if (s->next[0]) return ck_actor_emit(call, s->next, 110, out, 8, CK_SEND_BLOCK, NULL);
    return ck_actor_publish(call, 160, out, 8);
}

static const ck_actor_class_t stage_class = {
    .kernel_id = "test/stage", .create = stage_create, .destroy = stage_destroy, .handle = stage_handle};

static ck_actor_t *launch(ck_runtime_t *rt, const ck_actor_class_t *cls, const char *name, const char *config)
{
    ck_actor_t *a = NULL;
    cr_assert_eq(ck_runtime_launch(rt, cls->kernel_id, cls, &(ck_actor_options_t){.name = name, .config_json = config}, &a),
                 CK_OK, "%s", ck_ctx_error(ctx));
    cr_assert_eq(ck_actor_activate(a), CK_OK);
    return a;
}

static uint64_t recv_u64(ck_actor_t *a, uint32_t want_type)
{
    ck_msg_header_t h;
    unsigned char buf[256];
    size_t len;
    recv_one(a, &h, buf, sizeof buf, &len);
    cr_assert_eq(h.type_id, want_type);
    cr_assert_eq(len, 8);
    return cki_wire_get_u64(buf, 0);
}

static void send_u64(ck_actor_t *a, uint32_t type, uint64_t v)
{
    unsigned char p[8];
    cki_wire_t w = cki_wire_writer(p, sizeof p);
    cki_wire_u64(&w, v);
    cr_assert_eq(ck_actor_send(a, type, p, 8, CK_SEND_BLOCK, NULL), CK_OK);
}

Test(actor, k2k_pipeline_of_three_actors)
{
    ck_runtime_t *rt = NULL;
    cr_assert_eq(ck_runtime_create(&rt, ctx, NULL, &(ck_runtime_options_t){.ring_capacity = 8}), CK_OK);
    ck_actor_t *s3 = launch(rt, &stage_class, "s3", "{\"add\": 100}");
    launch(rt, &stage_class, "s2", "{\"add\": 10, \"next\": \"s3\"}");
    ck_actor_t *s1 = launch(rt, &stage_class, "s1", "{\"add\": 1, \"next\": \"s2\"}");
    /* 1000 values through rings of 8: back-pressure all along the chain, order kept. */
    enum { N = 1000 };
    int sent = 0, got_n = 0;
    while (got_n < N) {
        if (sent < N) {
            unsigned char p[8];
            cki_wire_t w = cki_wire_writer(p, sizeof p);
            cki_wire_u64(&w, (uint64_t)sent * 1000);
            if (ck_actor_send(s1, 110, p, 8, CK_SEND_TRY, NULL) == CK_OK) sent++;
        }
        ck_msg_header_t h;
        unsigned char buf[64];
        size_t len;
        bool got;
        cr_assert_eq(ck_actor_recv(s3, &h, buf, sizeof buf, &len, sent < N ? 0 : 10 * SEC, &got), CK_OK);
        if (got) {
            cr_assert_eq(h.type_id, 160);
            cr_assert_eq(cki_wire_get_u64(buf, 0), (uint64_t)got_n * 1000 + 111);
            cr_assert_eq(h.correlation_id, 0); /* unsolicited */
            got_n++;
        }
    }
    ck_runtime_destroy(&rt);
}

Test(actor, k2k_fan_out_and_barrier)
{
    ck_runtime_t *rt = NULL;
    cr_assert_eq(ck_runtime_create(&rt, ctx, NULL, &(ck_runtime_options_t){.ring_capacity = 16}), CK_OK);
    ck_actor_t *w[3];
    w[0] = launch(rt, &stage_class, "w0", "{\"add\": 0}");
    w[1] = launch(rt, &stage_class, "w1", "{\"add\": 1}");
    w[2] = launch(rt, &stage_class, "w2", "{\"add\": 2}");
    ck_actor_t *fan = launch(rt, &stage_class, "fan", "{\"to\": [\"w0\", \"w1\", \"w2\"]}");
    for (uint64_t v = 0; v < 10; v++) send_u64(fan, 110, v * 10);
    /* After the barrier every message, including those the fan sent on, has been handled. */
    cr_assert_eq(ck_runtime_barrier(rt, 10 * SEC), CK_OK, "%s", ck_ctx_error(ctx));
    for (int i = 0; i < 3; i++) {
        ck_actor_stats_t st;
        ck_actor_stats(w[i], &st);
        cr_assert_eq(st.handled, 10, "worker %d handled %llu", i, (unsigned long long)st.handled);
        for (uint64_t v = 0; v < 10; v++) cr_assert_eq(recv_u64(w[i], 160), v * 10 + (uint64_t)i);
    }
    ck_actor_stats_t st;
    ck_actor_stats(fan, &st);
    cr_assert_eq(st.sent, 30);
    ck_runtime_destroy(&rt);
}

/* Scatter-gather: "coord" splits a request (n values packed as u64) over its workers by K2K,
 * each worker answers its part's sum to the coordinator (a reply travels back over the link),
 * and the coordinator answers the client once every part is in, matched by correlation id. */
typedef struct coord {
    uint64_t pending_ids[4];
    int pending;
    uint64_t total;
    uint64_t client_msg; /* unused: replies to the client go through the saved call header */
    ck_msg_header_t request;
} coord_t;

static ck_status_t coord_create(ck_ctx_t *c, const json_t *config, void **state)
{
    (void)config;
    coord_t *s = cki_calloc(c, 1, sizeof *s);
    if (!s) return cki_nomem(c);
    *state = s;
    return CK_OK;
}

static ck_status_t coord_handle(ck_ctx_t *c, void *state, ck_actor_call_t *call, uint32_t type_id, const void *payload,
                                size_t len)
{
    coord_t *s = state;
    const ck_msg_header_t *h = ck_actor_call_header(call);
    if (type_id == 120) { /* from the client: scatter */
        if (s->pending) return cki_error(c, CK_E_STATE, NULL, "a gather is in progress");
        size_t n = len / 8, per = (n + 3) / 4;
        s->total = 0;
        s->request = *h;
        for (int wkr = 0; wkr < 4; wkr++) {
            size_t lo = (size_t)wkr * per, hi = lo + per < n ? lo + per : n;
            char name[8];
            snprintf(name, sizeof name, "sum%d", wkr);
            CK_TRY_RET(ck_actor_emit(call, name, 121, (const unsigned char *)payload + lo * 8, (hi > lo ? hi - lo : 0) * 8,
                                     CK_SEND_BLOCK, &s->pending_ids[wkr]));
        }
        s->pending = 4;
        return CK_OK;
    }
    if (type_id == 171) { /* a worker's partial sum */
        int k = -1;
        for (int i = 0; i < 4; i++)
            if (s->pending_ids[i] == h->correlation_id) k = i;
        if (k < 0) return cki_error(c, CK_E_INTERNAL, NULL, "unexpected correlation id");
        s->pending_ids[k] = 0;
        s->total += cki_wire_get_u64(payload, 0);
        if (--s->pending == 0) {
            unsigned char out[8];
            cki_wire_t w = cki_wire_writer(out, sizeof out);
            cki_wire_u64(&w, s->total);
            return ck_actor_publish(call, 170, out, 8);
        }
        return CK_OK;
    }
    return cki_invalid(c, "type_id", "unexpected %u", type_id);
}

static ck_status_t sum_handle(ck_ctx_t *c, void *state, ck_actor_call_t *call, uint32_t type_id, const void *payload,
                              size_t len)
{
    (void)state;
    if (type_id != 121) return cki_invalid(c, "type_id", "unexpected %u", type_id);
    cr_assert_str_eq(ck_actor_call_source(call), "coord");
    uint64_t sum = 0;
    for (size_t i = 0; i + 8 <= len; i += 8) sum += cki_wire_get_u64(payload, i);
    unsigned char out[8];
    cki_wire_t w = cki_wire_writer(out, sizeof out);
    cki_wire_u64(&w, sum);
    return ck_actor_reply(call, 171, out, 8);
}

static const ck_actor_class_t coord_class = {
    .kernel_id = "test/coord", .create = coord_create, .destroy = stage_destroy, .handle = coord_handle};
static const ck_actor_class_t sum_class = {.kernel_id = "test/sum", .handle = sum_handle};

Test(actor, k2k_scatter_gather_with_replies_between_actors)
{
    ck_runtime_t *rt = NULL;
    cr_assert_eq(ck_runtime_create(&rt, ctx, NULL, NULL), CK_OK);
    ck_actor_t *coord = launch(rt, &coord_class, "coord", NULL);
    for (int i = 0; i < 4; i++) {
        char name[8];
        snprintf(name, sizeof name, "sum%d", i);
        launch(rt, &sum_class, name, NULL);
    }
    for (uint64_t round = 1; round <= 50; round++) {
        unsigned char p[8 * 22];
        cki_wire_t w = cki_wire_writer(p, sizeof p);
        uint64_t want = 0;
        for (uint64_t i = 0; i < 22; i++) {
            cki_wire_u64(&w, round * i * i);
            want += round * i * i;
        }
        cr_assert_eq(ck_actor_send(coord, 120, p, sizeof p, CK_SEND_BLOCK, NULL), CK_OK);
        cr_assert_eq(recv_u64(coord, 170), want);
    }
    ck_runtime_destroy(&rt);
}

Test(actor, emit_to_unknown_or_self_fails_cleanly)
{
    ck_runtime_t *rt = NULL;
    cr_assert_eq(ck_runtime_create(&rt, ctx, NULL, NULL), CK_OK);
    ck_actor_t *a = launch(rt, &stage_class, "a", "{\"next\": \"ghost\"}");
    ck_actor_t *b = launch(rt, &stage_class, "b", "{\"next\": \"b\"}");
    send_u64(a, 110, 1);
    send_u64(b, 110, 1);
    ck_msg_header_t h;
    unsigned char buf[256];
    size_t len;
    ck_msg_error_t e;
    recv_one(a, &h, buf, sizeof buf, &len);
    cr_assert_eq(h.type_id, CK_MSG_ERROR);
    cr_assert_eq(ck_msg_error_decode(ctx, &e, buf, len), CK_OK);
    cr_assert_eq(e.status, CK_E_NOT_FOUND);
    cr_assert_str_eq(e.message, "to: no actor named \"ghost\"");
    recv_one(b, &h, buf, sizeof buf, &len);
    cr_assert_eq(ck_msg_error_decode(ctx, &e, buf, len), CK_OK);
    cr_assert_str_eq(e.message, "to: an actor cannot send to itself");
    ck_runtime_destroy(&rt);
}

/* ---------------------------------------------------------------- JSON */

Test(actor, json_requests_and_batch_replay)
{
    ck_runtime_t *rt = NULL;
    ck_actor_t *a = NULL;
    cr_assert_eq(ck_runtime_create(&rt, ctx, reg, NULL), CK_OK);
    cr_assert_eq(ck_runtime_launch(rt, "core/echo", NULL, NULL, &a), CK_OK);
    cr_assert_eq(ck_actor_activate(a), CK_OK);
    char *out = NULL;
    const char *m = "{\"type\": \"echo\", \"text\": \"h\\u00e9llo\"}";
    cr_assert_eq(ck_actor_request_json(a, m, strlen(m), &out, 10 * SEC), CK_OK, "%s", ck_ctx_error(ctx));
    cr_assert_str_eq(out, "{\"type\":\"echo_reply\",\"text\":\"h\xc3\xa9llo\"}\n"); /* UTF-8 out */
    ck_ctx_free(ctx, out);
    m = "{\"type\": \"echo\", \"hex\": \"00ff\"}";
    cr_assert_eq(ck_actor_request_json(a, m, strlen(m), &out, 10 * SEC), CK_OK);
    cr_assert_str_eq(out, "{\"type\":\"echo_reply\",\"hex\":\"00ff\"}\n");
    ck_ctx_free(ctx, out);
    m = "{\"type\": \"echo\", \"hex\": \"0g\"}";
    cr_assert_eq(ck_actor_request_json(a, m, strlen(m), &out, 10 * SEC), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error(ctx), "hex: character 1 is not a hex digit");
    cr_assert_null(out);
    m = "{\"type\": \"shout\"}";
    cr_assert_eq(ck_actor_request_json(a, m, strlen(m), &out, 10 * SEC), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error(ctx), "type: \"shout\" is not a request type of core/echo");
    m = "{\"text\": \"x\"}";
    cr_assert_eq(ck_actor_request_json(a, m, strlen(m), &out, 10 * SEC), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "type");
    m = "[1,";
    cr_assert_eq(ck_actor_request_json(a, m, strlen(m), &out, 10 * SEC), CK_E_INVALID_INPUT);
    ck_runtime_destroy(&rt);

    /* Batch mode of core/echo: the same replies through ck_execute_json. */
    const char *in = "{\"messages\": [{\"type\": \"echo\", \"text\": \"a\"}, {\"type\": \"nope\"}, {\"type\": \"echo\"}]}";
    cr_assert_eq(ck_execute_json(ctx, reg, "core/echo", in, strlen(in), &out), CK_OK, "%s", ck_ctx_error(ctx));
    json_t *res = json_loads(out, 0, NULL);
    cr_assert_not_null(res);
    json_t *replies = json_object_get(res, "replies");
    cr_assert_eq(json_array_size(replies), 3);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_array_get(replies, 0), 0), "text")), "a");
    json_t *err = json_array_get(json_array_get(replies, 1), 0);
    cr_assert_str_eq(json_string_value(json_object_get(err, "type")), "error");
    cr_assert_str_eq(json_string_value(json_object_get(err, "status")), "invalid_input");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_array_get(replies, 2), 0), "text")), "");
    json_decref(res);
    ck_ctx_free(ctx, out);
}

/* Two actors answering each other's requests, with 4-slot rings and the client flooding both:
 * with blocking sends between actors this is the classic cycle deadlock; the sender's overflow
 * queue makes it impossible. Every request is answered, in order. */
static ck_status_t relay_handle(ck_ctx_t *c, void *state, ck_actor_call_t *call, uint32_t type_id, const void *payload,
                                size_t len)
{
    const char *partner = state;
    switch (type_id) {
    case 130: return ck_actor_emit(call, partner, 131, payload, len, CK_SEND_BLOCK, NULL); /* ask the partner */
    case 131: return ck_actor_reply(call, 132, payload, len);                               /* answer it */
    case 132: return ck_actor_publish(call, 180, payload, len);                             /* done */
    default: return cki_invalid(c, "type_id", "unexpected %u", type_id);
    }
}
static ck_status_t relay_a(ck_ctx_t *c, const json_t *j, void **s) { (void)c, (void)j; *s = (void *)"rb"; return CK_OK; }
static ck_status_t relay_b(ck_ctx_t *c, const json_t *j, void **s) { (void)c, (void)j; *s = (void *)"ra"; return CK_OK; }
static const ck_actor_class_t relay_a_class = {.kernel_id = "test/relay-a", .create = relay_a, .handle = relay_handle};
static const ck_actor_class_t relay_b_class = {.kernel_id = "test/relay-b", .create = relay_b, .handle = relay_handle};

Test(actor, k2k_cycle_cannot_deadlock)
{
    ck_runtime_t *rt = NULL;
    cr_assert_eq(ck_runtime_create(&rt, ctx, NULL, &(ck_runtime_options_t){.ring_capacity = 4}), CK_OK);
    ck_actor_t *ab[2] = {launch(rt, &relay_a_class, "ra", NULL), launch(rt, &relay_b_class, "rb", NULL)};
    enum { N = 3000 };
    uint64_t sent[2] = {0, 0}, got[2] = {0, 0};
    /* The client reads both actors all along: an actor waiting on its full reply ring is part of
     * the cycle too, and only the client can break that one. */
    int64_t deadline = cki_now_ns() + 30 * SEC;
    while (got[0] < N || got[1] < N) {
        cr_assert(cki_now_ns() < deadline, "stuck: sent %llu/%llu, answered %llu/%llu", (unsigned long long)sent[0],
                  (unsigned long long)sent[1], (unsigned long long)got[0], (unsigned long long)got[1]);
        for (int k = 0; k < 2; k++) {
            if (sent[k] < N && ck_actor_send(ab[k], 130, &sent[k], 8, CK_SEND_TRY, NULL) == CK_OK) sent[k]++;
            ck_msg_header_t h;
            unsigned char buf[64];
            size_t len;
            bool got_one = true;
            while (got_one) {
                cr_assert_eq(ck_actor_recv(ab[k], &h, buf, sizeof buf, &len, 0, &got_one), CK_OK);
                if (!got_one) break;
                cr_assert_eq(h.type_id, 180);
                uint64_t v;
                memcpy(&v, buf, 8);
                cr_assert_eq(v, got[k]);
                got[k]++;
            }
        }
    }
    cr_assert_eq(ck_runtime_barrier(rt, 10 * SEC), CK_OK);
    for (int k = 0; k < 2; k++) {
        ck_actor_stats_t st;
        ck_actor_stats(ab[k], &st);
        cr_assert_eq(st.handled, 3 * (uint64_t)N);
        cr_assert_eq(st.errors, 0);
    }
    ck_runtime_destroy(&rt);
}

Test(actor, blocking_send_to_an_actor_waiting_for_the_client_is_refused)
{
    ck_runtime_t *rt = NULL;
    ck_actor_t *a = NULL;
    cr_assert_eq(ck_runtime_create(&rt, ctx, reg, &(ck_runtime_options_t){.ring_capacity = 2}), CK_OK);
    cr_assert_eq(ck_runtime_launch(rt, "core/echo", NULL, NULL, &a), CK_OK);
    cr_assert_eq(ck_actor_activate(a), CK_OK);
    ck_status_t s = CK_OK;
    int sent = 0;
    while ((s = ck_actor_send(a, 100, "x", 1, CK_SEND_BLOCK, NULL)) == CK_OK) sent++; /* nobody reads */
    cr_assert_eq(s, CK_E_QUEUE_FULL);
    cr_assert_str_eq(ck_ctx_error(ctx), "the ring to core/echo is full and it waits for the client to read its "
                                        "replies: read them (ck_actor_recv) and send again");
    cr_assert_eq(sent, 2 + 2); /* 2 answered (the reply ring is full), 1 in hand and 1 queued (2 slots) */
    ck_msg_header_t h;
    unsigned char buf[16];
    size_t len;
    for (int i = 0; i < sent; i++) recv_one(a, &h, buf, sizeof buf, &len);
    ck_runtime_destroy(&rt);
}
