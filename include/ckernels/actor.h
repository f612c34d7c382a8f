/* CKernels — ring mode: persistent actors, the runtime that hosts them and K2K routing.
 *
 * An actor is a ring kernel's state owned by one dedicated thread. It is fed by lock-free SPSC
 * rings (ring.h): one from the client (the thread that owns the runtime) and one from every other
 * actor of the runtime, so every ring keeps exactly one producer. It answers on one ring back to
 * the client; replies to another actor's message go back on that actor's link. See docs/ring.md.
 *
 * Threads. The runtime's client side (launch, lifecycle calls, send, recv, barrier, destroy) is
 * used by one thread at a time. Each actor runs its class's handler on its own thread; a handler
 * talks to the runtime only through the ck_actor_call_t it is given. No call on the message path
 * allocates or takes a lock, except parking (spin-then-park and blocking idle policies), which
 * uses a mutex and condition variable only to sleep and wake.
 *
 * Back-pressure. Nothing is ever dropped. The client's sends to a full ring wait for room
 * (CK_SEND_BLOCK, the default) or return CK_E_QUEUE_FULL (CK_SEND_TRY). An actor's replies and
 * publishes to the client wait while the client's reply ring is full (the client must keep
 * reading; a blocking client send to an actor in that state returns CK_E_QUEUE_FULL instead of
 * deadlocking). Between actors, CK_SEND_BLOCK never waits: a message that finds its link full is
 * kept, in order, in the sender's overflow queue and delivered by the sender's loop, so actors
 * that send to each other in a cycle cannot deadlock (the overflow grows only while a link is
 * full; CK_SEND_TRY returns CK_E_QUEUE_FULL instead). The barrier waits for overflows to drain.
 * The runtime's allocator (the ctx's) must be thread-safe: actor threads use it for overflow. */
#ifndef CKERNELS_ACTOR_H
#define CKERNELS_ACTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ckernels/core.h"
#include "ckernels/ctx.h"
#include "ckernels/export.h"
#include "ckernels/registry.h"
#include "ckernels/ring.h"
#include "ckernels/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Latency histogram (HdrHistogram-style, log-linear) --------------------------------------- */

/* Values are non-negative integers (nanoseconds here). Buckets: values below 2^CK_HIST_SUB_BITS
 * are exact; above, each power of two is split into 2^CK_HIST_SUB_BITS equal buckets, so a
 * reported percentile is within 1/2^CK_HIST_SUB_BITS (0.8 %) above the true value. Plain data,
 * no allocation, one writer. */
#define CK_HIST_SUB_BITS 7
#define CK_HIST_BUCKETS ((64 - CK_HIST_SUB_BITS + 1) << CK_HIST_SUB_BITS)
typedef struct ck_histogram {
    uint64_t count;
    uint64_t min, max; /* exact */
    double sum;
    uint64_t buckets[CK_HIST_BUCKETS];
} ck_histogram_t;

CK_API void ck_histogram_reset(ck_histogram_t *h);
CK_API void ck_histogram_record(ck_histogram_t *h, uint64_t value);
/* Add every sample of `from` into `into`. */
CK_API void ck_histogram_merge(ck_histogram_t *into, const ck_histogram_t *from);
/* The smallest bucket upper bound at or below which `q` (0..100) percent of the samples lie
 * (q >= 100 gives the exact max, q <= 0 the exact min); 0 when empty or q is NaN. A zeroed
 * histogram is a valid empty one. */
CK_API uint64_t ck_histogram_percentile(const ck_histogram_t *h, double q);
CK_API double ck_histogram_mean(const ck_histogram_t *h);

/* ---- Runtime control message type ids (0..99, DESIGN.md §5) ----------------------------------- */

#define CK_MSG_ERROR_TEXT_MAX 183
#define CK_MSG_ERROR 1    /* reply: ck_msg_error_t; the request failed, the actor goes on */
#define CK_MSG_BARRIER 2  /* runtime → actor; the actor answers CK_MSG_BARRIER_ACK once every message
                             it received before the barrier has been handled */
#define CK_MSG_BARRIER_ACK 3
#define CK_MSG_HEARTBEAT 4 /* answered with CK_MSG_HEARTBEAT_ACK (empty payload) */
#define CK_MSG_HEARTBEAT_ACK 5

