#!/usr/bin/env node
// The `prepack` script: `npm pack` and `npm publish` run it before they collect the package's files.
//
// 1. In a fresh clone nothing is installed yet, and the build needs TypeScript and the libraries'
//    types. So when there is no node_modules folder at all, it runs `npm ci` first (the versions of
//    package-lock.json, as CI installs them) and says so. An existing node_modules is never touched:
//    if the build's tools are missing from it, it stops and names them, with the fix.
// 2. It builds the package afresh: build/lib is removed, then lib/ alone is compiled into it
//    (tsconfig.build.json) and lib/'s other files the library reads are copied beside the modules
//    (scripts/copy-assets.js), so the tarball holds what lib/ makes now, and no file of a module
//    removed since an earlier build. The incremental state of `npm run build` is removed with it.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const say = (line) => process.stderr.write(`prepack: ${line}\n`);
/** What the build needs, by package folder. */
const BUILD_NEEDS = ['typescript', '@types/node', 'cdktf', 'constructs', '@cdktf/provider-aws', '@cdktf/provider-kubernetes', '@cdktf/provider-helm'];

/** Runs a command with its output on stderr (npm pack --json keeps stdout for its report); exits on failure. */
function run(what, command, args, env = process.env) {
  const r = spawnSync(command, args, { cwd: root, stdio: ['ignore', 2, 2], env });
  if (r.error || r.status !== 0) {
    say(`${what} failed${r.error ? `: ${r.error.message}` : ` (exit ${r.status})`}`);
    process.exit(1);
  }
}

if (!fs.existsSync(path.join(root, 'node_modules'))) {
  say('no node_modules here (a fresh clone): running `npm ci` to install what the build needs, as package-lock.json pins it');
  // Not the pack command's own flags: a `npm pack --dry-run` must still install for real to build.
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_config_(dry_run|json|pack_destination)$/i.test(key)) delete env[key];
  }
  run('npm ci', process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund'], env);
}

const missing = BUILD_NEEDS.filter((name) => !fs.existsSync(path.join(root, 'node_modules', name, 'package.json')));
if (missing.length > 0) {
  say(`node_modules lacks ${missing.join(', ')}, which the build needs: run \`npm ci\`, then pack again`);
  process.exit(1);
}

fs.rmSync(path.join(root, 'build', 'lib'), { recursive: true, force: true });
fs.rmSync(path.join(root, 'build', '.tsbuildinfo'), { force: true });
say('building lib/ into build/lib (tsconfig.build.json)');
run('the build', process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'tsconfig.build.json']);
run('copying the assets', process.execPath, [path.join(__dirname, 'copy-assets.js')]);
