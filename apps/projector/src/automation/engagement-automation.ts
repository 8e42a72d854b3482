import { Logger } from '@nestjs/common';
import { ENGAGEMENT_EVENT_TYPES, todayOf } from '@flipside/domain';
import { Batch, BatchWork, Processor, ProcessorSession, Queryable } from '../engine/processor';
import { ProcessorFactory } from '../engine/processor-host';
import { armTimers } from './arm-timers';
import { AutomationSettings } from './automation-settings';
import { AutomationStatus } from './automation-status';
import { EngagementClock } from './engagement-clock';
import { engagementLedger } from './engagement-ledger';
import { AutomationDecisions, fireDueTimers, FiringLimits } from './fire-due-timers';
import { openWritePathDecisions } from './write-path-decisions';

export const AUTOMATION_PROCESSOR = 'engagement-automation';

const REPORT_EVERY_MS = 5000;

/** Opens what the automation decides through; `close` releases it when the process stops. */
export type DecisionsOpener = () => Promise<{ readonly decisions: AutomationDecisions; close(): Promise<void> }>;

/**
 * The engagement automation, a processor of the engine: its batches fold the log into facts and arm timers in
 * the checkpoint's transaction (schema `automation`), and its side loop decides the timers that fall due by the
 * clock it is given, through the API's write path, as `system:engagement`. It decides only once the log is caught
 * up, so nothing is decided on facts the log has already overtaken (a week's backlog is folded before a week's
 * timers are decided).
 */
export class EngagementAutomation implements Processor {
  readonly name = AUTOMATION_PROCESSOR;
  readonly eventTypes = ENGAGEMENT_EVENT_TYPES;
  readonly disabled?: string;
  readonly status = new AutomationStatus();
  private readonly logger = new Logger('EngagementAutomation');
  private opened?: Awaited<ReturnType<DecisionsOpener>>;

  constructor(
    private readonly openDecisions: DecisionsOpener | undefined,
    private readonly clock: EngagementClock,
    private readonly limits: FiringLimits & { readonly idleCheckMs: number },
  ) {
    if (!openDecisions) {
      this.disabled = 'ENGAGEMENT_AUTOMATION is off, or FLIPSIDE_MASTER_KEY is not set (the automation writes encrypted events): see README "Engagement automation"';
      this.status.disabled();
    }
  }

  async setUp(db: Queryable): Promise<void> {
    await engagementLedger.setUp(db);
    // Once per process: its stream states stay warm across sessions.
    this.opened ??= await this.openDecisions!();
  }

  async handle(batch: Batch): Promise<BatchWork | void> {
    if (batch.events.length === 0) return;
    return async (db) => {
      await armTimers(db, batch.events);
    };
  }

  async whileLeaseHeld(session: ProcessorSession): Promise<void> {
    const decisions = this.opened?.decisions;
    if (!decisions) return;
    const stopMoves = this.clock.onMoved(() => session.wake());
    let reportedAt = -Infinity;
    const report = async (today: string, now: Date) => {
      this.status.timers(today, now, await engagementLedger.summary(session.db, today));
      reportedAt = performance.now();
    };
    try {
      while (!session.held.aborted) {
        const now = this.clock.now();
        const today = todayOf(now.toISOString());
        const fired = session.caughtUp() ? await fireDueTimers(session.db, decisions, now, this.limits, session.held) : [];
        if (fired.length > 0) {
          this.status.fired(fired, now);
          this.logger.log(`Decided ${fired.length} due timer(s) as of ${today}`);
          // Counting the timers scans them: while a backlog is decided, every few seconds is enough for health.
          if (performance.now() - reportedAt >= REPORT_EVERY_MS) await report(today, now);
          continue;
        }
        // Idle: health shows what is left (nothing due, or what waits for the log to be caught up).
        await report(today, now);
        await session.nextCommit(Math.min(this.limits.idleCheckMs, msUntilNextDay(now)));
      }
    } finally {
      stopMoves();
    }
  }

  health(): Record<string, unknown> {
    return { ...this.status.snapshot() };
  }

  metrics(): readonly string[] {
    return this.status.metricLines();
  }

  async close(): Promise<void> {
    await this.opened?.close();
  }
}

/** The engagement automation, for the projector's processor list. */
export const engagementAutomation =
  (settings: AutomationSettings): ProcessorFactory =>
  ({ store, databaseUrl }) =>
    new EngagementAutomation(
      settings.masterKeys ? () => openWritePathDecisions(store, databaseUrl, settings.masterKeys!) : undefined,
      settings.clock,
      settings,
    );

function msUntilNextDay(now: Date): number {
  const next = new Date(now);
  next.setUTCHours(24, 0, 0, 0);
  return Math.max(1, next.getTime() - now.getTime());
}
