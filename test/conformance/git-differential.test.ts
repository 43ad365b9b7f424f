/**
 * `sandbox.git`, ours and the official SDK's, side by side: the same calls with the same
 * arguments, each client in a sandbox of its own on one local backend, against one real git
 * smart-HTTP server (test/helpers/git-server.ts; private repositories need Basic auth). Every
 * step compares the two results (command results, parsed status and branches, config values,
 * error classes) and checks what the server holds afterwards.
 *
 * Each client pushes to a repository of its own; both repositories are made by the same calls,
 * so they hold the same commits. Commit dates are fixed through `envs`, so both clients make the
 * same commit ids and their outputs can be compared verbatim (after the repository names).
 *
 * Where ours differs on purpose, the test says so: it classifies a push refused for its
 * credentials as GitAuthError (the SDK throws the bare CommandExitError when credentials were
 * given), and `branches()` also lists remote-tracking branches.
 */
import { Sandbox as SdkSandbox } from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ours from '../../src/index.js';
import { startGitServer, DEFAULT_GIT_CREDENTIALS, type CommitSpec, type GitServer } from '../helpers/git-server.js';
import type { LocalBackend } from '../helpers/local-backend.js';
import { ourConnection } from './files-scenarios.js';
import { startLocalEnv, type LocalEnv } from './sandbox-scenarios.js';

let backend: LocalBackend;
let env: LocalEnv;
/** A server per client, made by the same calls, so both hold the same commit ids (its clock steps per commit it makes). */
const servers = {} as Record<Who, GitServer>;
let sdk: SdkSandbox;
let mine: ours.Sandbox;

/**
 * The server's default password holds `%41`, which the SDK sends wrongly (it puts the password
 * into the URL, where git decodes `%41` to `A`): its clones fail where ours pass. The
 * comparisons use a password both can send; test/security/git-credentials tries the hard one.
 */
const { username } = DEFAULT_GIT_CREDENTIALS;
const password = 's3cr@t:/#+ pw';
/** Fixed dates and identity: the same commit ids from both clients. */
const envs = {
  GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z',
  GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z',
  GIT_COMMITTER_NAME: 'Sandbox Committer',
  GIT_COMMITTER_EMAIL: 'committer@example.test',
};

type Who = 'sdk' | 'ours';
type Repo = 'pub' | 'priv';

const INITIAL: CommitSpec[] = [
  { message: 'initial', files: { 'README.md': '# demo\n', 'src/app.txt': 'one\ntwo\n', 'old.txt': 'to be renamed\n'.repeat(8), 'gone.txt': 'bye\n' } },
  { message: 'second', files: { 'src/app.txt': 'one\ntwo\nthree\n' } },
  { message: 'feature work', branch: 'feature', files: { 'feature.txt': 'f\n' } },
];

beforeAll(async () => {
  ({ backend, env } = await startLocalEnv());
  for (const who of ['sdk', 'ours'] as const) {
    servers[who] = await startGitServer({ credentials: { username, password } });
    await servers[who].createRepo('pub', { commits: INITIAL });
    await servers[who].createRepo('priv', { private: true, commits: INITIAL });
  }
  sdk = await SdkSandbox.create();
  mine = await ours.Sandbox.create({ ...ourConnection(env) });
}, 120_000);

afterAll(async () => {
  await sdk?.kill().catch(() => undefined);
  await mine?.kill().catch(() => undefined);
  for (const server of Object.values(servers)) await server.close();
  await backend?.dispose();
});

/** What a call came to: its value, or its error's class and whether it is each of the git classes. */
async function outcome<T>(
  call: () => Promise<T>,
): Promise<{ value: T } | { error: string; auth: boolean; upstream: boolean; invalid: boolean; exit: boolean }> {
  try {
    return { value: await call() };
  } catch (e) {
    const error = e as Error;
    return {
      error: error.constructor.name,
      auth: error.name === 'GitAuthError',
      upstream: error.name === 'GitUpstreamError',
      invalid: error.name === 'InvalidArgumentError',
      exit: error.name === 'CommandExitError',
    };
  }
}

/** A result as both clients give it, with this client's server address made neutral. */
function plain(value: unknown, who: Who): unknown {
  if (value === undefined) return '<undefined>';
  const text = JSON.stringify(value, (_k, v: unknown) => (v === undefined ? '<undefined>' : v));
  const host = new URL(servers[who].url).host;
  return JSON.parse(text.replaceAll(host, 'git.test'));
}

function result(value: unknown): unknown {
  if (value && typeof value === 'object' && 'exitCode' in value) {
    const r = value as { exitCode: number; stdout: string; stderr: string };
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }
  return value;
}

