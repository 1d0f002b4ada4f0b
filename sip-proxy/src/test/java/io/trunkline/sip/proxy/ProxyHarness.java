package io.trunkline.sip.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trunkline.sip.auth.InMemorySourceBans;
import io.trunkline.sip.auth.SourceBans;
import io.trunkline.sip.config.Snapshot;
import io.trunkline.sip.media.MediaAnchor;
import io.trunkline.sip.media.RelayPool;
import io.trunkline.sip.message.ParseResult;
import io.trunkline.sip.message.SipParser;
import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.pool.Members;
import io.trunkline.sip.pool.PoolState;
import io.trunkline.sip.quota.InMemoryChannelQuota;
import io.trunkline.sip.registrar.InMemoryLocationStore;
import io.trunkline.sip.transport.CallWorkers;
import io.trunkline.sip.transport.InboundMessage;
import io.trunkline.sip.transport.SipSender;
import io.trunkline.sip.transport.Transport;
import io.trunkline.testing.time.TestClock;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A proxy fed SIP text and read as SIP text, without sockets or threads: every message is handled
 * on the calling thread and whatever the proxy sends is kept with where it went. For fast tests of
 * the dispatcher and its stages; the sipp tests prove the same against the real peer.
 */
final class ProxyHarness implements AutoCloseable {

  static final String PROXY = "127.0.0.1";

  /** One message the proxy put on the (imaginary) wire. */
  record Sent(InetSocketAddress to, String text) {
    String firstLine() {
      return text.substring(0, text.indexOf('\r'));
    }

    boolean hasHeader(String line) {
      return text.contains("\r\n" + line + "\r\n");
    }
  }

  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final List<WeakReference<SIPMessage>> received = new CopyOnWriteArrayList<>();
  private final AtomicLong nanoTime = new AtomicLong();
  private final SipParser parser = new SipParser();
  final ProxyMetrics metrics = new ProxyMetrics(new SimpleMeterRegistry(), "office");
  final SipProxy proxy;

  /** The proxy's clock, which tests move on (dialog ages, nonce lifetimes). */
  final TestClock clock = new TestClock(Instant.parse("2026-12-02T10:00:00Z"));

  ProxyHarness(Snapshot snapshot) {
    this(snapshot, new CallWorkers(List.of(Runnable::run)));
  }

  /** A proxy whose calls' work runs on {@code workers} rather than the caller's thread. */
  ProxyHarness(Snapshot snapshot, CallWorkers workers) {
    this(() -> snapshot, workers);
  }

  /** A proxy serving whatever {@code snapshots} gives now, as a watched trunk.yaml does. */
  ProxyHarness(Supplier<Snapshot> snapshots, CallWorkers workers) {
    SipSender sender =
        new SipSender() {
          @Override
          public void reply(InboundMessage request, byte[] response) {
            sent.add(new Sent(request.remote(), new String(response, StandardCharsets.UTF_8)));
          }

          @Override
          public void send(SIPMessage message, Transport transport, InetSocketAddress to) {
            sent.add(new Sent(to, message.encode()));
          }
        };
    proxy =
        new SipProxy(
            snapshots,
            new SipProxy.Settings(PROXY, 5060, 5061),
            sender,
            workers,
            new PoolState(
                "harness",
                new InMemoryChannelQuota(nanoTime::get),
                new InMemoryLocationStore(),
                new InMemorySourceBans(SourceBans.Policy.DEFAULT, Clock.systemUTC()),
                new byte[32],
                null,
                Members.alone(new InetSocketAddress(PROXY, 5060))),
            metrics,
            new MediaAnchor(new RelayPool("local", List.of())),
            clock);
  }

  /** Hands the proxy a message from {@code from} over UDP; returns what it sent in answer. */
  List<Sent> receive(String text, InetSocketAddress from) {
    ParseResult parsed = parser.parse(text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    assertThat(parsed).as(text).isInstanceOf(ParseResult.Parsed.class);
    int before = sent.size();
    SIPMessage message = ((ParseResult.Parsed) parsed).message();
    received.add(new WeakReference<>(message));
    proxy.handle(
        new InboundMessage(message, Transport.UDP, from, new InetSocketAddress(PROXY, 5060), null));
    return List.copyOf(sent.subList(before, sent.size()));
  }

  /** How many of the messages handed to the proxy it still holds, after a collection. */
  long receivedStillHeld() {
    System.gc();
    return received.stream().filter(held -> held.get() != null).count();
  }

  int sentCount() {
    return sent.size();
  }

  /** What the proxy sent from the {@code from}th message on, whatever caused it. */
  List<Sent> sentSince(int from) {
    return List.copyOf(sent.subList(from, sent.size()));
  }

  /** Moves the calls-per-second bucket's clock on. */
  void advanceSeconds(long seconds) {
    nanoTime.addAndGet(seconds * 1_000_000_000L);
  }

  @Override
  public void close() {
    proxy.close();
  }
}
