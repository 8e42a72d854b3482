import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';
import { FlipsideConfig } from '@flipside/config';
import { createPool, ensureDatabase } from '@flipside/event-store';
import { FLIPSIDE_CONFIG } from '../streams/event-store.provider';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type Claim =
  | { kind: 'owned' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in-flight' }
  | { kind: 'different-request' };

/** Whose key it is: the same key from another subject or organization is another key. */
export interface KeyOwner {
  readonly organizationId: string;
  /** The token's `sub`. */
  readonly subject: string;
}

/** How long a key is remembered; clients may retry for at least this long. */
export const KEY_RETENTION_HOURS = 24;
/** A claim older than this whose request never finished (crashed process) may be taken over by a retry. */
const CLAIM_LEASE_SECONDS = 30;

/** Idempotency keys, durable in PostgreSQL per organization and subject, whichever event store is in use. */
@Injectable()
export class IdempotencyKeys implements OnModuleInit, OnApplicationShutdown {
  private readonly pool: Pool;
  private lastPurge = 0;

  constructor(@Inject(FLIPSIDE_CONFIG) private readonly config: FlipsideConfig) {
    this.pool = createPool(config.databaseUrl, { max: 5 });
  }

  async onModuleInit(): Promise<void> {
    await ensureDatabase(this.config.databaseUrl);
    const client = await this.pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock(hashtext('flipside.api.migrations'))");
      await client.query(`
        CREATE SCHEMA IF NOT EXISTS api;
        CREATE TABLE IF NOT EXISTS api.idempotency_keys (
          organization_id     text NOT NULL,
          subject             text NOT NULL,
          idempotency_key     text NOT NULL,
          request_fingerprint text NOT NULL,
          state               text NOT NULL CHECK (state IN ('in-flight', 'done')),
          locked_until        timestamptz NOT NULL,
          response_status     int,
          response_headers    jsonb,
          response_body       jsonb,
          created_at          timestamptz NOT NULL DEFAULT now(),
          CONSTRAINT idempotency_keys_per_subject PRIMARY KEY (organization_id, subject, idempotency_key)
        );
        CREATE INDEX IF NOT EXISTS idempotency_keys_created_at ON api.idempotency_keys (created_at);
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_constraint
                          WHERE conrelid = 'api.idempotency_keys'::regclass AND conname = 'idempotency_keys_per_subject') THEN
            -- Keys stored before subjects were: '' is a sub no verified token carries, so they replay to no one.
            ALTER TABLE api.idempotency_keys ADD COLUMN IF NOT EXISTS subject text NOT NULL DEFAULT '';
            ALTER TABLE api.idempotency_keys ALTER COLUMN subject DROP DEFAULT;
            ALTER TABLE api.idempotency_keys DROP CONSTRAINT IF EXISTS idempotency_keys_pkey;
            ALTER TABLE api.idempotency_keys
              ADD CONSTRAINT idempotency_keys_per_subject PRIMARY KEY (organization_id, subject, idempotency_key);
          END IF;
        END $$;
      `);
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext('flipside.api.migrations'))").catch(() => undefined);
      client.release();
    }
  }

  /** After the HTTP server stopped taking requests; responses still being stored get a moment to finish. */
  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 50));
    await this.pool.end().catch(() => undefined);
  }

  async claim(owner: KeyOwner, key: string, fingerprint: string): Promise<Claim> {
    await this.purgeExpired();
    const claimed = await this.pool.query(
      `INSERT INTO api.idempotency_keys AS k
         (organization_id, subject, idempotency_key, request_fingerprint, state, locked_until)
       VALUES ($1, $2, $3, $4, 'in-flight', now() + make_interval(secs => $5))
       ON CONFLICT (organization_id, subject, idempotency_key) DO UPDATE SET locked_until = EXCLUDED.locked_until
         WHERE k.state = 'in-flight' AND k.locked_until < now() AND k.request_fingerprint = EXCLUDED.request_fingerprint
       RETURNING 1`,
      [owner.organizationId, owner.subject, key, fingerprint, CLAIM_LEASE_SECONDS],
    );
    if (claimed.rowCount) return { kind: 'owned' };
    const { rows } = await this.pool.query(
      `SELECT request_fingerprint, state, response_status, response_headers, response_body
         FROM api.idempotency_keys WHERE organization_id = $1 AND subject = $2 AND idempotency_key = $3`,
      [owner.organizationId, owner.subject, key],
    );
    const row = rows[0];
    if (!row) return this.claim(owner, key, fingerprint);
    if (row.request_fingerprint !== fingerprint) return { kind: 'different-request' };
    if (row.state === 'in-flight') return { kind: 'in-flight' };
    return { kind: 'replay', response: { status: row.response_status, headers: row.response_headers, body: row.response_body } };
  }

  async complete(owner: KeyOwner, key: string, response: StoredResponse): Promise<void> {
    await this.pool.query(
      `UPDATE api.idempotency_keys
          SET state = 'done', response_status = $4, response_headers = $5, response_body = $6
        WHERE organization_id = $1 AND subject = $2 AND idempotency_key = $3`,
      [owner.organizationId, owner.subject, key, response.status, JSON.stringify(response.headers), JSON.stringify(response.body)],
    );
  }

  /** A request that never started executing, or failed for a passing reason (5xx), leaves the key free. */
  async release(owner: KeyOwner, key: string): Promise<void> {
    await this.pool.query(
      `DELETE FROM api.idempotency_keys
        WHERE organization_id = $1 AND subject = $2 AND idempotency_key = $3 AND state = 'in-flight'`,
      [owner.organizationId, owner.subject, key],
    );
  }

  private async purgeExpired(): Promise<void> {
    if (Date.now() - this.lastPurge < 60_000) return;
    this.lastPurge = Date.now();
    await this.pool.query(
      `DELETE FROM api.idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`,
      [KEY_RETENTION_HOURS],
    );
  }
}
