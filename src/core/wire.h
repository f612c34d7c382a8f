/* Little-endian fixed-layout payload fields for ring messages (internal). A payload is a packed
 * record of these; each actor class documents its layouts. Writers advance a cursor and report
 * overflow once at the end; readers check the length once up front. */
#ifndef CKERNELS_WIRE_H
#define CKERNELS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct cki_wire {
    uint8_t *p;
    size_t len, cap;
    bool overflow; /* a put did not fit: the record is incomplete */
} cki_wire_t;

static inline cki_wire_t cki_wire_writer(void *buf, size_t cap) { return (cki_wire_t){buf, 0, cap, false}; }

static inline void cki_wire_put(cki_wire_t *w, uint64_t v, int bytes)
{
    if (w->overflow || w->cap - w->len < (size_t)bytes) {
        w->overflow = true;
        return;
    }
    for (int i = 0; i < bytes; i++) w->p[w->len++] = (uint8_t)(v >> (8 * i));
}
static inline void cki_wire_u8(cki_wire_t *w, uint8_t v) { cki_wire_put(w, v, 1); }
static inline void cki_wire_u32(cki_wire_t *w, uint32_t v) { cki_wire_put(w, v, 4); }
static inline void cki_wire_u64(cki_wire_t *w, uint64_t v) { cki_wire_put(w, v, 8); }
static inline void cki_wire_i64(cki_wire_t *w, int64_t v) { cki_wire_put(w, (uint64_t)v, 8); }
static inline void cki_wire_f64(cki_wire_t *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    cki_wire_put(w, u, 8);
}

/* Readers: `p` must have at least offset + size bytes (checked by the caller). */
static inline uint64_t cki_wire_get(const void *p, size_t off, int bytes)
{
    const uint8_t *b = (const uint8_t *)p + off;
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v |= (uint64_t)b[i] << (8 * i);
    return v;
}
static inline uint8_t cki_wire_get_u8(const void *p, size_t off) { return (uint8_t)cki_wire_get(p, off, 1); }
static inline uint32_t cki_wire_get_u32(const void *p, size_t off) { return (uint32_t)cki_wire_get(p, off, 4); }
static inline uint64_t cki_wire_get_u64(const void *p, size_t off) { return cki_wire_get(p, off, 8); }
static inline int64_t cki_wire_get_i64(const void *p, size_t off) { return (int64_t)cki_wire_get(p, off, 8); }
static inline double cki_wire_get_f64(const void *p, size_t off)
{
    uint64_t u = cki_wire_get(p, off, 8);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

#endif
