import type { Clock } from "../../lib/controller/index.js";

/** A clock the test moves by hand. */
export class FixedClock implements Clock {
  private current: Date;

  constructor(iso: string) {
    this.current = new Date(iso);
  }

  now(): Date {
    return new Date(this.current);
  }

  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

/** Decision ids d-0001, d-0002, … so tests can name them. */
export function sequentialIds(prefix = "d"): () => string {
  let n = 0;
  return () => `${prefix}-${String(++n).padStart(4, "0")}`;
}
