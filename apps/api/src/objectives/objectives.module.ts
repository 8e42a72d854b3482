import { Module } from '@nestjs/common';
import { AchieveObjectiveController } from './achieve-objective/achieve-objective.controller';
import { AchieveObjectiveHandler } from './achieve-objective/achieve-objective.command';
import { DropObjectiveController } from './drop-objective/drop-objective.controller';
import { DropObjectiveHandler } from './drop-objective/drop-objective.command';
import { RecordObjectiveProgressController } from './record-objective-progress/record-objective-progress.controller';
import { RecordObjectiveProgressHandler } from './record-objective-progress/record-objective-progress.command';
import { SetObjectiveController } from './set-objective/set-objective.controller';
import { SetObjectiveHandler } from './set-objective/set-objective.command';

@Module({
  controllers: [SetObjectiveController, RecordObjectiveProgressController, AchieveObjectiveController, DropObjectiveController],
  providers: [SetObjectiveHandler, RecordObjectiveProgressHandler, AchieveObjectiveHandler, DropObjectiveHandler],
})
export class ObjectivesModule {}
