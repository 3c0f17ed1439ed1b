#ifndef TCPSTATE_BPF_TRACE_H
#define TCPSTATE_BPF_TRACE_H
/* TCP state changes as they happen, the Node-API side (bpf_trace.c): BPF programs on
 * inet_sock_set_state and the timewait functions (bpf_trace_prog.c), a ring buffer read on a
 * thread of its own (bpf_trace_ring.c), batches handed to JS. */
#include <node_api.h>

napi_value TraceStart(napi_env env, napi_callback_info info);
napi_value TraceStop(napi_env env, napi_callback_info info);
napi_value TraceCounts(napi_env env, napi_callback_info info);
#endif
