import { fold } from '../shared/decider';
import { assertMatchesEventSchema } from '../testing/event-contract';
import { specFor } from '../testing/given-when-then';
import { untyped } from '../testing/untyped';
import { defaultEngagementPolicy, endDatePassedOutcome } from './engagement-policy';
import { ProgramCommand } from './program.commands';
import { programDecider, programStreamName } from './program.decider';
import {
  EngagementPolicy,
  EngagementPolicySet,
  PairEnded,
  Paired,
  ParticipantEnrolled,
  ParticipantWithdrawn,
  PersonErased,
  ProgramClosed,
  ProgramCreated,
  ProgramLaunched,
  TrainingCompleted,
} from './program.events';

const spec = specFor(programDecider, { checkEvent: assertMatchesEventSchema });

// ---- The story: Acme's "Digital Leaders 2025" program, run on 10 March 2025. ----

const NOW = '2025-03-10T09:30:00.000Z';
const TODAY = '2025-03-10';
const PROGRAM_ID = 'digital-leaders-2025';

type CommandOf<T extends ProgramCommand['type']> = Extract<ProgramCommand, { type: T }>;

/** A command to this program, sent today. */
function command<T extends ProgramCommand['type']>(
  type: T,
  data: Omit<CommandOf<T>['data'], 'programId'>,
  now: string = NOW,
): CommandOf<T> {
  return untyped<CommandOf<T>>({ type, data: { programId: PROGRAM_ID, ...data }, now });
}

function created(overrides: Partial<ProgramCreated['data']> = {}): ProgramCreated {
  return {
    type: 'ProgramCreated',
    data: {
      programId: PROGRAM_ID,
      organizationId: 'acme',
      name: 'Digital Leaders 2025',
      description: 'Early-career staff coach the executive team on social media and digital tools.',
      focusAreas: ['social-media', 'digital-tools'],
      goals: ['Every executive posts on LinkedIn at least monthly'],
      cadence: { sessionEveryDays: 14, minSessionMinutes: 30 },
      startsOn: '2025-03-01',
      endsOn: '2025-08-31',
      maxMenteesPerMentor: 2,
      pairingRule: 'reverse',
      createdOn: '2025-02-20',
      ...overrides,
    },
  };
}

const launched: ProgramLaunched = {
  type: 'ProgramLaunched',
  data: { programId: PROGRAM_ID, launchedOn: '2025-03-01' },
};

type Person = Omit<ParticipantEnrolled['data'], 'programId' | 'enrolledOn'>;

/** Priya, a marketing associate, mentors up to two leaders. */
const priya: Person = {
  participantId: 'p-priya',
  personId: 'E1001',
  role: 'mentor',
  displayName: 'Priya Raman',
  email: 'priya.raman@acme.example',
  seniority: 2,
  department: 'Marketing',
  managerId: 'o-helen',
  skills: ['TikTok', 'short-form video'],
  interests: ['corporate finance'],
  capacity: 2,
};
/** Sam, a junior engineer, mentors one leader; Tom is his manager (managerId is Tom's personId). */
const sam: Person = {
  participantId: 'p-sam',
  personId: 'E1002',
  role: 'mentor',
  displayName: 'Sam Lee',
  email: 'sam.lee@acme.example',
  seniority: 3,
  department: 'IT',
  managerId: 'E0077',
  skills: ['automation', 'AI assistants'],
  interests: ['negotiation'],
  capacity: 1,
};
/** Margaret, the CFO. */
const margaret: Person = {
  participantId: 'p-margaret',
  personId: 'E0042',
  role: 'mentee',
  displayName: 'Margaret Chen',
  email: 'margaret.chen@acme.example',
  seniority: 9,
  department: 'Finance',
  skills: ['capital allocation'],
  interests: ['LinkedIn', 'TikTok'],
};
/** Tom, head of operations. */
const tom: Person = {
  participantId: 'p-tom',
  personId: 'E0077',
  role: 'mentee',
  displayName: 'Tom Okafor',
  email: 'tom.okafor@acme.example',
  seniority: 7,
  department: 'Operations',
  skills: ['supply chain'],
  interests: ['automation'],
};
/** Ravi, sales director. */
const ravi: Person = {
  participantId: 'p-ravi',
  personId: 'E0090',
  role: 'mentee',
  displayName: 'Ravi Das',
  email: 'ravi.das@acme.example',
  seniority: 8,
  department: 'Sales',
  skills: [],
  interests: ['social selling'],
};

function enrolled(person: Person, overrides: Partial<ParticipantEnrolled['data']> = {}): ParticipantEnrolled {
  return {
    type: 'ParticipantEnrolled',
    data: { programId: PROGRAM_ID, ...person, enrolledOn: '2025-02-25', ...overrides },
  };
}

function paired(pairId: string, mentor: Person, mentee: Person, pairedOn = '2025-03-03'): Paired {
  return {
    type: 'Paired',
    data: {
      programId: PROGRAM_ID,
      pairId,
      mentorId: mentor.participantId,
      menteeId: mentee.participantId,
      pairedBy: 'admin',
      pairedOn,
    },
  };
}

function pairEnded(pairId: string, reason: PairEnded['data']['reason'], note: string, endedOn = TODAY): PairEnded {
  return { type: 'PairEnded', data: { programId: PROGRAM_ID, pairId, reason, note, endedOn } };
}

function withdrawn(person: Person, reason: string, withdrawnOn = TODAY): ParticipantWithdrawn {
  return {
    type: 'ParticipantWithdrawn',
    data: { programId: PROGRAM_ID, participantId: person.participantId, reason, withdrawnOn },
  };
}

function erased(person: Person, erasedOn = TODAY): PersonErased {
  return {
    type: 'PersonErased',
    data: { programId: PROGRAM_ID, participantId: person.participantId, personId: person.personId, erasedOn },
  };
}

function trained(person: Person, module: string, completedOn = '2025-03-05'): TrainingCompleted {
  return {
    type: 'TrainingCompleted',
    data: { programId: PROGRAM_ID, participantId: person.participantId, module, completedOn },
  };
}

const closed: ProgramClosed = {
  type: 'ProgramClosed',
  data: { programId: PROGRAM_ID, closedOn: '2025-09-01', outcome: 'Ran its course.' },
};

/** A launched program with Priya, Sam, Margaret, Tom and Ravi enrolled. */
const running = [
  created(),
  enrolled(priya),
  enrolled(sam),
  enrolled(margaret),
  enrolled(tom),
  enrolled(ravi),
  launched,
];

/** Enrolment data as sent in a command (the stored email is normalised). */
function enrolmentOf(person: Person): Omit<CommandOf<'EnrolParticipant'>['data'], 'programId'> {
  return { ...person };
}

const createProgram = (overrides: Partial<CommandOf<'CreateProgram'>['data']> = {}) =>
  command('CreateProgram', {
    organizationId: 'acme',
    name: 'Digital Leaders 2025',
    description: 'Early-career staff coach the executive team on social media and digital tools.',
    focusAreas: ['social-media', 'digital-tools'],
    goals: ['Every executive posts on LinkedIn at least monthly'],
    cadence: { sessionEveryDays: 14, minSessionMinutes: 30 },
    startsOn: '2025-03-01',
    endsOn: '2025-08-31',
    maxMenteesPerMentor: 2,
    pairingRule: 'reverse',
    ...overrides,
  });

