import { Module } from '@nestjs/common';
import { LogSessionController } from './log-session/log-session.controller';
import { LogSessionHandler } from './log-session/log-session.command';

@Module({ controllers: [LogSessionController], providers: [LogSessionHandler] })
export class SessionsModule {}
