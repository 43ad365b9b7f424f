/**
 * A scripted Prompter: each expected prompt (matched by message) gets a canned answer; an
 * unexpected prompt throws, and `verify()` fails if an expectation was never used.
 */
import type { Choice, Prompter } from '../../src/cli/prompter.js';

export type Expectation = { confirm: RegExp; answer: boolean } | { select: RegExp; answer: unknown } | { password: RegExp; answer: string };

export class FakePrompter implements Prompter {
  private readonly pending: Expectation[];

  private constructor(expectations: Expectation[]) {
    this.pending = [...expectations];
  }

  static script(expectations: Expectation[] = []): FakePrompter {
    return new FakePrompter(expectations);
  }

  async confirm(message: string): Promise<boolean> {
    const next = this.pending.shift();
    if (!next || !('confirm' in next) || !next.confirm.test(message)) throw new Error(`unexpected confirm prompt: ${message}`);
    return next.answer;
  }

  async select<T>(message: string, _choices: Choice<T>[]): Promise<T> {
    const next = this.pending.shift();
    if (!next || !('select' in next) || !next.select.test(message)) throw new Error(`unexpected select prompt: ${message}`);
    return next.answer as T;
  }

  async password(message: string): Promise<string> {
    const next = this.pending.shift();
    if (!next || !('password' in next) || !next.password.test(message)) throw new Error(`unexpected password prompt: ${message}`);
    return next.answer;
  }

  verify(): void {
    if (this.pending.length)
      throw new Error(`prompts never shown: ${this.pending.map((p) => ('confirm' in p ? p.confirm : 'select' in p ? p.select : p.password)).join(', ')}`);
  }
}
