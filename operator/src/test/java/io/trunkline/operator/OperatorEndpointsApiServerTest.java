package io.trunkline.operator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** What a platform team scrapes and probes on the operator itself. */
@QuarkusTest
@QuarkusTestResource(value = KubeApiServerResource.class, restrictToAnnotatedClass = false)
class OperatorEndpointsApiServerTest {

  @Inject KubernetesClient client;

  @Test
  void healthIsUpWithTheControllers() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body(containsString("siptrunk"));
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void metricsCountReconciliations() {
    TestNamespace ns = new TestNamespace(client);
    ns.apply(TestNamespace.trunkManifest("metered", ""));
    ns.await(Deployment.class, "metered-sip-proxy");

    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("operator_sdk_reconciliations_executions"))
        .body(containsString("siptrunk"));
  }
}
