import { Module } from '@nestjs/common';
import { ErasePersonController } from './erase-person/erase-person.controller';
import { ErasePersonHandler } from './erase-person/erase-person.command';
import { PersonalDataController } from './personal-data/personal-data.controller';
import { PersonalDataHandler } from './personal-data/personal-data.query';

/** What an organization does for a person as a data subject: erase them, tell them what is held. */
@Module({
  controllers: [ErasePersonController, PersonalDataController],
  providers: [ErasePersonHandler, PersonalDataHandler],
})
export class PeopleModule {}
