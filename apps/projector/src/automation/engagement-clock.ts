import { EventEmitter } from 'node:events';

/**
 * The one clock the automation reads "today" from. The service runs on the system clock (so a process started
 * under a shifted system clock, e.g. with libfaketime, lives on that date); tests drive a DrivenClock.
 */
export interface EngagementClock {
  now(): Date;
  /** Calls `listener` whenever the clock is moved by hand; the system clock never is. Answers an unsubscribe. */
  onMoved(listener: () => void): () => void;
}

export const systemClock: EngagementClock = {
  now: () => new Date(),
  onMoved: () => () => undefined,
};

/** A clock that stands still until the test moves it. */
export class DrivenClock implements EngagementClock {
  private readonly moves = new EventEmitter();

  constructor(private instant: Date) {}

  now(): Date {
    return new Date(this.instant.getTime());
  }

  set(instant: Date | string): void {
    this.instant = new Date(instant);
    this.moves.emit('moved');
  }

  advanceDays(days: number): void {
    this.set(new Date(this.instant.getTime() + days * 86_400_000));
  }

  onMoved(listener: () => void): () => void {
    this.moves.on('moved', listener);
    return () => this.moves.off('moved', listener);
  }
}
