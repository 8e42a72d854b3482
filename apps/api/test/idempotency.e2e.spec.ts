import { randomUUID } from 'node:crypto';
import { ApiHarness, examples, runningPair, startApi } from './support/api-harness';

describe('Retries that must not record twice', () => {
  let api: ApiHarness | undefined;
  let auth: Record<string, string>;
  beforeAll(async () => {
    api = await startApi();
    if (api) auth = { Authorization: `Bearer ${api.token()}` };
  });
  afterAll(async () => {
    await api?.close();
  });

  describe('Idempotency-Key', () => {
    it('replays the first response for a retry, without appending again', async () => {
      if (!api) return;
      const key = randomUUID();
      const body = examples.program();
      const first = await api.http().post('/v1/programs').set(auth).set('Idempotency-Key', key).send(body).expect(201);
      const before = (await api.allEvents()).length;
      const retry = await api.http().post('/v1/programs').set(auth).set('Idempotency-Key', key).send(body).expect(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.location).toBe(first.headers.location);
      expect(retry.headers.etag).toBe(first.headers.etag);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect((await api.allEvents()).length).toBe(before);
    });

    it('answers 422 when the same key comes with a different body, and records nothing', async () => {
      if (!api) return;
      const key = randomUUID();
      await api.http().post('/v1/programs').set(auth).set('Idempotency-Key', key).send(examples.program()).expect(201);
      const before = (await api.allEvents()).length;
      const reused = await api
        .http()
        .post('/v1/programs')
        .set(auth)
        .set('Idempotency-Key', key)
        .send(examples.program({ name: 'Another program' }))
        .expect(422);
      expect(reused.headers['content-type']).toMatch(/problem\+json/);
      expect((await api.allEvents()).length).toBe(before);
    });

    it('keeps keys per organization: another organization may use the same key', async () => {
      if (!api) return;
      const key = randomUUID();
      const other = { Authorization: `Bearer ${api.token({ org: `org-${randomUUID()}` })}` };
      const mine = await api.http().post('/v1/programs').set(auth).set('Idempotency-Key', key).send(examples.program()).expect(201);
      const theirs = await api.http().post('/v1/programs').set(other).set('Idempotency-Key', key).send(examples.program()).expect(201);
      expect(theirs.body.id).not.toBe(mine.body.id);
    });

    it('replays a refusal too, and refuses a key longer than 200 characters', async () => {
      if (!api) return;
      const key = randomUUID();
      const bad = examples.program({ name: '' });
      await api.http().post('/v1/programs').set(auth).set('Idempotency-Key', key).send(bad).expect(400);
      const again = await api.http().post('/v1/programs').set(auth).set('Idempotency-Key', key).send(bad).expect(400);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers['content-type']).toMatch(/problem\+json/);
      await api.http().post('/v1/programs').set(auth).set('Idempotency-Key', 'k'.repeat(201)).send(examples.program()).expect(400);
    });

    it('survives a restart: the key is stored durably', async () => {
      if (!api) return;
      const key = randomUUID();
      const body = examples.program();
      const first = await api.http().post('/v1/programs').set(auth).set('Idempotency-Key', key).send(body).expect(201);
      const { createApp } = await import('../src/app.factory');
      const restarted = await createApp(api.config, { logger: false });
      try {
        const request = (await import('supertest')).default;
        const retry = await request(restarted.getHttpServer()).post('/v1/programs').set(auth).set('Idempotency-Key', key).send(body).expect(201);
        expect(retry.body).toEqual(first.body);
      } finally {
        await restarted.close();
      }
    });
  });

  describe('Client-chosen ids', () => {
    it('answers a repeated creation with the first result (200), not a duplicate', async () => {
      if (!api) return;
      const id = randomUUID();
      const body = examples.program({ id });
      const first = await api.http().post('/v1/programs').set(auth).send(body).expect(201);
      const again = await api.http().post('/v1/programs').set(auth).send(body).expect(200);
      expect(again.body).toEqual(first.body);
      expect(await api.store.readStream(`program-${id}`)).toHaveLength(1);
    });

    it('refuses the same id with different content (409)', async () => {
      if (!api) return;
      const id = randomUUID();
      await api.http().post('/v1/programs').set(auth).send(examples.program({ id })).expect(201);
      await api.http().post('/v1/programs').set(auth).send(examples.program({ id, name: 'Different' })).expect(409);
    });
  });

  describe('If-Match', () => {
    it('records when the revision matches and answers 412 without appending when it is stale', async () => {
      if (!api) return;
      const { programId, pairId } = await runningPair(api);
      const base = `/v1/programs/${programId}/pairs/${pairId}`;
      const first = await api.http().post(`${base}/sessions`).set(auth).send(examples.session()).expect(201);
      expect(first.headers.etag).toBe('"0"');
      await api.http().post(`${base}/sessions`).set(auth).set('If-Match', '"0"').send(examples.session()).expect(201);
      const before = (await api.allEvents()).length;
      const stale = await api.http().post(`${base}/sessions`).set(auth).set('If-Match', '"0"').send(examples.session()).expect(412);
      expect(stale.body).toMatchObject({ expectedRevision: '0', actualRevision: '1' });
      expect((await api.allEvents()).length).toBe(before);
    });
  });
});
