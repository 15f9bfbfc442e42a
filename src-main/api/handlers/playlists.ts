/** Saved searches (playlists) and their export: src-main/search behind the contract. */
import { NotFoundError } from '../../core/errors.js';
import type { Db } from '../../db/database.js';
import { deletePlaylist, listPlaylists, renderPlaylist, savePlaylist, search, type Playlist as CorePlaylist } from '../../search/index.js';
import type { Playlist } from '../contract.js';
import type { Handlers } from '../dispatcher.js';

const toPlaylist = (p: CorePlaylist): Playlist => ({ id: p.id, name: p.name, query: p.query, createdAt: p.createdAt, updatedAt: p.updatedAt, trackCount: null });

function playlistById(db: Db, id: number): CorePlaylist {
  const p = listPlaylists(db).find((x) => x.id === id);
  if (!p) throw new NotFoundError(`no playlist with id ${id}`);
  return p;
}

const mimeTypes = { m3u8: 'audio/x-mpegurl', csv: 'text/csv', json: 'application/json' } as const;

/** A file name for the download: the playlist's name without characters file systems refuse. */
function fileNameFor(name: string, ext: string): string {
  const safe = name.replace(/[\p{Cc}/\\:*?"<>|]+/gu, ' ').replace(/\s+/gu, ' ').trim().slice(0, 120);
  return `${safe === '' || safe.startsWith('.') ? 'playlist' : safe}.${ext}`;
}

export const playlistHandlers = {
  listPlaylists: (_input, ctx) => listPlaylists(ctx.db).map(toPlaylist),

  savePlaylist: (input, ctx) => toPlaylist(savePlaylist(ctx.db, input.name, input.query).playlist),

  deletePlaylist: (input, ctx) => {
    deletePlaylist(ctx.db, playlistById(ctx.db, input.id).name);
    return { deleted: true };
  },

  exportPlaylist: (input, ctx) => {
    const p = playlistById(ctx.db, input.id);
    const { tracks } = search(ctx.db, p.query);
    // Absolute paths: the file is downloaded, so there is no folder to be relative to.
    const { text } = renderPlaylist(tracks, input.format, { relativeTo: null, name: p.name, query: p.query });
    return { filename: fileNameFor(p.name, input.format), mime: mimeTypes[input.format], content: text };
  },
} satisfies Partial<Handlers>;
