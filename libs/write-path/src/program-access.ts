import { Injectable } from '@nestjs/common';
import { ExistingProgram, ProgramState, programDecider, programStreamName } from '@flipside/domain';
import { problems } from '../http/problem';
import { Actor } from '../identity/actor';
import { StreamStates } from './stream-states';

/** A program is only visible inside its organization: elsewhere it does not exist (404, never 403). */
export function visibleProgram(state: ProgramState, programId: string, actor: Actor): ExistingProgram {
  if (state.status === 'none' || state.organizationId !== actor.organizationId) {
    throw problems.notFound(`Program ${programId} was not found`, 'program-not-found');
  }
  return state;
}

@Injectable()
export class ProgramAccess {
  constructor(private readonly states: StreamStates) {}

  async load(programId: string, actor: Actor): Promise<ExistingProgram> {
    const { state } = await this.states.load(programDecider, programStreamName(programId));
    return visibleProgram(state, programId, actor);
  }
}
