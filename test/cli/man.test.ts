/**
 * The man page and the shell completions come from the commands' --help texts: the page in
 * the repository is current, renders cleanly, and each shell completes what --help lists.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { commandReference, manPage, parseOptions } from '../../src/cli/reference.js';
import { runMain } from '../lib/cli.js';
import { CLI, REPO } from '../lib/netns.js';

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

describe('man page', () => {
  test("man/tcpstate.1 is what scripts/gen-man.mjs makes from today's --help texts (npm run man)", async () => {
    assert.equal(readFileSync(join(REPO, 'man', 'tcpstate.1'), 'utf8'), await manPage(), 'man/tcpstate.1 is stale: run npm run man');
  });

  test('every command has its section, and groff renders the page without a warning', async (t) => {
    const page = readFileSync(join(REPO, 'man', 'tcpstate.1'), 'utf8');
    const ref = await commandReference();
    for (const c of ref.commands) assert.match(page, new RegExp(`^\\.SS ${c.name}$`, 'm'));
    if (!have('groff')) {
      t.skip('groff not installed');
      return;
    }
    const r = spawnSync('groff', ['-ww', '-man', '-Tutf8'], { input: page, encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /tcpstate count \[OPTIONS\] \[FILE\.\.\.\] \[FILTER\.\.\.\]/);
    assert.match(r.stdout, /--by KEY/);
  });

  test('package.json installs the page (man) and ships it (files)', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { man: string[]; files: string[] };
    assert.deepEqual(pkg.man, ['./man/tcpstate.1']);
    assert.ok(pkg.files.includes('man'));
  });
});

describe('--version and help', () => {
  test('--version and -V print the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    for (const a of ['--version', '-V']) {
      const r = await runMain([a]);
      assert.deepEqual([r.code, r.stdout], [0, `tcpstate ${pkg.version}\n`]);
    }
  });

  test('option lines are read from help texts: short and long, values, short-only pairs', () => {
    const o = parseOptions('Usage: x\n  -t, --tcp            TCP\n  --by KEY             groups\n  --group NAME=GLOBS   roles\n  -4, -6               families\n  tcpstate count --by lport\n');
    assert.deepEqual(
      o.map((x) => [x.short, x.long, x.arg]),
      [
        ['-t', '--tcp', undefined],
        [undefined, '--by', 'KEY'],
        [undefined, '--group', 'NAME=GLOBS'],
        [undefined, '-4', undefined],
        [undefined, '-6', undefined],
        ['-h', '--help', undefined],
      ],
    );
  });
});

describe('shell completions', () => {
  test('bash: commands, a command\'s options, states after "state", shells', (t) => {
    if (!have('bash')) {
      t.skip('bash not installed');
      return;
    }
    const script = execFileSync(process.execPath, [CLI, 'completion', 'bash'], { encoding: 'utf8' });
    const probe = `${script}
t() { COMP_WORDS=("$@"); COMP_CWORD=$(($#-1)); _tcpstate; echo "\${COMPREPLY[*]}"; }
t tcpstate co; t tcpstate count --b; t tcpstate ls state time-; t tcpstate completion f; t tcpstate diff --to; t tcpstate help hi
complete -p tcpstate`;
    const out = execFileSync('bash', ['--norc', '-c', probe], { encoding: 'utf8' }).split('\n');
    assert.deepEqual(out.slice(0, 6), ['count completion', '--by', 'time-wait', 'fish', '--top', 'history']);
    assert.match(out[6]!, /-F _tcpstate tcpstate$/);
  });

  test('fish: complete -C gives the options --help lists, with their descriptions', (t) => {
    if (!have('fish')) {
      t.skip('fish not installed');
      return;
    }
    const script = execFileSync(process.execPath, [CLI, 'completion', 'fish'], { encoding: 'utf8' });
    const out = execFileSync('fish', ['--no-config', '-c', `${script}\ncomplete -C 'tcpstate count --b'; complete -C 'tcpstate sim'; complete -C 'tcpstate ls state close-'`], { encoding: 'utf8' });
    assert.deepEqual(out.trim().split('\n'), [
      '--by\ta state-by-group table; KEY: lport rport laddr raddr process',
      'simulate\trun two TCP endpoints through a scenario: a timeline of states and segments',
      'close-wait',
    ]);
  });

  test('zsh: the script parses and registers _tcpstate for tcpstate', (t) => {
    if (!have('zsh')) {
      t.skip('zsh not installed');
      return;
    }
    const script = execFileSync(process.execPath, [CLI, 'completion', 'zsh'], { encoding: 'utf8' });
    assert.equal(spawnSync('zsh', ['-n'], { input: script }).status, 0);
    const out = execFileSync('zsh', ['-f', '-c', `autoload -Uz compinit; compinit -u -D; eval "$(cat)"; print -r -- $_comps[tcpstate]; whence -w _tcpstate`], { input: script, encoding: 'utf8' });
    assert.equal(out, '_tcpstate\n_tcpstate: function\n');
  });

  test('an unknown shell is a usage error naming the three', async () => {
    const r = await runMain(['completion', 'tcsh']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /completion takes one shell: bash, zsh, fish; got "tcsh"/);
  });
});
