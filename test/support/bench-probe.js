// Preloaded into every node process the benchmark starts (NODE_OPTIONS --require):
// appends the process's peak resident memory (KiB) to $SWITCHYARD_BENCH_RSS at exit.
'use strict';
const file = process.env.SWITCHYARD_BENCH_RSS;
if (file) {
  process.on('exit', () => {
    require('fs').appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
  });
}
