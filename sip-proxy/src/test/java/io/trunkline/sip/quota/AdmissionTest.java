package io.trunkline.sip.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfig.Line;
import io.trunkline.sip.OfficeTrunk;
import io.trunkline.sip.metrics.Refusal;
import io.trunkline.sip.metrics.RejectReason;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  private final AtomicLong nanoTime = new AtomicLong();
  private final InMemoryChannelQuota quota = new InMemoryChannelQuota(nanoTime::get);
  private final Admission admission = new Admission(quota, "replica");

  @Test
  void refusesOverTheRateBeforeTakingAnyChannel() {
    TrunkConfig trunk = office(10, 1);
    assertThat(admit(trunk, null, null)).isInstanceOf(Admission.Verdict.Admitted.class);

    Refusal refused = refusal(admit(trunk, null, null));

    assertThat(refused.counted()).isEqualTo(RejectReason.CPS);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    assertThat(admission.trunkInUse("office")).isOne();
  }

  @Test
  void refusesOverTheTrunksChannelsUntilACallEnds() {
    TrunkConfig trunk = office(1, 0);
    CallChannels first = channels(admit(trunk, null, null));

    Refusal full = refusal(admit(trunk, null, null));
    first.release();
    first.release();

    assertThat(full.counted()).isEqualTo(RejectReason.QUOTA);
    assertThat(full.retryAfterSeconds()).isEqualTo(5);
    assertThat(admission.trunkInUse("office")).isZero();
    assertThat(admit(trunk, null, null)).isInstanceOf(Admission.Verdict.Admitted.class);
  }

  @Test
  void aBusyLineIsRefused486AndTheTrunkChannelTakenForItComesBack() {
    TrunkConfig trunk = office(4, 0);
    Line anna = trunk.lines().get(0);
    Line ben = trunk.lines().get(1);
    channels(admit(trunk, anna, ben));

    Refusal callerBusy = refusal(admit(trunk, anna, null));
    Refusal calleeBusy = refusal(admit(trunk, null, ben));

    assertThat(callerBusy.status()).isEqualTo(486);
    assertThat(calleeBusy.counted()).isEqualTo(RejectReason.BUSY);
    assertThat(admission.trunkInUse("office")).isOne();
    assertThat(admission.lineInUse("anna")).isOne();
    assertThat(admission.lineInUse("ben")).isOne();
  }

  @Test
  void anEmergencyCallPassesASpentRateAFullTrunkAndABusyLineUpToTheExtraChannels() {
    // One channel, one call per second, one emergency channel beyond them (OfficeTrunk).
    TrunkConfig trunk = office(1, 1);
    Line anna = trunk.lines().get(0);
    channels(admit(trunk, anna, null));
    assertThat(refusal(admit(trunk, null, null)).counted()).isEqualTo(RejectReason.CPS);

    CallChannels emergency = channels(emergencyFrom(trunk, anna));
    Refusal beyondTheExtra = refusal(emergencyFrom(trunk, null));

    assertThat(admission.trunkInUse("office")).isEqualTo(2);
    assertThat(admission.lineInUse("anna")).isEqualTo(2);
    assertThat(beyondTheExtra.counted()).isEqualTo(RejectReason.QUOTA);
    assertThat(beyondTheExtra.status()).isEqualTo(503);
    // The emergency calls left the spent budget as it was: an ordinary call is still over the rate.
    assertThat(refusal(admit(trunk, null, null)).counted()).isEqualTo(RejectReason.CPS);
    emergency.release();
    assertThat(admission.trunkInUse("office")).isOne();
    assertThat(admission.lineInUse("anna")).isOne();
  }

  @Test
  void anEmergencyCallSpendsNoTokenOfTheRate() {
    TrunkConfig trunk = office(10, 1);

    channels(emergencyFrom(trunk, null));
    channels(emergencyFrom(trunk, null));

    assertThat(admit(trunk, null, null)).isInstanceOf(Admission.Verdict.Admitted.class);
  }

  private Admission.Verdict emergencyFrom(TrunkConfig trunk, Line caller) {
    return admission.admitEmergency(trunk, caller).toCompletableFuture().join();
  }

  private Admission.Verdict admit(TrunkConfig trunk, Line caller, Line callee) {
    return admission.admit(trunk, caller, callee).toCompletableFuture().join();
  }

  private static TrunkConfig office(int channels, int callsPerSecond) {
    return OfficeTrunk.snapshot(channels, callsPerSecond).config();
  }

  private static Refusal refusal(Admission.Verdict verdict) {
    assertThat(verdict).isInstanceOf(Admission.Verdict.Refused.class);
    return ((Admission.Verdict.Refused) verdict).refusal();
  }

  private static CallChannels channels(Admission.Verdict verdict) {
    assertThat(verdict).isInstanceOf(Admission.Verdict.Admitted.class);
    return ((Admission.Verdict.Admitted) verdict).channels();
  }
}
