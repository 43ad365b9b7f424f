/**
 * A sandbox of a local backend driven over plain HTTP, as the security tests need it: create one
 * (secured or not) through the v1 API, and look at its state with legitimate requests only, to
 * prove that an attack had no effect.
 */
import type { LocalBackend } from './local-backend.js';

export interface TestSandbox {
  id: string;
  /** The envd access token of a secured sandbox. */
  token?: string;
}

/**
 * Creates a sandbox of the `base` template through `POST /sandboxes` (v1, where `secure` is a
 * choice). `internet: false` gives it a network namespace of its own (loopback only).
 */
export async function createSandbox(backend: LocalBackend, secure: boolean, opts: { internet?: boolean } = {}): Promise<TestSandbox> {
  const res = await fetch(`${backend.url}/sandboxes`, {
    method: 'POST',
    headers: { 'X-API-Key': backend.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ templateID: 'base', secure, timeout: 3600, ...(opts.internet === false ? { allow_internet_access: false } : {}) }),
  });
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { sandboxID: string; envdAccessToken?: string };
  return { id: body.sandboxID, ...(body.envdAccessToken ? { token: body.envdAccessToken } : {}) };
}

/** The headers a legitimate client sends to a sandbox's envd. */
export function envdHeaders(sandbox: TestSandbox): Record<string, string> {
  return { 'E2b-Sandbox-Id': sandbox.id, 'E2b-Sandbox-Port': '49983', ...(sandbox.token ? { 'X-Access-Token': sandbox.token } : {}) };
}

/** The status of a legitimate download of `path`: 200 when the file exists, 404 when it does not. */
export async function fileStatus(backend: LocalBackend, sandbox: TestSandbox, path: string): Promise<number> {
  const res = await fetch(`${backend.url}/files?path=${encodeURIComponent(path)}&username=root`, { headers: envdHeaders(sandbox) });
  await res.arrayBuffer();
  return res.status;
}

/** A Connect streaming envelope holding one JSON message. */
export function connectEnvelope(message: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(message));
  const envelope = Buffer.alloc(5 + json.length);
  envelope.writeUInt32BE(json.length, 1);
  json.copy(envelope, 5);
  return envelope;
}

/**
 * Starts `/bin/sh -c cmd` as `user` in the sandbox through `process.Process/Start` and returns
 * the HTTP status and the process's stdout. `token: undefined` sends no access token at all.
 */
export async function startProcess(
  backend: LocalBackend,
  sandbox: TestSandbox,
  cmd: string,
  opts: { token?: string | undefined; user?: string } = { token: sandbox.token },
): Promise<{ status: number; stdout: string }> {
  const headers: Record<string, string> = {
    'content-type': 'application/connect+json',
    'connect-protocol-version': '1',
    'E2b-Sandbox-Id': sandbox.id,
    'E2b-Sandbox-Port': '49983',
    ...(opts.token ? { 'X-Access-Token': opts.token } : {}),
    ...(opts.user ? { authorization: `Basic ${Buffer.from(`${opts.user}:`).toString('base64')}` } : {}),
  };
  const res = await fetch(`${backend.url}/process.Process/Start`, {
    method: 'POST',
    headers,
    body: connectEnvelope({ process: { cmd: '/bin/sh', args: ['-c', cmd] }, stdin: false }),
  });
  const body = Buffer.from(await res.arrayBuffer());
  let stdout = '';
  if (res.status === 200) {
    for (let offset = 0; offset + 5 <= body.length; ) {
      const length = body.readUInt32BE(offset + 1);
      const message = JSON.parse(body.subarray(offset + 5, offset + 5 + length).toString('utf8')) as {
        event?: { data?: { stdout?: string } };
      };
      const data = message.event?.data?.stdout;
      if (data) stdout += Buffer.from(data, 'base64').toString('utf8');
      offset += 5 + length;
    }
  }
  return { status: res.status, stdout };
}

/** The sandbox's state as the control plane reports it (`running`, `paused`), or its HTTP status. */
export async function sandboxState(backend: LocalBackend, sandbox: TestSandbox): Promise<string> {
  const res = await fetch(`${backend.url}/sandboxes/${sandbox.id}`, { headers: { 'X-API-Key': backend.apiKey } });
  if (res.status !== 200) return `HTTP ${res.status}`;
  return ((await res.json()) as { state: string }).state;
}

/** The daemon answers its own health check (and so is alive and serving). */
export async function daemonHealthy(backend: LocalBackend): Promise<boolean> {
  try {
    const res = await fetch(`${backend.url}/health`);
    return res.status === 204;
  } catch {
    return false;
  }
}
