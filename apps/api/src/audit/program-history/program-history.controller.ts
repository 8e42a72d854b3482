import { Controller, Get, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Readable } from 'node:stream';
import { Request, Response } from 'express';
import { IdParam } from '../../http/id-param';
import { Actor } from '../../identity/actor';
import { AllowedRoles, CurrentActor } from '../../identity/allowed-roles';
import { ProgramHistoryDto } from './program-history.dto';
import { HistoryAnswer, ProgramHistoryQuery } from './program-history.query';

export const NDJSON = 'application/x-ndjson';

@Controller('v1/programs')
export class ProgramHistoryController {
  constructor(private readonly queries: QueryBus) {}

  /** JSON pages by default; `Accept: application/x-ndjson` streams the whole history as an export. */
  @Get(':programId/history')
  @AllowedRoles('auditor', 'admin')
  async history(
    @IdParam('programId') programId: string,
    @Query() request: ProgramHistoryDto,
    @CurrentActor() actor: Actor,
    @Req() http: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const as = http.accepts(['application/json', NDJSON]) === NDJSON ? 'export' : 'page';
    response.vary('Accept');
    const answer: HistoryAnswer = await this.queries.execute(new ProgramHistoryQuery(programId, request, actor, as));
    if (answer.kind === 'page') return answer.page;
    // Piped with backpressure; Nest destroys the stream when the client goes, which ends the generator's reading.
    const file = new StreamableFile(Readable.from(answer.lines, { objectMode: false }), {
      type: NDJSON,
      disposition: `attachment; filename="program-${programId}-history.ndjson"`,
    });
    // A read failing mid-export: cutting the connection tells the client the export is incomplete (never a 400).
    return file.setErrorHandler((_error, res) => (res.destroy ? res.destroy() : res.end()));
  }
}
