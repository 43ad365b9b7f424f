/**
 * Moving files (issue #5), against one sandbox on the local backend, every row a child process
 * (wall time from the runner, peak RSS and CPU from GNU time):
 *
 * 1. One 1 GiB file, up and down: `e2b-ts fs cp` (which also verifies size + SHA-256 on both
 *    sides and renames into place) beside the official SDK (`files.write(path, ReadableStream)`
 *    with the file's Blob stream /
 *    `files.read(path, { format: 'stream' })` into a file, in a small node script) and the floor,
 *    curl against the same envd `/files` endpoint through the daemon (headers E2b-Sandbox-Id and
 *    X-Access-Token). Upload floor: `curl -T file -X POST` (streams the file; `--data-binary @file`
 *    would read all of it into memory first). Download floor: `curl -o file` (the same disk write
 *    the CLI and the SDK script do; a download has to land somewhere); `curl -o /dev/null` is
 *    shown as a reference.
 *    A reference row per direction adds SHA-256 of both copies to curl (openssl, overlapped
 *    with the transfer where curl allows), the stock-tools way to the guarantee `fs cp` gives.
 *    Targets: the CLI at least 0.8x curl's throughput; its peak RSS under 120 MB.
 * 2. A folder of 5,000 files of 4 KiB, up and down: `e2b-ts fs cp` (tar streams) beside the
 *    official SDK file by file (`files.write(path, data)` in a loop; `files.list` then
 *    `files.read` per file, written locally). Reference floor: a local `cp -a` of the folder.
 *    Target: the CLI at least 5x faster than the SDK, both ways (default settings; an upload
 *    row with --parallel 4 is shown beside it, unchecked).
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openAsBlob,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { join } from 'node:path';
import { cpuTracker } from '../lib/backend-cpu.mjs';
import { measureCommands, reasonOf } from '../lib/measure.mjs';
import { ratio } from '../lib/stats.mjs';
import { failures, fmtMiB, NA } from '../lib/table.mjs';

export const name = 'files';
export const order = 40;
export const description = 'fs cp: a 1 GiB file up/down vs official SDK and curl; 5,000 x 4 KiB folder vs official SDK file by file';

const MiB = 1024 ** 2;
const BIG_MIB = 1024;
const BIG_BYTES = BIG_MIB * MiB;
const SMALL_FILES = 5000;
const SMALL_SIZE = 4096;
// Every row finishes in well under a minute here; a run stuck far beyond that is reported as failed
// rather than holding up the whole suite (the official SDK's download once slowed to 1 MB/s).
const TRANSFER_TIMEOUT_MS = 3 * 60_000;
const TARGET_VS_CURL = 0.8;
const TARGET_RSS_BYTES = 120e6;
const TARGET_VS_SDK = 5;
/** curl's options in the verified reference rows, before the row's own arguments. */
const VERIFIED_CURL = '-sS -f';

/**
 * The official SDK doing the same work, as a child process like the other rows:
 * node --input-type=module -e SDK_SCRIPT <op> <sandboxId> <a> <b>
 * (connection from E2B_API_URL / E2B_SANDBOX_URL / E2B_API_KEY, as the SDK documents).
 */
const SDK_SCRIPT = `
import { Sandbox } from 'e2b';
import { createWriteStream, mkdirSync, openAsBlob, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
const [op, id, a, b] = process.argv.slice(1);
const sbx = await Sandbox.connect(id);
if (op === 'upload') {
  // a pull-based stream of the file (Readable.toWeb reads ahead without bound on node 20)
  await sbx.files.write(b, (await openAsBlob(a)).stream());
} else if (op === 'download') {
  const body = await sbx.files.read(a, { format: 'stream' });
  await pipeline(Readable.fromWeb(body), createWriteStream(b));
} else if (op === 'upload-each') {
  for (const name of readdirSync(a).sort()) await sbx.files.write(b + '/' + name, readFileSync(a + '/' + name));
} else if (op === 'download-each') {
  mkdirSync(b);
  for (const entry of await sbx.files.list(a)) {
    if (entry.type === 'file') writeFileSync(b + '/' + entry.name, await sbx.files.read(entry.path, { format: 'bytes' }));
  }
} else {
  throw new Error('unknown op ' + op);
}
`;

