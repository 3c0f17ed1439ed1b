{
  "targets": [
    {
      "target_name": "tcpstate_netlink",
      "sources": ["tcpstate_netlink.c", "sock_diag.c", "netns.c", "fd_scan.c", "bpf_tcp_walk.c", "bpf_iter.c", "bpf_owners.c", "bpf_tcp_states.c", "bpf_trace.c", "bpf_trace_prog.c", "bpf_trace_ring.c", "text_count.c", "ls_layout.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