/* CK_MSG_ERROR's payload, little-endian: offset 0 u32 the failed request's type id, 4 i32 its
 * ck_status_t, 8.. the error message (UTF-8, no terminator, truncated to fit). Decoded form: */
typedef struct ck_msg_error {
    uint32_t request_type;
    ck_status_t status;
    char message[CK_MSG_ERROR_TEXT_MAX + 1]; /* NUL-terminated */
} ck_msg_error_t;
CK_API ck_status_t ck_msg_error_decode(ck_ctx_t *ctx, ck_msg_error_t *out, const void *payload, size_t len);

/* ---- Actor classes: what a ring kernel provides ----------------------------------------------- */

typedef struct ck_actor_call ck_actor_call_t; /* the message being handled; valid during handle() */

/* One request or reply type of a class, with its JSON form (used by `ckernels actor` and by
 * anything that speaks JSON). The codec functions may be NULL for types the class only sends to
 * other actors. */
typedef struct ck_msg_type {
    uint32_t type_id;
    const char *name;       /* "submit_order": the JSON "type" field */
    uint32_t reply_type_id; /* the reply's type id, 0 for none (a reply type itself, or one-way) */
    /* JSON object (its "type" field already checked and to be ignored) → payload bytes in
     * buf[0..cap); *len = bytes written. Errors name the JSON field. */
    ck_status_t (*from_json)(ck_ctx_t *ctx, const struct json_t *msg, void *buf, size_t cap, size_t *len);
    /* payload → the fields of a JSON object (`out` already has "type"). */
    ck_status_t (*to_json)(ck_ctx_t *ctx, const void *payload, size_t len, struct json_t *out);
} ck_msg_type_t;

typedef struct ck_actor_class {
    const char *kernel_id;      /* registry id of the kernel, e.g. "orderbook/matching" */
    /* Create the actor's state from its configuration (a JSON object: the kernel's batch input
     * plus actor options, as its doc entry says; NULL means {}). All memory the actor needs should
     * be allocated here, so that handling messages does not allocate. Runs on the client thread,
     * with the client's ctx. */
    ck_status_t (*create)(ck_ctx_t *ctx, const struct json_t *config, void **state);
    void (*destroy)(ck_ctx_t *ctx, void *state);
    /* Handle one message (never a control message: the runtime answers those). Reply with
     * ck_actor_reply / ck_actor_emit. A returned error (with the message on ctx) is answered
     * with CK_MSG_ERROR to the sender and counted; the actor goes on. Runs on the actor thread
     * with the actor's own ctx. */
    ck_status_t (*handle)(ck_ctx_t *ctx, void *state, ck_actor_call_t *call, uint32_t type_id,
                          const void *payload, size_t len);
    /* The state as JSON (lifecycle snapshot), into *out (a new object). Runs on the actor thread
     * between two messages. May be NULL: snapshot then gives {}. */
    ck_status_t (*snapshot)(ck_ctx_t *ctx, const void *state, struct json_t **out);
    const ck_msg_type_t *types; /* every request and reply type */
    size_t n_types;
} ck_actor_class_t;

/* The actor classes built into the library, and lookup by kernel id (NULL when it has none). */
CK_API size_t ck_actor_class_count(void);
CK_API const ck_actor_class_t *ck_actor_class_at(size_t i);
CK_API const ck_actor_class_t *ck_actor_class_find(const char *kernel_id);
/* A type of a class by id or by JSON name; NULL when absent. */
CK_API const ck_msg_type_t *ck_actor_class_type(const ck_actor_class_t *cls, uint32_t type_id);
CK_API const ck_msg_type_t *ck_actor_class_type_named(const ck_actor_class_t *cls, const char *name);

/* ---- Inside a handler ------------------------------------------------------------------------- */

typedef enum ck_send_mode {
    CK_SEND_BLOCK = 0, /* wait for room (back-pressure); fails only when the runtime stops */
    CK_SEND_TRY = 1    /* CK_E_QUEUE_FULL at once when the ring is full */
} ck_send_mode_t;

/* Answer the message being handled: to the client, or to the actor that sent it, with
 * correlation_id = the request's message_id. May be called several times (e.g. trades then a
 * report). */
CK_API ck_status_t ck_actor_reply(ck_actor_call_t *call, uint32_t type_id, const void *payload,
                                  size_t len);
