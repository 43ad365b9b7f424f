/**
 * `e2b-ts git …` in process, with no backend: the Context's client is replaced by a module whose
 * `Sandbox.attach` gives a sandbox with the real `Git` (src/client/git.ts) over a fake
 * `commands.run`. The fake answers git's exact argument lists as scripted per test and records
 * every call, so these tests see what reaches the sandbox (argv, stdin, user, deadline) as well
 * as what the CLI prints: argument parsing and the location grammar, every output shape
 * (terminal, piped, --json), the exit code of each error class, where credentials come from,
 * and that a password never shows anywhere.
 */
import { describe, expect, it } from 'vitest';
import { AbortError, CommandExitError, SandboxNotFoundError, TimeoutError } from '../../src/client/errors.js';
import { Git } from '../../src/client/git.js';
import { createContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { createTestIO } from '../helpers/io.js';
import { FakePrompter, type Expectation } from '../helpers/prompter.js';

const ID = 'igit0test0sandbox0001';
const URL_ = 'https://git.example.test/org/app.git';
/** A recognizable password: it must appear in nothing the CLI prints. */
const SECRET = 'hunter2-S3CRET-p@ss:/word';

/** One call of the fake `commands.run`. */
interface Call {
  cmd: string;
  args: string[];
  /** git's own arguments (after the credential helper's wrapper), without `-C repo`. */
  git: string[];
  /** The `-C` folder, when there was one. */
  repo?: string;
  user?: string;
  timeoutMs?: number;
  envs?: Record<string, string>;
  /** What was written to the process's stdin. */
  stdin?: string;
  progress: boolean;
}

interface Answer {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** Sent to onStderr (the progress callback) before the end, when there is one. */
  progress?: string;
}

type Responder = (call: Call) => Answer | Error | undefined;

/** The wrapper's fixed arguments before git's own: `-c SCRIPT e2b-ts-git HOSTS`. */
const WRAPPER_ARGS = 4;

function fakeCommands(respond: Responder, calls: Call[]) {
  const finish = (call: Call, opts: { onStderr?: (t: string) => unknown }) => {
    const answer = respond(call) ?? {};
    if (answer instanceof Error) throw answer;
    if (answer.progress && opts.onStderr) void opts.onStderr(answer.progress);
    const result = { exitCode: answer.exitCode ?? 0, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '' };
    if (result.exitCode !== 0) throw new CommandExitError(result);
    return result;
  };
  return {
    async run(cmd: string, opts: Record<string, unknown> & { args?: string[]; background?: boolean; onStderr?: (t: string) => unknown }) {
      const args = opts.args ?? [];
      let git = cmd === 'git' ? [...args] : args.slice(WRAPPER_ARGS);
      let repo: string | undefined;
      if (git[0] === '-C') [repo, git] = [git[1], git.slice(2)];
      const call: Call = {
        cmd,
        args,
        git,
        ...(repo !== undefined ? { repo } : {}),
        ...(opts.user ? { user: opts.user as string } : {}),
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs as number } : {}),
        ...(opts.envs ? { envs: opts.envs as Record<string, string> } : {}),
        progress: typeof opts.onStderr === 'function',
      };
      calls.push(call);
      if (!opts.background) return finish(call, opts);
      return {
        sendStdin: async (text: string) => {
          call.stdin = (call.stdin ?? '') + text;
        },
        closeStdin: async () => {},
        wait: async () => finish(call, opts),
      };
    },
  };
}

/** Answers by the start of git's arguments (`'status'`, `'remote get-url'`); the first match wins. */
function script(answers: Array<[string, Answer | Error | ((call: Call) => Answer | Error)]>): Responder {
  return (call) => {
    const line = call.git.join(' ');
    for (const [prefix, answer] of answers) {
      if (line === prefix || line.startsWith(`${prefix} `)) return typeof answer === 'function' ? answer(call) : answer;
    }
    return undefined;
  };
}

interface RunOptions {
  tty?: boolean;
  input?: string;
  env?: Record<string, string>;
  prompts?: Expectation[];
  respond?: Responder;
  /** Aborts the context's signal (Ctrl-C) when git is called. */
  interruptOnGit?: boolean;
}

const everything: string[] = [];

async function run(args: string[], opts: RunOptions = {}) {
  const test = createTestIO({ tty: opts.tty ?? false, ...(opts.input !== undefined ? { input: opts.input } : {}) });
  const prompter = FakePrompter.script(opts.prompts ?? []);
  const controller = new AbortController();
  const ctx = createContext({ io: test.io, env: { ...(opts.env ?? {}) }, prompter, signal: controller.signal });
  const calls: Call[] = [];
  const respond: Responder = (call) => {
    if (opts.interruptOnGit) {
      controller.abort();
      return new AbortError('aborted');
    }
    return (opts.respond ?? (() => undefined))(call);
  };
  const commands = fakeCommands(respond, calls);
  const real = await import('../../src/index.js');
  const attached: string[] = [];
  ctx.client = async () =>
    ({
      ...real,
      Sandbox: {
        attach: async (id: string) => {
          attached.push(id);
          if (id !== ID) throw new SandboxNotFoundError(`sandbox ${id} not found`);
          return { sandboxId: id, commands, git: new Git(commands as never) };
        },
      },
    }) as never;
  ctx.connection = async () => ({});
  const code = await main(args, ctx);
  prompter.verify();
  const result = { code, stdout: test.stdout(), stderr: test.stderr(), calls, attached };
  everything.push(
    result.stdout,
    result.stderr,
    ...calls.filter((c) => !isStoreCredentials(c)).flatMap((c) => [...c.args, ...Object.values(c.envs ?? {}), c.cmd]),
  );
  return result;
}

