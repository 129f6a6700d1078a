// @switchyard-iac/cdktf/register: runs a cdktf program written in TypeScript, without type-checking it.
//
//   "app": "node --require @switchyard-iac/cdktf/register main.ts"        (cdktf.json)
//
// Loads `.ts` files as CommonJS, transpiled by esbuild (type-checking is `tsc`'s job), each file
// transpiled once and kept in the project's cache: node_modules/.cache/switchyard/ts of the nearest
// folder, from the current one up, that has a node_modules folder. Entries are keyed by the file's
// path and source and the esbuild version, so a changed file is transpiled again. Where the cache
// cannot be written (a read-only checkout, no node_modules) each file is transpiled at every run.
//
// Unlike tsx it does not turn on Node's source-map support: cdktf records a stack trace for every
// token it creates, and mapping each of those through source maps cost a quarter of a synth. The
// output keeps an inline source map, so `NODE_OPTIONS=--enable-source-maps` maps error stacks to
// the TypeScript lines when you need them. It also makes those token traces format to nothing
// (lib/private/token-traces.ts: Errors and every other capture keep theirs), unless source maps are on.
//
// This file is plain JavaScript on purpose: it is what loads TypeScript, so it runs as it is, from
// the package and from a checkout of the repository alike.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');

/** The cache folder of the project Node runs in, or undefined when no folder up from here has node_modules. */
function cacheDirOf(start) {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    let found = false;
    try {
      found = fs.statSync(path.join(dir, 'node_modules')).isDirectory();
    } catch {
      // not here
    }
    if (found) return path.join(dir, 'node_modules', '.cache', 'switchyard', 'ts');
    if (path.dirname(dir) === dir) return undefined;
  }
}

const cacheDir = cacheDirOf(process.cwd());
// Its version, without loading esbuild itself (only a cache miss needs it).
const esbuildVersion = require('esbuild/package.json').version;

/** `filename`'s source as CommonJS, from the cache or transpiled now (and cached). */
function transpile(source, filename) {
  const key = crypto.createHash('sha1').update(filename).update('\0').update(source).update(`\0${esbuildVersion}\0v1`).digest('hex');
  const cached = cacheDir && path.join(cacheDir, `${key}.js`);
  if (cached) {
    try {
      return fs.readFileSync(cached, 'utf8');
    } catch {
      // not cached yet
    }
  }
  const { code } = require('esbuild').transformSync(source, {
    loader: 'ts', format: 'cjs', target: 'node20', sourcemap: 'inline', sourcefile: filename,
  });
  if (cached) {
    const tmp = `${cached}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      // Written aside and renamed: a concurrent run never reads half a file.
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached);
    } catch {
      // a read-only checkout runs without the cache
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // nothing was written
      }
    }
  }
  return code;
}

Module._extensions['.ts'] = function loadTs(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};

// The stack trace cdktf formats for every token it makes, never shown: formatted to nothing for the
// rest of this process (the runner's choice, made on the command line; the library itself installs
// no hook). From the sources in a checkout of the repository, from the build in the package.
const tokenTraces = path.join(__dirname, 'lib', 'private', 'token-traces.ts');
require(fs.existsSync(tokenTraces) ? tokenTraces : path.join(__dirname, 'build', 'lib', 'private', 'token-traces.js')).quietTokenTraces();
