import { expect, it } from 'vitest';
import { parseSearchQuery } from '../../main/core/search/index.js';

// Found by the exclusion law's property test: a quoted phrase that starts with a space and a
// sign was trimmed and then read as an exclusion.
it('reads a sign after a space inside quotes as part of the phrase', () => {
  const plain = parseSearchQuery('" -Ö"');
  const excluded = parseSearchQuery('!" -Ö"');
  expect(plain.terms.map((t) => [t.value, t.negated])).toEqual([['-ö', false]]);
  expect(excluded.terms.map((t) => [t.value, t.negated])).toEqual([['-ö', true]]);
});
