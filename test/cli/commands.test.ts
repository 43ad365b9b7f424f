/**
 * Commands in process, with injected IO and a scripted prompter, against a real local backend:
 * what a person at a terminal sees versus what a pipe gets, prompts and their flag equivalents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { createTestIO } from '../helpers/io.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { FakePrompter, type Expectation } from '../helpers/prompter.js';

let backend: LocalBackend;

beforeAll(async () => {
  backend = await startLocalBackend();
});
afterAll(async () => {
  await backend?.dispose();
});

async function run(args: string[], opts: { tty?: boolean; prompts?: Expectation[] } = {}) {
  const test = createTestIO({ tty: opts.tty ?? false });
  const prompter = FakePrompter.script(opts.prompts ?? []);
  const ctx = createContext({ io: test.io, env: { E2B_TS_HOME: backend.home }, prompter });
  const code = await main(['--local', ...args], ctx);
  prompter.verify();
  return { code, stdout: test.stdout(), stderr: test.stderr() };
}

describe('output depends on the terminal', () => {
  it('ls: aligned table with a header on a terminal, TSV without one when piped', async () => {
    const id = (await run(['sandbox', 'create', '--metadata', 'view=table'])).stdout.trim();
    const tty = await run(['sandbox', 'ls', '--metadata', 'view=table'], { tty: true });
    const lines = tty.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TEMPLATE\s+STATE\s+STARTED\s+ENDS\s+CPU\s+MEMORY\s+METADATA$/);
    expect(lines[1]).toMatch(new RegExp(`^${id}\\s+base\\s+running\\s+(now|\\S+ ago)\\s+in \\d+m.*\\s+2\\s+512 MiB\\s+view=table$`));
    const piped = await run(['sandbox', 'ls', '--metadata', 'view=table']);
    expect(piped.stdout).toBe(piped.stdout.split('\n')[0] + '\n');
    expect(piped.stdout.split('\t')[0]).toBe(id);
  });

  it('success lines go to stderr on a terminal only; the ID alone goes to stdout', async () => {
    const tty = await run(['sandbox', 'create'], { tty: true });
    expect(tty.stdout).toMatch(/^i[a-z0-9]{20}\n$/);
    expect(tty.stderr).toContain(`✓ Created sandbox ${tty.stdout.trim()} on the local backend`);
    const piped = await run(['sandbox', 'create']);
    expect(piped.stderr).toBe('');
  });

  it('an empty list is success with nothing on stdout', async () => {
    const res = await run(['sandbox', 'ls', '--metadata', 'nothing=here']);
    expect(res).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await run(['sandbox', 'ls', '--metadata', 'nothing=here', '--json'])).stdout).toBe('[]\n');
  });

  it('help goes to stdout and exits 0', async () => {
    const res = await run(['sandbox', 'create', '--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Usage: e2b-ts sandbox create \[options\] \[template\]/);
    expect(res.stdout).toMatch(/--on-timeout <action>/);
  });
});

describe('prompts and their flags', () => {
  it('kill --all asks on a terminal; "no" kills nothing and exits 130', async () => {
    const id = (await run(['sandbox', 'create', '--metadata', 'batch=no'])).stdout.trim();
    const res = await run(['sandbox', 'kill', '--all', '--metadata', 'batch=no'], {
      tty: true,
      prompts: [{ confirm: /Kill 1 sandbox\?/, answer: false }],
    });
    expect(res.code).toBe(130);
    expect((await run(['sandbox', 'info', id])).code).toBe(0);
  });

  it('kill --all with "yes" kills exactly the matching sandboxes', async () => {
    const a = (await run(['sandbox', 'create', '--metadata', 'batch=yes'])).stdout.trim();
    const b = (await run(['sandbox', 'create', '--metadata', 'batch=yes'])).stdout.trim();
    const keep = (await run(['sandbox', 'create', '--metadata', 'batch=keep'])).stdout.trim();
    const res = await run(['sandbox', 'kill', '--all', '--metadata', 'batch=yes', '--json'], {
      tty: true,
      prompts: [{ confirm: /Kill 2 sandboxes\?/, answer: true }],
    });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).killed.sort()).toEqual([a, b].sort());
    expect((await run(['sandbox', 'info', keep])).code).toBe(0);
  });

  it('-y skips the prompt; --no-input refuses on a terminal instead of asking', async () => {
    await run(['sandbox', 'create', '--metadata', 'batch=flag']);
    const refused = await run(['sandbox', 'kill', '--all', '--metadata', 'batch=flag', '--no-input'], { tty: true });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/add -y\/--yes/);
    const yes = await run(['sandbox', 'kill', '--all', '--metadata', 'batch=flag', '-y'], { tty: true });
    expect(yes.code).toBe(0);
  });

  it('a missing sandbox ID opens a picker on a terminal', async () => {
    const id = (await run(['sandbox', 'create', '--metadata', 'pick=me'])).stdout.trim();
    const res = await run(['sandbox', 'info', '--json'], { tty: true, prompts: [{ select: /Sandbox \(sandbox info\)/, answer: id }] });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).sandboxId).toBe(id);
  });
});

describe('global options', () => {
  it('work before or after the command words', async () => {
    const test = createTestIO();
    const code = await main(['sandbox', 'ls', '--json', '--local'], createContext({ io: test.io, env: { E2B_TS_HOME: backend.home } }));
    expect(code).toBe(0);
    expect(Array.isArray(JSON.parse(test.stdout()))).toBe(true);
  });

  it('E2B_TS_LOCAL=1 is --local', async () => {
    const test = createTestIO();
    const code = await main(['sandbox', 'ls', '--json'], createContext({ io: test.io, env: { E2B_TS_HOME: backend.home, E2B_TS_LOCAL: '1' } }));
    expect(code).toBe(0);
  });
});
