import { EventStoreUnavailableError } from '@flipside/event-store';

export interface EventStoreReachSnapshot {
  readonly reachable: boolean;
  /** Since when the store has been unreachable; null while it answers. */
  readonly unreachableSince: string | null;
  readonly lastError: { readonly message: string; readonly at: string } | null;
}

/**
 * Whether the projector's last read of the event store got an answer. A projection that was live goes on
 * looking live while its subscription quietly retries, so readiness asks this too.
 */
export class EventStoreReach {
  private unreachableSince: Date | null = null;
  private lastError: EventStoreReachSnapshot['lastError'] = null;

  get reachable(): boolean {
    return this.unreachableSince === null;
  }

  answered(): void {
    this.unreachableSince = null;
  }

  /** Records a failed read; answers whether it was the store being unreachable (rather than some other fault). */
  failed(error: unknown): boolean {
    if (!(error instanceof EventStoreUnavailableError)) return false;
    const at = new Date();
    this.unreachableSince ??= at;
    this.lastError = { message: error.message, at: at.toISOString() };
    return true;
  }

  snapshot(): EventStoreReachSnapshot {
    return { reachable: this.reachable, unreachableSince: this.unreachableSince?.toISOString() ?? null, lastError: this.lastError };
  }
}
