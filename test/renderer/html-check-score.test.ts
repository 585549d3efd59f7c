// The HTML check's figures for the platforms a developer chooses, worked out as Mailpit's HTML
// Check tab works them out, over the real check of real HTML (caniemail's data).
import { describe, expect, it } from 'vitest';
import { checkHtml } from '../../main/core/checks/html-check/index.js';
import { scoreForPlatforms } from '../../renderer/src/message/checks/html-check-score.js';

const only =
  (...platforms: string[]) =>
  (platform: string) =>
    platforms.includes(platform);
const every = () => true;

const newsletter = checkHtml(
  [
    '<!doctype html><html><head><style>',
    '.row { display: flex }',
    '@media (max-width: 600px) { .row { display: block } }',
    '</style></head><body>',
    '<div class="row"><p>One</p><p>Two</p></div>',
    '<form><input></form>',
    '</body></html>',
  ].join('\n'),
);
const warning = (check: ReturnType<typeof scoreForPlatforms>, title: string) =>
  check.Warnings.find((w) => w.Title === title);

describe('the HTML check for the platforms chosen', () => {
  it("counts each feature's support again over the client versions of those platforms only", () => {
    const outlook = scoreForPlatforms(newsletter, only('windows'));
    for (const w of outlook.Warnings) {
      expect(new Set(w.Results.map((r) => r.Platform))).toEqual(new Set(['windows']));
    }
    // caniemail: display:flex works in no Outlook for Windows, in every Apple Mail for macOS
    expect(warning(outlook, 'display:flex')?.Score).toMatchObject({
      Supported: 0,
      Partial: 0,
      Unsupported: 100,
    });
    const flexAll = warning(scoreForPlatforms(newsletter, every), 'display:flex');
    expect(flexAll?.Score.Unsupported).toBeGreaterThan(0);
    expect(flexAll?.Score.Unsupported).toBeLessThan(100);
    // fully supported on the platforms chosen: not a warning there
    expect(warning(scoreForPlatforms(newsletter, only('macos')), 'display:flex')).toBeUndefined();
  });

  it('scores lower for Outlook on Windows than for Apple Mail, and the badge follows', () => {
    const outlook = scoreForPlatforms(newsletter, only('windows'));
    const apple = scoreForPlatforms(newsletter, only('macos', 'ios'));
    expect(outlook.Total.Supported).toBeLessThan(apple.Total.Supported);
    expect(outlook.Total.Supported + outlook.Total.Partial + outlook.Total.Unsupported).toBeCloseTo(
      100,
    );
  });

  it("weighs an at-rule or pseudo-class at a twentieth, as Mailpit's tab does", () => {
    const mediaOnly = checkHtml(
      '<html><head><style>@media (max-width: 600px) { p { margin: 0 } }</style></head><body><p>Hi</p></body></html>',
    );
    const scored = scoreForPlatforms(mediaOnly, only('windows'));
    const media = warning(scored, '@media');
    expect(media?.Score.Unsupported).toBeGreaterThan(50);
    // no other feature here is unsupported in Outlook: the total is @media's alone, at 0.05 of
    // its own figure, not at its share of the two nodes (half: 42%)
    expect(scored.Warnings.filter((w) => w.Score.Unsupported > 0).map((w) => w.Title)).toEqual([
      '@media',
    ]);
    expect(scored.Total.Unsupported).toBeCloseTo((media?.Score.Unsupported ?? 0) * 0.05);
    expect(scored.Total.Unsupported).toBeLessThan(5);
  });

  it('keeps a feature no client supports (<script>), whatever the platforms', () => {
    const script = checkHtml('<html><body><script>1</script><p>x</p></body></html>');
    const scored = scoreForPlatforms(script, only('macos'));
    expect(warning(scored, '<script> element')?.Score.Unsupported).toBe(100);
  });
});
