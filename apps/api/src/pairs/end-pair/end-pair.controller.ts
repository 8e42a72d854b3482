import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandOutcome } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse } from '../../http/command-response';
import { EndPairCommand } from './end-pair.command';
import { EndPairDto } from './end-pair.dto';

@Controller('v1/programs/:programId/pairs/:pairId/end')
export class EndPairController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @AllowedRoles('admin')
  async end(
    @IdParam('programId') programId: string,
    @IdParam('pairId') pairId: string,
    @Body() body: EndPairDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute<EndPairCommand, CommandOutcome>(
      new EndPairCommand(programId, pairId, body, context),
    );
    return commandResponse(response, outcome);
  }
}
