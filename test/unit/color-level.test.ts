/**
 * Colors as the ecosystem detects them (issue 17): the environment and terminal combinations a
 * user meets on Linux, macOS, Windows and CI, each with the level the CLI then uses. The level is
 * supports-color's (chalk's detection), which reads the process's environment, platform and OS
 * release: the rows stub those (vi.stubEnv, and process.platform with os.release for the Windows
 * rows) and put them back after each row.
 */
import os from 'node:os';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIO, mayColor } from '../../src/cli/io.js';
import { colorLevel } from '../../src/cli/render/chalk-colors.js';

/** Every variable supports-color or we look at: unset in a row unless the row sets it. */
const COLOR_VARS = [
  'NO_COLOR',
  'FORCE_COLOR',
  'TERM',
  'COLORTERM',
  'TERM_PROGRAM',
  'TERM_PROGRAM_VERSION',
  'CI',
  'GITHUB_ACTIONS',
  'GITEA_ACTIONS',
  'CIRCLECI',
  'TRAVIS',
  'APPVEYOR',
  'GITLAB_CI',
  'BUILDKITE',
  'DRONE',
  'CI_NAME',
  'TEAMCITY_VERSION',
  'TF_BUILD',
  'AGENT_NAME',
  'WT_SESSION',
];

interface Row {
  name: string;
  env: Record<string, string>;
  tty: boolean;
  noColor?: boolean;
  /** Windows, with this `os.release()`. */
  windows?: string;
  level: 0 | 1 | 2 | 3;
}

const XTERM = { TERM: 'xterm-256color' };

const ROWS: Row[] = [
  // terminals
  { name: 'xterm-256color', env: XTERM, tty: true, level: 2 },
  { name: 'plain xterm', env: { TERM: 'xterm' }, tty: true, level: 1 },
  { name: 'the Linux console', env: { TERM: 'linux' }, tty: true, level: 1 },
  { name: 'COLORTERM=truecolor', env: { ...XTERM, COLORTERM: 'truecolor' }, tty: true, level: 3 },
  { name: 'COLORTERM set to anything else, unknown TERM', env: { TERM: 'unknown', COLORTERM: '1' }, tty: true, level: 1 },
  { name: 'kitty', env: { TERM: 'xterm-kitty' }, tty: true, level: 3 },
  { name: 'macOS iTerm2 3.x', env: { TERM_PROGRAM: 'iTerm.app', TERM_PROGRAM_VERSION: '3.5.0' }, tty: true, level: 3 },
  { name: 'macOS Terminal.app', env: { TERM_PROGRAM: 'Apple_Terminal' }, tty: true, level: 2 },
  { name: 'TERM=dumb', env: { TERM: 'dumb' }, tty: true, level: 0 },
  { name: 'no TERM at all', env: {}, tty: true, level: 0 },
  // Windows: the build tells the console's abilities (Windows Terminal runs on 10 and 11)
  { name: 'Windows 11 / Windows Terminal', env: { WT_SESSION: 'x' }, tty: true, windows: '10.0.22631', level: 3 },
  { name: 'Windows 10 1607+ console (truecolor)', env: {}, tty: true, windows: '10.0.14931', level: 3 },
  { name: 'Windows 10 1511 console (256 colors)', env: {}, tty: true, windows: '10.0.10586', level: 2 },
  { name: 'legacy console, Windows 10 before 1511', env: {}, tty: true, windows: '10.0.10240', level: 1 },
  { name: 'legacy console, Windows 8.1', env: {}, tty: true, windows: '6.3.9600', level: 1 },
  { name: 'Windows, piped', env: {}, tty: false, windows: '10.0.22631', level: 0 },
  { name: 'Windows, NO_COLOR', env: { NO_COLOR: '1' }, tty: true, windows: '10.0.22631', level: 0 },
  // pipes and the switches
  { name: 'piped', env: XTERM, tty: false, level: 0 },
  { name: 'piped, FORCE_COLOR=1', env: { FORCE_COLOR: '1' }, tty: false, level: 1 },
  { name: 'piped, FORCE_COLOR (empty)', env: { FORCE_COLOR: '' }, tty: false, level: 1 },
  { name: 'piped, FORCE_COLOR=3', env: { FORCE_COLOR: '3' }, tty: false, level: 3 },
  { name: 'FORCE_COLOR=1 is a minimum, the terminal may give more', env: { ...XTERM, FORCE_COLOR: '1' }, tty: true, level: 2 },
  { name: 'TERM=dumb, FORCE_COLOR=1', env: { TERM: 'dumb', FORCE_COLOR: '1' }, tty: true, level: 1 },
  { name: 'FORCE_COLOR=0', env: { ...XTERM, FORCE_COLOR: '0' }, tty: true, level: 0 },
  { name: 'FORCE_COLOR=false', env: { ...XTERM, FORCE_COLOR: 'false' }, tty: true, level: 0 },
  { name: 'NO_COLOR=1', env: { ...XTERM, NO_COLOR: '1' }, tty: true, level: 0 },
  { name: 'NO_COLOR beats FORCE_COLOR', env: { NO_COLOR: '1', FORCE_COLOR: '3' }, tty: false, level: 0 },
  { name: 'NO_COLOR empty is unset (no-color.org)', env: { ...XTERM, NO_COLOR: '' }, tty: true, level: 2 },
  { name: '--no-color', env: { ...XTERM, FORCE_COLOR: '3' }, tty: true, noColor: true, level: 0 },
  // CI providers
  { name: 'GitHub Actions (a terminal)', env: { CI: 'true', GITHUB_ACTIONS: 'true' }, tty: true, level: 3 },
  { name: 'GitHub Actions, piped', env: { CI: 'true', GITHUB_ACTIONS: 'true' }, tty: false, level: 0 },
  { name: 'GitLab CI', env: { CI: 'true', GITLAB_CI: 'true', TERM: 'xterm' }, tty: true, level: 1 },
  { name: 'an unknown CI', env: { CI: 'true', ...XTERM }, tty: true, level: 0 },
  { name: 'Azure Pipelines colors without a terminal', env: { TF_BUILD: 'True', AGENT_NAME: 'Hosted Agent' }, tty: false, level: 1 },
  { name: 'TeamCity 2023', env: { TEAMCITY_VERSION: '2023.05.1' }, tty: true, level: 1 },
];

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** Runs `fn` with the row's environment, platform and OS release in place. */
function within<T>(row: Row, fn: () => T): T {
  for (const name of COLOR_VARS) vi.stubEnv(name, row.env[name]);
  if (!row.windows) return fn();
  const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
  vi.spyOn(os, 'release').mockReturnValue(row.windows);
  Object.defineProperty(process, 'platform', { ...platform, value: 'win32' });
  try {
    return fn();
  } finally {
    Object.defineProperty(process, 'platform', platform);
  }
}

