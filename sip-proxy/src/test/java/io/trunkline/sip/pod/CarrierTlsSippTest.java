package io.trunkline.sip.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.sip.transport.SipServer;
import io.trunkline.testing.log.LogRecords;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.tls.OpensslCarrier;
import io.trunkline.testing.tls.PemCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to carriers named by host name (RFC 5922 §7): the proxy offers the name as SNI and refuses a
 * certificate that does not name it. The carriers are {@code openssl s_server}; the first one's
 * certificate, from the trusted CA, names another host, so the call goes to the second, whose
 * certificate names the host the trunk calls it by. The PBX is sipp.
 */
class CarrierTlsSippTest {

  private static final String CARRIER_HOST = "localhost";

  @TempDir Path work;

  @Test
  void refusesACarrierWhoseCertificateNamesAnotherHostAndCallsTheNext() throws Exception {
    PemCertificate authority =
        PemCertificate.selfSigned(
            work.resolve("ca.crt"), work.resolve("ca.key"), "Carriers CA", "DNS:ca.invalid");
    PemCertificate otherName =
        authority.issue(
            work.resolve("other.crt"),
            work.resolve("other.key"),
            "carrier.example",
            "DNS:carrier.example");
    PemCertificate rightName =
        authority.issue(
            work.resolve("right.crt"),
            work.resolve("right.key"),
            CARRIER_HOST,
            "DNS:" + CARRIER_HOST);
    int sipPort = LoopbackPorts.freePort("127.0.0.1");
    int misnamedPort = LoopbackPorts.freePort("127.0.0.1");
    int namedPort = LoopbackPorts.freePort("127.0.0.1");
    PodSnapshot snapshot = snapshot(sipPort, misnamedPort, namedPort);
    try (LogRecords transport = LogRecords.of(SipServer.class.getName(), Level.ALL);
        OpensslCarrier misnamed =
            OpensslCarrier.start("127.0.0.1", misnamedPort, otherName, CARRIER_HOST)
                .awaitListening(Duration.ofSeconds(10));
        OpensslCarrier named =
            OpensslCarrier.start("127.0.0.1", namedPort, rightName, CARRIER_HOST)
                .awaitListening(Duration.ofSeconds(10));
        ProxyPod pod =
            ProxyPod.start(
                snapshot.env(
                    "127.0.0.1", "TRUNKLINE_CARRIER_CA", authority.certificate().toString()))) {
      SippResult call =
          Sipp.builtIn("uac")
              .local("127.0.0.5", 0)
              .remote("127.0.0.1", sipPort)
              .calls(1)
              .option("-s", "+4930555000")
              .timeout(Duration.ofSeconds(30))
              .start(work)
              .await();

      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(named.serverNames()).contains(CARRIER_HOST);
      assertThat(named.requests()).contains("INVITE", "ACK", "BYE");
      assertThat(misnamed.serverNames())
          .as("SNI offered before the refusal; s_server printed %s", misnamed.output())
          .contains(CARRIER_HOST);
      assertThat(misnamed.requests()).as("nothing sent to the misnamed carrier").isEmpty();
      assertThat(pod.server().stats().tlsRefusedCount()).isPositive();
      assertThat(transport.messages())
          .contains(
              "TLS to "
                  + CARRIER_HOST
                  + "/127.0.0.1:"
                  + misnamedPort
                  + " refused: No subject alternative DNS name matching "
                  + CARRIER_HOST
                  + " found.");
    }
  }

  private PodSnapshot snapshot(int sipPort, int misnamedPort, int namedPort) throws Exception {
    return PodSnapshot.write(
        work.resolve("snapshot"),
        """
        metadata: {name: acme, namespace: office}
        spec:
          channels: 5
          sip: {port: %d}
          media: {mode: Bypass}
          pbx: {sources: ["127.0.0.5/32"]}
          failover: {downAfter: 5}
          carriers:
            - {name: misnamed, address: "%s:%d", transport: TLS}
            - {name: named, address: "%s:%d", transport: TLS}
        """
            .formatted(sipPort, CARRIER_HOST, misnamedPort, CARRIER_HOST, namedPort),
        """
        metadata: {name: out, namespace: office}
        spec:
          trunks: [acme]
          rules:
            - {name: all, match: {prefixes: ["+"]}, route: [{carrier: misnamed}, {carrier: named}]}
        """);
  }
}
