/**
 * The environment switches of how tcpstate reads the kernel, each defined and documented
 * here once, read from the environment in one place ({@link readConfig}). The library
 * below this module takes the resolved object, never `process.env`.
 * @module
 */

/** How the kernel may be read. */
export interface ReadConfig {
  /**
   * `TCPSTATE_PROC_ROOT=DIR`: the proc tree read when no `--proc-root` is given (a
   * captured one: the sockets are then files, see `Origin`). Unset: /proc.
   */
  procRoot?: string;
  /** `TCPSTATE_NO_NATIVE=1`: never load the native addon; procfs only (as if it were not built). */
  noNative: boolean;
  /** `TCPSTATE_NO_BPF=1`: no BPF iterator (state walks, owner lookup); sock_diag dumps and /proc instead. */
  noBpf: boolean;
  /** `TCPSTATE_NETLINK_PER_FAMILY=1`: one sock_diag dump per family, as ss asks, instead of one walk. */
  netlinkPerFamily: boolean;
  /** `TCPSTATE_NETLINK_PARALLEL=0`: never two sock_diag dumps at once (tests compare the paths). */
  netlinkSerial: boolean;
}

/** The switches an environment sets (pure). */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): ReadConfig {
  return {
    ...(env['TCPSTATE_PROC_ROOT'] === undefined ? {} : { procRoot: env['TCPSTATE_PROC_ROOT'] }),
    noNative: env['TCPSTATE_NO_NATIVE'] === '1',
    noBpf: env['TCPSTATE_NO_BPF'] === '1',
    netlinkPerFamily: env['TCPSTATE_NETLINK_PER_FAMILY'] === '1',
    netlinkSerial: env['TCPSTATE_NETLINK_PARALLEL'] === '0',
  };
}

let current: ReadConfig | undefined;

/** This process's switches, read from its environment once. */
export function readConfig(): ReadConfig {
  return (current ??= configFromEnv(process.env));
}
