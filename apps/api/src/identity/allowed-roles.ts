import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Request } from 'express';
import { Actor, Role } from './actor';

export const ALLOWED_ROLES = 'flipside:allowed-roles';

/** Which roles may call a route; the guard answers 403 to the others. */
export const AllowedRoles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

export interface AuthenticatedRequest extends Request {
  actor?: Actor;
}

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Error('CurrentActor used on a route without authentication');
  return actor;
});
