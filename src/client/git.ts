/**
 * `sandbox.git`: git inside a sandbox, with the official SDK's methods, options and results
 * (`e2b` 2.51 `Sandbox.git`), so code moves between the two.
 *
 * Where it differs, on purpose:
 * - Credentials never go into a URL, a command line or `.git/config` (unless the caller asks
 *   for them to be stored). The SDK puts `user:password@` into the remote URL: it shows in `ps`
 *   inside the sandbox for the whole clone or push, and a crash between its two `set-url` calls
 *   leaves it in `.git/config`. Here git gets them from a credential helper that reads them from
 *   a pipe (see CREDENTIAL_SCRIPT), and only for the repository's own host.
 * - Every call runs git with exact arguments, never a shell line; names that git would take for
 *   options (a branch called `--force`) are refused before anything runs.
 * - Failures are classified for every network operation (the SDK skips it when credentials are
 *   given): rejected credentials are GitAuthError, a missing upstream GitUpstreamError, each
 *   with git's own failure (a CommandExitError) as its cause.
 * - `status` reads porcelain v2 (exact names, any branch name); `branches` also lists the
 *   remote-tracking branches.
 */
import type { CommandFinished, CommandStartOpts, Commands } from './commands.js';
import { CommandExitError, GitAuthError, GitUpstreamError, InvalidArgumentError } from './errors.js';
import { BRANCH_ARGS, parseGitBranches, parseGitStatus, STATUS_ARGS, type GitBranches, type GitStatus } from './git-parse.js';

export type { GitBranches, GitFileStatus, GitStatus, GitStatusLabel } from './git-parse.js';

/** What every git call takes, as `commands.run` does. */
export interface GitRequestOpts extends Pick<CommandStartOpts, 'envs' | 'user' | 'cwd' | 'timeoutMs' | 'requestTimeoutMs' | 'signal'> {}

/** For the calls that talk to a remote: git's progress meter, as it writes it (with `\r`). */
export interface GitProgressOpts {
  /** Receives git's progress output (`--progress`) as it arrives. Not in the official SDK. */
  onProgress?: (text: string) => void | Promise<void>;
}

export interface GitCredentials {
  /** Username for HTTP(S) authentication. */
  username?: string | undefined;
  /** Password or token for HTTP(S) authentication. */
  password?: string | undefined;
}

export interface GitCloneOpts extends GitRequestOpts, GitCredentials, GitProgressOpts {
  /** Destination path; by default the last segment of the URL without `.git`. */
  path?: string;
  /** Branch to check out (the clone then holds only it). */
  branch?: string;
  /** Shallow clone with this many commits. */
  depth?: number;
  /** Keep the credentials in the remote URL in `.git/config`. @default false */
  dangerouslyStoreCredentials?: boolean;
}

export interface GitInitOpts extends GitRequestOpts {
  bare?: boolean;
  initialBranch?: string;
}

export interface GitRemoteAddOpts extends GitRequestOpts {
  /** Fetch the remote after adding it. */
  fetch?: boolean;
  /** Set the URL when the remote already exists. */
  overwrite?: boolean;
}

export interface GitCommitOpts extends GitRequestOpts {
  authorName?: string;
  authorEmail?: string;
  allowEmpty?: boolean;
}

export interface GitAddOpts extends GitRequestOpts {
  /** Files to stage; without them, everything (`all`, the default) or the current folder. */
  files?: string[];
  /** @default true */
  all?: boolean;
}

export type GitResetMode = 'soft' | 'mixed' | 'hard' | 'merge' | 'keep';

export interface GitResetOpts extends GitRequestOpts {
  mode?: GitResetMode;
  /** Commit, branch or ref (default HEAD). */
  target?: string;
  paths?: string[];
}

