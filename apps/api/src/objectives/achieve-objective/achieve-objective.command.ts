import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandOutcome, PairCommands } from '@flipside/write-path';
import { AchieveObjectiveDto } from './achieve-objective.dto';

export class AchieveObjectiveCommand {
  constructor(
    readonly programId: string,
    readonly pairId: string,
    readonly objectiveId: string,
    readonly body: AchieveObjectiveDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(AchieveObjectiveCommand)
export class AchieveObjectiveHandler implements ICommandHandler<AchieveObjectiveCommand, CommandOutcome> {
  constructor(private readonly pairs: PairCommands) {}

  execute({ programId, pairId, objectiveId, body, context }: AchieveObjectiveCommand): Promise<CommandOutcome> {
    return this.pairs.record(programId, pairId, 'AchieveObjective', { objectiveId, finalLevel: body.finalLevel }, context, { id: objectiveId });
  }
}
