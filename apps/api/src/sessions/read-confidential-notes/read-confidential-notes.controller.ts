import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { IdParam } from '../../http/id-param';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { ConfidentialNotes, ReadConfidentialNotesQuery } from './read-confidential-notes.query';

@Controller('v1/programs/:programId/pairs/:pairId/sessions/:sessionId/confidential-notes')
export class ReadConfidentialNotesController {
  constructor(private readonly queries: QueryBus) {}

  /** The pair's members only: admins, analysts and auditors never read confidential notes. */
  @Get()
  @AllowedRoles('participant')
  read(
    @IdParam('programId') programId: string,
    @IdParam('pairId') pairId: string,
    @IdParam('sessionId') sessionId: string,
    @CurrentActor() actor: Actor,
  ): Promise<ConfidentialNotes> {
    return this.queries.execute(new ReadConfidentialNotesQuery(programId, pairId, sessionId, actor));
  }
}
