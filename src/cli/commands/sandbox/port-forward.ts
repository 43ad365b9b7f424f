import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJsonLine } from '../../output.js';
import { parseInteger, parseSandboxId } from '../../parse.js';

export interface PortForwardOptions {
  sandboxId: string;
  /** The port inside the sandbox. */
  port: number;
  /** The local port on 127.0.0.1; 0 picks a free one. */
  localPort: number;
}

/** Where forwarded ports listen: loopback only, as kubectl port-forward's default. */
const LOCAL_ADDRESS = '127.0.0.1';

export function portForwardCommand(ctx: Context, run = runPortForward): CommandUnknownOpts {
  return new Command('port-forward')
    .description('Forward a local TCP port to a port of the sandbox until interrupted (databases, SSH, any TCP)')
    .argument('<id>', 'sandbox ID')
    .argument('<port>', 'port inside the sandbox')
    .argument('[local-port]', 'port on 127.0.0.1 (default: the same as <port>; 0 picks a free one)')
    .addHelpText(
      'after',
      `
Every connection to 127.0.0.1:<local-port> is carried to the sandbox's port as raw bytes, until
Ctrl-C (exit 130). "Forwarding 127.0.0.1:N -> ID:PORT" goes to stderr; with --json a JSON line
with the local port goes to stdout, for scripts. Other local users can connect to the local
port while it is open, as with kubectl port-forward. HTTP services are simpler through
\`e2b-ts sandbox url\`.

Against E2B, which has no raw-TCP endpoint, each connection runs a small bash relay in the
sandbox (bash's /dev/tcp) over the process stream: fine for a database shell or SSH, slower
than the URL for bulk transfers.

Examples:
  $ e2b-ts sandbox port-forward "$id" 5432          # psql -h 127.0.0.1 -p 5432
  $ e2b-ts sandbox port-forward "$id" 22 2222       # ssh -p 2222 user@127.0.0.1
  $ e2b-ts --json sandbox port-forward "$id" 8000 0 # {"localPort":43127,...}`,
    )
    .action(async (id: string, port: string, localPort: string | undefined) => {
      const remote = parseInteger(port, 'port', 1, 65535);
      return run(
        { sandboxId: parseSandboxId(id), port: remote, localPort: localPort === undefined ? remote : parseInteger(localPort, 'local port', 0, 65535) },
        ctx,
      );
    });
}

export async function runPortForward(opts: PortForwardOptions, ctx: Context): Promise<void> {
  const { createServer } = await import('node:net');
  const { CancelError, LocalPortError } = await import('../../errors.js');
  // resumes a paused sandbox, as every command that works inside one does; unknown: exit 3
  const sandbox = await ctx.sandbox(opts.sandboxId);
  const connections = new Set<import('node:net').Socket>();
  const server = createServer({ allowHalfOpen: true }, (local) => {
    connections.add(local);
    local.on('close', () => connections.delete(local));
    local.on('error', () => local.destroy());
    // nothing is read from the client until the sandbox's side is open
    local.pause();
    sandbox.openPort(opts.port, { signal: ctx.signal }).then(
      (remote) => {
        if (local.destroyed) {
          remote.destroy();
          return;
        }
        remote.on('error', () => remote.destroy());
        local.pipe(remote);
        remote.pipe(local);
        local.once('close', () => remote.destroy());
        remote.once('close', () => local.destroy());
      },
      (error: unknown) => {
        if (!ctx.signal.aborted) ctx.warn(`connection to ${opts.sandboxId}:${opts.port} failed: ${error instanceof Error ? error.message : String(error)}`);
        local.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(bindError(error, opts.localPort, LocalPortError)));
    server.listen(opts.localPort, LOCAL_ADDRESS, () => resolve());
  });
  const localPort = (server.address() as import('node:net').AddressInfo).port;
  ctx.io.stderr.write(`Forwarding ${LOCAL_ADDRESS}:${localPort} -> ${opts.sandboxId}:${opts.port}\n`);
  if (ctx.globals.json) printJsonLine(ctx, { sandboxId: opts.sandboxId, port: opts.port, localAddress: LOCAL_ADDRESS, localPort });
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  server.close();
  for (const socket of connections) socket.destroy();
  throw new CancelError('stopped forwarding');
}

/** A one-line error for a local port that cannot be bound. */
export function bindError(error: NodeJS.ErrnoException, port: number, Cls: new (message: string) => Error = Error): Error {
  if (error.code === 'EADDRINUSE')
    return new Cls(`local port ${port} is already in use; pick another (e2b-ts sandbox port-forward ID PORT LOCAL_PORT, 0 for any free port)`);
  if (error.code === 'EACCES') return new Cls(`not allowed to listen on local port ${port} (ports below 1024 need privileges); pick another`);
  return new Cls(`cannot listen on ${LOCAL_ADDRESS}:${port}: ${error.message}`);
}
