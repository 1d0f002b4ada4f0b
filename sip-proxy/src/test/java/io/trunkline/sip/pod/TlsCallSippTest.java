package io.trunkline.sip.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.tls.PemCertificate;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call over SIP over TLS (RFC 3261 §26.2) from the PBX to a carrier on UDP. The Debian sipp is
 * built without OpenSSL ("To use a TLS transport you must compile SIPp with OpenSSL"), so the PBX
 * here is the JDK's TLS client speaking SIP by hand; the carrier is still sipp.
 */
class TlsCallSippTest {

  @TempDir Path work;

  @Test
  void carriesACallOverTls() throws Exception {
    int sipPort = LoopbackPorts.freePort("127.0.0.1");
    int tlsPort = LoopbackPorts.freePort("127.0.0.1");
    int carrierPort = LoopbackPorts.freePort("127.0.0.10");
    Path tls = Files.createDirectories(work.resolve("tls"));
    PemCertificate certificate =
        PemCertificate.selfSigned(
            tls.resolve("tls.crt"), tls.resolve("tls.key"), "127.0.0.1", "IP:127.0.0.1");
    PodSnapshot snapshot = snapshot(sipPort, tlsPort, carrierPort);

    try (SippProcess carrier =
            Sipp.bundled("answer")
                .local("127.0.0.10", carrierPort)
                .calls(100)
                .option("-aa")
                .timeout(Duration.ofSeconds(60))
                .start(work)
                .awaitListening(Duration.ofSeconds(10));
        ProxyPod pod =
            ProxyPod.start(snapshot.env("127.0.0.1", "TRUNKLINE_TLS_DIR", tls.toString()));
        SSLSocket pbx = connect(certificate, tlsPort)) {
      pbx.setSoTimeout(10_000);
      int local = pbx.getLocalPort();
      OutputStream out = pbx.getOutputStream();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(pbx.getInputStream(), StandardCharsets.UTF_8));

      out.write(request("INVITE", "sip:+4930555000@127.0.0.1:" + tlsPort, local, 1, "", "b1"));
      List<String> statuses = new ArrayList<>();
      String toTag = null;
      String contact = null;
      while (!statuses.contains("200")) {
        Map<String, String> response = read(in);
        statuses.add(response.get(":status"));
        if ("200".equals(response.get(":status"))) {
          toTag = response.get("to").replaceAll(".*;tag=([^;>]+).*", "$1");
          contact = response.get("contact").replaceAll(".*<([^>]+)>.*", "$1");
        }
      }
      out.write(request("ACK", contact, local, 1, ";tag=" + toTag, "b2"));
      out.write(request("BYE", contact, local, 2, ";tag=" + toTag, "b3"));
      Map<String, String> bye = read(in);

      assertThat(statuses).startsWith("100").endsWith("200");
      assertThat(bye.get(":status")).isEqualTo("200");
      assertThat(bye.get("cseq")).isEqualTo("2 BYE");
      assertThat(pod.proxy().activeDialogs()).isZero();
    }
  }

  private PodSnapshot snapshot(int sipPort, int tlsPort, int carrierPort) throws Exception {
    return PodSnapshot.write(
        work.resolve("snapshot"),
        """
        metadata: {name: acme, namespace: office}
        spec:
          channels: 5
          sip: {port: %d, tlsPort: %d, transports: [UDP, TCP, TLS], tlsSecret: acme-tls}
          media: {mode: Bypass}
          pbx: {sources: ["127.0.0.5/32"]}
          carriers: [{name: a, address: "127.0.0.10:%d"}]
        """
            .formatted(sipPort, tlsPort, carrierPort),
        """
        metadata: {name: out, namespace: office}
        spec:
          trunks: [acme]
          rules: [{name: all, match: {prefixes: ["+"]}, route: [{carrier: a}]}]
        """);
  }

  /** A TLS connection from the PBX's address that trusts the proxy's self-signed certificate. */
  private static SSLSocket connect(PemCertificate certificate, int port) throws Exception {
    SSLSocket socket =
        (SSLSocket)
            certificate
                .clientTrusting()
                .getSocketFactory()
                .createSocket(
                    InetAddress.getByName("127.0.0.1"),
                    port,
                    InetAddress.getByName("127.0.0.5"),
                    0);
    socket.startHandshake();
    return socket;
  }

  private static byte[] request(
      String method, String uri, int localPort, int cseq, String toTag, String branch) {
    return (method
            + " "
            + uri
            + " SIP/2.0\r\n"
            + "Via: SIP/2.0/TLS 127.0.0.5:"
            + localPort
            + ";branch=z9hG4bK-tls-"
            + branch
            + "\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: <sip:pbx@127.0.0.5>;tag=pbx-tls\r\n"
            + "To: <sip:+4930555000@127.0.0.1>"
            + toTag
            + "\r\n"
            + "Call-ID: tls-call@127.0.0.5\r\n"
            + "CSeq: "
            + cseq
            + " "
            + method
            + "\r\n"
            + "Contact: <sip:pbx@127.0.0.5:"
            + localPort
            + ";transport=tls>\r\n"
            + "Content-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** One response from the stream: ":status" and lower-case header names to values. */
  private static Map<String, String> read(BufferedReader in) throws Exception {
    Map<String, String> headers = new java.util.HashMap<>();
    String start = in.readLine();
    headers.put(":status", start.split(" ")[1]);
    int length = 0;
    for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
      int colon = line.indexOf(':');
      String name = line.substring(0, colon).trim().toLowerCase();
      String value = line.substring(colon + 1).trim();
      headers.putIfAbsent(name, value);
      if (name.equals("content-length") || name.equals("l")) {
        length = Integer.parseInt(value);
      }
    }
    in.skip(length);
    return headers;
  }
}
