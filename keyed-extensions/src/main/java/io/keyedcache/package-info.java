/**
 * The keyed-cache API of keyedcache: composite keys, a "not cached" exception, per-entry lifetimes, group
 * deletion and cached functions over any JCache {@code Cache}. Being built under its own issue.
 */
package io.keyedcache;
