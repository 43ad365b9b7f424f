/**
 * Running one command in a sandbox on behalf of `exec` and `run`: bytes streamed to our stdout
 * and stderr as they arrive, our stdin forwarded when it is not a terminal, Ctrl-C forwarded as
 * SIGINT (a second one kills), an early-closed stdout (`| head -1`) killing the remote process,
 * and the remote exit code handed back (128+N for a signal).
 */
import { isUtf8 } from 'node:buffer';
import type { Writable } from 'node:stream';
import type { CommandFinished, CommandHandle, CommandStartOpts } from '../client/commands.js';
import type { Sandbox } from '../client/sandbox.js';
import type { Context, InterruptSignal } from './context.js';
import { ExecError, SilentError } from './errors.js';
import { exitStatusOf } from './exit-status.js';
import { printJson } from './output.js';
import { isReaderGone, READER_GONE_STATUS } from './reader-gone.js';

/** What to run and how. */
export interface RemoteCommand {
  /** A program and its exact argv, or a shell line. */
  command: { program: string; args: string[] } | { shell: string };
  cwd?: string;
  user?: string;
  envs?: Record<string, string>;
  /** 0: no deadline. */
  timeoutMs: number;
  /** Forward our stdin when it is not a terminal. */
  forwardStdin: boolean;
  /** Print the PID and return without waiting. */
  background: boolean;
  /** Collect output and print one JSON document instead of streaming. */
  json: boolean;
  /** With `json`: one JSON event per line as output arrives (NDJSON), for output of any size. */
  stream?: boolean;
}

/**
 * How much of each stream `--json` keeps: one JSON document must fit in a string (V8 caps a
 * string at about 512 MiB, and base64 grows bytes by a third), and a script reading it wants a
 * bounded answer. Past it the document says how much there was; `--json --stream` has it all.
 */
export const JSON_OUTPUT_LIMIT = 16 * 1024 * 1024;

/** How long a second Ctrl-C waits for the remote process to end before the CLI stops waiting. */
const SECOND_INTERRUPT_GRACE_MS = 5000;

/** Where the longest whole UTF-8 prefix of `bytes` ends (a character cut at the end is left out). */
function utf8Prefix(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    if (byte < 0x80) return bytes.length;
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return need > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** Collects one stream for `--json`, keeping its first JSON_OUTPUT_LIMIT bytes and counting all. */
export class Bounded {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  total = 0;

  add(data: Uint8Array): void {
    this.total += data.length;
    if (this.kept >= JSON_OUTPUT_LIMIT) return;
    const take = Math.min(data.length, JSON_OUTPUT_LIMIT - this.kept);
    this.chunks.push(Buffer.from(data.subarray(0, take)));
    this.kept += take;
  }

  get truncated(): boolean {
    return this.total > this.kept;
  }

  bytes(): Buffer {
    const all = Buffer.concat(this.chunks);
    // a cut made by the limit must not turn valid text into base64
    return this.truncated ? all.subarray(0, utf8Prefix(all)) : all;
  }
}

/**
 * Encodes output chunks as NDJSON events: text while the bytes are UTF-8 (a character split
 * between chunks is carried to the next one), base64 for a chunk that is not.
 */
export class EventEncoder {
  private carry = Buffer.alloc(0);

  constructor(private readonly stream: 'stdout' | 'stderr') {}

  encode(data: Uint8Array, last = false): string | undefined {
    const bytes = this.carry.length ? Buffer.concat([this.carry, data]) : Buffer.from(data);
    const end = last ? bytes.length : utf8Prefix(bytes);
    this.carry = bytes.subarray(end);
    if (end === 0) return undefined;
    const { text, encoding } = encodeOutput(bytes.subarray(0, end));
    return `${JSON.stringify({ type: this.stream, data: text, ...(encoding === 'base64' ? { encoding } : {}) })}\n`;
  }

  flush(): string | undefined {
    return this.carry.length ? this.encode(Buffer.alloc(0), true) : undefined;
  }
}

/** Writes a chunk, resolving when the stream can take more (or undefined right away). */
function write(stream: Writable, chunk: Uint8Array): Promise<void> | undefined {
  if (stream.write(chunk)) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

/** `stdout` or `stderr` as UTF-8 text when valid, else base64. */
function encodeOutput(bytes: Buffer): { text: string; encoding: 'utf-8' | 'base64' } {
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), encoding: 'utf-8' };
  return { text: bytes.toString('base64'), encoding: 'base64' };
}

/** Raw bytes encoded per slice when a --json document is written (3 divides it: base64 slices join). */
const DOC_SLICE = 3 * 16 * 1024;

/**
 * The JSON string literal of some output, as text when the bytes are UTF-8, else base64, produced
 * slice by slice: the whole literal never sits in memory (16 MiB of NUL bytes is 96 MiB of JSON).
 */
