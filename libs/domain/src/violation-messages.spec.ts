import { PairCommand } from './pair/pair.commands';
import { pairContextOf } from './pair/pair.context';
import { pairDecider } from './pair/pair.decider';
import { PairEvent } from './pair/pair.events';
import { ProgramCommand } from './program/program.commands';
import { programDecider } from './program/program.decider';
import { ProgramEvent } from './program/program.events';
import { Decider, fold } from './shared/decider';
import { RuleViolation } from './shared/rule-violation';
import { untyped } from './testing/untyped';

/**
 * Violation bodies are stored for idempotent replay and logged, so they must never carry a name, an email or
 * free text. Zephyrine (distinctive name, email and words) is pushed into every rejection we can reach.
 */
const NAME = 'Zephyrine Quillfeather';
const EMAIL = 'zephyrine.quillfeather@acme.example';
const SECRET_WORDS = ['Quillfeather', 'zephyrine', 'Marmalade-Gambit', 'Oubliette-Plan'];

const programId = 'privacy-program';
const now = '2025-03-10T09:00:00.000Z';
type Unsent<C> = C extends unknown ? Omit<C, 'now' | 'context'> : never;

function play<C, E, S>(decider: Decider<C, E, S>, history: E[], commands: C[]): E[] {
  const events = [...history];
  for (const command of commands) {
    const decision = decider.decide(command, fold(decider, events));
    if (!decision.ok) throw new Error(`setup command refused: ${JSON.stringify(decision.violation)}`);
    events.push(...decision.events);
  }
  return events;
}

const p = (command: Unsent<ProgramCommand>, at = now): ProgramCommand => untyped<ProgramCommand>({ ...command, now: at });
const zephyrine = {
  programId, participantId: 'p-701', personId: 'E7001', role: 'mentor' as const, displayName: NAME, email: EMAIL,
  seniority: 2, department: 'Marketing', managerId: 'E7003', skills: ['video'], interests: ['finance'], capacity: 1,
};
const boss = {
  programId, participantId: 'p-boss', personId: 'E7003', role: 'mentee' as const, displayName: 'Boss', email: 'boss@acme.example',
  seniority: 9, department: 'Finance', skills: [], interests: [],
};
const junior = { ...boss, participantId: 'p-junior', personId: 'E7004', email: 'junior@acme.example', seniority: 1 };
const other = { ...boss, participantId: 'p-other', personId: 'E7005', email: 'other@acme.example' };
const secondMentor = { ...zephyrine, participantId: 'p-mentor2', personId: 'E7007', displayName: 'Second', email: 'second@acme.example', seniority: 1, managerId: 'E7999' };
const fifth = { ...boss, participantId: 'p-fifth', personId: 'E7006', email: 'fifth@acme.example' };

const program: ProgramEvent[] = play(programDecider, [], [
  p({ type: 'CreateProgram', data: {
    programId, organizationId: 'acme', name: 'Privacy program', focusAreas: ['technology'], goals: ['Learn'],
    cadence: { sessionEveryDays: 14, minSessionMinutes: 30 }, startsOn: '2025-03-01', endsOn: '2025-08-31', maxMenteesPerMentor: 1,
  } }),
  p({ type: 'EnrolParticipant', data: zephyrine }),
  p({ type: 'EnrolParticipant', data: boss }),
  p({ type: 'EnrolParticipant', data: junior }),
  p({ type: 'EnrolParticipant', data: other }),
  p({ type: 'EnrolParticipant', data: fifth }),
  p({ type: 'EnrolParticipant', data: secondMentor }),
  p({ type: 'RecordTraining', data: { programId, participantId: 'p-701', module: 'Mentoring 101', completedOn: '2025-03-02' } }),
  p({ type: 'LaunchProgram', data: { programId } }),
  p({ type: 'PairParticipants', data: { programId, pairId: 'pair-z', mentorId: 'p-701', menteeId: 'p-other', pairedBy: 'algorithm', rationale: 'Oubliette-Plan' } }),
]);
const withdrawnProgram = play(programDecider, program, [p({ type: 'WithdrawParticipant', data: { programId, participantId: 'p-701', reason: 'Marmalade-Gambit' } })]);
const noAutoEndProgram = play(programDecider, program, [p({ type: 'SetEngagementPolicy', data: { programId, policy: { autoEndAfterDays: null } } })]);
const erasedProgram = play(programDecider, program, [p({ type: 'ErasePerson', data: { programId, personId: 'E7001' } })]);

