package io.trunkline.sip.media;

import io.trunkline.relay.control.ControlSigner;
import io.trunkline.relay.control.RelayClient;
import io.trunkline.relay.control.RelayHealth;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The relays a proxy may anchor calls on, in the order it should try them: healthy relays of its
 * own zone first (media stays close to the proxy and off inter-zone links), then healthy relays of
 * other zones. A relay that misses {@link #MISSED_PINGS} health pings in a row leaves the rotation
 * for new calls until it answers again; calls already on it keep their media.
 */
public final class RelayPool implements AutoCloseable {

  static final int MISSED_PINGS = 2;

  private final String zone;
  private volatile List<RelayClient> relays;
  private volatile boolean found;
  private final Map<RelayClient, State> states = new ConcurrentHashMap<>();

  /** What the pings have said about one relay; unknown relays are tried. */
  private static final class State {
    volatile String zone;
    volatile int missed;
  }

  public RelayPool(String zone, List<RelayClient> relays) {
    this.zone = zone;
    this.relays = List.copyOf(relays);
    this.relays.forEach(relay -> states.put(relay, new State()));
    this.found = !relays.isEmpty();
  }

  /**
   * Whether the pool has ever had a relay. A new proxy is not ready before it has: it would refuse
   * every call for want of media. Later outages keep it ready (the relays' own health says more).
   */
  public boolean found() {
    return found;
  }

  /**
   * Follows the relay pool's membership (a headless Service's addresses): opens clients for new
   * relays and closes those of relays that are gone. Not for event-loop threads: opening binds.
   *
   * @param signer signs the new clients' requests with the trunk's key, which the relays hold
   */
  public synchronized void update(List<InetSocketAddress> addresses, ControlSigner signer)
      throws InterruptedException {
    List<RelayClient> next = new ArrayList<>();
    for (RelayClient relay : relays) {
      if (addresses.contains(relay.relay())) {
        next.add(relay);
      } else {
        states.remove(relay);
        relay.close();
      }
    }
    for (InetSocketAddress address : addresses) {
      if (next.stream().noneMatch(r -> r.relay().equals(address))) {
        RelayClient relay = RelayClient.open(address, signer);
        states.put(relay, new State());
        next.add(relay);
      }
    }
    relays = List.copyOf(next);
    found |= !next.isEmpty();
  }

  /** Pings every relay; call it every second or so. */
  public void ping() {
    for (RelayClient relay : relays) {
      State state = states.get(relay);
      if (state == null) {
        continue;
      }
      relay
          .ping()
          .whenComplete(
              (RelayHealth health, Throwable failure) -> {
                if (failure == null) {
                  state.zone = health.zone();
                  state.missed = 0;
                } else {
                  state.missed++;
                }
              });
    }
  }

  /** Relays for a new call, best first: own zone, then others; each group in random order. */
  public List<RelayClient> candidates() {
    List<RelayClient> local = new ArrayList<>();
    List<RelayClient> remote = new ArrayList<>();
    for (RelayClient relay : relays) {
      State state = states.get(relay);
      if (state == null || state.missed >= MISSED_PINGS) {
        continue;
      }
      (zone.equals(state.zone) || state.zone == null ? local : remote).add(relay);
    }
    shuffle(local);
    shuffle(remote);
    local.addAll(remote);
    return local;
  }

  /** Whether the relay is in rotation, for tests and health. */
  public boolean inRotation(RelayClient relay) {
    State state = states.get(relay);
    return state != null && state.missed < MISSED_PINGS;
  }

  public List<RelayClient> relays() {
    return relays;
  }

  private static void shuffle(List<RelayClient> list) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = ThreadLocalRandom.current().nextInt(i + 1);
      list.set(j, list.set(i, list.get(j)));
    }
  }

  @Override
  public void close() {
    relays.forEach(RelayClient::close);
  }
}
