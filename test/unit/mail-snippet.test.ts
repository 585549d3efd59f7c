// The list's Snippet as Mailpit makes it: its own test tables (internal/tools/tools_test.go
// TestSnippets, internal/html2text/html2text_test.go TestPlain), then the cases a newsletter
// brings (head, style, script, a hidden preheader padded with &zwnj;&nbsp;), the 200-byte cut
// inside a multi-byte character, and a bound on the work for a large HTML body. Then the words
// of an HTML body that search reads: Mailpit's html2text TestWithLinks, and what mail brings.
import { describe, expect, it } from 'vitest';
import { htmlSearchWords, mailSnippet } from '../../main/core/parse/mail-snippet.js';

const long = Array(9).fill('abcdefghijklmnopqrstuvwxyx0123456789').join(' ');

describe("Mailpit's own tables", () => {
  // CreateSnippet(str, str): the HTML side decides
  it.each([
    ['this is a  test', 'this is a test'],
    ['thiS IS a Test :-)', 'thiS IS a Test :-)'],
    ['<h1>This is a test.</h1> ', 'This is a test.'],
    ['this_is-a     test ', 'this_is-a test'],
    ['this_is-a&^%%(*)@ test', 'this_is-a&^%%(*)@ test'],
    ['<h1>Heading</h1><p>Paragraph</p>', 'Heading Paragraph'],
    ['<h1>Heading</h1>\n\t\t<p>Paragraph</p>', 'Heading Paragraph'],
    [
      '<h1>Heading</h1><p>   <a href="https://github.com">linked text</a></p>',
      'Heading linked text',
    ],
    ['<h1>Heading</h3><p>   <a href="https://github.com">linked text.', 'Heading linked text.'],
    ['<p>Paragraph 1</p><p>Paragraph 2</p>', 'Paragraph 1 Paragraph 2'],
    ['<span>Alpha</span>bet <strong>chars</strong>', 'Alphabet chars'],
    ['<span><b>A</b>lpha</span>bet  chars.', 'Alphabet chars.'],
    ['<table><tr><td>First</td><td>Second</td></table>', 'First Second'],
    [long, `${long.slice(0, 200)}...`],
  ])('%j', (input, snippet) => {
    expect(mailSnippet(input, input)).toBe(snippet);
  });
});

describe('which body', () => {
  it('takes the text when there is no HTML, its whitespace collapsed', () => {
    expect(mailSnippet('  Hello\r\n\r\n  Bob,\tthe report\ufeffis attached.  ', '')).toBe(
      'Hello Bob, the report is attached.',
    );
  });

  it('takes the HTML over the text when there are both', () => {
    expect(mailSnippet('The text side', '<p>The <b>HTML</b> side</p>')).toBe('The HTML side');
  });

  it('is empty for an HTML body without words, even beside a text part (as Mailpit)', () => {
    expect(mailSnippet('The text side', '<p><img src="cid:logo"></p>')).toBe('');
  });

  it('keeps a non-breaking space inside a text body (Go collapses ASCII whitespace only)', () => {
    expect(mailSnippet('a\u00a0 b', '')).toBe('a\u00a0 b');
  });
});

describe('an HTML newsletter', () => {
  const newsletter = [
    '<!doctype html><html><head><meta charset="utf-8"><title>Issue 12</title>',
    '<style>.preheader { display: none } p { color: red }</style>',
    '<link rel="stylesheet" href="x.css"></head><body>',
    '<div class="preheader" style="display:none">Big news inside&nbsp;&zwnj;&nbsp;&zwnj;&#8199;&shy;</div>',
    '<script>track()</script><noscript>enable scripts</noscript>',
    '<table><tr><td>Caf&eacute; &amp; bar</td><td>opens</td></tr></table>',
    'line<br>break<br />here<img src="cid:logo">and<!-- a comment -->on',
    '</body></html>',
  ].join('\n');

  it('leaves out head, title, style, script and noscript; keeps the hidden preheader; pads blocks, breaks and images', () => {
    expect(mailSnippet('', newsletter)).toBe(
      // a comment is no text, and puts no space: 'andon', as Mailpit
      'Big news inside Café & bar opens line break here andon',
    );
  });

  it('keeps words written directly in <head>, which an HTML parser moves to the body', () => {
    expect(mailSnippet('', '<head><title>t</title>Stray words</head><p>then this</p>')).toBe(
      'Stray wordsthen this',
    );
  });

  it('cuts at 200 bytes, one character back when the cut falls at a multi-byte one', () => {
    // 199 bytes of ASCII, then é (2 bytes: the cut is inside it)
    const inside = `${'a'.repeat(199)}éz`;
    expect(mailSnippet(inside, '')).toBe(`${'a'.repeat(199)}...`);
    // 198 bytes, then é ending exactly at 200: Tailscale's truncate drops it too
    const whole = `${'a'.repeat(198)}éz`;
    expect(mailSnippet(whole, '')).toBe(`${'a'.repeat(198)}...`);
    expect(mailSnippet('', `<p>${'é'.repeat(100)}</p>`)).toBe('é'.repeat(100));
  });

  it('reads only the start of a large body', () => {
    const html = `<p>${'word '.repeat(200_000)}</p>`;
    const text = 'word '.repeat(400_000);
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      expect(mailSnippet('', html).endsWith('...')).toBe(true);
      expect(mailSnippet(text, '').endsWith('...')).toBe(true);
    }
    // a whole parse of 1 MB of HTML, 20 times, takes seconds
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('the search words of an HTML body', () => {
  // html2text_test.go TestWithLinks: Strip(html, true)
  it.each([
    ['this is a  test', 'this is a test'],
    ['<p>Paragraph 1</p><p>Paragraph 2</p>', 'Paragraph 1 Paragraph 2'],
    ['<span><b>A</b>lpha</span>bet  chars.', 'Alphabet chars.'],
    [
      '<h1>Heading</h1><p>   <a href="https://github.com">linked text</a></p>',
      'Heading linked text https://github.com',
    ],
    [
      '<h1>Heading</h3><p>   <a href="https://github.com">linked text.',
      'Heading linked text. https://github.com',
    ],
  ])('%j', (html, words) => {
    expect(htmlSearchWords(html, 16 * 1024)).toBe(words);
  });

  it('gives a link its address as written, entities decoded, and only http(s) ones', () => {
    expect(
      htmlSearchWords(
        '<p>Hi <A HREF="https://app.example/verify?token=Q7f9&amp;u=42">confirm</A>, or ' +
          '<a href="mailto:help@support.example">write</a> <a>no address</a></p>',
        1024,
      ),
    ).toBe('Hi confirm https://app.example/verify?token=Q7f9&u=42 , or write no address');
  });

  it('leaves out what html2text skips, links in it too', () => {
    expect(
      htmlSearchWords(
        '<head><title>T</title><style>.promo-x{}</style></head>' +
          '<body><script>var a = "<a href=https://tracker.example>x</a>"</script>' +
          '<noscript><a href="https://noscript.example">n</a></noscript><p>Body</p></body>',
        1024,
      ),
    ).toBe('Body');
  });

  it('reads a large body only until it has enough', () => {
    const html = `<p>${'<a href="https://example.com/x">word</a> '.repeat(100_000)}</p>`;
    const words = htmlSearchWords(html, 16 * 1024);
    expect(words.length).toBeGreaterThanOrEqual(16 * 1024);
    expect(words.length).toBeLessThan(256 * 1024);
  });
});
