import { SIGNAL_NUMBERS } from '../../../protocol/signals.js';
import { UsageError } from '../../errors.js';
import { parseInteger } from '../../parse.js';

/** A PID argument. */
export function parsePid(text: string): number {
  return parseInteger(text, 'PID', 1, 4_194_304);
}

/** The signals `proc kill --signal` takes, by their names without SIG (sandbox numbering). */
const SIGNALS: Record<string, number> = Object.fromEntries(Object.entries(SIGNAL_NUMBERS).map(([name, number]) => [name.replace(/^SIG/, ''), number]));

/** Signal names accepted by `proc kill --signal` (with or without SIG, any case, or a number). */
export function parseSignal(text: string): number {
  const names = SIGNALS;
  const upper = text.trim().toUpperCase().replace(/^SIG/, '');
  if (upper in names) return names[upper];
  if (/^\d+$/.test(upper) && Object.values(names).includes(Number(upper))) return Number(upper);
  throw new UsageError(`invalid signal "${text}": use one of ${Object.keys(names).join(', ')} (or its number)`);
}
