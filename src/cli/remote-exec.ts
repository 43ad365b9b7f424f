/**
 * Running one command in a sandbox on behalf of `exec` and `run`: bytes streamed to our stdout
 * and stderr as they arrive, our stdin forwarded when it is not a terminal, Ctrl-C forwarded as
 * SIGINT (a second one kills), an early-closed stdout (`| head -1`) killing the remote process,
 * and the remote exit code handed back (128+N for a signal).
 */
import type { Writable } from 'node:stream';
import type { CommandFinished, CommandHandle, CommandStartOpts } from '../client/commands.js';
import type { Sandbox } from '../client/sandbox.js';
import type { Context, InterruptSignal } from './context.js';
import { ExecError, SilentError } from './errors.js';
import { exitStatusOf } from './exit-status.js';
import { printJson } from './output.js';

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
  const text = bytes.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(bytes)) return { text, encoding: 'utf-8' };
  return { text: bytes.toString('base64'), encoding: 'base64' };
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
  const collected = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  let stdoutClosed = false;
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') stdoutClosed = true;
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
      if (spec.json) {
        if (stream === 'stdout' || stream === 'stderr') collected[stream].push(Buffer.from(data));
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

  if (spec.background) {
    handle.disconnect();
    ctx.io.stdout.off('error', onStdoutError);
    if (spec.json) printJson(ctx, { pid: handle.pid, sandboxId: sandbox.sandboxId });
    else ctx.io.stdout.write(`${handle.pid}\n`);
    throw new SilentError(0);
  }

  let interrupted = false;
  let killedByUs = false;
  const forward = async (signal: InterruptSignal, count: number) => {
    interrupted = true;
    try {
      if (count > 1) {
        killedByUs = true;
        await handle.kill();
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
    if (stdoutClosed && !killedByUs) {
      killedByUs = true;
      void handle.kill().catch(() => {});
    }
  }, 20);

  const stdinDone = stdinForwarded ? forwardStdin(ctx, sandbox, handle, () => killedByUs).catch(() => {}) : Promise.resolve();
  let result: CommandFinished;
  try {
    result = await handle.finished();
  } catch (error) {
    throw asExecError(error);
  } finally {
    stopListening();
    clearInterval(watchStdout);
    ctx.io.stdout.off('error', onStdoutError);
  }
  void stdinDone;

  if (spec.json) {
    const out = encodeOutput(Buffer.concat(collected.stdout));
    const err = encodeOutput(Buffer.concat(collected.stderr));
    const doc: Record<string, unknown> = { pid: handle.pid, exitCode: result.exitCode, stdout: out.text, stderr: err.text };
    if (result.signal !== undefined) doc.signal = result.signal;
    if (out.encoding === 'base64') doc.stdoutEncoding = 'base64';
    if (err.encoding === 'base64') doc.stderrEncoding = 'base64';
    printJson(ctx, doc);
  }
  if (stdoutClosed) throw new SilentError(141);
  if (killedByUs && interrupted) throw new SilentError(130);
  throw new SilentError(exitStatusOf(result));
}

/** Failures of the CLI around the remote process exit 125; timeouts keep their own class. */
function asExecError(error: unknown): Error {
  if (error instanceof SilentError) return error;
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return error as Error;
  return new ExecError(error instanceof Error ? error.message : String(error), { cause: error });
}
