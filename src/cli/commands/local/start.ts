import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJson, success } from '../../output.js';
import { parseInteger } from '../../parse.js';
import { escapeControls } from '../../render/sanitize.js';
import { localPaths, refuseUnsupported } from './shared.js';

export interface StartOptions {
  port?: number;
  foreground: boolean;
}

export function startCommand(ctx: Context, run = runStart): CommandUnknownOpts {
  return new Command('start')
    .description('Start the local backend (an E2B-compatible server on 127.0.0.1) and print its URL')
    .option('--port <n>', 'port to listen on (default 49982, or a free one when taken)')
    .option('--foreground', 'run in this terminal, logging to stderr, until interrupted', false)
    .action(async (o) => run({ ...(o.port !== undefined ? { port: parseInteger(o.port, '--port', 0, 65535) } : {}), foreground: o.foreground }, ctx));
}

/** `platform` is where the backend would run (a seam: tests ask for Windows' refusal on Linux). */
export async function runStart(opts: StartOptions, ctx: Context, platform: NodeJS.Platform = process.platform): Promise<void> {
  await refuseUnsupported(platform);
  const paths = await localPaths(ctx);
  const control = await import('../../../local/control.js');
  const running = await control.findDaemon(paths);
  if (running) {
    if (opts.port !== undefined && opts.port !== 0 && opts.port !== running.port) {
      const { UsageError } = await import('../../errors.js');
      throw new UsageError(`the local backend is already running on port ${running.port}; stop it first to change the port`);
    }
    if (ctx.globals.json) printJson(ctx, { url: running.url, pid: running.pid, port: running.port, alreadyRunning: true });
    else {
      ctx.io.stdout.write(`${running.url}\n`);
      ctx.note(`The local backend is already running (pid ${running.pid}).`);
    }
    return;
  }
  if (opts.foreground) {
    const { startDaemon } = await import('../../../local/daemon/server.js');
    const daemon = await startDaemon({
      paths,
      port: opts.port ?? (await import('../../../local/paths.js')).DEFAULT_LOCAL_PORT,
      portFallback: opts.port === undefined,
      // the daemon's log quotes sandboxes and requests
      onLog: (line) => ctx.io.stderr.write(`${escapeControls(line)}\n`),
    });
    const url = `http://${daemon.info.host}:${daemon.info.port}`;
    if (ctx.globals.json) printJson(ctx, { url, pid: daemon.info.pid, port: daemon.info.port, alreadyRunning: false });
    else ctx.io.stdout.write(`${url}\n`);
    if (!daemon.runtime.isolated) ctx.warn(daemon.runtime.description);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await daemon.close();
    return;
  }
  const daemon = await control.startDaemonProcess(paths, opts.port !== undefined ? { port: opts.port } : {});
  if (ctx.globals.json) printJson(ctx, { url: daemon.url, pid: daemon.pid, port: daemon.port, alreadyRunning: false });
  else {
    ctx.io.stdout.write(`${daemon.url}\n`);
    success(ctx, `Started the local backend (pid ${daemon.pid}, runtime ${daemon.runtime})`);
  }
  if (daemon.runtime !== 'bubblewrap') {
    const { UNISOLATED_WARNING } = await import('../../../local/runtime/unisolated.js');
    ctx.warn(UNISOLATED_WARNING);
  }
}
