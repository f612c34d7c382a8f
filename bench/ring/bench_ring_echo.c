/* Round-trip latency and one-way throughput of ring mode's transport, against SPSC queue peers in
 * the same run (see bench/README.md, "## Ring"):
 *   (i)   raw ck_ring ping-pong between two threads (request ring + reply ring, busy-poll), with
 *         the copy API (try_push / try_pop) and the zero-copy API (reserve/commit, peek/release);
 *   (ii)  the same through the actor runtime with the core/echo actor (type 100 → reply 150,
 *         payload echoed), idle policies busy_poll and spin_then_park;
 *   (iii) moodycamel::ReaderWriterQueue and boost::lockfree::spsc_queue (ring_peer.cpp), same
 *         protocol, same 64-byte messages, same 1024-element capacity.
 * Latency: the client stamps t0, sends, busy-waits for the echo, stamps t1; t1 - t0 goes into a
 * ck_histogram_t (p50/p99/p99.9/max). Throughput: one thread pushes N messages, the other pops and
 * checks them; first push to last pop. Client/producer pinned to CPU 0, the other side to CPU 1.
 *
 * Usage: bench_ring_echo [--messages N] [--warmup N] [--reps R] [--cpus A,B] [--skip ring,actor,peer] */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckernels.h"
#include "ckernels/actor.h"
#include "ckernels/ring.h"
#include "ring_bench.h"

