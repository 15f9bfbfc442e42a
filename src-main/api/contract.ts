/**
 * The one contract between the Earmark UI and the core.
 *
 * Every operation the UI can call is declared here once, with a zod schema for
 * its input (validated at every door) and one for its output (the handlers'
 * return type; tests check real outputs against it). Both transports (Electron
 * IPC and `earmark serve`'s HTTP) and the renderer's client derive their types
 * from this declaration, so an operation's name, input and output are checked
 * end to end.
 *
 * This module runs in the browser bundle too: it may import only zod and types,
 * never node:* or anything under src-main that does.
 *
 * Transports:
 * - Electron: `window.earmark` (preload) is an `EarmarkBridge` (answers as data), wrapped into an `EarmarkApi` by the renderer.
 * - HTTP: POST /api/<op> with the input as JSON body; the reply is an
 *   `ApiResult`. Events arrive as server-sent events at /api/events, one SSE
 *   event per `EventName` with the JSON payload as data.
 *   See api/http-client.ts for a ready client.
 *
 * Errors: every call answers `ApiResult`; clients rethrow a failure as an
 * Error whose message is "<op>: <message>". In Electron the page gets that
 * Error through contextBridge, which copies only the message (not `code` or
 * `position`): where the UI needs an error's details as data it calls an
 * operation that returns them, e.g. `checkQuery` for a query's syntax error.
 *
 * Conventions: ids of tracks, folders, tags and playlists are SQLite integer
 * ids; times are unix milliseconds (`...At`); durations in seconds (`...Sec`);
 * probabilities in [0, 1].
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------
// Building blocks

const id = z.int().positive();
const empty = z.strictObject({});
const pageInput = {
  offset: z.int().min(0).default(0),
  /** A virtualised table asks for windows of rows; 1000 caps one reply. */
  limit: z.int().min(1).max(1000).default(100),
};

export const progressSchema = z.object({
  job: z.string(),
  done: z.number(),
  total: z.number().nullable(),
  failed: z.number(),
  ratePerSec: z.number(),
  etaSec: z.number().nullable(),
  message: z.string().optional(),
});

export const trackStatusSchema = z.enum(['ok', 'missing', 'error']);
export const analysisStateSchema = z.enum(['none', 'done', 'error']);

/** A user tag's value on one track, for the library table's tag columns. */
export const trackTagCellSchema = z.object({
  tagId: id,
  /** The user's own answer, when labelled. */
  label: z.boolean().nullable(),
  /** The trained model's probability, when predicted. */
  probability: z.number().nullable(),
});

/** One row of the library table (and of search results). */
export const trackRowSchema = z.object({
  id,
  path: z.string(),
  title: z.string().nullable(),
  artist: z.string().nullable(),
  album: z.string().nullable(),
  genre: z.string().nullable(),
  year: z.int().nullable(),
  trackNo: z.int().nullable(),
  durationSec: z.number().nullable(),
  format: z.string().nullable(),
  status: trackStatusSchema,
  analysis: analysisStateSchema,
  addedAt: z.number(),
  userTags: z.array(trackTagCellSchema),
});

export const sortFieldSchema = z.enum(['title', 'artist', 'album', 'genre', 'year', 'trackNo', 'durationSec', 'addedAt', 'path', 'tag', 'relevance']);
export const sortSchema = z.strictObject({
  by: sortFieldSchema,
  dir: z.enum(['asc', 'desc']).default('asc'),
  /** With `by: 'tag'`: the user tag whose probability orders the rows. */
  tagId: id.optional(),
});

export const trackPageSchema = z.object({
  total: z.int(),
  offset: z.int(),
  tracks: z.array(trackRowSchema),
});

export const trackMetaSchema = trackRowSchema.extend({
  albumArtist: z.string().nullable(),
  artists: z.array(z.string()),
  genres: z.array(z.string()),
  trackTotal: z.int().nullable(),
  discNo: z.int().nullable(),
  discTotal: z.int().nullable(),
  date: z.string().nullable(),
  codec: z.string().nullable(),
  sampleRate: z.int().nullable(),
  channels: z.int().nullable(),
  bitrate: z.number().nullable(),
  size: z.number().nullable(),
  error: z.string().nullable(),
  moods: z.array(z.string()),
  comments: z.array(z.string()),
  mbRecordingId: z.string().nullable(),
  updatedAt: z.number(),
  missingSince: z.number().nullable(),
});

