/**
 * `sandbox` verbs without a backend: each builder's flags through its run seam ("options"), and
 * its run logic against the fake API and envd ("run"): stdout, stderr, JSON and exit codes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommand } from '../../../src/cli/commands/sandbox/create.js';
import { infoCommand } from '../../../src/cli/commands/sandbox/info.js';
import { killCommand } from '../../../src/cli/commands/sandbox/kill.js';
import { listCommand } from '../../../src/cli/commands/sandbox/list.js';
import { logsCommand } from '../../../src/cli/commands/sandbox/logs.js';
import { metricsCommand } from '../../../src/cli/commands/sandbox/metrics.js';
import { networkCommand } from '../../../src/cli/commands/sandbox/network.js';
import { pauseCommand } from '../../../src/cli/commands/sandbox/pause.js';
import { portForwardCommand } from '../../../src/cli/commands/sandbox/port-forward.js';
import { resumeCommand } from '../../../src/cli/commands/sandbox/resume.js';
import { snapshotCreateCommand } from '../../../src/cli/commands/sandbox/snapshot/create.js';
import { snapshotListCommand } from '../../../src/cli/commands/sandbox/snapshot/list.js';
import { snapshotRemoveCommand } from '../../../src/cli/commands/sandbox/snapshot/remove.js';
import { timeoutCommand } from '../../../src/cli/commands/sandbox/timeout.js';
import { urlCommand } from '../../../src/cli/commands/sandbox/url.js';
import { ptyAttachCommand } from '../../../src/cli/commands/pty/attach.js';
import type { Context } from '../../../src/cli/context.js';
import { main } from '../../../src/cli/main.js';
import { fakeCli, type FakeCli } from '../../helpers/fakes/cli.js';
import { parsed, refusal } from '../../helpers/fakes/parsed.js';

let cli: FakeCli;
beforeEach(() => {
  cli = fakeCli();
});
afterEach(async () => {
  cli.api.verify();
  await cli.close();
});

const ID = 'isbx0000000000000001';

describe('sandbox create', () => {
  it('options: defaults, and every flag', async () => {
    expect(await parsed(createCommand, [])).toEqual({ timeoutMs: 300_000, secure: true, internet: true, autoResume: false });
    expect(
      await parsed(createCommand, [
        'py',
        '--timeout',
        '1h',
        '--metadata',
        'a=1',
        '--metadata',
        'b=x=y',
        '--env',
        'K=V',
        '--no-secure',
        '--no-internet',
        '--allow-out',
        '1.1.1.1',
        '--deny-out',
        '0.0.0.0/0',
        '--no-public-traffic',
        '--on-timeout',
        'pause',
        '--auto-resume',
        '--volume',
        'data:/mnt/data',
      ]),
    ).toEqual({
      template: 'py',
      timeoutMs: 3_600_000,
      metadata: { a: '1', b: 'x=y' },
      envs: { K: 'V' },
      secure: false,
      internet: false,
      allowOut: ['1.1.1.1'],
      denyOut: ['0.0.0.0/0'],
      publicTraffic: false,
      onTimeout: 'pause',
      autoResume: true,
      volumeMounts: { '/mnt/data': 'data' },
    });
  });

  it.each([
    [['--timeout', '5x'], /invalid timeout "5x"/],
    [['--metadata', 'nokey'], /invalid metadata "nokey": expected KEY=VALUE/],
    [['--env', '=x'], /invalid --env "=x"/],
    [['--on-timeout', 'sleep'], /argument 'sleep' is invalid/],
    [['--volume', 'data'], /--volume wants NAME:\/mount\/path/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('options: %j is a usage error (exit 2)', async (args, message) => {
    const refused = await refusal(createCommand, args);
    expect(refused.code).toBe(2);
    expect(refused.message).toMatch(message);
  });

  it('run: the ID alone on stdout; the create request carries the flags; --json prints the sandbox', async () => {
    const res = await cli.run(['sandbox', 'create', 'base', '--metadata', 'owner=ci', '--timeout', '90']);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const [created] = cli.api.calls('POST', '/sandboxes');
    expect(created!.body).toMatchObject({ templateID: 'base', metadata: { owner: 'ci' }, timeout: 90 });
    expect(res.stdout).toMatch(/^isbx\d{16}\n$/);
    const tty = await cli.run(['sandbox', 'create'], { tty: true });
    expect(tty.stderr).toContain(`✓ Created sandbox ${tty.stdout.trim()}`);
    const doc = JSON.parse((await cli.run(['sandbox', 'create', '--json'])).stdout);
    expect(doc).toMatchObject({ templateId: 'base', state: 'running' });
  });

  it('run: --auto-resume without --on-timeout pause is a usage error before any request', async () => {
    const res = await cli.run(['sandbox', 'create', '--auto-resume']);
    expect(res).toMatchObject({ code: 2, stdout: '', stderr: 'error: --auto-resume needs --on-timeout pause\n' });
    expect(cli.api.requests).toEqual([]);
  });
});

describe('sandbox ls', () => {
  it('options: filters and limit', async () => {
    expect(await parsed(listCommand, [])).toEqual({});
    expect(await parsed(listCommand, ['--state', 'running,paused', '--metadata', 'a=b', '--template', 'py', '--limit', '5'])).toEqual({
      state: ['running', 'paused'],
      metadata: { a: 'b' },
      template: 'py',
      limit: 5,
    });
    expect(await refusal(listCommand, ['--state', 'gone'])).toEqual({ code: 2, message: 'invalid --state "gone": choose from running, paused' });
    expect((await refusal(listCommand, ['--limit', '0'])).code).toBe(2);
  });

  it('run: TSV when piped, a table on a terminal, JSON objects; filters reach the API', async () => {
    cli.api.addSandbox({ metadata: { owner: 'ci' } });
    cli.api.addSandbox({ state: 'paused' });
    const piped = await cli.run(['sandbox', 'ls', '--metadata', 'owner=ci']);
    expect(piped.stdout).toBe(`${ID}\tbase\trunning\t2026-01-02T03:04:05.000Z\t2026-01-02T03:09:05.000Z\t2\t512\towner=ci\n`);
    expect(cli.api.calls('GET', '/v2/sandboxes')[0]!.query.get('metadata')).toBe('owner=ci');
    const tty = await cli.run(['sandbox', 'ls'], { tty: true });
    expect(tty.stdout.split('\n')[0]).toMatch(/^ID\s+TEMPLATE\s+STATE\s+STARTED\s+ENDS\s+CPU\s+MEMORY\s+METADATA$/);
    const paused = JSON.parse((await cli.run(['sandbox', 'ls', '--state', 'paused', '--json'])).stdout);
    expect(paused.map((s: { state: string }) => s.state)).toEqual(['paused']);
  });

  it('run: an empty list is success with nothing on stdout; --limit follows pages only as far as needed', async () => {
    expect(await cli.run(['sandbox', 'ls'])).toEqual({ code: 0, stdout: '', stderr: '' });
    for (let i = 0; i < 5; i++) cli.api.addSandbox();
    const two = await cli.run(['sandbox', 'ls', '--limit', '2', '--json']);
    expect(JSON.parse(two.stdout)).toHaveLength(2);
    expect(cli.api.calls('GET', '/v2/sandboxes').at(-1)!.query.get('limit')).toBe('2');
  });
  it("run: the API's refusals keep their exit codes (stubbed answers, each verified as used)", async () => {
    cli.api.answer('GET', '/v2/sandboxes', 401, { code: 401, message: 'Invalid API key' });
    cli.api.answer('GET', '/v2/sandboxes', 429, { code: 429, message: 'too many requests' }, { 'retry-after': '0' });
    cli.api.answer('GET', '/v2/sandboxes', 500, { code: 500, message: 'database exploded' });
    const codes = [];
    for (let i = 0; i < 3; i++) {
      const res = await cli.run(['sandbox', 'ls']);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/^error: [^\n]+\n$/);
      codes.push(res.code);
    }
    expect(codes).toEqual([4, 6, 1]);
  });
});

describe('sandbox info', () => {
  it('options: the ID, or none (picked on a terminal)', async () => {
    expect(await parsed(infoCommand, [ID])).toEqual({ sandboxId: ID });
    expect(await parsed(infoCommand, [])).toEqual({});
    expect((await refusal(infoCommand, [ID, 'extra'])).code).toBe(2);
  });

  it('run: details as TSV, JSON, exit 3 for an unknown sandbox, 2 without an ID off a terminal', async () => {
    cli.api.addSandbox({ metadata: { a: 'b' } });
    const res = await cli.run(['sandbox', 'info', ID]);
    expect(res.stdout).toContain(`id\t${ID}\n`);
    expect(res.stdout).toContain('metadata\ta=b\n');
    expect(JSON.parse((await cli.run(['sandbox', 'info', ID, '--json'])).stdout)).toMatchObject({ sandboxId: ID, metadata: { a: 'b' } });
    const missing = await cli.run(['sandbox', 'info', 'inope']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^error: .*inope.*\n$/);
    expect(await cli.run(['sandbox', 'info'])).toMatchObject({ code: 2, stderr: 'error: missing sandbox ID: e2b-ts sandbox info <id>\n' });
  });

  it('run: the picker on a terminal offers the running sandboxes', async () => {
    cli.api.addSandbox();
    const res = await cli.run(['sandbox', 'info', '--json'], { tty: true, prompts: [{ select: /Sandbox \(sandbox info\)/, answer: ID }] });
    expect(res.code).toBe(0);
    expect(cli.api.calls('GET', '/v2/sandboxes')[0]!.query.get('state')).toBe('running');
  });
});

describe('sandbox kill', () => {
  it('options: IDs, or --all narrowed by --metadata and --state', async () => {
    expect(await parsed(killCommand, [ID, 'iother'])).toEqual({ sandboxIds: [ID, 'iother'], all: false });
    expect(await parsed(killCommand, ['--all', '--metadata', 'owner=ci', '--state', 'paused'])).toEqual({
      sandboxIds: [],
      all: true,
      metadata: { owner: 'ci' },
      state: ['paused'],
    });
    expect((await refusal(killCommand, ['--state', 'x'])).code).toBe(2);
  });

  it('run: kills, and reports unknown IDs with exit 3 (JSON lists both)', async () => {
    cli.api.addSandbox();
    const res = await cli.run(['sandbox', 'kill', ID, 'inope', '--json']);
    expect(res.code).toBe(3);
    expect(JSON.parse(res.stdout)).toEqual({ killed: [ID], notFound: ['inope'] });
    expect(cli.api.sandboxes.size).toBe(0);
  });

  it('run: --all asks first; off a terminal it needs -y; IDs with --all is a usage error', async () => {
    cli.api.addSandbox({ metadata: { batch: '1' } });
    cli.api.addSandbox({ metadata: { batch: '2' } });
    expect((await cli.run(['sandbox', 'kill', '--all'])).stderr).toMatch(/add -y\/--yes/);
    const no = await cli.run(['sandbox', 'kill', '--all', '--metadata', 'batch=1'], { tty: true, prompts: [{ confirm: /Kill 1 sandbox\?/, answer: false }] });
    expect(no.code).toBe(130);
    expect(cli.api.calls('DELETE', /^\/sandboxes\//)).toEqual([]);
    expect((await cli.run(['sandbox', 'kill', '--all', '--metadata', 'batch=1', '-y'])).code).toBe(0);
    expect([...cli.api.sandboxes.values()].map((s) => s.metadata.batch)).toEqual(['2']);
    expect((await cli.run(['sandbox', 'kill', ID, '--all'])).code).toBe(2);
    expect((await cli.run(['sandbox', 'kill', ID, '--state', 'running'])).stderr).toMatch(/narrow --all; add --all/);
  });
});

describe('sandbox pause', () => {
  it('options: --no-memory', async () => {
    expect(await parsed(pauseCommand, [ID])).toEqual({ sandboxId: ID, keepMemory: true });
    expect(await parsed(pauseCommand, [ID, '--no-memory'])).toEqual({ sandboxId: ID, keepMemory: false });
  });

  it('run: pauses (memory kept unless --no-memory), says when it already was, exit 3 when unknown', async () => {
    cli.api.addSandbox();
    const res = await cli.run(['sandbox', 'pause', ID, '--no-memory', '--json']);
    expect(JSON.parse(res.stdout)).toEqual({ sandboxId: ID, paused: true, state: 'paused' });
    expect(cli.api.calls('POST', `/sandboxes/${ID}/pause`)[0]!.body).toEqual({ memory: false });
    const again = await cli.run(['sandbox', 'pause', ID], { tty: true });
    expect(again).toMatchObject({ code: 0, stderr: `Sandbox ${ID} was already paused.\n` });
    expect((await cli.run(['sandbox', 'pause', 'inope'])).code).toBe(3);
  });
});

describe('sandbox resume', () => {
  it('options: --timeout', async () => {
    expect(await parsed(resumeCommand, [ID])).toEqual({ sandboxId: ID, timeoutMs: 300_000 });
    expect(await parsed(resumeCommand, [ID, '--timeout', '10m'])).toEqual({ sandboxId: ID, timeoutMs: 600_000 });
    expect(await refusal(resumeCommand, [ID, '--timeout', '1y'])).toMatchObject({ code: 2, message: expect.stringMatching(/invalid timeout "1y"/) });
  });

  it('run: connects with the timeout in seconds; --json prints the sandbox; unknown: exit 3', async () => {
    cli.api.addSandbox({ state: 'paused' });
    const res = await cli.run(['sandbox', 'resume', ID, '--timeout', '2m', '--json']);
    expect(JSON.parse(res.stdout)).toMatchObject({ sandboxId: ID, state: 'running' });
    expect(cli.api.calls('POST', `/sandboxes/${ID}/connect`)[0]!.body).toEqual({ timeout: 120 });
    expect((await cli.run(['sandbox', 'resume', 'inope'])).code).toBe(3);
  });
});

describe('sandbox timeout', () => {
  it('options: ID and duration', async () => {
    expect(await parsed(timeoutCommand, [ID, '90s'])).toEqual({ sandboxId: ID, timeoutMs: 90_000 });
    expect((await refusal(timeoutCommand, [ID, 'abc'])).message).toMatch(/invalid duration "abc"/);
    expect((await refusal(timeoutCommand, ['BAD ID', '1m'])).code).toBe(2);
  });

  it('run: sets the lifetime; under a second is refused before any request', async () => {
    cli.api.addSandbox();
    const res = await cli.run(['sandbox', 'timeout', ID, '1h'], { tty: true });
    expect(res.stderr).toBe(`✓ Sandbox ${ID} now ends in 1h\n`);
    expect(cli.api.calls('POST', `/sandboxes/${ID}/timeout`)[0]!.body).toEqual({ timeout: 3600 });
    const short = await cli.run(['sandbox', 'timeout', ID, '500ms']);
    expect(short).toMatchObject({ code: 2, stderr: 'error: the timeout must be at least 1s\n' });
    expect(cli.api.calls('POST', `/sandboxes/${ID}/timeout`)).toHaveLength(1);
  });
});

describe('sandbox network', () => {
  it('options: rules; --no-internet', async () => {
    expect(await parsed(networkCommand, [ID, '--allow-out', '1.1.1.1', '--deny-out', '0.0.0.0/0'])).toEqual({
      sandboxId: ID,
      network: { allowInternetAccess: true, allowOut: ['1.1.1.1'], denyOut: ['0.0.0.0/0'] },
    });
    expect(await parsed(networkCommand, [ID, '--no-internet'])).toEqual({ sandboxId: ID, network: { allowInternetAccess: false } });
  });

  it('run: replaces the rules; a list in one flag is refused before any request', async () => {
    cli.api.addSandbox();
    expect((await cli.run(['sandbox', 'network', ID, '--deny-out', '0.0.0.0/0'])).code).toBe(0);
    expect(cli.api.calls('PUT', `/sandboxes/${ID}/network`)).toHaveLength(1);
    const list = await cli.run(['sandbox', 'network', ID, '--allow-out', 'a.com,b.com']);
    expect(list).toMatchObject({ code: 2, stderr: 'error: --allow-out takes one IP, CIDR or domain per flag, not "a.com,b.com"\n' });
    expect(cli.api.calls('PUT', `/sandboxes/${ID}/network`)).toHaveLength(1);
  });
});

describe('sandbox metrics', () => {
  it('options: -f', async () => {
    expect(await parsed(metricsCommand, [ID, '-f'])).toEqual({ sandboxId: ID, follow: true });
    expect(await parsed(metricsCommand, [])).toEqual({ follow: false });
  });

  it('run: raw numbers when piped, JSON samples, a note when there are none', async () => {
    cli.api.addSandbox();
    cli.api.metrics.set(ID, [
      {
        timestamp: '2026-01-02T03:04:10.000Z',
        timestampUnix: 1767323050,
        cpuCount: 2,
        cpuUsedPct: 12.5,
        memUsed: 1024,
        memTotal: 2048,
        memCache: 0,
        diskUsed: 10,
        diskTotal: 100,
      },
    ]);
    expect((await cli.run(['sandbox', 'metrics', ID])).stdout).toBe('2026-01-02T03:04:10.000Z\t12.5\t2\t1024\t2048\t10\t100\n');
    expect(JSON.parse((await cli.run(['sandbox', 'metrics', ID, '--json'])).stdout)[0]).toMatchObject({ cpuUsedPct: 12.5, memUsed: 1024 });
    cli.api.metrics.set(ID, []);
    expect(await cli.run(['sandbox', 'metrics', ID], { tty: true })).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'No metrics yet (is the sandbox paused?).\n',
    });
  });
});

describe('sandbox logs', () => {
  it('options: -f and --raw', async () => {
    expect(await parsed(logsCommand, [ID, '-f', '--raw'])).toEqual({ sandboxId: ID, follow: true, raw: true });
    expect(await parsed(logsCommand, [])).toEqual({ follow: false, raw: false });
  });

  it('run: one line per entry with control sequences stripped (kept with --raw); JSON', async () => {
    cli.api.addSandbox();
    cli.api.logs.set(ID, [{ timestamp: '2026-01-02T03:04:06.000Z', level: 'info', message: 'started \x1b[31mred\x1b[0m', fields: {} }]);
    expect((await cli.run(['sandbox', 'logs', ID])).stdout).toBe('2026-01-02T03:04:06.000Z INFO  started red\n');
    expect((await cli.run(['sandbox', 'logs', ID, '--raw'])).stdout).toBe('2026-01-02T03:04:06.000Z INFO  started \x1b[31mred\x1b[0m\n');
    expect(JSON.parse((await cli.run(['sandbox', 'logs', ID, '--json'])).stdout)).toEqual([
      { timestamp: '2026-01-02T03:04:06.000Z', level: 'info', message: 'started \x1b[31mred\x1b[0m', fields: {} },
    ]);
    expect((await cli.run(['sandbox', 'logs', 'inope'])).code).toBe(3);
  });
});

describe('sandbox url', () => {
  it('options: ID and port', async () => {
    expect(await parsed(urlCommand, [ID, '8080'])).toEqual({ sandboxId: ID, port: 8080 });
    expect((await refusal(urlCommand, [ID, '70000'])).message).toMatch(/invalid port "70000"/);
  });

  it("run: the port's host on the sandbox's domain (https on E2B, http on this machine)", async () => {
    cli.api.addSandbox();
    cli.api.addSandbox({ sandboxID: 'ilocal0000000000001', domain: 'localhost:49982' });
    expect((await cli.run(['sandbox', 'url', ID, '3000'])).stdout).toBe(`https://3000-${ID}.e2b.app\n`);
    expect(JSON.parse((await cli.run(['sandbox', 'url', 'ilocal0000000000001', '3000', '--json'])).stdout)).toEqual({
      sandboxId: 'ilocal0000000000001',
      port: 3000,
      url: 'http://3000-ilocal0000000000001.localhost:49982',
    });
    expect((await cli.run(['sandbox', 'url', 'inope', '3000'])).code).toBe(3);
  });
});

describe('sandbox port-forward', () => {
  it('options: the local port defaults to the sandbox port', async () => {
    expect(await parsed(portForwardCommand, [ID, '5432'])).toEqual({ sandboxId: ID, port: 5432, localPort: 5432 });
    expect(await parsed(portForwardCommand, [ID, '22', '0'])).toEqual({ sandboxId: ID, port: 22, localPort: 0 });
    expect((await refusal(portForwardCommand, [ID, '0'])).code).toBe(2);
  });

  it('run: listens on 127.0.0.1, says where on stderr (a JSON line with --json), stops with 130 on Ctrl-C; unknown sandbox: 3', async () => {
    cli.api.addSandbox();
    let abort: AbortController | undefined;
    const { ctx, stdout, stderr } = cli.context({ controller: (c) => (abort = c) });
    let settled = false;
    const running = main(['sandbox', 'port-forward', ID, '8000', '0', '--json'], ctx).finally(() => (settled = true));
    // interrupted once it says where it listens
    while (!settled && !stdout().includes('\n')) await new Promise((resolve) => setImmediate(resolve));
    abort!.abort();
    const res = { code: await running, stdout: stdout(), stderr: stderr() };
    expect(res.code).toBe(130);
    const line = JSON.parse(res.stdout.split('\n')[0]!);
    expect(line).toMatchObject({ sandboxId: ID, port: 8000, localAddress: '127.0.0.1' });
    expect(res.stderr).toContain(`Forwarding 127.0.0.1:${line.localPort} -> ${ID}:8000\n`);
    expect((await cli.run(['sandbox', 'port-forward', 'inope', '8000', '0'])).code).toBe(3);
  });
});

describe('sandbox connect', () => {
  it('options: as pty attach', async () => {
    const connect = (ctx: Context, run: Parameters<typeof ptyAttachCommand>[1]) => ptyAttachCommand(ctx, run, 'connect');
    expect(await parsed(connect, [ID, '--user', 'root'])).toEqual({ sandboxId: ID, user: 'root', detachKeys: 'ctrl-p,ctrl-q', forceTty: false });
  });
});

describe('sandbox snapshot create', () => {
  it('options: --name', async () => {
    expect(await parsed(snapshotCreateCommand, [ID, '--name', 'warm'])).toEqual({ sandboxId: ID, name: 'warm' });
    expect(await parsed(snapshotCreateCommand, [])).toEqual({});
  });

  it('run: prints the snapshot ID; JSON; unknown sandbox: 3', async () => {
    cli.api.addSandbox();
    expect((await cli.run(['sandbox', 'snapshot', 'create', ID, '--name', 'warm'])).stdout).toBe('team/warm:default\n');
    expect(cli.api.calls('POST', `/sandboxes/${ID}/snapshots`)[0]!.body).toEqual({ name: 'warm' });
    expect(JSON.parse((await cli.run(['sandbox', 'snapshot', 'create', ID, '--json'])).stdout)).toMatchObject({ snapshotId: 'snap2:default' });
    expect((await cli.run(['sandbox', 'snapshot', 'create', 'inope'])).code).toBe(3);
  });
});

describe('sandbox snapshot ls', () => {
  it('options: --sandbox and --limit', async () => {
    expect(await parsed(snapshotListCommand, ['--sandbox', ID, '--limit', '3'])).toEqual({ sandboxId: ID, limit: 3 });
    expect((await refusal(snapshotListCommand, ['--sandbox', 'NOT AN ID'])).code).toBe(2);
  });

  it('run: rows, JSON, a note when there are none', async () => {
    expect(await cli.run(['sandbox', 'snapshot', 'ls'], { tty: true })).toMatchObject({ code: 0, stdout: '', stderr: 'No snapshots.\n' });
    cli.api.snapshots.set('team/warm:default', { snapshotID: 'team/warm:default', names: ['team/warm:default'], sandboxID: ID });
    expect((await cli.run(['sandbox', 'snapshot', 'ls'])).stdout).toBe('team/warm:default\tteam/warm:default\n');
    expect(JSON.parse((await cli.run(['sandbox', 'snapshot', 'ls', '--json'])).stdout)).toEqual([
      { snapshotId: 'team/warm:default', names: ['team/warm:default'] },
    ]);
  });
});

describe('sandbox snapshot rm', () => {
  it('options: one or more IDs', async () => {
    expect(await parsed(snapshotRemoveCommand, ['a', 'b'])).toEqual({ snapshotIds: ['a', 'b'] });
    expect((await refusal(snapshotRemoveCommand, [])).code).toBe(2);
  });

  it('run: deletes; unknown ones exit 3 and are listed in JSON', async () => {
    cli.api.snapshots.set('team/warm:default', { snapshotID: 'team/warm:default', names: ['team/warm:default'], sandboxID: ID });
    const res = await cli.run(['sandbox', 'snapshot', 'rm', 'warm', 'gone', '--json']);
    expect(res.code).toBe(3);
    expect(JSON.parse(res.stdout)).toEqual({ deleted: ['warm'], notFound: ['gone'] });
    expect(cli.api.snapshots.size).toBe(0);
  });
});
