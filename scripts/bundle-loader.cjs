// Loads a command bundle (dist/src/cli/bundle-NAME.cjs) with V8's code cache beside it
// (bundle-NAME.cjs.cache, written by scripts/bundle.mjs): compiling a 150 KB bundle costs
// ~10 ms of every tcpstate run, reading its compiled form back about a third of that. The
// cache is only an accelerator: V8 rejects one made by another Node or with other flags, or
// for other source, and the bundle is then compiled as usual; a missing one likewise. This
// file is the banner of main.bundle.cjs.
const __tcpstate_bundles = (() => {
  const fs = require('node:fs');
  const vm = require('node:vm');
  const path = require('node:path');
  const dir = __dirname;
  /** While the caches are being made: the bundles loaded so far, compiled without a cache. */
  let making;
  /** Compile and run one bundle as a CommonJS module. */
  function load(name) {
    const file = path.join(dir, `bundle-${name}.cjs`);
    const cacheFile = `${file}.cache`;
    let cachedData;
    if (!making) {
      try {
        cachedData = fs.readFileSync(cacheFile);
      } catch {
        /* no cache: compile */
      }
    }
    const source = fs.readFileSync(file, 'utf8');
    const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
    making?.set(cacheFile, script);
    const m = { exports: {} };
    script.runInThisContext().call(m.exports, m.exports, require, m, file, dir);
    return m.exports;
  }
  /**
   * Make the caches (scripts/bundle.mjs): bundles loaded after this are kept, and
   * `writeCaches` writes each one's cache then, after the commands have run, so that it
   * holds the functions they ran already compiled, not only the bundle's top level.
   */
  function makeCaches() {
    making = new Map();
  }
  /** Write the caches of the bundles loaded since `makeCaches`, first loading those of `names` not yet loaded. */
  function writeCaches(names) {
    for (const name of names) if (!making.has(path.join(dir, `bundle-${name}.cjs.cache`))) load(name);
    for (const [cacheFile, script] of making) fs.writeFileSync(cacheFile, script.createCachedData());
  }
  return { load, makeCaches, writeCaches };
})();
