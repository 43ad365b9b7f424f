/**
 * Starts a real local backend (the built daemon, as its own process) in a fresh state folder
 * on a free port, for one test file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonMain } from './paths.js';

export interface LocalBackend {
  /** E2B_TS_HOME of this backend. */
  home: string;
  url: string;
  port: number;
  apiKey: string;
  pid: number;
  /** Environment that points our CLI (via E2B_TS_HOME) and the official SDK at this backend. */
  env: Record<string, string>;
  /** Log lines the daemon printed to its stdout/stderr. */
  output(): string;
  /** Stops the daemon (running sandboxes are saved as paused). */
  stop(): Promise<void>;
  /** Starts it again on the same state folder (and port when possible); after {@link crash} too. */
  restart(): Promise<void>;
  /** Kills the daemon with SIGKILL, as a crash would: no shutdown, nothing saved or stopped. */
  crash(): Promise<void>;
  /** Stops it and deletes its state folder. */
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The host folder of a sandbox in a state folder, or undefined when there is none. Folders have
 * opaque names (not the sandbox ID), so this reads each folder's record.
 */
export function sandboxFolder(home: string, sandboxId: string): string | undefined {
  const root = join(home, 'sandboxes');
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return undefined;
  }
  for (const name of names) {
    try {
      const record = JSON.parse(readFileSync(join(root, name, 'sandbox.json'), 'utf8')) as { sandboxID?: string };
      if (record.sandboxID === sandboxId) return join(root, name);
    } catch {
      // not a sandbox folder (spare, staging) or being written
    }
  }
  return undefined;
}

/** {@link sandboxFolder}, failing when the sandbox has none. */
export function requireSandboxFolder(home: string, sandboxId: string): string {
  const dir = sandboxFolder(home, sandboxId);
  if (!dir) throw new Error(`no folder holds sandbox ${sandboxId} in ${home}`);
  return dir;
}

async function launch(
  home: string,
  port: number,
  extraEnv: Record<string, string>,
  wrap: string[] = [],
): Promise<{ child: ChildProcess; port: number; out: string[] }> {
  const out: string[] = [];
  const command = [...wrap, process.execPath, daemonMain, '--port', String(port)];
  const child = spawn(command[0]!, command.slice(1), {
    // one warm spare per test backend (the default two serve back-to-back creates; tests seldom
    // make them, and a dozen backends booting spares at once load a small CI machine)
    env: { E2B_TS_WARM_SPARE: '1', ...process.env, ...extraEnv, E2B_TS_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
  const infoPath = join(home, 'daemon.json');
  // Generous: a restart mounts every kept sandbox's disk, and waits for loop devices a stopped
  // daemon released lazily; on a loaded machine that takes seconds.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (existsSync(infoPath)) {
      try {
        const info = JSON.parse(readFileSync(infoPath, 'utf8')) as { pid: number; port: number };
        if (info.pid === child.pid) return { child, port: info.port, out };
      } catch {
        // being written
      }
    }
    if (child.exitCode !== null) throw new Error(`daemon exited: ${out.join('')}`);
    await sleep(25);
  }
  child.kill('SIGKILL');
  throw new Error(`daemon did not start: ${out.join('')}`);
}

/** Options of {@link startLocalBackend}. */
export interface LocalBackendOptions {
  env?: Record<string, string>;
  home?: string;
  /**
   * A command the daemon runs under (`unshare --mount -- sh -c '...; exec "$@"'`), which must
   * exec it in the same process: the daemon's pid is the one spawned.
   */
  wrap?: string[];
}

export async function startLocalBackend(opts: LocalBackendOptions = {}): Promise<LocalBackend> {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'e2bts-test-'));
  let current = await launch(home, 0, opts.env ?? {}, opts.wrap);
  const apiKey = readFileSync(join(home, 'api-key'), 'utf8').trim();
  const stopChild = async () => {
    const child = current.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(20_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const backend: LocalBackend = {
    home,
    apiKey,
    get pid() {
      return current.child.pid!;
    },
    get port() {
      return current.port;
    },
    get url() {
      return `http://127.0.0.1:${current.port}`;
    },
    get env() {
      const url = `http://127.0.0.1:${current.port}`;
      return { E2B_TS_HOME: home, E2B_API_URL: url, E2B_SANDBOX_URL: url, E2B_VOLUME_API_URL: url, E2B_API_KEY: apiKey };
    },
    output: () => current.out.join(''),
    stop: stopChild,
    async crash() {
      const child = current.child;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      await stopChild();
      current = await launch(home, current.port, opts.env ?? {}, opts.wrap);
    },
    async dispose() {
      await stopChild();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return backend;
}
