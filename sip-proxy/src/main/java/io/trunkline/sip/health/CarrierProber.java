package io.trunkline.sip.health;

import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.api.config.TrunkConfig.Failover;
import io.trunkline.sip.transaction.ClientTransaction;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Decides from OPTIONS probes whether each carrier is up (the way Kamailio's dispatcher and every
 * SBC do it): {@code downAfter} probes in a row without an answer take a carrier out of routing,
 * {@code upAfter} answers in a row bring it back. Any response counts as an answer: a carrier that
 * says 404 or 405 to OPTIONS is still there to take calls. A probe unanswered when the next one is
 * due counts as lost, so the probe interval is also the probe timeout.
 */
public final class CarrierProber {

  /** Sends one OPTIONS probe to a carrier, reporting its answers to the listener. */
  @FunctionalInterface
  public interface ProbeSender {
    void probe(Carrier carrier, ClientTransaction.Listener listener);
  }

  private final ProbeSender sender;
  private final BiConsumer<String, Boolean> changes;
  private final Map<String, Health> health = new ConcurrentHashMap<>();

  /** One carrier's probe record; guarded by itself. */
  private static final class Health {
    boolean up = true;
    boolean outstanding;
    int failures;
    int successes;
  }

  /**
   * @param changes told (carrier, up) on every probe round's verdict, for metrics and logs
   */
  public CarrierProber(ProbeSender sender, BiConsumer<String, Boolean> changes) {
    this.sender = sender;
    this.changes = changes;
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
      Health h = health.computeIfAbsent(carrier.name(), n -> new Health());
      boolean lost;
      synchronized (h) {
        lost = h.outstanding;
        h.outstanding = true;
      }
      if (lost) {
        record(carrier.name(), h, false, failover);
      }
      sender.probe(
          carrier,
          new ClientTransaction.Listener() {
            @Override
            public void onResponse(ClientTransaction transaction, SIPResponse response) {
              if (response.getStatusCode() >= 200) {
                synchronized (h) {
                  h.outstanding = false;
                }
                record(carrier.name(), h, true, failover);
              }
            }

            @Override
            public void onTimeout(ClientTransaction transaction, boolean provisional) {
              // The next round counts the loss; Timer F is longer than a probe interval.
            }
          });
    }
  }

  private void record(String carrier, Health h, boolean answered, Failover failover) {
    boolean up;
    synchronized (h) {
      if (answered) {
        h.failures = 0;
        h.successes++;
        if (!h.up && h.successes >= failover.upAfter()) {
          h.up = true;
        }
      } else {
        h.successes = 0;
        h.failures++;
        if (h.up && h.failures >= failover.downAfter()) {
          h.up = false;
        }
      }
      up = h.up;
    }
    changes.accept(carrier, up);
  }
}
