/* Shared pieces of the ring benchmarks (C and C++): the 64-byte message, a nanosecond clock,
 * thread pinning, a start gate and the peer interface implemented in ring_peer.cpp. */
#ifndef CK_BENCH_RING_H
#define CK_BENCH_RING_H

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "ckernels/actor.h" /* ck_histogram_t */

#ifdef __cplusplus
extern "C" {
#endif

/* The benchmark message: 64 bytes, one cache line. seq lets the receiver check order; t0 is the
 * sender's timestamp (ping-pong only); the rest is payload that every side copies. */
typedef struct ring_msg {
    uint64_t seq;
    uint64_t t0;
    unsigned char pad[48];
} ring_msg_t;

#define RING_MSG_SIZE 64
#define RING_CAPACITY 1024 /* slots (ck_ring) / elements (peers): the actor runtime's default */

static inline uint64_t rb_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Pin the calling thread to one CPU; 0 on success (the benchmark goes on unpinned otherwise). */
int rb_pin(int cpu);

/* ---- Peers (ring_peer.cpp; absent when the build has no C++ compiler or no peer header) --------- */
int rb_peer_count(void);
const char *rb_peer_name(int i);
/* n round trips after `warm` unrecorded ones; client on cpu_client, echo thread on cpu_server. */
int rb_peer_pingpong(int i, uint64_t warm, uint64_t n, int cpu_client, int cpu_server, ck_histogram_t *rtt);
/* n messages one way, producer on cpu_client, consumer on cpu_server; *seconds first push → last pop. */
int rb_peer_throughput(int i, uint64_t n, int cpu_client, int cpu_server, double *seconds);
/* Pipelined echo: the client pushes requests while there is room and drains replies in between;
 * n round trips, first push → last reply. */
int rb_peer_echo_throughput(int i, uint64_t n, int cpu_client, int cpu_server, double *seconds);
/* One thread pushes 64 messages then pops them, n messages in all: *ns per message (push + pop). */
int rb_peer_single(int i, uint64_t n, double *ns);

/* The payload byte every contender writes at pad[k] for message seq, and checks on receipt. */
static inline unsigned char rb_pad_byte(uint64_t seq, int k) { return (unsigned char)(seq * 31u + (unsigned)k); }

#ifdef __cplusplus
}
#endif
#endif
