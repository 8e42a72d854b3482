import { Module } from '@nestjs/common';
import { EnrolParticipantController } from './enrol-participant/enrol-participant.controller';
import { EnrolParticipantHandler } from './enrol-participant/enrol-participant.command';
import { RecordTrainingController } from './record-training/record-training.controller';
import { RecordTrainingHandler } from './record-training/record-training.command';
import { WithdrawParticipantController } from './withdraw-participant/withdraw-participant.controller';
import { WithdrawParticipantHandler } from './withdraw-participant/withdraw-participant.command';

@Module({
  controllers: [EnrolParticipantController, WithdrawParticipantController, RecordTrainingController],
  providers: [EnrolParticipantHandler, WithdrawParticipantHandler, RecordTrainingHandler],
})
export class ParticipantsModule {}
