package io.keyedcache.redis;

/**
 * What a test that runs on one redis-server and on a Redis Cluster alike needs of either: a manager URI, a command
 * sent to the node that holds its key, and counts of commands run.
 */
public interface RedisTarget extends AutoCloseable {
  /** A manager URI for the shared tier on this target. */
  String uri();

  /**
   * Sends one inline command whose key is its second word, to the node that holds that key, and returns the first
   * line of the reply, or null if no node answered.
   */
  String send(String command);

  /** How many times the target's nodes together have run {@code command} (lower case) since they started. */
  long calls(String command);

  @Override
  void close();
}
