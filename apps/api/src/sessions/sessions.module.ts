import { Module } from '@nestjs/common';
import { LogSessionController } from './log-session/log-session.controller';
import { LogSessionHandler } from './log-session/log-session.command';
import { ReadConfidentialNotesController } from './read-confidential-notes/read-confidential-notes.controller';
import { ReadConfidentialNotesHandler } from './read-confidential-notes/read-confidential-notes.query';

@Module({
  controllers: [LogSessionController, ReadConfidentialNotesController],
  providers: [LogSessionHandler, ReadConfidentialNotesHandler],
})
export class SessionsModule {}
