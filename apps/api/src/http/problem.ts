import { HttpStatus } from '@nestjs/common';

/** RFC 9457 problem details, the body of every error this API answers. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** Stable code of the domain rule that was broken (409, some 400/404). */
  rule?: string;
  /** One entry per invalid field (400). */
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export interface FieldProblem {
  /** Dotted path of the field in the request, e.g. `cadence.sessionEveryDays`. */
  field: string;
  message: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_BASE = 'https://flipside.dev/problems/';

/** An error that already knows the problem it answers with; thrown anywhere, rendered by ProblemFilter. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Partial<ProblemDetails> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }

  toDetails(instance?: string): ProblemDetails {
    return {
      type: PROBLEM_BASE + this.slug,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

export const problems = {
  invalidRequest: (errors: FieldProblem[]) =>
    new Problem(
      HttpStatus.BAD_REQUEST,
      'invalid-request',
      'The request is not valid',
      errors.map((error) => `${error.field}: ${error.message}`).join('; '),
      { errors },
    ),
  malformedJson: (detail: string) =>
    new Problem(HttpStatus.BAD_REQUEST, 'malformed-json', 'The body is not valid JSON', detail),
  unauthenticated: (detail: string) =>
    new Problem(HttpStatus.UNAUTHORIZED, 'unauthenticated', 'Authentication is required', detail, {}, {
      'WWW-Authenticate': 'Bearer realm="flipside"',
    }),
  forbidden: (detail: string) => new Problem(HttpStatus.FORBIDDEN, 'forbidden', 'Not allowed', detail),
  notFound: (detail: string, rule?: string) =>
    new Problem(HttpStatus.NOT_FOUND, 'not-found', 'Not found', detail, rule ? { rule } : {}),
  ruleBroken: (rule: string, detail: string) =>
    new Problem(HttpStatus.CONFLICT, 'rule-broken', 'A program rule was broken', detail, { rule }),
  stale: (expected: string, actual: string) =>
    new Problem(
      HttpStatus.PRECONDITION_FAILED,
      'stale-revision',
      'The resource has changed',
      `If-Match expected revision ${expected} but the stream is at ${actual}; reload and decide again`,
      { expectedRevision: expected, actualRevision: actual },
    ),
  busy: (detail: string) =>
    new Problem(HttpStatus.CONFLICT, 'concurrent-update', 'Too many concurrent changes', detail, {}, { 'Retry-After': '1' }),
  // The rest of a body refused unread is not worth waiting for: the connection is closed after the answer.
  tooLarge: (limit: string) =>
    new Problem(HttpStatus.PAYLOAD_TOO_LARGE, 'body-too-large', 'The body is too large', `Bodies are limited to ${limit}`, {}, {
      Connection: 'close',
    }),
  bodyTimeout: (seconds: number) =>
    new Problem(
      HttpStatus.REQUEST_TIMEOUT,
      'body-timeout',
      'The body took too long to arrive',
      `A body must arrive within ${seconds} s of its headers`,
      {},
      { Connection: 'close' },
    ),
  unsupportedMediaType: (received: string) =>
    new Problem(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'unsupported-media-type',
      'Only JSON is accepted',
      `Send Content-Type: application/json (received ${received || 'none'})`,
    ),
  unsupportedCharset: () =>
    new Problem(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'unsupported-charset',
      'Only UTF-8 JSON is accepted',
      'Send JSON encoded as UTF-8 (leave out charset, or send charset=utf-8)',
    ),
  unsupportedContentEncoding: () =>
    new Problem(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'unsupported-content-encoding',
      'The Content-Encoding is not supported',
      'Send the body with no Content-Encoding, or with Content-Encoding gzip, deflate or br',
    ),
  undecodableBody: () =>
    new Problem(
      HttpStatus.BAD_REQUEST,
      'undecodable-body',
      'The body could not be decompressed',
      'The body is not valid data for the Content-Encoding it was sent with',
    ),
  bodyLengthMismatch: () =>
    new Problem(
      HttpStatus.BAD_REQUEST,
      'body-length-mismatch',
      'The body does not match its Content-Length',
      'The body ended before or after the length its Content-Length header declared',
    ),
  requestAborted: () =>
    new Problem(HttpStatus.BAD_REQUEST, 'request-aborted', 'The request was aborted', 'The client closed the connection before the body arrived'),
  idempotencyKeyReused: () =>
    new Problem(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'idempotency-key-reused',
      'Idempotency-Key reused with a different request',
      'This Idempotency-Key was first used with a different method, path or body; use a new key for a new request',
    ),
  idempotencyKeyInFlight: () =>
    new Problem(
      HttpStatus.CONFLICT,
      'idempotency-key-in-flight',
      'The first request with this Idempotency-Key is still being processed',
      'Retry shortly to receive its response',
      {},
      { 'Retry-After': '1' },
    ),
  storeUnavailable: () =>
    new Problem(
      HttpStatus.SERVICE_UNAVAILABLE,
      'event-store-unavailable',
      'The event store is unavailable',
      'Nothing was recorded; retry later',
      {},
      { 'Retry-After': '5' },
    ),
  tokenKeysUnavailable: () =>
    new Problem(
      HttpStatus.SERVICE_UNAVAILABLE,
      'token-keys-unavailable',
      "The identity provider's keys are unavailable",
      'The bearer token could not be checked because the key set (JWKS) cannot be fetched; nothing was recorded, retry later',
      {},
      { 'Retry-After': '5' },
    ),
  routeNotFound: (method: string, path: string) =>
    new Problem(HttpStatus.NOT_FOUND, 'no-such-route', 'Not found', `No route ${method} ${path}`),
  internal: () =>
    new Problem(HttpStatus.INTERNAL_SERVER_ERROR, 'internal-error', 'Something went wrong', 'The error was logged'),
};
