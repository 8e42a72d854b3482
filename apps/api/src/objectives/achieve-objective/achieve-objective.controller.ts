import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandOutcome } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse } from '../../http/command-response';
import { AchieveObjectiveCommand } from './achieve-objective.command';
import { AchieveObjectiveDto } from './achieve-objective.dto';

@Controller('v1/programs/:programId/pairs/:pairId/objectives/:objectiveId/achieve')
export class AchieveObjectiveController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @AllowedRoles('admin')
  async achieve(
    @IdParam('programId') programId: string,
    @IdParam('pairId') pairId: string,
    @IdParam('objectiveId') objectiveId: string,
    @Body() body: AchieveObjectiveDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute<AchieveObjectiveCommand, CommandOutcome>(
      new AchieveObjectiveCommand(programId, pairId, objectiveId, body, context),
    );
    return commandResponse(response, outcome);
  }
}
