// Writes docs/states.md and docs/states.svg from the compiled state-machine data
// (run "npm run docs", which builds first). test/fsm/docs.test.ts fails when they are stale.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { renderStatesMarkdown } = await import(join(root, 'dist/src/render/states-doc.js'));
const { renderStatesSvg } = await import(join(root, 'dist/src/render/diagram-svg.js'));
writeFileSync(join(root, 'docs/states.md'), renderStatesMarkdown());
writeFileSync(join(root, 'docs/states.svg'), renderStatesSvg());
console.log('wrote docs/states.md, docs/states.svg');
