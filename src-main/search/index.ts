/** The search core that every door (CLI, server, app) calls. */
export type { Query, QueryNode, SortKey, Comparison } from './ast.js';
export { FIELD_NAMES } from './ast.js';
export { parseQuery } from './parser.js';
export { QueryError } from './query-error.js';
export { search, searchTrackIds, validateQuery, type SearchOptions, type SearchHit, type SearchResult } from './search.js';
export { autocomplete, type AutocompleteData } from './autocomplete.js';
export { loadBaseModels, type BaseModelVocabulary } from './base-models.js';
export { savePlaylist, listPlaylists, getPlaylist, deletePlaylist, type Playlist } from './playlists.js';
export { exportPlaylist, renderPlaylist, formatFromPath, writeFileAtomic, type ExportFormat, type ExportResult } from './playlist-export.js';
