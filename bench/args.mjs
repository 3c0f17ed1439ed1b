// What every bench script starts with: the repository's root and `--name value` options.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (bench/..). */
export const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The script's own arguments. */
export const args = process.argv.slice(2);
/** The value after `--name`, else `d`. */
export const opt = (n, d) => {
  const i = args.indexOf(n);
  return i >= 0 ? args[i + 1] : d;
};