export interface GitRestoreOpts extends GitRequestOpts {
  /** Paths to restore (`['.']` for all). */
  paths: string[];
  /** Restore the index (unstage). */
  staged?: boolean;
  /** Restore the working tree. */
  worktree?: boolean;
  /** Restore from this commit, branch or ref. */
  source?: string;
}

export interface GitDeleteBranchOpts extends GitRequestOpts {
  /** `-D` instead of `-d`. */
  force?: boolean;
}

export interface GitPushOpts extends GitRequestOpts, GitCredentials, GitProgressOpts {
  remote?: string;
  branch?: string;
  /** Set the upstream (when a remote is named or resolved). @default true */
  setUpstream?: boolean;
}

export interface GitPullOpts extends GitRequestOpts, GitCredentials, GitProgressOpts {
  remote?: string;
  branch?: string;
}

export type GitConfigScope = 'global' | 'local' | 'system';

export interface GitConfigOpts extends GitRequestOpts {
  /** @default 'global' */
  scope?: GitConfigScope;
  /** Repository path, required for `local`. */
  path?: string;
}

export interface GitDangerouslyAuthenticateOpts extends GitRequestOpts {
  username: string;
  password: string;
  /** @default 'github.com' */
  host?: string;
  /** @default 'https' */
  protocol?: string;
}

/** What the SDK sets for every git call: never wait for a password on a terminal nobody sees. */
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0' };

/**
 * Runs git with a credential helper that answers from this shell's stdin, taken over as fd 3
 * (git and the helpers it starts inherit it; git's own stdin is /dev/null). `$1` is the list of
 * hosts the credentials are for: a `get` for any other host (a redirect elsewhere) gets nothing.
 * The helper list is reset first, so no configured helper (`store`) keeps what git approves.
 * The credentials can be read once: the first `get` consumes them.
 */
const CREDENTIAL_SCRIPT = [
  'hosts=$1; shift',
  'exec 3<&0 </dev/null',
  'exec git -c credential.helper= -c "credential.helper=!e2b_ts_credential() { set -f; ' +
    'if [ \\"\\$1\\" != get ]; then cat >/dev/null; return 0; fi; ok=; ' +
    'while IFS= read -r l && [ -n \\"\\$l\\" ]; do for h in $hosts; do [ \\"\\$l\\" = \\"host=\\$h\\" ] && ok=1; done; done; ' +
    '[ -n \\"\\$ok\\" ] && cat <&3; return 0; }; e2b_ts_credential" "$@"',
].join('\n');

/** How a run of git gets credentials, when it needs them. */
interface Credential {
  username: string;
  password: string;
  /** Hosts (with port) the credentials may go to. */
  hosts: string[];
}

interface RunExtras {
  credential?: Credential;
  /** stdin text for the process (`git credential approve`). */
  input?: string;
  onProgress?: GitProgressOpts['onProgress'];
}

type Action = 'clone' | 'push' | 'pull' | 'fetch';

const AUTH_FAILURES = [
  'authentication failed',
  'terminal prompts disabled',
  'could not read username',
  'could not read password',
  'invalid username or password',
  'access denied',
  'permission denied',
  'not authorized',
];
const UPSTREAM_FAILURES = [
  'has no upstream branch',
  'no upstream branch',
  'no upstream configured',
  'no tracking information',
  'set the remote as upstream',
  'set the upstream branch',
  'please specify which branch you want to merge with',
];

function outputHas(error: CommandExitError, needles: readonly string[]): boolean {
  const text = `${error.stderr}\n${error.stdout}`.toLowerCase();
  return needles.some((n) => text.includes(n));
}

/** Rejects a value git would read as an option, or that cannot be a name at all. */
function name(what: string, value: string | undefined): string {
  if (!value) throw new InvalidArgumentError(`${what} is required.`);
  if (value.startsWith('-')) throw new InvalidArgumentError(`${what} cannot start with '-': ${value}`);
  if (/[\0\n]/.test(value)) throw new InvalidArgumentError(`${what} cannot hold a NUL or a newline.`);
  return value;
}