export const baseTagScoreSchema = z.object({ tag: z.string(), mean: z.number(), max: z.number() });

export const segmentSchema = z.object({
  index: z.int(),
  startSec: z.number(),
  endSec: z.number(),
  /** Base tag probabilities, in the order of `TrackDetail.baseTagNames`. */
  probs: z.array(z.number()),
});

export const userTagOnTrackSchema = z.object({
  tagId: id,
  name: z.string(),
  label: z.boolean().nullable(),
  probability: z.number().nullable(),
  /** Whether the probability clears the tag's threshold. */
  predicted: z.boolean(),
  threshold: z.number().nullable(),
  /** Per-segment probabilities (the user-tag rows of the taggram), when known. */
  segmentProbs: z.array(z.number()).nullable(),
});

export const trackDetailSchema = z.object({
  track: trackMetaSchema,
  analysis: z
    .object({
      state: analysisStateSchema,
      modelId: z.string(),
      modelVersion: z.string(),
      segmentCount: z.int().nullable(),
      error: z.string().nullable(),
      analysedAt: z.number(),
    })
    .nullable(),
  baseTagNames: z.array(z.string()),
  /** Base tags sorted by mean probability, highest first. */
  baseTags: z.array(baseTagScoreSchema),
  segments: z.array(segmentSchema),
  userTags: z.array(userTagOnTrackSchema),
  /** Where the audio element can play it (same as `audioUrl`). */
  audioUrl: z.string(),
});

export const coverSchema = z.object({ mime: z.string(), dataBase64: z.string() }).nullable();

export const folderSchema = z.object({
  id,
  path: z.string(),
  addedAt: z.number(),
  lastScanAt: z.number().nullable(),
  lastStatus: z.string().nullable(),
  trackCount: z.int(),
});

export const libraryStatsSchema = z.object({
  tracks: z.int(),
  ok: z.int(),
  missing: z.int(),
  error: z.int(),
  folders: z.int(),
  totalDurationSec: z.number(),
  analysed: z.int(),
  analysisErrors: z.int(),
  /** Tracks the active base model has not analysed yet. */
  pendingAnalysis: z.int(),
});

export const libraryErrorSchema = z.object({
  kind: z.enum(['scan', 'track', 'analysis']),
  path: z.string(),
  trackId: id.nullable(),
  error: z.string(),
  at: z.number().nullable(),
});

export const learningPointSchema = z.object({ nLabels: z.int(), rocAuc: z.number().nullable(), prAuc: z.number().nullable() });

export const tagQualitySchema = z.object({
  tagId: id,
  chosen: z.string(),
  rocAuc: z.number().nullable(),
  prAuc: z.number().nullable(),
  f1: z.number().nullable(),
  threshold: z.number(),
  nYes: z.int(),
  nNo: z.int(),
  learningCurve: z.array(learningPointSchema),
});

export const userTagSchema = z.object({
  id,
  name: z.string(),
  createdAt: z.number(),
  nYes: z.int(),
  nNo: z.int(),
  /** The threshold in use: the user's override, else the trained one, else null. */
  threshold: z.number().nullable(),
  thresholdOverride: z.number().nullable(),
  /** Tracks whose prediction clears the threshold. */
  nPredicted: z.int(),
  quality: tagQualitySchema.nullable(),
});

export const labelSchema = z.object({ trackId: id, value: z.boolean(), updatedAt: z.number() });

export const jobKindSchema = z.enum(['scan', 'analysis', 'training', 'modelInstall']);
export const jobStateSchema = z.enum(['running', 'paused', 'done', 'failed', 'cancelled']);

