import { UsageError } from '../core/errors.js';

/** Longest tag name accepted, in Unicode code points (after trimming and NFC). */
export const MAX_TAG_NAME_CODE_POINTS = 64;

/**
 * The display form of a tag name: NFC-normalised and trimmed (Unicode white
 * space included), inner runs of white space collapsed to one space. Refuses
 * empty, too long, or control-character names with a message saying why.
 */
export function cleanTagName(raw: string): string {
  const name = raw.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (name.length === 0) throw new UsageError('a tag name cannot be empty');
  // Code points, not grapheme clusters: the limit is about storage and display width, a rough bound is enough.
  const codePoints = Array.from(name).length;
  if (codePoints > MAX_TAG_NAME_CODE_POINTS) {
    throw new UsageError(`tag name is too long (${codePoints} characters; at most ${MAX_TAG_NAME_CODE_POINTS}): ${name.slice(0, 20)}…`);
  }
  // Control and unassigned/private characters would be invisible in a list and in file tags.
  if (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u.test(name.replace(/\u200d/gu, ''))) {
    throw new UsageError(`tag name ${JSON.stringify(name)} contains control or invisible characters`);
  }
  return name;
}

/**
 * The comparison key: NFKC (so 'ﬁ' matches 'fi', full-width matches ASCII),
 * then full Unicode case folding approximated by toLowerCase after
 * toUpperCase (folds 'ß' with 'SS' and final sigma with sigma), then NFKC
 * again because case mapping can denormalise.
 */
export function tagKey(name: string): string {
  return cleanTagName(name).normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}
