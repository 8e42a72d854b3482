import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandOutcome, PairCommands } from '@flipside/write-path';
import { RecordObjectiveProgressDto } from './record-objective-progress.dto';

export class RecordObjectiveProgressCommand {
  constructor(
    readonly programId: string,
    readonly pairId: string,
    readonly objectiveId: string,
    readonly body: RecordObjectiveProgressDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(RecordObjectiveProgressCommand)
export class RecordObjectiveProgressHandler implements ICommandHandler<RecordObjectiveProgressCommand, CommandOutcome> {
  constructor(private readonly pairs: PairCommands) {}

  execute({ programId, pairId, objectiveId, body, context }: RecordObjectiveProgressCommand): Promise<CommandOutcome> {
    return this.pairs.record(programId, pairId, 'RecordObjectiveProgress', { objectiveId, level: body.level, note: body.note ?? '' }, context, { id: objectiveId });
  }
}
