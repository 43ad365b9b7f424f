/**
 * `git` verbs without a backend: flags through each builder's run seam ("options"), and the run
 * logic against the fake envd ("run"): the git command line that reaches the sandbox (through
 * envd's Process service, with the user and the repository), what is printed, and exit codes.
 * test/cli/git-commands.test.ts goes deeper into each verb's output shapes and credentials.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCommand } from '../../../src/cli/commands/git/add.js';
import { branchCreateCommand } from '../../../src/cli/commands/git/branch/create.js';
import { branchDeleteCommand } from '../../../src/cli/commands/git/branch/delete.js';
import { branchListCommand } from '../../../src/cli/commands/git/branch/ls.js';
import { checkoutCommand } from '../../../src/cli/commands/git/checkout.js';
import { cloneCommand } from '../../../src/cli/commands/git/clone.js';
import { commitCommand } from '../../../src/cli/commands/git/commit.js';
import { configGetCommand } from '../../../src/cli/commands/git/config/get.js';
import { configSetCommand } from '../../../src/cli/commands/git/config/set.js';
import { initCommand } from '../../../src/cli/commands/git/init.js';
import { pullCommand } from '../../../src/cli/commands/git/pull.js';
import { pushCommand } from '../../../src/cli/commands/git/push.js';
import { remoteAddCommand } from '../../../src/cli/commands/git/remote/add.js';
import { remoteGetCommand } from '../../../src/cli/commands/git/remote/get.js';
import { resetCommand } from '../../../src/cli/commands/git/reset.js';
import { restoreCommand } from '../../../src/cli/commands/git/restore.js';
import { statusCommand } from '../../../src/cli/commands/git/status.js';
import { fakeCli, type FakeCli } from '../../helpers/fakes/cli.js';
import type { FakeSandboxEnvd, ProcessScript, StartCall } from '../../helpers/fakes/envd.js';
import { parsed, refusal } from '../../helpers/fakes/parsed.js';

const ID = 'isbx0000000000000001';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const URL_ = 'https://git.example.test/org/app.git';

let cli: FakeCli;
let envd: FakeSandboxEnvd;
/** git's own arguments of each call (after the credential wrapper and `-C repo`), with the repo and user. */
let calls: Array<{ git: string[]; repo?: string; user?: string }>;

/** Answers git by the start of its arguments (`'status'`, `'remote get-url'`); unscripted calls succeed silently. */
function answer(script: Array<[string, ProcessScript]>): (call: StartCall) => ProcessScript {
  return (call) => {
    let git = call.argv[0] === 'git' ? call.argv.slice(1) : call.argv.slice(5);
    let repo: string | undefined;
    if (git[0] === '-C') [repo, git] = [git[1], git.slice(2)];
    calls.push({ git, ...(repo !== undefined ? { repo } : {}), ...(call.user ? { user: call.user } : {}) });
    const line = git.join(' ');
    return script.find(([prefix]) => line === prefix || line.startsWith(`${prefix} `))?.[1] ?? {};
  };
}

beforeEach(() => {
  cli = fakeCli();
  cli.api.addSandbox();
  envd = cli.envd.sandbox(ID);
  calls = [];
  envd.onStart = answer([]);
});
afterEach(async () => {
  cli.api.verify();
  await cli.close();
});

const common = { timeoutMs: 0 };
const at = (path?: string) => ({ sandboxId: ID, ...(path !== undefined ? { path } : {}) });

describe('git clone', () => {
  it('options: URL, location, branch, depth, credentials flags, store, user, timeout', async () => {
    expect(
      await parsed(cloneCommand, [
        URL_,
        `${ID}:app`,
        '--branch',
        'main',
        '--depth',
        '1',
        '--username',
        'me',
        '--password-stdin',
        '--store-credentials',
        '--user',
        'root',
        '--timeout',
        '5m',
      ]),
    ).toEqual({
      url: URL_,
      location: at('app'),
      branch: 'main',
      depth: 1,
      username: 'me',
      passwordStdin: true,
      storeCredentials: true,
      user: 'root',
      timeoutMs: 300_000,
    });
    expect((await refusal(cloneCommand, [URL_, ID, '--password', 'hunter2'])).message).toMatch(/there is no --password/);
    expect((await refusal(cloneCommand, [URL_, ID, '--depth', '0'])).code).toBe(2);
  });

  it("run: git clone reaches the sandbox as the user; git's words go to stderr; JSON is git's result", async () => {
    envd.onStart = answer([['clone', { stderr: "Cloning into 'app'...\n" }]]);
    expect(await cli.run(['git', 'clone', URL_, `${ID}:app`, '--user', 'root'])).toEqual({ code: 0, stdout: '', stderr: "Cloning into 'app'...\n" });
    expect(calls[0]).toEqual({ git: ['clone', '--', URL_, 'app'], user: 'root' });
    expect(JSON.parse((await cli.run(['git', 'clone', URL_, ID, '--json'])).stdout)).toEqual({ exitCode: 0, stdout: '', stderr: "Cloning into 'app'...\n" });
    expect((await cli.run(['git', 'clone', URL_, 'inope'])).code).toBe(3);
  });
});

