package io.trunkline.sip.quota;

import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfig.Line;
import io.trunkline.sip.metrics.Refusal;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.quota.ChannelQuota.Channel;
import io.trunkline.sip.quota.ChannelQuota.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.message.Response;

/**
 * Admits a new call against the trunk's quotas in one claim, refused in the order a caller should
 * learn it: the trunk's calls per second, its channels, then the caller's and the callee's line
 * (one call each, so a second call is busy). An admitted call holds its channels until it ends. An
 * emergency call is held to the trunk's channels plus its emergency extra channels, and to nothing
 * else.
 */
public final class Admission {

  /** What came of asking: the call's channels, or why not. */
  public sealed interface Verdict {
    record Admitted(CallChannels channels) implements Verdict {}

    record Refused(Refusal refusal) implements Verdict {}
  }

  private final ChannelQuota quota;
  private final String claimPrefix;
  private final AtomicLong claims = new AtomicLong();

  /**
   * @param replica this replica's name in its pool, which makes its claims' names unique there
   */
  public Admission(ChannelQuota quota, String replica) {
    this.quota = quota;
    this.claimPrefix = replica + "/";
  }

  /**
   * @param caller the calling line, or null for a PBX or carrier
   * @param callee the called line, or null for a carrier or PBX destination
   */
  public CompletionStage<Verdict> admit(TrunkConfig trunk, Line caller, Line callee) {
    List<Channel> channels = new ArrayList<>(3);
    channels.add(new Channel(trunkKey(trunk.trunk()), trunk.quota().channels(), true));
    for (Line line : new Line[] {caller, callee}) {
      if (line != null) {
        channels.add(new Channel(lineKey(line.name()), line.channels(), false));
      }
    }
    return claim(trunk, trunk.quota().callsPerSecond(), channels);
  }

  /**
   * Admits an emergency call: it spends no calls-per-second token and may exceed the trunk's
   * channels by its emergency extra channels, beyond which it is refused like any call. The calling
   * line's channel is counted (the line shows busy to other calls) but never refuses it.
   *
   * @param caller the calling line, or null for the PBX
   */
  public CompletionStage<Verdict> admitEmergency(TrunkConfig trunk, Line caller) {
    List<Channel> channels = new ArrayList<>(2);
    channels.add(
        new Channel(
            trunkKey(trunk.trunk()),
            trunk.quota().channels() + trunk.emergency().extraChannels(),
            true,
            trunk.emergency().extraChannels()));
    if (caller != null) {
      channels.add(new Channel(lineKey(caller.name()), Integer.MAX_VALUE, false));
    }
    return claim(trunk, 0, channels);
  }

  private CompletionStage<Verdict> claim(
      TrunkConfig trunk, int callsPerSecond, List<Channel> channels) {
    String claim = claimPrefix + claims.incrementAndGet();
    return quota
        .claim(claim, rateKey(trunk.trunk()), callsPerSecond, channels)
        .thenApply(outcome -> verdict(claim, channels, outcome));
  }

  private Verdict verdict(String claim, List<Channel> channels, Outcome outcome) {
    if (outcome instanceof Outcome.OverRate) {
      return new Verdict.Refused(
          Refusal.retryLater(
              Response.SERVICE_UNAVAILABLE, "Call Rate Exceeded", 1, RejectReason.CPS));
    }
    if (outcome instanceof Outcome.Full full) {
      return new Verdict.Refused(
          full.channel() == 0
              ? Refusal.retryLater(
                  Response.SERVICE_UNAVAILABLE, "Trunk Channels In Use", 5, RejectReason.QUOTA)
              : Refusal.of(Response.BUSY_HERE, null, RejectReason.BUSY));
    }
    return new Verdict.Admitted(
        new CallChannels(quota, claim, channels.stream().map(Channel::key).toList()));
  }

  /** Channels of the trunk held by calls through this replica, being set up or answered. */
  public int trunkInUse(String trunk) {
    return quota.inUse(trunkKey(trunk));
  }

  /** Channels of a line held now. */
  public int lineInUse(String line) {
    return quota.inUse(lineKey(line));
  }

  private static String trunkKey(String trunk) {
    return "trunk/" + trunk;
  }

  private static String rateKey(String trunk) {
    return "rate/" + trunk;
  }

  private static String lineKey(String line) {
    return "line/" + line;
  }
}
