/**
 * `e2b-ts git …` end to end: the built CLI as a subprocess against a real local backend, with
 * git in the sandbox talking to a real git smart-HTTP server (test/helpers/git-server.ts, git
 * http-backend on loopback). What the CLI reports is checked against the server's own view
 * (its log and refs) and the sandbox's files.
 *
 * One backend, one sandbox, one server for the file; the tests run in order and build on each
 * other: clone (public; private with the right credentials from --password-stdin and from the
 * environment; wrong or missing ones exit 4), edit with `e2b-ts exec`, status piped and --json,
 * add, commit (the sha on stdout), push (the server has the commit), pull after a commit made
 * upstream, and a push of a new branch without an upstream (--no-set-upstream) that fails with
 * git's reason. On a real terminal (node-pty), clone shows git's progress and --password-stdin
 * asks for the password without echo. The server's password appears in none of the CLI's output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, type CliResult } from '../helpers/cli.js';
import { DEFAULT_GIT_CREDENTIALS, startGitServer, type GitServer } from '../helpers/git-server.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { cliBin } from '../helpers/paths.js';
import { Terminal } from '../helpers/terminal.js';

const { username, password } = DEFAULT_GIT_CREDENTIALS;

let backend: LocalBackend;
let server: GitServer;
let id: string;
/** Every result of this file, to check at the end that the password never showed. */
const results: CliResult[] = [];
/** What the terminals of this file showed. */
const screens: string[] = [];

