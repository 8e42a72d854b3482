import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandOutcome } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse } from '../../http/command-response';
import { WithdrawParticipantCommand } from './withdraw-participant.command';
import { WithdrawParticipantDto } from './withdraw-participant.dto';

@Controller('v1/programs/:programId/participants/:participantId/withdraw')
export class WithdrawParticipantController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @AllowedRoles('admin')
  async withdraw(
    @IdParam('programId') programId: string,
    @IdParam('participantId') participantId: string,
    @Body() body: WithdrawParticipantDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute<WithdrawParticipantCommand, CommandOutcome>(
      new WithdrawParticipantCommand(programId, participantId, body, context),
    );
    return commandResponse(response, outcome);
  }
}
