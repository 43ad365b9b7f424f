/**
 * The egress relay (see egress-proxy.ts): run by the daemon in a sandbox's network namespace
 * only (`nsenter --net`), it listens on the sandbox's loopback for the TCP 80/443 connections
 * the sandbox's rules redirect to it and hands each to the daemon over a unix socket, after one
 * byte saying which port it was meant for. It reads the socket's path as one JSON line on stdin
 * (never on its command line) and ends when stdin closes: when the daemon goes.
 *
 * An entry point, started as a program; importing it does nothing.
 */
import { connect, createServer, type Server } from 'node:net';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { KIND_HTTP, KIND_TLS, RELAY_HTTP_PORT, RELAY_TLS_PORT } from './egress-proxy.js';

function relay(port: number, kind: number, socketPath: string): Server[] {
  const servers: Server[] = [];
  for (const host of ['127.0.0.1', '::1']) {
    const server = createServer((client) => {
      client.on('error', () => {});
      const daemon = connect(socketPath);
      daemon.on('error', () => client.destroy());
      daemon.once('connect', () => {
        daemon.write(Buffer.from([kind]));
        client.pipe(daemon);
        daemon.pipe(client);
      });
      client.on('close', () => daemon.destroy());
      daemon.on('close', () => client.destroy());
    });
    // ::1 may not exist (IPv6 off in the namespace): then IPv4 is all there is to redirect
    server.on('error', (error) => {
      if (host === '127.0.0.1') {
        process.stderr.write(`egress relay: cannot listen on ${host}:${port}: ${error.message}\n`);
        process.exit(1);
      }
    });
    server.listen(port, host);
    servers.push(server);
  }
  return servers;
}

export function main(): void {
  const lines = createInterface({ input: process.stdin });
  lines.once('line', (line) => {
    const { socket } = JSON.parse(line) as { socket: string };
    relay(RELAY_HTTP_PORT, KIND_HTTP, socket);
    relay(RELAY_TLS_PORT, KIND_TLS, socket);
    process.stdout.write('READY\n');
  });
  lines.once('close', () => process.exit(0));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
