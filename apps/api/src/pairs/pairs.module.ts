import { Module } from '@nestjs/common';
import { EndPairController } from './end-pair/end-pair.controller';
import { EndPairHandler } from './end-pair/end-pair.command';
import { PairParticipantsController } from './pair-participants/pair-participants.controller';
import { PairParticipantsHandler } from './pair-participants/pair-participants.command';

@Module({
  controllers: [PairParticipantsController, EndPairController],
  providers: [PairParticipantsHandler, EndPairHandler],
})
export class PairsModule {}