const pairParticipants = (
  pairId: string,
  mentor: Person,
  mentee: Person,
  extra: Partial<CommandOf<'PairParticipants'>['data']> = {},
) =>
  command('PairParticipants', {
    pairId,
    mentorId: mentor.participantId,
    menteeId: mentee.participantId,
    pairedBy: 'admin',
    ...extra,
  });

describe('program stream', () => {
  it("is named 'program-' followed by the program id", () => {
    expect(programStreamName('digital-leaders-2025')).toBe('program-digital-leaders-2025');
  });
});

describe('CreateProgram', () => {
  it('creates a draft program, dated today', () => {
    spec
      .given()
      .when(createProgram())
      .then(created({ createdOn: TODAY }));
  });

  it("defaults to an empty description, one mentee per mentor and the 'reverse' pairing rule", () => {
    spec
      .given()
      .when(createProgram({ description: undefined, maxMenteesPerMentor: undefined, pairingRule: undefined }))
      .then(created({ description: '', maxMenteesPerMentor: 1, pairingRule: 'reverse', createdOn: TODAY }));
  });

  it("accepts a 'mutual' program", () => {
    spec
      .given()
      .when(createProgram({ pairingRule: 'mutual' }))
      .then(created({ pairingRule: 'mutual', createdOn: TODAY }));
  });

  it('creates a program only once', () => {
    spec
      .given(created())
      .when(createProgram())
      .thenRejects({ kind: 'conflict', rule: 'program-already-exists', messageIncludes: 'Digital Leaders 2025' });
  });

  it('needs a start date before the end date', () => {
    spec
      .given()
      .when(createProgram({ startsOn: '2025-08-31', endsOn: '2025-08-31' }))
      .thenRejects({
        kind: 'invalid',
        rule: 'program-ends-after-it-starts',
        field: 'endsOn',
        messageIncludes: ['2025-08-31'],
      });
  });

  const outOfRange: Array<[string, Partial<CommandOf<'CreateProgram'>['data']>, string, string]> = [
    ['a name', { name: '   ' }, 'name', 'text-required'],
    ['a name of at most 120 characters', { name: 'x'.repeat(121) }, 'name', 'text-too-long'],
    ['a description of at most 2000 characters', { description: 'x'.repeat(2001) }, 'description', 'text-too-long'],
    ['at least one focus area', { focusAreas: [] }, 'focusAreas', 'too-few-items'],
    ['known focus areas', { focusAreas: untyped(['gardening']) }, 'focusAreas[0]', 'unknown-value'],
    ['each focus area once', { focusAreas: ['culture', 'culture'] }, 'focusAreas', 'repeated-item'],
    ['at least one goal', { goals: [] }, 'goals', 'too-few-items'],
    ['at most 10 goals', { goals: Array.from({ length: 11 }, (_, i) => `Goal ${i + 1}`) }, 'goals', 'too-many-items'],
    ['goals of at most 200 characters', { goals: ['x'.repeat(201)] }, 'goals[0]', 'text-too-long'],
    ['a session at least every 90 days', { cadence: { sessionEveryDays: 91, minSessionMinutes: 30 } }, 'cadence.sessionEveryDays', 'number-out-of-range'],
    ['sessions every whole number of days', { cadence: { sessionEveryDays: 1.5, minSessionMinutes: 30 } }, 'cadence.sessionEveryDays', 'whole-number-required'],
    ['sessions of at least 15 minutes', { cadence: { sessionEveryDays: 14, minSessionMinutes: 10 } }, 'cadence.minSessionMinutes', 'number-out-of-range'],
    ['sessions of at most 480 minutes', { cadence: { sessionEveryDays: 14, minSessionMinutes: 481 } }, 'cadence.minSessionMinutes', 'number-out-of-range'],
    ['a real start date', { startsOn: '2025-02-30' }, 'startsOn', 'date-required'],
    ['an end date written YYYY-MM-DD', { endsOn: '31/08/2025' }, 'endsOn', 'date-required'],
    ['at most 5 mentees per mentor', { maxMenteesPerMentor: 6 }, 'maxMenteesPerMentor', 'number-out-of-range'],
    ['at least 1 mentee per mentor', { maxMenteesPerMentor: 0 }, 'maxMenteesPerMentor', 'number-out-of-range'],
    ['a known pairing rule', { pairingRule: untyped('random') }, 'pairingRule', 'unknown-value'],
    ['an organization', { organizationId: '' }, 'organizationId', 'text-required'],
  ];
  it.each(outOfRange)('needs %s', (_rule, overrides, field, rule) => {
    spec.given().when(createProgram(overrides)).thenRejects({ kind: 'invalid', rule, field });
  });
});

describe('LaunchProgram', () => {
  it('starts a draft program today', () => {
    spec
      .given(created())
      .when(command('LaunchProgram', {}))
      .then({ type: 'ProgramLaunched', data: { programId: PROGRAM_ID, launchedOn: TODAY } });
  });

  it('launches only a draft', () => {
    spec
      .given(created(), launched)
      .when(command('LaunchProgram', {}))
      .thenRejects({ kind: 'conflict', rule: 'launch-only-a-draft', messageIncludes: 'running since 2025-03-01' });
  });

  it('needs an existing program', () => {
    spec
      .given()
      .when(command('LaunchProgram', {}))
      .thenRejects({ kind: 'not-found', rule: 'program-not-found', messageIncludes: PROGRAM_ID });
  });
});

describe('CloseProgram', () => {
  it('closes a draft program', () => {
    spec
      .given(created())
      .when(command('CloseProgram', { outcome: 'Cancelled: budget moved to next year.' }))
      .then({
        type: 'ProgramClosed',
        data: { programId: PROGRAM_ID, closedOn: TODAY, outcome: 'Cancelled: budget moved to next year.' },
      });
  });

  it('ends every active pair first, then closes, in one decision', () => {
    spec
      .given(
        ...running,
        paired('pair-1', priya, margaret),
        paired('pair-2', sam, ravi),
        pairEnded('pair-2', 'not-a-fit', 'Schedules never matched.', '2025-03-08'),
        paired('pair-3', priya, tom),
      )
      .when(command('CloseProgram', { outcome: 'All executives now post weekly.' }))
      .then(
        pairEnded('pair-1', 'program-closed', 'The program was closed.'),
        pairEnded('pair-3', 'program-closed', 'The program was closed.'),
        { type: 'ProgramClosed', data: { programId: PROGRAM_ID, closedOn: TODAY, outcome: 'All executives now post weekly.' } },
      );
  });

  it('keeps the outcome to 2000 characters', () => {
    spec
      .given(created())
      .when(command('CloseProgram', { outcome: 'x'.repeat(2001) }))
      .thenRejects({ kind: 'invalid', rule: 'text-too-long', field: 'outcome' });
  });

  it('needs an existing program', () => {
    spec
      .given()
      .when(command('CloseProgram', { outcome: '' }))
      .thenRejects({ kind: 'not-found', rule: 'program-not-found' });
  });
});

