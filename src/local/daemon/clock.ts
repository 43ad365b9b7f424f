/**
 * Time as the sandbox manager sees it: the current time and one-shot timers. Every lifetime
 * decision (timeouts, `endAt`, refreshes, the crash window of envd restarts) reads this clock,
 * so tests drive a fake one instead of waiting on real timeouts.
 */

/** An armed timer; only its clock knows what it is. */
export type ClockTimer = { readonly __clockTimer: unique symbol };

export interface Clock {
  /** Milliseconds since the epoch (as `Date.now()`). */
  now(): number;
  /** Calls `fn` once, `ms` from now. A real timer never keeps the process alive on its own. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** The longest delay Node's timers take (a longer one fires at once). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The real clock. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    timer.unref();
    return timer as unknown as ClockTimer;
  },
  clearTimeout(timer) {
    clearTimeout(timer as unknown as NodeJS.Timeout);
  },
};
