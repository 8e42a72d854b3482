import { DomainEvent } from '../event-schemas';
import { pairContextOf } from '../pair/pair.context';
import { PairCommand } from '../pair/pair.commands';
import { pairDecider } from '../pair/pair.decider';
import { PairEvent } from '../pair/pair.events';
import { ProgramCommand } from '../program/program.commands';
import { programDecider } from '../program/program.decider';
import { ProgramEvent } from '../program/program.events';
import { EVENT_TYPES_NEW_IN_V2 } from '../event-schemas';
import { Decider, fold } from '../shared/decider';

/** A command as written in the script, before the handler adds the request time (and, for pairs, the context). */
type Unsent<C> = C extends unknown ? Omit<C, 'now' | 'context'> : never;

/**
 * One program's life, played through the real deciders: every event type appears at least once, with and
 * without its optional fields. Used to check the stored-event schemas against what the code really produces.
 */
export function sampleEvents(): DomainEvent[] {
  const program = new StreamPlayer(programDecider);
  const now = (day: string) => `2025-${day}T10:00:00.000Z`;
  const p = (command: Unsent<ProgramCommand>, day: string) => program.play({ ...command, now: now(day) });
  const programId = 'sample-program';

  p({ type: 'CreateProgram', data: {
    programId, organizationId: 'acme', name: 'Sample program', focusAreas: ['technology', 'culture'],
    goals: ['Leaders use AI assistants daily'], cadence: { sessionEveryDays: 14, minSessionMinutes: 30 },
    startsOn: '2025-03-01', endsOn: '2025-08-31', maxMenteesPerMentor: 2, engagementPolicy: { autoEndAfterDays: null },
  } }, '02-20');
  p({ type: 'SetEngagementPolicy', data: { programId, policy: { firstSessionWithinDays: 10, autoEndAfterDays: 60, closeProgramAtEnd: false } } }, '02-22');
  const person = (participantId: string, role: 'mentor' | 'mentee', seniority: number) => ({
    programId, participantId, personId: `emp-${participantId}`, role, displayName: participantId, email: `${participantId}@acme.example`, seniority,
    department: 'Somewhere', skills: ['something'], interests: ['anything'],
  });
  p({ type: 'EnrolParticipant', data: { ...person('mentor-1', 'mentor', 2), managerId: 'boss-1', capacity: 2 } }, '02-21');
  p({ type: 'EnrolParticipant', data: person('mentor-2', 'mentor', 3) }, '02-21');
  p({ type: 'EnrolParticipant', data: person('mentee-1', 'mentee', 8) }, '02-21');
  p({ type: 'EnrolParticipant', data: person('mentee-2', 'mentee', 9) }, '02-21');
  p({ type: 'EnrolParticipant', data: person('mentor-3', 'mentor', 1) }, '02-21');
  p({ type: 'EnrolParticipant', data: person('mentee-3', 'mentee', 7) }, '02-21');
  p({ type: 'RecordTraining', data: { programId, participantId: 'mentor-1', module: 'Mentoring 101', completedOn: '2025-02-25' } }, '02-26');
  p({ type: 'LaunchProgram', data: { programId } }, '03-01');
  p({ type: 'PairParticipants', data: { programId, pairId: 'pair-1', mentorId: 'mentor-1', menteeId: 'mentee-1', pairedBy: 'algorithm', matchScore: 0.8, rationale: 'Skills fit interests.' } }, '03-02');
  p({ type: 'PairParticipants', data: { programId, pairId: 'pair-2', mentorId: 'mentor-2', menteeId: 'mentee-2', pairedBy: 'admin' } }, '03-02');
  p({ type: 'EndPair', data: { programId, pairId: 'pair-2', reason: 'not-a-fit', note: 'Different time zones.' } }, '03-05');
  p({ type: 'PairParticipants', data: { programId, pairId: 'pair-3', mentorId: 'mentor-1', menteeId: 'mentee-2', pairedBy: 'admin' } }, '03-06');
  p({ type: 'PairParticipants', data: { programId, pairId: 'pair-4', mentorId: 'mentor-3', menteeId: 'mentee-3', pairedBy: 'admin' } }, '03-06');
  p({ type: 'EndInactivePair', data: { programId, pairId: 'pair-4', lastActiveOn: '2025-03-06' } }, '05-05');

  const pair = new StreamPlayer(pairDecider);
  const context = pairContextOf(program.state, 'pair-1');
  const q = (command: Unsent<PairCommand>, day: string) => pair.play({ ...command, context, now: now(day) });
  const objective = { title: 'Use an AI assistant weekly', area: 'technology', successCriteria: 'Four weeks in a row.', targetDate: '2025-06-30', baselineLevel: 2, targetLevel: 6 } as const;
  q({ type: 'SetObjective', data: { objectiveId: 'objective-1', ...objective } }, '03-03');
  q({ type: 'SetObjective', data: { objectiveId: 'objective-2', ...objective } }, '03-03');
  q({ type: 'RecordObjectiveProgress', data: { objectiveId: 'objective-1', level: 4, note: 'Halfway.' } }, '03-10');
  q({ type: 'AchieveObjective', data: { objectiveId: 'objective-1', finalLevel: 7 } }, '03-20');
  q({ type: 'DropObjective', data: { objectiveId: 'objective-2', reason: 'Duplicate.' } }, '03-20');
  q({ type: 'LogSession', data: { sessionId: 'session-1', heldOn: '2025-03-04', durationMinutes: 60, format: 'in-person', topics: ['prompts'], insights: 'Be specific.', actionItems: [{ description: 'Try it on the board pack', owner: 'mentee', dueOn: '2025-03-11' }], confidentialNotes: 'Private.' } }, '03-04');
  q({ type: 'LogSession', data: { sessionId: 'session-2', heldOn: '2025-03-18', durationMinutes: 30, format: 'phone', insights: '' } }, '03-18');
  q({ type: 'GiveFeedback', data: { feedbackId: 'feedback-1', sessionId: 'session-1', fromRole: 'mentee', givenBy: 'mentee-1', rating: 5, comment: 'Great.', fit: 'good' } }, '03-05');
  q({ type: 'GiveFeedback', data: { feedbackId: 'feedback-2', fromRole: 'mentor', givenBy: 'mentor-1', rating: 4, comment: '', fit: 'unsure' } }, '03-21');
  q({ type: 'RequestFeedback', data: { sessionId: 'session-2', fromRole: 'mentee' } }, '03-21');
  q({ type: 'FlagPair', data: { flag: 'check-in-due', since: '2025-04-01', lapseStartedOn: '2025-03-18' } }, '04-01');
  q({ type: 'WarnPairEnding', data: { endsOn: '2025-05-17', lastActiveOn: '2025-03-18' } }, '05-10');
  // The fence the write path records before the program stream's PairEnded when the program closes.
  q({ type: 'ClosePair', data: { reason: 'program-closed', closedOn: '2025-09-01' } }, '09-01');

  p({ type: 'WithdrawParticipant', data: { programId, participantId: 'mentee-2', reason: 'Left the company.' } }, '04-01');
  p({ type: 'ErasePerson', data: { programId, personId: 'emp-mentor-2' } }, '04-02');
  p({ type: 'CloseProgram', data: { programId, outcome: 'Done.' } }, '09-01');
  p({ type: 'ErasePerson', data: { programId, personId: 'emp-mentee-1' } }, '09-02');

  return [...program.recorded, ...pair.recorded];
}

