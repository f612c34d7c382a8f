/* Ring mode: the actor runtime. See include/ckernels/actor.h and docs/ring.md.
 *
 * Topology. Link index 0 is the client; actors are 1..max_actors. Actor i reads one SPSC ring per
 * producer: links[] holds (source, ring) pairs, appended (release-published through n_links) when
 * a producer appears: the client's ring at launch, a ring to and from every other live actor when
 * either is launched. Each actor writes its replies to the client on its own `out` ring.
 *
 * Control. Lifecycle, snapshot and stats requests go through a small command slot guarded by a
 * mutex (not on the message path); the actor thread polls `cmd_pending` with a relaxed load once
 * per loop. Sleeping (parked actor, waiting client) is a Dekker handshake: the sleeper stores its
 * flag, fences, re-checks for work, then waits on a condition variable; a waker publishes, fences,
 * and signals only if the flag is set. */
#include "ckernels/actor.h"

#include <jansson.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "actor_internal.h"
#include "internal.h"
#include "json_internal.h"
#include "wire.h"

#define NAME_MAX_ 64
#define POLL_BATCH 32          /* messages taken from one link before moving to the next */
#define DEFAULT_SPIN_NS 50000  /* spin-then-park: 50 µs */
#define CLIENT_SPIN_NS 20000   /* the client spins this long before sleeping in recv/barrier */

typedef enum { CMD_NONE, CMD_STATE, CMD_SNAPSHOT, CMD_STATS, CMD_TERMINATE } cmd_t;

typedef struct link {
    int source;       /* 0 = client */
    ck_ring_t *ring;
} link_t;

struct ck_actor {
    ck_runtime_t *rt;
    int index;
    char name[NAME_MAX_];
    const ck_actor_class_t *cls;
    void *kstate;  /* the class's state */
    ck_ctx_t *ctx; /* the actor thread's own context */
    ck_idle_policy_t idle;
    int64_t spin_ns;

    link_t *links;           /* max_actors + 1 entries */
    _Atomic int n_links;
    ck_ring_t *out;          /* to the client */
    /* K2K overflow: encoded messages to actor i that found its link full, in order, delivered by
     * this actor's loop. Sends between actors never block, so no cycle of actors can deadlock. */
    struct overflow {
        unsigned char *buf; /* [u32 length][message] ... */
        size_t head, tail, cap;
    } *overflow;             /* [max_actors + 1], by destination index */
    _Atomic uint64_t overflowed; /* messages held in overflow (the barrier waits for 0) */
    atomic_bool waiting_client;  /* blocked on a full reply ring: the client must read */
    uint64_t next_id;        /* message ids of this actor's sends */
    ck_hlc_t hlc;

    pthread_t thread;
    _Atomic int state;       /* ck_actor_state_t as taken by the thread */
    ck_actor_state_t client_state; /* what the client last requested (client thread only) */

    /* command slot */
    pthread_mutex_t mu;
    pthread_cond_t cv;       /* actor sleeps here; the client waits for command completion here too */
    atomic_bool sleeping;
    atomic_bool cmd_pending;
    cmd_t cmd;
    int cmd_arg;
    bool cmd_done;
    ck_status_t cmd_status;
    json_t *cmd_json;
    uint64_t dropped;

    /* counters (written by the actor thread only) */
    _Atomic uint64_t received, completed, handled, errors, sent, send_waits, parks;
    _Atomic uint64_t barrier_seen;
    ck_histogram_t latency;      /* actor thread only */
    ck_histogram_t latency_copy; /* handed to the client under mu */
};

struct ck_runtime {
    ck_ctx_t *ctx;
    const ck_registry_t *reg;
    int max_actors;
    int64_t ring_capacity, slot_size;
    ck_actor_t **actors;         /* [max_actors + 1], index 0 unused */
    _Atomic int n_actors;        /* highest index in use */
    uint64_t next_id;            /* client message ids */
    ck_hlc_t hlc;
    uint64_t barrier_seq;
    /* client sleeping in recv/barrier */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_bool client_sleeping;
};

struct ck_actor_call {
    ck_actor_t *self;
    const ck_msg_header_t *header;
};

/* ---------------------------------------------------------------- small helpers */

/* Milliseconds for the HLC: its physical part has millisecond resolution, which the coarse
 * clock (a few ms, ~7 ns a read instead of ~30) gives; the HLC's counter orders events within. */
static uint64_t hlc_now_ms(void)
{
    struct timespec ts;
#ifdef CLOCK_REALTIME_COARSE
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
#else
    clock_gettime(CLOCK_REALTIME, &ts);
#endif
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Counters have a single writer (the actor thread): no read-modify-write needed. Release, so a
 * reader that sees the count sees what was done before it (the barrier relies on it). */
static void counter_add(_Atomic uint64_t *c, uint64_t delta)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + delta, memory_order_release);
}

static void bump(_Atomic uint64_t *c) { counter_add(c, 1); }

static size_t max_payload_of(const ck_runtime_t *rt)
{
    return (size_t)rt->slot_size - CK_RING_SLOT_HEADER - CK_MSG_HEADER_SIZE;
}

/* The waker's half of the sleep handshake: after publishing, fence, and signal only a sleeper. */
static void wake(atomic_bool *sleeping, pthread_mutex_t *mu, pthread_cond_t *cv)
{
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(sleeping, memory_order_relaxed)) {
        pthread_mutex_lock(mu);
        pthread_cond_broadcast(cv);
        pthread_mutex_unlock(mu);
    }
}

static void wake_actor(ck_actor_t *a) { wake(&a->sleeping, &a->mu, &a->cv); }
static void wake_client(ck_runtime_t *rt) { wake(&rt->client_sleeping, &rt->mu, &rt->cv); }

/* Encode a message straight into the next slot of `ring` and publish it. CK_E_QUEUE_FULL when
 * full (the caller decides to wait or not). */
static ck_status_t push_msg(ck_ctx_t *ctx, ck_ring_t *ring, const ck_msg_header_t *h, const void *payload,
                            size_t len)
{
    void *slot;
    ck_status_t s = ck_ring_reserve(ctx, ring, &slot);
    if (s != CK_OK) return s;
    size_t n;
    CK_TRY_RET(ck_msg_encode(ctx, slot, ck_ring_max_message(ring), &n, h, payload, len));
    return ck_ring_commit(ctx, ring, n);
}

static ck_ring_t *link_from(ck_actor_t *to, int source)
{
    int n = atomic_load_explicit(&to->n_links, memory_order_acquire);
    for (int i = 0; i < n; i++)
        if (to->links[i].source == source) return to->links[i].ring;
    return NULL;
}

static bool run_command(ck_actor_t *a);

/* Append an encoded message to an overflow queue (grows by doubling: the slow path only runs
 * under back-pressure between actors). */
