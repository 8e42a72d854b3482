import { comparePositions } from '@flipside/event-store';
import { allProjections } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { checkpointStore } from '../../../projector/src/engine/checkpoint-store';
import { CheckpointedWriter } from '../../../projector/src/engine/checkpointed-writer';
import { poolOf } from '../../../projector/src/engine/processor-engine';
import { readableEvents } from '../../../projector/src/engine/stored-event-gate';
import { READ_MODELS } from '../../src/read-your-writes/read-models.provider';
import { ApiHarness } from './api-harness';

/**
 * Applies everything stored so far to the read models, once, the way the projector would: for suites that
 * need query answers without running a projector alongside the API.
 */
export async function catchUpReadModels(api: ApiHarness): Promise<void> {
  const dataSource = api.app.get<DataSource>(READ_MODELS);
  for (const projection of allProjections()) {
    let at = (await checkpointStore.ensure(poolOf(dataSource), projection.name, projection.version)).position;
    const writer = new CheckpointedWriter(dataSource, { name: projection.name, version: projection.version });
    for (;;) {
      const page = (await api.store.readAll({ from: at, maxCount: 1000 })).filter((event) => comparePositions(event.position, at) > 0);
      if (page.length === 0) break;
      // Through the projector's one gate, as its subscription hands events over; one transaction with the checkpoint.
      const relevant = readableEvents(page).filter((event) => projection.eventTypes.has(event.type));
      const last = page[page.length - 1].position;
      await writer.commit(at, last, relevant.length > 0 ? (db) => projection.apply(relevant, db.manager) : undefined);
      at = last;
    }
  }
}
