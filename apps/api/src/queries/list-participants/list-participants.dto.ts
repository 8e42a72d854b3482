import { IsIn } from 'class-validator';
import { MayBeOmitted } from '../../http/may-be-omitted';
import { PARTICIPANT_ROLES } from '@flipside/domain';
import { PageQueryDto } from '../shared/paging';

export const PARTICIPANT_STATUSES = ['enrolled', 'withdrawn'] as const;

export class ListParticipantsDto extends PageQueryDto {
  @MayBeOmitted()
  @IsIn(PARTICIPANT_ROLES, { message: `role must be one of ${PARTICIPANT_ROLES.join(', ')}` })
  role?: (typeof PARTICIPANT_ROLES)[number];

  @MayBeOmitted()
  @IsIn(PARTICIPANT_STATUSES, { message: `status must be one of ${PARTICIPANT_STATUSES.join(', ')}` })
  status?: (typeof PARTICIPANT_STATUSES)[number];

  /** true: enrolled participants without an active pair; false: those with one. */
  @MayBeOmitted()
  @IsIn(['true', 'false'], { message: 'unpaired must be true or false' })
  unpaired?: 'true' | 'false';
}
