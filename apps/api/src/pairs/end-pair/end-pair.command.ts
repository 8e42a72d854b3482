import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandOutcome, ProgramCommands } from '@flipside/write-path';
import { EndPairDto } from './end-pair.dto';

export class EndPairCommand {
  constructor(
    readonly programId: string,
    readonly pairId: string,
    readonly body: EndPairDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(EndPairCommand)
export class EndPairHandler implements ICommandHandler<EndPairCommand, CommandOutcome> {
  constructor(private readonly programs: ProgramCommands) {}

  execute({ programId, pairId, body, context }: EndPairCommand): Promise<CommandOutcome> {
    return this.programs.record('EndPair', { programId, pairId, reason: body.reason, note: body.note ?? '' }, context, {
      id: pairId,
    });
  }
}
