import { RecordedEvent } from '@flipside/event-store';
import { DASHBOARD_EVENT_TYPES, DashboardRows, evolveDashboard } from '@flipside/read-models';
import { EntityManager } from 'typeorm';
import { Projection, UnappliableEventError } from '../projection';

/** Programs, participants, pairs, sessions, objectives and feedback: everything the dashboards list. */
export class DashboardProjection implements Projection {
  readonly name = 'dashboard' as const;
  // 2: person ids, `erased`, personal fields in their stored (encrypted) form.
  readonly version = 2;
  readonly eventTypes = DASHBOARD_EVENT_TYPES;

  async apply(events: readonly RecordedEvent[], db: EntityManager): Promise<void> {
    const rows = new DashboardRows();
    await rows.load(db, events);
    for (const event of events) {
      try {
        evolveDashboard(rows, event);
      } catch (error) {
        throw new UnappliableEventError(event, (error as Error).message);
      }
    }
    await rows.flush(db);
  }
}