describe('a closed program', () => {
  const everyCommand: ProgramCommand[] = [
    createProgram(),
    command('LaunchProgram', {}),
    command('CloseProgram', { outcome: 'Again.' }),
    command('EnrolParticipant', enrolmentOf({ ...ravi, participantId: 'p-new', email: 'new@acme.example' })),
    command('WithdrawParticipant', { participantId: priya.participantId, reason: 'Moved on.' }),
    command('RecordTraining', { participantId: priya.participantId, module: 'Listening', completedOn: TODAY }),
    pairParticipants('pair-9', priya, ravi),
    command('EndPair', { pairId: 'pair-1', reason: 'completed', note: '' }),
    command('SetEngagementPolicy', { policy: { autoEndAfterDays: null } }),
    command('EndInactivePair', { pairId: 'pair-1', lastActiveOn: '2025-03-03' }),
    // The automation closing a program whose end date passed: a program already closed stays a conflict.
    command('CloseProgram', { outcome: endDatePassedOutcome('2025-08-31') }),
  ];
  it.each(everyCommand.map((cmd, index) => [`${cmd.type} (${index})`, cmd] as const))('refuses %s', (_type, cmd) => {
    spec
      .given(...running, paired('pair-1', priya, margaret), pairEnded('pair-1', 'program-closed', 'The program was closed.'), closed)
      .when(cmd)
      .thenRejects({ kind: 'conflict', rule: 'program-closed', messageIncludes: 'closed on 2025-09-01' });
  });
});

describe('EnrolParticipant', () => {
  it('enrols a mentor, storing the email trimmed and in lower case', () => {
    spec
      .given(created())
      .when(command('EnrolParticipant', { ...enrolmentOf(priya), email: '  Priya.Raman@ACME.example ' }))
      .then(enrolled(priya, { enrolledOn: TODAY }));
  });

  it('gives a mentor a capacity of one mentee unless told otherwise', () => {
    spec
      .given(created())
      .when(command('EnrolParticipant', { ...enrolmentOf(sam), capacity: undefined }))
      .then(enrolled(sam, { capacity: 1, enrolledOn: TODAY }));
  });

  it('enrols a mentee without a capacity, with empty skills and interests when none are given', () => {
    const { skills: _skills, interests: _interests, ...withoutLists } = enrolmentOf(tom);
    spec
      .given(created())
      .when(command('EnrolParticipant', withoutLists))
      .then(enrolled(tom, { skills: [], interests: [], enrolledOn: TODAY }));
  });

  it('enrols while the program is running', () => {
    spec
      .given(created(), launched)
      .when(command('EnrolParticipant', enrolmentOf(margaret)))
      .then(enrolled(margaret, { enrolledOn: TODAY }));
  });

  it('gives a capacity to mentors only', () => {
    spec
      .given(created())
      .when(command('EnrolParticipant', { ...enrolmentOf(margaret), capacity: 1 }))
      .thenRejects({ kind: 'invalid', rule: 'capacity-for-mentors-only', field: 'capacity', messageIncludes: 'p-margaret' });
  });

  it("keeps a mentor's capacity within the program's maximum mentees per mentor", () => {
    spec
      .given(created({ maxMenteesPerMentor: 2 }))
      .when(command('EnrolParticipant', { ...enrolmentOf(priya), capacity: 3 }))
      .thenRejects({
        kind: 'invalid',
        rule: 'capacity-above-program-maximum',
        field: 'capacity',
        messageIncludes: ['at most 2', 'asked for 3'],
      });
  });

  it('needs a capacity of at least one', () => {
    spec
      .given(created())
      .when(command('EnrolParticipant', { ...enrolmentOf(priya), capacity: 0 }))
      .thenRejects({ kind: 'invalid', rule: 'number-out-of-range', field: 'capacity' });
  });

  it('enrols each participant once', () => {
    spec
      .given(created(), enrolled(priya))
      .when(command('EnrolParticipant', { ...enrolmentOf(priya), personId: 'E9999', email: 'another@acme.example' }))
      .thenRejects({ kind: 'conflict', rule: 'participant-already-enrolled', messageIncludes: 'p-priya' });
  });

  it('enrols each person once, whatever participant id they are given', () => {
    spec
      .given(created(), enrolled(priya))
      .when(command('EnrolParticipant', { ...enrolmentOf(priya), participantId: 'p-priya-2', email: 'another@acme.example' }))
      .thenRejects({
        kind: 'conflict',
        rule: 'person-already-enrolled',
        messageIncludes: ['Person "E1001"', 'participant "p-priya"'],
      });
  });

  it('lets the same person take part in another program (the rule is per program)', () => {
    spec
      .given(created({ programId: 'other-program' }))
      .when(untyped<CommandOf<'EnrolParticipant'>>({ type: 'EnrolParticipant', data: { ...enrolmentOf(priya), programId: 'other-program' }, now: NOW }))
      .then(enrolled(priya, { programId: 'other-program', enrolledOn: TODAY }));
  });

  it('lets a new participant use the email address of an erased one', () => {
    spec
      .given(created(), enrolled(priya), withdrawn(priya, 'Personal data erased.', '2025-03-09'), erased(priya, '2025-03-09'))
      .when(command('EnrolParticipant', { ...enrolmentOf(ravi), email: priya.email }))
      .then(enrolled(ravi, { email: priya.email, enrolledOn: TODAY }));
  });

  it('ignores participants whose stored email can no longer be read (null: its key was destroyed)', () => {
    // Not a given/when/then: the schema never allows null; the API hands the decider null for a shredded field.
    const unreadable = untyped<ParticipantEnrolled>({ ...enrolled(priya), data: { ...enrolled(priya).data, displayName: null, email: null } });
    const state = fold(programDecider, [created(), unreadable]);
    if (state.status === 'none') throw new Error('program expected');
    expect(state.participants[priya.participantId]).toMatchObject({ displayName: null, email: null, erased: false });
    const decision = programDecider.decide(command('EnrolParticipant', enrolmentOf(ravi)), state);
    expect(decision).toEqual({ ok: true, events: [enrolled(ravi, { enrolledOn: TODAY })] });
  });

  it('enrols each email address once, whatever its case', () => {
    spec
      .given(created(), enrolled(priya))
      .when(command('EnrolParticipant', { ...enrolmentOf(ravi), email: 'PRIYA.RAMAN@acme.example' }))
      .thenRejects({
        kind: 'conflict',
        rule: 'email-already-enrolled',
        messageIncludes: ['participant "p-priya"'],
      });
  });

  it('needs an existing program', () => {
    spec
      .given()
      .when(command('EnrolParticipant', enrolmentOf(priya)))
      .thenRejects({ kind: 'not-found', rule: 'program-not-found' });
  });

  it('does not let a participant be their own manager', () => {
    spec
      .given(created())
      .when(command('EnrolParticipant', { ...enrolmentOf(tom), managerId: tom.personId }))
      .thenRejects({ kind: 'invalid', rule: 'not-own-manager', field: 'managerId', messageIncludes: 'E0077' });
  });

  it("compares the manager with the person, not with the participant id", () => {
    spec
      .given(created())
      .when(command('EnrolParticipant', { ...enrolmentOf(tom), managerId: tom.participantId }))
      .then(enrolled(tom, { managerId: tom.participantId, enrolledOn: TODAY }));
  });

  const outOfRange: Array<[string, Partial<CommandOf<'EnrolParticipant'>['data']>, string, string]> = [
    ['a seniority of at least 1', { seniority: 0 }, 'seniority', 'number-out-of-range'],
    ['a seniority of at most 10', { seniority: 11 }, 'seniority', 'number-out-of-range'],
    ['a whole seniority', { seniority: 4.5 }, 'seniority', 'whole-number-required'],
    ['a role of mentor or mentee', { role: untyped('sponsor') }, 'role', 'unknown-value'],
    ['a display name', { displayName: '' }, 'displayName', 'text-required'],
    ['a display name of at most 120 characters', { displayName: 'x'.repeat(121) }, 'displayName', 'text-too-long'],
    ['an email address', { email: 'priya at acme' }, 'email', 'email-format'],
    ['a department', { department: ' ' }, 'department', 'text-required'],
    ['each skill once', { skills: ['TikTok', 'tiktok'] }, 'skills', 'repeated-item'],
    ['at most 20 interests', { interests: Array.from({ length: 21 }, (_, i) => `topic ${i}`) }, 'interests', 'too-many-items'],
    ['a participant id', { participantId: '' }, 'participantId', 'text-required'],
    ['a person id', { personId: untyped(undefined) }, 'personId', 'text-required'],
    ['a person id of at most 200 characters', { personId: 'E'.repeat(201) }, 'personId', 'text-too-long'],
    ['a person id of letters, digits and - _ . : @', { personId: 'Priya Raman' }, 'personId', 'person-id-format'],
    ['a manager id shaped like a person id', { managerId: 'o helen' }, 'managerId', 'person-id-format'],
  ];
  it.each(outOfRange)('needs %s', (_rule, overrides, field, rule) => {
    spec
      .given(created())
      .when(command('EnrolParticipant', { ...enrolmentOf(priya), ...overrides }))
      .thenRejects({ kind: 'invalid', rule, field });
  });
});

