/**
 * The Context every command receives: streams, prompts, the environment, the parsed global
 * options, an abort signal, and lazy access to the client library and the local backend.
 * Nothing here does work at import; expensive things are built on first use.
 */
import type { ConnectionOptions } from '../client/config.js';
import type { Sandbox } from '../client/sandbox.js';
import { LocalBackendError, UsageError } from './errors.js';
import { createSystemIO, type IOStreams } from './io.js';
import { createPrompter, type Prompter } from './prompter.js';
import type { Credentials } from './credentials.js';
import type { SecretStore } from './keychain.js';
import { onReaderGone, READER_GONE_STATUS } from './reader-gone.js';
import { escapeControls } from './render/sanitize.js';
import { startSpinner, type Spinner } from './spinner.js';

type Env = Record<string, string | undefined>;

/** Global options (design.md), valid before or after the command words. */
export interface GlobalOptions {
  local: boolean;
  apiKey?: string;
  domain?: string;
  apiUrl?: string;
  profile?: string;
  json: boolean;
  noColor: boolean;
  debug: boolean;
  yes: boolean;
  noInput: boolean;
}

/** A signal the user sent the CLI. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/**
 * Interrupts as events, for commands that forward them (exec sends the remote process SIGINT on
 * the first Ctrl-C and SIGKILL on the second). While a command listens, it owns the outcome;
 * otherwise a second interrupt exits at once.
 */
export interface Interrupts {
  on(listener: (signal: InterruptSignal, count: number) => void): () => void;
}

/** An Interrupts whose events the caller fires (tests, and the system context below). */
export function createInterrupts(): Interrupts & { fire(signal: InterruptSignal): number; listening(): boolean } {
  const listeners = new Set<(signal: InterruptSignal, count: number) => void>();
  let count = 0;
  return {
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fire(signal) {
      count += 1;
      for (const listener of [...listeners]) listener(signal, count);
      return count;
    },
    listening: () => listeners.size > 0,
  };
}

export interface Context {
  io: IOStreams;
  env: Env;
  prompter: Prompter;
  /** Aborted when the user interrupts (Ctrl-C) or the process is asked to stop. */
  signal: AbortSignal;
  interrupts: Interrupts;
  globals: GlobalOptions;
  /** Rebuilds `io` for the parsed global options (color, input). */
  applyGlobals(globals: GlobalOptions): void;
  /** Connection options for the client library: the local backend's, or E2B's. */
  connection(): Promise<ConnectionOptions>;
  /** The client library, loaded on first use. */
  client(): Promise<typeof import('../index.js')>;
  /**
   * The sandbox a verb works in, looked up without changing its lifetime (a paused one is
   * resumed), through `client()` and `connection()`; unknown: SandboxNotFoundError (exit 3).
   */
  sandbox(sandboxId: string): Promise<Sandbox>;
  /** The OS keychain, opened on first use; rejects with KeychainUnavailableError when there is none. */
  keychain(): Promise<SecretStore>;
  /** Opens a URL in the user's browser; false when no browser could be started. */
  openBrowser(url: string): Promise<boolean>;
  spinner(text: string): Promise<Spinner>;
  /** A line for `--debug` on stderr. */
  debug(line: string): void;
  /** A warning for people, on stderr. */
  warn(line: string): void;
  /** Informational note for people, on stderr, only on a terminal. */
  note(line: string): void;
  /** True once the reader of our stdout went away (`| head`): the run ends with status 141. */
  stdoutClosed(): boolean;
}

export const DEFAULT_GLOBALS: GlobalOptions = {
  local: false,
  json: false,
  noColor: false,
  debug: false,
  yes: false,
  noInput: false,
};

function truthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

/**
 * What a Context is made of; each part left out is the real thing. A test replaces the parts it
 * fakes, as gh's cmdutil.Factory: `connection` (for example a MockAgent dispatcher and an
 * in-memory envd transport, see ConnectionOptions), or `client` / `sandbox` whole.
 */
