package io.trunkline.sip.proxy;

import io.trunkline.api.config.TrunkConfig;
import io.trunkline.sip.auth.Authenticator;
import io.trunkline.sip.config.ServedTrunk;
import io.trunkline.sip.health.CarrierProber;
import io.trunkline.sip.media.MediaAnchor;
import io.trunkline.sip.metrics.ProxyMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The proxy's once-a-second chores: forget sources that stopped failing, end calls whose BYE never
 * came and calls whose media stopped, ping the relays, probe the carriers every probe interval and
 * those calls took out every second.
 */
final class Housekeeping implements Runnable, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Housekeeping.class.getName());

  private final Supplier<ServedTrunk> trunks;
  private final Authenticator authenticator;
  private final Dialogs dialogs;
  private final DialogEnder ender;
  private final MediaAnchor media;
  private final CarrierProber prober;
  private final ProxyMetrics metrics;
  private final Clock clock;
  private final ScheduledExecutorService chores =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "sip-proxy-housekeeping");
            thread.setDaemon(true);
            return thread;
          });
  private Instant lastProbe = Instant.EPOCH;

  Housekeeping(
      Supplier<ServedTrunk> trunks,
      Authenticator authenticator,
      Dialogs dialogs,
      DialogEnder ender,
      MediaAnchor media,
      CarrierProber prober,
      ProxyMetrics metrics,
      Clock clock) {
    this.trunks = trunks;
    this.authenticator = authenticator;
    this.dialogs = dialogs;
    this.ender = ender;
    this.media = media;
    this.prober = prober;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Runs the chores every second from now; the first probes go out at once. */
  void start() {
    chores.scheduleWithFixedDelay(this, 0, 1, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    chores.shutdownNow();
  }

  @Override
  public void run() {
    try {
      TrunkConfig config = trunks.get().config();
      Instant now = clock.instant();
      authenticator.forgetQuiet();
      if (config.maxCallDurationSeconds() > 0) {
        // A call this long is one whose BYE was lost, or a party that vanished: both parties
        // learn it ended, and the carrier stops billing it.
        dialogs
            .olderThan(now, Duration.ofSeconds(config.maxCallDurationSeconds()))
            .forEach(dialog -> ender.end(dialog, DialogEnder.DURATION));
      }
      int silence = config.media().silenceTimeoutSeconds();
      if (silence > 0) {
        // A call whose parties vanished sends no BYE and, not on hold, no media either: the
        // relays know, and the call's channels go back long before the maximum duration.
        media
            .silent(Duration.ofSeconds(silence))
            .thenAccept(callIds -> callIds.forEach(this::endSilent));
      }
      media.pool().ping();
      if (!now.isBefore(lastProbe.plusSeconds(config.failover().probeIntervalSeconds()))) {
        lastProbe = now;
        prober.round(config.carriers(), config.failover());
      } else {
        prober.recheck(config.failover());
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "housekeeping failed", e);
    }
  }

  /** Calls still ringing are Timer C's (RFC 3261 §16.8); only answered ones end here. */
  private void endSilent(String callId) {
    Dialog dialog = dialogs.get(callId);
    if (dialog != null) {
      ender.end(dialog, DialogEnder.SILENCE);
    }
  }
}
