package io.trunkline.api.v1alpha1.route;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Days and hours, in the policy's time zone, during which a rule applies. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.start < self.end", message = "start must be before end")
public class TimeWindow {

  @Size(min = 1, max = 7)
  @JsonPropertyDescription("Days of the week. Unset: every day.")
  private List<Weekday> days;

  @Required
  @Size(max = 5)
  @Pattern("^([01][0-9]|2[0-3]):[0-5][0-9]$")
  @JsonPropertyDescription("First minute of the window, HH:MM.")
  private String start;

  @Required
  @Size(max = 5)
  @Pattern("^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")
  @JsonPropertyDescription("End of the window, HH:MM, exclusive; 24:00 for midnight.")
  private String end;

  public List<Weekday> getDays() {
    return days;
  }

  public void setDays(List<Weekday> days) {
    this.days = days;
  }

  public String getStart() {
    return start;
  }

  public void setStart(String start) {
    this.start = start;
  }

  public String getEnd() {
    return end;
  }

  public void setEnd(String end) {
    this.end = end;
  }
}
