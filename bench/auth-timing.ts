// `npx tsx bench/auth-timing.ts` (after `npm run build`): how long sign-up and sign-in take for an
// email that has an account and one that has none. They should match, so the clock tells no one
// which emails have accounts (docs/security.md). Medians of 30 rounds, sequential, one app.
import { startApp } from '../tests/support/app';
import { signIn, signUp } from '../tests/support/users';

const ROUNDS = 30;
const app = await startApp({ AUTH_ATTEMPTS_PER_15_MINUTES: '100000' });
const taken = `taken-${Date.now()}@example.com`;
await signUp(app, taken, 'the account password');

const cases: Record<string, (round: number) => Promise<unknown>> = {
  'sign-up, new email': (round) => signUp(app, `new-${round}-${Date.now()}@example.com`, 'a long password'),
  'sign-up, taken email': () => signUp(app, taken, 'a long password'),
  'sign-in, unknown email': (round) => signIn(app, `nobody-${round}@example.com`, 'a long password'),
  'sign-in, wrong password': () => signIn(app, taken, 'a long password'),
};
const times = new Map(Object.keys(cases).map((name) => [name, [] as number[]]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(cases)) {
    const started = performance.now();
    await run(round);
    times.get(name)!.push(performance.now() - started);
  }
}
for (const [name, spent] of times) {
  const median = spent.sort((a, b) => a - b)[Math.floor(spent.length / 2)]!;
  console.log(`${name.padEnd(24)} median ${median.toFixed(1)} ms`);
}
await app.stop();