/**
 * The samples as v1 stored them: none of the types new in v2 (PersonErased, the engagement automation's), no
 * personId on ParticipantEnrolled, no 'inactive' pair end. Test data for upcasting.
 */
export function sampleEventsV1(): Array<{ type: string; data: Record<string, unknown> }> {
  const newInV2: readonly string[] = EVENT_TYPES_NEW_IN_V2;
  return sampleEvents()
    .filter((event) => !newInV2.includes(event.type))
    .filter((event) => !(event.type === 'PairEnded' && event.data.reason === 'inactive'))
    .map((event) => {
      if (event.type !== 'ParticipantEnrolled') return { type: event.type, data: { ...event.data } };
      const { personId: _added, ...v1 } = event.data;
      return { type: event.type, data: v1 };
    });
}

/** Plays commands against a decider like a command handler would, failing loudly on any refusal. */
class StreamPlayer<C extends { type: string }, E extends ProgramEvent | PairEvent, S> {
  readonly recorded: E[] = [];

  constructor(private readonly decider: Decider<C, E, S>) {}

  get state(): S {
    return fold(this.decider, this.recorded);
  }

  play(command: C): void {
    const decision = this.decider.decide(command, this.state);
    if (!decision.ok) {
      throw new Error(`Sample command ${command.type} was refused: ${JSON.stringify(decision.violation)}`);
    }
    this.recorded.push(...decision.events);
  }
}
