/**
 * Where the history file lives by default: /var/lib/tcpstate/history.db for root, else
 * $XDG_STATE_HOME/tcpstate/history.db ($HOME/.local/state when XDG_STATE_HOME is unset).
 * @module
 */
export function defaultDbPath(env: Record<string, string | undefined>, uid: number | undefined = process.getuid?.()): string {
  if (uid === 0) return '/var/lib/tcpstate/history.db';
  const base = env['XDG_STATE_HOME'] || `${env['HOME'] ?? '.'}/.local/state`;
  return `${base}/tcpstate/history.db`;
}
