import { LIMITS } from '@flipside/domain';
import { RecordedEvent } from '@flipside/event-store';
import { EntityManager } from 'typeorm';
import { EventFields, weekStartOf } from '../event-fields';
import { ReadModelProjection } from '../read-model-projection';

interface WeekDelta {
  programId: string;
  weekStart: string;
  sessions: number;
  minutes: number;
  ratingSum: number;
  ratingCount: number;
  objectivesAchieved: number;
}

interface SpanChange {
  pairId: string;
  programId: string;
  pairedOn?: string;
  endedOn?: string;
}

/** What one batch adds to the weekly series: counters summed per week, and pair spans opened or closed. */
class KpiChanges {
  private readonly weeks = new Map<string, WeekDelta>();
  private readonly spans = new Map<string, SpanChange>();

  week(programId: string, date: string): WeekDelta {
    const weekStart = weekStartOf(date);
    const key = `${programId} ${weekStart}`;
    let delta = this.weeks.get(key);
    if (!delta) {
      delta = { programId, weekStart, sessions: 0, minutes: 0, ratingSum: 0, ratingCount: 0, objectivesAchieved: 0 };
      this.weeks.set(key, delta);
    }
    return delta;
  }

  span(pairId: string, programId: string): SpanChange {
    let span = this.spans.get(pairId);
    if (!span) {
      span = { pairId, programId };
      this.spans.set(pairId, span);
    } else if (span.programId !== programId) {
      throw new Error(`pair ${pairId} belongs to program ${span.programId}`);
    }
    return span;
  }

  async flush(db: EntityManager): Promise<void> {
    const weeks = [...this.weeks.values()];
    if (weeks.length > 0) {
      // Additive upsert: no need to read the week first.
      await db.query(
        `INSERT INTO program_weeks (program_id, week_start, sessions, minutes, rating_sum, rating_count, objectives_achieved)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[])
         ON CONFLICT (program_id, week_start) DO UPDATE SET
           sessions = program_weeks.sessions + EXCLUDED.sessions,
           minutes = program_weeks.minutes + EXCLUDED.minutes,
           rating_sum = program_weeks.rating_sum + EXCLUDED.rating_sum,
           rating_count = program_weeks.rating_count + EXCLUDED.rating_count,
           objectives_achieved = program_weeks.objectives_achieved + EXCLUDED.objectives_achieved`,
        [
          weeks.map((week) => week.programId),
          weeks.map((week) => week.weekStart),
          weeks.map((week) => week.sessions),
          weeks.map((week) => week.minutes),
          weeks.map((week) => week.ratingSum),
          weeks.map((week) => week.ratingCount),
          weeks.map((week) => week.objectivesAchieved),
        ],
      );
    }
    const opened = [...this.spans.values()].filter((span) => span.pairedOn !== undefined);
    if (opened.length > 0) {
      await db.query(
        `INSERT INTO pair_spans (pair_id, program_id, paired_on, ended_on)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
        [opened.map((s) => s.pairId), opened.map((s) => s.programId), opened.map((s) => s.pairedOn), opened.map((s) => s.endedOn ?? null)],
      );
    }
    const closed = [...this.spans.values()].filter((span) => span.pairedOn === undefined);
    if (closed.length > 0) {
      const [, updated] = (await db.query(
        `UPDATE pair_spans SET ended_on = ended.ended_on
           FROM unnest($1::text[], $2::text[], $3::text[]) AS ended(pair_id, program_id, ended_on)
          WHERE pair_spans.pair_id = ended.pair_id AND pair_spans.program_id = ended.program_id
            AND pair_spans.ended_on IS NULL`,
        [closed.map((s) => s.pairId), closed.map((s) => s.programId), closed.map((s) => s.endedOn)],
      )) as [unknown, number];
      if (updated !== closed.length) throw new Error(`PairEnded for a pair that is not running: one of ${closed.map((s) => s.pairId).join(', ')}`);
    }
  }
}

type Handler = (fields: EventFields, changes: KpiChanges) => void;

const handlers: Record<string, Handler> = {
  SessionHeld(fields, changes) {
    const week = changes.week(fields.id('programId'), fields.date('heldOn'));
    fields.id('pairId');
    week.sessions++;
    week.minutes += fields.integer('durationMinutes', LIMITS.durationMinutes.min, LIMITS.durationMinutes.max);
  },
  FeedbackGiven(fields, changes) {
    const week = changes.week(fields.id('programId'), fields.date('givenOn'));
    week.ratingSum += fields.integer('rating', LIMITS.rating.min, LIMITS.rating.max);
    week.ratingCount++;
  },
  ObjectiveAchieved(fields, changes) {
    changes.week(fields.id('programId'), fields.date('achievedOn')).objectivesAchieved++;
  },
  Paired(fields, changes) {
    const span = changes.span(fields.id('pairId'), fields.id('programId'));
    if (span.pairedOn !== undefined) throw new Error(`pair ${span.pairId} was already paired`);
    span.pairedOn = fields.date('pairedOn');
  },
  PairEnded(fields, changes) {
    const span = changes.span(fields.id('pairId'), fields.id('programId'));
    if (span.endedOn !== undefined) throw new Error(`pair ${span.pairId} has already ended`);
    span.endedOn = fields.date('endedOn');
  },
};

/** Weekly KPI series per program: sessions, minutes, average rating, objectives achieved, active pairs. */
export class ProgramKpisProjection implements ReadModelProjection {
  readonly name = 'program-kpis' as const;
  readonly version = 1;
  readonly eventTypes: ReadonlySet<string> = new Set(Object.keys(handlers));

  async apply(events: readonly RecordedEvent[], db: EntityManager): Promise<void> {
    const changes = new KpiChanges();
    for (const event of events) handlers[event.type](new EventFields(event), changes);
    await changes.flush(db);
  }
}
