// The CSS side of the HTML check: which caniemail features a style sheet or style attribute uses,
// and where. css-tree parses the CSS with positions (tolerating the broken CSS mail is full of);
// each property, value, function, unit, at-rule, selector and pseudo-class maps to a caniemail
// slug, mostly by name (`css-<property>`, `css-pseudo-class-<name>`), otherwise through the
// property names caniemail lists in a feature's keywords (`border-top` is `css-border`).
import * as csstree from 'css-tree';
// (Plain JavaScript: see index.js.)
import { allFeatures, feature } from './caniemail-data.js';

/** @import { CssSource, Occurrence } from './html-features.js' */

/** @type {Map<string, string | undefined> | null} */
let keywordSlugs = null;

/**
 * Hyphenated property names that caniemail's CSS features list as keywords, when unambiguous.
 * @param {string} property
 * @returns {string | undefined}
 */
function slugByKeyword(property) {
  if (!keywordSlugs) {
    /** @type {Map<string, Set<string>>} */
    const owners = new Map();
    for (const f of allFeatures()) {
      if (f.category !== 'css') continue;
      for (const keyword of (f.keywords ?? '').split(',')) {
        const word = keyword.trim().toLowerCase();
        if (!/^[a-z]+(-[a-z]+)+$/.test(word)) continue;
        owners.set(word, (owners.get(word) ?? new Set()).add(f.slug));
      }
    }
    keywordSlugs = new Map(
      [...owners]
        .filter(([, slugs]) => slugs.size === 1)
        .map(([word, slugs]) => [word, [...slugs][0]]),
    );
  }
  return keywordSlugs.get(property);
}

/**
 * @param {string} name
 * @returns {string | null}
 */
function propertySlug(name) {
  if (name.startsWith('--')) return 'css-variables';
  const property = name.toLowerCase().replace(/^-(webkit|moz|ms|o)-/, '');
  const direct = `css-${property}`;
  if (feature(direct)) return direct;
  const listed = slugByKeyword(property);
  if (listed) return listed;
  // longhands of a shorthand caniemail tests as a whole: padding-left is padding
  const side = /^([a-z-]+?)-(top|right|bottom|left)$/.exec(property);
  if (side && feature(`css-${side[1]}`)) return `css-${side[1]}`;
  if (/^animation-/.test(property)) return 'css-animation';
  if (/^transition-/.test(property)) return 'css-transition';
  if (/^scroll-snap-/.test(property)) return 'css-scroll-snap';
  if (/^(top|right|bottom|left)$/.test(property)) return 'css-left-right-top-bottom';
  return null;
}

/** @type {Record<string, string>} */
const functionSlugs = {
  rgb: 'css-rgb',
  rgba: 'css-rgba',
  calc: 'css-unit-calc',
  clamp: 'css-function-clamp',
  min: 'css-function-min',
  max: 'css-function-max',
  'light-dark': 'css-function-light-dark',
  'linear-gradient': 'css-linear-gradient',
  'repeating-linear-gradient': 'css-linear-gradient',
  'radial-gradient': 'css-radial-gradient',
  'repeating-radial-gradient': 'css-radial-gradient',
  'conic-gradient': 'css-conic-gradient',
  'repeating-conic-gradient': 'css-conic-gradient',
  var: 'css-variables',
  lab: 'css-modern-color',
  lch: 'css-modern-color',
  oklab: 'css-modern-color',
  oklch: 'css-modern-color',
  hwb: 'css-modern-color',
  color: 'css-modern-color',
};

/** @type {Record<string, string>} */
const displaySlugs = {
  flex: 'css-display-flex',
  'inline-flex': 'css-display-flex',
  grid: 'css-display-grid',
  'inline-grid': 'css-display-grid',
  none: 'css-display-none',
};

/** @type {[RegExp, string][]} */
const mediaFeatureSlugs = [
  [/^prefers-color-scheme$/, 'css-at-media-prefers-color-scheme'],
  [/^prefers-reduced-motion$/, 'css-at-media-prefers-reduced-motion'],
  [/^(any-)?hover$/, 'css-at-media-hover'],
  [/^orientation$/, 'css-at-media-orientation'],
  [/device-pixel-ratio$|^(min-|max-)?resolution$/, 'css-at-media-device-pixel-ratio'],
];

