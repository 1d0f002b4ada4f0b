package io.trunkline.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @ParameterizedTest
  @CsvSource({
    "192.0.2.0/24, 192.0.2.77, true",
    "192.0.2.0/24, 192.0.3.1, false",
    "192.0.2.10/32, 192.0.2.10, true",
    "192.0.2.10/32, 192.0.2.11, false",
    "10.0.0.0/9, 10.127.255.255, true",
    "10.0.0.0/9, 10.128.0.0, false",
    "0.0.0.0/0, 203.0.113.5, true",
    "2001:db8::/32, 2001:db8:1::1, true",
    "2001:db8::/32, 192.0.2.1, false"
  })
  void containsTheAddressesOfItsNetwork(String cidr, String address, boolean inside)
      throws Exception {
    assertThat(Cidr.parse(cidr).orElseThrow().contains(InetAddress.getByName(address)))
        .isEqualTo(inside);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "192.0.2.0",
        "192.0.2.0/33",
        "192.0.2.0/-1",
        "pbx.example/32",
        "::1/129",
        "1.2.3/8"
      })
  void refusesWhatIsNotACidr(String text) {
    assertThat(Cidr.parse(text)).isEmpty();
  }
}
