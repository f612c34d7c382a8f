/* The kernel registry: registration (with license decisions), lookup, listing, statistics.
 * Lookup is an open-addressing hash on the id; listing keeps registration order. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "ckernels/license.h"
#include "internal.h"

typedef struct entry {
    const ck_kernel_t *kernel;
    bool locked;
} entry_t;

struct ck_registry {
    ck_allocator_t alloc;   /* the creating context's allocator, used for the registry's life */
    entry_t *entries;       /* registration order */
    size_t count, cap;
    int64_t *slots;         /* hash slots: index into entries, -1 = empty; power-of-two size */
    size_t n_slots;
    size_t unlocked;
};

static void *reg_alloc(ck_registry_t *reg, size_t size) { return reg->alloc.malloc_fn(size, reg->alloc.user); }
static void reg_free(ck_registry_t *reg, void *p) { if (p) reg->alloc.free_fn(p, reg->alloc.user); }

static uint64_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

ck_status_t ck_registry_create(ck_registry_t **out, ck_ctx_t *ctx)
{
    if (!out || !ctx) return CK_E_INVALID_INPUT;
    *out = NULL;
    ck_registry_t *reg = cki_calloc(ctx, 1, sizeof *reg);
    if (!reg) return cki_nomem(ctx);
    reg->alloc = ctx->alloc;
    *out = reg;
    return CK_OK;
}

void ck_registry_destroy(ck_registry_t **preg)
{
    if (!preg || !*preg) return;
    ck_registry_t *reg = *preg;
    reg_free(reg, reg->entries);
    reg_free(reg, reg->slots);
    ck_allocator_t a = reg->alloc;
    a.free_fn(reg, a.user);
    *preg = NULL;
}

static int64_t find_index(const ck_registry_t *reg, const char *id)
{
    if (!reg->n_slots) return -1;
    size_t mask = reg->n_slots - 1;
    for (size_t s = hash_id(id) & mask;; s = (s + 1) & mask) {
        int64_t i = reg->slots[s];
        if (i < 0) return -1;
        if (strcmp(reg->entries[i].kernel->meta.id, id) == 0) return i;
    }
}

static void slot_insert(int64_t *slots, size_t n_slots, const char *id, int64_t index)
{
    size_t mask = n_slots - 1;
    size_t s = hash_id(id) & mask;
    while (slots[s] >= 0) s = (s + 1) & mask;
    slots[s] = index;
}

/* Make room for one more entry: entries array and a hash table kept at most half full. */
static ck_status_t grow(ck_ctx_t *ctx, ck_registry_t *reg)
{
    if (reg->count == reg->cap) {
        size_t cap = reg->cap ? reg->cap * 2 : 64;
        entry_t *e = reg_alloc(reg, cap * sizeof *e);
        if (!e) return cki_nomem(ctx);
        if (reg->count) memcpy(e, reg->entries, reg->count * sizeof *e);
        reg_free(reg, reg->entries);
        reg->entries = e;
        reg->cap = cap;
    }
    if ((reg->count + 1) * 2 > reg->n_slots) {
        size_t n = reg->n_slots ? reg->n_slots * 2 : 128;
        int64_t *slots = reg_alloc(reg, n * sizeof *slots);
        if (!slots) return cki_nomem(ctx);
        for (size_t i = 0; i < n; i++) slots[i] = -1;
        for (size_t i = 0; i < reg->count; i++) slot_insert(slots, n, reg->entries[i].kernel->meta.id, (int64_t)i);
        reg_free(reg, reg->slots);
        reg->slots = slots;
        reg->n_slots = n;
    }
    return CK_OK;
}

