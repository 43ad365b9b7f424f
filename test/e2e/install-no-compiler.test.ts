/**
 * Issue 15, "installs anywhere": a fresh clone of this repository (its committed HEAD) installs
 * with `npm ci` on a PATH without any C/C++ compiler, make or Python, so nothing can be compiled
 * (node-gyp needs all three), and then README.md's first command, run as written on that PATH,
 * prints `uname -a` from a sandbox of the local backend it starts.
 *
 * The PATH is a folder of links to every program of this machine's PATH except compilers, make
 * and Python: a list of only the programs npm needs would also take away what the local backend
 * runs (bwrap, unshare, mount, mknod, slirp4netns, ...), and the README's command would then
 * test a degraded backend instead of the one a user without build tools gets.
 *
 * npm shares this machine's cache and prefers it (`--prefer-offline`); the registry must still
 * be reachable, for whatever the cache lacks: without it the test fails and says so.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bubblewrapWorks } from '../../src/local/runtime/bubblewrap.js';
import { ptyBinaryPackage, PTY_PACKAGE } from '../../src/local/envd/process/pty-package.js';
import { cleanEnv } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

/** What the brief names, checked with `command -v` on the restricted PATH. */
const FORBIDDEN = ['cc', 'gcc', 'g++', 'c++', 'clang', 'clang++', 'make', 'python', 'python3'];
/**
 * Programs left out of the PATH: compilers (also versioned, gcc-12, and target-prefixed,
 * x86_64-linux-gnu-gcc), linkers and assemblers, make and other build drivers, every Python, and
 * node-gyp itself.
 */
const BUILD_TOOL = /^(?:.*-)?(?:cc|c\+\+|c89|c99|cpp|gcc|g\+\+|clang|clang\+\+|tcc|ld|as|make|gmake|cmake|ninja|node-gyp)(?:-[\w.]+)?$|^python|^pypy/;

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

interface Ran {
  code: number | null;
  stdout: string;
  /** stdout and stderr as they came, as a person would read them. */
  output: string;
}

/** Runs a program to its end. */
function run(command: string, args: string[], opts: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const both: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => {
      out.push(d);
      both.push(d);
    });
    child.stderr.on('data', (d: Buffer) => both.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), output: Buffer.concat(both).toString('utf8') });
    });
  });
}

/** Its last lines, for a failure message. */
const tail = (text: string, lines = 30) => text.trimEnd().split('\n').slice(-lines).join('\n');

/** A folder of links to every program on this machine's PATH that is not a build tool. */
function pathWithoutToolchain(): string {
  const bin = join(tempDir('e2bts-nocc-'), 'bin');
  mkdirSync(bin);
  const taken = new Set<string>();
  const link = (name: string, target: string) => {
    symlinkSync(target, join(bin, name));
    taken.add(name);
  };
  // the Node that runs this test (20 in CI), whatever else the PATH holds
  link('node', process.execPath);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    // `npm test` puts node_modules/.bin folders and npm's node-gyp shim first: not the machine's
    if (!isAbsolute(dir) || dir.split(/[\\/]/).includes('node_modules')) continue;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (taken.has(name) || BUILD_TOOL.test(name)) continue;
      try {
        const st = statSync(join(dir, name));
        if (st.isFile() && st.mode & 0o111) link(name, join(dir, name));
      } catch {
        // a dangling link
      }
    }
  }
  return bin;
}

/**
 * The environment of the install: this machine's (npm settings such as a registry or a proxy
 * included), less what could lead a build to a toolchain anyway (CC, CXX, PYTHON, npm's
 * `python` and `node-gyp` settings) and what the `npm test` running this file adds about this
 * repository (its `local-prefix` would send the clone's install here).
 */
function installEnv(bin: string, extra: Record<string, string>): Record<string, string> {
  const env = cleanEnv();
  const dropped =
    /^(?:npm_(?!config_)|npm_config_(?:local_prefix|python|node_gyp)$|vitest|pyenv|python)|^(?:INIT_CWD|NODE_OPTIONS|NODE_ENV|CC|CXX|CPP|LD|MAKE)$/i;
  for (const key of Object.keys(env)) if (dropped.test(key)) delete env[key];
  return { ...env, PATH: bin, ...extra };
}

/** README.md's first command: the first line of its first shell block. */
function readmeFirstCommand(readme: string): string {
  const block = /```sh\n([^\n]+)\n/.exec(readme);
  if (!block) throw new Error('README.md has no ```sh block to take the first command from');
  return block[1]!.trim();
}

