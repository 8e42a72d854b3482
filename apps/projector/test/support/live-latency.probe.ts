// Temporary probe (not a test): projector live latency in isolation.
import { comparePositions, parsePosition } from '@flipside/event-store';
import { PostgresEventStore } from '@flipside/event-store/postgres';
import { openReadModels } from '@flipside/read-models';
import { createTestDatabase } from '@flipside/testing';
import { programScript } from './program-script';
import { startProjector } from './projector-in-process';
import { appendEvents } from './seed-events';

async function main() {
  const db = await createTestDatabase('flipside_probe');
  const store = new PostgresEventStore({ connectionString: db.url, poolSize: 4 });
  await store.start();
  const ds = await openReadModels({ databaseUrl: db.url, poolSize: 2 });
  const projector = await startProjector(db.url);
  const p = programScript('probe');
  await appendEvents(store, [p.created(), p.enrolled('m', 'mentor'), p.enrolled('e', 'mentee'), p.launched(), p.paired('pair', 'm', 'e')]);
  const rate = Number(process.argv[2] ?? 100);
  const lags: number[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < rate * 5; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      (async () => {
        const at = await appendEvents(store, [p.session('pair', `s${i}`, '2025-03-10', 30)]);
        const t0 = performance.now();
        for (;;) {
          const rows = await ds.query(`SELECT position FROM read_models.projection_checkpoints WHERE name='dashboard'`);
          if (comparePositions(parsePosition(rows[0].position)!, at) >= 0) break;
          await new Promise((r) => setTimeout(r, 2));
        }
        lags.push(performance.now() - t0);
      })(),
    );
  }
  await Promise.all(pending);
  lags.sort((a, b) => a - b);
  console.log(JSON.stringify({ rate, n: lags.length, p50: lags[Math.floor(lags.length / 2)].toFixed(1), p99: lags[Math.floor(lags.length * 0.99)].toFixed(1) }));
  console.log((await projector.health()).body.projections.map((s: any) => `${s.name} batches=${s.batches} applied=${s.eventsApplied}`).join('; '));
  await projector.close();
  await ds.destroy();
  await store.close();
  await db.drop();
}
main();
