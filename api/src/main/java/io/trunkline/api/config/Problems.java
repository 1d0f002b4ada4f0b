package io.trunkline.api.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems one compilation finds, in the order found, and whether any of them holds back the
 * snapshot. The two kinds differ on purpose (decision 0006): a bad line is only left out, since it
 * then cannot register and so fails closed; a bad trunk setting or routing rule blocks the whole
 * snapshot, since leaving a rule out could fail open.
 */
final class Problems {

  private final List<Problem> found = new ArrayList<>();
  private boolean blocking;

  /** A problem with a resource that is left out; the snapshot still goes out without it. */
  void leaveOut(String kind, String name, String reason, String message) {
    found.add(new Problem(kind, name, reason, message));
  }

  /** As {@link #leaveOut(String, String, String, String)}, found before. */
  void leaveOut(Problem problem) {
    found.add(problem);
  }

  /** A problem that holds back the whole snapshot, so that the last good one stays in force. */
  void block(String kind, String name, String reason, String message) {
    found.add(new Problem(kind, name, reason, message));
    blocking = true;
  }

  /** How many problems were found so far; a compiler compares counts to see if a part failed. */
  int count() {
    return found.size();
  }

  /** True when a problem holds back the snapshot. */
  boolean blocking() {
    return blocking;
  }

  List<Problem> list() {
    return List.copyOf(found);
  }
}