static ck_status_t overflow_push(ck_actor_t *a, struct overflow *o, const ck_msg_header_t *h, const void *payload,
                                 size_t len)
{
    size_t need = 4 + CK_MSG_HEADER_SIZE + len;
    if (o->cap - o->tail < need) {
        if (o->head > 0 && o->tail - o->head + need <= o->cap) { /* compact */
            memmove(o->buf, o->buf + o->head, o->tail - o->head);
            o->tail -= o->head;
            o->head = 0;
        } else {
            size_t cap = o->cap ? o->cap : 4096;
            while (cap < o->tail + need) cap *= 2;
            unsigned char *b = cki_realloc(a->ctx, o->buf, cap);
            if (!b) return cki_nomem(a->ctx);
            o->buf = b;
            o->cap = cap;
        }
    }
    size_t n;
    CK_TRY_RET(ck_msg_encode(a->ctx, o->buf + o->tail + 4, o->cap - o->tail - 4, &n, h, payload, len));
    uint32_t n32 = (uint32_t)n;
    memcpy(o->buf + o->tail, &n32, 4);
    o->tail += 4 + n;
    bump(&a->overflowed);
    return CK_OK;
}

/* Move what fits from the overflow queues into their links, oldest first. */
static void overflow_flush(ck_actor_t *a)
{
    ck_runtime_t *rt = a->rt;
    uint64_t moved = 0;
    int n = atomic_load_explicit(&rt->n_actors, memory_order_acquire);
    for (int d = 1; d <= n; d++) {
        struct overflow *o = &a->overflow[d];
        if (o->head == o->tail) continue;
        ck_actor_t *dest = rt->actors[d];
        ck_ring_t *ring = dest ? link_from(dest, a->index) : NULL;
        bool any = false;
        while (ring && o->head < o->tail) {
            uint32_t len;
            memcpy(&len, o->buf + o->head, 4);
            if (ck_ring_try_push(NULL, ring, o->buf + o->head + 4, len) != CK_OK) break;
            o->head += 4 + len;
            moved++;
            any = true;
        }
        if (o->head == o->tail) o->head = o->tail = 0;
        if (any) wake_actor(dest);
    }
    if (moved) counter_add(&a->overflowed, (uint64_t)0 - moved); /* wraps: subtracts `moved` */
}

/* JSON text in memory from ctx's allocator (json_dumps would use jansson's allocator, which the
 * caller may have hooked). NULL when out of memory. */
static char *dump_json(ck_ctx_t *ctx, const json_t *j, size_t flags)
{
    size_t n = json_dumpb(j, NULL, 0, flags); /* 0: jansson failed (no JSON text is empty) */
    char *text = n ? cki_malloc(ctx, n + 1) : NULL;
    if (!text) return NULL;
    if (json_dumpb(j, text, n, flags) != n) {
        cki_free(ctx, text);
        return NULL;
    }
    text[n] = '\0';
    return text;
}

/* ---------------------------------------------------------------- sending from an actor */

static ck_status_t actor_send(ck_actor_t *a, ck_ring_t *ring, ck_actor_t *dest, uint32_t type_id,
                              uint64_t correlation, const void *payload, size_t len, ck_send_mode_t mode,
                              uint64_t *message_id)
{
    ck_ctx_t *ctx = a->ctx;
    if (dest && atomic_load_explicit(&dest->state, memory_order_acquire) == CK_ACTOR_TERMINATED)
        return cki_error(ctx, CK_E_STATE, NULL, "actor %s is terminated", dest->name);
    if (len > max_payload_of(a->rt))
        return cki_invalid(ctx, "len", "payload of %zu bytes exceeds the runtime's limit of %zu", len,
                           max_payload_of(a->rt));
    ck_msg_header_t h = {0};
    h.type_id = type_id;
    h.message_id = ((uint64_t)a->index << 48) | ++a->next_id;
    h.correlation_id = correlation;
    h.source = (uint32_t)a->index;
    h.destination = dest ? (uint32_t)dest->index : 0;
    if (ck_hlc_send(NULL, &a->hlc, &h.hlc, hlc_now_ms()) != CK_OK) h.hlc = a->hlc.last; /* counter exhausted: reuse */
    if (dest) { /* K2K: never wait on another actor (see overflow above) */
        struct overflow *o = &a->overflow[dest->index];
        ck_status_t s = o->head == o->tail ? push_msg(ctx, ring, &h, payload, len) : CK_E_QUEUE_FULL;
        if (s == CK_E_QUEUE_FULL) {
            if (mode == CK_SEND_TRY) return cki_error(ctx, CK_E_QUEUE_FULL, NULL, "ring to %s is full", dest->name);
            bump(&a->send_waits);
            s = overflow_push(a, o, &h, payload, len);
        }
        if (s != CK_OK) return s;
        bump(&a->sent);
        if (message_id) *message_id = h.message_id;
        wake_actor(dest);
        return CK_OK;
    }
    bool waited = false;
    for (;;) {
        ck_status_t s = push_msg(ctx, ring, &h, payload, len);
        if (s == CK_OK) break;
        if (s != CK_E_QUEUE_FULL) return s;
        if (mode == CK_SEND_TRY) return cki_error(ctx, CK_E_QUEUE_FULL, NULL, "ring to the client is full");
        if (!waited) {
            waited = true;
            bump(&a->send_waits);
            atomic_store(&a->waiting_client, true);
        }
        if (atomic_load_explicit(&a->cmd_pending, memory_order_acquire)) {
            /* Mid-message: stats (the histogram is between records) and state changes (they only
             * steer polling) are served, terminate ends the wait; a snapshot, which reads the
             * class's state, waits for the message to finish. */
            pthread_mutex_lock(&a->mu);
            cmd_t cmd = a->cmd;
            pthread_mutex_unlock(&a->mu);
            if (cmd == CMD_STATS || cmd == CMD_STATE) run_command(a);
            if (cmd == CMD_TERMINATE) {
                atomic_store(&a->waiting_client, false);
                return cki_error(ctx, CK_E_CANCELLED, NULL, "actor terminating while its send waited");
            }
        }
        sched_yield();
    }
    if (waited) atomic_store(&a->waiting_client, false);
    bump(&a->sent);
    if (message_id) *message_id = h.message_id;
    wake_client(a->rt);
    return CK_OK;
}

ck_status_t ck_actor_reply(ck_actor_call_t *call, uint32_t type_id, const void *payload, size_t len)
{
    if (!call) return CK_E_INVALID_INPUT;
    ck_actor_t *a = call->self;
    int src = (int)call->header->source;
    if (src == 0) return actor_send(a, a->out, NULL, type_id, call->header->message_id, payload, len, CK_SEND_BLOCK, NULL);
    ck_actor_t *dest = a->rt->actors[src];
    ck_ring_t *ring = link_from(dest, a->index);
    if (!ring) return cki_error(a->ctx, CK_E_INTERNAL, NULL, "no link back to actor %d", src);
    return actor_send(a, ring, dest, type_id, call->header->message_id, payload, len, CK_SEND_BLOCK, NULL);
}

ck_status_t ck_actor_emit(ck_actor_call_t *call, const char *to, uint32_t type_id, const void *payload,
                          size_t len, ck_send_mode_t mode, uint64_t *message_id)
{
    if (!call) return CK_E_INVALID_INPUT;
    ck_actor_t *a = call->self;
    ck_actor_t *dest = to ? ck_runtime_find(a->rt, to) : NULL;
    if (!dest) return cki_error(a->ctx, CK_E_NOT_FOUND, "to", "no actor named \"%s\"", to ? to : "(null)");
    if (dest == a) return cki_invalid(a->ctx, "to", "an actor cannot send to itself");
    ck_ring_t *ring = link_from(dest, a->index);
    if (!ring) return cki_error(a->ctx, CK_E_INTERNAL, NULL, "no link to actor %s", to);
    return actor_send(a, ring, dest, type_id, 0, payload, len, mode, message_id);
}

