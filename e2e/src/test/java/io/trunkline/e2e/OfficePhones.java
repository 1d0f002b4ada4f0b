package io.trunkline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trunkline.testing.kube.OutsideNetwork;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The phones of examples/small-office's lines, as sipp: they send to the address and port peers
 * outside the cluster use, never to a pod or a Service.
 *
 * @param address the address the phones bind
 * @param trunkAddress the address the trunk is reached at
 * @param trunkPort the port the trunk is reached on there
 * @param networkNamespace where the phones run; null for this machine's side of the node
 * @param ports the ports the phones bind, one per call
 */
record OfficePhones(
    String address,
    String trunkAddress,
    int trunkPort,
    String networkNamespace,
    IntSupplier ports,
    Path work) {

  /** Phones on this machine's side of the node, bound to the address they send to. */
  OfficePhones(String address, int trunkPort, Path work) {
    this(address, address, trunkPort, null, () -> LoopbackPorts.freePort(address), work);
  }

  /** Phones outside the cluster, as on another host: their packets reach the node from a wire. */
  static OfficePhones outside(
      OutsideNetwork outside, String trunkAddress, int trunkPort, Path work) {
    return new OfficePhones(
        outside.addresses().get(0),
        trunkAddress,
        trunkPort,
        outside.namespace(),
        outside::port,
        work);
  }

  /** Ben's number, which Anna calls. */
  static final String BEN = "+4930123402";

  private static final Pattern AUDIO =
      Pattern.compile("c=IN IP4 ([0-9.]+)\\r?\\n(?:.*\\r?\\n)*?m=audio ([0-9]+)");

  /** Registers {@code user} with the example's password (examples/small-office/secrets.yaml). */
  SippResult tryRegister(String user, int port) {
    return Sipp.bundled("register")
        .named("register-" + user)
        .inNetworkNamespace(networkNamespace)
        .local(address, port)
        .remote(trunkAddress, trunkPort)
        .calls(1)
        .option("-s", user, "-au", user, "-ap", "change-me-" + user)
        .timeout(Duration.ofSeconds(30))
        .start(work)
        .await();
  }

  void register(String user, int port) {
    SippResult registered = tryRegister(user, port);
    assertThat(registered.allCallsSucceeded()).as(registered.toString()).isTrue();
  }

  /** Waits until the answering phone has sent its 200 OK: the call is up. */
  static void awaitAnswered(SippProcess phone) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Files.exists(phone.messageLog())
                    && Files.readString(phone.messageLog()).contains("SIP/2.0 200 OK"));
  }

  /** Ben's phone on the port it registered from, its media on {@code rtpPort}. */
  SippProcess benAnswers(int port, int rtpPort) {
    return Sipp.bundled("answer-media")
        .named("ben")
        .inNetworkNamespace(networkNamespace)
        .local(address, port)
        .calls(1)
        .variable("rtp_port", Integer.toString(rtpPort))
        .timeout(Duration.ofSeconds(60))
        .start(work)
        .awaitListening(Duration.ofSeconds(10));
  }

  /**
   * Anna calls Ben (digest on the INVITE), holds the call, hangs up; her sipp echoes whatever RTP
   * reaches its media port.
   */
  SippProcess annaCallsBen(int holdMillis) {
    return annaCalls(BEN, holdMillis);
  }

  /** Anna calls {@code number} as she calls Ben. */
  SippProcess annaCalls(String number, int holdMillis) {
    return Sipp.bundled("call-auth")
        .named("anna")
        .inNetworkNamespace(networkNamespace)
        .local(address, ports.getAsInt())
        .remote(trunkAddress, trunkPort)
        .calls(1)
        .variable("dest", number)
        .option(
            "-s",
            "anna",
            "-au",
            "anna",
            "-ap",
            "change-me-anna",
            "-d",
            Integer.toString(holdMillis),
            "-mp",
            Integer.toString(ports.getAsInt()),
            "-rtp_echo")
        .timeout(Duration.ofSeconds(60))
        .start(work);
  }

  /** The relay's address in the first SDP after {@code start} in a sipp message log. */
  static InetSocketAddress audioAfter(Path log, String start) throws Exception {
    Duration limit = Duration.ofSeconds(30);
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      int from = text.indexOf(start);
      if (from >= 0) {
        Matcher audio = AUDIO.matcher(text.substring(from));
        if (audio.find()) {
          return new InetSocketAddress(audio.group(1), Integer.parseInt(audio.group(2)));
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no SDP after " + start + " in " + log + " within " + limit);
  }
}
