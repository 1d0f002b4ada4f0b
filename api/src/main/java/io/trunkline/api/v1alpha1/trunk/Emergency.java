package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.trunkline.api.v1alpha1.Defaults;
import java.util.List;

/**
 * A trunk's emergency numbers as its phones and PBX dial them, and the carriers that take them.
 * Such a call from the trunk's own side passes every limit: calls per second, channels (up to
 * {@code extraChannels} beyond them), a busy line, a banned source and the RoutePolicies.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Emergency {

  @Required
  @Size(min = 1, max = 16)
  @JsonPropertyDescription(
      "Emergency numbers as dialled (112, 911, 110, or +49112 if a PBX sends them so); a call"
          + " matches when its dialled number, without visual separators, is one of them.")
  private List<@Size(max = 16) @Pattern("^[+]?[0-9]{1,15}$") String> numbers;

  @Required
  @Size(min = 1, max = 16)
  @JsonPropertyDescription(
      "Carriers of the trunk (spec.carriers[].name) that take emergency calls, tried in this"
          + " order; RoutePolicies do not apply to emergency calls.")
  private List<@Size(max = 63) @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String> carriers;

  @Default("" + Defaults.EMERGENCY_EXTRA_CHANNELS)
  @Min(0)
  @Max(1000)
  @JsonPropertyDescription(
      "Emergency calls the trunk may carry beyond spec.channels when its channels are all in use;"
          + " one beyond those is refused like any call.")
  private Integer extraChannels;

  public List<String> getNumbers() {
    return numbers;
  }

  public void setNumbers(List<String> numbers) {
    this.numbers = numbers;
  }

  public List<String> getCarriers() {
    return carriers;
  }

  public void setCarriers(List<String> carriers) {
    this.carriers = carriers;
  }

  public Integer getExtraChannels() {
    return extraChannels;
  }

  public void setExtraChannels(Integer extraChannels) {
    this.extraChannels = extraChannels;
  }
}