/* Send a new message to another actor of the runtime, by name (its kernel id unless launched
 * with another name), without going through the client (K2K). Its reply, if any, arrives later as
 * a message to this actor with correlation_id = *message_id. CK_E_NOT_FOUND for an unknown name. */
CK_API ck_status_t ck_actor_emit(ck_actor_call_t *call, const char *to, uint32_t type_id,
                                 const void *payload, size_t len, ck_send_mode_t mode,
                                 uint64_t *message_id);
/* The same, to the client's reply ring (unsolicited messages such as trade reports). */
CK_API ck_status_t ck_actor_publish(ck_actor_call_t *call, uint32_t type_id, const void *payload,
                                    size_t len);
/* The header of the message being handled (source, message_id, correlation_id, hlc, ...). */
CK_API const ck_msg_header_t *ck_actor_call_header(const ck_actor_call_t *call);
/* Name of the actor that sent it; "" when it came from the client. */
CK_API const char *ck_actor_call_source(const ck_actor_call_t *call);
/* The largest payload a reply, emit or publish may carry (the runtime's slot size less the
 * slot and message headers). Classes size variable replies (book depth, top-k) to fit. */
CK_API size_t ck_actor_call_max_payload(const ck_actor_call_t *call);

/* ---- Runtime and actors (client side) --------------------------------------------------------- */

typedef struct ck_runtime ck_runtime_t;
typedef struct ck_actor ck_actor_t;

typedef enum ck_idle_policy {
    CK_IDLE_BUSY_POLL = 0,       /* spin on the rings: lowest latency, burns its core */
    CK_IDLE_SPIN_THEN_PARK = 1,  /* spin for spin_ns, then sleep until a message arrives */
    CK_IDLE_BLOCKING = 2         /* sleep as soon as the rings are empty */
} ck_idle_policy_t;
CK_API const char *ck_idle_policy_name(ck_idle_policy_t p);
CK_API ck_status_t ck_idle_policy_parse(const char *name, ck_idle_policy_t *p); /* "busy_poll" | "spin_then_park" | "blocking" */

typedef enum ck_actor_state {
    CK_ACTOR_LAUNCHED = 0,   /* thread started, state created; messages queue up, none handled */
    CK_ACTOR_ACTIVE = 1,     /* handling messages */
    CK_ACTOR_PAUSED = 2,     /* messages queue up (until the rings fill), none handled */
    CK_ACTOR_TERMINATED = 3  /* thread joined, state destroyed */
} ck_actor_state_t;
CK_API const char *ck_actor_state_name(ck_actor_state_t s);

typedef struct ck_runtime_options {
    int max_actors;         /* default 16 */
    int64_t ring_capacity;  /* slots per ring, power of two; default 1024 */
    int64_t slot_size;      /* bytes per slot, multiple of 64; default 256 (so messages up to 248 bytes,
                               payloads up to 192) */
} ck_runtime_options_t;

typedef struct ck_actor_options {
    const char *name;        /* routing name; NULL = the kernel id. Unique within the runtime. */
    ck_idle_policy_t idle;   /* default CK_IDLE_SPIN_THEN_PARK */
    int64_t spin_ns;         /* spin-then-park: how long to spin before sleeping; 0 = 50 µs */
    const char *config_json; /* the class's configuration (JSON object text); NULL = {} */
} ck_actor_options_t;

/* Per-actor counters (a consistent snapshot is not guaranteed while the actor runs; each field is
 * read atomically). Latency = time the handler took for one message, in ns. */
typedef struct ck_actor_stats {
    uint64_t received;      /* messages taken from the rings (control included) */
    uint64_t handled;       /* non-control messages handled successfully */
    uint64_t errors;        /* handled with an error (answered with CK_MSG_ERROR) */
    uint64_t sent;          /* replies, emits and publishes */
    uint64_t send_waits;    /* sends that found the ring full (waited, or went to overflow) */
    uint64_t parks;         /* times the thread went to sleep */
    ck_histogram_t latency; /* handler time per message */
} ck_actor_stats_t;

/* Create a runtime whose actors are looked up in `reg` (license checked at launch). `ctx` is the
 * client's context: it owns the runtime's memory and must outlive it. opts NULL = defaults. */
CK_API ck_status_t ck_runtime_create(ck_runtime_t **rt, ck_ctx_t *ctx, const ck_registry_t *reg,
                                     const ck_runtime_options_t *opts);
