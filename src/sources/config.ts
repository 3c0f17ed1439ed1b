/**
 * The environment switches of how tcpstate reads the kernel, each defined and documented
 * here once. The edges resolve them ({@link configFromEnv} over the CLI's `io.env`, serve's
 * and the samplers' requests carry the result) and hand the object down in the scan options
 * (`ScanOptions.config`): no module below reads `process.env` or keeps a configuration of
 * its own, so two scans in one process may be read two ways.
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

/** No switch set: what a library caller gets that passes no environment. */
export const DEFAULT_CONFIG: ReadConfig = Object.freeze(configFromEnv({}));
