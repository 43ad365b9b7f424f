/**
 * Domain names in `allowOut`, matched as E2B does: a sandbox connection to port 80 is allowed by
 * the `Host` of its first request, one to port 443 by the server name (SNI) of its TLS
 * ClientHello; other ports and UDP are matched by address only. Domain rules only open: they
 * matter where `denyOut` refuses the address (E2B's advice: `denyOut: [ALL_TRAFFIC]`).
 *
 * The path of such a connection: the sandbox's nftables rules redirect TCP 80/443 that its
 * address rules would refuse to a relay (egress-relay.ts) listening on the sandbox's loopback;
 * the relay, a process of the daemon's user in the sandbox's network namespace only (the host's
 * mount and PID namespaces, so sandbox code can neither see nor signal it), hands each
 * connection to the daemon over a unix socket in the daemon's own folder; here the daemon reads
 * the name with Node's own parsers (llhttp for HTTP, OpenSSL for the ClientHello), checks it,
 * resolves it itself and connects from the host to what the NAME resolves to, never to the
 * address the sandbox dialled. So an allowed name cannot be used to reach another address, and
 * a name that resolves to the host (or its loopback) is refused like the host itself.
 *
 * A refused connection is closed after it was accepted, as on E2B, where a blocked connection
 * may look established at first.
 */
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket } from 'node:tls';

/** The ports the relay listens on inside a sandbox (its loopback), for redirected 80 and 443. */
export const RELAY_HTTP_PORT = 15080;
export const RELAY_TLS_PORT = 15443;
/** The byte the relay sends first: which kind of connection follows. */
export const KIND_HTTP = 0x68; // 'h'
export const KIND_TLS = 0x74; // 't'

/** The most bytes read before the name must be known (a request head, a ClientHello). */
const PEEK_LIMIT = 16 * 1024;
const PEEK_TIMEOUT_MS = 10_000;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A domain name, or `*.` and one: what E2B takes as a name in allowOut (lower-cased, no trailing dot). */
export function domainEntry(entry: string): string | undefined {
  let name = entry.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (isIP(name) || name.includes('/')) return undefined;
  const bare = name.startsWith('*.') ? name.slice(2) : name;
  const labels = bare.split('.');
  if (labels.length < 1 || bare.length > 253 || !labels.every((l) => LABEL.test(l))) return undefined;
  // a bare "*" or a wildcard over a top-level name alone is still a name E2B accepts
  return name;
}

/** Whether `host` (a name a connection asked for) is allowed by the name entries. */
export function nameAllowed(host: string, entries: readonly string[]): boolean {
  let name = host.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (!name || isIP(name)) return false;
  for (const entry of entries) {
    // a wildcard matches subdomains at any depth, not the name itself
    if (entry.startsWith('*.') ? name.endsWith(entry.slice(1)) : name === entry) return true;
  }
  return false;
}

/** The host name of a `Host` header value (without its port; an IPv6 literal stays bracketless). */
function hostOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(header.trim());
  return match?.[1]?.replace(/^\[|\]$/g, '');
}

/** A stream fed by hand: what the parsers read the buffered bytes from. */
function feeder(): Duplex {
  return new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/**
 * Reads from `socket` until `parse` finds the name (or fails), keeping every byte read so they
 * can be sent on unchanged. Resolves with the name (undefined when there is none) and the bytes.
 */
function peek(socket: Socket, start: (input: Duplex) => Promise<string | undefined>): Promise<{ name: string | undefined; head: Buffer }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const input = feeder();
    let settled = false;
    const finish = (name: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
      input.destroy();
      resolve({ name, head: Buffer.concat(chunks) });
    };
    const timer = setTimeout(() => finish(undefined), PEEK_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      input.push(chunk);
      if (size > PEEK_LIMIT) finish(undefined);
    };
    socket.on('data', onData);
    socket.once('end', () => finish(undefined));
    socket.once('error', () => finish(undefined));
    void start(input).then(finish, () => finish(undefined));
  });
}

/** The `Host` of the first request, read with Node's HTTP parser. */
function httpHost(input: Duplex): Promise<string | undefined> {
  return new Promise((resolve) => {
    const parser = createHttpServer();
    parser.on('request', (req: IncomingMessage) => resolve(hostOf(req.headers.host)));
    parser.on('clientError', () => resolve(undefined));
    parser.emit('connection', input);
  });
}

/** The server name of a TLS ClientHello, read by OpenSSL (the handshake itself goes no further). */
function tlsServerName(input: Duplex): Promise<string | undefined> {
  return new Promise((resolve) => {
    const tls = new TLSSocket(input, {
      isServer: true,
      secureContext: createSecureContext(),
      SNICallback: (name, callback) => {
        resolve(name);
        callback(new Error('the name is all that is read'));
      },
    });
    tls.on('error', () => resolve(undefined));
    tls.on('close', () => resolve(undefined));
  });
}

/** Names pinned to addresses for sandbox egress (a hosts file: `ADDRESS NAME...` per line). */
export function readHostsFile(path: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!address || !isIP(address)) continue;
    for (const name of names) out.set(name.toLowerCase(), [...(out.get(name.toLowerCase()) ?? []), address]);
  }
  return out;
}

export interface EgressProxyOptions {
  /** The name entries of the sandbox's allowOut, as they are now (updateNetwork changes them). */
  names: () => readonly string[];
  /** Whether an address must never be reached (the host's own, loopback). */
  refused: (address: string) => boolean;
  /** Names pinned to addresses ahead of DNS (`E2B_TS_EGRESS_HOSTS`). */
  hosts?: Map<string, string[]>;
  /** A line for the sandbox's log. */
  log: (line: string) => void;
}

/** Handles one connection the relay passed on: reads the kind byte, the name, and connects. */
export function handleEgress(socket: Socket, opts: EgressProxyOptions): void {
  socket.on('error', () => {});
  socket.once('readable', () => {
    const kind = socket.read(1) as Buffer | null;
    if (!kind) {
      socket.destroy();
      return;
    }
    const port = kind[0] === KIND_HTTP ? 80 : kind[0] === KIND_TLS ? 443 : 0;
    if (!port) {
      socket.destroy();
      return;
    }
    socket.pause();
    void peek(socket, port === 80 ? httpHost : tlsServerName).then(async ({ name, head }) => {
      if (!name || !nameAllowed(name, opts.names())) {
        opts.log(`egress refused: ${port === 80 ? 'Host' : 'TLS server name'} ${name ? JSON.stringify(name) : '(none)'} is not allowed`);
        socket.destroy();
        return;
      }
      let addresses: string[];
      try {
        const pinned = opts.hosts?.get(name.toLowerCase());
        addresses = pinned ?? (await lookup(name, { all: true })).map((a) => a.address);
      } catch {
        addresses = [];
      }
      const address = addresses.find((a) => !opts.refused(a));
      if (!address) {
        opts.log(`egress refused: ${name} resolves to no address the sandbox may reach`);
        socket.destroy();
        return;
      }
      const upstream = connect(port, address);
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
      upstream.once('connect', () => {
        upstream.write(head);
        socket.pipe(upstream);
        upstream.pipe(socket);
        socket.resume();
      });
    });
  });
}
