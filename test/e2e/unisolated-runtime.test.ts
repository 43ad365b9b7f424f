/**
 * The unisolated runtime (E2B_TS_RUNTIME=unisolated, what runs where bubblewrap cannot), end to
 * end through the built CLI, so it cannot rot while the default suites run under bubblewrap.
 *
 * Its model (see src/local/runtime/unisolated.ts): a path means the host's path to the file API
 * and to processes alike; the sandbox's own folder is its users' home (HOME, default cwd, `~`).
 * Covered: the file API and processes agree on paths (both ways, absolute and relative); exec's
 * stdin/stdout, exit codes, --cwd and --env; `fs cp` up and down (tar in the sandbox) leaves
 * nothing in the host's /tmp and touches nothing but the named target; `sandbox kill` ends a
 * process that called setsid and forked again (reparented out of the sandbox's tree), checked by
 * pid from the host.
 *
 * The exec and fs suites run under this runtime too (the `unisolated` project in vitest.config.ts),
 * with every sandbox path taken from the sandbox's own home or TMPDIR (test/helpers/runtime-mode.ts):
 * naming `/home/user/...` literally would reach the host's /home/user (the model's trade-off).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { pollUntil } from '../helpers/cli-process.js';
import { requireSandboxFolder, startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

let backend: LocalBackend;
let sbx: string;
let sbxHome: string;
let scratch: string;

const cli = (args: string[], input?: string): Promise<CliResult> =>
  runCli(['--local', ...args], { env: { E2B_TS_HOME: backend.home }, timeoutMs: 30_000, ...(input !== undefined ? { input } : {}) });
const show = (r: CliResult) => `code ${r.code} signal ${r.signal}\nstdout ${JSON.stringify(r.stdout)}\nstderr ${JSON.stringify(r.stderr)}`;
async function ok(args: string[], input?: string): Promise<CliResult> {
  const r = await cli(args, input);
  expect(r.code, show(r)).toBe(0);
  return r;
}
async function create(): Promise<string> {
  return (await ok(['sandbox', 'create', '--timeout', '10m'])).stdout.trim();
}
/** Entries of the host's /home/user (what the old path mapping made `tar` in the sandbox write into). */
const hostHomeUser = () => (existsSync('/home/user') ? readdirSync('/home/user').sort() : []);
/**
 * Test files' own folders in /tmp: mkdtemp names (`e2bts-<what>-` and six random characters,
 * this file's and every backend's state folder among them) and the writable-root canaries. Other
 * files running in parallel make and remove theirs while this file looks (e2bts-local-* of
 * local-commands.test.ts failed it), so they are left out; the product names nothing in /tmp so
 * (its temporaries are `.NAME.e2bts-*` beside their destination).
 */
const TEST_FOLDER = /^e2bts-[a-z0-9-]+-[A-Za-z0-9]{6}$|^e2bts-writable-root-canary-/;
/** Names in the host's /tmp that our tools would make (temporaries, helpers), test files' own folders aside. */
const toolNamesInTmp = () => readdirSync(tmpdir()).filter((n) => /e2bts|e2b-ts/.test(n) && !TEST_FOLDER.test(n));

beforeAll(async () => {
  backend = await startLocalBackend({ env: { E2B_TS_RUNTIME: 'unisolated' } });
  scratch = mkdtempSync(join(tmpdir(), 'e2bts-unisolated-'));
  sbx = await create();
  sbxHome = join(requireSandboxFolder(backend.home, sbx), 'fs', 'home', 'user');
}, 60_000);

