package io.trunkline.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.testing.kube.TestBinaries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs users install (crds/) must be exactly what the model generates, so nobody edits them by
 * hand and no model change ships without its schema.
 */
class CrdDriftTest {

  static Stream<String> committedCrds() throws IOException {
    try (Stream<Path> files = Files.list(TestBinaries.repositoryRoot().resolve("crds"))) {
      return files.map(f -> f.getFileName().toString()).sorted().toList().stream();
    }
  }

  @Test
  void everyGeneratedCrdIsCommitted() throws Exception {
    Path generated = Path.of(getClass().getResource("/META-INF/fabric8").toURI());
    try (Stream<Path> files = Files.list(generated)) {
      assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith("-v1.yml")))
          .isNotEmpty()
          .allSatisfy(f -> assertThat(committedCrds()).as("crds/ lacks " + f).contains(f));
    }
  }

  @ParameterizedTest
  @MethodSource("committedCrds")
  void committedCrdMatchesTheModel(String file) throws IOException {
    String committed =
        Files.readString(TestBinaries.repositoryRoot().resolve("crds").resolve(file));
    String generated;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/fabric8/" + file)) {
      assertThat(in).as("the model generates no " + file).isNotNull();
      generated = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(committed)
        .as("crds/%s is out of date: run ./mvnw -pl api -Pupdate-crds process-classes", file)
        .isEqualTo(generated);
    Path chartCopy =
        TestBinaries.repositoryRoot().resolve("charts/trunkline-operator/crds").resolve(file);
    assertThat(chartCopy).as("the chart installs what crds/ holds").hasContent(committed);
  }
}
