import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { loadConfig } from '@flipside/config';
import { createTestDatabase, requirePostgres, TcpProxy, TestDatabase } from '@flipside/testing';
import { createApp } from '../src/app.factory';
import { mintBearerToken } from '../src/identity/bearer-token';
import { examples } from './support/api-harness';

describe('When the event store cannot be reached', () => {
  it('answers 503 with Retry-After, and records once it is back', async () => {
    if (!(await requirePostgres())) return;
    const database: TestDatabase = await createTestDatabase('flipside_down');
    const target = new URL(database.url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    target.port = String(proxy.port);
    const config = loadConfig({ DATABASE_URL: target.toString(), JWT_SECRET: randomBytes(32).toString('hex'), FLIPSIDE_MASTER_KEY: randomBytes(32).toString('base64') });
    const app = await createApp(config, { logger: false });
    const auth = { Authorization: `Bearer ${mintBearerToken({ sub: 'a', org: `org-${randomUUID()}`, roles: ['admin'] }, config.jwtSecret)}` };
    try {
      await proxy.cut();
      const down = await request(app.getHttpServer()).post('/v1/programs').set(auth).send(examples.program());
      expect(down.status).toBe(503);
      expect(down.headers['retry-after']).toBe('5');
      expect(down.headers['content-type']).toMatch(/problem\+json/);

      await proxy.restore();
      const back = await request(app.getHttpServer()).post('/v1/programs').set(auth).send(examples.program());
      expect(back.status).toBe(201);
    } finally {
      await app.close();
      await proxy.cut();
      await database.drop();
    }
  });
});

describe('When EventStoreDB cannot be reached', () => {
  it('answers 503 with Retry-After, and records once it is back', async () => {
    if (!(await requirePostgres())) return;
    const { EventStoreDbDouble } = await import('@flipside/event-store/testing/eventstoredb-double');
    const database = await createTestDatabase('flipside_esdb_down');
    const double = await EventStoreDbDouble.start();
    const config = loadConfig({
      DATABASE_URL: database.url,
      JWT_SECRET: randomBytes(32).toString('hex'),
      FLIPSIDE_MASTER_KEY: randomBytes(32).toString('base64'),
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_URL: double.connectionString,
    });
    const app = await createApp(config, { logger: false });
    const auth = { Authorization: `Bearer ${mintBearerToken({ sub: 'a', org: `org-${randomUUID()}`, roles: ['admin'] }, config.jwtSecret)}` };
    try {
      await double.stop();
      const down = await request(app.getHttpServer()).post('/v1/programs').set(auth).send(examples.program());
      expect(down.status).toBe(503);
      expect(down.headers['retry-after']).toBe('5');
      const health = await request(app.getHttpServer()).get('/health');
      expect(health.status).toBe(503);

      await double.restart();
      const back = await request(app.getHttpServer()).post('/v1/programs').set(auth).send(examples.program());
      expect(back.status).toBe(201);
      expect((await request(app.getHttpServer()).get('/health')).status).toBe(200);
    } finally {
      await app.close();
      await double.stop();
      await database.drop();
    }
  });
});
