import { addDays, dayOf, pairHealth, pairHealthCounts } from './pair-health';

describe('Pair health, computed from today', () => {
  const pair = (pairedOn: string, lastCadenceSessionOn: string | null, status = 'active') => ({ status, pairedOn, lastCadenceSessionOn, sessionEveryDays: 14 });

  it('is on-track up to the cadence, needs a check-in up to twice the cadence, and is stalled beyond', () => {
    expect(pairHealth(pair('2025-03-01', null), '2025-03-15')).toBe('on-track');
    expect(pairHealth(pair('2025-03-01', null), '2025-03-16')).toBe('needs-check-in');
    expect(pairHealth(pair('2025-03-01', null), '2025-03-29')).toBe('needs-check-in');
    expect(pairHealth(pair('2025-03-01', null), '2025-03-30')).toBe('stalled');
  });

  it('counts from the last session that counts towards the cadence, and gives ended pairs none', () => {
    expect(pairHealth(pair('2025-01-01', '2025-03-10'), '2025-03-20')).toBe('on-track');
    expect(pairHealth(pair('2025-01-01', '2025-03-10', 'ended'), '2025-06-20')).toBeNull();
    expect(addDays('2025-02-27', 2)).toBe('2025-03-01');
  });

  it('counts running pairs by health on the given day, ended pairs in none', () => {
    const pairs = [pair('2025-03-01', null), pair('2025-02-10', null), pair('2025-01-01', null), pair('2025-01-01', null, 'ended')];
    expect(pairHealthCounts(pairs, '2025-03-02')).toEqual({ onTrack: 1, needsCheckIn: 1, stalled: 1 });
    expect(pairHealthCounts(pairs, '2025-06-02')).toEqual({ onTrack: 0, needsCheckIn: 0, stalled: 3 });
    expect(dayOf(new Date('2025-06-30T23:30:00-02:00'))).toBe('2025-07-01');
  });
});
