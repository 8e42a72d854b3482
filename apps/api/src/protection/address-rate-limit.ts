import { NextFunction, Request, RequestHandler, Response } from 'express';
import { protectionProblems } from './protection-problems';
import { Quota } from './quota';

/**
 * Counts every request against its client address (`request.ip`: X-Forwarded-For counts only as far as
 * `trust proxy` allows), anonymous ones included, before anything reads the body.
 */
export function limitEachAddress(perMinute: number): RequestHandler {
  const quota = new Quota({ name: 'address', quota: perMinute, windowSeconds: 60 });
  return (request: Request, response: Response, next: NextFunction) => {
    quota.spend(request.ip ?? request.socket.remoteAddress ?? 'unknown').then((spent) => {
      quota.advertise(response, spent);
      next(spent.allowed ? undefined : protectionProblems.rateLimited(quota.policy, spent.resetSeconds));
    }, next);
  };
}