export const jobSchema = z.object({
  id: z.string(),
  kind: jobKindSchema,
  state: jobStateSchema,
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  progress: progressSchema,
  /** Whether this kind of job can be paused (analysis can; a scan cannot). */
  canPause: z.boolean(),
  /** Per-item errors so far (full list: `jobErrors`). */
  errorCount: z.int(),
  /** Why the whole job failed, when it did. */
  error: z.string().nullable(),
  /** A one-line outcome, once finished ("1203 tracks, 3 new, 2 errors"). */
  summary: z.string().nullable(),
});

export const jobItemErrorSchema = z.object({ path: z.string().nullable(), trackId: id.nullable(), error: z.string(), at: z.number() });

export const trainingResultsSchema = z.object({
  model: z
    .object({ id, createdAt: z.number(), seed: z.int(), baseModelId: z.string(), status: z.string() })
    .nullable(),
  tags: z.array(tagQualitySchema.extend({ name: z.string() })),
});

export const settingsSchema = z.object({
  ffmpegPath: z.string().nullable(),
  workerThreads: z.int(),
  maxSegmentsPerTrack: z.int(),
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']),
});

export const baseModelInfoSchema = z.object({
  id: z.string(),
  version: z.string(),
  title: z.string(),
  tags: z.array(z.string()),
  sizeBytes: z.number().nullable(),
  /** Whether it can be downloaded (else: install from a file). */
  downloadable: z.boolean(),
});

export const modelStatusSchema = z.object({
  installed: z
    .object({ id: z.string(), version: z.string(), path: z.string(), sha256: z.string(), installedAt: z.number() })
    .nullable(),
  available: z.array(baseModelInfoSchema),
  /** The TensorFlow.js backend in use, once the model has been loaded. */
  backend: z.string().nullable(),
});

export const doctorCheckSchema = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });

export const playlistSchema = z.object({
  id,
  name: z.string(),
  query: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  trackCount: z.int().nullable(),
});

export const suggestionSchema = z.object({
  track: trackRowSchema,
  probability: z.number().nullable(),
  /** Why it is asked: "uncertain", "likely yes", "diverse"... */
  reason: z.string(),
});

export const autocompleteSchema = z.object({
  /** The part of the query the chosen item replaces: [from, to). */
  from: z.int(),
  to: z.int(),
  items: z.array(z.object({ label: z.string(), insert: z.string(), kind: z.enum(['field', 'tag', 'value', 'operator']), detail: z.string().nullable() })),
});

export const appInfoSchema = z.object({
  version: z.string(),
  dataDir: z.string(),
  dbPath: z.string(),
  door: z.enum(['electron', 'http', 'test']),
});

const queryText = z.string().max(10_000);
const tagName = z.string().trim().min(1).max(200);
const filePath = z.string().min(1).max(4096);

// ---------------------------------------------------------------------------
// The operations

/** Declares one operation: its input schema and its output schema. */
function op<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, doc: string): { readonly input: I; readonly output: O; readonly doc: string } {
  return { input, output, doc };
}

