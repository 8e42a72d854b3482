import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { Request, Response } from 'express';
import { EventStoreUnavailableError } from '@flipside/event-store';
import { WritePathError } from '@flipside/write-path';
import { PROBLEM_CONTENT_TYPE, Problem, problems } from './problem';
import { problemOfRefusal } from './write-path-problems';

/** An http-errors error that Express or a library raised for the client's request (status 4xx, safe to answer). */
interface ClientHttpError {
  status: number;
  expose: true;
}

const isClientHttpError = (exception: unknown): exception is ClientHttpError => {
  const status = (exception as Partial<ClientHttpError>)?.status;
  return (exception as Partial<ClientHttpError>)?.expose === true && typeof status === 'number' && status >= 400 && status < 500;
};

/** Turns anything thrown into the Problem it stands for; unknown errors are logged and answered 500. */
export function problemOf(exception: unknown, request?: Pick<Request, 'method' | 'originalUrl'>): Problem {
  if (exception instanceof Problem) return exception;
  if (exception instanceof WritePathError) return problemOfRefusal(exception);
  if (exception instanceof EventStoreUnavailableError) return problems.storeUnavailable();
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    // Nest turns the router's URIError (a path that is not percent-encoded UTF-8) into a bare 400 echoing the path.
    if (status === 400 && exception.cause === undefined && exception.message.startsWith('Failed to decode param')) {
      return problems.invalidRequest([{ field: 'path', message: 'the path must be percent-encoded UTF-8' }]);
    }
    if (status === 404 && request) return problems.routeNotFound(request.method, request.originalUrl.split('?')[0]);
    return new Problem(status, `http-${status}`, exception.message, exception.message);
  }
  if (isClientHttpError(exception)) {
    const title = STATUS_CODES[exception.status] ?? 'Bad request';
    return new Problem(exception.status, `http-${exception.status}`, title, `The request could not be processed: ${title}`);
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
