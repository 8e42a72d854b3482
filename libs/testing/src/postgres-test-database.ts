import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server integration suites use; CI provides it, and .ci/run starts it when it is down. */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

let reachable: boolean | undefined;

export async function postgresReachable(): Promise<boolean> {
  if (reachable !== undefined) return reachable;
  const client = new Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    reachable = true;
  } catch {
    reachable = false;
  } finally {
    await client.end().catch(() => undefined);
  }
  return reachable;
}

/**
 * Integration suites run only against a real server. Outside CI a developer without PostgreSQL gets a loud
 * skip; in CI (CI set) an unreachable server fails the run.
 */
export async function requirePostgres(): Promise<boolean> {
  if (await postgresReachable()) return true;
  if (process.env.CI) throw new Error(`PostgreSQL is not reachable at ${TEST_POSTGRES_URL}; CI needs it`);
  console.warn(`\n*** SKIPPING: PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (set TEST_DATABASE_URL) ***\n`);
  return false;
}

/** A fresh, empty database per suite, so suites run in parallel without seeing each other's events. */
export async function createTestDatabase(prefix = 'flipside_test'): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(TEST_POSTGRES_URL, name),
    async drop() {
      const dropper = new Client({ connectionString: TEST_POSTGRES_URL });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