export const operations = {
  // Library
  listTracks: op(
    z.strictObject({ ...pageInput, sort: sortSchema.optional(), query: queryText.optional() }),
    trackPageSchema,
    'A window of the library (or of the tracks matching `query`), sorted.',
  ),
  listTrackIds: op(z.strictObject({ query: queryText.optional(), sort: sortSchema.optional() }), z.object({ ids: z.array(id) }), 'All matching track ids in order (multi-select, playlists).'),
  libraryStats: op(empty, libraryStatsSchema, 'Counts for the status bar and first-run screen.'),
  listErrors: op(z.strictObject({ ...pageInput }), z.object({ total: z.int(), items: z.array(libraryErrorSchema) }), 'Files with scan, read or analysis errors.'),
  listFolders: op(empty, z.array(folderSchema), 'The library folders (roots).'),
  addFolder: op(z.strictObject({ path: filePath }), folderSchema, 'Adds a music folder (not scanned yet: startScan).'),
  removeFolder: op(z.strictObject({ id }), z.object({ removed: z.boolean() }), 'Removes a folder; its tracks and labels stay.'),

  // Search
  search: op(
    z.strictObject({ query: queryText, ...pageInput, sort: sortSchema.optional() }),
    trackPageSchema,
    'Tracks matching a query in the query language; a syntax error comes back with code `query_syntax` and `position`.',
  ),
  checkQuery: op(
    z.strictObject({ query: queryText }),
    z.object({ ok: z.boolean(), message: z.string().nullable(), position: z.int().nullable(), length: z.int().nullable() }),
    'Parses a query without running it; a syntax error is returned as data with its position (from 1) and length (search-as-you-type).',
  ),
  autocomplete: op(z.strictObject({ query: queryText, cursor: z.int().min(0) }), autocompleteSchema, 'Completions for fields and tag names at the cursor.'),

  // Tracks
  trackDetail: op(z.strictObject({ id }), trackDetailSchema, 'Metadata, base and user tags, segments (taggram).'),
  trackCover: op(z.strictObject({ id }), coverSchema, 'Embedded cover art, or null.'),
  audioUrl: op(z.strictObject({ id }), z.object({ url: z.string(), mime: z.string() }), 'A URL an <audio> element can play (with seeking).'),

  // Vocabulary and labels
  listTags: op(empty, z.array(userTagSchema), "The user's tags with counts and quality."),
  createTag: op(z.strictObject({ name: tagName }), userTagSchema, 'Creates a tag.'),
  renameTag: op(z.strictObject({ id, name: tagName }), userTagSchema, 'Renames a tag.'),
  mergeTags: op(z.strictObject({ fromId: id, intoId: id }), userTagSchema, "Moves one tag's labels into another and deletes it."),
  deleteTag: op(z.strictObject({ id }), z.object({ deleted: z.boolean() }), 'Deletes a tag (restorable; labels are kept).'),
  setTagThreshold: op(z.strictObject({ id, threshold: z.number().min(0).max(1).nullable() }), userTagSchema, 'Overrides (or with null, resets) the threshold.'),
  countAdmitted: op(z.strictObject({ id, threshold: z.number().min(0).max(1) }), z.object({ count: z.int() }), 'How many tracks a threshold would admit (slider preview).'),
  setLabels: op(
    z.strictObject({ tagId: id, trackIds: z.array(id).min(1).max(100_000), value: z.boolean().nullable() }),
    z.object({ changed: z.int() }),
    'Labels tracks yes (true) or no (false); null removes the labels.',
  ),
  listLabels: op(z.strictObject({ tagId: id }), z.array(labelSchema), "A tag's labels."),
  suggest: op(
    z.strictObject({ tagId: id, limit: z.int().min(1).max(100).default(10), excludeIds: z.array(id).max(10_000).default([]) }),
    z.array(suggestionSchema),
    'Tracks worth labelling next for a tag.',
  ),

  // Training
  startTraining: op(z.strictObject({ tagIds: z.array(id).optional(), seed: z.int().optional() }), jobSchema, 'Retrains the user-tag models (a job).'),
  trainingResults: op(empty, trainingResultsSchema, 'The active trained model and per-tag quality.'),

  // Analysis and scans
  startScan: op(z.strictObject({ folderIds: z.array(id).optional() }), jobSchema, 'Scans all (or some) folders (a job).'),
  startAnalysis: op(z.strictObject({ retryErrors: z.boolean().default(false) }), jobSchema, 'Analyses pending tracks with the base model (a job that can pause); retryErrors also retries failed ones.'),

  // Jobs (scan, analysis, training, model install)
  listJobs: op(empty, z.array(jobSchema), 'Running jobs and the last finished one of each kind.'),
  getJob: op(z.strictObject({ id: z.string().min(1).max(100) }), jobSchema, 'One job.'),
  pauseJob: op(z.strictObject({ id: z.string().min(1).max(100) }), jobSchema, 'Pauses a job that can pause.'),
  resumeJob: op(z.strictObject({ id: z.string().min(1).max(100) }), jobSchema, 'Resumes a paused job.'),
  cancelJob: op(z.strictObject({ id: z.string().min(1).max(100) }), jobSchema, 'Cancels a job; finished items are kept.'),
  jobErrors: op(z.strictObject({ id: z.string().min(1).max(100), ...pageInput }), z.object({ total: z.int(), items: z.array(jobItemErrorSchema) }), "A job's per-item errors."),

  // Settings and model
  getSettings: op(empty, settingsSchema, 'Settings shared by the CLI, server and app.'),
  updateSettings: op(
    z.strictObject({
      ffmpegPath: z.string().max(4096).nullable().optional(),
      workerThreads: z.int().min(1).max(256).optional(),
      maxSegmentsPerTrack: z.int().min(1).max(1000).optional(),
      backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).optional(),
    }),
    settingsSchema,
    'Changes some settings; returns all.',
  ),
  modelStatus: op(empty, modelStatusSchema, 'The installed base model, those available, the backend.'),
  installModel: op(
    z.strictObject({
      source: z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('file'), path: filePath }), z.strictObject({ kind: z.literal('download'), modelId: z.string().min(1).max(200).optional() })]),
    }),
    jobSchema,
    'Installs the base model from a weights file or by download (a job).',
  ),
  doctor: op(empty, z.array(doctorCheckSchema), 'Checks ffmpeg, backend, model, database.'),
  appInfo: op(empty, appInfoSchema, 'Version and where the data lives.'),

  // Playlists
  listPlaylists: op(empty, z.array(playlistSchema), 'Saved searches.'),
  savePlaylist: op(z.strictObject({ name: tagName, query: queryText }), playlistSchema, 'Saves (or replaces by name) a search as a playlist.'),
  deletePlaylist: op(z.strictObject({ id }), z.object({ deleted: z.boolean() }), 'Deletes a playlist.'),
  exportPlaylist: op(
    z.strictObject({ id, format: z.enum(['m3u8', 'csv', 'json']).default('m3u8') }),
    z.object({ filename: z.string(), mime: z.string(), content: z.string() }),
    'A playlist file to download.',
  ),
} as const;

