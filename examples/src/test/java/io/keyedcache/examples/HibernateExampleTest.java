package io.keyedcache.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import javax.cache.Caching;
import org.hibernate.SessionFactory;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.cfg.Configuration;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;

/** Hibernate ORM's second-level cache on keyedcache, through hibernate-jcache. */
class HibernateExampleTest {

  /** An entity cached in the second level. */
  @Entity(name = "Product")
  @Cacheable
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
  public static class Product {
    @Id
    Long id;
    String name;

    protected Product() {}

    Product(long id, String name) {
      this.id = id;
      this.name = name;
    }
  }

  @Test
  void entitiesAreReadFromTheSecondLevelCache() {
    Configuration configuration = new Configuration()
        .addAnnotatedClass(Product.class)
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:examples;DB_CLOSE_DELAY=-1")
        .setProperty("hibernate.hbm2ddl.auto", "create-drop")
        .setProperty("hibernate.generate_statistics", "true")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.cache.region.factory_class", "jcache")
        .setProperty("hibernate.javax.cache.provider", "io.keyedcache.provider.KeyedCachingProvider")
        // Hibernate resolves the name on the class path itself and hands the provider the resource's URL
        .setProperty("hibernate.javax.cache.uri", "examples-caches.properties")
        .setProperty("hibernate.javax.cache.missing_cache_strategy", "create");
    try (SessionFactory sessions = configuration.buildSessionFactory()) {
      sessions.inTransaction(session -> session.persist(new Product(1, "apple")));
      Statistics statistics = sessions.getStatistics();
      statistics.clear();

      sessions.inSession(session -> assertEquals("apple", session.find(Product.class, 1L).name));
      sessions.inSession(session -> assertEquals("apple", session.find(Product.class, 1L).name));

      assertEquals(2, statistics.getSecondLevelCacheHitCount(), "both reads served by the second-level cache");
      assertEquals(0, statistics.getEntityLoadCount(), "no read went to the database");
      java.net.URI file = java.net.URI.create(
          getClass().getClassLoader().getResource("examples-caches.properties").toString());
      Iterable<String> caches = Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider")
          .getCacheManager(file, Thread.currentThread().getContextClassLoader()).getCacheNames();
      assertTrue(caches.toString().contains(Product.class.getName()),
          "the entity region lives in keyedcache's manager for the file: " + caches);
    }
  }
}
