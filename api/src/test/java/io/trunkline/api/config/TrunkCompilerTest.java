package io.trunkline.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.api.v1alpha1.DigestAlgorithm;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrunkCompilerTest {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private final Map<String, String> secrets = new HashMap<>();

  private static final String TRUNK =
      """
      apiVersion: trunkline.io/v1alpha1
      kind: SipTrunk
      metadata: {name: acme, namespace: office}
      spec:
        channels: 20
        carriers:
        - {name: carrier-a, address: "sip.carrier-a.example:5080"}
        - {name: carrier-b, address: sips.carrier-b.example, transport: TLS, priority: 2}
      """;

  @Test
  void appliesTheSchemaDefaultsWhenNoApiServerDid() {
    TrunkConfig config = compile(trunk(TRUNK), List.of(), List.of()).config();

    assertThat(config.listener())
        .isEqualTo(
            new TrunkConfig.Listener(
                5060, 5061, List.of("UDP", "TCP"), null, null, List.of("MD5")));
    assertThat(config.qos()).isEqualTo(new TrunkConfig.Qos(24, 46));
    assertThat(config.media()).isEqualTo(new TrunkConfig.Media(true, 20000, 29999, 30, 60));
    assertThat(config.failover()).isEqualTo(new TrunkConfig.Failover(2000, 10, 3, 2));
    assertThat(config.quota()).isEqualTo(new TrunkConfig.Quota(20, 0));
    assertThat(config.maxCallDurationSeconds()).isEqualTo(14400);
    assertThat(config.registration())
        .isEqualTo(
            new TrunkConfig.Registration(
                new TrunkConfig.RegisterLimit(5, 30), new TrunkConfig.RegisterLimit(200, 400)));
    assertThat(config.overload()).isEqualTo(new TrunkConfig.Overload(2000));
    assertThat(config.carriers())
        .containsExactly(
            new TrunkConfig.Carrier(
                "carrier-a", "sip.carrier-a.example", 5080, "UDP", 1, 100, false),
            new TrunkConfig.Carrier(
                "carrier-b", "sips.carrier-b.example", 5061, "TLS", 2, 100, false));
  }

  @Test
  void takesTheTrunksLinesAndStoresOnlyDigestHashes() {
    secrets.put("alice-sip/password", "Circle Of Life");
    secrets.put("bob-sip/password", "hunter2");

    Compilation compilation =
        compile(
            trunk(TRUNK),
            List.of(
                line("alice", "acme", "+4930100", "alice", "alice-sip"),
                line("bob", "other-trunk", "+4930200", "bob", "bob-sip")),
            List.of());

    assertThat(compilation.problems()).isEmpty();
    assertThat(compilation.config().lines())
        .containsExactly(
            new TrunkConfig.Line("alice", "+4930100", "alice", 1, null, List.of("MD5")));
    TrunkCredentials.DigestSecret alice = compilation.credentials().lines().get("alice");
    // MD5 and SHA-256 of "alice:acme:Circle Of Life", as md5sum and sha256sum print them.
    assertThat(alice.ha1Md5()).isEqualTo("968f76f8b80c4f8b6c11e31e1229f32e");
    assertThat(alice.ha1Sha256())
        .isEqualTo("f0945d24dc19a094c10bbb6348fe076391016f806fc71fd3a7dd22ef3f2e765e");
    assertThat(TrunkConfigJson.write(compilation)).doesNotContain("Circle Of Life");
  }

  @Test
  void offersTheTrunksDigestAlgorithmsInItsOrderAndALinesOwnWhereItHasThem() {
    secrets.put("s/password", "pw");
    SipTrunk trunk = trunk(TRUNK + "  sip: {digestAlgorithms: [SHA-256, MD5, SHA-256]}\n");
    SipLine old = line("old-phone", "acme", "+4930100", "old", "s");
    old.getSpec().setDigestAlgorithms(List.of(DigestAlgorithm.MD5));

    TrunkConfig config =
        compile(trunk, List.of(old, line("new-phone", "acme", "+4930200", "new", "s")), List.of())
            .config();

    assertThat(config.listener().digestAlgorithms()).containsExactly("SHA-256", "MD5");
    assertThat(config.lines())
        .extracting(TrunkConfig.Line::name, TrunkConfig.Line::digestAlgorithms)
        .containsExactly(
            tuple("new-phone", List.of("SHA-256", "MD5")), tuple("old-phone", List.of("MD5")));
    // Both HA1 values stay in the Secret whatever is offered: a change of setting needs no
    // password.
    assertThat(compile(trunk, List.of(old), List.of()).credentials().lines().get("old").ha1Sha256())
        .isEqualTo(Digest.sha256Hex("old:acme:pw"));
  }

  @Test
  void aSnapshotWrittenBeforeTheSettingOffersMd5() {
    TrunkConfig config =
        TrunkConfigJson.read(
            """
            {"listener": {"port": 5060, "tlsPort": 5061, "transports": ["UDP"]},
             "lines": [{"name": "alice", "number": "+4930100", "username": "alice", "channels": 1}],
             "zones": [], "carriers": [], "routes": []}
            """,
            TrunkConfig.class);

    assertThat(config.listener().digestAlgorithms()).containsExactly("MD5");
    assertThat(config.lines().get(0).digestAlgorithms()).containsExactly("MD5");
  }

  @Test
  void leavesOutALineWhoseNumberIsTakenOrWhosePasswordIsMissing() {
    secrets.put("s/password", "pw");

    Compilation compilation =
        compile(
            trunk(TRUNK),
            List.of(
                line("alice", "acme", "+4930100", "alice", "s"),
                line("alice-2", "acme", "+4930100", "alice2", "s"),
                line("carol", "acme", "+4930300", "carol", "missing")),
            List.of());

    assertThat(compilation.blocked()).isFalse();
    assertThat(compilation.config().lines())
        .extracting(TrunkConfig.Line::name)
        .containsExactly("alice");
    assertThat(compilation.problems())
        .containsExactly(
            new Problem(
                "SipLine",
                "alice-2",
                Problem.DUPLICATE_LINE,
                "number +4930100 already belongs to line alice"),
            new Problem(
                "SipLine",
                "carol",
                Problem.CREDENTIALS_NOT_FOUND,
                "Secret missing has no key password"));
  }

  /**
   * Two files of one folder may both hold a line of one name: which of them was meant cannot be
   * told, so neither registers, and the lines they claimed numbers and user names from go in.
   */
  @Test
  void leavesOutEveryLineOfANameListedTwice() {
    secrets.put("s/password", "pw");

    Compilation compilation =
        compile(
            trunk(TRUNK),
            List.of(
                line("alice", "acme", "+4930100", "alice", "s"),
                line("alice", "acme", "+4930200", "alice-desk", "s"),
                line("bob", "acme", "+4930200", "bob", "s")),
            List.of());

    assertThat(compilation.config().lines())
        .extracting(TrunkConfig.Line::name)
        .containsExactly("bob");
    assertThat(compilation.problems())
        .containsExactly(
            new Problem(
                "SipLine",
                "alice",
                Problem.DUPLICATE_LINE,
                "line alice is listed more than once: each is left out"));
  }

  @Test
  void compilesRoutesOfPoliciesThatNameTheTrunk() {
    Compilation compilation =
        compile(
            trunk(TRUNK),
            List.of(),
            List.of(
                policy(
                    """
                    metadata: {name: outbound}
                    spec:
                      trunks: [acme]
                      timeZone: Europe/Berlin
                      rules:
                      - name: germany
                        match:
                          prefixes: ["+49", "+49"]
                          timeWindows: [{days: [Fri, Mon], start: "08:00", end: "18:30"}]
                        route: [{carrier: carrier-a}, {carrier: carrier-b, priority: 2, weight: 10}]
                      - name: international
                        match: {prefixes: ["+"]}
                        reject: {reason: International calls blocked}
                    """),
                policy(
                    """
                    metadata: {name: elsewhere}
                    spec:
                      trunks: [other-trunk]
                      rules: [{name: all, match: {prefixes: ["+"]}, route: [{carrier: nowhere}]}]
                    """)));

    assertThat(compilation.problems()).isEmpty();
    assertThat(compilation.config().routes())
        .containsExactly(
            new TrunkConfig.Route(
                "outbound",
                "germany",
                List.of("+49"),
                null,
                List.of(),
                "Europe/Berlin",
                List.of(new TrunkConfig.TimeWindow(List.of("MONDAY", "FRIDAY"), 480, 1110)),
                List.of(
                    new TrunkConfig.Target("carrier-a", 1, 100),
                    new TrunkConfig.Target("carrier-b", 2, 10)),
                null),
            new TrunkConfig.Route(
                "outbound",
                "international",
                List.of("+"),
                null,
                List.of(),
                "Europe/Berlin",
                List.of(),
                List.of(),
                new TrunkConfig.Reject(403, "International calls blocked")));
  }

  @Test
  void aBrokenRuleBlocksTheSnapshotAndNamesEveryFault() {
    Compilation compilation =
        compile(
            trunk(TRUNK),
            List.of(),
            List.of(
                policy(
                    """
                    metadata: {name: outbound}
                    spec:
                      trunks: [acme]
                      timeZone: Mars/Olympus
                      rules:
                      - name: bad
                        match: {prefixes: ["0049"], pattern: "(+49", fromLines: [ghost]}
                        route: [{carrier: carrier-z}]
                    """)));

    assertThat(compilation.blocked()).isTrue();
    assertThat(compilation.problems())
        .extracting(Problem::kind, Problem::name, Problem::reason)
        .containsOnly(
            org.assertj.core.groups.Tuple.tuple("RoutePolicy", "outbound", Problem.INVALID_ROUTE));
    assertThat(compilation.problems())
        .extracting(Problem::message)
        .containsExactly(
            "timeZone Mars/Olympus is not an IANA time zone",
            "rule bad: prefix 0049 is not + and up to 15 digits",
            "rule bad: pattern does not compile: Dangling meta character '+'",
            "rule bad: fromLines names ghost, not a line of the trunk",
            "rule bad: carrier carrier-z is not a carrier of trunk acme");
  }

  /** Lines are found among thousands by a binary search over their names. */
  @Test
  void aRuleTakesCallsFromAnyOfTheTrunksLinesAndNoOtherName() {
    List<SipLine> lines = new java.util.ArrayList<>();
    for (int i = 0; i < 9; i++) {
      lines.add(line("line-" + i, "acme", "+4930" + i, "u" + i, "line-" + i));
      secrets.put("line-" + i + "/password", "pw-" + i);
    }
    for (String from : List.of("line-0", "line-4", "line-8")) {
      Compilation compilation = compile(trunk(TRUNK), lines, List.of(policy(fromLines(from))));
      assertThat(compilation.problems()).as("from %s", from).isEmpty();
    }
    for (String from : List.of("line-", "line-40", "a", "z")) {
      Compilation compilation = compile(trunk(TRUNK), lines, List.of(policy(fromLines(from))));
      assertThat(compilation.problems())
          .extracting(Problem::message)
          .as("from %s", from)
          .containsExactly("rule office: fromLines names " + from + ", not a line of the trunk");
    }
  }

  private static String fromLines(String line) {
    return """
        metadata: {name: outbound}
        spec:
          trunks: [acme]
          rules:
          - name: office
            match: {prefixes: ["+49"], fromLines: [%s]}
            route: [{carrier: carrier-a}]
        """
        .formatted(line);
  }

  @Test
  void missingCarrierCredentialsOrABadPbxSourceBlockTheSnapshot() {
    String trunkYaml =
        TRUNK.replace(
                "address: \"sip.carrier-a.example:5080\"}",
                "address: \"sip.carrier-a.example:5080\", credentialsSecret: carrier-a-login}")
            + "  pbx: {sources: [192.0.2.10/32, 192.0.2.0/33]}\n";

    Compilation compilation = compile(trunk(trunkYaml), List.of(), List.of());

    assertThat(compilation.blocked()).isTrue();
    assertThat(compilation.problems())
        .extracting(Problem::reason, Problem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Problem.CREDENTIALS_NOT_FOUND,
                "carrier carrier-a: Secret carrier-a-login needs keys username and password"),
            org.assertj.core.groups.Tuple.tuple(
                Problem.INVALID_TRUNK,
                "pbx.sources: 192.0.2.0/33 is not a CIDR such as 192.0.2.10/32"));
  }

  @Test
  void compilesEmergencyNumbersAsDialledWithTheirCarriersAndDefaultExtraChannels() {
    String trunkYaml =
        TRUNK
            + "  emergency: {numbers: [\"112\", \"110\", \"+49112\", \"112\"], carriers: [carrier-b, carrier-a]}\n";

    Compilation compilation = compile(trunk(trunkYaml), List.of(), List.of());

    assertThat(compilation.problems()).isEmpty();
    assertThat(compilation.config().emergency())
        .isEqualTo(
            new TrunkConfig.Emergency(
                List.of("112", "110", "+49112"), List.of("carrier-b", "carrier-a"), 2));
    assertThat(compile(trunk(TRUNK), List.of(), List.of()).config().emergency())
        .isEqualTo(TrunkConfig.Emergency.NONE);
  }

  @Test
  void aBadEmergencyNumberOrAnUnknownEmergencyCarrierBlocksTheSnapshot() {
    String trunkYaml =
        TRUNK
            + "  emergency: {numbers: [\"112\", \"11a\"], carriers: [carrier-z],"
            + " extraChannels: -1}\n";

    Compilation compilation = compile(trunk(trunkYaml), List.of(), List.of());

    assertThat(compilation.blocked()).isTrue();
    assertThat(compilation.problems())
        .extracting(Problem::reason, Problem::message)
        .containsExactly(
            tuple(
                Problem.INVALID_TRUNK,
                "emergency number 11a is not digits with an optional leading +"),
            tuple(
                Problem.INVALID_TRUNK, "emergency carrier carrier-z is not a carrier of the trunk"),
            tuple(Problem.INVALID_TRUNK, "emergency extraChannels -1 is outside 0-1000"));
  }

  @Test
  void takesTheTrunksOwnRegisterLimitsAndOverloadBoundWithDefaultsForTheRest() {
    String site =
        TRUNK
            + "  registration: {perSourceBurst: 60, perTrunkPerSecond: 1000, perTrunkBurst: 10000}\n"
            + "  overload: {maxBacklog: 300}\n";

    Compilation compilation = compile(trunk(site), List.of(), List.of());

    assertThat(compilation.problems()).isEmpty();
    assertThat(compilation.config().registration())
        .isEqualTo(
            new TrunkConfig.Registration(
                new TrunkConfig.RegisterLimit(5, 60), new TrunkConfig.RegisterLimit(1000, 10000)));
    assertThat(compilation.config().overload()).isEqualTo(new TrunkConfig.Overload(300));
    // As the operator writes them into the snapshot and the proxies read them back.
    assertThat(TrunkConfigJson.read(TrunkConfigJson.write(compilation.config()), TrunkConfig.class))
        .isEqualTo(compilation.config());
    assertThat(compilation.config().version())
        .isNotEqualTo(compile(trunk(TRUNK), List.of(), List.of()).config().version());
  }

  @Test
  void registerLimitsOrAnOverloadBoundOutsideTheSchemasRangesBlockTheSnapshot() {
    String broken =
        TRUNK
            + "  registration: {perSourcePerSecond: 0, perTrunkBurst: 100001}\n"
            + "  overload: {maxBacklog: 9}\n";

    Compilation compilation = compile(trunk(broken), List.of(), List.of());

    assertThat(compilation.blocked()).isTrue();
    assertThat(compilation.problems())
        .extracting(Problem::reason, Problem::message)
        .containsExactly(
            tuple(Problem.INVALID_TRUNK, "registration.perSourcePerSecond 0 is outside 1-10000"),
            tuple(Problem.INVALID_TRUNK, "registration.perTrunkBurst 100001 is outside 1-100000"),
            tuple(Problem.INVALID_TRUNK, "overload.maxBacklog 9 is outside 10-100000"));
  }

  @Test
  void aSnapshotWrittenBeforeTheRegisterLimitsAndOverloadBoundHoldsToTheDefaults() {
    TrunkConfig config =
        TrunkConfigJson.read(
            """
            {"listener": {"port": 5060, "tlsPort": 5061, "transports": ["UDP"]},
             "zones": [], "carriers": [], "lines": [], "routes": []}
            """,
            TrunkConfig.class);

    assertThat(config.registration())
        .isEqualTo(
            new TrunkConfig.Registration(
                new TrunkConfig.RegisterLimit(5, 30), new TrunkConfig.RegisterLimit(200, 400)));
    assertThat(config.overload()).isEqualTo(new TrunkConfig.Overload(2000));
  }

  @Test
  void aSnapshotWrittenBeforeTheSilenceTimeoutEndsNoCallForSilence() {
    TrunkConfig config =
        TrunkConfigJson.read(
            """
            {"listener": {"port": 5060, "tlsPort": 5061, "transports": ["UDP"]},
             "media": {"relay": true, "portMin": 20000, "portMax": 29999},
             "zones": [], "carriers": [], "lines": [], "routes": []}
            """,
            TrunkConfig.class);

    assertThat(config.media()).isEqualTo(new TrunkConfig.Media(true, 20000, 29999, 0, 0));
  }

  @Test
  void aSnapshotWrittenBeforeEmergencyNumbersHasNone() {
    TrunkConfig config =
        TrunkConfigJson.read(
            """
            {"listener": {"port": 5060, "tlsPort": 5061, "transports": ["UDP"]},
             "zones": [], "carriers": [], "lines": [], "routes": []}
            """,
            TrunkConfig.class);

    assertThat(config.emergency()).isEqualTo(TrunkConfig.Emergency.NONE);
  }

  @Test
  void carrierAndPbxCredentialsTravelInTheCredentials() {
    secrets.put("carrier-a-login/username", "acme-trunk");
    secrets.put("carrier-a-login/password", "s3cret");
    secrets.put("pbx-login/username", "pbx");
    secrets.put("pbx-login/password", "pbx-pw");
    String trunkYaml =
        TRUNK.replace(
                "address: \"sip.carrier-a.example:5080\"}",
                "address: \"sip.carrier-a.example:5080\", credentialsSecret: carrier-a-login}")
            + "  pbx: {credentialsSecret: pbx-login}\n";

    Compilation compilation = compile(trunk(trunkYaml), List.of(), List.of());

    assertThat(compilation.problems()).isEmpty();
    assertThat(compilation.config().carriers().get(0).authenticates()).isTrue();
    assertThat(compilation.config().pbx()).isEqualTo(new TrunkConfig.Pbx(List.of(), true));
    assertThat(compilation.credentials().carriers())
        .containsExactly(
            Map.entry("carrier-a", new TrunkCredentials.Login("acme-trunk", "s3cret")));
    assertThat(compilation.credentials().pbx()).isEqualTo(Digest.secret("pbx", "acme", "pbx-pw"));
    assertThat(TrunkConfigJson.write(compilation.config())).doesNotContain("s3cret", "pbx-pw");
  }

  @Test
  void theVersionFollowsTheContentAndTheJsonRoundTrips() {
    secrets.put("s/password", "pw");
    SipLine alice = line("alice", "acme", "+4930100", "alice", "s");

    TrunkConfig first = compile(trunk(TRUNK), List.of(alice), List.of()).config();
    TrunkConfig again = compile(trunk(TRUNK), List.of(alice), List.of()).config();
    TrunkConfig changed =
        compile(
                trunk(TRUNK),
                List.of(alice, line("bob", "acme", "+4930200", "bob", "s")),
                List.of())
            .config();

    assertThat(first.version()).hasSize(16).isEqualTo(again.version());
    assertThat(changed.version()).isNotEqualTo(first.version());
    assertThat(TrunkConfigJson.read(TrunkConfigJson.write(first), TrunkConfig.class))
        .isEqualTo(first);
  }

  private Compilation compile(SipTrunk trunk, List<SipLine> lines, List<RoutePolicy> policies) {
    return TrunkCompiler.compile(
        trunk,
        lines,
        policies,
        (secret, key) -> Optional.ofNullable(secrets.get(secret + "/" + key)));
  }

  private static SipTrunk trunk(String yaml) {
    return YAML.unmarshal(yaml, SipTrunk.class);
  }

  private static SipLine line(
      String name, String trunk, String number, String username, String secret) {
    return YAML.unmarshal(
        """
        metadata: {name: %s}
        spec: {trunk: %s, number: "%s", username: %s, credentialsSecret: %s}
        """
            .formatted(name, trunk, number, username, secret),
        SipLine.class);
  }

  private static RoutePolicy policy(String yaml) {
    return YAML.unmarshal(yaml, RoutePolicy.class);
  }
}
