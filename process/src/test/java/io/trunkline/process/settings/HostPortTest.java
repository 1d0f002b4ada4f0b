package io.trunkline.process.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {

  @Test
  void readsNamesAndIpv4Literals() {
    assertThat(HostPort.parse("acme-relay.office.svc:2223"))
        .isEqualTo(new HostPort("acme-relay.office.svc", 2223));
    assertThat(HostPort.parse("192.0.2.7:5060")).isEqualTo(new HostPort("192.0.2.7", 5060));
    assertThat(HostPort.parse("127.0.0.1:0").port()).isZero();
  }

  @Test
  void readsIpv6LiteralsInBrackets() {
    assertThat(HostPort.parse("[::1]:5060")).isEqualTo(new HostPort("::1", 5060));
    assertThat(HostPort.parse("[2001:db8::7]:2223")).isEqualTo(new HostPort("2001:db8::7", 2223));
  }

  @Test
  void writesWhatItReads() {
    for (String text : new String[] {"[::1]:5060", "[2001:db8::7]:2223", "192.0.2.7:5060", "a:1"}) {
      assertThat(HostPort.parse(text)).hasToString(text);
    }
  }

  @Test
  void refusesWhatIsNotHostAndPort() {
    assertThatThrownBy(() -> HostPort.parse("192.0.2.7")).hasMessageContaining("no port");
    assertThatThrownBy(() -> HostPort.parse("::1:5060")).hasMessageContaining("goes in brackets");
    assertThatThrownBy(() -> HostPort.parse("[::1]")).hasMessageContaining("[ADDRESS]:PORT");
    assertThatThrownBy(() -> HostPort.parse("[::1]5060")).hasMessageContaining("[ADDRESS]:PORT");
    assertThatThrownBy(() -> HostPort.parse("[::1:5060")).hasMessageContaining("[ADDRESS]:PORT");
    assertThatThrownBy(() -> HostPort.parse(":5060")).hasMessageContaining("no host");
    assertThatThrownBy(() -> HostPort.parse("[]:5060")).hasMessageContaining("no host");
    assertThatThrownBy(() -> HostPort.parse("host:")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> HostPort.parse("host:http")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> HostPort.parse("host:-1")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> HostPort.parse("host:65536")).hasMessageContaining("0-65535");
    assertThatThrownBy(() -> HostPort.parse("host:9999999999"))
        .hasMessageContaining("not a number");
  }
}
