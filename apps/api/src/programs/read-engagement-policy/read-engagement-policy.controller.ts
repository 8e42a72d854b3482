import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { IdParam } from '../../http/id-param';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { EngagementPolicyView, ReadEngagementPolicyQuery } from './read-engagement-policy.query';

@Controller('v1/programs/:programId/engagement-policy')
export class ReadEngagementPolicyController {
  constructor(private readonly queries: QueryBus) {}

  /** The policy in force, defaults filled in: the one set last, or the defaults for the program's cadence. */
  @Get()
  @AllowedRoles('admin', 'analyst', 'auditor')
  read(@IdParam('programId') programId: string, @CurrentActor() actor: Actor): Promise<EngagementPolicyView> {
    return this.queries.execute(new ReadEngagementPolicyQuery(programId, actor));
  }
}
