import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandOutcome, ProgramCommands } from '@flipside/write-path';

export class LaunchProgramCommand {
  constructor(
    readonly programId: string,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(LaunchProgramCommand)
export class LaunchProgramHandler implements ICommandHandler<LaunchProgramCommand, CommandOutcome> {
  constructor(private readonly programs: ProgramCommands) {}

  execute({ programId, context }: LaunchProgramCommand): Promise<CommandOutcome> {
    return this.programs.record('LaunchProgram', { programId }, context, { id: programId });
  }
}