describe('WithdrawParticipant', () => {
  it('records the withdrawal of a participant without pairs', () => {
    spec
      .given(...running)
      .when(command('WithdrawParticipant', { participantId: ravi.participantId, reason: 'Left the company.' }))
      .then(withdrawn(ravi, 'Left the company.'));
  });

  it("ends each of the participant's active pairs first, in the same decision", () => {
    spec
      .given(
        ...running,
        paired('pair-1', priya, margaret),
        paired('pair-2', priya, tom),
        pairEnded('pair-2', 'completed', 'Goals met.', '2025-03-09'),
        paired('pair-3', sam, ravi),
        paired('pair-4', priya, tom, '2025-03-09'),
      )
      .when(command('WithdrawParticipant', { participantId: priya.participantId, reason: 'Parental leave.' }))
      .then(
        pairEnded('pair-1', 'withdrawn', 'Participant "p-priya" withdrew from the program: Parental leave.'),
        pairEnded('pair-4', 'withdrawn', 'Participant "p-priya" withdrew from the program: Parental leave.'),
        withdrawn(priya, 'Parental leave.'),
      );
  });

  it('ends the pair of a withdrawing mentee too', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret))
      .when(command('WithdrawParticipant', { participantId: margaret.participantId, reason: 'Sabbatical.' }))
      .then(
        pairEnded('pair-1', 'withdrawn', 'Participant "p-margaret" withdrew from the program: Sabbatical.'),
        withdrawn(margaret, 'Sabbatical.'),
      );
  });

  it('withdraws a participant only once', () => {
    spec
      .given(...running, withdrawn(ravi, 'Left the company.', '2025-03-05'))
      .when(command('WithdrawParticipant', { participantId: ravi.participantId, reason: 'Again.' }))
      .thenRejects({
        kind: 'conflict',
        rule: 'participant-already-withdrawn',
        messageIncludes: 'Participant "p-ravi" has already withdrawn from this program.',
      });
  });

  it('needs an enrolled participant', () => {
    spec
      .given(...running)
      .when(command('WithdrawParticipant', { participantId: 'p-nobody', reason: 'Unknown.' }))
      .thenRejects({ kind: 'not-found', rule: 'participant-not-found', messageIncludes: 'p-nobody' });
  });

  it('needs a reason', () => {
    spec
      .given(...running)
      .when(command('WithdrawParticipant', { participantId: ravi.participantId, reason: '' }))
      .thenRejects({ kind: 'invalid', rule: 'text-required', field: 'reason' });
  });

  it('needs an existing program', () => {
    spec
      .given()
      .when(command('WithdrawParticipant', { participantId: ravi.participantId, reason: 'Left.' }))
      .thenRejects({ kind: 'not-found', rule: 'program-not-found' });
  });
});

describe('RecordTraining', () => {
  it('records a completed training module', () => {
    spec
      .given(...running)
      .when(command('RecordTraining', { participantId: priya.participantId, module: 'Mentoring 101', completedOn: '2025-03-05' }))
      .then(trained(priya, 'Mentoring 101', '2025-03-05'));
  });

  it('accepts training completed today', () => {
    spec
      .given(created(), enrolled(margaret))
      .when(command('RecordTraining', { participantId: margaret.participantId, module: 'Being mentored', completedOn: TODAY }))
      .then(trained(margaret, 'Being mentored', TODAY));
  });

  it('does not record training completed in the future', () => {
    spec
      .given(...running)
      .when(command('RecordTraining', { participantId: priya.participantId, module: 'Mentoring 101', completedOn: '2025-03-11' }))
      .thenRejects({ kind: 'invalid', rule: 'date-in-future', field: 'completedOn', messageIncludes: ['2025-03-11', TODAY] });
  });

  it('records each module once per participant, whatever its case', () => {
    spec
      .given(...running, trained(priya, 'Mentoring 101'))
      .when(command('RecordTraining', { participantId: priya.participantId, module: 'mentoring 101', completedOn: TODAY }))
      .thenRejects({ kind: 'conflict', rule: 'training-already-recorded', messageIncludes: 'p-priya' });
  });

  it('lets another participant complete the same module', () => {
    spec
      .given(...running, trained(priya, 'Mentoring 101'))
      .when(command('RecordTraining', { participantId: sam.participantId, module: 'Mentoring 101', completedOn: TODAY }))
      .then(trained(sam, 'Mentoring 101', TODAY));
  });

  it('needs an enrolled participant', () => {
    spec
      .given(...running)
      .when(command('RecordTraining', { participantId: 'p-nobody', module: 'Mentoring 101', completedOn: TODAY }))
      .thenRejects({ kind: 'not-found', rule: 'participant-not-found' });
  });

  it('does not record training for a withdrawn participant', () => {
    spec
      .given(...running, withdrawn(sam, 'Left.', '2025-03-04'))
      .when(command('RecordTraining', { participantId: sam.participantId, module: 'Mentoring 101', completedOn: '2025-03-03' }))
      .thenRejects({ kind: 'conflict', rule: 'participant-withdrawn', messageIncludes: 'p-sam' });
  });

  it('needs a real completion date', () => {
    spec
      .given(...running)
      .when(command('RecordTraining', { participantId: sam.participantId, module: 'Mentoring 101', completedOn: 'yesterday' }))
      .thenRejects({ kind: 'invalid', rule: 'date-required', field: 'completedOn' });
  });
});

