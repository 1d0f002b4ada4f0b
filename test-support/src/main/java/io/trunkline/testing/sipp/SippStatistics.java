package io.trunkline.testing.sipp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cumulative figures of one sipp run, read from the last row of its {@code -trace_stat} file.
 *
 * @param callsCreated calls this sipp started (UAC) or accepted (UAS)
 * @param successfulCalls calls that ran the scenario to its end
 * @param failedCalls calls that failed for any reason (timeouts, unexpected messages, ...)
 * @param failedUnexpectedMessage calls failed because a message arrived the scenario did not expect
 * @param failedTimeouts calls failed because an expected message did not come in time
 * @param retransmissions SIP messages sipp had to retransmit (UDP timers, RFC 3261 §17.1.1.2)
 * @param outOfCallMessages messages received that matched no call
 * @param averageResponseTime mean of the scenario's first response-time measure ({@code rtd})
 */
public record SippStatistics(
    long callsCreated,
    long successfulCalls,
    long failedCalls,
    long failedUnexpectedMessage,
    long failedTimeouts,
    long retransmissions,
    long outOfCallMessages,
    Duration averageResponseTime) {

  /** Reads the cumulative ({@code (C)}) columns of the last row of a sipp statistics file. */
  public static SippStatistics read(Path statFile) throws IOException {
    List<String> lines = Files.readAllLines(statFile).stream().filter(l -> !l.isBlank()).toList();
    if (lines.size() < 2) {
      throw new IOException("sipp statistics file " + statFile + " holds no data row");
    }
    String[] header = lines.get(0).split(";", -1);
    String[] last = lines.get(lines.size() - 1).split(";", -1);
    Map<String, String> row = new HashMap<>();
    for (int i = 0; i < header.length && i < last.length; i++) {
      row.put(header[i].trim(), last[i].trim());
    }
    return new SippStatistics(
        count(row, "TotalCallCreated"),
        count(row, "SuccessfulCall(C)"),
        count(row, "FailedCall(C)"),
        count(row, "FailedUnexpectedMessage(C)"),
        count(row, "FailedTimeoutOnRecv(C)") + count(row, "FailedMaxUDPRetrans(C)"),
        count(row, "Retransmissions(C)"),
        count(row, "OutOfCallMsgs(C)"),
        duration(row, "ResponseTime1(C)"));
  }

  private static long count(Map<String, String> row, String column) {
    String value = row.get(column);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("sipp statistics have no column " + column);
    }
    return Long.parseLong(value);
  }

  /** sipp writes durations as {@code HH:MM:SS:micros}. */
  private static Duration duration(Map<String, String> row, String column) {
    String value = row.get(column);
    if (value == null || value.isEmpty()) {
      return Duration.ZERO;
    }
    String[] parts = value.split(":");
    if (parts.length != 4) {
      throw new IllegalArgumentException("unexpected sipp duration " + value + " in " + column);
    }
    return Duration.ofHours(Long.parseLong(parts[0]))
        .plusMinutes(Long.parseLong(parts[1]))
        .plusSeconds(Long.parseLong(parts[2]))
        .plusNanos(Long.parseLong(parts[3]) * 1_000);
  }
}
