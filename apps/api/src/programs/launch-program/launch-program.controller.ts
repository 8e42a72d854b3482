import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandOutcome } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse } from '../../http/command-response';
import { LaunchProgramCommand } from './launch-program.command';

@Controller('v1/programs/:programId/launch')
export class LaunchProgramController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @AllowedRoles('admin')
  async launch(
    @IdParam('programId') programId: string,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute<LaunchProgramCommand, CommandOutcome>(
      new LaunchProgramCommand(programId, context),
    );
    return commandResponse(response, outcome);
  }
}
