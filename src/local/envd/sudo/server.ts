/**
 * envd's side of the sandbox's `sudo` (see protocol.ts): one connection is one command, started
 * as the target user with sudo's environment rules, on a terminal when the caller has one.
 *
 * Who can ask: any process in the sandbox, as E2B's base template gives `user` passwordless
 * sudo. That hands out nothing the sandbox does not have: root in the sandbox is already what
 * the security model calls hostile, and the command runs under the same isolation as envd. The
 * socket lives in a tmpfs of the sandbox's own mount namespace, so nothing outside the sandbox
 * (another local user, a web page) can reach it.
 */
import { chmodSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { EnvdConfig } from '../config.js';
import { toHostPath } from '../paths.js';
import { ManagedProcess, type SpawnOptions } from '../process/managed.js';
import { sandboxEnv } from '../server.js';
import { shellLine } from './args.js';
import { encodeFrame, Frame, FrameReader, type SudoExit, type SudoRequest } from './protocol.js';

/** Variables sudo keeps when it resets the environment (a subset of sudo's env_keep defaults). */
const KEPT = /^(TERM|COLORTERM|COLORS|DISPLAY|LANG|LANGUAGE|LC_[A-Z_]+|LINES|COLUMNS|TZ|XAUTHORITY|PS1|PS2|HOSTNAME)$/;

export function startSudoServer(config: EnvdConfig, socketPath: string): Server {
  mkdirSync(dirname(socketPath), { recursive: true, mode: 0o755 });
  rmSync(socketPath, { force: true });
  const server = createServer((socket) => serve(config, socket));
  server.listen(socketPath, () => {
    // anyone in the sandbox may connect, as anyone in E2B's base template may sudo
    chmodSync(socketPath, 0o666);
  });
  server.on('error', (error) => process.stderr.write(`sudo service: ${error.message}\n`));
  return server;
}

function serve(config: EnvdConfig, socket: Socket): void {
  const reader = new FrameReader();
  let proc: ManagedProcess | undefined;
  let starting = false;
  let exited = false;
  const pending: Array<{ type: number; payload: Buffer }> = [];
  const send = (type: number, payload?: Uint8Array | string) => {
    if (!socket.destroyed) socket.write(encodeFrame(type, payload));
  };
  const finish = (exit: SudoExit) => {
    exited = true;
    send(Frame.EXIT, JSON.stringify(exit));
    socket.end();
  };
  const apply = (frame: { type: number; payload: Buffer }) => {
    if (!proc) return;
    switch (frame.type) {
      case Frame.STDIN:
        (proc.pty ? proc.writePty(frame.payload) : proc.writeStdin(frame.payload)).catch(() => {});
        break;
      case Frame.STDIN_END:
        if (!proc.pty && proc.hasStdin) proc.closeStdin();
        break;
      case Frame.SIGNAL:
        proc.signal(frame.payload.toString() as NodeJS.Signals);
        break;
      case Frame.RESIZE: {
        const size = JSON.parse(frame.payload.toString()) as { cols: number; rows: number };
        if (proc.pty) proc.resize(size.cols, size.rows);
        break;
      }
    }
  };
  socket.on('data', (chunk: Buffer) => {
    let frames: Array<{ type: number; payload: Buffer }>;
    try {
      frames = reader.push(chunk);
    } catch {
      socket.destroy();
      return;
    }
    for (const frame of frames) {
      if (frame.type === Frame.REQUEST && !starting) {
        starting = true;
        start(config, JSON.parse(frame.payload.toString()) as SudoRequest).then(
          (started) => {
            if ('code' in started) return finish(started);
            proc = started;
            for (const queued of pending.splice(0)) apply(queued);
            const sub = proc.subscribe();
            void (async () => {
              for (;;) {
                const next = await sub.next(60_000, new AbortController().signal);
                if (next === 'idle' || next === 'aborted') continue;
                if (next.kind === 'data') send(next.stream === 'stderr' ? Frame.STDERR : Frame.STDOUT, next.data);
                else {
                  proc?.unsubscribe(sub);
                  const signal = /^signal: /.test(next.end.status) ? signalName(next.end.status) : undefined;
                  return finish({ code: next.end.exitCode, ...(signal ? { signal } : {}) });
                }
              }
            })();
          },
          (error: Error) => finish({ code: 1, message: `sudo: ${error.message}` }),
        );
      } else if (proc) apply(frame);
      else pending.push(frame);
    }
  });
  // The sudo command went away (killed with its process group): its command goes too, as a
  // command sudo started is in the caller's process group on a real system.
  socket.on('close', () => {
    if (proc && !exited) proc.signal('SIGKILL');
  });
  socket.on('error', () => {});
}

/** Go's status words ("signal: killed") back to a signal name. */
function signalName(status: string): string | undefined {
  const words: Record<string, string> = {
    hangup: 'SIGHUP',
    interrupt: 'SIGINT',
    quit: 'SIGQUIT',
    killed: 'SIGKILL',
    terminated: 'SIGTERM',
    'user defined signal 1': 'SIGUSR1',
    'user defined signal 2': 'SIGUSR2',
    aborted: 'SIGABRT',
    'segmentation fault': 'SIGSEGV',
    'broken pipe': 'SIGPIPE',
    'alarm clock': 'SIGALRM',
  };
  return words[status.replace(/^signal: /, '').replace(/ \(core dumped\)$/, '')];
}

/** Starts the command, or says why sudo must refuse (sudo's words, exit 1). */
async function start(config: EnvdConfig, req: SudoRequest): Promise<ManagedProcess | SudoExit> {
  // own properties only: "__proto__" or "constructor" are not users
  const user = typeof req.user === 'string' && Object.hasOwn(config.users, req.user) ? config.users[req.user] : undefined;
  if (!user) return { code: 1, message: `sudo: unknown user ${req.user}` };
  const home = user.home;
  const shell = req.mode === 'shell' ? req.env.SHELL || user.shell : user.shell;
  let cmd: string;
  let args: string[];
  if (req.mode === 'exec') {
    [cmd, ...args] = req.argv as [string, ...string[]];
  } else {
    cmd = shell;
    args = req.mode === 'login' ? ['-l'] : [];
    if (req.argv.length) args.push('-c', shellLine(req.argv));
  }
  const base: Record<string, string> = req.preserveEnv ? { ...req.env } : Object.fromEntries(Object.entries(req.env).filter(([name]) => KEPT.test(name)));
  const env: Record<string, string> = {
    ...sandboxEnv(config),
    ...base,
    PATH: req.preserveEnv && req.env.PATH ? req.env.PATH : config.path,
    HOME: req.preserveEnv && req.env.HOME ? req.env.HOME : home,
    USER: req.user,
    LOGNAME: req.user,
    SHELL: user.shell,
    SUDO_USER: req.caller.user,
    SUDO_UID: String(req.caller.uid),
    SUDO_GID: String(req.caller.gid),
    SUDO_COMMAND: [cmd, ...args].join(' '),
  };
  if (!env.TERM && req.tty) env.TERM = 'xterm-256color';
  const wantedCwd = req.mode === 'login' ? home : req.cwd;
  const hostCwd = isDir(toHostPath(config, wantedCwd)) ? toHostPath(config, wantedCwd) : toHostPath(config, home);
  const ids = process.getuid?.() === 0 ? { uid: user.uid, gid: user.gid } : {};
  const options: SpawnOptions = { spec: { cmd, args, envs: {} }, env, hostCwd, ...ids, stdin: true };
  try {
    return req.tty ? await ManagedProcess.spawnPty({ ...options, cols: req.tty.cols, rows: req.tty.rows }) : await ManagedProcess.spawn(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { code: 1, message: `sudo: ${cmd}: command not found` };
    if (code === 'EACCES') return { code: 1, message: `sudo: unable to execute ${cmd}: Permission denied` };
    return { code: 1, message: `sudo: unable to execute ${cmd}: ${(error as Error).message}` };
  }
}

function isDir(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}
