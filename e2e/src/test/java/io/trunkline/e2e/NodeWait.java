package io.trunkline.e2e;

import static org.awaitility.Awaitility.await;

import io.trunkline.testing.kube.KubeNode;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;

/** Waits on the node, and says what the node looked like when the wait ran out. */
final class NodeWait {

  private NodeWait() {}

  static void until(
      KubeNode node, Duration limit, Callable<Boolean> condition, String... namespaces) {
    try {
      await()
          .atMost(limit)
          .pollInterval(Duration.ofSeconds(2))
          // A pod not there yet fails its assertion: wait on.
          .ignoreExceptions()
          .until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + node.describe(namespaces) + "\n", e);
    }
  }
}
