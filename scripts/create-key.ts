// Gets a newcomer to an authenticated curl at once: creates the account if it is new (printing
// its generated password), then creates and prints an API key.
//   npm run create-key -- you@example.com
import { randomBytes } from 'node:crypto';
import { loadEnvironment } from '../lib/environment.mjs';

// The same settings `npm run dev` starts with, before the database module reads them.
loadEnvironment(process.cwd(), true);

const { forOwner } = await import('../lib/db/owned');
const { createUser, normaliseEmail } = await import('../lib/db/users');
const { db } = await import('../lib/db/client');

const email = process.argv[2];
if (!email || !email.includes('@')) {
  console.error('usage: npm run create-key -- you@example.com');
  process.exit(1);
}

const password = randomBytes(12).toString('base64url');
const created = await createUser(email, password);
const user = created ?? (await db().user.findUniqueOrThrow({ where: { email: normaliseEmail(email) } }));
const key = await forOwner(user.id).apiKeys.create('command line');

if (created) console.log(`Created ${user.email} with password: ${password}`);
console.log(`API key for ${user.email} (shown once): ${key.key}`);
console.log(`\ncurl -N -H "Authorization: Bearer ${key.key}" "localhost:3000/api/stream?q=Hello+World"`);
await db().$disconnect();
