import { json, NextFunction, Request, RequestHandler, Response } from 'express';
import { problems } from './problem';

export const BODY_LIMIT = '64kb';

/** Refuses bodies that are not JSON before they are parsed (415); empty bodies pass (e.g. POST …/launch). */
export function requireJsonBodies(): RequestHandler {
  return (request: Request, _response: Response, next: NextFunction) => {
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (hasBody && !request.is(['application/json', 'application/*+json'])) {
      next(problems.unsupportedMediaType(request.headers['content-type'] ?? ''));
      return;
    }
    next();
  };
}

export function parseJsonBodies(): RequestHandler {
  return json({ limit: BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] });
}
