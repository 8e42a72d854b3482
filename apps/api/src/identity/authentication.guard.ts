import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { problems } from '../http/problem';
import { Role } from './actor';
import { ALLOWED_ROLES, AuthenticatedRequest } from './allowed-roles';
import { TOKEN_VERIFIER } from './identity.tokens';
import { InvalidTokenError, TokenKeysUnavailableError, TokenVerifier } from './token-verifier';

/** Every route with @AllowedRoles needs a valid bearer token (401) carrying one of those roles (403). */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly tokens: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!allowed) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw problems.unauthenticated('Send Authorization: Bearer <token>');
    try {
      request.actor = await this.tokens.verify(match[1]);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw problems.unauthenticated(error.message);
      if (error instanceof TokenKeysUnavailableError) throw problems.tokenKeysUnavailable();
      throw error;
    }
    if (!request.actor.roles.some((role) => allowed.includes(role))) {
      throw problems.forbidden(`This action needs one of the roles: ${allowed.join(', ')}`);
    }
    return true;
  }
}
