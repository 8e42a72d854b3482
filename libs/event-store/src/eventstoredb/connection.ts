import { StreamingRead } from '@eventstore/db-client';
import { closedStore } from './error-mapping';
import { FilteredEventStoreDbClient } from './filtered-client';

/** Something holding a call open on the client that must be ended before the client is disposed. */
export interface OpenCall {
  end(): Promise<void>;
}

/**
 * Owns the one client: created on first use, disposed on close. Calls still open at close (subscriptions,
 * reads) are ended first, because the client's dispose() waits for every call it knows of to finish.
 */
export class EventStoreDbConnection {
  private client?: FilteredEventStoreDbClient;
  private readonly openCalls = new Set<OpenCall>();
  private closing?: Promise<void>;

  constructor(private readonly connectionString: string) {}

  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  /** Creates the client (no network call yet); after a close, waits for it and opens a fresh client. */
  async start(): Promise<void> {
    if (this.closing) {
      await this.closing;
      this.closing = undefined;
    }
    this.open();
  }

  /** The client, created on first use; throws EventStoreUnavailableError once closed. */
  current(): FilteredEventStoreDbClient {
    if (this.closing) throw closedStore();
    return this.open();
  }

  /** Registers a call to end on close; returns the function that forgets it once it has finished. */
  track(call: OpenCall): () => void {
    this.openCalls.add(call);
    return () => this.openCalls.delete(call);
  }

  /** Reads a whole server-streamed read; a close in the middle ends it with EventStoreUnavailableError. */
  async drain<T>(read: StreamingRead<T>): Promise<T[]> {
    const forget = this.track({
      end: async () => {
        await read.cancel();
        read.destroy(closedStore());
      },
    });
    try {
      const items: T[] = [];
      for await (const item of read) items.push(item);
      return items;
    } finally {
      forget();
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private open(): FilteredEventStoreDbClient {
    this.client ??= FilteredEventStoreDbClient.fromConnectionString(this.connectionString);
    return this.client;
  }

  private async shutDown(): Promise<void> {
    const calls = [...this.openCalls];
    this.openCalls.clear();
    await Promise.allSettled(calls.map((call) => call.end()));
    const client = this.client;
    this.client = undefined;
    await client?.dispose();
  }
}
