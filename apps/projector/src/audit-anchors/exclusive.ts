import { Client } from 'pg';

/**
 * The lease's connection, one caller at a time: the outbox's statements never land inside a transaction of the
 * processor's, and both stay fenced by the lease (they fail once its connection is gone).
 */
export class Exclusive {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly connection: Client) {}

  run<T>(work: (db: Client) => Promise<T>): Promise<T> {
    const result = this.tail.then(() => work(this.connection));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (db: Client) => Promise<T>): Promise<T> {
    return this.run(async (db) => {
      await db.query('BEGIN');
      try {
        const result = await work(db);
        await db.query('COMMIT');
        return result;
      } catch (error) {
        await db.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }
}
