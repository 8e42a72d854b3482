import { IsIn } from 'class-validator';
import { MayBeOmitted } from '../../http/may-be-omitted';
import { PAIR_HEALTHS } from '../shared/pair-health';
import { PageQueryDto } from '../shared/paging';

export const PAIR_STATUSES = ['active', 'ended'] as const;

export class ListPairsDto extends PageQueryDto {
  @MayBeOmitted()
  @IsIn(PAIR_STATUSES, { message: `status must be one of ${PAIR_STATUSES.join(', ')}` })
  status?: (typeof PAIR_STATUSES)[number];

  /** Health as of today; only active pairs have one. */
  @MayBeOmitted()
  @IsIn(PAIR_HEALTHS, { message: `health must be one of ${PAIR_HEALTHS.join(', ')}` })
  health?: (typeof PAIR_HEALTHS)[number];

  /** true: pairs with an open engagement flag (the ones that need attention); false: those without one. */
  @MayBeOmitted()
  @IsIn(['true', 'false'], { message: 'flagged must be true or false' })
  flagged?: 'true' | 'false';
}
