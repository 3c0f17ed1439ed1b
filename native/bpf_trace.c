/*
 * trace's Node-API glue: traceStart / traceStop / traceCounts over a running trace
 * (bpf_trace_ring.c, programs in bpf_trace_prog.c); batches of 128-byte records reach JS
 * through a threadsafe function, so the event loop never blocks.
 */
#define _GNU_SOURCE
#include "bpf_trace.h"
#include "bpf_trace_ring.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The JS side of a running trace. */
struct js_trace {
  struct trace *t;
  napi_threadsafe_function tsfn;
};

static void call_js(napi_env env, napi_value cb, void *ctx, void *data) {
  struct js_trace *j = ctx;
  struct batch *b = data;
  trace_batch_done(j->t, b->len);
  if (!env) { free(b->data); free(b); return; }
  napi_value buf, lost, argv[2], global, ret;
  void *copy;
  if (napi_create_buffer_copy(env, b->len, b->data, &copy, &buf) == napi_ok && napi_create_double(env, (double)b->lost, &lost) == napi_ok &&
      napi_get_global(env, &global) == napi_ok) {
    argv[0] = buf;
    argv[1] = lost;
    napi_call_function(env, global, cb, 2, argv, &ret);
  }
  free(b->data);
  free(b);
}

/* The ring's thread hands a batch to JS; -1 when the queue refuses it. */
static int hand_to_js(void *ctx, struct batch *b) {
  struct js_trace *j = ctx;
  return napi_call_threadsafe_function(j->tsfn, b, napi_tsfn_nonblocking) == napi_ok ? 0 : -1;
}

static const napi_type_tag TRACE_TAG = {0x7463707374617465ull, 0x7472616365212121ull};

static void trace_finalize(napi_env env, void *data, void *hint) {
  struct js_trace *j = data;
  trace_free(j->t);
  free(j);
}

static int get_u32(napi_env env, napi_value obj, const char *name, uint32_t *out) {
  bool has;
  napi_value v;
  *out = 0;
  if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return 0;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return -1;
  napi_valuetype ty;
  if (napi_typeof(env, v, &ty) != napi_ok) return -1;
  if (ty == napi_undefined) return 0;
  return napi_get_value_uint32(env, v, out) == napi_ok ? 0 : -1;
}

static napi_value unavailable(napi_env env, const char *why) {
  napi_throw_error(env, "ERR_BPF_UNAVAILABLE", why);
  return NULL;
}

/* traceStart({netns?: inode, family?: 2|10, ringBytes?}, onBatch(records: Buffer, lost: number)) → handle.
 * Returns {handle, hooks: names of the programs attached, missing: "name: why" of the
 * optional timewait hooks that are not}. */
napi_value TraceStart(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  uint32_t netns = 0, family = 0, rb_bytes = 0, count_only = 0;
  napi_valuetype ty;
  if (argc < 2 || napi_typeof(env, argv[1], &ty) != napi_ok || ty != napi_function || get_u32(env, argv[0], "netns", &netns) < 0 ||
      get_u32(env, argv[0], "family", &family) < 0 || (family != 0 && family != 2 && family != 10) || get_u32(env, argv[0], "ringBytes", &rb_bytes) < 0 || get_u32(env, argv[0], "countOnly", &count_only) < 0 ||
      (rb_bytes != 0 && ((rb_bytes & (rb_bytes - 1)) != 0 || rb_bytes > (1u << 30)))) {
    napi_throw_type_error(env, NULL, "traceStart({netns?: inode, family?: 2 | 10, ringBytes?: power of 2 up to 1 GiB}, onBatch)");
    return NULL;
  }
  char why[256];
  struct js_trace *j = calloc(1, sizeof *j);
  if (!j) return unavailable(env, "out of memory");
  j->t = trace_open(rb_bytes, netns, (uint16_t)family, count_only != 0, why, sizeof why);
  if (!j->t) { free(j); return unavailable(env, why); }
  struct trace *t = j->t;
  t->hand = hand_to_js;
  t->ctx = j;
  napi_value name, ext, hooks, s;
  if (napi_create_string_utf8(env, "tcpstate trace", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, argv[1], NULL, name, 0, 1, NULL, NULL, j, call_js, &j->tsfn) != napi_ok) {
    snprintf(why, sizeof why, "cannot create the threadsafe function");
    goto fail;
  }
  if (trace_run(t) != 0) {
    napi_release_threadsafe_function(j->tsfn, napi_tsfn_abort);
    snprintf(why, sizeof why, "cannot start the ring buffer thread");
    goto fail;
  }
  if (napi_create_external(env, j, trace_finalize, NULL, &ext) != napi_ok) return NULL;
  napi_type_tag_object(env, ext, &TRACE_TAG);
  napi_value obj;
  napi_create_object(env, &obj);
  napi_set_named_property(env, obj, "handle", ext);
  napi_create_array(env, &hooks);
  static const char *names[NPROGS] = {"inet_sock_set_state", "inet_twsk_hashdance_schedule", "__inet_twsk_schedule", "inet_twsk_kill"};
  uint32_t nh = 0;
  for (int k = 0; k < NPROGS; k++) {
    if (t->links[k] < 0) continue;
    napi_create_string_utf8(env, names[k], NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, hooks, nh++, s);
  }
  napi_set_named_property(env, obj, "hooks", hooks);
  napi_value miss;
  napi_create_array(env, &miss);
  nh = 0;
  for (int k = 0; k < NPROGS; k++) {
    if (t->links[k] >= 0) continue;
    char m[300];
    snprintf(m, sizeof m, "%s: %s", names[k], t->missing[k]);
    napi_create_string_utf8(env, m, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, miss, nh++, s);
  }
  napi_set_named_property(env, obj, "missing", miss);
  return obj;
fail:
  trace_free(t);
  free(j);
  return unavailable(env, why);
}

/* The trace of a call's first argument (a handle from traceStart), or NULL with a TypeError
 * naming the call. */
static struct js_trace *trace_arg(napi_env env, napi_callback_info info, const char *usage) {
  size_t argc = 1;
  napi_value argv[1];
  struct js_trace *j = NULL;
  bool tagged = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_check_object_type_tag(env, argv[0], &TRACE_TAG, &tagged) != napi_ok || !tagged ||
      napi_get_value_external(env, argv[0], (void **)&j) != napi_ok || !j) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  return j;
}

/* traceCounts(handle) → Float64Array(256): changes per (old state × 16 + new state) since
 * the start, summed over CPUs (counted in the kernel, lost events included). */
napi_value TraceCounts(napi_env env, napi_callback_info info) {
  struct js_trace *j = trace_arg(env, info, "traceCounts(handle from traceStart)");
  if (!j) return NULL;
  napi_value ab, arr;
  double *out;
  if (napi_create_arraybuffer(env, COUNT_SLOTS * sizeof(double), (void **)&out, &ab) != napi_ok ||
      napi_create_typedarray(env, napi_float64_array, COUNT_SLOTS, ab, 0, &arr) != napi_ok) return NULL;
  for (uint32_t key = 0; key < COUNT_SLOTS; key++) out[key] = (double)trace_count(j->t, key);
  return arr;
}

/* traceStop(handle): detach the programs, deliver what the ring holds, stop the thread and
 * let the event loop go. Again is a no-op. */
napi_value TraceStop(napi_env env, napi_callback_info info) {
  struct js_trace *j = trace_arg(env, info, "traceStop(handle from traceStart)");
  if (!j) return NULL;
  if (j->t->started) {
    trace_stop(j->t);
    napi_release_threadsafe_function(j->tsfn, napi_tsfn_release);
  }
  return NULL;
}
