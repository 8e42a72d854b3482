import { comparePositions } from '@flipside/event-store';
import { READ_MODELS_SCHEMA } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { allProjections } from '../../../projector/src/projections/all-projections';
import { projectionCheckpoints } from '../../../projector/src/projections/projection-checkpoints';
import { ProjectionWriter } from '../../../projector/src/projections/projection-writer';
import { readableEvents } from '../../../projector/src/subscribing/stored-event-gate';
import { READ_MODELS } from '../../src/read-your-writes/read-models.provider';
import { ApiHarness } from './api-harness';

/**
 * Applies everything stored so far to the read models, once, the way the projector would: for suites that
 * need query answers without running a projector alongside the API.
 */
export async function catchUpReadModels(api: ApiHarness): Promise<void> {
  const dataSource = api.app.get<DataSource>(READ_MODELS);
  for (const projection of allProjections()) {
    let at = (await dataSource.transaction((db) => projectionCheckpoints.ensure(db, projection.name, projection.version))).position;
    const writer = new ProjectionWriter(projection, dataSource, { checkpointName: projection.name, searchPath: READ_MODELS_SCHEMA });
    for (;;) {
      const page = (await api.store.readAll({ from: at, maxCount: 1000 })).filter((event) => comparePositions(event.position, at) > 0);
      if (page.length === 0) break;
      // Through the projector's one gate, as its subscription hands events over.
      at = await writer.write(readableEvents(page), at);
    }
  }
}
