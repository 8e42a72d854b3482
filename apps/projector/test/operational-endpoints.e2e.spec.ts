import { networkInterfaces } from 'node:os';
import { EventStoreDbDouble } from '@flipside/event-store/testing/eventstoredb-double';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { ProjectorProcess } from './support/projector-process';
import { eventually } from './support/projector-in-process';

jest.setTimeout(120_000);

const TOKEN = 'operational-endpoints-token-0123456789abcdef';
const SAME_LENGTH_WRONG = TOKEN.replace(/.$/, (last) => (last === 'f' ? 'e' : 'f'));

/** An address of this machine that is not loopback: how another host would reach the port. */
function outsideAddress(): string | undefined {
  const all = Object.values(networkInterfaces()).flatMap((entries) => entries ?? []);
  return all.find((entry) => entry.family === 'IPv4' && !entry.internal)?.address;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

async function get(url: string, authorization?: string): Promise<Answer> {
  const response = await fetch(url, { headers: authorization ? { Authorization: authorization } : {}, signal: AbortSignal.timeout(5000) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const json = (answer: Answer) => JSON.parse(answer.text) as Record<string, any>;

/** The real projector (main.ts, configuration from the environment) on the EventStoreDB double, publishing off. */
async function startProjector(name: string, selection: { databaseUrl: string; eventStoreUrl: string }, env: Record<string, string> = {}) {
  const projector = ProjectorProcess.start(name, {
    DATABASE_URL: selection.databaseUrl,
    EVENT_STORE: 'eventstoredb',
    EVENTSTORE_URL: selection.eventStoreUrl,
    KAFKA_BROKERS: '',
    METRICS_TOKEN: '',
    ...env,
  });
  const line = await projector.waitForLine(/Health and metrics on http:\/\/[^/\s]+:\d+\//, 60_000);
  const [, host, port] = /http:\/\/([^/\s]+):(\d+)\//.exec(line)!;
  return { projector, host, port: Number(port) };
}

describe('Where the projector serves /metrics and health', () => {
  let database: TestDatabase | undefined;
  let double: EventStoreDbDouble;
  const processes: ProjectorProcess[] = [];

  beforeAll(async () => {
    if (!(await requirePostgres())) return;
    database = await createTestDatabase('flipside_ops');
    double = await EventStoreDbDouble.start();
  });
  afterAll(async () => {
    for (const projector of processes) await projector.kill('SIGTERM');
    if (!database) return;
    await double.stop();
    await database.drop();
  });

  describe('without METRICS_TOKEN', () => {
    it('listens on loopback only, where everything stays open', async () => {
      if (!database) return;
      const { projector, host, port } = await startProjector('no-token', { databaseUrl: database.url, eventStoreUrl: double.connectionString });
      processes.push(projector);
      const outside = outsideAddress();
      if (outside) {
        const refused = await get(`http://${outside}:${port}/health/live`).then(
          () => 'answered',
          (error: { cause?: { code?: string } }) => error.cause?.code,
        );
        expect({ outside, refused }).toEqual({ outside, refused: 'ECONNREFUSED' });
      } else {
        expect(host).toBe('127.0.0.1');
      }
      expect((await get(`http://127.0.0.1:${port}/metrics`)).text).toMatch(/^flipside_event_store_up [01]$/m);
      expect(json(await get(`http://127.0.0.1:${port}/health`))).toHaveProperty('projections');
      await projector.kill('SIGTERM');
    });
  });

  describe('with METRICS_TOKEN', () => {
    let base = '';
    const bearer = `Bearer ${TOKEN}`;

    beforeAll(async () => {
      if (!database) return;
      const { projector, port } = await startProjector(
        'token',
        { databaseUrl: database.url, eventStoreUrl: double.connectionString },
        { METRICS_TOKEN: TOKEN },
      );
      processes.push(projector);
      // Reached on a non-loopback address when the machine has one: the token is what lets other hosts in.
      base = `http://${outsideAddress() ?? '127.0.0.1'}:${port}`;
    });

    it('/metrics: 401 without the token or with a wrong one, Prometheus text with it', async () => {
      if (!database) return;
      for (const authorization of [undefined, 'Bearer wrong', `Bearer ${SAME_LENGTH_WRONG}`, `Basic ${TOKEN}`, TOKEN]) {
        const refused = await get(`${base}/metrics`, authorization);
        expect({ authorization, status: refused.status, body: refused.text }).toEqual({
          authorization,
          status: 401,
          body: expect.not.stringContaining('flipside_'),
        });
        expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      }
      const metrics = await get(`${base}/metrics`, bearer);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(metrics.text).toMatch(/^flipside_event_store_up 1$/m);
    });

    it('/health: only {status}, with the same 200 or 503, unless the token asks for the details', async () => {
      if (!database) return;
      const detailed = await eventually(() => get(`${base}/health`, bearer), (answer) => answer.status === 200);
      expect(json(detailed)).toMatchObject({ status: 'ready', eventStore: { reachable: true }, projections: expect.any(Array) });
      const open = await get(`${base}/health`);
      expect({ status: open.status, body: json(open) }).toEqual({ status: 200, body: { status: 'ready' } });
      expect((await get(`${base}/health`, `Bearer ${SAME_LENGTH_WRONG}`)).status).toBe(401);

      await double.stop();
      try {
        const down = await eventually(() => get(`${base}/health`), (answer) => answer.status === 503, 20_000);
        // The store's error text is what must not leave the machine without the token.
        expect(json(down)).toEqual({ status: 'unready' });
        const downDetailed = await get(`${base}/health`, bearer);
        expect(downDetailed.status).toBe(503);
        expect(json(downDetailed)).toMatchObject({ status: 'unready', eventStore: { reachable: false, lastError: { message: expect.any(String) } } });
      } finally {
        await double.restart();
      }
    });

    it('/health/live stays public', async () => {
      if (!database) return;
      for (const authorization of [undefined, 'Bearer wrong', bearer]) {
        const live = await get(`${base}/health/live`, authorization);
        expect({ authorization, status: live.status, body: json(live) }).toEqual({ authorization, status: 200, body: { status: 'alive' } });
      }
    });
  });
});
