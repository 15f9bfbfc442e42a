/** Display helpers shared by every view. Units in the argument names. */

export function formatDurationSec(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec) || sec < 0) return '–';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

/** "about 3 min left" style ETA; null when unknown. */
export function formatEta(etaSec: number | null | undefined): string {
  if (etaSec === null || etaSec === undefined || !Number.isFinite(etaSec)) return 'estimating…';
  if (etaSec < 1) return 'almost done';
  if (etaSec < 60) return `${Math.ceil(etaSec)} s left`;
  if (etaSec < 3600) return `${Math.round(etaSec / 60)} min left`;
  const h = Math.floor(etaSec / 3600);
  return `${h} h ${Math.round((etaSec - h * 3600) / 60)} min left`;
}

export function formatPercent(fraction: number | null | undefined, digits = 0): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(digits)} %`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]!}`;
}

/** Fraction done for a progress bar, or null for an indeterminate one. */
export function progressFraction(done: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  return Math.min(1, Math.max(0, done / total));
}

export function formatScore(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toFixed(2);
}