/**
 * `clone --store-credentials` asks for the credentials in origin's URL in .git/config; the
 * library writes it with `git remote set-url` (an argv inside the sandbox), the one place a
 * password may be, because the user asked to keep it there.
 */
const isStoreCredentials = (c: Call) => c.git[0] === 'remote' && c.git[1] === 'set-url';

/** The git calls' arguments, without the wrapper. */
const gitCalls = (r: { calls: Call[] }) => r.calls.map((c) => c.git);

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(stderr).toMatch(/^[^\n]*\n$/);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at\s/m);
}

// ── porcelain v2 -z as git prints it ────────────────────────────────────────────────────────
const ordinary = (xy: string, path: string) => `1 ${xy} N... 100644 100644 100644 0123abc 4567def ${path}`;
const STATUS_OUT = [
  '# branch.oid 89abcdef',
  '# branch.head main',
  '# branch.upstream origin/main',
  '# branch.ab +2 -1',
  ordinary('M.', 'staged.txt'),
  ordinary('.M', 'changed.txt'),
  ordinary('MM', 'both.txt'),
  ordinary('A.', 'added.txt'),
  ordinary('.D', 'gone.txt'),
  '2 R. N... 100644 100644 100644 0123abc 0123abc R100 new name.txt',
  'old name.txt',
  'u UU N... 100644 100644 100644 100644 1111111 2222222 3333333 conflict.txt',
  '? untracked\ttab.txt',
  '? plain.txt',
  '',
].join('\0');
const CLEAN_STATUS = ['# branch.oid 89abcdef', '# branch.head feature', ''].join('\0');
const BRANCHES_OUT = [
  '\t\trefs/heads/feature',
  '*\t\trefs/heads/main',
  ' \trefs/remotes/origin/main\trefs/remotes/origin/HEAD',
  '\t\trefs/remotes/origin/main',
  '',
].join('\n');
const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('locations: ID[:PATH]', () => {
  it.each([
    [`${ID}:repo`, 'repo'],
    [`${ID}:/home/user/repo`, '/home/user/repo'],
    [ID, '.'],
    [`${ID}:`, '.'],
    [`${ID}:~`, '.'],
    [`${ID}:~/src/app`, 'src/app'],
  ])('%s → git -C %s', async (location, repo) => {
    const r = await run(['git', 'status', location], { respond: script([['status', { stdout: CLEAN_STATUS }]]) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]).toMatchObject({ cmd: 'git', repo, git: ['status', '--porcelain=2', '--branch', '-z'] });
    expect(r.attached).toEqual([ID]);
  });

  it.each(['my_repo', './repo', '/abs/repo', 'Upper:repo', 'a/b:repo', 'C:\\repo'])('"%s" is a usage error naming the grammar', async (location) => {
    const r = await run(['git', 'status', location]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectOneLine(r.stderr, /git status needs a sandbox location written ID\[:PATH\]/);
    expect(r.calls).toEqual([]);
  });

  it('a sandbox that does not exist: exit 3 (a bare word is an ID, as the grammar says)', async () => {
    const r = await run(['git', 'status', 'inosuchsandbox:repo']);
    expect(r.code).toBe(3);
    expectOneLine(r.stderr, /sandbox inosuchsandbox not found/);
    const bare = await run(['git', 'status', 'repo']);
    expect(bare.code).toBe(3);
    expect(bare.attached).toEqual(['repo']);
  });
});

describe('argument parsing: what reaches git', () => {
  it('--user and --timeout go to every call; a bad duration is a usage error', async () => {
    const r = await run(['git', 'add', `${ID}:repo`, '--user', 'root', '--timeout', '5m']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls[0]).toMatchObject({ user: 'root', timeoutMs: 300_000, git: ['add', '-A'] });
    const none = await run(['git', 'add', `${ID}:repo`]);
    expect(none.calls[0]!.timeoutMs).toBe(0);
    expect(none.calls[0]!.user).toBeUndefined();
    const bad = await run(['git', 'add', `${ID}:repo`, '--timeout', '5x']);
    expect(bad.code).toBe(2);
    expectOneLine(bad.stderr, /invalid timeout "5x"/);
  });

  it('clone: URL and destination after --, branch, depth; no PATH leaves git its default folder', async () => {
    const a = await run(['git', 'clone', URL_, ID]);
    expect(gitCalls(a)).toEqual([['clone', '--', URL_]]);
    const b = await run(['git', 'clone', URL_, `${ID}:/home/user/src`, '--branch', 'dev', '--depth', '1']);
    expect(gitCalls(b)).toEqual([['clone', '--branch', 'dev', '--single-branch', '--depth', '1', '--', URL_, '/home/user/src']]);
    const bad = await run(['git', 'clone', URL_, ID, '--depth', '0']);
    expect(bad.code).toBe(2);
    expectOneLine(bad.stderr, /invalid --depth "0"/);
  });

  it('add: files, or -A, or . with --no-all', async () => {
    expect(gitCalls(await run(['git', 'add', `${ID}:r`, 'a.txt', 'b c.txt']))).toEqual([['add', '--', 'a.txt', 'b c.txt']]);
    expect(gitCalls(await run(['git', 'add', `${ID}:r`]))).toEqual([['add', '-A']]);
    expect(gitCalls(await run(['git', 'add', `${ID}:r`, '--no-all']))).toEqual([['add', '.']]);
  });

  it('commit: -m, --author as author and committer, --allow-empty; a bad --author or no -m is a usage error', async () => {
    const r = await run(['git', 'commit', `${ID}:r`, '-m', 'the message', '--author', 'Ada Lovelace <ada@example.test>', '--allow-empty'], {
      respond: script([['rev-parse', { stdout: `${SHA}\n` }]]),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(gitCalls(r)).toEqual([
      ['-c', 'user.name=Ada Lovelace', '-c', 'user.email=ada@example.test', 'commit', '-m', 'the message', '--allow-empty'],
      ['rev-parse', '--verify', 'HEAD'],
    ]);
    const badAuthor = await run(['git', 'commit', `${ID}:r`, '-m', 'x', '--author', 'Ada']);
    expect(badAuthor.code).toBe(2);
    expectOneLine(badAuthor.stderr, /invalid --author "Ada": write it "Name <email>"/);
    const noMessage = await run(['git', 'commit', `${ID}:r`]);
    expect(noMessage.code).toBe(2);
    expectOneLine(noMessage.stderr, /required option '-m, --message <message>'/);
  });

  it('push: remote, branch (with a remote, the current one by default), upstream set unless --no-set-upstream', async () => {
    const branches = script([['for-each-ref', { stdout: BRANCHES_OUT }]]);
    expect(gitCalls(await run(['git', 'push', `${ID}:r`, '--remote', 'origin', '--branch', 'feat']))).toEqual([['push', '--set-upstream', 'origin', 'feat']]);
    expect(gitCalls(await run(['git', 'push', `${ID}:r`, '--remote', 'origin', '--no-set-upstream'], { respond: branches }))).toEqual([
      ['for-each-ref', '--format=%(HEAD)%09%(symref)%09%(refname)', 'refs/heads', 'refs/remotes'],
      ['push', 'origin', 'main'],
    ]);
    expect(gitCalls(await run(['git', 'push', `${ID}:r`]))).toEqual([['push']]);
  });

  it('pull: checks for an upstream first, or takes --remote and --branch', async () => {
    const r = await run(['git', 'pull', `${ID}:r`], { respond: script([['rev-parse', { stdout: 'origin/main\n' }]]) });
    expect(gitCalls(r)).toEqual([['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{u}'], ['pull']]);
    expect(gitCalls(await run(['git', 'pull', `${ID}:r`, '--remote', 'up', '--branch', 'dev']))).toEqual([['pull', 'up', 'dev']]);
  });

  it('branch: bare `branch ID` lists; create, delete, delete --force; checkout', async () => {
    const answers = script([['for-each-ref', { stdout: BRANCHES_OUT }]]);
    expect(gitCalls(await run(['git', 'branch', `${ID}:r`], { respond: answers }))[0]![0]).toBe('for-each-ref');
    expect(gitCalls(await run(['git', 'branch', 'list', `${ID}:r`], { respond: answers }))[0]![0]).toBe('for-each-ref');
    expect(gitCalls(await run(['git', 'branch', 'create', `${ID}:r`, 'feat']))).toEqual([['checkout', '-b', 'feat']]);
    expect(gitCalls(await run(['git', 'branch', 'delete', `${ID}:r`, 'feat']))).toEqual([['branch', '-d', 'feat']]);
    expect(gitCalls(await run(['git', 'branch', 'delete', `${ID}:r`, 'feat', '--force']))).toEqual([['branch', '-D', 'feat']]);
    expect(gitCalls(await run(['git', 'checkout', `${ID}:r`, 'main']))).toEqual([['checkout', 'main']]);
  });

  it('remote add (--fetch, --overwrite) and remote get', async () => {
    expect(gitCalls(await run(['git', 'remote', 'add', `${ID}:r`, 'up', URL_, '--fetch']))).toEqual([['remote', 'add', '-f', 'up', URL_]]);
    const exists = script([['remote add', { exitCode: 3, stderr: 'error: remote up already exists.\n' }]]);
    expect(gitCalls(await run(['git', 'remote', 'add', `${ID}:r`, 'up', URL_, '--overwrite'], { respond: exists }))).toEqual([
      ['remote', 'add', 'up', URL_],
      ['remote', 'set-url', 'up', URL_],
    ]);
    const refused = await run(['git', 'remote', 'add', `${ID}:r`, 'up', URL_], { respond: exists });
    expect(refused.code).toBe(1);
    expectOneLine(refused.stderr, /^error: git remote add: error: remote up already exists\.$/m);
  });

  it('config: --scope global by default (no -C), local with PATH as the repository; a bad scope is a usage error', async () => {
    const g = await run(['git', 'config', 'set', `${ID}:r`, 'user.name', 'Ada L']);
    expect(g.calls[0]).toMatchObject({ git: ['config', '--global', 'user.name', 'Ada L'] });
    expect(g.calls[0]!.repo).toBeUndefined();
    const l = await run(['git', 'config', 'get', `${ID}:r`, 'pull.rebase', '--scope', 'local'], { respond: script([['config', { stdout: 'true\n' }]]) });
    expect(l.calls[0]).toMatchObject({ repo: 'r', git: ['config', '--local', '--get', 'pull.rebase'] });
    expect(l.stdout).toBe('true\n');
    const bad = await run(['git', 'config', 'get', ID, 'x.y', '--scope', 'team']);
    expect(bad.code).toBe(2);
    expectOneLine(bad.stderr, /Allowed choices are global, local, system/);
  });

  it('reset: target, mode, paths after --; two targets or two modes are usage errors', async () => {
    expect(gitCalls(await run(['git', 'reset', `${ID}:r`, 'HEAD~1', '--hard']))).toEqual([['reset', '--hard', 'HEAD~1']]);
    expect(gitCalls(await run(['git', 'reset', `${ID}:r`, '--', 'a.txt', 'b.txt']))).toEqual([['reset', '--', 'a.txt', 'b.txt']]);
    expect(gitCalls(await run(['git', 'reset', `${ID}:r`, 'main', '--soft', '--', 'a.txt']))).toEqual([['reset', '--soft', 'main', '--', 'a.txt']]);
    expect(gitCalls(await run(['git', 'reset', `${ID}:r`]))).toEqual([['reset']]);
    const two = await run(['git', 'reset', `${ID}:r`, 'a', 'b']);
    expect(two.code).toBe(2);
    expectOneLine(two.stderr, /one target before --/);
    const modes = await run(['git', 'reset', `${ID}:r`, '--soft', '--hard']);
    expect(modes.code).toBe(2);
    expectOneLine(modes.stderr, /option '--soft' cannot be used with option '--hard'|option '--hard' cannot be used with option '--soft'/);
  });

  it('restore: paths, --staged, --worktree, --source; no path is a usage error', async () => {
    expect(gitCalls(await run(['git', 'restore', `${ID}:r`, 'a.txt']))).toEqual([['restore', '--worktree', '--', 'a.txt']]);
    expect(gitCalls(await run(['git', 'restore', `${ID}:r`, '.', '--staged']))).toEqual([['restore', '--staged', '--', '.']]);
    expect(gitCalls(await run(['git', 'restore', `${ID}:r`, 'a', '--staged', '--worktree', '--source', 'HEAD~2']))).toEqual([
      ['restore', '--worktree', '--staged', '--source', 'HEAD~2', '--', 'a'],
    ]);
    const none = await run(['git', 'restore', `${ID}:r`]);
    expect(none.code).toBe(2);
    expectOneLine(none.stderr, /missing required argument 'paths'/);
  });

  it('init: --bare, --initial-branch', async () => {
    expect(gitCalls(await run(['git', 'init', `${ID}:proj`, '--bare', '--initial-branch', 'trunk']))).toEqual([
      ['init', '--initial-branch', 'trunk', '--bare', '--', 'proj'],
    ]);
  });

  it('a name git would read as an option is refused before anything runs (exit 2)', async () => {
    const r = await run(['git', 'checkout', `${ID}:r`, '--', '--orphan']);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /Branch name cannot start with '-'/);
    expect(r.calls).toEqual([]);
  });
});

describe('output shapes', () => {
  const status = script([['status', { stdout: STATUS_OUT }]]);

  it("status on a terminal: git's summary, grouped", async () => {
    const r = await run(['git', 'status', `${ID}:r`], { tty: true, respond: status });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'On branch main',
        "Your branch and 'origin/main' have diverged: 2 commits ahead, 1 commit behind.",
        '',
        'Changes to be committed:',
        '\tmodified:   staged.txt',
        '\tmodified:   both.txt',
        '\tnew file:   added.txt',
        '\trenamed:    old name.txt -> new name.txt',
        '',
        'Unmerged paths:',
        '\tboth modified:   conflict.txt',
        '',
        'Changes not staged for commit:',
        '\tmodified:   changed.txt',
        '\tmodified:   both.txt',
        '\tdeleted:    gone.txt',
        '',
        'Untracked files:',
        '\t"untracked\\ttab.txt"',
        '\tplain.txt',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe('');
  });

  it('status on a terminal, clean, with color: green staged, red unstaged', async () => {
    const clean = await run(['git', 'status', `${ID}:r`], { tty: true, respond: script([['status', { stdout: CLEAN_STATUS }]]) });
    expect(clean.stdout).toBe('On branch feature\n\nnothing to commit, working tree clean\n');
    const { statusSummary } = await import('../../src/cli/git/render.js');
    const { parseGitStatus } = await import('../../src/client/git-parse.js');
    const { chalkColors } = await import('../../src/cli/render/chalk-colors.js');
    const colored = statusSummary(parseGitStatus(STATUS_OUT), chalkColors(1));
    expect(colored).toContain('\x1b[32m\tmodified:   staged.txt\x1b[39m');
    expect(colored).toContain('\x1b[31m\tmodified:   changed.txt\x1b[39m');
  });

  it('status piped: one TSV row per file, XY with "." for unchanged, C-quoted odd names', async () => {
    const r = await run(['git', 'status', `${ID}:r`], { respond: status });
    expect(r.stdout).toBe(
      [
        'M.\tmodified\tstaged.txt\t',
        '.M\tmodified\tchanged.txt\t',
        'MM\tmodified\tboth.txt\t',
        'A.\tadded\tadded.txt\t',
        '.D\tdeleted\tgone.txt\t',
        'R.\trenamed\tnew name.txt\told name.txt',
        'UU\tconflict\tconflict.txt\t',
        '??\tuntracked\t"untracked\\ttab.txt"\t',
        '??\tuntracked\tplain.txt\t',
        '',
      ].join('\n'),
    );
    const clean = await run(['git', 'status', `${ID}:r`], { respond: script([['status', { stdout: CLEAN_STATUS }]]) });
    expect(clean).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it("status --json: the library's GitStatus", async () => {
    const r = await run(['git', 'status', `${ID}:r`, '--json'], { respond: status });
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ currentBranch: 'main', upstream: 'origin/main', ahead: 2, behind: 1, detached: false, totalCount: 9, conflictCount: 1 });
    expect(json.fileStatus[5]).toEqual({
      name: 'new name.txt',
      status: 'renamed',
      indexStatus: 'R',
      workingTreeStatus: ' ',
      staged: true,
      renamedFrom: 'old name.txt',
    });
  });

  it('branch ls: a table on a terminal, TSV piped, GitBranches with --json', async () => {
    const answers = script([['for-each-ref', { stdout: BRANCHES_OUT }]]);
    const tty = await run(['git', 'branch', 'ls', `${ID}:r`], { tty: true, respond: answers });
    expect(tty.stdout).toBe(['   BRANCH       TYPE', '   feature      local', '*  main         local', '   origin/main  remote', ''].join('\n'));
    const piped = await run(['git', 'branch', `${ID}:r`], { respond: answers });
    expect(piped.stdout).toBe('feature\tlocal\t\nmain\tlocal\tcurrent\norigin/main\tremote\t\n');
    const json = await run(['git', 'branch', 'ls', `${ID}:r`, '--json'], { respond: answers });
    expect(JSON.parse(json.stdout)).toEqual({ branches: ['feature', 'main'], currentBranch: 'main', remoteBranches: ['origin/main'] });
  });

  it("commit: the full sha on stdout, git's summary on stderr; --json adds the sha to git's result", async () => {
    const answers = script([
      ['-c', { stdout: '[main 0123456] the message\n 1 file changed, 1 insertion(+)\n' }],
      ['commit', { stdout: '[main 0123456] the message\n 1 file changed, 1 insertion(+)\n' }],
      ['rev-parse', { stdout: `${SHA}\n` }],
    ]);
    const r = await run(['git', 'commit', `${ID}:r`, '-m', 'the message'], { respond: answers });
    expect(r).toMatchObject({ code: 0, stdout: `${SHA}\n`, stderr: '[main 0123456] the message\n 1 file changed, 1 insertion(+)\n' });
    const json = await run(['git', 'commit', `${ID}:r`, '-m', 'the message', '--json'], { respond: answers });
    expect(JSON.parse(json.stdout)).toEqual({ sha: SHA, exitCode: 0, stdout: '[main 0123456] the message\n 1 file changed, 1 insertion(+)\n', stderr: '' });
    expect(json.stderr).toBe('');
  });

  it("verbs that only act: nothing on stdout, git's words on stderr (control sequences removed); --json prints {exitCode, stdout, stderr}", async () => {
    const answers = script([['checkout', { stderr: "Switched to branch '\x1b]0;pwned\x07main'\n" }]]);
    const r = await run(['git', 'checkout', `${ID}:r`, 'main'], { respond: answers });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: "Switched to branch 'main'\n" });
    const json = await run(['git', 'checkout', `${ID}:r`, 'main', '--json'], { respond: answers });
    expect(JSON.parse(json.stdout)).toEqual({ exitCode: 0, stdout: '', stderr: "Switched to branch '\x1b]0;pwned\x07main'\n" });
    expect(json.stderr).toBe('');
  });

  it('quiet verbs confirm on a terminal only', async () => {
    expect((await run(['git', 'add', `${ID}:r`], { tty: true })).stderr).toBe(`✓ Staged all changes in ${ID}:r\n`);
    expect((await run(['git', 'add', `${ID}:r`])).stderr).toBe('');
    expect((await run(['git', 'remote', 'add', `${ID}:r`, 'up', URL_], { tty: true })).stderr).toBe('✓ Added remote up\n');
  });

  it('clone progress: streamed on a terminal (git asked for --progress), not when piped or with --json', async () => {
    const answers = script([
      [
        'clone',
        (call) =>
          call.progress
            ? {
                stderr: "Cloning into 'app'...\nReceiving objects: 50%\rReceiving objects: 100%\n",
                progress: "Cloning into 'app'...\nReceiving objects: 50%\rReceiving objects: 100%\n",
              }
            : { stderr: "Cloning into 'app'...\n" },
      ],
    ]);
    const tty = await run(['git', 'clone', URL_, ID], { tty: true, respond: answers });
    expect(gitCalls(tty)).toEqual([['clone', '--progress', '--', URL_]]);
    expect(tty.stderr).toBe("Cloning into 'app'...\nReceiving objects: 50%\rReceiving objects: 100%\n");
    const piped = await run(['git', 'clone', URL_, ID], { respond: answers });
    expect(gitCalls(piped)).toEqual([['clone', '--', URL_]]);
    expect(piped).toMatchObject({ code: 0, stdout: '', stderr: "Cloning into 'app'...\n" });
    const json = await run(['git', 'clone', URL_, ID, '--json'], { tty: true, respond: answers });
    expect(gitCalls(json)).toEqual([['clone', '--', URL_]]);
    expect(JSON.parse(json.stdout)).toEqual({ exitCode: 0, stdout: '', stderr: "Cloning into 'app'...\n" });
  });

  it('remote get: the URL; --json a JSON string; no such remote exits 3; a stored password shows as ***', async () => {
    const answers = script([
      ['remote get-url origin', { stdout: `${URL_}\n` }],
      ['remote get-url stored', { stdout: 'https://ada:tok3n@git.example.test/x.git\n' }],
      ['remote get-url', { exitCode: 2, stderr: "error: No such remote 'nope'\n" }],
    ]);
    expect((await run(['git', 'remote', 'get', `${ID}:r`, 'origin'], { respond: answers })).stdout).toBe(`${URL_}\n`);
    expect((await run(['git', 'remote', 'get', `${ID}:r`, 'origin', '--json'], { respond: answers })).stdout).toBe(`"${URL_}"\n`);
    expect((await run(['git', 'remote', 'get', `${ID}:r`, 'stored'], { respond: answers })).stdout).toBe('https://ada:***@git.example.test/x.git\n');
    const none = await run(['git', 'remote', 'get', `${ID}:r`, 'nope'], { respond: answers });
    expect(none.code).toBe(3);
    expect(none.stdout).toBe('');
    expectOneLine(none.stderr, new RegExp(`no remote "nope" in the repository at ${ID}:r`));
  });

  it('config get: the value; unset exits 1 with nothing on stdout (a note on a terminal, null with --json)', async () => {
    const unset = script([['config', { exitCode: 1 }]]);
    expect(await run(['git', 'config', 'get', ID, 'user.name'], { respond: script([['config', { stdout: 'Ada L\n' }]]) })).toMatchObject({
      code: 0,
      stdout: 'Ada L\n',
    });
    expect(await run(['git', 'config', 'get', ID, 'user.name'], { respond: unset })).toMatchObject({ code: 1, stdout: '', stderr: '' });
    expect(await run(['git', 'config', 'get', ID, 'user.name'], { tty: true, respond: unset })).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'user.name is not set in the global config\n',
    });
    expect(await run(['git', 'config', 'get', ID, 'user.name', '--json'], { respond: unset })).toMatchObject({ code: 1, stdout: 'null\n' });
  });
});

