/**
 * What the ports tests share: sandboxes with their own network namespace serving something,
 * HTTP and WebSocket clients that reach `<port>-<id>.localhost` hosts, and polling with deadlines.
 */
import { execFile } from 'node:child_process';
import { lookup } from 'node:dns';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { Sandbox, type ConnectionOptions } from '../../src/index.js';
import type { LocalBackend } from './local-backend.js';
import { repoRoot } from './paths.js';
import { pollUntil } from './cli-process.js';

/** The connection options of a backend, for our client. */
export function connection(backend: LocalBackend): ConnectionOptions {
  return { apiKey: backend.apiKey, apiUrl: backend.url, sandboxUrl: backend.url };
}

/**
 * A sandbox for the ports tests: every bubblewrap sandbox has a network namespace of its own
 * (src/local/runtime/network.ts), so its ports are its own, internet access or not.
 */
export function createIsolatedSandbox(backend: LocalBackend, opts: Parameters<typeof Sandbox.create>[1] = {}): Promise<Sandbox> {
  return Sandbox.create('base', { ...connection(backend), timeoutMs: 900_000, ...opts });
}

/**
 * An undici dispatcher that resolves `*.localhost` to 127.0.0.1, as browsers and curl do (the
 * system resolver here may not: glibc without nss-myhostname or systemd-resolved does not).
 */
export const localhostDispatcher = new Agent({
  connect: {
    lookup(hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) {
      if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
        if (options?.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
        else callback(null, '127.0.0.1', 4);
        return;
      }
      lookup(hostname, options as never, callback as never);
    },
  } as never,
});

/** `curl -s` (curl resolves `*.localhost` to loopback itself); stdout, and the status with `-w`. */
export function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', ...args], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Polls `probe` until it returns something other than undefined, or fails after `ms`. */
export const until = <T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> => pollUntil(what, probe, ms, 50);

/** The URL of a port of a sandbox on a backend. */
export function portUrl(backend: LocalBackend, sandboxId: string, port: number): string {
  return `http://${port}-${sandboxId}.localhost:${backend.port}`;
}

/** Waits until something answers on the port through its URL (not the 502 of a closed port). */
export function waitForPort(backend: LocalBackend, sandboxId: string, port: number, path = '/'): Promise<number> {
  return until(`port ${port} of ${sandboxId}`, async () => {
    const res = await fetch(`${backend.url}${path}`, { headers: { 'E2b-Sandbox-Id': sandboxId, 'E2b-Sandbox-Port': String(port) } });
    await res.arrayBuffer();
    return res.status === 502 ? undefined : res.status;
  });
}

/** Serves `text` as `/` on port 8000 with Python's http.server, and waits for it. */
export async function servePython(backend: LocalBackend, sandbox: Sandbox, text: string, port = 8000): Promise<void> {
  await sandbox.files.write('/tmp/site/index.html', text);
  await sandbox.commands.run(`python3 -m http.server ${port} --bind 127.0.0.1 --directory /tmp/site`, { background: true, timeoutMs: 0 });
  await waitForPort(backend, sandbox.sandboxId, port);
}

/** Starts test/helpers/port-app.cjs in the sandbox (`http PORT NAME` or `tcp-echo PORT`), and waits for it. */
export async function startApp(backend: LocalBackend, sandbox: Sandbox, args: string[]): Promise<void> {
  await sandbox.files.write('/tmp/port-app.cjs', readFileSync(join(repoRoot, 'test', 'helpers', 'port-app.cjs'), 'utf8'));
  await sandbox.commands.run(`node /tmp/port-app.cjs ${args.join(' ')}`, { background: true, timeoutMs: 0 });
  const port = Number(args[1]);
  if (args[0] === 'http') await waitForPort(backend, sandbox.sandboxId, port);
  else {
    await until(`tcp port ${port}`, async () => {
      const done = await sandbox.commands.run(`bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}' && echo open || true`);
      return done.stdout.includes('open') ? true : undefined;
    });
  }
}
