package io.trunkline.testing.metrics;

import io.trunkline.testing.kube.TestBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The engines' metrics contract as docs/metrics.md states it: each {@code trunkline_} metric and
 * the labels its series carry. Tests hold what the engines serve, and what the chart's alerts are
 * tested on, to it.
 */
public final class DocumentedMetrics {

  private static final Pattern ROW =
      Pattern.compile(
          "^\\| `(trunkline_[a-z_]+)` \\| (gauge|counter|histogram|summary) \\| ([a-z, ]+) \\|",
          Pattern.MULTILINE);

  /** The series a histogram or summary is served as, beside its own name (OpenMetrics). */
  private static final Pattern SERIES_SUFFIX = Pattern.compile("_(bucket|count|sum|max)$");

  private final Map<String, Set<String>> labels;

  /** The histograms and summaries among them, served as several series. */
  private final Set<String> distributions;

  private DocumentedMetrics(Map<String, Set<String>> labels, Set<String> distributions) {
    this.labels = labels;
    this.distributions = distributions;
  }

  /** Reads docs/metrics.md from the checkout the tests run in. */
  public static DocumentedMetrics read() {
    try {
      return parse(Files.readString(TestBinaries.repositoryRoot().resolve("docs/metrics.md")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static DocumentedMetrics parse(String markdown) {
    Map<String, Set<String>> labels = new LinkedHashMap<>();
    Set<String> distributions = new HashSet<>();
    Matcher row = ROW.matcher(markdown);
    while (row.find()) {
      if (row.group(2).equals("histogram") || row.group(2).equals("summary")) {
        distributions.add(row.group(1));
      }
      labels.put(
          row.group(1),
          Arrays.stream(row.group(3).split(","))
              .map(String::strip)
              .collect(Collectors.toUnmodifiableSet()));
    }
    if (labels.isEmpty()) {
      throw new IllegalStateException("no trunkline_ metric rows in docs/metrics.md");
    }
    return new DocumentedMetrics(Map.copyOf(labels), Set.copyOf(distributions));
  }

  /** Every documented metric's name. */
  public Set<String> names() {
    return labels.keySet();
  }

  /**
   * The documented metric a served series belongs to: its own name, or for a histogram's or
   * summary's {@code _bucket}, {@code _count}, {@code _sum} or {@code _max} series, theirs.
   */
  public Optional<String> metricOf(String series) {
    if (labels.containsKey(series)) {
      return Optional.of(series);
    }
    String base = SERIES_SUFFIX.matcher(series).replaceFirst("");
    return distributions.contains(base) ? Optional.of(base) : Optional.empty();
  }

  /**
   * What in {@code served} departs from this contract: a {@code trunkline_} series whose metric is
   * not documented, or whose labels, less {@code targetLabels} (what the scrape adds: namespace,
   * pod, container) and a bucket's {@code le}, are not the documented ones. Empty when it holds.
   */
  public List<String> departures(Collection<Series> served, Set<String> targetLabels) {
    List<String> departures = new ArrayList<>();
    for (Series series : served) {
      if (!series.name().startsWith("trunkline_")) {
        continue;
      }
      Optional<String> metric = metricOf(series.name());
      if (metric.isEmpty()) {
        departures.add(series.name() + " is not in docs/metrics.md");
        continue;
      }
      Set<String> carried = new TreeSet<>(series.labels().keySet());
      carried.removeAll(targetLabels);
      if (series.name().endsWith("_bucket")) {
        carried.remove("le");
      }
      if (!carried.equals(new TreeSet<>(labelsOf(metric.get())))) {
        departures.add(
            series.name() + " carries " + carried + ", documented " + labelsOf(metric.get()));
      }
    }
    return departures;
  }

  /** The labels a documented metric's series carry (a histogram's buckets add {@code le}). */
  public Set<String> labelsOf(String metric) {
    Set<String> documented = labels.get(metric);
    if (documented == null) {
      throw new IllegalArgumentException(metric + " is not in docs/metrics.md");
    }
    return documented;
  }
}