describe("errors: one line, git's reason, the exit code of the class", () => {
  it('git fails (not a repository): exit 1 with its fatal line, never "command exited with code"', async () => {
    const r = await run(['git', 'status', `${ID}:nope`], {
      respond: script([['status', { exitCode: 128, stderr: 'fatal: not a git repository (or any of the parent directories): .git\n' }]]),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: git status: fatal: not a git repository (or any of the parent directories): .git\n');
  });

  it("a rejected push: the rejected ref and git's error, hints left out, control sequences removed", async () => {
    const stderr = [
      'To https://git.example.test/org/app.git',
      ' ! [rejected]        main -> main (fetch first)',
      "error: failed to push some refs to 'https://git.example.test/org/app.git'",
      'hint: Updates were rejected because the remote contains work that you do',
      'hint: not have locally.',
      '',
    ].join('\n');
    const r = await run(['git', 'push', `${ID}:r`, '--remote', 'origin'], { respond: script([['push', { exitCode: 1, stderr: `\x1b[31m${stderr}` }]]) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error: git push: ! [rejected]        main -> main (fetch first); error: failed to push some refs to 'https://git.example.test/org/app.git'\n",
    );
  });

  it('a pull with a conflict: exit 1 with the CONFLICT line', async () => {
    const r = await run(['git', 'pull', `${ID}:r`, '--remote', 'origin', '--branch', 'main'], {
      respond: script([
        [
          'pull',
          {
            exitCode: 1,
            stdout: 'Auto-merging a.txt\nCONFLICT (content): Merge conflict in a.txt\nAutomatic merge failed; fix conflicts and then commit the result.\n',
          },
        ],
      ]),
    });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /^error: git pull: CONFLICT \(content\): Merge conflict in a\.txt$/m);
  });

  it('a failure without fatal/error lines: its last line (nothing to commit)', async () => {
    const r = await run(['git', 'commit', `${ID}:r`, '-m', 'x'], {
      respond: script([['commit', { exitCode: 1, stdout: 'On branch main\nnothing to commit, working tree clean\n' }]]),
    });
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'error: git commit: nothing to commit, working tree clean\n' });
  });

  it("no upstream: exit 1 with what to do and git's own line", async () => {
    const push = await run(['git', 'push', `${ID}:r`, '--no-set-upstream'], {
      respond: script([
        [
          'push',
          {
            exitCode: 128,
            stderr:
              'fatal: The current branch feat has no upstream branch.\nTo push the current branch and set the remote as upstream, use\n\n    git push --set-upstream origin feat\n\n',
          },
        ],
      ]),
    });
    expect(push.code).toBe(1);
    expectOneLine(
      push.stderr,
      /^error: git push: the branch has no upstream branch; name the remote with --remote .*: fatal: The current branch feat has no upstream branch\.$/m,
    );
    const pull = await run(['git', 'pull', `${ID}:r`], {
      respond: script([['rev-parse', { exitCode: 128, stderr: "fatal: no upstream configured for branch 'feat'\n" }]]),
    });
    expect(pull.code).toBe(1);
    expectOneLine(pull.stderr, /^error: git pull: the branch has no upstream branch; name the remote and branch with --remote and --branch$/m);
  });

  it("credentials missing or refused: exit 4 with the server's reason", async () => {
    const missing = await run(['git', 'clone', URL_, ID], {
      respond: script([
        [
          'clone',
          { exitCode: 128, stderr: "Cloning into 'app'...\nfatal: could not read Username for 'https://git.example.test': terminal prompts disabled\n" },
        ],
      ]),
    });
    expect(missing.code).toBe(4);
    expectOneLine(
      missing.stderr,
      /^error: git clone: the repository needs credentials \(--username with --password-stdin, or E2B_TS_GIT_TOKEN\): fatal: could not read Username for 'https:\/\/git\.example\.test': terminal prompts disabled$/m,
    );
    const refused = await run(['git', 'clone', URL_, ID, '--username', 'ada', '--password-stdin'], {
      input: `${SECRET}\n`,
      respond: script([
        [
          'clone',
          { exitCode: 128, stderr: "remote: Invalid username or password.\nfatal: Authentication failed for 'https://git.example.test/org/app.git/'\n" },
        ],
      ]),
    });
    expect(refused.code).toBe(4);
    expectOneLine(
      refused.stderr,
      /^error: git clone: the server refused the credentials: fatal: Authentication failed for 'https:\/\/git\.example\.test\/org\/app\.git\/'$/m,
    );
  });

  it('--timeout passing: exit 5; Ctrl-C: exit 130', async () => {
    const timeout = await run(['git', 'status', `${ID}:r`, '--timeout', '1s'], { respond: () => new TimeoutError('the command timed out after 1000 ms') });
    expect(timeout.code).toBe(5);
    expectOneLine(timeout.stderr, /timed out/);
    const interrupted = await run(['git', 'clone', URL_, ID], { interruptOnGit: true });
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toBe('interrupted\n');
  });

  it("no stack trace unless --debug; --debug adds git's whole output and the stack", async () => {
    const answers = script([['status', { exitCode: 128, stderr: 'warning: something first\nfatal: not a git repository\n' }]]);
    const plain = await run(['git', 'status', `${ID}:r`], { respond: answers });
    expect(plain.stderr).toBe('error: git status: fatal: not a git repository\n');
    const debug = await run(['--debug', 'git', 'status', `${ID}:r`], { respond: answers });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toContain('[debug] git stderr:\nwarning: something first\nfatal: not a git repository');
    expect(debug.stderr).toMatch(/^\s+at\s/m);
  });
});

