package io.trunkline.api.v1alpha1.route;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Days and hours, in the policy's time zone, during which a rule applies. A window whose end comes
 * before its start crosses midnight: 18:00 to 08:00 on Friday holds from Friday 18:00 to Saturday
 * 08:00, as after-hours rules are written.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.start != self.end",
    message = "start and end must differ; a window ending before it starts runs past midnight")
public class TimeWindow {

  @Size(min = 1, max = 7)
  @JsonPropertyDescription("Days of the week the window starts on. Unset: every day.")
  private List<Weekday> days;

  @Required
  @Size(max = 5)
  @Pattern("^([01][0-9]|2[0-3]):[0-5][0-9]$")
  @JsonPropertyDescription("First minute of the window, HH:MM.")
  private String start;

  @Required
  @Size(max = 5)
  @Pattern("^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")
  @JsonPropertyDescription(
      "End of the window, HH:MM, exclusive; 24:00 for midnight. Before start: the window ends"
          + " on the next day.")
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
