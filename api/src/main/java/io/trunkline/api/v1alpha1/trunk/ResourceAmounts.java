package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** CPU and memory in Kubernetes quantities (250m, 1, 512Mi, 1Gi). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourceAmounts {

  /** A Kubernetes quantity without a sign (k8s.io/apimachinery resource.Quantity). */
  static final String QUANTITY =
      "^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+))?$";

  @Size(max = 32)
  @Pattern(QUANTITY)
  @JsonPropertyDescription("CPU in cores or millicores: 1, 500m.")
  private String cpu;

  @Size(max = 32)
  @Pattern(QUANTITY)
  @JsonPropertyDescription("Memory in bytes with a suffix: 512Mi, 1Gi.")
  private String memory;

  public String getCpu() {
    return cpu;
  }

  public void setCpu(String cpu) {
    this.cpu = cpu;
  }

  public String getMemory() {
    return memory;
  }

  public void setMemory(String memory) {
    this.memory = memory;
  }
}
