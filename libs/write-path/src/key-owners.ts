import { ExistingProgram, ProgramState, pairContextOf } from '@flipside/domain';
import { KeyOwner, KeyOwners } from '@flipside/personal-data';

type PersonOwner = Extract<KeyOwner, { kind: 'person' }>;
type PairOwner = Extract<KeyOwner, { kind: 'pair' }>;
type EventLike = { readonly type: string; readonly data: object };

/** The write path only asks for owners the program names: anything else is a bug, never a client's fault. */
const unknownOwner = (what: string, event: EventLike) => new Error(`No key owner for ${what} of a ${event.type} event`);

function personOfParticipant(program: ExistingProgram, participantId: unknown, event: EventLike): PersonOwner {
  const participant = typeof participantId === 'string' ? program.participants[participantId] : undefined;
  if (!participant) throw unknownOwner('the participant', event);
  return { kind: 'person', organizationId: program.organizationId, personId: participant.personId };
}

function pairOf(program: ExistingProgram, pairId: unknown, event: EventLike): PairOwner {
  const pair = typeof pairId === 'string' ? program.pairs[pairId] : undefined;
  const mentor = pair && program.participants[pair.mentorId];
  const mentee = pair && program.participants[pair.menteeId];
  if (!pair || !mentor || !mentee) throw unknownOwner('the pair', event);
  return { kind: 'pair', organizationId: program.organizationId, pairId: pair.pairId, members: [mentor.personId, mentee.personId] };
}

/**
 * Owners on a program stream, from the program's state with the decided events folded in: a person's fields
 * (enrolment, withdrawal) under the person's key, a pair's text (rationale, end note) under the pair's key.
 */
export function programKeyOwners(state: ProgramState): KeyOwners {
  return {
    person: (event) => {
      if (state.status === 'none') throw unknownOwner('a person', event);
      const data = event.data as { personId?: unknown; participantId?: unknown };
      if (typeof data.personId === 'string') return { kind: 'person', organizationId: state.organizationId, personId: data.personId };
      return personOfParticipant(state, data.participantId, event);
    },
    pair: (event) => {
      if (state.status === 'none') throw unknownOwner('a pair', event);
      return pairOf(state, (event.data as { pairId?: unknown }).pairId, event);
    },
  };
}

/** Owners on a pair stream: the pair's key, its members the two persons the program names for the pair. */
export function pairKeyOwners(program: ProgramState, pairId: string): KeyOwners {
  return {
    pair: (event) => {
      const context = pairContextOf(program, pairId);
      if (context.pairStatus === 'unknown' || program.status === 'none') throw unknownOwner('the pair', event);
      return {
        kind: 'pair',
        organizationId: program.organizationId,
        pairId,
        members: [context.mentorPersonId, context.menteePersonId],
      };
    },
    person: (event) => {
      if (program.status === 'none') throw unknownOwner('a person', event);
      const data = event.data as { givenBy?: unknown; participantId?: unknown };
      return personOfParticipant(program, data.givenBy ?? data.participantId, event);
    },
  };
}
