import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { ApiHarness, examples, startApi } from './support/api-harness';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const RATE_LIMITS_OFF = { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0' };

function expectRateLimited(response: { status: number; headers: Record<string, string>; body: { type?: string } }) {
  expect(response.status).toBe(429);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body.type).toMatch(/\/problems\/rate-limited$/);
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
  return retryAfter;
}

describe('Rate limit per token subject', () => {
  let api: ApiHarness | undefined;
  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('advertises the quota on every answer and refuses the request over it with 429, recording nothing', async () => {
    if (!api) return;
    const token = api.token({ sub: 'admin-a' });
    for (let sent = 1; sent <= 5; sent++) {
      const created = await api.http().post('/v1/programs').set(bearer(token)).send(examples.program());
      expect(created.status).toBe(201);
      expect(created.headers['ratelimit-policy']).toBe('"address";q=1000;w=60, "subject";q=5;w=60');
      expect(created.headers['ratelimit']).toMatch(new RegExp(`^"address";r=${1000 - sent};t=\\d+, "subject";r=${5 - sent};t=\\d+$`));
    }
    const before = (await api.allEvents()).length;

    const refused = await api.http().post('/v1/programs').set(bearer(token)).send(examples.program());
    const retryAfter = expectRateLimited(refused);
    expect(refused.headers['ratelimit']).toMatch(new RegExp(`^"address";r=\\d+;t=\\d+, "subject";r=0;t=${retryAfter}$`));
    expect(refused.body['violated-policies']).toEqual(['subject']);
    expect((await api.allEvents()).length).toBe(before);
  });

  it('keeps a separate count for another subject of the same organization, and for the same subject of another', async () => {
    if (!api) return;
    const spent = api.token({ sub: 'admin-c' });
    for (let sent = 1; sent <= 5; sent++) await api.http().get('/v1/programs').set(bearer(spent)).expect(200);
    expectRateLimited(await api.http().get('/v1/programs').set(bearer(spent)));

    const colleague = await api.http().get('/v1/programs').set(bearer(api.token({ sub: 'admin-d' })));
    expect(colleague.status).toBe(200);
    expect(colleague.headers['ratelimit']).toMatch(/"subject";r=4;t=\d+$/);
    const namesake = await api.http().get('/v1/programs').set(bearer(api.token({ sub: 'admin-c', org: 'org-elsewhere' })));
    expect(namesake.status).toBe(200);
    expect(namesake.headers['ratelimit']).toMatch(/"subject";r=4;t=\d+$/);
  });
});

