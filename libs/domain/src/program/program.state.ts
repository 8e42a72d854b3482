import { CalendarDate } from '../shared/calendar';
import { FocusArea, PairEndReason, PairingRule, ParticipantRole, ProgramStatus } from '../vocabulary';
import { defaultEngagementPolicy } from './engagement-policy';
import { Cadence, EngagementPolicy, PairEnded, ProgramEvent } from './program.events';

export interface ProgramParticipant {
  readonly participantId: string;
  /** The stable employee identifier of the person behind this record. */
  readonly personId: string;
  readonly role: ParticipantRole;
  /** Null once the person is erased, or when the stored event's key has been destroyed. */
  readonly displayName: string | null;
  /** Null once the person is erased, or when the stored event's key has been destroyed. */
  readonly email: string | null;
  readonly seniority: number;
  readonly department: string;
  /** The manager's personId. */
  readonly managerId?: string;
  /** Mentors only: how many active pairs they accept at once. */
  readonly capacity?: number;
  readonly withdrawn: boolean;
  /** The person asked for their personal data to be erased (PersonErased). */
  readonly erased: boolean;
  /** Training modules completed, as recorded. */
  readonly completedTraining: readonly string[];
}

export interface ProgramPair {
  readonly pairId: string;
  readonly mentorId: string;
  readonly menteeId: string;
  readonly active: boolean;
  readonly pairedOn: CalendarDate;
  readonly endedOn?: CalendarDate;
  readonly endReason?: PairEndReason;
}

/** Before `ProgramCreated`: the stream does not exist. */
export interface NoProgram {
  readonly status: 'none';
}

export interface ExistingProgram {
  readonly status: Exclude<ProgramStatus, 'none'>;
  readonly programId: string;
  readonly organizationId: string;
  readonly name: string;
  readonly focusAreas: readonly FocusArea[];
  readonly cadence: Cadence;
  readonly startsOn: CalendarDate;
  readonly endsOn: CalendarDate;
  readonly maxMenteesPerMentor: number;
  readonly pairingRule: PairingRule;
  /** The defaults for the cadence until an EngagementPolicySet. */
  readonly engagementPolicy: EngagementPolicy;
  readonly launchedOn?: CalendarDate;
  readonly closedOn?: CalendarDate;
  readonly participants: Readonly<Record<string, ProgramParticipant>>;
  readonly pairs: Readonly<Record<string, ProgramPair>>;
}

/** Narrow with `state.status !== 'none'` before reading the program's details. */
export type ProgramState = NoProgram | ExistingProgram;

export const initialProgramState: ProgramState = { status: 'none' };

