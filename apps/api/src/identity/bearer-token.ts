import { createHmac } from 'node:crypto';
import { Role } from './actor';

export interface TokenRequest {
  readonly sub: string;
  readonly org: string;
  readonly roles: readonly Role[];
  /** Lifetime in seconds; 8 hours unless told. */
  readonly expiresInSeconds?: number;
}

const base64url = (part: object) => Buffer.from(JSON.stringify(part), 'utf8').toString('base64url');

/**
 * An HS256 token for development and tests only; the API verifies with jose (token-verifier.ts).
 * Signed synchronously (jose signs async) so that test helpers such as api-harness `token()` stay synchronous.
 */
export function mintBearerToken(request: TokenRequest, secret: string): string {
  const issuedAt = Math.floor(Date.now() / 1000);
  const claims = { sub: request.sub, org: request.org, roles: request.roles, iat: issuedAt, exp: issuedAt + (request.expiresInSeconds ?? 8 * 3600) };
  const input = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
