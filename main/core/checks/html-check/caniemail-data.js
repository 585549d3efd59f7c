// The email clients' support data of caniemail.com, as the `caniemail` package ships it
// (`caniemail/caniemail.json`; Mailpit vendors the same file), turned into Mailpit's HTML-check
// shapes: per feature, each client version's support and the feature's score.
// (Plain JavaScript: see index.js. Its shapes, ClientSupport and FeatureScore, are in
// preload/check-contract.ts.)
import { createRequire } from 'node:module';

/**
 * One feature as caniemail.json has it: `slug`, `title`, `description` (Markdown), `url`,
 * `category` (html, css, image…), `tags`, `keywords` (comma-separated, or null), `stats` (family →
 * platform → version → support letter with note numbers) and `notes_by_num` (or null).
 * @typedef {{ slug: string, title: string, description: string, url: string, category: string,
 *   tags: string[], keywords: string | null,
 *   stats: Record<string, Record<string, Record<string, string>>>,
 *   notes_by_num: Record<string, string> | null }} CaniemailFeature
 */
/**
 * caniemail.json: its features, the names of client families and platforms in words, and the
 * date of the data.
 * @typedef {{ data: CaniemailFeature[], last_update_date: string,
 *   nicenames: { family: Record<string, string>, platform: Record<string, string> } }}
 *   CaniemailJson
 */
/** @import { ClientSupport, FeatureScore } from '../../../../preload/check-contract.js' */

/** caniemail.json, and its features by slug; read on first use. */
/** @type {{ data: CaniemailJson, bySlug: Map<string, CaniemailFeature> } | null} */
let loaded = null;

function data() {
  if (!loaded) {
    /** @type {CaniemailJson} */
    const json = createRequire(import.meta.url)('caniemail/caniemail.json');
    loaded = { data: json, bySlug: new Map(json.data.map((f) => [f.slug, f])) };
  }
  return loaded;
}

/**
 * @param {string} slug
 * @returns {CaniemailFeature | undefined}
 */
export function feature(slug) {
  return data().bySlug.get(slug);
}

/** @returns {CaniemailFeature[]} */
export function allFeatures() {
  return data().data.data;
}

/** @returns {string} */
export function dataVersion() {
  return data().data.last_update_date;
}

/**
 * Each client version's support for a feature. caniemail writes `y`, `n`, `a` (partial), `u`
 * (not known), each optionally with note numbers (`a #1 #2`). Mailpit counts anything but a bare
 * `y`/`n` as partial; here the letter decides, and versions not tested (`u`) are left out.
 * @param {string} slug
 * @returns {{ results: ClientSupport[], score: FeatureScore }}
 */
export function clientSupport(slug) {
  const { data: json, bySlug } = data();
  const found = bySlug.get(slug);
  /** @type {ClientSupport[]} */
  const results = [];
  const counts = { yes: 0, no: 0, partial: 0 };
  for (const [family, platforms] of Object.entries(found?.stats ?? {})) {
    for (const [platform, versions] of Object.entries(platforms)) {
      for (const [version, value] of Object.entries(versions)) {
        const letter = value.trim()[0];
        const support =
          letter === 'y' ? 'yes' : letter === 'n' ? 'no' : letter === 'a' ? 'partial' : null;
        if (!support) continue;
        counts[support]++;
        results.push({
          Name: `${json.nicenames.family[family] ?? family} ${json.nicenames.platform[platform] ?? platform} (${version})`,
          Family: family,
          Platform: platform,
          Version: version,
          Support: support,
          NoteNumber: /#(\d+)/.exec(value)?.[1] ?? '',
        });
      }
    }
  }
  const total = counts.yes + counts.no + counts.partial || 1;
  return {
    results,
    score: {
      Found: 0,
      Supported: (counts.yes / total) * 100,
      Partial: (counts.partial / total) * 100,
      Unsupported: (counts.no / total) * 100,
    },
  };
}

/**
 * Mailpit's `Platforms`: each platform with the client families tested on it, sorted.
 * @returns {Record<string, string[]>}
 */
export function platforms() {
  const { data: json } = data();
  /** @type {Map<string, Set<string>>} */
  const out = new Map();
  for (const f of json.data) {
    for (const [family, byPlatform] of Object.entries(f.stats)) {
      for (const platform of Object.keys(byPlatform)) {
        const set = out.get(platform) ?? new Set();
        set.add(json.nicenames.family[family] ?? family);
        out.set(platform, set);
      }
    }
  }
  return Object.fromEntries([...out].map(([p, set]) => [p, [...set].sort()]));
}
