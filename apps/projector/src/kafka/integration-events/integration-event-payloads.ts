import {
  FitAnswer,
  FocusArea,
  PairedBy,
  PairEndReason,
  PairFlag,
  PairingRule,
  ParticipantRole,
  SessionFormat,
} from '@flipside/domain';

/**
 * The public payloads, version 1: what other systems of the organization may know about a program.
 * docs/schemas/integration/<name>.v1.json is the written contract; these types are how the code keeps to it.
 * Left out on purpose: e-mail addresses and display names, every free text written by or about participants
 * (notes, insights, comments, reasons, rationales, objective titles, action item texts, the program's
 * description and outcome) and, above all, a session's confidential notes.
 */

export interface ProgramCreatedV1 {
  programId: string;
  organizationId: string;
  name: string;
  focusAreas: FocusArea[];
  goals: string[];
  cadence: { sessionEveryDays: number; minSessionMinutes: number };
  startsOn: string;
  endsOn: string;
  maxMenteesPerMentor: number;
  pairingRule: PairingRule;
  createdOn: string;
}

export interface ProgramLaunchedV1 {
  programId: string;
  launchedOn: string;
}

export interface ProgramClosedV1 {
  programId: string;
  closedOn: string;
}

export interface ParticipantEnrolledV1 {
  programId: string;
  participantId: string;
  role: ParticipantRole;
  seniority: number;
  department: string;
  skills: string[];
  interests: string[];
  capacity?: number;
  enrolledOn: string;
}

export interface ParticipantWithdrawnV1 {
  programId: string;
  participantId: string;
  withdrawnOn: string;
}

export interface TrainingCompletedV1 {
  programId: string;
  participantId: string;
  module: string;
  completedOn: string;
}

export interface PairedV1 {
  programId: string;
  pairId: string;
  mentorId: string;
  menteeId: string;
  pairedBy: PairedBy;
  matchScore?: number;
  pairedOn: string;
}

export interface PairEndedV1 {
  programId: string;
  pairId: string;
  reason: PairEndReason;
  endedOn: string;
}

export interface ObjectiveSetV1 {
  programId: string;
  pairId: string;
  objectiveId: string;
  area: FocusArea;
  baselineLevel: number;
  targetLevel: number;
  targetDate: string;
  setOn: string;
}

export interface ObjectiveProgressRecordedV1 {
  programId: string;
  pairId: string;
  objectiveId: string;
  level: number;
  recordedOn: string;
}

export interface ObjectiveAchievedV1 {
  programId: string;
  pairId: string;
  objectiveId: string;
  finalLevel: number;
  achievedOn: string;
}

export interface ObjectiveDroppedV1 {
  programId: string;
  pairId: string;
  objectiveId: string;
  droppedOn: string;
}

export interface SessionHeldV1 {
  programId: string;
  pairId: string;
  sessionId: string;
  heldOn: string;
  durationMinutes: number;
  format: SessionFormat;
  topics: string[];
  actionItemCount: number;
  loggedOn: string;
}

export interface FeedbackGivenV1 {
  programId: string;
  pairId: string;
  feedbackId: string;
  sessionId?: string;
  fromRole: ParticipantRole;
  rating: number;
  fit: FitAnswer;
  givenOn: string;
}

/** The person was erased: delete every copy of what you hold about this participant (and person). */
export interface PersonErasedV1 {
  programId: string;
  participantId: string;
  personId: string;
  erasedOn: string;
}

/**
 * The engagement automation's events: ids, dates, days and switches only. Who acted is not carried (no public
 * event carries an actor); these types are only ever recorded by the automation.
 */

/** The program's engagement policy, whole (every figure resolved): replaces the previous one. */
export interface EngagementPolicySetV1 {
  programId: string;
  policy: {
    firstSessionWithinDays: number;
    checkInAfterDays: number;
    stalledAfterDays: number;
    autoEndAfterDays: number | null;
    warnDaysBefore: number;
    feedbackDueDays: number;
    closeProgramAtEnd: boolean;
  };
  setOn: string;
}

export interface PairFlaggedV1 {
  programId: string;
  pairId: string;
  flag: PairFlag;
  since: string;
}

export interface PairEndingWarnedV1 {
  programId: string;
  pairId: string;
  endsOn: string;
}

export interface FeedbackRequestedV1 {
  programId: string;
  pairId: string;
  sessionId: string;
  fromRole: ParticipantRole;
}
