/** `npm run fuzz -- --runs N --seed S` (see fuzz/main.ts). */
import { main } from './fuzz/main';

process.exitCode = main(
  process.argv.slice(2),
  (l) => process.stdout.write(`${l}\n`),
  (l) => process.stderr.write(`${l}\n`),
);
