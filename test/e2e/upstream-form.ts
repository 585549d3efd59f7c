// Settings → Upstream as the office screen tests fill it in.
import type { Locator, Page } from 'playwright-core';

/** The Settings screen's Upstream section. */
export function upstreamSection(page: Page): Locator {
  return page
    .locator('section')
    .filter({ has: page.getByRole('heading', { name: 'Upstream', exact: true }) });
}

/**
 * Ticks "Relay through an upstream smart host" and fills in a smart host on this machine at
 * `port` with `security`; returns the section for the rest of the test.
 */
export async function fillLocalUpstream(
  page: Page,
  port: number,
  security: 'none' | 'starttls' | 'tls',
): Promise<Locator> {
  const section = upstreamSection(page);
  await section.getByLabel('Relay through an upstream smart host').check();
  await section.getByLabel('Upstream host').fill('127.0.0.1');
  await section.getByLabel('Upstream port').fill(String(port));
  await section.getByLabel('Security').selectOption(security);
  return section;
}
