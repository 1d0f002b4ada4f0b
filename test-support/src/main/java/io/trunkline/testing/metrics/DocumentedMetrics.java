package io.trunkline.testing.metrics;

import io.trunkline.testing.kube.TestBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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
 * The engines' metrics contract as docs/metrics.md states it: where the pods serve it, each {@code
 * trunkline_} metric, its type and the labels its series carry. Tests hold what the engines serve,
 * what the operator reads and what the chart's alerts are tested on, to it.
 */
public final class DocumentedMetrics {

  private static final Pattern ROW =
      Pattern.compile(
          "^\\| `(trunkline_[a-z_]+)` \\| (gauge|counter|histogram|summary) \\| ([a-z, ]+) \\|",
          Pattern.MULTILINE);

  /** Where every data-plane pod serves them, as the page's opening sentence says. */
  private static final Pattern ENDPOINT =
      Pattern.compile("serves Prometheus text on `(:[0-9]+/[^`]+)`");

  /** The series a histogram or summary is served as, beside its own name (OpenMetrics). */
  private static final Pattern SERIES_SUFFIX = Pattern.compile("_(bucket|count|sum|max)$");

  private record Metric(String type, Set<String> labels) {
    boolean distribution() {
      return type.equals("histogram") || type.equals("summary");
    }
  }

  private final Map<String, Metric> metrics;
  private final String endpoint;

  private DocumentedMetrics(Map<String, Metric> metrics, String endpoint) {
    this.metrics = metrics;
    this.endpoint = endpoint;
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
    Map<String, Metric> metrics = new LinkedHashMap<>();
    Matcher row = ROW.matcher(markdown);
    while (row.find()) {
      metrics.put(
          row.group(1),
          new Metric(
              row.group(2),
              Arrays.stream(row.group(3).split(","))
                  .map(String::strip)
                  .collect(Collectors.toUnmodifiableSet())));
    }
    if (metrics.isEmpty()) {
      throw new IllegalStateException("no trunkline_ metric rows in docs/metrics.md");
    }
    Matcher endpoint = ENDPOINT.matcher(markdown);
    if (!endpoint.find()) {
      throw new IllegalStateException("docs/metrics.md does not say where the pods serve them");
    }
    return new DocumentedMetrics(Map.copyOf(metrics), endpoint.group(1));
  }

  /** The port and path every data-plane pod serves its metrics on, as {@code :8080/q/metrics}. */
  public String endpoint() {
    return endpoint;
  }

  /** Every documented metric's name. */
  public Set<String> names() {
    return metrics.keySet();
  }

  /**
   * The documented metric a served series belongs to: its own name, or for a histogram's or
   * summary's {@code _bucket}, {@code _count}, {@code _sum} or {@code _max} series, theirs.
   */
  public Optional<String> metricOf(String series) {
    if (metrics.containsKey(series)) {
      return Optional.of(series);
    }
    String base = SERIES_SUFFIX.matcher(series).replaceFirst("");
    Metric metric = metrics.get(base);
    return metric != null && metric.distribution() ? Optional.of(base) : Optional.empty();
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
    return documented(metric).labels();
  }

  /** A documented metric's type: gauge, counter, histogram or summary. */
  public String typeOf(String metric) {
    return documented(metric).type();
  }

  private Metric documented(String metric) {
    Metric documented = metrics.get(metric);
    if (documented == null) {
      throw new IllegalArgumentException(metric + " is not in docs/metrics.md");
    }
    return documented;
  }
}
