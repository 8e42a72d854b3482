import { IsIn, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { MayBeOmitted } from '../../http/may-be-omitted';
import { IsId } from '../../http/is-id';
import { FOCUS_AREAS, FocusArea, LIMITS } from '@flipside/domain';
import { IsCalendarDate } from '../../http/calendar-date';

export class SetObjectiveDto {
  /** Optional client-chosen objective id. */
  @MayBeOmitted() @IsId()
  id?: string;

  @IsString() @Length(LIMITS.objectiveTitle.minLength, LIMITS.objectiveTitle.maxLength)
  title!: string;

  /** One of the program's focus areas. */
  @IsIn(FOCUS_AREAS)
  area!: FocusArea;

  @IsString() @Length(LIMITS.successCriteria.minLength, LIMITS.successCriteria.maxLength)
  successCriteria!: string;

  /** Within the program's dates. */
  @IsCalendarDate()
  targetDate!: string;

  @IsInt() @Min(LIMITS.level.min) @Max(LIMITS.level.max)
  baselineLevel!: number;

  /** Above the baseline. */
  @IsInt() @Min(LIMITS.level.min) @Max(LIMITS.level.max)
  targetLevel!: number;
}
