import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { KeyVault } from '@flipside/personal-data';
import { ApiHarness, examples, runningPair, startApi } from './support/api-harness';

/**
 * Erasure is two steps, events then keys. A failure between them (a crash, the database gone at the wrong moment)
 * leaves the events recorded and the keys alive; the same request repeated finishes the job, recording nothing twice.
 */
describe('an erasure interrupted between its events and its keys', () => {
  let api: ApiHarness | undefined;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => api?.close());

  const liveKeysOf = async (personId: string) => {
    const pool = new Pool({ connectionString: api!.config.databaseUrl, max: 1 });
    try {
      const { rows } = await pool.query('SELECT count(*)::int AS live FROM personal_data.data_keys WHERE $1 = ANY(members) AND destroyed_at IS NULL', [personId]);
      return rows[0].live as number;
    } finally {
      await pool.end();
    }
  };

  it('is finished by repeating the request', async () => {
    if (!api) return;
    const admin = { Authorization: `Bearer ${api.token()}` };
    const pair = await runningPair(api);
    const base = `/v1/programs/${pair.programId}/pairs/${pair.pairId}`;
    await api.http().post(`${base}/sessions`).set(admin).send(examples.session({ insights: `Resumed ${randomUUID()}` })).expect(201);

    const vault = api.app.get(KeyVault);
    const destroy = jest.spyOn(vault, 'destroyKeysOf').mockRejectedValueOnce(new Error('connection lost'));
    await api.http().post(`/v1/people/${pair.menteePersonId}/erasure`).set(admin).expect(500);
    const recorded = (await api.allEvents()).filter((event) => event.type === 'PersonErased');
    expect(recorded).toHaveLength(1);
    // The keys still live (the person's, the pair's), though every reader already shows the person erased.
    expect(await liveKeysOf(pair.menteePersonId)).toBe(2);
    const half = await api.http().get(`/v1/people/${pair.menteePersonId}/personal-data`).set(admin).expect(200);
    expect(half.body.programs[0].participant).toMatchObject({ displayName: null, erased: true });

    destroy.mockRestore();
    const finished = await api.http().post(`/v1/people/${pair.menteePersonId}/erasure`).set(admin).expect(200);
    expect(finished.body).toMatchObject({ programs: [{ programId: pair.programId, recorded: false }], keysDestroyed: 2 });
    expect((await api.allEvents()).filter((event) => event.type === 'PersonErased')).toHaveLength(1);
    expect(await liveKeysOf(pair.menteePersonId)).toBe(0);
    const done = await api.http().get(`/v1/people/${pair.menteePersonId}/personal-data`).set(admin).expect(200);
    expect(done.body.programs[0].participant).toMatchObject({ displayName: null, email: null, erased: true });
  });
});