ck_status_t ck_actor_publish(ck_actor_call_t *call, uint32_t type_id, const void *payload, size_t len)
{
    if (!call) return CK_E_INVALID_INPUT;
    return actor_send(call->self, call->self->out, NULL, type_id, 0, payload, len, CK_SEND_BLOCK, NULL);
}

const ck_msg_header_t *ck_actor_call_header(const ck_actor_call_t *call) { return call ? call->header : NULL; }

const char *ck_actor_call_source(const ck_actor_call_t *call)
{
    if (!call || call->header->source == 0) return "";
    return call->self->rt->actors[call->header->source]->name;
}

size_t ck_actor_call_max_payload(const ck_actor_call_t *call) { return call ? max_payload_of(call->self->rt) : 0; }

/* ---------------------------------------------------------------- error payload */

static size_t encode_error(void *buf, size_t cap, uint32_t request_type, ck_status_t status, const char *msg)
{
    cki_wire_t w = cki_wire_writer(buf, cap);
    cki_wire_u32(&w, request_type);
    cki_wire_u32(&w, (uint32_t)(int32_t)status);
    size_t n = strlen(msg);
    if (n > CK_MSG_ERROR_TEXT_MAX) n = CK_MSG_ERROR_TEXT_MAX;
    if (n > cap - w.len) n = cap - w.len;
    memcpy(w.p + w.len, msg, n);
    return w.len + n;
}

ck_status_t ck_msg_error_decode(ck_ctx_t *ctx, ck_msg_error_t *out, const void *payload, size_t len)
{
    if (!out || (!payload && len)) return cki_invalid(ctx, "payload", "must not be NULL");
    if (len < 8) return cki_invalid(ctx, "len", "an error payload has at least 8 bytes, got %zu", len);
    out->request_type = cki_wire_get_u32(payload, 0);
    out->status = (ck_status_t)(int32_t)cki_wire_get_u32(payload, 4);
    size_t n = len - 8;
    if (n > CK_MSG_ERROR_TEXT_MAX) n = CK_MSG_ERROR_TEXT_MAX;
    memcpy(out->message, (const char *)payload + 8, n);
    out->message[n] = '\0';
    return CK_OK;
}

/* ---------------------------------------------------------------- the actor thread */

/* t0: when the message was taken (monotonic ns), the start of its handler time. */
static void handle_one(ck_actor_t *a, const ck_msg_header_t *h, const void *payload, size_t len, int64_t t0)
{
    ck_actor_call_t call = {a, h};
    if (h->type_id == CK_MSG_BARRIER) {
        if (len >= 8) {
            atomic_store_explicit(&a->barrier_seen, cki_wire_get_u64(payload, 0), memory_order_release);
            wake_client(a->rt);
        }
        return;
    }
    if (h->type_id == CK_MSG_HEARTBEAT) {
        ck_actor_reply(&call, CK_MSG_HEARTBEAT_ACK, NULL, 0);
        return;
    }
    if (ck_msg_type_is_control(h->type_id)) return; /* acknowledgements sent to an actor: nothing to do */
    ck_ctx_clear_error(a->ctx);
    ck_status_t s = a->cls->handle(a->ctx, a->kstate, &call, h->type_id, payload, len);
    if (CK_IS_ERROR(s)) {
        bump(&a->errors);
        unsigned char buf[8 + CK_MSG_ERROR_TEXT_MAX];
        const char *msg = ck_ctx_error(a->ctx);
        size_t n = encode_error(buf, sizeof buf, h->type_id, s, msg[0] ? msg : ck_status_message(s));
        ck_actor_reply(&call, CK_MSG_ERROR, buf, n);
    } else {
        bump(&a->handled);
    }
    ck_histogram_record(&a->latency, (uint64_t)(cki_now_ns() - t0));
}

/* Take and handle up to POLL_BATCH messages from each link; the number handled. */
static int poll_links(ck_actor_t *a)
{
    int handled = 0, n = atomic_load_explicit(&a->n_links, memory_order_acquire);
    for (int i = 0; i < n; i++) {
        ck_ring_t *ring = a->links[i].ring;
        for (int k = 0; k < POLL_BATCH; k++) {
            const void *msg;
            size_t len;
            bool got;
            if (ck_ring_peek(NULL, ring, &msg, &len, &got) != CK_OK || !got) break;
            bump(&a->received);
            ck_msg_header_t h;
            const void *payload;
            size_t plen;
            if (ck_msg_decode(a->ctx, &h, &payload, &plen, msg, len) == CK_OK) {
                uint64_t ts;
                ck_hlc_receive(NULL, &a->hlc, &ts, h.hlc, hlc_now_ms());
                handle_one(a, &h, payload, plen, cki_now_ns());
            } else {
                bump(&a->errors); /* a corrupt message: counted, nothing to answer */
            }
            ck_ring_release(NULL, ring);
            bump(&a->completed);
            handled++;
        }
    }
    return handled;
}

static bool has_work(ck_actor_t *a)
{
    int n = atomic_load_explicit(&a->n_links, memory_order_acquire);
    for (int i = 0; i < n; i++)
        if (ck_ring_size(a->links[i].ring) > 0) return true;
    return false;
}

static void park(ck_actor_t *a, bool active)
{
    pthread_mutex_lock(&a->mu);
    atomic_store(&a->sleeping, true);
    atomic_thread_fence(memory_order_seq_cst);
    if (!atomic_load(&a->cmd_pending) && !(active && has_work(a))) {
        bump(&a->parks);
        pthread_cond_wait(&a->cv, &a->mu);
    }
    atomic_store(&a->sleeping, false);
    pthread_mutex_unlock(&a->mu);
}

static uint64_t drop_queued(ck_actor_t *a)
{
    uint64_t n = 0;
    int nl = atomic_load_explicit(&a->n_links, memory_order_acquire);
    for (int i = 0; i < nl; i++) {
        bool got = true;
        while (got) {
            const void *msg;
            size_t len;
            if (ck_ring_peek(NULL, a->links[i].ring, &msg, &len, &got) != CK_OK || !got) break;
            ck_ring_release(NULL, a->links[i].ring);
            n++;
        }
    }
    return n;
}

/* Run the pending command; false when the thread must exit. */
static bool run_command(ck_actor_t *a)
{
    pthread_mutex_lock(&a->mu);
    bool keep = true;
    a->cmd_status = CK_OK;
    switch (a->cmd) {
    case CMD_STATE: atomic_store_explicit(&a->state, a->cmd_arg, memory_order_release); break;
    case CMD_SNAPSHOT:
        a->cmd_json = NULL;
        if (a->cls->snapshot) {
            ck_ctx_clear_error(a->ctx);
            a->cmd_status = a->cls->snapshot(a->ctx, a->kstate, &a->cmd_json);
        } else {
            a->cmd_json = json_object();
            if (!a->cmd_json) a->cmd_status = CK_E_NOMEM;
        }
        break;
    case CMD_STATS: a->latency_copy = a->latency; break;
    case CMD_TERMINATE:
        a->dropped = drop_queued(a) + atomic_load(&a->overflowed); /* undelivered K2K sends count too */
        a->latency_copy = a->latency;
        keep = false;
        break;
    case CMD_NONE: break;
    }
    a->cmd = CMD_NONE;
    a->cmd_done = true;
    atomic_store(&a->cmd_pending, false);
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    return keep;
}

