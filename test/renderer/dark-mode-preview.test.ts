// The HTML preview's dark mode answers the mail's colour-scheme queries as a mail client in dark
// mode does (a frame's own preference follows the app's, not its element's colour scheme).
import { describe, expect, it } from 'vitest';
import {
  asDarkMode,
  buildPreviewDocument,
  hasDarkModeCss,
} from '../../renderer/src/message/preview-document.js';

describe('the preview in dark mode', () => {
  it('answers prefers-color-scheme in style sheets: dark matches, light does not', () => {
    const html =
      '<style>@media (prefers-color-scheme: dark){a{color:#fff}} @media (prefers-color-scheme:light){a{color:#000}}</style><a>x</a>';
    const dark = asDarkMode(html);
    expect(dark).toContain('@media (min-width: 0px){a{color:#fff}}');
    expect(dark).toContain('@media (max-width: -1px){a{color:#000}}');
    // the body's text is not touched, even where it names the query
    expect(asDarkMode('<p>prefers-color-scheme: dark</p>')).toBe(
      '<p>prefers-color-scheme: dark</p>',
    );
  });

  it('gives a dark page to a mail that declares it supports one, after its doctype', () => {
    const html =
      '<!DOCTYPE html><html><head><meta name="color-scheme" content="light dark"></head><body>x</body></html>';
    const dark = asDarkMode(html);
    expect(
      dark.startsWith('<!DOCTYPE html><style>:root { color-scheme: dark; }</style><html>'),
    ).toBe(true);
    // the doctype still first once the policy goes in, so the mail keeps standards mode
    expect(buildPreviewDocument(dark).startsWith('<!DOCTYPE html><meta http-equiv=')).toBe(true);
    expect(asDarkMode('<div style="color-scheme: light dark">x</div>')).toMatch(/^<style>:root/);
    expect(asDarkMode('<p>Hello</p>')).toBe('<p>Hello</p>');
    // a dark-mode query alone is no declaration: its page stays white but for what it styles
    expect(
      asDarkMode('<style>@media (prefers-color-scheme: dark){p{color:#ccc}}</style>'),
    ).not.toMatch(/^<style>:root/);
  });

  it('tells a mail with dark-mode CSS from one without, for the note beside Dark mode', () => {
    expect(
      hasDarkModeCss('<style>@media (prefers-color-scheme: dark){p{color:#ccc}}</style>'),
    ).toBe(true);
    expect(hasDarkModeCss('<meta name="color-scheme" content="light dark"><p>x</p>')).toBe(true);
    expect(
      hasDarkModeCss('<style>@media (prefers-color-scheme: light){p{color:#000}}</style>'),
    ).toBe(false);
    // the words in the text are not CSS
    expect(hasDarkModeCss('<p>prefers-color-scheme: dark</p>')).toBe(false);
    expect(hasDarkModeCss('<h1>Plain</h1>')).toBe(false);
  });
});
