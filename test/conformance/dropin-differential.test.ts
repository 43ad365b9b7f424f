/**
 * Drop-in differential: the same scripts, written once against the official `e2b` package's
 * types, run twice with one import swapped (the SDK module, then e2b-ts's), against one local
 * backend configured through the environment as the SDK documents it. Each script returns a
 * transcript of what SDK code would observe (values, types, getters before and after the end,
 * error classes); the two transcripts must be equal.
 */
import type * as E2B from 'e2b';
import * as e2b from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ours from '../../src/index.js';
import type { LocalBackend } from '../helpers/local-backend.js';
import { startLocalEnv } from './sandbox-scenarios.js';

type Module = typeof E2B;
type Script = (m: Module, sandbox: E2B.Sandbox) => Promise<unknown>;

let backend: LocalBackend;
const sandboxes: Record<'sdk' | 'ours', E2B.Sandbox | undefined> = { sdk: undefined, ours: undefined };
// Our module stands in for the SDK's: the swap a user makes by changing the import.
const modules: Record<'sdk' | 'ours', Module> = { sdk: e2b, ours: ours as unknown as Module };

beforeAll(async () => {
  ({ backend } = await startLocalEnv());
  sandboxes.sdk = await e2b.Sandbox.create();
  sandboxes.ours = (await ours.Sandbox.create()) as unknown as E2B.Sandbox;
}, 120_000);
afterAll(async () => {
  await Promise.allSettled([sandboxes.sdk?.kill(), sandboxes.ours?.kill()]);
  await backend?.dispose();
});

/** What a caught error looks like to SDK code: its class, and the SDK classes it is an instance of. */
function caught(m: Module, error: unknown): Record<string, unknown> {
  const kinds = [
    'SandboxError',
    'TimeoutError',
    'NotFoundError',
    'FileNotFoundError',
    'InvalidArgumentError',
    'CommandExitError',
    'AuthenticationError',
  ] as const;
  return {
    name: (error as Error).name,
    instanceOf: kinds.filter((k) => error instanceof (m[k] as unknown as abstract new (...args: never[]) => unknown)),
  };
}

async function attempt(m: Module, fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await fn() };
  } catch (error) {
    return { error: caught(m, error) };
  }
}

/** Runs a script with both packages, each in its own sandbox, and returns both transcripts. */
async function both(script: Script): Promise<{ sdk: unknown; ours: unknown }> {
  const sdk = await script(modules.sdk, sandboxes.sdk!);
  const mine = await script(modules.ours, sandboxes.ours!);
  return { sdk, ours: mine };
}

async function same(script: Script): Promise<unknown> {
  const { sdk, ours: mine } = await both(script);
  expect(mine).toEqual(sdk);
  return sdk;
}

describe('commands', () => {
  it('run: the result, and CommandExitError read through its getters', async () => {
    const t = await same(async (m, s) => {
      const ok = await s.commands.run('echo out; echo err >&2');
      const failed = await s.commands.run('echo partial; exit 3').catch((e: unknown) => e);
      const err = failed as E2B.CommandExitError;
      return {
        ok: { exitCode: ok.exitCode, stdout: ok.stdout, stderr: ok.stderr, error: ok.error ?? null },
        failed: { ...caught(m, failed), exitCode: err.exitCode, stdout: err.stdout, stderr: err.stderr },
      };
    });
    expect(t).toMatchObject({ ok: { stdout: 'out\n', stderr: 'err\n' }, failed: { exitCode: 3, stdout: 'partial\n' } });
  });

  it('a background handle: stdout/stderr strings, exitCode/error getters before and after the end', async () => {
    const t = await same(async (_m, s) => {
      const handle = await s.commands.run('printf a; printf b >&2; read x; echo "got $x"', { stdin: true, background: true });
      const before = { exitCode: handle.exitCode ?? null, error: handle.error ?? null, stdoutType: typeof handle.stdout };
      await handle.sendStdin('line\n');
      const result = await handle.wait();
      return {
        before,
        after: { exitCode: handle.exitCode, stdout: handle.stdout, stderr: handle.stderr, printed: `${handle.stdout}` },
        result: { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr },
      };
    });
    expect(t).toMatchObject({ before: { exitCode: null, stdoutType: 'string' }, after: { exitCode: 0, stdout: 'agot line\n', stderr: 'b' } });
  });

  it('callbacks, background runs, disconnect and kill', async () => {
    const t = await same(async (_m, s) => {
      const chunks: string[] = [];
      await s.commands.run('echo one; echo two', { onStdout: (d) => void chunks.push(d) });
      const bg = await s.commands.run('sleep 30', { background: true });
      const pidIsNumber = typeof bg.pid === 'number';
      await bg.disconnect();
      const killed = await s.commands.kill(bg.pid);
      const again = await s.commands.kill(bg.pid);
      return { text: chunks.join(''), pidIsNumber, killed, again };
    });
    expect(t).toEqual({ text: 'one\ntwo\n', pidIsNumber: true, killed: true, again: false });
  });

  it('a command past its timeoutMs is a TimeoutError', async () => {
    const t = await same(async (m, s) => attempt(m, () => s.commands.run('sleep 5', { timeoutMs: 500 })));
    expect(t).toMatchObject({ error: { name: 'TimeoutError' } });
  });
});

