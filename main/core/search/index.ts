// Message search: Mailpit's query syntax over in-memory records (MailHog's v2 search belongs to
// its API: main/server/mailhog/).
export { SearchSyntaxError } from './search-syntax-error.js';
export {
  matchesQuery,
  parseSearchQuery,
  type SearchField,
  type SearchOptions,
  type SearchQuery,
  type SearchTerm,
} from './search-query.js';
