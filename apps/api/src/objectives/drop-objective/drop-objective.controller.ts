import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandOutcome } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse } from '../../http/command-response';
import { DropObjectiveCommand } from './drop-objective.command';
import { DropObjectiveDto } from './drop-objective.dto';

@Controller('v1/programs/:programId/pairs/:pairId/objectives/:objectiveId/drop')
export class DropObjectiveController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @AllowedRoles('admin')
  async drop(
    @IdParam('programId') programId: string,
    @IdParam('pairId') pairId: string,
    @IdParam('objectiveId') objectiveId: string,
    @Body() body: DropObjectiveDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute<DropObjectiveCommand, CommandOutcome>(
      new DropObjectiveCommand(programId, pairId, objectiveId, body, context),
    );
    return commandResponse(response, outcome);
  }
}
