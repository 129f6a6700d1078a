// Runs a real Prometheus (Debian's `prometheus` package) for the gate: its own port on 127.0.0.1,
// its own data folder, scraping the given targets every second with the target labels the
// Prometheus Operator gives a PodMonitor's targets (namespace, app_kubernetes_io_name,
// app_kubernetes_io_version, switchyard_dev_slot).
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts Prometheus; resolves to { url, query(expr), stop() } once it is ready.
 * @param targets [{ address: 'host:port', path: '/blue/metrics', labels: {...} }]
 */
async function startPrometheus(targets, { binary = 'prometheus', scrapeInterval = '1s' } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-prometheus-'));
  const port = await freePort();
  // JSON is YAML: one job per target, as each has its own path.
  const config = {
    global: { scrape_interval: scrapeInterval, evaluation_interval: scrapeInterval },
    scrape_configs: targets.map((t, i) => ({
      job_name: `target-${i}`, metrics_path: t.path, static_configs: [{ targets: [t.address], labels: t.labels }],
    })),
  };
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const log = fs.openSync(path.join(dir, 'prometheus.log'), 'w');
  const child = spawn(binary, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
  ], { stdio: ['ignore', log, log] });
  let exited;
  child.once('exit', (code) => { exited = code ?? -1; });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      for (let i = 0; i < 50 && exited === undefined; i++) await sleep(100);
      if (exited === undefined) child.kill('SIGKILL');
    }
    fs.closeSync(log);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    if (exited !== undefined || i > 150) {
      const text = fs.readFileSync(path.join(dir, 'prometheus.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
      await stop();
      throw new Error(`prometheus did not get ready (${exited !== undefined ? `exited ${exited}` : 'timeout'}):\n${text}`);
    }
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  const query = async (expr) => {
    const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = await r.json();
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result;
  };
  /** Waits until every target has been scraped at least `samples` times. */
  const waitForSamples = async (samples = 3, timeoutMs = 30_000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = await query(`count_over_time(up[1h])`);
      if (r.length === targets.length && r.every((s) => Number(s.value[1]) >= samples)) return;
      if (Date.now() > until) throw new Error(`targets not scraped ${samples} times within ${timeoutMs} ms`);
      await sleep(500);
    }
  };
  return { url, query, waitForSamples, stop };
}

module.exports = { startPrometheus, freePort };
