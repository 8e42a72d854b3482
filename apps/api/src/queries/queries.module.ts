import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ProjectionPositions } from '../read-your-writes/projection-positions';
import { READ_MODELS, readModelsProvider } from '../read-your-writes/read-models.provider';
import { ReadYourWritesInterceptor } from '../read-your-writes/read-your-writes.interceptor';
import { GetPairController } from './get-pair/get-pair.controller';
import { GetPairAsOfHandler, GetPairHandler } from './get-pair/get-pair.query';
import { GetProgramKpisController } from './get-program-kpis/get-program-kpis.controller';
import { GetProgramKpisHandler } from './get-program-kpis/get-program-kpis.query';
import { GetProgramOverviewController } from './get-program-overview/get-program-overview.controller';
import { GetProgramOverviewAsOfHandler, GetProgramOverviewHandler } from './get-program-overview/get-program-overview.query';
import { ListMyPairsController } from './list-my-pairs/list-my-pairs.controller';
import { ListMyPairsHandler } from './list-my-pairs/list-my-pairs.query';
import { ListPairsController } from './list-pairs/list-pairs.controller';
import { ListPairsHandler } from './list-pairs/list-pairs.query';
import { ListParticipantsController } from './list-participants/list-participants.controller';
import { ListParticipantsHandler } from './list-participants/list-participants.query';
import { ListProgramsController } from './list-programs/list-programs.controller';
import { ListProgramsHandler } from './list-programs/list-programs.query';
import { ListSessionsController } from './list-sessions/list-sessions.controller';
import { ListSessionsHandler } from './list-sessions/list-sessions.query';
import { ProgramVisibility } from './shared/program-visibility';
import { StatesAsOf } from './shared/state-as-of';

/** The read side of the API: one folder per query, all served from the projector's read models. */
@Module({
  controllers: [
    ListProgramsController,
    GetProgramOverviewController,
    ListParticipantsController,
    ListPairsController,
    GetPairController,
    ListSessionsController,
    GetProgramKpisController,
    ListMyPairsController,
  ],
  providers: [
    readModelsProvider,
    ProjectionPositions,
    ProgramVisibility,
    StatesAsOf,
    { provide: APP_INTERCEPTOR, useClass: ReadYourWritesInterceptor },
    ListProgramsHandler,
    GetProgramOverviewHandler,
    GetProgramOverviewAsOfHandler,
    ListParticipantsHandler,
    ListPairsHandler,
    GetPairHandler,
    GetPairAsOfHandler,
    ListSessionsHandler,
    GetProgramKpisHandler,
    ListMyPairsHandler,
  ],
  exports: [READ_MODELS],
})
export class QueriesModule implements OnApplicationShutdown {
  constructor(@Inject(READ_MODELS) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    await this.dataSource.destroy().catch(() => undefined);
  }
}
