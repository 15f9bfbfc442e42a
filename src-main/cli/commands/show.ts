import type { RegisterCommand } from './index.js';
import { topTags, trackDetail, type TrackDetail, type SegmentDetail } from '../../analysis/track-detail.js';
import { userTagsForTrack, type UserTagValue } from '../../tags/user-tags-view.js';
import { UsageError } from '../../core/errors.js';
import { formatSeconds, printJson, printLine } from '../output.js';

function bar(p: number, width = 20): string {
  return '█'.repeat(Math.round(Math.max(0, Math.min(1, p)) * width));
}

/** `show --json`: the base tagger's view plus the user's tags at song and segment level. */
export interface ShownTrack extends Omit<TrackDetail, 'segments'> {
  readonly userTags: Record<string, UserTagValue>;
  readonly segments: readonly (SegmentDetail & { readonly userTags: Record<string, number> })[];
}

function withUserTags(db: Parameters<typeof userTagsForTrack>[0], d: TrackDetail): ShownTrack {
  const u = userTagsForTrack(db, d.id);
  return { ...d, userTags: u.song, segments: d.segments.map((s, i) => ({ ...s, userTags: u.segments[i] ?? {} })) };
}

function printDetail(d: ShownTrack, top: number, perSegment: number): void {
  const m = d.metadata;
  const field = (label: string, value: string | number | null) => {
    if (value !== null && value !== '') printLine(`${label.padEnd(10)}${value}`);
  };
  field('Title', m.title);
  field('Artist', m.artist);
  field('Album', m.album);
  field('Year', m.year);
  field('Genre', m.genre);
  field('Duration', m.durationSec === null ? null : formatSeconds(m.durationSec));
  field('Format', [m.format, m.codec, m.sampleRateHz ? `${m.sampleRateHz} Hz` : null].filter((x) => x).join(', '));
  field('File', d.path);
  field('Track id', d.id);
  if (d.status !== 'ok') field('Status', `${d.status}${d.error ? `: ${d.error}` : ''}`);
  const a = d.analysis;
  if (!a) {
    printLine('Analysis  not analysed yet (run `earmark analyze`)');
    return;
  }
  const state = a.current ? '' : ' (outdated: pending re-analysis)';
  if (a.status === 'error') {
    field('Analysis', `failed with ${a.modelId} ${a.modelVersion}${state}: ${a.error ?? ''}`);
    return;
  }
  field('Analysis', `${a.modelId} ${a.modelVersion}, ${a.segmentCount ?? 0} segments, ${a.analysedAt.slice(0, 10)}${state}`);
  const own = Object.entries(d.userTags);
  if (own.length > 0) {
    printLine();
    printLine('Your tags (label; predicted probability)');
    const w = Math.max(...own.map(([t]) => t.length));
    for (const [tag, v] of own) {
      const label = v.label === null ? '   ' : v.label.padEnd(3);
      const p = v.probability === null ? 'not trained' : `${v.probability.toFixed(2)}  ${bar(v.probability)}`;
      printLine(`  ${tag.padEnd(w)}  ${label}  ${p}`);
    }
  }
  if (!d.baseTags) return;
  printLine();
  printLine('Top tags (mean over segments; max in brackets)');
  const width = Math.max(...topTags(d.baseTags, top).map(([t]) => t.length));
  for (const [tag, p] of topTags(d.baseTags, top)) {
    printLine(`  ${tag.padEnd(width)}  ${p.toFixed(2)} (${(d.baseTagsMax?.[tag] ?? p).toFixed(2)})  ${bar(p)}`);
  }
  if (d.segments.length > 0) {
    printLine();
    printLine('Taggram (top tags per segment)');
    for (const s of d.segments) {
      const tags = topTags(s.baseTags, perSegment)
        .map(([t, p]) => `${t} ${p.toFixed(2)}`)
        .join('  ');
      printLine(`  ${formatSeconds(s.startSec).padStart(5)}-${formatSeconds(s.endSec).padEnd(5)}  ${tags}`);
    }
  }
}

export const register: RegisterCommand = (program, getContext) => {
  program
    .command('show')
    .description("show a track: metadata, its song-level tags and how they change over time (taggram)")
    .argument('<track>', 'track id or file path')
    .option('--top <n>', 'song-level tags to list', '10')
    .option('--per-segment <n>', 'tags per segment in the taggram', '3')
    .action((track: string, opts: { top: string; perSegment: string }) => {
      const top = Number(opts.top);
      const perSegment = Number(opts.perSegment);
      if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a whole number >= 1, not ${opts.top}`);
      if (!Number.isInteger(perSegment) || perSegment < 1) throw new UsageError(`--per-segment must be a whole number >= 1, not ${opts.perSegment}`);
      const ctx = getContext();
      const detail = withUserTags(ctx.db, trackDetail(ctx.db, track, ctx.env));
      if (ctx.json) printJson(detail);
      else printDetail(detail, top, perSegment);
    });
};
