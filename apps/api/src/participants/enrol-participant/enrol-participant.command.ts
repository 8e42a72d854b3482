import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CommandContext } from '../../streams/command-context';
import { CommandOutcome } from '../../streams/decision-recorder';
import { ProgramCommands } from '../../streams/program-commands';
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
  constructor(private readonly programs: ProgramCommands) {}

  execute({ programId, body, context }: EnrolParticipantCommand): Promise<CommandOutcome> {
    const { id, ...participant } = body;
    const participantId = id ?? randomUUID();
    return this.programs.record('EnrolParticipant', { ...participant, programId, participantId }, context, {
      id: participantId,
      replayable: id !== undefined,
    });
  }
}
