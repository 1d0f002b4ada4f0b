package io.trunkline.testing.sipp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SippStatisticsTest {

  private static final String HEADER =
      "TotalCallCreated;SuccessfulCall(P);SuccessfulCall(C);FailedCall(C);"
          + "FailedUnexpectedMessage(C);FailedTimeoutOnRecv(C);FailedMaxUDPRetrans(C);"
          + "Retransmissions(C);OutOfCallMsgs(C);ResponseTime1(C);\n";

  @Test
  void readsTheCumulativeColumnsOfTheLastRow(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("stats.csv");
    Files.writeString(
        file,
        HEADER + "3;1;1;0;0;0;0;0;0;00:00:00:001000;\n" + "7;2;5;2;1;0;1;4;1;00:00:01:250000;\n");

    SippStatistics stats = SippStatistics.read(file);

    assertThat(stats.callsCreated()).isEqualTo(7);
    assertThat(stats.successfulCalls()).isEqualTo(5);
    assertThat(stats.failedCalls()).isEqualTo(2);
    assertThat(stats.failedUnexpectedMessage()).isEqualTo(1);
    assertThat(stats.failedTimeouts()).isEqualTo(1);
    assertThat(stats.retransmissions()).isEqualTo(4);
    assertThat(stats.outOfCallMessages()).isEqualTo(1);
    assertThat(stats.averageResponseTime()).isEqualTo(Duration.ofMillis(1250));
  }

  @Test
  void refusesAFileWithoutData(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("stats.csv");
    Files.writeString(file, HEADER);

    assertThatThrownBy(() -> SippStatistics.read(file)).hasMessageContaining("no data row");
  }

  @Test
  void namesAMissingColumn(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("stats.csv");
    Files.writeString(file, "TotalCallCreated;\n3;\n");

    assertThatThrownBy(() -> SippStatistics.read(file)).hasMessageContaining("SuccessfulCall(C)");
  }
}
