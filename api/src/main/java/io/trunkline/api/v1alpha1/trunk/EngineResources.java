package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import io.trunkline.api.v1alpha1.Defaults;

/**
 * One engine container's requests and limits, as a pod spells them. The rules compare each against
 * the other's default when only one is given, so that what the API server accepts the operator can
 * always render into a Deployment the API server accepts too.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.requests) || !has(self.requests.memory) || !isQuantity(self.requests.memory)"
            + " || quantity(self.requests.memory).compareTo(quantity(has(self.limits) &&"
            + " has(self.limits.memory) && isQuantity(self.limits.memory) ? self.limits.memory : '"
            + Defaults.POD_MEMORY_LIMIT
            + "')) <= 0",
    message =
        "requests.memory must not exceed limits.memory ("
            + Defaults.POD_MEMORY_LIMIT
            + " if unset)",
    fieldPath = ".requests.memory")
@ValidationRule(
    value =
        "!has(self.limits) || !has(self.limits.cpu) || !isQuantity(self.limits.cpu) ||"
            + " quantity(has(self.requests) && has(self.requests.cpu) &&"
            + " isQuantity(self.requests.cpu) ? self.requests.cpu : '"
            + Defaults.POD_CPU_REQUEST
            + "').compareTo(quantity(self.limits.cpu)) <= 0",
    message =
        "limits.cpu must not be under requests.cpu (" + Defaults.POD_CPU_REQUEST + " if unset)",
    fieldPath = ".limits.cpu")
@ValidationRule(
    value =
        "!has(self.limits) || !has(self.limits.memory) || !isQuantity(self.limits.memory) ||"
            + " quantity(self.limits.memory).compareTo(quantity('"
            + Defaults.POD_MEMORY_LIMIT_MIN
            + "')) >= 0",
    message =
        "limits.memory must be at least "
            + Defaults.POD_MEMORY_LIMIT_MIN
            + ": the engine's JVM takes its heap as a share of it",
    fieldPath = ".limits.memory")
public class EngineResources {

  @JsonPropertyDescription(
      "What the scheduler reserves for the container. Unset: cpu "
          + Defaults.POD_CPU_REQUEST
          + ", memory "
          + Defaults.POD_MEMORY_REQUEST
          + ".")
  private ResourceAmounts requests;

  @JsonPropertyDescription(
      "Most the container may use. Unset: memory "
          + Defaults.POD_MEMORY_LIMIT
          + ", no cpu limit (a throttled proxy delays every call it carries).")
  private ResourceAmounts limits;

  public ResourceAmounts getRequests() {
    return requests;
  }

  public void setRequests(ResourceAmounts requests) {
    this.requests = requests;
  }

  public ResourceAmounts getLimits() {
    return limits;
  }

  public void setLimits(ResourceAmounts limits) {
    this.limits = limits;
  }
}
