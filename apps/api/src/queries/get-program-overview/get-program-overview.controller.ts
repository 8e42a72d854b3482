import { Controller, Get, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { ReadsProjections } from '../../read-your-writes/read-your-writes.interceptor';
import { answeredAsOf, parseAsOf, StateAsOfDto } from '../shared/state-as-of';
import { GetProgramOverviewAsOfQuery, GetProgramOverviewQuery } from './get-program-overview.query';

@Controller('v1/programs')
export class GetProgramOverviewController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':programId')
  @AllowedRoles('admin', 'analyst', 'auditor', 'participant')
  @ReadsProjections('dashboard')
  async get(
    @IdParam('programId') programId: string,
    @Query() { asOf }: StateAsOfDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (asOf === undefined) return this.queries.execute(new GetProgramOverviewQuery(programId, actor));
    return answeredAsOf(response, await this.queries.execute(new GetProgramOverviewAsOfQuery(programId, parseAsOf(asOf)!, actor)));
  }
}
