/**
 * Spotting detach sequences in the keystroke stream of `pty attach`: a configurable key
 * sequence (default Ctrl-P Ctrl-Q, as docker attach) and `~.` right after a newline (ssh's
 * escape). Keys that only start a sequence are held back until it is clear whether they belong
 * to it, then passed on unchanged.
 */

/** Parses `ctrl-p,ctrl-q` (or `ctrl-a,d`, single characters) into bytes. */
export function parseDetachKeys(spec: string): Uint8Array {
  const keys = spec
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length === 0) throw new Error('empty detach key sequence');
  return Uint8Array.from(
    keys.map((key) => {
      const ctrl = /^ctrl-(.)$/i.exec(key);
      if (ctrl) {
        const c = ctrl[1].toLowerCase();
        if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 96;
        const specials: Record<string, number> = { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, _: 31 };
        if (c in specials) return specials[c];
      } else if (key.length === 1) {
        return key.charCodeAt(0);
      }
      throw new Error(`invalid detach key "${key}": use ctrl-<letter> or a single character`);
    }),
  );
}

export class DetachDetector {
  private matched = 0;
  private held: number[] = [];
  /** At a line start: after Enter, or at the very beginning. */
  private lineStart = true;
  private tilde = false;

  constructor(private readonly sequence: Uint8Array) {}

  /**
   * Feeds keystrokes; returns the bytes to send on and whether a detach sequence completed (bytes
   * before it are still returned; bytes after it are dropped).
   */
  push(input: Uint8Array): { forward: Uint8Array; detach: boolean } {
    const out: number[] = [];
    for (const byte of input) {
      // ssh escape: "~." at the start of a line
      if (this.tilde) {
        this.tilde = false;
        if (byte === 0x2e) return { forward: Uint8Array.from(out), detach: true };
        out.push(0x7e);
        if (byte === 0x7e) {
          // "~~" sends one tilde
          this.lineStart = false;
          continue;
        }
      } else if (this.lineStart && byte === 0x7e && this.matched === 0) {
        this.tilde = true;
        continue;
      }
      // the configured sequence
      if (byte === this.sequence[this.matched]) {
        this.held.push(byte);
        this.matched += 1;
        if (this.matched === this.sequence.length) return { forward: Uint8Array.from(out), detach: true };
        continue;
      }
      if (this.matched > 0) {
        out.push(...this.held);
        this.held = [];
        this.matched = 0;
        if (byte === this.sequence[0]) {
          this.held.push(byte);
          this.matched = 1;
          continue;
        }
      }
      out.push(byte);
      this.lineStart = byte === 0x0d || byte === 0x0a;
    }
    return { forward: Uint8Array.from(out), detach: false };
  }
}
