// The types of index.js (plain JavaScript, run by the HTML check's worker thread).
import type {
  HtmlCheckResult,
  HtmlCheckWarning,
  HtmlLocation,
} from '../../../../preload/check-contract.js';

export type { HtmlCheckResult, HtmlCheckWarning, HtmlLocation };

/** Locations listed per warning at most; Found still counts them all. */
export declare const maxLocations: number;

/** Checks an HTML part. Only features some client supports partly or not at all are warned of. */
export declare function checkHtml(html: string): HtmlCheckResult;
