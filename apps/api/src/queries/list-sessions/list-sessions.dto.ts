import { MayBeOmitted } from '../../http/may-be-omitted';
import { IsCalendarDate } from '../../http/calendar-date';
import { PageQueryDto } from '../shared/paging';

export class ListSessionsDto extends PageQueryDto {
  /** Sessions held on or after this day. */
  @MayBeOmitted()
  @IsCalendarDate()
  from?: string;

  /** Sessions held on or before this day. */
  @MayBeOmitted()
  @IsCalendarDate()
  to?: string;
}
