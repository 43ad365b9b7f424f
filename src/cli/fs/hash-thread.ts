/**
 * SHA-256 of a local file on a worker thread, so verifying a large transfer does not compete
 * with moving its bytes on the main thread (measured here: a 1 GiB download 2.6 s with the hash
 * inline, 2.2 s with it on a thread). The file may still be growing, a download being written:
 * the worker hashes what is there, waits for more, and stops at the size it is finally given.
 */
import { Worker } from 'node:worker_threads';

/** Below this, a thread's start-up (an isolate, ~10 ms) costs more than hashing inline. */
export const THREAD_HASH_MIN_BYTES = 16 * 1024 * 1024;

/**
 * The worker, as CommonJS source evaluated by `new Worker(..., { eval: true })`: one file less to
 * ship and to find beside the bundle. `final` holds -1 until the main thread knows the size.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const final = new BigInt64Array(workerData.shared);
const nap = new Int32Array(new SharedArrayBuffer(4));
const sleep = () => Atomics.wait(nap, 0, 0, 2);
let fd;
while (fd === undefined) {
  try {
    fd = openSync(workerData.path, 'r');
  } catch (error) {
    if (error.code !== 'ENOENT' || Atomics.load(final, 0) >= 0n) throw error;
    sleep();
  }
}
const hash = createHash('sha256');
const buffer = Buffer.allocUnsafe(1 << 20);
let done = 0;
for (;;) {
  const end = Atomics.load(final, 0);
  const left = end >= 0n ? Number(end) - done : buffer.length;
  if (left <= 0) break;
  const read = readSync(fd, buffer, 0, Math.min(buffer.length, left), done);
  if (read > 0) {
    hash.update(buffer.subarray(0, read));
    done += read;
  } else if (end >= 0n) {
    throw new Error('the file is shorter than what was written to it');
  } else {
    sleep();
  }
}
closeSync(fd);
parentPort.postMessage({ size: done, sha256: hash.digest('hex') });
`;

export interface FileHasher {
  /** Gives the file's final size; resolves with size and SHA-256 of its bytes up to there. */
  finish(size: number): Promise<{ size: number; sha256: string }>;
  /** Ends the thread (idempotent); call it on every path, success or not. */
  stop(): Promise<void>;
}

/** Starts hashing `path` (which may not exist yet) on a worker thread. */
export function hashFileOnThread(path: string): FileHasher {
  const shared = new SharedArrayBuffer(8);
  const final = new BigInt64Array(shared);
  Atomics.store(final, 0, -1n);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, shared } });
  const result = new Promise<{ size: number; sha256: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the hashing thread ended early (exit ${code})`)));
  });
  // settled or not, a failure here must not become an unhandled rejection
  result.catch(() => {});
  let stopped: Promise<void> | undefined;
  return {
    finish(size) {
      Atomics.store(final, 0, BigInt(size));
      return result;
    },
    stop() {
      stopped ??= worker.terminate().then(() => {});
      return stopped;
    },
  };
}
