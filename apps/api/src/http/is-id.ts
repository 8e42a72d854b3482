import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsUUID, ValidationOptions } from 'class-validator';

/** Lower case, as ids are stored: one UUID written in two cases must not name two streams. */
export const canonicalId = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : value);

/** An id in a body: a UUID, canonicalized to lower case before it is validated and used. */
export const IsId = (options?: ValidationOptions) =>
  applyDecorators(
    Transform(({ value }) => canonicalId(value)),
    IsUUID(undefined, options),
  );