afterAll(async () => {
  await backend?.dispose();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('unisolated runtime: one meaning for a path', () => {
  it('runs unisolated', async () => {
    const r = await runCli(['local', 'status'], { env: { E2B_TS_HOME: backend.home } });
    expect(r.stdout).toMatch(/^runtime\tunisolated/m);
  });

  it("network rules it cannot enforce are taken, and the sandbox's log says they are not enforced", async () => {
    const created = await cli(['sandbox', 'create', '--deny-out', '0.0.0.0/0']);
    expect(created.code, created.stderr).toBe(0);
    const id = created.stdout.trim();
    try {
      const logs = await cli(['sandbox', 'logs', id]);
      expect(logs.stdout).toMatch(/network rules are NOT enforced/);
    } finally {
      await cli(['sandbox', 'kill', id]);
    }
  });

  it("HOME and the default cwd are the sandbox's own folder, and TMPDIR is the sandbox's", async () => {
    const r = await ok(['exec', sbx, '--', 'sh', '-c', 'echo "$HOME"; pwd; echo "$TMPDIR"']);
    const [home, cwd, tmp] = r.stdout.trim().split('\n');
    expect(home).toBe(sbxHome);
    expect(cwd).toBe(sbxHome);
    expect(tmp).toBe(join(requireSandboxFolder(backend.home, sbx), 'fs', 'tmp'));
  });

  it('what a process writes, the file API reads at the same path (absolute and relative), and back', async () => {
    await ok(['exec', sbx, '--', 'sh', '-c', 'echo from-process > made-by-proc.txt']);
    expect((await ok(['fs', 'cat', `${sbx}:${sbxHome}/made-by-proc.txt`])).stdout).toBe('from-process\n');
    expect((await ok(['fs', 'cat', `${sbx}:made-by-proc.txt`])).stdout).toBe('from-process\n');
    const local = join(scratch, 'up.txt');
    writeFileSync(local, 'from-file-api\n');
    await ok(['fs', 'cp', local, `${sbx}:${sbxHome}/up.txt`]);
    expect((await ok(['exec', sbx, '--', 'cat', `${sbxHome}/up.txt`])).stdout).toBe('from-file-api\n');
    expect((await ok(['exec', sbx, '--', 'cat', 'up.txt'])).stdout).toBe('from-file-api\n');
    expect(readFileSync(join(sbxHome, 'up.txt'), 'utf8')).toBe('from-file-api\n');
  });

  it('exec: stdin, exit codes, --cwd and --env', async () => {
    expect((await ok(['exec', sbx, '--', 'cat'], 'piped\n')).stdout).toBe('piped\n');
    const failed = await cli(['exec', sbx, '--', 'sh', '-c', 'exit 7']);
    expect(failed.code, show(failed)).toBe(7);
    mkdirSync(join(sbxHome, 'sub'), { recursive: true });
    const r = await ok(['exec', sbx, '--cwd', 'sub', '--env', 'GREETING=hi', '--', 'sh', '-c', 'pwd; echo "$GREETING"']);
    expect(r.stdout).toBe(`${join(sbxHome, 'sub')}\nhi\n`);
  });
});

describe('unisolated runtime: fs cp touches only what it is told', () => {
  it('up and down, a tree and a file: nothing new in /tmp, nothing outside the named targets', async () => {
    const tree = join(scratch, 'tree');
    mkdirSync(join(tree, 'd'), { recursive: true });
    writeFileSync(join(tree, 'a.txt'), 'a');
    writeFileSync(join(tree, 'd', 'b.bin'), randomBytes(200_000));
    const tmpBefore = toolNamesInTmp();
    const homeBefore = readdirSync(sbxHome).sort();
    const scratchBefore = readdirSync(scratch).sort();
    const hostHomeBefore = hostHomeUser();

    await ok(['fs', 'cp', tree, `${sbx}:${sbxHome}/tree-up`]);
    await ok(['fs', 'cp', join(tree, 'a.txt'), `${sbx}:${sbxHome}/file-up.txt`]);
    await ok(['fs', 'cp', `${sbx}:${sbxHome}/tree-up`, join(scratch, 'tree-down')]);
    await ok(['fs', 'cp', `${sbx}:${sbxHome}/file-up.txt`, join(scratch, 'file-down.txt')]);

    expect(readFileSync(join(scratch, 'tree-down', 'd', 'b.bin')).equals(readFileSync(join(tree, 'd', 'b.bin')))).toBe(true);
    expect(readFileSync(join(scratch, 'file-down.txt'), 'utf8')).toBe('a');
    expect(readdirSync(sbxHome).sort()).toEqual([...homeBefore, 'file-up.txt', 'tree-up'].sort());
    expect(readdirSync(scratch).sort()).toEqual([...scratchBefore, 'file-down.txt', 'tree-down'].sort());
    expect(toolNamesInTmp()).toEqual(tmpBefore);
    expect(hostHomeUser()).toEqual(hostHomeBefore);
  });
});

describe('unisolated runtime: sandbox kill', () => {
  let bare: LocalBackend | undefined;
  afterAll(async () => {
    await bare?.dispose();
  });

  it.each([
    ['with a cgroup where the machine has one', false],
    ['without any cgroup (E2B_TS_CGROUPS=0): by the marker in its environment', true],
  ])(
    'ends a process that called setsid and forked again (reparented out of the tree), %s',
    async (_, noCgroups) => {
      let on = backend;
      if (noCgroups) {
        bare = await startLocalBackend({ env: { E2B_TS_RUNTIME: 'unisolated', E2B_TS_CGROUPS: '0' } });
        on = bare;
      }
      const ok = async (args: string[]) => {
        const r = await runCli(['--local', ...args], { env: { E2B_TS_HOME: on.home }, timeoutMs: 30_000 });
        expect(r.code, show(r)).toBe(0);
        return r;
      };
      const id = (await ok(['sandbox', 'create', '--timeout', '10m'])).stdout.trim();
      const home = join(requireSandboxFolder(on.home, id), 'fs', 'home', 'user');
      // setsid, then a subshell that backgrounds sleep and exits: sleep's parent is gone, so it is
      // reparented to init (or a subreaper), outside envd's tree, in a session of its own.
      await ok(['exec', id, '--', 'sh', '-c', "setsid sh -c '(sleep 300 & echo $! > escaped.pid) ; exit 0' </dev/null >/dev/null 2>&1"]);
      await pollUntil(
        'the escaped pid',
        async () => (existsSync(join(home, 'escaped.pid')) && readFileSync(join(home, 'escaped.pid'), 'utf8').trim() !== '') || undefined,
        10_000,
      );
      const pid = Number(readFileSync(join(home, 'escaped.pid'), 'utf8').trim());
      const cmdline = () => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          return undefined;
        }
      };
      expect(cmdline()).toBe('sleep\u0000300\u0000');
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      expect(environ).toContain(`E2B_SANDBOX_ID=${id}`);

      await ok(['sandbox', 'kill', id]);
      // the pid may be reused by now, but not by a `sleep 300` of this sandbox
      await pollUntil(
        `the escaped sleep (${pid}) to be gone`,
        async () => {
          if (cmdline() === undefined) return true;
          try {
            return !readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`E2B_SANDBOX_ID=${id}`) || undefined;
          } catch {
            return true;
          }
        },
        5_000,
      );
    },
    60_000,
  );
});

describe('unisolated runtime: ports', () => {
  it("a sandbox's port URL reaches the host's port of that number (envd's loopback is the host's: the runtime isolates nothing)", async () => {
    const server = createServer((_req, res) => res.end('served on the host'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    try {
      const url = (await ok(['sandbox', 'url', sbx, String(port)])).stdout.trim();
      expect(url).toBe(`http://${port}-${sbx}.localhost:${backend.port}`);
      const res = await fetch(`${backend.url}/`, { headers: { 'E2b-Sandbox-Id': sbx, 'E2b-Sandbox-Port': String(port) } });
      expect(await res.text()).toBe('served on the host');
    } finally {
      server.close();
    }
  });
});
