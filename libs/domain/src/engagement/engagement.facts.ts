import { CalendarDate, laterOf } from '../shared/calendar';
import { Cadence, EngagementPolicy } from '../program/program.events';
import { PairFlag, ParticipantRole } from '../vocabulary';

/**
 * What the engagement automation needs to remember about programs and pairs, folded from the log. Pure: the
 * automation processor stores these facts, derives timers from them (engagement.timers.ts) and acts on the
 * timers through the same deciders as the API.
 */

export interface ProgramFacts {
  readonly programId: string;
  readonly organizationId: string;
  readonly status: 'draft' | 'active' | 'closed';
  readonly launchedOn?: CalendarDate;
  readonly endsOn: CalendarDate;
  readonly cadence: Cadence;
  /** Absent until a policy is set: the defaults for the program's cadence apply. */
  readonly policy?: EngagementPolicy;
}

/** A session whose feedback is still awaited from at least one side. */
export interface AwaitedFeedback {
  readonly sessionId: string;
  readonly loggedOn: CalendarDate;
  /** Sides that gave feedback on the session or were already asked for it. */
  readonly settled: readonly ParticipantRole[];
}

export interface PairFacts {
  readonly pairId: string;
  readonly programId: string;
  readonly pairedOn: CalendarDate;
  readonly active: boolean;
  readonly lastSessionOn?: CalendarDate;
  readonly openFlags: readonly PairFlag[];
  /** The automatic end announced by the last PairEndingWarned of the current lapse. */
  readonly warnedEndsOn?: CalendarDate;
  readonly awaitedFeedback: readonly AwaitedFeedback[];
}

/** Events the automation folds: their types and the fields it reads (a structural subset of the domain's events). */
export type EngagementEvent =
  | { type: 'ProgramCreated'; data: { programId: string; organizationId: string; endsOn: CalendarDate; cadence: Cadence } }
  | { type: 'ProgramLaunched'; data: { programId: string; launchedOn: CalendarDate } }
  | { type: 'ProgramClosed'; data: { programId: string } }
  | { type: 'EngagementPolicySet'; data: { programId: string; policy: EngagementPolicy } }
  | { type: 'Paired'; data: { programId: string; pairId: string; pairedOn: CalendarDate } }
  | { type: 'PairEnded'; data: { programId: string; pairId: string } }
  | { type: 'PairClosed'; data: { programId: string; pairId: string } }
  | { type: 'SessionHeld'; data: { programId: string; pairId: string; sessionId: string; heldOn: CalendarDate; loggedOn: CalendarDate } }
  | { type: 'FeedbackGiven'; data: { programId: string; pairId: string; sessionId?: string; fromRole: ParticipantRole } }
  | { type: 'PairFlagged'; data: { programId: string; pairId: string; flag: PairFlag } }
  | { type: 'PairEndingWarned'; data: { programId: string; pairId: string; endsOn: CalendarDate } }
  | { type: 'FeedbackRequested'; data: { programId: string; pairId: string; sessionId: string; fromRole: ParticipantRole } };

const PROGRAM_EVENTS = new Set(['ProgramCreated', 'ProgramLaunched', 'ProgramClosed', 'EngagementPolicySet']);
const PAIR_EVENTS = new Set([
  'Paired',
  'PairEnded',
  'PairClosed',
  'SessionHeld',
  'FeedbackGiven',
  'PairFlagged',
  'PairEndingWarned',
  'FeedbackRequested',
]);

/** Every event type the automation folds. */
export const ENGAGEMENT_EVENT_TYPES: ReadonlySet<string> = new Set([...PROGRAM_EVENTS, ...PAIR_EVENTS]);

/** Whether the automation folds this event type into a program's facts, a pair's, or neither. */
export function engagementSubject(type: string): 'program' | 'pair' | undefined {
  if (PROGRAM_EVENTS.has(type)) return 'program';
  if (PAIR_EVENTS.has(type)) return 'pair';
  return undefined;
}

export function evolveProgramFacts(facts: ProgramFacts | undefined, event: EngagementEvent): ProgramFacts | undefined {
  if (event.type === 'ProgramCreated') {
    const { programId, organizationId, endsOn, cadence } = event.data;
    return { programId, organizationId, status: 'draft', endsOn, cadence };
  }
  if (!facts) return facts;
  switch (event.type) {
    case 'ProgramLaunched':
      return { ...facts, status: 'active', launchedOn: event.data.launchedOn };
    case 'ProgramClosed':
      return { ...facts, status: 'closed' };
    case 'EngagementPolicySet':
      return { ...facts, policy: event.data.policy };
    default:
      return facts;
  }
}

export function evolvePairFacts(facts: PairFacts | undefined, event: EngagementEvent): PairFacts | undefined {
  if (event.type === 'Paired') {
    const { pairId, programId, pairedOn } = event.data;
    return { pairId, programId, pairedOn, active: true, openFlags: [], awaitedFeedback: [] };
  }
  if (!facts) return facts;
  switch (event.type) {
    case 'PairEnded':
    case 'PairClosed':
      return { ...facts, active: false, openFlags: [], warnedEndsOn: undefined, awaitedFeedback: [] };
    case 'SessionHeld': {
      const { sessionId, heldOn, loggedOn } = event.data;
      // A held session ends the lapse: open flags and a pending automatic end are over; the next lapse starts here.
      return {
        ...facts,
        lastSessionOn: facts.lastSessionOn ? laterOf(facts.lastSessionOn, heldOn) : heldOn,
        openFlags: [],
        warnedEndsOn: undefined,
        awaitedFeedback: [...facts.awaitedFeedback, { sessionId, loggedOn, settled: [] }],
      };
    }
    case 'FeedbackGiven':
    case 'FeedbackRequested':
      return event.data.sessionId === undefined ? facts : settle(facts, event.data.sessionId, event.data.fromRole);
    case 'PairFlagged':
      return facts.openFlags.includes(event.data.flag) ? facts : { ...facts, openFlags: [...facts.openFlags, event.data.flag] };
    case 'PairEndingWarned':
      return { ...facts, warnedEndsOn: event.data.endsOn };
    default:
      return facts;
  }
}

/** One side answered (or was asked): a session both sides settled is no longer awaited. */
function settle(facts: PairFacts, sessionId: string, role: ParticipantRole): PairFacts {
  const awaitedFeedback = facts.awaitedFeedback.flatMap((awaited) => {
    if (awaited.sessionId !== sessionId || awaited.settled.includes(role)) return [awaited];
    const settled = [...awaited.settled, role];
    return settled.length >= 2 ? [] : [{ ...awaited, settled }];
  });
  return { ...facts, awaitedFeedback };
}