describe('git init', () => {
  it('options: --bare and --initial-branch', async () => {
    expect(await parsed(initCommand, [`${ID}:p`, '--bare', '--initial-branch', 'main'])).toEqual({
      location: at('p'),
      bare: true,
      initialBranch: 'main',
      ...common,
    });
  });

  it("run: git init with the flags; a failure is exit 1 with git's reason", async () => {
    await cli.run(['git', 'init', `${ID}:p`, '--initial-branch', 'main']);
    expect(calls[0]!.git).toEqual(['init', '--initial-branch', 'main', '--', 'p']);
    envd.onStart = answer([['init', { exitCode: 128, stderr: 'fatal: cannot mkdir p: Permission denied\n' }]]);
    const res = await cli.run(['git', 'init', `${ID}:p`]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: .*Permission denied/);
  });
});

describe('git status', () => {
  it('options: the location', async () => {
    expect(await parsed(statusCommand, [ID])).toEqual({ location: at(), ...common });
    expect((await refusal(statusCommand, ['NOT AN ID'])).code).toBe(2);
  });

  it("run: one row per file when piped, the library's GitStatus with --json", async () => {
    const out = ['# branch.oid 89abcdef', '# branch.head main', '1 .M N... 100644 100644 100644 0123abc 4567def changed.txt', '? new.txt', ''].join('\0');
    envd.onStart = answer([['status', { stdout: out }]]);
    expect((await cli.run(['git', 'status', `${ID}:repo`])).stdout).toBe('.M\tmodified\tchanged.txt\t\n??\tuntracked\tnew.txt\t\n');
    expect(calls[0]).toEqual({ git: ['status', '--porcelain=2', '--branch', '-z'], repo: 'repo' });
    expect(JSON.parse((await cli.run(['git', 'status', `${ID}:repo`, '--json'])).stdout)).toMatchObject({ currentBranch: 'main' });
  });
});

describe('git add', () => {
  it('options: files, --no-all', async () => {
    expect(await parsed(addCommand, [`${ID}:r`, 'a.ts', 'b.ts'])).toEqual({ location: at('r'), files: ['a.ts', 'b.ts'], all: true, ...common });
    expect(await parsed(addCommand, [`${ID}:r`, '--no-all'])).toEqual({ location: at('r'), files: [], all: false, ...common });
  });

  it('run: git add -A, or the files', async () => {
    await cli.run(['git', 'add', `${ID}:r`]);
    await cli.run(['git', 'add', `${ID}:r`, 'a.ts']);
    expect(calls.map((c) => c.git)).toEqual([
      ['add', '-A'],
      ['add', '--', 'a.ts'],
    ]);
  });
});

describe('git commit', () => {
  it('options: -m (required), --author, --allow-empty', async () => {
    expect(await parsed(commitCommand, [`${ID}:r`, '-m', 'Fix', '--author', 'CI Bot <ci@example.com>', '--allow-empty'])).toEqual({
      location: at('r'),
      message: 'Fix',
      authorName: 'CI Bot',
      authorEmail: 'ci@example.com',
      allowEmpty: true,
      ...common,
    });
    expect((await refusal(commitCommand, [`${ID}:r`])).message).toMatch(/required option '-m, --message <message>' not specified/);
    expect((await refusal(commitCommand, [`${ID}:r`, '-m', 'x', '--author', 'nobody'])).message).toBe('invalid --author "nobody": write it "Name <email>"');
  });

  it("run: commits and prints the new commit's full sha; nothing staged is exit 1", async () => {
    envd.onStart = answer([
      ['rev-parse --verify HEAD', { stdout: `${SHA}\n` }],
      ['commit', { stdout: '[main 0123456] Fix\n' }],
    ]);
    expect(await cli.run(['git', 'commit', `${ID}:r`, '-m', 'Fix'])).toEqual({ code: 0, stdout: `${SHA}\n`, stderr: '[main 0123456] Fix\n' });
    expect(calls[0]!.git).toEqual(['commit', '-m', 'Fix']);
    expect(JSON.parse((await cli.run(['git', 'commit', `${ID}:r`, '-m', 'Fix', '--json'])).stdout)).toMatchObject({ sha: SHA, exitCode: 0 });
    envd.onStart = answer([['commit', { exitCode: 1, stdout: 'nothing to commit, working tree clean\n' }]]);
    expect((await cli.run(['git', 'commit', `${ID}:r`, '-m', 'Fix'])).code).toBe(1);
  });
});

