import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { IdParam } from '../../http/id-param';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { IntegrityReport, VerifyIntegrityQuery } from './verify-integrity.query';

@Controller('v1/programs')
export class VerifyIntegrityController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':programId/integrity')
  @AllowedRoles('admin', 'auditor')
  verify(@IdParam('programId') programId: string, @CurrentActor() actor: Actor): Promise<IntegrityReport> {
    return this.queries.execute(new VerifyIntegrityQuery(programId, actor));
  }
}
