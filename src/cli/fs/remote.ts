/**
 * The sandbox side of `fs cp`: tar streams into and out of a sandbox through a process's stdin
 * and stdout, and size + SHA-256 of the sandbox's copy, computed where the files are.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { Sandbox } from '../../client/sandbox.js';
import type { Digests } from './tar.js';

/** Largest stdin frame: large enough to keep the pipe busy, well under envd's message limit. */
const STDIN_CHUNK = 256 * 1024;

/** Runs a program with exact argv; resolves with stdout when it exits 0, rejects with stderr otherwise. */
export async function runRemote(sandbox: Sandbox, program: string, args: string[], opts: { user?: string; signal?: AbortSignal } = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stderr: Buffer[] = [];
  const handle = await sandbox.commands.start(program, {
    args,
    timeoutMs: 0,
    collect: false,
    ...(opts.user ? { user: opts.user } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onOutput: (stream, data) => {
      if (stream === 'stdout') chunks.push(Buffer.from(data));
      else stderr.push(Buffer.from(data));
    },
  });
  const result = await handle.finished();
  if (result.exitCode !== 0) {
    const message = Buffer.concat(stderr).toString('utf8').trim().split('\n').pop() || result.error || `exit ${result.exitCode}`;
    throw new Error(`${program} in the sandbox failed: ${message}`);
  }
  return Buffer.concat(chunks);
}

/**
 * Size and SHA-256 of every regular file under `parent/name` in the sandbox, named as
 * `name/sub/file` (the names tar uses). One command, NUL-separated so any file name is safe.
 */
export async function remoteDigests(sandbox: Sandbox, parent: string, name: string, opts: { user?: string; signal?: AbortSignal } = {}): Promise<Digests> {
  const script = 'cd -- "$1" && find "$2" -type f -printf "%s %p\\0" && printf "\\0--\\0" && find "$2" -type f -print0 | xargs -0 -r sha256sum -z';
  const out = (await runRemote(sandbox, 'sh', ['-c', script, 'sh', parent, name], opts)).toString('utf8');
  const [sizesPart, hashesPart = ''] = out.split('\0\0--\0');
  const sizes = new Map<string, number>();
  for (const item of sizesPart.split('\0')) {
    const space = item.indexOf(' ');
    if (space > 0) sizes.set(item.slice(space + 1), Number(item.slice(0, space)));
  }
  const digests: Digests = new Map();
  for (const item of hashesPart.split('\0')) {
    // "<64 hex>  <path>" (sha256sum -z never escapes names)
    const match = /^([0-9a-f]{64}) [ *](.*)$/s.exec(item);
    if (!match) continue;
    digests.set(match[2], { size: sizes.get(match[2]) ?? -1, sha256: match[1] });
  }
  return digests;
}

/** Size and SHA-256 of one file in the sandbox. */
export async function remoteFileDigest(sandbox: Sandbox, path: string, opts: { user?: string; signal?: AbortSignal } = {}): Promise<{ size: number; sha256: string }> {
  const out = (await runRemote(sandbox, 'sh', ['-c', 'stat -c %s -- "$1" && sha256sum -z -- "$1"', 'sh', path], opts)).toString('utf8');
  const [size, rest] = out.split('\n');
  return { size: Number(size), sha256: rest.slice(0, 64) };
}

/** `tar -c` of `parent/name` in the sandbox, as a stream, plus its completion. */
export async function remoteTarCreate(
  sandbox: Sandbox,
  parent: string,
  names: string[],
  opts: { user?: string; signal?: AbortSignal } = {},
): Promise<{ stream: Readable; done: Promise<void> }> {
  const stream = new PassThrough({ highWaterMark: 1 << 20 });
  const stderr: Buffer[] = [];
  const handle = await sandbox.commands.start('tar', {
    args: ['-c', '-f', '-', '-C', parent, '--', ...names],
    timeoutMs: 0,
    collect: false,
    ...(opts.user ? { user: opts.user } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onOutput: (kind, data) => {
      if (kind === 'stderr') {
        stderr.push(Buffer.from(data));
        return undefined;
      }
      if (stream.write(data)) return undefined;
      return new Promise<void>((resolve) => {
        stream.once('drain', resolve);
        stream.once('close', resolve);
      });
    },
  });
  const done = handle.finished().then(
    (result) => {
      if (result.exitCode !== 0) {
        const error = new Error(`tar in the sandbox failed: ${Buffer.concat(stderr).toString('utf8').trim().split('\n').pop() || result.error}`);
        stream.destroy(error);
        throw error;
      }
      stream.end();
    },
    (error: unknown) => {
      stream.destroy(error as Error);
      throw error;
    },
  );
  done.catch(() => {});
  stream.on('close', () => {
    if (!stream.writableFinished) void handle.kill().catch(() => {});
  });
  return { stream, done };
}

/** `tar -x` into `dir` in the sandbox, fed from `input`; resolves when tar exited 0. */
export async function remoteTarExtract(sandbox: Sandbox, dir: string, input: Readable, opts: { user?: string; signal?: AbortSignal } = {}): Promise<void> {
  const stderr: Buffer[] = [];
  const handle = await sandbox.commands.start('sh', {
    args: ['-c', 'mkdir -p -- "$1" && exec tar -x -p -f - -C "$1"', 'sh', dir],
    stdin: true,
    timeoutMs: 0,
    collect: false,
    ...(opts.user ? { user: opts.user } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onOutput: (kind, data) => {
      if (kind === 'stderr') stderr.push(Buffer.from(data));
    },
  });
  const finished = handle.finished();
  // Small tar records are gathered into chunks of up to STDIN_CHUNK per frame.
  async function* chunks() {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const chunk of input) {
      pending.push(chunk as Buffer);
      pendingBytes += (chunk as Buffer).length;
      if (pendingBytes >= STDIN_CHUNK) {
        yield Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
      }
    }
    if (pendingBytes) yield Buffer.concat(pending);
  }
  try {
    await sandbox.commands.streamInput(handle.pid, chunks(), 'stdin', opts.signal ? { signal: opts.signal } : {});
    await handle.closeStdin();
  } catch (error) {
    await handle.kill().catch(() => {});
    await finished.catch(() => {});
    throw error;
  }
  const result = await finished;
  if (result.exitCode !== 0) {
    throw new Error(`tar in the sandbox failed: ${Buffer.concat(stderr).toString('utf8').trim().split('\n').pop() || result.error}`);
  }
}
