import { Controller, Get, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Response } from 'express';
import { IdParam } from '../../http/id-param';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { ReadsProjections } from '../../read-your-writes/read-your-writes.interceptor';
import { answeredAsOf, parseAsOf, StateAsOfDto } from '../shared/state-as-of';
import { GetPairAsOfQuery, GetPairQuery } from './get-pair.query';

@Controller('v1/programs')
export class GetPairController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':programId/pairs/:pairId')
  @AllowedRoles('admin', 'analyst', 'auditor', 'participant')
  @ReadsProjections('dashboard')
  async get(
    @IdParam('programId') programId: string,
    @IdParam('pairId') pairId: string,
    @Query() { asOf }: StateAsOfDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (asOf === undefined) return this.queries.execute(new GetPairQuery(programId, pairId, actor));
    return answeredAsOf(response, await this.queries.execute(new GetPairAsOfQuery(programId, pairId, parseAsOf(asOf)!, actor)));
  }
}
