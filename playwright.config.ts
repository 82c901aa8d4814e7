import { defineConfig } from '@playwright/test';
import { returningVisitor } from './e2e/helpers';
// @ts-expect-error plain ESM helper without types
import { CHROMIUM_ARGS, findChromium, NO_BROWSER_MESSAGE } from './scripts/chromium.mjs';

const executablePath: string | undefined = await findChromium();
if (!executablePath) {
  console.error(NO_BROWSER_MESSAGE);
  process.exit(1);
}

// Override when several suites run side by side (each also wants its own build folder).
const PORT = Number(process.env.E2E_PORT ?? 4317);

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
  outputDir: 'test-results/artifacts',
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    viewport: { width: 1280, height: 720 },
    storageState: returningVisitor(`http://127.0.0.1:${PORT}/`),
    launchOptions: { executablePath, args: CHROMIUM_ARGS },
    trace: 'off',
  },
  webServer: {
    // The same server `npm start` uses, so e2e also covers it (long share links, MIME types).
    command: `node scripts/serve.mjs`,
    env: { PORT: String(PORT), STRICT_PORT: '1' },
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
