/**
 * The sandbox side of `fs cp`: tar streams into and out of a sandbox through a process's stdin
 * and stdout, and size + SHA-256 of the sandbox's copy, computed where the files are.
 */
import { posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { Sandbox } from '../../client/sandbox.js';
import { CopyError } from '../errors.js';
import type { Digests } from './tar.js';

/** Largest stdin frame: large enough to keep the pipe busy, well under envd's message limit. */
const STDIN_CHUNK = 256 * 1024;

type RemoteOpts = { user?: string; signal?: AbortSignal; envs?: Record<string, string> };

/** Prefix of a stderr line in which a helper script states why it failed, for the user. */
const STATED = 'e2b-ts: ';

/**
 * Starts a program with exact argv. `done` resolves with its stdout when it exits 0 and rejects
 * with its stderr otherwise; `kill` ends it early.
 */
export async function startRemote(
  sandbox: Sandbox,
  program: string,
  args: string[],
  opts: RemoteOpts = {},
): Promise<{ done: Promise<Buffer>; kill(): Promise<void> }> {
  const chunks: Buffer[] = [];
  const stderr: Buffer[] = [];
  const handle = await sandbox.commands.start(program, {
    args,
    timeoutMs: 0,
    collect: false,
    ...(opts.user ? { user: opts.user } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.envs ? { envs: opts.envs } : {}),
    onOutput: (stream, data) => {
      if (stream === 'stdout') chunks.push(Buffer.from(data));
      else stderr.push(Buffer.from(data));
    },
  });
  const kill = () =>
    handle.kill().then(
      () => {},
      () => {},
    );
  // Our helper processes end with the copy: an interrupt kills them rather than leaving them behind.
  const onAbort = () => void kill();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const done = handle
    .finished()
    .finally(() => opts.signal?.removeEventListener('abort', onAbort))
    .then((result) => {
      if (result.exitCode !== 0) {
        // our helper scripts state their failures on a line of their own, meant for the user
        const stated = Buffer.concat(stderr)
          .toString('utf8')
          .split('\n')
          .findLast((line) => line.startsWith(STATED));
        if (stated) throw new CopyError(stated.slice(STATED.length));
        const message = lastLines(stderr) || result.error || `exit ${result.exitCode}`;
        throw new CopyError(`${program} in the sandbox failed: ${message}`);
      }
      return Buffer.concat(chunks);
    });
  return { done, kill };
}

/** Runs a program with exact argv; resolves with stdout when it exits 0, rejects with stderr otherwise. */
export async function runRemote(sandbox: Sandbox, program: string, args: string[], opts: RemoteOpts = {}): Promise<Buffer> {
  return (await startRemote(sandbox, program, args, opts)).done;
}

/**
 * Hashes files in the sandbox with whatever hashes fastest there: Python's hashlib and the
 * openssl tool use the CPU's SHA instructions (over 1 GB/s), coreutils' sha256sum often does not
 * (under 200 MB/s), which would make verification slower than the copy itself. Output records
 * are "<sha256> <size> <path>" separated by NUL bytes, so any file name is safe.
 */
const DIGEST_SCRIPT = [
  'cd -- "$1" || exit 1',
  'if command -v python3 >/dev/null 2>&1; then exec python3 -c "$PY" "$2"; fi',
  'find "$2" -type f -print0 | while IFS= read -r -d "" f; do',
  '  if command -v openssl >/dev/null 2>&1; then h=$(openssl dgst -sha256 -r < "$f" | cut -c1-64); else h=$(sha256sum < "$f" | cut -c1-64); fi',
  '  printf "%s %s %s\\0" "$h" "$(stat -c %s -- "$f")" "$f"',
  'done',
].join('\n');

/** The Python side of DIGEST_SCRIPT: walks without following links, one record per regular file. */
const DIGEST_PY = [
  'import hashlib, os, pwd, stat, sys',
  'out = sys.stdout.buffer',
  'def user():',
  '    try: return pwd.getpwuid(os.getuid()).pw_name',
  '    except KeyError: return "uid %d" % os.getuid()',
  'def emit(path):',
  '    try:',
  '        st = os.lstat(path)',
  '        if not stat.S_ISREG(st.st_mode): return',
  '        h = hashlib.sha256()',
  '        with open(path, "rb") as f:',
  '            for block in iter(lambda: f.read(1 << 20), b""): h.update(block)',
  '    except OSError as e:',
  `        sys.exit("${STATED}cannot read %s in the sandbox as %s: %s" % (os.path.abspath(path), user(), (e.strerror or str(e)).lower()))`,
  '    out.write(("%s %d " % (h.hexdigest(), st.st_size)).encode() + os.fsencode(path) + b"\\0")',
  'root = sys.argv[1]',
  'if os.path.isdir(root) and not os.path.islink(root):',
  '    for d, dirs, files in os.walk(root):',
  '        for n in files: emit(os.path.join(d, n))',
  'else:',
  '    emit(root)',
].join('\n');

function parseDigests(out: Buffer): Digests {
  const digests: Digests = new Map();
  for (const record of out.toString('utf8').split('\0')) {
    const match = /^([0-9a-f]{64}) (\d+) (.*)$/s.exec(record);
    if (match) digests.set(match[3], { size: Number(match[2]), sha256: match[1] });
  }
  return digests;
}

/**
 * Size and SHA-256 of every regular file under `parent/name` in the sandbox, named as
 * `name/sub/file` (the names tar uses).
 */
export async function remoteDigests(sandbox: Sandbox, parent: string, name: string, opts: { user?: string; signal?: AbortSignal } = {}): Promise<Digests> {
  const out = await runRemote(sandbox, 'sh', ['-c', DIGEST_SCRIPT, 'sh', parent, name], { ...opts, envs: { PY: DIGEST_PY } });
  return parseDigests(out);
}

/** Size and SHA-256 of one file in the sandbox. */
export async function remoteFileDigest(
  sandbox: Sandbox,
  path: string,
  opts: { user?: string; signal?: AbortSignal } = {},
): Promise<{ size: number; sha256: string }> {
  const digests = await remoteDigests(sandbox, posix.dirname(path), posix.basename(path), opts);
  const digest = digests.get(posix.basename(path));
  if (!digest) throw new CopyError(`cannot read ${path} in the sandbox to verify it`);
  return digest;
}

/**
 * The Python side of followFileDigest: waits for the file to appear, then hashes it as it grows
 * until `size` bytes have been read. Gives up when the file stops growing for FOLLOW_IDLE_S, so a
 * copy that died without killing it does not leave it behind for long.
 */
const FOLLOW_IDLE_S = 300;
const FOLLOW_PY = [
  'import hashlib, sys, time',
  'path, size = sys.argv[1], int(sys.argv[2])',
  `idle_limit = ${FOLLOW_IDLE_S}`,
  'last = time.monotonic()',
  'while True:',
  '    try:',
  '        f = open(path, "rb")',
  '        break',
  '    except FileNotFoundError:',
  '        if time.monotonic() - last > idle_limit: sys.exit("no file " + path)',
  '        time.sleep(0.005)',
  'h, n, pause = hashlib.sha256(), 0, 0.002',
  'while n < size:',
  '    block = f.read(min(1 << 20, size - n))',
  '    if block:',
  '        h.update(block)',
  '        n += len(block)',
  '        pause, last = 0.002, time.monotonic()',
  '    elif time.monotonic() - last > idle_limit:',
  '        sys.exit("%s stopped growing at %d bytes" % (path, n))',
  '    else:',
  '        time.sleep(pause)',
  '        pause = min(pause * 2, 0.05)',
  'sys.stdout.write("%s %d" % (h.hexdigest(), n))',
].join('\n');

/**
 * Hashes a file in the sandbox while an upload is still writing it, so verifying a large upload
 * costs little more than the upload (envd writes uploads in order, straight to their path).
 * Start it before the upload. `digest` is the SHA-256 of the first `size` bytes, or undefined when
 * the sandbox cannot do this (no python3) or the follower failed: then hash after the upload.
 */
export async function followFileDigest(
  sandbox: Sandbox,
  path: string,
  size: number,
  opts: { user?: string; signal?: AbortSignal } = {},
): Promise<{ digest: Promise<{ size: number; sha256: string } | undefined>; kill(): Promise<void> }> {
  const script = 'command -v python3 >/dev/null 2>&1 || exit 97; exec python3 -c "$PY" "$1" "$2"';
  const follower = await startRemote(sandbox, 'sh', ['-c', script, 'sh', path, String(size)], { ...opts, envs: { PY: FOLLOW_PY } });
  const digest = follower.done.then(
    (out) => {
      const match = /^([0-9a-f]{64}) (\d+)$/.exec(out.toString('utf8').trim());
      return match ? { sha256: match[1], size: Number(match[2]) } : undefined;
    },
    () => undefined,
  );
  return { digest, kill: follower.kill };
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
        const done = () => {
          stream.off('drain', done);
          stream.off('close', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('close', done);
      });
    },
  });
  const done = handle.finished().then(
    (result) => {
      if (result.exitCode !== 0) {
        const error = new CopyError(`tar in the sandbox failed: ${lastLines(stderr) || result.error}`);
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
  let inputError: unknown;
  try {
    await sandbox.commands.streamInput(handle.pid, chunks(), 'stdin', opts.signal ? { signal: opts.signal } : {});
    await handle.closeStdin();
  } catch (error) {
    // tar stops reading at the end-of-archive blocks (or when it fails), so the process may be
    // gone before our last bytes or the close arrive: its exit status tells what happened.
    inputError = error;
  }
  if (opts.signal?.aborted) {
    await handle.kill().catch(() => {});
    await finished.catch(() => {});
    throw inputError ?? new Error('interrupted');
  }
  const result = await finished;
  if (result.exitCode !== 0) throw new CopyError(`tar in the sandbox failed: ${lastLines(stderr) || result.error}`);
  const name = (inputError as { name?: string } | undefined)?.name;
  if (inputError && name !== 'NotFoundError' && !/EPIPE|stdin not enabled or closed/.test(String((inputError as Error).message))) throw inputError;
}

/** The end of a process's stderr, for an error message (tar's last line is often just a summary). */
function lastLines(chunks: Buffer[], count = 3): string {
  return Buffer.concat(chunks).toString('utf8').trim().split('\n').slice(-count).join('; ');
}
