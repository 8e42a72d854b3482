import { Module } from '@nestjs/common';
import { OpenApiController } from './openapi.controller';
import { OpenApiDocument } from './openapi-document';
import { SwaggerUi } from './swagger-ui';

/**
 * Serves docs/openapi.yaml, loaded once at start: GET /docs (Swagger UI), /docs/openapi.json, /docs/openapi.yaml.
 * A missing or malformed document stops the start, naming the file.
 */
@Module({
  controllers: [OpenApiController],
  providers: [
    { provide: OpenApiDocument, useFactory: () => OpenApiDocument.load() },
    { provide: SwaggerUi, useFactory: (openApi: OpenApiDocument) => new SwaggerUi(openApi.title), inject: [OpenApiDocument] },
  ],
  exports: [OpenApiDocument],
})
export class OpenApiModule {}
