import { Body, Controller, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { EngagementPolicy } from '@flipside/domain';
import { CommandContext } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse, CommandResponseBody } from '../../http/command-response';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { EngagementPolicyOutcome, SetEngagementPolicyCommand } from './set-engagement-policy.command';
import { EngagementPolicyDto } from './set-engagement-policy.dto';

@Controller('v1/programs/:programId/engagement-policy')
export class SetEngagementPolicyController {
  constructor(private readonly commands: CommandBus) {}

  /** A PUT: the body replaces the whole policy, every figure left out taking its default. */
  @Put()
  @AllowedRoles('admin')
  async set(
    @IdParam('programId') programId: string,
    @Body() body: EngagementPolicyDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CommandResponseBody & { policy: EngagementPolicy }> {
    const { outcome, policy } = await this.commands.execute<SetEngagementPolicyCommand, EngagementPolicyOutcome>(
      new SetEngagementPolicyCommand(programId, body, context),
    );
    return { ...commandResponse(response, outcome), policy };
  }
}