describe('credentials: flags, stdin, environment', () => {
  const cloneOk = script([['clone', { stderr: "Cloning into 'app'...\n" }]]);

  it('--username with --password-stdin: the first line of stdin, to git on its stdin, through the helper', async () => {
    const r = await run(['git', 'clone', URL_, ID, '--username', 'ada', '--password-stdin'], { input: `${SECRET}\nsecond line\n`, respond: cloneOk });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]).toMatchObject({ cmd: '/bin/sh', stdin: `username=ada\npassword=${SECRET}\n`, git: ['clone', '--', URL_, 'app'] });
    expect(r.calls[0]!.args[3]).toBe('git.example.test');
  });

  it('a CRLF line ending is not part of the password; an empty line or no input is a usage error', async () => {
    const crlf = await run(['git', 'clone', URL_, ID, '--username', 'ada', '--password-stdin'], { input: `${SECRET}\r\n`, respond: cloneOk });
    expect(crlf.calls[0]!.stdin).toBe(`username=ada\npassword=${SECRET}\n`);
    for (const input of ['', '\n']) {
      const r = await run(['git', 'clone', URL_, ID, '--password-stdin'], { input });
      expect(r.code).toBe(2);
      expectOneLine(r.stderr, /--password-stdin: no password on stdin/);
      expect(r.calls).toEqual([]);
    }
  });

  it('E2B_TS_GIT_USERNAME and E2B_TS_GIT_TOKEN; a token alone goes as x-access-token; flags win', async () => {
    const both = await run(['git', 'push', `${ID}:r`], {
      env: { E2B_TS_GIT_USERNAME: 'envuser', E2B_TS_GIT_TOKEN: SECRET },
      respond: script([
        ['remote get-url', { stdout: `${URL_}\n` }],
        ['remote', { stdout: 'origin\n' }],
      ]),
    });
    expect(both.code, both.stderr).toBe(0);
    const push = both.calls.find((c) => c.git[0] === 'push')!;
    expect(push).toMatchObject({ cmd: '/bin/sh', git: ['push', '--set-upstream', 'origin'], stdin: `username=envuser\npassword=${SECRET}\n` });
    const tokenOnly = await run(['git', 'clone', URL_, ID], { env: { E2B_TS_GIT_TOKEN: SECRET }, respond: cloneOk });
    expect(tokenOnly.calls[0]!.stdin).toBe(`username=x-access-token\npassword=${SECRET}\n`);
    const flags = await run(['git', 'clone', URL_, ID, '--username', 'flaguser', '--password-stdin'], {
      input: 'from-stdin\n',
      env: { E2B_TS_GIT_USERNAME: 'envuser', E2B_TS_GIT_TOKEN: SECRET },
      respond: cloneOk,
    });
    expect(flags.calls[0]!.stdin).toBe('username=flaguser\npassword=from-stdin\n');
  });

  it('environment credentials are for http(s): a clone of another URL goes without them', async () => {
    const r = await run(['git', 'clone', 'git@git.example.test:org/app.git', ID], { env: { E2B_TS_GIT_TOKEN: SECRET }, respond: cloneOk });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls[0]).toMatchObject({ cmd: 'git', git: ['clone', '--', 'git@git.example.test:org/app.git'] });
    expect(r.calls[0]!.stdin).toBeUndefined();
  });

  it('--password-stdin on a terminal: asked for without echo; with --no-input, a usage error that says to pipe it', async () => {
    const asked = await run(['git', 'clone', URL_, ID, '--username', 'ada', '--password-stdin'], {
      tty: true,
      prompts: [{ password: /Password or token for https:\/\/git\.example\.test\/org\/app\.git/, answer: SECRET }],
      respond: cloneOk,
    });
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.calls[0]!.stdin).toBe(`username=ada\npassword=${SECRET}\n`);
    const refused = await run(['--no-input', 'git', 'clone', URL_, ID, '--password-stdin'], { tty: true });
    expect(refused.code).toBe(2);
    expectOneLine(refused.stderr, /stdin is a terminal: pipe it in .*--password-stdin.* or set E2B_TS_GIT_TOKEN/);
  });

  it('there is no --password: refused without echoing the value, in either spelling', async () => {
    for (const args of [['--password', SECRET], [`--password=${SECRET}`]]) {
      const r = await run(['git', 'clone', URL_, ID, ...args]);
      expect(r.code).toBe(2);
      expectOneLine(r.stderr, /there is no --password: .*--password-stdin/);
      expect(r.stderr).not.toContain(SECRET);
      expect(r.calls).toEqual([]);
    }
    expect((await run(['git', 'clone', '--help'])).stdout).not.toMatch(/--password </);
  });

  it('a username without a password sends nothing; the refusal says a password is needed', async () => {
    const r = await run(['git', 'pull', `${ID}:r`, '--remote', 'origin', '--branch', 'main', '--username', 'ada'], {
      respond: script([['pull', { exitCode: 128, stderr: "fatal: could not read Password for 'https://ada@git.example.test': terminal prompts disabled\n" }]]),
    });
    expect(r.code).toBe(4);
    expect(r.calls[0]!.cmd).toBe('git');
    expectOneLine(r.stderr, /git pull: the repository needs credentials/);
  });
});

