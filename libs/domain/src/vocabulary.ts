/**
 * The words of a reverse-mentorship program, shared by the deciders and by the API's request validation.
 * Every tuple is the complete list of allowed values; every number a program lives by is in LIMITS.
 */

/** What a program (and each objective within it) is about. */
export const FOCUS_AREAS = [
  'technology',
  'social-media',
  'digital-tools',
  'diversity-inclusion',
  'culture',
  'innovation',
  'customer-insight',
  'other',
] as const;
export type FocusArea = (typeof FOCUS_AREAS)[number];

/** In reverse mentoring the mentor is usually the junior employee and the mentee the senior leader. */
export const PARTICIPANT_ROLES = ['mentor', 'mentee'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/** 'reverse': the mentor must be strictly less senior than the mentee; 'mutual': seniority is not checked. */
export const PAIRING_RULES = ['reverse', 'mutual'] as const;
export type PairingRule = (typeof PAIRING_RULES)[number];

/** Who proposed a pair: a program administrator or the matching algorithm. */
export const PAIRED_BY = ['admin', 'algorithm'] as const;
export type PairedBy = (typeof PAIRED_BY)[number];

/** 'inactive': ended by the engagement automation after the policy's days without a session. */
export const PAIR_END_REASONS = ['completed', 'rematched', 'withdrawn', 'not-a-fit', 'program-closed', 'inactive'] as const;
export type PairEndReason = (typeof PAIR_END_REASONS)[number];

/**
 * The reasons an administrator may give when ending a pair; 'withdrawn', 'program-closed' and 'inactive' are
 * recorded by the system.
 */
export const ADMIN_PAIR_END_REASONS = ['completed', 'rematched', 'not-a-fit'] as const satisfies readonly PairEndReason[];
export type AdminPairEndReason = (typeof ADMIN_PAIR_END_REASONS)[number];

/**
 * What the engagement automation flags on a pair, once per episode (a session held clears every flag):
 * 'no-first-session' — no session within firstSessionWithinDays of pairing; 'check-in-due' — none for
 * checkInAfterDays; 'stalled' — none for stalledAfterDays.
 */
export const PAIR_FLAGS = ['no-first-session', 'check-in-due', 'stalled'] as const;
export type PairFlag = (typeof PAIR_FLAGS)[number];

/** The actor the engagement automation records its decisions as (event metadata). */
export const ENGAGEMENT_AUTOMATION_ACTOR = 'system:engagement';

export const SESSION_FORMATS = ['in-person', 'video', 'phone', 'chat'] as const;
export type SessionFormat = (typeof SESSION_FORMATS)[number];

/** A participant's answer to "is this pairing working for you?". */
export const FIT_ANSWERS = ['good', 'unsure', 'not-a-fit'] as const;
export type FitAnswer = (typeof FIT_ANSWERS)[number];

export const PROGRAM_STATUSES = ['none', 'draft', 'active', 'closed'] as const;
export type ProgramStatus = (typeof PROGRAM_STATUSES)[number];

export const OBJECTIVE_STATUSES = ['open', 'achieved', 'dropped'] as const;
export type ObjectiveStatus = (typeof OBJECTIVE_STATUSES)[number];

/**
 * Every numeric bound, inclusive. Text lengths count Unicode characters (code points, as JSON Schema's
 * `maxLength` does, so an emoji counts once); list bounds count items. Text without a `minLength` may be empty.
 */
export const LIMITS = {
  /** Ids of programs, organizations, participants, pairs, objectives, sessions and feedback. */
  id: { minLength: 1, maxLength: 100 },

  // Program
  programName: { minLength: 1, maxLength: 120 },
  programDescription: { maxLength: 2000 },
  focusAreasPerProgram: { min: 1, max: FOCUS_AREAS.length },
  goalsPerProgram: { min: 1, max: 10 },
  goal: { minLength: 1, maxLength: 200 },
  sessionEveryDays: { min: 1, max: 90 },
  minSessionMinutes: { min: 15, max: 480 },
  maxMenteesPerMentor: { min: 1, max: 5, default: 1 },
  programOutcome: { maxLength: 2000 },

  // Engagement policy (days). stalledAfterDays is also above checkInAfterDays; autoEndAfterDays (or null: never)
  // also above warnDaysBefore.
  firstSessionWithinDays: { min: 1, max: 365 },
  checkInAfterDays: { min: 1, max: 365 },
  stalledAfterDays: { min: 2, max: 730 },
  autoEndAfterDays: { min: 1, max: 3650 },
  warnDaysBefore: { min: 0, max: 90 },
  feedbackDueDays: { min: 1, max: 90 },

  // Participants
  /**
   * The stable employee identifier of a person (the organisation's, not ours): it links one person's participant
   * records across programs and is what erasure and sign-in name. Letters, digits and - _ . : @ only.
   */
  personId: { minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._:@-]+$' },
  displayName: { minLength: 1, maxLength: 120 },
  email: { maxLength: 254 },
  seniority: { min: 1, max: 10 },
  department: { minLength: 1, maxLength: 120 },
  /** Skills a participant can teach, and interests they want to learn: each list. */
  skillsPerParticipant: { max: 20 },
  interestsPerParticipant: { max: 20 },
  skillOrInterest: { minLength: 1, maxLength: 80 },
  /** A mentor's own ceiling of simultaneous mentees; also bounded by the program's maxMenteesPerMentor. */
  mentorCapacity: { min: 1, default: 1 },
  withdrawalReason: { minLength: 1, maxLength: 500 },
  trainingModule: { minLength: 1, maxLength: 120 },

  // Pairing
  matchScore: { min: 0, max: 1 },
  pairingRationale: { maxLength: 1000 },
  pairEndNote: { maxLength: 2000 },

  // Objectives
  openObjectivesPerPair: { max: 5 },
  objectiveTitle: { minLength: 1, maxLength: 200 },
  successCriteria: { minLength: 1, maxLength: 1000 },
  level: { min: 1, max: 10 },
  progressNote: { maxLength: 2000 },
  dropReason: { minLength: 1, maxLength: 500 },

  // Sessions
  durationMinutes: { min: 5, max: 480 },
  topicsPerSession: { max: 20 },
  topic: { minLength: 1, maxLength: 120 },
  insights: { maxLength: 4000 },
  actionItemsPerSession: { max: 20 },
  actionItemDescription: { minLength: 1, maxLength: 500 },
  confidentialNotes: { maxLength: 4000 },

  // Feedback
  rating: { min: 1, max: 5 },
  feedbackComment: { maxLength: 2000 },
} as const;

export function isOneOf<T extends string>(options: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (options as readonly string[]).includes(value);
}
