/**
 * The lines that split a capture into per-host sections, and host names. Pure.
 *
 * A file is one host, named after the file, unless it says otherwise:
 * - a shell prompt line starts a section for the host it names, and its command tells what
 *   printed the lines after it: `[root@web1 ~]# netstat -n | awk ...`, `[oldboy@LVS-1-1 ~]$`,
 *   `[root@lvs_nginx~]#netstat` (no spaces), `root@db:~# ss -tan`, `admin@mac ~ % netstat`,
 *   `mac:~ admin$ netstat -an`;
 * - a `==> name <==` header (what `tail -n +1 FILES` and `head FILES` print) starts a
 *   section for `name`, with directory and capture extension removed.
 * Host-less prompts (`$ ss -tan`, `C:\>netstat -ano`, `PS C:\> netstat -ano`) start a new
 * section of the current host when their command is a tool tcpstate reads.
 * @module
 */

/** Characters a host name is made of (RFC 1123, plus `_`, seen in the wild). */
const HOST = '[A-Za-z0-9][A-Za-z0-9_.-]*';
const USER = '[A-Za-z_][A-Za-z0-9_.-]*';

/** `[user@host dir]$ cmd`, `[user@host~]#cmd`. */
const BRACKET = new RegExp(`^\\s*\\[${USER}@(${HOST})(?:[ :~/][^\\]]*)?\\]\\s*[#$%>]\\s?(.*)$`);
/** `user@host:dir# cmd` (Debian, Ubuntu). */
const DEBIAN = new RegExp(`^\\s*${USER}@(${HOST}):\\S*\\s*[#$]\\s?(.*)$`);
/** `user@host dir % cmd` (zsh). */
const ZSH = new RegExp(`^\\s*${USER}@(${HOST})\\s+\\S+\\s+[%#$]\\s(.*)$`);
/** `host:dir user$ cmd` (macOS bash). */
const MACOS = new RegExp(`^\\s*(${HOST}):\\S+\\s+${USER}[$#]\\s(.*)$`);
/** Prompts without a host: only when the command is a tool whose output tcpstate reads. */
const BARE = /^\s*(?:[$#>]|PS [A-Za-z]:\\[^>]*>|[A-Za-z]:\\[^>]*>)\s?((?:sudo\s+)?(?:\S*\/)?(?:netstat|NETSTAT|ss|busybox|cat|tcpstate)\b.*)$/;

/** Extensions of capture files, removed to name a host after its file. */
const CAPTURE_EXT = /\.(txt|text|log|out|output|cap|capture|dump|netstat|ss|proc|tcp|tcp6|awk|json|snapshot|before|after)$/i;

/** A host name from a file name or path: directory and capture extensions removed. */
export function hostFromName(name: string): string {
  let base = name.replace(/\\/g, '/').split('/').pop() ?? name;
  for (let k = 0; k < 3 && CAPTURE_EXT.test(base); k++) base = base.replace(CAPTURE_EXT, '');
  return base === '' ? name : base;
}

/**
 * `==> name <==` (white space around the name optional): the name, or undefined. Not a
 * pattern: `\s*(.+?)\s*<==` backtracks quadratically over a long run of spaces.
 */
function headerName(line: string): string | undefined {
  const t = line.trim();
  if (t.length < 7 || !t.startsWith('==>') || !t.endsWith('<==')) return undefined;
  const mid = t.slice(3, -3);
  // As the pattern read a name of white space alone: its last character.
  return mid.trim() || mid.slice(-1) || undefined;
}

/** If the line is a prompt or a header, what it says. */
export function markerOf(line: string): { host?: string; command?: string } | undefined {
  let m = BRACKET.exec(line) ?? DEBIAN.exec(line) ?? ZSH.exec(line) ?? MACOS.exec(line);
  if (m) return { host: m[1]!, command: m[2]!.trim() || undefined };
  const name = headerName(line);
  if (name !== undefined) return { host: hostFromName(name) };
  m = BARE.exec(line);
  if (m) return { command: m[1]!.trim() };
  return undefined;
}
