package io.trunkline.sip.media;

import io.trunkline.relay.control.ControlError;
import io.trunkline.relay.control.MediaEndpoint;
import io.trunkline.relay.control.RelayClient;
import io.trunkline.relay.control.RelayException;
import io.trunkline.relay.control.SessionReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  /** Each anchored call by Call-ID: one relay session per call. */
  private final Map<String, Anchored> sessions = new ConcurrentHashMap<>();

  /**
   * A call's relay, and whether the latest offer and the latest answer that went through it have
   * audio flow both ways: a call on hold may be silent for as long as it likes.
   */
  private static final class Anchored {
    final RelayClient relay;
    volatile boolean offerBothWays = true;
    volatile boolean answerBothWays = true;

    Anchored(RelayClient relay) {
      this.relay = relay;
    }

    boolean held() {
      return !(offerBothWays && answerBothWays);
    }
  }

  public MediaAnchor(RelayPool pool) {
    this.pool = pool;
  }

  /**
   * Anchors an offer from the party tagged {@code fromTag}; completes with the SDP to send on, or
   * exceptionally with the last relay's refusal when none could take it.
   */
  public CompletableFuture<String> offer(String callId, String fromTag, String sdp) {
    Anchored known = sessions.get(callId);
    boolean bothWays = Sdp.sendsBothWays(sdp);
    if (known != null) {
      // Held from the offer on: media may stop before the answer comes.
      known.offerBothWays = bothWays;
    }
    Optional<MediaEndpoint> media = Sdp.audio(sdp);
    if (media.isEmpty()) {
      return CompletableFuture.completedFuture(sdp);
    }
    List<RelayClient> candidates = known != null ? List.of(known.relay) : pool.candidates();
    if (candidates.isEmpty()) {
      return CompletableFuture.failedFuture(
          new RelayException(ControlError.UNREACHABLE, "no relay in rotation"));
    }
    return tryOffer(candidates, 0, callId, fromTag, media.get(), bothWays)
        .thenApply(relayed -> Sdp.anchor(sdp, relayed));
  }

  private CompletableFuture<MediaEndpoint> tryOffer(
      List<RelayClient> candidates,
      int index,
      String callId,
      String tag,
      MediaEndpoint media,
      boolean bothWays) {
    RelayClient relay = candidates.get(index);
    return relay
        .offer(callId, tag, media)
        .thenApply(
            relayed -> {
              sessions.computeIfAbsent(callId, id -> new Anchored(relay)).offerBothWays = bothWays;
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
                  ? tryOffer(candidates, index + 1, callId, tag, media, bothWays)
                  : CompletableFuture.failedFuture(failure);
            });
  }

  /**
   * Anchors the answer of the party tagged {@code toTag} to the offer of {@code fromTag}. Without
   * an anchored offer the SDP passes unchanged.
   */
  public CompletableFuture<String> answer(String callId, String fromTag, String toTag, String sdp) {
    Anchored anchored = sessions.get(callId);
    if (anchored != null) {
      anchored.answerBothWays = Sdp.sendsBothWays(sdp);
    }
    Optional<MediaEndpoint> media = Sdp.audio(sdp);
    if (anchored == null || media.isEmpty()) {
      return CompletableFuture.completedFuture(sdp);
    }
    return anchored
        .relay
        .answer(callId, fromTag, toTag, media.get())
        .thenApply(relayed -> Sdp.anchor(sdp, relayed));
  }

  /** Whether the call has media on a relay. */
  public boolean anchored(String callId) {
    return sessions.containsKey(callId);
  }

  /**
   * The anchored calls whose relay saw no packet either way for {@code silence}, leaving out calls
   * on hold (by the latest offer or answer): a held call may send nothing, RTCP included, however
   * long it lasts. Asks each relay that carries a call of this proxy's, once; a relay that does not
   * answer contributes nothing this time.
   */
  public CompletableFuture<List<String>> silent(Duration silence) {
    Set<RelayClient> relays = new HashSet<>();
    sessions.values().forEach(anchored -> relays.add(anchored.relay));
    List<CompletableFuture<List<String>>> asked = new ArrayList<>();
    for (RelayClient relay : relays) {
      asked.add(
          relay
              .silent(silence)
              .thenApply(callIds -> unheldOn(relay, callIds))
              .exceptionally(
                  failure -> {
                    LOG.log(
                        System.Logger.Level.DEBUG,
                        "relay {0} did not say which calls are silent: {1}",
                        relay.relay(),
                        failure.getMessage());
                    return List.of();
                  }));
    }
    return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
        .thenApply(done -> asked.stream().flatMap(answer -> answer.join().stream()).toList());
  }

  /** The relays list every session they hold, whichever proxy anchored it: keep ours. */
  private List<String> unheldOn(RelayClient relay, List<String> callIds) {
    List<String> ours = new ArrayList<>();
    for (String callId : callIds) {
      Anchored anchored = sessions.get(callId);
      if (anchored != null && anchored.relay == relay && !anchored.held()) {
        ours.add(callId);
      }
    }
    return ours;
  }

  /**
   * Ends the call's relay session ({@code tag} is either party's); the report is logged as the
   * call's media record.
   */
  public void release(String callId, String tag) {
    Anchored anchored = sessions.remove(callId);
    if (anchored == null) {
      return;
    }
    anchored
        .relay
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
