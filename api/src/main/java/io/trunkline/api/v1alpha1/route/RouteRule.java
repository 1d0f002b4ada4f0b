package io.trunkline.api.v1alpha1.route;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One routing rule: what calls it matches and whether it routes or rejects them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.route) != has(self.reject)",
    message = "a rule either routes (route) or rejects (reject), not both or neither")
public class RouteRule {

  @Required
  @Size(max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the rule within the policy; a DNS label.")
  private String name;

  @Required
  @JsonPropertyDescription("Which calls the rule applies to.")
  private RouteMatch match;

  @Size(min = 1, max = 16)
  @JsonPropertyDescription(
      "Carriers to send matching calls to: lowest priority first, by weight within a priority,"
          + " the next priority when those fail.")
  private List<RouteTarget> route;

  @JsonPropertyDescription("Refuse matching calls, e.g. blocked international destinations.")
  private RouteReject reject;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public RouteMatch getMatch() {
    return match;
  }

  public void setMatch(RouteMatch match) {
    this.match = match;
  }

  public List<RouteTarget> getRoute() {
    return route;
  }

  public void setRoute(List<RouteTarget> route) {
    this.route = route;
  }

  public RouteReject getReject() {
    return reject;
  }

  public void setReject(RouteReject reject) {
    this.reject = reject;
  }
}
