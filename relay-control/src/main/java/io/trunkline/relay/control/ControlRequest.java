package io.trunkline.relay.control;

import java.util.Objects;

/**
 * A request of the relay control protocol. The {@code cookie} is chosen by the client, unique among
 * its outstanding requests, and echoed in the reply; a retransmission carries the same cookie.
 */
public sealed interface ControlRequest {

  String cookie();

  ControlOp op();

  /**
   * An SDP offer's media: returns where the other party (the answerer) must send, which the proxy
   * writes into the SDP it forwards.
   *
   * @param fromTag the offerer's tag: the From tag of the request carrying the offer
   * @param media where the offerer receives, from its SDP
   */
  record Offer(String cookie, String callId, String fromTag, MediaEndpoint media)
      implements ControlRequest {
    public Offer {
      Objects.requireNonNull(cookie, "cookie");
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(fromTag, "fromTag");
      Objects.requireNonNull(media, "media");
    }

    @Override
    public ControlOp op() {
      return ControlOp.OFFER;
    }
  }

  /**
   * An SDP answer's media: returns where the offerer must send.
   *
   * @param fromTag the offerer's tag (the From tag of the dialog-forming request)
   * @param toTag the answerer's tag
   * @param media where the answerer receives, from its SDP
   */
  record Answer(String cookie, String callId, String fromTag, String toTag, MediaEndpoint media)
      implements ControlRequest {
    public Answer {
      Objects.requireNonNull(cookie, "cookie");
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(fromTag, "fromTag");
      Objects.requireNonNull(toTag, "toTag");
      Objects.requireNonNull(media, "media");
    }

    @Override
    public ControlOp op() {
      return ControlOp.ANSWER;
    }
  }

  /**
   * Ends a session.
   *
   * @param fromTag either party's tag: a BYE from the callee carries the callee's tag in From
   */
  record Delete(String cookie, String callId, String fromTag) implements ControlRequest {
    public Delete {
      Objects.requireNonNull(cookie, "cookie");
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(fromTag, "fromTag");
    }

    @Override
    public ControlOp op() {
      return ControlOp.DELETE;
    }
  }

  /** Health and capacity. */
  record Ping(String cookie) implements ControlRequest {
    public Ping {
      Objects.requireNonNull(cookie, "cookie");
    }

    @Override
    public ControlOp op() {
      return ControlOp.PING;
    }
  }

  /**
   * Asks for the sessions that received no packet, from either party, and no offer or answer for at
   * least {@code seconds}.
   */
  record Silent(String cookie, int seconds) implements ControlRequest {
    public Silent {
      Objects.requireNonNull(cookie, "cookie");
      if (seconds < 1) {
        throw new IllegalArgumentException("silence of at least a second: " + seconds);
      }
    }

    @Override
    public ControlOp op() {
      return ControlOp.SILENT;
    }
  }
}
