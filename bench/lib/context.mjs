/**
 * The context every suite's run(ctx) receives:
 *
 *   ctx.root            repository root
 *   ctx.runs(n)         how many measured runs: --runs N when given, else the suite's default n
 *   ctx.tmpDir          a scratch folder, deleted at the end
 *   ctx.backend()       the shared local backend, started on first call (see lib/backend.mjs)
 *   ctx.cliEnv()        environment for CLI child processes (see below)
 *   ctx.commands        { node, ours: [file, ...args], official: [file, ...args] } to spawn
 *   ctx.connection()    { apiKey, apiUrl, sandboxUrl } of the backend, for the SDKs
 *   ctx.defer(fn)       run fn (async ok) at clean-up, last deferred first, even on failure
 *   ctx.log(msg)        progress to stderr
 *
 * CLI rows all get the same environment: PATH/locale from this process, a private empty HOME
 * (so no user config or E2B login leaks in), the backend's variables (E2B_TS_HOME for our
 * `--local`, E2B_API_URL/E2B_SANDBOX_URL/E2B_API_KEY for the official CLI) and
 * NO_UPDATE_NOTIFIER=1 (the official CLI would otherwise check npm for updates on a TTY).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend } from './backend.mjs';

function describeError(e) {
  if (!(e instanceof Error)) return String(e);
  return e.cause ? `${e.message} (${e.cause instanceof Error ? e.cause.message : e.cause})` : e.message;
}

const KEEP_ENV = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'SystemRoot'];

export function createContext({ root, runsOverride, log = (m) => process.stderr.write(`${m}\n`) }) {
  const tmpDir = mkdtempSync(join(tmpdir(), 'e2bts-bench-'));
  const deferred = [];
  const abort = new AbortController();
  let backendPromise;
  let backend;

  const officialPkg = join(root, 'node_modules', '@e2b', 'cli', 'package.json');
  const officialBin = existsSync(officialPkg)
    ? (() => {
        const pkg = JSON.parse(readFileSync(officialPkg, 'utf8'));
        const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.e2b;
        return { file: join(root, 'node_modules', '@e2b', 'cli', bin), version: pkg.version };
      })()
    : undefined;

  const ctx = {
    root,
    tmpDir,
    /** Aborted when clean-up starts (Ctrl-C): pass to measure*() so suites stop early. */
    signal: abort.signal,
    log,
    runs: (n) => runsOverride ?? n,
    commands: {
      node: process.execPath,
      ours: [process.execPath, join(root, 'bin', 'e2b-ts.js')],
      official: officialBin ? [process.execPath, officialBin.file] : undefined,
      officialVersion: officialBin?.version,
    },
    defer(fn) {
      deferred.push(fn);
    },
    async backend() {
      if (abort.signal.aborted && !backendPromise) throw new Error('aborted');
      backendPromise ??= (async () => {
        const home = join(tmpDir, 'e2b-ts-home');
        mkdirSync(home, { recursive: true });
        log('starting local backend ...');
        backend = await startBackend({ root, home });
        log(`local backend on ${backend.url} (runtime ${backend.runtime})`);
        return backend;
      })();
      return backendPromise;
    },
    /** The backend when a suite started it, else undefined (never starts one). */
    startedBackend() {
      return backend;
    },
    async connection() {
      const b = await ctx.backend();
      return { apiKey: b.apiKey, apiUrl: b.url, sandboxUrl: b.url };
    },
    async cliEnv() {
      const b = await ctx.backend();
      const home = join(tmpDir, 'home');
      mkdirSync(home, { recursive: true });
      const env = {};
      for (const k of KEEP_ENV) if (process.env[k] !== undefined) env[k] = process.env[k];
      return {
        ...env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_STATE_HOME: join(home, '.local', 'state'),
        XDG_CACHE_HOME: join(home, '.cache'),
        NO_UPDATE_NOTIFIER: '1',
        E2B_TS_HOME: b.home,
        E2B_API_URL: b.url,
        E2B_SANDBOX_URL: b.url,
        E2B_API_KEY: b.apiKey,
      };
    },
    /** Runs deferred clean-ups, kills leftover sandboxes, stops the backend, deletes tmpDir. */
    async cleanup() {
      abort.abort();
      const problems = [];
      while (deferred.length) {
        try {
          await deferred.pop()();
        } catch (e) {
          problems.push(`clean-up step failed: ${describeError(e)}`);
        }
      }
      if (backendPromise) {
        try {
          await backendPromise;
        } catch {
          // never started
        }
      }
      if (backend) {
        try {
          const n = await backend.killAllSandboxes();
          if (n) log(`killed ${n} leftover sandbox(es)`);
        } catch (e) {
          problems.push(`killing leftover sandboxes failed: ${describeError(e)}`);
        }
        await backend.stop();
        log('local backend stopped');
      }
      rmSync(tmpDir, { recursive: true, force: true });
      return problems;
    },
    /** Synchronous best effort for process exit: SIGTERM the daemon, delete tmpDir. */
    cleanupSync() {
      backend?.killNow();
      try {
        rmSync(tmpDir, { recursive: true, force: true });
      } catch {
        // sandboxes may still hold files; nothing more to do synchronously
      }
    },
  };
  return ctx;
}
