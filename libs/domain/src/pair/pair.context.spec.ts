import { ProgramEvent } from '../program/program.events';
import { programDecider } from '../program/program.decider';
import { fold } from '../shared/decider';
import { pairContextOf } from './pair.context';

const programId = 'digital-leaders-2025';
const history: ProgramEvent[] = [
  {
    type: 'ProgramCreated',
    data: {
      programId, organizationId: 'acme', name: 'Digital Leaders 2025', description: '',
      focusAreas: ['social-media'], goals: ['Post monthly'], cadence: { sessionEveryDays: 14, minSessionMinutes: 30 },
      startsOn: '2025-03-01', endsOn: '2025-08-31', maxMenteesPerMentor: 1, pairingRule: 'reverse', createdOn: '2025-02-20',
    },
  },
  ...(
    [
      ['p-priya', 'E1001', 'mentor', 2],
      ['p-margaret', 'E0042', 'mentee', 9],
      ['p-sam', 'E1002', 'mentor', 3],
      ['p-tom', 'E0077', 'mentee', 7],
    ] as const
  ).map(([participantId, personId, role, seniority]): ProgramEvent => ({
    type: 'ParticipantEnrolled',
    data: {
      programId, participantId, personId, role, displayName: participantId, email: `${participantId}@acme.example`,
      seniority, department: 'Somewhere', skills: [], interests: [], enrolledOn: '2025-02-25',
    },
  })),
  { type: 'ProgramLaunched', data: { programId, launchedOn: '2025-03-01' } },
  { type: 'Paired', data: { programId, pairId: 'pair-1', mentorId: 'p-priya', menteeId: 'p-margaret', pairedBy: 'admin', pairedOn: '2025-03-03' } },
  { type: 'Paired', data: { programId, pairId: 'pair-2', mentorId: 'p-sam', menteeId: 'p-tom', pairedBy: 'admin', pairedOn: '2025-03-03' } },
  { type: 'PairEnded', data: { programId, pairId: 'pair-2', reason: 'rematched', note: '', endedOn: '2025-03-08' } },
];

describe('pairContextOf (what a pair command learns from its program)', () => {
  it('describes an active pair of a running program', () => {
    expect(pairContextOf(fold(programDecider, history), 'pair-1')).toEqual({
      programId,
      pairId: 'pair-1',
      programStatus: 'active',
      pairStatus: 'active',
      mentorId: 'p-priya',
      menteeId: 'p-margaret',
      mentorPersonId: 'E1001',
      menteePersonId: 'E0042',
      pairedOn: '2025-03-03',
      programStartsOn: '2025-03-01',
      programEndsOn: '2025-08-31',
      focusAreas: ['social-media'],
    });
  });

  it('says when a pair has ended', () => {
    expect(pairContextOf(fold(programDecider, history), 'pair-2')).toMatchObject({ pairStatus: 'ended', programStatus: 'active' });
  });

  it('says when the program does not know the pair', () => {
    expect(pairContextOf(fold(programDecider, history), 'pair-9')).toEqual({
      pairId: 'pair-9',
      programStatus: 'active',
      pairStatus: 'unknown',
    });
  });

  it('says when the program does not exist', () => {
    expect(pairContextOf(programDecider.initialState, 'pair-1')).toEqual({
      pairId: 'pair-1',
      programStatus: 'none',
      pairStatus: 'unknown',
    });
  });
});
