import jwt from 'jsonwebtoken';
import { KeyObject, createSecretKey } from 'node:crypto';
import { Actor, ROLES, Role } from './actor';

export class InvalidTokenError extends Error {}

// jsonwebtoken turns a string secret into a KeyObject on every call (13% of the API's CPU under load).
const keys = new Map<string, KeyObject>();
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

/** Verifies an HS256 bearer token and reads its claims; every rule broken says which. */
export function verifyBearerToken(token: string, secret: string): Actor {
  let claims: unknown;
  try {
    claims = jwt.verify(token, keyOf(secret), { algorithms: ['HS256'] });
  } catch (error) {
    throw new InvalidTokenError(`The bearer token is not valid: ${(error as Error).message}`);
  }
  if (typeof claims !== 'object' || claims === null) throw new InvalidTokenError('The bearer token has no claims');
  const { sub, org, roles, exp } = claims as Record<string, unknown>;
  if (typeof exp !== 'number') throw new InvalidTokenError('The bearer token must carry an exp claim');
  if (typeof sub !== 'string' || sub === '') throw new InvalidTokenError('The bearer token must carry a sub claim');
  if (typeof org !== 'string' || org === '') throw new InvalidTokenError('The bearer token must carry an org claim');
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((role) => (ROLES as readonly unknown[]).includes(role))) {
    throw new InvalidTokenError(`The roles claim must be a non-empty list of ${ROLES.join(', ')}`);
  }
  return { id: sub, organizationId: org, roles: roles as Role[] };
}

export interface TokenRequest {
  readonly sub: string;
  readonly org: string;
  readonly roles: readonly Role[];
  /** Lifetime, e.g. '8h'. */
  readonly expiresIn?: string;
}

export function mintBearerToken(request: TokenRequest, secret: string): string {
  return jwt.sign({ sub: request.sub, org: request.org, roles: request.roles }, secret, {
    algorithm: 'HS256',
    expiresIn: (request.expiresIn ?? '8h') as jwt.SignOptions['expiresIn'],
  });
}
