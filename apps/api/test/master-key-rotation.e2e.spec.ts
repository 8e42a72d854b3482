import { randomBytes, randomUUID } from 'node:crypto';
import { main as keys } from '../src/personal-data/keys-cli';
import { ApiHarness, examples, startApi } from './support/api-harness';

/** Rotation re-wraps the data keys under a new master key; events are untouched and every name still reads. */
describe('master-key rotation (npm run keys -- rotate)', () => {
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  const org = `org-${randomUUID()}`;
  const personId = `emp-${randomUUID().slice(0, 8)}`;
  const started: ApiHarness[] = [];
  const start = async (env: Record<string, string>) => {
    const api = await startApi(env);
    if (api) started.push(api);
    return api;
  };
  afterAll(async () => {
    for (const api of started.reverse()) await api.close();
  });

  const storedForm = async (api: ApiHarness) => (await api.allEvents()).map(({ id, data, metadata }) => JSON.stringify({ id, data, metadata }));
  const nameThrough = async (api: ApiHarness) => {
    const answer = await api.http().get(`/v1/people/${personId}/personal-data`).set({ Authorization: `Bearer ${api.token({ org })}` }).expect(200);
    return JSON.stringify(answer.body);
  };

  it('re-wraps every data key, after which the new key alone reads the data (the old key alone is refused at start: key-vault.spec)', async () => {
    const first = await start({ FLIPSIDE_MASTER_KEY: oldKey });
    if (!first) return;
    const auth = { Authorization: `Bearer ${first.token({ org })}` };
    const program = await first.http().post('/v1/programs').set(auth).send(examples.program()).expect(201);
    await first.http().post(`/v1/programs/${program.body.id}/participants`).set(auth).send(examples.mentor({ personId, displayName: 'Rotating Rhea' })).expect(201);
    const eventsBefore = await storedForm(first);
    expect(await nameThrough(first)).toContain('Rotating Rhea');

    const same = { DATABASE_URL: first.config.databaseUrl, ...(first.config.eventStoreUrl ? { EVENTSTORE_URL: first.config.eventStoreUrl } : {}) };
    const saved = { ...process.env };
    Object.assign(process.env, same, { FLIPSIDE_MASTER_KEY: newKey, FLIPSIDE_RETIRED_MASTER_KEYS: oldKey });
    try {
      expect(await keys(['rotate'])).toBe(0);
      expect(await keys(['spin'])).toBe(2);
    } finally {
      process.env = saved;
    }
    expect(await storedForm(first)).toEqual(eventsBefore);

    const rotated = await start({ ...same, FLIPSIDE_MASTER_KEY: newKey });
    expect(await nameThrough(rotated!)).toContain('Rotating Rhea');
  });
});
