package io.trunkline.operator.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.operator.KubeApiServerResource;
import io.trunkline.operator.TestNamespace;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Controllers that read one kind share one cache of it: each source still reconciles the primaries
 * its own mapping names, a status write reconciles none, and one source stopping leaves the other
 * served.
 */
@QuarkusTest
@QuarkusTestResource(value = KubeApiServerResource.class, restrictToAnnotatedClass = false)
class SharedInformerApiServerTest {

  private static final String BY_TRUNK = "by-trunk";

  @Inject KubernetesClient client;

  private TestNamespace ns;
  private SharedInformer<SipLine> lines;
  private final BlockingQueue<ResourceID> trunkEvents = new LinkedBlockingQueue<>();
  private final BlockingQueue<ResourceID> policyEvents = new LinkedBlockingQueue<>();
  private SharedInformerEventSource<SipLine, SipLine> trunks;
  private SharedInformerEventSource<SipLine, SipLine> policies;

  @BeforeEach
  void twoSourcesOverOneInformer() {
    ns = new TestNamespace(client);
    lines =
        new SharedInformer<>(
            client,
            SipLine.class,
            Set.of(ns.name()),
            UnaryOperator.identity(),
            Map.of(BY_TRUNK, line -> List.of(line.getSpec().getTrunk())));
    // Stand-ins for two controllers: one maps a line to its trunk, the other to a policy.
    trunks = source("trunks", "", trunkEvents);
    policies = source("policies", "policy-of-", policyEvents);
    trunks.start();
    policies.start();
  }

  @AfterEach
  void stop() {
    if (trunks.isRunning()) {
      trunks.stop();
    }
    if (policies.isRunning()) {
      policies.stop();
    }
  }

  @Test
  void eachSourceReconcilesWhatItsMappingNamesFromTheOneCache() throws Exception {
    line("alice", "acme");

    assertThat(next(trunkEvents)).isEqualTo(id("acme"));
    assertThat(next(policyEvents)).isEqualTo(id("policy-of-acme"));
    assertThat(lines.byIndex(BY_TRUNK, "acme").map(l -> l.getMetadata().getName()))
        .containsExactly("alice");
    assertThat(lines.get(id("alice")))
        .hasValueSatisfying(l -> assertThat(l.getMetadata().getManagedFields()).isNullOrEmpty());

    // A line moved to another trunk concerns both trunks.
    line("alice", "globex");
    assertThat(Set.of(next(trunkEvents), next(trunkEvents))).containsOnly(id("acme"), id("globex"));
    // Each source hands on its events on its own thread: the policies' may come later still.
    assertThat(Set.of(next(policyEvents), next(policyEvents)))
        .containsOnly(id("policy-of-acme"), id("policy-of-globex"));

    // Its status written (by the operator's line controller, which finds no trunk globex)
    // reconciles nothing: the next event either source sees is the next line's.
    awaitStatusNaming("alice", "globex");
    line("bob", "initech");
    assertThat(next(trunkEvents)).isEqualTo(id("initech"));
    assertThat(next(policyEvents)).isEqualTo(id("policy-of-initech"));
  }

  @Test
  void aStoppedSourceLeavesTheOtherServed() throws Exception {
    trunks.stop();
    line("carol", "acme");

    assertThat(next(policyEvents)).isEqualTo(id("policy-of-acme"));
    assertThat(lines.byIndex(BY_TRUNK, "acme").map(l -> l.getMetadata().getName()))
        .containsExactly("carol");
    assertThat(trunkEvents).isEmpty();
  }

  private SharedInformerEventSource<SipLine, SipLine> source(
      String name, String prefix, BlockingQueue<ResourceID> events) {
    var source =
        new SharedInformerEventSource<SipLine, SipLine>(
            SipLine.class,
            name,
            lines,
            line -> Set.of(id(prefix + line.getSpec().getTrunk())),
            primary -> Set.of());
    source.setEventHandler(event -> events.add(((Event) event).getRelatedCustomResourceID()));
    return source;
  }

  private void line(String name, String trunk) {
    ns.apply(
        """
        apiVersion: trunkline.io/v1alpha1
        kind: SipLine
        metadata: {name: %s}
        spec: {trunk: %s, number: "+4930100", username: %s, credentialsSecret: %s-sip}
        """
            .formatted(name, trunk, name, name));
  }

  private void awaitStatusNaming(String line, String text) throws InterruptedException {
    for (int i = 0; i < TestNamespace.WAIT.toMillis() / 100; i++) {
      SipLine current = ns.get(SipLine.class, line);
      if (current.getStatus() != null
          && current.getStatus().getConditions().stream()
              .anyMatch(c -> c.getMessage() != null && c.getMessage().contains(text))) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no status of " + line + " names " + text);
  }

  private ResourceID id(String name) {
    return new ResourceID(name, ns.name());
  }

  private static ResourceID next(BlockingQueue<ResourceID> events) throws InterruptedException {
    ResourceID id = events.poll(TestNamespace.WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(id).as("an event within %s", TestNamespace.WAIT).isNotNull();
    return id;
  }
}
