package io.trunkline.relay.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trunkline.relay.control.ControlSigner;
import io.trunkline.relay.control.LegReport;
import io.trunkline.relay.control.SessionReport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The relay's Prometheus metrics (the names are the contract in docs/metrics.md), all labelled with
 * the trunk the relay serves.
 *
 * <p>Packets and bytes count as they are received. Loss and jitter are taken once per leg when the
 * session ends, from the same figures the delete reply carries: loss can only be known for sure
 * then (a late packet fills a gap it left, RFC 3550 A.3), and a counter cannot go back.
 */
public final class RelayMetrics implements AutoCloseable {

  /** Why a media packet was not forwarded. */
  public enum Drop {
    /** Strict source: not from the signalled address. */
    SOURCE("source"),
    /** The other party's address is not known yet (no answer, no packet to latch). */
    NO_PEER("no-peer"),
    /** The outgoing socket's buffer is full; queueing would only add delay to live audio. */
    CONGESTED("congested");

    private final String tag;

    Drop(String tag) {
      this.tag = tag;
    }
  }

  /** Why a session ended. */
  public enum End {
    DELETED("deleted"),
    IDLE("idle"),
    SHUTDOWN("shutdown");

    private final String tag;

    End(String tag) {
      this.tag = tag;
    }
  }

  /** Why an offer for a new session was refused. */
  public enum Refusal {
    PORTS("ports"),
    SESSIONS("sessions"),
    BIND("bind");

    private final String tag;

    Refusal(String tag) {
      this.tag = tag;
    }
  }

  /** Jitter bounds in seconds: 20-30 ms is where a fixed playout buffer starts to lose audio. */
  private static final double[] JITTER_BUCKETS = {
    0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5
  };

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter packets;
  private final Counter bytes;
  private final Counter lost;
  private final DistributionSummary jitter;
  private final Counter[] drops;
  private final Counter[] ends;
  private final Counter[] refusals;
  private final Counter malformedControl;
  private final Counter overloadedControl;
  private final Counter unauthenticatedControl;
  private final Counter staleControl;

  public RelayMetrics(
      MeterRegistry registry, String trunk, IntSupplier sessions, IntSupplier portsInUse) {
    this.registry = registry;
    keep(
        Gauge.builder("trunkline.relay.sessions", sessions, IntSupplier::getAsInt)
            .description("Sessions the relay holds")
            .tag("trunk", trunk)
            .strongReference(true)
            .register(registry));
    keep(
        Gauge.builder("trunkline.relay.ports.in.use", portsInUse, IntSupplier::getAsInt)
            .description("Relay ports (RTP and RTCP) held by sessions")
            .tag("trunk", trunk)
            .strongReference(true)
            .register(registry));
    packets =
        keep(
            Counter.builder("trunkline.relay.packets")
                .description("RTP packets the relay received to forward")
                .tag("trunk", trunk)
                .register(registry));
    bytes =
        keep(
            Counter.builder("trunkline.relay.bytes")
                .description("Bytes (UDP payload) of the RTP packets the relay received")
                .tag("trunk", trunk)
                .register(registry));
    lost =
        keep(
            Counter.builder("trunkline.relay.packets.lost")
                .description("RTP packets lost before the relay, from sequence numbers")
                .tag("trunk", trunk)
                .register(registry));
    jitter =
        keep(
            DistributionSummary.builder("trunkline.relay.jitter")
                .description("Interarrival jitter per leg at the end of the session")
                .baseUnit("seconds")
                .serviceLevelObjectives(JITTER_BUCKETS)
                .tag("trunk", trunk)
                .register(registry));
    drops = new Counter[Drop.values().length];
    for (Drop drop : Drop.values()) {
      drops[drop.ordinal()] =
          keep(
              Counter.builder("trunkline.relay.media.dropped")
                  .description("Media packets not forwarded")
                  .tags("trunk", trunk, "reason", drop.tag)
                  .register(registry));
    }
    ends = new Counter[End.values().length];
    for (End end : End.values()) {
      ends[end.ordinal()] =
          keep(
              Counter.builder("trunkline.relay.sessions.ended")
                  .description("Sessions ended")
                  .tags("trunk", trunk, "reason", end.tag)
                  .register(registry));
    }
    refusals = new Counter[Refusal.values().length];
    for (Refusal refusal : Refusal.values()) {
      refusals[refusal.ordinal()] =
          keep(
              Counter.builder("trunkline.relay.offers.refused")
                  .description("Offers refused for a new session")
                  .tags("trunk", trunk, "reason", refusal.tag)
                  .register(registry));
    }
    malformedControl = controlDropCounter(trunk, "malformed");
    overloadedControl = controlDropCounter(trunk, "overload");
    unauthenticatedControl = controlDropCounter(trunk, "unauthenticated");
    staleControl = controlDropCounter(trunk, "stale");
  }

  public void received(int length) {
    packets.increment();
    bytes.increment(length);
  }

  public void dropped(Drop reason) {
    drops[reason.ordinal()].increment();
  }

  public void refused(Refusal reason) {
    refusals[reason.ordinal()].increment();
  }

  /** A control datagram that could not be read and had no cookie to answer. */
  public void malformedControl() {
    malformedControl.increment();
  }

  /** A control datagram dropped because the control queue was full; the client retransmits. */
  public void overloadedControl() {
    overloadedControl.increment();
  }

  /**
   * A control datagram not signed with the trunk's key, or signed too long ago or ahead: a
   * stranger, a proxy of another trunk or key, a replay, or a clock far off.
   */
  public void refusedControl(ControlSigner.Refusal refusal) {
    (refusal == ControlSigner.Refusal.STALE ? staleControl : unauthenticatedControl).increment();
  }

  public void ended(End reason, SessionReport report) {
    ends[reason.ordinal()].increment();
    for (LegReport leg : new LegReport[] {report.caller(), report.callee()}) {
      lost.increment(leg.lost());
      // A leg that never received RTP has no jitter to speak of; a 0 would flatter the histogram.
      if (leg.packets() > 0) {
        jitter.record(leg.jitterSeconds());
      }
    }
  }

  /** Removes the relay's meters so that a relay started later in this process registers afresh. */
  @Override
  public void close() {
    meters.forEach(registry::remove);
    meters.clear();
  }

  private Counter controlDropCounter(String trunk, String reason) {
    return keep(
        Counter.builder("trunkline.relay.control.dropped")
            .description("Control datagrams dropped without a reply")
            .tags("trunk", trunk, "reason", reason)
            .register(registry));
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }
}
