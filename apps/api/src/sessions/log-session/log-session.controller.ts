import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandOutcome } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse } from '../../http/command-response';
import { LogSessionCommand } from './log-session.command';
import { LogSessionDto } from './log-session.dto';

@Controller('v1/programs/:programId/pairs/:pairId/sessions')
export class LogSessionController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @AllowedRoles('admin', 'participant')
  async log(
    @IdParam('programId') programId: string,
    @IdParam('pairId') pairId: string,
    @Body() body: LogSessionDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute<LogSessionCommand, CommandOutcome>(
      new LogSessionCommand(programId, pairId, body, context),
    );
    return commandResponse(response, outcome, {
      location: `/v1/programs/${programId}/pairs/${pairId}/sessions/${outcome.id}`,
    });
  }
}
