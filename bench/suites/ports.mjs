/**
 * Sandbox ports by URL (issue 13): an HTTP server in a sandbox (one with a network namespace of
 * its own) reached through `http://<port>-<id>.localhost:<daemon port>`, beside the same server
 * program run directly on the host (the floor), in the same run:
 *
 * 1. Request latency, p50/p99 of a small GET (in-process `node:http`, 300 runs after 20 warm-up,
 *    interleaved): over one kept-alive connection, and with a new connection per request (every
 *    one a new tunnel through envd into the sandbox).
 * 2. Throughput: `curl -o /dev/null` of 512 MiB streamed by the server (3 runs, medians), MiB/s.
 *
 * No targets: the table reports each row's ratio to the floor.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importOr, measureAsync, measureCommands } from '../lib/measure.mjs';
import { ratio } from '../lib/stats.mjs';
import { failures, fmtMs, fmtRatio, NA } from '../lib/table.mjs';

export const name = 'ports';
export const order = 45;
export const description = 'ports by URL: HTTP latency p50 and throughput through <port>-<id>.localhost vs the same server on the host';

const PORT_IN_SANDBOX = 8000;
const STREAM_MIB = 512;
const MiB = 1024 ** 2;

/** The server, for both places: GET / answers "ok"; GET /bytes?mib=N streams N MiB. */
const SERVER = `
const http = require('node:http');
const chunk = Buffer.alloc(1 << 20, 120);
http.createServer((req, res) => {
  if (req.url.startsWith('/bytes')) {
    let left = Number(new URL(req.url, 'http://x').searchParams.get('mib'));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': left * chunk.length });
    const pump = () => { while (left > 0) { left--; if (!res.write(chunk)) { res.once('drain', pump); return; } } res.end(); };
    pump();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
  res.end('ok');
}).listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('listening\\n'));
`;

