/* Shared pieces of the benchmark programs: a monotonic clock, a splitmix64 stream for inputs,
 * and the common command line  [-t THREADS[,THREADS...]] [-r SECONDS] [N ...]. */
#ifndef CK_BENCH_UTIL_H
#define CK_BENCH_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_MAX_LIST 32

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The next word of a splitmix64 stream (deterministic inputs without the library's RNG). */
static inline uint64_t bench_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* "1,2,4" -> positive integers; 0 on success, -1 on junk. */
static inline int bench_parse_list(const char *s, int64_t *out, int *count)
{
    char *end;
    *count = 0;
    while (*s && *count < BENCH_MAX_LIST) {
        long long v = strtoll(s, &end, 10);
        if (end == s || v <= 0) return -1;
        out[(*count)++] = v;
        if (*end && *end != ',') return -1;
        s = (*end == ',') ? end + 1 : end;
    }
    return *count > 0 ? 0 : -1;
}

/* Parse the common command line into the caller's defaults (explicit sizes replace the default
 * sizes; a size may be written 1e7). Returns 0, or -1 on a usage error. */
static inline int bench_parse_args(int argc, char **argv, int64_t *sizes, int *n_sizes, int64_t *threads,
                                   int *n_threads, double *budget)
{
    int sizes_given = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
            if (bench_parse_list(argv[++i], threads, n_threads) != 0) return -1;
        } else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
            *budget = atof(argv[++i]);
        } else if (argv[i][0] >= '0' && argv[i][0] <= '9') {
            if (!sizes_given) *n_sizes = 0;
            sizes_given = 1;
            double v = atof(argv[i]);
            if (!(v >= 1) || *n_sizes >= BENCH_MAX_LIST) return -1;
            sizes[(*n_sizes)++] = (int64_t)v;
        } else {
            return -1;
        }
    }
    return 0;
}

#endif
