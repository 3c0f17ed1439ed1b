/**
 * Node built-ins for the start-up path, taken through `require`: an ESM
 * `import ... from 'node:fs'` builds a module namespace of every export, which touches
 * `fs.promises` and loads streams, readline and friends (about 25 internal modules) before
 * tcpstate has done anything. `require` returns the object and loads nothing more.
 * @module
 */
import { createRequire } from 'node:module';

const req = createRequire(import.meta.url);
export const fs = req('node:fs') as typeof import('node:fs');
export const util = req('node:util') as typeof import('node:util');
