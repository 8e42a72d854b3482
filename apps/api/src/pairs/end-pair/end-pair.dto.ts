import { IsIn, IsString, MaxLength } from 'class-validator';
import { MayBeOmitted } from '../../http/may-be-omitted';
import { ADMIN_PAIR_END_REASONS, AdminPairEndReason, LIMITS } from '@flipside/domain';

export class EndPairDto {
  /** `withdrawn` and `program-closed` are recorded by the system only. */
  @IsIn(ADMIN_PAIR_END_REASONS)
  reason!: AdminPairEndReason;

  @MayBeOmitted() @IsString() @MaxLength(LIMITS.pairEndNote.maxLength)
  note?: string;
}
