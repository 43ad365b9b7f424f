/**
 * The sandbox's `sudo` (bundled to dist/sudo.mjs, run by /usr/bin/sudo in bubblewrap sandboxes):
 * asks envd over its sudo socket to run the command as the target user, and stands in for the
 * command meanwhile: stdin, stdout and stderr pass through, a terminal is put in raw mode and
 * its size followed, signals are forwarded, and sudo ends as the command ended (its exit code,
 * or the same signal). Only node's built-in modules: it starts in a few tens of milliseconds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { constants as osConstants, userInfo } from 'node:os';
import { parseSudoArgs, SUDO_USAGE, SudoUsageError, type SudoArgs } from './args.js';
import { encodeFrame, Frame, FrameReader, SUDO_SOCKET, type SudoExit, type SudoRequest } from './protocol.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGCONT'];

function fail(message: string, code = 1): never {
  process.stderr.write(`sudo: ${message}\n`);
  process.exit(code);
}

function parse(): SudoArgs {
  try {
    return parseSudoArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof SudoUsageError) {
      process.stderr.write(`sudo: ${error.message}\n${SUDO_USAGE}\n`);
      process.exit(1);
    }
    throw error;
  }
}

function main(): void {
  const args = parse();
  if (args.action === 'help') {
    process.stdout.write(`${SUDO_USAGE}\n`);
    return;
  }
  if (args.action === 'version') {
    process.stdout.write('Sudo version 1.9 (e2b-ts sandbox sudo: commands run through envd, no password)\n');
    return;
  }
  if (args.action === 'validate') return;
  const me = userInfo();
  if (!existsSync(SUDO_SOCKET)) {
    // no sudo service (an envd without one): root runs the command itself, others cannot
    if (me.uid === 0 && args.mode === 'exec' && args.user === 'root') {
      const run = spawnSync(args.argv[0]!, args.argv.slice(1), { stdio: 'inherit' });
      if (run.error) fail(`${args.argv[0]}: command not found`);
      process.exit(run.status ?? 1);
    }
    fail('this sandbox has no sudo service');
  }
  const tty = process.stdin.isTTY && process.stdout.isTTY;
  const request: SudoRequest = {
    user: args.user,
    mode: args.mode,
    argv: args.argv,
    preserveEnv: args.preserveEnv,
    env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    cwd: process.cwd(),
    caller: { user: me.username, uid: me.uid, gid: me.gid },
    ...(tty ? { tty: { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 } } : {}),
  };
  const socket = connect(SUDO_SOCKET);
  let connected = false;
  // After the service's answer the socket is closing: input that still arrives has nowhere to go.
  const send = (type: number, payload?: Uint8Array | string) => {
    if (socket.writable) socket.write(encodeFrame(type, payload));
  };
  const restore = () => {
    if (tty && process.stdin.isTTY) process.stdin.setRawMode(false);
  };
  socket.on('error', (error) => {
    // once connected, 'close' follows and says how the command ended (a late write to a socket
    // the service already ended is no failure of the command)
    if (connected) return;
    restore();
    fail(`cannot reach the sandbox's sudo service: ${error.message}`);
  });
  socket.on('connect', () => {
    connected = true;
    send(Frame.REQUEST, JSON.stringify(request));
    if (tty) {
      process.stdin.setRawMode(true);
      process.stdout.on('resize', () => send(Frame.RESIZE, JSON.stringify({ cols: process.stdout.columns, rows: process.stdout.rows })));
    } else {
      for (const signal of FORWARDED) process.on(signal, () => send(Frame.SIGNAL, signal));
    }
    // On a terminal, Ctrl-C is a byte the remote terminal turns into SIGINT; these still come
    // from outside (kill), and go on.
    if (tty) for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, () => send(Frame.SIGNAL, signal));
    process.stdin.on('data', (chunk: Buffer) => send(Frame.STDIN, chunk));
    process.stdin.on('end', () => send(Frame.STDIN_END));
    process.stdin.on('error', () => send(Frame.STDIN_END));
  });
  const reader = new FrameReader();
  let exit: SudoExit | undefined;
  socket.on('data', (chunk: Buffer) => {
    for (const frame of reader.push(chunk)) {
      if (frame.type === Frame.STDOUT) process.stdout.write(frame.payload);
      else if (frame.type === Frame.STDERR) process.stderr.write(frame.payload);
      else if (frame.type === Frame.EXIT) exit = JSON.parse(frame.payload.toString()) as SudoExit;
    }
  });
  socket.on('close', () => {
    restore();
    process.stdin.pause();
    if (!exit) fail('the sudo service closed the connection');
    const done = exit;
    if (done.message) process.stderr.write(`${done.message}\n`);
    const finish = () => {
      if (done.signal) {
        // end as the command ended: by the same signal (the default action, our handlers gone)
        process.removeAllListeners(done.signal);
        try {
          process.kill(process.pid, done.signal as NodeJS.Signals);
        } catch {
          // not a signal this system knows: the shell's 128+n
        }
      }
      process.exit(done.code >= 0 ? done.code : 128 + (done.signal ? (osConstants.signals[done.signal as NodeJS.Signals] ?? 0) : 0));
    };
    // let the command's last output reach our stdout before going
    if (process.stdout.writableNeedDrain) process.stdout.once('drain', finish);
    else finish();
  });
}

main();
