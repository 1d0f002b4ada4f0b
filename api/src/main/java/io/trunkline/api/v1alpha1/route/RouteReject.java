package io.trunkline.api.v1alpha1.route;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.trunkline.api.v1alpha1.Defaults;

/** How a rule refuses calls. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteReject {

  @Default("" + Defaults.REJECT_STATUS)
  @ValidationRule(
      value = "self in [403, 404, 480, 484, 486, 488, 503, 603]",
      message = "status must be one of 403, 404, 480, 484, 486, 488, 503, 603")
  @JsonPropertyDescription("SIP final response sent to the caller, 403 Forbidden by default.")
  private Integer status;

  @Size(max = 128)
  @JsonPropertyDescription("Reason phrase of the response, e.g. International calls blocked.")
  private String reason;

  public Integer getStatus() {
    return status;
  }

  public void setStatus(Integer status) {
    this.status = status;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
