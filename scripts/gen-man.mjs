// npm run man: writes man/tcpstate.1 from the commands' --help texts (src/render/man.ts).
// Run after a build; test/cli/man.test.ts fails when the page in the repository is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { manPage } = await import(join(root, 'dist', 'src', 'cli', 'reference.js'));
mkdirSync(join(root, 'man'), { recursive: true });
writeFileSync(join(root, 'man', 'tcpstate.1'), await manPage());
console.log('wrote man/tcpstate.1');