export type Operations = typeof operations;
export type OpName = keyof Operations;
export const opNames = Object.keys(operations) as OpName[];

/** What a caller passes (defaults not applied yet). */
export type Input<K extends OpName> = z.input<Operations[K]['input']>;
/** What a handler receives, after validation and defaults. */
export type ParsedInput<K extends OpName> = z.output<Operations[K]['input']>;
export type Output<K extends OpName> = z.output<Operations[K]['output']>;

export function isOpName(name: unknown): name is OpName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(operations, name);
}

// ---------------------------------------------------------------------------
// Events: one typed map for everything that emits or listens

export type Job = z.output<typeof jobSchema>;
export type JobKind = z.output<typeof jobKindSchema>;
export type JobItemError = z.output<typeof jobItemErrorSchema>;
export type TrackRow = z.output<typeof trackRowSchema>;
export type TrackDetail = z.output<typeof trackDetailSchema>;
export type UserTag = z.output<typeof userTagSchema>;
export type Settings = z.output<typeof settingsSchema>;
export type Folder = z.output<typeof folderSchema>;
export type Playlist = z.output<typeof playlistSchema>;
export type ProgressData = z.output<typeof progressSchema>;
export type LearningPoint = z.output<typeof learningPointSchema>;

export interface Events {
  /** A job started (scan, analysis, training, model install). */
  jobStarted: { job: Job };
  /** Throttled progress of a running job, with ETA. */
  progress: { job: Job };
  /** One item of a job failed (the job goes on). */
  jobItemError: { jobId: string; kind: JobKind; item: JobItemError };
  /** A job ended: done, failed or cancelled. */
  jobFinished: { job: Job };
  /** Tracks whose tags, labels or analysis changed; refresh their rows. */
  trackUpdated: { trackIds: number[] };
  /** Many tracks changed (after a scan or retrain): reload the table. */
  libraryChanged: { reason: JobKind | 'folders' | 'labels' };
  /** The vocabulary, thresholds or trained models changed. */
  tagsChanged: Record<string, never>;
  settingsChanged: { settings: Settings };
}
export type EventName = keyof Events;
export const eventNames: readonly EventName[] = ['jobStarted', 'progress', 'jobItemError', 'jobFinished', 'trackUpdated', 'libraryChanged', 'tagsChanged', 'settingsChanged'];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name);
}

