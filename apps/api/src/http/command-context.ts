import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { problems } from '../http/problem';
import { Actor } from '../identity/actor';
import { AuthenticatedRequest } from '../identity/allowed-roles';

/** Everything about the request a command records besides its own data. */
export interface CommandContext {
  readonly actor: Actor;
  /** From X-Correlation-Id, or generated: ties together everything one user action caused. */
  readonly correlationId: string;
  /** This request's id: the cause of the events it records. */
  readonly causationId: string;
  readonly idempotencyKey?: string;
  /** From If-Match: the revision the client last saw; a different one answers 412. */
  readonly ifMatch?: bigint;
  /** The request time, passed into the deciders (they never read a clock). */
  readonly now: string;
  /** Marked by the write path when the command starts executing; absent outside an HTTP request. */
  readonly execution?: CommandExecution;
}

/** Whether a request's command started executing: a refusal before that spent nothing (see Idempotency-Key). */
export interface CommandExecution {
  started: boolean;
}

/** The request's one execution mark, the same object for the context and the Idempotency-Key interceptor. */
export function executionOf(request: Request): CommandExecution {
  const carrier = request as Request & { commandExecution?: CommandExecution };
  return (carrier.commandExecution ??= { started: false });
}

const IF_MATCH = /^(?:W\/)?"(\d{1,19})"$/;

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
