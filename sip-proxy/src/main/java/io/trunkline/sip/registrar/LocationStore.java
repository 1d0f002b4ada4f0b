package io.trunkline.sip.registrar;

import java.time.Instant;
import java.util.List;

/**
 * Where each line can be reached. An interface because one replica keeps it in memory while a pool
 * of replicas must share it (a line registers on one pod and is called through another).
 */
public interface LocationStore {

  /**
   * Applies one REGISTER's changes to a line's bindings atomically: each binding replaces the one
   * with its contact; an expiry at or before {@code now} removes it.
   *
   * @return the line's bindings afterwards
   */
  List<Binding> update(String line, List<Binding> changes, Instant now);

  /** Removes every binding of a line (Contact: * with Expires: 0, §10.2.2). */
  void clear(String line);

  /** The line's live bindings, newest first. */
  List<Binding> lookup(String line, Instant now);
}
