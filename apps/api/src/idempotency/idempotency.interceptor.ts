import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Response } from 'express';
import { createHash } from 'node:crypto';
import { Observable, catchError, concatMap, from, of, switchMap } from 'rxjs';
import { PROBLEM_CONTENT_TYPE, problems } from '../http/problem';
import { problemOf } from '../http/problem.filter';
import { AuthenticatedRequest } from '../identity/allowed-roles';
import { executionOf } from '../http/command-context';
import { IdempotencyKeys, KeyOwner, StoredResponse } from './idempotency-keys';

const MAX_KEY_LENGTH = 200;
const REPLAYED_HEADERS = ['etag', 'location'];
// Commands: every POST, and the PUT that replaces a program's engagement policy.
const COMMAND_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT']);

function fingerprintOf(request: AuthenticatedRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.originalUrl}\n`)
    .update(JSON.stringify(request.body ?? null))
    .digest('base64url');
}

/**
 * Idempotency-Key on a command, scoped to the caller (organization and subject): the first response is stored and
 * replayed for every retry with the same key and request; the same key with a different request is refused (422).
 * Not stored: 5xx answers, and refusals before the command started executing (e.g. 400 from validation).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly keys: IdempotencyKeys) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = execution.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = execution.switchToHttp().getResponse<Response>();
    const key = request.header('idempotency-key');
    if (key === undefined || !COMMAND_METHODS.has(request.method) || !request.actor) return next.handle();
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw problems.invalidRequest([{ field: 'Idempotency-Key', message: `must be 1-${MAX_KEY_LENGTH} characters` }]);
    }
    const owner: KeyOwner = { organizationId: request.actor.organizationId, subject: request.actor.id };
    const command = executionOf(request);

    return from(this.keys.claim(owner, key, fingerprintOf(request))).pipe(
      switchMap((claim) => {
        if (claim.kind === 'different-request') throw problems.idempotencyKeyReused();
        if (claim.kind === 'in-flight') throw problems.idempotencyKeyInFlight();
        if (claim.kind === 'replay') return of(this.replay(response, claim.response));
        return next.handle().pipe(
          concatMap(async (body) => {
            const headers = Object.fromEntries(
              REPLAYED_HEADERS.flatMap((name) => {
                const value = response.getHeader(name);
                return value === undefined ? [] : [[name, String(value)]];
              }),
            );
            await this.keys.complete(owner, key, { status: response.statusCode, headers, body });
            return body;
          }),
          catchError(async (error: unknown) => {
            const problem = problemOf(error, request);
            // Stripe's rule: only a request that started executing has a result; a passing failure has none yet.
            if (problem.status >= 500 || !command.started) await this.keys.release(owner, key).catch(() => undefined);
            else
              await this.keys.complete(owner, key, {
                status: problem.status,
                headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...problem.headers },
                body: problem.toDetails(request.originalUrl),
              });
            throw error;
          }),
        );
      }),
    );
  }

  private replay(response: Response, stored: StoredResponse): unknown {
    response.status(stored.status);
    for (const [name, value] of Object.entries(stored.headers)) response.setHeader(name, value);
    response.setHeader('Idempotent-Replayed', 'true');
    return stored.body;
  }
}
