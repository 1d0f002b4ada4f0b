package io.trunkline.sip.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trunkline.testing.kube.TestBinaries;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone edge started from the examples users copy, and from broken copies of them. */
class StandaloneSippTest {

  private static final Path SMALL_OFFICE =
      TestBinaries.repositoryRoot().resolve("examples/small-office");

  @TempDir Path work;

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @Test
  void servesTheSmallOfficeExample() throws Exception {
    int port = LoopbackPorts.freePort("127.0.0.1");
    try (Standalone edge =
        Standalone.start(SMALL_OFFICE, new InetSocketAddress("127.0.0.1", port), null, out())) {
      assertThat(edge.config().trunk()).isEqualTo("office");
      assertThat(edge.config().lines()).hasSize(5);
      assertThat(edge.config().routes()).hasSize(2);
      assertThat(edge.config().emergency().numbers()).containsExactly("112", "110");
      assertThat(edge.config().emergency().carriers()).containsExactly("itsp");

      SippResult probes =
          Sipp.bundled("options")
              .local("127.0.0.1", 0)
              .remote("127.0.0.1", port)
              .calls(3)
              .timeout(Duration.ofSeconds(20))
              .start(work.resolve("sipp"))
              .await();

      assertThat(probes.allCallsSucceeded()).as(probes.toString()).isTrue();
    }
    assertThat(log()).contains("trunk office", "5 lines, 2 routes, 5 channels");
  }

  @Test
  void namesTheWrongFieldOfABrokenTrunk() throws IOException {
    Path folder = copyOfSmallOffice();
    Path trunk = folder.resolve("trunk.yaml");
    String original = Files.readString(trunk);

    Files.writeString(trunk, original.replace("channels: 5", "channels: 0"));
    assertThatThrownBy(() -> Standalone.start(folder, null, null, out()))
        .hasMessageContaining("SipTrunk office: spec.channels must be at least 1");

    Files.writeString(trunk, original.replace("channels: 5", "channel: 5"));
    assertThatThrownBy(() -> Standalone.start(folder, null, null, out()))
        .hasMessageContaining("trunk.yaml")
        .hasMessageContaining("Unrecognized field \"channel\"");
  }

  @Test
  void startsWithoutALineWhosePasswordIsMissingAndSaysSo() throws Exception {
    Path folder = copyOfSmallOffice();
    Files.writeString(
        folder.resolve("secrets.yaml"),
        Files.readString(folder.resolve("secrets.yaml"))
            .replace("name: emil-sip", "name: someone-else"));

    try (Standalone edge =
        Standalone.start(
            folder,
            new InetSocketAddress("127.0.0.1", LoopbackPorts.freePort("127.0.0.1")),
            null,
            out())) {
      assertThat(edge.config().lines()).hasSize(4);
    }
    assertThat(log())
        .contains("SipLine emil: Secret emil-sip has no key password (CredentialsNotFound)");
  }

  @Test
  void asksWhichTrunkWhenAFolderHoldsTwo() throws IOException {
    Path folder = copyOfSmallOffice();
    Files.writeString(
        folder.resolve("second-trunk.yaml"),
        Files.readString(folder.resolve("trunk.yaml")).replace("name: office", "name: annex"));

    assertThatThrownBy(() -> Standalone.start(folder, null, null, out()))
        .hasMessageContaining("holds 2 SipTrunks; name one with --trunk");
  }

  private Path copyOfSmallOffice() throws IOException {
    Path folder = Files.createDirectories(work.resolve("office"));
    try (Stream<Path> files = Files.list(SMALL_OFFICE)) {
      for (Path file : files.toList()) {
        Files.copy(file, folder.resolve(file.getFileName()));
      }
    }
    return folder;
  }

  private PrintStream out() {
    return new PrintStream(log, true, StandardCharsets.UTF_8);
  }

  private String log() {
    return log.toString(StandardCharsets.UTF_8);
  }
}
