/** The catalogue: what the CLI, the HTTP server and the app call. */
export { scanLibrary, type ScanOptions, type ScanResult, type RootScanResult } from './scan.js';
export { addRoot, removeRoot, listRoots, type Root, type RootStatus } from './roots.js';
export { listTracks, listErrors, libraryStats, type TrackSummary, type TrackSort, type ListTracksOptions, type LibraryStats, type ScanProblem } from './queries.js';
export { trackFsPath, openablePath, type TrackLocation } from './track-path.js';
export { audioExtensions, isAudioName } from './formats.js';
