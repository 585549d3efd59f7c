// The HTML check through Mailpit's own client (`htmlCheck`) on mail sent over SMTP, scored
// against the caniemail package's data: which features some clients lack, in which clients,
// where in the HTML part, and the overall score.
import { MailpitClient } from 'mailpit-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHtml } from '../../main/core/checks/html-check/index.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

const richHtml = [
  '<!doctype html>',
  '<html><head>',
  '<style>',
  '  .row { display: flex; }',
  '  @media (prefers-color-scheme: dark) { .row { color: #fff } }',
  '</style>',
  '</head><body>',
  '<div class="row"><p>Hello <strong>Bob</strong></p></div>',
  '<form action="https://app.example/vote"><input type="checkbox" name="yes"></form>',
  '<script>track()</script>',
  '</body></html>',
].join('\n');

const plainHtml = '<div><p>Hello <strong>Bob</strong></p><table><tr><td>1</td></tr></table></div>';

/** 1-based line and column of the first `needle` in `text`. */
function lineAndColumn(text: string, needle: string): { Line: number; Column: number } {
  const offset = text.indexOf(needle);
  const before = text.slice(0, offset).split('\n');
  return { Line: before.length, Column: (before.at(-1) as string).length + 1 };
}

describe('the HTML check', () => {
  let relay: TestRelaydesk;
  let client: MailpitClient;

  async function send(html: string | undefined, subject: string): Promise<string> {
    const info = await relay.transport().sendMail({
      from: 'app@sender.example',
      to: 'bob@rcpt.example',
      subject,
      text: 'Hello Bob',
      ...(html ? { html } : {}),
    });
    return /queued as (\S+)/.exec(info.response)?.[1] as string;
  }

  beforeAll(async () => {
    relay = await startTestRelaydesk();
    client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);
  });
  afterAll(async () => relay?.dispose());

  it('names each feature some clients lack, the clients, and where it is used', async () => {
    const result = await client.htmlCheck(await send(richHtml, 'Rich'));
    const bySlug = new Map(result.Warnings.map((w) => [w.Slug, w]));

    const flex = bySlug.get('css-display-flex');
    expect(flex?.Title).toBe('display:flex');
    expect(flex?.Category).toBe('css');
    expect(flex?.URL).toMatch(/^https:\/\/www\.caniemail\.com\/features\//);
    expect(flex?.Score.Found).toBe(1);
    expect(flex?.Score.Unsupported).toBeGreaterThan(0);
    expect(
      flex?.Results.filter((r) => r.Family === 'outlook' && r.Platform === 'windows'),
    ).toContainEqual(expect.objectContaining({ Version: '2019', Support: 'no' }));
    const location = (flex as unknown as { Locations: Array<Record<string, unknown>> })
      .Locations[0];
    expect(location).toMatchObject({
      ...lineAndColumn(richHtml, 'display: flex'),
      Source: 'display: flex',
    });

    for (const slug of [
      'html-form',
      'html-input-checkbox',
      'css-at-media-prefers-color-scheme',
      'html-doctype',
    ]) {
      expect(bySlug.has(slug), slug).toBe(true);
    }
    const script = bySlug.get('html-script');
    expect(script?.Score).toMatchObject({ Found: 1, Unsupported: 100 });
    // fully supported everywhere: not a warning
    expect(bySlug.has('html-strong')).toBe(false);
    expect(bySlug.has('html-p')).toBe(false);
    for (const w of result.Warnings)
      expect(w.Score.Partial + w.Score.Unsupported).toBeGreaterThan(0);

    expect(result.Platforms.windows).toContain('Outlook');
    expect(result.Platforms.ios).toContain('Apple Mail');
    const { Supported, Partial, Unsupported, Nodes, Tests } = result.Total;
    expect(Supported + Partial + Unsupported).toBeCloseTo(100);
    expect(Unsupported).toBeGreaterThan(0);
    expect(Nodes).toBe(7); // div, p, strong, form, input, script and style
    expect(Tests).toBeGreaterThan(200);
  });

  it('scores plain table-and-paragraph HTML as supported everywhere', async () => {
    const result = await client.htmlCheck(await send(plainHtml, 'Plain'));
    expect(result.Warnings).toEqual([]);
    expect(result.Total.Supported).toBe(100);
  });

  it('lists the three checks in the OpenAPI document', async () => {
    const doc = await relay.api<{ paths: Record<string, unknown> }>('/api/v1/openapi.json');
    for (const check of ['html-check', 'link-check', 'sa-check']) {
      expect(Object.keys(doc.paths)).toContain(`/api/v1/message/{id}/${check}`);
    }
  });

  it('answers 400 for a message without HTML, 404 for an unknown one', async () => {
    const id = await send(undefined, 'Text only');
    const res = await relay.fetch(`/api/v1/message/${id}/html-check`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/has no HTML part/);
    expect((await relay.fetch('/api/v1/message/no-such-id/html-check')).status).toBe(404);
  });
});

describe('feature detection', () => {
  const slugsOf = (html: string): string[] => checkHtml(html).Warnings.map((w) => w.Slug);

  it('reads CSS in style attributes, at its place in the source', () => {
    const html = '<p>x</p>\n<div style="color: red; border-top: 1px solid">y</div>';
    const border = checkHtml(html).Warnings.find((w) => w.Slug === 'css-border');
    expect(border?.Locations[0]).toMatchObject({
      Line: 2,
      Column: 25,
      Source: 'border-top: 1px solid',
    });
  });

  it('knows CSS2 pseudo-elements, units, functions and at-rules', () => {
    const slugs = slugsOf(
      '<style>p:before { content: "x" } a { width: 10vw; background: linear-gradient(red, blue) } @font-face { font-family: X }</style><p>x</p>',
    );
    expect(slugs).toEqual(
      expect.arrayContaining([
        'css-pseudo-element-before',
        'css-unit-vw',
        'css-linear-gradient',
        'css-at-font-face',
      ]),
    );
  });

  it('survives broken HTML and CSS', () => {
    const result = checkHtml('<div style="color:: ;;{">< p<style>}}} @media {{</style><svg');
    expect(result.Total.Supported).toBeGreaterThanOrEqual(0);
  });
});
