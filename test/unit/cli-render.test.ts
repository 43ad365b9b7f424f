import { describe, expect, it } from 'vitest';
import { sandboxDetails, sandboxRows } from '../../src/cli/commands/sandbox/shared.js';
import { metricsRows } from '../../src/cli/commands/sandbox/metrics.js';
import { envLines } from '../../src/cli/commands/local/env.js';
import { formatLogLine } from '../../src/cli/commands/sandbox/logs.js';
import { chalkColors } from '../../src/cli/render/chalk-colors.js';
import { PLAIN_COLORS } from '../../src/cli/render/colors.js';
import { formatBytes, formatDuration, formatRelative } from '../../src/cli/render/format.js';
import { escapeControls, sanitize } from '../../src/cli/render/sanitize.js';
import { renderDetails, renderTable } from '../../src/cli/render/table.js';
import type { SandboxInfo } from '../../src/client/sandbox-api.js';

const plain = PLAIN_COLORS;
const now = Date.parse('2026-01-01T12:00:00Z');
const info: SandboxInfo = {
  sandboxId: 'iaaaa',
  templateId: 'tpl',
  name: 'base',
  metadata: { owner: 'ci', evil: '\x1b]0;pwned\x07x' },
  startedAt: new Date(now - 65_000),
  endAt: new Date(now + 240_000),
  state: 'running',
  cpuCount: 2,
  memoryMB: 512,
  diskSizeMB: 1024,
  envdVersion: '0.6.13',
};

describe('sanitize', () => {
  it('strips CSI, OSC and control characters; newlines become spaces', () => {
    expect(sanitize('a\x1b[31mred\x1b[0m\x07b\x1b]0;title\x07c\nd\x00')).toBe('aredbc d');
    expect(sanitize('tab\tkept')).toBe('tab\tkept');
  });
});

describe('escapeControls (issue 15: errors and warnings quote servers)', () => {
  it('shows ESC, CSI, OSC, BEL, CR, DEL and C1 controls as \\xNN instead of sending them; tabs and newlines stay', () => {
    const hostile = '\x1b]52;c;cHduZWQ=\x07\x1b[2J\x1b[1;31mred\rover\x9b2J\x7f\x00\tend\n';
    const shown = escapeControls(hostile);
    expect(shown).toBe('\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J\\x1b[1;31mred\\x0dover\\x9b2J\\x7f\\x00\tend\n');
    expect(shown).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(escapeControls('plain text, ünïcode ✓')).toBe('plain text, ünïcode ✓');
  });
});

describe('formats', () => {
  it('bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MiB');
  });
  it('durations and relative times', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(250_000)).toBe('4m 10s');
    expect(formatDuration(7_500_000)).toBe('2h 5m');
    expect(formatRelative(new Date(now - 65_000), now)).toBe('1m 5s ago');
    expect(formatRelative(new Date(now + 240_000), now)).toBe('in 4m');
  });
});

describe('tables', () => {
  it('TSV without header when piped', () => {
    expect(
      renderTable(
        ['A', 'B'],
        [
          ['1', 'x\ty'],
          ['2', ''],
        ],
        { tty: false, color: plain },
      ),
    ).toBe('1\tx y\n2\t\n');
  });
  it('aligned with header on a terminal, cut to the width', () => {
    const out = renderTable(['ID', 'NAME'], [['1', 'a'.repeat(50)]], { tty: true, color: plain, width: 20 });
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('ID  NAME');
    expect(lines[1].length).toBeLessThanOrEqual(20);
    expect(lines[1].endsWith('…')).toBe(true);
  });
  it('details', () => {
    expect(
      renderDetails(
        [
          ['id', 'x'],
          ['state', 'running'],
        ],
        { tty: false, color: plain },
      ),
    ).toBe('id\tx\nstate\trunning\n');
    expect(
      renderDetails(
        [
          ['id', 'x'],
          ['state', 'running'],
        ],
        { tty: true, color: plain },
      ),
    ).toBe('id:    x\nstate: running\n');
  });
});

describe('sandbox renderers', () => {
  it('rows: relative on a terminal, ISO when piped, metadata sanitized', () => {
    expect(sandboxRows([info], { tty: true, now })[0]).toEqual(['iaaaa', 'base', 'running', '1m 5s ago', 'in 4m', '2', '512 MiB', 'owner=ci,evil=x']);
    expect(sandboxRows([info], { tty: false, now })[0]).toEqual([
      'iaaaa',
      'base',
      'running',
      '2026-01-01T11:58:55.000Z',
      '2026-01-01T12:04:00.000Z',
      '2',
      '512',
      'owner=ci,evil=x',
    ]);
    expect(sandboxRows([{ ...info, state: 'paused' }], { tty: true, now })[0][4]).toBe('-');
  });
  it('details include lifecycle when known', () => {
    const pairs = sandboxDetails({ ...info, lifecycle: { onTimeout: 'pause', autoResume: true } }, { tty: false, now });
    expect(pairs).toContainEqual(['on timeout', 'pause (auto-resume)']);
    expect(pairs).toContainEqual(['ends', '2026-01-01T12:04:00.000Z']);
  });
  it('details list volume mounts (names sanitized), and nothing when there are none', () => {
    const pairs = sandboxDetails(
      {
        ...info,
        volumeMounts: [
          { name: 'data', path: '/mnt/data' },
          { name: 'x\x1b[2J', path: '/y' },
        ],
      },
      { tty: false, now },
    );
    expect(pairs).toContainEqual(['volumes', 'data:/mnt/data, x:/y']);
    expect(sandboxDetails(info, { tty: false, now }).map((p) => p[0])).not.toContain('volumes');
  });
  it('metrics rows', () => {
    const m = { timestamp: new Date(now), cpuUsedPct: 12.345, cpuCount: 2, memUsed: 1048576, memTotal: 2097152, memCache: 0, diskUsed: 0, diskTotal: 1024 };
    expect(metricsRows([m], false)[0]).toEqual(['2026-01-01T12:00:00.000Z', '12.345', '2', '1048576', '2097152', '0', '1024']);
    expect(metricsRows([m], true)[0][1]).toBe('12.3%');
  });
  it('log lines are sanitized unless raw', () => {
    const entry = { timestamp: new Date(now), level: 'warn' as const, message: 'a\x1b[2Jb', fields: {} };
    expect(formatLogLine(entry, { raw: false })).toBe('2026-01-01T12:00:00.000Z WARN  ab');
    expect(formatLogLine(entry, { raw: true })).toContain('\x1b[2J');
  });
});

describe('local env output', () => {
  const vars = { A: "it's", B: 'x' };
  it('quotes for each shell', () => {
    expect(envLines(vars, 'sh')).toBe(`export A='it'\\''s'\nexport B='x'\n`);
    expect(envLines(vars, 'fish')).toBe(`set -gx A 'it\\'s';\nset -gx B 'x';\n`);
    expect(envLines(vars, 'powershell')).toBe(`$env:A = 'it''s'\n$env:B = 'x'\n`);
    expect(envLines(vars, 'dotenv')).toBe(`A=it's\nB=x\n`);
  });
});

describe('colors', () => {
  it('styles only when enabled (chalk writes them; the detection matrix is in color-level.test.ts)', () => {
    expect(chalkColors(1).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(chalkColors(0).red('x')).toBe('x');
    expect(PLAIN_COLORS.red('x')).toBe('x');
  });
});
