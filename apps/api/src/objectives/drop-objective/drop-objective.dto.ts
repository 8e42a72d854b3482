import { IsString, Length } from 'class-validator';
import { LIMITS } from '@flipside/domain';

export class DropObjectiveDto {
  @IsString() @Length(LIMITS.dropReason.minLength, LIMITS.dropReason.maxLength)
  reason!: string;
}
