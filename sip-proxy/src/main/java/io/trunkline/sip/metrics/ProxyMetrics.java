package io.trunkline.sip.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trunkline.sip.health.CarrierProber;
import io.trunkline.sip.pool.Members;
import io.trunkline.sip.pool.PoolStore;
import io.trunkline.sip.transport.TransportStats;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;

/**
 * The proxy's metrics under the names of docs/metrics.md, which the operator's autoscaler, the
 * chart's alerts and its dashboard read. Micrometer appends {@code _total} to counters.
 */
public final class ProxyMetrics implements CarrierProber.Reports {

  private final MeterRegistry registry;
  private final String trunk;
  private final Counter calls;
  private final Counter handedOver;
  private final Counter emergencyCalls;
  private final Counter unknownMember;
  private final Counter sealedHandOver;
  private final Counter strayResponses;
  private final Map<RejectReason, Counter> rejects = new ConcurrentHashMap<>();
  private final Map<Integer, Counter> responses = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> carrierUp = new ConcurrentHashMap<>();
  private final Map<String, Gauge> lineSessions = new HashMap<>();

  public ProxyMetrics(MeterRegistry registry, String trunk) {
    this.registry = registry;
    this.trunk = trunk;
    this.calls = Counter.builder("trunkline.calls").tag("trunk", trunk).register(registry);
    this.handedOver =
        Counter.builder("trunkline.pool.handed.over")
            .description("requests handed to the proxy of the pool that owns their call")
            .tag("trunk", trunk)
            .register(registry);
    this.unknownMember =
        Counter.builder("trunkline.pool.unknown.member")
            .description("requests handed over by a proxy not yet known as a member, dropped")
            .tag("trunk", trunk)
            .register(registry);
    this.sealedHandOver =
        Counter.builder("trunkline.pool.sealed.hand.overs")
            .description("requests handed over by a proxy not yet known as a member, served")
            .tag("trunk", trunk)
            .register(registry);
    this.emergencyCalls =
        Counter.builder("trunkline.emergency.calls")
            .description("calls to the trunk's emergency numbers, which pass every limit")
            .tag("trunk", trunk)
            .register(registry);
    this.strayResponses =
        Counter.builder("trunkline.sip.responses.stray")
            .description("responses of no transaction that were not forwarded: dropped")
            .tag("trunk", trunk)
            .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Sessions and channels read live from whatever holds them. */
  public <T> void sessions(T source, ToDoubleFunction<T> sessions, ToDoubleFunction<T> channels) {
    Gauge.builder("trunkline.sessions", source, sessions).tag("trunk", trunk).register(registry);
    Gauge.builder("trunkline.channels", source, channels).tag("trunk", trunk).register(registry);
  }

  /**
   * Calls in progress on each of the trunk's lines, for the per-line panels, as each snapshot names
   * them: a new line's gauge is registered, a removed line's taken away, and a line kept keeps its
   * gauge (registering it again would only earn Micrometer's warning).
   */
  public synchronized <T> void lineSessions(
      Collection<String> lines, T source, ToDoubleBiFunction<T, String> sessions) {
    Set<String> named = Set.copyOf(lines);
    lineSessions
        .entrySet()
        .removeIf(
            line -> {
              boolean removed = !named.contains(line.getKey());
              if (removed) {
                registry.remove(line.getValue());
              }
              return removed;
            });
    for (String line : named) {
      lineSessions.computeIfAbsent(
          line,
          name ->
              Gauge.builder("trunkline.line.sessions", source, s -> sessions.applyAsDouble(s, name))
                  .tag("trunk", trunk)
                  .tag("line", name)
                  .register(registry));
    }
  }

  /**
   * Whether this replica counts on its pool's store (1) or on its share while the store is away
   * (0), and how often it turned to its share.
   */
  public void store(PoolStore store) {
    Gauge.builder("trunkline.store.shared", store, s -> s.shared() ? 1 : 0)
        .tag("trunk", trunk)
        .register(registry);
    FunctionCounter.builder("trunkline.store.fallbacks", store, PoolStore::fallbacks)
        .tag("trunk", trunk)
        .register(registry);
  }

  /**
   * The pool as this proxy sees it: the members it found, and those of them that own new calls. A
   * pool of two whose members each see one has not formed: each serves every call it receives.
   */
  public void pool(Members members) {
    Gauge.builder("trunkline.pool.members", members, Members::size)
        .tag("trunk", trunk)
        .register(registry);
    Gauge.builder("trunkline.pool.owners", members, Members::owners)
        .tag("trunk", trunk)
        .register(registry);
  }

  /** New calls this proxy took on, counted once the caller is known. */
  public double callCount() {
    return calls.count();
  }

  /**
   * A call the proxy ended itself with a BYE to both parties: {@code duration} (the trunk's maximum
   * call duration), {@code drain} (still up at a draining proxy's bound) or {@code silence} (no
   * media either way, not on hold, for the trunk's silence timeout).
   */
  public void ended(String reason) {
    Counter.builder("trunkline.dialogs.ended")
        .description("calls the proxy ended itself with a BYE to both parties")
        .tag("trunk", trunk)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  public double endedCount(String reason) {
    Counter counter =
        registry
            .find("trunkline.dialogs.ended")
            .tag("trunk", trunk)
            .tag("reason", reason)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  /** A request handed to the proxy of the pool that owns its call. */
  public void handedOver() {
    handedOver.increment();
  }

  /**
   * A request handed over by a proxy this one has not found among the members yet, dropped until a
   * look-up tells (its retransmission comes then).
   */
  public void unknownMember() {
    unknownMember.increment();
  }

  public double unknownMemberCount() {
    return unknownMember.count();
  }

  /**
   * A request handed over by a proxy this one has not found by DNS yet, served on the strength of
   * its seal: how far DNS lags behind the pool.
   */
  public void sealedHandOver() {
    sealedHandOver.increment();
  }

  public double sealedHandOverCount() {
    return sealedHandOver.count();
  }

  public double handedOverCount() {
    return handedOver.count();
  }

  public void transport(TransportStats stats) {
    FunctionCounter.builder("trunkline.sip.malformed", stats, TransportStats::malformedCount)
        .description("messages that did not parse: answered 400 or dropped")
        .tag("trunk", trunk)
        .register(registry);
    FunctionCounter.builder("trunkline.sip.received", stats, TransportStats::receivedCount)
        .tag("trunk", trunk)
        .register(registry);
    FunctionCounter.builder("trunkline.sip.tls.refused", stats, TransportStats::tlsRefusedCount)
        .description("TLS connections the proxy opened whose peer's certificate was refused")
        .tag("trunk", trunk)
        .register(registry);
    FunctionCounter.builder(
            "trunkline.sip.tls.certificate.reloads", stats, TransportStats::certificateReloadCount)
        .description("TLS listener certificates reloaded from changed files")
        .tag("trunk", trunk)
        .tag("result", "loaded")
        .register(registry);
    FunctionCounter.builder(
            "trunkline.sip.tls.certificate.reloads",
            stats,
            TransportStats::certificateReloadFailureCount)
        .tag("trunk", trunk)
        .tag("result", "failed")
        .register(registry);
    FunctionCounter.builder(
            "trunkline.sip.tls.carrier.anchors.reloads",
            stats,
            TransportStats::carrierAnchorsReloadCount)
        .description("carrier trust bundles reloaded from a changed file")
        .tag("trunk", trunk)
        .tag("result", "loaded")
        .register(registry);
    FunctionCounter.builder(
            "trunkline.sip.tls.carrier.anchors.reloads",
            stats,
            TransportStats::carrierAnchorsReloadFailureCount)
        .tag("trunk", trunk)
        .tag("result", "failed")
        .register(registry);
  }

  /**
   * A response of no transaction here that could not be forwarded statelessly (RFC 3261 §16.7 and
   * §18.1.2): not sent through this proxy, or towards a broadcast address (RFC 4475 §3.3.10).
   */
  public void strayResponse() {
    strayResponses.increment();
  }

  public double strayResponseCount() {
    return strayResponses.count();
  }

  public void call() {
    calls.increment();
  }

  /** A call to an emergency number from a known caller, counted with the calls as well. */
  public void emergencyCall() {
    emergencyCalls.increment();
  }

  public double emergencyCallCount() {
    return emergencyCalls.count();
  }

  public void reject(RejectReason reason) {
    rejects
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("trunkline.calls.rejected")
                    .tag("trunk", trunk)
                    .tag("reason", r.label())
                    .register(registry))
        .increment();
  }

  /** A final response the proxy sent upstream, generated or forwarded. */
  public void response(int status) {
    responses
        .computeIfAbsent(
            status,
            s ->
                Counter.builder("trunkline.sip.responses")
                    .tag("trunk", trunk)
                    .tag("code", Integer.toString(s))
                    .register(registry))
        .increment();
  }

  @Override
  public void verdict(String carrier, boolean up) {
    carrierUp
        .computeIfAbsent(
            carrier,
            c -> {
              AtomicInteger value = new AtomicInteger(1);
              Gauge.builder("trunkline.carrier.up", value, AtomicInteger::get)
                  .tag("trunk", trunk)
                  .tag("carrier", c)
                  .register(registry);
              return value;
            })
        .set(up ? 1 : 0);
  }

  /** A carrier left or entered rotation; {@code reason} is one of the prober's few labels. */
  @Override
  public void changed(String carrier, boolean up, String reason) {
    Counter.builder("trunkline.carrier.changes")
        .description("carriers taken out of or brought back into rotation, by reason")
        .tag("trunk", trunk)
        .tag("carrier", carrier)
        .tag("to", up ? "up" : "down")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** Changes of a carrier's state for one reason, for tests. */
  public double carrierChanges(String carrier, boolean up, String reason) {
    Counter counter =
        registry
            .find("trunkline.carrier.changes")
            .tags("carrier", carrier, "to", up ? "up" : "down", "reason", reason)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  /** Reject count for one reason, for tests and logs. */
  public double rejected(RejectReason reason) {
    Counter counter = rejects.get(reason);
    return counter == null ? 0 : counter.count();
  }
}
