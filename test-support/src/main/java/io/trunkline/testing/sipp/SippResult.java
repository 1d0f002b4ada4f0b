package io.trunkline.testing.sipp;

import java.nio.file.Path;

/**
 * How a sipp run ended.
 *
 * @param exitCode sipp's exit code: 0 all calls succeeded, 1 some failed, 97 stopped by command, 99
 *     ended without processing a call, 255/254 fatal error / could not bind
 * @param statistics the run's cumulative figures
 * @param errors what sipp wrote to its error log (unexpected messages, timeouts)
 * @param screen what sipp printed
 * @param messageLog every SIP message sipp sent and received, for post-mortems
 */
public record SippResult(
    int exitCode, SippStatistics statistics, String errors, String screen, Path messageLog) {

  /** True when sipp ended normally and every call it made or took succeeded. */
  public boolean allCallsSucceeded() {
    return exitCode == 0 && statistics.failedCalls() == 0 && statistics.successfulCalls() > 0;
  }

  @Override
  public String toString() {
    return "sipp exit "
        + exitCode
        + ", "
        + statistics
        + (errors.isBlank() ? "" : "\n--- sipp errors ---\n" + errors)
        + (allCallsSucceeded() ? "" : "\n--- sipp screen (end) ---\n" + tail(screen))
        + "\n(message log: "
        + messageLog
        + ")";
  }

  private static String tail(String text) {
    return text.length() <= 1500 ? text : text.substring(text.length() - 1500);
  }
}
