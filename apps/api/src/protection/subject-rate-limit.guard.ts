import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Response } from 'express';
import { FlipsideConfig } from '@flipside/config';
import { AuthenticatedRequest } from '../identity/allowed-roles';
import { FLIPSIDE_CONFIG } from '../streams/event-store.provider';
import { protectionProblems } from './protection-problems';
import { Quota } from './quota';

/**
 * Counts every authenticated request against its token subject (organization + sub). Registered after the
 * AuthenticationGuard (root module providers come first), so `request.actor` is set; guards run before
 * interceptors, so a refused command never reaches idempotency or the store.
 */
@Injectable()
export class SubjectRateLimitGuard implements CanActivate {
  private readonly quota?: Quota;

  constructor(@Inject(FLIPSIDE_CONFIG) config: FlipsideConfig) {
    if (config.rateLimitPerMinute > 0) this.quota = new Quota({ name: 'subject', quota: config.rateLimitPerMinute, windowSeconds: 60 });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!this.quota || !request.actor) return true;
    const spent = await this.quota.spend(JSON.stringify([request.actor.organizationId, request.actor.id]));
    this.quota.advertise(context.switchToHttp().getResponse<Response>(), spent);
    if (!spent.allowed) throw protectionProblems.rateLimited(this.quota.policy, spent.resetSeconds);
    return true;
  }
}