/**
 * Runs one step on both sandboxes and expects the same outcome. `step` gets the client's git
 * module, its repository URLs and its name; returns what is compared.
 */
async function both<T>(step: (git: ours.Git | SdkSandbox['git'], who: Who) => Promise<T>): Promise<{ sdk: unknown; ours: unknown }> {
  const a = await outcome(() => step(sdk.git, 'sdk'));
  const b = await outcome(() => step(mine.git as never, 'ours'));
  const norm = (o: typeof a, who: Who) => ('value' in o ? { value: plain(result(o.value), who) } : o);
  const out = { sdk: norm(a, 'sdk'), ours: norm(b, 'ours') };
  expect(out.ours).toEqual(out.sdk);
  return out;
}

const url = (repo: Repo, who: Who) => servers[who].repoUrl(repo);
const sh = async (who: Who, cmd: string) => (who === 'sdk' ? sdk.commands.run(cmd, { envs }) : mine.commands.run(cmd, { envs }));

describe('clone', () => {
  it('a public repository, into the folder the URL names and into a given path', async () => {
    await both((git, who) => git.clone(url('pub', who), { envs }));
    await both((git, who) => git.clone(url('pub', who), { path: '/home/user/pub', envs }));
    await both(async (_git, who) => (await sh(who, 'ls /home/user/pub')).stdout);
  });

  it('a private repository with the right credentials; the stored remote URL holds none', async () => {
    await both((git, who) => git.clone(url('priv', who), { path: '/home/user/priv', username, password, envs }));
    const remotes = await both((git) => git.remoteGet('/home/user/priv', 'origin', { envs }));
    expect(JSON.stringify(remotes)).not.toContain('s3cr');
  });

  it('a private repository without credentials, or with wrong ones: GitAuthError', async () => {
    const none = await both((git, who) => git.clone(url('priv', who), { path: '/home/user/none', envs }));
    expect(none.ours).toMatchObject({ auth: true });
    const wrong = await both((git, who) => git.clone(url('priv', who), { path: '/home/user/wrong', username, password: 'not it', envs }));
    expect(wrong.ours).toMatchObject({ auth: true });
    const nameOnly = await both((git, who) => git.clone(url('priv', who), { path: '/home/user/wrong', password: 'x', envs }));
    expect(nameOnly.ours).toMatchObject({ invalid: true });
  });

  it('shallow, of one branch', async () => {
    await both((git, who) => git.clone(url('pub', who), { path: '/home/user/shallow', branch: 'feature', depth: 1, envs }));
    const shape = await both(async (_git, who) => (await sh(who, 'cd ~/shallow && git rev-list --count HEAD && git branch -a --format="%(refname)"')).stdout);
    expect(shape.ours).toEqual({ value: '1\nrefs/heads/feature\nrefs/remotes/origin/feature\n' });
  });

  it('with stored credentials, as asked', async () => {
    await both((git, who) => git.clone(url('priv', who), { path: '/home/user/stored', username, password, dangerouslyStoreCredentials: true, envs }));
    const stored = await both((git) => git.remoteGet('/home/user/stored', 'origin', { envs }));
    expect(JSON.stringify(stored.ours)).toContain(encodeURIComponent(password).slice(0, 4));
  });
});

