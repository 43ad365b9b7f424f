/**
 * The sandbox's `sudo` talks to envd over a unix socket inside the sandbox: sandboxes run with
 * NoNewPrivs, so no setuid binary can raise a process's rights; envd, which starts every
 * process anyway, starts the command as the target user instead. Frames on the socket are
 * [type: 1 byte][length: 4 bytes, big endian][payload].
 *
 * client → envd: REQUEST (JSON, first), STDIN bytes, STDIN_END, SIGNAL (a name), RESIZE (JSON)
 * envd → client: STDOUT bytes, STDERR bytes, EXIT (JSON: code, or the signal that ended it)
 */
export const Frame = {
  REQUEST: 0x52,
  STDIN: 0x49,
  STDIN_END: 0x45,
  SIGNAL: 0x53,
  RESIZE: 0x57,
  STDOUT: 0x6f,
  STDERR: 0x65,
  EXIT: 0x58,
} as const;

/** What the sudo command asks envd to run. */
export interface SudoRequest {
  /** Target user (`-u`), root by default. */
  user: string;
  /** `exec`: run argv; `login` (-i): the user's login shell; `shell` (-s): a shell. */
  mode: 'exec' | 'login' | 'shell';
  argv: string[];
  /** -E: keep the caller's environment (else a reset one, as sudo's env_reset). */
  preserveEnv: boolean;
  /** The caller's environment and working directory. */
  env: Record<string, string>;
  cwd: string;
  /** Who called (sudo sets SUDO_USER, SUDO_UID, SUDO_GID). */
  caller: { user: string; uid: number; gid: number };
  /** A terminal of this size when the caller is on one. */
  tty?: { cols: number; rows: number };
}

export interface SudoExit {
  code: number;
  /** Name of the signal that ended the command (sudo then ends itself with it). */
  signal?: string;
  /** Said on stderr before exiting (sudo's own errors: unknown user, command not found). */
  message?: string;
}

export function encodeFrame(type: number, payload: Uint8Array | string = new Uint8Array(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** Largest frame accepted (a request with a big environment fits easily). */
const MAX_FRAME = 16 * 1024 * 1024;

/** Splits a byte stream into frames. */
export class FrameReader {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Array<{ type: number; payload: Buffer }> {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    const frames: Array<{ type: number; payload: Buffer }> = [];
    while (this.#buffer.length >= 5) {
      const length = this.#buffer.readUInt32BE(1);
      if (length > MAX_FRAME) throw new Error(`sudo frame of ${length} bytes is too large`);
      if (this.#buffer.length < 5 + length) break;
      frames.push({ type: this.#buffer[0]!, payload: this.#buffer.subarray(5, 5 + length) });
      this.#buffer = this.#buffer.subarray(5 + length);
    }
    return frames;
  }
}

/** Where envd serves sudo inside a bubblewrap sandbox (a tmpfs of the sandbox's own). */
export const SUDO_SOCKET = '/run/e2b-sudo/sudo.sock';
