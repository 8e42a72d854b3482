// `npm run token -- --role admin --org acme [--sub id] [--expires 8h]`: a development bearer token.
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { localJwtSecret } from './lib/dev-env.mjs';

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
const claims = new SignJWT({ sub: values.sub, org: values.org, roles }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt();
try {
  claims.setExpirationTime(values.expires);
} catch {
  console.error(`--expires "${values.expires}" is not a lifetime; use e.g. 30m, 8h or 7d`);
  process.exit(2);
}
const { secret } = localJwtSecret();
const token = await claims.sign(new TextEncoder().encode(secret));
process.stdout.write(`${token}\n`);
