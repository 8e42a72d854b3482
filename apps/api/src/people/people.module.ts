import { Module } from '@nestjs/common';
import { QueriesModule } from '../queries/queries.module';
import { ErasePersonController } from './erase-person/erase-person.controller';
import { ErasePersonHandler } from './erase-person/erase-person.command';
import { PersonalDataController } from './personal-data/personal-data.controller';
import { PersonalDataHandler } from './personal-data/personal-data.query';
import { ProgramsOfPerson } from './programs-of-person';

/** What an organization does for a person as a data subject: erase them, tell them what is held. */
@Module({
  imports: [QueriesModule],
  controllers: [ErasePersonController, PersonalDataController],
  providers: [ErasePersonHandler, PersonalDataHandler, ProgramsOfPerson],
})
export class PeopleModule {}
