import { Logger } from '@nestjs/common';
import { webcrypto } from 'node:crypto';
import {
  createRemoteJWKSet,
  CryptoKey,
  errors,
  FlattenedJWSInput,
  importSPKI,
  JWSHeaderParameters,
  jwtVerify,
  JWTPayload,
  JWTVerifyOptions,
} from 'jose';
import { FlipsideConfig, publicKeyAlgorithm } from '@flipside/config';
import { Actor, ROLES, Role } from './actor';

/** The token is at fault: answered 401. */
export class InvalidTokenError extends Error {}

/** The identity provider's keys could not be had: the token is not at fault (503, retry later). */
export class TokenKeysUnavailableError extends Error {}

/** Seconds a token may be past `exp` or before `nbf`: clocks of the identity provider and ours drift apart. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** An unknown `kid` refetches the key set at most this often: a rotation shows within 5 s, the provider is never hammered. */
export const JWKS_REFETCH_COOLDOWN_MS = 5_000;
// A slow key endpoint holds requests up: give up after 3 s and answer 503.
const JWKS_TIMEOUT_MS = 3_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Algorithm = 'HS256' | 'RS256' | 'ES256';
type KeySource = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

/** Verifies bearer tokens with the keys configured for each algorithm, and reads the actor from their claims. */
export class TokenVerifier {
  private readonly algorithms: Algorithm[];
  private readonly options: JWTVerifyOptions;

  constructor(
    private readonly keys: ReadonlyMap<Algorithm, KeySource>,
    expected: { readonly issuer?: string; readonly audience?: string } = {},
  ) {
    this.algorithms = [...keys.keys()];
    this.options = {
      algorithms: this.algorithms,
      issuer: expected.issuer,
      audience: expected.audience,
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    };
  }

  async verify(token: string): Promise<Actor> {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, this.keyFor, this.options));
    } catch (error) {
      if (error instanceof InvalidTokenError || error instanceof TokenKeysUnavailableError) throw error;
      if (error instanceof errors.JOSEAlgNotAllowed) {
        throw new InvalidTokenError(`The bearer token's algorithm is not accepted here; use ${this.algorithms.join(' or ')}`);
      }
      if (error instanceof errors.JOSEError) throw new InvalidTokenError(`The bearer token is not valid: ${error.message}`);
      throw error;
    }
    return actorOf(claims);
  }

  // jose has already refused any algorithm outside this.algorithms, so every alg here has its own key source.
  private readonly keyFor = (header: JWSHeaderParameters, token: FlattenedJWSInput) =>
    this.keys.get(header.alg as Algorithm)!(header, token);
}

/** The verifier for the configured keys: HS256 with JWT_SECRET, RS256/ES256 with JWT_JWKS_URL or JWT_PUBLIC_KEY. */
export async function createTokenVerifier(config: FlipsideConfig, logger = new Logger('TokenVerifier')): Promise<TokenVerifier> {
  const keys = new Map<Algorithm, KeySource>();
  if (config.jwtSecret) {
    // Imported once: jose would import a raw secret again on every request.
    const secret = await webcrypto.subtle.importKey(
      'raw',
      Buffer.from(config.jwtSecret, 'utf8'),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    keys.set('HS256', async () => secret);
  }
  if (config.jwtPublicKey) {
    // loadConfig refused any key that is not RSA or EC P-256.
    const algorithm = publicKeyAlgorithm(config.jwtPublicKey)!;
    const key = await importSPKI(config.jwtPublicKey, algorithm);
    keys.set(algorithm, async () => key);
  }
  if (config.jwtJwksUrl) {
    const remote = remoteKeySource(new URL(config.jwtJwksUrl), logger);
    keys.set('RS256', remote);
    keys.set('ES256', remote);
  }
  return new TokenVerifier(keys, { issuer: config.jwtIssuer, audience: config.jwtAudience });
}

/** Keys from the identity provider's JWKS endpoint, cached by jose and refetched for an unknown kid. */
function remoteKeySource(url: URL, logger: Logger): KeySource {
  const jwks = createRemoteJWKSet(url, { cooldownDuration: JWKS_REFETCH_COOLDOWN_MS, timeoutDuration: JWKS_TIMEOUT_MS });
  let reachable = true;
  return async (header, token) => {
    try {
      const key = await jwks(header, token);
      reachable = true;
      return key;
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) {
        throw new InvalidTokenError("The bearer token's key (kid) is not in the identity provider's key set");
      }
      if (error instanceof errors.JWKSMultipleMatchingKeys) {
        throw new InvalidTokenError("The bearer token names no key (kid) and the identity provider's key set holds several");
      }
      // One warning per outage, naming the endpoint and the cause; never the token.
      if (reachable) logger.warn(`The identity provider's key set (JWKS) at ${url.origin}${url.pathname} cannot be had: ${causeOf(error)}`);
      reachable = false;
      throw new TokenKeysUnavailableError("The identity provider's keys cannot be fetched");
    }
  };
}

function causeOf(error: unknown): string {
  const { message, cause } = error as { message?: string; cause?: { code?: string; message?: string } };
  const detail = cause?.code ?? cause?.message;
  return detail ? `${message} (${detail})` : String(message ?? error);
}

// String.prototype.isWellFormed is in Node 20 but not in our TypeScript lib (ES2022).
const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

function textClaim(claims: JWTPayload, name: 'sub' | 'org'): string {
  const value = claims[name];
  if (typeof value !== 'string' || value === '') throw new InvalidTokenError(`The bearer token must carry a ${name} claim`);
  if (!isWellFormed(value) || value.includes('\u0000')) {
    throw new InvalidTokenError(`The ${name} claim must be Unicode text without NUL characters`);
  }
  return value;
}

function actorOf(claims: JWTPayload): Actor {
  const sub = textClaim(claims, 'sub');
  const org = textClaim(claims, 'org');
  const { roles } = claims;
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((role) => (ROLES as readonly unknown[]).includes(role))) {
    throw new InvalidTokenError(`The roles claim must be a non-empty list of ${ROLES.join(', ')}`);
  }
  // Ids are lower-case everywhere; identity providers may send UUIDs upper-case, and a participant's sub is its
  // person id, lower-cased at the edge like the enrolment's personId.
  const lowerCase = UUID.test(sub) || roles.includes('participant');
  return { id: lowerCase ? sub.toLowerCase() : sub, organizationId: org, roles: roles as Role[] };
}
