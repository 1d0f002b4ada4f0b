package io.trunkline.testing.log;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The messages one logger (and those under it) writes at a level or above while open, formatted as
 * java.util.logging formats them; Netty and Lettuce log there too. Closing stops the recording.
 */
public final class LogRecords implements AutoCloseable {

  private final Logger logger;
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final Handler handler;

  private LogRecords(Logger logger, Level level) {
    this.logger = logger;
    this.handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= level.intValue()) {
              Object[] parameters = record.getParameters();
              messages.add(
                  parameters == null || parameters.length == 0
                      ? record.getMessage()
                      : MessageFormat.format(record.getMessage(), parameters));
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
  }

  /** Records what {@code name} logs at {@code level} or above; the empty name for every logger. */
  public static LogRecords of(String name, Level level) {
    LogRecords records = new LogRecords(Logger.getLogger(name), level);
    records.logger.addHandler(records.handler);
    return records;
  }

  /** What was recorded so far, oldest first. */
  public List<String> messages() {
    return List.copyOf(messages);
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}
