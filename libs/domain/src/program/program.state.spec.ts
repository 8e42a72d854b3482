import { fold } from '../shared/decider';
import { programDecider } from './program.decider';
import { ProgramEvent } from './program.events';
import { activePairsOf, engagementPolicyOf, pairsEndedBy, participantOfPerson } from './program.state';

const programId = 'digital-leaders-2025';
const history: ProgramEvent[] = [
  {
    type: 'ProgramCreated',
    data: {
      programId, organizationId: 'acme', name: 'Digital Leaders 2025', description: '',
      focusAreas: ['social-media', 'culture'], goals: ['Post monthly'], cadence: { sessionEveryDays: 14, minSessionMinutes: 30 },
      startsOn: '2025-03-01', endsOn: '2025-08-31', maxMenteesPerMentor: 2, pairingRule: 'reverse', createdOn: '2025-02-20',
    },
  },
  {
    type: 'ParticipantEnrolled',
    data: {
      programId, participantId: 'p-priya', personId: 'E1001', role: 'mentor', displayName: 'Priya Raman', email: 'priya@acme.example',
      seniority: 2, department: 'Marketing', managerId: 'o-helen', skills: [], interests: [], capacity: 2, enrolledOn: '2025-02-25',
    },
  },
  {
    type: 'ParticipantEnrolled',
    data: {
      programId, participantId: 'p-margaret', personId: 'E0042', role: 'mentee', displayName: 'Margaret Chen', email: 'margaret@acme.example',
      seniority: 9, department: 'Finance', skills: [], interests: [], enrolledOn: '2025-02-25',
    },
  },
  { type: 'TrainingCompleted', data: { programId, participantId: 'p-priya', module: 'Mentoring 101', completedOn: '2025-02-27' } },
  { type: 'ProgramLaunched', data: { programId, launchedOn: '2025-03-01' } },
  { type: 'Paired', data: { programId, pairId: 'pair-1', mentorId: 'p-priya', menteeId: 'p-margaret', pairedBy: 'admin', pairedOn: '2025-03-03' } },
  { type: 'PairEnded', data: { programId, pairId: 'pair-1', reason: 'withdrawn', note: 'Margaret withdrew.', endedOn: '2025-03-09' } },
  { type: 'ParticipantWithdrawn', data: { programId, participantId: 'p-margaret', reason: 'Sabbatical.', withdrawnOn: '2025-03-09' } },
];

