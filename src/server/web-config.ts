/**
 * `--web.config.file` in exporter-toolkit's format (docs/web-configuration.md): the
 * subset tcpstate serves, `tls_server_config` (`cert_file`, `key_file`, or inline `cert`
 * and `key`) and `basic_auth_users` (user: bcrypt hash). When users are configured every
 * endpoint needs them, as with exporter-toolkit. A key tcpstate does not implement is an
 * error naming it, not silently ignored. bcrypt (bcryptjs, pure JS) is loaded only here;
 * a successful check is cached by user and password hash so a scrape every second does
 * not pay bcrypt's ~70 ms each time.
 *
 * The YAML read is the small subset these files use: nested maps by indentation,
 * `key: value` scalars, optionally quoted, `#` comments.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IncomingMessage } from 'node:http';
import { say } from '../i18n/serve.js';
import { osSaid, TcpstateError } from '../model/errors.js';

type Yaml = { [k: string]: string | Yaml };

/** Parse the YAML subset; errors name file and line. */
export function parseYamlMap(text: string, file: string): Yaml {
  const root: Yaml = {};
  const stack: { indent: number; map: Yaml }[] = [{ indent: -1, map: root }];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (/^\s*(#.*)?$/.test(raw) || raw.trim() === '---') continue;
    const indent = raw.length - raw.trimStart().length;
    if (/\t/.test(raw.slice(0, indent))) throw new TcpstateError('ERR_PARSE', say('webConfigTab'), { file, line: i + 1 });
    const m = /^([A-Za-z0-9_.-]+|"[^"]*"|'[^']*'):(?:\s+(.*))?$/.exec(raw.trim());
    if (!m) throw new TcpstateError('ERR_PARSE', say('webConfigLine'), { file, line: i + 1 });
    while (stack.length > 1 && indent <= stack[stack.length - 1]!.indent) stack.pop();
    const key = m[1]!.replace(/^["']|["']$/g, '');
    const parent = stack[stack.length - 1]!.map;
    let v = (m[2] ?? '').trim();
    const q = /^"([^"]*)"|^'([^']*)'/.exec(v);
    if (q) {
      if (!/^\s*(#.*)?$/.test(v.slice(q[0].length))) throw new TcpstateError('ERR_PARSE', say('webConfigAfterQuote'), { file, line: i + 1, field: key });
      parent[key] = q[1] ?? q[2]!;
      continue;
    }
    v = v.replace(/(^|\s)#.*$/, '').trim();
    if (v === '') {
      const child: Yaml = {};
      parent[key] = child;
      stack.push({ indent, map: child });
    } else {
      parent[key] = v;
    }
  }
  return root;
}

export interface WebConfig {
  tls?: { cert: string; key: string };
  /** Undefined when no users are configured. */
  authorize?: (req: IncomingMessage) => Promise<boolean>;
}

const TLS_KEYS = new Set(['cert_file', 'key_file', 'cert', 'key', 'min_version', 'max_version']);

function pem(v: string | Yaml | undefined, inline: string | Yaml | undefined, what: string, file: string): string {
  if (typeof inline === 'string') return inline;
  if (typeof v !== 'string') throw new TcpstateError('ERR_USAGE', say('webConfigPem', what), { file, field: `tls_server_config.${what}_file` });
  try {
    return readFileSync(v, 'utf8');
  } catch (e) {
    throw new TcpstateError('ERR_IO', say('webConfigPemRead', what, v, osSaid(e)), { file, field: `tls_server_config.${what}_file` });
  }
}

/** Read the file and make the checks it asks for. */
export async function loadWebConfig(file: string): Promise<WebConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TcpstateError('ERR_IO', say('webConfigRead', osSaid(e)), { file });
  }
  const y = parseYamlMap(text, file);
  const out: WebConfig = {};
  for (const k of Object.keys(y)) {
    if (k !== 'tls_server_config' && k !== 'basic_auth_users') throw new TcpstateError('ERR_USAGE', say('webConfigKey', k), { file, field: k });
  }
  const tls = y['tls_server_config'];
  if (tls !== undefined) {
    if (typeof tls === 'string') throw new TcpstateError('ERR_USAGE', say('webConfigTlsMap'), { file, field: 'tls_server_config' });
    for (const k of Object.keys(tls)) if (!TLS_KEYS.has(k)) throw new TcpstateError('ERR_USAGE', say('webConfigTlsKey', k), { file, field: `tls_server_config.${k}` });
    out.tls = { cert: pem(tls['cert_file'], tls['cert'], 'cert', file), key: pem(tls['key_file'], tls['key'], 'key', file) };
  }
  const users = y['basic_auth_users'];
  if (users !== undefined) {
    if (typeof users === 'string') throw new TcpstateError('ERR_USAGE', say('webConfigUsersMap'), { file, field: 'basic_auth_users' });
    const hashes = new Map<string, string>();
    for (const [u, h] of Object.entries(users)) {
      if (typeof h !== 'string' || !/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(h)) throw new TcpstateError('ERR_USAGE', say('webConfigNotBcrypt', u), { file, field: `basic_auth_users.${u}` });
      hashes.set(u, h);
    }
    const bcrypt = createRequire(import.meta.url)('bcryptjs') as { compare(p: string, h: string): Promise<boolean> };
    const good = new Set<string>();
    const digest = (u: string, p: string): string => createHash('sha256').update(`${u}\0${p}`).digest('hex');
    out.authorize = async (req) => {
      const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
      if (!m) return false;
      const pair = Buffer.from(m[1]!, 'base64').toString('utf8');
      const colon = pair.indexOf(':');
      if (colon < 0) return false;
      const user = pair.slice(0, colon);
      const pass = pair.slice(colon + 1);
      const hash = hashes.get(user);
      if (hash === undefined) return false;
      const d = digest(user, pass);
      for (const g of good) if (timingSafeEqual(Buffer.from(g), Buffer.from(d))) return true;
      const ok = await bcrypt.compare(pass, hash);
      if (ok) good.add(d);
      return ok;
    };
  }
  return out;
}
