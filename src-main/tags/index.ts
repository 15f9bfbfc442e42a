/**
 * The user's own tags: vocabulary, labels, the tag models (GRU and
 * baseline, chosen per tag by cross-validation), predictions, suggestions.
 * The CLI, the server and the app call these functions.
 */
export { cleanTagName, tagKey, MAX_TAG_NAME_CODE_POINTS } from './names.js';
export { createTag, renameTag, mergeTags, deleteTag, restoreTag, setThresholdOverride, findTag, getTag, liveTags, type UserTag, type MergeResult } from './vocabulary.js';
export { setLabels, clearLabels, labelCounts, resolveTrackRef, type LabelValue, type LabelResult } from './labels.js';
export { listTags, summarise, qualityOf, effectiveThreshold, type TagSummary, type StoredQuality } from './quality.js';
export { trainTagModels, DEFAULT_SEED, type TrainOptions, type TrainReport, type TrainedTag } from './train.js';
export { predictForTracks, userTagsForTrack, type TrackUserTags, type UserTagValue, type PredictResult } from './predict.js';
export { suggestTracks, type Suggestion } from './suggest.js';
export { MIN_LABELS_PER_CLASS } from './trainer.js';
export type { TagQuality, LearningPoint, CandidateQuality, ModelKind, SkippedTag } from './types.js';