describe('files', () => {
  it('read in every format, writeFiles, list with FileType', async () => {
    const t = await same(async (m, s) => {
      await s.files.write('/tmp/dropin/a.txt', 'hello');
      const many = await s.files.writeFiles([
        { path: '/tmp/dropin/b.txt', data: 'bee' },
        { path: '/tmp/dropin/sub/c.txt', data: 'sea' },
      ]);
      const text = await s.files.read('/tmp/dropin/a.txt');
      const bytes = await s.files.read('/tmp/dropin/a.txt', { format: 'bytes' });
      const blob = await s.files.read('/tmp/dropin/a.txt', { format: 'blob' });
      const stream = await s.files.read('/tmp/dropin/a.txt', { format: 'stream' });
      const reader = stream.getReader();
      const parts: number[] = [];
      for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(...r.value);
      const entries = (await s.files.list('/tmp/dropin')).map((e) => ({ name: e.name, dir: e.type === m.FileType.DIR, file: e.type === m.FileType.FILE }));
      return {
        many: many.map((w) => ({ name: w.name, path: w.path })),
        text,
        bytes: { isUint8Array: bytes instanceof Uint8Array, text: new TextDecoder().decode(bytes) },
        blob: { isBlob: blob instanceof Blob, size: blob.size, text: await blob.text() },
        stream: { isWebStream: stream instanceof ReadableStream, text: new TextDecoder().decode(new Uint8Array(parts)) },
        entries: entries.sort((a, b) => a.name.localeCompare(b.name)),
      };
    });
    expect(t).toMatchObject({ text: 'hello', blob: { isBlob: true, size: 5 }, stream: { isWebStream: true, text: 'hello' } });
  });

  it('errors: a missing file, a file read as a folder', async () => {
    const t = await same(async (m, s) => ({
      missing: await attempt(m, () => s.files.read('/tmp/dropin/nope.txt')),
      exists: await s.files.exists('/tmp/dropin/nope.txt'),
      listFile: await attempt(m, () => s.files.list('/tmp/dropin/a.txt')),
    }));
    expect(t).toMatchObject({ missing: { error: { name: 'FileNotFoundError' } }, exists: false });
  });

  it('watchDir events carry FilesystemEventType values', async () => {
    const t = await same(async (m, s) => {
      await s.files.makeDir('/tmp/dropin-watch');
      const events: string[] = [];
      const watcher = await s.files.watchDir('/tmp/dropin-watch', (e) => {
        if (e.name === 'made.txt') events.push(e.type);
      });
      await s.files.write('/tmp/dropin-watch/made.txt', 'x');
      await s.files.remove('/tmp/dropin-watch/made.txt');
      for (let i = 0; i < 50 && !events.includes(m.FilesystemEventType.REMOVE); i++) await new Promise((r) => setTimeout(r, 100));
      await watcher.stop();
      return { created: events.includes(m.FilesystemEventType.CREATE), removed: events.includes(m.FilesystemEventType.REMOVE) };
    });
    expect(t).toEqual({ created: true, removed: true });
  });
});

describe('pty', () => {
  it('create, send input, read output through onData, exit code', async () => {
    const t = await same(async (_m, s) => {
      let output = '';
      const decoder = new TextDecoder();
      const term = await s.pty.create({
        cols: 80,
        rows: 24,
        onData: (d) => {
          output += decoder.decode(d, { stream: true });
        },
      });
      await s.pty.sendInput(term.pid, new TextEncoder().encode('echo $((6*7)); exit 4\n'));
      const end = await term.wait().catch((e: E2B.CommandExitError) => e);
      return { sawAnswer: output.includes('42'), exitCode: end.exitCode };
    });
    expect(t).toEqual({ sawAnswer: true, exitCode: 4 });
  });
});

describe('sandbox', () => {
  it('info, a subclass that creates instances of itself, and fork', async () => {
    const t = await same(async (m) => {
      class Mine extends m.Sandbox {
        hello(): string {
          return 'mine';
        }
      }
      const sandbox = await Mine.create({ metadata: { dropin: 'yes' } });
      try {
        const info = await sandbox.getInfo();
        await sandbox.files.write('/tmp/forked.txt', 'before fork');
        const forks = await sandbox.fork({ count: 1 });
        const fork = forks[0];
        const forkView =
          fork instanceof Error
            ? { error: caught(m, fork) }
            : { isMine: fork instanceof Mine, text: await fork.files.read('/tmp/forked.txt'), differs: fork.sandboxId !== sandbox.sandboxId };
        if (!(fork instanceof Error)) await fork.kill();
        return {
          hello: sandbox.hello(),
          isMine: sandbox instanceof Mine,
          info: { metadata: info.metadata, state: info.state, templateId: info.templateId },
          fork: forkView,
          notFound: await attempt(m, () => m.Sandbox.connect('i00000000000000000000')),
        };
      } finally {
        await sandbox.kill();
      }
    });
    expect(t).toMatchObject({ hello: 'mine', isMine: true, fork: { isMine: true, text: 'before fork', differs: true } });
  });
});
