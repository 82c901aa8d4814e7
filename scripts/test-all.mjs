// `npm test`: typecheck, lint, unit, e2e, in that order, stopping at the first failure.
// Ends with the plain line `N passed, N failed` (unit + e2e together) that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const counts = { passed: 0, failed: 0 };
mkdirSync('test-results', { recursive: true });

function run(label, cmd, args) {
  console.log(`\n── ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return r.status === 0;
}

function finish(ok) {
  console.log(`\n${counts.passed} passed, ${counts.failed} failed`);
  process.exit(ok ? 0 : 1);
}

function readJson(path) {
  try {
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  } catch {
    return undefined;
  }
}

const npx = 'node';
if (!run('typecheck', 'npm', ['run', '--silent', 'typecheck'])) finish(false);
if (!run('lint', 'npm', ['run', '--silent', 'lint'])) finish(false);

const unitOk = run('unit', npx, [
  'node_modules/vitest/vitest.mjs',
  'run',
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=test-results/unit-report.json',
]);
const unit = readJson('test-results/unit-report.json');
if (unit) {
  counts.passed += unit.numPassedTests ?? 0;
  counts.failed += unit.numFailedTests ?? 0;
} else if (!unitOk) counts.failed += 1;
if (!unitOk) finish(false);

if (!run('build', 'npm', ['run', '--silent', 'build'])) finish(false);
const e2eOk = run('e2e', npx, ['node_modules/@playwright/test/cli.js', 'test']);
const e2e = readJson('test-results/e2e-report.json');
if (e2e?.stats) {
  counts.passed += e2e.stats.expected ?? 0;
  counts.failed += (e2e.stats.unexpected ?? 0) + (e2e.stats.flaky ?? 0);
} else if (!e2eOk) counts.failed += 1;
finish(e2eOk);
