// Loads a command bundle (dist/src/cli/bundle-NAME.cjs) with V8's code cache beside it
// (bundle-NAME.cjs.cache, written by scripts/bundle.mjs): compiling a 150 KB bundle costs
// ~10 ms of every tcpstate run, reading its compiled form back about a third of that. The
// cache is only an accelerator: V8 rejects one made by another Node or with other flags,
// and the bundle is then compiled as usual. This file is the banner of main.bundle.cjs.
const __tcpstate_bundles = (() => {
  const fs = require('node:fs');
  const vm = require('node:vm');
  const path = require('node:path');
  const dir = __dirname;
  /** Compile and run one bundle as a CommonJS module; `writeCache` (re)writes its cache. */
  function load(name, writeCache = false) {
    const file = path.join(dir, `bundle-${name}.cjs`);
    const cacheFile = `${file}.cache`;
    let cachedData;
    if (!writeCache) {
      try { cachedData = fs.readFileSync(cacheFile); } catch { /* no cache: compile */ }
    }
    const source = fs.readFileSync(file, 'utf8');
    const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
    const m = { exports: {} };
    script.runInThisContext().call(m.exports, m.exports, require, m, file, dir);
    if (writeCache) fs.writeFileSync(cacheFile, script.createCachedData());
    return m.exports;
  }
  return { load };
})();
