package io.keyedcache.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import domain.Blog;
import io.keyedcache.provider.KeyedCachingProvider;
import java.util.Iterator;
import java.util.ServiceLoader;
import javax.cache.Caching;
import javax.cache.annotation.BeanProvider;
import manager.ClassLevelCacheConfigBlogManagerImpl;
import org.junit.jupiter.api.Test;

/**
 * Guards the annotation part of the TCK: the TCK reports its 12 annotation tests as passed when it finds no
 * {@link BeanProvider}, so this checks that ours is found and that its beans really are intercepted by our caches.
 */
class GuiceBeanProviderTest {

  @Test
  void theTckFindsOurBeanProviderAndItsBeansCacheInOurProvider() {
    Iterator<BeanProvider> found = ServiceLoader.load(BeanProvider.class).iterator();
    BeanProvider provider = found.next();
    assertInstanceOf(GuiceBeanProvider.class, provider);
    assertInstanceOf(KeyedCachingProvider.class, Caching.getCachingProvider());

    ClassLevelCacheConfigBlogManagerImpl blogs = provider.getBeanByType(ClassLevelCacheConfigBlogManagerImpl.class);
    Blog blog = new Blog("guard-title", "body");
    blogs.createEntry(blog);
    assertSame(blog, blogs.getEntryCached("guard-title"));

    blogs.clearEntry("guard-title"); // gone from the backing map, but still in the cache
    assertNull(blogs.getEntryRaw("guard-title"));
    assertNotNull(blogs.getEntryCached("guard-title"), "@CacheResult was not intercepted");
    assertEquals("body", blogs.getEntryCached("guard-title").getBody());
  }
}
