/**
 * The command-line options of an HTTP(S) client (`fleet`, `count --hosts URL`), apart from
 * the client so that `count`'s start-up does not load node:https for them.
 * @module
 */

export const HTTP_OPTIONS = {
  user: { type: 'string' },
  'ca-file': { type: 'string' },
  'cert-file': { type: 'string' },
  'key-file': { type: 'string' },
  insecure: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

export const HTTP_HELP = `  --user USER[:PASS]   basic auth (the password from TCPSTATE_PASSWORD when
                       not given here; user info in the URL works too)
  --ca-file FILE       trust this CA (PEM) for https://
  --cert-file FILE, --key-file FILE   client certificate (mutual TLS)
  --insecure           do not verify the server's certificate
  --timeout DUR        per request (default 30s for Prometheus, 5s per agent)
`;

/** An agent's URL on the command line: `http://` or `https://`. */
export function isAgentUrl(arg: string): boolean {
  return /^https?:\/\//i.test(arg);
}
