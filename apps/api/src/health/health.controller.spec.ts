import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { loadConfig } from '@flipside/config';
import { createTestDatabase, requirePostgres, TcpProxy } from '@flipside/testing';
import { createApp } from '../app.factory';

// The API's health is public (no token): it names states, never an error text or where the store lives.
describe("The API's /health while its PostgreSQL event store is cut off", () => {
  it('answers 503 with two words, and /health/live only that it is up', async () => {
    if (!(await requirePostgres())) return;
    const database = await createTestDatabase('flipside_api_health');
    const target = new URL(database.url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    target.port = String(proxy.port);
    const app = await createApp(loadConfig({ DATABASE_URL: target.toString(), JWT_SECRET: randomBytes(32).toString('hex'), FLIPSIDE_MASTER_KEY: randomBytes(32).toString('base64') }), { logger: false });
    try {
      expect((await request(app.getHttpServer()).get('/health')).body).toEqual({ status: 'up', eventStore: 'reachable' });
      await proxy.cut();
      const down = await request(app.getHttpServer()).get('/health');
      expect({ status: down.status, body: down.body }).toEqual({ status: 503, body: { status: 'down', eventStore: 'unreachable' } });
      const live = await request(app.getHttpServer()).get('/health/live');
      expect({ status: live.status, body: live.body }).toEqual({ status: 200, body: { status: 'up' } });
    } finally {
      await app.close();
      await proxy.cut();
      await database.drop();
    }
  });
});