describe('git push', () => {
  it('options: --remote, --branch, --no-set-upstream', async () => {
    expect(await parsed(pushCommand, [`${ID}:r`, '--remote', 'origin', '--branch', 'f', '--no-set-upstream'])).toEqual({
      location: at('r'),
      remote: 'origin',
      branch: 'f',
      setUpstream: false,
      ...common,
    });
  });

  it('run: pushes the current branch to the named remote and tracks it; a rejection is exit 1', async () => {
    envd.onStart = answer([['for-each-ref', { stdout: '*\t\trefs/heads/feature\n' }]]);
    expect((await cli.run(['git', 'push', `${ID}:r`, '--remote', 'origin'])).code).toBe(0);
    expect(calls.at(-1)!.git).toEqual(['push', '--set-upstream', 'origin', 'feature']);
    envd.onStart = answer([['push', { exitCode: 1, stderr: ' ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs\n' }]]);
    const res = await cli.run(['git', 'push', `${ID}:r`]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: /);
  });
});

describe('git pull', () => {
  it('options: --remote and --branch', async () => {
    expect(await parsed(pullCommand, [`${ID}:r`, '--remote', 'upstream', '--branch', 'main'])).toEqual({
      location: at('r'),
      remote: 'upstream',
      branch: 'main',
      ...common,
    });
  });

  it('run: git pull from the remote and branch given', async () => {
    expect((await cli.run(['git', 'pull', `${ID}:r`, '--remote', 'origin', '--branch', 'main'])).code).toBe(0);
    expect(calls.at(-1)).toEqual({ git: ['pull', 'origin', 'main'], repo: 'r' });
  });
});

describe('git branch ls', () => {
  it('options: the location', async () => {
    expect(await parsed(branchListCommand, [`${ID}:r`])).toEqual({ location: at('r'), ...common });
  });

  it('run: name, local|remote and current as TSV; JSON', async () => {
    envd.onStart = answer([['for-each-ref', { stdout: '\t\trefs/heads/feature\n*\t\trefs/heads/main\n\t\trefs/remotes/origin/main\n' }]]);
    expect((await cli.run(['git', 'branch', `${ID}:r`])).stdout).toBe('feature\tlocal\t\nmain\tlocal\tcurrent\norigin/main\tremote\t\n');
    expect(JSON.parse((await cli.run(['git', 'branch', 'ls', `${ID}:r`, '--json'])).stdout)).toEqual({
      branches: ['feature', 'main'],
      currentBranch: 'main',
      remoteBranches: ['origin/main'],
    });
  });
});

describe('git branch create', () => {
  it('options: location and name', async () => {
    expect(await parsed(branchCreateCommand, [`${ID}:r`, 'feature'])).toEqual({ location: at('r'), name: 'feature', ...common });
  });

  it('run: git checkout -b', async () => {
    expect((await cli.run(['git', 'branch', 'create', `${ID}:r`, 'feature'])).code).toBe(0);
    expect(calls[0]!.git).toEqual(['checkout', '-b', 'feature']);
  });
});

describe('git branch delete', () => {
  it('options: -f', async () => {
    expect(await parsed(branchDeleteCommand, [`${ID}:r`, 'old', '-f'])).toEqual({ location: at('r'), name: 'old', force: true, ...common });
  });

  it('run: git branch -d, -D with --force; not merged: exit 1', async () => {
    await cli.run(['git', 'branch', 'delete', `${ID}:r`, 'old', '--force']);
    expect(calls[0]!.git).toEqual(['branch', '-D', 'old']);
    envd.onStart = answer([['branch -d', { exitCode: 1, stderr: "error: the branch 'old' is not fully merged\n" }]]);
    expect((await cli.run(['git', 'branch', 'delete', `${ID}:r`, 'old'])).code).toBe(1);
  });
});

describe('git checkout', () => {
  it('options: location and branch', async () => {
    expect(await parsed(checkoutCommand, [`${ID}:r`, 'main'])).toEqual({ location: at('r'), branch: 'main', ...common });
  });

  it('run: git checkout', async () => {
    envd.onStart = answer([['checkout', { stderr: "Switched to branch 'main'\n" }]]);
    expect(await cli.run(['git', 'checkout', `${ID}:r`, 'main'])).toEqual({ code: 0, stdout: '', stderr: "Switched to branch 'main'\n" });
    expect(calls[0]!.git).toEqual(['checkout', 'main']);
  });
});

describe('git remote add', () => {
  it('options: --fetch and --overwrite', async () => {
    expect(await parsed(remoteAddCommand, [`${ID}:r`, 'up', URL_, '--fetch', '--overwrite'])).toEqual({
      location: at('r'),
      name: 'up',
      url: URL_,
      fetch: true,
      overwrite: true,
      ...common,
    });
  });

  it('run: git remote add, fetching with --fetch', async () => {
    expect((await cli.run(['git', 'remote', 'add', `${ID}:r`, 'up', URL_, '--fetch'])).code).toBe(0);
    expect(calls.map((c) => c.git)).toEqual([['remote', 'add', '-f', 'up', URL_]]);
  });
});

