// The API benchmark's baseline: the least an HTTP command service on this machine can do per command. It takes
// a POST with a JSON body and a bearer token, checks the token's HS256 signature, and INSERTs one event row in one
// round trip, then answers 201 with JSON. No framework, validation, decision or concurrency check: a ceiling, not
// a rival. Run as a child process: `node scripts/lib/bare-command-server.mjs` with PORT, DATABASE_URL, JWT_SECRET.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from './dev-env.mjs';

const pg = createRequire(join(root, 'package.json'))('pg');
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const key = Buffer.from(process.env.JWT_SECRET ?? '', 'utf8');
await pool.query('CREATE TABLE IF NOT EXISTS bare_command_events (LIKE event_store.events INCLUDING ALL)');

const signed = (header) => {
  const [head, payload, signature] = (header ?? '').replace(/^Bearer /, '').split('.');
  if (!signature) return false;
  const expected = createHmac('sha256', key).update(`${head}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
};

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    const answer = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    try {
      if (!signed(request.headers.authorization)) return answer(401, { title: 'Unauthorized' });
      const data = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const id = randomUUID();
      await pool.query(
        'INSERT INTO bare_command_events (stream_name, stream_revision, event_id, event_type, data, metadata) VALUES ($1, 0, $2, $3, $4, $5)',
        [`bare-${id}`, id, 'SessionHeld', JSON.stringify(data), JSON.stringify({ path: request.url })],
      );
      answer(201, { id });
    } catch (error) {
      answer(500, { title: String(error) });
    }
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
