import { describe, expect, it } from 'vitest';
import { DetachDetector, parseDetachKeys } from '../../src/cli/detach-keys.js';

const bytes = (s: string) => Uint8Array.from(Buffer.from(s, 'binary'));
const text = (b: Uint8Array) => Buffer.from(b).toString('binary');

describe('parseDetachKeys', () => {
  it('reads ctrl keys and characters', () => {
    expect([...parseDetachKeys('ctrl-p,ctrl-q')]).toEqual([16, 17]);
    expect([...parseDetachKeys('ctrl-a, d')]).toEqual([1, 100]);
    expect([...parseDetachKeys('ctrl-]')]).toEqual([29]);
    expect(() => parseDetachKeys('meta-x')).toThrow(/invalid detach key/);
    expect(() => parseDetachKeys('')).toThrow(/empty/);
  });
});

describe('DetachDetector', () => {
  it('detaches on the sequence, forwarding what came before', () => {
    const d = new DetachDetector(parseDetachKeys('ctrl-p,ctrl-q'));
    expect(d.push(bytes('ls\x10'))).toEqual({ forward: bytes('ls'), detach: false });
    expect(d.push(bytes('\x11rest'))).toEqual({ forward: bytes(''), detach: true });
  });

  it('passes a partial sequence on when the next key does not continue it', () => {
    const d = new DetachDetector(parseDetachKeys('ctrl-p,ctrl-q'));
    expect(text(d.push(bytes('\x10x')).forward)).toBe('\x10x');
    expect(text(d.push(bytes('\x10\x10\x11')).forward)).toBe('\x10');
  });

  it('~. after a newline detaches; elsewhere a tilde is just a tilde; ~~ sends one', () => {
    const d = new DetachDetector(parseDetachKeys('ctrl-p,ctrl-q'));
    expect(d.push(bytes('echo a~.b\r'))).toEqual({ forward: bytes('echo a~.b\r'), detach: false });
    expect(d.push(bytes('~~x\r'))).toEqual({ forward: bytes('~x\r'), detach: false });
    expect(d.push(bytes('~x'))).toEqual({ forward: bytes('~x'), detach: false });
    expect(d.push(bytes('\r~.'))).toEqual({ forward: bytes('\r'), detach: true });
  });

  it('at the very start of the session ~. detaches too', () => {
    expect(new DetachDetector(parseDetachKeys('ctrl-p,ctrl-q')).push(bytes('~.')).detach).toBe(true);
  });
});
