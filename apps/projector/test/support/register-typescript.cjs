// Runs the TypeScript sources directly in a plain `node` process: `node -r <this file> apps/projector/src/main.ts`.
// Tests use it to run the real projector as a child process they can SIGKILL, and the Kafka benchmark to run
// its TypeScript. It transpiles each .ts file on require with TypeScript itself (as ts-jest does for the suites)
// and resolves the tsconfig.json path aliases (@flipside/...), so no build step and no extra package are needed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const ts = require('typescript');

const root = path.resolve(__dirname, '../../../..');
const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
const baseUrl = path.resolve(root, tsconfig.compilerOptions.baseUrl || '.');

// "@flipside/domain/*": ["libs/domain/src/*"] becomes a prefix rule; "@flipside/config": [...] an exact one.
const aliases = Object.entries(tsconfig.compilerOptions.paths || {}).map(([pattern, targets]) => ({
  prefix: pattern.endsWith('*') ? pattern.slice(0, -1) : pattern,
  wildcard: pattern.endsWith('*'),
  target: path.resolve(baseUrl, targets[0].replace(/\*$/, '')),
}));

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveAliased(request, parent, isMain, options) {
  for (const alias of aliases) {
    if (alias.wildcard ? request.startsWith(alias.prefix) : request === alias.prefix) {
      const rest = alias.wildcard ? request.slice(alias.prefix.length) : '';
      return resolveFilename.call(this, path.join(alias.target, rest), parent, isMain, options);
    }
  }
  return resolveFilename.call(this, request, parent, isMain, options);
};

const compilerOptions = {
  ...ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions, root).options,
  module: ts.ModuleKind.CommonJS,
  inlineSourceMap: true,
  sourceMap: false,
  declaration: false,
  noEmit: false,
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};

process.setSourceMapsEnabled(true);