describe('color level: environment and terminal → level', () => {
  it('has distinct rows', () => {
    expect(new Set(ROWS.map((r) => r.name)).size).toBe(ROWS.length);
  });

  it.each(ROWS)('$name → $level', (row) => {
    const noColor = row.noColor ?? false;
    const { may, level } = within(row, () => ({
      may: mayColor(row.tty, process.env, noColor),
      level: colorLevel({ isTTY: row.tty, noColor, env: process.env }),
    }));
    // the cheap check before chalk is loaded never hides a color supports-color would give
    expect(may ? level : 0).toBe(row.level);
    if (!may) expect(level).toBe(0);
  });
});

describe('IOStreams: colors decided once, before a command runs', () => {
  const streams = (tty: boolean) => ({
    stdin: Object.assign(new PassThrough(), { isTTY: tty }),
    stdout: Object.assign(new PassThrough(), { isTTY: tty }),
    stderr: Object.assign(new PassThrough(), { isTTY: tty }),
  });

  it('plain until prepareColor(), then chalk on a capable terminal', async () => {
    const row: Row = { name: 'xterm', env: XTERM, tty: true, level: 2 };
    const io = within(row, () => createIO(streams(true), process.env));
    expect(io.colorEnabled).toBe(false);
    expect(io.color.red('x')).toBe('x');
    await within(row, () => io.prepareColor());
    expect(io.colorEnabled).toBe(true);
    expect(io.color.red('x')).toBe('\x1b[31mx\x1b[39m');
  });

  it.each([
    ['a pipe', false, {}, false],
    ['--no-color on a terminal', true, XTERM, true],
    ['NO_COLOR on a terminal', true, { ...XTERM, NO_COLOR: '1' }, false],
  ])('stays plain: %s', async (_name, tty, env, noColor) => {
    const row: Row = { name: 'x', env, tty, level: 0 };
    const io = within(row, () => createIO(streams(tty), process.env, { noColor }));
    await within(row, () => io.prepareColor());
    expect(io.colorEnabled).toBe(false);
    expect(io.color.red('x')).toBe('x');
  });
});
