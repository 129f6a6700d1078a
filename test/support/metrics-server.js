// A stand-in for a service's two slots, for a real Prometheus to scrape: each slot serves
// `http_requests_total{code}` and the histogram `http_request_duration_seconds` (the metrics the
// alert rules and the canary analysis read) at /<slot>/metrics, growing at the rates it is told.
//
//   const server = await startMetricsServer({ total: 100, weight: 0, blue: {...}, green: {...} });
//   server.set({ weight: 25 });        // a quarter of the traffic to the idle slot from now on
//   POST /weight/<percent>             // the same from a shell (a rollout's --deploy command)
//
// Counters grow from the time of each change by rate x elapsed seconds, so Prometheus' rate()
// over a window sees exactly the rates set. Each slot: `errorRatio` of its requests answer 503,
// every request takes `latency` seconds (bucketed).
'use strict';
const http = require('http');

const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Starts the server on a free port of 127.0.0.1; resolves to { port, set(config), close() }. */
function startMetricsServer(initial) {
  const config = { total: 100, weight: 0, live: 'blue', blue: { errorRatio: 0, latency: 0.08 }, green: { errorRatio: 0, latency: 0.08 }, ...initial };
  // Per slot: counts at the last change, and the time of it.
  const counts = { blue: { ok: 0, error: 0 }, green: { ok: 0, error: 0 } };
  let since = Date.now() / 1000;
  const rates = () => {
    const idle = config.live === 'blue' ? 'green' : 'blue';
    const share = { [config.live]: (100 - config.weight) / 100, [idle]: config.weight / 100 };
    return Object.fromEntries(['blue', 'green'].map((s) => {
      const rps = config.total * share[s];
      return [s, { ok: rps * (1 - config[s].errorRatio), error: rps * config[s].errorRatio }];
    }));
  };
  const now = () => {
    const t = Date.now() / 1000;
    const r = rates();
    return Object.fromEntries(['blue', 'green'].map((s) => [s, { ok: counts[s].ok + r[s].ok * (t - since), error: counts[s].error + r[s].error * (t - since) }]));
  };
  const set = (change) => {
    const current = now();
    for (const s of ['blue', 'green']) counts[s] = current[s];
    since = Date.now() / 1000;
    for (const [k, v] of Object.entries(change)) config[k] = typeof v === 'object' ? { ...config[k], ...v } : v;
  };
  const exposition = (slot) => {
    const c = now()[slot];
    const all = c.ok + c.error;
    const lines = [
      '# TYPE http_requests_total counter',
      `http_requests_total{code="200"} ${c.ok.toFixed(3)}`,
      // A client library makes a status's series at its first response of it.
      ...(c.error > 0 ? [`http_requests_total{code="503"} ${c.error.toFixed(3)}`] : []),
      '# TYPE http_request_duration_seconds histogram',
      ...BUCKETS.map((le) => `http_request_duration_seconds_bucket{le="${le}"} ${(config[slot].latency <= le ? all : 0).toFixed(3)}`),
      `http_request_duration_seconds_bucket{le="+Inf"} ${all.toFixed(3)}`,
      `http_request_duration_seconds_sum ${(all * config[slot].latency).toFixed(3)}`,
      `http_request_duration_seconds_count ${all.toFixed(3)}`,
    ];
    return `${lines.join('\n')}\n`;
  };
  const server = http.createServer((req, res) => {
    const m = /^\/(blue|green)\/metrics$/.exec(req.url ?? '');
    if (req.method === 'GET' && m) {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(exposition(m[1]));
      return;
    }
    const w = /^\/weight\/(\d{1,3})$/.exec(req.url ?? '');
    if (req.method === 'POST' && w && Number(w[1]) <= 100) {
      set({ weight: Number(w[1]) });
      res.writeHead(204);
      res.end();
      return;
    }
    const live = /^\/live\/(blue|green)$/.exec(req.url ?? '');
    if (req.method === 'POST' && live) {
      set({ live: live[1], weight: 0 });
      res.writeHead(204);
      res.end();
      return;
    }
    res.writeHead(404);
    res.end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({
      port: server.address().port,
      set,
      config: () => JSON.parse(JSON.stringify(config)),
      close: () => new Promise((r) => server.close(() => r())),
    }));
  });
}

module.exports = { startMetricsServer, BUCKETS };
