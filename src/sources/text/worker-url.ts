/**
 * Where a capture worker's code is: its CommonJS bundle (scripts/bundle.mjs) while it is not
 * older than the compiled module, else the module, found from the compiled modules
 * (dist/src/sources/text/) or from a command bundle (dist/src/cli/).
 * @module
 */
import { fs } from '../../builtins.js';

/** The file of worker `name` (`count-worker`, `read-worker`), or undefined when neither is there. */
export function workerUrl(name: string, from: string): URL | undefined {
  for (const dir of ['./', '../sources/text/']) {
    const js = new URL(`${dir}${name}.js`, from);
    let module: number;
    try {
      module = fs.statSync(js).mtimeMs;
    } catch {
      continue;
    }
    const cjs = new URL(`${dir}${name}.cjs`, from);
    try {
      if (fs.statSync(cjs).mtimeMs >= module) return cjs;
    } catch {
      // no bundle: the module
    }
    return js;
  }
  return undefined;
}
