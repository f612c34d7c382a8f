/* Seeded R-MAT edge-list generator (Graph500 parameters a = .57, b = .19, c = .19, d = .05):
 * 2^scale nodes, edge_factor * 2^scale edges, vertex labels randomly permuted (as Graph500 does,
 * so that ids carry no locality), Philox4x64-10 streams (seed, 0) for edges and (seed, 1) for the
 * permutation. Writes "u<TAB>v" lines (self-loops and duplicates kept: the loaders apply the load
 * rules), after a SNAP header "# Nodes: N Edges: M" — the same file feeds CKernels (ckernels run --edges, ck_graph_load) and the peers.
 *
 * usage: rmat SCALE [EDGE_FACTOR=16] [SEED=42] > graph.tsv */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "ckernels/rng.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s SCALE [EDGE_FACTOR=16] [SEED=42] > graph.tsv\n", argv[0]);
        return 2;
    }
    int scale = atoi(argv[1]);
    int64_t factor = argc > 2 ? atoll(argv[2]) : 16;
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 42;
    if (scale < 1 || scale > 30 || factor < 1) {
        fprintf(stderr, "rmat: scale must be 1..30 and edge factor >= 1\n");
        return 2;
    }
    const int64_t n = (int64_t)1 << scale, m = factor * n;
    const double a = 0.57, b = 0.19, c = 0.19;
    uint32_t *perm = malloc((size_t)n * sizeof *perm);
    if (!perm) return 1;
    ck_rng_t r;
    ck_rng_init(&r, seed, 1);
    for (int64_t i = 0; i < n; i++) perm[i] = (uint32_t)i;
    for (int64_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
        int64_t j = (int64_t)(ck_rng_uniform(&r) * (double)(i + 1));
        uint32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    ck_rng_init(&r, seed, 0);
    static char buf[1 << 20];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    /* SNAP's header: loaders that read it keep isolated nodes, so every tool sees n = 2^scale. */
    printf("# R-MAT scale %d, edge factor %" PRId64 ", seed %" PRIu64 "\n# Nodes: %" PRId64 " Edges: %" PRId64 "\n", scale,
           factor, seed, n, m);
    for (int64_t e = 0; e < m; e++) {
        uint64_t u = 0, v = 0;
        for (int level = 0; level < scale; level++) {
            double x = ck_rng_uniform(&r);
            u <<= 1;
            v <<= 1;
            if (x < a) {
            } else if (x < a + b) {
                v |= 1;
            } else if (x < a + b + c) {
                u |= 1;
            } else {
                u |= 1;
                v |= 1;
            }
        }
        printf("%" PRIu32 "\t%" PRIu32 "\n", perm[u], perm[v]);
    }
    free(perm);
    return fflush(stdout) == 0 ? 0 : 1;
}