export interface ContextParts {
  io?: IOStreams;
  makeIO?: (opts: { noColor: boolean; noInput: boolean }) => IOStreams;
  env?: Env;
  prompter?: Prompter;
  signal?: AbortSignal;
  interrupts?: Interrupts;
  stdoutClosed?: () => boolean;
  /** Replaces the connection options (default: --local's daemon, or E2B's from flags, env and profile). */
  connection?: (ctx: Context) => Promise<ConnectionOptions>;
  /** Replaces the client library. */
  client?: () => Promise<typeof import('../index.js')>;
  /** Replaces how a verb gets its sandbox. */
  sandbox?: (sandboxId: string, ctx: Context) => Promise<Sandbox>;
  /** Replaces the OS keychain (tests use an in-memory store). */
  keychain?: () => Promise<SecretStore>;
  /** Replaces the browser (tests follow the URL themselves). */
  openBrowser?: (url: string) => Promise<boolean>;
}

export function createContext(parts: ContextParts = {}): Context {
  const env = parts.env ?? process.env;
  const makeIO = parts.makeIO ?? ((o) => createSystemIO(o));
  const signal = parts.signal ?? new AbortController().signal;
  let connection: Promise<ConnectionOptions> | undefined;
  let keychain: Promise<SecretStore> | undefined;

  const ctx: Context = {
    io: parts.io ?? makeIO({ noColor: false, noInput: false }),
    env,
    prompter: parts.prompter ?? createPrompter(() => ctx.io, signal),
    signal,
    interrupts: parts.interrupts ?? createInterrupts(),
    globals: { ...DEFAULT_GLOBALS },
    applyGlobals(globals) {
      ctx.globals = globals;
      if (!parts.io) ctx.io = makeIO({ noColor: globals.noColor, noInput: globals.noInput });
      else if (globals.noInput) {
        const base = parts.io;
        ctx.io = Object.assign(Object.create(base) as IOStreams, { canPrompt: () => base.canPrompt() && !globals.noInput });
      }
    },
    connection() {
      connection ??= (parts.connection ?? resolveConnection)(ctx);
      return connection;
    },
    client: parts.client ?? (() => import('../index.js')),
    async sandbox(sandboxId) {
      if (parts.sandbox) return parts.sandbox(sandboxId, ctx);
      const { Sandbox } = await ctx.client();
      return Sandbox.attach(sandboxId, { ...(await ctx.connection()), signal: ctx.signal });
    },
    keychain() {
      keychain ??= parts.keychain ? parts.keychain() : import('./keychain.js').then((k) => k.openKeychain());
      return keychain;
    },
    async openBrowser(url) {
      if (parts.openBrowser) return parts.openBrowser(url);
      const { openBrowser } = await import('./browser.js');
      return openBrowser(url, env);
    },
    spinner: (text) => (ctx.globals.json ? startSpinner({ ...ctx.io, isStderrTTY: false }, text) : startSpinner(ctx.io, text)),
    debug(line) {
      if (ctx.globals.debug) ctx.io.stderr.write(`${ctx.io.color.dim(`[debug] ${escapeControls(line)}`)}\n`);
    },
    // Warnings quote servers and sandboxes (a failed connection's reason, a refused file name).
    warn(line) {
      ctx.io.stderr.write(`${ctx.io.color.yellow('warning:')} ${escapeControls(line)}\n`);
    },
    note(line) {
      if (ctx.io.isStderrTTY) ctx.io.stderr.write(`${line}\n`);
    },
    stdoutClosed: parts.stdoutClosed ?? (() => false),
  };
  return ctx;
}

/** Whether the local backend is selected (`--local` or `E2B_TS_LOCAL=1`). */
export function isLocal(ctx: Context): boolean {
  return ctx.globals.local || truthy(ctx.env.E2B_TS_LOCAL);
}

