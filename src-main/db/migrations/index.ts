import { catalogue } from './001-catalogue.js';
import { analysis } from './002-analysis.js';
import { userTags } from './003-user-tags.js';
import { search } from './004-search.js';
import { app } from './005-app.js';

export interface Migration {
  readonly name: string;
  readonly sql: string;
}

/** Numbered migrations: index i brings the schema from version i to i + 1. Never edit a released one; append. */
export const migrations: readonly Migration[] = [catalogue, analysis, userTags, search, app];
