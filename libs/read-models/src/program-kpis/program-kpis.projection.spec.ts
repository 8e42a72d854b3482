// The projector's test support commits events as its engine does (checkpoint, one transaction).
import { programScript } from '../../../../apps/projector/test/support/program-script';
import { GivenEvents, ReadModelDatabase, startReadModelDatabase } from '../../../../apps/projector/test/support/read-model-database';
import { weekStartOf } from '../event-fields';
import { ProgramKpisProjection } from './program-kpis.projection';

describe('Program KPI projection: given events, expected rows', () => {
  let rm: ReadModelDatabase | undefined;
  beforeAll(async () => {
    rm = await startReadModelDatabase();
  });
  afterAll(async () => {
    await rm?.close();
  });

  it('weeks start on Monday', () => {
    expect(weekStartOf('2025-03-03')).toBe('2025-03-03');
    expect(weekStartOf('2025-03-09')).toBe('2025-03-03');
    expect(weekStartOf('2025-03-10')).toBe('2025-03-10');
    expect(weekStartOf('2025-01-01')).toBe('2024-12-30');
  });

  it('sums sessions, minutes, ratings and achieved objectives per week, across batches, and keeps pair spans', async () => {
    if (!rm) return;
    const p = programScript('program-k');
    const given = new GivenEvents(new ProgramKpisProjection(), rm.dataSource);
    await given.given(
      p.created(),
      p.enrolled('mentor-1', 'mentor'),
      p.paired('pair-1', 'mentor-1', 'mentee-1', '2025-03-04'),
      p.paired('pair-2', 'mentor-1', 'mentee-2', '2025-03-11'),
      p.session('pair-1', 'session-1', '2025-03-05', 60),
      p.feedback('pair-1', 'feedback-1', 'mentee', 'mentee-1', 4, 'good', '2025-03-06'),
    );
    await given.given(
      p.session('pair-1', 'session-2', '2025-03-07', 30),
      p.session('pair-2', 'session-3', '2025-03-12', 45),
      p.feedback('pair-2', 'feedback-2', 'mentor', 'mentor-1', 2, 'good', '2025-03-12'),
      p.achieved('pair-1', 'objective-1', 7, '2025-03-13'),
      p.ended('pair-1', '2025-03-14'),
    );
    expect(await rm.rows('program_weeks', 'week_start')).toEqual([
      { program_id: 'program-k', week_start: '2025-03-03', sessions: 2, minutes: 90, rating_sum: 4, rating_count: 1, objectives_achieved: 0 },
      { program_id: 'program-k', week_start: '2025-03-10', sessions: 1, minutes: 45, rating_sum: 2, rating_count: 1, objectives_achieved: 1 },
    ]);
    expect(await rm.rows('pair_spans', 'pair_id')).toEqual([
      { pair_id: 'pair-1', program_id: 'program-k', paired_on: '2025-03-04', ended_on: '2025-03-14' },
      { pair_id: 'pair-2', program_id: 'program-k', paired_on: '2025-03-11', ended_on: null },
    ]);
    await expect(given.given(p.ended('pair-1', '2025-03-20'))).rejects.toThrow(/PairEnded .* cannot be applied: PairEnded for a pair that is not running/);
  });
});
