import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { PersonIdParam } from '../../http/person-id';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { PersonalDataQuery, PersonalDataReport } from './personal-data.query';

@Controller('v1/people/:personId/personal-data')
export class PersonalDataController {
  constructor(private readonly queries: QueryBus) {}

  /** A subject access request (GDPR Art. 15): everything held about the person, for an admin to hand over. */
  @Get()
  @AllowedRoles('admin')
  read(@PersonIdParam('personId') personId: string, @CurrentActor() actor: Actor): Promise<PersonalDataReport> {
    return this.queries.execute(new PersonalDataQuery(personId, actor));
  }
}
