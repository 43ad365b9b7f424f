/**
 * Finding, starting and stopping the local daemon from the outside (the CLI's `--local` and
 * `local start|stop|status`). The daemon publishes itself in `daemon.json`; a start lock keeps
 * two CLIs from starting two daemons at once.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { packageRoot } from '../version.js';
import { localBackendRefusal } from './platform.js';
import { isAlive } from './runtime/process-tree.js';
import { DEFAULT_LOCAL_PORT, statePaths, type DaemonInfo, type StatePaths } from './paths.js';
import { secureStateRoot } from './state-root.js';
import { readJsonSync } from './store.js';

/** How long `start` waits for a new daemon to publish itself. */
const START_TIMEOUT_MS = 20_000;
/** A start lock older than this belongs to a CLI that died mid-start. */
const STALE_LOCK_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A daemon that answered its health check. */
export interface RunningDaemon extends DaemonInfo {
  url: string;
  apiKey: string;
}

/** GET /health on the daemon; true on 204. */
export function pingDaemon(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/health', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 204);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function readApiKey(paths: StatePaths): string | undefined {
  try {
    return readFileSync(paths.apiKey, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function urlOf(info: DaemonInfo): string {
  const host = info.host.includes(':') ? `[${info.host}]` : info.host;
  return `http://${host}:${info.port}`;
}

/** The running daemon of this state folder, if one answers. */
export async function findDaemon(paths: StatePaths = statePaths()): Promise<RunningDaemon | undefined> {
  const info = readJsonSync<DaemonInfo>(paths.daemon);
  if (!info || !isAlive(info.pid)) return undefined;
  if (!(await pingDaemon(info.host, info.port))) return undefined;
  const apiKey = readApiKey(paths);
  if (!apiKey) return undefined;
  return { ...info, url: urlOf(info), apiKey };
}

/** The built daemon entry script (dist/local/daemon/main.js). */
function daemonEntry(): string {
  const js = join(packageRoot(), 'dist', 'local', 'daemon', 'main.js');
  if (existsSync(js)) return js;
  throw new Error(`the local daemon is not built (${js} is missing): run \`npm run build\``);
}

function takeLock(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx', 0o600));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_LOCK_MS) {
        rmSync(path, { force: true });
        return takeLock(path);
      }
    } catch {
      return takeLock(path);
    }
    return false;
  }
}

/** Options of {@link startDaemonProcess}. */
export interface StartOptions {
  /** Port to bind; when omitted, the default port or (if taken) any free one. */
  port?: number;
  /** Extra environment for the daemon process. */
  env?: Record<string, string | undefined>;
  /** Where it would run (platform.ts refuses native Windows). @default this machine's */
  platform?: NodeJS.Platform;
}

/**
 * Starts a daemon process in the background (detached, logging to daemon.log) and waits until
 * it answers. Returns the running daemon, which may be one another CLI started meanwhile.
 */
export async function startDaemonProcess(paths: StatePaths = statePaths(), opts: StartOptions = {}): Promise<RunningDaemon> {
  const refusal = localBackendRefusal(opts.platform);
  if (refusal) throw new Error(refusal);
  secureStateRoot(paths.root);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!takeLock(paths.startLock)) {
    const running = await findDaemon(paths);
    if (running) return running;
    if (Date.now() > deadline) throw new Error(`timed out waiting for another e2b-ts to start the local daemon (lock ${paths.startLock})`);
    await sleep(50);
  }
  try {
    const existing = await findDaemon(paths);
    if (existing) return existing;
    const args = [daemonEntry()];
    if (opts.port !== undefined) args.push('--port', String(opts.port));
    else args.push('--port', String(DEFAULT_LOCAL_PORT), '--port-fallback');
    const logFd = openSync(paths.log, 'a', 0o600);
    const child = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, ...opts.env, E2B_TS_HOME: paths.root },
    });
    closeSync(logFd);
    let exitCode: number | null = null;
    child.once('exit', (code) => {
      exitCode = code ?? 1;
    });
    child.unref();
    while (Date.now() < deadline) {
      const info = readJsonSync<DaemonInfo>(paths.daemon);
      if (info && info.pid === child.pid) {
        const running = await findDaemon(paths);
        if (running) return running;
      }
      if (exitCode !== null) throw new Error(`the local daemon exited during start-up (code ${exitCode}); see ${paths.log}`);
      await sleep(25);
    }
    throw new Error(`the local daemon did not start within ${START_TIMEOUT_MS / 1000} s; see ${paths.log}`);
  } finally {
    rmSync(paths.startLock, { force: true });
  }
}

/** The running daemon, started first if needed. */
export async function ensureDaemon(paths: StatePaths = statePaths()): Promise<RunningDaemon> {
  return (await findDaemon(paths)) ?? startDaemonProcess(paths);
}

/** Stops the daemon (SIGTERM, then waits for it to exit). False when none was running. */
export async function stopDaemon(paths: StatePaths = statePaths(), timeoutMs = 20_000): Promise<boolean> {
  const info = readJsonSync<DaemonInfo>(paths.daemon);
  if (!info || !isAlive(info.pid)) {
    rmSync(paths.daemon, { force: true });
    return false;
  }
  process.kill(info.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(info.pid)) {
    if (Date.now() > deadline) {
      process.kill(info.pid, 'SIGKILL');
      break;
    }
    await sleep(25);
  }
  rmSync(paths.daemon, { force: true });
  return true;
}
