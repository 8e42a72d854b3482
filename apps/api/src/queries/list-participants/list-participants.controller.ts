import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { IdParam } from '../../http/id-param';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { ReadsProjections } from '../../read-your-writes/read-your-writes.interceptor';
import { ListParticipantsDto } from './list-participants.dto';
import { ListParticipantsQuery } from './list-participants.query';

@Controller('v1/programs')
export class ListParticipantsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':programId/participants')
  @AllowedRoles('admin', 'analyst', 'auditor')
  @ReadsProjections('dashboard')
  list(@IdParam('programId') programId: string, @Query() filter: ListParticipantsDto, @CurrentActor() actor: Actor) {
    return this.queries.execute(new ListParticipantsQuery(programId, filter, actor));
  }
}
