// The Links tab's badge and summary count only the links that failed: a link the check blocked
// (to this machine or a private network, not asked unless Settings allows it) was counted as
// failed, as Mailpit's badge counts its 451, so a message whose links all answered read as
// broken. Real Chromium, the real relay and a real HTTP server answering 200 and 404.
//
// The check blocks every address of this machine unless allowInternalHttpRequests is on, and
// then blocks nothing: a server it asks and a link it blocks in one check need an address that
// is not internal. So the test runs again in a network namespace of its own (`unshare -n`, as
// root), where an Internet address on its loopback is this machine's alone, nothing else on it
// sees that address, and the namespace goes with the run.
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unusedPort } from '../helpers/ports.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const file = 'test/e2e/link-check-blocked.test.ts';
/** An ordinary Internet address (not internal to the check), on the namespace's loopback only. */
const outside = '93.184.215.14';
const inNamespace = process.env.RELAYDESK_LINK_CHECK_NETNS === outside;
const repoRoot = join(import.meta.dirname, '../..');

/** `unshare -n` works here (root, and a kernel and container that allow new namespaces). */
const canUnshare =
  !inNamespace &&
  process.platform === 'linux' &&
  spawnSync('unshare', ['-n', 'ip', 'link', 'set', 'lo', 'up'], { stdio: 'ignore' }).status === 0;
if (chromiumPath && !inNamespace && !canUnshare) {
  // said as a missing tool is (system-tools.ts): a skip nobody sees is a test nobody has
  const line =
    'a network namespace of their own (`unshare -n` and `ip`, run as root where namespaces are allowed): apt-get install -y util-linux iproute2, and run the suite as root';
  if (process.env.RELAYDESK_REQUIRE_TOOLS === '1')
    throw new Error(`${line} (required because RELAYDESK_REQUIRE_TOOLS=1)`);
  console.log(`skipping tests that need ${line}`);
}

describe.skipIf(!chromiumPath || inNamespace || !canUnshare)(
  'the Links tab with a blocked link',
  () => {
    it('passes in a network namespace of its own', async () => {
      const child = spawn(
        'unshare',
        [
          '-n',
          'sh',
          '-c',
          `ip link set lo up && ip addr add ${outside}/32 dev lo && exec npx vitest run ${file}`,
        ],
        {
          cwd: repoRoot,
          // this run has built out/ already
          env: { ...process.env, RELAYDESK_LINK_CHECK_NETNS: outside, RELAYDESK_SKIP_BUILD: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      // eslint-disable-next-line no-control-regex
      const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
      expect({ code, output: code === 0 ? '' : plain }).toEqual({ code: 0, output: '' });
      // the inner run ran the test, it did not skip it
      expect(plain).toMatch(/Tests\s+2 passed/);
    }, 240_000);
  },
);

describe.skipIf(!chromiumPath || !inNamespace)('the Links tab, in the namespace', () => {
  let gui: Gui;
  let links: Server;
  let origin: string;
  let page: Page;
  const subject = 'Links, one to the staging box';

  beforeAll(async () => {
    links = createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 404).end());
    const port = await unusedPort();
    await new Promise<void>((resolve) => links.listen(port, outside, resolve));
    origin = `http://${outside}:${port}`;
    // allowInternalHttpRequests off, as by default: the private address is not asked
    gui = await startGui(chromiumPath as string, { settings: { linkCheckTimeoutMs: 2000 } });
    page = gui.page;
    await gui.send({
      from: 'app@example.test',
      to: 'bob@example.test',
      subject,
      text: 'See the HTML part.',
      html: [
        `<p><a href="${origin}/ok">Confirm</a> <a href="${origin}/gone">Old link</a>`,
        '<a href="http://10.1.2.3/account">Staging</a></p>',
      ].join('\n'),
    });
    await page.goto(gui.relaydesk.url);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await new Promise((resolve) => links?.close(resolve));
  });

  /** The Links tab's badge, and what a screen reader hears after the tab's name. */
  const badge = async () => {
    const button = page.getByTestId('tab-links');
    const described = await button.getAttribute('aria-describedby');
    return {
      text: await button.getByTestId('tab-badge').innerText(),
      tone: await button.getByTestId('tab-badge').getAttribute('class'),
      words: described ? await page.locator(`[id="${described}"]`).textContent() : null,
    };
  };

  it('counts the 404 as failed and the blocked link apart', async () => {
    await gui.openTab(subject, 'Links');
    await page.getByTestId('link-check-run').click();
    await eventually(() => page.getByTestId('link-check-row').count()).toBe(3);
    expect(await page.getByTestId('link-check-summary').innerText()).toBe(
      '3 links, 1 with errors, 1 blocked (not asked)',
    );
    expect(await badge()).toEqual({
      text: '1',
      tone: expect.stringContaining('tab-badge-bad'),
      words: '1 of 2 links asked failed; 1 blocked (not asked: internal address)',
    });
    // the failure first, then the blocked link (not in the failures' red), then the answer
    const groups = await page.getByTestId('link-check-group').evaluateAll((bodies) =>
      bodies.map((body) => {
        const head = body.querySelector('th');
        // what the eye reads; a screen reader hears the relay's words (naming the setting)
        const hidden = head?.querySelector('.visually-hidden');
        return {
          answer: Array.from(head?.childNodes ?? [])
            .filter((node) => node !== hidden)
            .map((node) => node.textContent)
            .join(''),
          heard: hidden?.textContent?.slice(0, 41),
          look: head?.className,
          links: Array.from(body.querySelectorAll('td'), (cell) => cell.textContent),
        };
      }),
    );
    expect(groups).toEqual([
      { answer: '404 Not Found', look: 'error', links: [`${origin}/gone`] },
      {
        answer: '451 Blocked: internal address',
        heard: 'Blocked private/reserved address (ticking',
        look: 'blocked',
        links: ['http://10.1.2.3/account'],
      },
      { answer: '200 OK', look: '', links: [`${origin}/ok`] },
    ]);
    // the API keeps Mailpit's Errors (the blocked link among them) and marks the blocked one
    const check = await gui.relaydesk.api<{
      Errors: number;
      Links: { URL: string; Blocked?: boolean }[];
    }>('/api/v1/message/latest/link-check');
    expect(check.Errors).toBe(2);
    expect(check.Links.filter((link) => link.Blocked).map((link) => link.URL)).toEqual([
      'http://10.1.2.3/account',
    ]);
    await page.screenshot({ path: join(screenshots, 'link-check-blocked-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'link-check-blocked-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });

  it('says all asked links answered when only a blocked one did not', async () => {
    await gui.send({
      from: 'app@example.test',
      to: 'bob@example.test',
      subject: 'Only the staging box',
      html: `<p><a href="${origin}/ok">Confirm</a> <a href="http://10.1.2.3/account">Staging</a></p>`,
    });
    await page.goto(gui.relaydesk.url);
    await gui.openTab('Only the staging box', 'Links');
    await page.getByTestId('link-check-run').click();
    await eventually(() => page.getByTestId('link-check-row').count()).toBe(2);
    expect(await page.getByTestId('link-check-summary').innerText()).toBe(
      '2 links, 0 with errors, 1 blocked (not asked)',
    );
    expect(await badge()).toEqual({
      text: '0',
      tone: expect.stringContaining('tab-badge-ok'),
      words: 'the 1 link asked answered; 1 blocked (not asked: internal address)',
    });
    expect(gui.pageErrors).toEqual([]);
  });
});