static void *actor_main(void *arg)
{
    ck_actor_t *a = arg;
    int64_t idle_since = -1;
    for (;;) {
        if (atomic_load_explicit(&a->cmd_pending, memory_order_acquire) && !run_command(a)) break;
        bool pending = atomic_load_explicit(&a->overflowed, memory_order_relaxed) > 0;
        if (pending) overflow_flush(a);
        bool active = atomic_load_explicit(&a->state, memory_order_relaxed) == CK_ACTOR_ACTIVE;
        if (active && poll_links(a) > 0) {
            idle_since = -1;
            continue;
        }
        if (pending) { /* messages still to deliver: no sleeping until they are out */
            sched_yield();
            continue;
        }
        if (!active || a->idle == CK_IDLE_BLOCKING) {
            park(a, active);
            continue;
        }
        if (a->idle == CK_IDLE_SPIN_THEN_PARK) {
            int64_t now = cki_now_ns();
            if (idle_since < 0) idle_since = now;
            else if (now - idle_since >= a->spin_ns) {
                park(a, active);
                idle_since = -1;
                continue;
            }
        }
        /* A pause per empty poll: measured, a pause-less loop made round trips 4x slower here
         * (it starves the sibling vCPU / hyperthread that runs the client). */
        cpu_relax();
    }
    return NULL;
}

/* Client side: hand the actor a command and wait until its thread has run it. */
static ck_status_t command(ck_actor_t *a, cmd_t cmd, int arg)
{
    pthread_mutex_lock(&a->mu);
    a->cmd = cmd;
    a->cmd_arg = arg;
    a->cmd_done = false;
    atomic_store(&a->cmd_pending, true);
    pthread_cond_broadcast(&a->cv); /* wakes it if parked */
    while (!a->cmd_done) pthread_cond_wait(&a->cv, &a->mu);
    ck_status_t s = a->cmd_status;
    pthread_mutex_unlock(&a->mu);
    return s;
}

/* ---------------------------------------------------------------- names */

const char *ck_idle_policy_name(ck_idle_policy_t p)
{
    switch (p) {
    case CK_IDLE_BUSY_POLL: return "busy_poll";
    case CK_IDLE_SPIN_THEN_PARK: return "spin_then_park";
    case CK_IDLE_BLOCKING: return "blocking";
    }
    return "unknown";
}

ck_status_t ck_idle_policy_parse(const char *name, ck_idle_policy_t *p)
{
    if (!name || !p) return CK_E_INVALID_INPUT;
    for (int i = 0; i <= CK_IDLE_BLOCKING; i++)
        if (!strcmp(name, ck_idle_policy_name((ck_idle_policy_t)i))) {
            *p = (ck_idle_policy_t)i;
            return CK_OK;
        }
    return CK_E_INVALID_INPUT;
}

const char *ck_actor_state_name(ck_actor_state_t s)
{
    switch (s) {
    case CK_ACTOR_LAUNCHED: return "launched";
    case CK_ACTOR_ACTIVE: return "active";
    case CK_ACTOR_PAUSED: return "paused";
    case CK_ACTOR_TERMINATED: return "terminated";
    }
    return "unknown";
}

/* ---------------------------------------------------------------- runtime */

ck_status_t ck_runtime_create(ck_runtime_t **out, ck_ctx_t *ctx, const ck_registry_t *reg,
                              const ck_runtime_options_t *opts)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!out) return cki_invalid(ctx, "rt", "must not be NULL");
    *out = NULL;
    ck_runtime_options_t o = {16, 1024, 256};
    if (opts) {
        if (opts->max_actors) o.max_actors = opts->max_actors;
        if (opts->ring_capacity) o.ring_capacity = opts->ring_capacity;
        if (opts->slot_size) o.slot_size = opts->slot_size;
    }
    if (o.max_actors < 1 || o.max_actors > 4096)
        return cki_invalid(ctx, "max_actors", "must be in 1..4096, got %d", o.max_actors);
    if (o.ring_capacity < 2 || (o.ring_capacity & (o.ring_capacity - 1)) || o.ring_capacity > CK_RING_MAX_CAPACITY)
        return cki_invalid(ctx, "ring_capacity", "must be a power of two in 2..%lld, got %lld",
                           (long long)CK_RING_MAX_CAPACITY, (long long)o.ring_capacity);
    if (o.slot_size < 128 || o.slot_size % CK_RING_SLOT_ALIGN || o.slot_size > CK_RING_MAX_SLOT_SIZE)
        return cki_invalid(ctx, "slot_size", "must be a multiple of 64 in 128..%lld, got %lld",
                           (long long)CK_RING_MAX_SLOT_SIZE, (long long)o.slot_size);
    ck_runtime_t *rt = cki_calloc(ctx, 1, sizeof *rt);
    if (!rt) return cki_nomem(ctx);
    rt->actors = cki_calloc(ctx, (size_t)o.max_actors + 1, sizeof *rt->actors);
    if (!rt->actors) {
        cki_free(ctx, rt);
        return cki_nomem(ctx);
    }
    rt->ctx = ctx;
    rt->reg = reg;
    rt->max_actors = o.max_actors;
    rt->ring_capacity = o.ring_capacity;
    rt->slot_size = o.slot_size;
    ck_hlc_init(&rt->hlc, 0);
    pthread_mutex_init(&rt->mu, NULL);
    pthread_cond_init(&rt->cv, NULL);
    atomic_init(&rt->n_actors, 0);
    atomic_init(&rt->client_sleeping, false);
    *out = rt;
    return CK_OK;
}

static void actor_free(ck_runtime_t *rt, ck_actor_t *a)
{
    ck_ctx_t *ctx = rt->ctx;
    if (a->kstate && a->cls->destroy) a->cls->destroy(ctx, a->kstate);
    int n = atomic_load(&a->n_links);
    for (int i = 0; i < n; i++) ck_ring_destroy(&a->links[i].ring);
    ck_ring_destroy(&a->out);
    cki_free(ctx, a->links);
    if (a->overflow)
        for (int i = 0; i <= rt->max_actors; i++) cki_free(ctx, a->overflow[i].buf);
    cki_free(ctx, a->overflow);
    ck_ctx_destroy(&a->ctx);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    cki_free(ctx, a);
}

void ck_runtime_destroy(ck_runtime_t **prt)
{
    if (!prt || !*prt) return;
    ck_runtime_t *rt = *prt;
    int n = atomic_load(&rt->n_actors);
    for (int i = 1; i <= n; i++)
        if (rt->actors[i]) ck_actor_terminate(rt->actors[i], NULL);
    for (int i = 1; i <= n; i++)
        if (rt->actors[i]) actor_free(rt, rt->actors[i]);
    pthread_mutex_destroy(&rt->mu);
    pthread_cond_destroy(&rt->cv);
    ck_ctx_t *ctx = rt->ctx;
    cki_free(ctx, rt->actors);
    cki_free(ctx, rt);
    *prt = NULL;
}

