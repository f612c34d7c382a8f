/* Shared pieces of the ThreadSanitizer test programs (plain C: Criterion's runner cannot start
 * under TSan). A failed CHECK prints the location and exits 1; main prints "N passed, 0 failed". */
#ifndef CK_TSAN_UTIL_H
#define CK_TSAN_UTIL_H

#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHECK(cond, ...)                                                                    \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);        \
            fprintf(stderr, __VA_ARGS__);                                                   \
            fputc('\n', stderr);                                                            \
            exit(1);                                                                        \
        }                                                                                   \
    } while (0)

/* splitmix64: message contents both sides can regenerate from the sequence number. */
static inline uint64_t tsan_mix(uint64_t x)
{
    uint64_t z = x + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Fill buf[0..len) with the bytes of message `seq`. */
static inline void tsan_fill(unsigned char *buf, size_t len, uint64_t seq)
{
    uint64_t w = 0;
    for (size_t i = 0; i < len; i++) {
        if (i % 8 == 0) w = tsan_mix(seq * 131 + i / 8);
        buf[i] = (unsigned char)(w >> (8 * (i % 8)));
    }
}

/* Returns the index of the first differing byte, or -1 when buf holds message `seq`. */
static inline long tsan_verify(const unsigned char *buf, size_t len, uint64_t seq)
{
    uint64_t w = 0;
    for (size_t i = 0; i < len; i++) {
        if (i % 8 == 0) w = tsan_mix(seq * 131 + i / 8);
        if (buf[i] != (unsigned char)(w >> (8 * (i % 8)))) return (long)i;
    }
    return -1;
}

/* Spin politely: on a 2-core machine under TSan the other side needs the CPU. */
static inline void tsan_relax(void) { sched_yield(); }

static inline void tsan_sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

typedef struct tsan_case {
    const char *name;
    void (*run)(void);
} tsan_case_t;

static inline int tsan_main(const tsan_case_t *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("[ RUN  ] %s\n", cases[i].name);
        fflush(stdout);
        cases[i].run(); /* exits on failure */
        printf("[ PASS ] %s\n", cases[i].name);
        fflush(stdout);
    }
    printf("%zu passed, 0 failed\n", n);
    return 0;
}

#endif
