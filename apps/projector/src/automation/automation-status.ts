import { CalendarDate } from '@flipside/domain';
import { DecisionOutcome, FiredTimer } from './fire-due-timers';

export interface AutomationSnapshot {
  /** Off when the projector has no master key to write with (see README "Engagement automation"). */
  readonly enabled: boolean;
  /** The automation clock's day. */
  readonly today: CalendarDate | null;
  readonly armedTimers: number;
  readonly dueTimers: number;
  /** Seconds since the start of the oldest due day among the timers not yet decided (0 when none is due). */
  readonly oldestOverdueSeconds: number;
  /** Decisions since the process started, by outcome kind (recorded, nothing-to-record, refused). */
  readonly decisions: Readonly<Record<'recorded' | 'nothing-to-record' | 'refused', number>>;
  readonly lastDecisionAt: string | null;
}

/** What /health and /metrics show of the engagement automation, beside the engine's own figures for it. */
export class AutomationStatus {
  private snapshotNow: AutomationSnapshot = {
    enabled: true,
    today: null,
    armedTimers: 0,
    dueTimers: 0,
    oldestOverdueSeconds: 0,
    decisions: { recorded: 0, 'nothing-to-record': 0, refused: 0 },
    lastDecisionAt: null,
  };

  disabled(): void {
    this.snapshotNow = { ...this.snapshotNow, enabled: false };
  }

  timers(today: CalendarDate, now: Date, summary: { armed: number; due: number; oldestDueOn: CalendarDate | null }): void {
    const oldest = summary.oldestDueOn ? Date.parse(`${summary.oldestDueOn}T00:00:00Z`) : undefined;
    this.snapshotNow = {
      ...this.snapshotNow,
      today,
      armedTimers: summary.armed,
      dueTimers: summary.due,
      oldestOverdueSeconds: oldest === undefined ? 0 : Math.max(0, Math.round((now.getTime() - oldest) / 1000)),
    };
  }

  fired(timers: readonly FiredTimer[], at: Date): void {
    if (timers.length === 0) return;
    const decisions = { ...this.snapshotNow.decisions };
    for (const { outcome } of timers) decisions[kindOf(outcome)]++;
    this.snapshotNow = { ...this.snapshotNow, decisions, lastDecisionAt: at.toISOString() };
  }

  snapshot(): AutomationSnapshot {
    return this.snapshotNow;
  }

  /** Prometheus text-format lines. */
  metricLines(): string[] {
    const s = this.snapshotNow;
    return [
      '# HELP flipside_automation_timers_armed Engagement timers armed and not yet decided.',
      '# TYPE flipside_automation_timers_armed gauge',
      `flipside_automation_timers_armed ${s.armedTimers}`,
      '# HELP flipside_automation_timers_due Engagement timers due by the automation clock and not yet decided.',
      '# TYPE flipside_automation_timers_due gauge',
      `flipside_automation_timers_due ${s.dueTimers}`,
      '# HELP flipside_automation_oldest_overdue_seconds Age of the oldest due, undecided timer (from the start of its due day).',
      '# TYPE flipside_automation_oldest_overdue_seconds gauge',
      `flipside_automation_oldest_overdue_seconds ${s.oldestOverdueSeconds}`,
      '# HELP flipside_automation_decisions_total Due timers decided since the process started, by outcome.',
      '# TYPE flipside_automation_decisions_total counter',
      ...Object.entries(s.decisions).map(([outcome, count]) => `flipside_automation_decisions_total{outcome="${outcome}"} ${count}`),
    ];
  }
}

function kindOf(outcome: DecisionOutcome): 'recorded' | 'nothing-to-record' | 'refused' {
  return outcome.startsWith('refused:') ? 'refused' : (outcome as 'recorded' | 'nothing-to-record');
}
