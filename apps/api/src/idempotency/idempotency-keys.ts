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

/** How long a key is remembered; clients may retry for at least this long. */
export const KEY_RETENTION_HOURS = 24;
/** A claim older than this whose request never finished (crashed process) may be taken over by a retry. */
const CLAIM_LEASE_SECONDS = 30;

/** Idempotency keys, durable in PostgreSQL per organization, whichever event store is in use. */
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
          idempotency_key     text NOT NULL,
          request_fingerprint text NOT NULL,
          state               text NOT NULL CHECK (state IN ('in-flight', 'done')),
          locked_until        timestamptz NOT NULL,
          response_status     int,
          response_headers    jsonb,
          response_body       jsonb,
          created_at          timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (organization_id, idempotency_key)
        );
        CREATE INDEX IF NOT EXISTS idempotency_keys_created_at ON api.idempotency_keys (created_at);
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

  async claim(organizationId: string, key: string, fingerprint: string): Promise<Claim> {
    await this.purgeExpired();
    const claimed = await this.pool.query(
      `INSERT INTO api.idempotency_keys AS k (organization_id, idempotency_key, request_fingerprint, state, locked_until)
       VALUES ($1, $2, $3, 'in-flight', now() + make_interval(secs => $4))
       ON CONFLICT (organization_id, idempotency_key) DO UPDATE SET locked_until = EXCLUDED.locked_until
         WHERE k.state = 'in-flight' AND k.locked_until < now() AND k.request_fingerprint = EXCLUDED.request_fingerprint
       RETURNING 1`,
      [organizationId, key, fingerprint, CLAIM_LEASE_SECONDS],
    );
    if (claimed.rowCount) return { kind: 'owned' };
    const { rows } = await this.pool.query(
      `SELECT request_fingerprint, state, response_status, response_headers, response_body
         FROM api.idempotency_keys WHERE organization_id = $1 AND idempotency_key = $2`,
      [organizationId, key],
    );
    const row = rows[0];
    if (!row) return this.claim(organizationId, key, fingerprint);
    if (row.request_fingerprint !== fingerprint) return { kind: 'different-request' };
    if (row.state === 'in-flight') return { kind: 'in-flight' };
    return { kind: 'replay', response: { status: row.response_status, headers: row.response_headers, body: row.response_body } };
  }

  async complete(organizationId: string, key: string, response: StoredResponse): Promise<void> {
    await this.pool.query(
      `UPDATE api.idempotency_keys
          SET state = 'done', response_status = $3, response_headers = $4, response_body = $5
        WHERE organization_id = $1 AND idempotency_key = $2`,
      [organizationId, key, response.status, JSON.stringify(response.headers), JSON.stringify(response.body)],
    );
  }

  /** A request that failed for a passing reason (5xx) leaves the key free for the retry. */
  async release(organizationId: string, key: string): Promise<void> {
    await this.pool.query(
      `DELETE FROM api.idempotency_keys WHERE organization_id = $1 AND idempotency_key = $2 AND state = 'in-flight'`,
      [organizationId, key],
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
