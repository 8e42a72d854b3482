import { CalendarDate } from '../shared/calendar';
import { FocusArea, ObjectiveStatus, PairEndReason, PairFlag, ParticipantRole } from '../vocabulary';
import { PairEvent } from './pair.events';

export interface PairObjective {
  readonly objectiveId: string;
  readonly title: string;
  readonly area: FocusArea;
  readonly status: ObjectiveStatus;
  readonly baselineLevel: number;
  readonly targetLevel: number;
  /** The last level recorded (baseline until progress is recorded; the final level once achieved). */
  readonly currentLevel: number;
  readonly targetDate: CalendarDate;
  /** When the objective was achieved or dropped. */
  readonly closedOn?: CalendarDate;
}

export interface PairSession {
  readonly sessionId: string;
  readonly heldOn: CalendarDate;
  readonly durationMinutes: number;
}

export interface PairFeedback {
  readonly feedbackId: string;
  readonly sessionId?: string;
  readonly fromRole: ParticipantRole;
  readonly givenBy: string;
}

export interface PairState {
  readonly objectives: Readonly<Record<string, PairObjective>>;
  readonly sessions: Readonly<Record<string, PairSession>>;
  readonly feedback: Readonly<Record<string, PairFeedback>>;
  /** The fence (PairClosed): the pair has ended and records nothing more. */
  readonly closed?: { readonly reason: PairEndReason; readonly closedOn: CalendarDate };
  /** Flags of the current episode, each with its `since`; a session held clears them all. */
  readonly openFlags: Readonly<Partial<Record<PairFlag, CalendarDate>>>;
  /** The end date the pair was last warned of (cleared by a session held). */
  readonly warnedEndsOn?: CalendarDate;
  /** The latest `heldOn` of the pair's sessions. */
  readonly lastSessionOn?: CalendarDate;
  /** Feedback asked for, keyed by `feedbackRequestKey(sessionId, role)`. */
  readonly feedbackRequested: Readonly<Record<string, true>>;
}

export const initialPairState: PairState = { objectives: {}, sessions: {}, feedback: {}, openFlags: {}, feedbackRequested: {} };

export function feedbackRequestKey(sessionId: string, role: ParticipantRole): string {
  return `${sessionId}:${role}`;
}

export function evolvePair(state: PairState, event: PairEvent): PairState {
  switch (event.type) {
    case 'ObjectiveSet': {
      const { data } = event;
      const objective: PairObjective = {
        objectiveId: data.objectiveId,
        title: data.title,
        area: data.area,
        status: 'open',
        baselineLevel: data.baselineLevel,
        targetLevel: data.targetLevel,
        currentLevel: data.baselineLevel,
        targetDate: data.targetDate,
      };
      return { ...state, objectives: { ...state.objectives, [data.objectiveId]: objective } };
    }
    case 'ObjectiveProgressRecorded':
      return updateObjective(state, event.data.objectiveId, (objective) => ({
        ...objective,
        currentLevel: event.data.level,
      }));
    case 'ObjectiveAchieved':
      return updateObjective(state, event.data.objectiveId, (objective) => ({
        ...objective,
        status: 'achieved',
        currentLevel: event.data.finalLevel,
        closedOn: event.data.achievedOn,
      }));
    case 'ObjectiveDropped':
      return updateObjective(state, event.data.objectiveId, (objective) => ({
        ...objective,
        status: 'dropped',
        closedOn: event.data.droppedOn,
      }));
    case 'SessionHeld': {
      const { data } = event;
      const session: PairSession = {
        sessionId: data.sessionId,
        heldOn: data.heldOn,
        durationMinutes: data.durationMinutes,
      };
      const lastSessionOn = state.lastSessionOn === undefined || data.heldOn > state.lastSessionOn ? data.heldOn : state.lastSessionOn;
      // A session held ends the episode: its flags and warning go; the next lapse flags (and warns) again.
      const { warnedEndsOn: _warning, ...rest } = state;
      return { ...rest, sessions: { ...state.sessions, [data.sessionId]: session }, lastSessionOn, openFlags: {} };
    }
    case 'FeedbackGiven': {
      const { data } = event;
      const feedback: PairFeedback = {
        feedbackId: data.feedbackId,
        ...(data.sessionId !== undefined && { sessionId: data.sessionId }),
        fromRole: data.fromRole,
        givenBy: data.givenBy,
      };
      return { ...state, feedback: { ...state.feedback, [data.feedbackId]: feedback } };
    }
    case 'PairFlagged':
      return { ...state, openFlags: { ...state.openFlags, [event.data.flag]: event.data.since } };
    case 'PairEndingWarned':
      return { ...state, warnedEndsOn: event.data.endsOn };
    case 'FeedbackRequested': {
      const key = feedbackRequestKey(event.data.sessionId, event.data.fromRole);
      return { ...state, feedbackRequested: { ...state.feedbackRequested, [key]: true } };
    }
    case 'PairClosed':
      return { ...state, closed: { reason: event.data.reason, closedOn: event.data.closedOn } };
    default:
      return ignoreUnknownEvent(event, state);
  }
}

function updateObjective(
  state: PairState,
  objectiveId: string,
  change: (objective: PairObjective) => PairObjective,
): PairState {
  const objective = state.objectives[objectiveId];
  if (!objective) return state;
  return { ...state, objectives: { ...state.objectives, [objectiveId]: change(objective) } };
}

/** Compile-time exhaustiveness; at run time an event type this code does not know leaves the state as it was. */
function ignoreUnknownEvent(_event: never, state: PairState): PairState {
  return state;
}

export function openObjectives(state: PairState): PairObjective[] {
  return Object.values(state.objectives).filter((objective) => objective.status === 'open');
}