describe('PairParticipants', () => {
  it('pairs a junior mentor with a senior mentee, today', () => {
    spec
      .given(...running)
      .when(pairParticipants('pair-1', priya, margaret))
      .then(paired('pair-1', priya, margaret, TODAY));
  });

  it("keeps the matching algorithm's score and rationale", () => {
    spec
      .given(...running)
      .when(pairParticipants('pair-1', priya, margaret, { pairedBy: 'algorithm', matchScore: 0.87, rationale: 'TikTok skills match interests.' }))
      .then({
        type: 'Paired',
        data: {
          programId: PROGRAM_ID,
          pairId: 'pair-1',
          mentorId: priya.participantId,
          menteeId: margaret.participantId,
          pairedBy: 'algorithm',
          matchScore: 0.87,
          rationale: 'TikTok skills match interests.',
          pairedOn: TODAY,
        },
      });
  });

  it('pairs only in a running program', () => {
    spec
      .given(created(), enrolled(priya), enrolled(margaret))
      .when(pairParticipants('pair-1', priya, margaret))
      .thenRejects({ kind: 'conflict', rule: 'pair-only-in-active-program', messageIncludes: 'not been launched' });
  });

  it('needs an existing program', () => {
    spec
      .given()
      .when(pairParticipants('pair-1', priya, margaret))
      .thenRejects({ kind: 'not-found', rule: 'program-not-found' });
  });

  it('needs an enrolled mentor', () => {
    spec
      .given(created(), enrolled(margaret), launched)
      .when(pairParticipants('pair-1', priya, margaret))
      .thenRejects({ kind: 'not-found', rule: 'participant-not-found', messageIncludes: 'p-priya' });
  });

  it('needs an enrolled mentee', () => {
    spec
      .given(created(), enrolled(priya), launched)
      .when(pairParticipants('pair-1', priya, margaret))
      .thenRejects({ kind: 'not-found', rule: 'participant-not-found', messageIncludes: 'p-margaret' });
  });

  it('does not pair a withdrawn mentor', () => {
    spec
      .given(...running, withdrawn(priya, 'Left.', '2025-03-04'))
      .when(pairParticipants('pair-1', priya, margaret))
      .thenRejects({ kind: 'conflict', rule: 'participant-withdrawn', messageIncludes: 'p-priya' });
  });

  it('does not pair a withdrawn mentee', () => {
    spec
      .given(...running, withdrawn(margaret, 'Left.', '2025-03-04'))
      .when(pairParticipants('pair-1', priya, margaret))
      .thenRejects({ kind: 'conflict', rule: 'participant-withdrawn', messageIncludes: 'p-margaret' });
  });

  it('pairs two different people', () => {
    spec
      .given(...running)
      .when(pairParticipants('pair-1', priya, priya))
      .thenRejects({ kind: 'invalid', rule: 'pair-of-two-people', field: 'menteeId' });
  });

  it('takes the mentor from the enrolled mentors', () => {
    spec
      .given(...running)
      .when(pairParticipants('pair-1', tom, margaret))
      .thenRejects({ kind: 'conflict', rule: 'mentor-enrolled-as-mentor', messageIncludes: 'Participant "p-tom" is enrolled as a mentee' });
  });

  it('takes the mentee from the enrolled mentees', () => {
    spec
      .given(...running)
      .when(pairParticipants('pair-1', priya, sam))
      .thenRejects({ kind: 'conflict', rule: 'mentee-enrolled-as-mentee', messageIncludes: 'Participant "p-sam" is enrolled as a mentor' });
  });

  it('in a reverse program, needs the mentor to be less senior than the mentee', () => {
    spec
      .given(...running, enrolled({ ...ravi, participantId: 'p-ana', personId: 'E0100', displayName: 'Ana', email: 'ana@acme.example', seniority: 1 }))
      .when(pairParticipants('pair-1', priya, { ...ravi, participantId: 'p-ana' }))
      .thenRejects({
        kind: 'conflict',
        rule: 'mentor-less-senior-than-mentee',
        messageIncludes:
          'In a reverse-mentoring program the mentor must be less senior than the mentee: mentor "p-priya" is at seniority 2, mentee "p-ana" at 1',
      });
  });

  it('in a reverse program, refuses a mentor as senior as the mentee', () => {
    spec
      .given(...running, enrolled({ ...ravi, participantId: 'p-kim', personId: 'E0101', displayName: 'Kim', email: 'kim@acme.example', seniority: 2 }))
      .when(pairParticipants('pair-1', priya, { ...ravi, participantId: 'p-kim' }))
      .thenRejects({ kind: 'conflict', rule: 'mentor-less-senior-than-mentee', messageIncludes: 'at seniority 2, mentee "p-kim" at 2' });
  });

  it('in a mutual program, pairs regardless of seniority', () => {
    spec
      .given(
        created({ pairingRule: 'mutual' }),
        enrolled(priya, { seniority: 8 }),
        enrolled(margaret, { seniority: 3 }),
        launched,
      )
      .when(pairParticipants('pair-1', priya, margaret))
      .then(paired('pair-1', priya, margaret, TODAY));
  });

  it("does not pair a mentor with their manager (Tom manages Sam)", () => {
    spec
      .given(...running)
      .when(pairParticipants('pair-1', sam, tom))
      .thenRejects({
        kind: 'conflict',
        rule: 'no-pair-within-reporting-line',
        messageIncludes: 'Participant "p-tom" is the manager of participant "p-sam"',
      });
  });

  it('does not pair a mentee with their manager', () => {
    spec
      .given(
        created({ pairingRule: 'mutual' }),
        enrolled(priya),
        enrolled(margaret, { managerId: priya.personId }),
        launched,
      )
      .when(pairParticipants('pair-1', priya, margaret))
      .thenRejects({
        kind: 'conflict',
        rule: 'no-pair-within-reporting-line',
        messageIncludes: 'Participant "p-priya" is the manager of participant "p-margaret"',
      });
  });

  it("does not give a mentor more mentees than the mentor's own capacity", () => {
    spec
      .given(...running, paired('pair-1', sam, margaret))
      .when(pairParticipants('pair-2', sam, ravi))
      .thenRejects({ kind: 'conflict', rule: 'mentor-at-capacity', messageIncludes: ['p-sam', '(1)'] });
  });

  it("does not give a mentor more mentees than the program's maximum, whatever their capacity", () => {
    spec
      .given(
        created({ maxMenteesPerMentor: 1 }),
        enrolled(priya, { capacity: 2 }),
        enrolled(margaret),
        enrolled(ravi),
        launched,
        paired('pair-1', priya, margaret),
      )
      .when(pairParticipants('pair-2', priya, ravi))
      .thenRejects({ kind: 'conflict', rule: 'mentor-at-capacity', messageIncludes: ['p-priya', '(1)'] });
  });

  it('lets a mentor with capacity for two take a second mentee', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret))
      .when(pairParticipants('pair-2', priya, ravi))
      .then(paired('pair-2', priya, ravi, TODAY));
  });

  it('frees a place when a pair ends', () => {
    spec
      .given(...running, paired('pair-1', sam, margaret), pairEnded('pair-1', 'rematched', 'Better match found.', '2025-03-09'))
      .when(pairParticipants('pair-2', sam, ravi))
      .then(paired('pair-2', sam, ravi, TODAY));
  });

  it('gives a mentee one active pair at a time', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret))
      .when(pairParticipants('pair-2', sam, margaret))
      .thenRejects({
        kind: 'conflict',
        rule: 'mentee-already-paired',
        messageIncludes: ['Participant "p-margaret" already has a mentor', 'participant "p-priya"', 'pair "pair-1"'],
      });
  });

  it('uses each pair id once in the program', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret), pairEnded('pair-1', 'completed', '', '2025-03-09'))
      .when(pairParticipants('pair-1', sam, ravi))
      .thenRejects({ kind: 'conflict', rule: 'pair-already-exists', messageIncludes: 'pair-1' });
  });

  it('needs a match score between 0 and 1', () => {
    spec
      .given(...running)
      .when(pairParticipants('pair-1', priya, margaret, { pairedBy: 'algorithm', matchScore: 1.5 }))
      .thenRejects({ kind: 'invalid', rule: 'number-out-of-range', field: 'matchScore' });
  });

  it('needs to know who paired them', () => {
    spec
      .given(...running)
      .when(pairParticipants('pair-1', priya, margaret, { pairedBy: untyped('manager') }))
      .thenRejects({ kind: 'invalid', rule: 'unknown-value', field: 'pairedBy' });
  });
});

