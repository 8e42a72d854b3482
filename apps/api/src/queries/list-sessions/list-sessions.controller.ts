import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { IdParam } from '../../http/id-param';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { ReadsProjections } from '../../read-your-writes/read-your-writes.interceptor';
import { ListSessionsDto } from './list-sessions.dto';
import { ListSessionsQuery } from './list-sessions.query';

@Controller('v1/programs')
export class ListSessionsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':programId/sessions')
  @AllowedRoles('admin', 'analyst', 'auditor')
  @ReadsProjections('dashboard')
  list(@IdParam('programId') programId: string, @Query() filter: ListSessionsDto, @CurrentActor() actor: Actor) {
    return this.queries.execute(new ListSessionsQuery(programId, filter, actor));
  }
}
