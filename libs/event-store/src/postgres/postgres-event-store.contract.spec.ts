import { createTestDatabase, requirePostgres } from '@flipside/testing';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { PostgresEventStore } from './postgres-event-store';

describeEventStoreContract('PostgreSQL', async () => {
  if (!(await requirePostgres())) return undefined;
  const database = await createTestDatabase();
  const store = new PostgresEventStore({ connectionString: database.url });
  await store.start();
  return {
    store,
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
});
