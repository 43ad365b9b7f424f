/**
 * The prebuilt pty package (issue 15): it covers Linux, macOS and Windows on x64 and arm64; the
 * folders the bubblewrap runtime mounts for envd are enough on their own to load it and open a
 * terminal (as inside a sandbox, with no other node_modules in reach); macOS's spawn-helper
 * gets its execute bits back when an install dropped them.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureExecutable, PTY_PACKAGE, ptyBinaryPackage } from '../../src/local/envd/process/pty-package.js';
import { ptyMounts } from '../../src/local/runtime/bubblewrap.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'e2bts-pty-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the pty package', () => {
  it('has a prebuilt binary package for linux, darwin and win32 on x64 and arm64', () => {
    const manifest = JSON.parse(readFileSync(createRequire(import.meta.url).resolve(`${PTY_PACKAGE}/package.json`), 'utf8')) as {
      optionalDependencies?: Record<string, string>;
      scripts?: Record<string, string>;
    };
    for (const platform of ['linux', 'darwin', 'win32']) {
      for (const arch of ['x64', 'arm64']) expect(Object.keys(manifest.optionalDependencies ?? {})).toContain(ptyBinaryPackage(platform, arch));
    }
    // nothing runs at install: no compiler, no download
    expect(Object.keys(manifest.scripts ?? {}).filter((s) => /install/.test(s))).toEqual([]);
  });

  it("the mounts the runtime gives envd name the package and this platform's binary package", () => {
    const mounts = ptyMounts();
    expect(mounts.map(([, inside]) => inside)).toEqual([`/run/e2b-bin/node_modules/${PTY_PACKAGE}`, `/run/e2b-bin/node_modules/${ptyBinaryPackage()}`]);
    expect(existsSync(join(mounts[0]![0], 'package.json'))).toBe(true);
    expect(existsSync(join(mounts[1]![0], 'pty.node'))).toBe(true);
  });

  it('those folders alone, laid out as in the sandbox, load node-pty and run a terminal', () => {
    // copies, not links: Node follows links to their real place, which would find the host's
    // node_modules again and prove nothing
    const root = tempDir();
    for (const [host, inside] of ptyMounts()) {
      const target = join(root, inside);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(host, target, { recursive: true });
    }
    const bin = join(root, 'run', 'e2b-bin');
    writeFileSync(
      join(bin, 'probe.mjs'),
      [
        "import { createRequire } from 'node:module';",
        'const require = createRequire(import.meta.url);',
        `const pty = require(${JSON.stringify(PTY_PACKAGE)});`,
        "const t = pty.spawn('/bin/sh', ['-c', 'stty size; echo ready'], { cols: 91, rows: 17 });",
        'let out = "";',
        't.onData((d) => (out += d));',
        't.onExit(({ exitCode }) => {',
        '  const loaded = Object.keys(require.cache).filter((p) => p.endsWith(".node"));',
        '  console.log(JSON.stringify({ out, exitCode, loaded }));',
        '});',
      ].join('\n'),
    );
    const res = spawnSync(process.execPath, [join(bin, 'probe.mjs')], { cwd: bin, encoding: 'utf8', timeout: 20_000 });
    expect(res.status, res.stderr).toBe(0);
    const result = JSON.parse(res.stdout) as { out: string; exitCode: number; loaded: string[] };
    expect(result.out).toMatch(/17 91\r?\n/);
    expect(result.out).toContain('ready');
    expect(result.exitCode).toBe(0);
    // the native binary came from the copied platform package, nowhere else
    expect(result.loaded).toEqual([join(bin, 'node_modules', ptyBinaryPackage(), 'pty.node')]);
  });
});

describe('ensureExecutable (macOS spawn-helper)', () => {
  it('adds the execute bits a dropped mode lost, and keeps the other bits', () => {
    const file = join(tempDir(), 'spawn-helper');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o640);
    ensureExecutable(file);
    expect(statSync(file).mode & 0o777).toBe(0o751);
  });

  it('leaves an executable helper as it is, and a missing one to node-pty to report', () => {
    const file = join(tempDir(), 'spawn-helper');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o755);
    ensureExecutable(file);
    expect(statSync(file).mode & 0o777).toBe(0o755);
    expect(() => ensureExecutable(join(dirname(file), 'missing'))).not.toThrow();
  });
});
