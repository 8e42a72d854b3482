import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandOutcome, PairCommands } from '@flipside/write-path';
import { DropObjectiveDto } from './drop-objective.dto';

export class DropObjectiveCommand {
  constructor(
    readonly programId: string,
    readonly pairId: string,
    readonly objectiveId: string,
    readonly body: DropObjectiveDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(DropObjectiveCommand)
export class DropObjectiveHandler implements ICommandHandler<DropObjectiveCommand, CommandOutcome> {
  constructor(private readonly pairs: PairCommands) {}

  execute({ programId, pairId, objectiveId, body, context }: DropObjectiveCommand): Promise<CommandOutcome> {
    return this.pairs.record(programId, pairId, 'DropObjective', { objectiveId, reason: body.reason }, context, { id: objectiveId });
  }
}
