import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandOutcome, ProgramCommands } from '@flipside/write-path';
import { RecordTrainingDto } from './record-training.dto';

export class RecordTrainingCommand {
  constructor(
    readonly programId: string,
    readonly participantId: string,
    readonly body: RecordTrainingDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(RecordTrainingCommand)
export class RecordTrainingHandler implements ICommandHandler<RecordTrainingCommand, CommandOutcome> {
  constructor(private readonly programs: ProgramCommands) {}

  execute({ programId, participantId, body, context }: RecordTrainingCommand): Promise<CommandOutcome> {
    return this.programs.record('RecordTraining', { programId, participantId, ...body }, context, { id: participantId });
  }
}
