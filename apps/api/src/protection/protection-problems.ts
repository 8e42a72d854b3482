import { HttpStatus } from '@nestjs/common';
import { Response } from 'express';
import { PROBLEM_CONTENT_TYPE, Problem } from '../http/problem';
import { QuotaPolicy } from './quota';

export const protectionProblems = {
  rateLimited: (policy: QuotaPolicy, retryAfterSeconds: number) =>
    new Problem(
      HttpStatus.TOO_MANY_REQUESTS,
      'rate-limited',
      'Too many requests',
      `More than ${policy.quota} requests in ${policy.windowSeconds} s from this ${policy.name === 'subject' ? 'token subject' : 'client address'}; retry in ${retryAfterSeconds} s`,
      { 'violated-policies': [policy.name] },
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  overloaded: () =>
    new Problem(
      HttpStatus.SERVICE_UNAVAILABLE,
      'overloaded',
      'The API is overloaded',
      'It is working on as many requests as it can serve; nothing was done, retry shortly',
      {},
      { 'Retry-After': '1' },
    ),
};

/** Writes a problem answer straight to the socket: for refusals that must not cost the work of Nest's pipeline. */
export function sendProblem(response: Response, problem: Problem, instance: string): void {
  response.statusCode = problem.status;
  for (const [name, value] of Object.entries(problem.headers)) response.setHeader(name, value);
  response.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
  response.end(JSON.stringify(problem.toDetails(instance)));
}
