import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandOutcome } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse } from '../../http/command-response';
import { GiveFeedbackCommand } from './give-feedback.command';
import { GiveFeedbackDto } from './give-feedback.dto';

@Controller('v1/programs/:programId/pairs/:pairId/feedback')
export class GiveFeedbackController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @AllowedRoles('admin', 'participant')
  async give(
    @IdParam('programId') programId: string,
    @IdParam('pairId') pairId: string,
    @Body() body: GiveFeedbackDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute<GiveFeedbackCommand, CommandOutcome>(
      new GiveFeedbackCommand(programId, pairId, body, context),
    );
    return commandResponse(response, outcome, {
      location: `/v1/programs/${programId}/pairs/${pairId}/feedback/${outcome.id}`,
    });
  }
}
