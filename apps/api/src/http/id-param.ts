import { Param, ParseUUIDPipe, PipeTransform } from '@nestjs/common';
import { canonicalId } from './is-id';
import { problems } from './problem';

const toCanonicalId: PipeTransform<string, unknown> = { transform: canonicalId };

/** A path id; ids are UUIDs, so anything else is a 400 naming the parameter. Lower-cased, as body ids are. */
export const IdParam = (name: string) =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => problems.invalidRequest([{ field: name, message: `${name} must be a UUID` }]),
    }),
    toCanonicalId,
  );
