// The shapes of the message checks (`…/html-check`, `…/link-check`, `…/sa-check`): Mailpit's JSON,
// plus where Relaydesk says more (`Locations`, `Threshold`). Types only, in the contract because
// the renderer draws them; main/core/checks uses them.

/** One client version's support of an HTML/CSS feature (Mailpit's `HTMLCheckResult`). */
export interface ClientSupport {
  /** Family, platform and version in words, e.g. "Outlook Windows (2019)". */
  Name: string;
  /** caniemail's keys, e.g. `outlook`, `windows`, `2019`. */
  Family: string;
  Platform: string;
  Version: string;
  Support: 'yes' | 'no' | 'partial';
  /** The note (in the warning's NotesByNumber) that qualifies this result, or "". */
  NoteNumber: string;
}

/** Percentages of the client versions tested; Found is how often the message uses the feature. */
export interface FeatureScore {
  Found: number;
  Supported: number;
  Partial: number;
  Unsupported: number;
}

/** Where the HTML part uses a feature. */
export interface HtmlLocation {
  /** 1-based line and column in the HTML part. */
  Line: number;
  Column: number;
  /** 0-based character offset in the HTML part, and the length of the use. */
  Offset: number;
  Length: number;
  /** The source text of the use, shortened. */
  Source: string;
}

/** A feature some clients lack (Mailpit's `HTMLCheckWarning`, plus `Locations`). */
export interface HtmlCheckWarning {
  Slug: string;
  Title: string;
  /** caniemail's description (Markdown). */
  Description: string;
  URL: string;
  Category: string;
  Tags: string[];
  Keywords: string;
  Results: ClientSupport[];
  NotesByNumber: Record<string, string>;
  Score: FeatureScore;
  Locations: HtmlLocation[];
}

/** Mailpit's `HTMLCheckResponse`. */
export interface HtmlCheckResult {
  Warnings: HtmlCheckWarning[];
  /** Each platform with the client families tested on it. */
  Platforms: Record<string, string[]>;
  Total: {
    Tests: number;
    Nodes: number;
    Supported: number;
    Partial: number;
    Unsupported: number;
  };
}

/** One checked link (Mailpit's shape). StatusCode 0: no HTTP answer; Status says why. */
export interface LinkStatus {
  URL: string;
  StatusCode: number;
  Status: string;
  /**
   * Relaydesk's: not requested, since it leads to this machine or a private network and
   * allowInternalHttpRequests is off (StatusCode 451, as Mailpit gives it). Absent otherwise.
   */
  Blocked?: true;
}

/**
 * Mailpit's `LinkCheckResponse`: links with an error status (4xx, 5xx) or none are Errors, the
 * blocked ones (451) among them, as Mailpit counts them.
 */
export interface LinkCheckResult {
  Errors: number;
  Links: LinkStatus[];
}

export interface SpamRule {
  Name: string;
  Score: number;
  Description: string;
}

/** Mailpit's `SpamAssassinResponse`, plus the score spamd calls spam (`Threshold`). */
export interface SpamCheckResult {
  /** Why there is no verdict (spamd not configured or not reachable); empty when there is one. */
  Error: string;
  IsSpam: boolean;
  Score: number;
  Threshold: number;
  /** null when `Error` is set, as in Mailpit. */
  Rules: SpamRule[] | null;
}
