/**
 * Git credentials given to `sandbox.git` (clone, push, pull) go to the git server and nowhere
 * else: not into any process's command line or environment inside the sandbox (which any code
 * there can read: `ps`, /proc), not into `.git/config` or any other file of the sandbox, not
 * into the local backend's log, the library's debug log, or an error message. They stay only
 * when the caller asks (`dangerouslyStoreCredentials`, `dangerouslyAuthenticate`), and even then
 * never pass through a command line.
 *
 * A watcher running as root in the sandbox copies every process's command line and environment
 * many times a second while the calls run. As a control, the official SDK's clone, which puts
 * the password into the clone URL, is watched the same way and must be caught: that proves the
 * watcher sees processes as short-lived as these.
 *
 * The server's password holds `@ : / % # +` and a space (`%41` among them, which a client that
 * decodes twice turns into `A`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Sandbox as SdkSandbox } from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitAuthError, Sandbox } from '../../src/index.js';
import { DEFAULT_GIT_CREDENTIALS, startGitServer, type GitServer } from '../helpers/git-server.js';
import { TestHosts, testHostsUnavailable } from '../helpers/test-hosts.js';
import { requireSandboxFolder } from '../helpers/local-backend.js';
import { connection, run, startLocalBackend, type LocalBackend } from './kit.js';

const { username, password } = DEFAULT_GIT_CREDENTIALS;

let backend: LocalBackend;
let server: GitServer;
let sandbox: Sandbox;
const debugLines: string[] = [];

/** The password in every spelling it could take: as is, percent-encoded (in a URL), in a Basic header. */
const SPELLINGS = [
  password,
  encodeURIComponent(password),
  // git writes its escapes in lower case
  encodeURIComponent(password).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
  // the WHATWG URL setter's escaping, which the SDK uses
  Object.assign(new URL('http://h'), { password }).password,
  Buffer.from(`${username}:${password}`).toString('base64'),
];
const leaks = (text: string) => SPELLINGS.filter((s) => text.includes(s));

beforeAll(async () => {
  backend = await startLocalBackend();
  server = await startGitServer();
  await server.createRepo('secret', { private: true, commits: [{ message: 'first', files: { 'a.txt': 'a\n' } }] });
  sandbox = await Sandbox.create('base', { ...connection(backend), timeoutMs: 600_000, logger: (line: string) => debugLines.push(line) });
  expect((await run(sandbox, 'git config --global user.name Dev && git config --global user.email dev@example.test', 'user')).exitCode).toBe(0);
}, 120_000);

afterAll(async () => {
  await sandbox?.kill().catch(() => undefined);
  await server?.close();
  await backend?.dispose();
});

/**
 * Runs `work` while a root process in the sandbox copies every process's command line and
 * environment to a file, as fast as it can; returns that file's text (NULs as spaces) and how
 * many rounds it made.
 */
async function watched(work: () => Promise<unknown>): Promise<{ seen: string; rounds: number }> {
  const log = `/root/watch-${Date.now()}.log`;
  const watcher = await sandbox.commands.run(
    `n=0; while [ ! -e ${log}.stop ]; do n=$((n+1)); for p in /proc/[0-9]*; do cat $p/cmdline $p/environ 2>/dev/null; echo; done; done > ${log}; echo $n > ${log}.rounds`,
    { user: 'root', background: true, timeoutMs: 0 },
  );
  try {
    await new Promise((r) => setTimeout(r, 100));
    await work();
  } finally {
    await run(sandbox, `touch ${log}.stop`);
    await watcher.wait().catch(() => undefined);
  }
  const text = (await run(sandbox, `tr '\\0' ' ' < ${log}`)).stdout;
  const rounds = Number((await run(sandbox, `cat ${log}.rounds`)).stdout.trim());
  await run(sandbox, `rm -f ${log} ${log}.stop ${log}.rounds`);
  return { seen: text, rounds };
}

/** Every file under a host folder, with its text. */
function filesUnder(dir: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...filesUnder(path));
    else if (st.isFile() && st.size < 4 << 20) out.push([path, readFileSync(path, 'latin1')]);
  }
  return out;
}

