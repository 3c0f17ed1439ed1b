// Copies the dashboard's static files beside the compiled code (dist/src/web/assets/): the
// client script and styles from src/web/client/ and uPlot from the `uplot` package, so the
// page is served from the package itself (no CDN; src/web/assets.ts reads them).
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'src', 'web', 'assets');
mkdirSync(out, { recursive: true });
for (const f of ['app.js', 'app.css']) copyFileSync(join(root, 'src', 'web', 'client', f), join(out, f));
const uplot = dirname(createRequire(join(root, 'package.json')).resolve('uplot/package.json'));
for (const f of ['uPlot.iife.min.js', 'uPlot.min.css']) copyFileSync(join(uplot, 'dist', f), join(out, f));
