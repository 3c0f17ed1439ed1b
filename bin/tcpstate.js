#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json): a CommonJS entry starts without Node's ES module loader.
const { statSync } = require('node:fs');
const { join } = require('node:path');

// The bundle (scripts/bundle.mjs) starts faster; use it unless a later `tsc` made it stale.
const dir = join(__dirname, '..', 'dist', 'src', 'cli');
let bundled = false;
try {
  bundled = statSync(join(dir, 'main.bundle.cjs')).mtimeMs >= statSync(join(dir, 'main.js')).mtimeMs;
} catch {
  // no bundle: the compiled modules
}

// `tcpstate count` alone, as root (what replaces `netstat -n | awk ...`): the kernel walk it
// needs, a BPF tcp iterator (src/sources/bpf-tcp-states.ts), starts now on a thread of the
// native addon while the rest of tcpstate loads, and count is handed it (io.bpfWalk). Any
// other command line starts nothing here. The environment switches are those of
// src/sources/config.ts (TCPSTATE_NO_BPF, TCPSTATE_NO_NATIVE, TCPSTATE_PROC_ROOT).
const argv = process.argv.slice(2);
const env = process.env;
let walk;
if ((argv.length === 0 || (argv.length === 1 && argv[0] === 'count')) && process.platform === 'linux' && process.getuid() === 0 &&
    env.TCPSTATE_NO_BPF !== '1' && env.TCPSTATE_NO_NATIVE !== '1' && env.TCPSTATE_PROC_ROOT === undefined) {
  try {
    const addon = require(join(__dirname, '..', 'native', 'build', 'Release', 'tcpstate_netlink.node'));
    walk = { handle: addon.bpfTcpStatesStart(), began: process.hrtime.bigint() };
  } catch {
    // no addon (or one built before this function): count reads the table as usual
  }
}

async function run() {
  const { main, processIo, exit } = bundled ? require(join(dir, 'main.bundle.cjs')) : await import(join(dir, 'main.js'));
  const io = processIo();
  if (walk) io.bpfWalk = walk;
  exit(await main(argv, io));
}
run();
