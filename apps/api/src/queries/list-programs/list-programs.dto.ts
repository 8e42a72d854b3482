import { IsIn } from 'class-validator';
import { MayBeOmitted } from '../../http/may-be-omitted';
import { PageQueryDto } from '../shared/paging';

export const PROGRAM_LIST_STATUSES = ['draft', 'active', 'closed'] as const;

export class ListProgramsDto extends PageQueryDto {
  @MayBeOmitted()
  @IsIn(PROGRAM_LIST_STATUSES, { message: `status must be one of ${PROGRAM_LIST_STATUSES.join(', ')}` })
  status?: (typeof PROGRAM_LIST_STATUSES)[number];
}
