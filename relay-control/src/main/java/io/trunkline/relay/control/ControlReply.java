package io.trunkline.relay.control;

import java.util.List;
import java.util.Objects;

/** A reply of the relay control protocol, carrying the cookie of the request it answers. */
public sealed interface ControlReply {

  String cookie();

  /** To an offer or answer: the relay's address and ports a party must send to. */
  record Media(String cookie, MediaEndpoint relay) implements ControlReply {
    public Media {
      Objects.requireNonNull(cookie, "cookie");
      Objects.requireNonNull(relay, "relay");
    }
  }

  /** To a delete: what each leg received. */
  record Statistics(String cookie, SessionReport report) implements ControlReply {
    public Statistics {
      Objects.requireNonNull(cookie, "cookie");
      Objects.requireNonNull(report, "report");
    }
  }

  /** To a ping. */
  record Pong(String cookie, RelayHealth health) implements ControlReply {
    public Pong {
      Objects.requireNonNull(cookie, "cookie");
      Objects.requireNonNull(health, "health");
    }
  }

  /**
   * To a silent: the Call-IDs of the silent sessions, the most recently silent first, as many as
   * fit in one datagram.
   */
  record Silent(String cookie, List<String> callIds) implements ControlReply {
    public Silent {
      Objects.requireNonNull(cookie, "cookie");
      callIds = List.copyOf(callIds);
    }
  }

  /**
   * A refusal.
   *
   * @param detail human-readable context for logs; clients act on {@code error} only
   */
  record Error(String cookie, ControlError error, String detail) implements ControlReply {
    public Error {
      Objects.requireNonNull(cookie, "cookie");
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
