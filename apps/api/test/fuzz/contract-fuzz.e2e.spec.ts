import fc from 'fast-check';
import { createHmac, randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { comparePositions, Position } from '@flipside/event-store';
import { Role } from '../../src/identity/actor';
import { ApiHarness, examples, runningPair, startApi, testEventStore } from '../support/api-harness';
import { catchUpReadModels } from '../support/read-models';
import { ContractOperation, readContract } from './contract-operations';
import { WireResponse, sendOnWire } from './raw-http';
import { FuzzPair, FuzzRequest, FuzzWorld, mutationClasses, printable, requestsOf } from './request-arbitraries';

/**
 * The contract fuzz: for every operation of docs/openapi.yaml, valid requests built from its schemas and examples
 * on real running pairs, mutated class by class (types, prototype keys, Unicode, numbers, nesting, dates and ids,
 * headers, content types and encodings, query strings, tokens, path ids), sent raw to the real app on real
 * PostgreSQL (the EventStoreDB double in the second pass). Every answer must be a status the document lists for
 * the operation and never a 5xx; every 4xx a problem+json with type, title, status and detail; no body may show a
 * stack, SQL or a file path; a refused request must leave the event store as it was, and a read never writes.
 *
 * `npm test` runs it with a fixed seed and a bounded number of cases; `npm run fuzz -- --runs N --seed S` runs longer.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 909);
// The second pass of `npm test` (on the EventStoreDB double) runs fewer: the HTTP edge is the same code
// above either store, and the PostgreSQL pass is the stricter one (jsonb refuses NUL and lone surrogates).
const RUNS = Number(process.env.FUZZ_RUNS ?? (testEventStore === 'postgres' ? 120 : 30));
// Bounds each class, shrinking included; a failure found in time is still reported, shrunk as far as it got.
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 20_000);
const PAIRS = Number(process.env.FUZZ_PAIRS ?? 6);
// FUZZ_VERBOSE=1 prints, per class, how often each operation answered each status: to see what the fuzz reaches.
const VERBOSE = process.env.FUZZ_VERBOSE === '1';

const { document, operations } = readContract();
const positionPattern = new RegExp(document.components.schemas.Position.pattern as string);
const classes = mutationClasses(positionPattern);

const LEAKS: ReadonlyArray<readonly [string, RegExp]> = [
  ['a stack frame', /\n\s*at \S|\bat (?:async )?[^\s()]+ \([^)]*:\d+:\d+\)|\bat (?:\/|file:)\S*:\d+:\d+/],
  ['a file-system path', /\/work\/|node_modules|\.ts:|\.js:\d/],
  ['SQL', /\b(?:SELECT|INSERT INTO|UPDATE|DELETE FROM)\b[\s\S]{0,200}\b(?:FROM|VALUES|SET|WHERE)\b|syntax error at or near/],
  [
    'a database error',
    /violates (?:unique|foreign key|check|not-null) constraint|relation "|invalid input syntax for|unsupported Unicode escape sequence|QueryFailedError/,
  ],
];

/** The raw body and, when it is JSON, every string in it decoded: a stack hidden in a JSON string still counts. */
function textsOf(body: string): string[] {
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) Object.entries(value).forEach(([key, child]) => (strings.push(key), walk(child)));
  };
  try {
    walk(JSON.parse(body));
  } catch {
    // Not JSON: the raw text is all there is.
  }
  return [body, ...strings];
}

/** Every way the answer breaks the contract, in words; empty when it keeps it. */
function breaches(operation: ContractOperation, response: WireResponse, recorded: number): string[] {
  const found: string[] = [];
  const { status } = response;
  if (status >= 500) found.push(`answered ${status}: no request of the fuzz may get a 5xx while the store is up`);
  if (!operation.statuses.has(status)) {
    found.push(`answered ${status}, which the document does not list for ${operation.id} (it lists ${[...operation.statuses].join(', ')})`);
  }
  if (status >= 400 && status < 500) {
    const type = response.headers['content-type'] ?? '';
    if (type.split(';')[0].trim().toLowerCase() !== 'application/problem+json') {
      found.push(`a ${status} of Content-Type ${JSON.stringify(type)}, not application/problem+json`);
    }
    let problem: Record<string, unknown> | undefined;
    try {
      const parsed = JSON.parse(response.body) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) problem = parsed as Record<string, unknown>;
    } catch {
      // Reported below.
    }
    if (!problem) found.push(`a ${status} whose body is not a JSON object`);
    else {
      for (const member of ['type', 'title', 'detail']) if (typeof problem[member] !== 'string') found.push(`a problem without a ${member} text`);
      if (problem.status !== status) found.push(`a problem whose status member is ${JSON.stringify(problem.status)}, not ${status}`);
    }
    if (recorded > 0) found.push(`refused with ${status}, yet ${recorded} event(s) were recorded`);
  } else if (operation.method === 'GET' && recorded > 0) {
    found.push(`a read that recorded ${recorded} event(s)`);
  }
  for (const [what, pattern] of LEAKS) {
    const text = textsOf(response.body).find((candidate) => pattern.test(candidate));
    if (text !== undefined) found.push(`the body shows ${what}: ${printable(text.match(pattern)![0], 120)}`);
  }
  return found;
}

