/* Graph files: TSV/CSV edge lists and Matrix Market coordinate files. Errors name file and line. */
#include <ctype.h>
#include <inttypes.h>
#include <strings.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"

typedef struct reader {
    ck_ctx_t *ctx;
    const char *path;
    int64_t line;
} reader_t;

static ck_status_t bad_line(reader_t *r, const char *what, const char *token)
{
    char field[CKI_ERR_FIELD_MAX];
    snprintf(field, sizeof field, "%s:%lld", r->path, (long long)r->line);
    return cki_invalid(r->ctx, field, "%s '%.40s'", what, token);
}

static ck_status_t push_edge(ck_ctx_t *ctx, cki_edges_t *e, uint64_t u, uint64_t v, double w, bool weighted)
{
    if (e->m == e->cap) {
        int64_t cap = e->cap ? e->cap * 2 : 1024;
        uint32_t *s = cki_realloc(ctx, e->src, (size_t)cap * sizeof *s);
        if (!s) return cki_nomem(ctx);
        e->src = s;
        uint32_t *d = cki_realloc(ctx, e->dst, (size_t)cap * sizeof *d);
        if (!d) return cki_nomem(ctx);
        e->dst = d;
        double *ws = cki_realloc(ctx, e->w, (size_t)cap * sizeof *ws);
        if (!ws) return cki_nomem(ctx);
        e->w = ws;
        e->cap = cap;
    }
    e->src[e->m] = (uint32_t)u;
    e->dst[e->m] = (uint32_t)v;
    e->w[e->m] = weighted ? w : 1.0;
    e->m++;
    return CK_OK;
}

static bool parse_id(const char *tok, uint64_t *out)
{
    if (!isdigit((unsigned char)tok[0])) return false;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(tok, &end, 10);
    if (*end || errno || x >= (unsigned long long)CK_GRAPH_MAX_NODES) return false;
    *out = x;
    return true;
}

static bool parse_weight(const char *tok, double *out)
{
    char *end;
    double x = strtod(tok, &end);
    if (end == tok || *end || !isfinite(x) || x < 0) return false;
    *out = x;
    return true;
}

/* Split `line` in place into at most `max` tokens on the separators; returns the count, or
 * max + 1 when there are more. */
static int split(char *line, const char *seps, char **tok, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, seps, &save); t; t = strtok_r(NULL, seps, &save)) {
        if (n == max) return max + 1;
        tok[n++] = t;
    }
    return n;
}

static ck_status_t load_edge_list(reader_t *r, FILE *f, bool csv, cki_edges_t *e, uint32_t *n, bool *weighted)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int fields = 0; /* 2 or 3 once known */
    uint64_t max_id = 0;
    int64_t declared = -1;
    bool any = false, header_allowed = csv;
    ck_status_t status = CK_OK;
    while ((len = getline(&line, &cap, f)) >= 0) {
        r->line++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#') {
            /* SNAP's header "# Nodes: N Edges: M" declares n (isolated nodes at the end count). */
            const char *decl = strstr(p, "Nodes:");
            unsigned long long dn;
            if (decl && sscanf(decl, "Nodes: %llu", &dn) == 1) {
                if (dn > (unsigned long long)CK_GRAPH_MAX_NODES) {
                    status = bad_line(r, "declared node count is too large:", decl);
                    break;
                }
                declared = (int64_t)dn;
            }
            continue;
        }
        if (!*p || *p == '%') continue;
        char *tok[4];
        int k = split(p, csv ? ",\t " : " \t", tok, 3);
        if (header_allowed && k >= 2 && !isdigit((unsigned char)tok[0][0])) {
            header_allowed = false; /* a CSV header line of column names */
            continue;
        }
        header_allowed = false;
        if (k < 2 || k > 3) {
            status = bad_line(r, "expected 'u v' or 'u v w', got", p);
            break;
        }
        if (fields && k != fields) {
            status = bad_line(r, fields == 3 ? "missing weight (earlier lines have 3 fields):" : "unexpected weight (earlier lines have 2 fields):", k == 3 ? tok[2] : tok[1]);
            break;
        }
        fields = k;
        uint64_t u, v;
        double w = 1.0;
        if (!parse_id(tok[0], &u)) { status = bad_line(r, "node is not a non-negative integer below 2^32-1:", tok[0]); break; }
        if (!parse_id(tok[1], &v)) { status = bad_line(r, "node is not a non-negative integer below 2^32-1:", tok[1]); break; }
        if (k == 3 && !parse_weight(tok[2], &w)) { status = bad_line(r, "weight must be a finite number >= 0:", tok[2]); break; }
        if ((status = push_edge(r->ctx, e, u, v, w, k == 3))) break;
        if (u > max_id) max_id = u;
        if (v > max_id) max_id = v;
        any = true;
    }
    free(line); /* getline's buffer comes from the C library */
    if (status) return status;
    if (ferror(f)) return cki_error(r->ctx, CK_E_IO, r->path, "read error: %s", strerror(errno));
    *n = any ? (uint32_t)(max_id + 1) : 0;
    if (declared >= 0) {
        if (any && (uint64_t)declared <= max_id) {
            char field[CKI_ERR_FIELD_MAX];
            snprintf(field, sizeof field, "%s", r->path);
            return cki_invalid(r->ctx, field, "the header declares %lld nodes but node %llu appears", (long long)declared,
                               (unsigned long long)max_id);
        }
        *n = (uint32_t)declared;
    }
    *weighted = fields == 3;
    return CK_OK;
}

