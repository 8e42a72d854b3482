import { Logger } from '@nestjs/common';
import { loadConfig } from '@flipside/config';
import { createEventStore } from '@flipside/event-store';
import { allProjections, isProjectionName, openReadModels, PROJECTION_NAMES } from '@flipside/read-models';
import { rebuildReadModel } from './rebuild-read-model';

/**
 * `npm run projector -- rebuild [name…]`: rebuilds the named projections (default all) from the start of the
 * log into new tables and switches to them atomically; a running projector keeps serving meanwhile.
 * Answers the process exit code.
 */
export async function runRebuildCli(args: readonly string[]): Promise<number> {
  const logger = new Logger('Rebuild');
  const unknown = args.filter((name) => !isProjectionName(name));
  if (unknown.length > 0) {
    console.error(`Unknown projection ${unknown.join(', ')}; the projections are: ${PROJECTION_NAMES.join(', ')}`);
    return 2;
  }
  const names = args.length > 0 ? args : PROJECTION_NAMES;
  const config = loadConfig(process.env, { jwt: false });
  const stop = new AbortController();
  const interrupt = () => stop.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const store = createEventStore(config);
  await store.start();
  const dataSource = await openReadModels({ databaseUrl: config.databaseUrl, poolSize: 2, applicationName: 'flipside-rebuild' });
  try {
    for (const projection of allProjections().filter((candidate) => names.includes(candidate.name))) {
      let applied = 0;
      let reported = Date.now();
      const result = await rebuildReadModel(projection, { store, dataSource, databaseUrl: config.databaseUrl }, {
        stop: stop.signal,
        onBatch: (batch) => {
          applied += batch.applied + batch.ignored;
          if (Date.now() - reported > 5000) {
            reported = Date.now();
            logger.log(`${projection.name}: ${applied} events replayed`);
          }
        },
      });
      if (!result) {
        logger.warn(`${projection.name}: interrupted; the current tables are untouched`);
        return 130;
      }
      const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
      console.log(`${projection.name}: rebuilt from ${result.events} events in ${result.seconds.toFixed(1)} s (${rate} events/s)`);
    }
    return 0;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await dataSource.destroy();
    await store.close();
  }
}
