/* The actor classes built into the library: one per ring kernel. Lookup by kernel id. */
#include <string.h>

#include "ckernels/actor.h"
#include "actor_internal.h"
#include "actors_internal.h"

static const ck_actor_class_t *const classes[] = {
    &cki_echo_actor_class,
    &cki_orderbook_actor_class,
    &cki_graph_pagerank_actor_class,
    &cki_graph_degree_actor_class,
    &cki_graph_triangles_actor_class,
    &cki_graph_components_actor_class,
    &cki_graph_degree_ratio_actor_class,
};

size_t ck_actor_class_count(void) { return sizeof classes / sizeof classes[0]; }

const ck_actor_class_t *ck_actor_class_at(size_t i) { return i < ck_actor_class_count() ? classes[i] : NULL; }

const ck_actor_class_t *ck_actor_class_find(const char *kernel_id)
{
    if (!kernel_id) return NULL;
    for (size_t i = 0; i < ck_actor_class_count(); i++)
        if (!strcmp(classes[i]->kernel_id, kernel_id)) return classes[i];
    return NULL;
}

const ck_msg_type_t *ck_actor_class_type(const ck_actor_class_t *cls, uint32_t type_id)
{
    if (!cls) return NULL;
    for (size_t i = 0; i < cls->n_types; i++)
        if (cls->types[i].type_id == type_id) return &cls->types[i];
    return NULL;
}

const ck_msg_type_t *ck_actor_class_type_named(const ck_actor_class_t *cls, const char *name)
{
    if (!cls || !name) return NULL;
    for (size_t i = 0; i < cls->n_types; i++)
        if (!strcmp(cls->types[i].name, name)) return &cls->types[i];
    return NULL;
}
