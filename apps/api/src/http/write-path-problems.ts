import { RuleViolation } from '@flipside/domain';
import { describeRevision } from '@flipside/event-store';
import { AccessDenied, CommandRefused, StaleRevision, StreamBusy, StreamNotFound, WritePathError } from '@flipside/write-path';
import { Problem, problems } from './problem';

/** A broken rule's answer: 400 naming the field, 404, or 409 with the rule's stable code. */
function violationProblem(violation: RuleViolation): Problem {
  switch (violation.kind) {
    case 'invalid':
      return problems.invalidRequest([{ field: violation.field ?? 'body', message: violation.message }]);
    case 'not-found':
      return problems.notFound(violation.message, violation.rule);
    default:
      return problems.ruleBroken(violation.rule, violation.message);
  }
}

/** The problem+json answer to each refusal of the write path (libs/write-path knows nothing of HTTP). */
export function problemOfRefusal(error: WritePathError): Problem {
  if (error instanceof CommandRefused) return violationProblem(error.violation);
  if (error instanceof AccessDenied) return problems.forbidden(error.message);
  if (error instanceof StaleRevision) return problems.stale(error.expected.toString(), describeRevision(error.actual));
  if (error instanceof StreamBusy) return problems.busy(error.message);
  if (error instanceof StreamNotFound) return problems.notFound(error.message, 'stream-not-found');
  return problems.internal();
}
