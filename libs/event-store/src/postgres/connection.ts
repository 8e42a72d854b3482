import { Client, Pool, PoolClient, PoolConfig } from 'pg';
import { EventStoreUnavailableError } from '../errors';

// SQLSTATE classes and client-side codes that mean "the server is not there", not "the request was wrong".
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

export function isConnectionFailure(error: unknown): boolean {
  // Duck-typed: socket errors may come from another realm (e.g. under jest), where instanceof Error is false.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (UNAVAILABLE_SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message)
  );
}

/** Rethrows connection failures as EventStoreUnavailableError so the API can answer 503 with Retry-After. */
export async function whileReachable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isConnectionFailure(error)) {
      throw new EventStoreUnavailableError('The event store (PostgreSQL) cannot be reached', error);
    }
    throw error;
  }
}

export function createPool(connectionString: string, options: Partial<PoolConfig> = {}): Pool {
  const pool = new Pool({ connectionString, max: 10, connectionTimeoutMillis: 5000, ...options });
  // An idle client losing its server must not crash the process; the next query reports it instead.
  pool.on('error', () => undefined);
  return pool;
}

/** Creates the database named in the URL when it is missing (local use: one command starts everything). */
export async function ensureDatabase(connectionString: string): Promise<void> {
  const url = new URL(connectionString);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) return;
  const probe = new Client({ connectionString });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: unknown }).code !== '3D000') throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } catch (error) {
    // 42P04: another process created it first.
    if ((error as { code?: unknown }).code !== '42P04') throw error;
  } finally {
    await admin.end();
  }
}

/** Runs the work in one transaction on one connection of the pool: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