int rb_pin(int cpu)
{
    if (cpu < 0) return -1;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

#ifndef CK_BENCH_HAVE_PEERS
/* Built without a C++ compiler or without any peer header: no peer rows. */
int rb_peer_count(void) { return 0; }
const char *rb_peer_name(int i) { (void)i; return ""; }
int rb_peer_pingpong(int i, uint64_t warm, uint64_t n, int a, int b, ck_histogram_t *rtt)
{
    (void)i, (void)warm, (void)n, (void)a, (void)b, (void)rtt;
    return -1;
}
int rb_peer_throughput(int i, uint64_t n, int a, int b, double *s)
{
    (void)i, (void)n, (void)a, (void)b, (void)s;
    return -1;
}
int rb_peer_echo_throughput(int i, uint64_t n, int a, int b, double *s)
{
    (void)i, (void)n, (void)a, (void)b, (void)s;
    return -1;
}
int rb_peer_single(int i, uint64_t n, double *ns)
{
    (void)i, (void)n, (void)ns;
    return -1;
}
#endif

static void die(const char *what, ck_ctx_t *ctx)
{
    fprintf(stderr, "bench_ring_echo: %s%s%s\n", what, ctx ? ": " : "", ctx ? ck_ctx_error(ctx) : "");
    exit(1);
}

/* ---- (i) raw ck_ring ----------------------------------------------------------------------------- */

typedef struct ck_pp {
    ck_ring_t *req, *rep;
    uint64_t total;
    int cpu;
    bool zero_copy;
    pthread_barrier_t start;
} ck_pp_t;

static void *ck_echo_server(void *arg)
{
    ck_pp_t *p = arg;
    rb_pin(p->cpu);
    pthread_barrier_wait(&p->start);
    ring_msg_t m;
    size_t len;
    bool got;
    if (p->zero_copy) {
        for (uint64_t i = 0; i < p->total; i++) {
            const void *in;
            void *out;
            do ck_ring_peek(NULL, p->req, &in, &len, &got);
            while (!got);
            while (ck_ring_reserve(NULL, p->rep, &out) != CK_OK) {
            }
            memcpy(out, in, len);
            ck_ring_commit(NULL, p->rep, len);
            ck_ring_release(NULL, p->req);
        }
    } else {
        for (uint64_t i = 0; i < p->total; i++) {
            do ck_ring_try_pop(NULL, p->req, &m, sizeof m, &len, &got);
            while (!got);
            while (ck_ring_try_push(NULL, p->rep, &m, len) != CK_OK) {
            }
        }
    }
    return NULL;
}

static int ck_pingpong(ck_ctx_t *ctx, bool zero_copy, uint64_t warm, uint64_t n, int cpu_a, int cpu_b,
                       ck_histogram_t *rtt)
{
    ck_pp_t p = {.total = warm + n, .cpu = cpu_b, .zero_copy = zero_copy};
    /* 64-byte messages need 128-byte slots: each slot starts with the 8-byte length. */
    if (ck_ring_create(&p.req, ctx, RING_CAPACITY, 128) != CK_OK) die("ck_ring_create", ctx);
    if (ck_ring_create(&p.rep, ctx, RING_CAPACITY, 128) != CK_OK) die("ck_ring_create", ctx);
    pthread_barrier_init(&p.start, NULL, 2);
    pthread_t th;
    if (pthread_create(&th, NULL, ck_echo_server, &p) != 0) die("pthread_create", NULL);
    rb_pin(cpu_a);
    pthread_barrier_wait(&p.start);
    ring_msg_t m, in;
    memset(&m, 0, sizeof m);
    int ok = 1;
    size_t len;
    bool got;
    for (uint64_t i = 0; i < warm + n; i++) {
        uint64_t t0;
        if (zero_copy) {
            void *slot;
            const void *r;
            t0 = rb_now_ns();
            while (ck_ring_reserve(NULL, p.req, &slot) != CK_OK) {
            }
            ring_msg_t *s = slot;
            s->seq = i;
            s->t0 = t0;
            memset(s->pad, 0, sizeof s->pad);
            s->pad[0] = rb_pad_byte(i, 0);
            s->pad[47] = rb_pad_byte(i, 47);
            ck_ring_commit(NULL, p.req, sizeof m);
            do ck_ring_peek(NULL, p.rep, &r, &len, &got);
            while (!got);
            memcpy(&in, r, sizeof in);
            ck_ring_release(NULL, p.rep);
        } else {
            m.seq = i;
            m.pad[0] = rb_pad_byte(i, 0);
            m.pad[47] = rb_pad_byte(i, 47);
            t0 = rb_now_ns();
            m.t0 = t0;
            while (ck_ring_try_push(NULL, p.req, &m, sizeof m) != CK_OK) {
            }
            do ck_ring_try_pop(NULL, p.rep, &in, sizeof in, &len, &got);
            while (!got);
        }
        uint64_t t1 = rb_now_ns();
        if (in.seq != i || in.t0 != t0 || in.pad[0] != rb_pad_byte(i, 0) || in.pad[47] != rb_pad_byte(i, 47)) ok = 0;
        if (i >= warm) ck_histogram_record(rtt, t1 - t0);
    }
    pthread_join(th, NULL);
    pthread_barrier_destroy(&p.start);
    ck_ring_destroy(&p.req);
    ck_ring_destroy(&p.rep);
    return ok ? 0 : -1;
}

typedef struct ck_ow {
    ck_ring_t *q;
    uint64_t n, t_end;
    int cpu, ok;
    bool zero_copy;
    pthread_barrier_t start;
} ck_ow_t;

static void *ck_consumer(void *arg)
{
    ck_ow_t *p = arg;
    rb_pin(p->cpu);
    pthread_barrier_wait(&p->start);
    ring_msg_t m;
    size_t len;
    bool got;
    int ok = 1;
    for (uint64_t i = 0; i < p->n; i++) {
        if (p->zero_copy) {
            const void *r;
            do ck_ring_peek(NULL, p->q, &r, &len, &got);
            while (!got);
            const ring_msg_t *s = r;
            if (s->seq != i || s->pad[0] != rb_pad_byte(i, 0) || s->pad[47] != rb_pad_byte(i, 47)) ok = 0;
            ck_ring_release(NULL, p->q);
        } else {
            do ck_ring_try_pop(NULL, p->q, &m, sizeof m, &len, &got);
            while (!got);
            if (m.seq != i || m.pad[0] != rb_pad_byte(i, 0) || m.pad[47] != rb_pad_byte(i, 47)) ok = 0;
        }
    }
    p->t_end = rb_now_ns();
    p->ok = ok;
    return NULL;
}

static int ck_throughput(ck_ctx_t *ctx, bool zero_copy, uint64_t n, int cpu_a, int cpu_b, double *seconds)
{
    ck_ow_t p = {.n = n, .cpu = cpu_b, .zero_copy = zero_copy};
    if (ck_ring_create(&p.q, ctx, RING_CAPACITY, 128) != CK_OK) die("ck_ring_create", ctx);
    pthread_barrier_init(&p.start, NULL, 2);
    pthread_t th;
    if (pthread_create(&th, NULL, ck_consumer, &p) != 0) die("pthread_create", NULL);
    rb_pin(cpu_a);
    ring_msg_t m;
    memset(&m, 0, sizeof m);
    pthread_barrier_wait(&p.start);
    uint64_t t0 = rb_now_ns();
    for (uint64_t i = 0; i < n; i++) {
        if (zero_copy) {
            void *slot;
            while (ck_ring_reserve(NULL, p.q, &slot) != CK_OK) {
            }
            ring_msg_t *s = slot;
            s->seq = i;
            s->t0 = 0;
            memset(s->pad, 0, sizeof s->pad);
            s->pad[0] = rb_pad_byte(i, 0);
            s->pad[47] = rb_pad_byte(i, 47);
            ck_ring_commit(NULL, p.q, sizeof m);
        } else {
            m.seq = i;
            m.pad[0] = rb_pad_byte(i, 0);
            m.pad[47] = rb_pad_byte(i, 47);
            while (ck_ring_try_push(NULL, p.q, &m, sizeof m) != CK_OK) {
            }
        }
    }
    pthread_join(th, NULL);
    *seconds = (double)(p.t_end - t0) * 1e-9;
    pthread_barrier_destroy(&p.start);
    ck_ring_destroy(&p.q);
    return p.ok ? 0 : -1;
}

/* Pipelined echo throughput over a raw ck_ring pair: the client pushes requests while room lasts
 * and drains replies in between; the echo thread is ck_echo_server. N / (first push → last reply). */
static int ck_echo_throughput(ck_ctx_t *ctx, uint64_t n, int cpu_a, int cpu_b, double *seconds)
{
    ck_pp_t p = {.total = n, .cpu = cpu_b, .zero_copy = false};
    if (ck_ring_create(&p.req, ctx, RING_CAPACITY, 128) != CK_OK) die("ck_ring_create", ctx);
    if (ck_ring_create(&p.rep, ctx, RING_CAPACITY, 128) != CK_OK) die("ck_ring_create", ctx);
    pthread_barrier_init(&p.start, NULL, 2);
    pthread_t th;
    if (pthread_create(&th, NULL, ck_echo_server, &p) != 0) die("pthread_create", NULL);
    rb_pin(cpu_a);
    ring_msg_t m, in;
    memset(&m, 0, sizeof m);
    int ok = 1;
    pthread_barrier_wait(&p.start);
    uint64_t t0 = rb_now_ns(), sent = 0, recvd = 0;
    while (recvd < n) {
        while (sent < n) {
            m.seq = sent;
            m.pad[0] = rb_pad_byte(sent, 0);
            m.pad[47] = rb_pad_byte(sent, 47);
            if (ck_ring_try_push(NULL, p.req, &m, sizeof m) != CK_OK) break;
            sent++;
        }
        size_t len;
        bool got = true;
        while (recvd < sent) {
            ck_ring_try_pop(NULL, p.rep, &in, sizeof in, &len, &got);
            if (!got) break;
            if (in.seq != recvd || in.pad[0] != rb_pad_byte(recvd, 0) || in.pad[47] != rb_pad_byte(recvd, 47)) ok = 0;
            recvd++;
        }
    }
    *seconds = (double)(rb_now_ns() - t0) * 1e-9;
    pthread_join(th, NULL);
    pthread_barrier_destroy(&p.start);
    ck_ring_destroy(&p.req);
    ck_ring_destroy(&p.rep);
    return ok ? 0 : -1;
}

/* ---- calibration: the machine's floor and the single-thread cost ----------------------------------- */

/* Hardware floor of a round trip between the two CPUs: the client publishes a counter on one cache
 * line, the echo thread copies it to another, nothing else (no queue, no payload). */
typedef struct floor_pp {
    _Alignas(64) _Atomic uint64_t req;
    _Alignas(64) _Atomic uint64_t rep;
    _Alignas(64) uint64_t total;
    int cpu;
    pthread_barrier_t start;
} floor_pp_t;

static void *floor_server(void *arg)
{
    floor_pp_t *p = arg;
    rb_pin(p->cpu);
    pthread_barrier_wait(&p->start);
    for (uint64_t i = 1; i <= p->total; i++) {
        while (atomic_load_explicit(&p->req, memory_order_acquire) != i) {
        }
        atomic_store_explicit(&p->rep, i, memory_order_release);
    }
    return NULL;
}

static int floor_pingpong(uint64_t warm, uint64_t n, int cpu_a, int cpu_b, ck_histogram_t *rtt)
{
    floor_pp_t *p = aligned_alloc(64, sizeof *p);
    if (!p) die("out of memory", NULL);
    memset(p, 0, sizeof *p);
    atomic_init(&p->req, 0);
    atomic_init(&p->rep, 0);
    p->total = warm + n;
    p->cpu = cpu_b;
    pthread_barrier_init(&p->start, NULL, 2);
    pthread_t th;
    if (pthread_create(&th, NULL, floor_server, p) != 0) die("pthread_create", NULL);
    rb_pin(cpu_a);
    pthread_barrier_wait(&p->start);
    for (uint64_t i = 1; i <= warm + n; i++) {
        uint64_t t0 = rb_now_ns();
        atomic_store_explicit(&p->req, i, memory_order_release);
        while (atomic_load_explicit(&p->rep, memory_order_acquire) != i) {
        }
        uint64_t t1 = rb_now_ns();
        if (i > warm) ck_histogram_record(rtt, t1 - t0);
    }
    pthread_join(th, NULL);
    pthread_barrier_destroy(&p->start);
    free(p);
    return 0;
}

/* One thread pushes 64 messages then pops them, over and over: the instructions of push + pop
 * with every line in the local cache (no other core involved). ns per message. */
static int ck_single(ck_ctx_t *ctx, uint64_t n, double *ns)
{
    ck_ring_t *q;
    if (ck_ring_create(&q, ctx, RING_CAPACITY, 128) != CK_OK) die("ck_ring_create", ctx);
    ring_msg_t m, in;
    memset(&m, 0, sizeof m);
    int ok = 1;
    uint64_t t0 = rb_now_ns();
    for (uint64_t i = 0; i < n; i += 64) {
        for (uint64_t k = 0; k < 64; k++) {
            m.seq = i + k;
            if (ck_ring_try_push(NULL, q, &m, sizeof m) != CK_OK) ok = 0;
        }
        for (uint64_t k = 0; k < 64; k++) {
            size_t len;
            bool got;
            ck_ring_try_pop(NULL, q, &in, sizeof in, &len, &got);
            if (!got || in.seq != i + k) ok = 0;
        }
    }
    *ns = (double)(rb_now_ns() - t0) / (double)((n + 63) / 64 * 64);
    ck_ring_destroy(&q);
    return ok ? 0 : -1;
}

/* ---- (ii) the actor runtime with core/echo ------------------------------------------------------- */

#define ECHO_REQUEST 100
#define ECHO_REPLY 150

typedef struct actor_env {
    ck_ctx_t *ctx;
    ck_registry_t *reg;
    ck_runtime_t *rt;
    ck_actor_t *echo;
} actor_env_t;

static void actor_start(actor_env_t *e, ck_idle_policy_t idle, int cpu_a, int cpu_b)
{
    memset(e, 0, sizeof *e);
    if (ck_ctx_create(&e->ctx, NULL) != CK_OK) die("ck_ctx_create", NULL);
    if (ck_registry_create(&e->reg, e->ctx) != CK_OK) die("ck_registry_create", e->ctx);
    if (ck_core_register(e->ctx, e->reg) != CK_OK) die("ck_core_register", e->ctx);
    if (ck_runtime_create(&e->rt, e->ctx, e->reg, NULL) != CK_OK) die("ck_runtime_create", e->ctx);
    /* The actor thread inherits the launching thread's affinity: launch from CPU B, then move the
     * client to CPU A. */
    rb_pin(cpu_b);
    ck_actor_options_t o = {.idle = idle};
    if (ck_runtime_launch(e->rt, "core/echo", NULL, &o, &e->echo) != CK_OK) die("launch core/echo", e->ctx);
    rb_pin(cpu_a);
    if (ck_actor_activate(e->echo) != CK_OK) die("activate", e->ctx);
}

static void actor_stop(actor_env_t *e)
{
    ck_runtime_destroy(&e->rt);
    ck_registry_destroy(&e->reg);
    ck_ctx_destroy(&e->ctx);
}

/* Wait for the next message from the echo actor: busy_poll spins on recv with timeout 0 (a
 * busy-polling client); otherwise recv blocks (timeout < 0: the runtime spins 20 µs, then sleeps). */
static void actor_recv(actor_env_t *e, bool spin, ck_msg_header_t *h, ring_msg_t *in, size_t *len)
{
    bool got = false;
    do {
        if (ck_actor_recv(e->echo, h, in, sizeof *in, len, spin ? 0 : -1, &got) != CK_OK) die("recv", e->ctx);
    } while (!got);
}

static int actor_pingpong(ck_idle_policy_t idle, uint64_t warm, uint64_t n, int cpu_a, int cpu_b, ck_histogram_t *rtt)
{
    actor_env_t e;
    actor_start(&e, idle, cpu_a, cpu_b);
    bool spin = idle == CK_IDLE_BUSY_POLL;
    ring_msg_t m, in;
    memset(&m, 0, sizeof m);
    int ok = 1;
    for (uint64_t i = 0; i < warm + n; i++) {
        m.seq = i;
        m.pad[0] = rb_pad_byte(i, 0);
        m.pad[47] = rb_pad_byte(i, 47);
        uint64_t id, t0 = rb_now_ns();
        m.t0 = t0;
        if (ck_actor_send(e.echo, ECHO_REQUEST, &m, sizeof m, CK_SEND_BLOCK, &id) != CK_OK) die("send", e.ctx);
        ck_msg_header_t h;
        size_t len;
        actor_recv(&e, spin, &h, &in, &len);
        uint64_t t1 = rb_now_ns();
        if (h.type_id != ECHO_REPLY || h.correlation_id != id || len != sizeof m || memcmp(&in, &m, sizeof m) != 0) ok = 0;
        if (i >= warm) ck_histogram_record(rtt, t1 - t0);
    }
    actor_stop(&e);
    return ok ? 0 : -1;
}

static int actor_echo_throughput(ck_idle_policy_t idle, uint64_t n, int cpu_a, int cpu_b, double *seconds)
{
    actor_env_t e;
    actor_start(&e, idle, cpu_a, cpu_b);
    ring_msg_t m, in;
    memset(&m, 0, sizeof m);
    int ok = 1;
    uint64_t t0 = rb_now_ns(), sent = 0, recvd = 0;
    while (recvd < n) {
        while (sent < n) {
            m.seq = sent;
            m.pad[0] = rb_pad_byte(sent, 0);
            m.pad[47] = rb_pad_byte(sent, 47);
            ck_status_t s = ck_actor_send(e.echo, ECHO_REQUEST, &m, sizeof m, CK_SEND_TRY, NULL);
            if (s == CK_E_QUEUE_FULL) break;
            if (s != CK_OK) die("send", e.ctx);
            sent++;
        }
        for (;;) {
            ck_msg_header_t h;
            size_t len;
            bool got;
            /* Nothing in flight but replies missing: block on the next one; otherwise poll. */
            int64_t wait = sent == n ? -1 : 0;
            if (recvd >= sent) break;
            if (ck_actor_recv(e.echo, &h, &in, sizeof in, &len, wait, &got) != CK_OK) die("recv", e.ctx);
            if (!got) break;
            if (h.type_id != ECHO_REPLY || in.seq != recvd || in.pad[0] != rb_pad_byte(recvd, 0) ||
                in.pad[47] != rb_pad_byte(recvd, 47))
                ok = 0;
            recvd++;
        }
    }
    *seconds = (double)(rb_now_ns() - t0) * 1e-9;
    actor_stop(&e);
    return ok ? 0 : -1;
}

/* ---- driver ------------------------------------------------------------------------------------- */

enum { K_FLOOR, K_CK_COPY, K_CK_ZERO, K_ACTOR_BUSY, K_ACTOR_PARK, K_PEER0 };
#define MAX_ROWS 8

typedef struct row {
    char name[64];
    int kind; /* K_* (K_PEER0 + i for peer i) */
    bool is_peer;
    ck_histogram_t *rtt, *cur; /* the best repetition's round trips (lowest p50), this repetition's */
    double oneway_s, echo_s, single_ns; /* best over reps; < 0: not measured */
    int failures;
} row_t;

static void usage(void)
{
    fprintf(stderr,
            "usage: bench_ring_echo [--messages N] [--warmup N] [--reps R] [--cpus A,B] [--skip ring,actor,peer]\n"
            "  --messages N  round trips recorded per contender and messages per throughput run (default 1e7)\n"
            "  --warmup N    unrecorded round trips first (default N/100, at most 100000)\n"
            "  --reps R      repetitions, contenders interleaved; each column reports the best repetition\n"
            "                (latency: the one with the lowest p50) (default 1)\n"
            "  --cpus A,B    client/producer CPU and echo/consumer CPU (default 0,1; -1 = no pinning)\n");
    exit(2);
}

static uint64_t parse_count(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (*end || !(v >= 1)) usage();
    return (uint64_t)v;
}

static double mps(uint64_t n, double s) { return s > 0 ? (double)n / s * 1e-6 : 0.0; }

static void keep_best(double *best, double v)
{
    if (v > 0 && (*best < 0 || v < *best)) *best = v;
}

static void print_load(const char *when)
{
    double la[3];
    if (getloadavg(la, 3) == 3) printf("load average %s: %.2f %.2f %.2f\n", when, la[0], la[1], la[2]);
}

static void add_row(row_t *rows, int *nr, int kind, bool is_peer, const char *name)
{
    row_t *w = &rows[(*nr)++];
    memset(w, 0, sizeof *w);
    w->kind = kind;
    w->is_peer = is_peer;
    snprintf(w->name, sizeof w->name, "%s", name);
    w->rtt = malloc(sizeof *w->rtt);
    w->cur = malloc(sizeof *w->cur);
    if (!w->rtt || !w->cur) die("out of memory", NULL);
    ck_histogram_reset(w->rtt);
    w->oneway_s = w->echo_s = w->single_ns = -1;
}

int main(int argc, char **argv)
{
    uint64_t n = 10000000, warm = 0;
    bool warm_given = false, skip_ring = false, skip_actor = false, skip_peer = false;
    int reps = 1, cpu_a = 0, cpu_b = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--messages") && i + 1 < argc) n = parse_count(argv[++i]);
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) warm = parse_count(argv[++i]), warm_given = true;
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = (int)parse_count(argv[++i]);
        else if (!strcmp(argv[i], "--cpus") && i + 1 < argc) {
            if (sscanf(argv[++i], "%d,%d", &cpu_a, &cpu_b) != 2) usage();
        } else if (!strcmp(argv[i], "--skip") && i + 1 < argc) {
            const char *s = argv[++i];
            skip_ring = strstr(s, "ring") != NULL;
            skip_actor = strstr(s, "actor") != NULL;
            skip_peer = strstr(s, "peer") != NULL;
        } else usage();
    }
    if (!warm_given) warm = n / 100 < 100000 ? n / 100 : 100000;
    /* The default CPUs need 2 of them; with fewer, run unpinned rather than fail. */
    int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (cpu_a >= ncpu || cpu_b >= ncpu) cpu_a = cpu_b = -1;

    ck_ctx_t *ctx = NULL;
    if (ck_ctx_create(&ctx, NULL) != CK_OK) die("ck_ctx_create", NULL);

    row_t rows[MAX_ROWS];
    int nr = 0;
    add_row(rows, &nr, K_FLOOR, false, "floor: 1 cache line each way");
    if (!skip_ring) {
        add_row(rows, &nr, K_CK_COPY, false, "ck_ring try_push/try_pop");
        add_row(rows, &nr, K_CK_ZERO, false, "ck_ring reserve/commit+peek");
    }
    if (!skip_actor) {
        add_row(rows, &nr, K_ACTOR_BUSY, false, "actor core/echo busy_poll");
        add_row(rows, &nr, K_ACTOR_PARK, false, "actor core/echo spin_then_park");
    }
    if (!skip_peer)
        for (int i = 0; i < rb_peer_count() && nr < MAX_ROWS; i++) add_row(rows, &nr, K_PEER0 + i, true, rb_peer_name(i));

    /* The clock's own cost, included once in every round trip. */
    uint64_t c0 = rb_now_ns();
    for (int i = 0; i < 1000000; i++) (void)rb_now_ns();
    double clock_ns = (double)(rb_now_ns() - c0) / 1e6;

    printf("bench_ring_echo: %" PRIu64 " round trips (+%" PRIu64 " warm-up) and %" PRIu64
           " messages per throughput run, %d rep(s), 64-byte messages, capacity %d, CPUs %d/%d%s\n",
           n, warm, n, reps, RING_CAPACITY, cpu_a, cpu_b, cpu_a < 0 ? " (unpinned)" : "");
    printf("clock_gettime(CLOCK_MONOTONIC) costs %.1f ns (once per round trip, included)\n", clock_ns);
    print_load("before");
    if (rb_peer_count() == 0) printf("no peer built (needs a C++ compiler and libreaderwriterqueue-dev or libboost-dev)\n");
    fflush(stdout);

    for (int rep = 0; rep < reps; rep++)
        for (int r = 0; r < nr; r++) {
            row_t *w = &rows[r];
            double s1 = -1, s2 = -1, s3 = -1;
            int bad = 0;
            ck_histogram_reset(w->cur);
            switch (w->kind) {
            case K_FLOOR: bad |= floor_pingpong(warm, n, cpu_a, cpu_b, w->cur); break;
            case K_CK_COPY:
            case K_CK_ZERO: {
                bool zc = w->kind == K_CK_ZERO;
                bad |= ck_pingpong(ctx, zc, warm, n, cpu_a, cpu_b, w->cur);
                bad |= ck_throughput(ctx, zc, n, cpu_a, cpu_b, &s1);
                if (!zc) {
                    bad |= ck_echo_throughput(ctx, n, cpu_a, cpu_b, &s2);
                    bad |= ck_single(ctx, n < 10000000 ? n : 10000000, &s3);
                }
                break;
            }
            case K_ACTOR_BUSY:
            case K_ACTOR_PARK: {
                ck_idle_policy_t idle = w->kind == K_ACTOR_BUSY ? CK_IDLE_BUSY_POLL : CK_IDLE_SPIN_THEN_PARK;
                bad |= actor_pingpong(idle, warm, n, cpu_a, cpu_b, w->cur);
                bad |= actor_echo_throughput(idle, n, cpu_a, cpu_b, &s2);
                break;
            }
            default: {
                int i = w->kind - K_PEER0;
                bad |= rb_peer_pingpong(i, warm, n, cpu_a, cpu_b, w->cur);
                bad |= rb_peer_throughput(i, n, cpu_a, cpu_b, &s1);
                bad |= rb_peer_echo_throughput(i, n, cpu_a, cpu_b, &s2);
                bad |= rb_peer_single(i, n < 10000000 ? n : 10000000, &s3);
                break;
            }
            }
            if (bad) w->failures++;
            if (w->rtt->count == 0 || ck_histogram_percentile(w->cur, 50) < ck_histogram_percentile(w->rtt, 50))
                memcpy(w->rtt, w->cur, sizeof *w->rtt);
            keep_best(&w->oneway_s, s1);
            keep_best(&w->echo_s, s2);
            keep_best(&w->single_ns, s3);
            fprintf(stderr, "  rep %d: %-34s p50 %" PRIu64 " ns\n", rep + 1, w->name, ck_histogram_percentile(w->cur, 50));
        }
    print_load("after");

    printf("\n%-32s %7s %7s %7s %9s %8s | %11s %11s %9s\n", "round trip (ns)", "p50", "p99", "p99.9", "max",
           "mean", "1-way M/s", "echo M/s", "1-thr ns");
    int failures = 0;
    for (int r = 0; r < nr; r++) {
        row_t *w = &rows[r];
        char ow[32] = "-", ec[32] = "-", st[32] = "-";
        if (w->oneway_s > 0) snprintf(ow, sizeof ow, "%.2f", mps(n, w->oneway_s));
        if (w->echo_s > 0) snprintf(ec, sizeof ec, "%.2f", mps(n, w->echo_s));
        if (w->single_ns > 0) snprintf(st, sizeof st, "%.1f", w->single_ns);
        printf("%-32s %7" PRIu64 " %7" PRIu64 " %7" PRIu64 " %9" PRIu64 " %8.1f | %11s %11s %9s%s\n", w->name,
               ck_histogram_percentile(w->rtt, 50), ck_histogram_percentile(w->rtt, 99),
               ck_histogram_percentile(w->rtt, 99.9), ck_histogram_percentile(w->rtt, 100), ck_histogram_mean(w->rtt),
               ow, ec, st, w->failures ? "  WRONG RESULTS" : "");
        failures += w->failures;
    }
    printf("(1-way: producer -> consumer; echo: requests and replies pipelined through an echo thread or\n"
           " actor, round trips/s; 1-thr: push + pop of one message by one thread, all in cache)\n\n");

    /* Ratios ours/peer: latency < 1 and throughput > 1 mean CKernels is better. */
    printf("ratios ours/peer (latency: < 1 is better; throughput: > 1 is better)\n");
    for (int r = 0; r < nr; r++) {
        if (rows[r].is_peer || rows[r].kind == K_FLOOR) continue;
        for (int p = 0; p < nr; p++) {
            if (!rows[p].is_peer) continue;
            row_t *o = &rows[r], *q = &rows[p];
            printf("  %-30s / %-29s p50 %.2f  p99.9 %.2f", o->name, q->name,
                   (double)ck_histogram_percentile(o->rtt, 50) / (double)ck_histogram_percentile(q->rtt, 50),
                   (double)ck_histogram_percentile(o->rtt, 99.9) / (double)ck_histogram_percentile(q->rtt, 99.9));
            if (o->oneway_s > 0 && q->oneway_s > 0) printf("  1-way %.2f", q->oneway_s / o->oneway_s);
            if (o->echo_s > 0 && q->echo_s > 0) printf("  echo %.2f", q->echo_s / o->echo_s);
            if (o->single_ns > 0 && q->single_ns > 0) printf("  1-thr %.2f", q->single_ns / o->single_ns);
            printf("\n");
        }
    }
    /* The goals, for the raw ring (copy API) and the busy-polling echo actor. */
    double best_peer = -1;
    for (int p = 0; p < nr; p++)
        if (rows[p].is_peer) keep_best(&best_peer, rows[p].oneway_s);
    for (int r = 0; r < nr; r++) {
        row_t *o = &rows[r];
        if (o->kind != K_CK_COPY && o->kind != K_ACTOR_BUSY) continue;
        uint64_t p50 = ck_histogram_percentile(o->rtt, 50), p999 = ck_histogram_percentile(o->rtt, 99.9);
        printf("goals %-30s p50 <= 200 ns: %s (%" PRIu64 ")  p99.9 <= 1000 ns: %s (%" PRIu64 ")", o->name,
               p50 <= 200 ? "met" : "MISSED", p50, p999 <= 1000 ? "met" : "MISSED", p999);
        if (o->oneway_s > 0 && best_peer > 0)
            printf("  1-way throughput >= best peer: %s", o->oneway_s <= best_peer ? "met" : "MISSED");
        printf("\n");
    }
    for (int r = 0; r < nr; r++) {
        free(rows[r].rtt);
        free(rows[r].cur);
    }
    ck_ctx_destroy(&ctx);
    return failures ? 1 : 0;
}
