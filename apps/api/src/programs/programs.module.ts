import { Module } from '@nestjs/common';
import { CloseProgramController } from './close-program/close-program.controller';
import { CloseProgramHandler } from './close-program/close-program.command';
import { CreateProgramController } from './create-program/create-program.controller';
import { CreateProgramHandler } from './create-program/create-program.command';
import { LaunchProgramController } from './launch-program/launch-program.controller';
import { LaunchProgramHandler } from './launch-program/launch-program.command';

@Module({
  controllers: [CreateProgramController, LaunchProgramController, CloseProgramController],
  providers: [CreateProgramHandler, LaunchProgramHandler, CloseProgramHandler],
})
export class ProgramsModule {}
