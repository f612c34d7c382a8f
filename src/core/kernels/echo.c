/* core/echo: the ring kernel for tests and latency measurement. Request 100 `echo` carries any
 * payload; the reply 150 `echo_reply` carries the same bytes back. In JSON the payload is "text"
 * (UTF-8) or, for bytes that are not UTF-8, "hex". Batch mode replays messages through a
 * transient actor (cki_actor_replay_json). */
#include <jansson.h>
#include <string.h>

#include "actor_internal.h"
#include "internal.h"
#include "json_internal.h"

#define ECHO_REQUEST 100
#define ECHO_REPLY 150

static ck_status_t echo_create(ck_ctx_t *ctx, const json_t *config, void **state)
{
    const char *key;
    json_t *v;
    if (config) {
        json_object_foreach((json_t *)config, key, v) {
            char field[96];
            snprintf(field, sizeof field, "config.%s", key);
            return cki_invalid(ctx, field, "unknown field (core/echo takes no configuration)");
        }
    }
    *state = NULL;
    return CK_OK;
}

static ck_status_t echo_handle(ck_ctx_t *ctx, void *state, ck_actor_call_t *call, uint32_t type_id,
                               const void *payload, size_t len)
{
    (void)state;
    if (type_id != ECHO_REQUEST)
        return cki_invalid(ctx, "type_id", "core/echo answers type %d (echo) only, got %u", ECHO_REQUEST, type_id);
    return ck_actor_reply(call, ECHO_REPLY, payload, len);
}

static ck_status_t echo_from_json(ck_ctx_t *ctx, const json_t *msg, void *buf, size_t cap, size_t *len)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)msg, key, v) {
        if (strcmp(key, "type") && strcmp(key, "text") && strcmp(key, "hex"))
            return cki_invalid(ctx, key, "unknown field (echo takes \"text\" or \"hex\")");
    }
    const json_t *text = json_object_get(msg, "text"), *hex = json_object_get(msg, "hex");
    if (text && hex) return cki_invalid(ctx, "hex", "give \"text\" or \"hex\", not both");
    if (text) {
        if (!json_is_string(text)) return cki_invalid(ctx, "text", "expected a string");
        size_t n = json_string_length(text);
        if (n > cap) return cki_invalid(ctx, "text", "%zu bytes exceed the %zu a message can carry", n, cap);
        memcpy(buf, json_string_value(text), n);
        *len = n;
        return CK_OK;
    }
    if (hex) {
        if (!json_is_string(hex)) return cki_invalid(ctx, "hex", "expected a string of hex digits");
        size_t n = json_string_length(hex);
        const char *s = json_string_value(hex);
        if (n % 2) return cki_invalid(ctx, "hex", "needs an even number of hex digits, got %zu", n);
        if (n / 2 > cap) return cki_invalid(ctx, "hex", "%zu bytes exceed the %zu a message can carry", n / 2, cap);
        for (size_t i = 0; i < n / 2; i++) {
            int hi = cki_hex_value(s[2 * i]), lo = cki_hex_value(s[2 * i + 1]);
            if (hi < 0 || lo < 0) return cki_invalid(ctx, "hex", "character %zu is not a hex digit", hi < 0 ? 2 * i : 2 * i + 1);
            ((unsigned char *)buf)[i] = (unsigned char)(hi << 4 | lo);
        }
        *len = n / 2;
        return CK_OK;
    }
    *len = 0;
    return CK_OK;
}

static ck_status_t echo_to_json(ck_ctx_t *ctx, const void *payload, size_t len, json_t *out)
{
    json_t *text = json_stringn((const char *)payload, len); /* NULL when not valid UTF-8 */
    if (text) return cki_json_set(ctx, out, "text", text);
    char hex[2 * 4096 + 1];
    static const char digits[] = "0123456789abcdef";
    if (len > 4096) return cki_invalid(ctx, "len", "payload too long to render");
    for (size_t i = 0; i < len; i++) {
        hex[2 * i] = digits[((const unsigned char *)payload)[i] >> 4];
        hex[2 * i + 1] = digits[((const unsigned char *)payload)[i] & 15];
    }
    return cki_json_set(ctx, out, "hex", json_stringn(hex, 2 * len));
}

static const ck_msg_type_t echo_types[] = {
    {ECHO_REQUEST, "echo", ECHO_REPLY, echo_from_json, echo_to_json},
    {ECHO_REPLY, "echo_reply", 0, echo_from_json, echo_to_json},
};

const ck_actor_class_t cki_echo_actor_class = {
    .kernel_id = "core/echo",
    .create = echo_create,
    .handle = echo_handle,
    .types = echo_types,
    .n_types = sizeof echo_types / sizeof echo_types[0],
};

/* Batch mode: replay. */
static ck_status_t echo_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out, ck_run_info_t *info)
{
    (void)k;
    (void)info;
    return cki_actor_replay_json(ctx, &cki_echo_actor_class, in, out);
}

static const ck_param_t echo_params[] = {
    {.name = "messages", .type = CK_PT_ARRAY, .required = true,
     .doc = "Messages to send in order: {\"type\": \"echo\", \"text\": \"...\"} or {\"type\": \"echo\", \"hex\": \"00ff\"}"},
    {.name = "config", .type = CK_PT_OBJECT, .default_json = "{}", .doc = "Actor configuration (core/echo takes none)"},
};
static const ck_param_t echo_outputs[] = {
    {.name = "replies", .type = CK_PT_ARRAY, .doc = "Per message, the messages the actor sent in answer"},
};

const ck_kernel_t cki_echo_kernel = {
    .meta = {.id = "core/echo",
             .modes = CK_MODE_BATCH | CK_MODE_RING,
             .domain = CK_DOMAIN_CORE,
             .description = "Echo actor: answers each message with its payload (ring tests and latency)",
             .expected_throughput = 5000000,
             .target_latency_us = 0.2,
             .requires_gpu_native = false,
             .version = 1},
    .params = echo_params, .n_params = sizeof echo_params / sizeof echo_params[0],
    .outputs = echo_outputs, .n_outputs = sizeof echo_outputs / sizeof echo_outputs[0],
    .example_input = "{\"messages\": [{\"type\": \"echo\", \"text\": \"hello\"}, {\"type\": \"echo\", \"hex\": \"00ff\"}]}",
    .run_json = echo_json,
};
