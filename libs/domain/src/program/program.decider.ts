import { addDays, todayOf } from '../shared/calendar';
import { accept, Decider, Decision, reject } from '../shared/decider';
import { conflict, invalid, notFound, RuleViolation } from '../shared/rule-violation';
import {
  checkChoiceList,
  checkDate,
  checkId,
  checkNumber,
  checkOneOf,
  checkOptionalText,
  checkPersonId,
  checkText,
  checkTextList,
  checkWholeNumber,
  firstViolation,
} from '../shared/value-rules';
import {
  ADMIN_PAIR_END_REASONS,
  FOCUS_AREAS,
  LIMITS,
  PAIRED_BY,
  PAIRING_RULES,
  PARTICIPANT_ROLES,
} from '../vocabulary';
import {
  CloseProgram,
  CreateProgram,
  EndInactivePair,
  EndPair,
  EnrolParticipant,
  ErasePerson,
  LaunchProgram,
  PairParticipants,
  ProgramCommand,
  RecordTraining,
  SetEngagementPolicy,
  WithdrawParticipant,
} from './program.commands';
import { checkEngagementPolicy, inactivePairNote, resolveEngagementPolicy, sameEngagementPolicy } from './engagement-policy';
import { EngagementPolicy, EngagementPolicySet, PairEnded, ParticipantEnrolled, Paired, ProgramEvent } from './program.events';
import {
  activePairs,
  activePairsOf,
  evolveProgram,
  ExistingProgram,
  hasLeft,
  initialProgramState,
  participantOfPerson,
  ProgramParticipant,
  ProgramState,
} from './program.state';

export function programStreamName(programId: string): string {
  return `program-${programId}`;
}

/**
 * Order of checks for every command: the program must exist and not be closed (ErasePerson alone is accepted
 * on a closed program: a person's right to erasure outlives the program), then the command's values must
 * be in range ('invalid'), then the business rules given the program's current state ('conflict' / 'not-found').
 */
export function decideProgram(command: ProgramCommand, state: ProgramState): Decision<ProgramEvent> {
  if (state.status === 'closed' && command.type !== 'ErasePerson') return reject(programClosed(state));
  if (command.type === 'CreateProgram') return createProgram(command, state);
  if (state.status === 'none') {
    return reject(notFound('program-not-found', `There is no program with id "${command.data.programId}".`));
  }
  switch (command.type) {
    case 'LaunchProgram':
      return launchProgram(command, state);
    case 'CloseProgram':
      return closeProgram(command, state);
    case 'EnrolParticipant':
      return enrolParticipant(command, state);
    case 'WithdrawParticipant':
      return withdrawParticipant(command, state);
    case 'RecordTraining':
      return recordTraining(command, state);
    case 'PairParticipants':
      return pairParticipants(command, state);
    case 'EndPair':
      return endPair(command, state);
    case 'ErasePerson':
      return erasePerson(command, state);
    case 'SetEngagementPolicy':
      return setEngagementPolicy(command, state);
    case 'EndInactivePair':
      return endInactivePair(command, state);
    default:
      return unknownCommand(command);
  }
}

export const programDecider: Decider<ProgramCommand, ProgramEvent, ProgramState> = {
  decide: decideProgram,
  evolve: evolveProgram,
  initialState: initialProgramState,
};

