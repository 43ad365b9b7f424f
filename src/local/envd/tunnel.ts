/**
 * The port tunnel: how the local daemon reaches a TCP port of the sandbox. The daemon cannot open
 * a connection into the sandbox's network namespace; envd runs inside it and can. The daemon
 * asks over envd's socket with an HTTP `CONNECT localhost:<port>` carrying the platform secret
 * (the one `/init` wants), and envd connects to `127.0.0.1:<port>`, then `[::1]:<port>` when
 * that is refused, answers `200`, and from then on passes bytes both ways.
 *
 * Nothing but the daemon can ask: envd's socket is reachable only by the daemon (runtime/socket.ts),
 * the daemon's own HTTP server never forwards a CONNECT (Node drops a CONNECT where nothing
 * listens for it, and the edge takes only origin-form targets), and the secret is checked in
 * constant time. The target is a port and nothing else: no host name, so the tunnel can only
 * ever reach the sandbox's own loopback. (In the unisolated runtime envd's loopback is the
 * host's, which is that runtime's documented model: it isolates nothing.)
 *
 * Refusals are one HTTP answer in envd's error shape (`{"code","message"}`) and a closed
 * connection: 403 without the secret, 400 for a target that is not `localhost:<port>`, 502 when
 * nothing listens on the port.
 */
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { sameSecret } from '../../protocol/secret.js';
import { PLATFORM_HEADER } from './config.js';

/** What a tunnel request names: `localhost:<port>`, the port in canonical decimal. */
const TUNNEL_TARGET = /^localhost:([1-9][0-9]{0,4})$/;

/** The port a `CONNECT` target names, or undefined when it is not `localhost:<1-65535>`. */
export function tunnelPort(target: string | undefined): number | undefined {
  const match = TUNNEL_TARGET.exec(target ?? '');
  if (!match) return undefined;
  const port = Number(match[1]);
  return port <= 65535 ? port : undefined;
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 502: 'Bad Gateway' };

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ code: status, message });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Connects to the port on 127.0.0.1, then on ::1 when IPv4 is refused (a server bound to `::1` only). */
function connectLoopback(port: number): Promise<Socket> {
  const attempt = (host: string) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host, port, allowHalfOpen: true });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
    });
  return attempt('127.0.0.1').catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNREFUSED') throw error;
    // No IPv6 loopback (EADDRNOTAVAIL, ENETUNREACH) says no more than IPv4's refusal did.
    return attempt('::1').catch(() => {
      throw error;
    });
  });
}

/**
 * Serves one `CONNECT` on envd's socket (the server's 'connect' event): checks the secret and the
 * target, connects, answers, and pipes until either side is done. A half-close is passed on as
 * a half-close, so protocols that end their request with one still get their answer.
 */
export function serveTunnel(platformSecret: string, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => socket.destroy());
  if (!sameSecret(platformSecret, req.headers[PLATFORM_HEADER])) {
    refuse(socket, 403, 'the port tunnel is for the platform only');
    return;
  }
  const port = tunnelPort(req.url);
  if (port === undefined) {
    refuse(socket, 400, 'tunnel target must be localhost:<port>');
    return;
  }
  connectLoopback(port).then(
    (upstream) => {
      if (socket.destroyed) {
        upstream.destroy();
        return;
      }
      upstream.on('error', () => upstream.destroy());
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
      // Either side gone for good (reset, or both directions ended) ends the other.
      socket.once('close', () => upstream.destroy());
      upstream.once('close', () => socket.destroy());
    },
    (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'ECONNREFUSED'
          ? `nothing listens on port ${port} in the sandbox`
          : `cannot connect to port ${port} in the sandbox (${error.code ?? error.message})`;
      refuse(socket, 502, reason);
    },
  );
}
