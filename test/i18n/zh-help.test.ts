/**
 * `--help` of the older commands in Chinese (issue 15 §3), from the catalogue: ls, count, diff,
 * explain, diagram, completion, doctor, simulate, fleet, and the selection/filter block watch shares, as goldens; the
 * same options listed as in English (the man page and completions read the English); no
 * English sentence left outside option names and examples.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import test from 'node:test';
import { assertGolden } from '../lib/golden.js';
import { CLI, REPO } from '../lib/netns.js';

function run(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC', LC_ALL: '', LANG: 'C', NO_COLOR: '1', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The option names a help lists at the start of its lines, in order. */
function options(help: string): string[] {
  return [...help.matchAll(/^ {2}((?:-\w|--[a-z][\w.-]*)(?:, (?:-\w|--[a-z][\w.-]*))*)/gm)].map((m) => m[1]!);
}

/** Lines with four English words in a row and no Chinese, outside the examples. */
function english(help: string): string[] {
  // Examples and simulate's event list (ids and aliases) are commands, not sentences.
  const body = help.split(/\n示例:\n/)[0]!.replace(/\n事件（id，然后是别名）:\n[\s\S]*?\n\n/, '\n');
  // A list of format names is names, not a sentence.
  return body
    .split('\n')
    .filter((l) => !/^ {2}--input-format NAME {2}[a-z ]+$/.test(l))
    .filter((l) => /\b[a-z]{2,}[ ,]+[a-z]{2,}[ ,]+[a-z]{2,}[ ,]+[a-z]{2,}\b/i.test(l) && !/[\u4e00-\u9fff]/.test(l));
}

for (const command of ['ls', 'count', 'diff', 'explain', 'diagram', 'completion', 'watch', 'doctor', 'simulate', 'fleet']) {
  test(`${command} --help in Chinese: golden, the same options as in English, no English sentence`, () => {
    const zh = run([command, '--help'], { LANG: 'zh_CN.UTF-8' });
    const en = run([command, '--help']);
    assert.equal(zh.code, 0, zh.stderr);
    assertGolden(`i18n/help-${command}-zh.txt`, zh.stdout);
    assert.equal(run([command, '--help'], { TCPSTATE_LANG: 'zh' }).stdout, zh.stdout);
    assert.deepEqual(options(zh.stdout), options(en.stdout));
    assert.deepEqual(english(zh.stdout), []);
    assert.doesNotMatch(en.stdout, /[\u4e00-\u9fff]/);
    if (['explain', 'diagram', 'doctor', 'simulate', 'fleet'].includes(command)) {
      assert.equal(run([command, '--help', '--lang', 'zh']).stdout, zh.stdout, '--lang zh');
      assert.equal(run([command, '--help', '--lang', 'en'], { LANG: 'zh_CN.UTF-8' }).stdout, en.stdout, '--lang wins');
    }
  });
}
