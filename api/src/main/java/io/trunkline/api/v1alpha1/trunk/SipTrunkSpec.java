package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.trunkline.api.v1alpha1.Defaults;
import java.util.ArrayList;
import java.util.List;

/** What a SipTrunk should carry and how it is served. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.emergency) || self.emergency.carriers.all(c, self.carriers.exists(d, d.name =="
            + " c))",
    message = "emergency.carriers must name carriers of this trunk",
    fieldPath = ".emergency.carriers")
public class SipTrunkSpec {

  @Required
  @Min(1)
  @Max(100_000)
  @JsonPropertyDescription(
      "Channels of the trunk: the most concurrent calls it carries. A call beyond them is"
          + " refused with 503 Service Unavailable and a Retry-After.")
  private Integer channels;

  @Min(1)
  @Max(10_000)
  @JsonPropertyDescription(
      "Most new calls per second the trunk accepts, so that a retry storm cannot flood the"
          + " carriers. Unset means no limit beyond the channels.")
  private Integer callsPerSecond;

  @Required
  @Size(min = 1, max = 16)
  @ValidationRule(
      value = "self.all(c, self.exists_one(d, d.name == c.name))",
      message = "carrier names must be unique within a trunk")
  @JsonPropertyDescription(
      "Upstream carriers (ITSPs) the trunk sends calls to. While no RoutePolicy names the trunk,"
          + " a call to a number that is not one of its lines goes to them in their own order:"
          + " the lowest priority first, by weight within one priority, the others in turn when"
          + " one fails; carriers found down are skipped. Once a RoutePolicy names the trunk,"
          + " only its rules route calls, and a number none of them matches is refused (404), so"
          + " a policy also blocks what it does not list.")
  private List<Carrier> carriers = new ArrayList<>();

  @JsonPropertyDescription("DSCP marks of the trunk's signalling and media packets.")
  private Qos qos;

  @JsonPropertyDescription("Bounds of the SIP proxy pool and the load that sizes it.")
  private Scaling scaling;

  @JsonPropertyDescription(
      "Where the proxies share their state, so that several replicas keep the trunk's channels"
          + " and calls per second as one proxy would. Unset: each replica takes"
          + " 1/spec.scaling.maxReplicas of them, and registrations stay on the replica that took"
          + " them.")
  private Store store;

  @JsonPropertyDescription(
      "CPU and memory of the proxies' and relays' containers (on Kubernetes; standalone mode"
          + " ignores it). Unset: each asks for "
          + Defaults.POD_CPU_REQUEST
          + " and "
          + Defaults.POD_MEMORY_REQUEST
          + " and is limited to "
          + Defaults.POD_MEMORY_LIMIT
          + ". A proxy taking more than about 2,500 new calls a second wants a larger memory"
          + " limit.")
  private PodResources resources;

  @JsonPropertyDescription("Where the trunk's proxies take SIP.")
  private SipListener sip;

  @JsonPropertyDescription("How the trunk carries RTP.")
  private Media media;

  @Size(max = 8)
  @JsonPropertyDescription(
      "Zones (values of the topology.kubernetes.io/zone node label) the pools spread over and"
          + " fail over between. Empty: spread over the zones the nodes have.")
  private List<String> zones;

  @JsonPropertyDescription("How fast the trunk moves from a failing carrier to the next.")
  private Failover failover;

  @JsonPropertyDescription(
      "CAs the proxies trust, beside the JDK's, for the certificates of carriers reached over"
          + " TLS: needed for a carrier whose certificate a private CA signed. Unset: the JDK's"
          + " trust anchors only.")
  private CarrierCa carrierCa;

  @JsonPropertyDescription("How the trunk recognises its PBX. Unset: only SipLines may call.")
  private PbxAdmission pbx;

  @JsonPropertyDescription(
      "Emergency numbers as dialled and the carriers that take them; such calls from the"
          + " trunk's lines and PBX pass every limit. Unset: no number is treated so.")
  private Emergency emergency;

  @JsonPropertyDescription(
      "How many REGISTERs each proxy takes per source address and port and for the whole trunk"
          + " before it answers 503 with a Retry-After. Unset: 5 a second with a burst of 30 per"
          + " source, 200 a second with a burst of 400 per trunk.")
  private Registration registration;

  @JsonPropertyDescription(
      "When a proxy running behind its messages refuses new calls at once. Unset: beyond 2000"
          + " messages waiting on the call's worker.")
  private Overload overload;

  @Default("" + Defaults.MAX_CALL_DURATION_SECONDS)
  @Min(60)
  @Max(86400)
  @JsonPropertyDescription(
      "Longest call in seconds; a dialog whose BYE never comes is released after it, so lost"
          + " BYEs cannot leak channels.")
  private Integer maxCallDurationSeconds;

  public PodResources getResources() {
    return resources;
  }

  public void setResources(PodResources resources) {
    this.resources = resources;
  }

  public Integer getChannels() {
    return channels;
  }

  public void setChannels(Integer channels) {
    this.channels = channels;
  }

  public Integer getCallsPerSecond() {
    return callsPerSecond;
  }

  public void setCallsPerSecond(Integer callsPerSecond) {
    this.callsPerSecond = callsPerSecond;
  }

  public List<Carrier> getCarriers() {
    return carriers;
  }

  public void setCarriers(List<Carrier> carriers) {
    this.carriers = carriers;
  }

  public Qos getQos() {
    return qos;
  }

  public void setQos(Qos qos) {
    this.qos = qos;
  }

  public Scaling getScaling() {
    return scaling;
  }

  public void setScaling(Scaling scaling) {
    this.scaling = scaling;
  }

  public Store getStore() {
    return store;
  }

  public void setStore(Store store) {
    this.store = store;
  }

  public SipListener getSip() {
    return sip;
  }

  public void setSip(SipListener sip) {
    this.sip = sip;
  }

  public Media getMedia() {
    return media;
  }

  public void setMedia(Media media) {
    this.media = media;
  }

  public List<String> getZones() {
    return zones;
  }

  public void setZones(List<String> zones) {
    this.zones = zones;
  }

  public Failover getFailover() {
    return failover;
  }

  public void setFailover(Failover failover) {
    this.failover = failover;
  }

  public CarrierCa getCarrierCa() {
    return carrierCa;
  }

  public void setCarrierCa(CarrierCa carrierCa) {
    this.carrierCa = carrierCa;
  }

  public PbxAdmission getPbx() {
    return pbx;
  }

  public void setPbx(PbxAdmission pbx) {
    this.pbx = pbx;
  }

  public Emergency getEmergency() {
    return emergency;
  }

  public void setEmergency(Emergency emergency) {
    this.emergency = emergency;
  }

  public Registration getRegistration() {
    return registration;
  }

  public void setRegistration(Registration registration) {
    this.registration = registration;
  }

  public Overload getOverload() {
    return overload;
  }

  public void setOverload(Overload overload) {
    this.overload = overload;
  }

  public Integer getMaxCallDurationSeconds() {
    return maxCallDurationSeconds;
  }

  public void setMaxCallDurationSeconds(Integer maxCallDurationSeconds) {
    this.maxCallDurationSeconds = maxCallDurationSeconds;
  }
}
