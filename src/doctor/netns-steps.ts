/**
 * Next steps for sockets in a named network namespace: the commands a finding (or
 * `explain`) suggests, rewritten so they look where the sockets are. `tcpstate` takes
 * `--netns NS`, ss takes `-N NS`; commands that read the namespace's network (nstat,
 * sysctl, ping, tracepath, tcpdump, /proc/net, ip) run under `ip netns exec NS`; commands
 * about processes or the whole host (ls /proc/PID/fd, top, dmesg) are left as they are,
 * since `ip netns exec` changes only the network namespace.
 * @module
 */

/** Commands whose answer depends on the network namespace they run in. */
const IN_NETNS = new Set(['nstat', 'sysctl', 'ping', 'tracepath', 'tcpdump', 'ip', 'cat']);

/** A namespace name safe to paste into a shell line unquoted (what `ip netns` creates). */
export function plainNetnsName(ns: string | undefined): string | undefined {
  return ns !== undefined && /^[A-Za-z0-9_.-]+$/.test(ns) ? ns : undefined;
}

/** One simple command (no `;`), its pipeline's first stage rewritten. */
function command(cmd: string, ns: string): string {
  const lead = /^\s*/.exec(cmd)![0];
  const body = cmd.slice(lead.length);
  const word = /^[^\s|;]+/.exec(body)?.[0] ?? '';
  if (word === 'tcpstate') {
    const m = /^tcpstate(\s+)(\S+)/.exec(body);
    return m ? `${lead}tcpstate${m[1]}${m[2]} --netns ${ns}${body.slice(m[0].length)}` : cmd;
  }
  if (word === 'ss') return `${lead}ss -N ${ns}${body.slice(2)}`;
  if (word === 'watch') {
    // watch runs its quoted command through a shell: rewrite that command.
    return lead + body.replace(/"([^"]*)"/, (_m, inner: string) => `"${commandLine(inner, ns)}"`);
  }
  if (word === 'cat' && !/\/proc\/net\//.test(body)) return cmd;
  // These exist only in the initial namespace (the host's), whatever namespace reads them.
  if (word === 'sysctl' && /\bnet\.ipv4\.(tcp_mem|tcp_max_orphans)\b/.test(body)) return cmd;
  if (IN_NETNS.has(word)) return `${lead}ip netns exec ${ns} ${body}`;
  return cmd;
}

/** A shell line of `;`-separated commands. */
function commandLine(line: string, ns: string): string {
  return line
    .split(';')
    .map((c) => command(c, ns))
    .join(';');
}

/**
 * One next step for namespace `ns`: a command line (`$ ...`, its `# comment` kept as is)
 * rewritten command by command; in advice text, an `ss -` option list gets `-N NS`.
 */
export function stepInNetns(step: string, ns: string): string {
  if (!step.startsWith('$ ')) return step.replace(/(^|[\s(])ss -(?=[A-Za-z])/g, `$1ss -N ${ns} -`);
  const hash = step.search(/\s+# /);
  const cmd = hash < 0 ? step.slice(2) : step.slice(2, hash);
  const comment = hash < 0 ? '' : step.slice(hash);
  return `$ ${commandLine(cmd, ns)}${comment}`;
}

/** Every step of a list for `ns` (unchanged when `ns` is undefined). */
export function stepsInNetns(steps: readonly string[], ns: string | undefined): string[] {
  return ns === undefined ? [...steps] : steps.map((s) => stepInNetns(s, ns));
}
