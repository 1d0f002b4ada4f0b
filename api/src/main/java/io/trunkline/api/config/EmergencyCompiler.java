package io.trunkline.api.config;

import static java.util.Objects.requireNonNullElse;

import io.trunkline.api.v1alpha1.Defaults;
import io.trunkline.api.v1alpha1.trunk.Emergency;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compiles a trunk's emergency numbers. The API server checks the same in its schema; standalone
 * mode has none, so the compiler checks again. A fault blocks the snapshot, so the last good one,
 * with its emergency numbers, stays in force (decision 0006).
 */
final class EmergencyCompiler {

  /** As dialled: digits, an optional leading +, at most 15 digits (ITU-T E.164 §6). */
  private static final Pattern NUMBER = Pattern.compile("\\+?[0-9]{1,15}");

  private EmergencyCompiler() {}

  static TrunkConfig.Emergency compile(
      String trunk, Emergency emergency, Set<String> carriers, Problems problems) {
    if (emergency == null) {
      return TrunkConfig.Emergency.NONE;
    }
    int before = problems.count();
    List<String> numbers = requireNonNullElse(emergency.getNumbers(), List.<String>of());
    List<String> takers = requireNonNullElse(emergency.getCarriers(), List.<String>of());
    if (numbers.isEmpty() || takers.isEmpty()) {
      problems.block(
          "SipTrunk",
          trunk,
          Problem.INVALID_TRUNK,
          "emergency needs at least one number and one carrier");
    }
    for (String number : numbers) {
      if (number == null || !NUMBER.matcher(number).matches()) {
        problems.block(
            "SipTrunk",
            trunk,
            Problem.INVALID_TRUNK,
            "emergency number " + number + " is not digits with an optional leading +");
      }
    }
    for (String carrier : takers) {
      if (!carriers.contains(carrier)) {
        problems.block(
            "SipTrunk",
            trunk,
            Problem.INVALID_TRUNK,
            "emergency carrier " + carrier + " is not a carrier of the trunk");
      }
    }
    int extraChannels =
        requireNonNullElse(emergency.getExtraChannels(), Defaults.EMERGENCY_EXTRA_CHANNELS);
    if (extraChannels < 0 || extraChannels > 1000) {
      problems.block(
          "SipTrunk",
          trunk,
          Problem.INVALID_TRUNK,
          "emergency extraChannels " + extraChannels + " is outside 0-1000");
    }
    return problems.count() > before
        ? TrunkConfig.Emergency.NONE
        : new TrunkConfig.Emergency(
            numbers.stream().distinct().toList(),
            takers.stream().distinct().toList(),
            extraChannels);
  }
}
