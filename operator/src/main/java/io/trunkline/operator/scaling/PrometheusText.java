package io.trunkline.operator.scaling;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** Reads metrics out of the Prometheus text exposition format (what /q/metrics serves). */
final class PrometheusText {

  private PrometheusText() {}

  /** One sample line: its labels and value. */
  private record Sample(Map<String, String> labels, double value) {}

  /**
   * The sum of every sample of {@code metric}, over all label sets; empty when the text has none.
   * Comments (HELP, TYPE) and other metrics, including ones whose name only starts the same, are
   * skipped.
   */
  static OptionalDouble sum(String text, String metric) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      Optional<Sample> sample = sample(line, metric);
      if (sample.isPresent()) {
        sum += sample.get().value();
        found = true;
      }
    }
    return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }

  /**
   * The samples of {@code metric} summed per value of {@code label}, in the order the text lists
   * them; samples without that label are skipped, as {@link #sum} skips unreadable ones.
   */
  static Map<String, Double> byLabel(String text, String metric, String label) {
    Map<String, Double> sums = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      sample(line, metric)
          .filter(s -> s.labels().containsKey(label))
          .ifPresent(s -> sums.merge(s.labels().get(label), s.value(), Double::sum));
    }
    return sums;
  }

  /**
   * The sample {@code line} holds when it is one of {@code metric}'s. A line we cannot read counts
   * as no sample rather than failing the whole scrape.
   */
  private static Optional<Sample> sample(String line, String metric) {
    if (!line.startsWith(metric) || line.length() == metric.length()) {
      return Optional.empty();
    }
    char next = line.charAt(metric.length());
    if (next != '{' && next != ' ') {
      return Optional.empty();
    }
    Map<String, String> labels = new HashMap<>();
    int valueStart = metric.length();
    if (next == '{') {
      valueStart = labels(line, metric.length() + 1, labels);
      if (valueStart < 0) {
        return Optional.empty();
      }
    }
    String[] rest = line.substring(valueStart).trim().split("\\s+");
    try {
      double value = Double.parseDouble(rest[0]);
      return Double.isNaN(value) ? Optional.empty() : Optional.of(new Sample(labels, value));
    } catch (NumberFormatException malformed) {
      return Optional.empty();
    }
  }

  /**
   * Reads {@code name="value",...}} from {@code at} into {@code labels}, unescaping {@code \\},
   * {@code \"} and {@code \n} in values as the format defines; returns where the value starts after
   * the closing brace, or -1 when the labels are malformed.
   */
  private static int labels(String line, int at, Map<String, String> labels) {
    int i = at;
    while (true) {
      while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
        i++;
      }
      if (i >= line.length()) {
        return -1;
      }
      if (line.charAt(i) == '}') {
        return i + 1;
      }
      int equals = line.indexOf('=', i);
      if (equals < 0 || equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
        return -1;
      }
      String name = line.substring(i, equals).trim();
      StringBuilder value = new StringBuilder();
      i = equals + 2;
      while (i < line.length() && line.charAt(i) != '"') {
        char c = line.charAt(i);
        if (c == '\\' && i + 1 < line.length()) {
          char escaped = line.charAt(++i);
          value.append(escaped == 'n' ? '\n' : escaped);
        } else {
          value.append(c);
        }
        i++;
      }
      if (i >= line.length()) {
        return -1;
      }
      labels.put(name, value.toString());
      i++;
    }
  }
}
