import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandOutcome, ProgramCommands } from '@flipside/write-path';
import { WithdrawParticipantDto } from './withdraw-participant.dto';

export class WithdrawParticipantCommand {
  constructor(
    readonly programId: string,
    readonly participantId: string,
    readonly body: WithdrawParticipantDto,
    readonly context: CommandContext,
  ) {}
}

/** Withdrawing ends the participant's active pairs in the same append. */
@CommandHandler(WithdrawParticipantCommand)
export class WithdrawParticipantHandler implements ICommandHandler<WithdrawParticipantCommand, CommandOutcome> {
  constructor(private readonly programs: ProgramCommands) {}

  execute({ programId, participantId, body, context }: WithdrawParticipantCommand): Promise<CommandOutcome> {
    return this.programs.record('WithdrawParticipant', { programId, participantId, reason: body.reason }, context, {
      id: participantId,
    });
  }
}