describe('Rate limit per client address', () => {
  let api: ApiHarness | undefined;
  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('counts anonymous requests (their 401s too) and ignores X-Forwarded-For when no proxy is trusted', async () => {
    if (!api) return;
    for (let sent = 1; sent <= 3; sent++) {
      const anonymous = await api.http().get('/v1/programs').set('X-Forwarded-For', `203.0.113.${sent}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['ratelimit-policy']).toBe('"address";q=3;w=60');
      expect(anonymous.headers['ratelimit']).toMatch(new RegExp(`^"address";r=${3 - sent};t=\\d+$`));
    }
    const refused = await api.http().get('/v1/programs').set('X-Forwarded-For', '203.0.113.99');
    expectRateLimited(refused);
    expect(refused.body['violated-policies']).toEqual(['address']);
    expectRateLimited(await api.http().post('/v1/programs').set(bearer(api.token())).send(examples.program()));
    // Refused before the body is read: a malformed body is not even looked at.
    expectRateLimited(await api.http().post('/v1/programs').set(bearer(api.token())).set('Content-Type', 'application/json').send('{"name":'));
  });

  it('never limits health checks or the contract at /docs', async () => {
    if (!api) return;
    for (let sent = 0; sent < 6; sent++) {
      const live = await api.http().get('/health/live');
      expect(live.status).toBe(200);
      expect(live.headers['ratelimit']).toBeUndefined();
    }
    expect((await api.http().get('/docs/openapi.json')).status).toBe(200);
  });
});

describe('Rate limit per client address behind a trusted proxy (TRUST_PROXY=true)', () => {
  let api: ApiHarness | undefined;
  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '3', TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('counts each X-Forwarded-For client address separately', async () => {
    if (!api) return;
    for (let sent = 1; sent <= 3; sent++) expect((await api.http().get('/v1/programs').set('X-Forwarded-For', '203.0.113.7')).status).toBe(401);
    expectRateLimited(await api.http().get('/v1/programs').set('X-Forwarded-For', '203.0.113.7'));

    const other = await api.http().get('/v1/programs').set('X-Forwarded-For', '203.0.113.8');
    expect(other.status).toBe(401);
    expect(other.headers['ratelimit']).toMatch(/^"address";r=2;t=\d+$/);
  });
});

describe('Rate limits set to 0', () => {
  let api: ApiHarness | undefined;
  beforeAll(async () => {
    api = await startApi(RATE_LIMITS_OFF);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('limit nothing and advertise nothing', async () => {
    if (!api) return;
    const token = api.token();
    for (let sent = 0; sent < 8; sent++) {
      const answered = await api.http().get('/v1/programs').set(bearer(token));
      expect(answered.status).toBe(200);
      expect(answered.headers['ratelimit']).toBeUndefined();
      expect(answered.headers['ratelimit-policy']).toBeUndefined();
      expect((await api.http().get('/v1/programs')).status).toBe(401);
    }
  });
});

/** A request the API has taken in and is working on, on its own connection. */
interface OpenRequest {
  /** Sends the held-back body; resolves with the final status. */
  finish(): Promise<number>;
  /** Drops the connection, as a client that gives up does, and waits until the API has seen it close. */
  abort(): Promise<void>;
}

/** The API listening on a loopback port, with a way to see its side of each connection. */
async function listening(api: ApiHarness) {
  const serverSockets = new Map<number, Socket>();
  const server: http.Server = api.app.getHttpServer();
  server.on('connection', (socket: Socket) => serverSockets.set(socket.remotePort ?? 0, socket));
  await api.app.listen(0, '127.0.0.1');
  const port = (server.address() as AddressInfo).port;

  function open(options: http.RequestOptions, body?: string) {
    const request = http.request({ host: '127.0.0.1', port, agent: false, ...options });
    const answered = new Promise<number>((resolve, reject) => {
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
    });
    answered.catch(() => undefined);
    const handle: OpenRequest = {
      finish: async () => {
        request.end(body);
        return answered;
      },
      abort: async () => {
        const serverSide = serverSockets.get(request.socket!.localPort!);
        // Not events.once: the API's side of a dropped connection may emit an error before it closes.
        const closed = new Promise((resolve) => (serverSide ? serverSide.once('close', resolve) : resolve(undefined)));
        request.destroy();
        await closed;
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
    return { request, answered, handle };
  }

  return {
    /** A POST whose body is held back; resolves once the API works on it: Node answers 100 Continue as it hands the request over. */
    async hold(): Promise<OpenRequest> {
      const body = JSON.stringify(examples.program());
      const { request, answered, handle } = open(
        {
          method: 'POST',
          path: '/v1/programs',
          headers: { ...bearer(api.token()), 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Expect: '100-continue' },
        },
        body,
      );
      request.flushHeaders();
      const outcome = await Promise.race([once(request, 'continue').then(() => 'held'), answered]);
      if (outcome !== 'held') throw new Error(`answered ${outcome} instead of taking the request in`);
      return handle;
    },
    /** A GET sent whole; the caller learns by other means when the API works on it. */
    send(path: string, headers: Record<string, string>): OpenRequest & { answered: Promise<number> } {
      const { request, answered, handle } = open({ method: 'GET', path, headers });
      request.end();
      return { ...handle, answered };
    },
  };
}

describe('Overload shedding (API_MAX_CONCURRENT_REQUESTS=2, no queue)', () => {
  let api: ApiHarness | undefined;
  let hold: () => Promise<OpenRequest>;

  beforeAll(async () => {
    api = await startApi({ ...RATE_LIMITS_OFF, API_MAX_CONCURRENT_REQUESTS: '2', API_MAX_QUEUED_REQUESTS: '0' });
    if (api) ({ hold } = await listening(api));
  });
  afterAll(async () => {
    await api?.close();
  });

  it('refuses the request beyond the bound at once with 503 + Retry-After, and serves again when the others finish', async () => {
    if (!api) return;
    const held = [await hold(), await hold()];

    const refused = await api.http().get('/v1/programs').set(bearer(api.token()));
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.type).toMatch(/\/problems\/overloaded$/);
    // A probe must see whether the process is alive, not how busy it is.
    expect((await api.http().get('/health/live')).status).toBe(200);

    expect(await Promise.all(held.map((request) => request.finish()))).toEqual([201, 201]);
    expect((await api.http().get('/v1/programs').set(bearer(api.token()))).status).toBe(200);
  });

  it('gives back the place of every finished or aborted request exactly once', async () => {
    if (!api) return;
    const aborted = [await hold(), await hold()];
    for (const request of aborted) await request.abort();
    expect((await api.http().get('/v1/programs').set(bearer(api.token()))).status).toBe(200);

    // Leaked places would refuse these two; places given back twice would let the third through.
    const held = [await hold(), await hold()];
    expect((await api.http().get('/v1/programs').set(bearer(api.token()))).status).toBe(503);
    for (const request of held) await request.abort();
    expect((await api.http().get('/v1/programs').set(bearer(api.token()))).status).toBe(200);
  });
});

describe('Overload shedding and read-your-writes waits (API_MAX_CONCURRENT_REQUESTS=1, no queue)', () => {
  let api: ApiHarness | undefined;
  let client: Awaited<ReturnType<typeof listening>>;
  beforeAll(async () => {
    api = await startApi({ ...RATE_LIMITS_OFF, API_MAX_CONCURRENT_REQUESTS: '1', API_MAX_QUEUED_REQUESTS: '0' });
    if (api) client = await listening(api);
  });
  afterAll(async () => {
    await api?.close();
  });

  /** A query that waits for a position the read models never reach (MIN_POSITION_WAIT_MS, 5 s by default). */
  const parkQuery = () =>
    client.send(`/v1/programs/${randomUUID()}/pairs`, { ...bearer(api!.token()), 'X-Min-Position': '999999999999/999999999999' });

  /** Until the query parks it holds the only place (503); once parked, others are served while it still waits. */
  async function servedWhileParked(query: { answered: Promise<number> }) {
    let parkedAnswered = false;
    void query.answered.then(
      () => (parkedAnswered = true),
      () => (parkedAnswered = true),
    );
    let served = false;
    while (!served && !parkedAnswered) served = (await api!.http().get('/v1/programs').set(bearer(api!.token()))).status === 200;
    return { served, parkedAnswered };
  }

  it('does not count a query parked until the read models reach its X-Min-Position', async () => {
    if (!api) return;
    const query = parkQuery();
    expect(await servedWhileParked(query)).toEqual({ served: true, parkedAnswered: false });
    expect(await query.answered).toBe(503);
  });

  it('does not take the place back for a parked query whose client went away', async () => {
    if (!api) return;
    const query = parkQuery();
    expect(await servedWhileParked(query)).toEqual({ served: true, parkedAnswered: false });
    await query.abort();
    // The wait ends at its deadline whether or not anyone still listens; then the place must stay free.
    await new Promise((resolve) => setTimeout(resolve, 5500));
    const held = await client.hold();
    expect((await api.http().get('/v1/programs').set(bearer(api.token()))).status).toBe(503);
    expect(await held.finish()).toBe(201);
  });
});

describe('Overload shedding with a queue (API_MAX_CONCURRENT_REQUESTS=1, API_MAX_QUEUED_REQUESTS=1)', () => {
  let api: ApiHarness | undefined;
  let client: Awaited<ReturnType<typeof listening>>;
  beforeAll(async () => {
    api = await startApi({ ...RATE_LIMITS_OFF, API_MAX_CONCURRENT_REQUESTS: '1', API_MAX_QUEUED_REQUESTS: '1' });
    if (api) client = await listening(api);
  });
  afterAll(async () => {
    await api?.close();
  });

  const settledWithin = (answer: Promise<number>, ms: number) =>
    Promise.race([answer.then((status) => status), new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), ms))]);

  it('lets a request wait for a place while the queue has room, refuses the next at once, and serves the waiting one in turn', async () => {
    if (!api) return;
    const held = await client.hold();
    const queued = client.send('/v1/programs', bearer(api.token()));
    expect(await settledWithin(queued.answered, 300)).toBe('waiting');
    const refused = await api.http().get('/v1/programs').set(bearer(api.token()));
    expect(refused.status).toBe(503);
    expect(refused.body.type).toMatch(/\/problems\/overloaded$/);
    expect(await held.finish()).toBe(201);
    expect(await queued.answered).toBe(200);
    expect((await api.http().get('/v1/programs').set(bearer(api.token()))).status).toBe(200);
  });

  it('gives up the turn of a waiting client that went away', async () => {
    if (!api) return;
    const held = await client.hold();
    const gone = client.send('/v1/programs', bearer(api.token()));
    expect(await settledWithin(gone.answered, 300)).toBe('waiting');
    await gone.abort();
    // Its turn is free again: the next request waits (it is not refused) and is served once the place is.
    const next = client.send('/v1/programs', bearer(api.token()));
    expect(await settledWithin(next.answered, 300)).toBe('waiting');
    expect(await held.finish()).toBe(201);
    expect(await next.answered).toBe(200);
  });
});
