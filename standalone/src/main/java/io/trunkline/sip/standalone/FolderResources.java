package io.trunkline.sip.standalone;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.api.config.SecretValues;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.api.v1alpha1.trunk.Carrier;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The resources of a folder of YAML (the same files `kubectl apply -f` takes), for standalone mode,
 * where no API server applies the schema: the required fields are checked here instead.
 */
public record FolderResources(
    List<SipTrunk> trunks,
    List<SipLine> lines,
    List<RoutePolicy> policies,
    Map<String, Secret> secrets) {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  public static FolderResources load(Path folder) {
    FolderResources resources =
        new FolderResources(
            new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new HashMap<>());
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(FolderResources::isYaml).sorted().toList()) {
        for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
          if (document.isBlank() || !document.contains("kind:")) {
            continue;
          }
          try {
            resources.add(YAML.unmarshal(document, GenericKubernetesResource.class));
          } catch (IllegalArgumentException e) {
            // Unknown or mistyped fields are refused, as the API server's strict validation would.
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + folder, e);
    }
    return resources;
  }

  private void add(GenericKubernetesResource resource) {
    switch (resource.getKind()) {
      case "SipTrunk" -> trunks.add(as(resource, SipTrunk.class));
      case "SipLine" -> lines.add(as(resource, SipLine.class));
      case "RoutePolicy" -> policies.add(as(resource, RoutePolicy.class));
      case "Secret" -> {
        Secret secret = as(resource, Secret.class);
        secrets.put(secret.getMetadata().getName(), secret);
      }
      default -> {
        // other kinds (a Namespace, say) mean nothing to a standalone edge
      }
    }
  }

  /** The folder's Secrets, read as the API server would hand them to the operator. */
  public TrunkCompiler.SecretLookup secretLookup() {
    return (name, key) ->
        Optional.ofNullable(secrets.get(name)).flatMap(s -> SecretValues.value(s, key));
  }

  /** What the CRD schema would refuse and the compiler cannot do without, named by field. */
  public List<String> missingRequiredFields() {
    List<String> missing = new ArrayList<>();
    for (SipTrunk trunk : trunks) {
      String at = "SipTrunk " + trunk.getMetadata().getName() + ": ";
      if (trunk.getSpec() == null
          || trunk.getSpec().getChannels() == null
          || trunk.getSpec().getChannels() < 1) {
        missing.add(at + "spec.channels must be at least 1");
        continue;
      }
      List<Carrier> carriers = trunk.getSpec().getCarriers();
      if (carriers == null || carriers.isEmpty()) {
        missing.add(at + "spec.carriers needs at least one carrier");
        continue;
      }
      for (int i = 0; i < carriers.size(); i++) {
        if (carriers.get(i).getName() == null || carriers.get(i).getAddress() == null) {
          missing.add(at + "spec.carriers[" + i + "] needs name and address");
        }
      }
    }
    for (SipLine line : lines) {
      var spec = line.getSpec();
      if (spec == null
          || spec.getTrunk() == null
          || spec.getNumber() == null
          || spec.getUsername() == null
          || spec.getCredentialsSecret() == null) {
        missing.add(
            "SipLine "
                + line.getMetadata().getName()
                + ": spec needs trunk, number, username and credentialsSecret");
      }
    }
    for (RoutePolicy policy : policies) {
      if (policy.getSpec() == null
          || policy.getSpec().getTrunks() == null
          || policy.getSpec().getRules() == null) {
        missing.add(
            "RoutePolicy " + policy.getMetadata().getName() + ": spec needs trunks and rules");
      }
    }
    return missing;
  }

  private static <T extends HasMetadata> T as(GenericKubernetesResource resource, Class<T> type) {
    return YAML.convertValue(resource, type);
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }
}
