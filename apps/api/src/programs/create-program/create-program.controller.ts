import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext, CommandOutcome } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { commandResponse } from '../../http/command-response';
import { CreateProgramCommand } from './create-program.command';
import { CreateProgramDto } from './create-program.dto';

@Controller('v1/programs')
export class CreateProgramController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @AllowedRoles('admin')
  async create(
    @Body() body: CreateProgramDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute<CreateProgramCommand, CommandOutcome>(new CreateProgramCommand(body, context));
    return commandResponse(response, outcome, { location: `/v1/programs/${outcome.id}` });
  }
}