describe('the secret never shows', () => {
  /** git output that quotes the password back, as a careless server or a stored URL might. */
  const leaky = `remote: password ${SECRET} rejected\nfatal: unable to access 'https://ada:${encodeURIComponent(SECRET)}@git.example.test/org/app.git/': The requested URL returned error: 403\n`;

  it('in no output of any verb that takes credentials: success, failure, --json, --debug, terminal or not', async () => {
    const seen: string[] = [];
    const record = (r: { stdout: string; stderr: string }) => seen.push(r.stdout, r.stderr);
    const sources: RunOptions[] = [
      { input: `${SECRET}\n` },
      { env: { E2B_TS_GIT_TOKEN: SECRET } },
      { env: { E2B_TS_GIT_USERNAME: 'ada', E2B_TS_GIT_TOKEN: SECRET } },
      { tty: true, prompts: [{ password: /Password/, answer: SECRET }] },
    ];
    const remotes: Array<[string, Answer]> = [
      ['remote get-url', { stdout: `${URL_}\n` }],
      ['remote set-url', {}],
      ['remote', { stdout: 'origin\n' }],
      ['rev-parse', { stdout: 'origin/main\n' }],
    ];
    const answers: Responder[] = [
      script(remotes),
      script([
        ...remotes,
        ['clone', { stderr: leaky, stdout: leaky, progress: leaky }],
        ['push', { stderr: leaky, progress: leaky }],
        ['pull', { stderr: leaky, progress: leaky }],
      ]),
      script([...remotes, ['clone', { exitCode: 128, stderr: leaky }], ['push', { exitCode: 128, stderr: leaky }], ['pull', { exitCode: 1, stderr: leaky }]]),
      script([
        ...remotes,
        ['clone', { exitCode: 128, stderr: `fatal: Authentication failed for 'https://ada:${SECRET}@x/'\n` }],
        ['push', { exitCode: 128, stderr: `remote: ${SECRET}\nfatal: Authentication failed\n` }],
        ['pull', { exitCode: 128, stderr: `remote: ${SECRET}\nfatal: Authentication failed\n` }],
      ]),
    ];
    const verbs = [
      ['git', 'clone', URL_, ID],
      ['git', 'clone', URL_, `${ID}:dst`, '--store-credentials'],
      ['git', 'push', `${ID}:r`],
      ['git', 'pull', `${ID}:r`],
    ];
    let runs = 0;
    for (const source of sources) {
      for (const respond of answers) {
        for (const verb of verbs) {
          for (const extra of [[], ['--json'], ['--debug']]) {
            const usesStdin = source.input !== undefined || source.prompts !== undefined;
            const args = [...verb, ...extra, ...(usesStdin ? ['--username', 'ada', '--password-stdin'] : [])];
            const r = await run(args, { ...source, respond, ...(source.prompts ? { prompts: [...source.prompts] } : {}) });
            record(r);
            runs++;
            // What reached the sandbox: the password only ever on a process's stdin, never in argv or environment.
            for (const call of r.calls.filter((c) => !isStoreCredentials(c))) {
              expect(JSON.stringify([call.cmd, call.args, call.envs ?? {}])).not.toContain(SECRET);
            }
            expect(
              r.calls.some((c) => c.stdin?.includes(SECRET)),
              args.join(' '),
            ).toBe(true);
          }
        }
      }
    }
    expect(runs).toBe(4 * 4 * 4 * 3);
    const forms = [SECRET, encodeURIComponent(SECRET), Buffer.from(`ada:${SECRET}`).toString('base64')];
    for (const text of seen) for (const form of forms) expect(text).not.toContain(form);
    // and the failures did say something
    expect(seen.join('')).toContain('***');
  });

  it('in nothing any test in this file captured', () => {
    // After every test here that runs the CLI: every stdout, stderr, argv and environment seen above.
    expect(everything.length).toBeGreaterThan(100);
    for (const text of everything) expect(text).not.toContain(SECRET);
  });
});

