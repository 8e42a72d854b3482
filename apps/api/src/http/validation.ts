import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { isText, TEXT_RULE } from './body-gate';
import { FieldProblem, problems } from './problem';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Path parameters are text like the rest of a request; body and query are held to it by the body gate. */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param' && typeof value === 'string' && !isText(value)) {
      const field = metadata.data ?? 'path';
      throw problems.invalidRequest([{ field, message: `${field} ${TEXT_RULE}` }]);
    }
    return super.transform(value, metadata);
  }
}

/** class-validator on every body and query: unknown fields are refused, one problem entry per field. */
export function requestValidation(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => problems.invalidRequest(flatten(errors)),
  });
}
