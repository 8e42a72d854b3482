import { AutomationStatus } from './automation-status';

describe('AutomationStatus', () => {
  it('ages the oldest due timer from the start of its due day, and reports nothing overdue when nothing is due', () => {
    const status = new AutomationStatus();
    status.timers('2027-01-10', new Date('2027-01-10T06:00:00Z'), { armed: 5, due: 2, oldestDueOn: '2027-01-08' });
    expect(status.snapshot()).toMatchObject({ today: '2027-01-10', armedTimers: 5, dueTimers: 2, oldestOverdueSeconds: 2 * 86_400 + 6 * 3_600 });
    expect(status.metricLines()).toEqual(
      expect.arrayContaining(['flipside_automation_timers_due 2', `flipside_automation_oldest_overdue_seconds ${2 * 86_400 + 6 * 3_600}`]),
    );
    status.timers('2027-01-10', new Date('2027-01-10T07:00:00Z'), { armed: 3, due: 0, oldestDueOn: null });
    expect(status.snapshot()).toMatchObject({ dueTimers: 0, oldestOverdueSeconds: 0 });
  });

  it('counts decisions by outcome: recorded, nothing to record, refused (whatever the rule)', () => {
    const status = new AutomationStatus();
    status.fired(
      [
        { id: 'a', kind: 'stalled', outcome: 'recorded' },
        { id: 'b', kind: 'stalled', outcome: 'nothing-to-record' },
        { id: 'c', kind: 'inactive-pair-end', outcome: 'refused:pair-active-again' },
        { id: 'd', kind: 'program-end', outcome: 'refused:program-closed' },
      ],
      new Date('2027-01-10T07:00:00Z'),
    );
    expect(status.snapshot().decisions).toEqual({ recorded: 1, 'nothing-to-record': 1, refused: 2 });
    expect(status.snapshot().lastDecisionAt).toBe('2027-01-10T07:00:00.000Z');
  });
});