describe('The contract fuzz (docs/openapi.yaml against the running API)', () => {
  let api: ApiHarness | undefined;
  let world: FuzzWorld;
  let port: number;
  let head: Position | undefined;

  beforeAll(async () => {
    // Rate limits off: a fuzz sends hundreds of requests a minute from one subject and one address.
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0' });
    if (!api) return;
    const admin = api.token();
    const auth = { Authorization: `Bearer ${admin}` };
    const organization = JSON.parse(Buffer.from(admin.split('.')[1], 'base64url').toString('utf8')).org as string;
    const elsewhere = `org-${randomUUID()}`;
    const token = (sub: string, roles: Role[], org = organization) => api!.token({ sub, org, roles });
    const pairs: FuzzPair[] = [];
    for (let index = 0; index < PAIRS; index += 1) {
      const pair = await runningPair(api, admin);
      const pairPath = `/v1/programs/${pair.programId}/pairs/${pair.pairId}`;
      const objective = await api.http().post(`${pairPath}/objectives`).set(auth).send(examples.objective()).expect(201);
      const session = await api.http().post(`${pairPath}/sessions`).set(auth).send(examples.session()).expect(201);
      pairs.push({
        ids: {
          programId: [pair.programId],
          participantId: [pair.mentorId, pair.menteeId],
          personId: [pair.mentorPersonId, pair.menteePersonId],
          mentorId: [pair.mentorId],
          menteeId: [pair.menteeId],
          givenBy: [pair.mentorId, pair.menteeId],
          pairId: [pair.pairId],
          objectiveId: [objective.body.id as string],
          sessionId: [session.body.id as string],
        },
        tokens: {
          mentor: token(pair.mentorPersonId, ['participant']),
          mentee: token(pair.menteePersonId, ['participant']),
          analystAndParticipant: token(pair.mentorPersonId, ['analyst', 'participant']),
          mentorElsewhere: token(pair.mentorPersonId, ['participant'], elsewhere),
        },
      });
    }
    // Queries read the read models: apply what the setup recorded, as the projector would.
    await catchUpReadModels(api);
    const reached = (await api.http().get('/v1/programs').set(auth).expect(200)).headers['x-projection-position'] as string;

    const secret = api.config.jwtSecret;
    const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    world = {
      pairs,
      tokens: {
        admin,
        nonMember: token(randomUUID(), ['participant']),
        analyst: token('analyst-1', ['analyst']),
        auditor: token('auditor-1', ['auditor']),
        adminElsewhere: token('admin-1', ['admin'], elsewhere),
      },
      organization,
      sign: secret
        ? (header, claims) => {
            const signed = `${base64url(header)}.${base64url(claims)}`;
            return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
          }
        : undefined,
      reachedPositions: [...new Set([reached, '0/0', '-1/-1'])],
    };

    const server = api.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    const events = await api.allEvents();
    head = events[events.length - 1]?.position;
  }, 120_000);

  afterAll(async () => {
    await api?.close();
  });

  /** Events appended after `head`, which then moves past them. */
  async function recordedSinceLastLook(): Promise<number> {
    const page = await api!.store.readAll({ from: head, maxCount: 10_000 });
    const added = head ? page.filter((event) => comparePositions(event.position, head!) > 0) : page;
    if (added.length > 0) head = added[added.length - 1].position;
    return added.length;
  }

  it('fuzzes every operation of the document', () => {
    expect(operations.length).toBeGreaterThan(20);
    for (const mutationClass of classes) expect(operations.filter(mutationClass.appliesTo).length).toBeGreaterThan(0);
  });

  it.each(classes.map((mutationClass) => mutationClass.name))(
    '%s',
    async (name) => {
      if (!api) return;
      const mutationClass = classes.find((candidate) => candidate.name === name)!;
      // Every distinct way the run broke the contract, with its first request: the report names them all.
      const seen = new Map<string, { count: number; first: string }>();
      let sent = 0;
      const answered = new Map<string, number>();
      const property = fc.asyncProperty(requestsOf(mutationClass, operations, world), async (request: FuzzRequest) => {
        sent += 1;
        const response = await sendOnWire(port, request.wire);
        const tally = `${response.status} ${request.operation.id}`;
        answered.set(tally, (answered.get(tally) ?? 0) + 1);
        const found = breaches(request.operation, response, await recordedSinceLastLook());
        if (found.length === 0) return;
        for (const breach of found) {
          const key = `${request.operation.id}: ${breach.replace(/: .*$/, '')}`;
          const entry = seen.get(key) ?? { count: 0, first: request.notes.join(' + ') };
          seen.set(key, { ...entry, count: entry.count + 1 });
        }
        const type = response.headers['content-type'] ?? '(no Content-Type)';
        throw new Error(`${found.join('\n')}\n--- the answer ---\n${response.status} ${type}\n${printable(response.body, 800)}`);
      });
      const details = await fc.check(property, { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false });
      if (VERBOSE) console.log(`${name}: ${sent} requests\n${[...answered].sort().map(([key, count]) => `  ${count}× ${key}`).join('\n')}`);
      if (!details.failed) return;
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(
        [
          `Class "${name}": a request broke the contract (seed ${details.seed}, path "${details.counterexamplePath}", ` +
            `shrunk ${details.numShrinks} times, ${sent} requests sent).`,
          '',
          '--- the request (shrunk) ---',
          String(details.counterexample?.[0]),
          '',
          '--- what broke ---',
          error,
          '',
          `Replay: npm run fuzz -- --seed ${details.seed} --runs ${RUNS} --class "${name}"`,
          '',
          '--- every breach seen in this run ---',
          ...[...seen].map(([key, { count, first }]) => `${count}× ${key}\n     first: ${printable(first, 200)}`),
        ].join('\n'),
      );
    },
    TIME_LIMIT_MS + 60_000,
  );
});
