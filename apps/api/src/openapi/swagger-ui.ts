import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the page and its assets are served. Absolute, so /docs and /docs/ both work. */
export const DOCS_PATH = '/docs';
export const ASSETS_PATH = `${DOCS_PATH}/swagger-ui`;
export const DOCUMENT_JSON_PATH = `${DOCS_PATH}/openapi.json`;

export interface Asset {
  readonly contentType: string;
  readonly body: Buffer;
}

/** The files of swagger-ui-dist the page uses; nothing else of the package is served. */
const DIST_FILES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/** Ours: starts Swagger UI on the document. A separate file rather than an inline script, so a strict CSP can apply. */
const INITIALIZER = 'flipside-initializer.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** Swagger UI from swagger-ui-dist's static files: the page, and each whitelisted asset read once, when first asked for. */
export class SwaggerUi {
  readonly page: string;
  private readonly distFolder: string;
  private readonly cache = new Map<string, Asset>();

  constructor(title: string) {
    this.distFolder = dirname(require.resolve('swagger-ui-dist/package.json'));
    const missing = Object.keys(DIST_FILES).filter((file) => !existsSync(join(this.distFolder, file)));
    if (missing.length > 0) throw new Error(`swagger-ui-dist in ${this.distFolder} lacks ${missing.join(', ')}`);
    this.cache.set(INITIALIZER, {
      contentType: 'text/javascript; charset=utf-8',
      body: Buffer.from(initializerScript(), 'utf8'),
    });
    this.page = pageHtml(title);
  }

  /** The asset of that name, or undefined for any name not whitelisted. */
  asset(name: string): Asset | undefined {
    const cached = this.cache.get(name);
    if (cached) return cached;
    if (!Object.prototype.hasOwnProperty.call(DIST_FILES, name)) return undefined;
    const asset = { contentType: DIST_FILES[name], body: readFileSync(join(this.distFolder, name)) };
    this.cache.set(name, asset);
    return asset;
  }
}

function initializerScript(): string {
  const options = {
    url: DOCUMENT_JSON_PATH,
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 1,
  };
  return [
    "'use strict';",
    'window.addEventListener("load", function () {',
    `  var options = ${JSON.stringify(options)};`,
    '  options.presets = [SwaggerUIBundle.presets.apis];',
    '  options.plugins = [SwaggerUIBundle.plugins.DownloadUrl];',
    '  window.ui = SwaggerUIBundle(options);',
    '});',
    '',
  ].join('\n');
}

function pageHtml(title: string): string {
  const safeTitle = escapeHtml(title);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${safeTitle}</title>
    <link rel="stylesheet" href="${ASSETS_PATH}/swagger-ui.css">
    <link rel="icon" type="image/png" sizes="32x32" href="${ASSETS_PATH}/favicon-32x32.png">
    <link rel="icon" type="image/png" sizes="16x16" href="${ASSETS_PATH}/favicon-16x16.png">
  </head>
  <body>
    <noscript>${safeTitle}: the contract is at <a href="${DOCUMENT_JSON_PATH}">${DOCUMENT_JSON_PATH}</a> and <a href="${DOCS_PATH}/openapi.yaml">${DOCS_PATH}/openapi.yaml</a>.</noscript>
    <div id="swagger-ui"></div>
    <script src="${ASSETS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${ASSETS_PATH}/${INITIALIZER}"></script>
  </body>
</html>
`;
}
