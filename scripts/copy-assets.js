#!/usr/bin/env node
// Copies the files of lib/ that tsc does not emit (programs the library reads at synth, such as
// lib/dependencies/messaging/ensure.py) into the build, beside the compiled modules that read them:
//
//   node scripts/copy-assets.js [OUT]    # lib/<path> -> OUT/lib/<path>; OUT is tsc's outDir, build
//
// `npm run build` and `prepack` run it after tsc; package.json `files` ships what it copies.
'use strict';
const fs = require('fs');
const path = require('path');

/** The kinds of file under lib/ that are part of the library besides its modules. */
const ASSETS = ['.py'];

const root = path.resolve(__dirname, '..');
const out = path.resolve(root, process.argv[2] ?? 'build');

/** Every asset under `dir` (relative to the root), sorted. */
function assets(dir) {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? assets(path.join(dir, e.name)) : ASSETS.includes(path.extname(e.name)) ? [path.join(dir, e.name)] : []))
    .sort();
}

for (const file of assets('lib')) {
  fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
  fs.copyFileSync(path.join(root, file), path.join(out, file));
}
