/**
 * Runs CLI commands in process against the fakes: a Context whose REST (and envd `/files`,
 * and volume content) go to a MockAgent (FakeApi), whose envd RPCs go to an in-memory router
 * transport (FakeEnvd), with test IO and a scripted prompter. No backend, no sockets, no global
 * state: each `fakeCli()` is independent.
 */
import { createContext, type Context } from '../../../src/cli/context.js';
import { main } from '../../../src/cli/main.js';
import { createTestIO } from '../io.js';
import { FakePrompter, type Expectation } from '../prompter.js';
import { FAKE_API_KEY, FAKE_API_URL, FakeApi } from './api.js';
import { FAKE_ENVD_URL, FakeEnvd } from './envd.js';

export { FAKE_API_KEY, FAKE_API_URL, FAKE_ENVD_URL, FakeApi, FakeEnvd };

export interface RunOptions {
  tty?: boolean;
  input?: string;
  env?: Record<string, string>;
  prompts?: Expectation[];
  /** Called with the context's abort controller once the command runs (to interrupt it). */
  controller?: (abort: AbortController) => void;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface FakeCli {
  api: FakeApi;
  envd: FakeEnvd;
  /** Runs `e2b-ts ...args` and returns its exit code and output. */
  run(args: string[], opts?: RunOptions): Promise<RunResult>;
  /** A context wired to the fakes (for builders run through their `run` seam). */
  context(opts?: RunOptions): { ctx: Context; stdout(): string; stderr(): string; prompter: FakePrompter };
  close(): Promise<void>;
}

export function fakeCli(): FakeCli {
  const api = new FakeApi();
  const envd = new FakeEnvd(api.agent);
  const context = (opts: RunOptions = {}) => {
    const test = createTestIO({ tty: opts.tty ?? false, ...(opts.input !== undefined ? { input: opts.input } : {}), ...(opts.env ? { env: opts.env } : {}) });
    const prompter = FakePrompter.script(opts.prompts ?? []);
    const abort = new AbortController();
    opts.controller?.(abort);
    const ctx = createContext({
      io: test.io,
      env: { ...(opts.env ?? {}) },
      prompter,
      signal: abort.signal,
      connection: async () => ({
        apiKey: FAKE_API_KEY,
        apiUrl: FAKE_API_URL,
        sandboxUrl: FAKE_ENVD_URL,
        dispatcher: api.agent,
        envdTransport: envd.transport,
        // a failure is answered at once, not after the client's back-off
        retries: 0,
        debug: false,
        validateApiKey: true,
      }),
    });
    return { ctx, stdout: test.stdout, stderr: test.stderr, prompter };
  };
  return {
    api,
    envd,
    context,
    async run(args, opts = {}) {
      const { ctx, stdout, stderr, prompter } = context(opts);
      const code = await main(args, ctx);
      prompter.verify();
      return { code, stdout: stdout(), stderr: stderr() };
    },
    close: () => api.close(),
  };
}
