import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CommandContext, CommandOutcome, PairCommands } from '@flipside/write-path';
import { SetObjectiveDto } from './set-objective.dto';

export class SetObjectiveCommand {
  constructor(
    readonly programId: string,
    readonly pairId: string,
    readonly body: SetObjectiveDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(SetObjectiveCommand)
export class SetObjectiveHandler implements ICommandHandler<SetObjectiveCommand, CommandOutcome> {
  constructor(private readonly pairs: PairCommands) {}

  execute({ programId, pairId, body, context }: SetObjectiveCommand): Promise<CommandOutcome> {
    const { id, ...objective } = body;
    const objectiveId = id ?? randomUUID();
    return this.pairs.record(programId, pairId, 'SetObjective', { ...objective, objectiveId }, context, {
      id: objectiveId,
      replayable: id !== undefined,
      pairMembersMay: true,
    });
  }
}
