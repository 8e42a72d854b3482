import { Module } from '@nestjs/common';
import { PublishingModule } from './publishing';
import { ProjectionsModule } from './projections/projections.module';

/**
 * The projector process: everything that follows the event log. Each concern is a module of its own with its
 * own subscription and checkpoint (read-model projections, a /health and /metrics port are added beside this).
 */
@Module({
  imports: [PublishingModule.forRoot(), ProjectionsModule.forRoot()],
})
export class ProjectorModule {}
