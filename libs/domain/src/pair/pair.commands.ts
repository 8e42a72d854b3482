import { CalendarDate } from '../shared/calendar';
import { FitAnswer, FocusArea, PairEndReason, PairFlag, ParticipantRole, SessionFormat } from '../vocabulary';
import { PairContext } from './pair.context';
import { ActionItem } from './pair.events';

/**
 * Commands to the pair stream. Each carries `context` (built with `pairContextOf` from the program's state:
 * whether the pair is running, its members and the program's dates and focus areas) and `now`, the ISO-8601
 * instant of the request; "today" is `now.slice(0, 10)` (UTC).
 */
type PairCommandOf<Type extends string, Data> = {
  type: Type;
  data: Data;
  context: PairContext;
  now: string;
};

export type SetObjective = PairCommandOf<
  'SetObjective',
  {
    objectiveId: string;
    title: string;
    area: FocusArea;
    successCriteria: string;
    targetDate: CalendarDate;
    baselineLevel: number;
    targetLevel: number;
  }
>;

export type RecordObjectiveProgress = PairCommandOf<
  'RecordObjectiveProgress',
  { objectiveId: string; level: number; note: string }
>;

export type AchieveObjective = PairCommandOf<'AchieveObjective', { objectiveId: string; finalLevel: number }>;

export type DropObjective = PairCommandOf<'DropObjective', { objectiveId: string; reason: string }>;

/** Records a session that has taken place (the event is `SessionHeld`). */
export type LogSession = PairCommandOf<
  'LogSession',
  {
    sessionId: string;
    heldOn: CalendarDate;
    durationMinutes: number;
    format: SessionFormat;
    /** Defaults to []. */
    topics?: string[];
    insights: string;
    /** Defaults to []. */
    actionItems?: ActionItem[];
    confidentialNotes?: string;
  }
>;

export type GiveFeedback = PairCommandOf<
  'GiveFeedback',
  {
    feedbackId: string;
    sessionId?: string;
    fromRole: ParticipantRole;
    givenBy: string;
    rating: number;
    comment: string;
    fit: FitAnswer;
  }
>;

// ---- The engagement automation (actor system:engagement): each answers no events when already done. ----

/**
 * Flags a lapse that began on `lapseStartedOn` (the last session, or the pairing) and crossed the policy's
 * threshold on `since`. Nothing when the flag is open already or a session was held after the lapse began.
 */
export type FlagPair = PairCommandOf<'FlagPair', { flag: PairFlag; since: CalendarDate; lapseStartedOn: CalendarDate }>;

/** Warns that the pair ends on `endsOn`; nothing when warned for that date or a session was held after lastActiveOn. */
export type WarnPairEnding = PairCommandOf<'WarnPairEnding', { endsOn: CalendarDate; lastActiveOn: CalendarDate }>;

/** Asks for feedback on a session from one side; nothing when that side gave it or was already asked. */
export type RequestFeedback = PairCommandOf<'RequestFeedback', { sessionId: string; fromRole: ParticipantRole }>;

/**
 * The fence the write path records before the program stream's PairEnded (see `pairsEndedBy`). Accepted whatever
 * the program's status; once recorded, every other pair command is refused and this one records nothing more.
 */
export type ClosePair = PairCommandOf<
  'ClosePair',
  {
    reason: PairEndReason;
    closedOn: CalendarDate;
    /** An end for inactivity names the last active day it counted from: a session held after it refuses the end. */
    lastActiveOn?: CalendarDate;
  }
>;

export type PairCommand =
  | SetObjective
  | RecordObjectiveProgress
  | AchieveObjective
  | DropObjective
  | LogSession
  | GiveFeedback
  | FlagPair
  | WarnPairEnding
  | RequestFeedback
  | ClosePair;

export type PairCommandType = PairCommand['type'];
