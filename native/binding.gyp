{
  "targets": [
    {
      "target_name": "tcpstate_netlink",
      "sources": ["tcpstate_netlink.c", "bpf_owners.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
