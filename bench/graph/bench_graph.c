/* The CKernels side of bench/graph/compare.py: loads one edge-list file once, runs the selected
 * kernels through the typed API and prints one JSON line per kernel (seconds = best of --repeat
 * runs, kernel only, graph already built). Peers run on the same file in compare.py.
 *
 * usage: bench_graph --file FILE [--threads N] [--repeat R]
 *                    [--kernels pagerank,triangles,components,louvain,betweenness] */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ckernels.h"

#include "bench_util.h"

static void die(ck_ctx_t *ctx, const char *what)
{
    fprintf(stderr, "bench_graph: %s: %s\n", what, ck_ctx_error(ctx));
    exit(1);
}

static ck_graph_t *load(ck_ctx_t *ctx, const char *file, bool directed)
{
    ck_graph_t *g = NULL;
    double t = bench_now();
    if (ck_graph_load(&g, ctx, file, CK_GRAPH_FORMAT_AUTO, directed) != CK_OK) die(ctx, file);
    fprintf(stderr, "# loaded %s (%s): %" PRId64 " nodes, %" PRId64 " edges in %.2f s\n", file,
            directed ? "directed" : "undirected", (int64_t)ck_graph_num_nodes(g), (int64_t)ck_graph_num_edges(g), bench_now() - t);
    return g;
}

int main(int argc, char **argv)
{
    const char *file = NULL, *kernels = "pagerank,triangles,components,louvain,betweenness";
    int threads = 2, repeat = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--file")) file = argv[i + 1];
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--repeat")) repeat = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--kernels")) kernels = argv[i + 1];
    }
    if (!file || repeat < 1) {
        fprintf(stderr, "usage: %s --file FILE [--threads N] [--repeat R] [--kernels a,b,...]\n", argv[0]);
        return 2;
    }
    ck_ctx_t *ctx = NULL;
    if (ck_ctx_create(&ctx, NULL) != CK_OK) return 1;
    ck_ctx_set_threads(ctx, threads);
    ck_graph_t *dg = NULL, *ug = NULL;

    if (strstr(kernels, "pagerank")) {
        dg = load(ctx, file, true);
        ck_idx_t n = ck_graph_num_nodes(dg);
        double *x = malloc((size_t)n * sizeof *x), best = INFINITY;
        ck_pagerank_options_t o;
        ck_pagerank_options_init(&o);
        o.tol = 1e-6 / (double)n; /* the spec stops at L1 < n*tol: this is L1 < 1e-6, as the peers */
        o.max_iter = 1000;
        ck_spectral_info_t info = {0};
        for (int r = 0; r < repeat; r++) {
            double t = bench_now();
            if (CK_IS_ERROR(ck_pagerank(ctx, x, &info, dg, &o))) die(ctx, "pagerank");
            best = fmin(best, bench_now() - t);
        }
        double sum = 0;
        for (ck_idx_t i = 0; i < n; i++) sum += x[i];
        printf("{\"kernel\": \"pagerank\", \"seconds\": %.6f, \"iterations\": %" PRId64 ", \"edges\": %" PRId64
               ", \"checksum\": %.9f, \"threads\": %d}\n",
               best, (int64_t)info.iterations, (int64_t)ck_graph_num_edges(dg), sum, threads);
        fflush(stdout);
        free(x);
    }
    if (strstr(kernels, "triangles") || strstr(kernels, "components") || strstr(kernels, "louvain") ||
        strstr(kernels, "betweenness"))
        ug = load(ctx, file, false);
    ck_idx_t n = ug ? ck_graph_num_nodes(ug) : 0;
    if (strstr(kernels, "triangles")) {
        int64_t total = 0;
        double best = INFINITY, transitivity = 0;
        for (int r = 0; r < repeat; r++) {
            double t = bench_now();
            if (ck_triangle_count(ctx, NULL, &total, &transitivity, ug) != CK_OK) die(ctx, "triangles");
            best = fmin(best, bench_now() - t);
        }
        printf("{\"kernel\": \"triangles\", \"seconds\": %.6f, \"total\": %" PRId64 ", \"transitivity\": %.15g, "
               "\"threads\": %d}\n", best, total, transitivity, threads);
        fflush(stdout);
    }
    if (strstr(kernels, "components")) {
        ck_idx_t *labels = malloc((size_t)n * sizeof *labels);
        ck_components_result_t res;
        double best = INFINITY;
        for (int r = 0; r < repeat; r++) {
            double t = bench_now();
            if (ck_graph_connected_components(ctx, &res, labels, NULL, ug, NULL) != CK_OK) die(ctx, "components");
            best = fmin(best, bench_now() - t);
        }
        printf("{\"kernel\": \"components\", \"seconds\": %.6f, \"count\": %" PRId64 ", \"largest\": %" PRId64
               ", \"threads\": %d}\n",
               best, (int64_t)res.num_components, (int64_t)res.largest_component_size, threads);
        fflush(stdout);
        free(labels);
    }
    if (strstr(kernels, "louvain")) {
        int64_t *comm = malloc((size_t)n * sizeof *comm);
        ck_louvain_options_t o;
        ck_louvain_options_init(&o);
        o.use_weights = false;                 /* igraph runs on the simplified, unweighted graph */
        o.order = CK_LOUVAIN_ORDER_RANDOM;     /* as igraph visits nodes; the spec default is index order */
        ck_louvain_info_t info = {0};
        double best = INFINITY;
        for (int r = 0; r < (repeat < 2 ? repeat : 2); r++) {
            double t = bench_now();
            if (CK_IS_ERROR(ck_louvain(ctx, comm, &info, ug, &o))) die(ctx, "louvain");
            best = fmin(best, bench_now() - t);
        }
        printf("{\"kernel\": \"louvain\", \"seconds\": %.6f, \"modularity\": %.6f, \"communities\": %" PRId64
               ", \"levels\": %" PRId64 ", \"threads\": %d}\n",
               best, info.modularity, (int64_t)info.num_communities, (int64_t)info.levels, threads);
        fflush(stdout);
        free(comm);
    }
    if (strstr(kernels, "betweenness")) {
        double *b = malloc((size_t)n * sizeof *b), best = INFINITY;
        ck_betweenness_options_t o;
        ck_betweenness_options_init(&o);
        o.use_weights = false; /* unweighted BFS, as igraph/networkx on the simplified graph */
        for (int r = 0; r < (repeat < 2 ? repeat : 2); r++) {
            double t = bench_now();
            if (ck_betweenness_centrality(ctx, b, ug, &o) != CK_OK) die(ctx, "betweenness");
            best = fmin(best, bench_now() - t);
        }
        double mx = 0;
        for (ck_idx_t i = 0; i < n; i++) mx = fmax(mx, b[i]);
        printf("{\"kernel\": \"betweenness\", \"seconds\": %.6f, \"max_score\": %.12g, \"edges\": %" PRId64
               ", \"threads\": %d}\n",
               best, mx, (int64_t)ck_graph_num_edges(ug), threads);
        fflush(stdout);
        free(b);
    }
    ck_graph_destroy(&dg);
    ck_graph_destroy(&ug);
    ck_ctx_destroy(&ctx);
    return 0;
}
