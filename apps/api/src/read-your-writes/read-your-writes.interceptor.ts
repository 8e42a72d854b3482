import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { parsePosition, serializePosition } from '@flipside/event-store';
import { ProjectionName } from '@flipside/read-models';
import { Request, Response } from 'express';
import { Observable } from 'rxjs';
import { Problem, problems } from '../http/problem';
import { parkWhile } from '../protection/overload-shedding';
import { ProjectionPositions } from './projection-positions';

export const MIN_POSITION_HEADER = 'X-Min-Position';
export const PROJECTION_POSITION_HEADER = 'X-Projection-Position';
const READS_PROJECTIONS = 'flipside:reads-projections';

/** The projections a query reads: X-Min-Position waits for them, X-Projection-Position reports them. */
export const ReadsProjections = (...names: ProjectionName[]) => SetMetadata(READS_PROJECTIONS, names);

/** Default bound of the X-Min-Position wait; MIN_POSITION_WAIT_MS overrides it. */
export const DEFAULT_MIN_POSITION_WAIT_MS = 5000;

/**
 * Read-your-writes for queries: with `X-Min-Position: <position of a command response>` the query waits until
 * its projections have applied that position (bounded), or answers 503 with Retry-After. Every query answer
 * carries X-Projection-Position: the data it holds reaches at least that far (read before the data).
 */
@Injectable()
export class ReadYourWritesInterceptor implements NestInterceptor {
  private readonly waitMs = Number(process.env.MIN_POSITION_WAIT_MS ?? DEFAULT_MIN_POSITION_WAIT_MS);

  constructor(
    private readonly reflector: Reflector,
    private readonly positions: ProjectionPositions,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const projections = this.reflector.get<ProjectionName[] | undefined>(READS_PROJECTIONS, context.getHandler());
    if (!projections) return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const header = request.header(MIN_POSITION_HEADER);
    let reachedPosition;
    if (header !== undefined) {
      const min = parsePosition(header);
      if (!min) throw problems.invalidRequest([{ field: MIN_POSITION_HEADER, message: 'must be a position as a command answered it, e.g. "1234/56"' }]);
      const { reached, position } = await parkWhile(request, () => this.positions.waitFor(projections, min, this.waitMs));
      if (!reached) throw projectionBehind(header, serializePosition(position), this.waitMs);
      reachedPosition = position;
    } else {
      reachedPosition = await this.positions.reached(projections);
    }
    response.setHeader(PROJECTION_POSITION_HEADER, serializePosition(reachedPosition));
    response.setHeader('Cache-Control', 'no-store');
    return next.handle();
  }
}

function projectionBehind(wanted: string, reached: string, waitedMs: number): Problem {
  return new Problem(
    HttpStatus.SERVICE_UNAVAILABLE,
    'read-models-behind',
    'The read models have not caught up with your change yet',
    `Waited ${waitedMs} ms for position ${wanted}; the read models are at ${reached}. Retry shortly.`,
    { minPosition: wanted, projectionPosition: reached },
    { 'Retry-After': '1', [PROJECTION_POSITION_HEADER]: reached },
  );
}
