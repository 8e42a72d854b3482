import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { ReadsProjections } from '../../read-your-writes/read-your-writes.interceptor';
import { ListProgramsDto } from './list-programs.dto';
import { ListProgramsQuery } from './list-programs.query';

@Controller('v1/programs')
export class ListProgramsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @AllowedRoles('admin', 'analyst', 'auditor', 'participant')
  @ReadsProjections('dashboard')
  list(@Query() filter: ListProgramsDto, @CurrentActor() actor: Actor) {
    return this.queries.execute(new ListProgramsQuery(filter, actor));
  }
}