/* A descriptor must be complete and consistent before it can be listed or run. */
static ck_status_t check_descriptor(ck_ctx_t *ctx, const ck_kernel_t *k)
{
    const ck_kernel_meta_t *m = &k->meta;
    if (!m->id || !*m->id) return cki_invalid(ctx, "kernel.id", "missing kernel id");
    const ck_domain_info_t *d = ck_domain_info(m->domain);
    if (!d) return cki_invalid(ctx, "kernel.domain", "%s: unknown domain %d", m->id, (int)m->domain);
    size_t dl = strlen(d->name);
    if (strncmp(m->id, d->name, dl) != 0 || m->id[dl] != '/' || !m->id[dl + 1])
        return cki_invalid(ctx, "kernel.id", "%s: id must be '%s/<name>'", m->id, d->name);
    for (const char *p = m->id + dl + 1; *p; p++) {
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return cki_invalid(ctx, "kernel.id", "%s: name must be kebab-case [a-z0-9-]", m->id);
    }
    const unsigned all = CK_MODE_BATCH | CK_MODE_RING | CK_MODE_ITERATIVE;
    if (!m->modes || (m->modes & ~all)) return cki_invalid(ctx, "kernel.modes", "%s: invalid mode set", m->id);
    if (!m->description || !*m->description) return cki_invalid(ctx, "kernel.description", "%s: missing description", m->id);
    if (!k->run_json) return cki_invalid(ctx, "kernel.run_json", "%s: missing JSON binder", m->id);
    if (!k->example_input) return cki_invalid(ctx, "kernel.example_input", "%s: missing example input", m->id);
    if ((m->modes & CK_MODE_ITERATIVE) && (!k->iterative || !k->iterative->init || !k->iterative->step ||
                                           !k->iterative->converged || !k->iterative->result || !k->iterative->destroy))
        return cki_invalid(ctx, "kernel.iterative", "%s: iterative mode needs init/step/converged/result/destroy", m->id);
    for (size_t i = 0; i < k->n_params; i++) {
        const ck_param_t *p = &k->params[i];
        if (!p->name || !*p->name || (int)p->type < 0 || p->type >= CK_PT_COUNT)
            return cki_invalid(ctx, "kernel.params", "%s: parameter %zu is malformed", m->id, i);
        if (p->type == CK_PT_ENUM && !p->choices)
            return cki_invalid(ctx, "kernel.params", "%s: enum parameter '%s' has no choices", m->id, p->name);
        if (p->default_json) {
            json_error_t err = {0};
            json_t *dflt = json_loads(p->default_json, JSON_DECODE_ANY, &err);
            /* A second parse tells a transient allocation failure (which jansson may report as
             * a syntax error) from a malformed default. */
            if (!dflt) dflt = json_loads(p->default_json, JSON_DECODE_ANY, &err);
            if (!dflt) {
                if (json_error_code(&err) == json_error_out_of_memory || !err.text[0]) return cki_nomem(ctx);
                return cki_invalid(ctx, "kernel.params", "%s: default of '%s' is not JSON: %s", m->id, p->name, p->default_json);
            }
            json_decref(dflt);
        }
        if (strcmp(p->name, "meta") == 0)
            return cki_invalid(ctx, "kernel.params", "%s: 'meta' is reserved", m->id);
        for (size_t j = 0; j < i; j++)
            if (strcmp(k->params[j].name, p->name) == 0)
                return cki_invalid(ctx, "kernel.params", "%s: duplicate parameter '%s'", m->id, p->name);
    }
    return CK_OK;
}

ck_status_t ck_registry_register(ck_ctx_t *ctx, ck_registry_t *reg, const ck_kernel_t *kernel)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    if (!reg || !kernel) return cki_invalid(ctx, NULL, "registry and kernel must not be NULL");
    ck_status_t status = check_descriptor(ctx, kernel);
    if (CK_IS_ERROR(status)) return status;
    if (find_index(reg, kernel->meta.id) >= 0)
        return cki_error(ctx, CK_E_DUPLICATE, NULL, "%s: kernel id already registered", kernel->meta.id);
    status = grow(ctx, reg);
    if (CK_IS_ERROR(status)) return status;

    /* The license decides locked or not; refusal never stops registration. */
    bool locked = cki_license_permits(ctx, kernel, (int64_t)time(NULL)) != CK_OK;
    if (!locked && ctx->license) {
        int64_t max = ck_license_max_kernels(ctx->license);
        if (max > 0 && (int64_t)reg->unlocked >= max) locked = true;
    }
    if (locked) ck_ctx_clear_error(ctx);

    reg->entries[reg->count] = (entry_t){kernel, locked};
    slot_insert(reg->slots, reg->n_slots, kernel->meta.id, (int64_t)reg->count);
    reg->count++;
    if (!locked) reg->unlocked++;
    return CK_OK;
}

size_t ck_registry_count(const ck_registry_t *reg) { return reg ? reg->count : 0; }

const ck_kernel_t *ck_registry_at(const ck_registry_t *reg, size_t i)
{
    return reg && i < reg->count ? reg->entries[i].kernel : NULL;
}

const ck_kernel_t *ck_registry_find(const ck_registry_t *reg, const char *id)
{
    if (!reg || !id) return NULL;
    int64_t i = find_index(reg, id);
    return i < 0 ? NULL : reg->entries[i].kernel;
}

bool ck_registry_locked(const ck_registry_t *reg, const char *id)
{
    if (!reg || !id) return false;
    int64_t i = find_index(reg, id);
    return i >= 0 && reg->entries[i].locked;
}

static bool contains_ci(const char *hay, const char *needle)
{
    if (!hay) return false;
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return true;
    return n == 0;
}

size_t ck_registry_list(const ck_registry_t *reg, int domain, unsigned mode, const char *text,
                        const ck_kernel_t **out, size_t cap)
{
    if (!reg) return 0;
    size_t found = 0;
    for (size_t i = 0; i < reg->count; i++) {
        const ck_kernel_t *k = reg->entries[i].kernel;
        if (domain >= 0 && (int)k->meta.domain != domain) continue;
        if (mode && !(k->meta.modes & mode)) continue;
        if (text && !contains_ci(k->meta.id, text) && !contains_ci(k->meta.description, text)) continue;
        if (out && found < cap) out[found] = k;
        found++;
    }
    return found;
}

void ck_registry_stats(const ck_registry_t *reg, ck_registry_stats_t *st)
{
    if (!st) return;
    memset(st, 0, sizeof *st);
    if (!reg) return;
    for (size_t i = 0; i < reg->count; i++) {
        const ck_kernel_meta_t *m = &reg->entries[i].kernel->meta;
        st->total++;
        if (reg->entries[i].locked) st->locked++;
        st->by_domain[m->domain]++;
        if (m->modes & CK_MODE_BATCH) st->batch++;
        if (m->modes & CK_MODE_RING) st->ring++;
        if (m->modes & CK_MODE_ITERATIVE) st->iterative++;
        if (m->requires_gpu_native) st->gpu_native++;
    }
}
