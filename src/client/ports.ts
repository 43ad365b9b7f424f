/**
 * Raw TCP to a port of a sandbox, for clients that cannot use a URL (databases, SSH, anything
 * that is not HTTP): `sandbox.openPort(port)` gives a Node duplex stream whose bytes are the
 * port's. `e2b-ts sandbox port-forward` binds a local port on top of it.
 *
 * Two ways, picked by `via` (default: by the backend):
 * - `backend`: the local backend's endpoint `GET /sandboxes/<id>/ports/<port>` upgraded to
 *   `tcp` (API key in `X-API-Key`). One connection per stream, bytes both ways, half-closes
 *   passed on, unbuffered. Only the local backend has it (its sandboxes' domain is
 *   `localhost:<port>`), so it is the default there.
 * - `process`: E2B Cloud has no raw-TCP endpoint (its edge forwards HTTP and WebSocket only).
 *   There, a small bash program in the sandbox opens the port (`/dev/tcp/127.0.0.1/<port>`,
 *   then `::1`) and relays it over the process's stdin and stdout, which envd carries as bytes
 *   (stdin streamed with StreamInput, one call per chunk where a proxy cannot stream). It works
 *   with every backend and any template with bash, at the cost of envd's RPC round trips
 *   (fine for a database shell or SSH, slower than the URL for bulk HTTP). A half-close from
 *   our side cannot be passed on (bash cannot shut down a socket for writing): the sandbox
 *   side sees the connection end when the stream is destroyed.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { API_KEY_HEADER } from '../protocol/envd.js';
import { isLoopbackDomain, requireApiKey, type CallOptions, type Config } from './config.js';
import type { CommandHandle, Commands } from './commands.js';
import { ConnectionError, InvalidArgumentError, SandboxError, SandboxNotFoundError, errorFromApi, messageFromBody } from './errors.js';

/** Options of `sandbox.openPort`. */
export interface OpenPortOpts extends CallOptions {
  /**
   * How the stream reaches the port: the local backend's TCP endpoint, or a relay process in
   * the sandbox (see the module doc). @default `backend` against the local backend (its
   * sandboxes' domain is on loopback), `process` elsewhere, where no TCP endpoint exists
   */
  via?: 'backend' | 'process';
}

/** What openPort needs of a sandbox. */
export interface PortTarget {
  sandboxId: string;
  sandboxDomain: string;
  config: Config;
  commands: Commands;
}

/** Exit status of the relay when nothing listens on the port. */
const RELAY_CLOSED_PORT = 111;
/** The relay's line on stderr once the port is open. */
const CONNECTED = 'e2b-ts-port-relay: connected';

/**
 * The relay: `$1` is the port. Connects (IPv4 loopback, then IPv6), then copies stdin to the
 * socket in the background and the socket to stdout in the foreground; when the port's side
 * closes, the copy of stdin is stopped and the process ends.
 */
const RELAY_SCRIPT = [
  'p=$1',
  `{ exec 3<>"/dev/tcp/127.0.0.1/$p"; } 2>/dev/null || { exec 3<>"/dev/tcp/::1/$p"; } 2>/dev/null || { echo "nothing listens on port $p in the sandbox" >&2; exit ${RELAY_CLOSED_PORT}; }`,
  // tells openPort the port is open (stderr carries nothing else on success)
  `echo '${CONNECTED}' >&2`,
  // a background job reads /dev/null unless told otherwise
  'exec 4<&0',
  'cat <&4 >&3 & w=$!',
  'cat <&3',
  'kill $w 2>/dev/null',
].join('\n');

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError(`invalid port: ${port}`);
}

/** Opens a raw TCP stream to `port` of the sandbox (see the module doc). */
export async function openPort(target: PortTarget, port: number, opts: OpenPortOpts = {}): Promise<Duplex> {
  checkPort(port);
  const via = opts.via ?? (isLoopbackDomain(target.sandboxDomain) ? 'backend' : 'process');
  return via === 'backend' ? viaBackend(target, port, opts) : viaProcess(target, port, opts);
}

