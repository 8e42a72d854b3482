import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { participantOfPerson, programDecider, programStreamName } from '@flipside/domain';
import { KeyVault } from '@flipside/personal-data';
import { problems } from '../../http/problem';
import { CommandContext, ProgramCommands, StreamStates } from '@flipside/write-path';
import { ProgramsOfPerson } from '../programs-of-person';

export class ErasePersonCommand {
  constructor(
    readonly personId: string,
    readonly context: CommandContext,
  ) {}
}

/** What POST /v1/people/{personId}/erasure answers: ids and counts only, never the data erased. */
export interface ErasureReport {
  personId: string;
  programs: { programId: string; participantId: string; recorded: boolean }[];
  keysDestroyed: number;
}

/**
 * Erasure by crypto-shredding: `ErasePerson` in every program that holds the person (withdrawn, pairs ended,
 * PersonErased), then their keys and their pairs' keys destroyed. Events first, keys second: the withdrawal is still
 * encrypted under the live key, and a crash in between is completed by repeating the request (each step idempotent).
 */
@CommandHandler(ErasePersonCommand)
export class ErasePersonHandler implements ICommandHandler<ErasePersonCommand, ErasureReport> {
  constructor(
    private readonly programs: ProgramCommands,
    private readonly states: StreamStates,
    private readonly persons: ProgramsOfPerson,
    private readonly vault: KeyVault,
  ) {}

  async execute({ personId, context: request }: ErasePersonCommand): Promise<ErasureReport> {
    // One request, several streams: If-Match names one stream's revision, so it has no meaning here.
    const context: CommandContext = { ...request, ifMatch: undefined };
    const organizationId = context.actor.organizationId;
    const programs: ErasureReport['programs'] = [];
    for (const programId of await this.persons.of(organizationId, personId)) {
      const participantId = await this.participantIn(programId, personId, organizationId);
      // A directory row whose enrolment was refused (or another organization's program id) holds nobody.
      if (participantId === undefined) continue;
      const outcome = await this.programs.record('ErasePerson', { programId, personId }, context, { id: participantId });
      programs.push({ programId, participantId, recorded: outcome.recordedNow });
    }
    if (programs.length === 0) {
      throw problems.notFound('No program of this organization holds a participant with this person id', 'person-not-found');
    }
    const destroyed = await this.vault.destroyKeysOf(organizationId, personId);
    return { personId, programs, keysDestroyed: destroyed.length };
  }

  private async participantIn(programId: string, personId: string, organizationId: string): Promise<string | undefined> {
    const { state } = await this.states.load(programDecider, programStreamName(programId));
    if (state.status === 'none' || state.organizationId !== organizationId) return undefined;
    return participantOfPerson(state, personId)?.participantId;
  }
}
