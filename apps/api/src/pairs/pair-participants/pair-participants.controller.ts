import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandContextOf } from '../../streams/command-context';
import { commandResponse } from '../../streams/command-response';
import { CommandOutcome } from '../../streams/decision-recorder';
import { PairParticipantsCommand } from './pair-participants.command';
import { PairParticipantsDto } from './pair-participants.dto';

@Controller('v1/programs/:programId/pairs')
export class PairParticipantsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @AllowedRoles('admin')
  async pair(
    @IdParam('programId') programId: string,
    @Body() body: PairParticipantsDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute<PairParticipantsCommand, CommandOutcome>(
      new PairParticipantsCommand(programId, body, context),
    );
    return commandResponse(response, outcome, { location: `/v1/programs/${programId}/pairs/${outcome.id}` });
  }
}
