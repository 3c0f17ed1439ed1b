/**
 * The message catalogue is complete (issue 15 §3): every domain registered in
 * src/i18n/registry.ts has every key in English and Chinese, no text empty, the same
 * placeholders in both (a function's parameters and the fields it reads), the same
 * options and commands named; explain's texts likewise; and no text cites "the article":
 * explanations stand on their own.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { LABELS, STATE_TEXTS } from '../../src/fsm/explain-data.js';
import { COLUMN_TEXTS } from '../../src/render/column-texts.js';
import { DOMAINS, loadDomain } from '../../src/i18n/registry.js';

/** JavaScript source with the text of its string and template literals blanked (`${...}` kept). */
function codeOnly(src: string): string {
  let out = '';
  const stack: ('code' | 'tpl')[] = ['code'];
  let depth: number[] = [0];
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    const mode = stack[stack.length - 1];
    if (mode === 'tpl') {
      if (c === '\\') {
        i++;
        continue;
      }
      if (c === '`') {
        stack.pop();
        out += ' ';
        continue;
      }
      if (c === '$' && src[i + 1] === '{') {
        stack.push('code');
        depth.push(0);
        i++;
        out += ' ';
        continue;
      }
      continue;
    }
    if (c === "'" || c === '"') {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\') i++;
      out += ' ';
      continue;
    }
    if (c === '`') {
      stack.push('tpl');
      continue;
    }
    if (c === '{') depth[depth.length - 1]!++;
    if (c === '}') {
      if (depth[depth.length - 1] === 0 && stack.length > 1) {
        stack.pop();
        depth = depth.slice(0, -1);
        out += ' ';
        continue;
      }
      depth[depth.length - 1]!--;
    }
    out += c;
  }
  return out;
}

/** What a function's texts use: each parameter by position, with the fields read from it. */
export function placeholders(fn: (...args: never[]) => unknown): Set<string> {
  const src = fn.toString();
  const arrow = src.indexOf('=>');
  const head = src.slice(0, arrow).trim();
  const params = head
    .replace(/^async\s*/, '')
    .replace(/^\(|\)$/g, '')
    .split(',')
    .map((p) => p.trim().replace(/\s*=.*$/, ''))
    .filter(Boolean);
  const body = codeOnly(src.slice(arrow + 2));
  const used = new Set<string>();
  params.forEach((name, i) => {
    const re = new RegExp(`(?<![\\w.$])${name.replace(/\$/g, '\\$')}(?![\\w$])((?:\\??\\.[A-Za-z_$][\\w$]*)*)`, 'g');
    for (const m of body.matchAll(re)) used.add(`$${i}${m[1]!.replace(/\?/g, '')}`);
  });
  return used;
}

/** Options (`--lang`) and command words a text names; they stay the same in every language. */
function names(text: string): string[] {
  return [...new Set(text.match(/(?<![\w-])--[a-z][a-z0-9.-]*/g) ?? [])].sort();
}

/** Every (path, English, Chinese) leaf pair of two catalogues side by side. */
function* leaves(en: unknown, zh: unknown, path: string): Generator<[string, unknown, unknown]> {
  if (en !== null && typeof en === 'object') {
    assert.ok(zh !== null && typeof zh === 'object', `${path}: an ${Array.isArray(en) ? 'array' : 'object'} in English, ${typeof zh} in Chinese`);
    if (Array.isArray(en)) assert.equal((zh as unknown[]).length, en.length, `${path}: list lengths`);
    assert.deepEqual(Object.keys(zh as object).sort(), Object.keys(en).sort(), `${path}: the same keys`);
    for (const k of Object.keys(en)) yield* leaves((en as Record<string, unknown>)[k], (zh as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  yield [path, en, zh];
}

const ARTICLE = /\barticle\b|原文|文章/i;

test('every domain: both languages, every key, nothing empty, the same placeholders and options', async () => {
  assert.ok(Object.keys(DOMAINS).length >= 6);
  let n = 0;
  for (const name of Object.keys(DOMAINS)) {
    const c = await loadDomain(name);
    for (const [path, en, zh] of leaves(c.en, c.zh, name)) {
      n++;
      assert.equal(typeof zh, typeof en, `${path}: a ${typeof en} in English, a ${typeof zh} in Chinese`);
      if (typeof en === 'string') {
        assert.ok(en.trim() !== '' && (zh as string).trim() !== '', `${path}: empty text`);
        assert.deepEqual(names(zh as string), names(en), `${path}: options named`);
        for (const s of [en, zh as string]) assert.doesNotMatch(s, ARTICLE, `${path}: cites the article`);
      } else if (typeof en === 'function') {
        const f = zh as (...args: never[]) => unknown;
        const g = en as (...args: never[]) => unknown;
        assert.equal(f.length, en.length, `${path}: parameters`);
        assert.deepEqual([...placeholders(f)].sort(), [...placeholders(g)].sort(), `${path}: placeholders used`);
        assert.ok(placeholders(g).size > 0 || en.length === 0, `${path}: a function that uses none of its parameters`);
        const strip = (s: string) => s.replace(/\$\{[^}]*\}/g, '');
        assert.deepEqual(names(strip(f.toString())), names(strip(en.toString())), `${path}: options named`);
        for (const s of [en.toString(), f.toString()]) assert.doesNotMatch(s, ARTICLE, `${path}: cites the article`);
      } else assert.ok(['number', 'boolean'].includes(typeof en), `${path}: a ${typeof en}`);
    }
  }
  assert.ok(n > 150, `${n} texts`);
});

test('the placeholder check sees a missing or extra placeholder', () => {
  const en = (o: { a: string; b: string }, n: number) => `${o.a} and ${o.b}: ${n}`;
  assert.deepEqual([...placeholders(en)].sort(), ['$0.a', '$0.b', '$1']);
  const zh = (o: { a: string; b: string }, n: number) => `${o.a}：${n}`;
  assert.notDeepEqual([...placeholders(zh)].sort(), [...placeholders(en)].sort());
  assert.deepEqual([...placeholders((x: string) => `${x} ${x.length}`)].sort(), ['$0', '$0.length']);
});

test('explain: every state and column text in both languages, none citing the article', () => {
  let n = 0;
  const walk = (v: unknown, path: string): void => {
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o['en'] === 'string' || typeof o['zh'] === 'string') {
      n++;
      assert.ok(typeof o['en'] === 'string' && o['en'].trim() !== '', `${path}.en`);
      assert.ok(typeof o['zh'] === 'string' && o['zh'].trim() !== '', `${path}.zh`);
      for (const k of ['en', 'zh']) assert.doesNotMatch(o[k] as string, ARTICLE, `${path}.${k} cites the article`);
      return;
    }
    for (const [k, x] of Object.entries(o)) walk(x, `${path}.${k}`);
  };
  walk(STATE_TEXTS, 'STATE_TEXTS');
  walk(COLUMN_TEXTS, 'COLUMN_TEXTS');
  walk(LABELS, 'LABELS');
  assert.ok(n > 100, `${n} texts`);
});
