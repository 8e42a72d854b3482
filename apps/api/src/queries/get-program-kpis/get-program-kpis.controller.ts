import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { IdParam } from '../../http/id-param';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { ReadsProjections } from '../../read-your-writes/read-your-writes.interceptor';
import { GetProgramKpisDto } from './get-program-kpis.dto';
import { GetProgramKpisQuery } from './get-program-kpis.query';

@Controller('v1/programs')
export class GetProgramKpisController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':programId/kpis')
  @AllowedRoles('admin', 'analyst', 'auditor')
  @ReadsProjections('dashboard', 'program-kpis')
  get(@IdParam('programId') programId: string, @Query() range: GetProgramKpisDto, @CurrentActor() actor: Actor) {
    return this.queries.execute(new GetProgramKpisQuery(programId, range, actor));
  }
}
