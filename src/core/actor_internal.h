/* Ring mode internals shared by the runtime, the built-in actor classes and their batch binders. */
#ifndef CKERNELS_ACTOR_INTERNAL_H
#define CKERNELS_ACTOR_INTERNAL_H

#include <jansson.h>

#include "ckernels/actor.h"

/* Built-in classes (each defined next to its kernel). */
extern const ck_actor_class_t cki_echo_actor_class;
extern const ck_actor_class_t cki_orderbook_actor_class;

/* Batch mode of a ring kernel: launch a transient actor of `cls` with input's "config" (an
 * object, default {}), send every element of input's "messages" (JSON messages as
 * ck_actor_request_json takes them) in order and set output's "replies": one array per message
 * holding every message the actor sent in answer. A message the class rejects gives an
 * {"type": "error", ...} reply like the ring does, so a batch replay equals a ring replay. */
ck_status_t cki_actor_replay_json(ck_ctx_t *ctx, const ck_actor_class_t *cls, const json_t *input, json_t *output);

#endif
