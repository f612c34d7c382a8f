// Peers of the ck_ring benchmark, same protocol as bench_ring_echo.c's ck_ring runs: 64-byte
// messages, 1024-element queues, busy-polling (no pause instruction, no yielding), client/producer
// on one CPU and echo/consumer thread on the other. Each queue is used the way its documentation
// shows (header-only, inlined try_enqueue/try_dequeue or push/pop by value).
//   moodycamel::ReaderWriterQueue  (Debian libreaderwriterqueue-dev)  when CK_BENCH_HAVE_RWQ
//   boost::lockfree::spsc_queue    (Debian libboost-dev)              when CK_BENCH_HAVE_BOOST_LOCKFREE
#include "ring_bench.h"

#include <pthread.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <vector>

#ifdef CK_BENCH_HAVE_RWQ
#include <readerwriterqueue/readerwriterqueue.h>
#endif
#ifdef CK_BENCH_HAVE_BOOST_LOCKFREE
#include <boost/lockfree/spsc_queue.hpp>
#endif

static_assert(sizeof(ring_msg_t) == RING_MSG_SIZE, "64-byte message");

namespace {

#ifdef CK_BENCH_HAVE_RWQ
struct Rwq {
    static const char *name() { return "moodycamel::ReaderWriterQueue"; }
    moodycamel::ReaderWriterQueue<ring_msg_t> q{RING_CAPACITY};
    bool push(const ring_msg_t &m) { return q.try_enqueue(m); }
    bool pop(ring_msg_t &m) { return q.try_dequeue(m); }
};
#endif

#ifdef CK_BENCH_HAVE_BOOST_LOCKFREE
struct BoostSpsc {
    static const char *name() { return "boost::lockfree::spsc_queue"; }
    boost::lockfree::spsc_queue<ring_msg_t, boost::lockfree::capacity<RING_CAPACITY>> q;
    bool push(const ring_msg_t &m) { return q.push(m); }
    bool pop(ring_msg_t &m) { return q.pop(m); }
};
#endif

template <class Q> struct PingPong {
    Q req, rep;
    uint64_t total = 0;
    int cpu_server = 1;
    pthread_barrier_t start;
    int ok = 1;
};

template <class Q> void *echo_server(void *arg)
{
    auto *p = static_cast<PingPong<Q> *>(arg);
    rb_pin(p->cpu_server);
    pthread_barrier_wait(&p->start);
    ring_msg_t m;
    for (uint64_t i = 0; i < p->total; i++) {
        while (!p->req.pop(m)) {
        }
        while (!p->rep.push(m)) {
        }
    }
    return nullptr;
}

template <class Q> int pingpong(uint64_t warm, uint64_t n, int cpu_client, int cpu_server, ck_histogram_t *rtt)
{
    auto *p = new PingPong<Q>();
    p->total = warm + n;
    p->cpu_server = cpu_server;
    pthread_barrier_init(&p->start, nullptr, 2);
    pthread_t th;
    if (pthread_create(&th, nullptr, echo_server<Q>, p) != 0) return -1;
    rb_pin(cpu_client);
    pthread_barrier_wait(&p->start);
    ring_msg_t m, in;
    memset(&m, 0, sizeof m);
    int ok = 1;
    for (uint64_t i = 0; i < warm + n; i++) {
        m.seq = i;
        m.pad[0] = rb_pad_byte(i, 0);
        m.pad[47] = rb_pad_byte(i, 47);
        uint64_t t0 = rb_now_ns();
        m.t0 = t0;
        while (!p->req.push(m)) {
        }
        while (!p->rep.pop(in)) {
        }
        uint64_t t1 = rb_now_ns();
        if (in.seq != i || in.t0 != t0 || in.pad[0] != rb_pad_byte(i, 0) || in.pad[47] != rb_pad_byte(i, 47)) ok = 0;
        if (i >= warm) ck_histogram_record(rtt, t1 - t0);
    }
    pthread_join(th, nullptr);
    pthread_barrier_destroy(&p->start);
    delete p;
    return ok ? 0 : -1;
}

template <class Q> struct OneWay {
    Q q;
    uint64_t n = 0;
    int cpu = 1;
    pthread_barrier_t start;
    uint64_t t_end = 0;
    int ok = 1;
};

template <class Q> void *consumer(void *arg)
{
    auto *p = static_cast<OneWay<Q> *>(arg);
    rb_pin(p->cpu);
    pthread_barrier_wait(&p->start);
    ring_msg_t m;
    int ok = 1;
    for (uint64_t i = 0; i < p->n; i++) {
        while (!p->q.pop(m)) {
        }
        if (m.seq != i || m.pad[0] != rb_pad_byte(i, 0) || m.pad[47] != rb_pad_byte(i, 47)) ok = 0;
    }
    p->t_end = rb_now_ns();
    p->ok = ok;
    return nullptr;
}

template <class Q> int throughput(uint64_t n, int cpu_client, int cpu_server, double *seconds)
{
    auto *p = new OneWay<Q>();
    p->n = n;
    p->cpu = cpu_server;
    pthread_barrier_init(&p->start, nullptr, 2);
    pthread_t th;
    if (pthread_create(&th, nullptr, consumer<Q>, p) != 0) return -1;
    rb_pin(cpu_client);
    ring_msg_t m;
    memset(&m, 0, sizeof m);
    pthread_barrier_wait(&p->start);
    uint64_t t0 = rb_now_ns();
    for (uint64_t i = 0; i < n; i++) {
        m.seq = i;
        m.pad[0] = rb_pad_byte(i, 0);
        m.pad[47] = rb_pad_byte(i, 47);
        while (!p->q.push(m)) {
        }
    }
    pthread_join(th, nullptr);
    *seconds = (double)(p->t_end - t0) * 1e-9;
    int ok = p->ok;
    pthread_barrier_destroy(&p->start);
    delete p;
    return ok ? 0 : -1;
}

template <class Q> int echo_throughput(uint64_t n, int cpu_client, int cpu_server, double *seconds)
{
    auto *p = new PingPong<Q>();
    p->total = n;
    p->cpu_server = cpu_server;
    pthread_barrier_init(&p->start, nullptr, 2);
    pthread_t th;
    if (pthread_create(&th, nullptr, echo_server<Q>, p) != 0) return -1;
    rb_pin(cpu_client);
    ring_msg_t m, in;
    memset(&m, 0, sizeof m);
    int ok = 1;
    pthread_barrier_wait(&p->start);
    uint64_t t0 = rb_now_ns(), sent = 0, recvd = 0;
    while (recvd < n) {
        while (sent < n) {
            m.seq = sent;
            m.pad[0] = rb_pad_byte(sent, 0);
            m.pad[47] = rb_pad_byte(sent, 47);
            if (!p->req.push(m)) break;
            sent++;
        }
        while (recvd < sent && p->rep.pop(in)) {
            if (in.seq != recvd || in.pad[0] != rb_pad_byte(recvd, 0) || in.pad[47] != rb_pad_byte(recvd, 47)) ok = 0;
            recvd++;
        }
    }
    *seconds = (double)(rb_now_ns() - t0) * 1e-9;
    pthread_join(th, nullptr);
    pthread_barrier_destroy(&p->start);
    delete p;
    return ok ? 0 : -1;
}

template <class Q> int single(uint64_t n, double *ns)
{
    auto *q = new Q();
    ring_msg_t m, in;
    memset(&m, 0, sizeof m);
    int ok = 1;
    uint64_t t0 = rb_now_ns();
    for (uint64_t i = 0; i < n; i += 64) {
        for (uint64_t k = 0; k < 64; k++) {
            m.seq = i + k;
            if (!q->push(m)) ok = 0;
        }
        for (uint64_t k = 0; k < 64; k++)
            if (!q->pop(in) || in.seq != i + k) ok = 0;
    }
    *ns = (double)(rb_now_ns() - t0) / (double)((n + 63) / 64 * 64);
    delete q;
    return ok ? 0 : -1;
}

struct PeerRow {
    const char *name;
    int (*pp)(uint64_t, uint64_t, int, int, ck_histogram_t *);
    int (*tp)(uint64_t, int, int, double *);
    int (*ep)(uint64_t, int, int, double *);
    int (*sp)(uint64_t, double *);
};

const std::vector<PeerRow> &peers()
{
    static const std::vector<PeerRow> rows = {
#ifdef CK_BENCH_HAVE_RWQ
        {Rwq::name(), pingpong<Rwq>, throughput<Rwq>, echo_throughput<Rwq>, single<Rwq>},
#endif
#ifdef CK_BENCH_HAVE_BOOST_LOCKFREE
        {BoostSpsc::name(), pingpong<BoostSpsc>, throughput<BoostSpsc>, echo_throughput<BoostSpsc>, single<BoostSpsc>},
#endif
    };
    return rows;
}

} // namespace

extern "C" int rb_peer_count(void) { return (int)peers().size(); }
extern "C" const char *rb_peer_name(int i) { return peers()[(size_t)i].name; }
extern "C" int rb_peer_pingpong(int i, uint64_t warm, uint64_t n, int cpu_client, int cpu_server, ck_histogram_t *rtt)
{
    return peers()[(size_t)i].pp(warm, n, cpu_client, cpu_server, rtt);
}
extern "C" int rb_peer_throughput(int i, uint64_t n, int cpu_client, int cpu_server, double *seconds)
{
    return peers()[(size_t)i].tp(n, cpu_client, cpu_server, seconds);
}
extern "C" int rb_peer_echo_throughput(int i, uint64_t n, int cpu_client, int cpu_server, double *seconds)
{
    return peers()[(size_t)i].ep(n, cpu_client, cpu_server, seconds);
}
extern "C" int rb_peer_single(int i, uint64_t n, double *ns) { return peers()[(size_t)i].sp(n, ns); }