describe('EndPair', () => {
  it('ends an active pair today', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret))
      .when(command('EndPair', { pairId: 'pair-1', reason: 'completed', note: 'Margaret now runs her own channel.' }))
      .then(pairEnded('pair-1', 'completed', 'Margaret now runs her own channel.'));
  });

  it('needs a pair of this program', () => {
    spec
      .given(...running)
      .when(command('EndPair', { pairId: 'pair-9', reason: 'not-a-fit', note: '' }))
      .thenRejects({ kind: 'not-found', rule: 'pair-not-found', messageIncludes: 'pair-9' });
  });

  it('ends a pair only once', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret), pairEnded('pair-1', 'rematched', '', '2025-03-09'))
      .when(command('EndPair', { pairId: 'pair-1', reason: 'completed', note: '' }))
      .thenRejects({ kind: 'conflict', rule: 'pair-already-ended', messageIncludes: '2025-03-09' });
  });

  it.each(['withdrawn', 'program-closed', 'inactive'])("leaves the reason '%s' to the system", (reason) => {
    spec
      .given(...running, paired('pair-1', priya, margaret))
      .when(command('EndPair', { pairId: 'pair-1', reason: untyped(reason), note: '' }))
      .thenRejects({ kind: 'invalid', rule: 'unknown-value', field: 'reason', messageIncludes: 'recorded automatically' });
  });

  it('keeps the note to 2000 characters', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret))
      .when(command('EndPair', { pairId: 'pair-1', reason: 'completed', note: 'x'.repeat(2001) }))
      .thenRejects({ kind: 'invalid', rule: 'text-too-long', field: 'note' });
  });
});

describe('ErasePerson', () => {
  const erasePerson = (person: Person, now: string = NOW) => command('ErasePerson', { personId: person.personId }, now);
  const ERASURE_NOTE = 'A member of this pair asked for their personal data to be erased.';

  it("ends the person's active pairs, withdraws them and records the erasure, in one decision", () => {
    spec
      .given(
        ...running,
        paired('pair-1', priya, margaret),
        paired('pair-2', priya, tom),
        pairEnded('pair-2', 'completed', 'Goals met.', '2025-03-09'),
        paired('pair-3', sam, ravi),
        paired('pair-4', priya, tom, '2025-03-09'),
      )
      .when(erasePerson(priya))
      .then(
        pairEnded('pair-1', 'withdrawn', ERASURE_NOTE),
        pairEnded('pair-4', 'withdrawn', ERASURE_NOTE),
        withdrawn(priya, 'Personal data erased.'),
        erased(priya),
      );
  });

  it('withdraws a participant without pairs, in a draft program too', () => {
    spec
      .given(created(), enrolled(margaret))
      .when(erasePerson(margaret))
      .then(withdrawn(margaret, 'Personal data erased.'), erased(margaret));
  });

  it('only records the erasure of a participant who has already withdrawn', () => {
    spec
      .given(...running, withdrawn(ravi, 'Left the company.', '2025-03-05'))
      .when(erasePerson(ravi))
      .then(erased(ravi));
  });

  it('is accepted on a closed program, where it only records the erasure', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret), pairEnded('pair-1', 'program-closed', 'The program was closed.', '2025-09-01'), closed)
      .when(erasePerson(margaret, '2025-09-10T08:00:00.000Z'))
      .then(erased(margaret, '2025-09-10'));
  });

  it('accepts a second request with no new events (idempotent)', () => {
    spec
      .given(...running, withdrawn(ravi, 'Personal data erased.', '2025-03-05'), erased(ravi, '2025-03-05'))
      .when(erasePerson(ravi))
      .then();
  });

  it('accepts a second request on a closed program with no new events', () => {
    spec
      .given(...running, withdrawn(ravi, 'Personal data erased.', '2025-03-05'), erased(ravi, '2025-03-05'), closed)
      .when(erasePerson(ravi))
      .then();
  });

  it('needs a person who takes part in this program', () => {
    spec
      .given(...running)
      .when(command('ErasePerson', { personId: 'E4040' }))
      .thenRejects({ kind: 'not-found', rule: 'person-not-in-program', messageIncludes: 'E4040' });
  });

  it('finds the person by personId, not by participant id', () => {
    spec
      .given(...running)
      .when(command('ErasePerson', { personId: priya.participantId }))
      .thenRejects({ kind: 'not-found', rule: 'person-not-in-program' });
  });

  it('needs a well-formed person id', () => {
    spec
      .given(...running)
      .when(command('ErasePerson', { personId: 'priya raman' }))
      .thenRejects({ kind: 'invalid', rule: 'person-id-format', field: 'personId' });
  });

  it('needs an existing program', () => {
    spec
      .given()
      .when(erasePerson(priya))
      .thenRejects({ kind: 'not-found', rule: 'program-not-found' });
  });

  it('empties the participant\'s name and email in the state and marks them erased', () => {
    const state = fold(programDecider, [...running, withdrawn(ravi, 'Personal data erased.'), erased(ravi)]);
    if (state.status === 'none') throw new Error('program expected');
    expect(state.participants[ravi.participantId]).toMatchObject({
      personId: ravi.personId,
      displayName: null,
      email: null,
      withdrawn: true,
      erased: true,
    });
  });
});

