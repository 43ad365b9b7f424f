/**
 * `volume` verbs in process. First the builders alone (each verb's `run` seam gets the parsed
 * options; no backend), then the verbs against a real local backend with injected IO and a
 * scripted prompter: tables on a terminal, TSV and JSON when piped, the question before a delete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '@commander-js/extra-typings';
import { cpCommand } from '../../src/cli/commands/volume/cp.js';
import { createCommand } from '../../src/cli/commands/volume/create.js';
import { lsCommand } from '../../src/cli/commands/volume/ls.js';
import { mkdirCommand } from '../../src/cli/commands/volume/mkdir.js';
import { rmCommand } from '../../src/cli/commands/volume/rm.js';
import { createContext, type Context } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { createTestIO } from '../helpers/io.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { FakePrompter, type Expectation } from '../helpers/prompter.js';

function parsed<T>(build: (ctx: Context, run: (opts: T) => Promise<void>) => Command, args: string[]): Promise<T> {
  const ctx = createContext({ io: createTestIO().io, env: {}, prompter: FakePrompter.script([]) });
  return new Promise<T>((resolve, reject) => {
    build(ctx, async (opts) => resolve(opts))
      .exitOverride()
      .parseAsync(args, { from: 'user' })
      .catch(reject);
  });
}

describe('volume builders: flags → options', () => {
  it.each([
    [lsCommand, [], { long: false, depth: 1 }],
    [lsCommand, ['data:/x', '-l', '--depth', '3'], { location: { volume: 'data', path: '/x' }, long: true, depth: 3 }],
    [createCommand, ['my_vol-1'], { name: 'my_vol-1' }],
    [mkdirCommand, ['data:a/b', '-p'], { volume: 'data', path: '/a/b', parents: true }],
    [rmCommand, ['-r', 'data:/cache'], { targets: ['data:/cache'], recursive: true }],
    [cpCommand, ['./dir', 'data:/dir'], { source: './dir', destination: 'data:/dir' }],
  ] as const)('%o %j', async (build, args, want) => {
    expect(await parsed(build as never, [...args])).toEqual(want);
  });

  it('refuses a name E2B refuses before any call', async () => {
    await expect(parsed(createCommand as never, ['has space'])).rejects.toThrow(/invalid volume name/);
  });
});

let backend: LocalBackend;
beforeAll(async () => {
  backend = await startLocalBackend();
});
afterAll(async () => {
  await backend?.dispose();
});

async function run(args: string[], opts: { tty?: boolean; prompts?: Expectation[]; input?: string } = {}) {
  const test = createTestIO({ tty: opts.tty ?? false, ...(opts.input !== undefined ? { input: opts.input } : {}) });
  const prompter = FakePrompter.script(opts.prompts ?? []);
  const ctx = createContext({ io: test.io, env: { E2B_TS_HOME: backend.home }, prompter });
  const code = await main(['--local', ...args], ctx);
  prompter.verify();
  return { code, stdout: test.stdout(), stderr: test.stderr() };
}

describe('volume verbs in process', () => {
  it('ls: a table with a header on a terminal, TSV when piped, objects with --json (never a token)', async () => {
    const created = await run(['volume', 'create', 'inproc'], { tty: true });
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    expect(created.stderr).toContain('✓ Created volume inproc');
    const tty = await run(['volume', 'ls'], { tty: true });
    expect(tty.stdout.split('\n')[0]).toMatch(/^ID\s+NAME$/);
    expect(tty.stdout).toMatch(new RegExp(`${id}\\s+inproc`));
    expect((await run(['volume', 'ls'])).stdout).toBe(`${id}\tinproc\n`);
    const json = await run(['volume', 'info', 'inproc', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ volumeId: id, name: 'inproc' });
  });

  it('rm asks on a terminal (no: exit 130, kept) and deletes with -y', async () => {
    await run(['volume', 'create', 'asked']);
    const no = await run(['volume', 'rm', 'asked'], { tty: true, prompts: [{ confirm: /Delete asked with all files\?/, answer: false }] });
    expect(no.code).toBe(130);
    expect((await run(['volume', 'ls'])).stdout).toContain('asked');
    const piped = await run(['volume', 'rm', 'asked']);
    expect(piped.code).toBe(2);
    expect(piped.stderr).toMatch(/add -y/);
    expect((await run(['volume', 'rm', 'asked', '-y'])).code).toBe(0);
    expect((await run(['volume', 'ls'])).stdout).not.toContain('asked');
  });

  it('rm of a folder wants -r', async () => {
    await run(['volume', 'create', 'folders']);
    expect((await run(['volume', 'mkdir', '-p', 'folders:/a/b'])).code).toBe(0);
    const refused = await run(['volume', 'rm', 'folders:/a']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/add -r/);
    expect((await run(['volume', 'rm', '-r', 'folders:/a'])).code).toBe(0);
    expect((await run(['volume', 'ls', 'folders:/'])).stdout).toBe('');
  });
});
