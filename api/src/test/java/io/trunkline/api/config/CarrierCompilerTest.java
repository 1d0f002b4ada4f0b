package io.trunkline.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.trunkline.api.v1alpha1.trunk.Carrier;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CarrierCompilerTest {

  private final Problems problems = new Problems();

  @Test
  void aPortOutside1To65535BlocksTheTrunkAndLeavesTheCarrierOut() {
    CarrierCompiler.Carriers compiled =
        CarrierCompiler.compile(
            "acme",
            List.of(
                carrier("zero", "sip.example:0", null),
                carrier("big", "sip.example:65536", null),
                carrier("fine", "sip.example:65535", null)),
            (secret, key) -> Optional.empty(),
            problems);

    assertThat(compiled.carriers()).extracting(TrunkConfig.Carrier::name).containsExactly("fine");
    assertThat(problems.blocking()).isTrue();
    assertThat(problems.list())
        .containsExactly(
            new Problem(
                "SipTrunk",
                "acme",
                Problem.INVALID_TRUNK,
                "carrier zero has port 0, outside 1-65535"),
            new Problem(
                "SipTrunk",
                "acme",
                Problem.INVALID_TRUNK,
                "carrier big has port 65536, outside 1-65535"));
  }

  @Test
  void anIpv6LiteralKeepsItsBracketsAndItsColonsApartFromThePort() {
    CarrierCompiler.Carriers compiled =
        CarrierCompiler.compile(
            "acme",
            List.of(
                carrier("with-port", "[2001:db8::5]:5070", null),
                carrier("without", "[::1]", null),
                carrier("two-gaps", "[2001::5::1]:5060", null)),
            (secret, key) -> Optional.empty(),
            problems);

    assertThat(compiled.carriers())
        .extracting(TrunkConfig.Carrier::name, TrunkConfig.Carrier::host, TrunkConfig.Carrier::port)
        .containsExactly(
            tuple("with-port", "[2001:db8::5]", 5070), tuple("without", "[::1]", 5060));
    assertThat(problems.list())
        .containsExactly(
            new Problem(
                "SipTrunk",
                "acme",
                Problem.INVALID_TRUNK,
                "carrier two-gaps has [2001::5::1], not an IPv6 address"));
  }

  @Test
  void aLoginNeedsBothUsernameAndPassword() {
    Map<String, String> secrets = Map.of("half/password", "pw");

    CarrierCompiler.Carriers compiled =
        CarrierCompiler.compile(
            "acme",
            List.of(carrier("a", "sip.example", "half")),
            (secret, key) -> Optional.ofNullable(secrets.get(secret + "/" + key)),
            problems);

    assertThat(compiled.carriers()).isEmpty();
    assertThat(compiled.logins()).isEmpty();
    assertThat(problems.list())
        .extracting(Problem::reason)
        .containsExactly(Problem.CREDENTIALS_NOT_FOUND);
  }

  private static Carrier carrier(String name, String address, String credentialsSecret) {
    Carrier carrier = new Carrier();
    carrier.setName(name);
    carrier.setAddress(address);
    carrier.setCredentialsSecret(credentialsSecret);
    return carrier;
  }
}
