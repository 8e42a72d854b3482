import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request, { Test } from 'supertest';
import { createApp } from '../src/app.factory';
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

    it('refuses a key longer than 200 characters', async () => {
      if (!api) return;
      await api.http().post('/v1/programs').set(auth).set('Idempotency-Key', 'k'.repeat(201)).send(examples.program()).expect(400);
    });

    it('answers only the caller that made the first request: another subject with the key runs its own request', async () => {
      if (!api) return;
      const pair = await runningPair(api);
      const m2 = examples.mentor();
      await api.http().post(`/v1/programs/${pair.programId}/participants`).set(auth).send(m2).expect(201);
      const outsider = { Authorization: `Bearer ${api.token({ sub: m2.personId, roles: ['participant'] })}` };
      const sessions = `/v1/programs/${pair.programId}/pairs/${pair.pairId}/sessions`;
      const key = randomUUID();
      const body = examples.session();
      const first = await api.http().post(sessions).set(auth).set('Idempotency-Key', key).send(body).expect(201);
      const before = (await api.allEvents()).length;

      const refused = await api.http().post(sessions).set(outsider).set('Idempotency-Key', key).send(body).expect(403);
      expect(refused.headers['idempotent-replayed']).toBeUndefined();
      expect(refused.body).not.toMatchObject({ id: first.body.id });
      // Pair membership is the command's own refusal: m2's retry gets m2's answer back.
      const refusedAgain = await api.http().post(sessions).set(outsider).set('Idempotency-Key', key).send(body).expect(403);
      expect(refusedAgain.headers['idempotent-replayed']).toBe('true');
      expect((await api.allEvents()).length).toBe(before);

      const retry = await api.http().post(sessions).set(auth).set('Idempotency-Key', key).send(body).expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect((await api.allEvents()).length).toBe(before);

      const otherAdmin = { Authorization: `Bearer ${api.token({ sub: 'admin-2' })}` };
      const theirs = await api.http().post(sessions).set(otherAdmin).set('Idempotency-Key', key).send(body).expect(201);
      expect(theirs.headers['idempotent-replayed']).toBeUndefined();
      expect(theirs.body.id).not.toBe(first.body.id);
    });

    it('answers 422 when the same subject reuses a key on another route, and records nothing', async () => {
      if (!api) return;
      const [a, b] = [await runningPair(api), await runningPair(api)];
      const key = randomUUID();
      const body = examples.session();
      await api.http().post(`/v1/programs/${a.programId}/pairs/${a.pairId}/sessions`).set(auth).set('Idempotency-Key', key).send(body).expect(201);
      const before = (await api.allEvents()).length;
      const reused = await api
        .http()
        .post(`/v1/programs/${b.programId}/pairs/${b.pairId}/sessions`)
        .set(auth)
        .set('Idempotency-Key', key)
        .send(body)
        .expect(422);
      expect(reused.headers['content-type']).toMatch(/problem\+json/);
      expect((await api.allEvents()).length).toBe(before);
    });

    describe('a request refused before it executes leaves the key unused, so the corrected retry records', () => {
      it('a body the ValidationPipe refuses', async () => {
        if (!api) return;
        const key = randomUUID();
        const before = (await api.allEvents()).length;
        const refused = await api
          .http()
          .post('/v1/programs')
          .set(auth)
          .set('Idempotency-Key', key)
          .send({ ...examples.program(), colour: 'red' })
          .expect(400);
        expect(refused.headers['idempotent-replayed']).toBeUndefined();
        expect((await api.allEvents()).length).toBe(before);
        const body = examples.program();
        const corrected = await api.http().post('/v1/programs').set(auth).set('Idempotency-Key', key).send(body).expect(201);
        expect(corrected.headers['idempotent-replayed']).toBeUndefined();
        const retry = await api.http().post('/v1/programs').set(auth).set('Idempotency-Key', key).send(body).expect(201);
        expect(retry.headers['idempotent-replayed']).toBe('true');
        expect(retry.body).toEqual(corrected.body);
      });

      it('a path id that is not a UUID', async () => {
        if (!api) return;
        const program = await api.http().post('/v1/programs').set(auth).send(examples.program()).expect(201);
        const key = randomUUID();
        const before = (await api.allEvents()).length;
        await api.http().post('/v1/programs/not-a-uuid/launch').set(auth).set('Idempotency-Key', key).expect(400);
        expect((await api.allEvents()).length).toBe(before);
        const corrected = await api.http().post(`/v1/programs/${program.body.id}/launch`).set(auth).set('Idempotency-Key', key).expect(200);
        expect(corrected.headers['idempotent-replayed']).toBeUndefined();
      });

      it('a malformed If-Match', async () => {
        if (!api) return;
        const { programId, pairId } = await runningPair(api);
        const sessions = `/v1/programs/${programId}/pairs/${pairId}/sessions`;
        const key = randomUUID();
        const body = examples.session();
        const before = (await api.allEvents()).length;
        await api.http().post(sessions).set(auth).set('Idempotency-Key', key).set('If-Match', 'three').send(body).expect(400);
        expect((await api.allEvents()).length).toBe(before);
        const corrected = await api.http().post(sessions).set(auth).set('Idempotency-Key', key).send(body).expect(201);
        expect(corrected.headers['idempotent-replayed']).toBeUndefined();
        expect((await api.allEvents()).length).toBe(before + 1);
      });
    });

    describe('a refusal the command decided is stored and replayed, without recording', () => {
      const replayed = async (send: () => Test, status: number) => {
        const first = await send().expect(status);
        expect(first.headers['idempotent-replayed']).toBeUndefined();
        const before = (await api!.allEvents()).length;
        const again = await send().expect(status);
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.headers['content-type']).toMatch(/problem\+json/);
        expect(again.body).toEqual(first.body);
        expect((await api!.allEvents()).length).toBe(before);
      };

      it('409 for a broken rule', async () => {
        if (!api) return;
        const program = await api.http().post('/v1/programs').set(auth).send(examples.program()).expect(201);
        await api.http().post(`/v1/programs/${program.body.id}/launch`).set(auth).expect(200);
        const key = randomUUID();
        await replayed(() => api!.http().post(`/v1/programs/${program.body.id}/launch`).set(auth).set('Idempotency-Key', key), 409);
      });

      it('404 for a program that does not exist', async () => {
        if (!api) return;
        const [key, missing] = [randomUUID(), randomUUID()];
        await replayed(() => api!.http().post(`/v1/programs/${missing}/launch`).set(auth).set('Idempotency-Key', key), 404);
      });

      it('400 from the decider (a session in the future)', async () => {
        if (!api) return;
        const { programId, pairId } = await runningPair(api);
        const key = randomUUID();
        const future = examples.session({ heldOn: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10) });
        await replayed(
          () => api!.http().post(`/v1/programs/${programId}/pairs/${pairId}/sessions`).set(auth).set('Idempotency-Key', key).send(future),
          400,
        );
      });

      it('412 for a stale If-Match', async () => {
        if (!api) return;
        const { programId, pairId } = await runningPair(api);
        const sessions = `/v1/programs/${programId}/pairs/${pairId}/sessions`;
        await api.http().post(sessions).set(auth).send(examples.session()).expect(201);
        await api.http().post(sessions).set(auth).send(examples.session()).expect(201);
        const key = randomUUID();
        const body = examples.session();
        await replayed(() => api!.http().post(sessions).set(auth).set('Idempotency-Key', key).set('If-Match', '"0"').send(body), 412);
      });
    });

    it('survives a restart: the key is stored durably', async () => {
      if (!api) return;
      const key = randomUUID();
      const body = examples.program();
      const first = await api.http().post('/v1/programs').set(auth).set('Idempotency-Key', key).send(body).expect(201);
      const restarted = await createApp(api.config, { logger: false });
      try {
        const retry = await request(restarted.getHttpServer()).post('/v1/programs').set(auth).set('Idempotency-Key', key).send(body).expect(201);
        expect(retry.body).toEqual(first.body);
      } finally {
        await restarted.close();
      }
    });
  });

  describe('Idempotency keys stored by an older deployment', () => {
    it('are migrated in place, by two API processes starting at once, and replayed to no one', async () => {
      const legacy = await startApi();
      if (!legacy) return;
      const org = `org-${randomUUID()}`;
      const admin = { Authorization: `Bearer ${legacy.token({ org })}` };
      const database = new Pool({ connectionString: legacy.config.databaseUrl });
      try {
        // The table as it was: keyed per organization only, with no subject.
        await database.query(`
          DROP TABLE api.idempotency_keys;
          CREATE TABLE api.idempotency_keys (
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
          CREATE INDEX idempotency_keys_created_at ON api.idempotency_keys (created_at);`);
        await database.query(
          `INSERT INTO api.idempotency_keys VALUES ($1, 'legacy-key', 'unknown', 'done', now(), 201, '{}', '{"id":"someone else''s"}')`,
          [org],
        );
        const apps = await Promise.all([createApp(legacy.config, { logger: false }), createApp(legacy.config, { logger: false })]);
        try {
          const { rows } = await database.query(
            `SELECT a.attname FROM pg_index i
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
              WHERE i.indrelid = 'api.idempotency_keys'::regclass AND i.indisprimary
              ORDER BY array_position(i.indkey, a.attnum)`,
          );
          expect(rows.map((row) => row.attname)).toEqual(['organization_id', 'subject', 'idempotency_key']);
          // A stored answer whose caller is unknown answers no one: the request executes.
          const body = examples.program();
          const fresh = await request(apps[0].getHttpServer()).post('/v1/programs').set(admin).set('Idempotency-Key', 'legacy-key').send(body).expect(201);
          expect(fresh.headers['idempotent-replayed']).toBeUndefined();
          const retry = await request(apps[1].getHttpServer()).post('/v1/programs').set(admin).set('Idempotency-Key', 'legacy-key').send(body).expect(201);
          expect(retry.headers['idempotent-replayed']).toBe('true');
          expect(retry.body).toEqual(fresh.body);
        } finally {
          await Promise.all(apps.map((app) => app.close()));
        }
      } finally {
        await database.end();
        await legacy.close();
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