function createProgram({ data, now }: CreateProgram, state: ProgramState): Decision<ProgramEvent> {
  if (state.status !== 'none') {
    return reject(
      conflict('program-already-exists', `Program "${data.programId}" already exists (named "${state.name}").`),
    );
  }
  const violation = firstViolation(
    checkId('programId', 'Program id', data.programId),
    checkId('organizationId', 'Organization id', data.organizationId),
    checkText('name', 'Program name', data.name, LIMITS.programName),
    checkOptionalText('description', 'Description', data.description, LIMITS.programDescription),
    checkChoiceList('focusAreas', 'Focus areas', data.focusAreas, LIMITS.focusAreasPerProgram, FOCUS_AREAS),
    checkTextList('goals', 'Goals', data.goals, LIMITS.goalsPerProgram, LIMITS.goal),
    checkWholeNumber(
      'cadence.sessionEveryDays',
      'Days between sessions',
      data.cadence?.sessionEveryDays,
      LIMITS.sessionEveryDays,
    ),
    checkWholeNumber(
      'cadence.minSessionMinutes',
      'Minimum session length in minutes',
      data.cadence?.minSessionMinutes,
      LIMITS.minSessionMinutes,
    ),
    checkDate('startsOn', 'Start date', data.startsOn),
    checkDate('endsOn', 'End date', data.endsOn),
    data.maxMenteesPerMentor === undefined
      ? undefined
      : checkWholeNumber(
          'maxMenteesPerMentor',
          'Maximum mentees per mentor',
          data.maxMenteesPerMentor,
          LIMITS.maxMenteesPerMentor,
        ),
    data.pairingRule === undefined ? undefined : checkOneOf('pairingRule', 'Pairing rule', data.pairingRule, PAIRING_RULES),
  );
  if (violation) return reject(violation);
  if (data.endsOn <= data.startsOn) {
    return reject(
      invalid(
        'endsOn',
        'program-ends-after-it-starts',
        `A program must end after it starts: it starts on ${data.startsOn} and ends on ${data.endsOn}.`,
      ),
    );
  }
  // Checked once the cadence is known to be valid: the policy's defaults come from it.
  const policyViolation =
    data.engagementPolicy === undefined ? undefined : checkEngagementPolicy('engagementPolicy', data.engagementPolicy, data.cadence);
  if (policyViolation) return reject(policyViolation);
  const today = todayOf(now);
  const policySet =
    data.engagementPolicy === undefined
      ? []
      : [engagementPolicySet(data.programId, resolveEngagementPolicy(data.engagementPolicy, data.cadence), today)];
  return accept<ProgramEvent>({
    type: 'ProgramCreated',
    data: {
      programId: data.programId,
      organizationId: data.organizationId,
      name: data.name,
      description: data.description ?? '',
      focusAreas: [...data.focusAreas],
      goals: [...data.goals],
      cadence: {
        sessionEveryDays: data.cadence.sessionEveryDays,
        minSessionMinutes: data.cadence.minSessionMinutes,
      },
      startsOn: data.startsOn,
      endsOn: data.endsOn,
      maxMenteesPerMentor: data.maxMenteesPerMentor ?? LIMITS.maxMenteesPerMentor.default,
      pairingRule: data.pairingRule ?? 'reverse',
      createdOn: today,
    },
  }, ...policySet);
}

/** Replaces the whole policy (figures left out take their defaults); the same policy again records nothing. */
function setEngagementPolicy({ data, now }: SetEngagementPolicy, state: ExistingProgram): Decision<ProgramEvent> {
  const violation = checkEngagementPolicy('policy', data.policy, state.cadence);
  if (violation) return reject(violation);
  const policy = resolveEngagementPolicy(data.policy, state.cadence);
  if (sameEngagementPolicy(policy, state.engagementPolicy)) return accept();
  return accept(engagementPolicySet(state.programId, policy, todayOf(now)));
}

function engagementPolicySet(programId: string, policy: EngagementPolicy, setOn: string): EngagementPolicySet {
  return { type: 'EngagementPolicySet', data: { programId, policy: { ...policy }, setOn } };
}

/**
 * The automation ends a pair that has not met for the policy's autoEndAfterDays. A pair already ended is refused
 * (the automation reads that as done); so is a stale timer: the policy no longer ends pairs, or not yet.
 */
function endInactivePair({ data, now }: EndInactivePair, state: ExistingProgram): Decision<ProgramEvent> {
  const today = todayOf(now);
  const violation = firstViolation(
    checkId('pairId', 'Pair id', data.pairId),
    checkDate('lastActiveOn', 'Last active date', data.lastActiveOn),
  );
  if (violation) return reject(violation);
  if (data.lastActiveOn > today) {
    return reject(
      invalid('lastActiveOn', 'date-in-future', `The last active date ${data.lastActiveOn} is after today, ${today}.`),
    );
  }
  const pair = state.pairs[data.pairId];
  if (!pair) return reject(notFound('pair-not-found', `There is no pair "${data.pairId}" in this program.`));
  if (!pair.active) {
    return reject(conflict('pair-already-ended', `Pair "${pair.pairId}" already ended on ${pair.endedOn} (${pair.endReason}).`));
  }
  const { autoEndAfterDays } = state.engagementPolicy;
  if (autoEndAfterDays === null) {
    return reject(
      conflict('auto-end-off', `This program's engagement policy does not end pairs automatically; pair "${pair.pairId}" stays.`),
    );
  }
  const endsOn = addDays(data.lastActiveOn, autoEndAfterDays);
  if (today < endsOn) {
    return reject(
      conflict(
        'pair-not-inactive-yet',
        `Pair "${pair.pairId}" has been inactive since ${data.lastActiveOn}; the engagement policy ends it after ${autoEndAfterDays} days without a session, on ${endsOn}.`,
      ),
    );
  }
  return accept(pairEnded(state, pair.pairId, 'inactive', inactivePairNote(data.lastActiveOn, autoEndAfterDays), today));
}

