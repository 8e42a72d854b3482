import { LoggerService } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { MAX_BODY_DEPTH } from '../src/http/body-gate';
import { ClientFaultLog } from '../src/http/client-fault-log';
import { BODY_TIME_LIMIT_MS } from '../src/http/json-body';
import { encodeCursor } from '../src/queries/shared/paging';
import { AnsweredRequest, ApiHarness, examples, expectRefused, runningPair, startApi } from './support/api-harness';

/** Everything the app logs, by level: to prove client faults never log errors or flood the log. */
class CapturedLog implements LoggerService {
  readonly lines: { level: string; text: string }[] = [];
  private keep(level: string, message: unknown, rest: unknown[]) {
    this.lines.push({ level, text: [message, ...rest].filter((part) => part !== undefined).join(' ') });
  }
  log = (message: unknown, ...rest: unknown[]) => this.keep('log', message, rest);
  error = (message: unknown, ...rest: unknown[]) => this.keep('error', message, rest);
  warn = (message: unknown, ...rest: unknown[]) => this.keep('warn', message, rest);
  debug = (message: unknown, ...rest: unknown[]) => this.keep('debug', message, rest);
  verbose = (message: unknown, ...rest: unknown[]) => this.keep('verbose', message, rest);
  fatal = (message: unknown, ...rest: unknown[]) => this.keep('fatal', message, rest);
  at = (...levels: string[]) => this.lines.filter((line) => levels.includes(line.level));
}

interface RawAnswer {
  status?: number;
  contentType?: string;
  body?: Record<string, unknown>;
  /** Milliseconds from connecting until the first byte of the answer, and until the server closed the socket. */
  answeredAfter?: number;
  closedAfter?: number;
}

/** One HTTP exchange on a bare socket, for what supertest cannot do: lie about Content-Length, trickle, hang up. */
function rawExchange(port: number, head: string, feed: { body?: string; trickleEveryMs?: number; waitMs: number }): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let answeredAfter: number | undefined;
    const trickle = feed.trickleEveryMs ? setInterval(() => socket.write('x'), feed.trickleEveryMs) : undefined;
    const finish = (closedByServer: boolean) => {
      clearTimeout(giveUp);
      clearInterval(trickle);
      socket.destroy();
      const [headers = '', body = ''] = text.split('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1]) || undefined,
        contentType: /^content-type: *(.*)$/im.exec(headers)?.[1],
        body: body ? JSON.parse(body) : undefined,
        answeredAfter,
        closedAfter: closedByServer ? Date.now() - started : undefined,
      });
    };
    const giveUp = setTimeout(() => finish(false), feed.waitMs);
    socket.on('data', (chunk) => {
      answeredAfter ??= Date.now() - started;
      text += chunk.toString('utf8');
    });
    socket.once('end', () => finish(true));
    socket.once('close', () => finish(true));
    socket.on('error', () => undefined);
    socket.write(head + (feed.body ?? ''));
  });
}

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

