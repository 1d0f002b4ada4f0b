package io.trunkline.operator.scaling;

import java.util.OptionalDouble;

/** Reads one metric out of the Prometheus text exposition format (what /q/metrics serves). */
final class PrometheusText {

  private PrometheusText() {}

  /**
   * The sum of every sample of {@code metric}, over all label sets; empty when the text has none.
   * Comments (HELP, TYPE) and other metrics, including ones whose name only starts the same, are
   * skipped.
   */
  static OptionalDouble sum(String text, String metric) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (!line.startsWith(metric) || line.length() == metric.length()) {
        continue;
      }
      char next = line.charAt(metric.length());
      if (next != '{' && next != ' ') {
        continue;
      }
      int labelsEnd = next == '{' ? line.indexOf('}', metric.length()) : metric.length();
      if (labelsEnd < 0) {
        continue;
      }
      String[] rest = line.substring(labelsEnd + 1).trim().split("\\s+");
      try {
        double value = Double.parseDouble(rest[0]);
        if (!Double.isNaN(value)) {
          sum += value;
          found = true;
        }
      } catch (NumberFormatException malformed) {
        // a line we cannot read counts as no sample rather than failing the whole scrape
      }
    }
    return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }
}
