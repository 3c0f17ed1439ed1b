{
  "targets": [
    {
      "target_name": "tcpstate_netlink",
      "sources": ["tcpstate_netlink.c", "bpf_iter.c", "bpf_owners.c", "bpf_tcp_states.c", "bpf_trace.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
