// Jest test environment: Node's, plus a quick exit for the worker process.
//
// When jest ends a worker, the worker's event loop drains and Node then tears its heap down before
// the process exits. A worker holds what its last test files loaded (cdktf and the provider
// bindings, 200-300 MB), and on a busy 2-core machine that teardown took longer than the 500 ms
// jest waits before it kills the worker and warns "A worker process has failed to exit
// gracefully". There is no open handle: the worker reaches 'beforeExit' within a millisecond.
// process.exit() from there ends the process without the heap teardown.
'use strict';
const { TestEnvironment } = require('jest-environment-node');

if (process.send && !process.listeners('beforeExit').some((l) => l.name === 'switchyardQuickExit')) {
  process.once('beforeExit', function switchyardQuickExit() {
    process.exit();
  });
}

module.exports = TestEnvironment;