function viaBackend(target: PortTarget, port: number, opts: OpenPortOpts): Promise<Duplex> {
  const url = new URL(`${target.config.apiUrl}/sandboxes/${encodeURIComponent(target.sandboxId)}/ports/${port}`);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      headers: { ...target.config.headers, ...(opts.headers ?? {}), [API_KEY_HEADER]: requireApiKey(target.config), connection: 'Upgrade', upgrade: 'tcp' },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    req.on('upgrade', (_res: IncomingMessage, socket: Socket, head: Buffer) => {
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status === 502) reject(new ConnectionError(messageFromBody(text) ?? `nothing listens on port ${port}`, { status }));
        else if (status === 404) reject(new SandboxNotFoundError(`sandbox ${target.sandboxId} not found`, { status }));
        else reject(errorFromApi(status, text, { fallback: SandboxError }));
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (opts.signal?.aborted) reject(error);
      else reject(new ConnectionError(`cannot reach ${url.origin} (${error.code ?? error.message})`, { cause: error }));
    });
    req.end();
  });
}

/** Chunks written to the stream, handed to the relay's stdin as an async iterable. */
class InputQueue implements AsyncIterable<Uint8Array> {
  private readonly items: Array<{ chunk: Uint8Array; done: () => void }> = [];
  private ended = false;
  private wake: (() => void) | undefined;

  push(chunk: Uint8Array, done: () => void): void {
    this.items.push({ chunk, done });
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const item = this.items.shift();
      if (item) {
        yield item.chunk;
        // the connection took it: the writer may send more
        item.done();
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

async function viaProcess(target: PortTarget, port: number, opts: OpenPortOpts): Promise<Duplex> {
  const input = new InputQueue();
  let handle: CommandHandle | undefined;
  let resumeOutput: (() => void) | undefined;
  let stderr = '';
  let connected!: () => void;
  const opened = new Promise<void>((resolve) => (connected = resolve));
  const stream = new Duplex({
    read() {
      resumeOutput?.();
      resumeOutput = undefined;
    },
    write(chunk: Buffer, _encoding, callback) {
      input.push(chunk, () => callback());
    },
    final(callback) {
      input.end();
      callback();
    },
    destroy(error, callback) {
      input.end();
      void handle?.kill().catch(() => {});
      callback(error);
    },
  });
  const call = { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.headers ? { headers: opts.headers } : {}) };
  handle = await target.commands.start('bash', {
    ...call,
    args: ['-c', RELAY_SCRIPT, 'e2b-ts-port-relay', String(port)],
    stdin: true,
    timeoutMs: 0,
    collect: false,
    onOutput: (which, data) => {
      if (which === 'stderr') {
        stderr += Buffer.from(data).toString('utf8');
        if (stderr.includes(`${CONNECTED}\n`)) connected();
        return;
      }
      if (stream.push(Buffer.from(data))) return;
      // the reader is behind: stop reading the process until it asks for more
      return new Promise<void>((resolve) => (resumeOutput = resolve));
    },
  });
  const pid = handle.pid;
  const finished = handle.finished().then(
    (result) => {
      if (result.exitCode === RELAY_CLOSED_PORT) return new ConnectionError(`nothing listens on port ${port} in sandbox ${target.sandboxId}`);
      if (!stderr.includes(CONNECTED)) return new SandboxError(`the port relay failed: ${stderr.trim() || `exit ${result.exitCode}`}`);
      stream.push(null);
      return undefined;
    },
    (error: unknown) => (error instanceof Error ? error : new SandboxError(String(error))),
  );
  // A closed port is an error of openPort, as with the backend's endpoint.
  const failure = await Promise.race([opened.then(() => undefined), finished]);
  if (failure) {
    stream.destroy();
    throw failure;
  }
  void finished.then((error) => {
    if (error) stream.destroy(error);
  });
  // stdin, streamed while the stream is written; its end is the stdin's end
  void target.commands
    .streamInput(pid, input, 'stdin', call)
    .then(() => target.commands.closeStdin(pid, call))
    .catch((error: unknown) => {
      if (!stream.destroyed) stream.destroy(error instanceof Error ? error : new SandboxError(String(error)));
    });
  return stream;
}
