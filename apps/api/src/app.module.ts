import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { FlipsideConfig } from '@flipside/config';
import { ProblemFilter } from './http/problem.filter';
import { AuthenticationGuard } from './identity/authentication.guard';
import { TOKEN_VERIFIER } from './identity/identity.tokens';
import { createTokenVerifier } from './identity/token-verifier';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { ProgramsModule } from './programs/programs.module';
import { ParticipantsModule } from './participants/participants.module';
import { PairsModule } from './pairs/pairs.module';
import { ObjectivesModule } from './objectives/objectives.module';
import { SessionsModule } from './sessions/sessions.module';
import { FeedbackModule } from './feedback/feedback.module';
import { PeopleModule } from './people/people.module';
import { QueriesModule } from './queries/queries.module';
import { AuditModule } from './audit/audit.module';
import { OpenApiModule } from './openapi/openapi.module';
import { ProtectionModule } from './protection/protection.module';
import { HealthModule } from './health/health.module';
import { FLIPSIDE_CONFIG } from './streams/event-store.provider';
import { StreamsModule } from './streams/streams.module';
import { PersonalDataModule } from './personal-data/personal-data.module';

@Module({})
export class AppModule {
  static forRoot(config: FlipsideConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        CqrsModule.forRoot(),
        PersonalDataModule,
        StreamsModule,
        HealthModule,
        IdempotencyModule,
        ProgramsModule,
        ParticipantsModule,
        PairsModule,
        ObjectivesModule,
        SessionsModule,
        FeedbackModule,
        PeopleModule,
        QueriesModule,
        AuditModule,
        OpenApiModule,
        ProtectionModule,
      ],
      providers: [
        { provide: FLIPSIDE_CONFIG, useValue: config },
        { provide: TOKEN_VERIFIER, useFactory: () => createTokenVerifier(config) },
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [FLIPSIDE_CONFIG, TOKEN_VERIFIER],
    };
  }
}
