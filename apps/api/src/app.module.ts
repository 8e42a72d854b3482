import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { FlipsideConfig } from '@flipside/config';
import { ProblemFilter } from './http/problem.filter';
import { AuthenticationGuard, JWT_SECRET } from './identity/authentication.guard';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { ProgramsModule } from './programs/programs.module';
import { ParticipantsModule } from './participants/participants.module';
import { PairsModule } from './pairs/pairs.module';
import { ObjectivesModule } from './objectives/objectives.module';
import { SessionsModule } from './sessions/sessions.module';
import { FeedbackModule } from './feedback/feedback.module';
import { QueriesModule } from './queries/queries.module';
import { OpenApiModule } from './openapi/openapi.module';
import { HealthModule } from './health/health.module';
import { FLIPSIDE_CONFIG } from './streams/event-store.provider';
import { StreamsModule } from './streams/streams.module';

@Module({})
export class AppModule {
  static forRoot(config: FlipsideConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        CqrsModule.forRoot(),
        StreamsModule,
        HealthModule,
        IdempotencyModule,
        ProgramsModule,
        ParticipantsModule,
        PairsModule,
        ObjectivesModule,
        SessionsModule,
        FeedbackModule,
        QueriesModule,
        OpenApiModule,
      ],
      providers: [
        { provide: FLIPSIDE_CONFIG, useValue: config },
        { provide: JWT_SECRET, useValue: config.jwtSecret },
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [FLIPSIDE_CONFIG, JWT_SECRET],
    };
  }
}
