/**
 * `npm run --silent sim -- [--scenario FILE.json] [--FIELD VALUE ...] [--at S:ACTION[:SERVER] ...]`
 * (see simMain.ts and `--help`).
 */
import { main } from './simMain';

// A reader that stops early (`| head`) is not an error of ours: no stack trace for EPIPE.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

// Exit through exitCode, not process.exit(), so a large JSON piped to a slow reader is flushed.
process.exitCode = main(process.argv.slice(2), process.stdout, process.stderr);