describe('an erased participant', () => {
  // The usual history: pairs ended, withdrawn, erased. Every command naming them is refused as for a withdrawn one.
  const history = [...running, paired('pair-1', priya, margaret), pairEnded('pair-1', 'withdrawn', 'x'), withdrawn(priya, 'Personal data erased.'), erased(priya)];

  it('cannot be paired', () => {
    spec.given(...history).when(pairParticipants('pair-2', priya, ravi)).thenRejects({ kind: 'conflict', rule: 'participant-withdrawn', messageIncludes: 'p-priya' });
  });

  it('cannot record training', () => {
    spec
      .given(...history)
      .when(command('RecordTraining', { participantId: priya.participantId, module: 'Mentoring 101', completedOn: TODAY }))
      .thenRejects({ kind: 'conflict', rule: 'participant-withdrawn' });
  });

  it('cannot withdraw again', () => {
    spec
      .given(...history)
      .when(command('WithdrawParticipant', { participantId: priya.participantId, reason: 'Again.' }))
      .thenRejects({ kind: 'conflict', rule: 'participant-already-withdrawn' });
  });

  it('is refused even if the erasure was recorded without a withdrawal', () => {
    // Defence in depth: state that says erased but not withdrawn still refuses.
    spec
      .given(...running, erased(margaret))
      .when(pairParticipants('pair-2', priya, margaret))
      .thenRejects({ kind: 'conflict', rule: 'participant-withdrawn', messageIncludes: 'p-margaret' });
  });

  it('cannot be re-enrolled as the same person in this program', () => {
    spec
      .given(...history)
      .when(command('EnrolParticipant', { ...enrolmentOf(priya), participantId: 'p-priya-again' }))
      .thenRejects({ kind: 'conflict', rule: 'person-already-enrolled' });
  });
});

// ---- Engagement automation: the policy, the automatic end of an inactive pair, the close at the end date ----

/** The defaults for a 14-day cadence. */
const DEFAULT_POLICY: EngagementPolicy = {
  firstSessionWithinDays: 14,
  checkInAfterDays: 14,
  stalledAfterDays: 28,
  autoEndAfterDays: 90,
  warnDaysBefore: 7,
  feedbackDueDays: 3,
  closeProgramAtEnd: true,
};

function policySet(policy: Partial<EngagementPolicy>, setOn = TODAY): EngagementPolicySet {
  return { type: 'EngagementPolicySet', data: { programId: PROGRAM_ID, policy: { ...DEFAULT_POLICY, ...policy }, setOn } };
}

describe('defaultEngagementPolicy', () => {
  it('takes the anchors: first session in 14 days, check-in after a cadence, stalled after two, end after 90, warned 7 before', () => {
    expect(defaultEngagementPolicy({ sessionEveryDays: 14, minSessionMinutes: 30 })).toEqual(DEFAULT_POLICY);
    expect(defaultEngagementPolicy({ sessionEveryDays: 30, minSessionMinutes: 30 })).toMatchObject({ checkInAfterDays: 30, stalledAfterDays: 60 });
  });
});

describe('CreateProgram with an engagement policy', () => {
  it('records the program, then its policy, the figures not given taking their defaults', () => {
    spec
      .given()
      .when(createProgram({ engagementPolicy: { autoEndAfterDays: null, feedbackDueDays: 5 } }))
      .then(created({ createdOn: TODAY }), policySet({ autoEndAfterDays: null, feedbackDueDays: 5 }));
  });

  it('records the policy even when it is all defaults: it was given', () => {
    spec
      .given()
      .when(createProgram({ engagementPolicy: {} }))
      .then(created({ createdOn: TODAY }), policySet({}));
  });

  it('records no policy when none is given (the defaults apply)', () => {
    spec.given().when(createProgram()).then(created({ createdOn: TODAY }));
  });

  it('names the field under engagementPolicy', () => {
    spec
      .given()
      .when(createProgram({ engagementPolicy: { stalledAfterDays: 14 } }))
      .thenRejects({ kind: 'invalid', rule: 'stalled-after-check-in', field: 'engagementPolicy.stalledAfterDays' });
  });

  it('needs an object', () => {
    spec
      .given()
      .when(createProgram({ engagementPolicy: untyped([14]) }))
      .thenRejects({ kind: 'invalid', rule: 'object-required', field: 'engagementPolicy' });
  });
});

describe('SetEngagementPolicy', () => {
  it('records the whole policy, resolved, today', () => {
    spec
      .given(...running)
      .when(command('SetEngagementPolicy', { policy: { checkInAfterDays: 10, stalledAfterDays: 21, closeProgramAtEnd: false } }))
      .then(policySet({ checkInAfterDays: 10, stalledAfterDays: 21, closeProgramAtEnd: false }));
  });

  it('replaces the whole policy: a figure left out goes back to its default', () => {
    spec
      .given(...running, policySet({ autoEndAfterDays: null, warnDaysBefore: 3 }, '2025-03-05'))
      .when(command('SetEngagementPolicy', { policy: { warnDaysBefore: 3 } }))
      .then(policySet({ warnDaysBefore: 3 }));
  });

  it('may turn the automatic end off (null)', () => {
    spec
      .given(...running)
      .when(command('SetEngagementPolicy', { policy: { autoEndAfterDays: null } }))
      .then(policySet({ autoEndAfterDays: null }));
  });

  it('is accepted on a draft program', () => {
    spec
      .given(created())
      .when(command('SetEngagementPolicy', { policy: { firstSessionWithinDays: 10 } }))
      .then(policySet({ firstSessionWithinDays: 10 }));
  });

  it('records nothing when the policy is the one in force', () => {
    spec
      .given(...running, policySet({ feedbackDueDays: 7 }, '2025-03-05'))
      .when(command('SetEngagementPolicy', { policy: { feedbackDueDays: 7 } }))
      .then();
  });

  it('records nothing when the defaults in force are set again', () => {
    spec.given(...running).when(command('SetEngagementPolicy', { policy: {} })).then();
  });

  it('needs an existing program', () => {
    spec
      .given()
      .when(command('SetEngagementPolicy', { policy: {} }))
      .thenRejects({ kind: 'not-found', rule: 'program-not-found' });
  });

  it('is refused once the program is closed', () => {
    spec
      .given(created(), closed)
      .when(command('SetEngagementPolicy', { policy: { autoEndAfterDays: null } }))
      .thenRejects({ kind: 'conflict', rule: 'program-closed' });
  });

  const outOfRange: Array<[string, Record<string, unknown>, string, string]> = [
    ['a whole number of days to the first session', { firstSessionWithinDays: 1.5 }, 'firstSessionWithinDays', 'whole-number-required'],
    ['a first session within at least 1 day', { firstSessionWithinDays: 0 }, 'firstSessionWithinDays', 'number-out-of-range'],
    ['a first session within at most 365 days', { firstSessionWithinDays: 366 }, 'firstSessionWithinDays', 'number-out-of-range'],
    ['a check-in after at least 1 day', { checkInAfterDays: 0 }, 'checkInAfterDays', 'number-out-of-range'],
    ['a check-in after at most 365 days', { checkInAfterDays: 366, stalledAfterDays: 400 }, 'checkInAfterDays', 'number-out-of-range'],
    ['a number of days to the check-in', { checkInAfterDays: '14' }, 'checkInAfterDays', 'whole-number-required'],
    ['stalled after more days than the check-in', { checkInAfterDays: 20, stalledAfterDays: 20 }, 'stalledAfterDays', 'stalled-after-check-in'],
    ['stalled after at most 730 days', { stalledAfterDays: 731 }, 'stalledAfterDays', 'number-out-of-range'],
    ['a whole number of days to stalled', { stalledAfterDays: 30.5 }, 'stalledAfterDays', 'whole-number-required'],
    ['an automatic end after at least 1 day', { autoEndAfterDays: 0, warnDaysBefore: 0 }, 'autoEndAfterDays', 'number-out-of-range'],
    ['an automatic end after at most 3650 days', { autoEndAfterDays: 3651 }, 'autoEndAfterDays', 'number-out-of-range'],
    ['an automatic end after more days than the warning', { autoEndAfterDays: 7 }, 'autoEndAfterDays', 'auto-end-after-warning'],
    ['a whole number of days to the automatic end', { autoEndAfterDays: 'never' }, 'autoEndAfterDays', 'whole-number-required'],
    ['a warning at least 0 days before', { warnDaysBefore: -1 }, 'warnDaysBefore', 'number-out-of-range'],
    ['a warning at most 90 days before', { warnDaysBefore: 91, autoEndAfterDays: 120 }, 'warnDaysBefore', 'number-out-of-range'],
    ['feedback due after at least 1 day', { feedbackDueDays: 0 }, 'feedbackDueDays', 'number-out-of-range'],
    ['feedback due after at most 90 days', { feedbackDueDays: 91 }, 'feedbackDueDays', 'number-out-of-range'],
    ['true or false for closing the program at its end', { closeProgramAtEnd: 'yes' }, 'closeProgramAtEnd', 'boolean-required'],
    ['a value for every figure given (null is not a default)', { warnDaysBefore: null }, 'warnDaysBefore', 'whole-number-required'],
  ];
  it.each(outOfRange)('needs %s', (_name, policy, field, rule) => {
    spec
      .given(...running)
      .when(command('SetEngagementPolicy', { policy: untyped(policy) }))
      .thenRejects({ kind: 'invalid', rule, field: `policy.${field}` });
  });

  it('says when a default breaks a relation with a figure given', () => {
    spec
      .given(...running)
      .when(command('SetEngagementPolicy', { policy: { checkInAfterDays: 30 } }))
      .thenRejects({
        kind: 'invalid',
        rule: 'stalled-after-check-in',
        field: 'policy.stalledAfterDays',
        messageIncludes: ['check-in after 30 days', 'stalled after 28', 'the default'],
      });
  });

  it('accepts the bounds', () => {
    const policy = { firstSessionWithinDays: 365, checkInAfterDays: 1, stalledAfterDays: 2, autoEndAfterDays: 91, warnDaysBefore: 90, feedbackDueDays: 90 };
    spec.given(...running).when(command('SetEngagementPolicy', { policy })).then(policySet(policy));
  });

  it('needs a policy object', () => {
    spec
      .given(...running)
      .when(command('SetEngagementPolicy', { policy: untyped(null) }))
      .thenRejects({ kind: 'invalid', rule: 'object-required', field: 'policy' });
  });
});

