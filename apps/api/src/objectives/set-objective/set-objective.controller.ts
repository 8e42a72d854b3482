import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandOutcome } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse } from '../../http/command-response';
import { SetObjectiveCommand } from './set-objective.command';
import { SetObjectiveDto } from './set-objective.dto';

@Controller('v1/programs/:programId/pairs/:pairId/objectives')
export class SetObjectiveController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @AllowedRoles('admin', 'participant')
  async set(
    @IdParam('programId') programId: string,
    @IdParam('pairId') pairId: string,
    @Body() body: SetObjectiveDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute<SetObjectiveCommand, CommandOutcome>(
      new SetObjectiveCommand(programId, pairId, body, context),
    );
    return commandResponse(response, outcome, {
      location: `/v1/programs/${programId}/pairs/${pairId}/objectives/${outcome.id}`,
    });
  }
}
