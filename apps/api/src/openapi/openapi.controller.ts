import { Controller, Get, Param, Res } from '@nestjs/common';
import { Response } from 'express';
import { problems } from '../http/problem';
import { OpenApiDocument } from './openapi-document';
import { SwaggerUi } from './swagger-ui';

/**
 * The API's contract, for people (/docs, Swagger UI) and machines (/docs/openapi.json, /docs/openapi.yaml).
 * No @AllowedRoles: the authentication guard lets these through without a token.
 */
@Controller('docs')
export class OpenApiController {
  constructor(
    private readonly openApi: OpenApiDocument,
    private readonly swaggerUi: SwaggerUi,
  ) {}

  @Get()
  page(@Res() response: Response): void {
    response.setHeader('Cache-Control', 'no-cache');
    response.type('html').send(this.swaggerUi.page);
  }

  @Get('openapi.json')
  json(@Res() response: Response): void {
    response.setHeader('Cache-Control', 'no-cache');
    response.type('application/json').send(this.openApi.json);
  }

  @Get('openapi.yaml')
  yaml(@Res() response: Response): void {
    response.setHeader('Cache-Control', 'no-cache');
    response.type('application/yaml').send(this.openApi.yaml);
  }

  @Get('swagger-ui/:asset')
  asset(@Param('asset') name: string, @Res() response: Response): void {
    const asset = this.swaggerUi.asset(name);
    if (!asset) throw problems.notFound(`No documentation asset ${name}`);
    response.setHeader('Cache-Control', 'public, max-age=3600');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.type(asset.contentType).send(asset.body);
  }
}
