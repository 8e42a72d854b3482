import { Module } from '@nestjs/common';
import { GiveFeedbackController } from './give-feedback/give-feedback.controller';
import { GiveFeedbackHandler } from './give-feedback/give-feedback.command';

@Module({ controllers: [GiveFeedbackController], providers: [GiveFeedbackHandler] })
export class FeedbackModule {}
