// HTML check: how well email clients support the HTML and CSS of a message, scored against
// caniemail.com's data in Mailpit's `html-check` shape. Beyond Mailpit, each warning says where
// in the HTML part the feature is used (`Locations`: line, column, offset and the source text).
// Plain JavaScript, as the modules it uses: it runs in the HTML check's worker thread
// (html-check-worker.js), which cannot load TypeScript when the tests run from the sources. Its
// shapes are in preload/check-contract.ts; tsc checks it against them (checkJs) and gives the
// TypeScript side its types from the JSDoc here.
import { allFeatures, clientSupport, feature, platforms } from './caniemail-data.js';
import { scanCss } from './css-features.js';
import { scanHtml, scriptSlug } from './html-features.js';

/** @import { Occurrence } from './html-features.js' */
/** @typedef {import('../../../../preload/check-contract.js').HtmlCheckResult} HtmlCheckResult */
/** @typedef {import('../../../../preload/check-contract.js').HtmlCheckWarning} HtmlCheckWarning */
/** @typedef {import('../../../../preload/check-contract.js').HtmlLocation} HtmlLocation */

/** Locations listed per warning at most; Found still counts them all. */
export const maxLocations = 50;

/**
 * @param {string} text
 * @returns {number[]}
 */
function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/**
 * @param {string} html
 * @param {number[]} starts
 * @param {Occurrence} use
 * @returns {HtmlLocation}
 */
function locate(html, starts, use) {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= use.start) low = mid;
    else high = mid - 1;
  }
  const source = html.slice(use.start, Math.min(use.end, use.start + 120)).replace(/\s+/g, ' ');
  return {
    Line: low + 1,
    Column: use.start - (starts[low] ?? 0) + 1,
    Offset: use.start,
    Length: use.end - use.start,
    Source: use.end - use.start > 120 ? `${source}…` : source,
  };
}

/**
 * @param {string} slug
 * @param {Occurrence[]} uses
 * @param {string} html
 * @param {number[]} starts
 * @returns {HtmlCheckWarning | null}
 */
function warningFor(slug, uses, html, starts) {
  const locations = uses.slice(0, maxLocations).map((use) => locate(html, starts, use));
  if (slug === scriptSlug) {
    return {
      Slug: slug,
      Title: '<script> element',
      Description: 'JavaScript is not supported in any email client.',
      URL: '',
      Category: 'html',
      Tags: [],
      Keywords: 'script, javascript',
      Results: [],
      NotesByNumber: {},
      Score: { Found: uses.length, Supported: 0, Partial: 0, Unsupported: 100 },
      Locations: locations,
    };
  }
  const data = feature(slug);
  if (!data) return null;
  const { results, score } = clientSupport(slug);
  return {
    Slug: data.slug,
    Title: data.title,
    Description: data.description,
    URL: data.url,
    Category: data.category,
    Tags: data.tags,
    Keywords: data.keywords ?? '',
    Results: results,
    NotesByNumber: data.notes_by_num ?? {},
    Score: { ...score, Found: uses.length },
    Locations: locations,
  };
}

/**
 * Checks an HTML part. Only features some client supports partly or not at all are warned of.
 * @param {string} html
 * @returns {HtmlCheckResult}
 */
export function checkHtml(html) {
  const scan = scanHtml(html);
  const uses = [...scan.occurrences, ...scan.css.flatMap((source) => scanCss(source))];
  /** @type {Map<string, Occurrence[]>} */
  const bySlug = new Map();
  for (const use of uses.sort((a, b) => a.start - b.start)) {
    const list = bySlug.get(use.slug) ?? [];
    list.push(use);
    bySlug.set(use.slug, list);
  }
  const starts = lineStarts(html);
  /** @type {HtmlCheckWarning[]} */
  const warnings = [];
  for (const [slug, list] of bySlug) {
    const warning = warningFor(slug, list, html, starts);
    if (warning && warning.Score.Partial + warning.Score.Unsupported > 0) warnings.push(warning);
  }
  // Mailpit's overall score: the worst single feature, weighted by how much of the document
  // uses it, for partial and for unsupported support
  const nodes = Math.max(scan.nodes, 1);
  const weight = (/** @type {HtmlCheckWarning} */ w, /** @type {number} */ share) =>
    Math.min(100, (share * w.Score.Found) / nodes);
  let partial = 0;
  let unsupported = 0;
  for (const w of warnings) {
    partial = Math.max(partial, weight(w, w.Score.Partial));
    unsupported = Math.max(unsupported, weight(w, w.Score.Unsupported));
  }
  if (partial + unsupported > 100) partial = 100 - unsupported;
  warnings.sort(
    (a, b) =>
      weight(b, b.Score.Unsupported + b.Score.Partial) -
        weight(a, a.Score.Unsupported + a.Score.Partial) || a.Slug.localeCompare(b.Slug),
  );
  const tests =
    allFeatures().filter(
      (f) => f.category === 'html' || f.category === 'css' || f.category === 'image',
    ).length + 1;
  return {
    Warnings: warnings,
    Platforms: platforms(),
    Total: {
      Tests: tests,
      Nodes: scan.nodes,
      Supported: 100 - partial - unsupported,
      Partial: partial,
      Unsupported: unsupported,
    },
  };
}
