/**
 * What every bad-input case must show, shared by the bad-input tables: the exit code of the
 * table, nothing on stdout, exactly one non-empty line on stderr matching the case, and none of
 * the signs of a stack trace or leaked internals.
 */
import { expect } from 'vitest';
import type { CliResult } from './cli.js';

export interface BadInputCase {
  name: string;
  args: string[];
  input?: string;
  expectCode: number;
  expectStderr: RegExp;
  /** What the line must not show (besides the stack-trace signs every case checks). */
  rejectStderr?: RegExp;
}

/** Signs of a stack trace, an error class dump or internals leaking into a message. */
const NOT_CLEAR: Array<[string, RegExp]> = [
  ['a stack frame', /^\s+at\s/m],
  ['a node internal', /node:internal|node_modules/],
  ['a source path', /\/dist\/|\/src\/|\.(?:m?js|ts):\d+/],
  ['an error class name', /\b[A-Z][A-Za-z]*Error\b/],
  ['an unexpected-error marker', /unexpected; rerun with --debug/],
  ['a JS artefact', /\[object Object\]|\bundefined\b|\bNaN\b/],
];

/** The case and its result, for assertion messages (args as run, after substitution). */
export function describeResult(c: BadInputCase, args: string[], res: CliResult): string {
  return `${c.name}: e2b-ts ${args.join(' ')}\n  code ${res.code}${res.signal ? ` (signal ${res.signal})` : ''}\n  stderr ${JSON.stringify(res.stderr)}\n  stdout ${JSON.stringify(res.stdout)}`;
}

/** Asserts what every case must show; `what` names the case in failures. */
export function expectClearFailure(c: BadInputCase, res: CliResult, what: string): void {
  // BAD_INPUT_SHOW=1 prints every case's result (to review the messages by eye).
  if (process.env.BAD_INPUT_SHOW) console.log(what);
  expect(res.code, what).toBe(c.expectCode);
  expect(res.stdout, what).toBe('');
  expect(res.stderr, `${what}\n  → stderr must be exactly one non-empty line`).toMatch(/^[^\n]*\S[^\n]*\n$/);
  expect(res.stderr, what).toMatch(c.expectStderr);
  if (c.rejectStderr) expect(res.stderr, what).not.toMatch(c.rejectStderr);
  for (const [sign, pattern] of NOT_CLEAR) {
    expect(pattern.test(res.stderr), `${what}\n  → stderr shows ${sign} (${pattern})`).toBe(false);
  }
}
