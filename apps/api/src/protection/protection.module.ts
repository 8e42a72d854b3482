import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { SubjectRateLimitGuard } from './subject-rate-limit.guard';

/** The per-subject rate limit; the per-address limit and overload shedding are Express middleware (protect()). */
@Module({ providers: [{ provide: APP_GUARD, useClass: SubjectRateLimitGuard }] })
export class ProtectionModule {}
