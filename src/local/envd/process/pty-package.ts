/**
 * Where envd's pseudo-terminals come from: `@lydell/node-pty`, which is node-pty itself (the
 * same API; 1.1.0 is node-pty 1.1.0-beta14) published with prebuilt N-API binaries. Its native
 * part is an optional dependency per platform (`@lydell/node-pty-linux-x64`, ...-darwin-arm64,
 * ...-win32-x64: Linux, macOS and Windows on x64 and arm64 each), so npm downloads only the one
 * for the machine and runs no install script and no compiler. Chosen over node-pty (prebuilt
 * for macOS and Windows only: compiles with node-gyp on Linux), `@cdktf/` and
 * `@homebridge/node-pty-prebuilt-multiarch` (forks of node-pty whose install script
 * downloads binaries from outside the npm registry, and compiles when that fails) and
 * `@devm33/node-pty` (node-pty 1.0, an install script, one 15 MB package of every platform's
 * binaries, one release).
 */
import { chmodSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The npm package envd loads terminals from. */
export const PTY_PACKAGE = '@lydell/node-pty';

/**
 * The package that holds the native binary (and macOS's spawn-helper) for a platform: an
 * optional dependency of {@link PTY_PACKAGE}, which requires it by this name at load time.
 * @default this machine's platform and architecture, because that is the binary Node can load
 */
export function ptyBinaryPackage(platform: string = process.platform, arch: string = process.arch): string {
  return `${PTY_PACKAGE}-${platform}-${arch}`;
}

/** The part of node-pty's module that envd uses. */
export interface PtyModule {
  spawn(file: string, args: string[], options: Record<string, unknown>): PtyChild;
}

/** The part of node-pty's IPty that envd uses. */
export interface PtyChild {
  pid: number;
  onData(listener: (data: Buffer | string) => void): void;
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): void;
  write(data: Buffer | string): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
}

/**
 * Adds the execute bits to a file that lacks them. node-pty on macOS starts every terminal
 * through its `spawn-helper` program; a package manager or an archive that drops the mode
 * leaves it unexecutable and every PTY fails with "posix_spawnp failed". Failing to fix it (a
 * read-only or foreign-owned install) is left to that error: it names the same cause.
 */
export function ensureExecutable(path: string): void {
  try {
    const mode = statSync(path).mode & 0o7777;
    if ((mode & 0o111) !== 0o111) chmodSync(path, mode | 0o111);
  } catch {
    // see above: node-pty reports the unusable helper itself
  }
}

/**
 * Loads the pty package (on the first PTY, so processes without a terminal never need it).
 * Resolves the way the package itself does, from the folder this code runs from: inside a
 * sandbox that is /run/e2b-bin, where the runtime mounts both packages (bubblewrap.ts).
 */
export async function loadPty(): Promise<PtyModule> {
  if (process.platform === 'darwin') {
    try {
      const main = createRequire(import.meta.url).resolve(PTY_PACKAGE);
      ensureExecutable(createRequire(main).resolve(`${ptyBinaryPackage()}/spawn-helper`));
    } catch {
      // not installed: the import below says so, with the package's own explanation
    }
  }
  const loaded = (await import('@lydell/node-pty')) as unknown as PtyModule & { default?: PtyModule };
  // CommonJS seen through import(): the functions may sit on the default export only
  return typeof loaded.spawn === 'function' ? loaded : loaded.default!;
}
