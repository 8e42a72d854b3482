import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CommandContext, CommandOutcome, ProgramCommands } from '@flipside/write-path';
import { CreateProgramDto } from './create-program.dto';

export class CreateProgramCommand {
  constructor(
    readonly body: CreateProgramDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(CreateProgramCommand)
export class CreateProgramHandler implements ICommandHandler<CreateProgramCommand, CommandOutcome> {
  constructor(private readonly programs: ProgramCommands) {}

  execute({ body, context }: CreateProgramCommand): Promise<CommandOutcome> {
    const { id, ...program } = body;
    const programId = id ?? randomUUID();
    return this.programs.record(
      'CreateProgram',
      { ...program, programId, organizationId: context.actor.organizationId },
      context,
      { id: programId, replayable: id !== undefined },
    );
  }
}
