/* CKernels — ring mode, lowest layer: the lock-free SPSC ring, the ring message format (header,
 * CRC32C, hybrid logical clock) and the type-id ranges. Actors, the runtime and K2K routing are
 * built on top of this. See docs/ring.md.
 *
 * Ring threading. A ck_ring_t has exactly one producer thread and one consumer thread. The
 * producer calls only try_push / reserve / commit; the consumer calls only try_pop / peek /
 * release; size/capacity queries may be called from either. The context given to _create() owns
 * the ring's memory and must outlive it. Every other call takes the calling thread's own context
 * first, used only for the error message; it may be NULL. Only _create() allocates; no call takes
 * a lock. _destroy() must not race with other calls.
 *
 * Return convention of the hot-path calls: CK_OK, or CK_E_QUEUE_FULL for a full ring (retryable,
 * nothing is dropped; no error message is written, since spinning on a full ring is normal).
 * Pop/peek report an empty ring through the `got` out-parameter (false) with CK_OK: empty is not
 * an error. Misuse (too long a message, too small an output buffer, commit without reserve)
 * returns CK_E_INVALID_INPUT or CK_E_STATE with the field named. */
#ifndef CKERNELS_RING_H
#define CKERNELS_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ckernels/core.h"
#include "ckernels/ctx.h"
#include "ckernels/export.h"
#include "ckernels/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- SPSC ring ------------------------------------------------------------------------------ */

typedef struct ck_ring ck_ring_t;

/* Bytes at the start of every slot that hold the message length; the message follows, so the
 * largest message is slot_size - CK_RING_SLOT_HEADER. */
#define CK_RING_SLOT_HEADER 8
#define CK_RING_SLOT_ALIGN 64
#define CK_RING_MAX_CAPACITY ((int64_t)1 << 30)
#define CK_RING_MAX_SLOT_SIZE ((int64_t)1 << 24)

/* Create a ring of `capacity_slots` slots (a power of two, 1 .. 2^30) of `slot_size` bytes each
 * (a multiple of 64, 64 .. 2^24). Memory comes from ctx's allocator (ctx required) in one block. */
CK_API ck_status_t ck_ring_create(ck_ring_t **ring, ck_ctx_t *ctx, int64_t capacity_slots,
                                  int64_t slot_size);
/* Destroy and set *ring to NULL. NULL and *ring == NULL are no-ops. */
CK_API void ck_ring_destroy(ck_ring_t **ring);

/* Producer: copy `len` bytes (len <= ck_ring_max_message) into the next slot and publish it.
 * CK_E_QUEUE_FULL when every slot is in use. */
CK_API ck_status_t ck_ring_try_push(ck_ctx_t *ctx, ck_ring_t *ring, const void *msg, size_t len);
/* Producer, zero-copy: *slot points at the next free slot's message area (ck_ring_max_message
 * bytes); CK_E_QUEUE_FULL when none. Fill it, then ck_ring_commit(len) publishes it. A second
 * reserve before commit returns the same slot. */
CK_API ck_status_t ck_ring_reserve(ck_ctx_t *ctx, ck_ring_t *ring, void **slot);
CK_API ck_status_t ck_ring_commit(ck_ctx_t *ctx, ck_ring_t *ring, size_t len);

/* Consumer: copy the oldest message into `out` (capacity `cap`), set *len and *got = true and free
 * the slot. Empty ring: CK_OK with *got = false and *len = 0. A message longer than `cap`:
 * CK_E_INVALID_INPUT naming "cap", *len = its length, the message stays in the ring. */
CK_API ck_status_t ck_ring_try_pop(ck_ctx_t *ctx, ck_ring_t *ring, void *out, size_t cap,
                                   size_t *len, bool *got);
/* Consumer, zero-copy: *msg and *len describe the oldest message in place (*got = false when empty);
 * it stays valid until ck_ring_release() frees the slot. */
CK_API ck_status_t ck_ring_peek(ck_ctx_t *ctx, ck_ring_t *ring, const void **msg, size_t *len,
                                bool *got);
/* CK_E_STATE when the ring is empty. */
CK_API ck_status_t ck_ring_release(ck_ctx_t *ctx, ck_ring_t *ring);

/* Number of slots. */
CK_API int64_t ck_ring_capacity(const ck_ring_t *ring);
/* Messages published and not yet freed; exact when called by the producer or the consumer while
 * the other side is idle, otherwise a snapshot in [0, capacity]. */
CK_API int64_t ck_ring_size(const ck_ring_t *ring);
/* Largest message a slot holds: slot_size - CK_RING_SLOT_HEADER. */
CK_API size_t ck_ring_max_message(const ck_ring_t *ring);

/* ---- CRC32C (Castagnoli, reflected polynomial 0x82F63B78) ------------------------------------ */

/* Running CRC32C: start with crc = 0 and feed the data in pieces or at once;
 * ck_crc32c(0, "123456789", 9) == 0xE3069283. Pre- and post-inversion are done inside. */
CK_API uint32_t ck_crc32c(uint32_t crc, const void *data, size_t n);

/* ---- Hybrid logical clock (Kulkarni et al., 2014) -------------------------------------------- */

/* A timestamp packs 48 bits of physical time in milliseconds (l) over a 16-bit logical counter (c):
 * ts = l << 16 | c, so timestamps compare as plain integers. */
