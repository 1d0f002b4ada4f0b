package io.trunkline.api.v1alpha1.route;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What a call must look like for a rule to apply; every field set must match. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.prefixes) || has(self.pattern)",
    message = "match on prefixes, a pattern, or both")
public class RouteMatch {

  @Size(min = 1, max = 256)
  @JsonPropertyDescription(
      "E.164 prefixes of the dialled number (normalised to +CC...): + and up to 15 digits;"
          + " + alone matches every number.")
  private List<@Size(max = 16) @Pattern("^[+][0-9]{0,15}$") String> prefixes;

  @Size(max = 256)
  @JsonPropertyDescription(
      "Regular expression the whole normalised number must match, e.g. \\+1(800|888)[0-9]{7}.")
  private String pattern;

  @Size(max = 256)
  @JsonPropertyDescription("Only calls from these SipLines (names). Unset: calls from anyone.")
  private List<String> fromLines;

  @Size(max = 32)
  @JsonPropertyDescription("Only calls placed inside one of these windows. Unset: at any time.")
  private List<TimeWindow> timeWindows;

  public List<String> getPrefixes() {
    return prefixes;
  }

  public void setPrefixes(List<String> prefixes) {
    this.prefixes = prefixes;
  }

  public String getPattern() {
    return pattern;
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  public List<String> getFromLines() {
    return fromLines;
  }

  public void setFromLines(List<String> fromLines) {
    this.fromLines = fromLines;
  }

  public List<TimeWindow> getTimeWindows() {
    return timeWindows;
  }

  public void setTimeWindows(List<TimeWindow> timeWindows) {
    this.timeWindows = timeWindows;
  }
}
