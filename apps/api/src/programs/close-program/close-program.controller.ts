import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandOutcome } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse } from '../../http/command-response';
import { CloseProgramCommand } from './close-program.command';
import { CloseProgramDto } from './close-program.dto';

@Controller('v1/programs/:programId/close')
export class CloseProgramController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @AllowedRoles('admin')
  async close(
    @IdParam('programId') programId: string,
    @Body() body: CloseProgramDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute<CloseProgramCommand, CommandOutcome>(
      new CloseProgramCommand(programId, body, context),
    );
    return commandResponse(response, outcome);
  }
}