describe('git credentials never leak', () => {
  it("control: the official SDK's clone with credentials shows the password in a command line, and the watcher catches it", async () => {
    process.env.E2B_API_URL = backend.url;
    process.env.E2B_SANDBOX_URL = backend.url;
    process.env.E2B_API_KEY = backend.apiKey;
    const sdk = await SdkSandbox.connect(sandbox.sandboxId);
    const { seen, rounds } = await watched(() =>
      sdk.git.clone(server.repoUrl('secret'), { path: '/home/user/control', username, password }).catch(() => undefined),
    );
    expect(rounds).toBeGreaterThan(3);
    expect(leaks(seen).length, "the SDK puts the password in the URL on git's command line").toBeGreaterThan(0);
    await run(sandbox, 'rm -rf /home/user/control');
  });

  it('ours: clone, commit and push, pull with credentials: not in any command line or environment, nor in .git/config, nor in a file', async () => {
    const repo = '/home/user/secret';
    const { seen, rounds } = await watched(async () => {
      await sandbox.git.clone(server.repoUrl('secret'), { path: repo, username, password });
      expect((await run(sandbox, `cd ${repo} && echo b > b.txt && git add b.txt && git commit -qm second`, 'user')).exitCode).toBe(0);
      await sandbox.git.push(repo, { username, password });
      await server.commitUpstream('secret', { message: 'upstream', files: { 'c.txt': 'c\n' } });
      await sandbox.git.pull(repo, { username, password });
    });
    expect(rounds).toBeGreaterThan(3);
    // the watcher saw git run (so it was looking), and never the password nor the user name
    expect(seen).toContain('credential.helper');
    expect(leaks(seen)).toEqual([]);
    expect(seen).not.toContain(`${username}:`);
    // the work was done: the server has the pushed commit, the sandbox the pulled one
    expect((await server.log('secret')).map((c) => c.subject)).toEqual(['upstream', 'second', 'first']);
    expect((await run(sandbox, `cat ${repo}/c.txt`, 'user')).stdout).toBe('c\n');
    // nothing in the sandbox's files: .git/config holds the plain URL, no credential store
    const config = (await run(sandbox, `cat ${repo}/.git/config`, 'user')).stdout;
    expect(config).toContain(`url = ${server.repoUrl('secret')}`);
    expect(config).not.toContain(username);
    // everything the sandbox wrote: its / and its upper layers of /usr, /etc, ...
    const folder = requireSandboxFolder(backend.home, sandbox.sandboxId);
    const found = filesUnder(join(folder, 'fs'))
      .concat(filesUnder(join(folder, 'upper')))
      .filter(([, text]) => leaks(text).length > 0)
      .map(([path]) => path);
    expect(found).toEqual([]);
  });

  it("rejected credentials: GitAuthError, and neither its message nor git's output in its cause holds the password", async () => {
    const error = await sandbox.git
      .clone(server.repoUrl('secret'), { path: '/home/user/rejected', username, password: `${password}x` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitAuthError);
    const cause = (error as GitAuthError).cause as { stdout: string; stderr: string };
    expect(cause.stderr).toMatch(/Authentication failed/);
    expect(leaks(`${(error as Error).message}\n${cause.stdout}\n${cause.stderr}\n${String((error as Error).stack)}`)).toEqual([]);
  });

  it("a remote that redirects elsewhere does not get the credentials sent there: they are for the remote's own host", async () => {
    // A hostile (or compromised) server answers every request with a redirect to another host,
    // which asks for Basic auth: git would hand that host whatever its credential helper gives.
    const elsewhere = await startGitServer();
    await elsewhere.createRepo('secret', { private: true, commits: [{ message: 'bait', files: { 'x.txt': 'x\n' } }] });
    const redirector = createServer((req, res) => {
      res.writeHead(302, { Location: `${elsewhere.url}${req.url ?? '/'}` });
      res.end();
    });
    // sandboxes reach no address of this machine: the redirector is reached through a test host
    const hosts = testHostsUnavailable() === undefined ? new TestHosts() : undefined;
    const relay = hosts?.relayHost();
    await new Promise<void>((resolve) => redirector.listen(0, relay?.listenOn ?? '127.0.0.1', resolve));
    try {
      const port = (redirector.address() as AddressInfo).port;
      await relay?.start(port);
      const error = await sandbox.git
        .clone(`http://${relay?.ip ?? '127.0.0.1'}:${port}/secret.git`, { path: '/home/user/redirected', username, password })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitAuthError);
      // the other host was asked (git followed the redirect), and never got a credential
      expect(elsewhere.requests.length).toBeGreaterThan(0);
      expect(elsewhere.requests.filter((r) => r.authorization)).toEqual([]);
      expect(elsewhere.sawCredential(password)).toBe(false);
    } finally {
      redirector.close();
      hosts?.dispose();
      await elsewhere.close();
    }
  });

  it("the backend's log, the sandbox's log and the library's debug log hold no credential", async () => {
    expect(debugLines.length).toBeGreaterThan(0);
    expect(leaks(debugLines.join('\n'))).toEqual([]);
    expect(leaks(backend.output())).toEqual([]);
    const logs = await fetch(`${backend.url}/v2/sandboxes/${sandbox.sandboxId}/logs?limit=1000`, { headers: { 'X-API-Key': backend.apiKey } });
    expect(logs.status).toBe(200);
    expect(leaks(await logs.text())).toEqual([]);
    const stateFiles = filesUnder(backend.home).filter(([path]) => !path.includes(`${join('fs', '')}`));
    expect(stateFiles.filter(([, text]) => leaks(text).length > 0).map(([p]) => p)).toEqual([]);
  });

  it('asked to store them: dangerouslyAuthenticate keeps them in ~/.git-credentials (0600), and no command line ever held them', async () => {
    const host = new URL(server.url).host;
    const { seen } = await watched(() => sandbox.git.dangerouslyAuthenticate({ username, password, host, protocol: 'http' }));
    expect(leaks(seen)).toEqual([]);
    const stored = await run(sandbox, 'stat -c %a ~/.git-credentials && cat ~/.git-credentials', 'user');
    expect(stored.stdout.split('\n')[0]).toBe('600');
    expect(leaks(stored.stdout).length).toBeGreaterThan(0);
    // and later calls use them, with none given
    await sandbox.git.clone(server.repoUrl('secret'), { path: '/home/user/stored' });
    await run(sandbox, 'rm -f ~/.git-credentials', 'user');
  });
});
