// The TypeScript runner for child processes (register-typescript.cjs), plus the @flipside/read-models alias in
// case tsconfig.json does not map it yet.
'use strict';
const path = require('node:path');
const Module = require('node:module');
require('./register-typescript.cjs');

const target = path.resolve(__dirname, '../../../../libs/read-models/src');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveReadModels(request, parent, isMain, options) {
  if (request === '@flipside/read-models') return resolveFilename.call(this, target, parent, isMain, options);
  return resolveFilename.call(this, request, parent, isMain, options);
};
