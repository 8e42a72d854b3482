import { RecordedEvent } from '@flipside/event-store';
import { EntityManager } from 'typeorm';
import { ReadModelProjection } from '../read-model-projection';
import { DASHBOARD_EVENT_TYPES, DashboardRows, evolveDashboard } from './dashboard.evolve';

/** Programs, participants, pairs, sessions, objectives and feedback: everything the dashboards list. */
export class DashboardProjection implements ReadModelProjection {
  readonly name = 'dashboard' as const;
  // 2: person ids, `erased`, personal fields in their stored (encrypted) form.
  // 3: pairs' open engagement flags and announced automatic end (PairFlagged, PairEndingWarned).
  readonly version = 3;
  readonly eventTypes = DASHBOARD_EVENT_TYPES;

  async apply(events: readonly RecordedEvent[], db: EntityManager): Promise<void> {
    const rows = new DashboardRows();
    await rows.load(db, events);
    for (const event of events) evolveDashboard(rows, event);
    await rows.flush(db);
  }
}
