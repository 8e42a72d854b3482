import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { setTimeout as delay } from 'node:timers/promises';

export interface ProcessorLeaseOptions {
  readonly connectionString: string;
  /** What the lease protects, e.g. the checkpoint name; one holder per name across every process. */
  readonly name: string;
  /** How often a waiting instance tries again to take the lease. */
  readonly retryMs: number;
}

/** The right to be the one running instance of a processor, while it lasts. */
export interface HeldLease {
  /** The connection that holds the lock. Writes through it fail once the lease is gone, which fences them. */
  readonly connection: Client;
  /** Aborted when the connection holding the lock breaks: the lock is gone with it. */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/**
 * One active instance per processor, via a PostgreSQL session advisory lock held on a dedicated connection.
 * The lock lives exactly as long as that connection: when the holder dies, even by SIGKILL, PostgreSQL
 * ends its session and releases the lock, and a waiting instance takes it on its next try.
 */
export class ProcessorLease {
  private readonly logger = new Logger(ProcessorLease.name);

  constructor(private readonly options: ProcessorLeaseOptions) {}

  /** Waits until the lease is ours; undefined when `stop` fires first. */
  async acquire(stop: AbortSignal, onWaiting?: () => void): Promise<HeldLease | undefined> {
    let announcedWait = false;
    let failures = 0;
    while (!stop.aborted) {
      const client = new Client({ connectionString: this.options.connectionString, keepAlive: true });
      const lost = new AbortController();
      // Without a listener an 'error' on an idle connection would crash the process.
      client.on('error', (error) => lost.abort(error));
      client.on('end', () => lost.abort(new Error('The connection holding the publishing lease ended')));
      try {
        await client.connect();
        failures = 0;
        while (!stop.aborted && !lost.signal.aborted) {
          const { rows } = await client.query<{ acquired: boolean }>(
            'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS acquired',
            [this.options.name],
          );
          if (rows[0].acquired) {
            this.logger.log(`Holding the lease "${this.options.name}"`);
            return this.held(client, lost.signal);
          }
          if (!announcedWait) {
            announcedWait = true;
            this.logger.log(`Another instance holds the lease "${this.options.name}"; standing by to take over`);
            onWaiting?.();
          }
          await pause(this.options.retryMs, stop);
        }
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 30 === 0) {
          this.logger.warn(`Cannot reach PostgreSQL for the lease "${this.options.name}": ${describe(error)}`);
        }
      }
      await client.end().catch(() => undefined);
      await pause(Math.min(this.options.retryMs * 2 ** Math.min(failures, 5), 10_000), stop);
    }
    return undefined;
  }

  private held(client: Client, lost: AbortSignal): HeldLease {
    const name = this.options.name;
    return {
      connection: client,
      lost,
      release: async () => {
        if (!lost.aborted) {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]).catch(() => undefined);
        }
        // Ending the session releases the lock in any case.
        await client.end().catch(() => undefined);
      },
    };
  }
}

/** Waits, or returns early when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
