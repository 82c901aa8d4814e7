/**
 * `npm run --silent bench -- [--json] [--only NAME[,NAME]] [--list]` (see benchMain.ts).
 */
import { fileURLToPath } from 'node:url';
import { main } from './benchMain';

main(process.argv.slice(2), fileURLToPath(import.meta.url)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`hopscope bench: ${String((e as Error)?.stack ?? e)}\n`);
    process.exitCode = 1;
  },
);
