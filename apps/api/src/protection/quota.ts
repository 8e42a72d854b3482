import { Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** A rate limit as the IETF RateLimit fields name it: `quota` requests per `windowSeconds` for each key. */
export interface QuotaPolicy {
  readonly name: 'address' | 'subject';
  readonly quota: number;
  readonly windowSeconds: number;
}

export interface Spent {
  readonly allowed: boolean;
  readonly remaining: number;
  /** Seconds until the key's window starts afresh (at least 1). */
  readonly resetSeconds: number;
}

/** Counts requests per key in this process's memory (each API process keeps its own counts). */
export class Quota {
  private readonly limiter: RateLimiterMemory;

  constructor(readonly policy: QuotaPolicy) {
    this.limiter = new RateLimiterMemory({ keyPrefix: policy.name, points: policy.quota, duration: policy.windowSeconds });
  }

  /** Spends one request of `key`'s quota; refused requests count too, so hammering does not pay. */
  async spend(key: string): Promise<Spent> {
    let state: RateLimiterRes;
    let allowed = true;
    try {
      state = await this.limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      state = rejection;
      allowed = false;
    }
    return { allowed, remaining: state.remainingPoints, resetSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)) };
  }

  /**
   * Adds this policy to RateLimit-Policy and its state to RateLimit (draft-ietf-httpapi-ratelimit-headers,
   * structured-field lists), after any policy already there.
   */
  advertise(response: Response, spent: Spent): void {
    const { name, quota, windowSeconds } = this.policy;
    appendListItem(response, 'RateLimit-Policy', `"${name}";q=${quota};w=${windowSeconds}`);
    appendListItem(response, 'RateLimit', `"${name}";r=${spent.remaining};t=${spent.resetSeconds}`);
  }
}

function appendListItem(response: Response, field: string, item: string): void {
  const existing = response.getHeader(field);
  response.setHeader(field, existing === undefined ? item : `${String(existing)}, ${item}`);
}