ck_actor_t *ck_runtime_find(const ck_runtime_t *rt, const char *name)
{
    if (!rt || !name) return NULL;
    int n = atomic_load_explicit((_Atomic int *)&rt->n_actors, memory_order_acquire);
    for (int i = 1; i <= n; i++) {
        ck_actor_t *a = rt->actors[i];
        if (a && !strcmp(a->name, name)) return a;
    }
    return NULL;
}

size_t ck_runtime_max_payload(const ck_runtime_t *rt) { return rt ? max_payload_of(rt) : 0; }

/* Append a ring from `source` into `to` and publish it. */
static ck_status_t add_link(ck_runtime_t *rt, ck_actor_t *to, int source)
{
    if (link_from(to, source)) return CK_OK; /* left empty by a launch that failed: reuse */
    int n = atomic_load_explicit(&to->n_links, memory_order_relaxed);
    ck_ring_t *ring;
    CK_TRY_RET(ck_ring_create(&ring, rt->ctx, rt->ring_capacity, rt->slot_size));
    to->links[n] = (link_t){source, ring};
    atomic_store_explicit(&to->n_links, n + 1, memory_order_release);
    return CK_OK;
}

ck_status_t ck_runtime_launch(ck_runtime_t *rt, const char *kernel_id, const ck_actor_class_t *cls,
                              const ck_actor_options_t *opts, ck_actor_t **out)
{
    if (!rt) return CK_E_INVALID_INPUT;
    ck_ctx_t *ctx = rt->ctx;
    if (out) *out = NULL;
    if (!kernel_id) return cki_invalid(ctx, "kernel_id", "must not be NULL");
    if (!cls) {
        const ck_kernel_t *k = rt->reg ? ck_registry_find(rt->reg, kernel_id) : NULL;
        if (!k) return cki_error(ctx, CK_E_NOT_FOUND, "kernel_id", "no kernel \"%s\" is registered", kernel_id);
        if (!(k->meta.modes & CK_MODE_RING))
            return cki_error(ctx, CK_E_UNSUPPORTED, "kernel_id", "kernel \"%s\" has no ring mode", kernel_id);
        CK_TRY_RET(cki_license_permits(ctx, k, (int64_t)time(NULL)));
        cls = ck_actor_class_find(kernel_id);
        if (!cls) return cki_error(ctx, CK_E_INTERNAL, "kernel_id", "kernel \"%s\" has no actor class", kernel_id);
    }
    if (!cls->handle) return cki_invalid(ctx, "cls.handle", "must not be NULL");
    ck_actor_options_t o = {0};
    if (opts) o = *opts;
    const char *name = o.name ? o.name : kernel_id;
    if (!name[0] || strlen(name) >= NAME_MAX_)
        return cki_invalid(ctx, "opts.name", "must have 1..%d characters", NAME_MAX_ - 1);
    if (ck_runtime_find(rt, name)) return cki_error(ctx, CK_E_DUPLICATE, "opts.name", "an actor named \"%s\" exists", name);
    if (o.idle < CK_IDLE_BUSY_POLL || o.idle > CK_IDLE_BLOCKING)
        return cki_invalid(ctx, "opts.idle", "unknown idle policy %d", (int)o.idle);
    if (o.spin_ns < 0) return cki_invalid(ctx, "opts.spin_ns", "must be >= 0");
    int n = atomic_load(&rt->n_actors);
    if (n >= rt->max_actors) return cki_error(ctx, CK_E_QUEUE_FULL, NULL, "the runtime holds its maximum of %d actors", rt->max_actors);

    json_t *config = NULL;
    if (o.config_json) {
        CK_TRY_RET(cki_json_parse(ctx, "config", o.config_json, (size_t)-1, &config));
        if (!json_is_object(config)) {
            json_decref(config);
            return cki_invalid(ctx, "config", "must be a JSON object");
        }
    }

    ck_actor_t *a = cki_calloc(ctx, 1, sizeof *a);
    if (!a) {
        json_decref(config);
        return cki_nomem(ctx);
    }
    ck_status_t s = CK_OK;
    a->rt = rt;
    a->index = n + 1;
    snprintf(a->name, sizeof a->name, "%s", name);
    a->cls = cls;
    a->idle = o.idle;
    a->spin_ns = o.spin_ns ? o.spin_ns : DEFAULT_SPIN_NS;
    a->client_state = CK_ACTOR_LAUNCHED;
    ck_hlc_init(&a->hlc, 0);
    ck_histogram_reset(&a->latency);
    ck_histogram_reset(&a->latency_copy);
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    atomic_init(&a->state, CK_ACTOR_LAUNCHED);
    atomic_init(&a->n_links, 0);
    a->links = cki_calloc(ctx, (size_t)rt->max_actors + 1, sizeof *a->links);
    a->overflow = cki_calloc(ctx, (size_t)rt->max_actors + 1, sizeof *a->overflow);
    if (!a->links || !a->overflow) s = cki_nomem(ctx);
    if (s == CK_OK) s = ck_ctx_create(&a->ctx, &ctx->alloc);
    if (s == CK_OK) ck_ctx_set_threads(a->ctx, 1);
    if (s == CK_OK) s = ck_ring_create(&a->out, ctx, rt->ring_capacity, rt->slot_size);
    if (s == CK_OK) s = add_link(rt, a, 0);
    if (s == CK_OK && cls->create) s = cls->create(ctx, config, &a->kstate);
    json_decref(config);
    /* Links with every live actor, both ways, before anyone can see this actor. */
    for (int i = 1; s == CK_OK && i <= n; i++) {
        ck_actor_t *b = rt->actors[i];
        if (!b || atomic_load(&b->state) == CK_ACTOR_TERMINATED) continue;
        s = add_link(rt, a, b->index);
        if (s == CK_OK) s = add_link(rt, b, a->index);
    }
    if (s == CK_OK && pthread_create(&a->thread, NULL, actor_main, a) != 0)
        s = cki_error(ctx, CK_E_NOMEM, NULL, "cannot start the actor's thread");
    if (s != CK_OK) {
        /* Links already added to other actors stay (empty, never used): they are freed with them. */
        actor_free(rt, a);
        return s;
    }
    rt->actors[a->index] = a;
    atomic_store_explicit(&rt->n_actors, a->index, memory_order_release);
    if (out) *out = a;
    return CK_OK;
}

static ck_status_t transition(ck_actor_t *a, ck_actor_state_t from, ck_actor_state_t to, const char *verb)
{
    if (!a) return CK_E_INVALID_INPUT;
    if (a->client_state != from)
        return cki_error(a->rt->ctx, CK_E_STATE, NULL, "cannot %s actor %s: it is %s, not %s", verb, a->name,
                         ck_actor_state_name(a->client_state), ck_actor_state_name(from));
    command(a, CMD_STATE, (int)to);
    a->client_state = to;
    return CK_OK;
}

ck_status_t ck_actor_activate(ck_actor_t *a) { return transition(a, CK_ACTOR_LAUNCHED, CK_ACTOR_ACTIVE, "activate"); }
ck_status_t ck_actor_pause(ck_actor_t *a) { return transition(a, CK_ACTOR_ACTIVE, CK_ACTOR_PAUSED, "pause"); }
ck_status_t ck_actor_resume(ck_actor_t *a) { return transition(a, CK_ACTOR_PAUSED, CK_ACTOR_ACTIVE, "resume"); }