export function evolveProgram(state: ProgramState, event: ProgramEvent): ProgramState {
  if (event.type === 'ProgramCreated') {
    const { data } = event;
    return {
      status: 'draft',
      programId: data.programId,
      organizationId: data.organizationId,
      name: data.name,
      focusAreas: data.focusAreas,
      cadence: data.cadence,
      startsOn: data.startsOn,
      endsOn: data.endsOn,
      maxMenteesPerMentor: data.maxMenteesPerMentor,
      pairingRule: data.pairingRule,
      engagementPolicy: defaultEngagementPolicy(data.cadence),
      participants: {},
      pairs: {},
    };
  }
  // Only ProgramCreated can start a program; anything else on an empty stream is ignored.
  if (state.status === 'none') return state;

  switch (event.type) {
    case 'ProgramLaunched':
      return { ...state, status: 'active', launchedOn: event.data.launchedOn };
    case 'ProgramClosed':
      return { ...state, status: 'closed', closedOn: event.data.closedOn };
    case 'ParticipantEnrolled': {
      const { data } = event;
      const participant: ProgramParticipant = {
        participantId: data.participantId,
        personId: data.personId,
        role: data.role,
        displayName: personalOrNull(data.displayName),
        email: personalOrNull(data.email),
        seniority: data.seniority,
        department: data.department,
        ...(data.managerId !== undefined && { managerId: data.managerId }),
        ...(data.capacity !== undefined && { capacity: data.capacity }),
        withdrawn: false,
        erased: false,
        completedTraining: [],
      };
      return { ...state, participants: { ...state.participants, [data.participantId]: participant } };
    }
    case 'ParticipantWithdrawn':
      return updateParticipant(state, event.data.participantId, (participant) => ({ ...participant, withdrawn: true }));
    case 'TrainingCompleted':
      return updateParticipant(state, event.data.participantId, (participant) => ({
        ...participant,
        completedTraining: [...participant.completedTraining, event.data.module],
      }));
    case 'Paired': {
      const { data } = event;
      const pair: ProgramPair = {
        pairId: data.pairId,
        mentorId: data.mentorId,
        menteeId: data.menteeId,
        active: true,
        pairedOn: data.pairedOn,
      };
      return { ...state, pairs: { ...state.pairs, [data.pairId]: pair } };
    }
    case 'PairEnded': {
      const pair = state.pairs[event.data.pairId];
      if (!pair) return state;
      const ended: ProgramPair = { ...pair, active: false, endedOn: event.data.endedOn, endReason: event.data.reason };
      return { ...state, pairs: { ...state.pairs, [pair.pairId]: ended } };
    }
    case 'PersonErased':
      return updateParticipant(state, event.data.participantId, (participant) => ({
        ...participant,
        displayName: null,
        email: null,
        erased: true,
      }));
    case 'EngagementPolicySet':
      return { ...state, engagementPolicy: event.data.policy };
    default:
      return ignoreUnknownEvent(event, state);
  }
}

// The API hands over events it decrypted; a field whose key was destroyed arrives as null.
function personalOrNull(value: string | null | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

function updateParticipant(
  state: ExistingProgram,
  participantId: string,
  change: (participant: ProgramParticipant) => ProgramParticipant,
): ExistingProgram {
  const participant = state.participants[participantId];
  if (!participant) return state;
  return { ...state, participants: { ...state.participants, [participantId]: change(participant) } };
}

/** Compile-time exhaustiveness; at run time an event type this code does not know leaves the state as it was. */
function ignoreUnknownEvent(_event: never, state: ExistingProgram): ExistingProgram {
  return state;
}

/** Pairs still running. */
export function activePairs(state: ExistingProgram): ProgramPair[] {
  return Object.values(state.pairs).filter((pair) => pair.active);
}

/** The participant record of a person in this program, if they take part. */
export function participantOfPerson(state: ExistingProgram, personId: string): ProgramParticipant | undefined {
  return Object.values(state.participants).find((participant) => participant.personId === personId);
}

/** Withdrawn and erased participants take no further part: no pairing, no training. */
export function hasLeft(participant: ProgramParticipant): boolean {
  return participant.withdrawn || participant.erased;
}

/** Active pairs in which the participant is mentor or mentee. */
export function activePairsOf(state: ExistingProgram, participantId: string): ProgramPair[] {
  return activePairs(state).filter((pair) => pair.mentorId === participantId || pair.menteeId === participantId);
}

/** The policy the engagement automation applies to this program: the one set last, or the defaults. */
export function engagementPolicyOf(state: ExistingProgram): EngagementPolicy {
  return state.engagementPolicy;
}

/**
 * The pairs a decision ends, in order: for each, the write path first records the fence (ClosePair → PairClosed)
 * in the pair's stream, then appends the decision to the program stream.
 */
export function pairsEndedBy(
  events: readonly ProgramEvent[],
): Array<{ pairId: string; reason: PairEnded['data']['reason']; endedOn: CalendarDate }> {
  return events
    .filter((event): event is PairEnded => event.type === 'PairEnded')
    .map(({ data }) => ({ pairId: data.pairId, reason: data.reason, endedOn: data.endedOn }));
}
