package io.trunkline.sip.quota;

import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfig.Line;
import io.trunkline.sip.metrics.Refusal;
import io.trunkline.sip.metrics.RejectReason;
import java.util.function.LongSupplier;
import javax.sip.message.Response;

/**
 * Admits a new call against the trunk's quotas, in the order a caller should learn them: the
 * trunk's calls per second, its channels, then the caller's and the callee's line (one call each,
 * so a second call is busy). An admitted call holds its channels until it ends.
 */
public final class Admission {

  /** What came of asking: the call's channels, or why not. */
  public sealed interface Verdict {
    record Admitted(CallChannels channels) implements Verdict {}

    record Refused(Refusal refusal) implements Verdict {}
  }

  private final ChannelQuota quota;
  private final LongSupplier nanoTime;
  private volatile CallRateLimiter rate;

  public Admission(ChannelQuota quota, LongSupplier nanoTime) {
    this.quota = quota;
    this.nanoTime = nanoTime;
  }

  /**
   * @param caller the calling line, or null for a PBX or carrier
   * @param callee the called line, or null for a carrier or PBX destination
   */
  public Verdict admit(TrunkConfig trunk, Line caller, Line callee) {
    if (!rate(trunk.quota().callsPerSecond()).tryAdmit()) {
      return refused(
          Refusal.retryLater(
              Response.SERVICE_UNAVAILABLE, "Call Rate Exceeded", 1, RejectReason.CPS),
          null);
    }
    CallChannels channels = new CallChannels(quota);
    if (!channels.take(trunkKey(trunk.trunk()), trunk.quota().channels())) {
      return refused(
          Refusal.retryLater(
              Response.SERVICE_UNAVAILABLE, "Trunk Channels In Use", 5, RejectReason.QUOTA),
          channels);
    }
    for (Line line : new Line[] {caller, callee}) {
      if (line != null && !channels.take(lineKey(line.name()), line.channels())) {
        return refused(Refusal.of(Response.BUSY_HERE, null, RejectReason.BUSY), channels);
      }
    }
    return new Verdict.Admitted(channels);
  }

  private static Verdict refused(Refusal refusal, CallChannels taken) {
    if (taken != null) {
      taken.release();
    }
    return new Verdict.Refused(refusal);
  }

  /** Channels of the trunk held by calls being set up or answered. */
  public int trunkInUse(String trunk) {
    return quota.inUse(trunkKey(trunk));
  }

  /** Channels of a line held now. */
  public int lineInUse(String line) {
    return quota.inUse(lineKey(line));
  }

  /** One bucket per trunk, made anew when the snapshot changes the rate. */
  private CallRateLimiter rate(int wanted) {
    CallRateLimiter current = rate;
    if (current == null || current.callsPerSecond() != wanted) {
      synchronized (this) {
        if (rate == null || rate.callsPerSecond() != wanted) {
          rate = new CallRateLimiter(wanted, nanoTime);
        }
        current = rate;
      }
    }
    return current;
  }

  private static String trunkKey(String trunk) {
    return "trunk/" + trunk;
  }

  private static String lineKey(String line) {
    return "line/" + line;
  }
}