describe('a working tree', () => {
  it('config: local and global scopes, user identity, unset keys', async () => {
    await both((git) => git.configureUser('Sandbox Dev', 'dev@example.test', { envs }));
    await both((git) => git.getConfig('user.name', { envs }));
    await both((git) => git.setConfig('pull.rebase', 'false', { scope: 'local', path: '/home/user/priv', envs }));
    const local = await both((git) => git.getConfig('pull.rebase', { scope: 'local', path: '/home/user/priv', envs }));
    expect(local.ours).toEqual({ value: 'false' });
    const unset = await both((git) => git.getConfig('pull.rebase', { scope: 'global', envs }));
    expect(unset.ours).toEqual({ value: '<undefined>' });
    const noPath = await both((git) => git.getConfig('x.y', { scope: 'local', envs }));
    expect(noPath.ours).toMatchObject({ invalid: true });
  });

  it('status of staged, unstaged, untracked, renamed and deleted files', async () => {
    for (const who of ['sdk', 'ours'] as const) {
      const r = await sh(
        who,
        'cd ~/priv && echo changed >> README.md && echo new > staged.txt && git add staged.txt && git mv old.txt renamed.txt && rm gone.txt && echo u > untracked.txt && echo more >> src/app.txt && git add src/app.txt && echo again >> src/app.txt',
      );
      expect(r.exitCode).toBe(0);
    }
    const status = await both((git) => git.status('/home/user/priv', { envs }));
    expect(status.ours).toMatchObject({
      value: {
        currentBranch: 'main',
        upstream: 'origin/main',
        ahead: 0,
        behind: 0,
        detached: false,
        totalCount: 6,
        stagedCount: 3,
        untrackedCount: 1,
        hasStaged: true,
        isClean: false,
      },
    });
    const names = (status.ours as { value: { fileStatus: Array<{ name: string; status: string; renamedFrom?: string }> } }).value.fileStatus;
    expect(names.map((f) => `${f.status} ${f.name}${f.renamedFrom ? ` <- ${f.renamedFrom}` : ''}`).sort()).toEqual([
      'added staged.txt',
      'deleted gone.txt',
      'modified README.md',
      'modified src/app.txt',
      'renamed renamed.txt <- old.txt',
      'untracked untracked.txt',
    ]);
  });

  it('restore and reset', async () => {
    await both((git) => git.restore('/home/user/priv', { paths: ['README.md'], envs }));
    await both((git) => git.restore('/home/user/priv', { paths: ['staged.txt'], staged: true, envs }));
    await both((git) => git.restore('/home/user/priv', { paths: ['src/app.txt'], source: 'HEAD~1', worktree: true, envs }));
    const invalid = await both((git) => git.restore('/home/user/priv', { paths: ['x'], staged: false, worktree: false, envs }));
    expect(invalid.ours).toMatchObject({ invalid: true });
    await both((git) => git.reset('/home/user/priv', { paths: ['src/app.txt'], envs }));
    const afterRestore = await both((git) => git.status('/home/user/priv', { envs }));
    expect(
      (afterRestore.ours as { value: { fileStatus: Array<{ name: string; status: string }> } }).value.fileStatus.map((f) => `${f.status} ${f.name}`).sort(),
    ).toEqual(['deleted gone.txt', 'modified src/app.txt', 'renamed renamed.txt', 'untracked staged.txt', 'untracked untracked.txt']);
    await both((git) => git.reset('/home/user/priv', { mode: 'hard', target: 'HEAD', envs }));
    const badMode = await both((git) => git.reset('/home/user/priv', { mode: 'sideways' as never, envs }));
    expect(badMode.ours).toMatchObject({ invalid: true });
  });

  it('branches: create, check out, list, delete', async () => {
    await both((git) => git.createBranch('/home/user/priv', 'topic', { envs }));
    await both((git) => git.checkoutBranch('/home/user/priv', 'main', { envs }));
    await both((git) => git.createBranch('/home/user/priv', 'scratch', { envs }));
    await both((git) => git.checkoutBranch('/home/user/priv', 'topic', { envs }));
    const listed = await both(async (git) => {
      const b = await git.branches('/home/user/priv', { envs });
      return { branches: b.branches, currentBranch: b.currentBranch };
    });
    expect(listed.ours).toEqual({ value: { branches: ['main', 'scratch', 'topic'], currentBranch: 'topic' } });
    expect((await mine.git.branches('/home/user/priv')).remoteBranches).toEqual(['origin/feature', 'origin/main']);
    await both((git) => git.deleteBranch('/home/user/priv', 'scratch', { force: true, envs }));
  });

  it('add and commit with an author', async () => {
    for (const who of ['sdk', 'ours'] as const) await sh(who, 'cd ~/priv && echo topic > topic.txt && mkdir -p d && echo x > d/x.txt');
    await both((git) => git.add('/home/user/priv', { files: ['topic.txt'], envs }));
    await both((git) => git.commit('/home/user/priv', 'add topic', { authorName: 'Ada', authorEmail: 'ada@example.test', envs }));
    await both((git) => git.add('/home/user/priv', { envs }));
    await both((git) => git.commit('/home/user/priv', 'add the rest', { envs }));
    await both((git) => git.commit('/home/user/priv', 'empty', { allowEmpty: true, envs }));
    const nothing = await both((git) => git.commit('/home/user/priv', 'nothing to commit', { envs }));
    expect(nothing.ours).toMatchObject({ exit: true });
  });
});

