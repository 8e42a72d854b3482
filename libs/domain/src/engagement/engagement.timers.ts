import { addDays, CalendarDate, laterOf } from '../shared/calendar';
import { defaultEngagementPolicy, endDatePassedOutcome } from '../program/engagement-policy';
import { EngagementPolicy } from '../program/program.events';
import { PairFlag, PARTICIPANT_ROLES, ParticipantRole } from '../vocabulary';
import { PairFacts, ProgramFacts } from './engagement.facts';

export type TimerKind = PairFlag | 'pair-ending-warning' | 'inactive-pair-end' | 'feedback-due' | 'program-end';

/**
 * A decision the automation will take on `dueOn` unless the facts change first. The id names the kind, the
 * subject, the day the lapse started counting and the due day: the same facts always arm the same timer, and the
 * decision's event ids derive from it, so a timer that fires twice (a crash, a second instance) records once.
 */
export interface Timer {
  readonly id: string;
  readonly kind: TimerKind;
  readonly dueOn: CalendarDate;
  readonly programId: string;
  readonly pairId?: string;
  /** The day the lapse (or the wait for feedback) started counting. */
  readonly basis: CalendarDate;
  readonly sessionId?: string;
  readonly fromRole?: ParticipantRole;
  /** For a warning: the automatic end it announces, unless it is given late. */
  readonly endsOn?: CalendarDate;
}

/** What the automation asks of the deciders when a timer is due: a pair command or a program command. */
export type AutomationCommand =
  | { stream: 'pair'; programId: string; pairId: string; type: 'FlagPair'; data: { flag: PairFlag; since: CalendarDate; lapseStartedOn: CalendarDate } }
  | { stream: 'pair'; programId: string; pairId: string; type: 'WarnPairEnding'; data: { endsOn: CalendarDate; lastActiveOn: CalendarDate } }
  | { stream: 'pair'; programId: string; pairId: string; type: 'RequestFeedback'; data: { sessionId: string; fromRole: ParticipantRole } }
  | { stream: 'program'; programId: string; type: 'EndInactivePair'; data: { programId: string; pairId: string; lastActiveOn: CalendarDate } }
  | { stream: 'program'; programId: string; type: 'CloseProgram'; data: { programId: string; outcome: string } };

/** The policy in force: the one set for the program, or the defaults for its cadence. */
export function policyOf(program: ProgramFacts): EngagementPolicy {
  return program.policy ?? defaultEngagementPolicy(program.cadence);
}

/** The program's own timer: closing it the day after its end date, while it is not closed and the policy says so. */
export function programTimers(program: ProgramFacts): Timer[] {
  if (program.status === 'closed' || !policyOf(program).closeProgramAtEnd) return [];
  const dueOn = addDays(program.endsOn, 1);
  return [timer({ kind: 'program-end', dueOn, programId: program.programId, basis: program.endsOn })];
}

/** A running pair's timers in a running program; none once either has ended. */
export function pairTimers(program: ProgramFacts, pair: PairFacts): Timer[] {
  if (program.status !== 'active' || !pair.active) return [];
  const policy = policyOf(program);
  const { programId, pairId } = pair;
  // A pair formed before the launch starts counting at the launch.
  const activeSince = program.launchedOn ? laterOf(pair.pairedOn, program.launchedOn) : pair.pairedOn;
  const lastActiveOn = pair.lastSessionOn ? laterOf(pair.lastSessionOn, activeSince) : activeSince;
  const timers: Timer[] = [];
  const flag = (kind: PairFlag, afterDays: number) => {
    if (!pair.openFlags.includes(kind)) timers.push(timer({ kind, dueOn: addDays(lastActiveOn, afterDays), programId, pairId, basis: lastActiveOn }));
  };
  if (pair.lastSessionOn === undefined) {
    flag('no-first-session', policy.firstSessionWithinDays);
  } else {
    flag('check-in-due', policy.checkInAfterDays);
    flag('stalled', policy.stalledAfterDays);
  }
  if (policy.autoEndAfterDays !== null) {
    const endsOn = addDays(lastActiveOn, policy.autoEndAfterDays);
    // A warning stands for the end it announced; a policy lengthened since then calls for a new one.
    const warned = pair.warnedEndsOn !== undefined && pair.warnedEndsOn >= endsOn;
    timers.push(
      !warned
        ? timer({ kind: 'pair-ending-warning', dueOn: addDays(endsOn, -policy.warnDaysBefore), programId, pairId, basis: lastActiveOn, endsOn })
        : timer({ kind: 'inactive-pair-end', dueOn: pair.warnedEndsOn!, programId, pairId, basis: lastActiveOn }),
    );
  }
  for (const awaited of pair.awaitedFeedback) {
    for (const fromRole of PARTICIPANT_ROLES) {
      if (awaited.settled.includes(fromRole)) continue;
      const dueOn = addDays(awaited.loggedOn, policy.feedbackDueDays);
      timers.push(timer({ kind: 'feedback-due', dueOn, programId, pairId, basis: awaited.loggedOn, sessionId: awaited.sessionId, fromRole }));
    }
  }
  return timers;
}

/**
 * The command a due timer sends, on `today` (the automation's clock). A warning given late still leaves its
 * full notice: the end it announces is never sooner than `warnDaysBefore` days after it.
 */
export function commandFor(timer: Timer, today: CalendarDate, policy: EngagementPolicy): AutomationCommand {
  const { programId, basis } = timer;
  const pairId = timer.pairId ?? '';
  switch (timer.kind) {
    case 'no-first-session':
    case 'check-in-due':
    case 'stalled':
      return { stream: 'pair', programId, pairId, type: 'FlagPair', data: { flag: timer.kind, since: timer.dueOn, lapseStartedOn: basis } };
    case 'pair-ending-warning': {
      const endsOn = laterOf(timer.endsOn ?? timer.dueOn, addDays(today, policy.warnDaysBefore));
      return { stream: 'pair', programId, pairId, type: 'WarnPairEnding', data: { endsOn, lastActiveOn: basis } };
    }
    case 'inactive-pair-end':
      return { stream: 'program', programId, type: 'EndInactivePair', data: { programId, pairId, lastActiveOn: basis } };
    case 'feedback-due':
      return {
        stream: 'pair',
        programId,
        pairId,
        type: 'RequestFeedback',
        data: { sessionId: timer.sessionId ?? '', fromRole: timer.fromRole ?? 'mentor' },
      };
    case 'program-end':
      return { stream: 'program', programId, type: 'CloseProgram', data: { programId, outcome: endDatePassedOutcome(basis) } };
  }
}

function timer(fields: Omit<Timer, 'id'>): Timer {
  const subject = fields.pairId ?? fields.programId;
  const side = fields.sessionId ? `:${fields.sessionId}:${fields.fromRole}` : '';
  return { id: `${fields.kind}:${subject}${side}:${fields.basis}:${fields.dueOn}`, ...fields };
}
