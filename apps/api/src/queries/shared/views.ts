import { FeedbackRow, ObjectiveRow, PairRow, ParticipantRow, SessionRow } from '@flipside/read-models';
import { addDays, pairHealth } from './pair-health';

const average = (sum: number, count: number) => (count === 0 ? null : Math.round((sum / count) * 100) / 100);
const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);
export { average, ratio };

export function participantView(row: ParticipantRow) {
  return {
    participantId: row.participantId,
    programId: row.programId,
    role: row.role,
    displayName: row.displayName,
    email: row.email,
    department: row.department,
    seniority: row.seniority,
    skills: row.skills,
    interests: row.interests,
    capacity: row.capacity,
    status: row.status,
    enrolledOn: row.enrolledOn,
    withdrawnOn: row.withdrawnOn,
    activePairs: row.activePairs,
    trainingsCompleted: row.trainingsCompleted,
  };
}

export function pairView(row: PairRow, today: string) {
  const active = row.status === 'active';
  return {
    pairId: row.pairId,
    programId: row.programId,
    status: row.status,
    mentor: { participantId: row.mentorId, displayName: row.mentorName },
    mentee: { participantId: row.menteeId, displayName: row.menteeName },
    pairedBy: row.pairedBy,
    matchScore: row.matchScore,
    pairedOn: row.pairedOn,
    endedOn: row.endedOn,
    endReason: row.endReason,
    sessions: row.sessions,
    minutes: row.minutes,
    lastSessionOn: row.lastSessionOn,
    /** The last session long enough to count (or the pairing) plus the cadence; none once ended. */
    nextSessionDue: active ? addDays(row.lastCadenceSessionOn ?? row.pairedOn, row.sessionEveryDays) : null,
    health: pairHealth(row, today),
    openObjectives: row.openObjectives,
    achievedObjectives: row.achievedObjectives,
    droppedObjectives: row.droppedObjectives,
    averageRating: average(row.ratingSum, row.ratingCount),
    fitConcern: row.fitConcern,
  };
}

export function sessionView(row: SessionRow) {
  return {
    sessionId: row.sessionId,
    pairId: row.pairId,
    heldOn: row.heldOn,
    durationMinutes: row.durationMinutes,
    format: row.format,
    topics: row.topics,
    insights: row.insights,
    actionItems: row.actionItems,
  };
}

export function objectiveView(row: ObjectiveRow) {
  return {
    objectiveId: row.objectiveId,
    title: row.title,
    area: row.area,
    successCriteria: row.successCriteria,
    status: row.status,
    baselineLevel: row.baselineLevel,
    currentLevel: row.currentLevel,
    targetLevel: row.targetLevel,
    targetDate: row.targetDate,
    setOn: row.setOn,
    lastProgressOn: row.lastProgressOn,
    achievedOn: row.achievedOn,
    droppedOn: row.droppedOn,
  };
}

/** Feedback comments are for admins only: everyone else gets the rating and the fit answer. */
export function feedbackView(row: FeedbackRow, withComment: boolean) {
  return {
    feedbackId: row.feedbackId,
    sessionId: row.sessionId,
    fromRole: row.fromRole,
    rating: row.rating,
    fit: row.fit,
    givenOn: row.givenOn,
    ...(withComment ? { comment: row.comment } : {}),
  };
}
