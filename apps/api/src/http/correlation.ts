import { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { problems } from './problem';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,200}$/;

/**
 * Gives every request an id (the causation of what it records) and a correlation id (X-Correlation-Id, or a new
 * one), echoed in the response so a caller can find its events.
 */
export function correlateRequests() {
  return (request: Request & { requestId?: string; correlationId?: string }, response: Response, next: NextFunction) => {
    request.requestId = randomUUID();
    const given = request.header('x-correlation-id');
    if (given !== undefined && !CORRELATION_ID.test(given)) {
      next(problems.invalidRequest([{ field: 'X-Correlation-Id', message: 'must be 1-200 letters, digits or . _ : -' }]));
      return;
    }
    request.correlationId = given ?? randomUUID();
    response.setHeader('X-Correlation-Id', request.correlationId);
    next();
  };
}
