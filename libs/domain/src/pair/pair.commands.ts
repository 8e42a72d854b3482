import { CalendarDate } from '../shared/calendar';
import { FitAnswer, FocusArea, ParticipantRole, SessionFormat } from '../vocabulary';
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

export type PairCommand =
  | SetObjective
  | RecordObjectiveProgress
  | AchieveObjective
  | DropObjective
  | LogSession
  | GiveFeedback;

export type PairCommandType = PairCommand['type'];