function launchProgram({ now }: LaunchProgram, state: ExistingProgram): Decision<ProgramEvent> {
  if (state.status !== 'draft') {
    return reject(
      conflict(
        'launch-only-a-draft',
        `Program "${state.name}" cannot be launched again: it has been running since ${state.launchedOn}.`,
      ),
    );
  }
  return accept({ type: 'ProgramLaunched', data: { programId: state.programId, launchedOn: todayOf(now) } });
}

function closeProgram({ data, now }: CloseProgram, state: ExistingProgram): Decision<ProgramEvent> {
  const violation = checkText('outcome', 'Outcome', data.outcome, LIMITS.programOutcome);
  if (violation) return reject(violation);
  const today = todayOf(now);
  const endings = activePairs(state).map((pair) =>
    pairEnded(state, pair.pairId, 'program-closed', 'The program was closed.', today),
  );
  return accept<ProgramEvent>(...endings, {
    type: 'ProgramClosed',
    data: { programId: state.programId, closedOn: today, outcome: data.outcome },
  });
}

function enrolParticipant({ data, now }: EnrolParticipant, state: ExistingProgram): Decision<ProgramEvent> {
  const email = typeof data.email === 'string' ? data.email.trim().toLowerCase() : data.email;
  const violation = firstViolation(
    checkId('participantId', 'Participant id', data.participantId),
    checkPersonId('personId', 'Person id', data.personId),
    checkOneOf('role', 'Role', data.role, PARTICIPANT_ROLES),
    checkText('displayName', 'Display name', data.displayName, LIMITS.displayName),
    checkEmail(email),
    checkWholeNumber('seniority', 'Seniority', data.seniority, LIMITS.seniority),
    checkText('department', 'Department', data.department, LIMITS.department),
    data.managerId === undefined ? undefined : checkPersonId('managerId', 'Manager id', data.managerId),
    data.skills === undefined
      ? undefined
      : checkTextList('skills', 'Skills', data.skills, LIMITS.skillsPerParticipant, LIMITS.skillOrInterest),
    data.interests === undefined
      ? undefined
      : checkTextList('interests', 'Interests', data.interests, LIMITS.interestsPerParticipant, LIMITS.skillOrInterest),
    checkCapacity(data, state),
  );
  if (violation) return reject(violation);
  if (data.managerId === data.personId) {
    return reject(
      invalid('managerId', 'not-own-manager', `Person "${data.personId}" cannot be their own manager.`),
    );
  }

  const existing = state.participants[data.participantId];
  if (existing) {
    return reject(
      conflict(
        'participant-already-enrolled',
        `Participant "${data.participantId}" is already enrolled in this program (as a ${existing.role}).`,
      ),
    );
  }
  const samePerson = participantOfPerson(state, data.personId);
  if (samePerson) {
    return reject(
      conflict(
        'person-already-enrolled',
        `Person "${data.personId}" already takes part in this program as participant "${samePerson.participantId}".`,
      ),
    );
  }
  // Erased participants have no email any more (null), so they never block a new enrolment.
  const sameEmail = Object.values(state.participants).find((participant) => participant.email !== null && participant.email === email);
  if (sameEmail) {
    return reject(
      conflict(
        'email-already-enrolled',
        `This email address is already enrolled in this program, for participant "${sameEmail.participantId}".`,
      ),
    );
  }

  const enrolled: ParticipantEnrolled = {
    type: 'ParticipantEnrolled',
    data: {
      programId: state.programId,
      participantId: data.participantId,
      personId: data.personId,
      role: data.role,
      displayName: data.displayName,
      email: email as string,
      seniority: data.seniority,
      department: data.department,
      ...(data.managerId !== undefined && { managerId: data.managerId }),
      skills: [...(data.skills ?? [])],
      interests: [...(data.interests ?? [])],
      ...(data.role === 'mentor' && { capacity: data.capacity ?? LIMITS.mentorCapacity.default }),
      enrolledOn: todayOf(now),
    },
  };
  return accept(enrolled);
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkEmail(email: unknown): RuleViolation | undefined {
  const lengthCheck = checkText('email', 'Email', email, { minLength: 1, maxLength: LIMITS.email.maxLength });
  if (lengthCheck) return lengthCheck;
  if (!EMAIL_SHAPE.test(email as string)) {
    return invalid('email', 'email-format', 'Email must be an email address, written name@domain.example.');
  }
  return undefined;
}

/** A mentor takes 1 to the program's maximum mentees at once; a mentee takes none. */
function checkCapacity(data: EnrolParticipant['data'], state: ExistingProgram): RuleViolation | undefined {
  if (data.capacity === undefined) return undefined;
  if (data.role !== 'mentor') {
    return invalid(
      'capacity',
      'capacity-for-mentors-only',
      `Only mentors have a capacity; participant "${data.participantId}" is enrolling as a ${data.role}.`,
    );
  }
  const wholeNumber = checkWholeNumber('capacity', 'Capacity', data.capacity, {
    min: LIMITS.mentorCapacity.min,
    max: Number.MAX_SAFE_INTEGER,
  });
  if (wholeNumber) return wholeNumber;
  if (data.capacity > state.maxMenteesPerMentor) {
    return invalid(
      'capacity',
      'capacity-above-program-maximum',
      `This program allows at most ${state.maxMenteesPerMentor} mentee(s) per mentor; participant "${data.participantId}" asked for ${data.capacity}.`,
    );
  }
  return undefined;
}

function withdrawParticipant({ data, now }: WithdrawParticipant, state: ExistingProgram): Decision<ProgramEvent> {
  const violation = firstViolation(
    checkId('participantId', 'Participant id', data.participantId),
    checkText('reason', 'Reason', data.reason, LIMITS.withdrawalReason),
  );
  if (violation) return reject(violation);
  const participant = state.participants[data.participantId];
  if (!participant) return reject(participantNotFound(data.participantId));
  if (hasLeft(participant)) {
    return reject(
      conflict(
        'participant-already-withdrawn',
        `Participant "${participant.participantId}" has already withdrawn from this program.`,
      ),
    );
  }
  const note = `Participant "${participant.participantId}" withdrew from the program: ${data.reason}`;
  return accept(...withdrawal(state, participant, data.reason, note, todayOf(now)));
}

/** A withdrawal ends the participant's active pairs first, then records the withdrawal, all in one decision. */
function withdrawal(
  state: ExistingProgram,
  participant: ProgramParticipant,
  reason: string,
  pairEndNote: string,
  today: string,
): ProgramEvent[] {
  const endings = activePairsOf(state, participant.participantId).map((pair) =>
    pairEnded(state, pair.pairId, 'withdrawn', pairEndNote, today),
  );
  return [
    ...endings,
    {
      type: 'ParticipantWithdrawn',
      data: { programId: state.programId, participantId: participant.participantId, reason, withdrawnOn: today },
    },
  ];
}

const ERASURE_PAIR_END_NOTE = 'A member of this pair asked for their personal data to be erased.';
const ERASURE_WITHDRAWAL_REASON = 'Personal data erased.';

/**
 * The right to erasure: the person's participant record leaves the program (unless it already has, or the program
 * is closed) and is marked erased. Asking twice is answered like asking once.
 */
function erasePerson({ data, now }: ErasePerson, state: ExistingProgram): Decision<ProgramEvent> {
  const violation = checkPersonId('personId', 'Person id', data.personId);
  if (violation) return reject(violation);
  const participant = participantOfPerson(state, data.personId);
  if (!participant) {
    return reject(
      notFound('person-not-in-program', `Person "${data.personId}" has no participant record in this program.`),
    );
  }
  if (participant.erased) return accept();
  const today = todayOf(now);
  const leaving =
    participant.withdrawn || state.status === 'closed'
      ? []
      : withdrawal(state, participant, ERASURE_WITHDRAWAL_REASON, ERASURE_PAIR_END_NOTE, today);
  return accept<ProgramEvent>(...leaving, {
    type: 'PersonErased',
    data: {
      programId: state.programId,
      participantId: participant.participantId,
      personId: participant.personId,
      erasedOn: today,
    },
  });
}

function recordTraining({ data, now }: RecordTraining, state: ExistingProgram): Decision<ProgramEvent> {
  const today = todayOf(now);
  const violation = firstViolation(
    checkId('participantId', 'Participant id', data.participantId),
    checkText('module', 'Training module', data.module, LIMITS.trainingModule),
    checkDate('completedOn', 'Completion date', data.completedOn),
  );
  if (violation) return reject(violation);
  if (data.completedOn > today) {
    return reject(
      invalid(
        'completedOn',
        'date-in-future',
        `Training cannot be recorded as completed in the future: ${data.completedOn} is after today, ${today}.`,
      ),
    );
  }
  const participant = state.participants[data.participantId];
  if (!participant) return reject(participantNotFound(data.participantId));
  if (hasLeft(participant)) return reject(participantWithdrawn(participant));
  const moduleKey = data.module.trim().toLowerCase();
  if (participant.completedTraining.some((module) => module.trim().toLowerCase() === moduleKey)) {
    return reject(
      conflict(
        'training-already-recorded',
        `Participant "${participant.participantId}" has already completed the training module "${data.module}".`,
      ),
    );
  }
  return accept({
    type: 'TrainingCompleted',
    data: {
      programId: state.programId,
      participantId: participant.participantId,
      module: data.module,
      completedOn: data.completedOn,
    },
  });
}

function pairParticipants({ data, now }: PairParticipants, state: ExistingProgram): Decision<ProgramEvent> {
  const violation = firstViolation(
    checkId('pairId', 'Pair id', data.pairId),
    checkId('mentorId', 'Mentor id', data.mentorId),
    checkId('menteeId', 'Mentee id', data.menteeId),
    checkOneOf('pairedBy', 'Paired by', data.pairedBy, PAIRED_BY),
    data.matchScore === undefined ? undefined : checkNumber('matchScore', 'Match score', data.matchScore, LIMITS.matchScore),
    checkOptionalText('rationale', 'Rationale', data.rationale, LIMITS.pairingRationale),
  );
  if (violation) return reject(violation);
  if (data.mentorId === data.menteeId) {
    return reject(
      invalid('menteeId', 'pair-of-two-people', `A pair needs two different people; "${data.mentorId}" was given as both.`),
    );
  }

  if (state.status !== 'active') {
    return reject(
      conflict(
        'pair-only-in-active-program',
        `Program "${state.name}" has not been launched yet; participants can be paired once it is running.`,
      ),
    );
  }
  const existingPair = state.pairs[data.pairId];
  if (existingPair) {
    return reject(
      conflict('pair-already-exists', `A pair with id "${data.pairId}" already exists in this program (since ${existingPair.pairedOn}).`),
    );
  }
  const mentor = state.participants[data.mentorId];
  if (!mentor) return reject(participantNotFound(data.mentorId));
  const mentee = state.participants[data.menteeId];
  if (!mentee) return reject(participantNotFound(data.menteeId));
  if (hasLeft(mentor)) return reject(participantWithdrawn(mentor));
  if (hasLeft(mentee)) return reject(participantWithdrawn(mentee));
  if (mentor.role !== 'mentor') {
    return reject(
      conflict(
        'mentor-enrolled-as-mentor',
        `Participant "${mentor.participantId}" is enrolled as a ${mentor.role}, so cannot be paired as the mentor.`,
      ),
    );
  }
  if (mentee.role !== 'mentee') {
    return reject(
      conflict(
        'mentee-enrolled-as-mentee',
        `Participant "${mentee.participantId}" is enrolled as a ${mentee.role}, so cannot be paired as the mentee.`,
      ),
    );
  }

  const policyViolation = firstViolation(
    checkReverseSeniority(state, mentor, mentee),
    checkReportingLine(mentor, mentee),
    checkMentorCapacity(state, mentor),
    checkMenteeFree(state, mentee),
  );
  if (policyViolation) return reject(policyViolation);

  const paired: Paired = {
    type: 'Paired',
    data: {
      programId: state.programId,
      pairId: data.pairId,
      mentorId: mentor.participantId,
      menteeId: mentee.participantId,
      pairedBy: data.pairedBy,
      ...(data.matchScore !== undefined && { matchScore: data.matchScore }),
      ...(data.rationale !== undefined && { rationale: data.rationale }),
      pairedOn: todayOf(now),
    },
  };
  return accept(paired);
}

/** The pairing policy: who may mentor whom, given the program's rules and the pairs already running. */
function checkReverseSeniority(
  state: ExistingProgram,
  mentor: ProgramParticipant,
  mentee: ProgramParticipant,
): RuleViolation | undefined {
  if (state.pairingRule !== 'reverse' || mentor.seniority < mentee.seniority) return undefined;
  return conflict(
    'mentor-less-senior-than-mentee',
    `In a reverse-mentoring program the mentor must be less senior than the mentee: mentor "${mentor.participantId}" is at seniority ${mentor.seniority}, mentee "${mentee.participantId}" at ${mentee.seniority}.`,
  );
}

function checkReportingLine(mentor: ProgramParticipant, mentee: ProgramParticipant): RuleViolation | undefined {
  const [manager, report] =
    mentor.managerId === mentee.personId
      ? [mentee, mentor]
      : mentee.managerId === mentor.personId
        ? [mentor, mentee]
        : [undefined, undefined];
  if (!manager || !report) return undefined;
  return conflict(
    'no-pair-within-reporting-line',
    `Participant "${manager.participantId}" is the manager of participant "${report.participantId}"; a pair cannot be formed within a reporting line.`,
  );
}

function checkMentorCapacity(state: ExistingProgram, mentor: ProgramParticipant): RuleViolation | undefined {
  const limit = Math.min(mentor.capacity ?? LIMITS.mentorCapacity.default, state.maxMenteesPerMentor);
  const current = activePairsOf(state, mentor.participantId).length;
  if (current < limit) return undefined;
  return conflict(
    'mentor-at-capacity',
    `Participant "${mentor.participantId}" already mentors ${current} mentee(s), the most they can take on at once (${limit}).`,
  );
}

function checkMenteeFree(state: ExistingProgram, mentee: ProgramParticipant): RuleViolation | undefined {
  const current = activePairsOf(state, mentee.participantId)[0];
  if (!current) return undefined;
  return conflict(
    'mentee-already-paired',
    `Participant "${mentee.participantId}" already has a mentor in this program (participant "${current.mentorId}", pair "${current.pairId}"); end that pair first.`,
  );
}

function endPair({ data, now }: EndPair, state: ExistingProgram): Decision<ProgramEvent> {
  const violation = firstViolation(
    checkId('pairId', 'Pair id', data.pairId),
    checkOneOf('reason', 'Reason', data.reason, ADMIN_PAIR_END_REASONS),
    checkText('note', 'Note', data.note, LIMITS.pairEndNote),
  );
  if (violation) {
    return reject(
      violation.field === 'reason'
        ? { ...violation, message: `${violation.message} Pairs ended by a withdrawal, by closing the program or for inactivity are recorded automatically.` }
        : violation,
    );
  }
  const pair = state.pairs[data.pairId];
  if (!pair) return reject(notFound('pair-not-found', `There is no pair "${data.pairId}" in this program.`));
  if (!pair.active) {
    return reject(conflict('pair-already-ended', `Pair "${pair.pairId}" already ended on ${pair.endedOn} (${pair.endReason}).`));
  }
  return accept(pairEnded(state, pair.pairId, data.reason, data.note, todayOf(now)));
}

function pairEnded(
  state: ExistingProgram,
  pairId: string,
  reason: PairEnded['data']['reason'],
  note: string,
  endedOn: string,
): PairEnded {
  return { type: 'PairEnded', data: { programId: state.programId, pairId, reason, note, endedOn } };
}

function programClosed(state: ExistingProgram): RuleViolation {
  return conflict('program-closed', `Program "${state.name}" was closed on ${state.closedOn}; it accepts no further changes.`);
}

function participantNotFound(participantId: string): RuleViolation {
  return notFound('participant-not-found', `No participant "${participantId}" is enrolled in this program.`);
}

function participantWithdrawn(participant: ProgramParticipant): RuleViolation {
  return conflict('participant-withdrawn', `Participant "${participant.participantId}" has withdrawn from this program.`);
}

/** Compile-time exhaustiveness; a command type this code does not know is refused rather than thrown. */
function unknownCommand(command: never): Decision<ProgramEvent> {
  const type = (command as { type?: unknown }).type;
  return reject(invalid('type', 'unknown-command', `The program does not understand the command ${String(type)}.`));
}
