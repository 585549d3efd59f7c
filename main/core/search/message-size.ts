// Sizes for `larger:` and `smaller:`, read as Mailpit's `sizeToBytes` reads them: a number with an
// optional fraction, an optional space, and k/kb (KiB) or m/mb (MiB), any case.
import { SearchSyntaxError } from './search-syntax-error.js';

const SIZE = /^(\d+(?:\.\d+)?)\s?([a-z]{1,2})?$/;
const UNIT_BYTES: Record<string, number> = {
  '': 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
};

export const SIZE_FORMATS = 'bytes, or a number with k, kb, m or mb (e.g. 500, 10k, 1.5m, 2MB)';

export function parseMessageSize(term: string, text: string): number {
  const m = SIZE.exec(text.trim().toLowerCase());
  const unit = UNIT_BYTES[m?.[2] ?? ''];
  if (!m || unit === undefined) throw new SearchSyntaxError(term, text, `use ${SIZE_FORMATS}`);
  // Mailpit truncates to whole bytes (Go int64 conversion).
  return Math.trunc(Number(m[1]) * unit);
}
