import { IsString, Length } from 'class-validator';
import { LIMITS } from '@flipside/domain';
import { IsCalendarDate } from '../../http/calendar-date';

export class RecordTrainingDto {
  /** The training module completed, e.g. "Reverse mentoring essentials". */
  @IsString() @Length(LIMITS.trainingModule.minLength, LIMITS.trainingModule.maxLength)
  module!: string;

  @IsCalendarDate()
  completedOn!: string;
}