function* outputLiteral(bytes: Buffer, base64: boolean): Generator<string> {
  yield '"';
  for (let at = 0; at < bytes.length; ) {
    let end = Math.min(bytes.length, at + DOC_SLICE);
    if (!base64 && end < bytes.length) end = at + utf8Prefix(bytes.subarray(at, end));
    yield base64 ? bytes.toString('base64', at, end) : JSON.stringify(bytes.toString('utf8', at, end)).slice(1, -1);
    at = end;
  }
  yield '"';
}

/**
 * Writes the --json document of a finished command: its small fields through JSON.stringify (so
 * the layout is printJson's), its output fields streamed in slices with backpressure.
 */
async function writeOutputDocument(
  emit: (text: string) => Promise<void> | undefined,
  doc: Record<string, unknown>,
  outputs: Record<'stdout' | 'stderr', { bytes: Buffer; base64: boolean }>,
  pretty: boolean,
): Promise<void> {
  const marks = { stdout: '\u0000e2bts-stdout\u0000', stderr: '\u0000e2bts-stderr\u0000' };
  const text = JSON.stringify({ ...doc, stdout: marks.stdout, stderr: marks.stderr }, null, pretty ? 2 : undefined);
  let rest = text;
  for (const name of ['stdout', 'stderr'] as const) {
    const literal = JSON.stringify(marks[name]);
    const at = rest.indexOf(literal);
    await emit(rest.slice(0, at));
    for (const piece of outputLiteral(outputs[name].bytes, outputs[name].base64)) await emit(piece);
    rest = rest.slice(at + literal.length);
  }
  await emit(`${rest}\n`);
}

/** Pumps our stdin into the process (one input stream) and closes its stdin at end of file. */
async function forwardStdin(ctx: Context, sandbox: Sandbox, handle: CommandHandle, stopped: () => boolean): Promise<void> {
  async function* chunks() {
    for await (const chunk of ctx.io.stdin) {
      if (stopped()) return;
      yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    }
  }
  await sandbox.commands.streamInput(handle.pid, chunks());
  if (!stopped()) await handle.closeStdin();
}

/**
 * Runs the command; throws SilentError with the exit status for the CLI to return (the remote
 * exit code, 128+signal, 130 after an interrupt kill, 141 when our stdout closed), or ExecError
 * when the CLI itself failed around the remote process.
 */
