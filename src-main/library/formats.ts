/**
 * File name extensions the scanner treats as audio (compared in lower case).
 * Anything else is ignored, so cover images, playlists and notes sitting
 * beside the music cost nothing.
 */
export const audioExtensions: ReadonlySet<string> = new Set([
  'mp3',
  'flac',
  'ogg',
  'oga',
  'opus',
  'm4a',
  'mp4',
  'aac',
  'wav',
  'aif',
  'aiff',
  'wma',
]);

/** The lower-case extension of a file name given as bytes or text, without the dot ('' if none). */
export function extensionOf(name: string | Buffer): string {
  const s = typeof name === 'string' ? name : name.toString('latin1');
  const dot = s.lastIndexOf('.');
  const slash = s.lastIndexOf('/');
  if (dot <= slash + 1) return '';
  return s.slice(dot + 1).toLowerCase();
}

export function isAudioName(name: string | Buffer): boolean {
  return audioExtensions.has(extensionOf(name));
}