describe('EndInactivePair (the engagement automation)', () => {
  const inactiveNote = 'No session since 2025-03-03: the program\'s engagement policy ends a pair after 90 days without one.';
  const later = '2025-06-01T02:00:00.000Z';

  it("ends a pair that has not met for the policy's days, with the reason 'inactive' and a note naming the date and the policy", () => {
    spec
      .given(...running, paired('pair-1', priya, margaret))
      .when(command('EndInactivePair', { pairId: 'pair-1', lastActiveOn: '2025-03-03' }, later))
      .then(pairEnded('pair-1', 'inactive', inactiveNote, '2025-06-01'));
  });

  it('ends it on the very day the policy allows', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret))
      .when(command('EndInactivePair', { pairId: 'pair-1', lastActiveOn: '2025-03-03' }, '2025-06-01T00:00:00.000Z'))
      .then(pairEnded('pair-1', 'inactive', inactiveNote, '2025-06-01'));
  });

  it('frees the mentor and the mentee like any other end', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret), pairEnded('pair-1', 'inactive', inactiveNote, '2025-06-01'))
      .when(pairParticipants('pair-2', sam, margaret))
      .then(paired('pair-2', sam, margaret, TODAY));
  });

  it('refuses a pair already ended (the automation takes that as done)', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret), pairEnded('pair-1', 'completed', '', '2025-05-01'))
      .when(command('EndInactivePair', { pairId: 'pair-1', lastActiveOn: '2025-03-03' }, later))
      .thenRejects({ kind: 'conflict', rule: 'pair-already-ended', messageIncludes: ['pair-1', '2025-05-01'] });
  });

  it('refuses an end the policy does not allow yet (a stale timer, or a policy made longer)', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret), policySet({ autoEndAfterDays: 120 }, '2025-04-01'))
      .when(command('EndInactivePair', { pairId: 'pair-1', lastActiveOn: '2025-03-03' }, later))
      .thenRejects({ kind: 'conflict', rule: 'pair-not-inactive-yet', messageIncludes: ['2025-03-03', '120', '2025-07-01'] });
  });

  it('refuses when the policy no longer ends pairs automatically', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret), policySet({ autoEndAfterDays: null }, '2025-04-01'))
      .when(command('EndInactivePair', { pairId: 'pair-1', lastActiveOn: '2025-03-03' }, later))
      .thenRejects({ kind: 'conflict', rule: 'auto-end-off' });
  });

  it('needs a pair of this program', () => {
    spec
      .given(...running)
      .when(command('EndInactivePair', { pairId: 'pair-9', lastActiveOn: '2025-03-03' }, later))
      .thenRejects({ kind: 'not-found', rule: 'pair-not-found', messageIncludes: 'pair-9' });
  });

  it('needs a real last active date, not in the future', () => {
    spec
      .given(...running, paired('pair-1', priya, margaret))
      .when(command('EndInactivePair', { pairId: 'pair-1', lastActiveOn: '2025-02-30' }, later))
      .thenRejects({ kind: 'invalid', rule: 'date-required', field: 'lastActiveOn' });
    spec
      .given(...running, paired('pair-1', priya, margaret))
      .when(command('EndInactivePair', { pairId: 'pair-1', lastActiveOn: '2025-06-02' }, later))
      .thenRejects({ kind: 'invalid', rule: 'date-in-future', field: 'lastActiveOn' });
  });

  it('needs an existing program', () => {
    spec
      .given()
      .when(command('EndInactivePair', { pairId: 'pair-1', lastActiveOn: '2025-03-03' }))
      .thenRejects({ kind: 'not-found', rule: 'program-not-found' });
  });
});

describe('CloseProgram by the engagement automation', () => {
  it('closes with an outcome saying the end date passed, ending every active pair first', () => {
    const outcome = endDatePassedOutcome('2025-08-31');
    expect(outcome).toContain('2025-08-31');
    spec
      .given(...running, paired('pair-1', priya, margaret))
      .when(command('CloseProgram', { outcome }, '2025-09-01T00:05:00.000Z'))
      .then(
        pairEnded('pair-1', 'program-closed', 'The program was closed.', '2025-09-01'),
        { type: 'ProgramClosed', data: { programId: PROGRAM_ID, closedOn: '2025-09-01', outcome } },
      );
  });
});
