import { MayBeOmitted } from '../../http/may-be-omitted';
import { IsCalendarDate } from '../../http/calendar-date';

export class GetProgramKpisDto {
  /** First day of the series (its week is included); default the program's start. */
  @MayBeOmitted()
  @IsCalendarDate()
  from?: string;

  /** Last day of the series (its week is included); default today, or the program's end if earlier. */
  @MayBeOmitted()
  @IsCalendarDate()
  to?: string;
}
