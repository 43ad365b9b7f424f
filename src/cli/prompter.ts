/**
 * Prompts, behind an interface so tests script them. The real one renders @inquirer/prompts on
 * stderr (stdout stays data-only) and is loaded only when a prompt is actually shown.
 */
import type { IOStreams } from './io.js';
import { CancelError } from './errors.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export interface Prompter {
  confirm(message: string, opts?: { default?: boolean }): Promise<boolean>;
  select<T>(message: string, choices: Choice<T>[]): Promise<T>;
  /** A secret typed without echo (nothing is shown, not even a mask). */
  password(message: string): Promise<string>;
}

export function createPrompter(io: () => IOStreams, signal: AbortSignal): Prompter {
  const context = () => ({ input: io().stdin, output: io().stderr, signal, clearPromptOnDone: false });
  const cancelled = (error: unknown): never => {
    const name = (error as { name?: string }).name;
    if (name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError') throw new CancelError();
    throw error;
  };
  return {
    async confirm(message, opts = {}) {
      const { confirm } = await import('@inquirer/prompts');
      return confirm({ message, default: opts.default ?? false }, context()).catch(cancelled);
    },
    async select<T>(message: string, choices: Choice<T>[]) {
      const { select } = await import('@inquirer/prompts');
      return select<T>({ message, choices, pageSize: 12 }, context()).catch(cancelled);
    },
    async password(message) {
      const { password } = await import('@inquirer/prompts');
      return password({ message }, context()).catch(cancelled);
    },
  };
}
