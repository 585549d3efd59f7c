// The HTML side of the HTML check: which caniemail features an HTML part uses, and where. One
// pass of htmlparser2's tokenizer gives each tag and attribute with its offset in the source, and
// hands the CSS of <style> elements and style attributes (with their offsets) to css-features.
import { Parser } from 'htmlparser2';
// (Plain JavaScript: see index.js.)
import { feature } from './caniemail-data.js';

/**
 * One use of a feature: its slug and where it is, as offsets into the HTML source.
 * @typedef {{ slug: string, start: number, end: number }} Occurrence
 */
/**
 * CSS found in the HTML, and where its first character is.
 * @typedef {{ css: string, offset: number, context: 'stylesheet' | 'declarationList' }} CssSource
 */
/**
 * What scanHtml finds: the occurrences, the CSS to scan, and `nodes`, the elements in the
 * document (Mailpit's Total.Nodes) without html, head, body and metadata.
 * @typedef {{ occurrences: Occurrence[], css: CssSource[], nodes: number }} HtmlScan
 */

/** JavaScript runs in no email client; caniemail has no entry for it, Mailpit adds one. */
export const scriptSlug = 'html-script';

const semantics = new Set(
  'article aside details figcaption figure footer header main mark nav section summary time'.split(
    ' ',
  ),
);
const notCounted = new Set(['html', 'head', 'body', 'meta', 'title']);
/** @type {Record<string, string>} */
const elementSlugs = {
  embed: 'html-object',
  map: 'html-image-maps',
  ul: 'html-lists',
  ol: 'html-lists',
  dl: 'html-lists',
  h1: 'html-h1-h6',
  h2: 'html-h1-h6',
  h3: 'html-h1-h6',
  h4: 'html-h1-h6',
  h5: 'html-h1-h6',
  h6: 'html-h1-h6',
};
/** @type {Record<string, string>} */
const attributeSlugs = { loading: 'html-loading-attribute' };
/** @type {[RegExp, string][]} */
const imageFormats = [
  [/^data:image\//i, 'image-base64'],
  [/\.apng$/i, 'image-apng'],
  [/\.avif$/i, 'image-avif'],
  [/\.bmp$/i, 'image-bmp'],
  [/\.gif$/i, 'image-gif'],
  [/\.hdr$/i, 'image-hdr'],
  [/\.heif$/i, 'image-heif'],
  [/\.ico$/i, 'image-ico'],
  [/\.jpe?g$/i, 'image-jpg'],
  [/\.mp4$/i, 'image-mp4'],
  [/\.png$/i, 'image-png'],
  [/\.svg$/i, 'image-svg'],
  [/\.tiff?$/i, 'image-tiff'],
  [/\.webp$/i, 'image-webp'],
];

/**
 * @param {string} name
 * @param {Record<string, string>} attribs
 * @returns {string[]}
 */
function elementFeatures(name, attribs) {
  /** @type {string[]} */
  const slugs = [];
  if (name === 'script') {
    const type = (attribs.type ?? '').toLowerCase();
    if (type !== 'application/ld+json' && type !== 'application/json') slugs.push(scriptSlug);
    return slugs;
  }
  if (semantics.has(name)) slugs.push('html-semantics');
  const mapped = elementSlugs[name];
  if (mapped) slugs.push(mapped);
  else if (feature(`html-${name}`)) slugs.push(`html-${name}`);
  const type = (attribs.type ?? '').toLowerCase();
  if (name === 'input' && feature(`html-input-${type}`)) slugs.push(`html-input-${type}`);
  if (name === 'button' && feature(`html-button-${type}`)) slugs.push(`html-button-${type}`);
  if (name === 'img' && attribs.usemap !== undefined) slugs.push('html-image-maps');
  if (name === 'a') {
    const href = (attribs.href ?? '').trim().toLowerCase();
    if (href.startsWith('#')) slugs.push('html-anchor-links');
    if (href.startsWith('mailto:')) slugs.push('html-mailto-links');
  }
  if (name === 'meta') {
    const meta = (attribs.name ?? '').toLowerCase();
    if (meta === 'color-scheme' || meta === 'supported-color-schemes')
      slugs.push('html-meta-color-scheme');
  }
  if (name === 'img' && attribs.src) {
    const path = attribs.src.trim().replace(/[?#].*$/, '');
    for (const [pattern, slug] of imageFormats) {
      if (pattern.test(attribs.src.trim().startsWith('data:') ? attribs.src.trim() : path))
        slugs.push(slug);
    }
  }
  return slugs;
}

/**
 * @param {string} name
 * @returns {string | null}
 */
function attributeFeature(name) {
  if (name === 'style' || name === 'type' || name === 'src' || name === 'href') return null;
  const slug = attributeSlugs[name] ?? `html-${name}`;
  return feature(slug) ? slug : null;
}

/**
 * Where an attribute's value starts, given where its name starts.
 * @param {string} html
 * @param {number} attributeStart
 * @param {number} end
 * @returns {number}
 */
function valueStart(html, attributeStart, end) {
  let i = html.indexOf('=', attributeStart);
  if (i === -1 || i > end) return end;
  i++;
  while (i < end && /\s/.test(html[i] ?? '')) i++;
  if (html[i] === '"' || html[i] === "'") i++;
  return i;
}

/**
 * @param {string} html
 * @returns {HtmlScan}
 */
export function scanHtml(html) {
  /** @type {Occurrence[]} */
  const occurrences = [];
  /** @type {CssSource[]} */
  const css = [];
  let nodes = 0;
  /** @type {{ name: string, value: string, start: number, end: number }[]} */
  let attributes = [];
  /** @type {{ text: string, start: number } | null} */
  let style = null;
  let inStyle = false;

  const parser = new Parser(
    {
      onattribute(name, value) {
        attributes.push({ name, value, start: parser.startIndex, end: parser.endIndex });
      },
      onopentag(name, attribs) {
        const start = parser.startIndex;
        const end = parser.endIndex + 1;
        if (!notCounted.has(name)) nodes++;
        for (const slug of elementFeatures(name, attribs)) occurrences.push({ slug, start, end });
        for (const attribute of attributes) {
          const slug = attributeFeature(attribute.name);
          if (slug) occurrences.push({ slug, start: attribute.start, end: attribute.end });
          if (attribute.name === 'style' && attribute.value.trim() !== '') {
            css.push({
              css: attribute.value,
              offset: valueStart(html, attribute.start, attribute.end),
              context: 'declarationList',
            });
          }
        }
        attributes = [];
        if (name === 'style') {
          inStyle = true;
          style = null;
        }
      },
      ontext(text) {
        if (!inStyle) return;
        if (style) style.text += text;
        else style = { text, start: parser.startIndex };
      },
      onclosetag(name) {
        if (name !== 'style' || !inStyle) return;
        inStyle = false;
        if (style) css.push({ css: style.text, offset: style.start, context: 'stylesheet' });
        style = null;
      },
      onprocessinginstruction(name) {
        if (name.toLowerCase() === '!doctype')
          occurrences.push({
            slug: 'html-doctype',
            start: parser.startIndex,
            end: parser.endIndex + 1,
          });
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return { occurrences, css, nodes };
}
