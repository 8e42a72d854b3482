import { KeyVault } from '@flipside/personal-data';
import { FeedbackRow, ObjectiveRow, PairRow, ParticipantRow, SessionRow } from '@flipside/read-models';
import { addDays, pairHealth } from './pair-health';

/**
 * A stored personal value as a reader sees it: the plaintext, or null once its key was destroyed (erasure).
 * Read models hold the stored form (ciphertext); views open it here, at the edge, and nowhere else.
 */
export type Open = (stored: string | null) => string | null;

/** Loads every key the values need in one query, then opens values without further round trips. */
export async function openerFor(vault: KeyVault, values: Iterable<unknown>): Promise<Open> {
  await vault.load(values);
  return (stored) => {
    if (stored === null) return null;
    const opened = vault.open(stored);
    return typeof opened === 'string' ? opened : null;
  };
}

/** The stored personal values a view of each row shows: what `openerFor` loads keys for, one call per answer. */
export const personalValues = {
  participant: (row: ParticipantRow) => [row.displayName, row.email],
  pair: (row: PairRow) => [row.mentorName, row.menteeName],
  session: (row: SessionRow) => [row.insights, ...row.actionItems.map((item) => item.description)],
  objective: (row: ObjectiveRow) => [row.title, row.successCriteria],
  feedback: (row: FeedbackRow) => [row.comment],
};

const average = (sum: number, count: number) => (count === 0 ? null : Math.round((sum / count) * 100) / 100);
const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);
export { average, ratio };

export function participantView(row: ParticipantRow, open: Open) {
  const displayName = row.erased ? null : open(row.displayName);
  const email = row.erased ? null : open(row.email);
  return {
    participantId: row.participantId,
    programId: row.programId,
    personId: row.personId,
    role: row.role,
    displayName,
    email,
    // Also before the projector applied PersonErased: a destroyed key is an erasure.
    erased: row.erased || displayName === null || email === null,
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

function pairMember(participantId: string, personId: string, storedName: string | null, open: Open) {
  const displayName = open(storedName);
  return { participantId, personId, displayName, erased: displayName === null };
}

export function pairView(row: PairRow, today: string, open: Open) {
  const active = row.status === 'active';
  return {
    pairId: row.pairId,
    programId: row.programId,
    status: row.status,
    mentor: pairMember(row.mentorId, row.mentorPersonId, row.mentorName, open),
    mentee: pairMember(row.menteeId, row.menteePersonId, row.menteeName, open),
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
    /** Raised by the engagement automation, in the order raised; a session held clears them (an ended pair has none). */
    openFlags: row.openFlags.map(({ flag, since }) => ({ flag, since })),
    /** The automatic end ('inactive') the automation announced; null when none, once a session was held, or ended. */
    endingOn: row.endingOn,
  };
}

export function sessionView(row: SessionRow, open: Open) {
  return {
    sessionId: row.sessionId,
    pairId: row.pairId,
    heldOn: row.heldOn,
    durationMinutes: row.durationMinutes,
    format: row.format,
    topics: row.topics,
    insights: open(row.insights),
    actionItems: row.actionItems.map((item) => ({ description: open(item.description), owner: item.owner, dueOn: item.dueOn })),
  };
}

export function objectiveView(row: ObjectiveRow, open: Open) {
  return {
    objectiveId: row.objectiveId,
    title: open(row.title),
    area: row.area,
    successCriteria: open(row.successCriteria),
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
export function feedbackView(row: FeedbackRow, withComment: boolean, open: Open) {
  return {
    feedbackId: row.feedbackId,
    sessionId: row.sessionId,
    fromRole: row.fromRole,
    rating: row.rating,
    fit: row.fit,
    givenOn: row.givenOn,
    ...(withComment ? { comment: open(row.comment) } : {}),
  };
}