const context = pairContextOf(fold(programDecider, program), 'pair-z');
const q = (command: Unsent<PairCommand>): PairCommand => untyped<PairCommand>({ ...command, context, now });
const objective = { objectiveId: 'obj-1', title: `${NAME}'s Marmalade-Gambit`, area: 'technology', successCriteria: EMAIL, targetDate: '2025-06-30', baselineLevel: 2, targetLevel: 6 } as const;
const pair: PairEvent[] = play(pairDecider, [], [
  q({ type: 'SetObjective', data: objective }),
  q({ type: 'SetObjective', data: { ...objective, objectiveId: 'obj-2' } }),
  q({ type: 'DropObjective', data: { objectiveId: 'obj-2', reason: NAME } }),
  q({ type: 'LogSession', data: { sessionId: 's-1', heldOn: '2025-03-10', durationMinutes: 60, format: 'video', insights: NAME, confidentialNotes: EMAIL } }),
]);

const fencedPair: PairEvent[] = play(pairDecider, pair, [q({ type: 'ClosePair', data: { reason: 'withdrawn', closedOn: '2025-03-10' } })]);

const enrolAgain = (overrides: Record<string, unknown>) => p(untyped({ type: 'EnrolParticipant', data: { ...zephyrine, ...overrides } }));

const programRejections: Array<[string, ProgramEvent[], ProgramCommand]> = [
  ['participant-already-enrolled', program, enrolAgain({ personId: 'E7999', email: 'new@acme.example' })],
  ['person-already-enrolled', program, enrolAgain({ participantId: 'p-new', email: 'new@acme.example' })],
  ['email-already-enrolled', program, enrolAgain({ participantId: 'p-new', personId: 'E7999' })],
  ['email-format', program, enrolAgain({ participantId: 'p-new', personId: 'E7999', email: `${NAME} at acme` })],
  ['person-id-format', program, enrolAgain({ participantId: 'p-new', personId: NAME })],
  ['manager id format', program, enrolAgain({ participantId: 'p-new', personId: 'E7999', managerId: EMAIL.replace('@', ' ') })],
  ['not-own-manager', program, enrolAgain({ participantId: 'p-new', personId: 'E7999', email: 'new@acme.example', managerId: 'E7999' })],
  ['capacity-for-mentors-only', program, enrolAgain({ participantId: 'p-new', personId: 'E7999', email: 'new@acme.example', role: 'mentee' })],
  ['capacity-above-program-maximum', program, enrolAgain({ participantId: 'p-new', personId: 'E7999', email: 'new@acme.example', capacity: 3 })],
  ['training-already-recorded', program, p({ type: 'RecordTraining', data: { programId, participantId: 'p-701', module: 'mentoring 101', completedOn: '2025-03-03' } })],
  ['mentor-at-capacity', program, p({ type: 'PairParticipants', data: { programId, pairId: 'pair-2', mentorId: 'p-701', menteeId: 'p-fifth', pairedBy: 'admin' } })],
  ['pair-of-two-people', program, p({ type: 'PairParticipants', data: { programId, pairId: 'pair-2', mentorId: 'p-701', menteeId: 'p-701', pairedBy: 'admin' } })],
  ['mentee-enrolled-as-mentee', program, p({ type: 'PairParticipants', data: { programId, pairId: 'pair-2', mentorId: 'p-mentor2', menteeId: 'p-701', pairedBy: 'admin' } })],
  ['mentee-already-paired (her mentee)', program, p({ type: 'PairParticipants', data: { programId, pairId: 'pair-2', mentorId: 'p-mentor2', menteeId: 'p-other', pairedBy: 'admin', rationale: NAME } })],
  ['no-pair-within-reporting-line', program, p({ type: 'PairParticipants', data: { programId, pairId: 'pair-2', mentorId: 'p-701', menteeId: 'p-boss', pairedBy: 'admin' } })],
  ['mentor-less-senior-than-mentee', program.filter((event) => event.type !== 'Paired'), p({ type: 'PairParticipants', data: { programId, pairId: 'pair-2', mentorId: 'p-701', menteeId: 'p-junior', pairedBy: 'admin' } })],
  ['participant-withdrawn (pairing)', withdrawnProgram, p({ type: 'PairParticipants', data: { programId, pairId: 'pair-2', mentorId: 'p-701', menteeId: 'p-boss', pairedBy: 'admin' } })],
  ['participant-withdrawn (training)', withdrawnProgram, p({ type: 'RecordTraining', data: { programId, participantId: 'p-701', module: 'Listening', completedOn: '2025-03-03' } })],
  ['participant-already-withdrawn', withdrawnProgram, p({ type: 'WithdrawParticipant', data: { programId, participantId: 'p-701', reason: NAME } })],
  ['erased: pairing', erasedProgram, p({ type: 'PairParticipants', data: { programId, pairId: 'pair-2', mentorId: 'p-701', menteeId: 'p-boss', pairedBy: 'admin' } })],
  ['erased: withdraw', erasedProgram, p({ type: 'WithdrawParticipant', data: { programId, participantId: 'p-701', reason: EMAIL } })],
  ['erased: re-enrol', erasedProgram, enrolAgain({ participantId: 'p-new' })],
  ['person-not-in-program', program, p({ type: 'ErasePerson', data: { programId, personId: 'E0000' } })],
  ['stalled-after-check-in', program, p({ type: 'SetEngagementPolicy', data: { programId, policy: { checkInAfterDays: 30 } } })],
  ['auto-end-after-warning', program, p({ type: 'SetEngagementPolicy', data: { programId, policy: { autoEndAfterDays: 5 } } })],
  ['pair-not-inactive-yet', program, p({ type: 'EndInactivePair', data: { programId, pairId: 'pair-z', lastActiveOn: '2025-03-10' } })],
  ['auto-end-off', noAutoEndProgram, p({ type: 'EndInactivePair', data: { programId, pairId: 'pair-z', lastActiveOn: '2024-01-01' } })],
  ['pair-already-ended', withdrawnProgram, p({ type: 'EndInactivePair', data: { programId, pairId: 'pair-z', lastActiveOn: '2024-01-01' } })],
];

