/**
 * The test git server (test/helpers/git-server.ts) against the host's real git: clone, shallow
 * clone, fetch, pull and push over smart HTTP, public and private repositories, credentials through
 * GIT_ASKPASS and a credential helper (never in the URL, except the one test of repoUrl's
 * escaping), chunked and gzip request bodies, two servers at once, and close() leaving nothing.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GIT_CREDENTIALS, startGitServer, type GitServer } from '../helpers/git-server.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let server: GitServer;
let work: string;
let askpass: string;
let seq = 0;

/** A fresh directory under the test's temporary root. */
function dir(label: string): string {
  return join(work, `${label}-${++seq}`);
}

/**
 * Host git with an environment of its own: an empty HOME and XDG_CONFIG_HOME, no system config, no
 * terminal prompts, nothing inherited (no GIT_ASKPASS, credential helpers or proxies of the machine).
 * Spawned asynchronously: the server answers on this process's event loop.
 */
function git(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: opts.cwd ?? work,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: join(work, 'home'),
        XDG_CONFIG_HOME: join(work, 'home', '.config'),
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
        LC_ALL: 'C',
        GIT_AUTHOR_NAME: 'Client Dev',
        GIT_AUTHOR_EMAIL: 'client@example.test',
        GIT_COMMITTER_NAME: 'Client Dev',
        GIT_COMMITTER_EMAIL: 'client@example.test',
        ...opts.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => {});
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(opts.input);
  });
}