/* Terminate every actor still running, then free everything. NULL is a no-op. */
CK_API void ck_runtime_destroy(ck_runtime_t **rt);

/* Launch an actor of the built-in class for `kernel_id` (the kernel must be registered, offer
 * ring mode and be licensed) or of a caller-supplied class (`cls` non-NULL; kernel_id is then
 * only its name). Creates its state and rings and starts its thread in CK_ACTOR_LAUNCHED. */
CK_API ck_status_t ck_runtime_launch(ck_runtime_t *rt, const char *kernel_id, const ck_actor_class_t *cls,
                                     const ck_actor_options_t *opts, ck_actor_t **actor);
/* Lifecycle. activate: LAUNCHED → ACTIVE; pause: ACTIVE → PAUSED; resume: PAUSED → ACTIVE;
 * CK_E_STATE otherwise. terminate: any → TERMINATED (messages still queued are discarded and
 * counted as `dropped_at_terminate` in the return of ck_actor_terminate; the actor pointer stays
 * valid until the runtime is destroyed). Each call returns once the actor thread has taken the
 * new state. */
CK_API ck_status_t ck_actor_activate(ck_actor_t *actor);
CK_API ck_status_t ck_actor_pause(ck_actor_t *actor);
CK_API ck_status_t ck_actor_resume(ck_actor_t *actor);
CK_API ck_status_t ck_actor_terminate(ck_actor_t *actor, uint64_t *dropped_at_terminate);
CK_API ck_actor_state_t ck_actor_state(const ck_actor_t *actor);
/* The class's snapshot of the state, as JSON text in *json (free with ck_ctx_free on the
 * runtime's ctx). Taken on the actor thread between two messages: waits until it is ACTIVE or
 * PAUSED and gets there. */
CK_API ck_status_t ck_actor_snapshot(ck_actor_t *actor, char **json);
CK_API void ck_actor_stats(const ck_actor_t *actor, ck_actor_stats_t *stats);
CK_API const char *ck_actor_name(const ck_actor_t *actor);
CK_API const ck_actor_class_t *ck_actor_class(const ck_actor_t *actor);
CK_API ck_actor_t *ck_runtime_find(const ck_runtime_t *rt, const char *name);
/* The largest payload any message of this runtime may carry. */
CK_API size_t ck_runtime_max_payload(const ck_runtime_t *rt);

/* Client → actor. Fills the header (message_id from the runtime's counter, returned in
 * *message_id when not NULL; source = the client; hlc from the client's clock) and encodes
 * it with the payload's CRC32C. CK_E_INVALID_INPUT "len" when the message exceeds a slot;
 * CK_E_STATE when the actor is terminated. */
CK_API ck_status_t ck_actor_send(ck_actor_t *actor, uint32_t type_id, const void *payload, size_t len,
                                 ck_send_mode_t mode, uint64_t *message_id);
/* Actor → client: the next reply or published message of this actor, in the order the actor sent
 * them. Waits up to timeout_ns (0: do not wait; < 0: forever) and sets *got. The payload is
 * copied into buf (capacity cap; ck_runtime_max_payload() is always enough); *len its size. */
CK_API ck_status_t ck_actor_recv(ck_actor_t *actor, ck_msg_header_t *header, void *buf, size_t cap,
                                 size_t *len, int64_t timeout_ns, bool *got);
/* Quiescence: send CK_MSG_BARRIER to every active actor, wait for every acknowledgement, and
 * repeat until no active actor has a message queued or in hand. On return every message sent
 * before the call to an active actor (by the client or between actors, transitively) has been
 * handled. Paused and launched actors are not waited for. Replies that arrive meanwhile stay
 * queued for ck_actor_recv (so an actor blocked on a full reply ring makes it time out).
 * timeout_ns < 0 waits forever; otherwise CK_E_TIMEOUT when it passes. */
CK_API ck_status_t ck_runtime_barrier(ck_runtime_t *rt, int64_t timeout_ns);

/* JSON convenience (the CLI's path): `msg_json` is {"type": name, ...fields}; the reply's
 * message(s) are appended as JSON text lines to *out (each "{"type": name, ...}\n", free with
 * ck_ctx_free), every message the actor sent up to and including the reply to this request. */
CK_API ck_status_t ck_actor_request_json(ck_actor_t *actor, const char *msg_json, size_t len, char **out,
                                         int64_t timeout_ns);

#ifdef __cplusplus
}
#endif
#endif
