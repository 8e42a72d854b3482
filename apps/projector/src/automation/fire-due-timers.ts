import { AutomationCommand, commandFor, policyOf, todayOf } from '@flipside/domain';
import { Queryable } from '../engine/processor';
import { DueTimer, engagementLedger } from './engagement-ledger';

/** What a due timer came to: events recorded, nothing to record (already so), or a rule refused it (e.g. the pair ended). */
export type DecisionOutcome = 'recorded' | 'nothing-to-record' | `refused:${string}`;

/** Why the automation acts: the timer that fell due, and the event whose facts armed it. */
export interface DecisionOrigin {
  readonly timerId: string;
  readonly organizationId: string;
  readonly causedBy: string;
  readonly correlationId: string;
  /** The automation clock's instant: the command's `now`. */
  readonly now: string;
}

/** The write path, as the automation uses it: the same deciders, encryption and chain as the API's commands. */
export interface AutomationDecisions {
  decide(command: AutomationCommand, origin: DecisionOrigin): Promise<DecisionOutcome>;
}

export interface FiringLimits {
  /** Timers read per round. */
  readonly batch: number;
  /** Pairs (or programs) decided at once; one subject's own timers are always decided one after another. */
  readonly concurrency: number;
}

export interface FiredTimer {
  readonly id: string;
  readonly kind: string;
  readonly outcome: DecisionOutcome;
}

/**
 * One round: decides every timer due by `now` (up to `limits.batch`), oldest due day first; within a day,
 * subjects at once and each subject's timers in order. Each outcome is recorded as the timer's firing; a timer
 * decided but not yet marked (a crash) is decided again, and the deciders answer "nothing to record" because
 * the first decision's events are in its stream. Answers the timers fired (none: nothing was due).
 */
export async function fireDueTimers(
  db: Queryable,
  decisions: AutomationDecisions,
  now: Date,
  limits: FiringLimits,
  stop: AbortSignal,
): Promise<FiredTimer[]> {
  const due = await engagementLedger.due(db, todayOf(now.toISOString()), limits.batch);
  const fired: FiredTimer[] = [];
  for (const day of groupBy(due, (due) => due.timer.dueOn)) {
    if (stop.aborted) break;
    const subjects = groupBy(day, (due) => due.timer.pairId ?? `program:${due.timer.programId}`);
    const outcomes = await inParallel(subjects, limits.concurrency, async (timers) => {
      const done: FiredTimer[] = [];
      for (const due of timers) {
        if (stop.aborted) break;
        done.push({ id: due.timer.id, kind: due.timer.kind, outcome: await decideOne(decisions, due, now) });
      }
      return done;
    });
    const dayFired = outcomes.flat();
    await engagementLedger.fired(db, dayFired);
    fired.push(...dayFired);
  }
  return fired;
}

function decideOne(decisions: AutomationDecisions, due: DueTimer, now: Date): Promise<DecisionOutcome> {
  const instant = now.toISOString();
  const command = commandFor(due.timer, todayOf(instant), policyOf(due.program));
  return decisions.decide(command, {
    timerId: due.timer.id,
    organizationId: due.program.organizationId,
    causedBy: due.causedBy,
    correlationId: due.correlationId,
    now: instant,
  });
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return [...groups.values()];
}

async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