/** A file of `mib` MiB of random bytes (each MiB distinct), written chunk by chunk. */
function writeBigFile(path, mib) {
  const chunk = randomBytes(MiB);
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < mib; i++) {
      chunk.writeUInt32LE(i, 0);
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
}

function hasOpenssl() {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

function hasCurl() {
  const r = spawnSync('curl', ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

const fmtSec = (ms) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : NA);
const fmtRate = (r) => (Number.isFinite(r) ? r.toFixed(1) : NA);
const fmtX = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : '');
const mibPerSec = (bytes, ms) => (Number.isFinite(ms) && ms > 0 ? bytes / MiB / (ms / 1000) : NaN);

export async function run(ctx) {
  // Three interleaved runs per row, reported as medians: one run of a 1 GiB copy swings by a
  // quarter on a busy machine, more than the margins the targets are judged by.
  const runsBig = ctx.runs(3);
  const runsDir = ctx.runs(3);
  const backend = await ctx.backend();
  const env = await ctx.cliEnv();
  const conn = await ctx.connection();
  const cli = ctx.commands.ours;
  const curl = hasCurl();
  const openssl = hasOpenssl();

  let e2b;
  try {
    e2b = await import('e2b');
  } catch (e) {
    throw new Error(`cannot import the official SDK (e2b): ${reasonOf(e)}`);
  }

  ctx.log('files: creating a sandbox');
  const id = await backend.createSandbox({ timeout: 3600 });
  ctx.defer(() => backend.killSandbox(id));
  const sandboxDir = backend.sandboxDir(id);
  const token = JSON.parse(readFileSync(join(sandboxDir, 'sandbox.json'), 'utf8')).envdAccessToken;
  const sdk = await e2b.Sandbox.connect(id, conn);
  const filesUrl = (path) => `${backend.url}/files?path=${encodeURIComponent(path)}`;
  const curlHeaders = ['-H', `E2b-Sandbox-Id: ${id}`, ...(token ? ['-H', `X-Access-Token: ${token}`] : [])];
  const work = join(ctx.tmpDir, 'files');
  mkdirSync(work, { recursive: true });

  // Checks and clean-ups between runs look at the sandbox's files on this machine: the runner's
  // synchronous spawns block this process for minutes, so pooled connections of an in-process
  // client go stale in between.
  const hostPath = (path) => join(sandboxDir, 'fs', path);
  /** Removes a sandbox path (file or folder) outside the timed part. */
  const removeRemote = (path) => rmSync(hostPath(path), { recursive: true, force: true });
  /** Fails the row unless the sandbox file has `size` bytes. */
  const expectRemoteSize = (path, size) => {
    const got = existsSync(hostPath(path)) ? statSync(hostPath(path)).size : -1;
    if (got !== size) throw new Error(`${path} has ${got} bytes in the sandbox, expected ${size}`);
  };
  const expectLocalSize = (path, size) => {
    const got = existsSync(path) ? statSync(path).size : -1;
    if (got !== size) throw new Error(`${path} has ${got} bytes, expected ${size}`);
  };
  const sdkRow = (op, a, b) => ({ cmd: ctx.commands.node, args: ['--input-type=module', '-e', SDK_SCRIPT, op, id, a, b] });
  /**
   * A row's clean-up (when it succeeded), then `sync`: a 1 GiB write leaves its pages dirty, and
   * without the flush the next row, whichever it is, would pay for writing them back.
   */
  const ifOk = (fn) => async (r) => {
    try {
      if (r.status === 0) await fn(r);
    } finally {
      spawnSync('sync');
    }
  };

  // ---------------------------------------------------------------- 1 GiB, up and down
  const big = join(work, 'big.bin');
  ctx.log(`files: writing a ${BIG_MIB} MiB file`);
  writeBigFile(big, BIG_MIB);
  // The download source, put there once through the /files endpoint itself.
  const source = '/home/user/source.bin';
  ctx.log('files: uploading the download source');
  await sdk.files.write(source, (await openAsBlob(big)).stream());
  expectRemoteSize(source, BIG_BYTES);
  spawnSync('sync');

  /** curl's arguments for a raw upload of the big file to `path` (after -sS -f). */
  const upCurlArgs = (path) => [
    '-o',
    '/dev/null',
    '-X',
    'POST',
    '-H',
    'Expect:',
    '-H',
    'Content-Type: application/octet-stream',
    ...curlHeaders,
    '-T',
    big,
    filesUrl(path),
  ];
  const upRows = [
    ...(curl
      ? [
          {
            key: 'floor',
            label: 'curl -T file -X POST /files (floor)',
            cmd: 'curl',
            args: ['-sS', '-f', ...upCurlArgs('/home/user/up-curl.bin')],
            after: ifOk(async () => {
              expectRemoteSize('/home/user/up-curl.bin', BIG_BYTES);
              removeRemote('/home/user/up-curl.bin');
            }),
          },
        ]
      : []),
    ...(curl && openssl
      ? [
          {
            key: 'verified',
            label: 'curl -T, SHA-256 of both copies (reference: verified as fs cp is)',
            cmd: 'sh',
            // the local hash runs beside the upload; the sandbox copy can only be hashed after it
            args: [
              '-c',
              `openssl dgst -sha256 -r "$SRC" >/dev/null & curl ${VERIFIED_CURL} "$@" && openssl dgst -sha256 -r "$HOSTCOPY" >/dev/null && wait $!`,
              'sh',
              ...upCurlArgs('/home/user/up-verified.bin'),
            ],
            env: { ...env, SRC: big, HOSTCOPY: hostPath('/home/user/up-verified.bin') },
            after: ifOk(async () => {
              expectRemoteSize('/home/user/up-verified.bin', BIG_BYTES);
              removeRemote('/home/user/up-verified.bin');
            }),
          },
        ]
      : []),
    {
      key: 'ours',
      label: 'e2b-ts fs cp FILE ID:PATH',
      cmd: cli[0],
      args: [...cli.slice(1), '--local', 'fs', 'cp', big, `${id}:/home/user/up-ours.bin`],
      check: (r) => (r.stdout === '' ? undefined : `unexpected stdout: ${r.stdout.slice(0, 80)}`),
      after: ifOk(async () => {
        expectRemoteSize('/home/user/up-ours.bin', BIG_BYTES);
        removeRemote('/home/user/up-ours.bin');
      }),
    },
    {
      key: 'official',
      label: 'official SDK files.write(path, ReadableStream)',
      ...sdkRow('upload', big, '/home/user/up-sdk.bin'),
      after: ifOk(async () => {
        expectRemoteSize('/home/user/up-sdk.bin', BIG_BYTES);
        removeRemote('/home/user/up-sdk.bin');
      }),
    },
  ];
  const downOurs = join(work, 'down-ours.bin');
  const downSdk = join(work, 'down-sdk.bin');
  const downCurl = join(work, 'down-curl.bin');
  const downRows = [
    ...(curl
      ? [
          {
            key: 'devnull',
            label: 'curl -o /dev/null /files (reference: no disk write)',
            cmd: 'curl',
            args: ['-sS', '-f', '-o', '/dev/null', '-w', '%{size_download}', ...curlHeaders, filesUrl(source)],
            check: (r) => (Number(r.stdout.trim()) === BIG_BYTES ? undefined : `downloaded ${r.stdout.trim()} bytes`),
          },
          {
            key: 'floor',
            label: 'curl -o file /files (floor: the same disk write as the CLI)',
            cmd: 'curl',
            args: ['-sS', '-f', '-o', downCurl, ...curlHeaders, filesUrl(source)],
            after: ifOk(() => {
              expectLocalSize(downCurl, BIG_BYTES);
              rmSync(downCurl, { force: true });
            }),
          },
        ]
      : []),
    ...(curl && openssl
      ? [
          {
            key: 'verified',
            label: 'curl -o file, SHA-256 of both copies (reference: verified as fs cp is)',
            cmd: 'sh',
            // the sandbox's copy is hashed beside the download; the local copy once it is written
            args: [
              '-c',
              `openssl dgst -sha256 -r "$HOSTCOPY" >/dev/null & curl ${VERIFIED_CURL} "$@" && openssl dgst -sha256 -r "$OUT" >/dev/null && wait $!`,
              'sh',
              '-o',
              downCurl,
              ...curlHeaders,
              filesUrl(source),
            ],
            env: { ...env, HOSTCOPY: hostPath(source), OUT: downCurl },
            after: ifOk(() => {
              expectLocalSize(downCurl, BIG_BYTES);
              rmSync(downCurl, { force: true });
            }),
          },
        ]
      : []),
    {
      key: 'ours',
      label: 'e2b-ts fs cp ID:PATH FILE',
      cmd: cli[0],
      args: [...cli.slice(1), '--local', 'fs', 'cp', `${id}:${source}`, downOurs],
      check: (r) => (r.stdout === '' ? undefined : `unexpected stdout: ${r.stdout.slice(0, 80)}`),
      after: ifOk(() => {
        expectLocalSize(downOurs, BIG_BYTES);
        rmSync(downOurs, { force: true });
      }),
    },
    {
      key: 'official',
      label: "official SDK files.read(path, { format: 'stream' }) into a file",
      ...sdkRow('download', source, downSdk),
      after: ifOk(() => {
        expectLocalSize(downSdk, BIG_BYTES);
        rmSync(downSdk, { force: true });
      }),
    },
  ];

  const measureOpts = { env, cwd: ctx.root, tmpDir: ctx.tmpDir, signal: ctx.signal, timeoutMs: TRANSFER_TIMEOUT_MS };
  // What the backend (daemon proxy, envd, the sandbox's hashing) spent on each run, taken before
  // the row's clean-up; with the client's own CPU it is the whole cost of a row on this machine.
  const upCpu = cpuTracker(backend.pid);
  const downCpu = cpuTracker(backend.pid);
  const tracked = (rows, cpu) =>
    rows.map((row) => ({
      ...row,
      after: async (r) => {
        cpu.take(row.key);
        await row.after?.(r);
      },
    }));
  ctx.log(`files: 1 GiB upload, ${upRows.length} rows x ${runsBig} run(s), interleaved`);
  upCpu.mark();
  const up = await measureCommands(tracked(upRows, upCpu), { ...measureOpts, runs: runsBig, warmup: 0 });
  ctx.log(`files: 1 GiB download, ${downRows.length} rows x ${runsBig} run(s), interleaved`);
  downCpu.mark();
  const down = await measureCommands(tracked(downRows, downCpu), { ...measureOpts, runs: runsBig, warmup: 0 });
  rmSync(big, { force: true });
  removeRemote(source);

  const backendMs = (cpu, r) => cpu.median(r.row.key, 'daemon') + cpu.median(r.row.key, 'sandbox');
  const totalMs = (cpu, r) => (r.cpuStats?.median ?? NaN) + backendMs(cpu, r);
  /**
   * What the CPU alone allows: client, proxy, envd and the hashing share this machine's cores, so
   * a row cannot finish faster than all its CPU divided by the cores, whatever the client does.
   */
  const cpuNotes = (cpu, by) => {
    if (!cpu.available || !by.ours?.ok || !by.floor?.ok) return [];
    const cores = os.availableParallelism();
    const bound = totalMs(cpu, by.ours) / cores;
    const allowed = by.floor.wallStats.median / TARGET_VS_CURL;
    return [
      "backend CPU s: what the daemon, envd and the processes in the sandbox spent during the run (from /proc), median over runs; all CPU s adds the client's own.",
      `CPU bound: ${cores} cores here; the work of \`fs cp\` (all CPU ${fmtSec(totalMs(cpu, by.ours))} s) cannot take less than ${fmtSec(bound)} s of wall time, ` +
        `and the ${TARGET_VS_CURL}x target allows ${fmtSec(allowed)} s (curl: ${fmtSec(by.floor.wallStats.median)} s wall, all CPU ${fmtSec(totalMs(cpu, by.floor))} s).`,
    ];
  };
  const transferTable = (title, results, cpu, extraNotes = []) => {
    const by = Object.fromEntries(results.map((r) => [r.row.key, r]));
    const rate = (r) => (r?.ok ? mibPerSec(BIG_BYTES, r.wallStats.median) : NaN);
    const rows = results.map((r) => {
      if (!r.ok) return { client: r.label, wall: 'failed*' };
      return {
        client: r.label,
        runs: String(r.wallStats.n),
        wall: fmtSec(r.wallStats.median),
        rate: fmtRate(rate(r)),
        rss: fmtMiB(r.rssStats.median),
        cpu: fmtSec(r.cpuStats?.median),
        backend: cpu.available ? fmtSec(backendMs(cpu, r)) : NA,
        total: cpu.available ? fmtSec(totalMs(cpu, r)) : NA,
        floor: r.row.key === 'floor' ? '1.00x' : fmtX(ratio(rate(r), rate(by.floor))),
        official: r.row.key === 'ours' ? fmtX(ratio(rate(r), rate(by.official))) : '',
      };
    });
    const ours = by.ours;
    const vsCurl = ratio(rate(ours), rate(by.floor));
    const rssKiB = ours?.ok ? ours.rssStats.max : NaN;
    return {
      title,
      description:
        `One ${BIG_MIB} MiB file of random bytes, ${runsBig} run(s) per row, interleaved, against the local backend (runtime: ${backend.runtime}). ` +
        'Throughput is MiB/s (2^20 bytes) over the whole process (start-up included); peak RSS and CPU (user + system) from GNU time. ' +
        '`fs cp` also computes SHA-256 on both sides and verifies them before renaming into place; the SDK script and the curl floor do not verify. ' +
        'The "verified" reference row is curl plus `openssl dgst -sha256` of both copies (the sandbox copy hashed where it lies on this machine), overlapped where curl allows: ' +
        'the fastest way to get what `fs cp` guarantees with stock tools. On a machine with few cores the hashing competes with the transfer (client, daemon proxy and envd are all here).',
      columns: [
        { key: 'client', label: 'client' },
        { key: 'runs', label: 'runs', align: 'right' },
        { key: 'wall', label: 'wall s', align: 'right' },
        { key: 'rate', label: 'MiB/s', align: 'right' },
        { key: 'rss', label: 'peak RSS MiB', align: 'right' },
        { key: 'cpu', label: 'CPU s', align: 'right' },
        { key: 'backend', label: 'backend CPU s', align: 'right' },
        { key: 'total', label: 'all CPU s', align: 'right' },
        { key: 'floor', label: 'vs curl', align: 'right' },
        { key: 'official', label: 'vs official', align: 'right' },
      ],
      rows,
      checks: [
        {
          label: '`e2b-ts fs cp` throughput vs curl',
          value: Number.isFinite(vsCurl) ? `${vsCurl.toFixed(2)}x (${fmtRate(rate(ours))} vs ${fmtRate(rate(by.floor))} MiB/s)` : NA,
          target: `>= ${TARGET_VS_CURL}x`,
          pass: Number.isFinite(vsCurl) ? vsCurl >= TARGET_VS_CURL : null,
        },
        {
          label: '`e2b-ts fs cp` peak RSS',
          value: Number.isFinite(rssKiB) ? `${fmtMiB(rssKiB)} MiB (${((rssKiB * 1024) / 1e6).toFixed(1)} MB)` : NA,
          target: `< ${TARGET_RSS_BYTES / 1e6} MB`,
          pass: Number.isFinite(rssKiB) ? rssKiB * 1024 < TARGET_RSS_BYTES : null,
        },
      ],
      notes: [...cpuNotes(cpu, by), ...extraNotes, ...(curl ? [] : ['curl not found: no floor row']), ...failures(results)],
    };
  };
  const gzipNote =
    "The official SDK's `files.read` goes through fetch, which sends `Accept-Encoding: gzip, deflate` by itself; the backend honours it as envd does, so that row includes compressing and decompressing the bytes. curl and `fs cp` ask for none.";

  // ---------------------------------------------------------------- 5,000 x 4 KiB
  const dir = join(work, 'small');
  ctx.log(`files: writing ${SMALL_FILES} files of ${SMALL_SIZE} bytes`);
  mkdirSync(dir);
  for (let i = 0; i < SMALL_FILES; i++) writeFileSync(join(dir, `f${String(i).padStart(5, '0')}.bin`), randomBytes(SMALL_SIZE));
  const remoteSmall = '/home/user/small-src';
  ctx.log('files: uploading the folder download source');
  {
    const r = spawnSync(cli[0], [...cli.slice(1), '--local', 'fs', 'cp', dir, `${id}:${remoteSmall}`], { env, encoding: 'utf8', timeout: TRANSFER_TIMEOUT_MS });
    if (r.status !== 0) throw new Error(`could not upload the folder source: ${r.stderr.trim()}`);
  }
  const countRemote = (path) => {
    const files = existsSync(hostPath(path)) ? readdirSync(hostPath(path)).length : -1;
    if (files !== SMALL_FILES) throw new Error(`${path} has ${files} files in the sandbox, expected ${SMALL_FILES}`);
  };
  const countLocal = (path) => {
    const files = existsSync(path) ? readdirSync(path).length : -1;
    if (files !== SMALL_FILES) throw new Error(`${path} has ${files} files, expected ${SMALL_FILES}`);
  };
  countRemote(remoteSmall);

  // Copies are moved aside between runs and deleted only after the rows ran. On a filesystem
  // like this machine's ext4 (mounted without a journal), creating files right after deleting
  // thousands costs many times more for about half a minute (the inode allocator steps over
  // every recently freed inode), which would tax whichever row ran after a clean-up.
  const trashRemote = hostPath('/home/user/.bench-trash');
  const trashLocal = join(work, '.bench-trash');
  mkdirSync(trashRemote, { recursive: true });
  mkdirSync(trashLocal, { recursive: true });
  let stashed = 0;
  const stash = (path, trash) => renameSync(path, join(trash, String(++stashed)));
  const stashRemote = (path) => stash(hostPath(path), trashRemote);
  const stashLocal = (path) => stash(path, trashLocal);

  const dirUpRows = [
    {
      key: 'floor',
      label: 'local cp -a (reference)',
      cmd: 'cp',
      args: ['-a', dir, join(work, 'small-cp')],
      after: ifOk(() => stashLocal(join(work, 'small-cp'))),
    },
    {
      key: 'ours',
      label: 'e2b-ts fs cp DIR ID:PATH',
      cmd: cli[0],
      args: [...cli.slice(1), '--local', 'fs', 'cp', dir, `${id}:/home/user/small-ours`],
      after: ifOk(async () => {
        countRemote('/home/user/small-ours');
        stashRemote('/home/user/small-ours');
      }),
    },
    {
      key: 'oursParallel',
      label: 'e2b-ts fs cp --parallel 4 DIR ID:PATH (not checked)',
      cmd: cli[0],
      args: [...cli.slice(1), '--local', 'fs', 'cp', '--parallel', '4', dir, `${id}:/home/user/small-ours-p4`],
      after: ifOk(() => {
        countRemote('/home/user/small-ours-p4');
        stashRemote('/home/user/small-ours-p4');
      }),
    },
    {
      key: 'official',
      label: 'official SDK files.write(path, data) per file',
      ...sdkRow('upload-each', dir, '/home/user/small-sdk'),
      after: ifOk(async () => {
        countRemote('/home/user/small-sdk');
        stashRemote('/home/user/small-sdk');
      }),
    },
  ];
  const dirDownRows = [
    {
      key: 'ours',
      label: 'e2b-ts fs cp ID:PATH DIR',
      cmd: cli[0],
      args: [...cli.slice(1), '--local', 'fs', 'cp', `${id}:${remoteSmall}`, join(work, 'small-down-ours')],
      after: ifOk(() => {
        countLocal(join(work, 'small-down-ours'));
        stashLocal(join(work, 'small-down-ours'));
      }),
    },
    {
      key: 'official',
      label: 'official SDK files.list + files.read(path) per file',
      ...sdkRow('download-each', remoteSmall, join(work, 'small-down-sdk')),
      after: ifOk(() => {
        countLocal(join(work, 'small-down-sdk'));
        stashLocal(join(work, 'small-down-sdk'));
      }),
    },
  ];
  ctx.log(`files: ${SMALL_FILES}-file folder upload, ${dirUpRows.length} rows x ${runsDir} run(s) (+1 warm-up)`);
  const dirUp = await measureCommands(dirUpRows, { ...measureOpts, runs: runsDir });
  ctx.log(`files: ${SMALL_FILES}-file folder download, ${dirDownRows.length} rows x ${runsDir} run(s) (+1 warm-up)`);
  const dirDown = await measureCommands(dirDownRows, { ...measureOpts, runs: runsDir });
  removeRemote(remoteSmall);
  rmSync(trashRemote, { recursive: true, force: true });
  rmSync(trashLocal, { recursive: true, force: true });

  const dirRows = [];
  const dirChecks = [];
  const dirNotes = [];
  for (const [direction, results] of [
    ['up', dirUp],
    ['down', dirDown],
  ]) {
    const by = Object.fromEntries(results.map((r) => [r.row.key, r]));
    const med = (r) => (r?.ok ? r.wallStats.median : NaN);
    for (const r of results) {
      if (!r.ok) {
        dirRows.push({ direction, client: r.label, wall: 'failed*' });
        continue;
      }
      dirRows.push({
        direction,
        client: r.label,
        runs: String(r.wallStats.n),
        wall: fmtSec(r.wallStats.median),
        files: Number.isFinite(r.wallStats.median) ? (SMALL_FILES / (r.wallStats.median / 1000)).toFixed(0) : NA,
        rss: fmtMiB(r.rssStats.median),
        official: r.row.key.startsWith('ours') ? fmtX(ratio(med(by.official), med(r))) : '',
      });
    }
    const speedup = ratio(med(by.official), med(by.ours));
    dirChecks.push({
      label: `\`e2b-ts fs cp\` ${direction === 'up' ? 'upload' : 'download'} speed-up over the official SDK file by file`,
      value: Number.isFinite(speedup) ? `${speedup.toFixed(1)}x (${fmtSec(med(by.ours))} s vs ${fmtSec(med(by.official))} s)` : NA,
      target: `>= ${TARGET_VS_SDK}x`,
      pass: Number.isFinite(speedup) ? speedup >= TARGET_VS_SDK : null,
    });
    dirNotes.push(...failures(results));
  }
  rmSync(dir, { recursive: true, force: true });

  const dirTable = {
    title: `fs cp: a folder of ${SMALL_FILES} files of ${SMALL_SIZE / 1024} KiB`,
    description:
      `${runsDir} run(s) per row after one warm-up, interleaved, whole processes (start-up included). ` +
      '`fs cp` sends the folder as a tar stream and verifies every file (size + SHA-256) on both sides; the SDK script writes (or lists and reads) one file per request, in sequence. ' +
      'The local `cp -a` is a reference for the disk work alone. Copies are moved aside between runs and deleted after all of them: on ext4 without a journal (as here), creating files within about 30 s of deleting thousands is many times slower, which would tax whichever row ran after a clean-up.',
    columns: [
      { key: 'direction', label: 'direction' },
      { key: 'client', label: 'client' },
      { key: 'runs', label: 'runs', align: 'right' },
      { key: 'wall', label: 'wall s', align: 'right' },
      { key: 'files', label: 'files/s', align: 'right' },
      { key: 'rss', label: 'peak RSS MiB', align: 'right' },
      { key: 'official', label: 'speed-up vs official', align: 'right' },
    ],
    rows: dirRows,
    checks: dirChecks,
    notes: dirNotes,
  };

  return [
    transferTable(`fs cp: upload of a ${BIG_MIB} MiB file`, up, upCpu),
    transferTable(`fs cp: download of a ${BIG_MIB} MiB file`, down, downCpu, [gzipNote]),
    dirTable,
  ];
}