describe('program state (what the API reads)', () => {
  it('starts as no program', () => {
    expect(programDecider.initialState).toEqual({ status: 'none' });
  });

  it('follows the program from draft to active to closed', () => {
    const draft = fold(programDecider, history.slice(0, 1));
    const active = fold(programDecider, history);
    const closed = programDecider.evolve(active, {
      type: 'ProgramClosed',
      data: { programId, closedOn: '2025-09-01', outcome: '' },
    });
    expect([draft.status, active.status, closed.status]).toEqual(['draft', 'active', 'closed']);
  });

  it('holds the program, its participants and its pairs', () => {
    expect(fold(programDecider, history)).toEqual({
      status: 'active',
      programId,
      organizationId: 'acme',
      name: 'Digital Leaders 2025',
      focusAreas: ['social-media', 'culture'],
      cadence: { sessionEveryDays: 14, minSessionMinutes: 30 },
      startsOn: '2025-03-01',
      endsOn: '2025-08-31',
      maxMenteesPerMentor: 2,
      pairingRule: 'reverse',
      engagementPolicy: {
        firstSessionWithinDays: 14, checkInAfterDays: 14, stalledAfterDays: 28, autoEndAfterDays: 90, warnDaysBefore: 7,
        feedbackDueDays: 3, closeProgramAtEnd: true,
      },
      launchedOn: '2025-03-01',
      participants: {
        'p-priya': {
          participantId: 'p-priya', personId: 'E1001', role: 'mentor', displayName: 'Priya Raman', email: 'priya@acme.example',
          seniority: 2, department: 'Marketing', managerId: 'o-helen', capacity: 2, withdrawn: false, erased: false,
          completedTraining: ['Mentoring 101'],
        },
        'p-margaret': {
          participantId: 'p-margaret', personId: 'E0042', role: 'mentee', displayName: 'Margaret Chen', email: 'margaret@acme.example',
          seniority: 9, department: 'Finance', withdrawn: true, erased: false, completedTraining: [],
        },
      },
      pairs: {
        'pair-1': {
          pairId: 'pair-1', mentorId: 'p-priya', menteeId: 'p-margaret', active: false, pairedOn: '2025-03-03',
          endedOn: '2025-03-09', endReason: 'withdrawn',
        },
      },
    });
  });

  it('forgets the name and email of an erased person, and marks them erased', () => {
    const state = programDecider.evolve(fold(programDecider, history), {
      type: 'PersonErased',
      data: { programId, participantId: 'p-margaret', personId: 'E0042', erasedOn: '2025-03-10' },
    });
    if (state.status === 'none') throw new Error('program expected');
    expect(state.participants['p-margaret']).toMatchObject({ personId: 'E0042', displayName: null, email: null, erased: true });
    expect(state.participants['p-priya']).toMatchObject({ displayName: 'Priya Raman', erased: false });
  });

  it('holds null for personal fields whose key was destroyed before the event was read', () => {
    const [createdEvent, enrolled] = history;
    const shredded = { ...enrolled, data: { ...enrolled.data, displayName: null, email: null } } as unknown as ProgramEvent;
    const state = fold(programDecider, [createdEvent, shredded]);
    if (state.status === 'none') throw new Error('program expected');
    expect(state.participants['p-priya']).toMatchObject({ displayName: null, email: null, erased: false });
  });

  it('finds a participant by person id', () => {
    const state = fold(programDecider, history);
    if (state.status === 'none') throw new Error('program expected');
    expect(participantOfPerson(state, 'E0042')?.participantId).toBe('p-margaret');
    expect(participantOfPerson(state, 'p-margaret')).toBeUndefined();
  });

  it('never changes the state it is given', () => {
    const before = fold(programDecider, history.slice(0, 6));
    const snapshot = JSON.stringify(before);
    const after = history.slice(6).reduce(programDecider.evolve, before);
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(after).not.toBe(before);
  });

  it('lists the active pairs of a participant', () => {
    const state = fold(programDecider, history.slice(0, 6));
    if (state.status === 'none') throw new Error('program expected');
    expect(activePairsOf(state, 'p-margaret').map((pair) => pair.pairId)).toEqual(['pair-1']);
    expect(activePairsOf(state, 'p-sam')).toEqual([]);
  });

  it('runs with the default engagement policy for its cadence until one is set, then with the one set last', () => {
    const state = fold(programDecider, history);
    if (state.status === 'none') throw new Error('program expected');
    expect(engagementPolicyOf(state)).toEqual({
      firstSessionWithinDays: 14, checkInAfterDays: 14, stalledAfterDays: 28, autoEndAfterDays: 90, warnDaysBefore: 7,
      feedbackDueDays: 3, closeProgramAtEnd: true,
    });
    const policy = { ...engagementPolicyOf(state), autoEndAfterDays: null, closeProgramAtEnd: false };
    const set = programDecider.evolve(state, { type: 'EngagementPolicySet', data: { programId, policy, setOn: '2025-03-10' } });
    if (set.status === 'none') throw new Error('program expected');
    expect(engagementPolicyOf(set)).toEqual(policy);
  });

  it('derives the default policy from the cadence: a check-in after one cadence, stalled after two', () => {
    const [created] = history;
    if (created.type !== 'ProgramCreated') throw new Error('ProgramCreated expected');
    const weekly = fold(programDecider, [{ ...created, data: { ...created.data, cadence: { sessionEveryDays: 7, minSessionMinutes: 30 } } }]);
    if (weekly.status === 'none') throw new Error('program expected');
    expect(engagementPolicyOf(weekly)).toMatchObject({ checkInAfterDays: 7, stalledAfterDays: 14 });
  });
});

describe('pairsEndedBy (the fences the write path records before a decision)', () => {
  it('lists the pairs a decision ends, in order, with reason and date', () => {
    expect(
      pairsEndedBy([
        { type: 'PairEnded', data: { programId, pairId: 'pair-1', reason: 'withdrawn', note: 'x', endedOn: '2025-03-09' } },
        { type: 'ParticipantWithdrawn', data: { programId, participantId: 'p-margaret', reason: 'x', withdrawnOn: '2025-03-09' } },
        { type: 'PairEnded', data: { programId, pairId: 'pair-2', reason: 'inactive', note: 'x', endedOn: '2025-03-09' } },
      ]),
    ).toEqual([
      { pairId: 'pair-1', reason: 'withdrawn', endedOn: '2025-03-09' },
      { pairId: 'pair-2', reason: 'inactive', endedOn: '2025-03-09' },
    ]);
  });

  it('is empty for a decision that ends no pair', () => {
    expect(pairsEndedBy(history.slice(0, 5))).toEqual([]);
  });
});
