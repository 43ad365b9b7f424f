/**
 * envd's listening sockets, made by the daemon and handed to envd as an open descriptor.
 *
 * envd used to create its socket inside the sandbox's run folder, where the daemon then
 * connected by path. Root in the sandbox could replace that name with a symlink to any unix
 * socket of the host, and the daemon (root on the host) would have followed it. Now the socket
 * lives in the daemon's own folder (`<state>/sockets`, 0700, never mounted into a sandbox), the
 * daemon binds it, and envd inherits the listening descriptor as fd 3: nothing inside a sandbox
 * can name, replace or even see the path the daemon connects to.
 *
 * Paths are short whatever the state folder's length: on Linux the folder is held open and
 * sockets are named through `/proc/self/fd/<fd>/`, far inside the 108-byte `sun_path` limit.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

/** The descriptor number envd finds its listening socket on. */
export const ENVD_LISTEN_FD = 3;

/** A listening socket made for one envd. */
export interface EnvdListener {
  /** The daemon's descriptor of the listening socket, for the child's stdio; undefined on Windows. */
  readonly fd: number | undefined;
  /** What envd listens on when it cannot inherit a descriptor (Windows named pipes). */
  readonly pipePath: string | undefined;
  /** The path the daemon connects to. */
  readonly connectPath: string;
  /** Closes the daemon's copy of the descriptor once the child holds its own (the file stays). */
  handOver(): void;
  /** Deletes the socket's file (when its sandbox stops). */
  remove(): void;
}

/** The folder of envd sockets of one daemon. */
export class SocketDir {
  private readonly fd: number | undefined;

  private constructor(private readonly dir: string) {
    if (process.platform === 'linux' && existsSync('/proc/self/fd')) {
      this.fd = openSync(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | (constants.O_NOFOLLOW ?? 0));
    }
  }

  /** Creates (0700) and opens the folder; sockets a previous daemon left are removed. */
  static open(dir: string): SocketDir {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
    return new SocketDir(dir);
  }

  private named(name: string): string {
    return this.fd === undefined ? join(this.dir, name) : `/proc/self/fd/${this.fd}/${name}`;
  }

  /** Binds a new listening socket under a random name. */
  async listen(): Promise<EnvdListener> {
    const name = randomBytes(9).toString('base64url');
    if (process.platform === 'win32') {
      const pipe = `\\\\.\\pipe\\e2b-ts-${name}`;
      return { fd: undefined, pipePath: pipe, connectPath: pipe, handOver: () => {}, remove: () => {} };
    }
    const final = this.named(`${name}.sock`);
    // Node unlinks a unix socket's path when its server closes; bound under a temporary name and
    // renamed, the socket outlives the daemon's handle, which only envd's copy must keep open.
    const temporary = this.named(`${name}.bind`);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ path: temporary, backlog: 511 }, () => resolve());
    });
    const fd = (server as Server & { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0) {
      server.close();
      throw new Error('could not get the descriptor of envd\'s listening socket');
    }
    renameSync(temporary, final);
    let open = true;
    return {
      fd,
      pipePath: undefined,
      connectPath: final,
      handOver: () => {
        if (open) server.close();
        open = false;
      },
      remove: () => rmSync(final, { force: true }),
    };
  }

  /**
   * A unix socket server of the daemon's own under a random name, and the path another process
   * of the daemon's user connects to it by (through the daemon's open folder, so it stays short).
   */
  async serve(onConnection: (socket: Socket) => void): Promise<{ path: string; close: () => void }> {
    const name = `${randomBytes(9).toString('base64url')}.sock`;
    const server = createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ path: this.named(name), backlog: 511 }, () => resolve());
    });
    const path = this.fd === undefined ? join(this.dir, name) : `/proc/${process.pid}/fd/${this.fd}/${name}`;
    return { path, close: () => server.close() };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }
}
