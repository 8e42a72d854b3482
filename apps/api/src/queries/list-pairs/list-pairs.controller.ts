import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { IdParam } from '../../http/id-param';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { ReadsProjections } from '../../read-your-writes/read-your-writes.interceptor';
import { ListPairsDto } from './list-pairs.dto';
import { ListPairsQuery } from './list-pairs.query';

@Controller('v1/programs')
export class ListPairsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':programId/pairs')
  @AllowedRoles('admin', 'analyst', 'auditor', 'participant')
  @ReadsProjections('dashboard')
  list(@IdParam('programId') programId: string, @Query() filter: ListPairsDto, @CurrentActor() actor: Actor) {
    return this.queries.execute(new ListPairsQuery(programId, filter, actor));
  }
}
