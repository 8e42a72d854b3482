import { connect } from 'node:net';

/**
 * A request exactly as it goes on the wire: header names and values are written byte for byte (a character
 * below U+0100 is that byte), so the fuzz can send what supertest and node's http client would refuse or fix.
 */
export interface WireRequest {
  readonly method: string;
  /** Path and query, already encoded as the fuzz wants them. */
  readonly target: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body?: Buffer;
  /** How the body is framed: Content-Length (default) or Transfer-Encoding: chunked. */
  readonly framing?: 'length' | 'chunked';
}

export interface WireResponse {
  readonly status: number;
  /** Lower-case names; a repeated header's values joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function frame(request: WireRequest, host: string): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`, `Host: ${host}`, ...request.headers.map(([name, value]) => `${name}: ${value}`)];
  const body = request.body;
  let payload: Buffer = Buffer.alloc(0);
  if (body !== undefined && request.framing === 'chunked') {
    lines.push('Transfer-Encoding: chunked');
    const chunk = body.length > 0 ? [Buffer.from(`${body.length.toString(16)}\r\n`, 'latin1'), body, Buffer.from('\r\n', 'latin1')] : [];
    payload = Buffer.concat([...chunk, Buffer.from('0\r\n\r\n', 'latin1')]);
  } else if (body !== undefined) {
    lines.push(`Content-Length: ${body.length}`);
    payload = body;
  }
  // One connection per request: nothing a previous request did to the connection can leak into the next.
  lines.push('Connection: close', '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), payload]);
}

function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) break;
    const size = parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parseResponse(received: Buffer): WireResponse | undefined {
  let raw = received;
  // An interim answer (100 Continue to an Expect header) precedes the real one.
  while (/^HTTP\/1\.[01] 1\d\d /.test(raw.subarray(0, 16).toString('latin1')) && raw.indexOf('\r\n\r\n', 0, 'latin1') >= 0) {
    raw = raw.subarray(raw.indexOf('\r\n\r\n', 0, 'latin1') + 4);
  }
  const headEnd = raw.indexOf('\r\n\r\n', 0, 'latin1');
  if (headEnd < 0) return undefined;
  const [statusLine, ...headerLines] = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) return undefined;
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = raw.subarray(headEnd + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  return { status, headers, body: body.toString('utf8') };
}

/** Sends one request on a fresh connection and reads the answer until the server closes it. */
export function sendOnWire(port: number, request: WireRequest, timeoutMs = 15_000): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    const settle = (error?: Error) => {
      socket.destroy();
      const response = parseResponse(Buffer.concat(chunks));
      if (response) resolve(response);
      else reject(error ?? new Error(`No HTTP answer (${Buffer.concat(chunks).length} bytes received)`));
    };
    socket.setTimeout(timeoutMs, () => settle(new Error(`No answer within ${timeoutMs} ms`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => settle());
    // The server may answer and close before reading all of a refused body: what it answered still counts.
    socket.on('error', (error) => settle(error));
    socket.write(frame(request, `127.0.0.1:${port}`));
  });
}
