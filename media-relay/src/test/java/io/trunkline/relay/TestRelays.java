package io.trunkline.relay;

import io.trunkline.relay.control.ControlKey;
import io.trunkline.relay.control.ControlSigner;
import io.trunkline.testing.net.LoopbackPorts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/** Relay configurations on loopback for the tests. */
final class TestRelays {

  /** The relay's host; the phones use 127.0.0.1, as if they were elsewhere. */
  static final String RELAY_ADDRESS = "127.0.0.3";

  static final String PHONE_ADDRESS = "127.0.0.1";

  /** The trunk's control key, which the test relays hold and their clients sign with. */
  static final ControlKey KEY = ControlKey.random();

  static final ControlSigner SIGNER = new ControlSigner(KEY);

  private TestRelays() {}

  /**
   * A relay on {@link #RELAY_ADDRESS} with a fresh control port. Media ports sit below the kernel's
   * ephemeral range (32768 and up) so that client sockets do not take them.
   */
  static RelayConfig config(
      int portMin, int portMax, int dscp, int maxSessions, boolean strictSource) {
    InetAddress relay = LoopbackPorts.loopback(RELAY_ADDRESS);
    return new RelayConfig(
        new InetSocketAddress(relay, LoopbackPorts.freePort(RELAY_ADDRESS)),
        relay,
        relay,
        portMin,
        portMax,
        dscp,
        Duration.ofSeconds(30),
        maxSessions,
        strictSource,
        "zone-a",
        "acme",
        KEY);
  }
}
