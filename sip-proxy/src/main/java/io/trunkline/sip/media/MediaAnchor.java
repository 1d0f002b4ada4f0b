package io.trunkline.sip.media;

import io.trunkline.relay.control.ControlError;
import io.trunkline.relay.control.MediaEndpoint;
import io.trunkline.relay.control.RelayClient;
import io.trunkline.relay.control.RelayException;
import io.trunkline.relay.control.SessionReport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Puts a relay into a call's media path (docs/architecture.md, data flow step 4): the offer's SDP
 * is rewritten to the relay's ports before it goes on, the answer's before it comes back, and the
 * relay session is deleted when the call ends. A relay that fails the offer hands it to the next
 * candidate at once, so a dead relay costs a call nothing even before the pings notice.
 */
public final class MediaAnchor implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(MediaAnchor.class.getName());

  private final RelayPool pool;

  /** The relay of each anchored call, by Call-ID: one relay session per call. */
  private final Map<String, RelayClient> sessions = new ConcurrentHashMap<>();

  public MediaAnchor(RelayPool pool) {
    this.pool = pool;
  }

  /**
   * Anchors an offer from the party tagged {@code fromTag}; completes with the SDP to send on, or
   * exceptionally with the last relay's refusal when none could take it.
   */
  public CompletableFuture<String> offer(String callId, String fromTag, String sdp) {
    Optional<MediaEndpoint> media = Sdp.audio(sdp);
    if (media.isEmpty()) {
      return CompletableFuture.completedFuture(sdp);
    }
    RelayClient known = sessions.get(callId);
    List<RelayClient> candidates = known != null ? List.of(known) : pool.candidates();
    if (candidates.isEmpty()) {
      return CompletableFuture.failedFuture(
          new RelayException(ControlError.UNREACHABLE, "no relay in rotation"));
    }
    return tryOffer(candidates, 0, callId, fromTag, media.get())
        .thenApply(relayed -> Sdp.anchor(sdp, relayed));
  }

  private CompletableFuture<MediaEndpoint> tryOffer(
      List<RelayClient> candidates, int index, String callId, String tag, MediaEndpoint media) {
    RelayClient relay = candidates.get(index);
    return relay
        .offer(callId, tag, media)
        .thenApply(
            relayed -> {
              sessions.put(callId, relay);
              return relayed;
            })
        .exceptionallyCompose(
            failure -> {
              LOG.log(
                  System.Logger.Level.WARNING,
                  "Call-ID {0}: relay {1} refused the offer: {2}",
                  callId,
                  relay.relay(),
                  failure.getMessage());
              return index + 1 < candidates.size()
                  ? tryOffer(candidates, index + 1, callId, tag, media)
                  : CompletableFuture.failedFuture(failure);
            });
  }

  /**
   * Anchors the answer of the party tagged {@code toTag} to the offer of {@code fromTag}. Without
   * an anchored offer the SDP passes unchanged.
   */
  public CompletableFuture<String> answer(String callId, String fromTag, String toTag, String sdp) {
    RelayClient relay = sessions.get(callId);
    Optional<MediaEndpoint> media = Sdp.audio(sdp);
    if (relay == null || media.isEmpty()) {
      return CompletableFuture.completedFuture(sdp);
    }
    return relay
        .answer(callId, fromTag, toTag, media.get())
        .thenApply(relayed -> Sdp.anchor(sdp, relayed));
  }

  /** Whether the call has media on a relay. */
  public boolean anchored(String callId) {
    return sessions.containsKey(callId);
  }

  /**
   * Ends the call's relay session ({@code tag} is either party's); the report is logged as the
   * call's media record.
   */
  public void release(String callId, String tag) {
    RelayClient relay = sessions.remove(callId);
    if (relay == null) {
      return;
    }
    relay
        .delete(callId, tag)
        .whenComplete(
            (SessionReport report, Throwable failure) -> {
              if (failure != null) {
                LOG.log(
                    System.Logger.Level.WARNING,
                    "Call-ID {0}: relay session not deleted ({1}); the relay's idle timer ends it",
                    callId,
                    failure.getMessage());
              } else {
                LOG.log(
                    System.Logger.Level.INFO,
                    "Call-ID {0} media: caller {1} packets, {2} lost, jitter {3} s; callee {4}"
                        + " packets, {5} lost, jitter {6} s",
                    callId,
                    report.caller().packets(),
                    report.caller().lost(),
                    report.caller().jitterSeconds(),
                    report.callee().packets(),
                    report.callee().lost(),
                    report.callee().jitterSeconds());
              }
            });
  }

  public RelayPool pool() {
    return pool;
  }

  @Override
  public void close() {
    pool.close();
  }
}