async function ok(args: string[], opts: Parameters<typeof git>[1] = {}): Promise<string> {
  const r = await git(args, opts);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** GIT_ASKPASS answering with these credentials (passed through the environment, not the script). */
function askpassEnv(username: string, password: string): Record<string, string> {
  return { GIT_ASKPASS: askpass, TEST_GIT_USERNAME: username, TEST_GIT_PASSWORD: password };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'git-server-test-'));
  await mkdir(join(work, 'home', '.config'), { recursive: true });
  askpass = join(work, 'askpass.sh');
  // git runs it with its prompt ("Username for '...': " / "Password for '...': ") as $1.
  await writeFile(
    askpass,
    '#!/bin/sh\ncase "$1" in\n  Username*) printf \'%s\\n\' "$TEST_GIT_USERNAME" ;;\n  *) printf \'%s\\n\' "$TEST_GIT_PASSWORD" ;;\nesac\n',
  );
  await chmod(askpass, 0o755);
  server = await startGitServer();
  await server.createRepo('app', {
    commits: [
      { message: 'initial', files: { 'README.md': 'hello\n', 'src/a.txt': 'a\n', 'old.txt': 'bye\n' } },
      { message: 'second\n\nwith a body', files: { 'README.md': 'hello again\n', 'old.txt': null } },
      { message: 'feature work', branch: 'feature', files: { 'f.txt': 'f\n' }, author: { name: 'Fay Ture', email: 'fay@example.test' } },
    ],
  });
  await server.createRepo('secret', { private: true, commits: [{ message: 'private stuff', files: { 'key.txt': 'classified\n' } }] });
});

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('test git server', () => {
  it('makes repositories with the commits asked for', async () => {
    const main = await server.log('app', 'main');
    expect(main.map((c) => c.subject)).toEqual(['second', 'initial']);
    expect(main[0]).toMatchObject({ authorName: 'Upstream Dev', authorEmail: 'upstream@example.test', parents: [main[1]!.sha] });
    expect(main[1]!.parents).toEqual([]);
    const feature = await server.log('app', 'feature');
    // A new branch starts at the initial branch's tip.
    expect(feature.map((c) => c.subject)).toEqual(['feature work', 'second', 'initial']);
    expect(feature[0]).toMatchObject({ authorName: 'Fay Ture', authorEmail: 'fay@example.test' });
    const refs = await server.refs('app');
    expect(refs).toEqual({ 'refs/heads/main': main[0]!.sha, 'refs/heads/feature': feature[0]!.sha });
    expect(await server.readFile('app', 'main', 'README.md')).toBe('hello again\n');
    expect(await server.readFile('app', 'main', 'old.txt')).toBeUndefined();
    expect(await server.readFile('app', 'main~1', 'old.txt')).toBe('bye\n');
    expect(await server.log('app', 'no-such-branch')).toEqual([]);
  });

  it('serves a clone of a public repository over smart HTTP (protocol v2)', async () => {
    const before = server.requests.length;
    const to = dir('clone');
    await ok(['clone', '--quiet', server.repoUrl('app'), to]);
    expect(await readFile(join(to, 'README.md'), 'utf8')).toBe('hello again\n');
    expect(existsSync(join(to, 'old.txt'))).toBe(false);
    expect((await ok(['rev-parse', 'HEAD'], { cwd: to })).trim()).toBe((await server.refs('app'))['refs/heads/main']);
    expect(await ok(['branch', '-r'], { cwd: to })).toContain('origin/feature');
    const mine = server.requests.slice(before);
    expect(mine[0]).toMatchObject({
      method: 'GET',
      path: '/app.git/info/refs',
      query: 'service=git-upload-pack',
      status: 200,
      authorization: false,
      protocol: 'version=2',
    });
    expect(mine.some((r) => r.method === 'POST' && r.path === '/app.git/git-upload-pack' && r.status === 200)).toBe(true);
    expect(mine.every((r) => r.user === undefined)).toBe(true);
  });

  it('serves a shallow clone of one branch, and a URL without .git', async () => {
    const to = dir('shallow');
    await ok(['clone', '--quiet', '--depth', '1', '--branch', 'feature', `${server.url}/app`, to]);
    expect((await ok(['rev-list', '--count', 'HEAD'], { cwd: to })).trim()).toBe('1');
    expect(existsSync(join(to, '.git', 'shallow'))).toBe(true);
    expect(await readFile(join(to, 'f.txt'), 'utf8')).toBe('f\n');
    expect((await ok(['rev-parse', 'HEAD'], { cwd: to })).trim()).toBe((await server.refs('app'))['refs/heads/feature']);
  });

  it('serves a partial clone (--filter=blob:none)', async () => {
    const to = dir('partial');
    await ok(['clone', '--quiet', '--filter=blob:none', server.repoUrl('app'), to]);
    expect((await ok(['config', 'remote.origin.partialclonefilter'], { cwd: to })).trim()).toBe('blob:none');
    expect(await readFile(join(to, 'README.md'), 'utf8')).toBe('hello again\n');
  });

  it('takes the first push to an empty repository', async () => {
    const made = await server.createRepo('empty');
    expect(made.commits).toEqual([]);
    expect(await server.refs('empty')).toEqual({});
    expect(await server.log('empty')).toEqual([]);
    const to = dir('empty');
    await ok(['clone', '--quiet', server.repoUrl('empty'), to]);
    await writeFile(join(to, 'first.txt'), 'first\n');
    await ok(['add', 'first.txt'], { cwd: to });
    await ok(['commit', '--quiet', '-m', 'first'], { cwd: to });
    await ok(['push', '--quiet', 'origin', 'HEAD:main'], { cwd: to });
    expect((await server.log('empty')).map((c) => c.subject)).toEqual(['first']);
  });

  it('answers 404 for a repository it does not have', async () => {
    const r = await git(['clone', '--quiet', server.repoUrl('nope'), dir('nope')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not found|404/i);
  });

  it('refuses a private repository without credentials, asking for a user name', async () => {
    const before = server.requests.length;
    const r = await git(['clone', '--quiet', server.repoUrl('secret'), dir('noauth')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/could not read Username|Authentication failed/);
    const mine = server.requests.slice(before);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((q) => q.status === 401 && !q.authorization && q.user === undefined)).toBe(true);
  });

  it('refuses a private repository with wrong credentials', async () => {
    const before = server.requests.length;
    const wrongPassword = await git(['clone', '--quiet', server.repoUrl('secret'), dir('wrong')], { env: askpassEnv('tester', 'not-the-password') });
    expect(wrongPassword.code).not.toBe(0);
    expect(wrongPassword.stderr).toMatch(/Authentication failed/);
    const wrongUser = await git(['clone', '--quiet', server.repoUrl('secret'), dir('wrong')], { env: askpassEnv('someone', DEFAULT_GIT_CREDENTIALS.password) });
    expect(wrongUser.code).not.toBe(0);
    expect(wrongUser.stderr).toMatch(/Authentication failed/);
    const mine = server.requests.slice(before);
    // git tries without credentials first, then with the ones it was given.
    expect(mine.some((q) => q.status === 401 && q.authorization)).toBe(true);
    expect(mine.every((q) => q.status === 401 && q.user === undefined)).toBe(true);
  });

  it('serves a private repository to the right credentials given through GIT_ASKPASS', async () => {
    const before = server.requests.length;
    const to = dir('askpass');
    await ok(['clone', '--quiet', server.repoUrl('secret'), to], { env: askpassEnv(server.credentials.username, server.credentials.password) });
    expect(await readFile(join(to, 'key.txt'), 'utf8')).toBe('classified\n');
    // The credentials stay out of the remote URL git saved.
    expect((await ok(['remote', 'get-url', 'origin'], { cwd: to })).trim()).toBe(server.repoUrl('secret'));
    const mine = server.requests.slice(before);
    expect(mine[0]).toMatchObject({ status: 401, authorization: false });
    expect(mine.some((q) => q.status === 200 && q.authorization && q.user === 'tester' && q.method === 'POST')).toBe(true);
  });

  it('takes credentials in the URL when percent-encoded (repoUrl with credentials)', async () => {
    const to = dir('urlauth');
    const withAuth = server.repoUrl('secret', { credentials: true });
    // Every troublesome character of the default password is escaped.
    expect(withAuth).toContain(encodeURIComponent(DEFAULT_GIT_CREDENTIALS.password));
    expect(DEFAULT_GIT_CREDENTIALS.password).toMatch(/[@]/);
    for (const c of ['@', ':', '/', '%', '#', ' ']) expect(DEFAULT_GIT_CREDENTIALS.password).toContain(c);
    await ok(['clone', '--quiet', withAuth, to]);
    expect(await readFile(join(to, 'key.txt'), 'utf8')).toBe('classified\n');
  });

  it('takes a push of a new branch to a public repository', async () => {
    const to = dir('push-public');
    await ok(['clone', '--quiet', server.repoUrl('app'), to]);
    await ok(['switch', '--quiet', '-c', 'topic'], { cwd: to });
    await writeFile(join(to, 'topic.txt'), 'topic\n');
    await ok(['add', 'topic.txt'], { cwd: to });
    await ok(['commit', '--quiet', '-m', 'topic commit'], { cwd: to });
    const head = (await ok(['rev-parse', 'HEAD'], { cwd: to })).trim();
    const before = server.requests.length;
    await ok(['push', '--quiet', 'origin', 'topic'], { cwd: to });
    expect((await server.refs('app'))['refs/heads/topic']).toBe(head);
    expect((await server.log('app', 'topic'))[0]).toMatchObject({
      sha: head,
      subject: 'topic commit',
      authorName: 'Client Dev',
      authorEmail: 'client@example.test',
    });
    expect(await server.readFile('app', 'topic', 'topic.txt')).toBe('topic\n');
    const mine = server.requests.slice(before);
    expect(mine.some((q) => q.query === 'service=git-receive-pack' && q.status === 200 && q.user === undefined)).toBe(true);
    expect(mine.some((q) => q.method === 'POST' && q.path === '/app.git/git-receive-pack' && q.status === 200)).toBe(true);
  });

  it('takes a push to a private repository with credentials from a credential helper (fed over stdin)', async () => {
    const to = dir('push-private');
    const store = join(work, 'credentials-store');
    const helper = ['-c', `credential.helper=store --file=${store}`];
    // `git credential approve` reads the credential from stdin and saves it with the helper.
    await ok([...helper, 'credential', 'approve'], {
      input: `protocol=http\nhost=${new URL(server.url).host}\nusername=${server.credentials.username}\npassword=${server.credentials.password}\n\n`,
    });
    // The store keeps it URL-encoded: the special characters went through git's own escaping.
    const saved = readFileSync(store, 'utf8');
    expect(saved).toContain('s3cr%40t');
    expect(saved).not.toContain(server.credentials.password);
    await ok([...helper, 'clone', '--quiet', server.repoUrl('secret'), to]);
    await ok(['switch', '--quiet', '-c', 'private-topic'], { cwd: to });
    await writeFile(join(to, 'more.txt'), 'more\n');
    await ok(['add', 'more.txt'], { cwd: to });
    await ok(['commit', '--quiet', '-m', 'private push'], { cwd: to });
    const head = (await ok(['rev-parse', 'HEAD'], { cwd: to })).trim();
    const before = server.requests.length;
    await ok([...helper, 'push', '--quiet', 'origin', 'private-topic'], { cwd: to });
    expect((await server.refs('secret'))['refs/heads/private-topic']).toBe(head);
    const mine = server.requests.slice(before);
    expect(mine.some((q) => q.method === 'POST' && q.path === '/secret.git/git-receive-pack' && q.status === 200 && q.user === 'tester')).toBe(true);
    // Without credentials the push is refused.
    await ok(['commit', '--quiet', '--allow-empty', '-m', 'anonymous'], { cwd: to });
    const anon = await git(['push', 'origin', 'private-topic'], { cwd: to });
    expect(anon.code).not.toBe(0);
    expect(anon.stderr).toMatch(/could not read Username|Authentication failed/);
    expect((await server.refs('secret'))['refs/heads/private-topic']).toBe(head);
  });

  it('takes a push of a pack of several MB (a chunked request body)', async () => {
    const to = dir('push-large');
    await ok(['clone', '--quiet', server.repoUrl('app'), to]);
    // Random bytes do not compress: the pack is over http.postBuffer (1 MiB), so git streams it chunked.
    await writeFile(join(to, 'blob.bin'), randomBytes(3 * 1024 * 1024));
    await ok(['add', 'blob.bin'], { cwd: to });
    await ok(['commit', '--quiet', '-m', 'big'], { cwd: to });
    const head = (await ok(['rev-parse', 'HEAD'], { cwd: to })).trim();
    const blob = (await ok(['rev-parse', 'HEAD:blob.bin'], { cwd: to })).trim();
    const before = server.requests.length;
    await ok(['push', '--quiet', 'origin', 'HEAD:refs/heads/big'], { cwd: to });
    expect((await server.refs('app'))['refs/heads/big']).toBe(head);
    const mine = server.requests.slice(before);
    expect(mine.some((q) => q.method === 'POST' && q.path === '/app.git/git-receive-pack' && q.chunked && q.status === 200)).toBe(true);
    // The blob arrived whole: a fresh clone of the branch has the same object.
    const again = dir('clone-large');
    await ok(['clone', '--quiet', '--branch', 'big', server.repoUrl('app'), again]);
    expect((await ok(['rev-parse', 'HEAD:blob.bin'], { cwd: again })).trim()).toBe(blob);
  });

  it('refuses a push to a read-only repository (403)', async () => {
    await server.createRepo('frozen', { readOnly: true, commits: [{ message: 'only', files: { 'x.txt': 'x\n' } }] });
    const to = dir('frozen');
    await ok(['clone', '--quiet', server.repoUrl('frozen'), to]);
    await ok(['commit', '--quiet', '--allow-empty', '-m', 'nope'], { cwd: to });
    const r = await git(['push', 'origin', 'main'], { cwd: to });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/403/);
  });

  it('brings an upstream commit with git pull', async () => {
    await server.createRepo('pulled', { commits: [{ message: 'base', files: { 'n.txt': '1\n' } }] });
    const to = dir('pull');
    await ok(['clone', '--quiet', server.repoUrl('pulled'), to]);
    const sha = await server.commitUpstream('pulled', { message: 'upstream change', files: { 'n.txt': '2\n', 'new.txt': 'new\n' } });
    expect((await server.refs('pulled'))['refs/heads/main']).toBe(sha);
    await ok(['pull', '--quiet', '--ff-only'], { cwd: to });
    expect((await ok(['rev-parse', 'HEAD'], { cwd: to })).trim()).toBe(sha);
    expect(await readFile(join(to, 'n.txt'), 'utf8')).toBe('2\n');
    expect(await readFile(join(to, 'new.txt'), 'utf8')).toBe('new\n');
    // An upstream commit on a new branch, fetched.
    const side = await server.commitUpstream('pulled', { branch: 'side', message: 'side', files: { 's.txt': 's\n' } });
    await ok(['fetch', '--quiet', 'origin'], { cwd: to });
    expect((await ok(['rev-parse', 'origin/side'], { cwd: to })).trim()).toBe(side);
    expect((await server.log('pulled', 'side'))[0]!.parents).toEqual([sha]);
  });

  it('inflates a gzip request body (a fetch negotiation over 1 KiB)', async () => {
    // Forty branches at forty commits: a clone wants them all, and git gzips a request that long.
    const commits = Array.from({ length: 40 }, (_, i) => ({ message: `b${i}`, branch: `b${i}`, files: { [`b${i}.txt`]: `${i}\n` } }));
    await server.createRepo('wide', { commits: [{ message: 'root', files: { 'r.txt': 'r\n' } }, ...commits] });
    const before = server.requests.length;
    const to = dir('wide');
    await ok(['clone', '--quiet', '--no-checkout', server.repoUrl('wide'), to]);
    expect((await ok(['branch', '-r'], { cwd: to })).split('\n').filter((l) => /origin\/b\d+$/.test(l.trim()))).toHaveLength(40);
    const mine = server.requests.slice(before);
    expect(mine.some((q) => q.method === 'POST' && q.gzip && q.status === 200)).toBe(true);
  });

  it('never records the password', () => {
    expect(server.requests.length).toBeGreaterThan(20);
    expect(server.requests.some((q) => q.user === 'tester')).toBe(true);
    expect(server.sawCredential(server.credentials.password)).toBe(false);
    expect(JSON.stringify(server.requests)).not.toContain('s3cr@t');
  });

  it('runs two servers at once, each with its own repositories and credentials', async () => {
    const other = await startGitServer({ credentials: { username: 'other', password: 'another: p@ss/%#' } });
    try {
      expect(other.url).not.toBe(server.url);
      const spec = { commits: [{ message: 'initial', files: { 'README.md': 'hello\n', 'src/a.txt': 'a\n', 'old.txt': 'bye\n' } }] };
      const made = await other.createRepo('app', { ...spec, private: true });
      // Same commits on a fresh server, same ids: identities and dates are fixed.
      expect(made.commits[0]).toBe((await server.log('app', 'main'))[1]!.sha);
      const [a, b] = await Promise.all([
        ok(['clone', '--quiet', server.repoUrl('app'), dir('two-a')]).then(() => 'a'),
        ok(['clone', '--quiet', other.repoUrl('app'), dir('two-b')], { env: askpassEnv('other', 'another: p@ss/%#') }).then(() => 'b'),
      ]);
      expect([a, b]).toEqual(['a', 'b']);
      // The first server's credentials do not open the second's repositories.
      const cross = await git(['clone', '--quiet', other.repoUrl('app'), dir('two-c')], {
        env: askpassEnv(server.credentials.username, server.credentials.password),
      });
      expect(cross.stderr).toMatch(/Authentication failed/);
      expect(other.sawCredential('another: p@ss/%#')).toBe(false);
      // sawCredential does notice a password a client put where it does not belong.
      await new Promise<void>((resolve, reject) => {
        request(`${other.url}/app.git/info/refs?token=${encodeURIComponent('another: p@ss/%#')}`, (res) => {
          res.resume();
          res.on('end', resolve);
        })
          .on('error', reject)
          .end();
      });
      expect(other.sawCredential('another: p@ss/%#')).toBe(true);
    } finally {
      await other.close();
    }
  });

  it.skipIf(process.platform !== 'linux')('close() kills running http-backend processes with their children and removes the repositories', async () => {
    const third = await startGitServer();
    const repo = await third.createRepo('busy', { commits: [{ message: 'c', files: { 'c.txt': 'c\n' } }] });
    // A push whose body never ends: http-backend starts receive-pack, which waits for commands.
    const req = request(`${third.url}/busy.git/git-receive-pack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-receive-pack-request', 'transfer-encoding': 'chunked' },
    });
    req.on('error', () => {});
    req.flushHeaders();
    // Live (not zombie) members of a process group.
    const groupOf = (pgid: number) =>
      readdirSync('/proc').filter((p) => {
        if (!/^\d+$/.test(p)) return false;
        try {
          const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
          const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return Number(pgrp) === pgid && state !== 'Z';
        } catch {
          return false;
        }
      });
    let pid: number | undefined;
    for (let i = 0; i < 200 && (pid === undefined || groupOf(pid).length < 2); i++) {
      await new Promise((r) => setTimeout(r, 20));
      pid = third.activeBackends()[0];
    }
    expect(pid).toBeDefined();
    expect(groupOf(pid!).length).toBeGreaterThanOrEqual(2);
    await third.close();
    req.destroy();
    expect(third.activeBackends()).toEqual([]);
    expect(groupOf(pid!)).toEqual([]);
    expect(existsSync(repo.dir)).toBe(false);
  });
});
