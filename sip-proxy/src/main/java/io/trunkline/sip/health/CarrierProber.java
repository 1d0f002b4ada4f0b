package io.trunkline.sip.health;

import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.api.config.TrunkConfig.Failover;
import io.trunkline.sip.transaction.ClientTransaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether each carrier takes new calls, from OPTIONS probes (the way Kamailio's dispatcher
 * and every SBC do it) and from what calls meet. Probes: {@code downAfter} in a row without an
 * answer take a carrier out of routing, {@code upAfter} answers in a row bring it back; any
 * response counts as an answer (a carrier that says 404 to OPTIONS is still there). A probe
 * unanswered when the next one is due counts as lost. Calls: an INVITE that times out or is refused
 * by the network, or a 503 without Retry-After, takes the carrier out at once, so the calls after
 * it do not wait out the same timer; such a carrier is probed every second, not every probe
 * interval, so a live carrier that answered one call late is back within {@code upAfter} seconds. A
 * 503 with Retry-After keeps it out for exactly that long (RFC 3261 §21.5.4).
 */
public final class CarrierProber {

  private static final System.Logger LOG = System.getLogger(CarrierProber.class.getName());

  /** Sends one OPTIONS probe to a carrier, reporting its answers to the listener. */
  @FunctionalInterface
  public interface ProbeSender {
    void probe(Carrier carrier, ClientTransaction.Listener listener);
  }

  /** What the prober tells metrics. */
  public interface Reports {
    /** Every verdict, for the carrier's gauge. */
    void verdict(String carrier, boolean up);

    /**
     * A carrier leaving or entering rotation, and why: {@code timeout}, {@code unreachable}, {@code
     * 503}, {@code retry-after}, {@code retry-after-passed}, {@code probes-lost} or {@code
     * probes-answered}.
     */
    void changed(String carrier, boolean up, String reason);
  }

  /** Why calls took a carrier out of rotation. */
  public enum Failure {
    TIMEOUT("timeout"),
    UNREACHABLE("unreachable"),
    UNAVAILABLE("503");

    private final String label;

    Failure(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private final ProbeSender sender;
  private final Reports reports;
  private final Clock clock;
  private final Map<String, Health> health = new ConcurrentHashMap<>();

  /** One carrier's record; guarded by itself. */
  private static final class Health {
    final Carrier carrier;
    boolean up = true;
    boolean outstanding;

    /** Probes sent, so that a refusal settles only the probe it refused. */
    long sent;

    int failures;
    int successes;

    /** Taken out by a call: probed every second until back. */
    boolean suspect;

    /** Out until then by the carrier's own Retry-After; probes cannot bring it back sooner. */
    Instant heldUntil = Instant.MIN;

    Health(Carrier carrier) {
      this.carrier = carrier;
    }
  }

  public CarrierProber(ProbeSender sender, Reports reports, Clock clock) {
    this.sender = sender;
    this.reports = reports;
    this.clock = clock;
  }

  /** Whether routing may use the carrier. Carriers never probed yet are taken to be up. */
  public boolean isUp(String carrier) {
    Health h = health.get(carrier);
    if (h == null) {
      return true;
    }
    synchronized (h) {
      return h.up;
    }
  }

  /** One probe round over the trunk's carriers; call it every probe interval. */
  public void round(List<Carrier> carriers, Failover failover) {
    health.keySet().retainAll(carriers.stream().map(Carrier::name).toList());
    for (Carrier carrier : carriers) {
      probe(health.computeIfAbsent(carrier.name(), n -> new Health(carrier)), failover);
    }
  }

  /**
   * Every second: probes the carriers calls took out, and returns those whose Retry-After has
   * passed.
   */
  public void recheck(Failover failover) {
    Instant now = clock.instant();
    for (Health h : health.values()) {
      boolean probe;
      boolean back = false;
      synchronized (h) {
        if (!h.up && !h.heldUntil.equals(Instant.MIN) && !now.isBefore(h.heldUntil)) {
          h.heldUntil = Instant.MIN;
          h.up = true;
          h.failures = 0;
          back = true;
        }
        probe = h.suspect;
      }
      if (back) {
        changed(h.carrier.name(), true, "retry-after-passed");
      }
      if (probe) {
        probe(h, failover);
      }
    }
  }

  /** A call met this failure at the carrier: out of rotation now, probed every second. */
  public void failed(Carrier carrier, Failure failure) {
    Health h = health.computeIfAbsent(carrier.name(), n -> new Health(carrier));
    boolean changed;
    synchronized (h) {
      changed = h.up;
      h.up = false;
      h.successes = 0;
      h.suspect = h.heldUntil.equals(Instant.MIN);
    }
    if (changed) {
      changed(carrier.name(), false, failure.label());
    }
  }

  /** The carrier answered 503 with Retry-After: out of rotation for that long. */
  public void refusedFor(Carrier carrier, Duration retryAfter) {
    Health h = health.computeIfAbsent(carrier.name(), n -> new Health(carrier));
    boolean changed;
    synchronized (h) {
      changed = h.up;
      h.up = false;
      h.suspect = false;
      h.heldUntil = clock.instant().plus(retryAfter);
    }
    if (changed) {
      changed(carrier.name(), false, "retry-after");
    }
  }

  private void probe(Health h, Failover failover) {
    boolean lost;
    long probe;
    synchronized (h) {
      lost = h.outstanding;
      h.outstanding = true;
      probe = ++h.sent;
    }
    if (lost) {
      record(h, false, failover);
    }
    sender.probe(
        h.carrier,
        new ClientTransaction.Listener() {
          @Override
          public void onResponse(ClientTransaction transaction, SIPResponse response) {
            if (response.getStatusCode() >= 200) {
              synchronized (h) {
                h.outstanding = false;
              }
              record(h, true, failover);
            }
          }

          @Override
          public void onTimeout(ClientTransaction transaction, boolean provisional) {
            // The next probe counts the loss; Timer F is longer than a probe interval.
          }

          /**
           * Refused before any answer (an ICMP port unreachable, a reset connection): lost, and
           * known now, so it counts now rather than at the next probe. A refusal that comes after
           * the next probe went out was counted by it already.
           */
          @Override
          public void onUnreachable(ClientTransaction transaction) {
            synchronized (h) {
              if (!h.outstanding || h.sent != probe) {
                return;
              }
              h.outstanding = false;
            }
            record(h, false, failover);
          }
        });
  }

  private void record(Health h, boolean answered, Failover failover) {
    boolean up;
    boolean changed = false;
    synchronized (h) {
      if (answered) {
        h.failures = 0;
        h.successes++;
        if (!h.up && h.heldUntil.equals(Instant.MIN) && h.successes >= failover.upAfter()) {
          h.up = true;
          h.suspect = false;
          changed = true;
        }
      } else {
        h.successes = 0;
        h.failures++;
        if (h.up && h.failures >= failover.downAfter()) {
          h.up = false;
          changed = true;
        }
      }
      up = h.up;
    }
    if (changed) {
      changed(h.carrier.name(), up, answered ? "probes-answered" : "probes-lost");
    } else {
      reports.verdict(h.carrier.name(), up);
    }
  }

  private void changed(String carrier, boolean up, String reason) {
    LOG.log(
        System.Logger.Level.WARNING,
        "carrier {0} {1}: {2}",
        carrier,
        up ? "back in rotation" : "out of rotation",
        reason);
    reports.changed(carrier, up, reason);
    reports.verdict(carrier, up);
  }
}
