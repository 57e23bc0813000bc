/** The one clock port. Services take a Clock; tests and the simulator drive a virtual one. */
export interface Clock {
  now(): Date;
}

/** A clock that only moves when told to: a week of timers runs in milliseconds. */
export class VirtualClock implements Clock {
  private ms: number;

  constructor(start: Date | string | number) {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  set(at: Date | string | number): void {
    this.ms = new Date(at).getTime();
  }

  advance(ms: number): Date {
    this.ms += ms;
    return this.now();
  }
}
