import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { FeedbackRow } from './dashboard/entities/feedback.entity';
import { ObjectiveRow } from './dashboard/entities/objective.entity';
import { PairRow } from './dashboard/entities/pair.entity';
import { ParticipantRow } from './dashboard/entities/participant.entity';
import { ProgramOverviewRow } from './dashboard/entities/program-overview.entity';
import { PairSpanRow, ProgramWeekRow } from './program-kpis/entities/program-week.entity';
import { SessionRow } from './dashboard/entities/session.entity';
import { DashboardReadModels1763800000000 } from './migrations/1763800000000-dashboard-read-models';
import { AuditAnchors1765000000000 } from './migrations/1765000000000-audit-anchors';
import { PersonalDataStoredForm1766000000000 } from './migrations/1766000000000-personal-data-stored-form';
import { OneCheckpointStore1767000000000 } from './migrations/1767000000000-one-checkpoint-store';
import { PairEngagementFlags1768000000000 } from './migrations/1768000000000-pair-engagement-flags';

/** Where live read-model tables live; rebuilds fill READ_MODELS_REBUILD_SCHEMA and then move their tables here. */
export const READ_MODELS_SCHEMA = 'read_models';
export const READ_MODELS_REBUILD_SCHEMA = 'read_models_rebuild';

export const READ_MODEL_ENTITIES = [
  ProgramOverviewRow,
  ParticipantRow,
  PairRow,
  SessionRow,
  ObjectiveRow,
  FeedbackRow,
  ProgramWeekRow,
  PairSpanRow,
];

export const READ_MODEL_MIGRATIONS = [
  DashboardReadModels1763800000000,
  AuditAnchors1765000000000,
  PersonalDataStoredForm1766000000000,
  OneCheckpointStore1767000000000,
  PairEngagementFlags1768000000000,
];

export interface ReadModelsConnection {
  readonly databaseUrl: string;
  /** Connections in the pool. */
  readonly poolSize?: number;
  readonly applicationName?: string;
}

/**
 * Read-model entities carry no schema: the connection's search_path names the live schema, and a rebuild
 * sets its own for one transaction, so the same entities and projection code write the new tables.
 */
export function createReadModelsDataSource(connection: ReadModelsConnection): DataSource {
  return new DataSource({
    type: 'postgres',
    url: connection.databaseUrl,
    entities: READ_MODEL_ENTITIES,
    migrations: READ_MODEL_MIGRATIONS,
    migrationsTableName: 'read_model_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName: connection.applicationName ?? 'flipside-read-models',
    extra: { max: connection.poolSize ?? 10, options: `-c search_path=${READ_MODELS_SCHEMA}` },
  });
}

const MIGRATION_LOCK = 'flipside.read_models.migrations';

/** Runs pending TypeORM migrations once across every process that starts at the same time (API, projectors). */
export async function migrateReadModels(dataSource: DataSource, databaseUrl: string): Promise<void> {
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [MIGRATION_LOCK]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS ${READ_MODELS_SCHEMA}`);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end().catch(() => undefined);
  }
}

/** Initializes a data source and brings the schema up to date. */
export async function openReadModels(connection: ReadModelsConnection): Promise<DataSource> {
  const dataSource = createReadModelsDataSource(connection);
  await dataSource.initialize();
  try {
    await migrateReadModels(dataSource, connection.databaseUrl);
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
  return dataSource;
}
