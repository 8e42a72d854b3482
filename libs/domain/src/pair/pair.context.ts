import { CalendarDate } from '../shared/calendar';
import { ExistingProgram, ProgramState } from '../program/program.state';
import { FocusArea, ProgramStatus } from '../vocabulary';

/**
 * What the pair stream needs to know about the program it lives in, read from the program's state by the
 * command handler (`pairContextOf`) and passed with each pair command. The program stream stays the single
 * authority on whether a pair is running.
 */
export type PairContext = KnownPairContext | UnknownPairContext;

export interface KnownPairContext {
  readonly programId: string;
  readonly pairId: string;
  readonly programStatus: ProgramStatus;
  readonly pairStatus: 'active' | 'ended';
  readonly mentorId: string;
  readonly menteeId: string;
  /** The mentor's and mentee's personIds, so the API can tell whether the caller is a member of the pair. */
  readonly mentorPersonId: string;
  readonly menteePersonId: string;
  readonly pairedOn: CalendarDate;
  readonly programStartsOn: CalendarDate;
  readonly programEndsOn: CalendarDate;
  readonly focusAreas: readonly FocusArea[];
}

/** The program does not exist (programStatus 'none') or has no pair with this id. */
export interface UnknownPairContext {
  readonly pairId: string;
  readonly programStatus: ProgramStatus;
  readonly pairStatus: 'unknown';
}

export function pairContextOf(programState: ProgramState, pairId: string): PairContext {
  if (programState.status === 'none') return { pairId, programStatus: 'none', pairStatus: 'unknown' };
  const pair = programState.pairs[pairId];
  if (!pair) return { pairId, programStatus: programState.status, pairStatus: 'unknown' };
  return {
    programId: programState.programId,
    pairId,
    programStatus: programState.status,
    pairStatus: pair.active ? 'active' : 'ended',
    mentorId: pair.mentorId,
    menteeId: pair.menteeId,
    mentorPersonId: personIdOf(programState, pair.mentorId),
    menteePersonId: personIdOf(programState, pair.menteeId),
    pairedOn: pair.pairedOn,
    programStartsOn: programState.startsOn,
    programEndsOn: programState.endsOn,
    focusAreas: programState.focusAreas,
  };
}

// A pair's members are always enrolled; were one missing, its participant id stands in (as v1 records' personId).
function personIdOf(programState: ExistingProgram, participantId: string): string {
  return programState.participants[participantId]?.personId ?? participantId;
}