let stopBackend: (() => Promise<unknown>) | undefined;
afterAll(async () => {
  await stopBackend?.();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('#15 - installs with no compiler, make or Python', () => {
  it("npm ci of a fresh clone compiles nothing, and README.md's first command works", { timeout: 300_000 }, async () => {
    const bin = pathWithoutToolchain();
    for (const name of FORBIDDEN) {
      const found = spawnSync('/bin/sh', ['-c', `command -v ${name}`], { env: { PATH: bin }, encoding: 'utf8' });
      expect(found.status, `${name} is on the restricted PATH: ${found.stdout}`).not.toBe(0);
    }
    for (const name of ['node', 'npm', 'npx', 'git', 'sh', 'uname']) {
      expect(spawnSync('/bin/sh', ['-c', `command -v ${name}`], { env: { PATH: bin } }).status, `${name} is missing from the restricted PATH`).toBe(0);
    }

    // the cache of the npm running this test when there is one (`npm test`), else the default
    const npmConfig = (key: string) =>
      process.env[`npm_config_${key}`] || spawnSync('npm', ['config', 'get', key], { env: cleanEnv(), encoding: 'utf8' }).stdout.trim();
    const cache = npmConfig('cache');
    const registry = npmConfig('registry');
    expect(cache, 'npm config get cache').not.toBe('');
    const env = (extra: Record<string, string> = {}) =>
      installEnv(bin, { npm_config_cache: cache, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false', ...extra });

    // An empty cache makes npm ask the registry itself: a cached answer would hide a network
    // that is not there, and the install below would then fail on the first package it lacks.
    const probe = await run('npm', ['view', PTY_PACKAGE, 'version', '--cache', tempDir('e2bts-npm-probe-'), '--fetch-retries=0'], {
      cwd: repoRoot,
      env: env(),
      timeoutMs: 60_000,
    });
    if (probe.code !== 0) {
      // npm's reason is its first lines (code, then the request that failed); a stack follows
      const reason = probe.output.split('\n').filter((l) => /^npm error (code|.*request to|.*reason)/i.test(l));
      throw new Error(
        `the npm registry (${registry}) cannot be reached from this machine, and this test installs a fresh clone from it:\n` +
          (reason.length ? reason.join('\n') : tail(probe.output, 8)),
      );
    }

    const clone = join(tempDir('e2bts-clone-'), 'e2b-ts');
    const head = spawnSync('git', ['-C', repoRoot, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    for (const args of [
      ['clone', '--quiet', '--no-checkout', repoRoot, clone],
      ['-C', clone, 'checkout', '--quiet', '--detach', head],
    ]) {
      const git = await run('git', args, { cwd: tmpdir(), env: env(), timeoutMs: 60_000 });
      expect(git.code, `git ${args.join(' ')}\n${git.output}`).toBe(0);
    }

    // --foreground-scripts: every install script's output shows, so a node-gyp run could not hide
    const ci = await run('npm', ['ci', '--prefer-offline', '--foreground-scripts'], { cwd: clone, env: env(), timeoutMs: 240_000 });
    expect(ci.code, `npm ci failed:\n${tail(ci.output)}`).toBe(0);
    expect(ci.output).not.toMatch(/gyp/i);
    const modules = join(clone, 'node_modules');
    expect(existsSync(join(modules, 'node-pty')), 'node-pty (built from source) is installed').toBe(false);
    expect(existsSync(join(modules, ptyBinaryPackage(), 'pty.node')), `${ptyBinaryPackage()} is not installed`).toBe(true);
    // what node-gyp leaves behind when it configures or builds a package
    const built = (readdirSync(modules, { recursive: true }) as string[]).filter((p) => /(?:^|[\\/])(?:config\.gypi|build[\\/]Release)$/.test(p));
    expect(built).toEqual([]);

    const home = tempDir('e2bts-home-');
    stopBackend = () =>
      run(process.execPath, [join(clone, 'bin', 'e2b-ts.js'), 'local', 'stop'], { cwd: clone, env: env({ E2B_TS_HOME: home }), timeoutMs: 60_000 });
    const command = readmeFirstCommand(readFileSync(join(clone, 'README.md'), 'utf8'));
    expect(command).toMatch(/^npm install .*e2b-ts/);
    const readme = await run('/bin/sh', ['-c', command], {
      cwd: clone,
      // no warm spares: this backend serves one command, and spares booting beside it only load
      // a shared CI machine
      env: env({ E2B_TS_HOME: home, npm_config_prefer_offline: 'true', E2B_TS_WARM_SPARE: '0' }),
      timeoutMs: 180_000,
    });
    expect(readme.code, `${command}\n${tail(readme.output)}`).toBe(0);
    expect(readme.output).not.toMatch(/gyp/i);

    // the backend it started runs what this machine offers (bubblewrap in CI): the PATH without
    // build tools took nothing from it
    const status = await run(process.execPath, [join(clone, 'bin', 'e2b-ts.js'), 'local', 'status', '--json'], {
      cwd: clone,
      env: env({ E2B_TS_HOME: home }),
      timeoutMs: 60_000,
    });
    expect(status.code, status.output).toBe(0);
    const runtime = (JSON.parse(status.stdout) as { runtime: string }).runtime;
    const isolated = bubblewrapWorks();
    expect(runtime).toBe(isolated ? 'bubblewrap' : 'unisolated');
    // `uname -a` ran in the sandbox: under bubblewrap its host name is the sandbox's own
    expect(readme.stdout).toMatch(isolated ? /^Linux e2b \S+ .*\n/m : /^Linux \S+ \S+ .*\n/m);
  });
});
