package io.trunkline.sip.proxy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The answered calls of this proxy, by Call-ID. */
final class Dialogs {

  private final Map<String, Dialog> byCallId = new ConcurrentHashMap<>();

  void add(Dialog dialog) {
    Dialog previous = byCallId.putIfAbsent(dialog.callId(), dialog);
    if (previous != null && previous.channels() != dialog.channels()) {
      // A second 2xx of a forked call is a second dialog on the same channel: hold one lease.
      dialog.channels().release();
    }
  }

  Dialog get(String callId) {
    return byCallId.get(callId);
  }

  /** Ends a dialog (its BYE, or the proxy's), returning its channels; null when there was none. */
  Dialog end(String callId) {
    Dialog dialog = byCallId.remove(callId);
    if (dialog != null) {
      dialog.channels().release();
    }
    return dialog;
  }

  /** Dialogs older than {@code maximum}, still up. */
  List<Dialog> olderThan(Instant now, Duration maximum) {
    return byCallId.values().stream().filter(d -> d.started().plus(maximum).isBefore(now)).toList();
  }

  /** Every dialog still up. */
  List<Dialog> all() {
    return List.copyOf(byCallId.values());
  }

  int size() {
    return byCallId.size();
  }
}
