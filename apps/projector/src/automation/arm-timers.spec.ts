import { JsonObject, RecordedEvent } from '@flipside/event-store';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { Pool } from 'pg';
import { armTimers } from './arm-timers';
import { engagementLedger } from './engagement-ledger';

let sequence = 0;
function recorded(type: string, data: JsonObject, id = `event-${++sequence}`): RecordedEvent {
  return {
    id,
    type,
    streamName: 'any',
    revision: 0n,
    position: { commit: BigInt(sequence), prepare: BigInt(sequence) },
    data,
    metadata: { correlationId: `correlation-${id}` },
    recordedAt: new Date(),
  };
}

const created = () =>
  recorded('ProgramCreated', { programId: 'prog', organizationId: 'org', endsOn: '2027-06-30', cadence: { sessionEveryDays: 14, minSessionMinutes: 30 } });
const launched = () => recorded('ProgramLaunched', { programId: 'prog', launchedOn: '2027-01-04' });
const paired = (id?: string) => recorded('Paired', { programId: 'prog', pairId: 'p1', pairedOn: '2027-01-10' }, id);
const policy = (firstSessionWithinDays: number, id?: string) =>
  recorded(
    'EngagementPolicySet',
    {
      programId: 'prog',
      policy: { firstSessionWithinDays, checkInAfterDays: 14, stalledAfterDays: 28, autoEndAfterDays: 90, warnDaysBefore: 7, feedbackDueDays: 3, closeProgramAtEnd: true },
    },
    id,
  );

/** The timers in automation.timers, as the firing loop reads them. */
describe('armTimers (the automation batches, on PostgreSQL)', () => {
  let database: TestDatabase | undefined;
  let pool: Pool;

  beforeEach(async () => {
    if (!(await requirePostgres())) return;
    database = await createTestDatabase('flipside_automation');
    pool = new Pool({ connectionString: database.url, max: 2 });
    pool.on('error', () => undefined);
    await engagementLedger.setUp(pool);
  });
  afterEach(async () => {
    await pool?.end();
    await database?.drop();
  });

  const timers = async () =>
    (await pool.query<{ kind: string; due_on: string; caused_by: string; fired_at: Date | null }>(
      `SELECT kind, to_char(due_on, 'YYYY-MM-DD') AS due_on, caused_by, fired_at FROM automation.timers ORDER BY kind`,
    )).rows;

  it('names as cause the event that armed what a pair has now: a policy set after the pairing in the same batch', async () => {
    if (!database) return;
    await armTimers(pool, [created(), launched(), paired('the-pairing'), policy(5, 'the-policy')]);
    const firstSession = (await timers()).find((timer) => timer.kind === 'no-first-session');
    expect(firstSession).toMatchObject({ due_on: '2027-01-15', caused_by: 'the-policy' });
  });

  it('keeps the cause of a timer armed earlier when a later batch arms it again, and never arms a fired timer again', async () => {
    if (!database) return;
    await armTimers(pool, [created(), launched(), paired('the-pairing')]);
    await pool.query(`UPDATE automation.timers SET fired_at = now(), outcome = 'recorded' WHERE kind = 'no-first-session'`);
    // The same facts again (the program's policy restated as the defaults): same timer ids, nothing re-armed.
    await armTimers(pool, [policy(14, 'restated')]);
    const firstSession = (await timers()).find((timer) => timer.kind === 'no-first-session');
    expect(firstSession).toMatchObject({ due_on: '2027-01-24', caused_by: 'the-pairing', fired_at: expect.any(Date) });
    expect(await engagementLedger.due(pool, '2027-12-31', 10)).not.toContainEqual(
      expect.objectContaining({ timer: expect.objectContaining({ kind: 'no-first-session' }) }),
    );
  });

  it("drops every row of a pair that ended, fired ones too, and of a closed program's own timer", async () => {
    if (!database) return;
    await armTimers(pool, [created(), launched(), paired()]);
    await pool.query(`UPDATE automation.timers SET fired_at = now() WHERE kind = 'no-first-session'`);
    await armTimers(pool, [recorded('PairEnded', { programId: 'prog', pairId: 'p1' })]);
    expect((await timers()).map((timer) => timer.kind)).toEqual(['program-end']);
    await armTimers(pool, [recorded('ProgramClosed', { programId: 'prog' })]);
    expect(await timers()).toEqual([]);
  });
});