const pairRejections: Array<[string, PairEvent[], PairCommand]> = [
  ['objective-already-exists', pair, q({ type: 'SetObjective', data: objective })],
  ['objective-not-open', pair, q({ type: 'RecordObjectiveProgress', data: { objectiveId: 'obj-2', level: 3, note: NAME } })],
  ['action-due-after-session', pair, q({ type: 'LogSession', data: { sessionId: 's-2', heldOn: '2025-03-10', durationMinutes: 60, format: 'video', insights: '', actionItems: [{ description: `Email ${EMAIL}`, owner: 'mentor', dueOn: '2025-03-01' }] } })],
  ['title too long', pair, q({ type: 'SetObjective', data: { ...objective, objectiveId: 'obj-3', title: NAME.repeat(20) } })],
  ['session-not-found', pair, q({ type: 'RequestFeedback', data: { sessionId: 's-9', fromRole: 'mentor' } })],
  ['lapse-before-flag', pair, q({ type: 'FlagPair', data: { flag: 'stalled', since: '2025-03-05', lapseStartedOn: '2025-03-06' } })],
  ['pair-ended (the fence)', fencedPair, q({ type: 'LogSession', data: { sessionId: 's-2', heldOn: '2025-03-10', durationMinutes: 60, format: 'video', insights: NAME } })],
];

function violationOf<C, E, S>(decider: Decider<C, E, S>, history: E[], command: C): RuleViolation {
  const decision = decider.decide(command, fold(decider, history));
  if (decision.ok) throw new Error('expected a rejection');
  return decision.violation;
}

describe('rule violations carry no personal data', () => {
  it.each(programRejections)('program: %s', (_name, history, command) => {
    const violation = violationOf(programDecider, history, command);
    for (const word of [NAME, EMAIL, ...SECRET_WORDS]) expect(violation.message.toLowerCase()).not.toContain(word.toLowerCase());
    expect(JSON.stringify(violation).toLowerCase()).not.toContain('quillfeather');
  });

  it.each(pairRejections)('pair: %s', (_name, history, command) => {
    const violation = violationOf(pairDecider, history, command);
    for (const word of [NAME, EMAIL, ...SECRET_WORDS]) expect(violation.message.toLowerCase()).not.toContain(word.toLowerCase());
  });

  it('the rules reached are the ones named', () => {
    const rules = programRejections.map(([, history, command]) => violationOf(programDecider, history, command).rule);
    expect(rules).toEqual(programRejections.map(([name]) => name.replace(/ \(.*\)$/, '').replace(/^(manager id format)$/, 'person-id-format')
      .replace(/^erased: pairing$/, 'participant-withdrawn').replace(/^erased: withdraw$/, 'participant-already-withdrawn')
      .replace(/^erased: re-enrol$/, 'person-already-enrolled')));
    const pairRules = pairRejections.map(([, history, command]) => violationOf(pairDecider, history, command).rule);
    expect(pairRules).toEqual([
      'objective-already-exists', 'objective-not-open', 'action-due-after-session', 'text-too-long', 'session-not-found',
      'lapse-before-flag', 'pair-ended',
    ]);
  });

  it('the pair-ended note written on withdrawal names the participant by id', () => {
    const ended = withdrawnProgram.filter((event) => event.type === 'PairEnded');
    expect(ended.map((event) => event.type === 'PairEnded' && event.data.note)).toEqual([
      'Participant "p-701" withdrew from the program: Marmalade-Gambit',
    ]);
    expect(JSON.stringify(erasedProgram.slice(program.length))).not.toContain('Zephyrine');
  });

  it("the note of a pair ended for inactivity names the date and the policy only", () => {
    const ended = play(programDecider, program, [
      p({ type: 'EndInactivePair', data: { programId, pairId: 'pair-z', lastActiveOn: '2024-11-01' } }),
    ]).slice(program.length);
    expect(ended.map((event) => event.type === 'PairEnded' && event.data.note)).toEqual([
      "No session since 2024-11-01: the program's engagement policy ends a pair after 90 days without one.",
    ]);
  });
});