/** One GET; resolves with the body's length. */
function get(options) {
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      let n = 0;
      res.on('data', (d) => (n += d.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`status ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function run(ctx) {
  const runs = ctx.runs(300);
  const runsStream = ctx.runs(3);
  const backend = await ctx.backend();
  const conn = await ctx.connection();
  const ours = await importOr(pathToFileURL(join(ctx.root, 'dist', 'index.js')).href);
  if (!ours.mod) throw new Error(`cannot import our library: ${ours.error}`);

  const script = join(ctx.tmpDir, 'port-bench-server.cjs');
  writeFileSync(script, SERVER);

  // The floor: the same program on the host, on a free port.
  const probe = (await import('node:net')).createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const hostPort = probe.address().port;
  probe.close();
  const host = spawn(ctx.commands.node, [script, String(hostPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  ctx.defer(() => host.kill());
  await once(host.stdout, 'data');

  ctx.log('ports: creating a sandbox with a network of its own');
  // Own network namespace: no internet (every sandbox gets one once issue 13's network part lands).
  const sandbox = await ours.mod.Sandbox.create('base', { ...conn, timeoutMs: 1_800_000, allowInternetAccess: false });
  ctx.defer(() => sandbox.kill().catch(() => undefined));
  await sandbox.files.write('/tmp/port-bench-server.cjs', SERVER);
  await sandbox.commands.run(`node /tmp/port-bench-server.cjs ${PORT_IN_SANDBOX}`, { background: true, timeoutMs: 0 });
  const viaUrl = { host: '127.0.0.1', port: backend.port, headers: { Host: `${PORT_IN_SANDBOX}-${sandbox.sandboxId}.localhost:${backend.port}` } };
  const direct = { host: '127.0.0.1', port: hostPort };
  for (let i = 0; ; i++) {
    try {
      await get({ ...viaUrl, path: '/', agent: false });
      break;
    } catch (e) {
      if (i > 300) throw new Error(`the sandbox's server did not come up: ${e.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  ctx.defer(() => keepAlive.destroy());
  const latencyRows = [
    { key: 'floor-ka', label: 'direct on the host, kept-alive (floor)', run: () => get({ ...direct, path: '/', agent: keepAlive }) },
    { key: 'url-ka', label: 'through the port URL, kept-alive', run: () => get({ ...viaUrl, path: '/', agent: keepAlive }) },
    { key: 'floor-new', label: 'direct on the host, a new connection each (floor)', run: () => get({ ...direct, path: '/', agent: false }) },
    { key: 'url-new', label: 'through the port URL, a new connection each', run: () => get({ ...viaUrl, path: '/', agent: false }) },
  ];
  ctx.log(`ports: latency, ${runs} runs per row`);
  const latency = await measureAsync(latencyRows, { runs, warmup: 20, signal: ctx.signal });
  const byKey = (key) => latency.find((r) => r.row.key === key);
  const latencyTable = latency.map((r) => {
    const floor = byKey(r.row.key.endsWith('-ka') ? 'floor-ka' : 'floor-new');
    if (!r.ok) return { op: r.label, p50: 'failed*', p99: '', vs: '' };
    return {
      op: r.label,
      p50: fmtMs(r.wallStats.p50),
      p99: fmtMs(r.wallStats.p99),
      vs: r === floor ? '1.00x' : floor?.ok ? fmtRatio(ratio(r.wallStats.p50, floor.wallStats.p50)) : NA,
    };
  });

  const curlArgs = (url, extra = []) => ['-sS', '-f', '-o', '/dev/null', ...extra, `${url}/bytes?mib=${STREAM_MIB}`];
  const streamRows = [
    { key: 'floor', label: `curl ${STREAM_MIB} MiB direct on the host (floor)`, cmd: 'curl', args: curlArgs(`http://127.0.0.1:${hostPort}`) },
    {
      key: 'url',
      label: `curl ${STREAM_MIB} MiB through the port URL`,
      cmd: 'curl',
      args: curlArgs(`http://${PORT_IN_SANDBOX}-${sandbox.sandboxId}.localhost:${backend.port}`),
    },
  ];
  ctx.log(`ports: throughput, ${runsStream} runs per row`);
  const stream = await measureCommands(streamRows, { runs: runsStream, env: process.env, tmpDir: ctx.tmpDir, signal: ctx.signal, timeoutMs: 5 * 60_000 });
  const rate = (r) => (r.ok ? (STREAM_MIB * MiB) / MiB / (r.wallStats.p50 / 1000) : NaN);
  const streamFloor = stream.find((r) => r.row.key === 'floor');
  const streamTable = stream.map((r) => ({
    op: r.label,
    rate: r.ok ? rate(r).toFixed(0) : 'failed*',
    vs: r === streamFloor ? '1.00x' : streamFloor?.ok && r.ok ? fmtRatio(rate(r) / rate(streamFloor)) : NA,
  }));

  return [
    {
      title: 'ports by URL: request latency',
      description:
        `A small GET (2-byte body) to a node HTTP server, p50/p99 over ${runs} runs after 20 warm-up, rows interleaved, client in-process (node:http). ` +
        `"Through the port URL" goes to the daemon with Host \`${PORT_IN_SANDBOX}-<id>.localhost:<port>\`, through envd's tunnel into the sandbox's own network namespace; ` +
        'the floor is the same server program run on the host. "vs floor" is the p50 ratio to the floor of the same connection kind.',
      columns: [
        { key: 'op', label: 'request' },
        { key: 'p50', label: 'p50 ms', align: 'right' },
        { key: 'p99', label: 'p99 ms', align: 'right' },
        { key: 'vs', label: 'vs floor', align: 'right' },
      ],
      rows: latencyTable,
      checks: [],
      notes: ['p99 is nearest-rank.', ...failures(latency)],
    },
    {
      title: 'ports by URL: throughput',
      description: `curl -o /dev/null of ${STREAM_MIB} MiB streamed by the same server, ${runsStream} runs, median wall time as MiB/s (2^20 bytes).`,
      columns: [
        { key: 'op', label: 'transfer' },
        { key: 'rate', label: 'MiB/s', align: 'right' },
        { key: 'vs', label: 'vs floor', align: 'right' },
      ],
      rows: streamTable,
      checks: [],
      notes: failures(stream),
    },
  ];
}
