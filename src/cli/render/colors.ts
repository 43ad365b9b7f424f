/**
 * The few ANSI styles the CLI uses. A dozen lines instead of chalk: the CLI's start-up time is
 * paid on every call, and loading chalk costs more than everything it would do here.
 */
export interface Colors {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const style = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const identity = (text: string) => text;

export function createColors(enabled: boolean): Colors {
  return enabled
    ? { enabled, bold: style(1, 22), dim: style(2, 22), red: style(31, 39), green: style(32, 39), yellow: style(33, 39), cyan: style(36, 39) }
    : { enabled, bold: identity, dim: identity, red: identity, green: identity, yellow: identity, cyan: identity };
}