describe('git remote get', () => {
  it('options: location and name', async () => {
    expect(await parsed(remoteGetCommand, [`${ID}:r`, 'origin'])).toEqual({ location: at('r'), name: 'origin', ...common });
  });

  it('run: the URL with any password hidden; no such remote: exit 3', async () => {
    envd.onStart = answer([['remote get-url', { stdout: 'https://me:s3cret@git.example.test/org/app.git\n' }]]);
    expect((await cli.run(['git', 'remote', 'get', `${ID}:r`, 'origin'])).stdout).toBe('https://me:***@git.example.test/org/app.git\n');
    envd.onStart = answer([['remote get-url', { exitCode: 2, stderr: "error: No such remote 'nope'\n" }]]);
    expect((await cli.run(['git', 'remote', 'get', `${ID}:r`, 'nope'])).code).toBe(3);
  });
});

describe('git config get', () => {
  it('options: key and --scope', async () => {
    expect(await parsed(configGetCommand, [ID, 'user.name'])).toEqual({ location: at(), key: 'user.name', scope: 'global', ...common });
    expect(await parsed(configGetCommand, [`${ID}:r`, 'core.x', '--scope', 'local'])).toMatchObject({ scope: 'local' });
    expect((await refusal(configGetCommand, [ID, 'k', '--scope', 'team'])).code).toBe(2);
  });

  it('run: the value; a key that is not set: exit 1 and nothing on stdout (null with --json)', async () => {
    envd.onStart = answer([['config --global --get user.name', { stdout: 'CI Bot\n' }]]);
    expect((await cli.run(['git', 'config', 'get', ID, 'user.name'])).stdout).toBe('CI Bot\n');
    envd.onStart = answer([['config', { exitCode: 1 }]]);
    expect(await cli.run(['git', 'config', 'get', ID, 'user.email'])).toEqual({ code: 1, stdout: '', stderr: '' });
    expect(await cli.run(['git', 'config', 'get', ID, 'user.email', '--json'])).toMatchObject({ code: 1, stdout: 'null\n' });
  });
});

describe('git config set', () => {
  it('options: key, value and --scope', async () => {
    expect(await parsed(configSetCommand, [`${ID}:r`, 'pull.rebase', 'true', '--scope', 'local'])).toEqual({
      location: at('r'),
      key: 'pull.rebase',
      value: 'true',
      scope: 'local',
      ...common,
    });
  });

  it('run: git config in the scope given (local: in the repository)', async () => {
    await cli.run(['git', 'config', 'set', `${ID}:r`, 'pull.rebase', 'true', '--scope', 'local']);
    expect(calls[0]).toEqual({ git: ['config', '--local', 'pull.rebase', 'true'], repo: 'r' });
  });
});

describe('git reset', () => {
  it('options: a target, a mode, paths after --; two modes conflict', async () => {
    expect(await parsed(resetCommand, [`${ID}:r`, 'HEAD~1', '--hard'])).toEqual({ location: at('r'), target: 'HEAD~1', mode: 'hard', paths: [], ...common });
    expect(await parsed(resetCommand, [`${ID}:r`, '--', 'a.ts', 'b.ts'])).toEqual({ location: at('r'), paths: ['a.ts', 'b.ts'], ...common });
    expect((await refusal(resetCommand, [`${ID}:r`, '--soft', '--hard'])).message).toMatch(/option '--soft' cannot be used with option '--hard'/);
    expect((await refusal(resetCommand, [`${ID}:r`, 'a', 'b'])).message).toMatch(/git reset takes one target before --/);
  });

  it('run: git reset with the mode and target', async () => {
    await cli.run(['git', 'reset', `${ID}:r`, 'HEAD~1', '--soft']);
    expect(calls[0]!.git).toEqual(['reset', '--soft', 'HEAD~1']);
  });
});

describe('git restore', () => {
  it('options: paths, --staged, --worktree, --source', async () => {
    expect(await parsed(restoreCommand, [`${ID}:r`, '.', '--staged', '--source', 'HEAD~1'])).toEqual({
      location: at('r'),
      paths: ['.'],
      staged: true,
      source: 'HEAD~1',
      ...common,
    });
    expect((await refusal(restoreCommand, [`${ID}:r`])).code).toBe(2);
  });

  it('run: git restore of the index only with --staged', async () => {
    await cli.run(['git', 'restore', `${ID}:r`, 'a.ts', '--staged']);
    expect(calls[0]!.git).toEqual(['restore', '--staged', '--', 'a.ts']);
  });
});
