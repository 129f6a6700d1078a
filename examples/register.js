// The TypeScript runner of this repository's programs (the `app` command of cdktf.json, the benchmark):
//
//   node --require ./examples/register.js examples/shop/main.ts
//
// Loads `.ts` files as CommonJS, transpiled by esbuild without type-checking (that is `tsc`'s job),
// each transpiled once and kept in build/.cache/ts, keyed by its source, path and the esbuild version.
// Unlike tsx it does not turn on Node's source-map support: cdktf records a stack trace for every
// token it creates, and mapping each of those through source maps cost a quarter of a synth. The
// output keeps an inline source map, so `NODE_OPTIONS=--enable-source-maps` maps error stacks to
// the TypeScript lines when you need them.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');

const cacheDir = path.join(__dirname, '..', 'build', '.cache', 'ts');
// Its version, without loading esbuild itself (only a cache miss needs it).
const esbuildVersion = require('esbuild/package.json').version;

/** `filename`'s source as CommonJS, from the cache or transpiled now (and cached). */
function transpile(source, filename) {
  const key = crypto.createHash('sha1').update(filename).update('\0').update(source).update(`\0${esbuildVersion}\0v1`).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // not cached yet
  }
  const { code } = require('esbuild').transformSync(source, {
    loader: 'ts', format: 'cjs', target: 'node20', sourcemap: 'inline', sourcefile: filename,
  });
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    // Written aside and renamed: a concurrent run never reads half a file.
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  } catch {
    // a read-only checkout runs without the cache
  }
  return code;
}

Module._extensions['.ts'] = function loadTs(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};

// The stack trace cdktf formats for every token it makes, never shown: formatted to nothing for the
// rest of this process (the runner's choice, made on the command line; see lib/private/token-traces.ts).
require(path.join(__dirname, '..', 'lib', 'private', 'token-traces.ts')).quietTokenTraces();
