import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { PersonDirectory } from '@flipside/personal-data';
import { CommandContext, CommandOutcome, ProgramCommands } from '@flipside/write-path';
import { EnrolParticipantDto } from './enrol-participant.dto';

export class EnrolParticipantCommand {
  constructor(
    readonly programId: string,
    readonly body: EnrolParticipantDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(EnrolParticipantCommand)
export class EnrolParticipantHandler implements ICommandHandler<EnrolParticipantCommand, CommandOutcome> {
  constructor(
    private readonly programs: ProgramCommands,
    private readonly persons: PersonDirectory,
  ) {}

  async execute({ programId, body, context }: EnrolParticipantCommand): Promise<CommandOutcome> {
    const { id, ...participant } = body;
    const participantId = id ?? randomUUID();
    // Before the append, so erasure always finds the program; a row left by a refused append is harmless (skipped).
    await this.persons.recordEnrolment(context.actor.organizationId, participant.personId, programId);
    return this.programs.record('EnrolParticipant', { ...participant, programId, participantId }, context, {
      id: participantId,
      replayable: id !== undefined,
    });
  }
}
