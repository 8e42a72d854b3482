import { IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@flipside/domain';

export class CloseProgramDto {
  /** What the program achieved, in the administrator's words. */
  @IsString() @MaxLength(LIMITS.programOutcome.maxLength)
  outcome!: string;
}
