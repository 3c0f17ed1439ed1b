/**
 * A transcript of commands each run in English and in Chinese, for a pair of goldens: every
 * pair checked alike (the same exit status, something said, Chinese said in Chinese, never an
 * internal error or a stack) and written as `$ COMMAND`, `[exit N]` and what it printed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

/** What one run printed on stderr and its exit status. */
export interface Ran {
  code: number | null;
  stderr: string;
}

export class Bilingual {
  en = '';
  zh = '';

  /** `shown`: the command line as the golden shows it, from `tcpstate ` on (the Chinese line gets `--lang zh`). */
  add(shown: string, e: Ran, z: Ran): void {
    assert.equal(z.code, e.code, `${shown}: the exit status does not depend on the language`);
    assert.notEqual(e.stderr, '', `${shown}: says something`);
    assert.match(z.stderr, /[\u4e00-\u9fff]/, `${shown}: in Chinese`);
    assert.doesNotMatch(z.stderr + e.stderr, /internal error|内部错误|\n\s+at /, shown);
    this.en += `$ ${shown}\n[exit ${e.code}]\n${e.stderr}\n`;
    this.zh += `$ ${shown.replace('tcpstate ', 'tcpstate --lang zh ')}\n[exit ${z.code}]\n${z.stderr}\n`;
  }
}

/** What {@link runQuietly} gives. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runQuietly}. */
export interface RunOptions {
  /** Added to a clean environment (PATH, TZ=UTC, LANG=C, NO_COLOR=1). */
  env?: Record<string, string>;
  /** Sees stderr as it comes (to stop a server once it has started). */
  onErr?: (so: string, kill: () => void) => void;
  /** A program that runs the CLI (`args` are then its own). */
  via?: string;
  /** Paths shown by a name in stderr, e.g. `{ $TMP: dir }` (the golden does not depend on where they are). */
  names?: Record<string, string>;
}

/** The CLI in `cwd`, in a clean environment, not blocking this thread (a server in the test may answer it). */
export function runQuietly(cli: string, cwd: string, args: string[], o: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(o.via ?? process.execPath, o.via ? args : [cli, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC', LC_ALL: '', LANG: 'C', NO_COLOR: '1', ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      o.onErr?.(stderr, () => p.kill('SIGTERM'));
    });
    p.on('error', reject);
    p.on('close', (code) => {
      for (const [name, path] of Object.entries(o.names ?? {})) stderr = stderr.split(path).join(name);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
