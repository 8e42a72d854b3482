import { Server } from 'node:http';
import { json, NextFunction, Request, RequestHandler, Response } from 'express';
import { ClientFaultLog } from './client-fault-log';
import { Problem, problems } from './problem';

export const BODY_LIMIT_BYTES = 64 * 1024;
const BODY_LIMIT_TEXT = '64 KiB';
/** How long a client may take to send a body, once its headers are in. */
export const BODY_TIME_LIMIT_MS = 10_000;
/** How long a client may take to send its headers. */
export const HEADERS_TIME_LIMIT_MS = 10_000;
const JSON_TYPES = ['application/json', 'application/*+json'];

const declaresBody = (request: Request) =>
  Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;

/** Refuses, before reading a byte of it, a body that is not JSON (415) or says it is over the limit (413). */
export function requireJsonBodies(): RequestHandler {
  return (request: Request, _response: Response, next: NextFunction) => {
    if (declaresBody(request) && !request.is(JSON_TYPES)) {
      next(problems.unsupportedMediaType(request.headers['content-type'] ?? ''));
      return;
    }
    if (Number(request.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES) {
      next(problems.tooLarge(BODY_LIMIT_TEXT));
      return;
    }
    next();
  };
}

interface BodyParserError {
  type?: string;
  code?: string;
  message?: string;
}

/** Keeps JSON.parse's position but not its excerpt of the body, which may hold personal data. */
function malformedJson(error: BodyParserError): Problem {
  const position = /position (\d+)/.exec(error.message ?? '')?.[1];
  return problems.malformedJson(`The body is not valid JSON${position === undefined ? '' : ` (at position ${position})`}`);
}

/**
 * Every error type body-parser (and raw-body under it) reports, with the problem it stands for. Undefined: the
 * server misused the stream, not a client fault; it stays a 500, logged with its stack.
 */
const BODY_PARSER_ERRORS: Record<string, ((error: BodyParserError) => Problem) | undefined> = {
  'entity.too.large': () => problems.tooLarge(BODY_LIMIT_TEXT),
  'entity.parse.failed': malformedJson,
  'charset.unsupported': problems.unsupportedCharset,
  'encoding.unsupported': problems.unsupportedContentEncoding,
  'request.aborted': problems.requestAborted,
  'request.size.invalid': problems.bodyLengthMismatch,
  'entity.verify.failed': undefined,
  'parameters.too.many': undefined,
  'stream.encoding.set': undefined,
  'stream.not.readable': undefined,
};

function problemOfBodyError(error: BodyParserError, request: Request): Problem | undefined {
  if (error.type !== undefined) return BODY_PARSER_ERRORS[error.type]?.(error);
  if (error.code === 'ECONNRESET' || error.code === 'ECONNABORTED') return problems.requestAborted();
  // zlib's errors carry no type: a compressed body that is corrupt or cut short.
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return problems.undecodableBody();
  return undefined;
}

/** Faults of the client's connection rather than of its request: worth a (rate-limited) line in the log. */
const LOGGED_FAULTS = new Set(['request-aborted', 'body-timeout', 'body-length-mismatch', 'undecodable-body']);

/**
 * Parses JSON bodies (UTF-8; identity, gzip, deflate or br) and turns every way that can fail into its problem.
 * A body must arrive within BODY_TIME_LIMIT_MS (408) and within BODY_LIMIT_BYTES on the wire (413, at once).
 */
export function parseJsonBodies(faults: ClientFaultLog): RequestHandler {
  const parse = json({ limit: BODY_LIMIT_BYTES, strict: true, type: JSON_TYPES });
  return (request: Request, response: Response, next: NextFunction) => {
    if (!declaresBody(request)) {
      next();
      return;
    }
    let settled = false;
    let received = 0;
    const settle = (outcome?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.off('data', count);
      if (outcome instanceof Problem && LOGGED_FAULTS.has(outcome.slug)) {
        faults.warn(outcome.slug, request.method, request.originalUrl.split('?')[0]);
      }
      next(outcome);
    };
    // Counted here too: body-parser reads a chunked body to its very end before it answers 413.
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > BODY_LIMIT_BYTES) settle(problems.tooLarge(BODY_LIMIT_TEXT));
    };
    const timer = setTimeout(() => settle(problems.bodyTimeout(BODY_TIME_LIMIT_MS / 1000)), BODY_TIME_LIMIT_MS);
    parse(request, response, (error?: unknown) =>
      settle(error === undefined ? undefined : (problemOfBodyError(error as BodyParserError, request) ?? error)),
    );
    if (!settled) request.on('data', count);
  };
}

/** Node's own timers as a backstop behind BODY_TIME_LIMIT_MS: slow headers, and whole requests, are cut off. */
export function capRequestTimes(server: Server): void {
  server.headersTimeout = HEADERS_TIME_LIMIT_MS;
  server.requestTimeout = HEADERS_TIME_LIMIT_MS + BODY_TIME_LIMIT_MS + 10_000;
}
