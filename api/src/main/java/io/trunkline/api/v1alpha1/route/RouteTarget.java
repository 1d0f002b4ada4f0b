package io.trunkline.api.v1alpha1.route;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.trunkline.api.v1alpha1.Defaults;

/** A carrier of the trunk that carries matching calls. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteTarget {

  @Required
  @Size(max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of a carrier of the trunk (spec.carriers[].name).")
  private String carrier;

  @Default("" + Defaults.PRIORITY)
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Failover order within the rule: lower first.")
  private Integer priority;

  @Default("" + Defaults.WEIGHT)
  @Min(0)
  @Max(1000)
  @JsonPropertyDescription("Share of calls among targets of the same priority.")
  private Integer weight;

  public String getCarrier() {
    return carrier;
  }

  public void setCarrier(String carrier) {
    this.carrier = carrier;
  }

  public Integer getPriority() {
    return priority;
  }

  public void setPriority(Integer priority) {
    this.priority = priority;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }
}
