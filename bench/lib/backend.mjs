/**
 * A local backend for one bench run: the built daemon (dist/local/daemon/main.js) as its own
 * process, in a fresh state folder (E2B_TS_HOME), on a free port.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the daemon; resolves once it published daemon.json with its own pid.
 * Returns { home, port, url, apiKey, pid, runtime, output(), sandboxDir(id), killAllSandboxes(), stop() }.
 */
export async function startBackend({ root, home, env = process.env, timeoutMs = 15_000 }) {
  const daemonMain = join(root, 'dist', 'local', 'daemon', 'main.js');
  if (!existsSync(daemonMain)) throw new Error(`${daemonMain} is missing: build first (node scripts/build.mjs)`);
  const out = [];
  const child = spawn(process.execPath, [daemonMain, '--port', '0'], {
    env: { ...env, E2B_TS_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => out.push(d.toString()));
  child.stderr.on('data', (d) => out.push(d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.once('error', (e) => out.push(String(e)));

  const infoPath = join(home, 'daemon.json');
  const deadline = Date.now() + timeoutMs;
  let info;
  while (!info) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`local daemon exited during start-up: ${out.join('').trim()}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`local daemon did not start within ${timeoutMs} ms: ${out.join('').trim()}`);
    }
    try {
      const parsed = JSON.parse(readFileSync(infoPath, 'utf8'));
      if (parsed.pid === child.pid) info = parsed;
    } catch {
      // not written yet, or being written
    }
    if (!info) await sleep(20);
  }
  const apiKey = readFileSync(join(home, 'api-key'), 'utf8').trim();
  const url = `http://127.0.0.1:${info.port}`;

  const api = async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'X-API-Key': apiKey, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok && res.status !== 404) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  const backend = {
    home,
    port: info.port,
    url,
    apiKey,
    pid: child.pid,
    runtime: info.runtime ?? 'unknown',
    version: info.version ?? 'unknown',
    output: () => out.join(''),
    /** Raw REST call with the API key: parsed JSON body (undefined for 404 / empty). */
    api,
    /** POST /sandboxes with the body our library sends by default; returns the sandbox ID. */
    async createSandbox(extra = {}) {
      const body = { templateID: 'base', timeout: 300, secure: true, allow_internet_access: true, ...extra };
      const created = await api('POST', '/sandboxes', body);
      return created.sandboxID;
    },
    /** The sandbox's host folder (folders have opaque names: found by their records). */
    sandboxDir(id) {
      const root = join(home, 'sandboxes');
      for (const name of readdirSync(root)) {
        try {
          if (JSON.parse(readFileSync(join(root, name, 'sandbox.json'), 'utf8')).sandboxID === id) return join(root, name);
        } catch {
          // not a sandbox folder
        }
      }
      throw new Error(`no folder holds sandbox ${id}`);
    },
    async killSandbox(id) {
      await api('DELETE', `/sandboxes/${encodeURIComponent(id)}`);
    },
    /** Kills every sandbox the daemon knows (running or paused); returns how many. */
    async killAllSandboxes() {
      if (child.exitCode !== null || child.signalCode !== null) return 0;
      let killed = 0;
      for (let page = 0; page < 100; page++) {
        const list = (await api('GET', '/v2/sandboxes?state=running,paused&limit=100')) ?? [];
        if (list.length === 0) break;
        await Promise.all(list.map((s) => api('DELETE', `/sandboxes/${encodeURIComponent(s.sandboxID ?? s.sandboxId)}`)));
        killed += list.length;
      }
      return killed;
    },
    /** SIGTERM, then SIGKILL after graceMs. */
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = sleep(graceMs).then(() => 'timeout');
      if ((await Promise.race([exited, timer])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
    /** Synchronous last resort (process 'exit' handler). */
    killNow() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
  return backend;
}
