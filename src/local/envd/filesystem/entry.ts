/**
 * EntryInfo of a path, as E2B's envd reports it: `type` and `mode` of a symlink are its
 * target's, `permissions` is Go's FileMode string of the link itself, `symlinkTarget` is the
 * fully resolved target, owner and group are names where the sandbox knows them.
 */
import { readFileSync } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { create } from '@bufbuild/protobuf';
import { EntryInfoSchema, FileType, type EntryInfo } from '../../../gen/envd/filesystem/filesystem_pb.js';
import type { EnvdConfig } from '../config.js';
import { toSandboxPath } from '../paths.js';

const S_IFMT = 0o170000;
const TYPE_BITS: Record<number, string> = {
  0o040000: 'd',
  0o120000: 'L',
  0o060000: 'D',
  0o010000: 'p',
  0o140000: 'S',
  0o020000: 'Dc',
};

/** Go's os.FileMode.String() of a POSIX st_mode (e.g. "-rw-r--r--", "drwxr-xr-x", "Lrwxrwxrwx"). */
export function goModeString(mode: number): string {
  let prefix = TYPE_BITS[mode & S_IFMT] ?? '';
  if (mode & 0o4000) prefix += 'u';
  if (mode & 0o2000) prefix += 'g';
  if (mode & 0o1000) prefix += 't';
  const rwx = 'rwxrwxrwx';
  let perms = '';
  for (let i = 0; i < 9; i++) perms += mode & (1 << (8 - i)) ? rwx[i] : '-';
  return (prefix || '-') + perms;
}

function fileType(st: Stats): FileType {
  if (st.isDirectory()) return FileType.DIRECTORY;
  if (st.isSymbolicLink()) return FileType.SYMLINK;
  if (st.isFile()) return FileType.FILE;
  return FileType.UNSPECIFIED;
}

/** uid/gid → name maps from the sandbox's own account files, read once. */
let names: { users: Map<number, string>; groups: Map<number, string> } | undefined;
function accountNames(): { users: Map<number, string>; groups: Map<number, string> } {
  if (!names) {
    const read = (path: string) => {
      const map = new Map<number, string>();
      try {
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          const fields = line.split(':');
          if (fields.length > 2 && !map.has(Number(fields[2]))) map.set(Number(fields[2]), fields[0]);
        }
      } catch {
        // no account file: numeric names
      }
      return map;
    };
    names = { users: read('/etc/passwd'), groups: read('/etc/group') };
  }
  return names;
}

/** Builds the EntryInfo of `hostPath`, reported under `sandboxPath`. Throws ENOENT like lstat. */
export async function entryInfo(
  config: EnvdConfig,
  hostPath: string,
  sandboxPath: string,
  metadata: Record<string, string> = {},
  linkStat?: Stats,
): Promise<EntryInfo> {
  const lst = linkStat ?? (await lstat(hostPath));
  let type = fileType(lst);
  let mode = lst.mode & 0o7777;
  let symlinkTarget: string | undefined;
  if (lst.isSymbolicLink()) {
    try {
      const target = await stat(hostPath);
      type = fileType(target);
      mode = target.mode & 0o7777;
      symlinkTarget = toSandboxPath(config, await realpath(hostPath));
    } catch {
      // dangling or a loop: no type and no mode, as envd (whose mode comes from the target only)
      type = FileType.UNSPECIFIED;
      mode = 0;
      symlinkTarget = sandboxPath;
    }
  }
  const { users, groups } = accountNames();
  return create(EntryInfoSchema, {
    name: posix.basename(sandboxPath) || '/',
    type,
    path: sandboxPath,
    size: BigInt(lst.size),
    mode: mode & 0o777,
    permissions: goModeString(lst.mode),
    owner: users.get(lst.uid) ?? String(lst.uid),
    group: groups.get(lst.gid) ?? String(lst.gid),
    modifiedTime: timestampFromMs(Math.floor(lst.mtimeMs)),
    ...(symlinkTarget !== undefined ? { symlinkTarget } : {}),
    metadata,
  });
}
