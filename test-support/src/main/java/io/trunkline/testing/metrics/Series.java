package io.trunkline.testing.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One series as Prometheus names it, {@code name{label="value",...}}: a sample line of a scrape in
 * the text exposition format, or a series of a promtool test.
 */
public record Series(String name, Map<String, String> labels) {

  private static final Pattern SERIES =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?(?:\\s.*)?$");

  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?\\s*");

  /** Parses one series, with or without the sample's value after it. */
  public static Series parse(String text) {
    Matcher series = SERIES.matcher(text.strip());
    if (!series.matches()) {
      throw new IllegalArgumentException("not a series: " + text);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    String body = series.group(2);
    if (body != null) {
      Matcher label = LABEL.matcher(body);
      int at = 0;
      while (label.lookingAt()) {
        labels.put(label.group(1), label.group(2));
        at = label.end();
        label.region(at, body.length());
      }
      if (at != body.length()) {
        throw new IllegalArgumentException("labels do not parse at " + at + ": " + text);
      }
    }
    return new Series(series.group(1), Map.copyOf(labels));
  }

  /** The sample lines of a scrape in the text exposition format; comments left out. */
  public static List<Series> ofScrape(String exposition) {
    List<Series> samples = new ArrayList<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        samples.add(parse(line));
      }
    }
    return samples;
  }
}
