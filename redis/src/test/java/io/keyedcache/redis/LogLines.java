package io.keyedcache.redis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The messages that the loggers of some classes log while it is open (java.util.logging, where System.Logger goes). */
public final class LogLines implements AutoCloseable {
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final List<Logger> loggers;
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      messages.add(record.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LogLines(List<Logger> loggers) {
    this.loggers = loggers;
    loggers.forEach(logger -> logger.addHandler(handler));
  }

  /** Collects what the loggers named after {@code classes} log, until closed. */
  public static LogLines of(Class<?>... classes) {
    return new LogLines(java.util.Arrays.stream(classes).map(type -> Logger.getLogger(type.getName())).toList());
  }

  /** What was logged so far, in order. */
  public List<String> messages() {
    return messages;
  }

  @Override
  public void close() {
    loggers.forEach(logger -> logger.removeHandler(handler));
  }
}
