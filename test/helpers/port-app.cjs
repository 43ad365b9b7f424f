// A small application the ports tests run inside sandboxes (node is visible there), with no
// dependencies: `node port-app.cjs http PORT NAME` or `node port-app.cjs tcp-echo PORT`.
//
// http:
//   GET /slow?id=X      writes "one\n", then "two\n" once GET /release?id=X arrives (chunked)
//   POST /echo          answers each body chunk with "got:<chunk>" as it arrives, then "done"
//   GET /ws-closes      how many WebSocket connections have ended so far
//   Upgrade: websocket  an echo server (text and binary, ping, close); on /ws-bye it closes
//                       the connection itself after its first echo
//   Upgrade on /decline answers 200 and keeps the connection, echoing anything more it gets as
//                       "LEAKED <bytes>" (a daemon must not pass more on after a declined upgrade)
//   anything else       JSON {name, method, url, headers}: what the application was sent
// tcp-echo: every byte back; on the client's half-close, "bye" and close.
'use strict';
const http = require('node:http');
const net = require('node:net');
const crypto = require('node:crypto');

const [mode, portText, name = 'app'] = process.argv.slice(2);
const port = Number(portText);

if (mode === 'tcp-echo') {
  net
    .createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('data', (d) => socket.write(d));
      socket.on('end', () => socket.end('bye'));
      socket.on('error', () => socket.destroy());
    })
    .listen(port, '127.0.0.1');
} else {
  const releases = new Map();
  const released = (id) => {
    if (!releases.has(id)) {
      let release;
      const promise = new Promise((resolve) => (release = resolve));
      releases.set(id, { promise, release });
    }
    return releases.get(id);
  };
  let wsCloses = 0;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://app');
    if (url.pathname === '/slow') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one\n');
      released(url.searchParams.get('id')).promise.then(() => res.end('two\n'));
      return;
    }
    if (url.pathname === '/release') {
      released(url.searchParams.get('id')).release();
      res.end('released\n');
      return;
    }
    if (url.pathname === '/echo' && req.method === 'POST') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      req.on('data', (d) => res.write(`got:${d}`));
      req.on('end', () => res.end('done'));
      return;
    }
    if (url.pathname === '/ws-closes') {
      res.end(String(wsCloses));
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ name, method: req.method, url: req.url, headers: req.rawHeaders }));
  });

  const frame = (opcode, payload) => {
    const length = payload.length;
    let head;
    if (length < 126) head = Buffer.from([0x80 | opcode, length]);
    else if (length < 65536) {
      head = Buffer.alloc(4);
      head[0] = 0x80 | opcode;
      head[1] = 126;
      head.writeUInt16BE(length, 2);
    } else {
      head = Buffer.alloc(10);
      head[0] = 0x80 | opcode;
      head[1] = 127;
      head.writeBigUInt64BE(BigInt(length), 2);
    }
    return Buffer.concat([head, payload]);
  };

  server.on('upgrade', (req, socket) => {
    socket.on('error', () => socket.destroy());
    if (req.url === '/decline') {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 8\r\nconnection: keep-alive\r\n\r\ndeclined');
      socket.on('data', (d) => socket.write(`LEAKED ${d}`));
      return;
    }
    const accept = crypto.createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.once('close', () => (wsCloses += 1));
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (buffered.length < 2) return;
        let length = buffered[1] & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffered.length < 4) return;
          length = buffered.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffered.length < 10) return;
          length = Number(buffered.readBigUInt64BE(2));
          offset = 10;
        }
        const masked = (buffered[1] & 0x80) !== 0;
        const maskAt = offset;
        if (masked) offset += 4;
        if (buffered.length < offset + length) return;
        const payload = Buffer.from(buffered.subarray(offset, offset + length));
        if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= buffered[maskAt + (i % 4)];
        const opcode = buffered[0] & 0x0f;
        buffered = buffered.subarray(offset + length);
        if (opcode === 0x8) {
          socket.end(frame(0x8, payload));
          return;
        }
        if (opcode === 0x9) socket.write(frame(0xa, payload));
        else if (opcode === 0x1 || opcode === 0x2) {
          socket.write(frame(opcode, payload));
          if (req.url === '/ws-bye') socket.end(frame(0x8, Buffer.from([0x03, 0xe8])));
        }
      }
    });
  });
  server.listen(port, '127.0.0.1');
}
