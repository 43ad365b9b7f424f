/**
 * Starting envd and watching it, shared by every runtime: the config goes in on stdin, envd
 * prints READY on stdout once its socket accepts connections, and its stderr is its log.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { packageRoot } from '../../version.js';
import type { EnvdConfig } from '../envd/config.js';
import type { Freezer } from './freezer.js';
import { descendants } from './proctree.js';
import type { SandboxProcess } from './types.js';

/** How long envd may take to start before the sandbox counts as failed. */
const READY_TIMEOUT_MS = 15_000;

/** The self-contained envd bundle built next to the package's dist/ (see scripts/build.mjs). */
export function envdBundlePath(): string {
  const bundle = join(packageRoot(), 'dist', 'envd.mjs');
  if (!existsSync(bundle)) throw new Error(`envd bundle not found at ${bundle}: run \`npm run build\``);
  return bundle;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Kills a process tree: SIGKILL to every descendant until none is left. */
export async function killTree(rootPid: number): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const tree = descendants(rootPid);
    if (tree.length === 0) return;
    for (const p of tree) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sleep(round === 0 ? 5 : 20);
  }
}

/** Spawns `command args`, feeds it the envd config and wraps it as a SandboxProcess. */
export function launch(opts: {
  command: string;
  args: string[];
  env: Record<string, string>;
  config: EnvdConfig;
  socketPath: string;
  freezer: Freezer;
  onLog: (line: string) => void;
}): SandboxProcess {
  const child = spawn(opts.command, opts.args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: opts.env,
    detached: true,
  });
  child.stdin.end(JSON.stringify(opts.config));
  createInterface({ input: child.stderr }).on('line', (line) => opts.onLog(line));

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`envd did not start within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.trim() === 'READY') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`envd exited before it was ready (${signal ?? `exit code ${code}`})`));
    });
  });
  ready.catch(() => {});
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${opts.command}`);

  let socketPath = opts.socketPath;
  return {
    pid,
    get socketPath() {
      return socketPath;
    },
    moveSocket(path: string) {
      socketPath = path;
    },
    ready,
    exited,
    async kill() {
      await opts.freezer.thaw(pid);
      await killTree(pid);
      await opts.freezer.release();
      await Promise.race([exited, sleep(2000)]);
    },
    freeze: () => opts.freezer.freeze(pid),
    thaw: () => opts.freezer.thaw(pid),
  };
}
