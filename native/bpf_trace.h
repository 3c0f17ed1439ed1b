#ifndef TCPSTATE_BPF_TRACE_H
#define TCPSTATE_BPF_TRACE_H
/* TCP state changes as they happen: BPF programs on inet_sock_set_state and the timewait
 * functions, a ring buffer read on a thread of its own, batches handed to JS (bpf_trace.c). */
#include <node_api.h>

/* Bytes of one event record (layout in bpf_trace.c, decoded in src/trace/events.ts). */
#define TRACE_EVENT_BYTES 128

napi_value TraceStart(napi_env env, napi_callback_info info);
napi_value TraceStop(napi_env env, napi_callback_info info);
napi_value TraceCounts(napi_env env, napi_callback_info info);
#endif
