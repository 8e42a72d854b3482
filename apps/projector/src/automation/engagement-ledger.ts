import { CalendarDate, PairFacts, ProgramFacts, Timer } from '@flipside/domain';
import { Queryable } from '../engine/processor';

/** A timer as stored: the pure Timer plus why it was armed (the event whose facts armed it). */
export interface ArmedTimer {
  readonly timer: Timer;
  readonly causedBy: string;
  readonly correlationId: string;
}

/** A due timer with its program's facts (the organization acted for, the policy in force). */
export interface DueTimer extends ArmedTimer {
  readonly program: ProgramFacts;
}

/** A pair, or a program's own timers (no pairId), with the timers its facts arm now. */
export interface ArmedSubject {
  readonly programId: string;
  readonly pairId?: string;
  readonly armed: readonly ArmedTimer[];
  /** The pair or program is over: nothing of it is kept. */
  readonly ended: boolean;
}

/** What the automation remembers, in the schema `automation`: the facts it folded, and the timers they armed. */
export const engagementLedger = {
  async setUp(db: Queryable): Promise<void> {
    await db.query(`
      CREATE SCHEMA IF NOT EXISTS automation;
      CREATE TABLE IF NOT EXISTS automation.programs (
        program_id text PRIMARY KEY,
        facts      jsonb NOT NULL
      );
      CREATE TABLE IF NOT EXISTS automation.pairs (
        pair_id    text PRIMARY KEY,
        program_id text NOT NULL,
        facts      jsonb NOT NULL
      );
      CREATE INDEX IF NOT EXISTS pairs_by_program ON automation.pairs (program_id);
      CREATE TABLE IF NOT EXISTS automation.timers (
        id             text PRIMARY KEY,
        kind           text NOT NULL,
        program_id     text NOT NULL,
        -- The pair a timer is about; the program's own timers (its closing) have none.
        pair_id        text,
        due_on         date NOT NULL,
        timer          jsonb NOT NULL,
        caused_by      text NOT NULL,
        correlation_id text NOT NULL,
        armed_at       timestamptz NOT NULL DEFAULT now(),
        fired_at       timestamptz,
        outcome        text
      );
      CREATE INDEX IF NOT EXISTS timers_due ON automation.timers (due_on, id) WHERE fired_at IS NULL;
      CREATE INDEX IF NOT EXISTS timers_by_pair ON automation.timers (pair_id) WHERE pair_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS timers_by_program ON automation.timers (program_id);
    `);
  },

  async programs(db: Queryable, programIds: readonly string[]): Promise<Map<string, ProgramFacts>> {
    if (programIds.length === 0) return new Map();
    const { rows } = await db.query<{ facts: ProgramFacts }>('SELECT facts FROM automation.programs WHERE program_id = ANY($1)', [programIds]);
    return new Map(rows.map(({ facts }) => [facts.programId, facts]));
  },

  /** The pairs named, plus every pair of the programs named (a program's change re-arms all its pairs). */
  async pairs(db: Queryable, pairIds: readonly string[], ofPrograms: readonly string[]): Promise<Map<string, PairFacts>> {
    if (pairIds.length === 0 && ofPrograms.length === 0) return new Map();
    const { rows } = await db.query<{ facts: PairFacts }>(
      'SELECT facts FROM automation.pairs WHERE pair_id = ANY($1) OR program_id = ANY($2)',
      [pairIds, ofPrograms],
    );
    return new Map(rows.map(({ facts }) => [facts.pairId, facts]));
  },

  async savePrograms(db: Queryable, programs: readonly ProgramFacts[]): Promise<void> {
    if (programs.length === 0) return;
    await db.query(
      `INSERT INTO automation.programs (program_id, facts)
       SELECT facts->>'programId', facts FROM jsonb_array_elements($1::jsonb) AS facts
       ON CONFLICT (program_id) DO UPDATE SET facts = EXCLUDED.facts`,
      [JSON.stringify(programs)],
    );
  },

  async savePairs(db: Queryable, pairs: readonly PairFacts[]): Promise<void> {
    if (pairs.length === 0) return;
    await db.query(
      `INSERT INTO automation.pairs (pair_id, program_id, facts)
       SELECT facts->>'pairId', facts->>'programId', facts FROM jsonb_array_elements($1::jsonb) AS facts
       ON CONFLICT (pair_id) DO UPDATE SET facts = EXCLUDED.facts`,
      [JSON.stringify(pairs)],
    );
  },

  /**
   * Makes the armed timers of each subject (a pair, or a program's own) exactly `armed`: timers no longer wanted
   * are dropped unless they already fired, new ones are added, and a timer that already fired is never armed
   * again (same id: same facts, same due day). A subject that ended (its pair or program) loses every row, fired ones too.
   */
  async rearm(db: Queryable, subjects: readonly ArmedSubject[]): Promise<void> {
    if (subjects.length === 0) return;
    const keep = subjects.flatMap((subject) => subject.armed.map((armed) => armed.timer.id));
    const pairIds = subjects.flatMap((subject) => (subject.pairId ? [subject.pairId] : []));
    const ownPrograms = subjects.flatMap((subject) => (subject.pairId ? [] : [subject.programId]));
    const finished = subjects.filter((subject) => subject.ended);
    await db.query(
      `DELETE FROM automation.timers
        WHERE (pair_id = ANY($1) OR (pair_id IS NULL AND program_id = ANY($2)))
          AND ((fired_at IS NULL AND NOT (id = ANY($3)))
               OR pair_id = ANY($4) OR (pair_id IS NULL AND program_id = ANY($5)))`,
      [
        pairIds,
        ownPrograms,
        keep,
        finished.flatMap((subject) => (subject.pairId ? [subject.pairId] : [])),
        finished.flatMap((subject) => (subject.pairId ? [] : [subject.programId])),
      ],
    );
    const rows = subjects.flatMap((subject) => subject.armed);
    if (rows.length === 0) return;
    await db.query(
      `INSERT INTO automation.timers (id, kind, program_id, pair_id, due_on, timer, caused_by, correlation_id)
       SELECT t.timer->>'id', t.timer->>'kind', t.timer->>'programId', t.timer->>'pairId', (t.timer->>'dueOn')::date,
              t.timer, t."causedBy", t."correlationId"
         FROM jsonb_to_recordset($1::jsonb) AS t(timer jsonb, "causedBy" text, "correlationId" text)
       ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  },

  /** Timers due on or before `today` and not fired, oldest first (ties by id: a stable order across restarts). */
  async due(db: Queryable, today: CalendarDate, limit: number): Promise<DueTimer[]> {
    const { rows } = await db.query<{ timer: Timer; caused_by: string; correlation_id: string; program: ProgramFacts }>(
      `SELECT t.timer, t.caused_by, t.correlation_id, p.facts AS program
         FROM automation.timers t JOIN automation.programs p USING (program_id)
        WHERE t.fired_at IS NULL AND t.due_on <= $1::date ORDER BY t.due_on, t.id LIMIT $2`,
      [today, limit],
    );
    return rows.map((row) => ({ timer: row.timer, causedBy: row.caused_by, correlationId: row.correlation_id, program: row.program }));
  },

  /** Records what each fired timer came to; a timer dropped meanwhile (its facts changed) stays dropped. */
  async fired(db: Queryable, outcomes: readonly { id: string; outcome: string }[]): Promise<void> {
    if (outcomes.length === 0) return;
    await db.query(
      `UPDATE automation.timers AS t SET fired_at = now(), outcome = o.outcome
         FROM jsonb_to_recordset($1::jsonb) AS o(id text, outcome text)
        WHERE t.id = o.id AND t.fired_at IS NULL`,
      [JSON.stringify(outcomes)],
    );
  },

  /** For health and metrics: timers armed, timers due by `today`, and the oldest due day among them. */
  async summary(db: Queryable, today: CalendarDate): Promise<{ armed: number; due: number; oldestDueOn: CalendarDate | null }> {
    const { rows } = await db.query<{ armed: string; due: string; oldest: string | null }>(
      `SELECT count(*) AS armed,
              count(*) FILTER (WHERE due_on <= $1::date) AS due,
              to_char(min(due_on) FILTER (WHERE due_on <= $1::date), 'YYYY-MM-DD') AS oldest
         FROM automation.timers WHERE fired_at IS NULL`,
      [today],
    );
    return { armed: Number(rows[0].armed), due: Number(rows[0].due), oldestDueOn: rows[0].oldest };
  },
};
