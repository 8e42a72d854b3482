import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { LoggerService } from '@nestjs/common';
import { CryptoKey, exportJWK, exportSPKI, generateKeyPair, JWK, JWTPayload, SignJWT } from 'jose';
import { CLOCK_TOLERANCE_SECONDS, JWKS_REFETCH_COOLDOWN_MS } from '../src/identity/token-verifier';
import { ApiHarness, examples, runningPair, startApi } from './support/api-harness';

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'flipside-api';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const now = () => Math.floor(Date.now() / 1000);
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** An identity provider's key endpoint, for real, on 127.0.0.1: answers the body the test sets and counts fetches. */
class JwksServer {
  fetches = 0;
  lastFetchAt = 0;
  body = JSON.stringify({ keys: [] });
  readonly url: string;

  private constructor(private readonly server: Server) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  static async start(): Promise<JwksServer> {
    const server = createServer((_request, response) => {
      jwks.fetches += 1;
      jwks.lastFetchAt = Date.now();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(jwks.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const jwks = new JwksServer(server);
    return jwks;
  }

  serve(...keys: JWK[]): void {
    this.body = JSON.stringify({ keys });
  }

  /** Waits until an unknown kid may make the API fetch the key set again. */
  async cooledDown(): Promise<void> {
    await sleep(this.lastFetchAt + JWKS_REFETCH_COOLDOWN_MS + 100 - Date.now());
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JWK;
}

async function signingKey(alg: SigningKey['alg']): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  const kid = `${alg}-${randomUUID()}`;
  return { kid, alg, publicKey, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

interface Claims extends JWTPayload {
  org?: string;
  roles?: string[];
}

const organization = `org-${randomUUID()}`;
const adminClaims = (): Claims => ({ sub: 'admin-1', org: organization, roles: ['admin'], iss: ISSUER, aud: AUDIENCE, exp: now() + 600 });

function sign(key: SigningKey, claims: Claims = {}, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ ...adminClaims(), ...claims }).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key.privateKey);
}

function signHs256(secret: string, claims: Claims = {}): Promise<string> {
  return new SignJWT({ ...adminClaims(), ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

/** A token no honest library would produce (alg none, or a header lying about its algorithm). */
function forged(header: object, claims: Claims, signature: (input: string) => string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part(header)}.${part({ ...adminClaims(), ...claims })}`;
  return `${input}.${signature(input)}`;
}

/** Every line the API logs, to count warnings and to prove no token text reaches the logs. */
class LogLines implements LoggerService {
  readonly warnings: string[] = [];
  readonly all: string[] = [];
  private keep(into: string[][], message: unknown, params: unknown[]) {
    const line = [message, ...params].map(String).join(' ');
    for (const list of into) list.push(line);
  }
  log(message: unknown, ...params: unknown[]) { this.keep([this.all], message, params); }
  error(message: unknown, ...params: unknown[]) { this.keep([this.all], message, params); }
  warn(message: unknown, ...params: unknown[]) { this.keep([this.all, this.warnings], message, params); }
  debug(message: unknown, ...params: unknown[]) { this.keep([this.all], message, params); }
  verbose(message: unknown, ...params: unknown[]) { this.keep([this.all], message, params); }
}

async function commandAnswer(api: ApiHarness, token: string) {
  const before = (await api.allEvents()).length;
  const response = await api.http().post('/v1/programs').set(bearer(token)).send(examples.program());
  if (response.status >= 400) {
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await api.allEvents()).length).toBe(before);
  }
  return response;
}

async function expectRefused(api: ApiHarness, token: string, detail?: RegExp) {
  const response = await commandAnswer(api, token);
  expect({ status: response.status, detail: response.body.detail }).toMatchObject({ status: 401 });
  expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
  if (detail) expect(response.body.detail).toMatch(detail);
}

describe('Tokens signed by an identity provider, keys from its JWKS endpoint', () => {
  let jwks: JwksServer;
  let api: ApiHarness | undefined;
  let rsa: SigningKey;
  let ec: SigningKey;

  beforeAll(async () => {
    [rsa, ec] = await Promise.all([signingKey('RS256'), signingKey('ES256')]);
    jwks = await JwksServer.start();
    jwks.serve(rsa.jwk, ec.jwk);
    api = await startApi({ JWT_SECRET: '', JWT_JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
  });
  afterAll(async () => {
    await api?.close();
    await jwks.stop();
  });

  it('accepts RS256 and ES256 tokens whose kid is in the key set, fetching the set once', async () => {
    if (!api) return;
    expect((await commandAnswer(api, await sign(rsa))).status).toBe(201);
    expect((await commandAnswer(api, await sign(ec))).status).toBe(201);
    expect((await commandAnswer(api, await sign(rsa))).status).toBe(201);
    // Without a kid, the one key of the token's type is used.
    expect((await commandAnswer(api, await sign(ec, {}, { kid: undefined }))).status).toBe(201);
    expect(jwks.fetches).toBe(1);
  });

  it('401 for a wrong or missing iss, a wrong aud, an expired token or one without exp', async () => {
    if (!api) return;
    await expectRefused(api, await sign(rsa, { iss: 'https://evil.example.com/' }), /iss/);
    await expectRefused(api, await sign(rsa, { iss: undefined }), /iss/);
    await expectRefused(api, await sign(ec, { aud: 'another-api' }), /aud/);
    await expectRefused(api, await sign(ec, { aud: undefined }), /aud/);
    await expectRefused(api, await sign(rsa, { exp: now() - 3600 }), /exp/);
    await expectRefused(api, await sign(rsa, { exp: undefined }), /exp/);
  });

  it(`allows ${CLOCK_TOLERANCE_SECONDS} s of clock skew, not more`, async () => {
    if (!api) return;
    expect((await commandAnswer(api, await sign(rsa, { exp: now() - 10 }))).status).toBe(201);
    expect((await commandAnswer(api, await sign(rsa, { nbf: now() + 10 }))).status).toBe(201);
    await expectRefused(api, await sign(rsa, { exp: now() - CLOCK_TOLERANCE_SECONDS - 15 }), /exp/);
    await expectRefused(api, await sign(rsa, { nbf: now() + CLOCK_TOLERANCE_SECONDS + 15 }), /nbf/);
  });

  it('refuses HS256 and alg none when only public keys are configured, even HMAC-signed with the public key', async () => {
    if (!api) return;
    await expectRefused(api, await signHs256(randomBytes(32).toString('hex')), /algorithm/i);
    await expectRefused(api, await signHs256(await exportSPKI(rsa.publicKey)), /algorithm/i);
    await expectRefused(api, await signHs256(JSON.stringify(rsa.jwk)), /algorithm/i);
    await expectRefused(api, forged({ alg: 'none', typ: 'JWT' }, {}, () => ''), /algorithm/i);
    await expectRefused(api, forged({ alg: 'none', kid: rsa.kid }, {}, () => ''), /algorithm/i);
  });

  it('401 naming the claim when sub or org holds a NUL or a lone surrogate', async () => {
    if (!api) return;
    await expectRefused(api, await sign(rsa, { sub: 'admin-1\u0000' }), /\bsub\b/);
    await expectRefused(api, await sign(rsa, { sub: 'admin-\ud800' }), /\bsub\b/);
    await expectRefused(api, await sign(ec, { org: `${organization}\u0000` }), /\borg\b/);
    await expectRefused(api, await sign(ec, { org: `\udc00${organization}` }), /\borg\b/);
    // A surrogate pair is well-formed text, and welcome.
    expect((await commandAnswer(api, await sign(ec, { sub: 'admin-\u{1F600}' }))).status).toBe(201);
  });

  it("treats a participant's sub in upper case as its lower-case person id", async () => {
    if (!api) return;
    const pair = await runningPair(api, await sign(ec));
    const mentee = bearer(await sign(ec, { sub: pair.menteePersonId.toUpperCase(), roles: ['participant'] }));
    const base = `/v1/programs/${pair.programId}/pairs/${pair.pairId}`;
    await api.http().post(`${base}/sessions`).set(mentee).send(examples.session()).expect(201);
    await api
      .http()
      .post(`${base}/feedback`)
      .set(mentee)
      .send({ fromRole: 'mentee', givenBy: pair.menteeId, rating: 5, fit: 'good' })
      .expect(201);
  });

  it('401 for an unknown kid, after fetching the key set once more, then without fetching during the cooldown', async () => {
    if (!api) return;
    const stranger = await signingKey('RS256');
    expect((await commandAnswer(api, await sign(ec))).status).toBe(201);
    await jwks.cooledDown();
    const before = jwks.fetches;
    await expectRefused(api, await sign(stranger), /kid|key/i);
    expect(jwks.fetches).toBe(before + 1);
    await expectRefused(api, await sign(stranger), /kid|key/i);
    expect(jwks.fetches).toBe(before + 1);
  });

  it('picks up a rotated key without a restart, and drops the retired one', async () => {
    if (!api) return;
    const next = await signingKey('RS256');
    expect((await commandAnswer(api, await sign(rsa))).status).toBe(201);
    jwks.serve(next.jwk, ec.jwk);
    await jwks.cooledDown();
    expect((await commandAnswer(api, await sign(next))).status).toBe(201);
    await expectRefused(api, await sign(rsa), /kid|key/i);
    expect((await commandAnswer(api, await sign(ec))).status).toBe(201);
  });
});

describe('Tokens checked against a PEM public key (JWT_PUBLIC_KEY)', () => {
  it('RS256 beside a development HS256 secret, each algorithm with its own key only', async () => {
    const rsa = await signingKey('RS256');
    const pem = await exportSPKI(rsa.publicKey);
    // One-line form, as environment files carry it.
    const api = await startApi({ JWT_PUBLIC_KEY: pem.replace(/\n/g, '\\n') });
    if (!api) return;
    try {
      expect((await commandAnswer(api, await sign(rsa, { iss: undefined, aud: undefined }, { kid: undefined }))).status).toBe(201);
      expect((await commandAnswer(api, api.token())).status).toBe(201);
      await expectRefused(api, await sign(await signingKey('RS256')));
      await expectRefused(api, await sign(await signingKey('ES256')));
      // Algorithm confusion both ways: an RS256 header over an HMAC of the secret, HS256 keyed with the public key.
      const secret = api.config.jwtSecret;
      await expectRefused(api, forged({ alg: 'RS256', typ: 'JWT' }, {}, (input) => createHmac('sha256', secret).update(input).digest('base64url')));
      await expectRefused(api, await signHs256(pem));
    } finally {
      await api.close();
    }
  });

  it('ES256, detected from the key, and nothing else', async () => {
    const ec = await signingKey('ES256');
    const pem = await exportSPKI(ec.publicKey);
    const api = await startApi({ JWT_SECRET: '', JWT_PUBLIC_KEY: pem, JWT_AUDIENCE: AUDIENCE });
    if (!api) return;
    try {
      expect((await commandAnswer(api, await sign(ec))).status).toBe(201);
      await expectRefused(api, await sign(ec, { aud: 'another-api' }), /aud/);
      await expectRefused(api, await sign(await signingKey('RS256')), /algorithm/i);
      await expectRefused(api, await signHs256(pem), /algorithm/i);
    } finally {
      await api.close();
    }
  });
});

describe("When the identity provider's key set cannot be had", () => {
  it('503 with Retry-After while the JWKS endpoint is unreachable: one warning, no token text in the logs', async () => {
    const gone = await JwksServer.start();
    await gone.stop();
    const api = await startApi({ JWT_SECRET: '', JWT_JWKS_URL: gone.url });
    if (!api) return;
    try {
      const logs = new LogLines();
      api.app.useLogger(logs);
      const token = await sign(await signingKey('RS256'));
      for (let attempt = 0; attempt < 3; attempt++) {
        const response = await commandAnswer(api, token);
        expect(response.status).toBe(503);
        expect(response.headers['retry-after']).toMatch(/^\d+$/);
        expect(response.headers['www-authenticate']).toBeUndefined();
      }
      expect(logs.warnings).toHaveLength(1);
      expect(logs.warnings[0]).toMatch(/JWKS|key set/i);
      for (const line of logs.all) for (const part of token.split('.')) expect(line).not.toContain(part);
    } finally {
      await api.close();
    }
  });

  it('503 while it answers garbage, and accepts tokens once it answers keys; 401 for a kid-less token two keys fit', async () => {
    const jwks = await JwksServer.start();
    const ec = await signingKey('ES256');
    const api = await startApi({ JWT_SECRET: '', JWT_JWKS_URL: jwks.url });
    if (!api) return;
    try {
      const token = await sign(ec);
      for (const garbage of ['<html>Sign in</html>', '{"keys": 7}', '']) {
        jwks.body = garbage;
        const response = await commandAnswer(api, token);
        expect({ garbage, status: response.status }).toEqual({ garbage, status: 503 });
      }
      jwks.serve(ec.jwk, (await signingKey('ES256')).jwk);
      expect((await commandAnswer(api, token)).status).toBe(201);
      // Without a kid, two ES256 keys fit: the token is at fault, not the key set.
      await expectRefused(api, await sign(ec, {}, { kid: undefined }), /kid/);
    } finally {
      await api.close();
      await jwks.stop();
    }
  });
});
