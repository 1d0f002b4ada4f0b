package io.trunkline.api.v1alpha1.route;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.trunkline.api.v1alpha1.Defaults;
import java.util.List;

/** Which trunks a policy applies to and its rules, tried longest match first. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RoutePolicySpec {

  @Required
  @Size(min = 1, max = 16)
  @JsonPropertyDescription(
      "Names of the SipTrunks, in the same namespace, whose calls this policy routes.")
  private List<String> trunks;

  @Default(Defaults.TIME_ZONE)
  @Size(max = 64)
  @Pattern("^[A-Za-z0-9_+/-]+$")
  @JsonPropertyDescription(
      "IANA time zone the rules' time windows are read in, e.g. Europe/Berlin.")
  private String timeZone;

  @Required
  @Size(min = 1, max = 128)
  @ValidationRule(
      value = "self.all(r, self.exists_one(s, s.name == r.name))",
      message = "rule names must be unique within a policy")
  @JsonPropertyDescription(
      "Rules; a call takes the rule with the longest matching prefix, the first listed on a tie.")
  private List<RouteRule> rules;

  public List<String> getTrunks() {
    return trunks;
  }

  public void setTrunks(List<String> trunks) {
    this.trunks = trunks;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public void setTimeZone(String timeZone) {
    this.timeZone = timeZone;
  }

  public List<RouteRule> getRules() {
    return rules;
  }

  public void setRules(List<RouteRule> rules) {
    this.rules = rules;
  }
}