/** @type {Record<string, string>} */
const combinatorSlugs = {
  '>': 'css-selector-child',
  '+': 'css-selector-adjacent-sibling',
  '~': 'css-selector-general-sibling',
  ' ': 'css-selector-descendant',
};

const simpleSelectorSlugs = {
  ClassSelector: 'css-selector-class',
  IdSelector: 'css-selector-id',
  AttributeSelector: 'css-selector-attribute',
};

/**
 * @param {import('css-tree').Selector} selector
 * @returns {string[]}
 */
function selectorSlugs(selector) {
  /** @type {string[]} */
  const slugs = [];
  let compound = 0;
  let chained = false;
  selector.children.forEach((node) => {
    if (node.type === 'Combinator') {
      compound = 0;
      const slug = combinatorSlugs[node.name];
      if (slug) slugs.push(slug);
      return;
    }
    // `p:hover` is one element in a state; `p.note` or `.a.b` is a chain
    if (node.type === 'PseudoClassSelector' || node.type === 'PseudoElementSelector') return;
    compound++;
    if (compound > 1) chained = true;
  });
  if (chained) slugs.push('css-selector-chaining');
  return slugs;
}

/**
 * The caniemail features a piece of CSS uses, with offsets into the HTML it came from.
 * @param {CssSource} source
 * @returns {Occurrence[]}
 */
export function scanCss(source) {
  /** @type {Occurrence[]} */
  const found = [];
  let ast;
  try {
    ast = csstree.parse(source.css, {
      context: source.context,
      positions: true,
      parseCustomProperty: false,
    });
  } catch {
    return found;
  }
  /**
   * @param {string | null | undefined} slug
   * @param {import('css-tree').CssNode} node
   */
  const add = (slug, node) => {
    if (!slug || !feature(slug)) return;
    const start = source.offset + (node.loc?.start.offset ?? 0);
    const end = source.offset + (node.loc?.end.offset ?? source.css.length);
    found.push({ slug, start, end });
  };
  csstree.walk(ast, function visit(node) {
    switch (node.type) {
      case 'Declaration': {
        add(propertySlug(node.property), node);
        if (node.important) add('css-important', node);
        if (node.property.toLowerCase() === 'display' && node.value.type === 'Value') {
          const first = node.value.children.first;
          if (first?.type === 'Identifier') add(displaySlugs[first.name.toLowerCase()], node);
        }
        break;
      }
      case 'Function':
        add(functionSlugs[node.name.toLowerCase()], node);
        break;
      case 'Dimension':
        add(`css-unit-${node.unit.toLowerCase()}`, node);
        break;
      case 'Percentage':
        if (this.declaration) add('css-unit-percent', node);
        break;
      case 'Identifier': {
        const name = node.name.toLowerCase();
        if (this.declaration && name === 'initial') add('css-unit-initial', node);
        if (this.declaration && /^(system-ui|ui-(serif|sans-serif|rounded|monospace))$/.test(name))
          add('css-sytem-ui', node);
        break;
      }
      case 'Feature': {
        const name = node.name.toLowerCase().replace(/^-webkit-/, '');
        for (const [pattern, slug] of mediaFeatureSlugs) if (pattern.test(name)) add(slug, node);
        break;
      }
      case 'Atrule':
        add(`css-at-${node.name.toLowerCase()}`, node);
        break;
      case 'Rule':
        if (this.rule) add('css-nesting', node);
        if (node.prelude.type === 'SelectorList' && node.prelude.children.size > 1)
          add('css-selector-grouping', node.prelude);
        break;
      case 'Selector':
        for (const slug of selectorSlugs(node)) add(slug, node);
        break;
      case 'TypeSelector':
        add(node.name === '*' ? 'css-selector-universal' : 'css-selector-type', node);
        break;
      case 'ClassSelector':
      case 'IdSelector':
      case 'AttributeSelector':
        add(simpleSelectorSlugs[node.type], node);
        break;
      case 'PseudoClassSelector': {
        const name = node.name.toLowerCase();
        // CSS2's one-colon :before and :after are pseudo-elements
        if (feature(`css-pseudo-class-${name}`)) add(`css-pseudo-class-${name}`, node);
        else add(`css-pseudo-element-${name}`, node);
        break;
      }
      case 'PseudoElementSelector':
        add(`css-pseudo-element-${node.name.toLowerCase()}`, node);
        break;
      default:
        break;
    }
  });
  return found;
}
