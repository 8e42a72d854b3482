// `npm run token -- --role admin --org acme [--sub id] [--expires 8h]`: a development bearer token.
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { localJwtSecret, root } from './lib/dev-env.mjs';

const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true, default: ['admin'] },
    org: { type: 'string', default: 'acme' },
    sub: { type: 'string', default: 'dev-admin' },
    expires: { type: 'string', default: '8h' },
  },
});
const roles = values.role.flatMap((role) => role.split(','));
const allowed = ['admin', 'participant', 'analyst', 'auditor'];
for (const role of roles) {
  if (!allowed.includes(role)) {
    console.error(`Unknown role "${role}"; use ${allowed.join(', ')}`);
    process.exit(2);
  }
}
const jwt = createRequire(`${root}/package.json`)('jsonwebtoken');
const { secret } = localJwtSecret();
process.stdout.write(
  jwt.sign({ sub: values.sub, org: values.org, roles }, secret, { algorithm: 'HS256', expiresIn: values.expires }) + '\n',
);
