import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandOutcome, ProgramCommands } from '@flipside/write-path';
import { CloseProgramDto } from './close-program.dto';

export class CloseProgramCommand {
  constructor(
    readonly programId: string,
    readonly body: CloseProgramDto,
    readonly context: CommandContext,
  ) {}
}

/** Ends every active pair and closes the program, in one append. */
@CommandHandler(CloseProgramCommand)
export class CloseProgramHandler implements ICommandHandler<CloseProgramCommand, CommandOutcome> {
  constructor(private readonly programs: ProgramCommands) {}

  execute({ programId, body, context }: CloseProgramCommand): Promise<CommandOutcome> {
    return this.programs.record('CloseProgram', { programId, outcome: body.outcome }, context, { id: programId });
  }
}
