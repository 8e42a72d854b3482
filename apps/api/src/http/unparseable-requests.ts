import { Server } from 'node:http';
import { Duplex } from 'node:stream';
import { ClientFaultLog } from './client-fault-log';
import { PROBLEM_CONTENT_TYPE, Problem } from './problem';

const REFUSALS: Record<string, Problem> = {
  HPE_HEADER_OVERFLOW: new Problem(431, 'headers-too-large', 'The request headers are too large', 'Send at most 16 KiB of headers'),
  ERR_HTTP_REQUEST_TIMEOUT: new Problem(408, 'request-timeout', 'The request took too long', 'Send the whole request within the time limit'),
};
const UNPARSEABLE = new Problem(
  400,
  'unparseable-request',
  'The request is not valid HTTP',
  'The request line or a header could not be read (control characters are not allowed in header values)',
);

/**
 * Node's HTTP parser refuses some requests before any middleware sees them (a control byte in a header value, a
 * broken request line) and would answer a bare 400; this answers them with problem+json like every other refusal.
 */
export function answerUnparseableRequests(server: Server, faults: ClientFaultLog): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A request already under way (e.g. an upload cut short) is the body parser's to answer and log.
    const underWay = (socket as Duplex & { _httpMessage?: unknown })._httpMessage != null;
    if (error.code === 'ECONNRESET' || !socket.writable || underWay) {
      socket.destroy();
      return;
    }
    const problem = REFUSALS[error.code ?? ''] ?? UNPARSEABLE;
    faults.warn(problem.slug, '-', '-');
    const body = JSON.stringify(problem.toDetails());
    socket.end(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/** Nothing here is served conditionally, and Express would answer `If-None-Match: *` with an empty 304. */
export function ignoreConditionalReads() {
  return (request: { headers: Record<string, unknown> }, _response: unknown, next: () => void) => {
    delete request.headers['if-none-match'];
    delete request.headers['if-modified-since'];
    next();
  };
}