/** Credentials as given: both or neither (a password alone is an error, as in the SDK). */
function credentialsOf(action: string, opts: GitCredentials): { username: string; password: string } | undefined {
  const { username, password } = opts;
  if (password && !username) throw new InvalidArgumentError(`Username is required when using a password or token for git ${action}.`);
  if (!username || !password) return undefined;
  for (const [what, value] of [
    ['username', username],
    ['password', password],
  ]) {
    if (/[\0\n\r]/.test(value)) throw new InvalidArgumentError(`The git ${what} cannot hold a NUL, CR or newline.`);
  }
  return { username, password };
}

/** The host (with port) git's credential protocol names for an http(s) URL. */
function credentialHost(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError(`Invalid Git URL: ${redact(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidArgumentError('Only http(s) Git URLs support username/password credentials.');
  }
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(parsed.host)) throw new InvalidArgumentError(`Unsupported host in Git URL: ${redact(url)}`);
  return parsed.host;
}

/** `url` with credentials in it, percent-encoded as the SDK writes them (`dangerouslyStoreCredentials`). */
function withCredentials(url: string, username: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = username;
  parsed.password = password;
  return parsed.toString();
}

/** A URL as it may be shown: without a password in it. */
function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** The folder `git clone URL` makes: the URL's last segment without `.git`. */
function repoDirFromUrl(url: string): string | undefined {
  const path = (() => {
    try {
      return new URL(url).pathname;
    } catch {
      // scp-like `host:path/repo.git` or a local path
      return url.replace(/^[^/:]*:/, '');
    }
  })();
  const last = path.replace(/\/+$/, '').split('/').pop();
  if (!last) return undefined;
  return last.endsWith('.git') ? last.slice(0, -4) || undefined : last;
}

function scopeFlag(scope: string): string {
  if (scope !== 'global' && scope !== 'local' && scope !== 'system') throw new InvalidArgumentError('Git config scope must be one of: global, local, system.');
  return `--${scope}`;
}

function repoForScope(scope: GitConfigScope, path: string | undefined): string | undefined {
  if (scope !== 'local') return undefined;
  if (!path) throw new InvalidArgumentError('A repository path is required when using scope "local".');
  return path;
}

const authMessage = (action: Action, missingPassword: boolean) =>
  missingPassword ? `Git ${action} requires a password/token for private repositories.` : `Git ${action} requires credentials for private repositories.`;

const upstreamMessage = (action: 'push' | 'pull') =>
  action === 'push'
    ? 'Git push failed because no upstream branch is configured. Set upstream once with { setUpstream: true } (and optional remote/branch), or pass remote and branch explicitly.'
    : 'Git pull failed because no upstream branch is configured. Pass remote and branch explicitly, or set upstream once (push with { setUpstream: true } or run: git branch --set-upstream-to=origin/<branch> <branch>).';

/**
 * Git operations in a sandbox.
 *
 * @example
 * await sandbox.git.clone('https://git.example/repo.git', { path: '/home/user/repo', username, password })
 * const status = await sandbox.git.status('/home/user/repo')
 */
export class Git {
  constructor(private readonly commands: Commands) {}

  /** Clones a repository. Credentials reach git through a helper, never the URL (see the module notes). */
  async clone(url: string, opts: GitCloneOpts = {}): Promise<CommandFinished> {
    const { username, password, branch, depth, path, dangerouslyStoreCredentials, onProgress, ...rest } = opts;
    name('Git URL', url);
    const credentials = credentialsOf('clone', { username, password });
    if (depth !== undefined && (!Number.isInteger(depth) || depth < 1)) throw new InvalidArgumentError(`depth must be a positive integer, not ${depth}`);
    const target = path ?? (credentials && dangerouslyStoreCredentials !== true ? repoDirFromUrl(url) : undefined);
    if (credentials && !target) throw new InvalidArgumentError('A destination path is required when using credentials without storing them.');
    const args = ['clone'];
    if (branch) args.push('--branch', name('Branch name', branch), '--single-branch');
    if (depth) args.push('--depth', String(depth));
    // `--` ends the options: neither the URL nor the path can be taken for one.
    args.push('--', url);
    const folder = target ?? repoDirFromUrl(url);
    if (target) args.push(target);
    try {
      const result = await this.run(args, rest, {
        ...(credentials ? { credential: { ...credentials, hosts: [credentialHost(url)] } } : {}),
        onProgress,
      });
      if (credentials && dangerouslyStoreCredentials && folder) {
        // Asked for: the SDK's result, the credentials in origin's URL.
        await this.run(['-C', folder, 'remote', 'set-url', 'origin', withCredentials(url, credentials.username, credentials.password)], rest);
      }
      return result;
    } catch (error) {
      throw this.classify('clone', error, Boolean(username) && !password);
    }
  }

  /** Creates a repository (`git init`). */
  init(path: string, opts: GitInitOpts = {}): Promise<CommandFinished> {
    const { bare, initialBranch, ...rest } = opts;
    const args = ['init'];
    if (initialBranch) args.push('--initial-branch', name('Initial branch', initialBranch));
    if (bare) args.push('--bare');
    args.push('--', name('Path', path));
    return this.run(args, rest);
  }

  /**
   * Adds a remote (`git remote add [-f]`); with `overwrite`, sets the URL when the add fails
   * (the remote exists), then fetches when asked. The result joins the outputs of the commands
   * run, as the SDK's `add || set-url && fetch` shell line gives them.
   */
  async remoteAdd(path: string, remoteName: string, url: string, opts: GitRemoteAddOpts = {}): Promise<CommandFinished> {
    if (!remoteName || !url) throw new InvalidArgumentError('Both remote name and URL are required to add a git remote.');
    const { fetch, overwrite, ...rest } = opts;
    name('Remote name', remoteName);
    name('Remote URL', url);
    const add = ['remote', 'add', ...(fetch ? ['-f'] : []), remoteName, url];
    try {
      if (!overwrite) return await this.run(add, rest, {}, path);
      const steps: Array<Pick<CommandFinished, 'stdout' | 'stderr'>> = [];
      try {
        steps.push(await this.run(add, rest, {}, path));
      } catch (error) {
        if (!(error instanceof CommandExitError)) throw error;
        steps.push(error, await this.run(['remote', 'set-url', remoteName, url], rest, {}, path));
      }
      if (fetch) steps.push(await this.run(['fetch', remoteName], rest, {}, path));
      return { exitCode: 0, stdout: steps.map((r) => r.stdout).join(''), stderr: steps.map((r) => r.stderr).join('') };
    } catch (error) {
      throw fetch ? this.classify('fetch', error, false) : error;
    }
  }

  /** The URL of a remote, or undefined when the repository has no such remote. */
  async remoteGet(path: string, remoteName: string, opts: GitRequestOpts = {}): Promise<string | undefined> {
    if (!remoteName) throw new InvalidArgumentError('Remote name is required.');
    name('Remote name', remoteName);
    try {
      const url = (await this.run(['remote', 'get-url', remoteName], opts, {}, path)).stdout.trim();
      return url || undefined;
    } catch (error) {
      // git exits 2 for "No such remote"; anything else (not a repository) is an error
      if (error instanceof CommandExitError && error.exitCode === 2) return undefined;
      throw error;
    }
  }

  /** The repository's branch, upstream, ahead/behind counts and changed files. */
  async status(path: string, opts: GitRequestOpts = {}): Promise<GitStatus> {
    return parseGitStatus((await this.run([...STATUS_ARGS], opts, {}, path)).stdout);
  }

  /** Local branches, the current one, and the remote-tracking branches. */
  async branches(path: string, opts: GitRequestOpts = {}): Promise<GitBranches> {
    return parseGitBranches((await this.run([...BRANCH_ARGS], opts, {}, path)).stdout);
  }

  /** Creates a branch and checks it out. */
  createBranch(path: string, branch: string, opts: GitRequestOpts = {}): Promise<CommandFinished> {
    return this.run(['checkout', '-b', name('Branch name', branch)], opts, {}, path);
  }

  /** Checks out a branch. */
  checkoutBranch(path: string, branch: string, opts: GitRequestOpts = {}): Promise<CommandFinished> {
    return this.run(['checkout', name('Branch name', branch)], opts, {}, path);
  }

  /** Deletes a branch (`-d`, or `-D` with `force`). */
  deleteBranch(path: string, branch: string, opts: GitDeleteBranchOpts = {}): Promise<CommandFinished> {
    const { force, ...rest } = opts;
    return this.run(['branch', force ? '-D' : '-d', name('Branch name', branch)], rest, {}, path);
  }

  /** Stages files: the given ones, else everything (`all`, the default) or the current folder. */
  add(path: string, opts: GitAddOpts = {}): Promise<CommandFinished> {
    const { files, all = true, ...rest } = opts;
    const args = ['add'];
    if (!files || files.length === 0) args.push(all ? '-A' : '.');
    else args.push('--', ...files);
    return this.run(args, rest, {}, path);
  }

  /** Commits what is staged; the author, when given, is the commit's author and committer (as in the SDK). */
  commit(path: string, message: string, opts: GitCommitOpts = {}): Promise<CommandFinished> {
    const { authorName, authorEmail, allowEmpty, ...rest } = opts;
    const args: string[] = [];
    if (authorName) args.push('-c', `user.name=${authorName}`);
    if (authorEmail) args.push('-c', `user.email=${authorEmail}`);
    args.push('commit', '-m', message);
    if (allowEmpty) args.push('--allow-empty');
    return this.run(args, rest, {}, path);
  }

  /** Resets HEAD (and, by mode, the index and working tree), or the given paths. */
  reset(path: string, opts: GitResetOpts = {}): Promise<CommandFinished> {
    const { mode, target, paths, ...rest } = opts;
    const modes: GitResetMode[] = ['soft', 'mixed', 'hard', 'merge', 'keep'];
    if (mode && !modes.includes(mode)) throw new InvalidArgumentError(`Reset mode must be one of ${modes.join(', ')}.`);
    const args = ['reset'];
    if (mode) args.push(`--${mode}`);
    if (target) args.push(name('Reset target', target));
    if (paths && paths.length > 0) args.push('--', ...paths);
    return this.run(args, rest, {}, path);
  }

  /**
   * Restores files: the working tree by default, the index with `staged` (then the working
   * tree only when also asked), from `source` when given.
   */
  restore(path: string, opts: GitRestoreOpts): Promise<CommandFinished> {
    const { paths, staged, worktree, source, ...rest } = opts;
    if (!paths || paths.length === 0) throw new InvalidArgumentError('At least one path is required.');
    let onStaged = staged;
    let onWorktree = worktree;
    if (staged === undefined && worktree === undefined) onWorktree = true;
    else if (staged === true && worktree === undefined) onWorktree = false;
    else if (staged === undefined && worktree !== undefined) onStaged = false;
    if (onStaged === false && onWorktree === false) throw new InvalidArgumentError('At least one of staged or worktree must be true.');
    const args = ['restore'];
    if (onWorktree) args.push('--worktree');
    if (onStaged) args.push('--staged');
    if (source) args.push('--source', name('Restore source', source));
    args.push('--', ...paths);
    return this.run(args, rest, {}, path);
  }

  /** Pushes; with credentials, to the named remote or the repository's only one. */
  async push(path: string, opts: GitPushOpts = {}): Promise<CommandFinished> {
    const { remote, branch, setUpstream = true, username, password, onProgress, ...rest } = opts;
    const credentials = credentialsOf('push', { username, password });
    if (remote) name('Remote name', remote);
    if (branch) name('Branch name', branch);
    try {
      const target = credentials ? await this.resolveRemote(path, remote, rest) : remote;
      const args = ['push'];
      if (setUpstream && target) args.push('--set-upstream');
      if (target) args.push(target);
      if (branch) args.push(branch);
      const credential = credentials ? { ...credentials, hosts: [await this.remoteHost(path, target!, rest)] } : undefined;
      return await this.run(args, rest, { ...(credential ? { credential } : {}), onProgress }, path);
    } catch (error) {
      throw this.classify('push', error, Boolean(username) && !password);
    }
  }

  /** Pulls from the upstream, or from the given remote and branch. */
  async pull(path: string, opts: GitPullOpts = {}): Promise<CommandFinished> {
    const { remote, branch, username, password, onProgress, ...rest } = opts;
    const credentials = credentialsOf('pull', { username, password });
    if (remote) name('Remote name', remote);
    if (branch) name('Branch name', branch);
    if (!remote && !branch && !(await this.hasUpstream(path, rest))) throw new GitUpstreamError(upstreamMessage('pull'));
    try {
      const target = credentials ? await this.resolveRemote(path, remote, rest) : remote;
      const args = ['pull'];
      if (target) args.push(target);
      if (branch) args.push(branch);
      const credential = credentials ? { ...credentials, hosts: [await this.remoteHost(path, target!, rest)] } : undefined;
      return await this.run(args, rest, { ...(credential ? { credential } : {}), onProgress }, path);
    } catch (error) {
      throw this.classify('pull', error, Boolean(username) && !password);
    }
  }

  /** Sets a config value (global by default; `local` needs `path`). */
  setConfig(key: string, value: string, opts: GitConfigOpts = {}): Promise<CommandFinished> {
    if (!key) throw new InvalidArgumentError('Git config key is required.');
    const { scope = 'global', path, ...rest } = opts;
    const flag = scopeFlag(scope);
    return this.run(['config', flag, name('Git config key', key), value], rest, {}, repoForScope(scope, path));
  }

  /** A config value, or undefined when the key is not set in that scope. */
  async getConfig(key: string, opts: GitConfigOpts = {}): Promise<string | undefined> {
    if (!key) throw new InvalidArgumentError('Git config key is required.');
    const { scope = 'global', path, ...rest } = opts;
    const flag = scopeFlag(scope);
    try {
      const value = (await this.run(['config', flag, '--get', name('Git config key', key)], rest, {}, repoForScope(scope, path))).stdout.trim();
      return value || undefined;
    } catch (error) {
      // git config exits 1 when the key is not set
      if (error instanceof CommandExitError && error.exitCode === 1) return undefined;
      throw error;
    }
  }

  /**
   * Stores credentials for a host in the user's `~/.git-credentials` (`credential.helper store`),
   * for every later git call. They reach `git credential approve` on its stdin, never a command line.
   */
  async dangerouslyAuthenticate(opts: GitDangerouslyAuthenticateOpts): Promise<CommandFinished> {
    const { username, password, host, protocol, ...rest } = opts;
    if (!username || !password) throw new InvalidArgumentError('Both username and password are required to authenticate git.');
    const fields = { protocol: (protocol ?? 'https').trim(), host: (host ?? 'github.com').trim(), username, password };
    for (const [key, value] of Object.entries(fields)) {
      if (/[\0\n\r]/.test(value)) throw new InvalidArgumentError(`The git ${key} cannot hold a NUL, CR or newline.`);
    }
    await this.run(['config', '--global', 'credential.helper', 'store'], rest);
    const input = `${Object.entries(fields)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n\n`;
    return this.run(['credential', 'approve'], rest, { input });
  }

  /** Sets `user.name` and `user.email` (global by default). */
  async configureUser(userName: string, email: string, opts: GitConfigOpts = {}): Promise<CommandFinished> {
    if (!userName || !email) throw new InvalidArgumentError('Both name and email are required.');
    const config = { ...opts, scope: opts.scope ?? 'global' };
    await this.setConfig('user.name', userName, config);
    return this.setConfig('user.email', email, config);
  }

  /**
   * Runs `git [-C repo] args` with exact arguments. With a credential, through the helper script;
   * with input, the text goes to git's stdin.
   */
  private async run(args: string[], opts: GitRequestOpts, extras: RunExtras = {}, repo?: string): Promise<CommandFinished> {
    const { envs, ...rest } = opts;
    const argv = [...(repo ? ['-C', repo] : []), ...(extras.onProgress && ['clone', 'push', 'pull', 'fetch'].includes(args[0]) ? withProgress(args) : args)];
    const runOpts: CommandStartOpts & { background?: false } = {
      ...rest,
      envs: { ...GIT_ENV, ...(envs ?? {}) },
      ...(extras.onProgress ? { onStderr: extras.onProgress } : {}),
    };
    const stdinText = extras.credential ? `username=${extras.credential.username}\npassword=${extras.credential.password}\n` : extras.input;
    if (stdinText === undefined) return this.commands.run('git', { ...runOpts, args: argv });
    const handle = extras.credential
      ? await this.commands.run('/bin/sh', {
          ...runOpts,
          args: ['-c', CREDENTIAL_SCRIPT, 'e2b-ts-git', extras.credential.hosts.join(' '), ...argv],
          stdin: true,
          background: true,
        })
      : await this.commands.run('git', { ...runOpts, args: argv, stdin: true, background: true });
    try {
      await handle.sendStdin(stdinText, { ...(rest.signal ? { signal: rest.signal } : {}) });
      await handle.closeStdin();
    } catch {
      // The process ended before it read its input (a bad URL, say): its result says why.
    }
    return handle.wait();
  }

  /** The remote a push or pull with credentials goes to: the named one, or the repository's only one. */
  private async resolveRemote(path: string, remote: string | undefined, opts: GitRequestOpts): Promise<string> {
    if (remote) return remote;
    const remotes = (await this.run(['remote'], opts, {}, path)).stdout
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    if (remotes.length === 1) return remotes[0];
    throw new InvalidArgumentError('Remote is required when using username/password and the repository has multiple remotes.');
  }

  /** The credential host of a remote (a name, or a URL given in its place). */
  private async remoteHost(path: string, remote: string, opts: GitRequestOpts): Promise<string> {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) return credentialHost(remote);
    const url = (await this.run(['remote', 'get-url', remote], opts, {}, path)).stdout.trim();
    if (!url) throw new InvalidArgumentError(`Remote "${remote}" URL not found in repository.`);
    return credentialHost(url);
  }

  private async hasUpstream(path: string, opts: GitRequestOpts): Promise<boolean> {
    try {
      const result = await this.run(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{u}'], opts, {}, path);
      return result.stdout.trim().length > 0;
    } catch (error) {
      if (error instanceof CommandExitError) return false;
      throw error;
    }
  }

  /** GitAuthError or GitUpstreamError for git's failures that mean those, else the error as it is. */
  private classify(action: Action, error: unknown, missingPassword: boolean): unknown {
    if (!(error instanceof CommandExitError)) return error;
    if (outputHas(error, AUTH_FAILURES)) return new GitAuthError(authMessage(action, missingPassword), { cause: error });
    if ((action === 'push' || action === 'pull') && outputHas(error, UPSTREAM_FAILURES)) return new GitUpstreamError(upstreamMessage(action), { cause: error });
    return error;
  }
}

/** `args` with `--progress` after the subcommand: git shows its meter on a pipe only when asked. */
function withProgress(args: string[]): string[] {
  return [args[0], '--progress', ...args.slice(1)];
}
