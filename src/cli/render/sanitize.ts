/**
 * Text from a sandbox or the server (names, metadata, log lines) may carry terminal control
 * sequences that could rewrite the screen or the title; they are removed before display.
 */

// CSI, OSC (terminated by BEL or ST), other escape sequences, and C0/C1 controls except tab.
const CONTROL = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Removes terminal control sequences; newlines become spaces (one record, one line). */
export function sanitize(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(CONTROL, '');
}

/** Like {@link sanitize} but keeps newlines (multi-line log messages). */
export function sanitizeKeepNewlines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(CONTROL, ''))
    .join('\n');
}

// The same sequences, but keeping carriage returns: git's progress meter redraws its line with `\r`.
const CONTROL_KEEP_CR = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;

/** Like {@link sanitizeKeepNewlines} but also keeps `\r` (progress meters of tools run in a sandbox). */
export function sanitizeKeepLineBreaks(text: string): string {
  return text.replace(CONTROL_KEEP_CR, '');
}

// C0 controls but tab and newline, DEL, and C1 controls: ESC opens CSI/OSC/DCS sequences, BEL and
// CR rewrite what is shown, and 0x9b is a CSI on its own in 8-bit terminals.
const UNSHOWABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * Shows control characters instead of sending them (`\x1b`, `\x07`, `\x9b`), keeping tabs and
 * newlines: for errors and warnings, where a server's text is evidence, so it is shown, not
 * dropped as {@link sanitize} drops it from tables; and the terminal never acts on it.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSHOWABLE, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
