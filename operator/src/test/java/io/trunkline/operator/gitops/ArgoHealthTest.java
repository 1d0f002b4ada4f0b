package io.trunkline.operator.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.testing.kube.TestBinaries;
import io.trunkline.testing.process.Commands;
import io.trunkline.testing.process.Executables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Argo CD health check run by a real Lua interpreter (Debian lua5.4) on resources as the
 * operator writes them: healthy, progressing and degraded.
 */
class ArgoHealthTest {

  private static final Path GITOPS =
      TestBinaries.repositoryRoot().resolve("examples/gitops/argocd");
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  @TempDir Path work;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          trunk ready               | 2 | 2 | True  | PoolsReady     | 2 proxies and 1 relays ready  | Healthy     | 2 proxies and 1 relays ready
          trunk pods starting       | 1 | 1 | False | PoolsNotReady  | ready proxies: 0              | Progressing | ready proxies: 0
          trunk pods refused        | 1 | 1 | False | PodsRefused    | ready proxies: 0; sip-proxy pods refused: exceeded quota | Degraded | PodsRefused: ready proxies: 0; sip-proxy pods refused: exceeded quota
          trunk change not seen yet | 3 | 2 | True  | PoolsReady     | 2 proxies ready               | Progressing | Waiting for the operator to observe generation 3
          line of a missing trunk   | 1 | 1 | False | TrunkNotFound  | SipTrunk acme does not exist  | Degraded    | TrunkNotFound: SipTrunk acme does not exist
          policy with a bad carrier | 1 | 1 | False | InvalidRoute   | carrier b is not a carrier    | Degraded    | InvalidRoute: carrier b is not a carrier
          """)
  void readsTheReadyCondition(
      String sample,
      int generation,
      int observed,
      String status,
      String reason,
      String message,
      String expectedStatus,
      String expectedMessage)
      throws Exception {
    String resource =
        """
        {"apiVersion": "trunkline.io/v1alpha1", "kind": "SipTrunk",
         "metadata": {"name": "acme", "generation": %d},
         "status": {"observedGeneration": %d,
                    "conditions": [{"type": "SnapshotCurrent", "status": "True", "reason": "Compiled"},
                                   {"type": "Ready", "status": "%s", "reason": "%s", "message": "%s"}]}}
        """
            .formatted(generation, observed, status, reason, message);

    assertThat(health(resource)).isEqualTo(expectedStatus + "|" + expectedMessage);
  }

  @Test
  void aResourceWithoutStatusIsProgressing() throws Exception {
    assertThat(
            health(
                "{\"kind\": \"SipLine\", \"metadata\": {\"name\": \"alice\", \"generation\": 1}}"))
        .isEqualTo("Progressing|Waiting for the Trunkline operator");
  }

  @Test
  void theArgocdCmPatchCarriesTheSameScriptForEachKind() throws Exception {
    String script = Files.readString(GITOPS.resolve("health.lua"));
    ConfigMap patch =
        new KubernetesSerialization()
            .unmarshal(Files.readString(GITOPS.resolve("argocd-cm-patch.yaml")), ConfigMap.class);

    assertThat(patch.getData())
        .containsOnlyKeys(
            "resource.customizations.health.trunkline.io_SipTrunk",
            "resource.customizations.health.trunkline.io_SipLine",
            "resource.customizations.health.trunkline.io_RoutePolicy")
        .allSatisfy((key, value) -> assertThat(value).isEqualTo(script));
  }

  /** Runs health.lua with {@code obj} set to the resource, as Argo CD does. */
  private String health(String resourceJson) throws Exception {
    Path runner = work.resolve("run.lua");
    Files.writeString(
        runner,
        "obj = "
            + lua(JSON.readTree(resourceJson))
            + "\nlocal h = dofile(\""
            + GITOPS.resolve("health.lua")
            + "\")\nio.write(h.status .. \"|\" .. h.message)\n");
    Commands.Result lua =
        Commands.run(
            Duration.ofSeconds(30),
            List.of(Executables.require("lua5.4", "lua5.4", "lua"), runner.toString()));
    assertThat(lua.exitCode()).as(lua.output()).isZero();
    return lua.output();
  }

  /** A JSON value as a Lua table constructor. */
  private static String lua(JsonNode node) {
    if (node.isObject()) {
      StringBuilder table = new StringBuilder("{");
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var field = it.next();
        table
            .append("[")
            .append(quote(field.getKey()))
            .append("] = ")
            .append(lua(field.getValue()))
            .append(", ");
      }
      return table.append("}").toString();
    }
    if (node.isArray()) {
      StringBuilder table = new StringBuilder("{");
      node.forEach(item -> table.append(lua(item)).append(", "));
      return table.append("}").toString();
    }
    return node.isTextual() ? quote(node.asText()) : node.asText();
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