static ck_status_t load_mtx(reader_t *r, FILE *f, cki_edges_t *e, uint32_t *n, bool *weighted, bool *symmetric)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    ck_status_t status = CK_OK;
    bool have_size = false, pattern = false;
    uint64_t rows = 0, cols = 0, nnz = 0, seen = 0;
    *symmetric = false;
    while ((len = getline(&line, &cap, f)) >= 0) {
        r->line++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        if (r->line == 1) {
            char obj[32] = "", fmt[32] = "", field[32] = "", sym[32] = "";
            if (sscanf(line, "%%%%MatrixMarket %31s %31s %31s %31s", obj, fmt, field, sym) != 4 || strcasecmp(obj, "matrix") ||
                strcasecmp(fmt, "coordinate")) {
                status = bad_line(r, "expected '%%MatrixMarket matrix coordinate <field> <symmetry>', got", line);
                break;
            }
            pattern = strcasecmp(field, "pattern") == 0;
            if (!pattern && strcasecmp(field, "real") && strcasecmp(field, "integer")) {
                status = bad_line(r, "unsupported field (real, integer or pattern):", field);
                break;
            }
            *symmetric = strcasecmp(sym, "symmetric") == 0;
            if (!*symmetric && strcasecmp(sym, "general")) {
                status = bad_line(r, "unsupported symmetry (general or symmetric):", sym);
                break;
            }
            continue;
        }
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (!*p || *p == '%') continue;
        char *tok[4];
        int k = split(p, " \t", tok, 3);
        if (!have_size) {
            if (k != 3 || !parse_id(tok[0], &rows) || !parse_id(tok[1], &cols) || sscanf(tok[2], "%" SCNu64, &nnz) != 1) {
                status = bad_line(r, "expected the size line 'rows cols entries', got", p);
                break;
            }
            if (rows != cols) {
                status = bad_line(r, "an adjacency matrix must be square, got", p);
                break;
            }
            have_size = true;
            continue;
        }
        uint64_t i, j;
        double w = 1.0;
        if (k != (pattern ? 2 : 3)) { status = bad_line(r, pattern ? "expected 'i j', got" : "expected 'i j value', got", p); break; }
        if (!parse_id(tok[0], &i) || i < 1 || i > rows) { status = bad_line(r, "row index out of range 1..rows:", tok[0]); break; }
        if (!parse_id(tok[1], &j) || j < 1 || j > cols) { status = bad_line(r, "column index out of range 1..cols:", tok[1]); break; }
        if (!pattern && !parse_weight(tok[2], &w)) { status = bad_line(r, "weight must be a finite number >= 0:", tok[2]); break; }
        if (++seen > nnz) { status = bad_line(r, "more entries than the size line declares:", p); break; }
        if ((status = push_edge(r->ctx, e, i - 1, j - 1, w, !pattern))) break;
    }
    free(line);
    if (status) return status;
    if (!have_size) return bad_line(r, "missing the size line", "");
    if (seen != nnz) return bad_line(r, "fewer entries than the size line declares; end of file", "");
    *n = (uint32_t)rows;
    *weighted = !pattern;
    return CK_OK;
}

ck_status_t ck_graph_load(ck_graph_t **g, ck_ctx_t *ctx, const char *path, ck_graph_format_t format, bool directed)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!g || !path) return cki_invalid(ctx, g ? "path" : "g", "must not be NULL");
    *g = NULL;
    if (format == CK_GRAPH_FORMAT_AUTO) {
        const char *dot = strrchr(path, '.');
        format = dot && !strcasecmp(dot, ".mtx") ? CK_GRAPH_FORMAT_MTX
                 : dot && !strcasecmp(dot, ".csv") ? CK_GRAPH_FORMAT_CSV
                                                   : CK_GRAPH_FORMAT_TSV;
    }
    if (format != CK_GRAPH_FORMAT_TSV && format != CK_GRAPH_FORMAT_CSV && format != CK_GRAPH_FORMAT_MTX)
        return cki_invalid(ctx, "format", "unknown graph file format %d", (int)format);
    FILE *f = fopen(path, "r");
    if (!f) return cki_error(ctx, CK_E_IO, path, "cannot open: %s", strerror(errno));
    reader_t r = {ctx, path, 0};
    cki_edges_t e = {0};
    uint32_t n = 0;
    bool weighted = false, symmetric = false;
    ck_status_t status = format == CK_GRAPH_FORMAT_MTX ? load_mtx(&r, f, &e, &n, &weighted, &symmetric)
                                                        : load_edge_list(&r, f, format == CK_GRAPH_FORMAT_CSV, &e, &n, &weighted);
    fclose(f);
    if (!status) {
        if (!weighted) {
            cki_free(ctx, e.w);
            e.w = NULL;
        }
        status = cki_graph_build(ctx, g, n, &e, directed && !symmetric, weighted);
    }
    cki_free(ctx, e.src);
    cki_free(ctx, e.dst);
    cki_free(ctx, e.w);
    return status;
}
