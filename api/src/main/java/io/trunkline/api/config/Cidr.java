package io.trunkline.api.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 network in CIDR notation (RFC 4632), e.g. the PBX's source allow-list. */
public record Cidr(byte[] network, int prefixLength) {

  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  /** Parses {@code address/length}; empty when it is not a literal address and valid length. */
  public static Optional<Cidr> parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String address = text.substring(0, slash);
    boolean v4 = IPV4.matcher(address).matches();
    // Only literals: InetAddress would otherwise resolve host names through DNS.
    if (!v4 && !(address.contains(":") && IPV6.matcher(address).matches())) {
      return Optional.empty();
    }
    try {
      byte[] bytes = InetAddress.getByName(address).getAddress();
      if (v4 != (bytes.length == 4)) {
        return Optional.empty();
      }
      int length = Integer.parseInt(text.substring(slash + 1));
      if (length < 0 || length > bytes.length * 8) {
        return Optional.empty();
      }
      return Optional.of(new Cidr(bytes, length));
    } catch (UnknownHostException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** True when {@code address} lies in this network. */
  public boolean contains(InetAddress address) {
    byte[] other = address.getAddress();
    if (other.length != network.length) {
      return false;
    }
    int whole = prefixLength / 8;
    for (int i = 0; i < whole; i++) {
      if (other[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (other[whole] & mask) == (network[whole] & mask);
  }
}
