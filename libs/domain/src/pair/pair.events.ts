import { CalendarDate } from '../shared/calendar';
import { FitAnswer, FocusArea, PairEndReason, PairFlag, ParticipantRole, SessionFormat } from '../vocabulary';

/** Events of the stream `pair-<pairId>`: a pair's working life (objectives, sessions, feedback). */

export type ObjectiveSet = {
  type: 'ObjectiveSet';
  data: {
    programId: string;
    pairId: string;
    objectiveId: string;
    title: string;
    /** One of the program's focus areas. */
    area: FocusArea;
    successCriteria: string;
    targetDate: CalendarDate;
    /** Self-assessed level, 1 to 10, when the objective is set; the target is strictly above it. */
    baselineLevel: number;
    targetLevel: number;
    setOn: CalendarDate;
  };
};

export type ObjectiveProgressRecorded = {
  type: 'ObjectiveProgressRecorded';
  data: { programId: string; pairId: string; objectiveId: string; level: number; note: string; recordedOn: CalendarDate };
};

export type ObjectiveAchieved = {
  type: 'ObjectiveAchieved';
  data: { programId: string; pairId: string; objectiveId: string; finalLevel: number; achievedOn: CalendarDate };
};

export type ObjectiveDropped = {
  type: 'ObjectiveDropped';
  data: { programId: string; pairId: string; objectiveId: string; reason: string; droppedOn: CalendarDate };
};

export interface ActionItem {
  description: string;
  owner: ParticipantRole;
  dueOn: CalendarDate;
}

export type SessionHeld = {
  type: 'SessionHeld';
  data: {
    programId: string;
    pairId: string;
    sessionId: string;
    heldOn: CalendarDate;
    durationMinutes: number;
    format: SessionFormat;
    topics: string[];
    /** What was learned, in the pair's words. */
    insights: string;
    actionItems: ActionItem[];
    /** Visible to the pair alone; to be encrypted at rest by later work. */
    confidentialNotes?: string;
    loggedOn: CalendarDate;
  };
};

export type FeedbackGiven = {
  type: 'FeedbackGiven';
  data: {
    programId: string;
    pairId: string;
    feedbackId: string;
    /** The session the feedback is about; absent for feedback on the pairing as a whole. */
    sessionId?: string;
    fromRole: ParticipantRole;
    /** The participant id of the pair member giving the feedback. */
    givenBy: string;
    rating: number;
    comment: string;
    fit: FitAnswer;
    givenOn: CalendarDate;
  };
};

/** The engagement automation saw a lapse (once per episode: a session held clears every flag). */
export type PairFlagged = {
  type: 'PairFlagged';
  data: { programId: string; pairId: string; flag: PairFlag; since: CalendarDate };
};

/** The engagement automation will end the pair on `endsOn` ('inactive') unless it meets before. */
export type PairEndingWarned = {
  type: 'PairEndingWarned';
  data: { programId: string; pairId: string; endsOn: CalendarDate };
};

/** No feedback from `fromRole` on the session after the policy's feedbackDueDays: it is asked for. */
export type FeedbackRequested = {
  type: 'FeedbackRequested';
  data: { programId: string; pairId: string; sessionId: string; fromRole: ParticipantRole };
};

/**
 * The fence: the program is ending this pair (its PairEnded follows in the program stream). Nothing is recorded
 * on the pair after it, so no event of the pair can follow, in log order, the event that ended it.
 */
export type PairClosed = {
  type: 'PairClosed';
  data: { programId: string; pairId: string; reason: PairEndReason; closedOn: CalendarDate };
};

export type PairEvent =
  | ObjectiveSet
  | ObjectiveProgressRecorded
  | ObjectiveAchieved
  | ObjectiveDropped
  | SessionHeld
  | FeedbackGiven
  | PairFlagged
  | PairEndingWarned
  | FeedbackRequested
  | PairClosed;

export type PairEventType = PairEvent['type'];