export async function runRemote(ctx: Context, sandbox: Sandbox, spec: RemoteCommand): Promise<never> {
  const stdinForwarded = spec.forwardStdin && !spec.background && !ctx.io.isStdinTTY;
  const collected = { stdout: new Bounded(), stderr: new Bounded() };
  const streaming = spec.json && spec.stream === true;
  const events = { stdout: new EventEncoder('stdout'), stderr: new EventEncoder('stderr') };
  const emit = (line: string | undefined) => (line === undefined || stdoutClosed ? undefined : write(ctx.io.stdout, Buffer.from(line)));
  let stdoutClosed = false;
  // EPIPE on POSIX, EOF on Windows, ERR_STREAM_DESTROYED after either (reader-gone.ts)
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (isReaderGone(error)) stdoutClosed = true;
  };
  ctx.io.stdout.on('error', onStdoutError);

  const options: CommandStartOpts = {
    timeoutMs: spec.timeoutMs,
    // A background process keeps an open stdin pipe, so `proc stdin` can feed it later.
    stdin: stdinForwarded || spec.background,
    collect: false,
    ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
    ...(spec.user !== undefined ? { user: spec.user } : {}),
    ...(spec.envs ? { envs: spec.envs } : {}),
  };
  if (!spec.background) {
    options.onOutput = (stream, data) => {
      if (streaming) {
        if (stream === 'stdout' || stream === 'stderr') return emit(events[stream].encode(data));
        return undefined;
      }
      if (spec.json) {
        if (stream === 'stdout' || stream === 'stderr') collected[stream].add(data);
        return undefined;
      }
      if (stream === 'stderr') return write(ctx.io.stderr, data);
      if (stdoutClosed) return undefined;
      return write(ctx.io.stdout, data);
    };
  }

  let handle: CommandHandle;
  try {
    handle =
      'shell' in spec.command
        ? await sandbox.commands.start(spec.command.shell, options)
        : await sandbox.commands.start(spec.command.program, { ...options, args: spec.command.args });
  } catch (error) {
    ctx.io.stdout.off('error', onStdoutError);
    throw asExecError(error);
  }

  if (streaming && !spec.background) await emit(`${JSON.stringify({ type: 'start', pid: handle.pid })}\n`);
  if (spec.background) {
    void handle.disconnect();
    ctx.io.stdout.off('error', onStdoutError);
    if (spec.json) printJson(ctx, { pid: handle.pid, sandboxId: sandbox.sandboxId });
    else ctx.io.stdout.write(`${handle.pid}\n`);
    throw new SilentError(0);
  }

  let interrupted = false;
  let killedByUs = false;
  /** Ends the wait for the remote process after a second interrupt it did not answer. */
  let abandon: (() => void) | undefined;
  let giveUp: NodeJS.Timeout | undefined;
  const abandoned = new Promise<CommandFinished>((resolve) => {
    abandon = () => resolve({ exitCode: 130 } as CommandFinished);
  });
  const forward = async (signal: InterruptSignal, count: number) => {
    interrupted = true;
    try {
      if (count > 1) {
        killedByUs = true;
        // A second Ctrl-C always ends the CLI: if the kill cannot be confirmed soon (a loaded
        // backend, a lost connection), stop waiting for the remote end and say so.
        giveUp = setTimeout(() => {
          ctx.warn(`could not confirm that process ${handle.pid} ended; it may still be running in the sandbox`);
          // drop the output stream too: an open connection would keep the CLI alive
          void handle.disconnect();
          abandon?.();
        }, SECOND_INTERRUPT_GRACE_MS);
        giveUp.unref?.();
        try {
          await handle.kill();
        } catch {
          // reported by the timer above if the process does not end anyway
        }
        return;
      }
      // E2B's envd only knows TERM and KILL; the local backend also takes INT and HUP.
      const sent = await sandbox.commands.sendSignal(handle.pid, signal).catch(() => undefined);
      if (sent === undefined) await sandbox.commands.sendSignal(handle.pid, 'SIGTERM').catch(() => undefined);
    } catch {
      // the process is gone already; its end event settles the exit status
    }
  };
  const stopListening = ctx.interrupts.on((signal, count) => void forward(signal, count));
  // An interrupt that came while the process was starting has no listener yet: forward it now.
  if (ctx.signal.aborted) void forward('SIGINT', 1);
  // stdout closing early (| head -1): stop the remote process and go quietly.
  const watchStdout = setInterval(() => {
    // a stdout destroyed by an earlier error takes no more bytes, and says so by no event
    if (ctx.io.stdout.destroyed) stdoutClosed = true;
    if (stdoutClosed && !killedByUs) {
      killedByUs = true;
      void handle.kill().catch(() => {});
    }
  }, 20);

  const stdinDone = stdinForwarded ? forwardStdin(ctx, sandbox, handle, () => killedByUs).catch(() => {}) : Promise.resolve();
  let result: CommandFinished;
  try {
    result = await Promise.race([handle.finished(), abandoned]);
  } catch (error) {
    // --timeout: the CLI returns only once the process is gone, as after an interrupt
    if ((error as { name?: string }).name === 'TimeoutError') await ensureGone(sandbox, handle);
    throw asExecError(error);
  } finally {
    clearTimeout(giveUp);
    stopListening();
    clearInterval(watchStdout);
    ctx.io.stdout.off('error', onStdoutError);
  }
  void stdinDone;

  if (streaming) {
    for (const name of ['stdout', 'stderr'] as const) await emit(events[name].flush());
    const exit: Record<string, unknown> = { type: 'exit', pid: handle.pid, exitCode: result.exitCode };
    if (result.signal !== undefined) exit.signal = result.signal;
    await emit(`${JSON.stringify(exit)}\n`);
  } else if (spec.json) {
    const outputs = {
      stdout: { bytes: collected.stdout.bytes(), base64: false },
      stderr: { bytes: collected.stderr.bytes(), base64: false },
    };
    const doc: Record<string, unknown> = { pid: handle.pid, exitCode: result.exitCode, stdout: '', stderr: '' };
    if (result.signal !== undefined) doc.signal = result.signal;
    for (const name of ['stdout', 'stderr'] as const) {
      outputs[name].base64 = !isUtf8(outputs[name].bytes);
      if (outputs[name].base64) doc[`${name}Encoding`] = 'base64';
    }
    for (const name of ['stdout', 'stderr'] as const) {
      if (!collected[name].truncated) continue;
      doc[`${name}Truncated`] = true;
      doc[`${name}Bytes`] = collected[name].total;
      ctx.warn(`${name} was ${collected[name].total} bytes: --json keeps the first ${JSON_OUTPUT_LIMIT / 1024 / 1024} MiB (--json --stream gives all of it)`);
    }
    await writeOutputDocument((text) => emit(text), doc, outputs, ctx.io.isStdoutTTY);
  }
  if (stdoutClosed) throw new SilentError(READER_GONE_STATUS);
  if (killedByUs && interrupted) throw new SilentError(130);
  throw new SilentError(exitStatusOf(result));
}

/**
 * Kills a process whose deadline passed and waits (a few seconds at most) until envd no longer
 * lists it, so a script that goes on after `exec --timeout` never races the process it timed out.
 */
async function ensureGone(sandbox: Sandbox, handle: CommandHandle): Promise<void> {
  await handle.kill().catch(() => {});
  for (const deadline = Date.now() + 3000; Date.now() < deadline; ) {
    const listed = await sandbox.commands.list().catch(() => undefined);
    if (!listed?.some((p) => p.pid === handle.pid)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Failures of the CLI around the remote process exit 125; timeouts keep their own class. */
function asExecError(error: unknown): Error {
  if (error instanceof SilentError) return error;
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return error as Error;
  return new ExecError(error instanceof Error ? error.message : String(error), { cause: error });
}
