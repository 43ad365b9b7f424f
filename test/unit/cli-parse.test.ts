import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { collectKeyValues, parseChoiceList, parseDuration, parseInteger, parseKeyValue, parsePositiveDuration, parseSandboxId } from '../../src/cli/parse.js';

describe('parseDuration', () => {
  it.each([
    ['90', 90_000],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['2d', 172_800_000],
    [' 10S ', 10_000],
  ])('%s → %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '5x', 'm5', '1h 30m', '-5s', 'abc', '5mm'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(UsageError);
  });

  it('positive durations refuse zero', () => {
    expect(() => parsePositiveDuration('0', 'timeout')).toThrow(/must be greater than zero/);
    expect(parsePositiveDuration('1', 'timeout')).toBe(1000);
  });
});

describe('key=value', () => {
  it('splits at the first =', () => {
    expect(parseKeyValue('a=b=c', 'metadata')).toEqual(['a', 'b=c']);
    expect(parseKeyValue('a=', 'metadata')).toEqual(['a', '']);
  });
  it.each(['a', '=b', ''])('rejects %j', (text) => expect(() => parseKeyValue(text, '--env')).toThrow(/expected KEY=VALUE/));
  it('collects repeats, later wins', () => {
    expect(collectKeyValues(['a=1', 'b=2', 'a=3'], 'x')).toEqual({ a: '3', b: '2' });
    expect(collectKeyValues([], 'x')).toBeUndefined();
  });
});

describe('other parsers', () => {
  it('integers within a range', () => {
    expect(parseInteger('5', 'n', 1, 10)).toBe(5);
    for (const bad of ['0', '11', '1.5', 'x', '']) expect(() => parseInteger(bad, 'n', 1, 10)).toThrow(UsageError);
  });
  it('choice lists', () => {
    expect(parseChoiceList('running,paused', 's', ['running', 'paused'])).toEqual(['running', 'paused']);
    expect(() => parseChoiceList('running,dead', 's', ['running', 'paused'])).toThrow(/invalid s "dead"/);
    expect(() => parseChoiceList(',', 's', ['running'])).toThrow(/empty list/);
  });
  it('sandbox IDs', () => {
    expect(parseSandboxId('iabc123')).toBe('iabc123');
    expect(parseSandboxId('iabc123-6532622b')).toBe('iabc123-6532622b');
    for (const bad of ['ABC', 'a b', '../x', '']) expect(() => parseSandboxId(bad)).toThrow(UsageError);
  });
});
