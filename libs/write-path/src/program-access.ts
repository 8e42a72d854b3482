import { ExistingProgram, ProgramState, notFound, programDecider, programStreamName } from '@flipside/domain';
import { CommandActor } from './command-context';
import { CommandRefused } from './errors';
import { StreamStates } from './stream-states';

/** An admin may do everything in its organization; a system actor (e.g. the engagement automation) may do the same. */
export const actsAsAdmin = (actor: CommandActor): boolean => actor.roles.includes('admin') || actor.roles.includes('system');

/** A program is only visible inside its organization: elsewhere it does not exist (not found, never access denied). */
export function visibleProgram(state: ProgramState, programId: string, actor: CommandActor): ExistingProgram {
  if (state.status === 'none' || state.organizationId !== actor.organizationId) {
    throw new CommandRefused(notFound('program-not-found', `Program ${programId} was not found`));
  }
  return state;
}

/** Loads a program for an actor: its latest state, refused when the actor's organization may not see it. */
export class ProgramAccess {
  constructor(private readonly states: StreamStates) {}

  async load(programId: string, actor: CommandActor): Promise<ExistingProgram> {
    const { state } = await this.states.load(programDecider, programStreamName(programId));
    return visibleProgram(state, programId, actor);
  }
}
