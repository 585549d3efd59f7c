// Message search: Mailpit's query syntax and MailHog's v2 search, over in-memory records.
export { SearchSyntaxError } from './search-syntax-error.js';
export {
  matchesQuery,
  parseSearchQuery,
  type SearchField,
  type SearchOptions,
  type SearchQuery,
  type SearchTerm,
} from './search-query.js';
export {
  compileMailhogSearch,
  mailhogContentContains,
  matchesMailhogSearch,
  searchMailhogContaining,
  type MailhogAddressSearchKind,
  type MailhogSearchKind,
} from './mailhog-search.js';
