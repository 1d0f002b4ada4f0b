package io.trunkline.api.config;

import static java.util.Objects.requireNonNullElse;

import io.trunkline.api.config.TrunkCompiler.SecretLookup;
import io.trunkline.api.config.TrunkCredentials.Login;
import io.trunkline.api.v1alpha1.Defaults;
import io.trunkline.api.v1alpha1.trunk.Carrier;
import io.trunkline.api.v1alpha1.trunk.SipTransport;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles a trunk's carriers and the logins it presents to their challenges. Carriers are trunk
 * settings, so one that cannot be used blocks the snapshot and the last good one stays in force
 * (decision 0006).
 */
final class CarrierCompiler {

  /** The compiled carriers, and the logins of those that challenge, by carrier name. */
  record Carriers(List<TrunkConfig.Carrier> carriers, Map<String, Login> logins) {}

  private CarrierCompiler() {}

  static Carriers compile(
      String trunk, List<Carrier> carriers, SecretLookup secrets, Problems problems) {
    List<TrunkConfig.Carrier> compiled = new ArrayList<>();
    Map<String, Login> logins = new LinkedHashMap<>();
    for (Carrier carrier : requireNonNullElse(carriers, List.<Carrier>of())) {
      SipTransport transport = requireNonNullElse(carrier.getTransport(), SipTransport.UDP);
      String address = carrier.getAddress();
      // The port follows the host's last colon; an IPv6 literal's own colons sit in brackets.
      int colon = address.lastIndexOf(':');
      if (colon < address.lastIndexOf(']')) {
        colon = -1;
      }
      String host = colon < 0 ? address : address.substring(0, colon);
      if (host.startsWith("[") && !isIpv6Literal(host)) {
        problems.block(
            "SipTrunk",
            trunk,
            Problem.INVALID_TRUNK,
            "carrier " + carrier.getName() + " has " + host + ", not an IPv6 address");
        continue;
      }
      // RFC 3261 §19.1.2: the default port is 5060, and 5061 over TLS.
      int port =
          colon < 0
              ? (transport == SipTransport.TLS ? Defaults.SIPS_PORT : Defaults.SIP_PORT)
              : Integer.parseInt(address.substring(colon + 1));
      // The schema's pattern allows up to five digits, so the range is checked here.
      if (port < 1 || port > 65535) {
        problems.block(
            "SipTrunk",
            trunk,
            Problem.INVALID_TRUNK,
            "carrier " + carrier.getName() + " has port " + port + ", outside 1-65535");
        continue;
      }
      boolean authenticates = carrier.getCredentialsSecret() != null;
      if (authenticates) {
        Optional<Login> login = secrets.login(carrier.getCredentialsSecret());
        if (login.isEmpty()) {
          problems.block(
              "SipTrunk",
              trunk,
              Problem.CREDENTIALS_NOT_FOUND,
              "carrier "
                  + carrier.getName()
                  + ": Secret "
                  + carrier.getCredentialsSecret()
                  + " needs keys username and password");
          continue;
        }
        logins.put(carrier.getName(), login.get());
      }
      compiled.add(
          new TrunkConfig.Carrier(
              carrier.getName(),
              host,
              port,
              transport.name(),
              requireNonNullElse(carrier.getPriority(), Defaults.PRIORITY),
              requireNonNullElse(carrier.getWeight(), Defaults.WEIGHT),
              authenticates));
    }
    return new Carriers(compiled, logins);
  }

  /**
   * The schema's pattern takes hex groups in brackets, but not whether they make an address (one
   * {@code ::} at most, eight groups in all); a bracketed literal never goes to DNS.
   */
  private static boolean isIpv6Literal(String bracketed) {
    try {
      return InetAddress.getByName(bracketed) instanceof Inet6Address;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
