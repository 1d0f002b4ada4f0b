package io.trunkline.relay;

import io.trunkline.relay.control.ControlKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How a relay runs.
 *
 * @param controlAddress where the control protocol listens (UDP)
 * @param mediaBindAddress the local address media sockets bind to; the wildcard serves every
 *     interface
 * @param advertisedAddress the address parties are told to send media to: the node's reachable
 *     address on Kubernetes (hostNetwork), never a wildcard
 * @param portMin lowest media port; RTP takes even ports, RTCP the odd one above (RFC 3550 §11)
 * @param portMax highest media port
 * @param dscp DSCP of every media packet, 0-63; EF = 46 (RFC 3246) is the telephony norm
 * @param idleTimeout a session without media or signalling this long is reaped
 * @param maxSessions sessions held at most; an offer beyond it is refused
 * @param strictSource accept media only from the signalled address (no latching): phones behind NAT
 *     lose media, but a stranger spraying the port range can no longer be latched onto a call
 * @param zone the relay's zone, reported to pings so proxies prefer their own zone
 * @param trunk the trunk served, the {@code trunk} label of the metrics
 * @param controlKey the trunk's key: control requests not signed with it are refused
 */
public record RelayConfig(
    InetSocketAddress controlAddress,
    InetAddress mediaBindAddress,
    InetAddress advertisedAddress,
    int portMin,
    int portMax,
    int dscp,
    Duration idleTimeout,
    int maxSessions,
    boolean strictSource,
    String zone,
    String trunk,
    ControlKey controlKey) {

  /** rtpengine's customary ng control port, which operators already open in firewalls. */
  public static final int DEFAULT_CONTROL_PORT = 2223;

  public static final int DEFAULT_PORT_MIN = 30000;
  public static final int DEFAULT_PORT_MAX = 39999;

  /** Expedited Forwarding (RFC 3246), the class RFC 4594 §4.2 gives to telephony. */
  public static final int DEFAULT_DSCP = 46;

  /** rtpengine's default: long enough for hold without music, short enough to free ports. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  public static final int DEFAULT_MAX_SESSIONS = 2500;

  public RelayConfig {
    Objects.requireNonNull(controlAddress, "controlAddress");
    Objects.requireNonNull(mediaBindAddress, "mediaBindAddress");
    Objects.requireNonNull(advertisedAddress, "advertisedAddress");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(trunk, "trunk");
    Objects.requireNonNull(controlKey, "controlKey");
    if (advertisedAddress.isAnyLocalAddress()) {
      throw new IllegalArgumentException(
          "advertised address " + advertisedAddress.getHostAddress() + " is a wildcard");
    }
    if (portMin < 1024 || portMax > 65535 || portMax - portMin < 1) {
      throw new IllegalArgumentException(
          "media ports " + portMin + "-" + portMax + " must hold a pair within 1024-65535");
    }
    if (dscp < 0 || dscp > 63) {
      throw new IllegalArgumentException("dscp must be 0-63: " + dscp);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
    }
    if (maxSessions < 1) {
      throw new IllegalArgumentException("max sessions must be at least 1: " + maxSessions);
    }
  }

  /** The defaults above, media bound to and advertised at {@code address}. */
  public static RelayConfig defaults(
      InetAddress address, String zone, String trunk, ControlKey controlKey) {
    return new RelayConfig(
        new InetSocketAddress(address, DEFAULT_CONTROL_PORT),
        address,
        address,
        DEFAULT_PORT_MIN,
        DEFAULT_PORT_MAX,
        DEFAULT_DSCP,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_MAX_SESSIONS,
        false,
        zone,
        trunk,
        controlKey);
  }
}
