import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { CommandContext, CommandExecution } from '@flipside/write-path';
import { AuthenticatedRequest } from '../identity/allowed-roles';
import { problems } from './problem';

/** The request's one execution mark, the same object for the context and the Idempotency-Key interceptor. */
export function executionOf(request: Request): CommandExecution {
  const carrier = request as Request & { commandExecution?: CommandExecution };
  return (carrier.commandExecution ??= { started: false });
}

const IF_MATCH = /^(?:W\/)?"(\d{1,19})"$/;

/**
 * A request's command context: X-Correlation-Id (or a new id), the request id as causation, Idempotency-Key,
 * If-Match (412 when the stream moved on), the request time.
 */
export function commandContextOf(request: AuthenticatedRequest): CommandContext {
  if (!request.actor) throw new Error('Commands need an authenticated actor');
  const correlationHeader = request.header('x-correlation-id');
  const ifMatchHeader = request.header('if-match');
  let ifMatch: bigint | undefined;
  if (ifMatchHeader !== undefined) {
    const match = IF_MATCH.exec(ifMatchHeader.trim());
    if (!match) throw problems.invalidRequest([{ field: 'If-Match', message: 'must be a quoted revision, e.g. "3"' }]);
    ifMatch = BigInt(match[1]);
  }
  return {
    actor: request.actor,
    correlationId: (request as { correlationId?: string }).correlationId ?? correlationHeader ?? randomUUID(),
    causationId: (request as { requestId?: string }).requestId ?? randomUUID(),
    idempotencyKey: request.header('idempotency-key') ?? undefined,
    ifMatch,
    now: new Date().toISOString(),
    execution: executionOf(request),
  };
}

export const CommandContextOf = createParamDecorator((_: unknown, execution: ExecutionContext) =>
  commandContextOf(execution.switchToHttp().getRequest<AuthenticatedRequest>()),
);
