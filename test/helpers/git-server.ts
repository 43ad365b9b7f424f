/**
 * A real git smart-HTTP server for tests: a node:http server on a free loopback port that runs the
 * host's `git http-backend` as a CGI program for every request, over bare repositories in a
 * temporary directory. Clients (host git, or git inside a local sandbox, which shares the host's
 * network namespace) clone, fetch, pull and push over `http://127.0.0.1:PORT/NAME.git`.
 *
 * Two kinds of repository:
 *  - public: anyone fetches and pushes, no authentication at all;
 *  - private: every request (fetch and push) needs HTTP Basic authentication with the server's one
 *    username and password; none or wrong ones get 401 with `WWW-Authenticate: Basic realm=...`,
 *    which is what makes git ask its credential helper, GIT_ASKPASS or the terminal.
 *
 * The default password holds `@ : / % # +` and a space, so a client that puts it in a URL unescaped,
 * decodes it twice, or splits it at the wrong `:` fails.
 *
 * Nothing recorded (`requests`, `backendErrors`) ever holds the Authorization header or a password;
 * `sawCredential` checks that nothing the clients sent put one anywhere else either (a path, a
 * query, a user name).
 *
 * The server runs on the test's own event loop: spawn clients asynchronously (spawn, not
 * spawnSync/execFileSync), or the server cannot answer them and both hang.
 *
 * Repositories are made with `git fast-import` straight into the bare repository (no work tree,
 * one process per call), with fixed author/committer identities and dates that step by a minute per
 * commit, so the same calls give the same commit ids on every run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TestHosts, testHostsUnavailable } from './test-hosts.js';

export interface GitCredentials {
  username: string;
  password: string;
}

/** The credentials a server takes unless given others. */
export const DEFAULT_GIT_CREDENTIALS: Readonly<GitCredentials> = Object.freeze({
  username: 'tester',
  password: 's3cr@t:/%41#+ pw',
});

/** Who made the commits the server makes itself (createRepo, commitUpstream) unless told. */
export const UPSTREAM_IDENTITY = Object.freeze({ name: 'Upstream Dev', email: 'upstream@example.test' });

export interface CommitSpec {
  message: string;
  /** path → new content, or null to delete the file; on top of the branch's current tree. */
  files: Record<string, string | null>;
  /** Branch to commit on (default: the repository's initial branch). A new branch starts at the initial branch's tip. */
  branch?: string;
  /** Author (default UPSTREAM_IDENTITY); the committer is always UPSTREAM_IDENTITY. */
  author?: { name: string; email: string };
}

export interface RepoOptions {
  /** Fetch and push need the server's credentials (default false: anyone may do both). */
  private?: boolean;
  /** Pushes are refused (http.receivepack=false: http-backend answers 403) for everyone. */
  readOnly?: boolean;
  /** Branch HEAD points at (default 'main'). */
  initialBranch?: string;
  /** Commits to make, in order. None: an empty repository. */
  commits?: CommitSpec[];
}

export interface RepoInfo {
  name: string;
  url: string;
  /** The bare repository on disk (for `git --git-dir`). */
  dir: string;
  private: boolean;
  /** Ids of the commits made from `commits`, in the same order. */
  commits: string[];
}

export interface LogEntry {
  sha: string;
  subject: string;
  authorName: string;
  authorEmail: string;
  parents: string[];
}

/** One HTTP request the server got. Never holds the Authorization header or anything from it but the user name. */
export interface GitRequest {
  method: string;
  /** URL path as requested (e.g. `/app.git/info/refs`). */
  path: string;
  /** Raw query string without `?` (e.g. `service=git-upload-pack`), '' when none. */
  query: string;
  /** Response status; 0 while the response has not started. */
  status: number;
  /** Whether the request carried an Authorization header (right, wrong or malformed). */
  authorization: boolean;
  /** The authenticated user name, only when the credentials were right. */
  user?: string;
  /** The body came with Transfer-Encoding: chunked (git does so for packs over http.postBuffer). */
  chunked: boolean;
  /** The body was gzip-compressed (Content-Encoding; git does so for large fetch negotiations). */
  gzip: boolean;
  /** The Git-Protocol header (e.g. `version=2`), when sent. */
  protocol?: string;
}

