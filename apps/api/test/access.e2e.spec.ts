import { JWTPayload, SignJWT } from 'jose';
import { ApiHarness, examples, runningPair, startApi } from './support/api-harness';

describe('Identity and access', () => {
  let api: ApiHarness | undefined;
  let pair: Awaited<ReturnType<typeof runningPair>>;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const signHs256 = (claims: JWTPayload, secret: string) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
  const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;

  beforeAll(async () => {
    api = await startApi();
    if (api) pair = await runningPair(api);
  });
  afterAll(async () => {
    await api?.close();
  });

  async function unchanged(send: () => Promise<{ status: number; headers: Record<string, string> }>, status: number) {
    const before = (await api!.allEvents()).length;
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await api!.allEvents()).length).toBe(before);
    return response;
  }

  it('401 without a token, with a bad signature, an expired token or a token without exp', async () => {
    if (!api) return;
    const secret = api.config.jwtSecret;
    const noToken = await unchanged(() => api!.http().post('/v1/programs').send(examples.program()), 401);
    expect(noToken.headers['www-authenticate']).toMatch(/^Bearer/);
    const forged = await signHs256({ sub: 'a', org: 'o', roles: ['admin'], exp: inOneHour() }, 'another-secret-another-secret-xx');
    await unchanged(() => api!.http().post('/v1/programs').set(bearer(forged)).send(examples.program()), 401);
    const expired = await signHs256({ sub: 'a', org: 'o', roles: ['admin'], exp: Math.floor(Date.now() / 1000) - 60 }, secret);
    await unchanged(() => api!.http().post('/v1/programs').set(bearer(expired)).send(examples.program()), 401);
    const forever = await signHs256({ sub: 'a', org: 'o', roles: ['admin'] }, secret);
    await unchanged(() => api!.http().post('/v1/programs').set(bearer(forever)).send(examples.program()), 401);
    const badRole = await signHs256({ sub: 'a', org: 'o', roles: ['superuser'], exp: inOneHour() }, secret);
    await unchanged(() => api!.http().post('/v1/programs').set(bearer(badRole)).send(examples.program()), 401);
  });

  it('403 for analysts and auditors on every command', async () => {
    if (!api) return;
    for (const role of ['analyst', 'auditor'] as const) {
      const token = api.token({ roles: [role] });
      await unchanged(() => api!.http().post('/v1/programs').set(bearer(token)).send(examples.program()), 403);
      await unchanged(
        () => api!.http().post(`/v1/programs/${pair.programId}/pairs/${pair.pairId}/sessions`).set(bearer(token)).send(examples.session()),
        403,
      );
    }
  });

  it("404 for another organization's program, even for its admin", async () => {
    if (!api) return;
    const stranger = api.token({ org: 'another-org' });
    const response = await unchanged(() => api!.http().post(`/v1/programs/${pair.programId}/launch`).set(bearer(stranger)), 404);
    expect(response.status).toBe(404);
    await unchanged(
      () => api!.http().post(`/v1/programs/${pair.programId}/pairs/${pair.pairId}/sessions`).set(bearer(stranger)).send(examples.session()),
      404,
    );
  });

  it('lets a pair member log sessions, set objectives and give feedback as itself, and nothing else', async () => {
    if (!api) return;
    const mentee = bearer(api.token({ sub: pair.menteePersonId, roles: ['participant'] }));
    const base = `/v1/programs/${pair.programId}/pairs/${pair.pairId}`;
    await api.http().post(`${base}/sessions`).set(mentee).send(examples.session()).expect(201);
    const objective = await api.http().post(`${base}/objectives`).set(mentee).send(examples.objective()).expect(201);
    await api
      .http()
      .post(`${base}/feedback`)
      .set(mentee)
      .send({ fromRole: 'mentee', givenBy: pair.menteeId, rating: 4, fit: 'good' })
      .expect(201);

    await unchanged(
      () => api!.http().post(`${base}/feedback`).set(mentee).send({ fromRole: 'mentor', givenBy: pair.mentorId, rating: 1, fit: 'not-a-fit' }),
      403,
    );
    await unchanged(() => api!.http().post(`${base}/objectives/${objective.body.id}/achieve`).set(mentee).send({ finalLevel: 9 }), 403);
    await unchanged(() => api!.http().post(`${base}/end`).set(mentee).send({ reason: 'completed' }), 403);
    await unchanged(() => api!.http().post(`/v1/programs/${pair.programId}/launch`).set(mentee), 403);
  });

  it('403 for a participant on a pair it does not belong to', async () => {
    if (!api) return;
    const outsider = bearer(api.token({ sub: 'emp-not-in-this-pair', roles: ['participant'] }));
    await unchanged(
      () => api!.http().post(`/v1/programs/${pair.programId}/pairs/${pair.pairId}/sessions`).set(outsider).send(examples.session()),
      403,
    );
  });
});
