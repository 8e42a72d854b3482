import { Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PersonIdParam } from '../../http/person-id';
import { AllowedRoles } from '../../identity/allowed-roles';
import { CommandContext } from '@flipside/write-path';
import { CommandContextOf } from '../../http/command-context';
import { ErasePersonCommand, ErasureReport } from './erase-person.command';

@Controller('v1/people/:personId/erasure')
export class ErasePersonController {
  constructor(private readonly commands: CommandBus) {}

  /** Erases a person across the organization's programs (GDPR Art. 17): admins only; repeatable. */
  @Post()
  @HttpCode(200)
  @AllowedRoles('admin')
  erase(@PersonIdParam('personId') personId: string, @CommandContextOf() context: CommandContext): Promise<ErasureReport> {
    return this.commands.execute<ErasePersonCommand, ErasureReport>(new ErasePersonCommand(personId, context));
  }
}
