/** How many matching tags one sync resolves at most, newest first: a repo with thousands of tags stays fast. */
export const MAX_TAGS_RESOLVED_PER_SYNC = 50;
