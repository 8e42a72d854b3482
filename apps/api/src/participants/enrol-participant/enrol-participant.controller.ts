import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandOutcome } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse } from '../../http/command-response';
import { EnrolParticipantCommand } from './enrol-participant.command';
import { EnrolParticipantDto } from './enrol-participant.dto';

@Controller('v1/programs/:programId/participants')
export class EnrolParticipantController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @AllowedRoles('admin')
  async enrol(
    @IdParam('programId') programId: string,
    @Body() body: EnrolParticipantDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute<EnrolParticipantCommand, CommandOutcome>(
      new EnrolParticipantCommand(programId, body, context),
    );
    return commandResponse(response, outcome, {
      location: `/v1/programs/${programId}/participants/${outcome.id}`,
    });
  }
}
