// The optional `tags` of a routing rule's action: `{"type": "capture", "tags": ["staging"]}`.
// Messages whose recipients a rule decides carry its tags, so a rule can mark what it routed.
import { cleanTag, isValidTag, tagAlphabet } from './tag-name.js';

export interface RuleTags {
  tags?: string[];
}

export function ruleTags(
  raw: unknown,
  field: string,
): { value: string[] | undefined } | { problem: string } {
  if (raw === undefined) return { value: undefined };
  if (!Array.isArray(raw) || raw.some((t) => typeof t !== 'string')) {
    return {
      problem: `${field}: ${JSON.stringify(raw)} is not a list of tags; give e.g. ["staging"]`,
    };
  }
  const tags: string[] = [];
  for (const tag of raw as string[]) {
    if (!isValidTag(cleanTag(tag)) || cleanTag(tag) !== tag) {
      return {
        problem: `${field}: ${JSON.stringify(tag)} is not a tag name; use ${tagAlphabet} characters`,
      };
    }
    tags.push(tag);
  }
  return { value: tags };
}
