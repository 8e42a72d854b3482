import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { ReadsProjections } from '../../read-your-writes/read-your-writes.interceptor';
import { PageQueryDto } from '../shared/paging';
import { ListMyPairsQuery } from './list-my-pairs.query';

@Controller('v1/me')
export class ListMyPairsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('pairs')
  @AllowedRoles('participant', 'admin', 'analyst', 'auditor')
  @ReadsProjections('dashboard')
  list(@Query() page: PageQueryDto, @CurrentActor() actor: Actor) {
    return this.queries.execute(new ListMyPairsQuery(page, actor));
  }
}
