/**
 * A clock for lifecycle tests: time moves only when the test says so, and timers due by then
 * fire in order. Nothing waits on real time.
 */
import type { Clock, ClockTimer } from '../../src/local/daemon/clock.js';

export class FakeClock implements Clock {
  private time: number;
  private next = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.parse('2030-01-01T00:00:00.000Z')) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const id = this.next++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id as unknown as ClockTimer;
  }

  clearTimeout(timer: ClockTimer): void {
    this.timers.delete(timer as unknown as number);
  }

  /** Timers armed and not fired yet. */
  get pending(): number {
    return this.timers.size;
  }

  /** When the next timer fires, if any. */
  get nextAt(): number | undefined {
    let at: number | undefined;
    for (const t of this.timers.values()) if (at === undefined || t.at < at) at = t.at;
    return at;
  }

  /** Moves time forward by `ms`, firing every timer that comes due, earliest first. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
  }
}
