package io.trunkline.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.trunkline.relay.control.ControlSigner;
import io.trunkline.relay.media.MediaSockets;
import io.trunkline.relay.ops.RelayMetrics;
import io.trunkline.relay.port.PortAllocator;
import io.trunkline.relay.session.SessionTable;
import io.trunkline.relay.session.Ticker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The media relay engine: sessions of two legs on ports from the configured range, the control
 * protocol the proxy drives them with, idle reaping and metrics. Plain Java and Netty; the pods'
 * {@link RelayMain} and the standalone edge both start it. This class starts, drains and stops the
 * relay; {@link SessionControl} answers the control requests and {@link SessionTeardown} ends
 * sessions.
 *
 * <p>Control requests and reaping run on one control thread, so session changes are ordered without
 * locks on the packet path; media runs on the event loops, one loop per session.
 */
public final class MediaRelay implements AutoCloseable {

  /** Idle timeouts are tens of seconds; a sweep a second makes reaping at most a second late. */
  private static final long REAP_INTERVAL_MILLIS = 1000;

  /** A session's loop answers in microseconds; this bounds a stuck loop, not a normal wait. */
  static final long LOOP_TIMEOUT_SECONDS = 5;

  private static final System.Logger LOG = System.getLogger(MediaRelay.class.getName());

  private final RelayConfig config;
  private final EventLoopGroup group;
  private final ScheduledExecutorService controlThread;
  private final PortAllocator allocator;
  private final SessionTable table;
  private final RelayMetrics metrics;
  private final SessionTeardown teardown;
  private final SessionControl control;
  private ControlServer controlServer;
  private volatile boolean running;
  private boolean closed;

  private MediaRelay(
      RelayConfig config,
      MeterRegistry registry,
      Ticker ticker,
      EventLoopGroup group,
      boolean epoll) {
    this.config = config;
    this.group = group;
    this.allocator = new PortAllocator(config.portMin(), config.portMax());
    this.table = new SessionTable(config.maxSessions());
    this.metrics = new RelayMetrics(registry, config.trunk(), table::size, allocator::portsInUse);
    this.teardown = new SessionTeardown(config.idleTimeout(), ticker, allocator, table, metrics);
    this.control =
        new SessionControl(
            config,
            ticker,
            group,
            allocator,
            table,
            metrics,
            new MediaSockets(epoll, config.mediaBindAddress(), config.dscp(), allocator),
            teardown);
    // Last, so that nothing above can fail after the thread exists.
    this.controlThread =
        Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("relay-control"));
  }

  /** Starts a relay on the system clock. */
  public static MediaRelay start(RelayConfig config, MeterRegistry registry)
      throws InterruptedException {
    return start(config, registry, Ticker.system());
  }

  /**
   * Starts a relay: binds the control socket and begins reaping idle sessions.
   *
   * @param ticker the clock of packet arrivals and idleness; tests move it instead of sleeping
   */
  public static MediaRelay start(RelayConfig config, MeterRegistry registry, Ticker ticker)
      throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    // One loop per core: a loop is a core's worth of packet work, and more loops only add switches.
    int loops = Runtime.getRuntime().availableProcessors();
    DefaultThreadFactory threads = new DefaultThreadFactory("relay-media");
    EventLoopGroup group =
        epoll ? new EpollEventLoopGroup(loops, threads) : new NioEventLoopGroup(loops, threads);
    MediaRelay relay;
    try {
      relay = new MediaRelay(config, registry, ticker, group, epoll);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
    try {
      relay.controlServer =
          ControlServer.start(
              config.controlAddress(),
              group,
              epoll,
              relay.controlThread,
              relay.control,
              new ControlSigner(config.controlKey()),
              relay.metrics,
              ticker);
    } catch (InterruptedException | RuntimeException e) {
      relay.close();
      throw e;
    }
    relay.controlThread.scheduleWithFixedDelay(
        relay.teardown::reapIdle,
        REAP_INTERVAL_MILLIS,
        REAP_INTERVAL_MILLIS,
        TimeUnit.MILLISECONDS);
    relay.running = true;
    LOG.log(
        System.Logger.Level.INFO,
        "media relay for trunk {0} in zone {1}: control on udp {2}, media on {3} ports {4}-{5}"
            + " advertised as {6}, DSCP {7}",
        config.trunk(),
        config.zone(),
        relay.controlAddress(),
        config.mediaBindAddress().getHostAddress(),
        Integer.toString(config.portMin()),
        Integer.toString(config.portMax()),
        config.advertisedAddress().getHostAddress(),
        config.dscp());
    return relay;
  }

  public InetSocketAddress controlAddress() {
    return controlServer.address();
  }

  public RelayConfig config() {
    return config;
  }

  /** Whether the relay takes new sessions: what the readiness probe reports. */
  public boolean ready() {
    return running && !control.draining();
  }

  /**
   * Stops taking new sessions (readiness false, new offers refused so proxies move them to another
   * relay) and waits until the live ones have ended or {@code limit} passed: a relay rollout or
   * scale-down then cuts no call's media.
   */
  public void drain(Duration limit) throws InterruptedException {
    control.drain();
    long end = System.nanoTime() + limit.toNanos();
    while (sessions() > 0 && System.nanoTime() - end < 0) {
      Thread.sleep(500);
    }
  }

  public int sessions() {
    return table.size();
  }

  public int portsInUse() {
    return allocator.portsInUse();
  }

  /** Ends every session, then stops the control socket and the loops. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return; // closing twice (a test's finally, a shutdown hook) is harmless
      }
      closed = true;
    }
    running = false;
    if (controlServer != null) {
      controlServer.close();
    }
    try {
      controlThread.submit(
          () -> table.sessions().forEach(s -> teardown.end(s, RelayMetrics.End.SHUTDOWN)));
    } catch (RejectedExecutionException alreadyClosed) {
      return;
    }
    controlThread.shutdown();
    try {
      if (!controlThread.awaitTermination(LOOP_TIMEOUT_SECONDS * 2, TimeUnit.SECONDS)) {
        controlThread.shutdownNow();
      }
    } catch (InterruptedException e) {
      controlThread.shutdownNow();
      Thread.currentThread().interrupt();
    }
    metrics.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
