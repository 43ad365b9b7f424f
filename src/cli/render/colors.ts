/**
 * The few styles the CLI uses, as one small interface: commands and renderers take a `Colors`,
 * never chalk itself, so they stay pure and chalk is loaded only when colors are on
 * (chalk-colors.ts, through IOStreams.prepareColor in io.ts).
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

const identity = (text: string) => text;

/** Colors off: every style returns its text unchanged. */
export const PLAIN_COLORS: Colors = { enabled: false, bold: identity, dim: identity, red: identity, green: identity, yellow: identity, cyan: identity };
