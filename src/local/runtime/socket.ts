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
 * Without /proc (macOS, whose limit is 104 bytes, and a Linux without it) sockets are named by
 * their folder's path, so when the state folder is too deep for that (`$TMPDIR` on macOS is
 * `/var/folders/xx/<30 characters>/T/`), a short private folder of the daemon's takes its place
 * (socketFolder).
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
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

/**
 * The most bytes of a unix socket's path, its terminating NUL included (`sizeof sun_path`):
 * 104 on macOS and the BSDs, 108 on Linux.
 */
export function sunPathSize(platform: NodeJS.Platform): number {
  return platform === 'linux' || platform === 'android' ? 108 : 104;
}

/** The longest name a socket gets in its folder (a random name of 12 characters and `.sock` or `.bind`). */
const LONGEST_NAME = `${'x'.repeat(12)}.sock`;

/** What {@link socketFolder} needs to know about the machine. */
export interface SocketHost {
  platform: NodeJS.Platform;
  /** The user's temporary folder (`$TMPDIR`: private to the user on macOS). */
  tmpdir: string;
  uid: number;
}

/** Whether sockets named by their path in `folder` fit `sun_path`. */
export function socketPathsFit(folder: string, platform: NodeJS.Platform): boolean {
  return Buffer.byteLength(join(folder, LONGEST_NAME)) + 1 <= sunPathSize(platform);
}

/**
 * Where the sockets of the daemon whose socket folder is `dir` live when they are named by path:
 * `dir` itself when its paths fit `sun_path`, else a folder of the daemon's own (named by a hash
 * of `dir`, so daemons of different state folders never share one) in the user's temporary
 * folder, else in /tmp.
 */
export function socketFolder(dir: string, host: SocketHost): string {
  const key = createHash('sha256').update(dir).digest('hex').slice(0, 12);
  const candidates = [dir, join(host.tmpdir, `e2b-ts-${key}`), `/tmp/e2b-ts-${host.uid}-${key}`];
  return candidates.find((c) => socketPathsFit(c, host.platform)) ?? candidates[candidates.length - 1]!;
}

/**
 * Creates `path` (0700) or takes it when it exists as a folder of this user's that nobody else
 * may enter; refuses anything else (a folder another local user made first in /tmp).
 */
function privateFolder(path: string, uid: number): void {
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const st = lstatSync(path);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) {
    const what = st.isSymbolicLink() ? 'a symlink' : st.isDirectory() ? `owned by uid ${st.uid} with mode ${(st.mode & 0o777).toString(8)}` : 'not a folder';
    throw new Error(`the socket folder ${path} is not private to this user (${what}); remove it and start again`);
  }
}

/** Options of {@link SocketDir.open}. */
export interface SocketDirOptions {
  /** Name sockets through `/proc/self/fd/<fd>/`. @default on Linux when /proc is mounted (the shortest names there are) */
  viaFd?: boolean;
  /** @default this machine's platform, temporary folder and user */
  host?: SocketHost;
}

/** The folder of envd sockets of one daemon. */
export class SocketDir {
  private readonly fd: number | undefined;

  private constructor(
    private readonly dir: string,
    viaFd: boolean,
    /** Whether `dir` is a folder of our own outside the state folder, removed at close. */
    private readonly separate: boolean,
  ) {
    if (viaFd) this.fd = openSync(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | (constants.O_NOFOLLOW ?? 0));
  }

  /**
   * Creates (0700) and opens the folder, or the short folder that stands in for it
   * (socketFolder); sockets a previous daemon left are removed.
   */
  static open(dir: string, opts: SocketDirOptions = {}): SocketDir {
    const viaFd = opts.viaFd ?? (process.platform === 'linux' && existsSync('/proc/self/fd'));
    const host = opts.host ?? { platform: process.platform, tmpdir: tmpdir(), uid: process.getuid?.() ?? 0 };
    const folder = viaFd || host.platform === 'win32' ? dir : socketFolder(dir, host);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (folder !== dir) privateFolder(folder, host.uid);
    for (const name of readdirSync(folder)) rmSync(join(folder, name), { recursive: true, force: true });
    return new SocketDir(folder, viaFd, folder !== dir);
  }

  /** The folder the sockets are in. */
  get folder(): string {
    return this.dir;
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
      throw new Error("could not get the descriptor of envd's listening socket");
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
    if (this.separate) rmSync(this.dir, { recursive: true, force: true });
  }
}
