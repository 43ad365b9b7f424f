/**
 * Parsers of command-line values. Each throws a UsageError whose message says what was wrong
 * and what a right value looks like.
 */
import { UsageError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration: a number of seconds (`90`), or amounts with units, combinable (`90s`, `5m`,
 * `1h`, `1h30m`, `500ms`). Returns milliseconds.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const value = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const parts = value.match(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g);
  if (!parts || parts.join('') !== value) {
    throw new UsageError(`invalid ${what} "${text}": use seconds (90) or units such as 90s, 5m, 1h, 1h30m`);
  }
  let total = 0;
  for (const part of parts) {
    const [, amount, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(part)!;
    total += Number(amount) * UNIT_MS[unit];
  }
  return Math.round(total);
}

/** A positive duration (zero is refused). */
export function parsePositiveDuration(text: string, what = 'duration'): number {
  const ms = parseDuration(text, what);
  if (ms <= 0) throw new UsageError(`invalid ${what} "${text}": must be greater than zero`);
  return ms;
}

/** `KEY=VALUE` (the value may contain `=`; the key may not be empty). */
export function parseKeyValue(text: string, what: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`invalid ${what} "${text}": expected KEY=VALUE`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** Collects repeated `KEY=VALUE` flags into a record. */
export function collectKeyValues(values: readonly string[] | undefined, what: string): Record<string, string> | undefined {
  if (!values || values.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const item of values) {
    const [key, value] = parseKeyValue(item, what);
    out[key] = value;
  }
  return out;
}

/** An integer in [min, max]. */
export function parseInteger(text: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`invalid ${what} "${text}": expected an integer ${range}`);
  }
  return value;
}

/** A comma-separated list whose items must come from `allowed`. */
export function parseChoiceList<T extends string>(text: string, what: string, allowed: readonly T[]): T[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`invalid ${what}: empty list (choose from ${allowed.join(', ')})`);
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new UsageError(`invalid ${what} "${item}": choose from ${allowed.join(', ')}`);
  }
  return items as T[];
}

/** A sandbox ID as E2B generates them. */
export function parseSandboxId(text: string): string {
  const id = text.trim();
  if (!/^[a-z0-9]+(-[a-z0-9]+)?$/.test(id)) {
    throw new UsageError(`invalid sandbox ID "${text}": IDs are lower-case letters and digits, like i3x9k2...`);
  }
  return id;
}
