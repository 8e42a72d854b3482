import { createHash, timingSafeEqual } from 'node:crypto';

/** Who a request comes from: the operator (all details), anyone (status only), or someone with a wrong token. */
export type Caller = 'operator' | 'anyone' | 'refused';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * METRICS_TOKEN decides where the port listens and who sees what. Without it the port listens on loopback only
 * and everything on it is open (only this machine can ask); with it the port listens on every interface and
 * /metrics and the health details need `Authorization: Bearer <METRICS_TOKEN>`.
 */
export class OperatorAccess {
  private readonly expected?: Buffer;

  constructor(token: string | undefined) {
    this.expected = token ? digest(token) : undefined;
  }

  get bindAddress(): string {
    return this.expected ? '0.0.0.0' : '127.0.0.1';
  }

  get tokenRequired(): boolean {
    return this.expected !== undefined;
  }

  callerOf(authorization: string | undefined): Caller {
    if (!this.expected) return 'operator';
    if (authorization === undefined) return 'anyone';
    const presented = /^Bearer +(\S+) *$/i.exec(authorization)?.[1];
    // Equal-length digests: the comparison's time tells neither the token's length nor how much of it matched.
    return presented !== undefined && timingSafeEqual(digest(presented), this.expected) ? 'operator' : 'refused';
  }
}
