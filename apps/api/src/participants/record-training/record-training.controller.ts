import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandOutcome } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse } from '../../http/command-response';
import { RecordTrainingCommand } from './record-training.command';
import { RecordTrainingDto } from './record-training.dto';

@Controller('v1/programs/:programId/participants/:participantId/trainings')
export class RecordTrainingController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @AllowedRoles('admin')
  async record(
    @IdParam('programId') programId: string,
    @IdParam('participantId') participantId: string,
    @Body() body: RecordTrainingDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute<RecordTrainingCommand, CommandOutcome>(
      new RecordTrainingCommand(programId, participantId, body, context),
    );
    return commandResponse(response, outcome);
  }
}