export interface GitServerOptions {
  /** The one account private repositories accept (default DEFAULT_GIT_CREDENTIALS). */
  credentials?: GitCredentials;
  /** Realm named in WWW-Authenticate (default 'git test server'). */
  realm?: string;
}

export interface GitServer {
  /** `http://127.0.0.1:PORT`, or the address of a relay on a test host where sandboxes could not reach that (test-hosts.ts). */
  readonly url: string;
  readonly credentials: Readonly<GitCredentials>;
  /** Every request, in arrival order. */
  readonly requests: GitRequest[];
  /** Non-empty stderr of http-backend runs, as `PATH: text` (for diagnosing a failing test). */
  readonly backendErrors: string[];
  /**
   * `${url}/${name}.git`. With `{ credentials: true }` the server's username and password go in
   * the URL, percent-encoded (for tests of clients that must redact such URLs).
   */
  repoUrl(name: string, opts?: { credentials?: boolean }): string;
  createRepo(name: string, opts?: RepoOptions): Promise<RepoInfo>;
  /** A commit made on the server side, as if someone else had pushed it. Returns its id. */
  commitUpstream(name: string, commit: CommitSpec): Promise<string>;
  /** History of `rev` (default HEAD), newest first; [] when `rev` names no commit (an empty repository, a missing branch). */
  log(name: string, rev?: string): Promise<LogEntry[]>;
  /** Every ref (`refs/heads/main` → id); HEAD not included. */
  refs(name: string): Promise<Record<string, string>>;
  /** Content of `path` at `rev`, or undefined when there is no such file. */
  readFile(name: string, rev: string, path: string): Promise<string | undefined>;
  /**
   * Whether `secret` (as is, percent-encoded, or inside a Basic credential) appears in anything
   * the server recorded. Meant for passwords: a short secret may match by accident.
   */
  sawCredential(secret: string): boolean;
  /** PIDs of the http-backend processes running now (each leads a process group with its git children). */
  activeBackends(): number[];
  /** Stops listening, kills running http-backend processes (their process groups, by PID), removes the temporary root. */
  close(): Promise<void>;
}

interface RepoState {
  name: string;
  dir: string;
  private: boolean;
  initialBranch: string;
}

// Names: path segments of letters, digits, '.', '_' and '-', not starting with '.' or '-' (no '..',
// no option-like names), so a name maps to exactly one directory under the root and one URL.
const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;
// First commit timestamp; each commit the server makes is a minute after the previous one.
const EPOCH = 1_700_000_000;

let backendPath: Promise<string> | undefined;

