import { Module } from '@nestjs/common';
import { PublishingModule } from './publishing';
import { ProjectionsModule } from './projections/projections.module';
import { AuditAnchorsModule } from './audit-anchors';

/**
 * The projector process: everything that follows the event log. Each concern is a module of its own with its
 * own subscription and checkpoint (read-model projections, a /health and /metrics port are added beside this).
 */
@Module({
  imports: [PublishingModule.forRoot(), ProjectionsModule.forRoot(), AuditAnchorsModule.forRoot()],
})
export class ProjectorModule {}