async function cli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const r = await runCli(['--local', ...args], {
    env: { E2B_TS_HOME: backend.home, ...(opts.env ?? {}) },
    timeoutMs: 120_000,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  results.push(r);
  return r;
}

const show = (r: CliResult) => `code ${r.code}\nstdout ${JSON.stringify(r.stdout)}\nstderr ${JSON.stringify(r.stderr)}`;

/** Runs the CLI and expects exit 0. */
async function ok(args: string[], opts: Parameters<typeof cli>[1] = {}): Promise<CliResult> {
  const r = await cli(args, opts);
  expect(r.code, `e2b-ts ${args.join(' ')}\n${show(r)}`).toBe(0);
  return r;
}

/** A shell line in the sandbox, through `e2b-ts exec`. */
async function sh(script: string): Promise<string> {
  return (await ok(['exec', id, '--', 'sh', '-c', script])).stdout;
}

beforeAll(async () => {
  [backend, server] = await Promise.all([startLocalBackend(), startGitServer()]);
  await Promise.all([
    server.createRepo('app', { commits: [{ message: 'first', files: { 'README.md': 'hello\n', 'src/main.txt': 'main\n' } }] }),
    server.createRepo('secret', { private: true, commits: [{ message: 'private first', files: { 'plan.txt': 'the plan\n' } }] }),
  ]);
  id = (await ok(['sandbox', 'create', '--timeout', '30m', '--metadata', 'suite=git-cli'])).stdout.trim();
  await ok(['git', 'config', 'set', id, 'user.name', 'CLI Tester']);
  await ok(['git', 'config', 'set', id, 'user.email', 'cli@example.test']);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await backend?.dispose();
});

describe('clone', () => {
  it("a public repository into the URL's last segment in the home folder; nothing on stdout", async () => {
    const r = await ok(['git', 'clone', server.repoUrl('app'), id]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("Cloning into 'app'");
    expect(await sh('cat /home/user/app/README.md')).toBe('hello\n');
    expect(await ok(['git', 'config', 'get', id, 'user.name'])).toMatchObject({ stdout: 'CLI Tester\n' });
    expect((await ok(['git', 'remote', 'get', `${id}:app`, 'origin'])).stdout).toBe(`${server.repoUrl('app')}\n`);
  });

  it('a private repository with --username and --password-stdin; the password is kept nowhere', async () => {
    const r = await ok(['git', 'clone', server.repoUrl('secret'), `${id}:/home/user/from-stdin`, '--username', username, '--password-stdin'], {
      input: `${password}\n`,
    });
    expect(r.stdout).toBe('');
    expect(await sh('cat from-stdin/plan.txt')).toBe('the plan\n');
    expect(await sh('cat from-stdin/.git/config')).not.toContain(encodeURIComponent(password).slice(0, 8));
    expect(server.requests.some((q) => q.path.startsWith('/secret.git') && q.user === username)).toBe(true);
  });

  it('a private repository with E2B_TS_GIT_USERNAME and E2B_TS_GIT_TOKEN', async () => {
    await ok(['git', 'clone', server.repoUrl('secret'), `${id}:from-env`], { env: { E2B_TS_GIT_USERNAME: username, E2B_TS_GIT_TOKEN: password } });
    expect(await sh('cat from-env/plan.txt')).toBe('the plan\n');
  });

  it("wrong credentials: exit 4, one line with the server's reason; none: exit 4 saying what to give", async () => {
    const wrong = await cli(['git', 'clone', server.repoUrl('secret'), `${id}:wrong`, '--username', username, '--password-stdin'], {
      input: 'not-the-password\n',
    });
    expect(wrong.code, show(wrong)).toBe(4);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/^error: git clone: the server refused the credentials: fatal: Authentication failed for '[^']+'\n$/);
    const none = await cli(['git', 'clone', server.repoUrl('secret'), `${id}:none`]);
    expect(none.code, show(none)).toBe(4);
    expect(none.stderr).toMatch(
      /^error: git clone: the repository needs credentials \(--username with --password-stdin, or E2B_TS_GIT_TOKEN\): fatal: could not read Username .*\n$/,
    );
    expect(await sh('ls -d wrong none 2>/dev/null; true')).toBe('');
  });
});

describe('on a terminal', () => {
  /** The CLI in a pseudo-terminal: stdin, stdout and stderr are all terminals. */
  async function inTerminal(args: string[], type?: string): Promise<{ code: number; screen: string }> {
    const term = new Terminal(process.execPath, [cliBin, '--local', ...args], { cols: 120, env: cleanEnv({ E2B_TS_HOME: backend.home }) });
    try {
      if (type !== undefined) {
        await term.waitFor(/Password or token for/, { timeoutMs: 60_000 });
        term.write(`${type}\r`);
      }
      const { exitCode } = await term.waitExit(60_000);
      screens.push(term.output.raw());
      return { code: exitCode, screen: term.output.text() };
    } finally {
      await term.dispose();
    }
  }

  it("clone shows git's progress (piped, git's messages only)", async () => {
    const tty = await inTerminal(['git', 'clone', server.repoUrl('app'), `${id}:tty-clone`]);
    expect(tty.code, tty.screen).toBe(0);
    expect(tty.screen).toMatch(/Receiving objects: 100%/);
    const piped = await ok(['git', 'clone', server.repoUrl('app'), `${id}:piped-clone`]);
    expect(piped.stderr).not.toMatch(/Receiving objects/);
  });

  it('--password-stdin asks for the password without echo', async () => {
    const r = await inTerminal(['git', 'clone', server.repoUrl('secret'), `${id}:typed`, '--username', username, '--password-stdin'], password);
    expect(r.code, r.screen).toBe(0);
    expect(await sh('cat typed/plan.txt')).toBe('the plan\n');
  });
});

describe('edit, stage, commit, push, pull', () => {
  let sha: string;

  it('status after edits made with exec: TSV rows piped, GitStatus with --json', async () => {
    await sh("cd app && printf 'hello\\nmore\\n' > README.md && echo new > 'new file.txt'");
    expect((await ok(['git', 'status', `${id}:app`])).stdout).toBe('.M\tmodified\tREADME.md\t\n??\tuntracked\tnew file.txt\t\n');
    const json = JSON.parse((await ok(['git', 'status', `${id}:app`, '--json'])).stdout);
    expect(json).toMatchObject({
      currentBranch: 'main',
      upstream: 'origin/main',
      ahead: 0,
      behind: 0,
      totalCount: 2,
      stagedCount: 0,
      untrackedCount: 1,
      isClean: false,
    });
  });

  it('add stages everything; commit prints the new sha', async () => {
    expect(await ok(['git', 'add', `${id}:app`])).toMatchObject({ stdout: '', stderr: '' });
    expect((await ok(['git', 'status', `${id}:app`])).stdout).toBe('M.\tmodified\tREADME.md\t\nA.\tadded\tnew file.txt\t\n');
    const r = await ok(['git', 'commit', `${id}:app`, '-m', 'Edit from the CLI']);
    expect(r.stdout).toMatch(/^[0-9a-f]{40}\n$/);
    sha = r.stdout.trim();
    expect(r.stderr).toContain('Edit from the CLI');
    expect(await sh('git -C app rev-parse HEAD')).toBe(`${sha}\n`);
  });

  it('push: the server has the commit', async () => {
    const r = await ok(['git', 'push', `${id}:app`]);
    expect(r.stdout).toBe('');
    const [top] = await server.log('app', 'main');
    expect(top).toMatchObject({ sha, subject: 'Edit from the CLI', authorName: 'CLI Tester', authorEmail: 'cli@example.test' });
    expect(await server.readFile('app', 'main', 'new file.txt')).toBe('new\n');
    expect(JSON.parse((await ok(['git', 'status', `${id}:app`, '--json'])).stdout)).toMatchObject({ ahead: 0, behind: 0, isClean: true });
  });

  it('pull brings a commit made upstream', async () => {
    const upstream = await server.commitUpstream('app', { message: 'upstream change', files: { 'up.txt': 'from upstream\n' } });
    await ok(['git', 'pull', `${id}:app`]);
    expect(await sh('cat app/up.txt')).toBe('from upstream\n');
    expect(await sh('git -C app rev-parse HEAD')).toBe(`${upstream}\n`);
  });

  it("a new branch pushed with --no-set-upstream: exit 1 with git's reason; with --remote it goes and tracks", async () => {
    await ok(['git', 'branch', 'create', `${id}:app`, 'feature']);
    await sh('cd app && echo feature > feature.txt');
    await ok(['git', 'add', `${id}:app`, 'feature.txt']);
    await ok(['git', 'commit', `${id}:app`, '-m', 'feature work']);
    const r = await cli(['git', 'push', `${id}:app`, '--no-set-upstream']);
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: git push: the branch has no upstream branch; .*: fatal: The current branch feature has no upstream branch\.\n$/);
    expect(Object.keys(await server.refs('app'))).not.toContain('refs/heads/feature');

    await ok(['git', 'push', `${id}:app`, '--remote', 'origin']);
    expect(Object.keys(await server.refs('app'))).toContain('refs/heads/feature');
    expect((await ok(['git', 'branch', `${id}:app`])).stdout).toBe('feature\tlocal\tcurrent\nmain\tlocal\t\norigin/feature\tremote\t\norigin/main\tremote\t\n');
  });

  it('a private repository: commit and push with credentials from the environment', async () => {
    await sh('cd from-env && echo more >> plan.txt');
    await ok(['git', 'add', `${id}:from-env`]);
    const sha2 = (await ok(['git', 'commit', `${id}:from-env`, '-m', 'private change'])).stdout.trim();
    const noCredentials = await cli(['git', 'push', `${id}:from-env`]);
    expect(noCredentials.code, show(noCredentials)).toBe(4);
    await ok(['git', 'push', `${id}:from-env`], { env: { E2B_TS_GIT_USERNAME: username, E2B_TS_GIT_TOKEN: password } });
    expect((await server.log('secret', 'main'))[0]).toMatchObject({ sha: sha2, subject: 'private change' });
  });
});

describe('secrets', () => {
  it('the password appears in no output of this file, and the server saw it only as Basic auth', () => {
    expect(results.length).toBeGreaterThan(20);
    const spellings = [password, encodeURIComponent(password), Buffer.from(`${username}:${password}`).toString('base64')];
    for (const r of results) for (const s of spellings) expect(`${r.stdout}${r.stderr}`).not.toContain(s);
    expect(screens).toHaveLength(2);
    for (const screen of screens) for (const s of spellings) expect(screen).not.toContain(s);
    expect(server.sawCredential(password)).toBe(false);
  });
});