/** Starts a server; `close()` it when done. */
export async function startGitServer(opts: GitServerOptions = {}): Promise<GitServer> {
  const credentials = Object.freeze({ ...(opts.credentials ?? DEFAULT_GIT_CREDENTIALS) });
  if (credentials.username.includes(':')) throw new Error('a Basic-auth user name cannot contain ":"');
  const realm = opts.realm ?? 'git test server';
  const root = await mkdtemp(join(tmpdir(), 'git-server-'));
  const reposRoot = join(root, 'repos');
  const home = join(root, 'home');
  await mkdir(reposRoot);
  await mkdir(home);
  // The machine's git configuration (system and global: signing, hooks paths, default branch,
  // safe.directory, url rewrites) must not change what the server does.
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
  };
  backendPath ??= gitOutput(['--exec-path'], { env: baseEnv }).then((out) => join(out.trim(), 'git-http-backend'));
  let backend: string;
  try {
    backend = await backendPath;
  } catch (err) {
    backendPath = undefined;
    await rm(root, { recursive: true, force: true });
    throw err;
  }

  const repos = new Map<string, RepoState>();
  const requests: GitRequest[] = [];
  const backendErrors: string[] = [];
  const children = new Map<ChildProcess, Promise<void>>();
  let clock = 0;
  let markSeq = 0;
  let closing = false;

  const server = createServer((req, res) => handle(req, res));
  // Sandboxes have networks of their own and never reach this machine's loopback or addresses:
  // where test hosts can be made (root), the server is reached through a relay on one.
  const hosts = testHostsUnavailable() === undefined ? new TestHosts() : undefined;
  const relay = hosts?.relayHost();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, relay?.listenOn ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  await relay?.start(port);
  const url = `http://${relay?.ip ?? '127.0.0.1'}:${port}`;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = q < 0 ? '' : rawUrl.slice(q + 1);
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    const contentEncoding = header('content-encoding');
    const record: GitRequest = {
      method: req.method ?? '',
      path,
      query,
      status: 0,
      authorization: req.headers.authorization !== undefined,
      chunked: /\bchunked\b/i.test(header('transfer-encoding') ?? ''),
      gzip: /gzip/i.test(contentEncoding ?? ''),
    };
    const protocol = header('git-protocol');
    if (protocol !== undefined) record.protocol = protocol;
    requests.push(record);

    const reply = (status: number, text: string, headers: Record<string, string> = {}) => {
      record.status = status;
      // A body we won't read is drained, so the connection stays usable for git's next request.
      req.resume();
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(text);
    };

    if (closing) {
      reply(503, 'server closing\n');
      return;
    }
    const target = resolveRepo(path);
    if (!target) {
      reply(404, 'no such repository\n');
      return;
    }
    const { repo, rest } = target;

    // Authenticate whenever credentials came (a client may send them to a public repository too);
    // only a private repository insists.
    const given = parseBasic(header('authorization'));
    const user = given && given.username === credentials.username && given.password === credentials.password ? given.username : undefined;
    if (user !== undefined) record.user = user;
    if (repo.private && user === undefined) {
      reply(401, 'authentication required\n', { 'www-authenticate': `Basic realm="${realm}"` });
      return;
    }

    // The CGI environment http-backend reads (RFC 3875 plus git's own variables).
    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      GIT_PROJECT_ROOT: reposRoot,
      // Serve every repository under the root, without a git-daemon-export-ok file in each.
      GIT_HTTP_EXPORT_ALL: '1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
      SERVER_SOFTWARE: 'e2b-ts-test-git-server',
      REQUEST_METHOD: req.method ?? 'GET',
      // Always the on-disk name (NAME.git), also when the client asked for /NAME/... .
      PATH_INFO: `/${repo.name}.git${rest}`,
      QUERY_STRING: query,
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    };
    const contentType = header('content-type');
    if (contentType !== undefined) env.CONTENT_TYPE = contentType;
    // A chunked body has no length: http-backend then reads its stdin to EOF, which comes when the
    // request ends (Node has already removed the chunk framing).
    const contentLength = header('content-length');
    if (contentLength !== undefined) env.CONTENT_LENGTH = contentLength;
    // http-backend inflates a gzip body itself when told; the body is passed through compressed.
    if (contentEncoding !== undefined) env.HTTP_CONTENT_ENCODING = contentEncoding;
    // Protocol v2 is negotiated through this header; without it upload-pack falls back to v0.
    if (protocol !== undefined) env.GIT_PROTOCOL = protocol;
    if (user !== undefined) {
      // http-backend allows pushes to a repository without http.receivepack only when this is set.
      env.REMOTE_USER = user;
      env.AUTH_TYPE = 'Basic';
    }
    runBackend(req, res, record, env);
  }

  /** The registered repository a URL path is under, and the rest of the path after it. */
  function resolveRepo(path: string): { repo: RepoState; rest: string } | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    const segs = decoded.split('/').slice(1);
    if (segs.some((s) => s === '.' || s === '..')) return undefined;
    // `/NAME.git/...` first (so repo `a` does not swallow `/a/b.git/...`), then `/NAME/...` as
    // hosting services also accept.
    for (const suffix of ['.git', '']) {
      for (let i = 1; i <= segs.length; i++) {
        const cand = segs.slice(0, i).join('/');
        if (!cand.endsWith(suffix)) continue;
        const repo = repos.get(suffix ? cand.slice(0, -suffix.length) : cand);
        if (repo) {
          const rest = segs.slice(i).join('/');
          return { repo, rest: rest ? `/${rest}` : '' };
        }
      }
    }
    return undefined;
  }

  function runBackend(req: IncomingMessage, res: ServerResponse, record: GitRequest, env: NodeJS.ProcessEnv): void {
    // detached: its own process group, so close() can kill it together with the upload-pack /
    // receive-pack it runs (killing only http-backend would orphan those).
    const child = spawn(backend, [], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let exited = false;
    const done = new Promise<void>((resolve) => {
      child.once('exit', () => {
        exited = true;
      });
      child.once('close', () => {
        children.delete(child);
        resolve();
      });
      child.once('error', () => {
        exited = true;
        children.delete(child);
        resolve();
      });
    });
    children.set(child, done);
    const kill = () => {
      // Only while it runs: after its exit the PID may belong to someone else.
      if (!exited && child.pid !== undefined) killGroup(child.pid);
    };

    // http-backend may answer without reading the body (403 for a disabled service, an error):
    // then stop feeding it and drain the rest so the connection stays in step.
    child.stdin.on('error', () => {
      req.unpipe(child.stdin);
      req.resume();
    });
    req.pipe(child.stdin);

    const errText: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => errText.push(d));
    child.once('close', () => {
      const text = Buffer.concat(errText).toString('utf8').trim();
      if (text) backendErrors.push(`${record.path}: ${text}`);
    });

    let head = Buffer.alloc(0);
    let started = false;
    const fail = (text: string) => {
      if (started) {
        res.destroy();
        return;
      }
      started = true;
      record.status = 502;
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    child.once('error', (err) => fail(`cannot run git http-backend: ${err.message}\n`));
    const onData = (d: Buffer) => {
      head = Buffer.concat([head, d]);
      const end = headerEnd(head);
      if (!end) return;
      child.stdout.off('data', onData);
      child.stdout.off('end', onEnd);
      started = true;
      const { status, message, headers } = parseCgiHeaders(head.subarray(0, end.at).toString('latin1'));
      record.status = status;
      try {
        res.writeHead(status, message, headers);
      } catch (err) {
        record.status = 502;
        kill();
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`bad CGI headers from git http-backend: ${(err as Error).message}\n`);
        return;
      }
      res.write(head.subarray(end.at + end.length));
      child.stdout.pipe(res);
    };
    const onEnd = () => fail(`git http-backend ended without CGI headers: ${Buffer.concat(errText).toString('utf8')}\n`);
    child.stdout.on('data', onData);
    child.stdout.once('end', onEnd);
    // The client went away (or the response was cut): nobody needs the backend any more.
    res.once('close', () => {
      if (!res.writableFinished) kill();
    });
  }

  async function git(args: string[], input?: Buffer): Promise<string> {
    return gitOutput(args, { env: baseEnv, input });
  }

  function repoOf(name: string): RepoState {
    const repo = repos.get(stripGit(name));
    if (!repo) throw new Error(`no repository ${JSON.stringify(name)} on this server`);
    return repo;
  }

  /** Makes `commits` in `repo` with one fast-import run; returns their ids in order. */
  async function importCommits(repo: RepoState, commits: CommitSpec[], fresh: boolean): Promise<string[]> {
    if (commits.length === 0) return [];
    // Where each branch is now: a commit id, or a fast-import mark once this run has committed to it.
    const tips = new Map<string, string>();
    if (!fresh) {
      const refs = await refsOf(repo);
      for (const [ref, sha] of Object.entries(refs)) if (ref.startsWith('refs/heads/')) tips.set(ref.slice('refs/heads/'.length), sha);
    }
    const parts: Buffer[] = [];
    const line = (s: string) => parts.push(Buffer.from(`${s}\n`, 'utf8'));
    const data = (s: string) => {
      const bytes = Buffer.from(s, 'utf8');
      line(`data ${bytes.length}`);
      parts.push(bytes, Buffer.from('\n'));
    };
    commits.forEach((c, i) => {
      const branch = c.branch ?? repo.initialBranch;
      checkRefName(branch);
      const author = c.author ?? UPSTREAM_IDENTITY;
      checkIdentity(author);
      const when = `${EPOCH + 60 * clock++} +0000`;
      line(`commit refs/heads/${branch}`);
      line(`mark :${i + 1}`);
      line(`author ${author.name} <${author.email}> ${when}`);
      line(`committer ${UPSTREAM_IDENTITY.name} <${UPSTREAM_IDENTITY.email}> ${when}`);
      data(c.message);
      // Always say where the commit starts: fast-import does not look at refs it has not touched
      // in this run, and would otherwise make a root commit.
      const from = tips.get(branch) ?? tips.get(repo.initialBranch);
      if (from !== undefined) line(`from ${from}`);
      for (const [file, content] of Object.entries(c.files)) {
        checkFilePath(file);
        if (content === null) line(`D ${quotePath(file)}`);
        else {
          line(`M 100644 inline ${quotePath(file)}`);
          data(content);
        }
      }
      line('');
      tips.set(branch, `:${i + 1}`);
    });
    line('done');
    const marks = join(root, `marks-${++markSeq}`);
    await git(['--git-dir', repo.dir, 'fast-import', '--quiet', '--done', '--date-format=raw', `--export-marks=${marks}`], Buffer.concat(parts));
    const byMark = new Map<string, string>();
    for (const l of (await readFile(marks, 'utf8')).split('\n')) {
      const [mark, sha] = l.split(' ');
      if (mark && sha) byMark.set(mark, sha);
    }
    await rm(marks, { force: true });
    return commits.map((_, i) => {
      const sha = byMark.get(`:${i + 1}`);
      if (!sha) throw new Error(`fast-import gave no id for commit ${i + 1}`);
      return sha;
    });
  }

  async function refsOf(repo: RepoState): Promise<Record<string, string>> {
    const out = await git(['--git-dir', repo.dir, 'for-each-ref', '--format=%(objectname) %(refname)']);
    const refs: Record<string, string> = {};
    for (const l of out.split('\n')) {
      const sp = l.indexOf(' ');
      if (sp > 0) refs[l.slice(sp + 1)] = l.slice(0, sp);
    }
    return refs;
  }

  const api: GitServer = {
    url,
    credentials,
    requests,
    backendErrors,

    repoUrl(name, o = {}) {
      const bare = `${stripGit(name)}.git`;
      if (!o.credentials) return `${url}/${bare}`;
      // encodeURIComponent leaves only unreserved characters (and !'()*) bare, so '@', ':', '/',
      // '%', '#', '+' and spaces in a password survive the URL parser.
      const auth = `${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}`;
      return `http://${auth}@${new URL(url).host}/${bare}`;
    },

    async createRepo(name, o = {}) {
      name = stripGit(name);
      if (!NAME_RE.test(name)) throw new Error(`bad repository name ${JSON.stringify(name)}`);
      if (repos.has(name)) throw new Error(`repository ${name} exists`);
      const initialBranch = o.initialBranch ?? 'main';
      checkRefName(initialBranch);
      const dir = join(reposRoot, `${name}.git`);
      await mkdir(dirname(dir), { recursive: true });
      // --template= : no sample hooks or info/exclude, nothing the tests did not ask for.
      await git(['init', '--quiet', '--bare', '--template=', `--initial-branch=${initialBranch}`, dir]);
      // http.receivepack: unset, http-backend serves receive-pack only to authenticated requests
      // (REMOTE_USER set), which is what a private repository wants (this server authenticates
      // every request to it first); a public one must say true, or anonymous pushes get 403; a
      // read-only one says false, which refuses everyone.
      // receive.autogc/gc.auto off: receive-pack would otherwise start `git gc --auto`, which may
      // detach and outlive close(). uploadpack.allowFilter: partial clones (--filter=blob:none)
      // work as on hosting services.
      const receivepack = o.readOnly ? ['[http]', '\treceivepack = false'] : o.private ? [] : ['[http]', '\treceivepack = true'];
      const config = [...receivepack, '[uploadpack]', '\tallowFilter = true', '[receive]', '\tautogc = false', '[gc]', '\tauto = 0', ''].join('\n');
      await appendFile(join(dir, 'config'), config);
      const repo: RepoState = { name, dir, private: o.private ?? false, initialBranch };
      const commits = await importCommits(repo, o.commits ?? [], true);
      // Registered only now: a client racing creation gets 404, not a half-made repository.
      repos.set(name, repo);
      return { name, url: api.repoUrl(name), dir, private: repo.private, commits };
    },

    async commitUpstream(name, commit) {
      const [sha] = await importCommits(repoOf(name), [commit], false);
      return sha!;
    },

    async log(name, rev = 'HEAD') {
      const repo = repoOf(name);
      checkRev(rev);
      const resolved = await gitOutput(['--git-dir', repo.dir, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], {
        env: baseEnv,
      }).catch(() => undefined);
      if (resolved === undefined) return [];
      const out = await git(['--git-dir', repo.dir, 'log', '-z', '--format=%H%x1f%s%x1f%an%x1f%ae%x1f%P', resolved.trim(), '--']);
      return out
        .split('\0')
        .filter((r) => r.length > 0)
        .map((r) => {
          const [sha = '', subject = '', authorName = '', authorEmail = '', parents = ''] = r.split('\x1f');
          return { sha, subject, authorName, authorEmail, parents: parents ? parents.split(' ') : [] };
        });
    },

    refs: (name) => refsOf(repoOf(name)),

    async readFile(name, rev, path) {
      const repo = repoOf(name);
      checkRev(rev);
      return gitOutput(['--git-dir', repo.dir, 'cat-file', 'blob', `${rev}:${path}`], { env: baseEnv }).catch(() => undefined);
    },

    sawCredential(secret) {
      if (!secret) return false;
      const forms = [secret, encodeURIComponent(secret), Buffer.from(`${credentials.username}:${secret}`).toString('base64')];
      const seen = JSON.stringify([requests, backendErrors]);
      // JSON escapes quotes and backslashes; look for the raw and the escaped spelling.
      return forms.some((f) => seen.includes(f) || seen.includes(JSON.stringify(f).slice(1, -1)));
    },

    activeBackends: () => [...children.keys()].flatMap((c) => (c.pid !== undefined && c.exitCode === null && c.signalCode === null ? [c.pid] : [])),

    async close() {
      if (closing) return;
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const groups: number[] = [];
      for (const child of children.keys()) {
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
          killGroup(child.pid);
          groups.push(child.pid);
        }
      }
      await Promise.race([Promise.all(children.values()), new Promise((r) => setTimeout(r, 5000).unref())]);
      // http-backend's own exit is not the end of its group: the receive-pack it ran, orphaned by the
      // same SIGKILL, may still be on its way out. Wait until no member of the groups runs, so
      // nothing still writes into the root being removed. (Linux does not hand out a PID still in
      // use as a group id, so signalling the group by that PID cannot reach a stranger.)
      for (const deadline = Date.now() + 3000; groups.some(groupRunning) && Date.now() < deadline; ) {
        for (const g of groups) killGroup(g);
        await new Promise((r) => setTimeout(r, 10));
      }
      server.closeAllConnections();
      hosts?.dispose();
      await stopped;
      await rm(root, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  return api;
}

/** Kills the process group `pid` leads (http-backend and the git programs it started). */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Whether a process of group `pgid` still runs. On Linux, from /proc: a member that is only a
 * zombie has stopped, and an orphan's zombie waits for init to reap it, which some container inits
 * do only every second or two. Elsewhere any member, zombie or not, counts.
 */
function groupRunning(pgid: number): boolean {
  if (process.platform === 'linux') {
    try {
      return readdirSync('/proc').some((entry) => {
        if (!/^\d+$/.test(entry)) return false;
        try {
          const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
          // Fields after "pid (comm) ": state, ppid, pgrp.
          const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return Number(pgrp) === pgid && state !== 'Z' && state !== 'X';
        } catch {
          return false; // exited while we looked
        }
      });
    } catch {
      // no /proc: fall through
    }
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Where the CGI header block ends: the first blank line, CRLF or LF style. */
function headerEnd(buf: Buffer): { at: number; length: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf < 0 && lf < 0) return undefined;
  if (lf < 0 || (crlf >= 0 && crlf < lf)) return { at: crlf, length: 4 };
  return { at: lf, length: 2 };
}

function parseCgiHeaders(block: string): { status: number; message: string | undefined; headers: [string, string][] } {
  // No Status header means 200 (RFC 3875 6.3.3); http-backend sends one only for errors.
  let status = 200;
  let message: string | undefined;
  const headers: [string, string][] = [];
  for (const l of block.split(/\r?\n/)) {
    const colon = l.indexOf(':');
    if (colon <= 0) continue;
    const name = l.slice(0, colon).trim();
    const value = l.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      const m = /^(\d{3})\s*(.*)$/.exec(value);
      if (m) {
        status = Number(m[1]);
        message = m[2] || undefined;
      }
    } else headers.push([name, value]);
  }
  return { status, message, headers };
}

function parseBasic(header: string | undefined): GitCredentials | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  // The user name cannot hold ':', the password can: split at the first.
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function stripGit(name: string): string {
  return name.endsWith('.git') ? name.slice(0, -4) : name;
}

function checkRefName(branch: string): void {
  // Enough to keep fast-import's line format and git's options safe; git checks the rest.
  if (!/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(branch) || branch.includes('..')) throw new Error(`bad branch name ${JSON.stringify(branch)}`);
}

function checkRev(rev: string): void {
  if (rev.startsWith('-') || /[\0\n]/.test(rev)) throw new Error(`bad revision ${JSON.stringify(rev)}`);
}

function checkIdentity(who: { name: string; email: string }): void {
  if (/[<>\n]/.test(who.name + who.email)) throw new Error(`bad identity ${JSON.stringify(who)}`);
}

function checkFilePath(file: string): void {
  if (!file || file.startsWith('/') || file.split('/').some((s) => s === '' || s === '.' || s === '..' || s === '.git') || /[\0\n]/.test(file)) {
    throw new Error(`bad file path ${JSON.stringify(file)}`);
  }
}

/** A path in fast-import's C-style quoting (always quoted: spaces, quotes and non-ASCII stay exact). */
function quotePath(file: string): string {
  return `"${file.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Runs host git (arguments, never a shell); resolves with stdout, rejects with stderr on failure. */
function gitOutput(args: string[], opts: { env: NodeJS.ProcessEnv; input?: Buffer | undefined }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => {});
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`git ${args.join(' ')} failed (${signal ?? code}): ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    child.stdin.end(opts.input);
  });
}
