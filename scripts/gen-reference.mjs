// Saves the command reference (every command's --help, parsed) as dist/src/cli/reference.json,
// so `tcpstate completion SHELL` reads one file instead of loading every command. Run after
// tsc (the file counts only while newer than dist/src/cli/main.js: src/cli/reference.ts).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'cli');
const { commandReference, REFERENCE_FILE } = await import(join(dir, 'reference.js'));
writeFileSync(join(dir, REFERENCE_FILE), JSON.stringify(await commandReference()) + '\n');
