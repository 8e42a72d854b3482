import { Module } from '@nestjs/common';
import { ProgramHistoryController } from './program-history/program-history.controller';
import { ProgramHistoryHandler } from './program-history/program-history.query';
import { AnchoredHeads } from './verify-integrity/anchored-heads';
import { VerifyIntegrityController } from './verify-integrity/verify-integrity.controller';
import { VerifyIntegrityHandler } from './verify-integrity/verify-integrity.query';

/** What auditors read: straight from the event store (not the read models), with the chain checked. */
@Module({
  controllers: [VerifyIntegrityController, ProgramHistoryController],
  providers: [AnchoredHeads, VerifyIntegrityHandler, ProgramHistoryHandler],
})
export class AuditModule {}