/** Client input, however hostile, is answered 4xx problem+json naming the problem; nothing reaches a 5xx. */
describe('Hostile input', () => {
  const log = new CapturedLog();
  let api: ApiHarness | undefined;
  let auth: Record<string, string>;
  let port: number;

  beforeAll(async () => {
    api = await startApi({}, { logger: log });
    if (!api) return;
    await api.app.listen(0, '127.0.0.1');
    port = (api.app.getHttpServer().address() as AddressInfo).port;
    auth = { Authorization: `Bearer ${api.token()}` };
  });
  afterAll(async () => {
    await api?.close();
  });

  const expectProblem = (send: () => Promise<AnsweredRequest>, status: number, detail: RegExp) =>
    api ? expectRefused(api, send, status, detail) : Promise.resolve(undefined);

  const fieldsOf = (body: Record<string, unknown> | undefined) => (body?.errors as { field: string }[]).map((error) => error.field);
  const postJson = (path: string, text: string, headers: Record<string, string> = {}) =>
    api!.http().post(path).set({ 'Content-Type': 'application/json', ...headers }).send(text);

  /** Bytes as they are (superagent would serialize a Buffer as JSON). */
  const postBytes = (path: string, bytes: Buffer, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }>((resolve, reject) => {
      const sent = httpRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path,
          headers: { 'Content-Type': 'application/json', 'Content-Length': bytes.length, ...headers },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers as Record<string, string>,
              body: text ? JSON.parse(text) : {},
            }),
          );
        },
      );
      sent.on('error', reject);
      sent.end(bytes);
    });

  describe('ids are one case', () => {
    it('the same UUID in upper and lower case is one program, found by either', async () => {
      if (!api) return;
      const id = randomUUID();
      const first = await api.http().post('/v1/programs').set(auth).send(examples.program({ id: id.toUpperCase() }));
      expect({ status: first.status, id: first.body.id }).toEqual({ status: 201, id });
      const repeat = await api.http().post('/v1/programs').set(auth).send(examples.program({ id }));
      expect({ status: repeat.status, id: repeat.body.id }).toEqual({ status: 200, id });
      await api.http().post(`/v1/programs/${id.toUpperCase()}/participants`).set(auth).send(examples.mentor()).expect(201);
      const streams = (await api.allEvents()).map((event) => event.streamName).filter((name) => name.toLowerCase().includes(id));
      expect([...new Set(streams)]).toEqual([`program-${id}`]);
    });

    it('ids inside a body are lower-cased too', async () => {
      if (!api) return;
      const pair = await runningPair(api);
      const sessionId = randomUUID();
      await api
        .http()
        .post(`/v1/programs/${pair.programId.toUpperCase()}/pairs/${pair.pairId.toUpperCase()}/sessions`)
        .set(auth)
        .send(examples.session({ id: sessionId.toUpperCase() }))
        .expect(201);
      const held = (await api.allEvents()).find((event) => event.type === 'SessionHeld' && event.streamName === `pair-${pair.pairId}`);
      expect(held?.data.sessionId).toBe(sessionId);
    });
  });

  describe('text is valid Unicode without NUL', () => {
    it('400 naming each field with a NUL or a lone surrogate, without echoing the text', async () => {
      const body = await expectProblem(
        () =>
          postJson(
            '/v1/programs',
            JSON.stringify(examples.program({ name: 'Priya Secret\u0000', goals: ['A fine goal', 'Half \ud800 a pair'] })),
            auth,
          ),
        400,
        /name/,
      );
      expect(fieldsOf(body).sort()).toEqual(['goals.1', 'name']);
      expect(JSON.stringify(body)).not.toMatch(/Priya|Half/);
    });

    it('400 naming a nested field (actionItems.0.description)', async () => {
      if (!api) return;
      const pair = await runningPair(api);
      const body = await expectProblem(
        () =>
          api!
            .http()
            .post(`/v1/programs/${pair.programId}/pairs/${pair.pairId}/sessions`)
            .set(auth)
            .send(examples.session({ actionItems: [{ description: 'Draft\u0000', owner: 'mentee', dueOn: examples.session().heldOn }] })),
        400,
        /actionItems\.0\.description/,
      );
      expect(fieldsOf(body)).toEqual(['actionItems.0.description']);
    });

    it('a surrogate pair (an emoji) is fine', async () => {
      await api?.http().post('/v1/programs').set(auth).send(examples.program({ name: 'Emoji \u{1F680} program' })).expect(201);
    });

    it('400 for a NUL or lone surrogate inside a cursor, and for a NUL in a query parameter', async () => {
      for (const key of [['\u0000', randomUUID()], ['2026-01-01', '\ud800']]) {
        const body = await expectProblem(
          () => api!.http().get('/v1/programs').query({ cursor: encodeCursor(key) }).set(auth),
          400,
          /cursor/,
        );
        expect(fieldsOf(body)).toEqual(['cursor']);
      }
      const body = await expectProblem(() => api!.http().get('/v1/programs?status=draft%00').set(auth), 400, /status/);
      expect(fieldsOf(body)).toEqual(['status']);
    });

    it('400 for a path that is not UTF-8, or has a NUL', async () => {
      await expectProblem(() => api!.http().post('/v1/programs/%ED%A0%80/launch').set(auth), 400, /path|programId/);
      await expectProblem(() => api!.http().get('/docs/swagger-ui/index.css%00'), 400, /asset/);
    });
  });

  describe('bodies the parser cannot read are answered before authentication', () => {
    it.each(['latin1', 'us-ascii', 'x-unknown', 'utf-9'])('415 for charset=%s', async (charset) => {
      await expectProblem(
        () => postJson('/v1/programs', '{}', { 'Content-Type': `application/json; charset=${charset}` }),
        415,
        /UTF-8/,
      );
    });

    it.each(['compress', 'x-unknown', 'gzip, gzip'])('415 for Content-Encoding: %s', async (encoding) => {
      await expectProblem(() => postJson('/v1/programs', '{}', { 'Content-Encoding': encoding }), 415, /Content-Encoding/);
    });

    it.each([
      ['gzip', Buffer.from('not gzip at all')],
      ['gzip', gzipSync(JSON.stringify(examples.program())).subarray(0, 20)],
      ['deflate', Buffer.from('not deflate at all')],
      ['br', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
    ])('400 for a corrupt %s body', async (encoding, bytes) => {
      await expectProblem(() => postBytes('/v1/programs', bytes, { 'Content-Encoding': encoding }), 400, /decompress|Content-Encoding/);
    });

    it('a well-formed gzip or br body is accepted', async () => {
      if (!api) return;
      const text = () => JSON.stringify(examples.program());
      expect((await postBytes('/v1/programs', gzipSync(text()), { ...auth, 'Content-Encoding': 'gzip' })).status).toBe(201);
      expect((await postBytes('/v1/programs', brotliCompressSync(text()), { ...auth, 'Content-Encoding': 'br' })).status).toBe(201);
    });
  });

  describe('nesting depth', () => {
    it.each([2_000, 30_000])('400 for a body nested %d levels, naming where it got too deep', async (levels) => {
      const body = await expectProblem(() => postJson('/v1/programs', `{"cadence":${nested(levels)}}`, auth), 400, /deeper/);
      // The body is level 1 and cadence level 2: the first container past the limit is cadence.0.0.0.0.0.0.0.
      expect(fieldsOf(body)).toEqual([`cadence${'.0'.repeat(MAX_BODY_DEPTH - 1)}`]);
    });

    it(`a body nested ${MAX_BODY_DEPTH} levels passes the gate (and the DTO refuses it), ${MAX_BODY_DEPTH + 1} does not`, async () => {
      const atLimit = await expectProblem(
        () => postJson('/v1/programs', `{"cadence":${nested(MAX_BODY_DEPTH - 1)}}`, auth),
        400,
        /cadence/,
      );
      expect(`${atLimit?.detail}`).not.toMatch(/deeper/);
      await expectProblem(() => postJson('/v1/programs', `{"cadence":${nested(MAX_BODY_DEPTH)}}`, auth), 400, /deeper/);
      await expectProblem(() => postJson('/v1/programs', nested(MAX_BODY_DEPTH + 1), auth), 400, /deeper/);
    });
  });

  describe('keys that name the prototype', () => {
    it.each([
      ['__proto__', (program: string) => program.replace(/^\{/, '{"__proto__":{"admin":true},')],
      ['constructor', (program: string) => program.replace(/^\{/, '{"constructor":{"prototype":{}},')],
      ['prototype', (program: string) => program.replace(/^\{/, '{"prototype":1,')],
      ['cadence.__proto__', (program: string) => program.replace('"cadence":{', '"cadence":{"__proto__":{"x":1},')],
    ])('400 naming %s like any unknown field', async (field, edit) => {
      const body = await expectProblem(
        () => postJson('/v1/programs', edit(JSON.stringify(examples.program())), auth),
        400,
        /should not exist/,
      );
      expect(fieldsOf(body)).toEqual([field]);
    });
  });

  describe('requests the HTTP parser refuses, and conditional reads', () => {
    it('400 problem+json for a control byte in a header value, before any middleware', async () => {
      if (!api) return;
      const answer = await rawExchange(
        port,
        `POST /v1/programs/${randomUUID()}/launch HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a\u007fb\r\nContent-Length: 0\r\n\r\n`,
        { waitMs: 5_000 },
      );
      expect(answer).toMatchObject({ status: 400, contentType: expect.stringMatching(/^application\/problem\+json/) });
      expect(answer.body).toMatchObject({ status: 400, type: expect.stringMatching(/unparseable-request$/) });
      expect(answer.closedAfter).toBeLessThan(2_000);
    });

    it('431 problem+json for headers over the parser limit', async () => {
      if (!api) return;
      const answer = await rawExchange(port, `GET /v1/programs HTTP/1.1\r\nHost: x\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\n`, {
        waitMs: 5_000,
      });
      expect(answer).toMatchObject({ status: 431, contentType: expect.stringMatching(/^application\/problem\+json/) });
    });

    it('If-None-Match: * on a read answers the resource, not an empty 304', async () => {
      if (!api) return;
      const live = await api.http().get('/health/live').set('If-None-Match', '*');
      expect({ status: live.status, body: live.body }).toEqual({ status: 200, body: { status: 'up' } });
      const programs = await api.http().get('/v1/programs').set(auth).set('If-None-Match', '*').set('If-Modified-Since', new Date().toUTCString());
      expect(programs.status).toBe(200);
    });
  });

  describe('size and time', () => {
    it('413 at once from a Content-Length over 64 KiB, without reading the body, and the connection is closed', async () => {
      if (!api) return;
      const answer = await rawExchange(
        port,
        'POST /v1/programs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n',
        { body: '{"name":', waitMs: 5_000 },
      );
      expect(answer).toMatchObject({ status: 413, contentType: expect.stringMatching(/^application\/problem\+json/) });
      expect(answer.body).toMatchObject({ status: 413, detail: expect.stringMatching(/64 KiB/) });
      expect(answer.answeredAfter).toBeLessThan(1_000);
      expect(answer.closedAfter).toBeLessThan(2_000);
    });

    it('413 at once for a chunked body that grows past 64 KiB, though it has not ended', async () => {
      if (!api) return;
      const chunk = 'x'.repeat(16 * 1024);
      const chunks = Array.from({ length: 6 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
      const answer = await rawExchange(
        port,
        'POST /v1/programs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
        { body: chunks, waitMs: 5_000 },
      );
      expect(answer).toMatchObject({ status: 413, body: { status: 413, detail: expect.stringMatching(/64 KiB/) } });
      expect(answer.closedAfter).toBeLessThan(2_000);
    });

    it(`408 problem+json for a body that trickles in for longer than ${BODY_TIME_LIMIT_MS} ms, and the connection is closed`, async () => {
      if (!api) return;
      const answer = await rawExchange(
        port,
        'POST /v1/programs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
        { body: '{"name":"', trickleEveryMs: 500, waitMs: BODY_TIME_LIMIT_MS + 5_000 },
      );
      expect(answer).toMatchObject({ status: 408, contentType: expect.stringMatching(/^application\/problem\+json/) });
      expect(answer.answeredAfter).toBeGreaterThanOrEqual(BODY_TIME_LIMIT_MS - 100);
      expect(answer.closedAfter).toBeLessThan(BODY_TIME_LIMIT_MS + 2_000);
    }, 30_000);
  });

  describe('the log', () => {
    it('many aborted uploads log no error, and one line of warning', async () => {
      if (!api) return;
      const warningsBefore = log.at('warn').length;
      const aborts = Array.from(
        { length: 40 },
        () =>
          new Promise<void>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => {
              socket.write(
                'POST /v1/programs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"name":"',
              );
              setTimeout(() => socket.destroy(), 50);
            });
            socket.on('error', () => undefined);
            socket.on('close', () => resolve());
          }),
      );
      await Promise.all(aborts);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(log.at('error', 'fatal')).toEqual([]);
      const warnings = log.at('warn').slice(warningsBefore);
      expect(warnings.map((line) => line.text)).toEqual([expect.stringMatching(/^request-aborted: POST \/v1\/programs ClientFault$/)]);
    });

    it('after its quiet window, a kind of fault logs one line again, counting the lines left out', () => {
      let now = 0;
      const faults = new ClientFaultLog(10_000, () => now);
      const before = log.at('warn').length;
      for (let at = 0; at < 5; at += 1) faults.warn('request-aborted', 'POST', '/v1/programs');
      now = 10_000;
      faults.warn('request-aborted', 'POST', '/v1/programs');
      expect(log.at('warn').slice(before).map((line) => line.text)).toEqual([
        expect.stringMatching(/^request-aborted: POST \/v1\/programs/),
        expect.stringMatching(/^request-aborted: POST \/v1\/programs \(4 more of this kind since the last line\)/),
      ]);
    });

    it('nothing in this suite logged an error or a stack trace', () => {
      expect(log.at('error', 'fatal')).toEqual([]);
      expect(log.lines.filter((line) => /\n\s+at /.test(line.text))).toEqual([]);
    });
  });
});