describe('push and pull', () => {
  it('a new branch with its upstream, with credentials; the server has the commits', async () => {
    await both((git) => git.push('/home/user/priv', { branch: 'topic', username, password, envs }));
    for (const who of ['sdk', 'ours'] as const) {
      const log = await servers[who].log('priv', 'topic');
      expect(log.slice(0, 3).map((c) => [c.subject, c.authorName])).toEqual([
        ['empty', 'Sandbox Dev'],
        ['add the rest', 'Sandbox Dev'],
        ['add topic', 'Ada'],
      ]);
    }
    // both made the same commits
    expect((await servers.ours.refs('priv'))['refs/heads/topic']).toBe((await servers.sdk.refs('priv'))['refs/heads/topic']);
    const status = await both((git) => git.status('/home/user/priv', { envs }));
    expect(status.ours).toMatchObject({ value: { currentBranch: 'topic', upstream: 'origin/topic', ahead: 0, behind: 0 } });
  });

  it('a branch without an upstream, not setting one: GitUpstreamError', async () => {
    await both((git) => git.createBranch('/home/user/pub', 'lonely', { envs }));
    const pushed = await both((git) => git.push('/home/user/pub', { setUpstream: false, envs }));
    expect(pushed.ours).toMatchObject({ upstream: true });
    const pulled = await both((git) => git.pull('/home/user/pub', { envs }));
    expect(pulled.ours).toMatchObject({ upstream: true });
  });

  it('a private push without credentials: GitAuthError; with wrong ones: ours GitAuthError too', async () => {
    for (const who of ['sdk', 'ours'] as const) await sh(who, 'cd ~/priv && git commit -q --allow-empty -m "not pushed"');
    const none = await both((git) => git.push('/home/user/priv', { envs }));
    expect(none.ours).toMatchObject({ auth: true });
    const sdkWrong = await outcome(() => sdk.git.push('/home/user/priv', { username, password: 'wrong', envs }));
    const oursWrong = await outcome(() => mine.git.push('/home/user/priv', { username, password: 'wrong', envs }));
    // the SDK does not classify failures of pushes with credentials
    expect(sdkWrong).toMatchObject({ exit: true });
    expect(oursWrong).toMatchObject({ auth: true });
  });

  it('a pull brings a commit made upstream; ahead/behind before and after', async () => {
    for (const who of ['sdk', 'ours'] as const) {
      await servers[who].commitUpstream('priv', { branch: 'topic', message: 'from upstream', files: { 'upstream.txt': 'u\n' } });
      await sh(who, 'cd ~/priv && git reset -q --hard origin/topic');
    }
    await both((git, who) => git.remoteAdd('/home/user/priv', 'origin', url('priv', who), { overwrite: true, envs }));
    // one local commit, one upstream commit fetched: ahead 1, behind 1
    for (const who of ['sdk', 'ours'] as const) {
      // (a fetch of the private repository, outside the module under test)
      const cred = `username=${username}\npassword=${password}\n`;
      if (who === 'sdk') await sdk.files.write('/home/user/.test-cred', cred);
      else await mine.files.write('/home/user/.test-cred', cred);
      await sh(who, "cd ~/priv && git commit -q --allow-empty -m local && git -c credential.helper='!cat ~/.test-cred' fetch -q && rm ~/.test-cred");
    }
    const diverged = await both((git) => git.status('/home/user/priv', { envs }));
    expect(diverged.ours).toMatchObject({ value: { currentBranch: 'topic', upstream: 'origin/topic', ahead: 1, behind: 1 } });
    for (const who of ['sdk', 'ours'] as const) await sh(who, 'cd ~/priv && git reset -q --hard HEAD~1');
    const behind = await both((git) => git.status('/home/user/priv', { envs }));
    expect(behind.ours).toMatchObject({ value: { ahead: 0, behind: 1 } });
    await both((git) => git.pull('/home/user/priv', { username, password, envs }));
    const status = await both((git) => git.status('/home/user/priv', { envs }));
    expect(status.ours).toMatchObject({ value: { currentBranch: 'topic', ahead: 0, behind: 0 } });
    const file = await both(async (_git, who) => (await sh(who, 'cat ~/priv/upstream.txt')).stdout);
    expect(file.ours).toEqual({ value: 'u\n' });
  });
});

describe('repositories and remotes', () => {
  it('init, remoteAdd with fetch, remoteGet of a missing remote', async () => {
    await both((git) => git.init('/home/user/fresh', { initialBranch: 'trunk', envs }));
    await both((git) => git.init('/home/user/bare.git', { bare: true, envs }));
    await both((git, who) => git.remoteAdd('/home/user/fresh', 'up', url('pub', who), { fetch: true, envs }));
    await both((git) => git.remoteGet('/home/user/fresh', 'up', { envs }));
    const missing = await both((git) => git.remoteGet('/home/user/fresh', 'nope', { envs }));
    expect(missing.ours).toEqual({ value: '<undefined>' });
    const branches = await both(async (git) => (await git.status('/home/user/fresh', { envs })).currentBranch);
    expect(branches.ours).toEqual({ value: 'trunk' });
  });

  it('dangerouslyAuthenticate stores the credentials for later calls', async () => {
    await both((git, who) => git.dangerouslyAuthenticate({ username, password, host: new URL(servers[who].url).host, protocol: 'http', envs }));
    // a clone without credentials in the call now succeeds
    await both((git, who) => git.clone(url('priv', who), { path: '/home/user/after-auth', envs }));
  });
});
