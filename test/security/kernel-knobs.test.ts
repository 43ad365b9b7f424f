/**
 * Found while closing the chains of the security issue: root in a sandbox is root of the host
 * (bubblewrap without a user namespace), and bubblewrap left `/proc/sys` writable, so root in a
 * sandbox could set host-wide kernel settings; `kernel.core_pattern` runs a program of its
 * choosing as host root on the next crash. Written as the attack, without changing anything: a
 * knob is opened for writing and closed unwritten.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/index.js';
import { createSandbox, run, startLocalBackend, type LocalBackend } from './kit.js';

let backend: LocalBackend;
let sandbox: Sandbox;

/** Opens a path for writing as the sandbox's root and closes it unwritten; prints OK or the errno name. */
const openForWrite = (path: string) =>
  `python3 -c 'import errno, sys
try:
    open(sys.argv[1], "r+b").close(); print("OK")
except OSError as e:
    print(errno.errorcode[e.errno])' ${path}`;

beforeAll(async () => {
  backend = await startLocalBackend();
  sandbox = await createSandbox(backend);
});
afterAll(async () => {
  await backend?.dispose();
});

describe('root in a sandbox cannot reach the host kernel', () => {
  it.each(['/proc/sys/kernel/core_pattern', '/proc/sys/kernel/modprobe', '/proc/sys/vm/drop_caches', '/proc/sys/kernel/hostname'])(
    '%s cannot be opened for writing',
    async (path) => {
      expect((await run(sandbox, openForWrite(path))).stdout.trim()).toMatch(/^(EROFS|EACCES|EPERM|ENOENT)$/);
    },
  );

  it('/proc/sysrq-trigger and /sys are read-only where they exist', async () => {
    const res = await run(
      sandbox,
      `for p in /proc/sysrq-trigger /sys/kernel/mm/transparent_hugepage/enabled /sys/power/state; do test -e $p && ${openForWrite('$p')}; done; true`,
    );
    for (const line of res.stdout.trim().split('\n').filter(Boolean)) expect(line).not.toBe('OK');
  });

  it('a device node of the host disk can be made but not opened', async () => {
    const res = await run(
      sandbox,
      `python3 -c 'import os, errno
st = os.stat("/usr")
path = "/tmp/disk"
try:
    os.mknod(path, 0o600 | 0o060000, st.st_dev)
except OSError as e:
    print("mknod", errno.errorcode[e.errno]); raise SystemExit
try:
    os.open(path, os.O_RDONLY); print("OPENED")
except OSError as e:
    print("open", errno.errorcode[e.errno])'`,
    );
    expect(res.stdout.trim()).toMatch(/^(mknod|open) (EPERM|EACCES)$/);
  });

  it('no mounts, and no fresh /proc or /sys through a nested user namespace', async () => {
    const res = await run(
      sandbox,
      'mount -t tmpfs none /mnt 2>/dev/null && echo MOUNTED; unshare -U --map-root-user -p -f -m --mount-proc true 2>/dev/null && echo PROC; unshare -U --map-root-user -m sh -c "mount -t sysfs none /mnt" 2>/dev/null && echo SYSFS; true',
    );
    expect(res.stdout.trim()).toBe('');
  });

  it('the files that show the host memory, keys and timers are empty', async () => {
    const res = await run(sandbox, 'for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do test -e $f && wc -c < $f; done; true');
    for (const line of res.stdout.trim().split('\n').filter(Boolean)) expect(Number(line)).toBe(0);
  });
});