ck_status_t ck_actor_terminate(ck_actor_t *a, uint64_t *dropped)
{
    if (!a) return CK_E_INVALID_INPUT;
    if (dropped) *dropped = 0;
    if (a->client_state == CK_ACTOR_TERMINATED) return CK_OK;
    command(a, CMD_TERMINATE, 0);
    pthread_join(a->thread, NULL);
    atomic_store_explicit(&a->state, CK_ACTOR_TERMINATED, memory_order_release);
    a->client_state = CK_ACTOR_TERMINATED;
    if (dropped) *dropped = a->dropped;
    return CK_OK;
}

ck_actor_state_t ck_actor_state(const ck_actor_t *a) { return a ? a->client_state : CK_ACTOR_TERMINATED; }
const char *ck_actor_name(const ck_actor_t *a) { return a ? a->name : ""; }
const ck_actor_class_t *ck_actor_class(const ck_actor_t *a) { return a ? a->cls : NULL; }

ck_status_t ck_actor_snapshot(ck_actor_t *a, char **json)
{
    if (!a) return CK_E_INVALID_INPUT;
    ck_ctx_t *ctx = a->rt->ctx;
    if (!json) return cki_invalid(ctx, "json", "must not be NULL");
    *json = NULL;
    if (a->client_state == CK_ACTOR_TERMINATED)
        return cki_error(ctx, CK_E_STATE, NULL, "actor %s is terminated", a->name);
    ck_status_t s = command(a, CMD_SNAPSHOT, 0);
    json_t *j = a->cmd_json;
    a->cmd_json = NULL;
    if (CK_IS_ERROR(s)) {
        json_decref(j);
        return cki_error(ctx, s, NULL, "snapshot of %s failed: %s", a->name, ck_ctx_error(a->ctx));
    }
    *json = j ? dump_json(ctx, j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    return *json ? CK_OK : cki_nomem(ctx);
}

void ck_actor_stats(const ck_actor_t *ca, ck_actor_stats_t *st)
{
    if (!ca || !st) return;
    ck_actor_t *a = (ck_actor_t *)ca;
    if (a->client_state != CK_ACTOR_TERMINATED) command(a, CMD_STATS, 0);
    st->received = atomic_load(&a->received);
    st->handled = atomic_load(&a->handled);
    st->errors = atomic_load(&a->errors);
    st->sent = atomic_load(&a->sent);
    st->send_waits = atomic_load(&a->send_waits);
    st->parks = atomic_load(&a->parks);
    pthread_mutex_lock(&a->mu);
    st->latency = a->latency_copy;
    pthread_mutex_unlock(&a->mu);
}

/* ---------------------------------------------------------------- client send / recv */

static ck_status_t client_send(ck_actor_t *a, uint32_t type_id, const void *payload, size_t len,
                               ck_send_mode_t mode, uint64_t *message_id)
{
    ck_runtime_t *rt = a->rt;
    ck_ctx_t *ctx = rt->ctx;
    if (len > max_payload_of(rt))
        return cki_invalid(ctx, "len", "payload of %zu bytes exceeds the runtime's limit of %zu", len, max_payload_of(rt));
    if (len && !payload) return cki_invalid(ctx, "payload", "must not be NULL");
    if (a->client_state == CK_ACTOR_TERMINATED) return cki_error(ctx, CK_E_STATE, NULL, "actor %s is terminated", a->name);
    ck_msg_header_t h = {0};
    h.type_id = type_id;
    h.message_id = ++rt->next_id;
    h.destination = (uint32_t)a->index;
    if (ck_hlc_send(NULL, &rt->hlc, &h.hlc, hlc_now_ms()) != CK_OK) h.hlc = rt->hlc.last;
    ck_ring_t *ring = a->links[0].ring; /* the client's link is always the first */
    int64_t suspect_since = -1;
    for (;;) {
        ck_status_t s = push_msg(ctx, ring, &h, payload, len);
        if (s == CK_OK) break;
        if (s != CK_E_QUEUE_FULL) return s;
        if (mode == CK_SEND_TRY) return CK_E_QUEUE_FULL; /* retryable, no message: spinning is normal */
        /* The actor waits to reply and its reply ring is full: only this thread (the client, its
         * reader) can free it, so waiting here would be forever. The flag lags a just-finished
         * push, so the condition must hold for a millisecond before it counts. */
        if (atomic_load(&a->waiting_client) && ck_ring_size(a->out) == ck_ring_capacity(a->out)) {
            if (suspect_since < 0) suspect_since = cki_now_ns();
            else if (cki_now_ns() - suspect_since > 1000000)
                return cki_error(ctx, CK_E_QUEUE_FULL, NULL,
                                 "the ring to %s is full and it waits for the client to read its replies: "
                                 "read them (ck_actor_recv) and send again", a->name);
        } else {
            suspect_since = -1;
        }
        if (a->client_state != CK_ACTOR_ACTIVE && atomic_load(&a->state) != CK_ACTOR_ACTIVE)
            return cki_error(ctx, CK_E_STATE, NULL, "the ring to %s is full and the actor is %s: it would never drain",
                             a->name, ck_actor_state_name(a->client_state));
        sched_yield();
    }
    if (message_id) *message_id = h.message_id;
    wake_actor(a);
    return CK_OK;
}

ck_status_t ck_actor_send(ck_actor_t *a, uint32_t type_id, const void *payload, size_t len, ck_send_mode_t mode,
                          uint64_t *message_id)
{
    if (!a) return CK_E_INVALID_INPUT;
    if (ck_msg_type_is_control(type_id))
        return cki_invalid(a->rt->ctx, "type_id", "%u is a runtime control id (0..%d)", type_id, CK_RING_CONTROL_MAX);
    return client_send(a, type_id, payload, len, mode, message_id);
}

/* Wait until ready(arg) holds or the deadline passes: spin briefly, then sleep on the runtime's
 * condition variable (actors signal it after every message to the client and every barrier ack). */
static bool client_wait(ck_runtime_t *rt, bool (*ready)(void *), void *arg, int64_t timeout_ns)
{
    if (ready(arg)) return true;
    if (timeout_ns == 0) return false;
    int64_t start = cki_now_ns();
    for (int64_t now = start; now - start < CLIENT_SPIN_NS; now = cki_now_ns()) {
        for (int i = 0; i < 64; i++) { /* the clock is read once per 64 polls: it costs ~30 ns */
            if (ready(arg)) return true;
            cpu_relax();
        }
        if (timeout_ns > 0 && now - start >= timeout_ns) return false;
    }
    pthread_mutex_lock(&rt->mu);
    bool ok;
    for (;;) {
        atomic_store(&rt->client_sleeping, true);
        atomic_thread_fence(memory_order_seq_cst);
        if ((ok = ready(arg))) break;
        if (timeout_ns < 0) {
            pthread_cond_wait(&rt->cv, &rt->mu);
        } else {
            int64_t left = timeout_ns - (cki_now_ns() - start);
            if (left <= 0) break;
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t ns = ts.tv_nsec + left;
            ts.tv_sec += ns / 1000000000;
            ts.tv_nsec = ns % 1000000000;
            pthread_cond_timedwait(&rt->cv, &rt->mu, &ts);
        }
    }
    atomic_store(&rt->client_sleeping, false);
    pthread_mutex_unlock(&rt->mu);
    return ok;
}

static bool out_ready(void *arg) { return ck_ring_size(((ck_actor_t *)arg)->out) > 0; }

ck_status_t ck_actor_recv(ck_actor_t *a, ck_msg_header_t *header, void *buf, size_t cap, size_t *len,
                          int64_t timeout_ns, bool *got)
{
    if (!a) return CK_E_INVALID_INPUT;
    ck_ctx_t *ctx = a->rt->ctx;
    if (!header || !len || !got || (!buf && cap)) return cki_invalid(ctx, "header", "output pointers must not be NULL");
    *got = false;
    *len = 0;
    if (!client_wait(a->rt, out_ready, a, timeout_ns)) return CK_OK;
    const void *msg;
    size_t n;
    bool have;
    CK_TRY_RET(ck_ring_peek(ctx, a->out, &msg, &n, &have));
    if (!have) return CK_OK;
    const void *payload;
    size_t plen;
    ck_status_t s = ck_msg_decode(ctx, header, &payload, &plen, msg, n);
    if (s == CK_OK && plen > cap) {
        *len = plen;
        return cki_invalid(ctx, "cap", "the message has %zu payload bytes, the buffer %zu", plen, cap);
    }
    if (s == CK_OK) {
        if (plen) memcpy(buf, payload, plen);
        *len = plen;
        *got = true;
    }
    ck_ring_release(ctx, a->out);
    return s;
}

/* ---------------------------------------------------------------- barrier */

typedef struct barrier_wait {
    ck_runtime_t *rt;
    uint64_t seq;
} barrier_wait_t;

static bool barrier_acked(void *arg)
{
    barrier_wait_t *w = arg;
    int n = atomic_load(&w->rt->n_actors);
    for (int i = 1; i <= n; i++) {
        ck_actor_t *a = w->rt->actors[i];
        if (a && a->client_state == CK_ACTOR_ACTIVE && atomic_load_explicit(&a->barrier_seen, memory_order_acquire) < w->seq)
            return false;
    }
    return true;
}

/* No active actor holds or has queued a message: counters equal and unchanged across a scan of
 * every ring (see the design note in docs/ring.md). */
static bool quiescent(ck_runtime_t *rt)
{
    int n = atomic_load(&rt->n_actors);
    uint64_t before = 0, after = 0;
    for (int i = 1; i <= n; i++) {
        ck_actor_t *a = rt->actors[i];
        if (!a || a->client_state != CK_ACTOR_ACTIVE) continue;
        uint64_t r = atomic_load(&a->received), c = atomic_load(&a->completed);
        if (r != c || atomic_load(&a->overflowed)) return false;
        before += r;
    }
    for (int i = 1; i <= n; i++) {
        ck_actor_t *a = rt->actors[i];
        if (a && a->client_state == CK_ACTOR_ACTIVE && has_work(a)) return false;
    }
    for (int i = 1; i <= n; i++) {
        ck_actor_t *a = rt->actors[i];
        if (!a || a->client_state != CK_ACTOR_ACTIVE) continue;
        uint64_t r = atomic_load(&a->received), c = atomic_load(&a->completed);
        if (r != c || atomic_load(&a->overflowed)) return false;
        after += r;
    }
    return before == after;
}

ck_status_t ck_runtime_barrier(ck_runtime_t *rt, int64_t timeout_ns)
{
    if (!rt) return CK_E_INVALID_INPUT;
    int64_t start = cki_now_ns();
    for (;;) {
        uint64_t seq = ++rt->barrier_seq;
        unsigned char payload[8];
        cki_wire_t w = cki_wire_writer(payload, sizeof payload);
        cki_wire_u64(&w, seq);
        int n = atomic_load(&rt->n_actors);
        for (int i = 1; i <= n; i++) {
            ck_actor_t *a = rt->actors[i];
            if (a && a->client_state == CK_ACTOR_ACTIVE) CK_TRY_RET(client_send(a, CK_MSG_BARRIER, payload, 8, CK_SEND_BLOCK, NULL));
        }
        barrier_wait_t bw = {rt, seq};
        int64_t left = timeout_ns < 0 ? -1 : timeout_ns - (cki_now_ns() - start);
        if (timeout_ns >= 0 && left <= 0) left = 0;
        if (!client_wait(rt, barrier_acked, &bw, left))
            return cki_error(rt->ctx, CK_E_TIMEOUT, NULL, "barrier: not every actor acknowledged within %lld ns",
                             (long long)timeout_ns);
        if (quiescent(rt)) return CK_OK;
    }
}

/* ---------------------------------------------------------------- JSON requests */

static ck_status_t message_to_json(ck_ctx_t *ctx, const ck_actor_class_t *cls, const ck_msg_header_t *h,
                                   const void *payload, size_t len, json_t **out)
{
    json_t *o = json_object();
    if (!o) return cki_nomem(ctx);
    ck_status_t s = CK_OK;
    if (h->type_id == CK_MSG_ERROR) {
        ck_msg_error_t e;
        s = ck_msg_error_decode(ctx, &e, payload, len);
        const ck_msg_type_t *rq = ck_actor_class_type(cls, e.request_type);
        if (s == CK_OK &&
            (json_object_set_new(o, "type", json_string("error")) ||
             json_object_set_new(o, "request", rq ? json_string(rq->name) : json_integer(e.request_type)) ||
             json_object_set_new(o, "status", json_string(ck_status_name(e.status))) ||
             json_object_set_new(o, "message", json_string(e.message))))
            s = cki_nomem(ctx);
    } else if (h->type_id == CK_MSG_HEARTBEAT_ACK) {
        if (json_object_set_new(o, "type", json_string("heartbeat_ack"))) s = cki_nomem(ctx);
    } else {
        const ck_msg_type_t *t = ck_actor_class_type(cls, h->type_id);
        if (!t || !t->to_json) {
            s = cki_error(ctx, CK_E_INTERNAL, NULL, "the actor sent type %u, which its class cannot render", h->type_id);
        } else if (json_object_set_new(o, "type", json_string(t->name))) {
            s = cki_nomem(ctx);
        } else {
            s = t->to_json(ctx, payload, len, o);
        }
    }
    if (CK_IS_ERROR(s)) {
        json_decref(o);
        return s;
    }
    *out = o;
    return CK_OK;
}

/* Append one message as a JSON line to a growing text buffer. */
typedef struct text_buf {
    char *p;
    size_t len, cap;
} text_buf_t;

static ck_status_t append_line(ck_ctx_t *ctx, text_buf_t *tb, const json_t *o)
{
    char *line = dump_json(ctx, o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!line) return cki_nomem(ctx);
    size_t n = strlen(line);
    if (tb->len + n + 2 > tb->cap) {
        size_t cap = (tb->cap ? tb->cap * 2 : 256);
        while (cap < tb->len + n + 2) cap *= 2;
        char *p = cki_realloc(ctx, tb->p, cap);
        if (!p) {
            cki_free(ctx, line);
            return cki_nomem(ctx);
        }
        tb->p = p;
        tb->cap = cap;
    }
    memcpy(tb->p + tb->len, line, n);
    tb->len += n;
    tb->p[tb->len++] = '\n';
    tb->p[tb->len] = '\0';
    cki_free(ctx, line);
    return CK_OK;
}

/* Receive messages, rendering each as a line, until the reply to `id` (id 0: until none is left
 * after a barrier). */
static ck_status_t collect(ck_actor_t *a, uint64_t id, text_buf_t *tb, int64_t timeout_ns)
{
    ck_runtime_t *rt = a->rt;
    ck_ctx_t *ctx = rt->ctx;
    size_t cap = max_payload_of(rt);
    unsigned char *buf = cki_malloc(ctx, cap);
    if (!buf) return cki_nomem(ctx);
    ck_status_t s = CK_OK;
    int64_t start = cki_now_ns();
    for (;;) {
        ck_msg_header_t h;
        size_t len;
        bool got;
        int64_t left = timeout_ns < 0 ? -1 : timeout_ns - (cki_now_ns() - start);
        if (timeout_ns >= 0 && left < 0) left = 0;
        if (id == 0) left = 0;
        s = ck_actor_recv(a, &h, buf, cap, &len, left, &got);
        if (CK_IS_ERROR(s)) break;
        if (!got) {
            if (id != 0) s = cki_error(ctx, CK_E_TIMEOUT, NULL, "no reply from %s within %lld ns", a->name, (long long)timeout_ns);
            break;
        }
        json_t *o = NULL;
        s = message_to_json(ctx, a->cls, &h, buf, len, &o);
        if (s == CK_OK) s = append_line(ctx, tb, o);
        json_decref(o);
        if (CK_IS_ERROR(s) || (id != 0 && h.correlation_id == id)) break;
    }
    cki_free(ctx, buf);
    return s;
}

ck_status_t ck_actor_request_json(ck_actor_t *a, const char *msg_json, size_t len, char **out, int64_t timeout_ns)
{
    if (!a) return CK_E_INVALID_INPUT;
    ck_runtime_t *rt = a->rt;
    ck_ctx_t *ctx = rt->ctx;
    if (!out) return cki_invalid(ctx, "out", "must not be NULL");
    *out = NULL;
    if (!msg_json) return cki_invalid(ctx, "msg_json", "must not be NULL");
    ck_ctx_clear_error(ctx);
    json_t *msg = NULL;
    CK_TRY_RET(cki_json_parse(ctx, "", msg_json, len, &msg));
    ck_status_t s = CK_OK;
    unsigned char *payload = NULL;
    text_buf_t tb = {0};
    const json_t *jt = json_is_object(msg) ? json_object_get(msg, "type") : NULL;
    const ck_msg_type_t *t = NULL;
    if (!json_is_object(msg)) s = cki_invalid(ctx, NULL, "a message must be a JSON object");
    else if (!json_is_string(jt)) s = cki_invalid(ctx, "type", "missing required field (the message type name)");
    else if (!(t = ck_actor_class_type_named(a->cls, json_string_value(jt))) || !t->from_json)
        s = cki_invalid(ctx, "type", "\"%s\" is not a request type of %s", json_string_value(jt), a->cls->kernel_id);
    if (s == CK_OK) {
        size_t cap = max_payload_of(rt), plen = 0;
        payload = cki_malloc(ctx, cap);
        if (!payload) s = cki_nomem(ctx);
        if (s == CK_OK) s = t->from_json(ctx, msg, payload, cap, &plen);
        uint64_t id = 0;
        if (s == CK_OK) s = ck_actor_send(a, t->type_id, payload, plen, CK_SEND_BLOCK, &id);
        if (s == CK_OK && t->reply_type_id == 0) s = ck_runtime_barrier(rt, timeout_ns), id = 0;
        if (s == CK_OK) s = collect(a, id, &tb, timeout_ns);
    }
    json_decref(msg);
    cki_free(ctx, payload);
    if (CK_IS_ERROR(s)) {
        cki_free(ctx, tb.p);
        return s;
    }
    if (!tb.p) {
        tb.p = cki_strdup(ctx, "");
        if (!tb.p) return cki_nomem(ctx);
    }
    *out = tb.p;
    return CK_OK;
}

/* ---------------------------------------------------------------- batch replay of a ring kernel */

#define REPLAY_TIMEOUT_NS ((int64_t)60 * 1000000000)

ck_status_t cki_actor_replay_json(ck_ctx_t *ctx, const ck_actor_class_t *cls, const json_t *input, json_t *output)
{
    const json_t *messages = json_object_get(input, "messages"), *config = json_object_get(input, "config");
    if (!json_is_array(messages)) return cki_invalid(ctx, "messages", "expected an array of messages");
    if (config && !json_is_object(config)) return cki_invalid(ctx, "config", "expected an object");
    ck_runtime_t *rt = NULL;
    ck_actor_t *a = NULL;
    char *config_text = NULL, *msg_text = NULL, *out_text = NULL;
    json_t *replies = json_array();
    ck_status_t status = CK_OK;
    if (!replies) return cki_nomem(ctx);
    if (config && !(config_text = dump_json(ctx, config, JSON_COMPACT))) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    CK_TRY(ck_runtime_create(&rt, ctx, NULL, &(ck_runtime_options_t){.max_actors = 1, .ring_capacity = 64, .slot_size = 4096}));
    CK_TRY(ck_runtime_launch(rt, cls->kernel_id, cls,
                             &(ck_actor_options_t){.idle = CK_IDLE_BLOCKING, .config_json = config_text}, &a));
    CK_TRY(ck_actor_activate(a));
    size_t i;
    json_t *m;
    json_array_foreach(messages, i, m) {
        msg_text = dump_json(ctx, m, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!msg_text) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        ck_status_t s = ck_actor_request_json(a, msg_text, strlen(msg_text), &out_text, REPLAY_TIMEOUT_NS);
        cki_free(ctx, msg_text);
        msg_text = NULL;
        json_t *group = json_array();
        if (!group || json_array_append_new(replies, group)) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
        if (s == CK_E_INVALID_INPUT) { /* the message itself is malformed: answered like the ring's error reply */
            const json_t *jt = json_is_object(m) ? json_object_get(m, "type") : NULL;
            json_t *e = json_pack("{s:s, s:o, s:s, s:s}", "type", "error", "request",
                                  json_is_string(jt) ? json_string(json_string_value(jt)) : json_null(), "status",
                                  ck_status_name(s), "message", ck_ctx_error(ctx));
            if (!e || json_array_append_new(group, e)) {
                status = cki_nomem(ctx);
                goto cleanup;
            }
            ck_ctx_clear_error(ctx);
            continue;
        }
        CK_TRY(s);
        for (char *line = out_text; *line;) {
            char *nl = strchr(line, '\n');
            size_t n = nl ? (size_t)(nl - line) : strlen(line);
            json_t *r = NULL;
            CK_TRY(cki_json_parse(ctx, "replies", line, n, &r)); /* our own output: only NOMEM */
            if (json_array_append_new(group, r)) {
                status = cki_nomem(ctx);
                goto cleanup;
            }
            line += n + (nl ? 1 : 0);
        }
        cki_free(ctx, out_text);
        out_text = NULL;
    }
    status = cki_json_set(ctx, output, "replies", replies); /* takes the reference, even on failure */
    replies = NULL;
cleanup:
    json_decref(replies);
    cki_free(ctx, out_text);
    cki_free(ctx, msg_text);
    cki_free(ctx, config_text);
    ck_runtime_destroy(&rt);
    return status;
}