// ---------------------------------------------------------------------------
// Results and errors as data

export const errorCodes = [
  /** The input failed the operation's schema; `issues` lists each bad path. */
  'invalid_input',
  /** The operation name is not in the contract. */
  'unknown_op',
  'not_found',
  /** A user error the core reported (bad path, bad name...). */
  'usage',
  /** A search query that does not parse; `position` points at it. */
  'query_syntax',
  /** A job of that kind is already running. */
  'busy',
  'cancelled',
  /** The part of the core behind this operation is not available in this build. */
  'not_available',
  /** Anything else; the message says what. */
  'internal',
] as const;
/** Known codes, plus codes the core's EarmarkError carries through unchanged. */
export type ErrorCode = (typeof errorCodes)[number] | (string & {});

export interface ApiError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly op: string;
  /** With invalid_input: each bad path of the input and what is wrong there. */
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
  /** With query_syntax: where in the query it went wrong (characters, from 1) and how far. */
  readonly position?: number;
  readonly length?: number;
  /** The file the error is about, when there is one. */
  readonly path?: string;
}

export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

/** An ApiError rethrown on the calling side; the message names the operation. */
export class ApiCallError extends Error {
  readonly code: ErrorCode;
  readonly op: string;
  readonly issues: ApiError['issues'];
  readonly position: number | undefined;

  constructor(error: ApiError) {
    super(`${error.op}: ${error.message}`);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.op = error.op;
    this.issues = error.issues;
    this.position = error.position;
  }
}

/** Turns a result back into a value, or throws the error with the operation's name. */
export function unwrap<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value;
  throw new ApiCallError(result.error);
}

// ---------------------------------------------------------------------------
// The client-side API, shared by the preload and the renderer

type Method<K extends OpName> = Record<string, never> extends Input<K> ? (input?: Input<K>) => Promise<Output<K>> : (input: Input<K>) => Promise<Output<K>>;

export type Unsubscribe = () => void;

/** `window.earmark` in Electron, and what api/http-client.ts returns in a browser. */
export type EarmarkApi = { readonly [K in OpName]: Method<K> } & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): Unsubscribe;
};

/**
 * `window.earmark` in Electron, as the preload exposes it: every operation
 * answers as data (an ApiResult) instead of throwing, because contextBridge
 * copies only the message of a thrown Error to the page (code, op and a query
 * error's position would be lost). The renderer turns it into an EarmarkApi.
 */
export type EarmarkBridge = { readonly [K in OpName]: (input?: Input<K>) => Promise<ApiResult<Output<K>>> } & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): Unsubscribe;
};

/** A transport's generic call: the op name and its input, answered as data. */
export type Invoke = (op: OpName, input: unknown) => Promise<ApiResult<unknown>>;
/** A transport's event subscription: every event, with its name. */
export type Subscribe = (listener: <E extends EventName>(event: E, payload: Events[E]) => void) => Unsubscribe;

/**
 * Builds the typed API from a transport's generic invoke and subscribe. The
 * object has exactly the contract's operation names plus `on`.
 */
export function createApi(invoke: Invoke, subscribe: Subscribe): EarmarkApi {
  const api: Record<string, unknown> = {};
  for (const name of opNames) {
    api[name] = async (input: unknown = {}) => unwrap(await invoke(name, input));
  }
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let unsubscribeAll: Unsubscribe | null = null;
  api.on = (event: EventName, listener: (payload: never) => void): Unsubscribe => {
    if (!isEventName(event)) throw new TypeError(`on: unknown event ${String(event)}`);
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    unsubscribeAll ??= subscribe((name, payload) => {
      for (const l of listeners.get(name) ?? []) (l as (p: typeof payload) => void)(payload);
    });
    return () => {
      set.delete(listener);
      if ([...listeners.values()].every((s) => s.size === 0) && unsubscribeAll) {
        unsubscribeAll();
        unsubscribeAll = null;
      }
    };
  };
  return Object.freeze(api) as EarmarkApi;
}
