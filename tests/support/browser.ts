import { existsSync } from "node:fs";
import { type Browser, type BrowserServer, chromium } from "playwright-core";

/** Debian's chromium (apt-get install chromium); never a browser downloaded by a test tool. */
export const CHROMIUM = process.env.DOCSORT_CHROMIUM ?? "/usr/bin/chromium";
export const chromiumAvailable = existsSync(CHROMIUM);
/** Set by .ci/run: a missing browser fails the run instead of skipping the browser tests. */
export const browserRequired = process.env.DOCSORT_REQUIRE_BROWSER === "1";

/**
 * Headless, as root in a container: no sandbox; no GPU, QUIC, first-run, background networking, component
 * updates or sync, so chromium never tries to reach the network (this machine's network is closed).
 */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Starts chromium (its own process group) and connects Playwright to it; close() ends the whole group. */
export async function launchChromium(): Promise<TestBrowser> {
  const server: BrowserServer = await chromium.launchServer({
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  const browser = await chromium.connect(server.wsEndpoint());
  const pid = server.process().pid;
  return {
    browser,
    async close() {
      await settle(browser.close());
      await settle(server.close());
      if (pid !== undefined) {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // already gone with its group
        }
      }
    },
  };
}

/** Waits for `promise` at most 10 s and never throws: teardown goes on to kill the process group regardless. */
async function settle(promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => {}),
    new Promise((resolve) => {
      timer = setTimeout(resolve, 10_000);
    }),
  ]);
  clearTimeout(timer);
}
