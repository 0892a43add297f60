// Loads the served app in headless Chromium and checks that it renders:
// the root element contains the app, the backend's health shows up, a
// client-side route renders the same app, and the console stays free of
// errors. Saves a screenshot of the page.
//
// usage: node browser_test.mjs BASE_URL SCREENSHOT_PATH
import { chromium } from 'playwright-core';

const [baseUrl, screenshotPath] = process.argv.slice(2);
if (!baseUrl || !screenshotPath) {
  console.error('usage: node browser_test.mjs BASE_URL SCREENSHOT_PATH');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Background services would try to reach Google's hosts, which this
// network refuses. Playwright starts each run with a fresh profile.
const browser = await chromium.launch({
  executablePath,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`PASS: ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL: ${name}${detail ? `: ${detail}` : ''}`);
  }
}

try {
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) {
      consoleErrors.push(`${response.status()} for ${response.url()}`);
    }
  });

  const response = await page.goto(baseUrl, { waitUntil: 'networkidle' });
  check('GET / returns 200', response?.status() === 200, `status ${response?.status()}`);

  const app = page.locator('#root [data-testid="app"]');
  await app.waitFor({ timeout: 10_000 });
  check('the app renders inside #root', await app.isVisible());

  const health = page.locator('[data-testid="health"]');
  await health.waitFor({ timeout: 10_000 });
  const healthText = (await health.textContent())?.trim();
  check('the page shows the backend health', healthText === 'ok', `shows "${healthText}"`);

  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(`screenshot: ${screenshotPath}`);

  const route = await page.goto(new URL('/some/client/route', baseUrl).href, {
    waitUntil: 'networkidle',
  });
  check('a client-side route returns 200', route?.status() === 200, `status ${route?.status()}`);
  check('a client-side route renders the app', await app.isVisible());

  check('no console errors', consoleErrors.length === 0, consoleErrors.join(' | '));
} finally {
  await browser.close();
}

console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
