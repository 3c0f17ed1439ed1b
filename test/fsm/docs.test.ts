import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderStatesSvg } from '../../src/render/diagram-svg.js';
import { renderStatesMarkdown } from '../../src/render/states-doc.js';
import { ROWS } from '../../src/fsm/rfc9293.js';
import { SCENARIOS } from '../../src/fsm/scenarios.js';
import { REPO } from '../lib/netns.js';

test('docs/states.md and docs/states.svg are what the data renders (run "npm run docs" after changing it)', () => {
  const md = renderStatesMarkdown();
  assert.equal(readFileSync(join(REPO, 'docs', 'states.md'), 'utf8'), md, 'docs/states.md is stale: npm run docs');
  assert.equal(readFileSync(join(REPO, 'docs', 'states.svg'), 'utf8'), renderStatesSvg(), 'docs/states.svg is stale: npm run docs');
  for (const r of ROWS) assert.ok(md.includes(`| ${r.id} |`), `row ${r.id} is documented`);
  for (const s of SCENARIOS) assert.ok(md.includes(`\`${s.name}\``), `scenario ${s.name} is documented`);
});
