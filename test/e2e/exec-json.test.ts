/**
 * `exec --json` with more output than one JSON document should hold (issue 15): bounded, with the
 * exit code always there; `--json --stream` carries all of it as NDJSON events. The built CLI as
 * a subprocess against a real local backend. One runtime is enough: what is tested is the CLI's
 * side, the same whatever runs the sandbox (this file is not in the unisolated project).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { reap, spawnCli, type CliProcess } from '../helpers/cli-process.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

let backend: LocalBackend;
let sbx: string;
const live: CliProcess[] = [];

const env = () => ({ E2B_TS_HOME: backend.home });
const cli = (args: string[]): Promise<CliResult> => runCli(['--local', ...args], { env: env(), timeoutMs: 60_000 });

/** Runs the CLI to the end with stdout as bytes (100 MB does not fit a test's string comfortably twice). */
async function runBytes(args: string[]) {
  const proc = spawnCli(['--local', ...args], { env: env() });
  live.push(proc);
  proc.child.stdin!.end();
  const exit = await proc.exited;
  return { ...exit, stdout: proc.stdout(), stderr: proc.stderr() };
}

beforeAll(async () => {
  backend = await startLocalBackend();
  const created = await cli(['sandbox', 'create', '--timeout', '1h']);
  if (created.code !== 0) throw new Error(`could not create the sandbox: ${created.stderr}`);
  sbx = created.stdout.trim();
});

afterAll(async () => {
  for (const proc of live.splice(0)) reap(proc);
  await backend?.dispose();
});

describe('exec --json with 100 MB of output', () => {
  it('--json of 100 MB of output: bounded, says how much there was, and the exit code arrives', async () => {
    const r = await runBytes(['--json', 'exec', sbx, '--', 'sh', '-c', 'head -c 100000000 /dev/zero | tr "\\0" a; printf é >&2; exit 7']);
    expect(r.code, r.stderr).toBe(7);
    const doc = JSON.parse(r.stdout.toString('utf8')) as Record<string, unknown>;
    expect(doc).toMatchObject({ exitCode: 7, stdoutTruncated: true, stdoutBytes: 100_000_000, stderr: 'é' });
    expect((doc.stdout as string).length).toBe(16 * 1024 * 1024);
    expect(doc.stdout as string).toMatch(/^a+$/);
    expect(r.stderr).toMatch(/--json --stream/);
  });

  it('--json --stream: NDJSON events as output arrives, all 100 MB of it, then the exit', async () => {
    const r = await runBytes(['--json', 'exec', sbx, '--stream', '--', 'sh', '-c', 'head -c 100000000 /dev/zero | tr "\\0" a; printf "\\377" >&2; exit 7']);
    expect(r.code, r.stderr).toBe(7);
    const events = r.stdout
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data?: string; encoding?: string; exitCode?: number; pid?: number });
    expect(events[0]).toMatchObject({ type: 'start' });
    expect(events[events.length - 1]).toMatchObject({ type: 'exit', exitCode: 7, pid: events[0]!.pid });
    const bytes = (type: string) =>
      events.filter((e) => e.type === type).reduce((sum, e) => sum + Buffer.from(e.data!, e.encoding === 'base64' ? 'base64' : 'utf8').length, 0);
    expect(bytes('stdout')).toBe(100_000_000);
    // bytes that are not UTF-8 arrive as base64
    expect(events.filter((e) => e.type === 'stderr')).toEqual([{ type: 'stderr', data: Buffer.from([0xff]).toString('base64'), encoding: 'base64' }]);
    const alone = await cli(['exec', sbx, '--stream', '--', 'true']);
    expect(alone.code).toBe(2);
  });
});
