import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandOutcome } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse } from '../../http/command-response';
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
