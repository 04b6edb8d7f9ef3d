package io.keyedcache.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.RedisClusterURIUtil;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.net.URI;

/** A worker's own plain Lettuce connection, to one server or a cluster as its URI says: for go signals and counters. */
record RawRedis(AbstractRedisClient client, RedisClusterCommands<String, String> commands) {

  static RawRedis connect(String uri) {
    if (uri.startsWith("redis-cluster://")) {
      RedisClusterClient cluster = RedisClusterClient.create(
          RedisClusterURIUtil.toRedisURIs(URI.create(uri.replaceFirst("-cluster://", "://"))));
      return new RawRedis(cluster, cluster.connect().sync());
    }
    RedisClient single = RedisClient.create(uri);
    return new RawRedis(single, single.connect().sync());
  }
}
