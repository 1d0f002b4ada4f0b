package io.trunkline.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubeapitest.junit.KubeConfig;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.api.v1alpha1.route.RouteRule;
import io.trunkline.api.v1alpha1.trunk.Carrier;
import io.trunkline.api.v1alpha1.trunk.MediaMode;
import io.trunkline.api.v1alpha1.trunk.ScalingMode;
import io.trunkline.api.v1alpha1.trunk.SipTransport;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.api.v1alpha1.trunk.SipTrunkStatus;
import io.trunkline.testing.kube.ApiServerResources;
import io.trunkline.testing.kube.TestBinaries;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CRDs as committed in crds/, served by a real kube-apiserver: what users apply is accepted
 * with its defaults, and what breaks the schema (OpenAPI or CEL) is refused with a message that
 * names the field.
 */
@EnableKubeAPIServer(kubeAPIVersion = TestBinaries.KUBERNETES_VERSION)
class CrdApiServerTest {

  private static final String TRUNK = "{channels: 20, carriers: [{name: a, address: 127.0.0.1}]}";

  @KubeConfig static String kubeConfig;

  private static KubernetesClient client;
  private String namespace;

  @BeforeAll
  static void installCrds() {
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeConfig)).build();
    assertThat(ApiServerResources.installCrds(client)).hasSize(3);
  }

  @AfterAll
  static void closeClient() {
    client.close();
  }

  @BeforeEach
  void freshNamespace() {
    namespace = ApiServerResources.freshNamespace(client);
  }

  @Test
  void acceptsATrunkAndFillsItsDefaults() {
    create("SipTrunk", "acme", TRUNK);

    SipTrunk stored =
        client.resources(SipTrunk.class).inNamespace(namespace).withName("acme").get();

    assertThat(stored.getSpec().getChannels()).isEqualTo(20);
    Carrier carrier = stored.getSpec().getCarriers().get(0);
    assertThat(carrier.getTransport()).isEqualTo(SipTransport.UDP);
    assertThat(carrier.getPriority()).isEqualTo(1);
    assertThat(carrier.getWeight()).isEqualTo(100);
    assertThat(stored.getSpec().getMaxCallDurationSeconds()).isEqualTo(14400);
    // Nested defaults apply once the user writes the object, even empty (structural defaulting).
    assertThat(stored.getSpec().getQos()).isNull();
    create(
        "SipTrunk",
        "acme-full",
        "{channels: 20, carriers: [{name: a, address: 127.0.0.1}],"
            + " qos: {}, sip: {}, media: {}, scaling: {}, failover: {}, registration: {}, overload: {},"
            + " store: {secretName: acme-store}}");
    SipTrunk full =
        client.resources(SipTrunk.class).inNamespace(namespace).withName("acme-full").get();
    assertThat(full.getSpec().getQos().getSignallingDscp()).isEqualTo(24);
    assertThat(full.getSpec().getQos().getMediaDscp()).isEqualTo(46);
    assertThat(full.getSpec().getSip().getPort()).isEqualTo(5060);
    assertThat(full.getSpec().getSip().getDigestAlgorithms()).containsExactly(DigestAlgorithm.MD5);
    assertThat(full.getSpec().getSip().getTransports())
        .containsExactly(SipTransport.UDP, SipTransport.TCP);
    assertThat(full.getSpec().getMedia().getMode()).isEqualTo(MediaMode.Relay);
    assertThat(full.getSpec().getMedia().getPortMin()).isEqualTo(20000);
    assertThat(full.getSpec().getMedia().getSilenceTimeoutSeconds()).isEqualTo(30);
    assertThat(full.getSpec().getMedia().getIdleTimeoutSeconds()).isEqualTo(60);
    assertThat(full.getSpec().getScaling().getMode()).isEqualTo(ScalingMode.Operator);
    assertThat(full.getSpec().getScaling().getSessionsPerReplica()).isEqualTo(200);
    // No schema default: a trunk without its own drain bound takes the operator's.
    assertThat(full.getSpec().getScaling().getDrainSeconds()).isNull();
    assertThat(full.getSpec().getStore().getSecretName()).isEqualTo("acme-store");
    assertThat(full.getSpec().getFailover().getInviteTimeoutMillis()).isEqualTo(2000);
    assertThat(full.getSpec().getRegistration().getPerSourcePerSecond()).isEqualTo(5);
    assertThat(full.getSpec().getRegistration().getPerSourceBurst()).isEqualTo(30);
    assertThat(full.getSpec().getRegistration().getPerTrunkPerSecond()).isEqualTo(200);
    assertThat(full.getSpec().getRegistration().getPerTrunkBurst()).isEqualTo(400);
    assertThat(full.getSpec().getOverload().getMaxBacklog()).isEqualTo(2000);
  }

  @Test
  void acceptsASilenceTimeoutBeyondAMinuteWhenTheRelayRemembersLonger() {
    create(
        "SipTrunk",
        "held",
        "{channels: 20, carriers: [{name: a, address: 127.0.0.1}],"
            + " media: {silenceTimeoutSeconds: 120, idleTimeoutSeconds: 3600}}");

    SipTrunk stored =
        client.resources(SipTrunk.class).inNamespace(namespace).withName("held").get();

    assertThat(stored.getSpec().getMedia().getSilenceTimeoutSeconds()).isEqualTo(120);
    assertThat(stored.getSpec().getMedia().getIdleTimeoutSeconds()).isEqualTo(3600);
  }

  @Test
  void acceptsEngineResourcesInTheUnitsPodsTake() {
    create(
        "SipTrunk",
        "sized",
        "{channels: 20, carriers: [{name: a, address: 127.0.0.1}], resources: {proxy: {requests:"
            + " {cpu: '1', memory: 1G}, limits: {cpu: 1500m, memory: 1Gi}}, relay: {limits:"
            + " {memory: '1073741824'}}}}");

    SipTrunk stored =
        client.resources(SipTrunk.class).inNamespace(namespace).withName("sized").get();

    assertThat(stored.getSpec().getResources().getProxy().getRequests().getMemory())
        .isEqualTo("1G");
    assertThat(stored.getSpec().getResources().getProxy().getLimits().getCpu()).isEqualTo("1500m");
    assertThat(stored.getSpec().getResources().getRelay().getLimits().getMemory())
        .isEqualTo("1073741824");
  }

  @Test
  void acceptsCarriersAtAHostNameAnIpv4AndAnIpv6Literal() {
    create(
        "SipTrunk",
        "acme",
        "{channels: 20, carriers: [{name: a, address: \"[::1]:5070\"},"
            + " {name: b, address: \"[2001:db8::5]\"}, {name: c, address: 192.0.2.10:5080},"
            + " {name: d, address: sip.carrier.example}]}");

    SipTrunk stored =
        client.resources(SipTrunk.class).inNamespace(namespace).withName("acme").get();

    assertThat(stored.getSpec().getCarriers())
        .extracting(Carrier::getAddress)
        .containsExactly("[::1]:5070", "[2001:db8::5]", "192.0.2.10:5080", "sip.carrier.example");
  }

  @Test
  void acceptsALineAndAPolicyAndFillsTheirDefaults() {
    create(
        "SipLine",
        "alice",
        "{trunk: acme, number: \"+4930123456\", username: alice, credentialsSecret: alice-sip}");
    create(
        "RoutePolicy",
        "outbound",
        "{trunks: [acme], rules: [{name: germany, match: {prefixes: [\"+49\"]}, route: [{carrier: a}]},"
            + " {name: after-hours, match: {prefixes: [\"+\"], timeWindows: [{start: \"18:00\","
            + " end: \"08:00\"}]}, reject: {}},"
            + " {name: international, match: {prefixes: [\"+\"]}, reject: {}}]}");

    SipLine line = client.resources(SipLine.class).inNamespace(namespace).withName("alice").get();
    RoutePolicy policy =
        client.resources(RoutePolicy.class).inNamespace(namespace).withName("outbound").get();

    assertThat(line.getSpec().getChannels()).isEqualTo(1);
    // No schema default: a line without its own algorithms takes its trunk's.
    assertThat(line.getSpec().getDigestAlgorithms()).isNull();
    assertThat(policy.getSpec().getTimeZone()).isEqualTo("UTC");
    List<RouteRule> rules = policy.getSpec().getRules();
    assertThat(rules.get(0).getRoute().get(0).getPriority()).isEqualTo(1);
    assertThat(rules.get(0).getRoute().get(0).getWeight()).isEqualTo(100);
    assertThat(rules.get(1).getMatch().getTimeWindows().get(0).getEnd()).isEqualTo("08:00");
    assertThat(rules.get(2).getReject().getStatus()).isEqualTo(403);
  }

  @Test
  void statusIsASubresource() {
    create("SipTrunk", "acme", TRUNK);
    SipTrunk created =
        client.resources(SipTrunk.class).inNamespace(namespace).withName("acme").get();
    SipTrunkStatus status = new SipTrunkStatus();
    status.setObservedGeneration(created.getMetadata().getGeneration());
    status.setChannelUse("0/20");
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withReason("PoolsReady")
                .withMessage("proxies and relays are running")
                .withLastTransitionTime("2026-11-21T12:00:00Z")
                .build()));
    created.setStatus(status);

    client.resource(created).inNamespace(namespace).updateStatus();
    SipTrunk edited =
        client.resources(SipTrunk.class).inNamespace(namespace).withName("acme").get();
    edited.getSpec().setChannels(30);
    edited.setStatus(null);
    SipTrunk afterSpecEdit = client.resource(edited).inNamespace(namespace).update();

    assertThat(afterSpecEdit.getSpec().getChannels()).isEqualTo(30);
    assertThat(afterSpecEdit.getMetadata().getGeneration()).isEqualTo(2);
    assertThat(afterSpecEdit.getStatus().getObservedGeneration()).isEqualTo(1);
    assertThat(afterSpecEdit.getStatus().getChannelUse()).isEqualTo("0/20");
    assertThat(afterSpecEdit.getStatus().getConditions())
        .singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("PoolsReady"));
  }

  @Test
  void theSipPortIsImmutable() {
    create(
        "SipTrunk", "acme", "{channels: 20, carriers: [{name: a, address: 127.0.0.1}], sip: {}}");
    SipTrunk stored =
        client.resources(SipTrunk.class).inNamespace(namespace).withName("acme").get();
    stored.getSpec().getSip().setPort(5070);

    KubernetesClientException refused =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> client.resource(stored).inNamespace(namespace).update());

    assertThat(refused).isNotNull();
    assertThat(refused.getStatus().getMessage())
        .contains("spec.sip.port")
        .contains("port is immutable");
  }

  /**
   * Each row is a resource that breaks one rule, written as a user would in YAML; the API server
   * must refuse it and name the field. Rows marked CEL test rules that cross fields or items.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          channels below one          | SipTrunk | {channels: 0, carriers: [{name: a, address: 127.0.0.1}]} | spec.channels | should be greater than or equal to 1
          channels missing            | SipTrunk | {carriers: [{name: a, address: 127.0.0.1}]}              | spec.channels | Required value
          carriers missing            | SipTrunk | {channels: 20}                                           | spec.carriers | Required value
          carriers empty              | SipTrunk | {channels: 20, carriers: []}                             | spec.carriers | should have at least 1 items
          carrier name not a label    | SipTrunk | {channels: 20, carriers: [{name: Carrier_A, address: 127.0.0.1}]}          | spec.carriers[0].name      | should match
          carrier address with a path | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1/x}]}                | spec.carriers[0].address   | should match
          IPv6 carrier unclosed       | SipTrunk | {channels: 20, carriers: [{name: a, address: "[2001:db8::5"}]}             | spec.carriers[0].address   | should match
          IPv6 carrier without brackets | SipTrunk | {channels: 20, carriers: [{name: a, address: "2001:db8::5:5060"}]}      | spec.carriers[0].address   | should match
          IPv6 carrier not hex        | SipTrunk | {channels: 20, carriers: [{name: a, address: "[2001:db8::g]:5060"}]}        | spec.carriers[0].address   | should match
          unknown transport           | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1, transport: SCTP}]} | spec.carriers[0].transport | Unsupported value
          media DSCP above 63         | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], qos: {mediaDscp: 64}}      | spec.qos.mediaDscp      | should be less than or equal to 63
          signalling DSCP negative    | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], qos: {signallingDscp: -1}} | spec.qos.signallingDscp | should be greater than or equal to 0
          SIP port out of range       | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], sip: {port: 70000}}        | spec.sip.port           | should be less than or equal to 65535
          drain negative              | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], scaling: {drainSeconds: -1}}     | spec.scaling.drainSeconds | should be greater than or equal to 0
          drain beyond a day          | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], scaling: {drainSeconds: 86401}}  | spec.scaling.drainSeconds | should be less than or equal to 86400
          store without its Secret    | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], store: {}}                        | spec.store.secretName     | Required value
          store Secret not a name     | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], store: {secretName: Redis_Store}} | spec.store.secretName     | should match
          carrier CA without its Secret | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], carrierCa: {key: ca.pem}}     | spec.carrierCa.secretName | Required value
          carrier CA key not a key    | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], carrierCa: {secretName: carrier-ca, key: ca/crt}} | spec.carrierCa.key | should match
          carrier CA key a dot dot    | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], carrierCa: {secretName: carrier-ca, key: ..data}} | spec.carrierCa.key | should match
          CEL scaling bounds          | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], scaling: {minReplicas: 5, maxReplicas: 2}} | spec.scaling | minReplicas must not exceed maxReplicas
          CEL unique carriers         | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}, {name: a, address: 127.0.0.2}]} | spec.carriers | carrier names must be unique within a trunk
          CEL TLS needs a certificate | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], sip: {transports: [UDP, TLS]}} | spec.sip | tlsSecret is required when transports include TLS
          unknown exposure            | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], sip: {exposure: {type: Ingress}}}  | spec.sip.exposure.type | Unsupported value
          unknown digest algorithm    | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], sip: {digestAlgorithms: [SHA-512-256]}} | spec.sip.digestAlgorithms[0] | Unsupported value: "SHA-512-256": supported values: "MD5", "SHA-256"
          no digest algorithm         | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], sip: {digestAlgorithms: []}}          | spec.sip.digestAlgorithms    | should have at least 1 items
          CEL digest algorithm twice  | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], sip: {digestAlgorithms: [MD5, MD5]}}  | spec.sip.digestAlgorithms    | each digest algorithm may be listed once
          CEL NodePort without a port | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], sip: {exposure: {type: NodePort}}} | spec.sip.exposure | nodePort is required when type is NodePort
          CEL node port elsewhere     | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], sip: {exposure: {type: LoadBalancer, nodePort: 30560}}} | spec.sip.exposure | nodePort and tlsNodePort apply to type NodePort only
          CEL NodePort TLS port       | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], sip: {transports: [UDP, TLS], tlsSecret: t, exposure: {type: NodePort, nodePort: 30560}}} | spec.sip | exposure.tlsNodePort is required when a NodePort trunk takes TLS
          silence timeout negative    | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], media: {silenceTimeoutSeconds: -1}} | spec.media.silenceTimeoutSeconds | should be greater than or equal to 0
          CEL silence beyond relay memory | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], media: {silenceTimeoutSeconds: 60}} | spec.media | silenceTimeoutSeconds must be under idleTimeoutSeconds
          CEL silence beyond a set memory | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], media: {silenceTimeoutSeconds: 120, idleTimeoutSeconds: 90}} | spec.media | silenceTimeoutSeconds must be under idleTimeoutSeconds
          relay memory too short      | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], media: {idleTimeoutSeconds: 5}} | spec.media.idleTimeoutSeconds | should be greater than or equal to 10
          CEL RTP ports start even    | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], media: {portMin: 20001}}       | spec.media | portMin must be even
          CEL PBX admission empty     | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], pbx: {}}                       | spec.pbx | admit the PBX by sources, by credentialsSecret, or both
          source REGISTER rate zero   | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], registration: {perSourcePerSecond: 0}} | spec.registration.perSourcePerSecond | should be greater than or equal to 1
          source REGISTER burst zero  | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], registration: {perSourceBurst: 0}}     | spec.registration.perSourceBurst     | should be greater than or equal to 1
          trunk REGISTER rate too high | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], registration: {perTrunkPerSecond: 10001}} | spec.registration.perTrunkPerSecond | should be less than or equal to 10000
          trunk REGISTER burst too high | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], registration: {perTrunkBurst: 100001}} | spec.registration.perTrunkBurst     | should be less than or equal to 100000
          overload backlog below ten  | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], overload: {maxBacklog: 9}}      | spec.overload.maxBacklog | should be greater than or equal to 10
          memory not a quantity       | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], resources: {proxy: {limits: {memory: lots}}}} | spec.resources.proxy.limits.memory | should match
          CEL memory request over limit | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], resources: {proxy: {requests: {memory: 1Gi}, limits: {memory: 768Mi}}}} | spec.resources.proxy.requests.memory | requests.memory must not exceed limits.memory
          CEL memory request over the default limit | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], resources: {relay: {requests: {memory: 1Gi}}}} | spec.resources.relay.requests.memory | requests.memory must not exceed limits.memory (512Mi if unset)
          CEL cpu limit under the default request | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], resources: {proxy: {limits: {cpu: 100m}}}} | spec.resources.proxy.limits.cpu | limits.cpu must not be under requests.cpu (250m if unset)
          CEL memory limit too small  | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], resources: {relay: {limits: {memory: 128Mi}}}} | spec.resources.relay.limits.memory | limits.memory must be at least 256Mi
          emergency without numbers   | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], emergency: {carriers: [a]}}                   | spec.emergency.numbers       | Required value
          emergency number with letters | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], emergency: {numbers: ["112", "11a"], carriers: [a]}} | spec.emergency.numbers[1] | should match
          emergency extra negative    | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], emergency: {numbers: ["112"], carriers: [a], extraChannels: -1}} | spec.emergency.extraChannels | should be greater than or equal to 0
          emergency carrier not a name  | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], emergency: {numbers: ["112"], carriers: ["a b"]}} | spec.emergency.carriers[0] | should match
          CEL emergency carrier unknown | SipTrunk | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], emergency: {numbers: ["112"], carriers: [b]}} | spec.emergency.carriers | emergency.carriers must name carriers of this trunk
          line number not E.164       | SipLine  | {trunk: acme, number: "030123456", username: alice, credentialsSecret: s}   | spec.number   | should match
          line digest algorithm       | SipLine  | {trunk: acme, number: "+4930123456", username: alice, credentialsSecret: s, digestAlgorithms: [SHA1]} | spec.digestAlgorithms[0] | Unsupported value
          line without trunk          | SipLine  | {number: "+4930123456", username: alice, credentialsSecret: s}              | spec.trunk    | Required value
          line with nine channels     | SipLine  | {trunk: acme, number: "+4930123456", username: alice, credentialsSecret: s, channels: 9} | spec.channels | should be less than or equal to 8
          policy without trunks       | RoutePolicy | {trunks: [], rules: [{name: r, match: {prefixes: ["+"]}, reject: {}}]} | spec.trunks | should have at least 1 items
          reject with a 200           | RoutePolicy | {trunks: [acme], rules: [{name: r, match: {prefixes: ["+"]}, reject: {status: 200}}]} | spec.rules[0].reject.status | status must be one of
          prefix with letters         | RoutePolicy | {trunks: [acme], rules: [{name: r, match: {prefixes: ["+49", "+49abc"]}, reject: {}}]} | spec.rules[0].match.prefixes[1] | should match
          prefix without +            | RoutePolicy | {trunks: [acme], rules: [{name: r, match: {prefixes: ["4930"]}, reject: {}}]} | spec.rules[0].match.prefixes[0] | should match
          CEL route and reject        | RoutePolicy | {trunks: [acme], rules: [{name: r, match: {prefixes: ["+"]}, route: [{carrier: a}], reject: {}}]} | spec.rules[0] | a rule either routes (route) or rejects (reject)
          CEL match on nothing        | RoutePolicy | {trunks: [acme], rules: [{name: r, match: {}, reject: {}}]} | spec.rules[0].match | match on prefixes, a pattern, or both
          CEL time window empty       | RoutePolicy | {trunks: [acme], rules: [{name: r, match: {prefixes: ["+"], timeWindows: [{start: "08:00", end: "08:00"}]}, reject: {}}]} | spec.rules[0].match.timeWindows[0] | start and end must differ
          CEL rule names repeated     | RoutePolicy | {trunks: [acme], rules: [{name: r, match: {prefixes: ["+"]}, reject: {}}, {name: r, match: {prefixes: ["+1"]}, reject: {}}]} | spec.rules | rule names must be unique within a policy
          """)
  void refusesAnInvalidResourceNamingTheField(
      String rule, String kind, String spec, String field, String message) {
    KubernetesClientException refused =
        catchThrowableOfType(KubernetesClientException.class, () -> create(kind, "broken", spec));

    assertThat(refused).as(rule + " was accepted").isNotNull();
    assertThat(refused.getCode()).isEqualTo(422);
    assertThat(refused.getStatus().getMessage()).contains(field).contains(message);
    assertThat(refused.getStatus().getDetails().getCauses())
        .extracting(StatusCause::getField)
        .contains(field);
  }

  private void create(String kind, String name, String spec) {
    String manifest =
        """
        apiVersion: trunkline.io/v1alpha1
        kind: %s
        metadata:
          name: %s
        spec: %s
        """
            .formatted(kind, name, spec);
    client.resource(manifest).inNamespace(namespace).create();
  }
}
