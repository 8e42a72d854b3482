import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { IdParam } from '../../http/id-param';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { ReadsProjections } from '../../read-your-writes/read-your-writes.interceptor';
import { GetPairQuery } from './get-pair.query';

@Controller('v1/programs')
export class GetPairController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':programId/pairs/:pairId')
  @AllowedRoles('admin', 'analyst', 'auditor', 'participant')
  @ReadsProjections('dashboard')
  get(@IdParam('programId') programId: string, @IdParam('pairId') pairId: string, @CurrentActor() actor: Actor) {
    return this.queries.execute(new GetPairQuery(programId, pairId, actor));
  }
}
