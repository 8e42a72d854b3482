import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { get as httpGet, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHAIN_ALGORITHM, CONFIDENTIAL_FIELDS, GENESIS_HASH } from '@flipside/audit';
import { DomainEventType, EVENT_TYPES, personalDataFields } from '@flipside/domain';
import { isEncrypted, KeyVault, mapAt, valuesAt } from '@flipside/personal-data';
import { RecordedEvent, serializePosition } from '@flipside/event-store';
import { ApiHarness, runningPair, startApi, testEventStore } from './support/api-harness';
import { runAuditCli } from './support/audit-cli';
import { ADMIN_ONLY_MARKER, ProgramWithEveryEvent, programWithEveryEvent } from './support/program-with-every-event';

const NDJSON = 'application/x-ndjson';
const CONFIDENTIAL_MARKER = 'CONFIDENTIAL-MARKER';

type Entry = Record<string, unknown> & {
  stream: string;
  revision: string;
  type: string;
  data: Record<string, unknown>;
  hash: string | null;
  previousHash: string | null;
};
type Line = Entry & { kind: string };

describe('Program history for auditors: GET /v1/programs/{programId}/history', () => {
  let api: ApiHarness | undefined;
  let program: ProgramWithEveryEvent;
  /** The program's events as the store's log holds them: the truth the history must tell. */
  let truth: RecordedEvent[];
  let auditor: string;
  let dir: string;

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const history = (query = '', token = auditor, programId = program.programId) =>
    api!.http().get(`/v1/programs/${programId}/history${query}`).set(auth(token));
  const exported = async (query = '', programId = program.programId) => {
    const response = await history(query, auditor, programId)
      .set('Accept', NDJSON)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      });
    return { response, text: response.body as string };
  };
  const linesOf = (text: string): Line[] => text.trimEnd().split('\n').map((line) => JSON.parse(line));
  const key = (entry: { stream: string; revision: string }) => `${entry.stream}@${entry.revision}`;

  async function allPages(query: string, limit: number): Promise<{ items: Entry[]; pages: number }> {
    const items: Entry[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: { body: { items: Entry[]; nextCursor: string | null } } = await history(
        `?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      items.push(...response.body.items);
      cursor = response.body.nextCursor;
      pages += 1;
      if (pages > 200) throw new Error('the cursor never reached the end');
    } while (cursor);
    return { items, pages };
  }

  beforeAll(async () => {
    api = await startApi();
    if (!api) return;
    program = await programWithEveryEvent(api);
    auditor = api.token({ sub: 'auditor-1', roles: ['auditor'] });
    const streams = new Set([`program-${program.programId}`, `pair-${program.closedPairId}`, `pair-${program.endedPairId}`]);
    truth = (await api.allEvents()).filter((event) => streams.has(event.streamName));
    dir = mkdtempSync(join(tmpdir(), 'flipside-history-'));
  });
  afterAll(async () => {
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('tells every event of the program stream and its pair streams, in log order, with who, what, when and why', async () => {
    if (!api) return;
    const response = await history('?limit=500').expect(200);
    const items: Entry[] = response.body.items;
    expect(response.body.nextCursor).toBeNull();
    expect(items.map(key)).toEqual(truth.map((event) => key({ stream: event.streamName, revision: event.revision.toString() })));
    // Every type but an erasure, which erasure-reads.e2e.spec.ts tells (with its entries' `erased`).
    expect(new Set(items.map((item) => item.type))).toEqual(new Set(EVENT_TYPES.filter((type) => type !== 'PersonErased')));

    const created = items[0];
    const stored = truth[0];
    expect(created).toEqual({
      position: testEventStore === 'postgres' ? serializePosition(stored.position) : null,
      stream: `program-${program.programId}`,
      revision: '0',
      type: 'ProgramCreated',
      schemaVersion: stored.metadata.schemaVersion,
      recordedAt: stored.recordedAt.toISOString(),
      occurredAt: stored.metadata.occurredAt,
      actor: { id: program.actors[0], roles: ['admin'] },
      command: 'CreateProgram',
      correlationId: stored.metadata.correlationId,
      causationId: stored.metadata.causationId,
      data: stored.data,
      hash: stored.metadata.hash,
      previousHash: GENESIS_HASH,
    });
    // Each link points at the previous event of the same stream.
    const lastHash = new Map<string, string>();
    for (const item of items) {
      expect(item.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(item.previousHash).toBe(lastHash.get(item.stream) ?? GENESIS_HASH);
      lastHash.set(item.stream, item.hash as string);
    }
    expect(items.find((item) => item.type === 'ProgramClosed')).toMatchObject({ command: 'CloseProgram', actor: { id: program.actors[1] } });
    if (testEventStore === 'postgres') {
      expect(items.map((item) => item.position)).toEqual(truth.map((event) => serializePosition(event.position)));
    }
  });

  it('never tells confidential notes or admin-only feedback comments: they appear sealed, in JSON and in NDJSON', async () => {
    if (!api) return;
    const page = await history('?limit=500').expect(200);
    const { text } = await exported();
    for (const answer of [page.text, text]) {
      expect(answer).not.toContain(CONFIDENTIAL_MARKER);
      expect(answer).not.toContain(ADMIN_ONLY_MARKER);
    }
    const sessions = (page.body.items as Entry[]).filter((item) => item.type === 'SessionHeld');
    expect(sessions.length).toBeGreaterThan(0);
    for (const session of sessions) expect(session.data.confidentialNotes).toEqual({ sealed: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const feedback = (page.body.items as Entry[]).find((item) => item.type === 'FeedbackGiven');
    expect(feedback?.data).toMatchObject({ rating: 5, comment: { sealed: expect.stringMatching(/^[0-9a-f]{64}$/) } });
  });

  it('pages with an opaque cursor to the end: no event twice, none left out, whatever the page size', async () => {
    if (!api) return;
    for (const limit of [1, 4, 7]) {
      const { items, pages } = await allPages('', limit);
      expect(items.map(key)).toEqual(truth.map((event) => key({ stream: event.streamName, revision: event.revision.toString() })));
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(truth.length / limit));
    }
    const first = await history('').expect(200);
    expect(first.body.items).toHaveLength(Math.min(100, truth.length));
  });

  it('serves an event recorded between two pages on a later page, once', async () => {
    if (!api) return;
    const pair = await runningPair(api, api.token({ roles: ['admin'] }));
    const admin = auth(api.token({ roles: ['admin'] }));
    const first = await history('?limit=3', auditor, pair.programId).expect(200);
    await api.http().post(`/v1/programs/${pair.programId}/pairs/${pair.pairId}/sessions`).set(admin).send({ heldOn: new Date().toISOString().slice(0, 10), durationMinutes: 30, format: 'chat', topics: ['late'], insights: 'x', actionItems: [] }).expect(201);
    const rest = await history(`?limit=100&cursor=${first.body.nextCursor}`, auditor, pair.programId).expect(200);
    const all = [...first.body.items, ...rest.body.items].map(key);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain(`pair-${pair.pairId}@0`);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('filters by event types, pair, actor and recorded time, and pages within a filter', async () => {
    if (!api) return;
    const everything: Entry[] = (await history('?limit=500').expect(200)).body.items;
    const expectFilter = async (query: string, keep: (entry: Entry) => boolean) => {
      const expected = everything.filter(keep).map(key);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(everything.length);
      expect((await allPages(query, 2)).items.map(key)).toEqual(expected);
    };
    await expectFilter('&types=SessionHeld,PairEnded', (entry) => entry.type === 'SessionHeld' || entry.type === 'PairEnded');
    await expectFilter('&types=ProgramLaunched', (entry) => entry.type === 'ProgramLaunched');
    await expectFilter(`&pairId=${program.endedPairId}`, (entry) => entry.data.pairId === program.endedPairId);
    await expectFilter(`&actor=${program.actors[1]}`, (entry) => (entry.actor as { id: string }).id === program.actors[1]);
    const from = everything[5].recordedAt as string;
    const to = everything[everything.length - 5].recordedAt as string;
    await expectFilter(`&from=${from}&to=${to}`, (entry) => (entry.recordedAt as string) >= from && (entry.recordedAt as string) <= to);
    const offset = encodeURIComponent(new Date(Date.parse(from)).toISOString().replace('Z', '+00:00'));
    await expectFilter(`&from=${offset}`, (entry) => (entry.recordedAt as string) >= from);
    await expectFilter(`&types=SessionHeld&pairId=${program.closedPairId}&actor=${program.actors[0]}`, (entry) =>
      entry.type === 'SessionHeld' && entry.data.pairId === program.closedPairId && (entry.actor as { id: string }).id === program.actors[0],
    );
  });

  it('answers 404 for a program of another organization or none, and 403 to analysts and participants', async () => {
    if (!api) return;
    await history('', api.token({ roles: ['auditor'], org: `org-${randomUUID()}` })).expect(404);
    await history('', api.token({ roles: ['admin'], org: `org-${randomUUID()}` })).set('Accept', NDJSON).expect(404);
    const missing = await history('', auditor, randomUUID()).expect(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    await history('', api.token({ roles: ['admin'] })).expect(200);
    await history('', api.token({ roles: ['analyst'] })).expect(403);
    await history('', api.token({ roles: ['participant'], sub: randomUUID() })).expect(403);
    await api.http().get(`/v1/programs/${program.programId}/history`).expect(401);
  });

  it('refuses a bad cursor, limit, types, pair, from or to with 400 problem+json, and leaves the store untouched', async () => {
    if (!api) return;
    const before = (await api.allEvents()).length;
    const page = await history('?limit=2&types=SessionHeld').expect(200);
    const bad = [
      '?cursor=not-a-cursor',
      `?cursor=${Buffer.from('h1.abc.zz').toString('base64url')}`,
      `?cursor=${page.body.nextCursor}`,
      `?cursor=${page.body.nextCursor}&types=PairEnded`,
      '?limit=0',
      '?limit=501',
      '?limit=ten',
      '?types=Nope',
      '?types=SessionHeld,Nope',
      '?types=',
      '?types=SessionHeld&types=Paired',
      '?pairId=not-a-uuid',
      '?from=yesterday',
      '?from=2026-02-30T00:00:00Z',
      '?to=2026-06-01',
      '?from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z',
      '?colour=blue',
    ];
    for (const query of bad) {
      const response = await history(query);
      expect({ query, status: response.status, type: response.headers['content-type'] }).toEqual({
        query,
        status: 400,
        type: expect.stringContaining('application/problem+json'),
      });
    }
    for (const query of ['?limit=10', `?cursor=${page.body.nextCursor}&types=SessionHeld`]) {
      const response = await history(query).set('Accept', NDJSON);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    expect((await api.allEvents()).length).toBe(before);
  });

  it('exports the whole history as NDJSON with Accept: application/x-ndjson, one event a line, ending with the manifest', async () => {
    if (!api) return;
    const { response, text } = await exported();
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain(NDJSON);
    const lines = linesOf(text);
    const events = lines.slice(0, -1);
    const manifest = lines[lines.length - 1];
    const page: Entry[] = (await history('?limit=500').expect(200)).body.items;
    // The same entries; only personal fields differ: stored ciphertext in the export (the chain's form), opened in a page.
    const vault = api.app.get(KeyVault);
    const opened = async (event: Line) => {
      let data = event.data;
      const fields = personalDataFields(event.type as DomainEventType).filter((field) => !(CONFIDENTIAL_FIELDS[event.type] ?? []).includes(field.path));
      for (const field of fields) {
        expect(valuesAt(data, field.path).every((value) => isEncrypted(value) || value === '')).toBe(true);
        await vault.load(valuesAt(data, field.path));
        data = mapAt(data, field.path, (value) => vault.open(value));
      }
      return data;
    };
    const asPage = await Promise.all(events.map(async ({ kind, metadata: _metadata, ...entry }) => ({ kind, ...entry, data: await opened(entry as Line) })));
    expect(asPage).toEqual(page.map((entry) => ({ kind: 'event', ...entry })));
    expect(text).not.toContain('Kavya Rao');
    const { hash: _hash, ...metadata } = truth[1].metadata;
    expect(events[1].metadata).toEqual(metadata);
    const heads: Record<string, unknown> = {};
    for (const event of events) heads[event.stream] = { revision: event.revision, hash: event.hash };
    expect(manifest).toEqual({
      kind: 'manifest',
      count: truth.length,
      firstPosition: events[0].position,
      lastPosition: events[events.length - 1].position,
      heads,
      exportedAt: expect.any(String),
      filters: {},
      programId: program.programId,
      chainAlgorithm: CHAIN_ALGORITHM,
    });
    const filtered = linesOf((await exported(`?types=SessionHeld&pairId=${program.closedPairId}`)).text);
    expect(filtered.slice(0, -1).every((line) => line.type === 'SessionHeld')).toBe(true);
    expect(filtered[filtered.length - 1]).toMatchObject({ count: filtered.length - 1, filters: { types: ['SessionHeld'], pairId: program.closedPairId } });
  });

  describe('the offline verifier, npm run audit -- verify FILE [--anchors FILE]', () => {
    let lines: string[];
    const write = (name: string, content: string[]) => {
      const file = join(dir, name);
      writeFileSync(file, content.join('\n') + '\n');
      return file;
    };
    const verify = async (file: string, anchors?: string) => {
      const run = await runAuditCli(['verify', file, ...(anchors ? ['--anchors', anchors] : []), '--json']);
      return { code: run.code, result: run.stdout ? JSON.parse(run.stdout) : run.stderr };
    };
    const edited = (index: number, change: (line: Line) => void) => {
      const copy = [...lines];
      const line = JSON.parse(copy[index]);
      change(line);
      copy[index] = JSON.stringify(line);
      return copy;
    };
    const indexOf = (find: (line: Line) => boolean) => lines.findIndex((line) => find(JSON.parse(line)));

    beforeAll(async () => {
      if (!api) return;
      lines = (await exported()).text.trimEnd().split('\n');
    });

    it('verifies a fresh export (exit 0), and prints what it checked', async () => {
      if (!api) return;
      const file = write('fresh.ndjson', lines);
      expect(await verify(file)).toEqual({ code: 0, result: { verified: true, events: truth.length, streams: 3, unchainedEvents: 0, anchoredHeadsChecked: 0 } });
      const human = await runAuditCli(['verify', file]);
      expect(human).toMatchObject({ code: 0, stdout: expect.stringContaining(`verified: ${truth.length} events in 3 streams`) });
      const filtered = write('filtered.ndjson', (await exported(`?types=SessionHeld,FeedbackGiven`)).text.trimEnd().split('\n'));
      expect(await verify(filtered)).toMatchObject({ code: 0, result: { verified: true } });
    });

    it('fails (exit 1) at the first tampered line: a data field changed, a line dropped, lines swapped', async () => {
      if (!api) return;
      const session = indexOf((line) => line.type === 'SessionHeld');
      const changed = await verify(write('changed.ndjson', edited(session, (line) => (line.data.durationMinutes = 90))));
      expect(changed).toMatchObject({ code: 1, result: { verified: false, failure: { line: session + 1, reason: 'hash-mismatch', stream: JSON.parse(lines[session]).stream } } });

      const actor = await verify(write('actor.ndjson', edited(session, (line) => (line.actor = { id: 'someone-else', roles: ['admin'] }))));
      expect(actor).toMatchObject({ code: 1, result: { failure: { line: session + 1, reason: 'field-mismatch' } } });

      const pairStream = `pair-${program.closedPairId}`;
      const middle = indexOf((line) => line.stream === pairStream && line.revision === '1');
      const dropped = await verify(write('dropped.ndjson', lines.filter((_, index) => index !== middle)));
      expect(dropped).toMatchObject({ code: 1, result: { failure: { stream: pairStream, revision: '2', reason: 'revision-gap', expected: '1', actual: '2' } } });

      const next = indexOf((line) => line.stream === pairStream && line.revision === '2');
      const swappedSameStream = [...lines];
      [swappedSameStream[middle], swappedSameStream[next]] = [swappedSameStream[next], swappedSameStream[middle]];
      const swapped = await verify(write('swapped.ndjson', swappedSameStream));
      expect(swapped).toMatchObject({ code: 1, result: { failure: { line: middle + 1, reason: expect.stringMatching(/^(out-of-order|revision-gap)$/) } } });

      if (testEventStore === 'postgres') {
        // Across streams only the log positions tell the order.
        const other = lines.findIndex((line, index) => index > middle && (JSON.parse(line) as Line).stream !== pairStream);
        const swappedStreams = [...lines];
        [swappedStreams[middle], swappedStreams[other]] = [swappedStreams[other], swappedStreams[middle]];
        expect(await verify(write('swapped-streams.ndjson', swappedStreams))).toMatchObject({ code: 1, result: { failure: { reason: 'out-of-order' } } });
      }

      const later = indexOf((line) => line.type === 'SessionHeld' && line.revision !== '0');
      const relinked = await verify(write('relinked.ndjson', edited(later, (line) => (line.previousHash = GENESIS_HASH))));
      expect(relinked).toMatchObject({ code: 1, result: { failure: { line: later + 1, reason: 'link-mismatch' } } });
    });

    it('fails on an edited or missing manifest', async () => {
      if (!api) return;
      const last = lines.length - 1;
      const count = await verify(write('count.ndjson', edited(last, (line) => ((line as Record<string, unknown>).count = truth.length - 1))));
      expect(count).toMatchObject({ code: 1, result: { failure: { reason: 'manifest-mismatch', expected: `count ${truth.length}` } } });
      const head = await verify(
        write('head.ndjson', edited(last, (line) => ((line as unknown as { heads: Record<string, { hash: string }> }).heads[`program-${program.programId}`].hash = 'f'.repeat(64)))),
      );
      expect(head).toMatchObject({ code: 1, result: { failure: { reason: 'manifest-mismatch' } } });
      const cut = await verify(write('cut.ndjson', lines.slice(0, -1)));
      expect(cut).toMatchObject({ code: 1, result: { failure: { reason: 'missing-manifest' } } });
      // The last event dropped: every link still holds, the manifest's heads do not.
      const lastEvent = [...lines.slice(0, last - 1), lines[last]];
      expect(await verify(write('last-dropped.ndjson', lastEvent))).toMatchObject({ code: 1, result: { failure: { reason: 'manifest-mismatch' } } });
    });

    it('checks anchored heads kept by an outside party: matching ones pass, a different hash or a missing event fails', async () => {
      if (!api) return;
      const events = lines.slice(0, -1).map((line) => JSON.parse(line) as Line);
      const pairStream = `pair-${program.closedPairId}`;
      const anchoredEvent = events.find((line) => line.stream === pairStream && line.revision === '2') as Line;
      const programHead = events.filter((line) => line.stream === `program-${program.programId}`).pop() as Line;
      const anchor = (heads: object[], anchorId = 1) =>
        JSON.stringify({ anchorId, position: '1/1', digest: 'd'.repeat(64), streams: 9, anchoredAt: new Date().toISOString(), heads });
      const asCloudEvent = (data: string) => JSON.stringify({ specversion: '1.0', type: 'dev.flipside.audit.anchored.v1', source: 'flipside', id: '1', data: JSON.parse(data) });
      const file = write('export.ndjson', lines);
      const good = write('anchors.ndjson', [
        anchor([{ stream: pairStream, revision: anchoredEvent.revision, hash: anchoredEvent.hash }, { stream: 'pair-of-another-program', revision: '3', hash: 'a'.repeat(64) }]),
        asCloudEvent(anchor([{ stream: programHead.stream, revision: Number(programHead.revision), hash: programHead.hash }], 2)),
      ]);
      expect(await verify(file, good)).toMatchObject({ code: 0, result: { verified: true, anchoredHeadsChecked: 2 } });

      const wrong = write('wrong-anchors.ndjson', [anchor([{ stream: pairStream, revision: anchoredEvent.revision, hash: 'b'.repeat(64) }])]);
      expect(await verify(file, wrong)).toMatchObject({ code: 1, result: { failure: { stream: pairStream, revision: '2', reason: 'anchor-mismatch', actual: anchoredEvent.hash } } });
      const beyond = write('beyond-anchors.ndjson', [anchor([{ stream: pairStream, revision: '999', hash: 'c'.repeat(64) }])]);
      expect(await verify(file, beyond)).toMatchObject({ code: 1, result: { failure: { stream: pairStream, reason: 'missing-anchored-event' } } });
      const gone = write('gone.ndjson', lines.filter((line) => (JSON.parse(line) as Line).stream !== pairStream).map((line, index, kept) => {
        if (index < kept.length - 1) return line;
        const manifest = JSON.parse(line);
        delete manifest.heads[pairStream];
        manifest.count = kept.length - 1;
        return JSON.stringify(manifest);
      }));
      const removed = await verify(gone, write('anchor-of-removed.ndjson', [anchor([{ stream: pairStream, revision: '0', hash: 'e'.repeat(64) }])]));
      expect(removed).toMatchObject({ code: 1, result: { failure: { stream: pairStream, reason: 'missing-anchored-event' } } });
      expect(await verify(file, write('not-anchors.ndjson', ['{"heads": "none"}']))).toMatchObject({ code: 1, result: { failure: { reason: 'malformed-anchor' } } });
    });

    it('answers exit 2 with the usage for a wrong command line, and 1 for a file it cannot read', async () => {
      if (!api) return;
      expect(await runAuditCli(['verify'])).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run audit') });
      expect(await runAuditCli(['nonsense', 'x'])).toMatchObject({ code: 2 });
      expect((await runAuditCli(['verify', join(dir, 'no-such-file.ndjson')])).code).toBe(1);
    });

    it('exports the same lines from the command line as the route (exportedAt aside), reading the store directly', async () => {
      if (!api) return;
      const out = join(dir, 'cli-export.ndjson');
      const env = { DATABASE_URL: api.config.databaseUrl, EVENT_STORE: api.config.eventStore, EVENTSTORE_URL: api.config.eventStoreUrl ?? '' };
      const run = await runAuditCli(['export', '--program', program.programId, '--out', out], env);
      expect(run).toMatchObject({ code: 0 });
      const fromCli = readFileSync(out, 'utf8').trimEnd().split('\n');
      const fromRoute = (await exported()).text.trimEnd().split('\n');
      const withoutTime = (line: string) => {
        const { exportedAt: _exportedAt, ...rest } = JSON.parse(line);
        return rest;
      };
      expect(fromCli.map(withoutTime)).toEqual(fromRoute.map(withoutTime));
      expect(await verify(out)).toMatchObject({ code: 0 });
      expect(await runAuditCli(['export', '--program', randomUUID(), '--out', join(dir, 'none.ndjson')], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('was not found') });
    });
  });

  describe('a long export', () => {
    const EVENTS = 40_000;
    let programId: string;
    let port: number;

    beforeAll(async () => {
      if (!api) return;
      const pair = await runningPair(api, api.token({ roles: ['admin'] }));
      programId = pair.programId;
      for (let written = 0; written < EVENTS; written += 1000) {
        const events = Array.from({ length: 1000 }, (_, index) => {
          const id = randomUUID();
          return {
            id,
            type: 'SessionHeld',
            data: { programId, pairId: pair.pairId, sessionId: randomUUID(), heldOn: '2026-01-01', durationMinutes: 30 + ((written + index) % 30), format: 'video', topics: ['bulk'], insights: 'i', actionItems: [], confidentialNotes: CONFIDENTIAL_MARKER, loggedOn: '2026-01-01' },
            metadata: { eventId: id, schemaVersion: 1, occurredAt: new Date().toISOString(), actor: { id: 'bulk', roles: ['admin'] }, correlationId: id, causationId: id },
          };
        });
        await api.store.append(`pair-${pair.pairId}`, events, written === 0 ? 'no_stream' : BigInt(written - 1));
      }
      const server = api.app.getHttpServer();
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    const open = () =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const request = httpGet({ host: '127.0.0.1', port, path: `/v1/programs/${programId}/history`, headers: { ...auth(auditor), Accept: NDJSON } }, resolve);
        request.on('error', reject);
      });
    const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('reads the store only as fast as the client reads the answer (backpressure), then delivers everything', async () => {
      if (!api) return;
      const reads = jest.spyOn(api.store, 'readStream');
      try {
        const response = await open();
        expect(response.statusCode).toBe(200);
        response.pause();
        await settle(1500);
        const whilePaused = reads.mock.calls.length;
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.resume();
        await new Promise((resolve) => response.on('end', resolve));
        const lines = text.trimEnd().split('\n');
        // The pair's events, and the program's five (created, two enrolled, launched, paired).
        expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ kind: 'manifest', count: EVENTS + 5 });
        expect(lines).toHaveLength(EVENTS + 5 + 1);
        expect(text).not.toContain(CONFIDENTIAL_MARKER);
        const total = reads.mock.calls.length;
        expect(total).toBeGreaterThanOrEqual(EVENTS / 1000);
        expect(whilePaused).toBeLessThan(total * 0.6);
      } finally {
        reads.mockRestore();
      }
    });

    it('stops reading the store when the client goes away', async () => {
      if (!api) return;
      const reads = jest.spyOn(api.store, 'readStream');
      try {
        const response = await open();
        await new Promise((resolve) => response.once('data', resolve));
        response.destroy();
        await settle(1000);
        const afterLeaving = reads.mock.calls.length;
        await settle(1000);
        expect(reads.mock.calls.length).toBe(afterLeaving);
        expect(afterLeaving).toBeLessThan(EVENTS / 1000);
      } finally {
        reads.mockRestore();
      }
    });
  });
});