async function resolveConnection(ctx: Context): Promise<ConnectionOptions> {
  const g = ctx.globals;
  const logger = g.debug ? (line: string) => ctx.debug(line) : undefined;
  if (isLocal(ctx)) {
    if (g.apiUrl || g.domain || g.apiKey || g.profile) {
      throw new UsageError('--local cannot be combined with --api-url, --domain, --api-key or --profile');
    }
    const { localBackendRefusal } = await import('../local/platform.js');
    const refusal = localBackendRefusal();
    if (refusal) throw new LocalBackendError(refusal);
    const { ensureDaemon, findDaemon } = await import('../local/control.js');
    const { statePaths, stateRoot } = await import('../local/paths.js');
    const paths = statePaths(stateRoot(ctx.env));
    let daemon = await findDaemon(paths);
    if (!daemon) {
      daemon = await ensureDaemon(paths);
      ctx.note(ctx.io.color.dim(`started the local backend at ${daemon.url} (e2b-ts local stop stops it)`));
    }
    ctx.debug(`local backend ${daemon.url} (pid ${daemon.pid}, runtime ${daemon.runtime})`);
    return {
      apiKey: daemon.apiKey,
      apiUrl: daemon.url,
      sandboxUrl: daemon.url,
      debug: false,
      validateApiKey: true,
      ...(logger ? { logger } : {}),
    };
  }
  const { resolveCredentials } = await import('./credentials.js');
  const creds = await resolveCredentials(g, ctx.env, { keychain: () => ctx.keychain() });
  const options = await remoteConnection(ctx, creds);
  if (creds.apiKey) ctx.debug(`API key from ${creds.apiKey.from}`);
  else {
    const { AuthenticationError } = await import('../client/errors.js');
    const why = creds.problems.length ? ` (${creds.problems.join('; ')})` : '';
    throw new AuthenticationError(`no API key: run e2b-ts auth login, set E2B_API_KEY, pass --api-key, or use --local for the local backend${why}`);
  }
  return options;
}

/**
 * Connection options for E2B (not the local backend) from resolved settings: the domain and
 * API URL checked with errors that name where they came from, and everything the library would
 * read from process.env taken from the context's env instead.
 */
export async function remoteConnection(ctx: Context, creds: Pick<Credentials, 'apiKey' | 'accessToken' | 'domain' | 'apiUrl'>): Promise<ConnectionOptions> {
  const options: ConnectionOptions = {};
  const { checkBaseUrl, checkDomain } = await import('../client/config.js');
  if (creds.apiKey) options.apiKey = creds.apiKey.value;
  if (creds.accessToken) options.accessToken = creds.accessToken.value;
  if (creds.domain) options.domain = checkDomain(creds.domain.value, creds.domain.what);
  if (creds.apiUrl) options.apiUrl = checkBaseUrl(creds.apiUrl.value, creds.apiUrl.what);
  if (ctx.env.E2B_SANDBOX_URL) options.sandboxUrl = ctx.env.E2B_SANDBOX_URL;
  options.debug = (ctx.env.E2B_DEBUG ?? '').toLowerCase() === 'true';
  options.validateApiKey = (ctx.env.E2B_VALIDATE_API_KEY ?? '').toLowerCase() !== 'false';
  if (ctx.globals.debug) options.logger = (line: string) => ctx.debug(line);
  return options;
}

/**
 * Context wired to the real process (used by bin/e2b-ts.js). The first Ctrl-C or SIGTERM aborts
 * `ctx.signal` so the running command can stop its remote work and exit 130; a second Ctrl-C
 * exits at once.
 */
export function createSystemContext(): Context {
  const controller = new AbortController();
  const interrupts = createInterrupts();
  const onSignal = (signal: InterruptSignal) => {
    const listening = interrupts.listening();
    const count = interrupts.fire(signal);
    if (count > 1 && !listening) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // Without a listener a closed pipe on stdout (`e2b-ts ... | head`) crashes with a stack trace.
  // Treat it as SIGPIPE would, whatever the platform calls it: stop the work and end with 141.
  let closed = false;
  const readerGone = () => {
    closed = true;
    process.exitCode = READER_GONE_STATUS;
    controller.abort();
  };
  onReaderGone(process.stdout, readerGone, (error) => {
    if (!process.stdout.destroyed) throw error;
    readerGone();
  });
  return createContext({ signal: controller.signal, interrupts, stdoutClosed: () => closed });
}