describe('pure pieces', () => {
  it('quoteName: git-style C quoting for control characters, quotes and backslashes only', async () => {
    const { quoteName } = await import('../../src/cli/git/render.js');
    expect(quoteName('plain name é.txt')).toBe('plain name é.txt');
    expect(quoteName('a\tb\nc')).toBe('"a\\tb\\nc"');
    expect(quoteName('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(quoteName('\x1b[31mred')).toBe('"\\033[31mred"');
    expect(quoteName('c1\u009bx')).toBe('"c1\\302\\233x"');
  });

  it('Redactor: the secret as is, percent-encoded (either case), in a URL, in a Basic header; any URL password', async () => {
    const { Redactor } = await import('../../src/cli/git/redact.js');
    const r = new Redactor();
    r.add('p@ss:/w rd', 'ada');
    const encoded = encodeURIComponent('p@ss:/w rd');
    const basic = Buffer.from('ada:p@ss:/w rd').toString('base64');
    expect(r.redact(`a p@ss:/w rd b ${encoded} c ${encoded.toLowerCase()} d ${basic}`)).toBe('a *** b *** c *** d ***');
    expect(r.redact("fatal: unable to access 'https://bob:other@host/x.git/'")).toBe("fatal: unable to access 'https://bob:***@host/x.git/'");
    expect(new Redactor().redact('nothing to hide')).toBe('nothing to hide');
  });

  it('gitReason: fatal/error/rejected/CONFLICT lines in order, else the last line that is not a hint', async () => {
    const { gitReason } = await import('../../src/cli/git/failure.js');
    expect(gitReason({ exitCode: 1, stdout: '', stderr: 'hint: a\nerror: one\nfatal: two\n' })).toBe('error: one; fatal: two');
    expect(gitReason({ exitCode: 1, stdout: 'x\nlast words\n', stderr: 'hint: ignore me\n' })).toBe('last words');
    expect(gitReason({ exitCode: 7, stdout: '', stderr: '' })).toBe('git exited with code 7');
  });
});
