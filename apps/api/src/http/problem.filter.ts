import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { EventStoreUnavailableError } from '@flipside/event-store';
import { PROBLEM_CONTENT_TYPE, Problem, problems } from './problem';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  message?: string;
}

/** Turns anything thrown into the Problem it stands for; unknown errors are logged and answered 500. */
export function problemOf(exception: unknown, request?: Pick<Request, 'method' | 'originalUrl'>): Problem {
  if (exception instanceof Problem) return exception;
  if (exception instanceof EventStoreUnavailableError) return problems.storeUnavailable();
  const parserError = exception as BodyParserError;
  if (parserError?.type === 'entity.too.large') return problems.tooLarge('64 KiB');
  if (parserError?.type === 'entity.parse.failed') return problems.malformedJson(parserError.message ?? 'Unparseable JSON');
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    // Nest turns body-parser's SyntaxError into a bare 400.
    if (status === 400 && exception.cause === undefined && /JSON|Unexpected token|position \d+/i.test(exception.message)) {
      return problems.malformedJson(exception.message);
    }
    if (status === 404 && request) return problems.routeNotFound(request.method, request.originalUrl.split('?')[0]);
    return new Problem(status, `http-${status}`, exception.message, exception.message);
  }
  return problems.internal();
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request>();
    const response = context.getResponse<Response>();
    const problem = problemOf(exception, request);
    if (problem.status >= 500 && !(exception instanceof Problem)) {
      this.logger.error(`${request.method} ${request.originalUrl}: ${(exception as Error)?.stack ?? String(exception)}`);
    }
    if (response.headersSent) return;
    response.status(problem.status);
    for (const [name, value] of Object.entries(problem.headers)) response.setHeader(name, value);
    response.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.toDetails(request.originalUrl)));
  }
}