#define CK_HLC_MAX_MS ((UINT64_C(1) << 48) - 1)
#define CK_HLC_MAX_COUNTER UINT64_C(0xFFFF)
#define CK_HLC_PACK(ms, c) (((uint64_t)(ms) << 16) | ((uint64_t)(c) & CK_HLC_MAX_COUNTER))
#define CK_HLC_MS(ts) ((uint64_t)(ts) >> 16)
#define CK_HLC_COUNTER(ts) ((uint64_t)(ts) & CK_HLC_MAX_COUNTER)

/* Clock state of one actor. Plain data, owned by one thread. */
typedef struct ck_hlc {
    uint64_t last;         /* last timestamp issued or merged (packed) */
    uint64_t max_drift_ms; /* receive rejects remote l > now + max_drift_ms; 0 = no limit */
} ck_hlc_t;

/* Start at timestamp 0 with the given drift limit (0 = none). */
CK_API void ck_hlc_init(ck_hlc_t *clock, uint64_t max_drift_ms);
/* Send or local event at physical time now_ms: l = max(l, now); c = (l unchanged) ? c + 1 : 0.
 * *ts = the new timestamp. CK_E_INVALID_INPUT ("now_ms") when now_ms > CK_HLC_MAX_MS,
 * CK_E_OVERFLOW ("counter") when c would pass 0xFFFF; the clock is unchanged on error. */
CK_API ck_status_t ck_hlc_send(ck_ctx_t *ctx, ck_hlc_t *clock, uint64_t *ts, uint64_t now_ms);
/* Receive a message stamped `remote` at physical time now_ms: l = max(l, lm, now);
 * c = max(c, cm) + 1 if l == old l == lm, c + 1 if l == old l only, cm + 1 if l == lm only, else 0.
 * A remote timestamp ahead of now is accepted (the clock jumps forward) unless it is more than
 * max_drift_ms ahead: then CK_E_INVALID_INPUT ("remote") and the clock is unchanged. */
CK_API ck_status_t ck_hlc_receive(ck_ctx_t *ctx, ck_hlc_t *clock, uint64_t *ts, uint64_t remote,
                                  uint64_t now_ms);
/* Wall-clock time (CLOCK_REALTIME) in milliseconds, the usual physical time for the clock. */
CK_API uint64_t ck_hlc_wall_ms(void);

/* ---- Message format -------------------------------------------------------------------------- */

#define CK_MSG_MAGIC UINT32_C(0x474D4B43) /* "CKMG" as little-endian bytes */
#define CK_MSG_VERSION 1
#define CK_MSG_HEADER_SIZE 56

/* Fixed header, encoded little-endian at exactly these offsets (static_assert'ed in ring.c);
 * the payload follows at offset 56. */
typedef struct ck_msg_header {
    uint32_t magic;          /*  0  CK_MSG_MAGIC (filled by encode) */
    uint16_t version;        /*  4  CK_MSG_VERSION (filled by encode) */
    uint8_t priority;        /*  6  0 = normal; larger = more urgent */
    uint8_t flags;           /*  7  reserved, must be 0 */
    uint32_t type_id;        /*  8  0..99 control, else a domain's range (core.h) */
    uint32_t payload_size;   /* 12  filled by encode */
    uint64_t message_id;     /* 16 */
    uint64_t correlation_id; /* 24  the request's message_id in a reply, else 0 */
    uint32_t source;         /* 32  kernel (actor) index */
    uint32_t destination;    /* 36  kernel (actor) index */
    uint32_t crc32c;         /* 40  CRC32C of the payload (filled by encode) */
    uint32_t reserved;       /* 44  must be 0 */
    uint64_t hlc;            /* 48  hybrid logical clock timestamp */
} ck_msg_header_t;

/* Write header + payload into buf (capacity cap), filling magic, version, payload_size and crc32c
 * from the payload (the rest is taken from *header; flags and reserved must be 0). *len = bytes
 * written = CK_MSG_HEADER_SIZE + payload_len. CK_E_INVALID_INPUT naming "cap" when it does not
 * fit, "payload_len" above UINT32_MAX, "header.flags"/"header.reserved" when not 0. */
CK_API ck_status_t ck_msg_encode(ck_ctx_t *ctx, void *buf, size_t cap, size_t *len,
                                 const ck_msg_header_t *header, const void *payload,
                                 size_t payload_len);
/* Parse and validate buf[0..len): *header gets the fields, *payload points into buf (zero-copy).
 * CK_E_INVALID_INPUT naming "len" (shorter than a header), "magic", "version", "payload_size"
 * (does not match len - 56: truncated or trailing bytes), "flags", "reserved" or "crc32c". */
CK_API ck_status_t ck_msg_decode(ck_ctx_t *ctx, ck_msg_header_t *header, const void **payload,
                                 size_t *payload_len, const void *buf, size_t len);

/* ---- Type ids -------------------------------------------------------------------------------- */

/* True for runtime control ids (CK_RING_CONTROL_MIN..CK_RING_CONTROL_MAX). */
CK_API bool ck_msg_type_is_control(uint32_t type_id);
/* The type-id range of a domain; CK_E_INVALID_INPUT ("domain") for a value out of range. */
CK_API ck_status_t ck_msg_type_range(ck_ctx_t *ctx, uint32_t *min, uint32_t *max, ck_domain_t domain);

#ifdef __cplusplus
}
#endif
#endif
