/** Every operation's handler, checked against the contract: a missing or extra one does not compile. */
import type { Handlers } from '../dispatcher.js';
import { libraryHandlers } from './library.js';
import { searchHandlers } from './search.js';
import { trackHandlers } from './tracks.js';
import { tagHandlers } from './tags.js';
import { systemHandlers } from './system.js';
import { playlistHandlers } from './playlists.js';

export const handlers: Handlers = {
  ...libraryHandlers,
  ...searchHandlers,
  ...trackHandlers,
  ...tagHandlers,
  ...systemHandlers,
  ...playlistHandlers,
};
