import { Module } from '@nestjs/common';
import { CloseProgramController } from './close-program/close-program.controller';
import { CloseProgramHandler } from './close-program/close-program.command';
import { CreateProgramController } from './create-program/create-program.controller';
import { CreateProgramHandler } from './create-program/create-program.command';
import { LaunchProgramController } from './launch-program/launch-program.controller';
import { LaunchProgramHandler } from './launch-program/launch-program.command';
import { ReadEngagementPolicyController } from './read-engagement-policy/read-engagement-policy.controller';
import { ReadEngagementPolicyHandler } from './read-engagement-policy/read-engagement-policy.query';
import { SetEngagementPolicyController } from './set-engagement-policy/set-engagement-policy.controller';
import { SetEngagementPolicyHandler } from './set-engagement-policy/set-engagement-policy.command';

@Module({
  controllers: [
    CreateProgramController,
    LaunchProgramController,
    CloseProgramController,
    SetEngagementPolicyController,
    ReadEngagementPolicyController,
  ],
  providers: [
    CreateProgramHandler,
    LaunchProgramHandler,
    CloseProgramHandler,
    SetEngagementPolicyHandler,
    ReadEngagementPolicyHandler,
  ],
})
export class ProgramsModule {}
